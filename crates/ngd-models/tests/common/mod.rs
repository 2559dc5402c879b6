//! Shared helpers of the `ngd-models` integration tests: proptest strategies and
//! ([`model_checks`]) the checks every model of the open abstraction runs.
// Each test crate uses a subset of these helpers.
#![allow(dead_code)]

pub mod model_checks;

use ndarray::Array2;
use proptest::collection::vec;
use proptest::prelude::*;

/// `(factors, target, mask)` of a completion problem with L 1–4 and D 1–`max_d`: factor entries
/// in ±1.2, target entries in ±2, mask entries 0 or 1.
pub fn completion_problem(
    max_d: usize,
) -> impl Strategy<Value = (Vec<Array2<f64>>, Array2<f64>, Array2<f64>)> {
    (1..=4usize, 1..=max_d).prop_flat_map(|(l, d)| {
        (
            vec(vec(-1.2..1.2f64, d * d), l),
            vec(-2.0..2.0f64, d * d),
            vec(prop_oneof![Just(0.0), Just(1.0)], d * d),
        )
            .prop_map(move |(ws, m, mask)| {
                let factors = ws
                    .into_iter()
                    .map(|w| Array2::from_shape_vec((d, d), w).unwrap())
                    .collect();
                let target = Array2::from_shape_vec((d, d), m).unwrap();
                let mask = Array2::from_shape_vec((d, d), mask).unwrap();
                (factors, target, mask)
            })
    })
}
