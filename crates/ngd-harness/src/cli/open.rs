//! `report --open` / `reproduce --open`: opens `REPORT.html` with the desktop's default program
//! (the `opener` crate: `xdg-open` and friends) where a desktop exists, else says why not.

use std::path::Path;

/// Why the report cannot be opened here, or `None` when a desktop is available: on Linux and
/// the BSDs, `$DISPLAY` or `$WAYLAND_DISPLAY` must be set (macOS and Windows always have one).
pub fn no_desktop_reason(display: Option<&str>, wayland: Option<&str>) -> Option<&'static str> {
    let set = |v: Option<&str>| v.is_some_and(|s| !s.is_empty());
    let desktop =
        cfg!(any(target_os = "macos", target_os = "windows")) || set(display) || set(wayland);
    (!desktop).then_some("no desktop session ($DISPLAY and $WAYLAND_DISPLAY are unset)")
}

/// Opens `html` where a desktop exists; otherwise prints its path and the reason.
pub fn open_report(html: &Path) {
    let display = std::env::var("DISPLAY").ok();
    let wayland = std::env::var("WAYLAND_DISPLAY").ok();
    match no_desktop_reason(display.as_deref(), wayland.as_deref()) {
        Some(reason) => println!(
            "report: not opened: {reason}; open {} in a browser",
            html.display()
        ),
        None => match opener::open(html) {
            Ok(()) => println!("report: opened {}", html.display()),
            Err(e) => println!(
                "report: could not open {} ({e}); open it in a browser",
                html.display()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::no_desktop_reason;

    #[test]
    fn a_desktop_needs_a_display() {
        assert!(no_desktop_reason(Some(":0"), None).is_none());
        assert!(no_desktop_reason(None, Some("wayland-0")).is_none());
        if !cfg!(any(target_os = "macos", target_os = "windows")) {
            let reason = no_desktop_reason(None, Some("")).unwrap();
            assert!(reason.contains("$DISPLAY"), "{reason}");
        }
    }
}
