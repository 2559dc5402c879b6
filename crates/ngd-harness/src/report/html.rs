//! The self-contained HTML report (PNG figures inlined as base64 data URIs).

use super::{ReportTitle, Section, escape_cell, machine_description, provenance};
use base64::Engine;
use std::fmt::Write;
use std::path::Path;

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) fn html(
    out: &Path,
    title: &ReportTitle,
    sections: &[Section],
    missing: &[String],
) -> String {
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Reproduction report</title><style>body{font-family:sans-serif;max-width:1000px;\
         margin:auto;padding:1em}table{border-collapse:collapse}td,th{border:1px solid #999;\
         padding:4px 8px;vertical-align:top}img{max-width:100%}figcaption{font-size:90%}\
         code{font-size:85%;word-break:break-all}</style></head><body>\n",
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(title.title));
    let _ = writeln!(
        h,
        "<p>How to read the figures: {}</p>",
        esc(crate::plot::VISUAL_GRAMMAR)
    );
    for s in sections {
        let _ = writeln!(
            h,
            "<h2>{} (<code>{}</code>)</h2>",
            esc(&s.summary.title),
            esc(&s.name)
        );
        let caption = esc(&provenance(&s.manifest));
        for f in &s.summary.figures {
            let png = out.join(&s.name).join(format!("{}.png", f.name));
            let img = match std::fs::read(&png) {
                Ok(bytes) => format!(
                    "<img alt=\"{}\" src=\"data:image/png;base64,{}\">",
                    esc(&f.name),
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                ),
                Err(_) => format!(
                    "<p>(figure {} missing)</p>",
                    esc(&png.display().to_string())
                ),
            };
            let _ = writeln!(
                h,
                "<figure>{img}<figcaption><em>{}</em> {caption}</figcaption></figure>",
                esc(&f.caption)
            );
        }
        if s.summary.figures.is_empty() {
            let _ = writeln!(h, "<p>{caption}</p>");
        }
        if !s.summary.claims.is_empty() {
            h.push_str("<table><tr><th>Paper claim</th><th>Measured</th><th>Verdict</th><th>Reason</th></tr>\n");
            for c in &s.summary.claims {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td><b>{}</b></td><td>{}</td></tr>",
                    esc(&c.claim),
                    esc(&c.measured),
                    c.verdict.label(),
                    esc(&c.reason)
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("<ul>\n");
        for (k, v) in &s.summary.headline {
            let _ = writeln!(h, "<li>{}: {v:.6}</li>", esc(k));
        }
        for d in &s.summary.diverged {
            let _ = writeln!(
                h,
                "<li><b>Diverged:</b> run <code>{}</code> at step {}: {}</li>",
                esc(&d.run_id),
                d.step,
                esc(&d.cause)
            );
        }
        for n in &s.summary.notes {
            let _ = writeln!(h, "<li>Note: {}</li>", esc(n));
        }
        h.push_str("</ul>\n");
    }
    for m in missing {
        let _ = writeln!(h, "<p><code>{}</code>: no results found.</p>", esc(m));
    }
    h.push_str("<h2>Wall times</h2><table><tr><th>Experiment</th><th>Wall time (s)</th><th>Runs</th></tr>\n");
    for s in sections {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{:.2}</td><td>{}</td></tr>",
            esc(&escape_cell(&s.name)),
            s.manifest.wall_seconds,
            s.manifest.runs.len()
        );
    }
    let _ = writeln!(
        h,
        "</table><p>Machine: {}.</p></body></html>",
        esc(&machine_description())
    );
    h
}
