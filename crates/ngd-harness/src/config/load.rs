//! Layered config loading: preset defaults ← TOML file ← `--set key=value`, then deserialization
//! into the experiment's config type with messages that name the key.
//!
//! The merged document is deserialized through `serde_path_to_error`, which reports the path of
//! the failing key (`a.b`, `depths[1]`); the key is then looked up in the `--set` overrides and
//! in the file to name where the bad value came from.

use crate::error::{CLIP_CHARS, ConfigError, clip};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::{Table, Value};

/// Builds a config of type `T` from `defaults`, an optional TOML file and `--set` overrides.
///
/// Errors: unreadable file, malformed TOML, unknown key, wrong type — each naming the file
/// (or `--set`) and the key. Range checks are the experiment's `validate()`, run afterwards.
pub fn layered_config<T: Serialize + DeserializeOwned>(
    defaults: &T,
    file: Option<&Path>,
    sets: &[String],
) -> Result<T, ConfigError> {
    let mut merged = Table::try_from(defaults).map_err(|e| {
        ConfigError::Usage(format!(
            "internal: cannot render default config as TOML: {e}"
        ))
    })?;
    let mut file_table = Table::new();
    let file_name = file.map(|p| p.display().to_string());
    if let Some(path) = file {
        // Read once (a FIFO or `<(…)` works), like every input.
        let input = crate::inputs::read_input(path, "config file")?;
        let text =
            String::from_utf8(input.bytes.to_vec()).map_err(|e| ConfigError::Unreadable {
                path: path.to_path_buf(),
                message: format!("not UTF-8 text: {e}"),
            })?;
        file_table = text
            .parse::<Table>()
            .map_err(|e| syntax_error(&text, &e, &path.display().to_string()))?;
        merge(&mut merged, &file_table);
    }
    let mut set_table = Table::new();
    for set in sets {
        let (key, value) = set.split_once('=').ok_or_else(|| {
            ConfigError::Usage(format!(
                "--set expects KEY=VALUE, got `{}`",
                clip(set, CLIP_CHARS)
            ))
        })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(ConfigError::Usage(format!(
                "--set expects KEY=VALUE, got `{}`",
                clip(set, CLIP_CHARS)
            )));
        }
        let value = value.trim();
        let parsed = parse_toml_value(value);
        if let (Value::String(_), Some(problem)) = (&parsed, number_problem(value)) {
            return Err(ConfigError::BadValue {
                key: clip(key, CLIP_CHARS),
                source_name: "--set".into(),
                message: problem,
            });
        }
        insert_dotted(&mut set_table, key, parsed);
    }
    merge(&mut merged, &set_table);

    serde_path_to_error::deserialize::<_, T>(Value::Table(merged)).map_err(|e| {
        let message = plain_message(&e.inner().to_string());
        let path = e.path().to_string();
        let parent = if path == "." { String::new() } else { path };
        let key = match unknown_field_name(&message) {
            Some(k) if parent.is_empty() => k,
            Some(k) => format!("{parent}.{k}"),
            None if parent.is_empty() => "?".into(),
            None => parent,
        };
        // `depths[1]` was given as `depths`.
        let given = key.split('[').next().unwrap_or(&key).to_string();
        let leaf = given.rsplit('.').next().unwrap_or(&given).to_string();
        let source_name = if contains_dotted(&set_table, &given) || contains_leaf(&set_table, &leaf)
        {
            "--set".to_string()
        } else if contains_dotted(&file_table, &given) || contains_leaf(&file_table, &leaf) {
            file_name.clone().unwrap_or_else(|| "config".into())
        } else {
            "config".to_string()
        };
        if message.starts_with("unknown field") {
            ConfigError::UnknownKey {
                key: clip(&leaf, CLIP_CHARS),
                source_name,
                message,
            }
        } else {
            ConfigError::BadValue {
                key: clip(&key, CLIP_CHARS),
                source_name,
                message,
            }
        }
    })
}

/// Parses a command-line value as a TOML value (`3`, `1e-3`, `[1, 2]`, `true`, `"x"`); anything
/// that is not valid TOML is taken as a bare string, so the type check happens at
/// deserialization and names the key.
pub fn parse_toml_value(text: &str) -> Value {
    match format!("v = {text}").parse::<Table>() {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| Value::String(text.into())),
        Err(_) => Value::String(text.into()),
    }
}

