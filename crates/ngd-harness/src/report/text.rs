//! Text of the results (claims, captions, notes, config values) placed into the report's
//! Markdown source so that it renders as the same plain text in every renderer.
//!
//! Text between a pair of backticks becomes a code span (the experiments write file and key
//! names that way); every other Markdown character is backslash-escaped (CommonMark lets any
//! ASCII punctuation be escaped), so `*`, `_`, `<`, `|`, `[` … stay literal and no Markdown
//! or HTML of the results' text reaches the rendered page. Line breaks become spaces.

use crate::experiment::Verdict;

/// The ASCII punctuation that is Markdown (or GFM table / HTML) syntax anywhere in a line.
const SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&'];

/// Characters that start a block (heading, list, quote, setext line) at the start of a line.
const LINE_START: &[char] = &['#', '+', '-', '=', '>'];

/// `text` escaped so that it renders literally (see the module docs); single line.
pub fn md_text(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ").replace('\u{1}', "");
    let ticks = one_line.matches('`').count();
    let mut out = String::with_capacity(one_line.len() + 8);
    let one_line = escape_line_start(one_line.trim_start());
    if ticks == 0 || ticks % 2 == 1 {
        escape_into(&mut out, &one_line);
        return out;
    }
    for (i, part) in one_line.split('`').enumerate() {
        if i % 2 == 0 {
            escape_into(&mut out, part);
        } else if part.trim().is_empty() {
            escape_into(&mut out, &format!("`{part}`"));
        } else {
            // A code span: its content is literal; only a table's `|` needs `\|` inside it.
            out.push('`');
            out.push_str(&part.replace('|', "\\|"));
            out.push('`');
        }
    }
    out
}

/// A backslash before a block marker at the start (`# x`, `- x`, `1. x`, `2) x`), which
/// [`escape_into`] then leaves alone.
fn escape_line_start(text: &str) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    match text[digits..].chars().next() {
        Some(c) if digits == 0 && LINE_START.contains(&c) => format!("\u{1}{text}"),
        Some(c @ ('.' | ')')) if digits > 0 => {
            format!("{}\u{1}{c}{}", &text[..digits], &text[digits + 1..])
        }
        _ => text.to_string(),
    }
}

fn escape_into(out: &mut String, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '\u{1}' {
            out.push('\\');
            continue;
        }
        // An underscore inside a word (`final_test_accuracy`) is never emphasis in CommonMark.
        let inside_word = c == '_'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if SPECIAL.contains(&c) && !inside_word {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Escapes a Markdown table cell (`|`, backslashes, newlines) without touching other Markdown.
pub fn escape_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// The CSS class of a verdict's badge (`verdict-not-reproduced`, …).
pub(crate) fn verdict_class(v: Verdict) -> String {
    format!("verdict-{}", v.label().replace(' ', "-"))
}

/// A verdict as an inline-HTML badge (coloured by the HTML page's style sheet; plain bold text
/// in a Markdown viewer).
pub(crate) fn verdict_badge(v: Verdict) -> String {
    format!(
        "<b class=\"verdict {}\">{}</b>",
        verdict_class(v),
        v.label()
    )
}

/// `n` followed by `noun`, with an `s` unless `n` is 1: `1 run`, `3 runs`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// An anchor id made of `[a-z0-9-]` from a name (`fig5-fisher` stays, `Fig 5` → `fig-5`).
pub(crate) fn anchor(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        assert_eq!(escape_cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn text_escapes_markdown_and_keeps_code_spans() {
        assert_eq!(md_text("a*b_c _d_"), "a\\*b_c \\_d\\_");
        assert_eq!(md_text("see `data.csv` | x"), "see `data.csv` \\| x");
        assert_eq!(md_text("odd ` tick"), "odd \\` tick");
        assert_eq!(md_text("two\nlines"), "two lines");
        assert_eq!(md_text("# not a heading"), "\\# not a heading");
        assert_eq!(md_text("12. not a list"), "12\\. not a list");
        assert_eq!(md_text("L = 2, N < D"), "L = 2, N \\< D");
    }

    #[test]
    fn plurals_and_anchors() {
        assert_eq!(count(1, "run"), "1 run");
        assert_eq!(count(0, "run"), "0 runs");
        assert_eq!(count(12, "run"), "12 runs");
        assert_eq!(anchor("fig5-fisher"), "fig5-fisher");
        assert_eq!(anchor("Fig 5 (b)"), "fig-5-b");
    }
}
