//! Unit tests of the plots: the SVG elements of small, known inputs land
//! where their values map, and the PNG images, decoded, have the colours of
//! those elements at the same places.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::figures::MISSING;
use super::*;

/// A fresh folder for the files of one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("annarchy-plot-unit-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the plot as SVG and PNG with `draw`; returns the SVG text and the
/// decoded PNG `(width, height, rgb)`.
fn both(test: &str, draw: impl Fn(&Path) -> Result<()>) -> (String, (u32, u32, Vec<u8>)) {
    let dir = temp_dir(test);
    draw(&dir.join("plot.svg")).unwrap();
    draw(&dir.join("plot.png")).unwrap();
    let svg = std::fs::read_to_string(dir.join("plot.svg")).unwrap();
    let png = decode(&std::fs::read(dir.join("plot.png")).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
    (svg, png)
}

/// Decodes an 8-bit RGB PNG image.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// The colour of pixel `(x, y)`.
fn pixel((w, _, rgb): &(u32, u32, Vec<u8>), x: f64, y: f64) -> [u8; 3] {
    let (x, y) = (x.round() as usize, y.round() as usize);
    let k = 3 * (y * *w as usize + x);
    [rgb[k], rgb[k + 1], rgb[k + 2]]
}

/// The value of attribute `name` in the tag `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The opening tags of the elements `name` of an SVG document.
fn tags<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
    svg.lines()
        .filter(|l| l.starts_with(&format!("<{name} ")))
        .collect()
}

/// A numeric attribute.
fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name).unwrap().parse().unwrap()
}

/// The plotting area `(x, y, width, height)`: the first black, unfilled
/// rectangle (the frame).
fn frame_rect(svg: &str) -> (f64, f64, f64, f64) {
    let frame = tags(svg, "rect")
        .into_iter()
        .find(|t| attr(t, "fill") == Some("none") && attr(t, "stroke") == Some("#000000"))
        .unwrap();
    (
        num(frame, "x"),
        num(frame, "y"),
        num(frame, "width") + 1.0,
        num(frame, "height") + 1.0,
    )
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02X}{:02X}{:02X}", c[0], c[1], c[2])
}

#[test]
fn raster_dots_are_at_the_times_and_ranks_of_the_spikes() {
    let dt = 0.1;
    let spikes = BTreeMap::from([(0, vec![100]), (1, vec![200, 400]), (2, vec![300])]);
    let options = PlotOptions::new().x_range(0.0, 50.0);
    let (svg, png) = both("raster", |p| raster(p, &spikes, dt, &options));
    let circles = tags(&svg, "circle");
    assert_eq!(circles.len(), 4);
    let (x0, y0, w, h) = frame_rect(&svg);
    // Ranks 0..=2 with a margin of 0.5 + 2 % of the span.
    let (lo, hi) = (-0.54, 2.54);
    let expected = [(10.0, 0.0), (20.0, 1.0), (40.0, 1.0), (30.0, 2.0)];
    for (c, (t, r)) in circles.iter().zip(expected) {
        let cx = x0 + t / 50.0 * w;
        let cy = y0 + (hi - r) / (hi - lo) * h;
        // Pixels are whole: within 1.5 pixel.
        assert!((num(c, "cx") - cx).abs() <= 1.5, "{c} vs ({cx}, {cy})");
        assert!((num(c, "cy") - cy).abs() <= 1.5, "{c} vs ({cx}, {cy})");
        // The PNG has a dark dot there.
        let [r, g, b] = pixel(&png, num(c, "cx"), num(c, "cy"));
        assert!(r < 100 && g < 100 && b < 100, "{:?}", [r, g, b]);
    }
    // And nothing halfway between two dots.
    assert_eq!(pixel(&png, x0 + 0.3 * w, y0 + 0.5 * h), [255, 255, 255]);
    assert_eq!((png.0, png.1), (800, 600));
}

#[test]
fn raster_leaves_out_spikes_beyond_the_limits() {
    let spikes = BTreeMap::from([(0, vec![10, 20, 30]), (1, vec![25])]);
    let options = PlotOptions::new().x_range(0.0, 22.0).size(400, 300);
    let (svg, png) = both("raster_limits", |p| raster(p, &spikes, 1.0, &options));
    assert_eq!(tags(&svg, "circle").len(), 2);
    assert_eq!((png.0, png.1), (400, 300));
}

