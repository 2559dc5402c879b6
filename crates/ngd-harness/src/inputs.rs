//! Inputs identified by content: every file that determines a result (a data file, say) is read
//! once, kept in memory and fingerprinted by its SHA-256.
//!
//! - **Read once.** Within an [`InputScope`] (the command line holds one for a whole command,
//!   the runner one for each execution) the first [`read_input`] of a path reads the file and
//!   every later call returns the same bytes. A file edited during a run therefore cannot give
//!   runs on different data, and a FIFO or `<(cat file)` (a pipe, readable once) works. Outside
//!   any scope every call reads afresh (a long-lived process, such as the Python package, sees
//!   a file's new content on its next execution).
//! - **Fingerprinted.** [`recording`] lists the inputs read (or served from the cache) while a
//!   closure runs on this thread; the runner records them around `Experiment::validate`, so an
//!   experiment only has to read its inputs in `validate` (through `read_input`) to have their
//!   hashes in the manifest and in every run record, and checked on `--resume`.
//! - **Special files.** A folder is refused. A regular file is read directly. Anything else
//!   (FIFO, pipe, character device) is read on a helper thread: when no byte arrives for
//!   [`INPUT_WAIT`] (a FIFO without a writer) the read is refused with a message instead of
//!   hanging. Every input is text: a NUL byte (a binary file, `/dev/zero`) is refused at once,
//!   and so is an input larger than [`MAX_INPUT_BYTES`].
//!
//! SHA-256 (the `sha2` crate of RustCrypto) rather than a faster hash: fingerprints are
//! compared across machines and written into result files that outlive this build, so a
//! standard, collision-resistant digest that any tool (`sha256sum`, Python's `hashlib`) can
//! recompute is worth the few milliseconds per MB.

use crate::error::ConfigError;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a FIFO, pipe or device may stay silent before its read is refused.
pub const INPUT_WAIT: Duration = Duration::from_secs(10);

/// The largest input read (bytes): 4 GiB.
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

/// One input as read: where from, its bytes and its SHA-256 (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path as given.
    pub path: PathBuf,
    /// The content.
    pub bytes: Arc<[u8]>,
    /// SHA-256 of the content, 64 lower-case hex digits.
    pub sha256: String,
}

/// The SHA-256 of `bytes` as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Cache {
    scopes: usize,
    files: BTreeMap<PathBuf, Arc<InputFile>>,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    scopes: 0,
    files: BTreeMap::new(),
});

fn cache() -> MutexGuard<'static, Cache> {
    CACHE.lock().unwrap_or_else(|p| p.into_inner())
}

thread_local! {
    static RECORDER: RefCell<Option<Vec<Arc<InputFile>>>> = const { RefCell::new(None) };
}

/// While alive, inputs are read once and served from memory (see the module docs). Scopes
/// nest; the cache is emptied when the last one ends.
#[must_use = "the scope ends when the guard is dropped"]
pub struct InputScope(());

/// Opens an [`InputScope`].
pub fn input_scope() -> InputScope {
    cache().scopes += 1;
    InputScope(())
}

impl Drop for InputScope {
    fn drop(&mut self) {
        let mut c = cache();
        c.scopes = c.scopes.saturating_sub(1);
        if c.scopes == 0 {
            c.files.clear();
        }
    }
}

/// Runs `f` and returns its result with the inputs it read through [`read_input`] on this
/// thread (each path once, in first-read order).
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<Arc<InputFile>>) {
    let outer = RECORDER.with(|r| r.borrow_mut().replace(Vec::new()));
    let value = f();
    let inner = RECORDER.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer));
    let mut seen = Vec::<Arc<InputFile>>::new();
    for file in inner.unwrap_or_default() {
        if !seen.iter().any(|s| s.path == file.path) {
            seen.push(file);
        }
    }
    // A recording around this one sees these inputs too.
    RECORDER.with(|r| {
        if let Some(list) = r.borrow_mut().as_mut() {
            list.extend(seen.iter().cloned());
        }
    });
    (value, seen)
}

