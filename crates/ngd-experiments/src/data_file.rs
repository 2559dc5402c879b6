//! Classification data from a CSV file, for experiments run on a researcher's own data.
//!
//! Format: a header row, then one row per sample; every column but the last is a feature
//! (`D` columns), the last column is the label, `+1` or `−1` (written `1`, `+1`, `-1`, `1.0`,
//! `-1.0`). Every problem is a [`ConfigError`] naming the file, the row (1-based, the header
//! is row 1) and the column: unreadable file, no samples, a row with a different number of
//! columns, a cell that is not a number, a non-finite value, a label other than ±1.
//! [`require_separable`] checks linear separability (through the origin) for experiments whose
//! claims assume it.

use ndarray::{Array1, Array2};
use ngd_data::Classification;
use ngd_harness::error::ConfigError;
use ngd_optim::OptimError;
use ngd_optim::baselines::l2_max_margin;
use std::path::Path;

/// Reads a labelled data set from a CSV file (see the module docs for the format).
pub fn load_classification_csv(path: &Path) -> Result<Classification, ConfigError> {
    let bad =
        |message: String| ConfigError::Usage(format!("data file {}: {message}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| bad(format!("cannot read it: {e}")))?;
    let header_len = reader
        .headers()
        .map_err(|e| bad(format!("cannot read the header row: {e}")))?
        .len();
    if header_len < 2 {
        return Err(bad(format!(
            "the header has {header_len} column(s); expected at least one feature column and a label column"
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
                    "row {row}, column {}: `{cell}` is not a number",
                    col + 1
                ))
            })?;
            if !value.is_finite() {
                return Err(bad(format!(
                    "row {row}, column {}: non-finite value `{cell}`",
                    col + 1
                )));
            }
            if col < d {
                features.push(value);
            } else if value == 1.0 || value == -1.0 {
                labels.push(value);
            } else {
                return Err(bad(format!(
                    "row {row}, column {}: label `{cell}` is not +1 or -1",
                    col + 1
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

/// Errors unless `data` is linearly separable by a hyperplane through the origin (a hard-margin
/// SVM is feasible), naming `what` in the message.
pub fn require_separable(data: &Classification, what: &str) -> Result<(), ConfigError> {
    match l2_max_margin(data.signed().view()) {
        Ok(_) => Ok(()),
        Err(OptimError::NotSeparable { .. }) => Err(ConfigError::Usage(format!(
            "{what} is not linearly separable (through the origin); this experiment's claims \
             assume separable data"
        ))),
        Err(other) => Err(ConfigError::Usage(format!(
            "{what}: separability check failed: {other}"
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