#[test]
fn weight_matrix_colours_cells_by_value_and_greys_missing_synapses() {
    let matrix = vec![
        vec![Some(0.0), None, Some(2.0)],
        vec![Some(1.0), Some(2.0), None],
    ];
    let (svg, png) = both("matrix", |p| {
        weight_matrix(p, &matrix, &PlotOptions::new().value_label("w"))
    });
    let (x0, y0, w, h) = frame_rect(&svg);
    let viridis = |v: f64| {
        use plotters::prelude::{ColorMap, ViridisRGB};
        let c = ViridisRGB.get_color((v / 2.0) as f32);
        [c.0, c.1, c.2]
    };
    for (i, row) in matrix.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let expected = cell.map_or([MISSING.0, MISSING.1, MISSING.2], viridis);
            // Cell (i, j): row 0 at the top.
            let (cx, cy) = (
                x0 + (j as f64 + 0.5) / 3.0 * w,
                y0 + (i as f64 + 0.5) / 2.0 * h,
            );
            let rect = tags(&svg, "rect")
                .into_iter()
                .find(|t| {
                    attr(t, "fill") != Some("none")
                        && num(t, "x") <= cx
                        && cx <= num(t, "x") + num(t, "width")
                        && num(t, "y") <= cy
                        && cy <= num(t, "y") + num(t, "height")
                        && num(t, "width") < 0.5 * w
                })
                .unwrap();
            assert_eq!(attr(rect, "fill"), Some(hex(expected).as_str()));
            assert_eq!(pixel(&png, cx, cy), expected);
        }
    }
    // Square cells: a 2 x 3 matrix takes a 3:2 plotting area.
    assert!((w / h - 1.5).abs() < 0.02, "{w} x {h}");
    let missing = format!("fill=\"{}\"", hex([MISSING.0, MISSING.1, MISSING.2]));
    assert_eq!(svg.matches(&missing).count(), 2);
    // The colour bar runs from the lowest colour at the bottom to the
    // highest at the top, beside the plot.
    let bar: Vec<&str> = tags(&svg, "rect")
        .into_iter()
        .filter(|t| num(t, "x") > x0 + w && attr(t, "fill") != Some("none"))
        .collect();
    assert!(bar.len() >= 100);
    let lowest = bar
        .iter()
        .max_by(|a, b| num(a, "y").total_cmp(&num(b, "y")));
    let highest = bar
        .iter()
        .min_by(|a, b| num(a, "y").total_cmp(&num(b, "y")));
    assert!(attr(lowest.unwrap(), "fill").unwrap().starts_with("#44"));
    assert!(attr(highest.unwrap(), "fill").unwrap().starts_with("#FD"));
}

#[test]
fn weight_matrix_accepts_plain_values_and_a_colour_range() {
    let matrix = vec![vec![0.5, 1.5], vec![1.0, 3.0]];
    let options = PlotOptions::new().value_range(0.0, 1.0);
    let (svg, png) = both("matrix_range", |p| weight_matrix(p, &matrix, &options));
    let (x0, y0, w, h) = frame_rect(&svg);
    // 1.5 and 3.0 are beyond the range: the top colour of the map.
    let top = pixel(&png, x0 + 0.75 * w, y0 + 0.25 * h);
    assert_eq!(top, pixel(&png, x0 + 0.75 * w, y0 + 0.75 * h));
    assert_eq!(hex(top), "#FEE825");
    assert!(!svg.contains(&format!(
        "fill=\"{}\"",
        hex([MISSING.0, MISSING.1, MISSING.2])
    )));
}

