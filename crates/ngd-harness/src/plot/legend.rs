//! Legends drawn in their own panel beside the plotting area, each entry drawn like its curve
//! (same colour, dash, width and marker), so a legend never covers data.

use super::render::s;
use super::style::{Dash, Marker};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Font size of legend text (pixels).
pub(crate) const LEGEND_FONT: u32 = 14;
/// Height of one legend row (pixels).
const ROW: i32 = 22;
/// Length of the line sample (pixels).
const SAMPLE: i32 = 34;
/// Padding around the entries (pixels).
const PAD: i32 = 10;

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Text.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Dash of the line sample; `None` draws no line (a point group).
    pub dash: Option<Dash>,
    /// Stroke width of the line sample.
    pub width: u32,
    /// Marker drawn at the sample's centre.
    pub marker: Marker,
    /// Draw the marker hollow.
    pub hollow: bool,
}

/// Pixel width of the legend panel for `entries` (text measured with the bundled font).
pub(crate) fn panel_width(entries: &[Entry]) -> u32 {
    if entries.is_empty() {
        return 0;
    }
    let font = ("sans-serif", LEGEND_FONT).into_font();
    let text = entries
        .iter()
        .map(|e| {
            font.box_size(&e.label)
                .map(|b| b.0)
                .unwrap_or(8 * e.label.chars().count() as u32)
        })
        .max()
        .unwrap_or(0);
    text + (SAMPLE + 3 * PAD) as u32 + 8
}

/// Pixel height of the legend box for `entries`.
pub(crate) fn box_height(entries: &[Entry]) -> u32 {
    (entries.len() as i32 * ROW + PAD) as u32
}

/// Draws a marker of radius `r` at pixel `c` on `area`.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: (i32, i32),
    marker: Marker,
    r: f64,
    color: RGBColor,
    hollow: bool,
) -> Result<(), String> {
    let outline = marker.outline(r);
    if outline.is_empty() {
        return Ok(());
    }
    let pts: Vec<(i32, i32)> = outline.iter().map(|p| (c.0 + p.0, c.1 + p.1)).collect();
    let fill = if hollow { WHITE } else { color };
    area.draw(&Polygon::new(pts.clone(), fill.filled()))
        .map_err(s)?;
    let mut closed = pts;
    closed.push(closed[0]);
    area.draw(&PathElement::new(
        closed,
        color.stroke_width(if hollow { 2 } else { 1 }),
    ))
    .map_err(s)
}

/// Draws a (possibly dashed) polyline in pixel coordinates on `area`.
pub(crate) fn draw_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pts: Vec<(i32, i32)>,
    dash: Dash,
    style: ShapeStyle,
) -> Result<(), String> {
    match dash.pattern() {
        None => area.draw(&PathElement::new(pts, style)).map_err(s),
        Some((on, off)) => area
            .draw(&DashedPathElement::new(pts, on as i32, off as i32, style))
            .map_err(s),
    }
}

/// Draws the legend box at the top left of `area` (the panel beside the plot).
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    entries: &[Entry],
) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let (w, _) = area.dim_in_pixel();
    let h = box_height(entries) as i32;
    area.draw(&Rectangle::new(
        [(2, top), (w as i32 - 4, top + h)],
        BLACK.mix(0.35).stroke_width(1),
    ))
    .map_err(s)?;
    let font = ("sans-serif", LEGEND_FONT).into_font().color(&BLACK);
    for (k, e) in entries.iter().enumerate() {
        let y = top + PAD / 2 + ROW * k as i32 + ROW / 2;
        let x0 = 2 + PAD;
        if let Some(dash) = e.dash {
            let style = e.color.stroke_width(e.width);
            draw_line(area, vec![(x0, y), (x0 + SAMPLE, y)], dash, style)?;
        }
        draw_marker(area, (x0 + SAMPLE / 2, y), e.marker, 4.0, e.color, e.hollow)?;
        let anchor = (x0 + SAMPLE + PAD, y - LEGEND_FONT as i32 / 2 - 1);
        area.draw(&Text::new(e.label.clone(), anchor, font.clone()))
            .map_err(s)?;
    }
    Ok(())
}
