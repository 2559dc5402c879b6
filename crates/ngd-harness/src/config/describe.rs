//! `<study> config EXP [--preset P]`: an experiment's config as a TOML file that `--config`
//! accepts, each key with its type, its allowed values and the other presets' values as
//! comments.
//!
//! The allowed values come from the one place that enforces them — the experiment's
//! deserialization and `validate()` — by probing: each key in turn is set to values at the
//! edges (`0`, `-1`, a huge number, `NaN`, an empty list, an unknown word) and the
//! [`ConfigError::OutOfRange`] / [`ConfigError::BadValue`] messages that name that key are
//! collected (`an integer ≥ 1`, `expected one of `fixed`, `normalized``). A key no probe
//! rejects gets no `allowed` line.

use crate::error::ConfigError;
use toml::{Table, Value};

/// Builds the preset's config with one key (dotted) set to a value, and validates it.
pub type Check<'a> = dyn Fn(&str, &Value) -> Result<(), ConfigError> + 'a;

/// One key's probes: the values tried, by the default value's type.
fn probes(default: &Value) -> Vec<Value> {
    match default {
        Value::Integer(_) => vec![Value::Integer(0), Value::Integer(i64::MAX)],
        Value::Float(_) => vec![
            Value::Float(0.0),
            Value::Float(-1.0),
            Value::Float(1e300),
            Value::Float(f64::NAN),
        ],
        Value::String(_) => vec![Value::String("?".into())],
        Value::Array(items) => {
            let mut out = vec![Value::Array(Vec::new())];
            if let Some(first) = items.first() {
                for p in probes(first) {
                    out.push(Value::Array(vec![p]));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The kind of a value, for the comment line.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "integer",
        Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Boolean(_) => "true or false",
        Value::Array(_) => "list",
        Value::Table(_) => "table",
        Value::Datetime(_) => "date",
    }
}

/// Whether an error's field names the key `key` (itself, an element `key[i]` or a sub-key).
fn names_key(field: &str, key: &str) -> bool {
    field == key || field.starts_with(&format!("{key}[")) || field.starts_with(&format!("{key}."))
}

/// What the probes of the key at `path` learn from `check` (deserialize + validate).
fn allowed(key: &str, default: &Value, check: &Check) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for probe in probes(default) {
        let said = match check(key, &probe) {
            Err(ConfigError::OutOfRange { field, allowed, .. }) if names_key(&field, key) => {
                allowed
            }
            Err(ConfigError::BadValue {
                key: bad, message, ..
            }) if names_key(&bad, key) && message.contains("expected one of") => message
                .split_once("expected one of")
                .map(|(_, rest)| format!("one of{rest}"))
                .unwrap_or(message),
            _ => continue,
        };
        if !found.contains(&said) {
            found.push(said);
        }
    }
    found
}

/// The config `defaults` (of preset `preset`; `others` are the other presets' configs) as a
/// commented TOML file; `check` builds and validates the config with one key changed.
pub fn describe(
    experiment: &str,
    preset: &str,
    defaults: &Table,
    others: &[(&str, Table)],
    check: &Check,
) -> String {
    let mut out = format!(
        "# Config of `{experiment}`, preset `{preset}`: every key with its default.\n\
         # Use it with `--config FILE.toml --preset {preset}`; keys left out keep the preset's\n\
         # values. Comments: the type, the allowed values (from the experiment's checks) and\n\
         # the other presets' values where they differ.\n"
    );
    write_table(&mut out, &[], defaults, others, check);
    out
}

fn write_table(
    out: &mut String,
    path: &[String],
    table: &Table,
    others: &[(&str, Table)],
    check: &Check,
) {
    if !path.is_empty() {
        out.push_str(&format!("\n[{}]\n", path.join(".")));
    }
    let (subtables, leaves): (Vec<_>, Vec<_>) = table
        .iter()
        .partition(|(_, v)| matches!(v, Value::Table(_)));
    for (key, value) in leaves {
        let mut key_path = path.to_vec();
        key_path.push(key.clone());
        let mut comment = kind(value).to_string();
        let said = allowed(&key_path.join("."), value, check);
        if !said.is_empty() {
            comment.push_str(&format!("; allowed: {}", said.join("; ")));
        }
        for (name, other) in others {
            if let Some(v) = lookup(other, &key_path).filter(|v| *v != value) {
                comment.push_str(&format!("; preset {name}: {}", toml_text(v)));
            }
        }
        out.push_str(&format!(
            "\n# {comment}\n{} = {}\n",
            quote_key(key),
            toml_text(value)
        ));
    }
    for (key, value) in subtables {
        if let Value::Table(inner) = value {
            let mut key_path = path.to_vec();
            key_path.push(key.clone());
            write_table(out, &key_path, inner, others, check);
        }
    }
}

/// A value as TOML text, with floats in Rust's shortest round-trip form (`1e-200`, `0.01`),
/// which TOML reads back to the same bits.
fn toml_text(value: &Value) -> String {
    match value {
        Value::Float(f) if f.is_nan() => "nan".into(),
        Value::Float(f) if f.is_infinite() => (if *f > 0.0 { "inf" } else { "-inf" }).into(),
        Value::Float(f) => format!("{f:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(toml_text).collect::<Vec<_>>().join(", ")
        ),
        Value::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{} = {}", quote_key(k), toml_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// The value at `path` in `table`.
fn lookup<'a>(table: &'a Table, path: &[String]) -> Option<&'a Value> {
    let (last, parents) = path.split_last()?;
    let mut t = table;
    for p in parents {
        t = t.get(p)?.as_table()?;
    }
    t.get(last)
}

/// A bare key when it is one, else a quoted one.
fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        Value::String(key.into()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Table {
        "steps = 10\nrate = 1e-200\nmode = \"fixed\"\ndepths = [1, 2]\n[inner]\nx = 0.5\n"
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
                message: "unknown variant `?`, expected one of `fixed`, `normalized`".into(),
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
    fn output_reads_back_to_the_defaults_with_allowed_values() {
        let paper: Table =
            "steps = 99\nrate = 1e-200\nmode = \"fixed\"\ndepths = [1]\n[inner]\nx = 0.5\n"
                .parse()
                .unwrap();
        let text = describe("demo", "quick", &defaults(), &[("paper", paper)], &check);
        assert_eq!(text.parse::<Table>().unwrap(), defaults(), "{text}");
        assert!(
            text.contains("# integer; allowed: ≥ 1; preset paper: 99\nsteps = 10"),
            "{text}"
        );
        assert!(
            text.contains("allowed: one of `fixed`, `normalized`"),
            "{text}"
        );
        assert!(
            text.contains("# list; allowed: a non-empty list; preset paper: [1]"),
            "{text}"
        );
        assert!(text.contains("rate = 1e-200") && text.contains("[inner]\n\n# number\nx = 0.5"));
    }
}
