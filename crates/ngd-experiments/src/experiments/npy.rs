//! Arrays in a results folder as NumPy `.npy` files (float64, C order; `numpy.load` reads
//! them), written atomically through the experiment's output folder.

use ndarray::{ArrayBase, Data, Dimension};
use ndarray_npy::WriteNpyExt;
use ngd_harness::error::Error;
use ngd_harness::output::ExperimentDir;

/// Writes `array` as `<file>` (`.npy`), atomically.
///
/// # Errors
///
/// [`Error::Format`] naming the file if the array cannot be encoded,
/// or the output folder's error if the file cannot be written.
pub(crate) fn write_npy<S, D>(
    out: &ExperimentDir,
    file: &str,
    array: &ArrayBase<S, D>,
) -> Result<(), Error>
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    let mut bytes = Vec::new();
    array
        .write_npy(&mut bytes)
        .map_err(|e| Error::format(&out.path(file), e))?;
    out.write_bytes(file, &bytes)?;
    Ok(())
}
