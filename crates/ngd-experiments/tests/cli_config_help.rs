//! `ngd config` round-trips through `--config` for every experiment and preset, and the
//! examples printed by `--help` work as written.

use ngd_harness::Preset;
use ngd_harness::registry::DynExperiment;
use std::path::Path;
use std::process::{Command, Output};

fn ngd(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ngd"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("binary runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The backtick-quoted snippets of `text` (help texts quote their examples that way).
fn quoted(text: &str) -> Vec<String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Shell-like words of an example (single quotes group, as a shell would).
fn words(example: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in example.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn config_output_round_trips_through_config_for_every_experiment() {
    let dir = tempfile::tempdir().unwrap();
    let all: Vec<&'static dyn DynExperiment> = ngd_experiments::experiments::registry();
    for exp in all {
        for preset in Preset::ALL {
            let text = ok(&ngd(
                &["config", exp.name(), "--preset", preset.name()],
                dir.path(),
            ));
            assert!(text.contains(" = "), "{}: no keys in {text}", exp.name());
            let file = dir
                .path()
                .join(format!("{}-{}.toml", exp.name(), preset.name()));
            std::fs::write(&file, &text).unwrap();
            let from_file = exp
                .resolve_config(preset, Some(&file), &[])
                .unwrap_or_else(|e| panic!("{} {preset}: {e}\n{text}", exp.name()));
            let defaults = exp.resolve_config(preset, None, &[]).unwrap();
            assert_eq!(from_file, defaults, "{} {preset}", exp.name());
        }
    }
}

#[test]
fn config_lists_allowed_values_and_other_presets() {
    let dir = tempfile::tempdir().unwrap();
    let text = ok(&ngd(&["config", "fig2"], dir.path()));
    assert!(text.contains("allowed: an integer ≥ 1"), "{text}");
    assert!(text.contains("preset paper: "), "{text}");
    let e = ngd(&["config", "nope"], dir.path());
    assert_eq!(e.status.code(), Some(2));
}

#[test]
fn the_examples_of_config_help_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let help = ok(&ngd(&["config", "--help"], dir.path()));
    let examples: Vec<String> = quoted(&help)
        .into_iter()
        .filter(|q| q.starts_with("ngd "))
        .collect();
    assert_eq!(examples.len(), 2, "{help}");
    // `ngd config fig2 --preset quick > fig2.toml`
    let (command, target) = examples[0].split_once(" > ").expect("a redirection");
    let args = words(command);
    let text = ok(&ngd(
        &args[1..].iter().map(String::as_str).collect::<Vec<_>>(),
        dir.path(),
    ));
    std::fs::write(dir.path().join(target.trim()), text).unwrap();
    // `ngd run fig2 --config fig2.toml` (results into a temporary folder).
    let mut args = words(&examples[1]);
    args.extend(["--out".into(), out.display().to_string()]);
    ok(&ngd(
        &args[1..].iter().map(String::as_str).collect::<Vec<_>>(),
        dir.path(),
    ));
    assert!(out.join("fig2").join("summary.json").is_file());
}

#[test]
fn the_examples_of_run_and_reproduce_help_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let help = ok(&ngd(&["run", "--help"], dir.path()));
    let set = quoted(&help)
        .into_iter()
        .find(|q| q.starts_with("--set "))
        .expect("an example of --set");
    assert!(help.contains("for the paper's fig2"), "{help}");
    let mut args: Vec<String> = vec!["run".into(), "fig2".into()];
    args.extend(words(&set));
    args.extend(["--out".into(), out.display().to_string()]);
    ok(&ngd(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        dir.path(),
    ));
    let help = ok(&ngd(&["reproduce", "--help"], dir.path()));
    let only = quoted(&help)
        .into_iter()
        .find(|q| q.starts_with("--only "))
        .expect("an example of --only");
    let mut args: Vec<String> = vec!["reproduce".into(), "--list".into()];
    args.extend(words(&only));
    let listed = ok(&ngd(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        dir.path(),
    ));
    assert!(
        listed.contains("fig4") && listed.contains("fig5"),
        "{listed}"
    );
}

#[test]
fn list_gives_runs_and_calibrated_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let before = ok(&ngd(&["list", "--out", out], dir.path()));
    assert!(before.contains("work units (no stored results"), "{before}");
    assert!(!before.contains(" 1 runs"), "{before}");
    ok(&ngd(&["run", "fig3", "--out", out], dir.path()));
    let after = ok(&ngd(&["list", "--out", out], dir.path()));
    let fig3: Vec<&str> = after
        .lines()
        .skip_while(|l| !l.starts_with("fig3 "))
        .skip(1)
        .take(2)
        .collect();
    for line in fig3 {
        assert!(
            line.contains(" s on one worker (calibrated on this machine from stored quick runs)"),
            "{after}"
        );
    }
}
