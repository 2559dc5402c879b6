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
                style: None,
            },
            Separator {
                label: "axis-aligned".into(),
                normal: (1.0, 0.0),
                style: Some(Style::ngd(2)),
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
fn log_axes_label_every_decade_in_one_format() {
    use super::ticks::log_ticks;
    let t = log_ticks(3e-5, 2.0);
    let labels: Vec<&str> = t.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(labels, ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"]);
    // The lowest decade is labelled when it is inside the range.
    assert_eq!(log_ticks(1e-3, 5e-1)[0].1, "10⁻³");
    // Fewer than three decades: the 2× and 5× multiples are added.
    let one: Vec<String> = log_ticks(15.0, 600.0).into_iter().map(|x| x.1).collect();
    assert_eq!(one, ["2×10¹", "5×10¹", "10²", "2×10²", "5×10²"]);
    // Less than a factor 2.5 wide: linear ticks, one number of decimals.
    let narrow: Vec<String> = log_ticks(0.45, 0.95).into_iter().map(|x| x.1).collect();
    assert_eq!(narrow, ["0.5", "0.6", "0.7", "0.8", "0.9"]);
    assert!(narrow.len() >= 2, "{narrow:?}");
}

#[test]
fn linear_ticks_share_one_number_of_decimals() {
    use super::ticks::linear_ticks;
    let labels: Vec<String> = linear_ticks(0.42, 1.03).into_iter().map(|t| t.1).collect();
    assert_eq!(labels, ["0.5", "0.6", "0.7", "0.8", "0.9", "1.0"]);
    let big: Vec<String> = linear_ticks(0.0, 4e5).into_iter().map(|t| t.1).collect();
    assert_eq!(big[0], "0");
    assert!(big[1..].iter().all(|l| l.contains("×10⁵")), "{big:?}");
}
