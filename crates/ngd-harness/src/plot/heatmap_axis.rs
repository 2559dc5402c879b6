//! The labelled axes of a heatmap: what its columns (x) and rows (y) are, with tick labels at
//! chosen cells in the one tick format of [`super::ticks`].

use super::ticks::{log_ticks, value_label};

/// The axis along a heatmap's columns (x) or rows (y): a description and labels at chosen
/// cells (see [`super::HeatmapGrid::x_axis`] and [`super::HeatmapGrid::y_axis`]).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapAxis {
    /// Axis description with unit (e.g. "absolute damping λ").
    pub label: String,
    /// `(cell index, label)` pairs: the column index on the x axis (0 = left), the row index on
    /// the y axis (0 = top, as in [`super::HeatmapPanel::values`]); each label sits at the
    /// centre of its cell.
    pub ticks: Vec<(usize, String)>,
}

/// At most this many labels on an axis labelled cell by cell (see
/// [`HeatmapAxis::log_spaced`]).
const MAX_CELL_LABELS: usize = 12;

impl HeatmapAxis {
    /// An axis described by `label` with the given `(cell index, label)` ticks.
    pub fn new(label: impl Into<String>, ticks: Vec<(usize, String)>) -> Self {
        Self {
            label: label.into(),
            ticks,
        }
    }

    /// The axis of cells holding the log-spaced values `values` (one per cell, in cell order;
    /// a `0` is allowed, e.g. step 0 before a log-spaced step schedule).
    ///
    /// The cells whose value is a tick of the log axis over the positive values' range get that
    /// tick's label (`10ᵏ` at each decade; `2×10ᵏ`, `5×10ᵏ` added on short ranges), a cell of
    /// value `0` gets `0`. When fewer than two cells hold such a tick (values off the decades),
    /// every cell is labelled by its value instead, thinned to at most twelve labels.
    /// Non-finite or negative values are left unlabelled.
    pub fn log_spaced(label: impl Into<String>, values: &[f64]) -> Self {
        let positive = values.iter().copied().filter(|v| v.is_finite() && *v > 0.0);
        let (lo, hi) = positive.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let ticks = if hi > lo {
            log_ticks(lo, hi)
        } else {
            Vec::new()
        };
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
        let at_ticks: Vec<(usize, String)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, &v)| {
                let tick = ticks.iter().find(|(t, _)| v > 0.0 && same(*t, v));
                tick.map(|(_, l)| (i, l.clone()))
            })
            .collect();
        let zeros = values.iter().enumerate().filter(|(_, v)| **v == 0.0);
        let mut cells: Vec<(usize, String)> = if at_ticks.len() >= 2 {
            at_ticks
        } else {
            let stride = values.len().div_ceil(MAX_CELL_LABELS).max(1);
            let labelled = values.iter().enumerate().step_by(stride);
            labelled
                .filter(|(_, v)| v.is_finite() && **v > 0.0)
                .map(|(i, &v)| (i, value_label(v)))
                .collect()
        };
        cells.extend(zeros.map(|(i, _)| (i, "0".to_string())));
        cells.sort_by_key(|(i, _)| *i);
        Self::new(label, cells)
    }

    /// The ticks at cell centres in chart coordinates, checked against the axis's `cells`
    /// (the error names `field`, `x_axis` or `y_axis`, and the panel). Cell `i` spans
    /// `[i, i + 1]`; with `from_top` (the rows of a y axis, row 0 on top) it spans
    /// `[cells − 1 − i, cells − i]`.
    pub(crate) fn placed(
        &self,
        field: &str,
        cells: usize,
        from_top: bool,
        panel: &str,
    ) -> Result<Vec<(f64, String)>, String> {
        if let Some((i, label)) = self.ticks.iter().find(|(i, _)| *i >= cells) {
            return Err(format!(
                "heatmap {field}: tick `{label}` at cell {i} is outside the {cells} cells of \
                 panel `{panel}` (allowed: 0 to {})",
                cells.saturating_sub(1)
            ));
        }
        Ok(self
            .ticks
            .iter()
            .map(|(i, label)| {
                let start = if from_top { cells - 1 - i } else { *i };
                (start as f64 + 0.5, label.clone())
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: &HeatmapAxis) -> Vec<(usize, &str)> {
        axis.ticks.iter().map(|(i, l)| (*i, l.as_str())).collect()
    }

    #[test]
    fn decades_are_labelled_as_on_log_axes() {
        let lambdas = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
        let axis = HeatmapAxis::log_spaced("λ", &lambdas);
        let expected = ["10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"];
        assert_eq!(
            labels(&axis),
            expected.into_iter().enumerate().collect::<Vec<_>>()
        );
    }

    #[test]
    fn values_off_the_ticks_are_labelled_by_value_and_thinned() {
        let axis = HeatmapAxis::log_spaced("ρ", &[3e-3, 3e-2, 3.16e-1]);
        assert_eq!(
            labels(&axis),
            vec![(0, "3×10⁻³"), (1, "3×10⁻²"), (2, "3.16×10⁻¹")]
        );
        // 3ᵏ for k = 1..30: none is a tick, so every third cell is labelled by its value.
        let powers: Vec<f64> = (1..=30).map(|k| 3f64.powi(k)).collect();
        let thinned = HeatmapAxis::log_spaced("x", &powers);
        assert!(thinned.ticks.len() <= MAX_CELL_LABELS, "{thinned:?}");
        assert_eq!(thinned.ticks[0], (0, "3×10⁰".to_string()));
        assert_eq!(thinned.ticks[1].0, 3);
    }

    #[test]
    fn placed_ticks_sit_at_cell_centres_rows_from_the_top() {
        let axis = HeatmapAxis::new("rows", vec![(0, "a".into()), (3, "b".into())]);
        let at = |from_top| axis.placed("y_axis", 4, from_top, "p").unwrap();
        assert_eq!(at(true), vec![(3.5, "a".into()), (0.5, "b".into())]);
        assert_eq!(at(false), vec![(0.5, "a".into()), (3.5, "b".into())]);
        let err = axis.placed("y_axis", 3, true, "panel A").unwrap_err();
        assert!(err.contains("y_axis") && err.contains("panel A"), "{err}");
    }
}
