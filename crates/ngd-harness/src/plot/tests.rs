//! Renders one plot of each kind and checks the files (PNG decodes, SVG has text).

use super::*;

fn check_png(path: &std::path::Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    // Not a blank canvas: some pixels are darker than white.
    assert!(buf.iter().any(|&b| b < 128), "{} is blank", path.display());
    (info.width, info.height)
}

fn check(paths: &[std::path::PathBuf], needle: &str) {
    assert_eq!(paths.len(), 2);
    let svg = std::fs::read_to_string(&paths[0]).unwrap();
    assert!(svg.contains(needle), "SVG lacks `{needle}`");
    assert!(std::fs::metadata(&paths[1]).unwrap().len() > 1000);
    let (w, h) = check_png(&paths[1]);
    assert!(w > 100 && h > 100);
}

#[test]
fn every_plot_kind_renders_to_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let mut line = LinePlot::new("Test accuracy", "step t", "test accuracy (fraction)");
    line.x_log = true;
    let pts: Vec<(f64, f64)> = (0..30)
        .map(|k| (10f64.powf(k as f64 / 6.0), 0.5 + 0.4 * (k as f64 / 29.0)))
        .collect();
    let band = pts.iter().map(|&(x, y)| (x, y - 0.03, y + 0.03)).collect();
    line.series
        .push(Series::new("EGD, L = 1", pts.clone()).with_band(band));
    line.series.push(Series::new(
        "EGD, L = 2",
        pts.iter().map(|&(x, y)| (x, y * 0.9)).collect(),
    ));
    line.reference = Some((0.5, "chance level".into()));
    check(&line_plot(&d.join("line"), &line).unwrap(), "chance level");
    let mut loglog = line.clone();
    loglog.y_log = true;
    loglog.series[1].points.push((1.0, f64::NAN));
    check(
        &line_plot(&d.join("loglog"), &loglog).unwrap(),
        "EGD, L = 2",
    );

    let panel = |t: &str, c: f64| HeatmapPanel {
        title: t.into(),
        values: (0..11)
            .map(|i| {
                (0..11)
                    .map(|j| if i == 5 || j == 5 { c } else { 0.1 * c })
                    .collect()
            })
            .collect(),
    };
    let grid = HeatmapGrid {
        title: "Entry response".into(),
        rows: 2,
        cols: 2,
        panels: vec![
            panel("EGD, L = 1", 1.0),
            panel("EGD, L = 2", -0.5),
            panel("NGD, L = 1", 0.2),
        ],
        color_label: "response (a.u.)".into(),
        range: None,
        diverging: true,
        panel_px: 160,
    };
    check(&heatmap_grid(&d.join("heat"), &grid).unwrap(), "EGD, L = 2");

    let scatter = ScatterPlot {
        title: "Toy data and separators".into(),
        x_label: "x₁".into(),
        y_label: "x₂".into(),
        groups: vec![
            PointGroup {
                label: "y = +1".into(),
                points: vec![(1.0, 0.2), (1.5, -0.4), (2.0, 1.0)],
            },
            PointGroup {
                label: "y = −1".into(),
                points: vec![(-1.0, 0.3), (-1.2, -1.0)],
            },
        ],
        separators: vec![
            Separator {
                label: "ℓ2 max margin".into(),
                normal: (1.0, 0.3),
            },
            Separator {
                label: "axis-aligned".into(),
                normal: (1.0, 0.0),
            },
        ],
        size: (700, 700),
    };
    check(
        &scatter_plot(&d.join("scatter"), &scatter).unwrap(),
        "axis-aligned",
    );

    let stem = StemPlot {
        title: "Learnt coefficients".into(),
        x_label: "coordinate j".into(),
        y_label: "β_j".into(),
        vectors: vec![
            (
                "EGD, L = 1".into(),
                (0..50)
                    .map(|j| if j < 5 { 1.0 } else { 0.1 * ((j as f64).sin()) })
                    .collect(),
            ),
            (
                "EGD, L = 2".into(),
                (0..50).map(|j| if j < 5 { 1.0 } else { 0.0 }).collect(),
            ),
        ],
        width: 900,
    };
    check(
        &stem_plot(&d.join("stem"), &stem).unwrap(),
        "Learnt coefficients",
    );

    // Only the final files are left (no temporary files).
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')));
    if let Ok(keep) = std::env::var("NGD_KEEP_PLOTS") {
        for n in names {
            std::fs::copy(d.join(&n), std::path::Path::new(&keep).join(&n)).unwrap();
        }
    }
}

#[test]
fn tick_labels_are_compact() {
    use super::tick_label;
    assert_eq!(tick_label(0.0), "0");
    assert_eq!(tick_label(1000.0), "1000");
    assert_eq!(tick_label(0.25), "0.25");
    assert_eq!(tick_label(0.001), "0.001");
    assert_eq!(tick_label(1e-6), "1e-6");
    assert_eq!(tick_label(9.999999999e-6), "1e-5");
    assert_eq!(tick_label(2.5e-7), "2.5e-7");
    assert_eq!(tick_label(1e6), "1e6");
}
