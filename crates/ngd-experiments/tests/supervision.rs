//! With `--jobs > 1`, `ngd` re-executes itself (issue 18, class 2): a signal to the parent
//! reaches the child, the parent waits and says how the child ended, and a child whose parent
//! is killed stops by itself. No process is ever left running alone.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An egd-demo config whose runs take seconds.
fn start(out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ngd"))
        .args([
            "run",
            "egd-demo",
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "2",
        ])
        .args([
            "--set",
            "steps=2000000",
            "--set",
            "dim=200",
            "--set",
            "n_train=200",
        ])
        .args(["--set", "repeats=2", "--set", "n_test=50"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The process ids whose parent is `parent` (from `/proc/<pid>/stat`).
fn children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    let rest = s.rsplit_once(')')?.1.to_string();
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// The re-executed child of `parent`, once it has started (`None` without `/proc`).
fn child_of(parent: u32) -> Option<u32> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if let Some(&c) = children(parent).first() {
            // Give it time to start its runs.
            std::thread::sleep(Duration::from_millis(300));
            return Some(c);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// A started parent with its re-executed child (`None`, the parent stopped, without `/proc`).
fn started(out: &Path) -> Option<(Child, u32)> {
    let mut parent = start(out);
    match child_of(parent.id()) {
        Some(child) => Some((parent, child)),
        None => {
            let _ = parent.kill();
            let _ = parent.wait();
            None
        }
    }
}

/// Whether `pid` is running (exists and is not a zombie).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, r)| r.trim_start().to_string()))
        .is_some_and(|r| !r.starts_with('Z') && !r.starts_with('X'))
}

fn signal(pid: u32, name: &str) {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -s {name} {pid}"))
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -s {name} {pid}");
}

fn wait_gone(pid: u32, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Sends `name` to the parent and checks that the child ended with it and the parent said so.
fn forwarded(name: &str, code: i32) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((parent, child)) = started(tmp.path()) else {
        return;
    };
    signal(parent.id(), name);
    let out = parent.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(
        err.contains(&format!("stopped by SIG{name}")) && err.contains("--resume"),
        "{err}"
    );
    assert!(!alive(child), "the child {child} is still running");
}

#[test]
fn sigterm_to_the_parent_reaches_the_child_and_is_reported() {
    forwarded("TERM", 143);
}

#[test]
fn sigint_to_the_parent_reaches_the_child_and_is_reported() {
    forwarded("INT", 130);
}

#[test]
fn a_child_killed_from_outside_is_reported_by_the_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((parent, child)) = started(tmp.path()) else {
        return;
    };
    signal(child, "KILL");
    let out = parent.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("worker process {child}"))
            && err.contains("signal 9 (SIGKILL)")
            && err.contains("out-of-memory"),
        "{err}"
    );
}

#[test]
fn a_child_whose_parent_is_killed_stops_by_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((mut parent, child)) = started(tmp.path()) else {
        return;
    };
    signal(parent.id(), "KILL");
    parent.wait().unwrap();
    assert!(
        wait_gone(child, Duration::from_secs(10)),
        "the orphaned child {child} kept running"
    );
}