#[test]
fn population_rate_peaks_at_the_rate_of_a_synchronous_spike() {
    // Two neurons spike together at step 10: 2 spikes / 2 neurons / 1 ms =
    // 1000 Hz at 10 ms, 0 elsewhere.
    let spikes = BTreeMap::from([(0, vec![10]), (1, vec![10])]);
    let options = PlotOptions::new().x_range(0.0, 20.0);
    let (svg, png) = both("rate", |p| population_rate(p, &spikes, 1.0, 0.0, &options));
    let (x0, y0, w, h) = frame_rect(&svg);
    let line = tags(&svg, "polyline")
        .into_iter()
        .find(|t| attr(t, "stroke") == Some("#1F77B4"))
        .unwrap();
    let points: Vec<(f64, f64)> = attr(line, "points")
        .unwrap()
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    assert_eq!(points.len(), 21);
    let top = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    // The axis ends 5 % above the peak.
    assert!((top - (y0 + h * (1.0 - 1000.0 / 1050.0))).abs() <= 1.0);
    let peak = points.iter().find(|p| p.1 == top).unwrap();
    assert!((peak.0 - (x0 + 0.5 * w)).abs() <= 1.0);
    // One filled area under the line, light blue in the PNG too.
    assert_eq!(tags(&svg, "polygon").len(), 1);
    let below = pixel(&png, peak.0, y0 + 0.9 * h);
    assert!(below[2] > below[0] && below[0] > 180, "{below:?}");
}

#[test]
fn isi_histogram_has_one_bar_per_filled_bin() {
    // Intervals 10, 10 and 15 ms; bins of 5 ms: [10, 15) holds 2, [15, 20) 1.
    let spikes = BTreeMap::from([(0, vec![0, 10, 20, 35]), (1, vec![7])]);
    let (svg, png) = both("isi", |p| {
        isi_histogram(p, &spikes, 1.0, Some(5.0), &PlotOptions::default())
    });
    let bars: Vec<&str> = tags(&svg, "rect")
        .into_iter()
        .filter(|t| attr(t, "fill").is_some_and(|f| f.starts_with("#1F77B4")))
        .collect();
    assert_eq!(bars.len(), 2);
    let (h0, h1) = (num(bars[0], "height"), num(bars[1], "height"));
    assert!((h0 / h1 - 2.0).abs() < 0.02, "{h0} {h1}");
    assert!(num(bars[0], "x") < num(bars[1], "x"));
    let (x, y) = (
        num(bars[0], "x") + num(bars[0], "width") / 2.0,
        num(bars[0], "y") + num(bars[0], "height") / 2.0,
    );
    let [r, g, b] = pixel(&png, x, y);
    assert!(b > 150 && r < 100 && g < 150, "{:?}", [r, g, b]);
}

#[test]
fn traces_draw_one_line_per_column_and_a_legend() {
    let recording = Recording {
        steps: vec![1, 2, 3, 4],
        times: vec![1.0, 2.0, 3.0, 4.0],
        values: vec![
            vec![0.0, 1.0, 2.0],
            vec![0.5, f64::NAN, 2.0],
            vec![1.0, 1.0, 2.0],
            vec![1.5, 1.0, 2.0],
        ],
    };
    let options = PlotOptions::new().legend(["a", "b", "c"]).y_label("v (mV)");
    let (svg, png) = both("traces", |p| traces(p, &recording, &options));
    let stroke = |c: &str| {
        tags(&svg, "polyline")
            .into_iter()
            .filter(|t| attr(t, "stroke") == Some(c))
            .count()
    };
    // Column 0 is one line, column 1 is cut by its NaN into a lone point (no
    // line) and a piece; each has a legend sample.
    assert_eq!(stroke("#1F77B4"), 2);
    assert_eq!(stroke("#FF7F0E"), 2);
    assert_eq!(stroke("#2CA02C"), 2);
    for text in ["a", "b", "c", "v (mV)", "time (ms)"] {
        assert!(svg.contains(&format!("\n{text}\n")), "{text}");
    }
    // The constant column 2 is drawn at its value.
    let (x0, y0, w, h) = frame_rect(&svg);
    let (lo, hi) = (-0.1, 2.1);
    let y = y0 + (hi - 2.0) / (hi - lo) * h;
    let column: Vec<[u8; 3]> = (-2..=2)
        .map(|d| pixel(&png, x0 + 0.5 * w, y + f64::from(d)))
        .collect();
    assert!(
        column.iter().any(|&[r, g, b]| {
            let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
            g > r + 60 && g > b + 60
        }),
        "{column:?}"
    );
}

