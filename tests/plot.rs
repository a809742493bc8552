//! The plots of `annarchy::runtime::plot` (feature `plot`) drawn from what
//! simulated networks return: for each kind of plot a PNG and an SVG file
//! are written from small, known inputs.
//!
//! The PNG files are checked without a decoder: the signature, the `IHDR`
//! chunk (size, 8-bit RGB), the CRC of every chunk, image data and the final
//! `IEND`, and a size that only a drawn image reaches. The SVG files are
//! checked by their elements: one `<circle>` per spike of a raster, one
//! filled `<rect>` per bar of a histogram, one grey `<rect>` per missing
//! synapse of a weight matrix, one `<polyline>` per recorded neuron (and
//! one per legend entry), the labels as text. The weight matrix of a
//! projection is read back as it was given. Wrong extensions and empty
//! inputs are errors that write nothing.

#![cfg(feature = "plot")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use annarchy::prelude::*;
use annarchy::runtime::plot::{self, PlotOptions};

/// A fresh folder for the files of one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("annarchy-plot-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// CRC-32 (IEEE), as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// Checks the structure of a PNG file of `width` x `height` pixels.
fn check_png(path: &Path, width: u32, height: u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    let mut at = 8;
    let mut chunks = Vec::new();
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + len];
        let crc = u32::from_be_bytes(bytes[at + 8 + len..at + 12 + len].try_into().unwrap());
        assert_eq!(crc, crc32(&bytes[at + 4..at + 8 + len]), "CRC of a chunk");
        if kind == b"IHDR" {
            assert_eq!(len, 13);
            assert_eq!(u32::from_be_bytes(data[0..4].try_into().unwrap()), width);
            assert_eq!(u32::from_be_bytes(data[4..8].try_into().unwrap()), height);
            // 8 bits per channel, RGB.
            assert_eq!((data[8], data[9]), (8, 2));
        }
        chunks.push(String::from_utf8_lossy(kind).into_owned());
        at += 12 + len;
    }
    assert_eq!(at, bytes.len());
    assert_eq!(chunks.first().map(String::as_str), Some("IHDR"));
    assert_eq!(chunks.last().map(String::as_str), Some("IEND"));
    assert!(chunks.iter().any(|c| c == "IDAT"));
    // A blank image compresses to a few hundred bytes; text, axes and data
    // take several kilobytes.
    assert!(
        bytes.len() > 5000,
        "{} has {} bytes",
        path.display(),
        bytes.len()
    );
}

/// Reads an SVG file and checks its outline and its size.
fn read_svg(path: &Path, width: u32, height: u32) -> String {
    let svg = std::fs::read_to_string(path).unwrap();
    assert!(svg.starts_with(&format!("<svg width=\"{width}\" height=\"{height}\"")));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    svg
}

/// The opening tags of the elements `name`.
fn tags<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
    svg.lines()
        .filter(|l| l.starts_with(&format!("<{name} ")))
        .collect()
}

/// Whether a tag has the attribute `name="value"`.
fn has(tag: &str, name: &str, value: &str) -> bool {
    tag.contains(&format!(" {name}=\"{value}\""))
}

/// Whether the document has a text element reading `text`.
fn has_text(svg: &str, text: &str) -> bool {
    svg.contains(&format!(">\n{text}\n</text>"))
}

/// Three neurons of a spike source, one spike each, recorded.
fn three_spikes() -> (BTreeMap<u32, Vec<i64>>, f64) {
    let mut b = Network::builder().dt(0.5).unwrap();
    let src = b
        .spike_source_array("src", &[vec![10.0], vec![20.0], vec![], vec![30.0]])
        .unwrap();
    let m = b.monitor(src, &["spike"]).unwrap();
    let mut net = b.build().unwrap();
    net.simulate(50.0).unwrap();
    (net.monitor_spikes(m).unwrap(), net.get_dt())
}

