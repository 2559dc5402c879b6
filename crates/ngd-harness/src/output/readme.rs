//! `README.md` of an experiment's folder: every file and every CSV column named and explained,
//! so an outsider can re-check the results with the folder alone.
//!
//! An experiment declares its files ([`OutputDocs`], from [`crate::Experiment::outputs`]); the
//! harness adds the files it writes itself (`manifest.json`, `summary.json`, `README.md`,
//! `runs/`, `checkpoints/`, and each figure's `.svg` / `.png` from the summary). After
//! `finish`, [`write_readme`] renders the README and lists what the folder holds but the docs
//! do not name ([`undocumented`]): a top-level file no doc matches, or a column of a CSV file
//! that its doc does not list. Those are printed as warnings and listed in the README under
//! "Not documented", so a missing doc line is visible without failing a long run.

use super::atomic::write_atomic;
use crate::error::Error;
use crate::experiment::ExperimentSummary;
use std::path::Path;

/// One output file (or a family of files), for the README.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDoc {
    /// The file name in the experiment's folder, or a pattern with one `*` standing for any
    /// text (e.g. `init-*.npy`).
    pub name: String,
    /// What the file holds (shape and order of arrays, units).
    pub description: String,
    /// For CSV files: every column as `(header, meaning)`, in file order.
    pub columns: Vec<(String, String)>,
}

impl FileDoc {
    /// A file without columns (JSON, `.npy`, plots).
    pub fn file(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            columns: Vec::new(),
        }
    }

    /// A CSV file with its columns `(header, meaning)`.
    pub fn csv(
        name: impl Into<String>,
        description: impl Into<String>,
        columns: &[(&str, &str)],
    ) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            columns: columns
                .iter()
                .map(|(h, m)| ((*h).to_string(), (*m).to_string()))
                .collect(),
        }
    }

    /// Whether `file` is this doc's file (exact name, or the pattern with its one `*`).
    pub fn matches(&self, file: &str) -> bool {
        match self.name.split_once('*') {
            Some((head, tail)) => {
                file.len() >= head.len() + tail.len()
                    && file.starts_with(head)
                    && file.ends_with(tail)
            }
            None => self.name == file,
        }
    }
}

/// What an experiment writes, for its folder's README.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutputDocs {
    /// The experiment's own files (CSVs, arrays), in the order a reader should meet them.
    pub files: Vec<FileDoc>,
    /// Paragraphs after the file list: conventions (array layouts, signs) and how to re-check
    /// the results (the command to run).
    pub notes: Vec<String>,
}

/// The files the harness writes in every experiment's folder.
fn harness_files(summary: &ExperimentSummary) -> Vec<FileDoc> {
    let mut files = vec![
        FileDoc::file(
            "README.md",
            "This file: every file of the folder and every CSV column.",
        ),
        FileDoc::file(
            "manifest.json",
            "The full effective config, preset, experiment seed, git revision, crate versions, \
             wall time, solver routes and the status of every run.",
        ),
        FileDoc::file(
            "summary.json",
            "Headline numbers, the claims with their verdicts, figure captions, diverged runs and \
             notes (the report is rendered from it).",
        ),
        FileDoc::file(
            "runs",
            "Folder: one JSON file per finished run (`<run-id>.json`: seed, fingerprint, wall \
             time, solver routes, the run's output).",
        ),
        FileDoc::file(
            "checkpoints",
            "Folder: the state of runs in progress (empty once every run finished).",
        ),
    ];
    for figure in &summary.figures {
        for ext in ["svg", "png"] {
            files.push(FileDoc::file(
                format!("{}.{ext}", figure.name),
                format!("Figure ({ext}): {}", figure.caption),
            ));
        }
    }
    files
}

/// The experiment's files, then the harness's.
fn all_files(docs: &OutputDocs, summary: &ExperimentSummary) -> Vec<FileDoc> {
    let mut all = docs.files.clone();
    all.extend(harness_files(summary));
    all
}

/// The header of a CSV file (its first record), or `None` if it cannot be read.
fn csv_header(path: &Path) -> Option<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).ok()?;
    let header = reader.headers().ok()?;
    Some(header.iter().map(str::to_string).collect())
}

