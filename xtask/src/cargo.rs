//! The cargo invocations behind `cargo xtask test` and `cargo xtask reproduce`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The workspace root (the parent of this crate's manifest directory).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The cargo executable that runs us (falls back to `cargo` on the PATH), in the workspace
/// root, with the environment of a plain shell.
///
/// `cargo run` (behind the `cargo xtask` alias) sets `CARGO_MANIFEST_DIR`, `CARGO_PKG_*` and
/// friends for xtask. Passed on, they would change the fingerprints of dependencies whose build
/// scripts track them (`ring`, pulled in by OpenBLAS's build helper, tracks
/// `CARGO_MANIFEST_DIR`), so every switch between `cargo xtask …` and a direct `cargo build` or
/// `cargo test` would rebuild the whole numeric stack. They are removed here.
fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root());
    remove_cargo_run_env(&mut cmd);
    cmd
}

/// Removes the variables `cargo run` sets for xtask from `cmd`'s environment (see [`cargo`]);
/// also for tools that run cargo themselves (maturin).
pub fn remove_cargo_run_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key == "CARGO_MANIFEST_DIR"
            || key == "CARGO_MANIFEST_PATH"
            || key.starts_with("CARGO_PKG_")
            || key == "CARGO_CRATE_NAME"
            || key == "CARGO_BIN_NAME"
            || key == "CARGO_PRIMARY_PACKAGE"
        {
            cmd.env_remove(key.as_ref());
        }
    }
}

/// Runs one step, printing its name and wall time; fails with the step's name.
pub fn step(name: &str, mut cmd: Command) -> Result<(), String> {
    eprintln!("xtask: {name}");
    let start = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{name}: could not start: {e}"))?;
    eprintln!(
        "xtask: {name}: {} in {:.1} s",
        if status.success() { "ok" } else { "FAILED" },
        start.elapsed().as_secs_f64()
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

/// `cargo xtask test`: tidy, fmt check, clippy `-D warnings`, release tests, the library
/// examples, docs without warnings.
pub fn test(tests_only: bool) -> Result<(), String> {
    let start = Instant::now();
    crate::tidy::run()?;
    if !tests_only {
        let mut fmt = cargo();
        fmt.args(["fmt", "--all", "--", "--check"]);
        step("cargo fmt --check", fmt)?;
        let mut clippy = cargo();
        clippy.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--release",
            "--",
            "-D",
            "warnings",
        ]);
        step("cargo clippy -D warnings", clippy)?;
    }
    let mut tests = cargo();
    tests.args(["test", "--workspace", "--release"]);
    step("cargo test --release", tests)?;
    run_library_examples()?;
    if !tests_only {
        let mut doc = cargo();
        doc.args(["doc", "--workspace", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings");
        step("cargo doc (warnings are errors)", doc)?;
    }
    eprintln!(
        "xtask: all checks passed in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The library crates whose `examples/` programs `cargo xtask test` runs.
const EXAMPLE_CRATES: [&str; 4] = ["ngd-data", "ngd-models", "ngd-fisher", "ngd-optim"];

/// Runs every `crates/CRATE/examples/*.rs` of the library crates in release mode; each example
/// checks its own result and exits non-zero with a message when a check fails.
fn run_library_examples() -> Result<(), String> {
    for krate in EXAMPLE_CRATES {
        let dir = workspace_root().join("crates").join(krate).join("examples");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|f| f.strip_suffix(".rs").map(String::from))
            .collect();
        names.sort();
        for name in names {
            let mut run = cargo();
            run.args([
                "run",
                "--quiet",
                "--release",
                "-p",
                krate,
                "--example",
                &name,
            ]);
            step(&format!("example {krate}/{name}"), run)?;
        }
    }
    Ok(())
}

/// The binary of a study built on `ngd-harness` (it has `reproduce --plan`, `run-job`,
/// `plan-status`); the paper's `ngd` by default.
#[derive(Debug, Clone, clap::Args)]
pub struct StudyBinary {
    /// Package of the study's binary, e.g. `ngd-example-study`.
    #[arg(
        long = "package",
        value_name = "PACKAGE",
        default_value = "ngd-experiments"
    )]
    pub package: String,
    /// The study's binary, e.g. `example-study`.
    #[arg(long = "bin", value_name = "NAME", default_value = "ngd")]
    pub bin: String,
}

impl Default for StudyBinary {
    fn default() -> Self {
        Self {
            package: "ngd-experiments".into(),
            bin: "ngd".into(),
        }
    }
}

/// Builds the study's binary in release mode and returns its path
/// (`$CARGO_TARGET_DIR/release/<bin>`, by default `<workspace>/target/release/<bin>`).
pub fn build_study(study: &StudyBinary) -> Result<PathBuf, String> {
    let mut build = cargo();
    build.args([
        "build",
        "--release",
        "--package",
        &study.package,
        "--bin",
        &study.bin,
    ]);
    step(&format!("cargo build --release ({})", study.bin), build)?;
    let binary = target_dir().join("release").join(&study.bin);
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "built {} but cannot find it at {}",
            study.bin,
            binary.display()
        ))
    }
}

/// `$CARGO_TARGET_DIR` (made absolute), by default `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| {
            if t.is_absolute() {
                t
            } else {
                workspace_root().join(t)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// `cargo xtask reproduce ARGS…`: build `ngd` in release and run `ngd reproduce ARGS…`.
pub fn reproduce(args: &[String]) -> Result<(), String> {
    build_study(&StudyBinary::default())?;
    let mut run = cargo();
    run.args([
        "run",
        "--quiet",
        "--release",
        "--package",
        "ngd-experiments",
        "--bin",
        "ngd",
        "--",
        "reproduce",
    ])
    .args(args);
    let status = run
        .status()
        .map_err(|e| format!("could not start ngd: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("ngd reproduce failed ({status})"))
    }
}
