//! Experiment configuration: presets, TOML loading with precise messages, range checks.
//!
//! An experiment's config is a serde struct with `#[serde(deny_unknown_fields)]`. The effective
//! config is built in layers (like linfa's checked hyper-parameters: nothing runs on an
//! unchecked config):
//!
//! 1. the preset's defaults ([`Preset::Quick`] or [`Preset::Paper`]);
//! 2. the keys of a TOML file given with `--config` (a partial file is fine: missing keys keep
//!    the preset's values);
//! 3. `--set key=value` overrides from the command line (`value` is a TOML value, e.g.
//!    `--set steps=200` or `--set 'depths=[1,2]'`);
//! 4. the experiment's `validate()`, which checks every range before any work starts.
//!
//! Every failure names the key, the value and what is allowed.

mod checks;
pub mod describe;
mod key_docs;
mod load;

pub use checks::{
    check, check_finite_positive, check_in_range, check_nonempty, check_positive, check_product,
};
pub use key_docs::KeyDocs;
pub use load::{layered_config, parse_toml_value};
pub(crate) use load::{plain_message, unknown_field_name};

use serde::{Deserialize, Serialize};

/// A named set of default parameters.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Small problems that finish in seconds to minutes on a laptop (the default).
    #[default]
    Quick,
    /// The paper's problem sizes and step counts.
    Paper,
}

impl Preset {
    /// All presets, in display order.
    pub const ALL: [Preset; 2] = [Preset::Quick, Preset::Paper];

    /// The preset's name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Quick => "quick",
            Preset::Paper => "paper",
        }
    }
}

impl std::fmt::Display for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
