//! `ngd config EXP --preset P` documents every key from the config structs' `///` comments, and
//! every numeric range it prints is the one the experiment's check enforces: a value just
//! outside it is refused, naming the key (for every registered experiment and preset).

use ngd_harness::registry::DynExperiment;
use ngd_harness::{ConfigError, Preset};
use toml::{Table, Value};

/// One printed key: its dotted path, the comment lines above it, and its value.
struct Printed {
    key: String,
    comments: Vec<String>,
    is_section: bool,
}

/// The keys of a `config` text with the comment block above each (sections as keys too).
fn printed_keys(text: &str) -> Vec<Printed> {
    let (mut out, mut comments, mut section) = (Vec::new(), Vec::<String>::new(), String::new());
    for line in text.lines() {
        if line.trim().is_empty() {
            comments.clear();
        } else if line.starts_with([' ', ']']) {
            // The elements and the end of a list of tables, one per line.
        } else if line.starts_with('#') {
            comments.push(line.to_string());
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            let comments = std::mem::take(&mut comments);
            out.push(Printed {
                key: section.clone(),
                comments,
                is_section: true,
            });
        } else if let Some((key, _)) = line.split_once(" = ") {
            let key = key.trim_matches('"');
            let path = if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            };
            let comments = std::mem::take(&mut comments);
            out.push(Printed {
                key: path,
                comments,
                is_section: false,
            });
        }
    }
    out
}

/// The configs of every registered experiment and preset, as `config` prints them.
fn every_config() -> Vec<(&'static dyn DynExperiment, Preset, String)> {
    let mut all = Vec::new();
    for exp in ngd_experiments::experiments::registry() {
        for preset in Preset::ALL {
            let text = exp
                .describe_config(preset)
                .unwrap_or_else(|e| panic!("{} {preset}: {e}", exp.name()));
            all.push((exp, preset, text));
        }
    }
    all
}

#[test]
fn every_printed_key_has_its_doc_comment() {
    let mut keys = 0;
    for (exp, preset, text) in every_config() {
        for p in printed_keys(&text) {
            // A leaf's last comment line is its type line; a section has none.
            let docs = if p.is_section {
                &p.comments[..]
            } else {
                &p.comments[..p.comments.len().saturating_sub(1)]
            };
            let first = docs.first().map(|l| l.trim_start_matches('#').trim());
            assert!(
                first.is_some_and(|d| !d.is_empty()),
                "{} {preset}: key `{}` has no doc line:\n{text}",
                exp.name(),
                p.key
            );
            keys += 1;
        }
        // An element key without its own doc is an enum tag, followed by its documented values.
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("#   ") && !line.starts_with("#     ") && line.ends_with(':') {
                let next = lines.get(i + 1).copied().unwrap_or("");
                assert!(
                    next.starts_with("#     \""),
                    "{} {preset}: element key without a doc: {line}\n{text}",
                    exp.name()
                );
            }
        }
    }
    assert!(keys > 100, "only {keys} keys printed");
}

#[test]
fn printed_docs_are_the_config_structs_doc_comments() {
    let fig2 = ngd_experiments::experiments::registry()
        .into_iter()
        .find(|e| e.name() == "fig2")
        .unwrap()
        .describe_config(Preset::Quick)
        .unwrap();
    // `Fig2Config::depths`' doc comment, verbatim.
    let doc = "# Depths `L` of the diagonal networks (each in [1, 8], distinct); `1` is the linear \
               model.\n";
    assert!(fig2.contains(doc), "{fig2}");
}

/// A bound of a printed range: its value and whether it is included.
#[derive(Debug, Clone, Copy)]
struct Bound {
    value: f64,
    closed: bool,
}

/// The numeric bounds of an `allowed` phrase: `… ≥ a`, `… > a`, `… in [a, b]`, `… in (a, b)`,
/// `… in [a, b)` and the like, with numeric bounds (a symbolic bound `name = v` uses `v`).
/// Other phrases (`an entry of n_grid`) give `None`.
fn bounds(phrase: &str) -> Option<(Option<Bound>, Option<Bound>)> {
    let number = |s: &str| -> Option<f64> {
        let s = s.trim();
        let s = s.rsplit_once(" = ").map_or(s, |(_, v)| v);
        s.parse().ok()
    };
    let first_word = |s: &str| s.split_whitespace().next().map(str::to_string);
    for (sign, closed) in [("≥ ", true), ("> ", false)] {
        if let Some((_, rest)) = phrase.split_once(sign) {
            let value = number(&first_word(rest)?)?;
            return Some((Some(Bound { value, closed }), None));
        }
    }
    let (_, rest) = phrase.split_once(" in ")?;
    let open = rest.chars().next()?;
    let close_at = rest.find([']', ')'])?;
    let (lo, hi) = rest[1..close_at].split_once(", ")?;
    let lo = Bound {
        value: number(lo)?,
        closed: open == '[',
    };
    let hi = Bound {
        value: number(hi)?,
        closed: rest[close_at..].starts_with(']'),
    };
    Some((Some(lo), Some(hi)))
}

