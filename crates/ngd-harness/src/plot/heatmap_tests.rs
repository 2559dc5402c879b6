//! Heatmaps with labelled axes: the SVG shows every axis description and tick label, rows
//! from the top, and a tick outside the cells is an error.

use super::heatmap::uncrowded;
use super::tests::{attr, check, texts};
use super::*;

/// The recorded steps of the test maps' columns (a log schedule with 4 points per decade).
const STEPS: [f64; 10] = [0.0, 1.0, 2.0, 3.0, 6.0, 10.0, 18.0, 32.0, 56.0, 100.0];

/// A heatmap with a step axis (columns) and a damping axis (rows) in every panel.
fn axed_heatmap(x_axis: HeatmapAxis) -> HeatmapGrid {
    let lambdas = [1e-3, 1e-2, 1e-1, 1.0];
    let panel = |title: &str| HeatmapPanel {
        title: title.into(),
        values: (0..lambdas.len())
            .map(|i| (0..STEPS.len()).map(|j| (i * j) as f64).collect())
            .collect(),
    };
    assert_eq!(
        HeatmapAxis::log_spaced("step t", &STEPS).ticks,
        vec![
            (0, "0".to_string()),
            (1, "10⁰".to_string()),
            (5, "10¹".to_string()),
            (9, "10²".to_string())
        ]
    );
    HeatmapGrid {
        title: "Damping map".into(),
        rows: 1,
        cols: 2,
        panels: vec![panel("toy, L = 1"), panel("toy, L = 2")],
        color_label: "angle (°)".into(),
        range: Some((0.0, 30.0)),
        diverging: false,
        panel_px: 400,
        x_axis: Some(x_axis),
        y_axis: Some(HeatmapAxis::log_spaced("absolute damping λ", &lambdas)),
    }
}

/// Every panel shows both axis descriptions and every tick label; the rows' labels run from the
/// first row at the top down; without axes none of them is drawn.
#[test]
fn heatmap_axes_show_their_labels_and_every_tick() {
    let dir = tempfile::tempdir().unwrap();
    let grid = axed_heatmap(HeatmapAxis::log_spaced("step t", &STEPS));
    let paths = heatmap_grid(&dir.path().join("axes"), &grid).unwrap();
    check(&paths, "absolute damping λ");
    let svg = std::fs::read_to_string(&paths[0]).unwrap();
    let all: Vec<String> = texts(&svg).into_iter().map(|(_, t)| t).collect();
    let count = |label: &str| all.iter().filter(|t| *t == label).count();
    let (x, y) = (grid.x_axis.as_ref().unwrap(), grid.y_axis.as_ref().unwrap());
    assert_eq!(y.ticks.len(), 4, "{:?}", y.ticks);
    for axis in [x, y] {
        assert_eq!(
            count(&axis.label),
            2,
            "axis label `{}` in {all:?}",
            axis.label
        );
        for (_, label) in &axis.ticks {
            assert!(
                count(label) >= 2,
                "tick `{label}` not in every panel: {all:?}"
            );
        }
    }
    let y_of = |label: &str| {
        let tag = svg.split("<text ").find_map(|t| {
            let (tag, rest) = t.split_once('>')?;
            (rest.split("</text>").next()?.trim() == label).then_some(tag)
        });
        attr(&format!(" {}", tag.unwrap()), "y").unwrap()
    };
    assert!(y_of("10⁻³") < y_of("10⁻²") && y_of("10⁻¹") < y_of("10⁰"));

    let bare = HeatmapGrid {
        x_axis: None,
        y_axis: None,
        ..grid.clone()
    };
    let svg = std::fs::read_to_string(&heatmap_grid(&dir.path().join("bare"), &bare).unwrap()[0])
        .unwrap();
    let bare_texts: Vec<String> = texts(&svg).into_iter().map(|(_, t)| t).collect();
    for label in ["step t", "absolute damping λ", "10⁻³", "10¹"] {
        assert!(!bare_texts.iter().any(|t| t == label), "{bare_texts:?}");
    }
}

/// A tick beyond a panel's cells is an error naming the axis field, not a panic.
#[test]
fn a_heatmap_tick_outside_the_cells_is_an_error() {
    let grid = axed_heatmap(HeatmapAxis::new("step t", vec![(10, "10³".into())]));
    let dir = tempfile::tempdir().unwrap();
    let err = heatmap_grid(&dir.path().join("bad"), &grid).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("x_axis") && message.contains("10 cells"),
        "{message}"
    );
}

/// A label too close to the one kept before it loses its label (not its mark); labels with
/// room all stay, in order of position whatever the order given.
#[test]
fn crowded_tick_labels_are_thinned() {
    let ticks: Vec<(f64, String)> = [(9.5, "10¹"), (0.5, "0"), (1.5, "10⁰"), (2.5, "x")]
        .into_iter()
        .map(|(at, l)| (at, l.to_string()))
        .collect();
    // One character is 8 px wide: `0` and `10⁰` need (8 + 24)/2 + 4 = 20 px between centres.
    let width = |l: &str| Ok(8 * l.chars().count() as u32);
    let kept = |px: f64| -> Vec<String> {
        let shown = uncrowded(&ticks, px, width).unwrap();
        shown.into_iter().map(|(_, l)| l).collect()
    };
    assert_eq!(kept(10.0), ["0", "x", "10¹"]);
    assert_eq!(kept(19.9), ["0", "x", "10¹"]);
    assert_eq!(kept(20.0), ["0", "10⁰", "x", "10¹"]);
}