fn syntax_error(text: &str, e: &toml::de::Error, source_name: &str) -> ConfigError {
    let location = e
        .span()
        .map(|s| {
            let before = &text[..s.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(":{line}:{col}")
        })
        .unwrap_or_default();
    ConfigError::Syntax {
        source_name: source_name.into(),
        location,
        message: e.message().lines().next().unwrap_or("").trim().to_string(),
    }
}

/// Recursively overlays `top` onto `base` (tables merge, other values replace).
fn merge(base: &mut Table, top: &Table) {
    for (k, v) in top {
        match (base.get_mut(k), v) {
            (Some(Value::Table(b)), Value::Table(t)) => merge(b, t),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

fn insert_dotted(table: &mut Table, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            table.insert(key.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = table
                .entry(head.to_string())
                .or_insert_with(|| Value::Table(Table::new()));
            if !entry.is_table() {
                *entry = Value::Table(Table::new());
            }
            if let Value::Table(t) = entry {
                insert_dotted(t, rest, value);
            }
        }
    }
}

fn contains_dotted(table: &Table, key: &str) -> bool {
    match key.split_once('.') {
        None => table.contains_key(key),
        Some((head, rest)) => match table.get(head) {
            Some(Value::Table(t)) => contains_dotted(t, rest),
            _ => false,
        },
    }
}

fn contains_leaf(table: &Table, leaf: &str) -> bool {
    table.iter().any(|(k, v)| {
        k == leaf
            || match v {
                Value::Table(t) => contains_leaf(t, leaf),
                _ => false,
            }
    })
}

/// The first line of a deserializer's message, with the offending value clipped, and serde's
/// message for a list longer than a fixed-size slot said plainly (nothing is ever cut off).
pub(crate) fn plain_message(inner: &str) -> String {
    let line = inner.lines().next().unwrap_or("").trim();
    if let Some(rest) = line.strip_prefix("invalid length ")
        && let Some((n, "expected fewer elements in array")) = rest.split_once(", ")
    {
        return format!(
            "a list of {n} elements is longer than its slot (nothing is cut off: give the \
                 slot's length)"
        );
    }
    clip(line, 2 * CLIP_CHARS)
}

/// Why a `--set` value that is not valid TOML but reads as a number was refused: out of TOML's
/// range (`1e400`, integers beyond `i64::MAX`), or not in TOML's number syntax (`.5`). `None`
/// for text that is no number at all (taken as a string, then type-checked).
fn number_problem(text: &str) -> Option<String> {
    let value: f64 = text.parse().ok()?;
    let lower = text.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return None;
    }
    let digits = text.trim_start_matches(['+', '-']);
    Some(
        if value.is_infinite() || digits.chars().all(|c| c.is_ascii_digit()) {
            format!(
                "`{}` is out of range (integers: within ±{}; floats: finite, below 1.8e308)",
                clip(text, CLIP_CHARS),
                i64::MAX
            )
        } else {
            format!(
                "`{}` is not a number in TOML's form (e.g. 0.5, 1e-3, 200)",
                clip(text, CLIP_CHARS)
            )
        },
    )
}

/// `unknown field `x`, expected …` → `x`.
pub(crate) fn unknown_field_name(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split_once('`').map(|(k, _)| k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        rate: f64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Demo {
        steps: u64,
        depths: Vec<usize>,
        inner: Inner,
    }

    fn defaults() -> Demo {
        Demo {
            steps: 10,
            depths: vec![1, 2],
            inner: Inner { rate: 0.5 },
        }
    }

    fn write(text: &str) -> tempfile::NamedTempFile {
        use std::io::Write;
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn layers_apply_in_order() {
        let f = write("steps = 20\n[inner]\nrate = 0.25\n");
        let sets = vec!["depths=[3]".to_string(), "inner.rate=0.125".to_string()];
        let c = layered_config(&defaults(), Some(f.path()), &sets).unwrap();
        assert_eq!(
            c,
            Demo {
                steps: 20,
                depths: vec![3],
                inner: Inner { rate: 0.125 }
            }
        );
    }

    #[test]
    fn errors_name_the_key() {
        let f = write("stepz = 20\n");
        let e = layered_config(&defaults(), Some(f.path()), &[]).unwrap_err();
        assert!(
            matches!(&e, ConfigError::UnknownKey { key, .. } if key == "stepz"),
            "{e}"
        );
        let f = write("steps = \"many\"\n");
        let e = layered_config(&defaults(), Some(f.path()), &[]).unwrap_err();
        assert!(
            matches!(&e, ConfigError::BadValue { key, .. } if key == "steps"),
            "{e}"
        );
        let f = write("[inner]\nrate = \"fast\"\n");
        let e = layered_config(&defaults(), Some(f.path()), &[]).unwrap_err();
        assert!(
            matches!(&e, ConfigError::BadValue { key, .. } if key == "inner.rate"),
            "{e}"
        );
        let e = layered_config(&defaults(), None, &["steps=abc".into()]).unwrap_err();
        assert!(e.to_string().contains("`steps` in --set"), "{e}");
        let f = write("steps = = 3\n");
        let e = layered_config(&defaults(), Some(f.path()), &[]).unwrap_err();
        assert!(
            matches!(&e, ConfigError::Syntax { location, .. } if location.starts_with(":1:")),
            "{e}"
        );
    }
}
