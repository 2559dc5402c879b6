//! Records, at build time, the build information of the `manifest.json` of every experiment:
//! the versions of every locked dependency (from the workspace's `Cargo.lock`), the `rustc`
//! version and the build profile, written by the `built` crate to `$OUT_DIR/built.rs`.

fn main() {
    built::write_built_file().expect("the built crate could not write $OUT_DIR/built.rs");
}
