//! `cargo xtask browser-test`: the report in a real browser (a step of `cargo xtask test`).
//!
//! It writes the report of a small quick-preset reproduction (`--only`, default
//! `fig2,fig3,theorems,egd-demo`, about a second) into `<target>/browser-test/results`, then
//! loads `REPORT.html` in headless Chromium at 1280 px and 800 px through the DevTools protocol
//! (`xtask/browser/check_report.py`, Python standard library only: CDP over
//! `--remote-debugging-pipe`, no port and no WebSocket client to install). It fails on any
//! console error, any image that does not decode, horizontal overflow, or an in-page link
//! without its target. It then proves the check can fail: a copy of the report with one broken
//! image and one link to a missing anchor must be rejected with both problems named. A
//! screenshot of the real report at 1280 px is left at `<target>/browser-test/report-1280.png`.
//!
//! As root it installs Debian's `chromium` with apt-get when missing; where it cannot (not root
//! and no Chromium, no apt-get, no python3) it prints why and is skipped.

use crate::cargo::{StudyBinary, build_study, step, target_dir, workspace_root};
use crate::setup::{has_program, is_root};
use std::path::Path;
use std::process::{Command, Stdio};

/// The browsers tried, in order.
const BROWSERS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The browser to use, installing Chromium as root; `Err(reason)` when the test must be
/// skipped, `Ok(Err(message))` when installing failed.
fn ensure_browser() -> Result<Result<&'static str, String>, String> {
    if let Some(b) = BROWSERS.into_iter().find(|b| has_program(b)) {
        return Ok(Ok(b));
    }
    if !is_root() {
        return Err("no Chromium and not running as root to install it \
                    (`sudo apt-get install chromium`, or run as root)"
            .into());
    }
    if !has_program("apt-get") {
        return Err("no Chromium and no apt-get to install it".into());
    }
    let mut update = Command::new("apt-get");
    update.arg("update").stdout(Stdio::null());
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "--no-install-recommends", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null());
    Ok(step("apt-get update", update)
        .and_then(|()| step("apt-get install chromium", install))
        .and_then(|()| {
            has_program("chromium")
                .then_some("chromium")
                .ok_or_else(|| "installed chromium but it is not on the PATH".to_string())
        }))
}

/// Runs the checker on `html`; `Ok(stdout)` with its exit code.
fn check(browser: &str, html: &Path, screenshot: Option<&Path>) -> Result<(i32, String), String> {
    let script = workspace_root().join("xtask/browser/check_report.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script).arg(browser).arg(html);
    if let Some(png) = screenshot {
        cmd.arg("--screenshot").arg(png);
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start python3: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprint!(
        "{}",
        text.lines()
            .map(|l| format!("  | {l}\n"))
            .collect::<String>()
    );
    match out.status.code() {
        Some(code @ (0 | 1)) => Ok((code, text)),
        other => Err(format!("the browser check could not run (exit {other:?})")),
    }
}

/// A copy of the report with one image that does not decode and one link without a target.
fn broken_copy(html: &str) -> Result<String, String> {
    let marker = "src=\"data:image/png;base64,";
    let at = html
        .find(marker)
        .ok_or("the report has no inlined image to break")?;
    let mut broken = html[..at].to_string();
    broken.push_str(marker);
    broken.push_str("AAAA");
    let rest = &html[at + marker.len()..];
    broken.push_str(&rest[rest.find('"').unwrap_or(0)..]);
    Ok(broken.replacen("<a href=\"#summary\">", "<a href=\"#no-such-section\">", 1))
}

/// Runs the browser test.
pub fn run(only: &str) -> Result<(), String> {
    if !has_program("python3") {
        eprintln!("xtask: browser-test: SKIPPED — no python3 on PATH");
        return Ok(());
    }
    let browser = match ensure_browser() {
        Ok(found) => found?,
        Err(reason) => {
            eprintln!("xtask: browser-test: SKIPPED — {reason}");
            return Ok(());
        }
    };
    let ngd = build_study(&StudyBinary::default())?;
    let dir = target_dir().join("browser-test");
    let results = dir.join("results");
    let _ = std::fs::remove_dir_all(&results);
    let mut reproduce = Command::new(&ngd);
    reproduce
        .args([
            "reproduce",
            "--preset",
            "quick",
            "--jobs",
            "2",
            "--only",
            only,
        ])
        .arg("--out")
        .arg(&results)
        .stdout(Stdio::null());
    step(
        &format!("ngd reproduce --preset quick --only {only}"),
        reproduce,
    )?;
    let html = results.join("REPORT.html");
    let screenshot = dir.join("report-1280.png");
    let (code, text) = check(browser, &html, Some(&screenshot))?;
    if code != 0 {
        return Err(format!("browser-test: REPORT.html has problems:\n{text}"));
    }
    // The check must be able to fail: a broken image and a dangling link are both caught.
    let page = std::fs::read_to_string(&html).map_err(|e| e.to_string())?;
    let broken = results.join("REPORT-broken-on-purpose.html");
    std::fs::write(&broken, broken_copy(&page)?).map_err(|e| e.to_string())?;
    let (code, text) = check(browser, &broken, None)?;
    let _ = std::fs::remove_file(&broken);
    let caught = code == 1
        && text.contains("image does not decode")
        && text.contains("link without target: #no-such-section");
    if !caught {
        return Err(format!(
            "browser-test: the check missed the broken image or the dangling link:\n{text}"
        ));
    }
    eprintln!(
        "xtask: browser-test: passed (the report is clean; the broken copy was rejected); \
         screenshot {}",
        screenshot.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::broken_copy;

    #[test]
    fn the_broken_copy_breaks_one_image_and_one_link() {
        let page = "<a href=\"#summary\">S</a><img src=\"data:image/png;base64,iVBOR\" alt=\"a\">";
        let broken = broken_copy(page).unwrap();
        assert_eq!(
            broken,
            "<a href=\"#no-such-section\">S</a><img src=\"data:image/png;base64,AAAA\" alt=\"a\">"
        );
    }
}
