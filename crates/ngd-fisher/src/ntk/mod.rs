//! Neural tangent kernels of the deep linear models: how the outputs move in response to a
//! (Euclidean or natural) gradient step, for flows and for finite steps (the paper's §4 and
//! Fig. 3).

pub mod diagonal;
pub mod factorization;
