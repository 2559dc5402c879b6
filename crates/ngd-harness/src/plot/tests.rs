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

pub(super) fn check(paths: &[std::path::PathBuf], needle: &str) {
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
        x_axis: None,
        y_axis: None,
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
        styles: vec![Style::egd(1)],
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

/// `(attribute value)` of `name="…"` inside one SVG tag.
pub(super) fn attr(tag: &str, name: &str) -> Option<f64> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[start..].split('"').next()?.parse().ok()
}

/// `(x, text)` of every `<text>` element of an SVG document.
pub(super) fn texts(svg: &str) -> Vec<(f64, String)> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| {
            let (tag, rest) = t.split_once('>')?;
            let content = rest.split("</text>").next()?.trim().to_string();
            Some((attr(&format!(" {tag}"), "x")?, content))
        })
        .collect()
}

/// The `points` of every `<polyline>` / `<polygon>` element of an SVG document.
fn shapes(svg: &str) -> Vec<Vec<(f64, f64)>> {
    svg.split("points=\"")
        .skip(1)
        .map(|t| {
            t.split('"')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect()
        })
        .collect()
}

fn demo_plot() -> LinePlot {
    let mut plot = LinePlot::new("Legend placement", "step t", "loss (nats)");
    plot.x_log = true;
    plot.y_log = true;
    for depth in 1..=3 {
        let pts: Vec<(f64, f64)> = (0..60)
            .map(|k| (10f64.powf(k as f64 / 10.0), 1.0 / (1.0 + k as f64)))
            .collect();
        let converged = (0..60).map(|k| k < 59 || depth != 2).collect();
        plot.series.push(
            Series::new(format!("EGD, L = {depth}"), pts.clone())
                .with_style(Style::egd(depth))
                .with_converged(converged),
        );
        // NGD on top of EGD: the same points, to be told apart by dash and markers.
        plot.series
            .push(Series::new(format!("NGD, L = {depth}"), pts).with_style(Style::ngd(depth)));
    }
    plot.reference = Some((0.05, "chance level".into()));
    plot
}

#[test]
fn the_legend_lies_beside_the_plotting_area() {
    let plot = demo_plot();
    let svg = super::render::to_svg(&plot).unwrap();
    let edge = plot.size.0 as f64;
    // Every legend label is right of the plotting area, and so is nothing else but the legend.
    let labels: Vec<&str> = plot.series.iter().map(|s| s.label.as_str()).collect();
    let mut found = 0;
    for (x, text) in texts(&svg) {
        if labels.contains(&text.as_str()) || text == "chance level" {
            assert!(
                x >= edge,
                "legend label `{text}` at x = {x} inside the plot"
            );
            found += 1;
        }
    }
    assert_eq!(found, labels.len() + 1, "legend labels missing");
    assert!(svg.contains("hollow: run not converged"));
    // No drawn shape straddles the border: data stay left, legend samples right.
    let all = shapes(&svg);
    assert!(all.len() > 20);
    for s in &all {
        let left = s.iter().all(|p| p.0 < edge);
        let right = s.iter().all(|p| p.0 >= edge);
        assert!(left || right, "a shape crosses the legend border: {s:?}");
    }
    let legend_shapes = all.iter().filter(|s| s.iter().all(|p| p.0 >= edge)).count();
    assert!(
        legend_shapes > plot.series.len(),
        "{legend_shapes} legend shapes"
    );
}

#[test]
fn the_png_is_the_svg_rasterized_at_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let paths = line_plot(&dir.path().join("demo"), &demo_plot()).unwrap();
    let svg = std::fs::read_to_string(&paths[0]).unwrap();
    let head = svg.split('>').next().unwrap();
    let (w, h) = (attr(head, "width").unwrap(), attr(head, "height").unwrap());
    assert_eq!(check_png(&paths[1]), (w as u32, h as u32));
    // The hollow marker and the dashes show up as the series colours in the raster too.
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&paths[1]).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.line_size / info.width as usize;
    let blue = buf
        .chunks(channels)
        .filter(|p| p[0] < 20 && (100..130).contains(&p[1]) && p[2] > 160)
        .count();
    assert!(blue > 100, "only {blue} pixels of the L = 1 colour");
}

/// On a sparse curve a marker crowding the previous one is left out (a single series keeps
/// 4 px markers, so markers at least 16 px apart), the last and every unconverged point keep
/// theirs, and well-separated points all keep theirs.
#[test]
fn markers_of_a_sparse_curve_do_not_crowd() {
    let pts: Vec<(f64, f64)> = (0..40).map(|k| (k as f64, 0.0)).collect();
    let mut converged = vec![true; 40];
    converged[21] = false;
    let mut plot = LinePlot::new("t", "x", "y");
    plot.series
        .push(Series::new("s", pts.clone()).with_converged(converged));
    let usable: Vec<usize> = (0..40).collect();
    // 5 px between neighbouring points: every fourth point, plus 21 and 39.
    let close: Vec<(i32, i32)> = (0..40).map(|k| (5 * k, 100)).collect();
    let marked = plot.marked(0, &usable, &close);
    assert_eq!(
        marked,
        vec![0, 4, 8, 12, 16, 20, 21, 25, 29, 33, 37, 39],
        "{marked:?}"
    );
    // 20 px apart: every point.
    let far: Vec<(i32, i32)> = (0..40).map(|k| (20 * k, 100)).collect();
    assert_eq!(plot.marked(0, &usable, &far), usable);
}
