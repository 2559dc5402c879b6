//! Tests of `own-data`: config validation names the field, the TOML form of `[[methods]]`
//! parses (and unknown keys are refused), and a shrunken config runs end to end.

use super::*;
use crate::experiments::test_support::run_in_tempdir;
use ngd_harness::config::layered_config;

fn quick() -> OwnDataConfig {
    OwnData.config(Preset::Quick)
}

/// A change to a valid config.
type Edit = Box<dyn Fn(&mut OwnDataConfig)>;

#[test]
fn presets_are_valid_and_bad_values_name_their_field() {
    OwnData.validate(&quick()).unwrap();
    OwnData.validate(&OwnData.config(Preset::Paper)).unwrap();
    // A test file with one feature where the training file has 30.
    let dir = tempfile::tempdir().unwrap();
    let narrow = dir.path().join("narrow.csv");
    std::fs::write(&narrow, "x1,y\n0.5,1\n").unwrap();
    let cases: Vec<(&str, Edit)> = vec![
        ("record_points", Box::new(|c| c.record_points = 1)),
        ("methods", Box::new(|c| c.methods.clear())),
        (
            "methods[1].learning_rate",
            Box::new(|c| c.methods[1].learning_rate = 0.0),
        ),
        ("methods[0].steps", Box::new(|c| c.methods[0].steps = 0)),
        (
            "methods[2].init_scale",
            Box::new(|c| c.methods[2].init_scale = f64::INFINITY),
        ),
        (
            "methods[1].label",
            Box::new(|c| c.methods[1].label = c.methods[0].label.clone()),
        ),
        (
            "methods[1].model.depth",
            Box::new(|c| c.methods[1].model = ModelSpec::Diagonal { depth: 0 }),
        ),
        (
            "methods[3].model.hidden",
            Box::new(|c| c.methods[3].model = ModelSpec::TwoLayerTanh { hidden: 0 }),
        ),
        (
            "methods[5].method.rho",
            Box::new(|c| c.methods[5].method = MethodKind::NgdDampedRelative { rho: -1.0 }),
        ),
        (
            "methods[0].method",
            Box::new(|c| c.methods[0].method = MethodKind::Kfac { lambda: 1e-3 }),
        ),
        (
            "test_file",
            Box::new(move |c| c.test_file = Some(narrow.clone())),
        ),
    ];
    for (field, edit) in cases {
        let mut c = quick();
        edit(&mut c);
        let message = OwnData.validate(&c).unwrap_err().to_string();
        assert!(message.contains(field), "`{field}` missing from: {message}");
    }
}

#[test]
fn methods_are_typed_tables_in_toml() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("own.toml");
    let toml = r#"
        record_points = 5
        [[methods]]
        label = "relu"
        model = { kind = "two_layer_relu", hidden = 4 }
        method = { kind = "ngd_empirical", rho = 0.01 }
        learning_rate = 0.1
        steps = 10
        init_scale = 0.5
    "#;
    std::fs::write(&path, toml).unwrap();
    let c: OwnDataConfig = layered_config(&quick(), Some(&path), &[]).unwrap();
    assert_eq!(c.methods.len(), 1);
    assert_eq!(c.methods[0].model, ModelSpec::TwoLayerRelu { hidden: 4 });
    assert_eq!(c.methods[0].method, MethodKind::NgdEmpirical { rho: 0.01 });
    let bad = toml.replace("hidden = 4", "hidden = 4, depth = 2");
    // Another file: within a command (another test's scope may be open) a path is read once.
    let bad_path = dir.path().join("own-bad.toml");
    std::fs::write(&bad_path, bad).unwrap();
    let message = layered_config(&quick(), Some(&bad_path), &[])
        .unwrap_err()
        .to_string();
    assert!(message.contains("depth"), "{message}");
}

#[test]
fn shrunken_own_data_runs_end_to_end() {
    let mut c = quick();
    for m in &mut c.methods {
        m.steps = m.steps.min(60);
    }
    c.methods.push(MethodSpec {
        label: "NGD relu block".into(),
        model: ModelSpec::TwoLayerRelu { hidden: 3 },
        method: MethodKind::NgdBlock,
        learning_rate: 0.1,
        steps: 20,
        init_scale: 0.5,
    });
    OwnData.validate(&c).unwrap();
    let (dir, outcome) = run_in_tempdir(&OwnData, &c, 1);
    assert_eq!(outcome.executed, c.methods.len());
    assert!(
        outcome.undocumented.is_empty(),
        "{:?}",
        outcome.undocumented
    );
    let (train, _) = c.data().unwrap();
    let data_bytes = ngd_harness::memory::f64_bytes(&[train.n() as u64, train.d() as u64]);
    assert!(OwnData.peak_bytes(&c).is_some_and(|b| b > data_bytes));
    let root = dir.path().join("own-data");
    for f in [
        "data.csv",
        "methods.csv",
        "directions.csv",
        "loss.png",
        "accuracy.png",
        "directions.png",
    ] {
        assert!(root.join(f).exists(), "{f} missing");
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("| `methods.csv` |") && !readme.contains("Not documented"));
    let summary: ExperimentSummary =
        serde_json::from_slice(&std::fs::read(root.join("summary.json")).unwrap()).unwrap();
    assert!(summary.claims.is_empty());
    assert!(
        summary.notes[0].contains("no verdict"),
        "{}",
        summary.notes[0]
    );
    let data = std::fs::read_to_string(root.join("data.csv")).unwrap();
    for m in &c.methods {
        assert!(data.contains(&m.label), "{} missing from data.csv", m.label);
    }
    // Exact NGD on the linear model with N < D moves every margin by η(1 + e^{−u}) per step:
    // 60 steps of η = 0.5 separate the training set.
    let ngd = data
        .lines()
        .rfind(|l| l.starts_with("NGD linear,"))
        .unwrap();
    assert!(ngd.ends_with(",true"), "{ngd}");
}
