//! Temporary files of writers that died: a process killed between creating a temporary file
//! ([`temporary_beside`](super::temporary_beside), named `.<name>.<pid>.<random>.tmp<.ext>`) and
//! renaming it leaves the temporary file behind. It is never read as a result (final names never
//! start with `.`), but it must not accumulate: when a results folder is opened for writing,
//! temporary files whose writer process no longer exists are removed. A live writer's files
//! (another `ngd` writing into the same folder) are kept, since the process id in the name
//! tells them apart. Where process ids cannot be checked (no `/proc`), nothing is removed.
//! The same holds for the staging folders of `finish` (`.staging.<pid>.<random>/`, see
//! `staging.rs`), removed with their content.

use std::path::Path;

/// Removes the temporary files in `dir` whose writer process is gone; best effort (a file that
/// cannot be removed is left).
pub(crate) fn remove_stale_temporaries(dir: &Path) {
    let proc_fs = Path::new("/proc/self");
    if !proc_fs.exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = staging_pid(&name) {
            if !Path::new("/proc").join(pid.to_string()).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        } else if let Some(pid) = writer_pid(&name)
            && !Path::new("/proc").join(pid.to_string()).exists()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The writer's process id in a staging folder's name `.staging.<pid>.<random>`.
fn staging_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(super::staging::STAGING_PREFIX)?;
    rest.split_once('.')?.0.parse().ok()
}

/// The writer's process id in a temporary file's name `.<name>.<pid>.<random>.tmp<.ext>`, or
/// `None` for any other name.
fn writer_pid(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?;
    let (stem, _) = rest.rsplit_once(".tmp")?;
    let (head, _random) = stem.rsplit_once('.')?;
    let (_name, pid) = head.rsplit_once('.')?;
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_pid_is_read_from_temporary_names_only() {
        assert_eq!(writer_pid(".data.csv.4242.aB3xYz.tmp.csv"), Some(4242));
        assert_eq!(writer_pid(".r0.json.17.QwErTy.tmp.json"), Some(17));
        assert_eq!(writer_pid("data.csv"), None);
        assert_eq!(writer_pid(".hidden"), None);
        assert_eq!(writer_pid(".x.notapid.abc.tmp"), None);
        assert_eq!(staging_pid(".staging.4242.aB3xYz"), Some(4242));
        assert_eq!(staging_pid(".staging.x.aB3xYz"), None);
    }

    #[test]
    fn files_of_dead_writers_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let live = std::process::id();
        let stale = dir.path().join(format!(".r1.json.{dead}.AbCdEf.tmp.json"));
        let in_use = dir.path().join(format!(".r2.json.{live}.AbCdEf.tmp.json"));
        let result = dir.path().join("r3.json");
        for path in [&stale, &in_use, &result] {
            std::fs::write(path, b"{}").unwrap();
        }
        let dead_staging = dir.path().join(format!(".staging.{dead}.QwErTy"));
        let live_staging = dir.path().join(format!(".staging.{live}.QwErTy"));
        for d in [&dead_staging, &live_staging] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("data.csv"), b"x").unwrap();
        }
        remove_stale_temporaries(dir.path());
        assert!(!dead_staging.exists() && live_staging.exists());
        assert!(!stale.exists());
        assert!(in_use.exists());
        assert!(result.exists());
    }
}
