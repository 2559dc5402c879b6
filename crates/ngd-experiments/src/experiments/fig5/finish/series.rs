//! The typed series of `fig5` (one legend entry each: method, depth, collapse), their styles
//! and labels, and the check that every planned series has results.

use super::Done;
use crate::experiments::fig5::{Fig5Config, Fig5Params, Method};
use ngd_harness::plot::{Dash, Method as Look, Style};

/// The typed id of a series (one legend entry): the method, depth and collapse of its runs.
/// Curves and claims look series up by it, never by their display label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::experiments::fig5) struct SeriesKey {
    method: Method,
    depth: usize,
    collapse: usize,
}

impl SeriesKey {
    /// The series of a run.
    pub(in crate::experiments::fig5) fn of(p: &Fig5Params) -> Self {
        Self {
            method: p.method,
            depth: p.depth,
            collapse: p.collapse,
        }
    }

    /// EGD at depth `depth` from a plain (uncollapsed) initialization.
    pub(in crate::experiments::fig5) fn egd(depth: usize) -> Self {
        Self {
            method: Method::Egd,
            depth,
            collapse: 1,
        }
    }

    /// EGD at depth `depth` from a collapsed initialization (collapse factor `collapse`).
    pub(in crate::experiments::fig5) fn egd_collapsed(depth: usize, collapse: usize) -> Self {
        Self {
            collapse,
            ..Self::egd(depth)
        }
    }

    /// The figure style: EGD solid (dotted from a collapsed initialization), NGD dashed (the
    /// Moore–Penrose route with a downward-triangle marker), the nuclear-norm baseline dotted
    /// black; colour by depth.
    pub(in crate::experiments::fig5) fn style(&self) -> Style {
        let d = self.depth.max(1);
        match self.method {
            Method::Nuclear => Style::method(Look::Other, 6),
            Method::NgdLayerSplit => Style::ngd(d),
            Method::NgdMoorePenrose => Style {
                marker: ngd_harness::plot::Marker::TriangleDown,
                ..Style::ngd(d)
            },
            _ if self.collapse > 1 => Style {
                dash: Dash::Dotted,
                ..Style::egd(d)
            },
            _ => Style::egd(d),
        }
    }

    /// The legend label.
    pub(in crate::experiments::fig5) fn label(&self) -> String {
        let (d, k) = (self.depth, self.collapse);
        match self.method {
            Method::Nuclear => "min nuclear norm".into(),
            Method::NgdLayerSplit => format!("NGD layer split, L = {d}"),
            Method::NgdMoorePenrose => format!("NGD Moore–Penrose, L = {d}"),
            _ if k > 1 => format!("EGD, L = {d} (collapsed ×{k}, looks like L = {})", d * k),
            _ => format!("EGD, L = {d}"),
        }
    }
}

/// A series the config plans has no completed run (its claims cannot be judged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("series `{series}` is planned but has no completed run")]
pub struct MissingSeries {
    /// The series' label.
    pub series: String,
}

/// The series `c` plans.
pub(in crate::experiments::fig5) fn planned_series(c: &Fig5Config) -> Vec<SeriesKey> {
    let key = |method, depth, collapse| SeriesKey {
        method,
        depth,
        collapse,
    };
    let mut keys: Vec<SeriesKey> = c.egd_depths.iter().map(|&d| SeriesKey::egd(d)).collect();
    keys.extend(
        c.collapsed
            .iter()
            .map(|&[d, k]| SeriesKey::egd_collapsed(d, k)),
    );
    keys.extend(
        c.ngd_layer_split_depths
            .iter()
            .map(|&d| key(Method::NgdLayerSplit, d, 1)),
    );
    keys.extend(
        c.ngd_moore_penrose_depths
            .iter()
            .map(|&d| key(Method::NgdMoorePenrose, d, 1)),
    );
    if c.nuclear_baseline {
        keys.push(key(Method::Nuclear, 0, 1));
    }
    keys
}

/// Every planned series has at least one completed run.
///
/// # Errors
///
/// [`MissingSeries`] naming the first planned series without one.
pub(in crate::experiments::fig5) fn expect_planned(
    c: &Fig5Config,
    done: &Done,
) -> Result<(), MissingSeries> {
    for key in planned_series(c) {
        if !done.iter().any(|(s, _)| SeriesKey::of(&s.params) == key) {
            return Err(MissingSeries {
                series: key.label(),
            });
        }
    }
    Ok(())
}
