//! `REPORT.md` and a self-contained `REPORT.html` from the experiments' `summary.json` and
//! `manifest.json`, both rendered from one source.
//!
//! [`model::Report`] holds what the report shows (loaded from the results tree);
//! [`markdown::markdown`] writes it once as Markdown (`REPORT.md`); [`html::html`] renders that
//! same text with `pulldown-cmark` into `REPORT.html` (figures inlined), so the two cannot
//! drift apart and no Markdown reaches the HTML unrendered. Text from the results is escaped
//! by [`text::md_text`]. Content: a summary (claims per verdict, every claim with a link to
//! its experiment), contents, then per experiment the figures with their captions, the claims
//! table, headline numbers, diverged runs, notes, the config (once, collapsed) and links to
//! its CSV / SVG files; the report ends with wall times.

pub mod html;
mod machine;
pub mod markdown;
pub mod model;
pub mod text;

pub use machine::machine_description;
pub use text::escape_cell;

use crate::error::Error;
use crate::output::write_atomic;
use model::Report;
use std::path::{Path, PathBuf};

/// The report's title and the tool named in its generator line.
#[derive(Debug, Clone, Copy)]
pub struct ReportTitle {
    /// The title, e.g. `Reproduction report: "Depth without the magic"`.
    pub title: &'static str,
    /// The generating tool, e.g. `ngd`.
    pub tool: &'static str,
    /// The version of the tool.
    pub version: &'static str,
}

/// Writes `<out>/REPORT.md` and `<out>/REPORT.html` for the experiments `names` (in order);
/// returns their paths.
///
/// # Errors
///
/// [`Error::Io`] when a report file cannot be written.
pub fn write_report(
    out: &Path,
    title: &ReportTitle,
    names: &[&str],
) -> Result<(PathBuf, PathBuf), Error> {
    let report = Report::load(out, *title, names);
    let source = markdown::markdown(&report);
    let md_path = out.join("REPORT.md");
    write_atomic(&md_path, source.as_bytes())?;
    let html_path = out.join("REPORT.html");
    write_atomic(&html_path, html::html(out, title.title, &source).as_bytes())?;
    Ok((md_path, html_path))
}
