//! I.i.d. Gaussian matrices: inputs for population Fisher estimates, random data, inits.

use crate::DataError;
use ndarray::Array2;
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// A `rows × cols` matrix with i.i.d. `N(0, std²)` entries.
///
/// Each entry is `std · z` with `z` a standard normal draw; the draws are taken in row-major
/// order (row 0 left to right, then row 1, …), so the same generator state always gives the same
/// matrix, and a `rows × cols` matrix uses exactly `rows · cols` normal draws. Empty shapes give
/// an empty matrix and draw nothing.
///
/// # Errors
///
/// Returns an error if `std` is negative or not finite.
pub fn gaussian_matrix<R: Rng + ?Sized>(
    rows: usize,
    cols: usize,
    std: f64,
    rng: &mut R,
) -> Result<Array2<f64>, DataError> {
    if !(std.is_finite() && std >= 0.0) {
        return Err(DataError::Invalid {
            what: "standard deviation `std`",
            value: format!("{std}"),
            allowed: "must be finite and ≥ 0",
        });
    }
    let len = rows.checked_mul(cols).ok_or_else(|| DataError::Invalid {
        what: "matrix size `rows × cols`",
        value: format!("{rows} × {cols}"),
        allowed: "the entry count must fit in usize",
    })?;
    let mut data = Vec::with_capacity(len);
    for _ in 0..len {
        let z: f64 = rng.sample(StandardNormal);
        data.push(std * z);
    }
    Ok(Array2::from_shape_vec((rows, cols), data).expect("length equals rows · cols"))
}
