//! The report: one Markdown source rendered to `REPORT.md` and `REPORT.html`; no Markdown
//! leaks into the HTML; summary, contents and anchors; config once per experiment; plurals.

use ngd_harness::experiment::{Claim, ExperimentSummary, Figure, Verdict};
use ngd_harness::output::{Manifest, RunStatusEntry, write_json_atomic};
use ngd_harness::report::{ReportTitle, write_report};
use std::collections::BTreeMap;
use std::path::Path;

const TITLE: ReportTitle = ReportTitle {
    title: "Test report",
    tool: "test-study",
    version: "0.0.1",
};

fn claim(claim: &str, verdict: Verdict) -> Claim {
    Claim {
        claim: claim.into(),
        measured: "acc = 0.93 | 0.91 (N < D)".into(),
        verdict,
        reason: "*within* 2 σ of `chance`; see [paper] <b>x</b>".into(),
    }
}

/// A 1 × 1 PNG.
fn png_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, 1, 1);
    enc.set_color(png::ColorType::Rgb);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[200, 10, 10]).unwrap();
    w.finish().unwrap();
    bytes
}

fn write_experiment(out: &Path, name: &str, runs: usize, claims: Vec<Claim>) {
    let dir = out.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = Manifest {
        format_version: 1,
        experiment: name.into(),
        description: "d".into(),
        preset: "quick".into(),
        seed: 7,
        config_sha256: String::new(),
        inputs: Vec::new(),
        files: BTreeMap::new(),
        config: serde_json::json!({
            "steps": 100,
            "depths": [1, 2, 3],
            "label": "a | b",
            "nested": {"rate": 0.5, "long": "x".repeat(300)},
        }),
        git_revision: "0123456789abcdef0123456789abcdef01234567".into(),
        crate_versions: BTreeMap::new(),
        jobs: 1,
        wall_seconds: 1.5,
        solver_routes: BTreeMap::from([("kernel".to_string(), 1)]),
        runs: (0..runs)
            .map(|i| RunStatusEntry {
                run_id: format!("r{i}"),
                seed: i as u64,
                status: "completed".into(),
                detail: None,
                wall_seconds: 0.1,
            })
            .collect(),
    };
    write_json_atomic(&dir.join("manifest.json"), &manifest).unwrap();
    let summary = ExperimentSummary {
        title: format!("Fig. {name} — *test* figure"),
        headline: BTreeMap::from([("acc_mean".to_string(), 0.9)]),
        claims,
        figures: vec![
            Figure {
                name: "a".into(),
                caption: "Accuracy against N; dashed: chance.".into(),
            },
            Figure {
                name: "b".into(),
                caption: "Logits against the step.".into(),
            },
        ],
        diverged: vec![],
        notes: vec![
            "1. first note with | pipe".into(),
            "table:\nL | acc\n1 | 0.9".into(),
        ],
    };
    write_json_atomic(&dir.join("summary.json"), &summary).unwrap();
    for fig in ["a", "b"] {
        std::fs::write(dir.join(format!("{fig}.png")), png_bytes()).unwrap();
        std::fs::write(dir.join(format!("{fig}.svg")), "<svg/>").unwrap();
    }
    std::fs::write(dir.join("data.csv"), "x\n1\n").unwrap();
}

/// The text of `html` outside tags (`<pre>` blocks removed: they hold text tables on purpose),
/// with the entities `&lt;`, `&gt;`, `&amp;` and `&quot;` decoded.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<pre>") {
        text.push_str(&strip_tags(&rest[..start]));
        rest = rest[start..]
            .find("</pre>")
            .map_or("", |end| &rest[start + end + 6..]);
    }
    text.push_str(&strip_tags(rest));
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn report() -> (tempfile::TempDir, String, String) {
    let out = tempfile::tempdir().unwrap();
    write_experiment(
        out.path(),
        "fig1",
        1,
        vec![
            claim(
                "EGD reaches chance_level, _not_ emphasis",
                Verdict::Reproduced,
            ),
            claim("NGD is not sparse", Verdict::NotReproduced),
        ],
    );
    write_experiment(
        out.path(),
        "fig2",
        3,
        vec![
            claim("hypothesis A", Verdict::NotJudged),
            claim("hypothesis B", Verdict::Supported),
            claim("hypothesis C", Verdict::Supported),
        ],
    );
    let (md, html) = write_report(out.path(), &TITLE, &["fig1", "fig2", "fig9"]).unwrap();
    let md = std::fs::read_to_string(md).unwrap();
    let html = std::fs::read_to_string(html).unwrap();
    (out, md, html)
}