/// What the folder `root` holds but `docs` does not name: `file` for an undocumented file,
/// `file: column` for an undocumented CSV column. Sorted.
pub fn undocumented(root: &Path, docs: &[FileDoc]) -> Result<Vec<String>, Error> {
    let mut missing = Vec::new();
    let entries = std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(root, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    for name in names.iter().filter(|n| !n.starts_with('.')) {
        let Some(doc) = docs.iter().find(|d| d.matches(name)) else {
            missing.push(name.clone());
            continue;
        };
        if name.ends_with(".csv") {
            for column in csv_header(&root.join(name)).unwrap_or_default() {
                if !doc.columns.iter().any(|(h, _)| *h == column) {
                    missing.push(format!("{name}: {column}"));
                }
            }
        }
    }
    Ok(missing)
}

/// Markdown of a table cell: no line breaks, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

/// The README text of the folder (see the module docs).
pub fn render_readme(
    name: &str,
    summary: &ExperimentSummary,
    docs: &OutputDocs,
    undocumented: &[String],
) -> String {
    let mut md = format!("# `{name}` — {}\n\n", summary.title);
    md.push_str(
        "Every file of this folder and every column of its CSV files. All numbers are plain \
         text (CSV, JSON) or NumPy arrays (`.npy`, float64, C order, read with `numpy.load`).\n\n",
    );
    md.push_str("## Files\n\n| file | content |\n|---|---|\n");
    let all = all_files(docs, summary);
    for doc in &all {
        md.push_str(&format!(
            "| `{}` | {} |\n",
            doc.name,
            cell(&doc.description)
        ));
    }
    for doc in all.iter().filter(|d| !d.columns.is_empty()) {
        md.push_str(&format!(
            "\n## Columns of `{}`\n\n| column | meaning |\n|---|---|\n",
            doc.name
        ));
        for (header, meaning) in &doc.columns {
            md.push_str(&format!("| `{}` | {} |\n", cell(header), cell(meaning)));
        }
    }
    if !docs.notes.is_empty() {
        md.push_str("\n## Conventions and re-checking\n\n");
        for note in &docs.notes {
            md.push_str(note);
            md.push_str("\n\n");
        }
    }
    if !undocumented.is_empty() {
        md.push_str("\n## Not documented\n\nThe experiment does not describe these (a bug):\n\n");
        for item in undocumented {
            md.push_str(&format!("- `{item}`\n"));
        }
    }
    md
}

/// Writes `<root>/README.md` for the experiment `name` and returns what is undocumented
/// (see [`undocumented`]; the README itself and the harness's files count as documented).
///
/// # Errors
///
/// [`Error::Io`] if the folder cannot be listed or the README cannot be written.
pub fn write_readme(
    root: &Path,
    name: &str,
    summary: &ExperimentSummary,
    docs: &OutputDocs,
) -> Result<Vec<String>, Error> {
    let all = all_files(docs, summary);
    let missing = undocumented(root, &all)?;
    let text = render_readme(name, summary, docs, &missing);
    write_atomic(&root.join("README.md"), text.as_bytes())?;
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Figure;

    fn summary() -> ExperimentSummary {
        ExperimentSummary {
            title: "Demo".into(),
            figures: vec![Figure {
                name: "plot".into(),
                caption: "A plot.".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn patterns_match_one_star() {
        let doc = FileDoc::file("init-*.npy", "");
        assert!(doc.matches("init-L2x1-s0.npy"));
        assert!(!doc.matches("init-L2.csv"));
        assert!(!doc.matches("xinit-.npy"));
        assert!(FileDoc::file("a.csv", "").matches("a.csv"));
        assert!(!FileDoc::file("a.csv", "").matches("b.csv"));
    }

    #[test]
    fn undocumented_files_and_columns_are_listed_in_the_readme() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for dir in ["runs", "checkpoints"] {
            std::fs::create_dir(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("data.csv"), "x,y (m),z\n1,2,3\n").unwrap();
        std::fs::write(root.join("extra.npy"), b"").unwrap();
        std::fs::write(root.join("plot.svg"), b"").unwrap();
        std::fs::write(root.join("plot.png"), b"").unwrap();
        std::fs::write(root.join("summary.json"), b"{}").unwrap();
        let docs = OutputDocs {
            files: vec![FileDoc::csv(
                "data.csv",
                "The data.",
                &[("x", "input"), ("y (m)", "output | metres")],
            )],
            notes: vec!["Run `python check.py`.".into()],
        };
        let missing = write_readme(root, "demo", &summary(), &docs).unwrap();
        assert_eq!(
            missing,
            vec!["data.csv: z".to_string(), "extra.npy".to_string()]
        );
        let text = std::fs::read_to_string(root.join("README.md")).unwrap();
        for needle in [
            "| `data.csv` | The data. |",
            "| `y (m)` | output \\| metres |",
            "| `plot.png` | Figure (png): A plot. |",
            "Run `python check.py`.",
            "## Not documented",
            "- `data.csv: z`",
        ] {
            assert!(text.contains(needle), "{needle} missing in\n{text}");
        }
        // Once documented, nothing is missing and the section is gone (the README itself,
        // written by the first call, is documented by the harness).
        let full = OutputDocs {
            files: vec![
                FileDoc::csv("data.csv", "", &[("x", ""), ("y (m)", ""), ("z", "")]),
                FileDoc::file("*.npy", "arrays"),
            ],
            notes: Vec::new(),
        };
        assert!(
            write_readme(root, "demo", &summary(), &full)
                .unwrap()
                .is_empty()
        );
        let text = std::fs::read_to_string(root.join("README.md")).unwrap();
        assert!(!text.contains("Not documented"));
    }
}
