//! Every example config under `experiments/configs/` is valid for its experiment (the file name
//! starts with the experiment's name) at both presets; every preset's memory estimate fits a laptop.

use ngd_experiments::experiments::registry;
use ngd_harness::Preset;
use ngd_harness::registry::find;
use std::path::Path;

#[test]
fn example_configs_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../experiments/configs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let experiment = name.split('-').next().unwrap();
        let exp = find(&registry(), experiment).unwrap_or_else(|e| panic!("{name}: {e}"));
        for preset in [Preset::Quick, Preset::Paper] {
            exp.resolve_config(preset, Some(&path), &[])
                .unwrap_or_else(|e| panic!("{name} ({preset:?}): {e}"));
        }
        checked += 1;
    }
    assert!(
        checked >= 2,
        "expected example configs in {}",
        dir.display()
    );
}

/// The paper's experiments estimate their peak memory, and every preset's estimate is far
/// below a laptop's memory (the check before work must never refuse a preset).
#[test]
fn every_preset_has_a_memory_estimate_that_fits_a_laptop() {
    let all = registry();
    for exp in &all {
        for preset in [Preset::Quick, Preset::Paper] {
            let config = exp.resolve_config(preset, None, &[]).unwrap();
            let estimate = exp.peak_bytes_json(&config).unwrap();
            let paper = [
                "fig2", "fig3", "fig4", "fig5", "fig6", "theorems", "egd-demo",
            ];
            if paper.contains(&exp.name()) {
                assert!(estimate.is_some(), "{} has no estimate", exp.name());
            }
            if let Some(bytes) = estimate {
                assert!(bytes < 4 << 30, "{} {preset:?}: {bytes} bytes", exp.name());
            }
        }
    }
}
