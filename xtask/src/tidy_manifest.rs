//! The packaging part of `cargo xtask tidy`: every publishable crate (no `publish = false`)
//! carries what crates.io shows and `cargo package --workspace` needs, so packaging keeps
//! working as crates are added.
//!
//! Checked per publishable manifest: a `description`; a `license` (own or the workspace's) and
//! a `LICENSE` file in the crate's folder (it goes into the package); a `readme` that exists
//! in the crate's folder; 1 to [`MAX_KEYWORDS`] `keywords` in crates.io's form; 1 to 5
//! `categories`, each a crates.io slug of [`CATEGORIES`]; no placeholder `repository`; and a
//! `version` on every ngd crate it depends on (directly or through
//! `[workspace.dependencies]`), which `cargo package` requires of path dependencies (a
//! dev-dependency without one is dropped from the package instead).

use std::path::Path;
use toml::{Table, Value};

/// crates.io accepts at most five keywords.
pub const MAX_KEYWORDS: usize = 5;

/// The crates.io category slugs the workspace may use (a subset of crates.io's list; add a real
/// slug here before using it).
pub const CATEGORIES: &[&str] = &[
    "algorithms",
    "command-line-interface",
    "command-line-utilities",
    "data-structures",
    "development-tools",
    "development-tools::testing",
    "mathematics",
    "science",
    "simulation",
    "visualization",
];

/// Text that marks a repository URL as a placeholder.
const PLACEHOLDERS: &[&str] = &["example", "placeholder", "todo", "xxx", "your-", "<"];

/// A package field, own or inherited (`field.workspace = true`) from `workspace_package`.
fn field<'a>(package: &'a Table, workspace_package: &'a Table, key: &str) -> Option<&'a Value> {
    match package.get(key) {
        Some(Value::Table(t)) if t.get("workspace") == Some(&Value::Boolean(true)) => {
            workspace_package.get(key)
        }
        other => other,
    }
}

/// Whether `word` is a crates.io keyword: ASCII, starts with a letter, at most 20 characters of
/// letters, digits, `_`, `-` or `+`.
fn valid_keyword(word: &str) -> bool {
    word.len() <= 20
        && word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
}