/// Reads the input at `path` once (see the module docs); `what` names it in messages
/// (`data file`, `config file`).
///
/// # Errors
///
/// [`ConfigError::Usage`] naming `what` and the path: missing or unreadable, a folder, a
/// binary file, larger than [`MAX_INPUT_BYTES`], or a FIFO / pipe silent for [`INPUT_WAIT`].
pub fn read_input(path: &Path, what: &str) -> Result<Arc<InputFile>, ConfigError> {
    let file = {
        let mut c = cache();
        match c.files.get(path) {
            Some(file) => Arc::clone(file),
            None => {
                let bytes = read_bytes(path)
                    .map_err(|m| ConfigError::Usage(format!("{what} {}: {m}", path.display())))?;
                let file = Arc::new(InputFile {
                    path: path.to_path_buf(),
                    sha256: sha256_hex(&bytes),
                    bytes: bytes.into(),
                });
                if c.scopes > 0 {
                    c.files.insert(path.to_path_buf(), Arc::clone(&file));
                }
                file
            }
        }
    };
    RECORDER.with(|r| {
        if let Some(list) = r.borrow_mut().as_mut() {
            list.push(Arc::clone(&file));
        }
    });
    Ok(file)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if meta.is_dir() {
        return Err("is a folder, not a file".into());
    }
    if meta.is_file() {
        if meta.len() > MAX_INPUT_BYTES {
            return Err(format!(
                "is {} bytes, more than the {MAX_INPUT_BYTES} bytes an input may have",
                meta.len()
            ));
        }
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
        return read_text(file, &AtomicU64::new(0));
    }
    read_special(path)
}

/// Reads a FIFO, pipe or device on a helper thread, giving up when it stays silent for
/// [`INPUT_WAIT`] (the thread, blocked in the operating system, ends with the process).
fn read_special(path: &Path) -> Result<Vec<u8>, String> {
    let progress = Arc::new(AtomicU64::new(0));
    let (send, receive) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    let counter = Arc::clone(&progress);
    std::thread::Builder::new()
        .name("ngd-input-reader".into())
        .spawn(move || {
            let result = std::fs::File::open(&owned)
                .map_err(|e| format!("cannot read it: {e}"))
                .and_then(|f| read_text(f, &counter));
            let _ = send.send(result);
        })
        .map_err(|e| format!("cannot start a reader thread: {e}"))?;
    let mut last = (0, Instant::now());
    loop {
        match receive.recv_timeout(Duration::from_millis(100)) {
            Ok(result) => return result,
            Err(RecvTimeoutError::Disconnected) => return Err("its reader stopped".into()),
            Err(RecvTimeoutError::Timeout) => {
                let now = progress.load(Ordering::Relaxed);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() >= INPUT_WAIT {
                    return Err(format!(
                        "is a FIFO, pipe or device and no data arrived for {} s after {now} \
                         bytes (no writer?); give a regular file, or start the writer first",
                        INPUT_WAIT.as_secs()
                    ));
                }
            }
        }
    }
}

/// Reads `source` to its end, refusing binary content (a NUL byte) and oversized input;
/// `progress` counts the bytes read so far.
fn read_text(mut source: impl Read, progress: &AtomicU64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = match source.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot read it: {e}")),
        };
        if let Some(at) = chunk[..n].iter().position(|&b| b == 0) {
            return Err(format!(
                "is not a text file (a NUL byte at offset {})",
                bytes.len() + at
            ));
        }
        if (bytes.len() + n) as u64 > MAX_INPUT_BYTES {
            return Err(format!(
                "is larger than the {MAX_INPUT_BYTES} bytes an input may have"
            ));
        }
        bytes.extend_from_slice(&chunk[..n]);
        progress.store(bytes.len() as u64, Ordering::Relaxed);
    }
}

/// The inputs' hashes by path.
pub(crate) fn input_hashes(inputs: &[Arc<InputFile>]) -> BTreeMap<String, String> {
    inputs
        .iter()
        .map(|f| (f.path.display().to_string(), f.sha256.clone()))
        .collect()
}

/// Refuses to reuse a stored run computed from inputs of another content.
pub(crate) fn check_same_inputs(
    path: &std::path::Path,
    stored: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Result<(), ConfigError> {
    if stored == now {
        return Ok(());
    }
    let none = "none".to_string();
    let changed: Vec<String> = stored
        .keys()
        .chain(now.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| stored.get(*k) != now.get(*k))
        .map(|k| {
            format!(
                "input `{k}` had SHA-256 {} and now has {}",
                stored.get(k).unwrap_or(&none),
                now.get(k).unwrap_or(&none)
            )
        })
        .collect();
    Err(ConfigError::Usage(format!(
        "--resume: {} was computed from other inputs: {}; run without --resume to recompute \
         every run, or restore the input",
        path.display(),
        changed.join("; ")
    )))
}

#[cfg(test)]
#[path = "inputs_tests.rs"]
mod tests;
