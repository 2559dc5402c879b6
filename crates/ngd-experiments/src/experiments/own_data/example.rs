//! The example data the `own-data` presets train on, `experiments/data/own-data-train.csv` and
//! `own-data-test.csv`: a sparse-Gaussian task of Fig. 4's kind drawn by
//! [`ngd_data::sparse_gaussian`] (`D = 30`, `k = 3`, `N = 20` training and 300 test samples,
//! Xoshiro256++ seeded with [`EXAMPLE_SEED`]), features rounded to 4 decimals and labels
//! `sign(x_1 + x_2 + x_3)` (ties → +1) recomputed from the rounded features, so the training
//! set stays separable by `β*`. The test `shipped_example_files_are_the_seeded_task` checks the
//! committed files against this generator; regenerate them with
//! `cargo test --release -p ngd-experiments --lib write_example_files -- --ignored`.

use ngd_data::{Classification, DataError, SparseGaussianSpec, sparse_gaussian};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::fmt::Write;

/// The seed of the example task.
pub(crate) const EXAMPLE_SEED: u64 = 2026;

/// The example's spec.
const SPEC: SparseGaussianSpec = SparseGaussianSpec {
    dim: 30,
    sparsity: 3,
    n_train: 20,
    n_test: 300,
};

/// `data` as CSV text: header `x1,…,xD,y`, features to 4 decimals, labels from the rounded
/// features.
fn to_csv(data: &Classification) -> String {
    let d = data.d();
    let mut text = (1..=d).map(|j| format!("x{j},")).collect::<String>() + "y\n";
    for row in data.x.rows() {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:.4}")).collect();
        let score: f64 = cells[..SPEC.sparsity]
            .iter()
            .map(|c| c.parse::<f64>().unwrap_or(f64::NAN))
            .sum();
        let label = if score >= 0.0 { 1 } else { -1 };
        let _ = writeln!(text, "{},{label}", cells.join(","));
    }
    text
}

/// The CSV texts `(train, test)` of the example.
///
/// # Errors
/// [`DataError`] if the spec were invalid (it is not).
pub(crate) fn example_csv() -> Result<(String, String), DataError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(EXAMPLE_SEED);
    let task = sparse_gaussian(&SPEC, &mut rng)?;
    Ok((to_csv(&task.train), to_csv(&task.test)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_file::{load_classification_csv, require_separable};

    #[test]
    fn shipped_example_files_are_the_seeded_task() {
        let (train, test) = example_csv().unwrap();
        let read = |name: &str| std::fs::read_to_string(super::super::example_path(name)).unwrap();
        assert_eq!(read("own-data-train.csv"), train);
        assert_eq!(read("own-data-test.csv"), test);
        let data = load_classification_csv(&super::super::example_path("own-data-train.csv"));
        let data = data.unwrap();
        assert_eq!((data.n(), data.d()), (SPEC.n_train, SPEC.dim));
        require_separable(&data, "the example").unwrap();
    }

    /// Writes the example files (run on purpose with `--ignored`).
    #[test]
    #[ignore = "regenerates experiments/data/own-data-*.csv"]
    fn write_example_files() {
        let (train, test) = example_csv().unwrap();
        std::fs::write(super::super::example_path("own-data-train.csv"), train).unwrap();
        std::fs::write(super::super::example_path("own-data-test.csv"), test).unwrap();
    }
}