#[test]
fn a_single_column_gets_no_default_legend() {
    let recording = Recording {
        steps: vec![1, 2],
        times: vec![0.5, 1.0],
        values: vec![vec![3.0], vec![4.0]],
    };
    let (svg, _) = both("single", |p| traces(p, &recording, &PlotOptions::new()));
    assert_eq!(
        tags(&svg, "polyline")
            .iter()
            .filter(|t| attr(t, "stroke") == Some("#1F77B4"))
            .count(),
        1
    );
    assert!(!svg.contains("column 0"));
}

#[test]
fn titles_and_labels_are_written() {
    let spikes = BTreeMap::from([(0, vec![1, 2])]);
    let options = PlotOptions::new()
        .title("A <title> & more")
        .x_label("t")
        .y_label("");
    let (svg, _) = both("labels", |p| raster(p, &spikes, 1.0, &options));
    assert!(svg.contains("\nA &lt;title&gt; &amp; more\n"));
    assert!(svg.contains("\nt\n"));
    assert!(!svg.contains("neuron rank"));
    assert!(svg.contains("font-family=\"DejaVu Sans, sans-serif\""));
}

#[test]
fn bad_inputs_are_errors_and_write_nothing() {
    let dir = temp_dir("errors");
    let png = dir.join("plot.png");
    let ok = BTreeMap::from([(0, vec![1, 5, 9])]);
    let options = PlotOptions::default();
    let empty = BTreeMap::new();
    let silent = BTreeMap::from([(0, vec![]), (1, vec![])]);
    let once = BTreeMap::from([(0, vec![3]), (1, vec![4])]);
    let wide = BTreeMap::from([(0, vec![0, 1, 2_000_000])]);
    let rec = |values: Vec<Vec<f64>>| Recording {
        steps: (0..values.len() as i64).collect(),
        times: (0..values.len()).map(|k| k as f64).collect(),
        values,
    };
    let cases: Vec<(&str, Result<()>)> = vec![
        ("no neuron", raster(&png, &empty, 1.0, &options)),
        ("no spike", raster(&png, &silent, 1.0, &options)),
        ("dt", raster(&png, &ok, 0.0, &options)),
        ("dt", raster(&png, &ok, f64::NAN, &options)),
        (
            "extension",
            raster(dir.join("plot.jpg"), &ok, 1.0, &options),
        ),
        ("extension", raster(dir.join("plot"), &ok, 1.0, &options)),
        (
            "size",
            raster(&png, &ok, 1.0, &PlotOptions::new().size(10, 600)),
        ),
        (
            "size",
            raster(&png, &ok, 1.0, &PlotOptions::new().size(800, 100_000)),
        ),
        (
            "x_range",
            raster(&png, &ok, 1.0, &PlotOptions::new().x_range(5.0, 5.0)),
        ),
        (
            "y_range",
            raster(&png, &ok, 1.0, &PlotOptions::new().y_range(0.0, f64::NAN)),
        ),
        (
            "rate: no spike",
            population_rate(&png, &silent, 1.0, 0.0, &options),
        ),
        (
            "rate: no neuron",
            population_rate(&png, &empty, 1.0, 0.0, &options),
        ),
        (
            "rate: smoothing",
            population_rate(&png, &ok, 1.0, -1.0, &options),
        ),
        (
            "rate: window",
            population_rate(&png, &ok, 1.0, 0.0, &PlotOptions::new().x_range(0.2, 0.8)),
        ),
        (
            "isi: no interval",
            isi_histogram(&png, &once, 1.0, None, &options),
        ),
        (
            "isi: bin",
            isi_histogram(&png, &ok, 1.0, Some(0.0), &options),
        ),
        (
            "isi: bins",
            isi_histogram(&png, &wide, 1.0, Some(1e-3), &options),
        ),
        ("isi: dt", isi_histogram(&png, &ok, -1.0, None, &options)),
        ("traces: no row", traces(&png, &rec(vec![]), &options)),
        (
            "traces: no column",
            traces(&png, &rec(vec![vec![], vec![]]), &options),
        ),
        (
            "traces: ragged",
            traces(&png, &rec(vec![vec![1.0], vec![1.0, 2.0]]), &options),
        ),
        (
            "traces: NaN",
            traces(&png, &rec(vec![vec![f64::NAN]]), &options),
        ),
        (
            "traces: legend",
            traces(
                &png,
                &rec(vec![vec![1.0, 2.0]]),
                &PlotOptions::new().legend(["a"]),
            ),
        ),
        ("matrix: no row", weight_matrix::<f64>(&png, &[], &options)),
        (
            "matrix: no column",
            weight_matrix::<f64>(&png, &[vec![]], &options),
        ),
        (
            "matrix: ragged",
            weight_matrix(&png, &[vec![1.0], vec![1.0, 2.0]], &options),
        ),
        (
            "matrix: missing",
            weight_matrix(&png, &[vec![None::<f64>, None]], &options),
        ),
        (
            "matrix: infinite",
            weight_matrix(&png, &[vec![f64::INFINITY]], &options),
        ),
        (
            "matrix: value range",
            weight_matrix(
                &png,
                &[vec![1.0]],
                &PlotOptions::new().value_range(1.0, 0.0),
            ),
        ),
    ];
    for (what, result) in cases {
        match result {
            Err(Error::Invalid { .. } | Error::SizeMismatch { .. }) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
    assert!(!png.exists());
    // A folder that does not exist cannot be written.
    let missing = dir.join("no/such/folder/plot.svg");
    assert!(matches!(
        raster(&missing, &ok, 1.0, &options),
        Err(Error::Invalid { object, .. }) if object.contains("plot.svg")
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_extension_is_case_insensitive() {
    let dir = temp_dir("case");
    let spikes = BTreeMap::from([(0, vec![1, 2])]);
    raster(dir.join("a.PNG"), &spikes, 1.0, &PlotOptions::default()).unwrap();
    raster(dir.join("a.Svg"), &spikes, 1.0, &PlotOptions::default()).unwrap();
    assert!(
        std::fs::read(dir.join("a.PNG"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    assert!(
        std::fs::read_to_string(dir.join("a.Svg"))
            .unwrap()
            .starts_with("<svg")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn constant_and_single_values_get_a_range() {
    // One spike, one row, one value: no span anywhere, still a plot.
    let dir = temp_dir("constant");
    let spike = BTreeMap::from([(4, vec![7])]);
    raster(dir.join("r.svg"), &spike, 1.0, &PlotOptions::default()).unwrap();
    population_rate(dir.join("p.svg"), &spike, 1.0, 0.0, &PlotOptions::default()).unwrap();
    let one = Recording {
        steps: vec![3],
        times: vec![0.3],
        values: vec![vec![-65.0]],
    };
    traces(dir.join("t.png"), &one, &PlotOptions::default()).unwrap();
    weight_matrix(dir.join("w.png"), &[vec![0.25]], &PlotOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn extreme_inputs_draw_without_panicking() {
    let dir = temp_dir("extreme");
    let small = PlotOptions::new()
        .size(MIN_SIZE, MIN_SIZE)
        .title("A long title that does not fit in a small image at all");
    let huge = Recording {
        steps: vec![0, 1, 2],
        times: vec![0.0, 1e12, 2e12],
        values: vec![
            vec![1e15, -1e300],
            vec![f64::INFINITY, 3e15],
            vec![2e15, 1e-300],
        ],
    };
    let tiny = Recording {
        steps: vec![0, 1],
        times: vec![0.0, 1e-9],
        values: vec![vec![1.0; 20], vec![1.0 + 1e-13; 20]],
    };
    let far = BTreeMap::from([(u32::MAX, vec![i64::MAX / 4]), (0, vec![-5])]);
    for options in [PlotOptions::default(), small] {
        for ext in ["png", "svg"] {
            let path = dir.join(format!("p.{ext}"));
            traces(&path, &huge, &options).unwrap();
            traces(&path, &tiny, &options).unwrap();
            raster(&path, &far, 1.0, &options).unwrap();
            isi_histogram(&path, &far, 1.0, None, &options).unwrap_err();
            population_rate(&path, &far, 1.0, 0.0, &options).unwrap_err();
            weight_matrix(&path, &[vec![1e-300, -1e300]], &options).unwrap();
            weight_matrix(&path, &vec![vec![0.5; 300]; 2], &options).unwrap();
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
