//! Atomic file writes, one implementation: a temporary file in the same folder
//! (`tempfile`, named `.<name>.<pid>.<random>.tmp.<extension>`: the writer's process id lets a
//! later run remove the files of a writer that died, see `stale.rs`), fsync, rename over the final
//! name (`persist`),
//! fsync of the folder.
//!
//! On any error the temporary file is removed (it is deleted when dropped), so a crash or a
//! full disk never leaves a partial result file under the final name (the rename is atomic on
//! POSIX file systems).

use crate::error::Error;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use tempfile::NamedTempFile;

/// A temporary file beside `path` (same folder, so that the final rename is atomic), to be
/// filled and then moved into place with [`persist`]. It keeps `path`'s extension, for writers
/// that choose a format by it.
///
/// # Errors
///
/// [`Error::Io`] naming `path` when the folder does not accept a new file.
pub fn temporary_beside(path: &Path) -> Result<NamedTempFile, Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let extension = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}.{}.", std::process::id()))
        .suffix(&format!(".tmp{extension}"))
        .tempfile_in(dir)
        .map_err(|e| Error::io(path, e))
}

/// Moves a filled temporary file (from [`temporary_beside`]) to `path`: fsync of its content,
/// rename over `path`, fsync of the folder (not an error where the file system cannot).
///
/// # Errors
///
/// [`Error::Io`] naming `path`; the temporary file is then removed.
pub fn persist(tmp: NamedTempFile, path: &Path) -> Result<(), Error> {
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Ok(d) = std::fs::File::open(dir.unwrap_or(Path::new("."))) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically. The parent folder must exist.
///
/// # Errors
///
/// [`Error::Io`] naming `path`; nothing is left behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut tmp = temporary_beside(path)?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    persist(tmp, path)
}

/// Serializes `value` as pretty JSON (with a trailing newline) and writes it atomically.
pub fn write_json_atomic<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), Error> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| Error::format(path, e))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn failure_names_path_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, b"x").unwrap();
        // A path under a regular file cannot be created, even by root.
        let p = file.join("result.json");
        let e = write_atomic(&p, b"data").unwrap_err();
        assert!(e.to_string().contains("plain-file/result.json"), "{e}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
        // Replacing a folder by a file fails at rename: the temporary file must be removed.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::create_dir(sub.join("target")).unwrap();
        std::fs::write(sub.join("target").join("x"), b"x").unwrap();
        assert!(write_atomic(&sub.join("target"), b"data").is_err());
        let names: Vec<_> = std::fs::read_dir(&sub)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
