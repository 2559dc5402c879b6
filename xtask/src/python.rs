//! The Python step of `cargo xtask test`: builds the `ngd` Python package
//! (`crates/ngd-py`, PyO3 + maturin) into a private virtual environment under the target
//! directory (`<target>/py-venv`), runs its pytest suite and the Fig. 2 example script, then
//! the NumPy re-check of the quick preset's outputs in the same venv ([`crate::recheck`]).
//!
//! Where Python 3, `pip` or the `venv` module is absent the step says which and is skipped;
//! where they are present, any failure (venv creation, installing the tools, building the
//! package, a failing test or example) fails the command. The tools (maturin, numpy, pandas,
//! pytest, matplotlib) are installed once into the venv from the package index; the package
//! is rebuilt from the checkout on every run (`--no-build-isolation`, so maturin comes from the
//! venv, and cargo shares the workspace's target directory).

use crate::cargo::{remove_cargo_run_env, step, target_dir, workspace_root};
use std::path::Path;
use std::process::{Command, Stdio};

/// The tools the build and the tests need inside the venv.
const TOOLS: [&str; 5] = [
    "maturin>=1.9.4,<2",
    "numpy",
    "pandas",
    "pytest",
    "matplotlib",
];

/// Whether `python -c code` runs successfully (quietly).
fn python_ok(python: &str, args: &[&str]) -> bool {
    Command::new(python)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A command running `program` in the workspace root with the venv's `bin` first on `PATH`.
pub fn in_venv(program: &Path, venv: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(workspace_root());
    remove_cargo_run_env(&mut cmd);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![venv.join("bin")];
    dirs.extend(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(dirs) {
        cmd.env("PATH", joined);
    }
    cmd.env("VIRTUAL_ENV", venv);
    cmd
}

/// Builds the package into `<target>/py-venv` and runs the pytest suite and the example.
pub fn test() -> Result<(), String> {
    let python = "python3";
    if !python_ok(python, &["--version"]) {
        eprintln!("xtask: python tests: skipped (no python3 on PATH)");
        return Ok(());
    }
    if !python_ok(python, &["-m", "pip", "--version"]) {
        eprintln!("xtask: python tests: skipped (python3 has no pip)");
        return Ok(());
    }
    if !python_ok(python, &["-c", "import venv, ensurepip"]) {
        eprintln!("xtask: python tests: skipped (python3 has no venv/ensurepip module)");
        return Ok(());
    }
    let target = target_dir();
    let venv = target.join("py-venv");
    let venv_python = venv.join("bin").join("python");
    if !venv_python.is_file() {
        let mut create = Command::new(python);
        create.arg("-m").arg("venv").arg(&venv);
        step("python3 -m venv <target>/py-venv", create)?;
    }
    let have_tools = python_ok(
        &venv_python.to_string_lossy(),
        &["-c", "import maturin, numpy, pandas, pytest, matplotlib"],
    );
    if !have_tools {
        let mut tools = in_venv(&venv_python, &venv);
        tools.args(["-m", "pip", "install", "--quiet"]).args(TOOLS);
        step("pip install maturin numpy pandas pytest matplotlib", tools)?;
    }
    let mut build = in_venv(&venv_python, &venv);
    build.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-build-isolation",
        "--force-reinstall",
        "--no-deps",
        "./crates/ngd-py",
    ]);
    step("pip install ./crates/ngd-py (maturin, release)", build)?;
    let mut pytest = in_venv(&venv_python, &venv);
    pytest.args(["-m", "pytest", "-q", "crates/ngd-py/tests"]);
    step("pytest crates/ngd-py/tests", pytest)?;
    let mut example = in_venv(&venv_python, &venv);
    example
        .arg("crates/ngd-py/python/examples/fig2.py")
        .arg("--out")
        .arg(target.join("ngd-py-fig2.png"));
    step("python examples/fig2.py", example)?;
    crate::recheck::run(&venv_python, &venv)
}
