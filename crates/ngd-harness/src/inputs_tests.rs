//! Tests of `inputs.rs`: read once per scope, hashes, special files.

use super::*;

/// The scope is process-wide: tests that open one run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn sha256_matches_the_standard_vectors() {
    // FIPS 180-2, appendix B.1, and the empty message.
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn a_file_edited_inside_a_scope_is_still_read_as_first_seen() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    std::fs::write(&path, b"x,y\n1,1\n").unwrap();
    let first = {
        let _scope = input_scope();
        let first = read_input(&path, "data file").unwrap();
        std::fs::write(&path, b"x,y\n2,-1\n").unwrap();
        let again = read_input(&path, "data file").unwrap();
        assert_eq!(first, again);
        first
    };
    // Outside the scope, the new content.
    let fresh = read_input(&path, "data file").unwrap();
    assert_ne!(fresh.sha256, first.sha256);
    assert_eq!(&*fresh.bytes, b"x,y\n2,-1\n");
}

#[test]
fn recording_lists_each_input_once_and_nests() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, b"a").unwrap();
    std::fs::write(&b, b"b").unwrap();
    let (((), inner), outer) = recording(|| {
        read_input(&a, "data file").unwrap();
        recording(|| {
            read_input(&b, "data file").unwrap();
            read_input(&b, "data file").unwrap();
        })
    });
    assert_eq!(inner.len(), 1);
    let paths: Vec<_> = outer.iter().map(|f| f.path.clone()).collect();
    assert_eq!(paths, vec![a, b]);
}

#[test]
fn folders_binary_files_and_missing_files_are_refused_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_input(dir.path(), "data file").unwrap_err().to_string();
    assert!(e.contains("is a folder") && e.contains("data file"), "{e}");
    let bin = dir.path().join("b.csv");
    std::fs::write(&bin, b"x,y\n1\0,1\n").unwrap();
    let e = read_input(&bin, "data file").unwrap_err().to_string();
    assert!(
        e.contains("NUL byte at offset 5") && e.contains("b.csv"),
        "{e}"
    );
    let e = read_input(&dir.path().join("none"), "data file")
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot read it") && e.contains("none"), "{e}");
}

#[test]
fn a_character_device_of_endless_zeros_is_refused_at_once() {
    let path = Path::new("/dev/zero");
    if !path.exists() {
        return;
    }
    let start = Instant::now();
    let e = read_input(path, "data file").unwrap_err().to_string();
    assert!(e.contains("not a text file"), "{e}");
    assert!(start.elapsed() < INPUT_WAIT, "took {:?}", start.elapsed());
}

#[test]
fn a_fifo_with_a_writer_is_read_once_within_a_scope() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(writer_path, b"x,y\n1,1\n"));
    let _scope = input_scope();
    let first = read_input(&fifo, "data file").unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(&*first.bytes, b"x,y\n1,1\n");
    // The second read is served from memory (the FIFO has no writer any more).
    let second = read_input(&fifo, "data file").unwrap();
    assert_eq!(first, second);
}