#[test]
fn html_has_no_markdown_left() {
    let (_out, _md, html) = report();
    let text = visible_text(&html);
    assert!(!text.contains('`'), "a backtick in the HTML text");
    assert!(!text.contains("|---"), "a Markdown table in the HTML text");
    assert!(!text.contains("\\|"), "an escaped pipe in the HTML text");
    assert!(!text.contains("](#"), "a Markdown link in the HTML text");
    assert!(html.contains("<table>") && html.contains("<th>Paper claim</th>"));
    assert!(html.contains("<h1>") && html.contains("<h2>"));
    // Text from the results is text: its `*`, `<b>` and `[…]` are not markup.
    assert!(
        text.contains("*within* 2 σ of chance; see [paper] <b>x</b>"),
        "{text}"
    );
    assert!(text.contains("acc = 0.93 | 0.91 (N < D)"));
    assert!(
        text.contains("EGD reaches chance_level, _not_ emphasis"),
        "{text}"
    );
    assert!(text.contains("Fig. fig1 — *test* figure (fig1)"));
    assert!(text.contains("1. first note with | pipe"));
    assert!(html.contains("<code>chance</code>"));
    // The multi-line note keeps its table as preformatted text.
    assert!(
        html.contains("<pre><code class=\"language-text\">L | acc\n1 | 0.9\n</code></pre>"),
        "{html}"
    );
}

#[test]
fn summary_counts_verdicts_and_links_every_claim() {
    let (_out, md, html) = report();
    for (verdict, n) in [
        ("reproduced", 1),
        ("not reproduced", 1),
        ("supported", 2),
        ("not judged", 1),
    ] {
        let class = verdict.replace(' ', "-");
        let row = format!("<b class=\"verdict verdict-{class}\">{verdict}</b> | {n} |");
        assert!(md.contains(&row), "missing summary row {row}");
    }
    assert!(
        !md.contains("verdict-partly\">partly</b> |"),
        "a zero count is listed"
    );
    // Every claim appears once in the summary table, with a link to its section.
    assert_eq!(md.matches("| [fig1](#exp-fig1) |").count(), 2 + 1);
    assert_eq!(md.matches("| [fig2](#exp-fig2) |").count(), 3 + 1);
    // Every in-page link has its target.
    let links: Vec<&str> = html
        .split("href=\"#")
        .skip(1)
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert!(links.contains(&"exp-fig2") && links.contains(&"wall-times"));
    for id in links {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "no target for #{id}"
        );
    }
    assert!(md.contains("`fig9`: no results found."));
}

#[test]
fn config_and_revision_appear_once_and_plurals_are_right() {
    let (_out, md, html) = report();
    assert_eq!(
        md.matches("<details>").count(),
        2,
        "one config per experiment"
    );
    assert_eq!(
        md.matches("0123456789abcdef0123456789abcdef01234567")
            .count(),
        1,
        "the git revision once, in the header"
    );
    assert!(
        md.contains("| nested.rate | `0.5` |"),
        "dotted keys of nested tables"
    );
    assert!(md.contains("| label | `a \\| b` |"));
    assert!(html.contains("<td><code>a | b</code></td>"));
    assert!(md.contains("1 run (0 diverged)") && md.contains("3 runs (0 diverged)"));
    assert!(md.contains("kernel (1 run)") && !md.contains("1 runs"));
    // Figures: SVG in Markdown, inlined PNG in HTML; file links relative.
    assert!(md.contains("![a](fig1/a.svg)"));
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), 4);
    assert!(!html.contains("src=\"fig1/a.svg\""));
    assert!(html.contains("href=\"fig1/data.csv\"") && html.contains("href=\"fig1/a.svg\""));
}
