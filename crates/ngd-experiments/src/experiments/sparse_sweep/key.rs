//! [`SeriesKey`]: the typed id of one method's results (one series of the accuracy plot, one
//! row of the accuracy table). Claims look results up by key, never by display text, and a
//! planned series without results is an error ([`MissingSeries`]).
//!
//! Its text form (`EGD L=2`, `NGD sample L=1`, `NGD population L=1`) is what the run files and
//! CSVs store; it parses back exactly.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One method of the sweep, as a series of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum SeriesKey {
    /// EGD on a depth-`L` diagonal network.
    Egd {
        /// Depth `L`.
        depth: usize,
    },
    /// NGD with the sample Fisher on a depth-`L` diagonal network.
    NgdSample {
        /// Depth `L`.
        depth: usize,
    },
    /// NGD with the population Fisher on the linear model (`L = 1`).
    NgdPopulation,
}

/// Sample-Fisher NGD on the linear model, the paper's NGD of Fig. 4.
pub const NGD: SeriesKey = SeriesKey::NgdSample { depth: 1 };
/// Population-Fisher NGD.
pub const NGD_POP: SeriesKey = SeriesKey::NgdPopulation;

/// EGD at depth `depth`.
pub const fn egd(depth: usize) -> SeriesKey {
    SeriesKey::Egd { depth }
}

impl SeriesKey {
    /// Whether the key is one of the EGD depths.
    pub fn is_egd(self) -> bool {
        matches!(self, SeriesKey::Egd { .. })
    }
}

impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeriesKey::Egd { depth } => write!(f, "EGD L={depth}"),
            SeriesKey::NgdSample { depth } => write!(f, "NGD sample L={depth}"),
            SeriesKey::NgdPopulation => f.write_str("NGD population L=1"),
        }
    }
}

impl From<SeriesKey> for String {
    fn from(key: SeriesKey) -> String {
        key.to_string()
    }
}

impl TryFrom<String> for SeriesKey {
    type Error = String;

    /// Parses the text form written by [`fmt::Display`].
    fn try_from(text: String) -> Result<Self, String> {
        let depth = |rest: &str| rest.parse::<usize>().ok().filter(|&d| d >= 1);
        let parsed = if text == "NGD population L=1" {
            Some(SeriesKey::NgdPopulation)
        } else if let Some(rest) = text.strip_prefix("EGD L=") {
            depth(rest).map(|depth| SeriesKey::Egd { depth })
        } else if let Some(rest) = text.strip_prefix("NGD sample L=") {
            depth(rest).map(|depth| SeriesKey::NgdSample { depth })
        } else {
            None
        };
        parsed.ok_or_else(|| {
            format!(
                "unknown series `{text}` (expected `EGD L=<depth>`, `NGD sample L=<depth>` or \
                 `NGD population L=1`)"
            )
        })
    }
}

/// A series the config plans has no completed result at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("series `{key}` is planned but has no completed run")]
pub struct MissingSeries {
    /// The series.
    pub key: SeriesKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_rejects_unknown_series() {
        for key in [
            egd(1),
            egd(4),
            NGD,
            SeriesKey::NgdSample { depth: 2 },
            NGD_POP,
        ] {
            let text = String::from(key);
            assert_eq!(SeriesKey::try_from(text.clone()), Ok(key), "{text}");
            let json = serde_json::to_string(&key).unwrap();
            assert_eq!(json, format!("\"{text}\""));
        }
        for bad in ["EGD L=0", "EGD L=x", "NGD L=1", "egd L=1", ""] {
            assert!(SeriesKey::try_from(bad.to_string()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_planned_series_without_results_is_an_error() {
        let c = super::super::SweepConfig::fig4(false);
        let empty = super::super::table::Table::default();
        assert_eq!(
            super::super::claims::claims(&c, &empty, None),
            Err(MissingSeries {
                key: egd(c.egd_depths[0].depth)
            })
        );
    }
}
