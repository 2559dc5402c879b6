//! `<study> config EXP [--preset P]`: an experiment's config as a TOML file that `--config`
//! accepts, each key with its doc, its type, its allowed values and the other presets' values
//! as comments.
//!
//! The docs are the config structs' own `///` comments ([`KeyDocs`]): above each key its doc,
//! the docs of a list's element fields (`[[egd_depths]]` tables) and of a string enum's
//! variants; keys that are optional and not set in the preset are listed commented out.
//!
//! The allowed values come from the one place that enforces them — the experiment's
//! deserialization and `validate()` — by probing: each key in turn is set to values at the
//! edges (`0`, `-1`, a huge number, `NaN`, an empty list, an unknown word) and the
//! [`ConfigError::OutOfRange`] / [`ConfigError::BadValue`] messages that name that key are
//! collected (`an integer ≥ 1`, `expected one of `fixed`, `normalized``). A key no probe
//! rejects gets no `allowed` line.

use super::key_docs::KeyDocs;
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
            }) if names_key(&bad, key) && message.starts_with("unknown variant") => {
                match variants_expected(&message) {
                    Some(words) => words,
                    None => continue,
                }
            }
            _ => continue,
        };
        if !found.contains(&said) {
            found.push(said);
        }
    }
    found
}

/// The words serde lists after `expected` in an unknown-variant message, as `one of `a`,
/// `b``: serde writes ``expected `a` `` for one variant, ``expected `a` or `b` `` for two and
/// ``expected one of `a`, `b`, `c` `` for more.
fn variants_expected(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("expected ")?;
    let words: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    (!words.is_empty()).then(|| {
        let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
        format!("one of {}", quoted.join(", "))
    })
}

/// What [`describe`] prints: the experiment's config of one preset, the other presets'
/// configs, the docs of its keys and the check of one changed key.
pub struct ConfigText<'a> {
    /// The experiment's name.
    pub experiment: &'a str,
    /// The preset shown.
    pub preset: &'a str,
    /// Its config as a TOML table.
    pub defaults: &'a Table,
    /// The other presets' configs, by name.
    pub others: &'a [(&'a str, Table)],
    /// The docs of the config's keys.
    pub docs: &'a KeyDocs,
    /// Builds the preset's config with one key (dotted) set to a value, and validates it.
    pub check: &'a Check<'a>,
}

/// The config as a commented TOML file: above every key its doc, then its type, allowed values
/// (probed with the check) and the other presets' values.
pub fn describe(text: &ConfigText) -> String {
    let (experiment, preset) = (text.experiment, text.preset);
    let mut out = format!(
        "# Config of `{experiment}`, preset `{preset}`: every key with its default.\n\
         # Use it with `--config FILE.toml --preset {preset}`; keys left out keep the preset's\n\
         # values. Comments: the key's doc, its type, the allowed values (from the experiment's\n\
         # checks) and the other presets' values where they differ.\n"
    );
    write_table(&mut out, &[], text.defaults, text);
    out
}

/// `# line` for every line of `doc`, with `indent` after the `#`; an indented item (`indent`
/// longer than one space) hangs its following lines by two more spaces.
fn comment_lines(out: &mut String, indent: &str, doc: &str) {
    for (i, line) in doc.lines().enumerate() {
        let hang = if i == 0 || indent.len() <= 1 {
            ""
        } else {
            "  "
        };
        out.push_str(format!("#{indent}{hang}{line}").trim_end());
        out.push('\n');
    }
}

/// The values of a string enum with their docs, if any is documented.
fn write_variants(out: &mut String, indent: &str, variants: &[(String, String)]) {
    if variants.iter().any(|(_, doc)| !doc.is_empty()) {
        for (word, doc) in variants {
            comment_lines(out, indent, &format!("\"{word}\": {doc}"));
        }
    }
}

/// The doc of one key: its own, the keys of its list elements, its enum variants.
fn write_doc(out: &mut String, key_path: &str, docs: &KeyDocs) {
    if let Some(doc) = docs.doc(key_path) {
        comment_lines(out, " ", doc);
    }
    let fields = docs.element_fields(key_path);
    if !fields.is_empty() {
        out.push_str("# Each element's keys:\n");
        for (field, doc) in fields {
            comment_lines(
                out,
                "   ",
                &format!("{field}: {doc}").replace(": \n", ":\n"),
            );
            write_variants(
                out,
                "     ",
                docs.variants(&format!("{key_path}[].{field}")),
            );
        }
    }
    if docs
        .variants(key_path)
        .iter()
        .any(|(_, doc)| !doc.is_empty())
    {
        out.push_str("# Values:\n");
        write_variants(out, "   ", docs.variants(key_path));
    }
}

/// Another preset's value for a comment: shown when short, else referred to.
fn other_value(name: &str, value: &Value, experiment: &str) -> String {
    let text = toml_text(value);
    if text.chars().count() <= 60 {
        format!("preset {name}: {text}")
    } else {
        format!("preset {name}: see `config {experiment} --preset {name}`")
    }
}

fn write_table(out: &mut String, path: &[String], table: &Table, text: &ConfigText) {
    if !path.is_empty() {
        out.push('\n');
        write_doc(out, &path.join("."), text.docs);
        out.push_str(&format!("[{}]\n", path.join(".")));
    }
    let (subtables, leaves): (Vec<_>, Vec<_>) = table
        .iter()
        .partition(|(_, v)| matches!(v, Value::Table(_)));
    for (key, value) in leaves {
        let mut key_path = path.to_vec();
        key_path.push(key.clone());
        let dotted = key_path.join(".");
        let mut comment = kind(value).to_string();
        let said = allowed(&dotted, value, text.check);
        if !said.is_empty() {
            comment.push_str(&format!("; allowed: {}", said.join("; ")));
        }
        for (name, other) in text.others {
            if let Some(v) = lookup(other, &key_path).filter(|v| *v != value) {
                comment.push_str(&format!("; {}", other_value(name, v, text.experiment)));
            }
        }
        out.push('\n');
        write_doc(out, &dotted, text.docs);
        out.push_str(&format!(
            "# {comment}\n{} = {}\n",
            quote_key(key),
            value_text(value)
        ));
    }
    write_unset(out, path, table, text);
    for (key, value) in subtables {
        if let Value::Table(inner) = value {
            let mut key_path = path.to_vec();
            key_path.push(key.clone());
            write_table(out, &key_path, inner, text);
        }
    }
}

/// The documented keys of the table at `path` that the preset leaves unset (optional keys),
/// commented out.
fn write_unset(out: &mut String, path: &[String], table: &Table, text: &ConfigText) {
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{}.", path.join("."))
    };
    for key_path in text.docs.keys() {
        let Some(key) = key_path.strip_prefix(&prefix) else {
            continue;
        };
        if key.contains(['.', '[']) || table.contains_key(key) {
            continue;
        }
        out.push('\n');
        write_doc(out, key_path, text.docs);
        out.push_str(&format!(
            "# optional, not set in preset `{}`:\n# {} = …\n",
            text.preset,
            quote_key(key)
        ));
    }
}

/// A key's value: a list of tables one element per line, anything else as [`toml_text`].
fn value_text(value: &Value) -> String {
    match value {
        Value::Array(items) if items.iter().any(Value::is_table) => {
            let lines: Vec<String> = items
                .iter()
                .map(|i| format!("  {},\n", toml_text(i)))
                .collect();
            format!("[\n{}]", lines.concat())
        }
        other => toml_text(other),
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
#[path = "describe_tests.rs"]
mod tests;
