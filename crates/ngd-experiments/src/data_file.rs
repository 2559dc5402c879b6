//! Classification data from a CSV file, for experiments run on a researcher's own data.
//!
//! Format: a header row, then one row per sample; every column but the last is a feature
//! (`D` columns), the last column is the label, `+1` or `−1` (written `1`, `+1`, `-1`, `1.0`,
//! `-1.0`). Every problem is a [`ConfigError`] naming the file, the row (1-based, the header
//! is row 1) and the column: unreadable file, no samples, a row with a different number of
//! columns, a cell that is not a number, a non-finite value, a label other than ±1.
//!
//! **The header rule.** A first row whose every cell is a number is data, not a header: the
//! file is refused (a sample is never silently taken as column names).
//!
//! **Read once, by content.** The file is read through [`ngd_harness::inputs::read_input`]:
//! once per command (a FIFO or `<(cat file)` works, a file edited during a run cannot give runs
//! on different data), and its SHA-256 goes into the manifest and every run record when it is
//! read in the experiment's `validate`.
//!
//! [`require_separable`] checks linear separability (through the origin) for experiments whose
//! claims assume it, scale-invariantly and in `O(N·D)` memory (see its docs).

use ndarray::{Array1, Array2};
use ngd_data::Classification;
use ngd_harness::error::ConfigError;
use ngd_harness::inputs::read_input;
use ngd_optim::OptimError;
use ngd_optim::baselines::l2_max_margin;
use std::path::Path;

/// Reads a labelled data set from a CSV file (see the module docs for the format).
///
/// # Errors
///
/// [`ConfigError::Usage`] naming the file, and the row and column where one is at fault.
pub fn load_classification_csv(path: &Path) -> Result<Classification, ConfigError> {
    let input = read_input(path, "data file")?;
    parse_classification_csv(&input.bytes, path)
}

/// Parses the CSV text `bytes` (see the module docs); `path` names it in messages.
///
/// # Errors
///
/// [`ConfigError::Usage`] naming `path`, and the row and column where one is at fault.
pub fn parse_classification_csv(bytes: &[u8], path: &Path) -> Result<Classification, ConfigError> {
    let bad =
        |message: String| ConfigError::Usage(format!("data file {}: {message}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| bad(format!("cannot read the header row: {e}")))?;
    let header_len = header.len();
    if header_len < 2 {
        return Err(bad(format!(
            "the header has {header_len} column(s); expected at least one feature column and a label column"
        )));
    }
    if header.iter().all(|cell| cell.parse::<f64>().is_ok()) {
        return Err(bad(format!(
            "row 1 is all numbers (`{}`): it is a sample, not a header; add a header row naming \
             the columns, e.g. `x1,…,x{},y`",
            clip(&header.iter().collect::<Vec<_>>().join(",")),
            header_len - 1
        )));
    }
    let d = header_len - 1;
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| bad(format!("row {row}: {e}")))?;
        if record.len() != header_len {
            return Err(bad(format!(
                "row {row} has {} columns; the header has {header_len} ({d} features and a label)",
                record.len()
            )));
        }
        for (col, cell) in record.iter().enumerate() {
            let value: f64 = cell.parse().map_err(|_| {
                bad(format!(
                    "row {row}, column {}: `{}` is not a number",
                    col + 1,
                    clip(cell)
                ))
            })?;
            if !value.is_finite() {
                return Err(bad(format!(
                    "row {row}, column {}: non-finite value `{}`",
                    col + 1,
                    clip(cell)
                )));
            }
            if col < d {
                features.push(value);
            } else if value == 1.0 || value == -1.0 {
                labels.push(value);
            } else {
                return Err(bad(format!(
                    "row {row}, column {}: label `{}` is not +1 or -1",
                    col + 1,
                    clip(cell)
                )));
            }
        }
    }
    let n = labels.len();
    if n == 0 {
        return Err(bad("no samples (only a header)".into()));
    }
    let x = Array2::from_shape_vec((n, d), features).map_err(|e| bad(e.to_string()))?;
    Classification::new(x, Array1::from(labels)).map_err(|e| bad(e.to_string()))
}

fn clip(text: &str) -> String {
    ngd_harness::error::clip(text, ngd_harness::error::CLIP_CHARS)
}

