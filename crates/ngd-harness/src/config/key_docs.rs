//! Each config key's documentation, taken from the config structs' own `///` doc comments.
//!
//! A config type derives [`schemars::JsonSchema`], which carries every field's and every enum
//! variant's doc comment as the `description` of its JSON schema and follows serde's attributes
//! (`rename_all`, `tag`, `skip`, …), so the keys documented here are the keys the config
//! deserializes. [`KeyDocs::of`] walks that schema once: nested structs give dotted keys
//! (`tasks.toy`), the fields of a list's elements `key[].field` (`egd_depths[].depth`), and a
//! string enum its variants with their docs.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;
use std::collections::BTreeMap;

/// The docs of a config type's keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyDocs {
    /// Key path (`a.b`, `list[].field`) → its doc comment (lines joined by `\n`).
    docs: BTreeMap<String, String>,
    /// Key path of a string enum → its variants, each with its doc (empty when undocumented).
    variants: BTreeMap<String, Vec<(String, String)>>,
}

impl KeyDocs {
    /// The key docs of the config type `T`, read from its derived JSON schema (the deserialize
    /// side, so that the keys are the ones a config file may contain).
    pub fn of<T: JsonSchema>() -> Self {
        let schema = SchemaSettings::draft2020_12()
            .for_deserialize()
            .into_generator()
            .into_root_schema_for::<T>();
        Self::from_schema(schema.as_value())
    }

    /// The key docs of a JSON schema (`$ref`s resolved against its `$defs`).
    pub fn from_schema(root: &Value) -> Self {
        let mut docs = KeyDocs::default();
        docs.walk(root, root, "", 0);
        docs
    }

    /// The doc of the key at `path` (`tasks.toy`, `egd_depths[].depth`), if it has one.
    pub fn doc(&self, path: &str) -> Option<&str> {
        self.docs
            .get(path)
            .map(String::as_str)
            .filter(|d| !d.trim().is_empty())
    }

    /// Every documented key path, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }

    /// The variants of the string enum at `path` with their docs (empty if it is not one).
    pub fn variants(&self, path: &str) -> &[(String, String)] {
        self.variants.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The keys of the list elements at `path` (`path[].field`, also nested as
    /// `path[].field.sub`, and tag keys that only have variants), as `(relative key, doc)`;
    /// the doc is empty for a tag key without one.
    pub fn element_fields(&self, path: &str) -> Vec<(&str, &str)> {
        let prefix = format!("{path}[].");
        let mut fields: Vec<(&str, &str)> = self
            .docs
            .iter()
            .filter_map(|(k, d)| Some((k.strip_prefix(&prefix)?, d.as_str())))
            .collect();
        for key in self.variants.keys() {
            if let Some(rel) = key.strip_prefix(&prefix)
                && !fields.iter().any(|(f, _)| *f == rel)
            {
                fields.push((rel, ""));
            }
        }
        fields.retain(|(field, _)| !field.contains('['));
        fields.sort();
        fields
    }

    fn walk(&mut self, root: &Value, schema: &Value, path: &str, depth: usize) {
        // Types that contain themselves would loop; configs are shallow.
        const MAX_DEPTH: usize = 32;
        if depth > MAX_DEPTH {
            return;
        }
        let schema = resolve(root, schema);
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (key, sub) in props {
                let key_path = join(path, key);
                if let Some(d) = description(root, sub) {
                    // The same key in two enum variants with different docs: both, in order.
                    let doc = self.docs.entry(key_path.clone()).or_default();
                    if doc.is_empty() {
                        *doc = d;
                    } else if !doc.split("\nor: ").any(|known| known == d) {
                        doc.push_str(&format!("\nor: {d}"));
                    }
                }
                self.walk(root, sub, &key_path, depth + 1);
            }
        }
        if let Some(items) = schema.get("items") {
            self.walk(root, items, &format!("{path}[]"), depth + 1);
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            for alt in schema
                .get(combinator)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let alt = resolve(root, alt);
                let words = constants(alt);
                if words.is_empty() {
                    self.tagged_variant(root, alt, path);
                    self.walk(root, alt, path, depth + 1);
                } else {
                    let doc = description(root, alt).unwrap_or_default();
                    let list = self.variants.entry(path.to_string()).or_default();
                    list.extend(words.into_iter().map(|w| (w, doc.clone())));
                }
            }
        }
        if let Some(words) = schema.get("enum").and_then(Value::as_array) {
            let list = self.variants.entry(path.to_string()).or_default();
            for w in words.iter().filter_map(Value::as_str) {
                if !list.iter().any(|(v, _)| v == w) {
                    list.push((w.to_string(), String::new()));
                }
            }
        }
    }

