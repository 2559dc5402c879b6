//! `REPORT.html`: the report's Markdown source ([`super::markdown`]) rendered by
//! `pulldown-cmark` (CommonMark with GFM tables; inline HTML — anchors, verdict badges,
//! `<details>` — passes through) inside one self-contained page: each image link
//! `<experiment>/<figure>.svg` is replaced by that figure's PNG inlined as a base64 data URI,
//! so the page shows its figures even when copied alone; links to CSV / SVG files stay relative.
//!
//! The style sheet keeps the page free of horizontal scrolling at 1280 px and readable at
//! 800 px: long words and config values wrap anywhere, a table wider than the page scrolls
//! inside its own box, images shrink to the page.

use base64::Engine;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};
use std::path::Path;

/// The page's style sheet (verdict colours: green reproduced / supported, orange partly,
/// red not reproduced / not supported, grey not judged).
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;\
padding:0 1em 2em;line-height:1.45;overflow-wrap:anywhere}\
table{border-collapse:collapse;display:block;overflow-x:auto;max-width:100%;margin:.6em 0}\
td,th{border:1px solid #bbb;padding:3px 7px;vertical-align:top;overflow-wrap:anywhere}\
th{background:#f1f1f1;text-align:left;overflow-wrap:normal}img{max-width:100%;height:auto;display:block}\
code{font-size:90%;overflow-wrap:anywhere}pre{overflow-x:auto;background:#f6f6f6;padding:.5em}\
h2{border-bottom:1px solid #ddd;padding-top:.4em}details{margin:.6em 0}summary{cursor:pointer}\
.verdict{padding:1px 6px;border-radius:3px;color:#fff;white-space:nowrap;font-weight:600}\
.verdict-reproduced,.verdict-supported{background:#1a7f37}.verdict-partly{background:#a35200}\
.verdict-not-reproduced,.verdict-not-supported{background:#c62828}\
.verdict-not-judged{background:#666}\
@media (max-width:900px){body{font-size:15px;padding:0 .5em}td,th{padding:2px 4px}}";

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The data URI of the PNG twin of image `dest` (`<exp>/<fig>.svg` under `out`), if it exists.
fn inline_png(out: &Path, dest: &str) -> Option<String> {
    let stem = dest.strip_suffix(".svg")?;
    if stem.contains("..") || stem.starts_with('/') {
        return None;
    }
    let bytes = std::fs::read(out.join(format!("{stem}.png"))).ok()?;
    Some(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// The HTML page of the Markdown source `markdown` whose relative links point into `out`.
pub fn html(out: &Path, title: &str, markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = inline_png(out, &dest_url).map_or(dest_url, CowStr::from);
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut body = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut body, events);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n{body}</body></html>\n",
        esc(title)
    )
}