/// The strings of a list field (empty when missing or not a list of strings).
fn strings(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether an ngd dependency entry of a crate has a version, looking it up in the workspace's
/// `[workspace.dependencies]` when the entry says `workspace = true`.
fn has_version(entry: &Value, name: &str, workspace_deps: &Table) -> bool {
    match entry {
        Value::String(_) => true,
        Value::Table(t) if t.get("workspace") == Some(&Value::Boolean(true)) => workspace_deps
            .get(name)
            .is_some_and(|w| has_version(w, name, &Table::new())),
        Value::Table(t) => t.contains_key("version") || !t.contains_key("path"),
        _ => false,
    }
}

/// The packaging problems of the crate `name` (manifest text `manifest`, folder `dir`) in a
/// workspace whose root manifest is `workspace`; empty for a `publish = false` crate.
pub fn manifest_problems(name: &str, manifest: &str, dir: &Path, workspace: &str) -> Vec<String> {
    let parse = |text: &str| text.parse::<Table>().unwrap_or_default();
    let (crate_toml, root) = (parse(manifest), parse(workspace));
    let empty = Table::new();
    let ws = root
        .get("workspace")
        .and_then(Value::as_table)
        .unwrap_or(&empty);
    let ws_package = ws
        .get("package")
        .and_then(Value::as_table)
        .unwrap_or(&empty);
    let ws_deps = ws
        .get("dependencies")
        .and_then(Value::as_table)
        .unwrap_or(&empty);
    let Some(package) = crate_toml.get("package").and_then(Value::as_table) else {
        return vec![format!("{name}: Cargo.toml has no [package]")];
    };
    if field(package, ws_package, "publish") == Some(&Value::Boolean(false)) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut problem = |what: String| found.push(format!("{name} (publishable): {what}"));
    let text = |key: &str| field(package, ws_package, key).and_then(Value::as_str);
    if text("description").is_none_or(|d| d.trim().is_empty()) {
        problem("no `description`".into());
    }
    if text("license").is_none() {
        problem("no `license`".into());
    }
    if !dir.join("LICENSE").is_file() {
        problem("no LICENSE file in its folder (the package must carry it)".into());
    }
    match text("readme") {
        None => problem("no `readme`".into()),
        Some(r) if !dir.join(r).is_file() => problem(format!("readme `{r}` does not exist")),
        Some(_) => {}
    }
    let keywords = strings(field(package, ws_package, "keywords"));
    if keywords.is_empty() || keywords.len() > MAX_KEYWORDS {
        problem(format!("{} keywords (1 to {MAX_KEYWORDS})", keywords.len()));
    }
    for k in keywords.iter().filter(|k| !valid_keyword(k)) {
        problem(format!("keyword `{k}` is not a crates.io keyword"));
    }
    let categories = strings(field(package, ws_package, "categories"));
    if categories.is_empty() || categories.len() > 5 {
        problem(format!("{} categories (1 to 5)", categories.len()));
    }
    for c in categories.iter().filter(|c| !CATEGORIES.contains(c)) {
        problem(format!(
            "category `{c}` is not in tidy's list of crates.io slugs"
        ));
    }
    if let Some(url) = text("repository") {
        let lower = url.to_lowercase();
        if !lower.starts_with("https://") || PLACEHOLDERS.iter().any(|p| lower.contains(p)) {
            problem(format!(
                "placeholder repository `{url}` (leave the field out)"
            ));
        }
    }
    for section in ["dependencies", "build-dependencies"] {
        let Some(deps) = crate_toml.get(section).and_then(Value::as_table) else {
            continue;
        };
        for (dep, entry) in deps.iter().filter(|(d, _)| d.starts_with("ngd-")) {
            if !has_version(entry, dep, ws_deps) {
                problem(format!("[{section}] {dep} has no `version`"));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = "[workspace.package]\nlicense = \"MIT\"\n\
        [workspace.dependencies]\nngd-a = { path = \"a\", version = \"0.1.0\" }\n\
        ngd-b = { path = \"b\" }\n";

    fn crate_dir(with_files: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        if with_files {
            std::fs::write(dir.path().join("LICENSE"), "MIT").unwrap();
            std::fs::write(dir.path().join("README.md"), "# x").unwrap();
        }
        dir
    }

    #[test]
    fn a_complete_manifest_passes_and_unpublished_crates_are_skipped() {
        let good = "[package]\nname = \"x\"\ndescription = \"X.\"\nlicense.workspace = true\n\
                    readme = \"README.md\"\nkeywords = [\"a\", \"b-c\"]\n\
                    categories = [\"science\"]\n[dependencies]\nngd-a.workspace = true\n";
        let dir = crate_dir(true);
        assert_eq!(
            manifest_problems("x", good, dir.path(), WORKSPACE),
            Vec::<String>::new()
        );
        let private = "[package]\nname = \"y\"\npublish = false\n";
        assert!(manifest_problems("y", private, crate_dir(false).path(), WORKSPACE).is_empty());
    }

    #[test]
    fn every_missing_or_wrong_field_is_named() {
        let bad = "[package]\nname = \"x\"\nreadme = \"README.md\"\n\
                   keywords = [\"a\", \"b\", \"c\", \"d\", \"e\", \"6f\"]\n\
                   categories = [\"sciences\"]\nrepository = \"https://github.com/example/x\"\n\
                   [dependencies]\nngd-b.workspace = true\n\
                   [build-dependencies]\nngd-c = { path = \"../c\" }\n";
        let found = manifest_problems("x", bad, crate_dir(false).path(), "").join("\n");
        for expected in [
            "no `description`",
            "no `license`",
            "no LICENSE file",
            "readme `README.md` does not exist",
            "6 keywords",
            "keyword `6f`",
            "category `sciences`",
            "placeholder repository",
            "[dependencies] ngd-b has no `version`",
            "[build-dependencies] ngd-c has no `version`",
        ] {
            assert!(
                found.contains(expected),
                "missing {expected:?} in:\n{found}"
            );
        }
    }
}
