//! The re-check step of `cargo xtask test` (after the Python package's tests, in the same
//! venv): runs `ngd reproduce --preset quick` into a fresh `<target>/recheck-quick` (removed
//! first: the re-check must see what this build writes, not runs recorded by an older one),
//! then `experiments/recheck/recheck.py` with NumPy alone: every folder's README names every
//! file and CSV column (`readme`), Figs. 2, 3, 4, 5 and 6 are recomputed from their folders
//! (`fig2` … `fig6`; Fig. 4 from its weights only), and tampered copies must fail
//! (`prove-fails`).

use crate::cargo::{
    StudyBinary, build_study, remove_cargo_run_env, step, target_dir, workspace_root,
};
use crate::python::in_venv;
use std::path::Path;
use std::process::Command;

/// Runs the quick preset and the NumPy re-check script with the venv's `python`.
pub fn run(venv_python: &Path, venv: &Path) -> Result<(), String> {
    let ngd = build_study(&StudyBinary::default())?;
    let out = target_dir().join("recheck-quick");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("remove {}: {e}", out.display()))?;
    }
    let mut reproduce = Command::new(&ngd);
    reproduce.current_dir(workspace_root());
    remove_cargo_run_env(&mut reproduce);
    reproduce
        .args(["reproduce", "--preset", "quick", "--jobs", "2", "--out"])
        .arg(&out);
    step("ngd reproduce --preset quick (for the re-check)", reproduce)?;
    for check in ["all", "prove-fails"] {
        let mut script = in_venv(venv_python, venv);
        script
            .arg("experiments/recheck/recheck.py")
            .arg(check)
            .arg(&out);
        step(
            &format!("python experiments/recheck/recheck.py {check}"),
            script,
        )?;
    }
    Ok(())
}