    /// A variant of an internally tagged enum (`#[serde(tag = "kind")]`): an object whose tag
    /// property is a constant; the variant's doc is the object's.
    fn tagged_variant(&mut self, root: &Value, alt: &Value, path: &str) {
        let Some(props) = alt.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (tag, sub) in props {
            if let Some(word) = resolve(root, sub).get("const").and_then(Value::as_str) {
                let doc = description(root, alt).unwrap_or_default();
                let list = self.variants.entry(join(path, tag)).or_default();
                list.push((word.to_string(), doc));
            }
        }
    }
}

/// `path.key` (or `key` at the top).
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The schema a `$ref` (`#/$defs/Name`) points to, or `schema` itself.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| root.pointer(pointer))
        .unwrap_or(schema)
}

/// A schema's description: its own, else that of the schema its `$ref` points to.
fn description(root: &Value, schema: &Value) -> Option<String> {
    let own = |s: &Value| {
        s.get("description")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    own(schema).or_else(|| own(resolve(root, schema)))
}

/// The string constants a schema allows (`const` or `enum`), for enum variants.
fn constants(schema: &Value) -> Vec<String> {
    if let Some(c) = schema.get("const").and_then(Value::as_str) {
        return vec![c.to_string()];
    }
    let words = schema.get("enum").and_then(Value::as_array);
    words
        .map(|w| {
            w.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// How to step.
    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Rule {
        /// A fixed step.
        Fixed,
        /// A step divided by the loss.
        LossNormalized,
    }

    /// One depth.
    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Depth {
        /// The depth `L`.
        depth: usize,
        /// Its step.
        learning_rate: f64,
    }

    /// The inner table.
    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Inner {
        /// Whether to.
        toy: bool,
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Demo {
        /// Steps to take,
        /// at least one.
        steps: u64,
        /// The step rule.
        rule: Rule,
        /// Per-depth settings.
        depths: Vec<Depth>,
        /// An inner table.
        inner: Inner,
        /// An optional file.
        file: Option<String>,
        #[serde(skip)]
        hidden: u8,
    }

    #[test]
    fn docs_come_from_the_doc_comments_of_fields_elements_tables_and_variants() {
        let docs = KeyDocs::of::<Demo>();
        assert_eq!(docs.doc("steps"), Some("Steps to take,\nat least one."));
        assert_eq!(docs.doc("rule"), Some("The step rule."));
        assert_eq!(docs.doc("inner"), Some("An inner table."));
        assert_eq!(docs.doc("inner.toy"), Some("Whether to."));
        assert_eq!(docs.doc("file"), Some("An optional file."));
        assert_eq!(docs.doc("hidden"), None);
        assert_eq!(
            docs.element_fields("depths"),
            [("depth", "The depth `L`."), ("learning_rate", "Its step.")]
        );
        assert_eq!(
            docs.variants("rule"),
            [
                ("fixed".to_string(), "A fixed step.".to_string()),
                (
                    "loss_normalized".into(),
                    "A step divided by the loss.".into()
                )
            ]
        );
        assert!(docs.variants("steps").is_empty());
    }

    /// A model.
    #[derive(Deserialize, JsonSchema)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Model {
        /// The linear model.
        Linear,
        /// A diagonal net.
        Diagonal {
            /// Its depth.
            depth: usize,
        },
        /// A deep linear net.
        DeepLinear {
            /// Hidden widths.
            hidden: Vec<usize>,
        },
        /// A two-layer net.
        TwoLayer {
            /// Hidden width.
            hidden: usize,
        },
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Entry {
        /// The model.
        model: Model,
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Tagged {
        /// The entries.
        entries: Vec<Entry>,
    }

    #[test]
    fn tagged_enum_variants_and_their_fields_are_documented_in_list_elements() {
        let docs = KeyDocs::of::<Tagged>();
        assert_eq!(
            docs.element_fields("entries"),
            [
                ("model", "The model."),
                ("model.depth", "Its depth."),
                ("model.hidden", "Hidden widths.\nor: Hidden width."),
                ("model.kind", "")
            ]
        );
        assert_eq!(
            docs.doc("entries[].model.hidden"),
            Some("Hidden widths.\nor: Hidden width.")
        );
        assert_eq!(
            docs.variants("entries[].model.kind"),
            [
                ("linear".to_string(), "The linear model.".to_string()),
                ("diagonal".into(), "A diagonal net.".into()),
                ("deep_linear".into(), "A deep linear net.".into()),
                ("two_layer".into(), "A two-layer net.".into())
            ]
        );
    }
}
