//! Font registration and writing one drawing to both SVG and PNG.

use crate::error::Error;
use crate::output::{persist, temporary_beside, write_atomic};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The bundled font (DejaVu Sans; licence in `assets/DejaVuSans-LICENSE.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Registers the bundled font as plotters' `sans-serif` family (once per process).
pub(crate) fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font("sans-serif", FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "bundled font DejaVuSans.ttf could not be parsed".to_string())
        })
        .clone()
}

/// Something that draws itself on any plotters backend.
pub(crate) trait Drawing {
    /// Pixel size `(width, height)`.
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// Renders `drawing` to `<base>.svg` and `<base>.png`; returns both paths.
pub(crate) fn render<D: Drawing>(base: &Path, drawing: &D) -> Result<Vec<PathBuf>, Error> {
    let svg_path = base.with_extension("svg");
    let png_path = base.with_extension("png");
    let plot_err = |path: &Path, message: String| Error::Plot {
        path: path.to_path_buf(),
        message,
    };
    ensure_font().map_err(|m| plot_err(&svg_path, m))?;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, drawing.size()).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| plot_err(&svg_path, e.to_string()))?;
        drawing.draw(&root).map_err(|m| plot_err(&svg_path, m))?;
        root.present()
            .map_err(|e| plot_err(&svg_path, e.to_string()))?;
    }
    write_atomic(&svg_path, svg.as_bytes())?;

    let tmp = temporary_beside(&png_path)?;
    let drawn = (|| -> Result<(), String> {
        let root = BitMapBackend::new(tmp.path(), drawing.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        drawing.draw(&root)?;
        root.present().map_err(|e| e.to_string())
    })();
    drawn.map_err(|m| plot_err(&png_path, m))?;
    persist(tmp, &png_path)?;
    Ok(vec![svg_path, png_path])
}

/// Converts any displayable plotting error to a `String`.
pub(crate) fn s<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}
