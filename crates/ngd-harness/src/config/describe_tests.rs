//! Tests of `describe.rs`: docs, allowed values and other presets' values as comments over a
//! file that reads back to the defaults.

use super::*;
use schemars::JsonSchema;
use serde::Deserialize;

/// How to step.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Mode {
    /// A fixed step.
    Fixed,
    /// A step divided by the loss.
    Normalized,
}

/// One depth.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Depth {
    /// The depth `L`.
    depth: u64,
}

/// The inner table.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Inner {
    /// A number.
    x: f64,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Demo {
    /// Steps to take.
    steps: u64,
    /// The base rate.
    rate: f64,
    /// The step rule.
    mode: Mode,
    /// Depths,
    /// one table each.
    depths: Vec<Depth>,
    /// The inner settings.
    inner: Inner,
    /// An optional file.
    file: Option<String>,
}

fn defaults() -> Table {
    "steps = 10\nrate = 1e-200\nmode = \"fixed\"\ndepths = [{ depth = 1 }]\n[inner]\nx = 0.5\n"
        .parse()
        .unwrap()
}

/// `steps ≥ 1`, `mode` one of two words, `depths` non-empty; the rest unchecked.
fn check(key: &str, value: &Value) -> Result<(), ConfigError> {
    match (key, value) {
        ("steps", Value::Integer(0)) => Err(ConfigError::out_of_range("steps", 0, "≥ 1")),
        ("mode", _) => Err(ConfigError::BadValue {
            key: "mode".into(),
            source_name: "--set".into(),
            message: "unknown variant `?`, expected `fixed` or `normalized`".into(),
        }),
        ("depths", Value::Array(a)) if a.is_empty() => Err(ConfigError::out_of_range(
            "depths",
            "[]",
            "a non-empty list",
        )),
        _ => Ok(()),
    }
}

#[test]
fn output_reads_back_to_the_defaults_with_docs_and_allowed_values() {
    let paper: Table =
        "steps = 99\nrate = 1e-200\nmode = \"fixed\"\ndepths = [{ depth = 2 }]\n[inner]\nx = 0.5\n"
            .parse()
            .unwrap();
    let text = describe(&ConfigText {
        experiment: "demo",
        preset: "quick",
        defaults: &defaults(),
        others: &[("paper", paper)],
        docs: &KeyDocs::of::<Demo>(),
        check: &check,
    });
    assert_eq!(text.parse::<Table>().unwrap(), defaults(), "{text}");
    let expected = [
        "# Steps to take.\n# integer; allowed: ≥ 1; preset paper: 99\nsteps = 10",
        "# The step rule.\n# Values:\n#   \"fixed\": A fixed step.\n\
         #   \"normalized\": A step divided by the loss.\n\
         # string; allowed: one of `fixed`, `normalized`\nmode = \"fixed\"",
        "# Depths,\n# one table each.\n# Each element's keys:\n#   depth: The depth `L`.\n\
         # list; allowed: a non-empty list; preset paper: [{ depth = 2 }]\n\
         depths = [\n  { depth = 1 },\n]\n",
        "rate = 1e-200",
        "# An optional file.\n# optional, not set in preset `quick`:\n# file = …\n",
        "\n# The inner settings.\n[inner]\n\n# A number.\n# number\nx = 0.5",
    ];
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
}

#[test]
fn serde_variant_lists_of_every_length_are_read() {
    let one = "unknown variant `?`, expected `a`";
    let two = "unknown variant `?`, expected `a` or `b`";
    let more = "unknown variant `?`, expected one of `a`, `b`, `c`";
    assert_eq!(variants_expected(one).as_deref(), Some("one of `a`"));
    assert_eq!(variants_expected(two).as_deref(), Some("one of `a`, `b`"));
    assert_eq!(
        variants_expected(more).as_deref(),
        Some("one of `a`, `b`, `c`")
    );
    assert_eq!(variants_expected("invalid type: integer"), None);
}