/// Errors unless `data` is linearly separable by a hyperplane through the origin (a hard-margin
/// SVM is feasible), naming `what` in the message.
///
/// Scale-invariant: `X̃β > 0` holds for a `β` exactly when it holds for the rows of `X̃ = diag(y)X`
/// each divided by its (overflow-safe) length, so the check solves the max-margin QP on unit
/// rows — data scaled by `1e-8` or `1e150` is judged like the data itself. A sample whose
/// features are all zero has margin 0 for every `β` and is named. Memory: the QP's constraint
/// matrix holds `X̃` (`N·D` values) and its quadratic term is the sparse identity.
///
/// # Errors
///
/// [`ConfigError::Usage`]: a zero sample, data that is not separable, or a failure of the QP,
/// each saying which.
pub fn require_separable(data: &Classification, what: &str) -> Result<(), ConfigError> {
    let mut unit = data.signed();
    for (n, mut row) in unit.rows_mut().into_iter().enumerate() {
        let scale = row.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        if scale == 0.0 {
            return Err(ConfigError::Usage(format!(
                "{what}: sample {} has every feature 0, so no hyperplane through the origin \
                 separates it (its margin is 0 for every β); this experiment's claims assume \
                 separable data",
                n + 1
            )));
        }
        row.mapv_inplace(|v| v / scale);
        let length = row.dot(&row).sqrt();
        row.mapv_inplace(|v| v / length);
    }
    match l2_max_margin(unit.view()) {
        Ok(_) => Ok(()),
        Err(OptimError::NotSeparable { .. }) => Err(ConfigError::Usage(format!(
            "{what} is not linearly separable (through the origin); this experiment's claims \
             assume separable data"
        ))),
        Err(other) => Err(ConfigError::Usage(format!(
            "{what}: the separability check (the max-margin QP on the samples scaled to unit \
             length) failed: {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Classification, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.csv");
        std::fs::write(&path, text).unwrap();
        load_classification_csv(&path)
    }

    fn message(text: &str) -> String {
        load(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_a_valid_file() {
        let data = load("x1,x2,y\n1.0,2.0,1\n-1,0.5,-1\n0,3,+1\n").unwrap();
        assert_eq!((data.n(), data.d()), (3, 2));
        assert_eq!(data.y.to_vec(), vec![1.0, -1.0, 1.0]);
        assert_eq!(data.x[[1, 1]], 0.5);
    }

    #[test]
    fn every_bad_file_names_the_problem() {
        for (text, needle) in [
            ("x1,y\n", "no samples"),
            ("y\n1\n", "at least one feature"),
            ("x1,x2,y\n1,2\n", "row 2 has 2 columns"),
            (
                "x1,y\n1,1\n2,abc\n",
                "row 3, column 2: `abc` is not a number",
            ),
            ("x1,y\nNaN,1\n", "non-finite"),
            ("x1,y\ninf,1\n", "non-finite"),
            ("x1,y\n1,0\n", "label `0` is not +1 or -1"),
            ("x1,y\n1,2\n", "label `2`"),
        ] {
            let m = message(text);
            assert!(m.contains(needle), "`{needle}` missing from: {m}");
            assert!(m.contains("data.csv"), "path missing from: {m}");
        }
    }

    #[test]
    fn missing_file_names_the_path() {
        let m = load_classification_csv(Path::new("/nonexistent/data.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("/nonexistent/data.csv") && m.contains("cannot read"),
            "{m}"
        );
    }

    #[test]
    fn a_first_row_of_numbers_is_refused_as_a_missing_header() {
        let m = message("1,2,1\n-1,0,-1\n");
        assert!(
            m.contains("row 1 is all numbers") && m.contains("x1,…,x2,y"),
            "{m}"
        );
        // A header with one numeric name is still a header.
        assert!(load("x1,2,y\n1,2,1\n").is_ok());
    }

    #[test]
    fn huge_cells_are_clipped_in_messages() {
        let cell = "z".repeat(100_000);
        let m = message(&format!("x1,y\n{cell},1\n"));
        assert!(
            m.len() < 1000 && m.contains("100000 characters in all"),
            "{}",
            m.len()
        );
    }

    /// Rows `(±(1 + i/10), 0.5)` with label `+1`/`−1` alternating: separable by `β = e_1`.
    fn scaled(scales: &[f64]) -> Classification {
        let n = scales.len();
        let x = Array2::from_shape_fn((n, 2), |(i, j)| {
            let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
            let v = if j == 0 {
                sign * (1.0 + i as f64 / 10.0)
            } else {
                0.5
            };
            v * scales[i]
        });
        let y = Array1::from_shape_fn(n, |i| if i % 2 == 0 { 1.0 } else { -1.0 });
        Classification::new(x, y).unwrap()
    }

    #[test]
    fn separability_does_not_depend_on_the_scale_of_the_data() {
        for scale in [1e-8, 1.0, 1e150, 1e-300] {
            let data = scaled(&[scale; 6]);
            assert!(require_separable(&data, "data").is_ok(), "scale {scale}");
        }
        // Rows of wildly different scales.
        let data = scaled(&[1e-200, 1e200, 1.0, 1e-5, 1e100, 3.0]);
        assert!(require_separable(&data, "data").is_ok());
        // Not separable stays not separable at any scale: x and −x with the same label.
        for scale in [1e-8, 1e150] {
            let x = Array2::from_shape_vec((2, 1), vec![scale, -scale]).unwrap();
            let data = Classification::new(x, Array1::from(vec![1.0, 1.0])).unwrap();
            let m = require_separable(&data, "data").unwrap_err().to_string();
            assert!(m.contains("not linearly separable"), "{m}");
        }
    }

    #[test]
    fn a_sample_of_zeros_is_named_as_the_reason() {
        let x = Array2::from_shape_vec((3, 2), vec![1.0, 0.0, 0.0, 0.0, -1.0, 0.0]).unwrap();
        let data = Classification::new(x, Array1::from(vec![1.0, 1.0, -1.0])).unwrap();
        let m = require_separable(&data, "training data")
            .unwrap_err()
            .to_string();
        assert!(m.contains("sample 2 has every feature 0"), "{m}");
    }

    #[test]
    fn two_samples_of_30000_features_are_checked_without_a_d_by_d_matrix() {
        // A D × D matrix would be 7.2 GB; the check holds N·D values.
        let d = 30_000;
        let x = Array2::from_shape_fn(
            (2, d),
            |(i, j)| if i == 0 { 1.0 } else { -1.0 } * (1.0 + (j % 7) as f64),
        );
        let data = Classification::new(x, Array1::from(vec![1.0, -1.0])).unwrap();
        assert!(require_separable(&data, "data").is_ok());
    }

    #[test]
    fn separability_is_checked() {
        let separable = load("x1,x2,y\n1,0,1\n-1,0,-1\n2,1,1\n").unwrap();
        assert!(require_separable(&separable, "training data").is_ok());
        let xor = load("x1,y\n1,1\n2,-1\n").unwrap();
        let m = require_separable(&xor, "training data")
            .unwrap_err()
            .to_string();
        assert!(m.contains("not linearly separable"), "{m}");
    }
}
