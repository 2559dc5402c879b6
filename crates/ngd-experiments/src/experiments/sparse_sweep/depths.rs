//! The per-depth settings of the sweep as lists of tables (`[[egd_depths]]`, `[[ngd_depths]]`),
//! and the migration message for configs written for the old shape (parallel lists
//! `egd_depths = [1, 2]` + `egd_learning_rates = [..]`, `ngd_depths` + `ngd_learning_rates` +
//! `ngd_steps`, joined by position).

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// EGD settings of one depth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EgdDepth {
    /// Depth `L` of the diagonal network.
    pub depth: usize,
    /// Base step `η` at this depth.
    pub learning_rate: f64,
}

/// Sample-Fisher NGD settings of one depth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NgdDepth {
    /// Depth `L` of the diagonal network.
    pub depth: usize,
    /// Fixed step `η` (deeper nets need smaller steps: the natural gradient linearizes `β(w)`,
    /// and a step large relative to small weights overshoots).
    pub learning_rate: f64,
    /// Step budget.
    pub steps: u64,
}

/// How to write the new shape, for messages about the old one.
pub(super) const EGD_SHAPE: &str = "egd_depths = [{ depth = 1, learning_rate = 0.5 }, …] \
     (or [[egd_depths]] tables with `depth` and `learning_rate`)";
/// How to write the new shape, for messages about the old one.
pub(super) const NGD_SHAPE: &str = "ngd_depths = [{ depth = 1, learning_rate = 1.0, steps = 100 }, …] \
     (or [[ngd_depths]] tables with `depth`, `learning_rate` and `steps`)";

/// Deserializes a list of per-depth tables; a plain depth number (the old shape) is an error
/// naming the new shape `shape`.
fn tables<'de, D, T>(deserializer: D, shape: &'static str) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Entries<T>(&'static str, std::marker::PhantomData<T>);
    struct Entry<T>(&'static str, std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for Entry<T> {
        type Value = T;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Entry<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a table, as in {}", self.0)
        }
        fn visit_u64<E: de::Error>(self, depth: u64) -> Result<T, E> {
            Err(E::custom(format!(
                "a plain depth ({depth}) is the old shape, where step sizes and budgets were \
                 separate lists joined by position; write {}",
                self.0
            )))
        }
        fn visit_i64<E: de::Error>(self, depth: i64) -> Result<T, E> {
            self.visit_u64(depth.unsigned_abs())
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Entries<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of tables, as in {}", self.0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(Entry(self.0, std::marker::PhantomData))? {
                out.push(v);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_seq(Entries(shape, std::marker::PhantomData))
}

/// `egd_depths` (see [`tables`]).
pub(super) fn egd_tables<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EgdDepth>, D::Error> {
    tables(d, EGD_SHAPE)
}

/// `ngd_depths` (see [`tables`]).
pub(super) fn ngd_tables<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NgdDepth>, D::Error> {
    tables(d, NGD_SHAPE)
}

/// A key of the old shape: never valid; its deserialization fails with the migration message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Removed;

impl Removed {
    /// Always true: the field is never written.
    pub(super) fn skip(&self) -> bool {
        true
    }
}

impl Serialize for Removed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

/// `egd_learning_rates` of the old shape.
pub(super) fn removed_egd<'de, D: Deserializer<'de>>(_: D) -> Result<Removed, D::Error> {
    Err(de::Error::custom(format!(
        "removed: the EGD step of each depth now sits in its table: {EGD_SHAPE}"
    )))
}

/// `ngd_learning_rates` / `ngd_steps` of the old shape.
pub(super) fn removed_ngd<'de, D: Deserializer<'de>>(_: D) -> Result<Removed, D::Error> {
    Err(de::Error::custom(format!(
        "removed: the NGD step and budget of each depth now sit in its table: {NGD_SHAPE}"
    )))
}

#[cfg(test)]
mod tests {
    use super::super::{FIG6, SweepConfig};
    use ngd_harness::config::Preset;
    use ngd_harness::registry::DynExperiment;

    /// The quick preset with the TOML file `text` laid on top, as `--config FILE` does.
    fn load(text: &str) -> Result<SweepConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, text).unwrap();
        let value = FIG6
            .resolve_config(Preset::Quick, Some(&file), &[])
            .map_err(|e| e.to_string())?;
        Ok(serde_json::from_value(value).unwrap())
    }

    #[test]
    fn the_new_shape_reads() {
        let c = load(
            "[[ngd_depths]]\ndepth = 1\nlearning_rate = 0.5\nsteps = 7\n\
             [[egd_depths]]\ndepth = 3\nlearning_rate = 0.2\n",
        )
        .unwrap();
        assert_eq!(c.ngd_depths.len(), 1);
        assert_eq!(
            (c.ngd_depths[0].learning_rate, c.ngd_depths[0].steps),
            (0.5, 7)
        );
        assert_eq!(c.egd_depths[0].depth, 3);
        let inline = load("ngd_depths = [{ depth = 1, learning_rate = 1.0, steps = 30 }]").unwrap();
        assert_eq!(inline.ngd_depths[0].steps, 30);
    }

    #[test]
    fn the_old_shape_is_refused_naming_the_new_one() {
        for (old, key, shape) in [
            ("ngd_depths = [1]", "ngd_depths", "[[ngd_depths]]"),
            (
                "ngd_learning_rates = [1.0]",
                "ngd_learning_rates",
                "[[ngd_depths]]",
            ),
            ("ngd_steps = [100]", "ngd_steps", "[[ngd_depths]]"),
            ("egd_depths = [1, 2]", "egd_depths", "[[egd_depths]]"),
            (
                "egd_learning_rates = [0.5]",
                "egd_learning_rates",
                "[[egd_depths]]",
            ),
        ] {
            let e = load(old).unwrap_err();
            assert!(e.contains(key) && e.contains(shape), "{old}: {e}");
        }
    }
}
