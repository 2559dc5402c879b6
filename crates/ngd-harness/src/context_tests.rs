//! Tests of `context.rs`: seeds, checkpoint intervals, checkpoint files.

use super::*;

#[test]
fn seeds_are_stable_and_distinct() {
    // Reference: SplitMix64 with state 0 first output is 0xE220A8397B1DCDAF (Vigna's
    // reference implementation, splitmix64.c).
    assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    // FNV-1a 64 of "a" is 0xAF63DC4C8601EC8C (FNV reference test vectors).
    assert_eq!(fnv1a64(b"a"), 0xAF63_DC4C_8601_EC8C);
    assert_eq!(derive_run_seed(7, "L1-r0"), derive_run_seed(7, "L1-r0"));
    assert_ne!(derive_run_seed(7, "L1-r0"), derive_run_seed(7, "L1-r1"));
    assert_ne!(derive_run_seed(7, "L1-r0"), derive_run_seed(8, "L1-r0"));
}

#[test]
fn checkpoint_every_parses() {
    assert_eq!(
        "30s".parse::<CheckpointEvery>(),
        Ok(CheckpointEvery::Seconds(30.0))
    );
    assert_eq!(
        "1000".parse::<CheckpointEvery>(),
        Ok(CheckpointEvery::Steps(1000))
    );
    assert_eq!(
        "never".parse::<CheckpointEvery>(),
        Ok(CheckpointEvery::Never)
    );
    for bad in ["0", "-3", "0s", "xs", "ten"] {
        assert!(bad.parse::<CheckpointEvery>().is_err(), "{bad}");
    }
}

#[test]
fn checkpoint_round_trips_f64_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.json");
    // Values that need all 17 significant digits, extremes and subnormals.
    let state: Vec<f64> = vec![
        0.1 + 0.2,
        1.0 / 3.0,
        std::f64::consts::PI,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        -1.234_567_890_123_456_7e-300,
        2.0_f64.powi(60) + 1.0,
    ];
    let mut ctx = RunContext::for_test(&path, "fp", CheckpointEvery::Steps(1), true);
    assert!(ctx.checkpoint(5, &state).unwrap());
    assert!(
        !ctx.checkpoint(5, &state).unwrap(),
        "interval of 1 step not elapsed"
    );
    let back: Vec<f64> = ctx.restore().unwrap().unwrap();
    assert_eq!(
        back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        state.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    // A different fingerprint (other config/seed) is ignored; so is resume = false.
    let mut other = RunContext::for_test(&path, "other", CheckpointEvery::Never, true);
    assert!(other.restore::<Vec<f64>>().unwrap().is_none());
    let mut fresh = RunContext::for_test(&path, "fp", CheckpointEvery::Never, false);
    assert!(fresh.restore::<Vec<f64>>().unwrap().is_none());
}

#[test]
fn old_or_mismatched_checkpoints_of_this_run_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.json");
    let mut ctx = RunContext::for_test(&path, "fp", CheckpointEvery::Steps(1), true);
    // Format 1 had no `format` field.
    std::fs::write(&path, r#"{"fingerprint":"fp","step":3,"state":[1.0,2.0]}"#).unwrap();
    let err = ctx.restore::<Vec<f64>>().unwrap_err().to_string();
    assert!(err.contains("c.json") && err.contains("format 1"), "{err}");
    // The right format, a state of another shape.
    ctx.checkpoint(4, &("not", "numbers")).unwrap();
    let err = ctx.restore::<Vec<f64>>().unwrap_err().to_string();
    assert!(err.contains("does not fit"), "{err}");
    // Garbage is recovered from (the run starts afresh).
    std::fs::write(&path, "{\"fingerprint\":").unwrap();
    assert!(ctx.restore::<Vec<f64>>().unwrap().is_none());
}
