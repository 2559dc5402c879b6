//! A binary classification data set `(X, y)` with labels `±1`, and the quantities the
//! experiments read off it: signed data `X̃ = diag(y) X`, margins, accuracy, separability, and
//! linear transforms of the inputs (the paper's Theorems 1 and 2).

use crate::DataError;
use crate::error::check_finite;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// A binary classification data set: `x` is `N × D` (one sample per row), `y` holds `N` labels,
/// each exactly `+1` or `−1`.
///
/// The fields are public for easy construction and inspection; [`Classification::new`] and
/// [`Classification::validate`] check the invariants.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// Inputs, `N × D`.
    pub x: Array2<f64>,
    /// Labels, length `N`, each `±1`.
    pub y: Array1<f64>,
}

impl Classification {
    /// Builds a data set and [validates](Self::validate) it.
    ///
    /// # Errors
    ///
    /// As [`Classification::validate`].
    pub fn new(x: Array2<f64>, y: Array1<f64>) -> Result<Self, DataError> {
        let data = Self { x, y };
        data.validate()?;
        Ok(data)
    }

    /// The number of samples `N`.
    pub fn n(&self) -> usize {
        self.x.nrows()
    }

    /// The number of features `D`.
    pub fn d(&self) -> usize {
        self.x.ncols()
    }

    /// Checks `N ≥ 1`, `D ≥ 1`, `len(y) = N`, all inputs finite and all labels exactly `±1`.
    ///
    /// # Errors
    ///
    /// [`DataError::Shape`] if `N = 0`, `D = 0` or `len(y) ≠ N`; [`DataError::NonFinite`] if an
    /// input is NaN or infinite; [`DataError::Label`] with the index of the first label that is
    /// not exactly `±1`.
    pub fn validate(&self) -> Result<(), DataError> {
        let (n, d) = self.x.dim();
        if n == 0 || d == 0 {
            return Err(DataError::Shape {
                what: "inputs `x`",
                expected: "N × D with N ≥ 1 and D ≥ 1".into(),
                found: format!("{n} × {d}"),
            });
        }
        if self.y.len() != n {
            return Err(DataError::Shape {
                what: "labels `y`",
                expected: format!("length N = {n}"),
                found: format!("length {}", self.y.len()),
            });
        }
        check_finite("inputs `x`", self.x.iter())?;
        match self.y.iter().position(|&v| v != 1.0 && v != -1.0) {
            Some(index) => Err(DataError::Label {
                index,
                value: self.y[index],
            }),
            None => Ok(()),
        }
    }

    /// The signed data `X̃ = diag(y) X` (row `n` is `y_n x_n`), so that the margins are `X̃ β`.
    pub fn signed(&self) -> Array2<f64> {
        let mut xt = self.x.clone();
        for (mut row, &label) in xt.axis_iter_mut(Axis(0)).zip(&self.y) {
            row *= label;
        }
        xt
    }

    /// The margins `u_n = y_n x_nᵀ β`.
    ///
    /// # Errors
    ///
    /// Returns an error if `β` does not have length `D`.
    pub fn margins(&self, beta: ArrayView1<'_, f64>) -> Result<Array1<f64>, DataError> {
        if beta.len() != self.d() {
            return Err(DataError::Shape {
                what: "coefficients `beta`",
                expected: format!("length D = {}", self.d()),
                found: format!("length {}", beta.len()),
            });
        }
        Ok(self.x.dot(&beta) * &self.y)
    }

    /// The fraction of samples classified correctly by the linear classifier `β`, i.e. with a
    /// strictly positive margin `y_n x_nᵀ β > 0` (a zero margin counts as an error).
    ///
    /// # Errors
    ///
    /// Returns an error if `β` does not have length `D` or `N = 0`.
    pub fn accuracy(&self, beta: ArrayView1<'_, f64>) -> Result<f64, DataError> {
        if self.n() == 0 {
            return Err(DataError::Degenerate {
                what: "data set",
                why: "accuracy needs at least one sample",
            });
        }
        let margins = self.margins(beta)?;
        let correct = margins.iter().filter(|&&u| u > 0.0).count();
        Ok(correct as f64 / self.n() as f64)
    }

    /// Whether `β` separates the data: every margin `y_n x_nᵀ β` is strictly positive.
    ///
    /// # Errors
    ///
    /// Returns an error if `β` does not have length `D`.
    pub fn is_linearly_separable_by(&self, beta: ArrayView1<'_, f64>) -> Result<bool, DataError> {
        Ok(self.margins(beta)?.iter().all(|&u| u > 0.0))
    }

    /// The data set with inputs `x_n ↦ A x_n`, i.e. `X Aᵀ`, and the same labels.
    ///
    /// `A` is `D' × D` (usually square and invertible, as in the paper's Theorems 1 and 2: a
    /// linear classifier `β'` on the new data scores like `Aᵀ β'` on the old).
    ///
    /// # Errors
    ///
    /// Returns an error if `A` does not have `D` columns.
    pub fn transformed(&self, a: ArrayView2<'_, f64>) -> Result<Classification, DataError> {
        if a.ncols() != self.d() {
            return Err(DataError::Shape {
                what: "transform `a`",
                expected: format!("D' × D with D = {}", self.d()),
                found: format!("{} × {}", a.nrows(), a.ncols()),
            });
        }
        Ok(Classification {
            x: self.x.dot(&a.t()),
            y: self.y.clone(),
        })
    }
}