/// The neighbouring float of `v` above (`up`) or below.
fn next_float(v: f64, up: bool) -> f64 {
    if v == 0.0 {
        let tiny = f64::from_bits(1);
        return if up { tiny } else { -tiny };
    }
    let bits = v.to_bits();
    f64::from_bits(if (v > 0.0) == up { bits + 1 } else { bits - 1 })
}

/// Values just outside `(lo, hi)`: for integers the neighbours, for numbers the open bound
/// itself or the next float beyond a closed one.
fn just_outside(lo: Option<Bound>, hi: Option<Bound>, integer: bool) -> Vec<Value> {
    let mut out = Vec::new();
    let outside = |b: Bound, below: bool| -> Option<Value> {
        if integer {
            let v = b.value as i64;
            let v = match (b.closed, below) {
                (true, true) => v - 1,
                (true, false) => v + 1,
                (false, _) => v,
            };
            (v >= 0).then_some(Value::Integer(v))
        } else if b.closed {
            Some(Value::Float(next_float(b.value, !below)))
        } else {
            Some(Value::Float(b.value))
        }
    };
    out.extend(lo.and_then(|b| outside(b, true)));
    out.extend(hi.and_then(|b| outside(b, false)));
    out
}

/// The value at a dotted key of a table.
fn lookup<'a>(table: &'a Table, key: &str) -> Option<&'a Value> {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop()?;
    let mut t = table;
    for p in parts {
        t = t.get(p)?.as_table()?;
    }
    t.get(last)
}

#[test]
fn a_value_just_outside_a_printed_range_is_refused_naming_the_key() {
    let mut checked = 0;
    for (exp, preset, text) in every_config() {
        let table: Table = text.parse().unwrap();
        for p in printed_keys(&text).into_iter().filter(|p| !p.is_section) {
            let type_line = p.comments.last().unwrap();
            let Some((_, allowed)) = type_line.split_once("; allowed: ") else {
                continue;
            };
            let phrases: Vec<&str> = allowed
                .split("; ")
                .take_while(|s| !s.starts_with("preset "))
                .collect();
            let default = lookup(&table, &p.key).unwrap();
            let (integer, list) = match default {
                Value::Integer(_) => (true, false),
                Value::Float(_) => (false, false),
                Value::Array(items) => match items.first() {
                    Some(Value::Integer(_)) => (true, true),
                    Some(Value::Float(_)) => (false, true),
                    _ => continue,
                },
                _ => continue,
            };
            for phrase in &phrases {
                let Some((lo, hi)) = bounds(phrase) else {
                    continue;
                };
                for value in just_outside(lo, hi, integer) {
                    let shown = if list {
                        Value::Array(vec![value])
                    } else {
                        value
                    };
                    let set = format!("{}={shown}", p.key);
                    let what = format!("{} {preset}: `{set}` (printed: {allowed})", exp.name());
                    match exp.resolve_config(preset, None, std::slice::from_ref(&set)) {
                        Err(ConfigError::OutOfRange {
                            field,
                            allowed: said,
                            ..
                        }) => {
                            let names_key = field == p.key
                                || field.starts_with(&format!("{}[", p.key))
                                || field.starts_with(&format!("{}.", p.key));
                            assert!(names_key, "{what}: the error names `{field}`");
                            assert!(
                                list || phrases.contains(&said.as_str()),
                                "{what}: refused with another range: {said}"
                            );
                        }
                        other => panic!("{what}: not refused as out of range: {other:?}"),
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} printed bounds checked");
}

#[test]
fn ranges_are_read_from_their_phrases() {
    let b = |p: &str| {
        bounds(p).map(|(lo, hi)| {
            (
                lo.map(|b| (b.value, b.closed)),
                hi.map(|b| (b.value, b.closed)),
            )
        })
    };
    assert_eq!(b("an integer ≥ 1"), Some((Some((1.0, true)), None)));
    assert_eq!(b("a finite number > 0"), Some((Some((0.0, false)), None)));
    assert_eq!(
        b("a number in [1e-290, 0.69)"),
        Some((Some((1e-290, true)), Some((0.69, false))))
    );
    assert_eq!(
        b("an integer in [1, dim = 40]"),
        Some((Some((1.0, true)), Some((40.0, true))))
    );
    assert_eq!(b("an entry of n_grid"), None);
    assert_eq!(b("an integer in [1, dim]"), None);
    let outside = just_outside(
        Some(Bound {
            value: 0.0,
            closed: true,
        }),
        Some(Bound {
            value: 1.0,
            closed: false,
        }),
        false,
    );
    assert_eq!(
        outside,
        [Value::Float(-f64::from_bits(1)), Value::Float(1.0)]
    );
    assert_eq!(next_float(1.0, true), 1.0 + f64::EPSILON);
    assert_eq!(next_float(1.0, false), 1.0 - f64::EPSILON / 2.0);
}
