//! The report's model: what one report shows, loaded from the results tree. Both outputs
//! (`REPORT.md` and `REPORT.html`) are rendered from it through one Markdown source
//! ([`super::markdown`]).

use super::ReportTitle;
use super::machine::machine_description;
use crate::experiment::{Claim, ExperimentSummary, Verdict};
use crate::output::{ExperimentDir, Manifest};
use std::path::Path;

/// Every verdict, in the order the summary counts them.
pub const VERDICTS: [Verdict; 6] = [
    Verdict::Reproduced,
    Verdict::Partly,
    Verdict::NotReproduced,
    Verdict::Supported,
    Verdict::NotSupported,
    Verdict::NotJudged,
];

/// One experiment's stored results.
pub struct Section {
    /// The experiment's name (its folder under the results root).
    pub name: String,
    /// Its `manifest.json`.
    pub manifest: Manifest,
    /// Its `summary.json`.
    pub summary: ExperimentSummary,
    /// The CSV and SVG files of its folder, sorted (linked from the report).
    pub files: Vec<String>,
}

/// Everything one report shows.
pub struct Report {
    /// Title, tool and version.
    pub title: ReportTitle,
    /// The machine the report was written on ([`machine_description`]).
    pub machine: String,
    /// The experiments with results, in the study's order.
    pub sections: Vec<Section>,
    /// The experiments without results.
    pub missing: Vec<String>,
}

/// The CSV and SVG files directly in `dir`, sorted by name.
fn result_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".csv") || f.ends_with(".svg"))
        .collect();
    files.sort();
    files
}

impl Report {
    /// Loads the experiments `names` (in order) from the results root `out`; one without a
    /// readable `manifest.json` and `summary.json`, or whose files differ from its manifest (not
    /// one config's complete output), is listed as missing.
    pub fn load(out: &Path, title: ReportTitle, names: &[&str]) -> Self {
        let mut sections = Vec::new();
        let mut missing = Vec::new();
        for &name in names {
            let dir = ExperimentDir::open(out, name);
            match (
                dir.read_json::<Manifest>("manifest.json"),
                dir.read_json::<ExperimentSummary>("summary.json"),
            ) {
                (Ok(manifest), Ok(summary))
                    if crate::output::verify_files(&dir, &manifest).is_ok() =>
                {
                    sections.push(Section {
                        name: name.into(),
                        files: result_files(dir.root()),
                        manifest,
                        summary,
                    });
                }
                _ => missing.push(name.to_string()),
            }
        }
        Self {
            title,
            machine: machine_description(),
            sections,
            missing,
        }
    }

    /// How many claims of all experiments have each verdict (verdicts without claims omitted).
    pub fn verdict_counts(&self) -> Vec<(Verdict, usize)> {
        VERDICTS
            .iter()
            .map(|&v| (v, self.claims().filter(|(_, c)| c.verdict == v).count()))
            .filter(|&(_, n)| n > 0)
            .collect()
    }

    /// Every claim with its section, in report order.
    pub fn claims(&self) -> impl Iterator<Item = (&Section, &Claim)> {
        self.sections
            .iter()
            .flat_map(|s| s.summary.claims.iter().map(move |c| (s, c)))
    }

    /// The distinct git revisions of the sections, each with the experiments produced at it.
    pub fn revisions(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for s in &self.sections {
            let rev = &s.manifest.git_revision;
            match out.iter_mut().find(|(r, _)| r == rev) {
                Some((_, names)) => names.push(s.name.clone()),
                None => out.push((rev.clone(), vec![s.name.clone()])),
            }
        }
        out
    }
}

impl Section {
    /// The section's anchor id (`exp-<name>`).
    pub fn anchor(&self) -> String {
        format!("exp-{}", super::text::anchor(&self.name))
    }
}
