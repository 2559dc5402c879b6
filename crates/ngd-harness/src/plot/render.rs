//! Font registration and writing one drawing to SVG, then rasterizing that SVG to PNG.
//!
//! The drawing is made once, with plotters' SVG backend; the PNG is the same SVG rasterized by
//! `resvg` (text shaped by `usvg` through a `fontdb` database), so both files show the same
//! layout and the PNG's text is set by a real shaper (plotters' bitmap backend spaced letters
//! wrongly, "tim e"). Fonts: the bundled DejaVu Sans is loaded first and is the `sans-serif`
//! family, so every machine renders the same glyphs without any font package; the system's
//! fonts are loaded after it only as a fallback for glyphs DejaVu Sans lacks.

use crate::error::Error;
use crate::output::write_atomic;
use plotters::coord::Shift;
use plotters::prelude::*;
use resvg::{tiny_skia, usvg};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The bundled font (DejaVu Sans; licence in `assets/DejaVuSans-LICENSE.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family name inside [`FONT_BYTES`].
const FONT_FAMILY: &str = "DejaVu Sans";

/// Registers the bundled font as plotters' `sans-serif` family (once per process); plotters
/// uses it to measure text when it lays out labels and legends.
pub(crate) fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font("sans-serif", FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "bundled font DejaVuSans.ttf could not be parsed".to_string())
        })
        .clone()
}

/// The rasterizer's font database (built once per process): the bundled font, then the
/// system's fonts; `sans-serif` resolves to the bundled family.
fn font_database() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_BYTES.to_vec());
        db.load_system_fonts();
        db.set_sans_serif_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Rasterizes an SVG document to PNG bytes at its own pixel size (white background).
pub(crate) fn rasterize(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: font_database(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("SVG not parsed: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| format!("empty image size {}×{}", size.width(), size.height()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// Something that draws itself on any plotters backend.
pub(crate) trait Drawing {
    /// Pixel size `(width, height)`.
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// Draws `drawing` into an SVG document (in memory).
pub(crate) fn to_svg<D: Drawing>(drawing: &D) -> Result<String, String> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, drawing.size()).into_drawing_area();
        root.fill(&WHITE).map_err(s)?;
        drawing.draw(&root)?;
        root.present().map_err(s)?;
    }
    Ok(svg)
}

/// Renders `drawing` to `<base>.svg` and `<base>.png` (the SVG rasterized); returns both paths.
pub(crate) fn render<D: Drawing>(base: &Path, drawing: &D) -> Result<Vec<PathBuf>, Error> {
    let svg_path = base.with_extension("svg");
    let png_path = base.with_extension("png");
    let plot_err = |path: &Path, message: String| Error::Plot {
        path: path.to_path_buf(),
        message,
    };
    let svg = to_svg(drawing).map_err(|m| plot_err(&svg_path, m))?;
    write_atomic(&svg_path, svg.as_bytes())?;
    let png = rasterize(&svg).map_err(|m| plot_err(&png_path, m))?;
    write_atomic(&png_path, &png)?;
    Ok(vec![svg_path, png_path])
}

/// Converts any displayable plotting error to a `String`.
pub(crate) fn s<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}
