//! The set-up check: the numeric crates link the system OpenBLAS (ndarray-linalg's
//! `openblas-system` backend, the only one that builds without downloading anything).
//!
//! The check asks `pkg-config` and, failing that, the dynamic linker's cache (`ldconfig -p`)
//! whether `libopenblas` is present. When it is not, and we run as root on a system with
//! `apt-get`, it installs `libopenblas-dev` (and `pkg-config`); otherwise it stops and prints the
//! exact command to run on Debian/Ubuntu, Fedora and macOS.

use std::process::{Command, Stdio};

/// Ensures the system libraries are present, installing them when possible.
pub fn ensure() -> Result<(), String> {
    if openblas_present() {
        return Ok(());
    }
    if is_root() && has_program("apt-get") {
        eprintln!("xtask: OpenBLAS not found; installing libopenblas-dev with apt-get");
        run_quiet("apt-get", &["update"])?;
        run_quiet(
            "apt-get",
            &[
                "install",
                "-y",
                "--no-install-recommends",
                "libopenblas-dev",
                "pkg-config",
            ],
        )?;
        if openblas_present() {
            return Ok(());
        }
        return Err("apt-get installed libopenblas-dev but OpenBLAS is still not found".into());
    }
    Err(concat!(
        "the system OpenBLAS library is missing. Install it, then run the command again:\n",
        "  Debian/Ubuntu: sudo apt-get install -y libopenblas-dev pkg-config\n",
        "  Fedora:        sudo dnf install -y openblas-devel pkgconf-pkg-config\n",
        "  macOS:         brew install openblas pkg-config && ",
        "export PKG_CONFIG_PATH=\"$(brew --prefix openblas)/lib/pkgconfig\""
    )
    .into())
}

/// Whether OpenBLAS is visible to pkg-config or to the dynamic linker.
fn openblas_present() -> bool {
    let pkg_config = Command::new("pkg-config")
        .args(["--exists", "openblas"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if pkg_config {
        return true;
    }
    // The linker needs the unversioned development link `libopenblas.so`, which ldconfig lists
    // as `\tlibopenblas.so (libc6,…) => /path`.
    Command::new("ldconfig").arg("-p").output().is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|line| line.trim_start().starts_with("libopenblas.so "))
    })
}

/// Whether this process runs as root (`id -u` is 0).
pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Whether `name` is a program on the PATH.
pub(crate) fn has_program(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run_quiet(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{program} {}` failed with {status}",
            args.join(" ")
        ))
    }
}