#[test]
fn a_raster_of_three_spikes_has_three_dots() {
    let (spikes, dt) = three_spikes();
    assert_eq!(spikes.values().map(Vec::len).sum::<usize>(), 3);
    let dir = temp_dir("raster");
    let options = PlotOptions::new().title("Three spikes");
    plot::raster(dir.join("raster.png"), &spikes, dt, &options).unwrap();
    plot::raster(dir.join("raster.svg"), &spikes, dt, &options).unwrap();
    check_png(&dir.join("raster.png"), 800, 600);
    let svg = read_svg(&dir.join("raster.svg"), 800, 600);
    let dots = tags(&svg, "circle");
    assert_eq!(dots.len(), 3);
    // In time order: each dot right of the previous one and, ranks 0, 1, 3,
    // higher up.
    let coord = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    for w in dots.windows(2) {
        assert!(coord(w[0], "cx") < coord(w[1], "cx"));
        assert!(coord(w[0], "cy") > coord(w[1], "cy"));
    }
    for label in ["Three spikes", "time (ms)", "neuron rank"] {
        assert!(has_text(&svg, label), "{label}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_population_rate_is_one_line_over_a_filled_area() {
    let (spikes, dt) = three_spikes();
    let dir = temp_dir("rate");
    let options = PlotOptions::new().x_range(0.0, 50.0).size(1000, 400);
    plot::population_rate(dir.join("rate.png"), &spikes, dt, 2.0, &options).unwrap();
    plot::population_rate(dir.join("rate.svg"), &spikes, dt, 2.0, &options).unwrap();
    check_png(&dir.join("rate.png"), 1000, 400);
    let svg = read_svg(&dir.join("rate.svg"), 1000, 400);
    let lines: Vec<&str> = tags(&svg, "polyline")
        .into_iter()
        .filter(|t| has(t, "stroke", "#1F77B4"))
        .collect();
    assert_eq!(lines.len(), 1);
    // One point per step of the 50 ms window, both ends included.
    let points = lines[0].split("points=\"").nth(1).unwrap();
    let points = points.split('"').next().unwrap();
    assert_eq!(points.split_whitespace().count(), 101);
    assert_eq!(tags(&svg, "polygon").len(), 1);
    assert!(has_text(&svg, "population rate (Hz)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_isi_histogram_has_one_bar_per_filled_bin() {
    // Intervals of 10, 10 and 15 ms (neuron 0) and 12 ms (neuron 1): in
    // 5-ms bins, [10, 15) holds 3 and [15, 20) holds 1.
    let mut b = Network::builder().dt(1.0).unwrap();
    let src = b
        .spike_source_array("src", &[vec![10.0, 20.0, 30.0, 45.0], vec![5.0, 17.0]])
        .unwrap();
    let m = b.monitor(src, &["spike"]).unwrap();
    let mut net = b.build().unwrap();
    net.simulate(60.0).unwrap();
    let spikes = net.monitor_spikes(m).unwrap();
    let dir = temp_dir("isi");
    for ext in ["png", "svg"] {
        plot::isi_histogram(
            dir.join(format!("isi.{ext}")),
            &spikes,
            1.0,
            Some(5.0),
            &PlotOptions::default(),
        )
        .unwrap();
    }
    check_png(&dir.join("isi.png"), 800, 600);
    let svg = read_svg(&dir.join("isi.svg"), 800, 600);
    let bars: Vec<&str> = tags(&svg, "rect")
        .into_iter()
        .filter(|t| has(t, "fill", "#1F77B4"))
        .collect();
    assert_eq!(bars.len(), 2);
    let height = |tag: &str| -> f64 {
        tag.split("height=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!((height(bars[0]) / height(bars[1]) - 3.0).abs() < 0.05);
    assert!(has_text(&svg, "inter-spike interval (ms)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn traces_have_one_line_per_recorded_neuron_and_a_legend() {
    // Two leaky neurons driven by constant inputs of different strengths.
    let mut b = Network::builder().dt(1.0).unwrap();
    let input = b.population::<InputArray>("input", 2).unwrap();
    b.set(input, "r", vec![1.0, 0.5]).unwrap();
    let out = b.population::<LeakyIntegrator>("out", 2).unwrap();
    b.projection::<DefaultRateSynapse>(input, out, "exc")
        .connect_one_to_one(1.0)
        .unwrap();
    let m = b.monitor(out, &["r"]).unwrap();
    let mut net = b.build().unwrap();
    net.simulate(100.0).unwrap();
    let r = net.monitor_get(m, "r").unwrap();
    assert_eq!((r.values.len(), r.values[0].len()), (100, 2));

    let dir = temp_dir("traces");
    let options = PlotOptions::new()
        .title("Leaky integrators")
        .y_label("r")
        .legend(["strong input", "weak input"]);
    plot::traces(dir.join("r.png"), &r, &options).unwrap();
    plot::traces(dir.join("r.svg"), &r, &options).unwrap();
    check_png(&dir.join("r.png"), 800, 600);
    let svg = read_svg(&dir.join("r.svg"), 800, 600);
    // Per neuron: its line and its legend sample.
    for color in ["#1F77B4", "#FF7F0E"] {
        let n = tags(&svg, "polyline")
            .iter()
            .filter(|t| has(t, "stroke", color))
            .count();
        assert_eq!(n, 2, "{color}");
    }
    assert!(
        !tags(&svg, "polyline")
            .iter()
            .any(|t| has(t, "stroke", "#2CA02C"))
    );
    for label in [
        "strong input",
        "weak input",
        "r",
        "time (ms)",
        "Leaky integrators",
    ] {
        assert!(has_text(&svg, label), "{label}");
    }
    // A legend of the wrong length is refused.
    let wrong = PlotOptions::new().legend(["only one"]);
    assert!(matches!(
        plot::traces(dir.join("wrong.svg"), &r, &wrong),
        Err(annarchy::Error::SizeMismatch {
            expected: 2,
            got: 1,
            ..
        })
    ));
    assert!(!dir.join("wrong.svg").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_weight_matrix_of_a_projection_shows_its_missing_synapses() {
    // 3 post x 4 pre, three synapses missing.
    let weights = vec![
        vec![Some(0.1), None, Some(0.3), Some(0.4)],
        vec![None, Some(0.6), Some(0.7), Some(0.8)],
        vec![Some(0.9), Some(1.0), None, Some(1.2)],
    ];
    let mut b = Network::builder().dt(1.0).unwrap();
    let pre = b.population::<InputArray>("pre", 4).unwrap();
    let post = b.population::<LeakyIntegrator>("post", 3).unwrap();
    let proj = b
        .projection::<DefaultRateSynapse>(pre, post, "exc")
        .connect_from_matrix(&weights)
        .unwrap();
    let net = b.build().unwrap();
    let matrix = plot::projection_matrix(&net, proj, "w").unwrap();
    assert_eq!(matrix, weights);
    assert!(plot::projection_matrix(&net, proj, "no_such").is_err());

    let dir = temp_dir("matrix");
    let options = PlotOptions::new().value_label("w").size(600, 500);
    plot::weight_matrix(dir.join("w.png"), &matrix, &options).unwrap();
    plot::weight_matrix(dir.join("w.svg"), &matrix, &options).unwrap();
    check_png(&dir.join("w.png"), 600, 500);
    let svg = read_svg(&dir.join("w.svg"), 600, 500);
    let rects = tags(&svg, "rect");
    assert_eq!(
        rects.iter().filter(|t| has(t, "fill", "#DDDDDD")).count(),
        3
    );
    // The smallest weight has the first colour of viridis, the largest its
    // last one.
    assert_eq!(
        rects.iter().filter(|t| has(t, "fill", "#440154")).count(),
        1
    );
    assert_eq!(
        rects.iter().filter(|t| has(t, "fill", "#FEE825")).count(),
        1
    );
    for label in ["w", "pre-synaptic rank", "post-synaptic rank"] {
        assert!(has_text(&svg, label), "{label}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn wrong_formats_and_empty_data_are_errors() {
    let dir = temp_dir("errors");
    let (spikes, dt) = three_spikes();
    for name in ["raster.jpg", "raster.pdf", "raster"] {
        assert!(matches!(
            plot::raster(dir.join(name), &spikes, dt, &PlotOptions::default()),
            Err(annarchy::Error::Invalid { .. })
        ));
        assert!(!dir.join(name).exists());
    }
    let silent: BTreeMap<u32, Vec<i64>> = BTreeMap::from([(0, vec![]), (1, vec![])]);
    let png = dir.join("empty.png");
    assert!(plot::raster(&png, &silent, dt, &PlotOptions::default()).is_err());
    assert!(plot::population_rate(&png, &silent, dt, 0.0, &PlotOptions::default()).is_err());
    assert!(plot::isi_histogram(&png, &spikes, dt, None, &PlotOptions::default()).is_err());
    let empty = Recording {
        steps: vec![],
        times: vec![],
        values: vec![],
    };
    assert!(plot::traces(&png, &empty, &PlotOptions::default()).is_err());
    assert!(plot::weight_matrix(&png, &[vec![None::<f64>; 3]], &PlotOptions::default()).is_err());
    assert!(!png.exists());
    // A silent population over an explicit window is a flat rate of 0 Hz.
    let options = PlotOptions::new().x_range(0.0, 10.0);
    plot::population_rate(dir.join("flat.svg"), &silent, dt, 0.0, &options).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
