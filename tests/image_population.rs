//! Image and video inputs (feature `image`): `ImagePopulation` and
//! `VideoPopulation` (ANNarchy's `extensions.image`, SPEC.md 8).
//!
//! What the tests prove:
//!
//! * `set_image` gives `r` exactly the values of ANNarchy's
//!   `ImagePopulation.set_image()` (Pillow 13: `resize` with its default
//!   bicubic filter, `convert("L")` or `convert("RGB")`, `/ 255`) for PNG
//!   images in grey, colour, grey+alpha, RGBA, palette, bilevel and
//!   colour-keyed modes and for palette and grey BMP images, kept at their
//!   size, shrunk, enlarged, and shrunk in one dimension while enlarged in
//!   the other (both orders of Pillow's two passes). The expected levels
//!   come from Pillow itself (`tests/data/images/make_fixtures.py` writes
//!   the images and `expected.rs`). Tolerance: none (the largest
//!   difference is 0).
//! * JPEG images, decoded by another decoder than Pillow's libjpeg-turbo,
//!   stay within 1/255 (grey) and 5/255 (colour) of Pillow's values.
//! * PGM and PPM files give the values of the same PNG files; the layout
//!   is row-major with the colour channels last; `(h, w, 1)` is `(h, w)`.
//! * The population works as an input: its values reach a projection and
//!   stay through simulation; `reset` sets them back to 0.
//! * `VideoPopulation` reads a folder of frames in name order, one frame
//!   per `grab_image`, resized and converted as `set_image`; after the last
//!   frame it fails or wraps around as asked; it can be rewound and
//!   released. A camera that cannot be opened, or a file that is not a
//!   V4L2 capture device, is an error that leaves the open source in place
//!   (no test machine has a camera: the conversion of device frames is
//!   tested in the run-time's unit tests).
//! * Missing, unreadable and corrupt files, wrong geometries and grabbing
//!   without frames are errors (`annarchy::Error`), which leave `r`
//!   unchanged.

#![cfg(feature = "image")]

use std::path::{Path, PathBuf};

use annarchy::Error;
use annarchy::prelude::*;
use annarchy::runtime::image::{
    EndOfSequence, FrameSequence, ImagePopulation, VideoPopulation, load_image,
};
use approx::assert_abs_diff_eq;

/// Expected levels, computed with Pillow by `make_fixtures.py`.
mod expected {
    include!("data/images/expected.rs");
}

/// Largest differences (in levels of 255) between JPEG values and Pillow's,
/// for grey and for colour populations: the decoders round the inverse DCT
/// (grey) and the chroma upsampling and colour conversion (colour)
/// differently. Measured on these images: 1 and 5.
const JPEG_TOLERANCE_GREY: f64 = 1.0;
/// See [`JPEG_TOLERANCE_GREY`].
const JPEG_TOLERANCE_COLOUR: f64 = 5.0;

/// A file of the test images.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/images")
        .join(name)
}

/// A fresh, empty folder for one test.
fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "annarchy-image-population-{}-{test}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A binary PGM image of `width` x `height` levels, row-major.
fn pgm(width: usize, height: usize, levels: &[u8]) -> Vec<u8> {
    assert_eq!(levels.len(), width * height);
    let mut bytes = format!("P5\n{width} {height}\n255\n").into_bytes();
    bytes.extend_from_slice(levels);
    bytes
}

/// `r` of a new image population of `geometry` after `set_image(path)`.
fn image_rates(path: &Path, geometry: &[usize]) -> Vec<f64> {
    let mut b = Network::builder();
    let img = b.image_population("img", geometry).unwrap();
    let mut net = b.build().unwrap();
    net.set_image(img, path).unwrap();
    assert_eq!(net.pop(img).r(), net.get(img, "r").unwrap());
    net.get(img, "r").unwrap()
}

/// Largest difference between rates and 8-bit levels.
fn max_difference(rates: &[f64], levels: &[u8]) -> f64 {
    assert_eq!(rates.len(), levels.len());
    rates
        .iter()
        .zip(levels)
        .map(|(r, &l)| (r - f64::from(l) / 255.0).abs())
        .fold(0.0, f64::max)
}

#[test]
fn set_image_gives_the_values_of_annarchy_with_pillow() {
    assert_eq!(expected::CASES.len(), 31);
    for &(name, file, geometry, levels) in expected::CASES {
        let r = image_rates(&fixture(file), geometry);
        assert_eq!(r.len(), geometry.iter().product::<usize>(), "{name}");
        assert!(r.iter().all(|v| (0.0..=1.0).contains(v)), "{name}");
        let d = max_difference(&r, levels);
        assert_abs_diff_eq!(d, 0.0, epsilon = 0.0);
        for (v, &l) in r.iter().zip(levels) {
            assert_abs_diff_eq!(*v, f64::from(l) / 255.0, epsilon = 0.0);
        }
    }
}

#[test]
fn jpeg_images_are_within_a_few_levels_of_pillow() {
    for &(name, file, geometry, levels) in expected::JPEG_CASES {
        let r = image_rates(&fixture(file), geometry);
        let tolerance = if geometry.len() == 2 {
            JPEG_TOLERANCE_GREY
        } else {
            JPEG_TOLERANCE_COLOUR
        };
        let d = max_difference(&r, levels) * 255.0;
        assert!(d <= tolerance + 1e-9, "{name}: {d} levels");
    }
}

#[test]
fn pnm_files_give_the_values_of_the_same_png_files() {
    for (pnm, png, geometries) in [
        ("grey.pgm", "grey.png", [&[5, 7][..], &[3, 4], &[9, 11, 3]]),
        (
            "colour.ppm",
            "colour.png",
            [&[5, 7, 3][..], &[3, 4], &[8, 10, 3]],
        ),
    ] {
        for g in geometries {
            let a = load_image(fixture(pnm), g).unwrap();
            let b = load_image(fixture(png), g).unwrap();
            assert_eq!(a.len(), g.iter().product::<usize>());
            for (x, y) in a.iter().zip(&b) {
                assert_abs_diff_eq!(x, y, epsilon = 0.0);
            }
        }
    }
}

#[test]
fn layout_is_row_major_with_channels_last() {
    // A 3x2 colour image (width 3, height 2): pixel (y, x) = (10y + x, 100 + 10y + x, 200 + x).
    let dir = scratch_dir("layout");
    let path = dir.join("rgb.ppm");
    let mut bytes = b"P6\n3 2\n255\n".to_vec();
    for y in 0..2u8 {
        for x in 0..3u8 {
            bytes.extend([10 * y + x, 100 + 10 * y + x, 200 + x]);
        }
    }
    std::fs::write(&path, bytes).unwrap();
    let mut b = Network::builder();
    let colour = b.image_population("colour", (2, 3, 3)).unwrap();
    let grey = b.image_population("grey", (2, 3, 1)).unwrap();
    let mut net = b.build().unwrap();
    assert_eq!(net.population_geometry(grey).dims(), [2, 3]);
    net.set_image(colour, &path).unwrap();
    net.set_image(grey, &path).unwrap();
    let r = net.get(colour, "r").unwrap();
    let g = net.get(grey, "r").unwrap();
    for y in 0..2 {
        for x in 0..3 {
            let rank = y * 3 + x;
            let (red, green, blue) = (10 * y + x, 100 + 10 * y + x, 200 + x);
            assert_abs_diff_eq!(r[rank * 3], red as f64 / 255.0);
            assert_abs_diff_eq!(r[rank * 3 + 1], green as f64 / 255.0);
            assert_abs_diff_eq!(r[rank * 3 + 2], blue as f64 / 255.0);
            // ITU-R 601-2 luma in Pillow's 16-bit fixed point.
            let luma = (red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16;
            assert_abs_diff_eq!(g[rank], luma as f64 / 255.0);
        }
    }
    assert_eq!(g, load_image(&path, (2, 3)).unwrap());
    std::fs::remove_dir_all(dir).unwrap();
}

annarchy::neuron! {
    /// Integrates its excitatory input.
    struct Sum {
        parameters: "tau = 10.0 : population",
        equations: "tau * dr/dt + r = sum(exc) : exponential",
    }
}

#[test]
fn image_rates_feed_projections_and_persist_until_reset() {
    let mut b = Network::builder().dt(1.0).unwrap();
    let img = b.image_population("img", (5, 7)).unwrap();
    let out = b.population::<Sum>("out", 1).unwrap();
    b.projection::<DefaultRateSynapse>(img, out, "exc")
        .connect_all_to_all(1.0)
        .unwrap();
    // `r` is a parameter of ImagePopulation, as in ANNarchy: not recordable.
    assert!(matches!(b.monitor(img, &["r"]), Err(Error::Invalid { .. })));
    let m = b.monitor(out, &["r"]).unwrap();
    let mut net = b.build().unwrap();
    assert!(net.get(img, "r").unwrap().iter().all(|&v| v == 0.0));
    net.set_image(img, fixture("grey.png")).unwrap();
    let total: f64 = net.get(img, "r").unwrap().iter().sum();
    net.simulate(100.0).unwrap();
    let r = net.monitor_get(m, "r").unwrap();
    let decay = (-1.0f64 / 10.0).exp();
    assert_abs_diff_eq!(r.values[0][0], total * (1.0 - decay), epsilon = 1e-9);
    assert_abs_diff_eq!(
        r.values[99][0],
        total * (1.0 - decay.powi(100)),
        epsilon = 1e-9
    );
    assert_eq!(
        net.get(img, "r").unwrap(),
        image_rates(&fixture("grey.png"), &[5, 7])
    );
    net.reset(true, true, true, true);
    assert!(net.pop(img).r().iter().all(|&v| v == 0.0));
}

#[test]
fn image_errors_name_the_problem_and_leave_r_unchanged() {
    let dir = scratch_dir("errors");
    let truncated = dir.join("truncated.png");
    let png = std::fs::read(fixture("grey.png")).unwrap();
    std::fs::write(&truncated, &png[..png.len() / 2]).unwrap();

    let mut b = Network::builder();
    let img = b.image_population("img", (5, 7)).unwrap();
    let flat = b.population::<ImagePopulation>("flat", 35).unwrap();
    let mut net = b.build().unwrap();
    net.set_image(img, fixture("grey.png")).unwrap();
    let before = net.get(img, "r").unwrap();

    let missing = net.set_image(img, dir.join("missing.png")).unwrap_err();
    assert!(matches!(&missing, Error::Invalid { object, .. } if object == "ImagePopulation `img`"));
    assert!(missing.to_string().contains("missing.png"), "{missing}");
    let not_image = net.set_image(img, fixture("make_fixtures.py")).unwrap_err();
    assert!(
        not_image.to_string().contains("cannot decode"),
        "{not_image}"
    );
    assert!(matches!(
        net.set_image(img, &truncated),
        Err(Error::Invalid { .. })
    ));
    assert!(matches!(
        net.set_image(img, &dir),
        Err(Error::Invalid { .. })
    ));
    assert_eq!(net.get(img, "r").unwrap(), before);

    // A population of the model added with another geometry.
    let flat_error = net.set_image(flat, fixture("grey.png")).unwrap_err();
    assert!(matches!(flat_error, Error::Geometry { ref dims, .. } if dims == &[35]));
    assert!(net.get(flat, "r").unwrap().iter().all(|&v| v == 0.0));

    let mut b = Network::builder();
    for bad in [&[12][..], &[3, 4, 2], &[3, 4, 4], &[2, 3, 4, 3]] {
        let e = b.image_population("bad", bad).unwrap_err();
        assert!(matches!(e, Error::Geometry { .. }), "{bad:?}: {e}");
        assert!(e.to_string().contains("ImagePopulation `bad`"), "{e}");
        assert!(matches!(
            b.video_population("bad", bad),
            Err(Error::Geometry { .. })
        ));
        assert!(matches!(
            load_image(fixture("grey.png"), bad),
            Err(Error::Geometry { .. })
        ));
    }
    assert!(b.image_population("zero", (0, 4)).is_err());
    b.image_population("img", (2, 2)).unwrap();
    assert!(matches!(
        b.image_population("img", (2, 2)),
        Err(Error::Invalid { .. })
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The levels of frame `k` of `tests/data/images/frames` (4 x 3 pixels).
fn frame_levels(k: usize) -> Vec<u8> {
    (0..3)
        .flat_map(|y| (0..4).map(move |x| ((k * 80 + x * 20 + y * 5) % 256) as u8))
        .collect()
}

#[test]
fn video_population_grabs_the_frames_of_a_folder_in_order() {
    let mut b = Network::builder();
    let video = b.video_population("video", (3, 4)).unwrap();
    let small = b.video_population("small", (2, 2, 3)).unwrap();
    let mut net = b.build().unwrap();
    let frames = FrameSequence::from_folder(fixture("frames")).unwrap();
    assert_eq!(frames.len(), 3);
    assert_eq!(frames.end_behaviour(), EndOfSequence::Error);
    let names: Vec<_> = frames
        .paths()
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["frame_0.pgm", "frame_1.pgm", "frame_2.pgm"]);
    net.open_video(video, frames.clone()).unwrap();
    net.open_video(small, frames.clone()).unwrap();
    assert!(net.get(video, "r").unwrap().iter().all(|&v| v == 0.0));

    for k in 0..3 {
        net.grab_image(video).unwrap();
        net.grab_image(small).unwrap();
        assert_eq!(net.pop(video).frames().unwrap().position(), k + 1);
        let r = net.get(video, "r").unwrap();
        assert_abs_diff_eq!(max_difference(&r, &frame_levels(k)), 0.0, epsilon = 0.0);
        // Resized and converted as set_image does.
        let expected = load_image(&frames.paths()[k], (2, 2, 3)).unwrap();
        assert_eq!(net.get(small, "r").unwrap(), expected);
        // The frame stays while the network runs.
        net.simulate(5.0).unwrap();
        assert_eq!(net.get(video, "r").unwrap(), r);
    }
    let last = net.get(video, "r").unwrap();
    let end = net.grab_image(video).unwrap_err();
    assert!(matches!(&end, Error::Invalid { object, .. } if object == "VideoPopulation `video`"));
    assert!(
        end.to_string().contains("ended after its 3 frames"),
        "{end}"
    );
    assert_eq!(net.get(video, "r").unwrap(), last);

    net.rewind_video(video);
    net.grab_image(video).unwrap();
    assert_abs_diff_eq!(
        max_difference(&net.get(video, "r").unwrap(), &frame_levels(0)),
        0.0,
        epsilon = 0.0
    );

    // set_image works on a video population too.
    net.set_image(video, fixture("frames/frame_2.pgm")).unwrap();
    assert_abs_diff_eq!(
        max_difference(&net.get(video, "r").unwrap(), &frame_levels(2)),
        0.0,
        epsilon = 0.0
    );

    let released = net.release_video(video).unwrap();
    assert_eq!(released.position(), 1);
    assert!(net.pop(video).frames().is_none());
    let closed = net.grab_image(video).unwrap_err();
    assert!(
        closed.to_string().contains("no source of frames is open"),
        "{closed}"
    );
    assert!(net.release_video(video).is_none());
}

#[test]
fn video_population_wraps_around_when_asked() {
    let mut b = Network::builder();
    let video = b.video_population("video", (3, 4)).unwrap();
    let mut net = b.build().unwrap();
    // Explicit paths, in the order given.
    let frames =
        FrameSequence::from_paths([fixture("frames/frame_2.pgm"), fixture("frames/frame_0.pgm")])
            .unwrap()
            .at_end(EndOfSequence::Wrap);
    net.open_video(video, frames).unwrap();
    for k in [2, 0, 2, 0, 2] {
        net.grab_image(video).unwrap();
        let r = net.get(video, "r").unwrap();
        assert_abs_diff_eq!(max_difference(&r, &frame_levels(k)), 0.0, epsilon = 0.0);
    }
    assert_eq!(net.pop(video).frames().unwrap().position(), 1);
}

#[test]
fn video_frame_errors_keep_the_sequence_on_the_bad_frame() {
    let dir = scratch_dir("frames");
    std::fs::write(dir.join("b.pgm"), pgm(2, 1, &[10, 20])).unwrap();
    std::fs::write(dir.join("a.PGM"), pgm(2, 1, &[30, 40])).unwrap();
    std::fs::write(dir.join("c.pgm"), b"P5\n2 1\n255\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a frame").unwrap();
    std::fs::create_dir(dir.join("d.png")).unwrap();
    let frames = FrameSequence::from_folder(&dir).unwrap();
    let names: Vec<_> = frames
        .paths()
        .iter()
        .map(|p| p.file_name().unwrap())
        .collect();
    assert_eq!(names, ["a.PGM", "b.pgm", "c.pgm"]);

    let mut b = Network::builder();
    let video = b.video_population("video", (1, 2)).unwrap();
    let mut net = b.build().unwrap();
    let none = net.grab_image(video).unwrap_err();
    assert!(matches!(none, Error::Invalid { .. }));
    net.open_video(video, frames).unwrap();
    net.grab_image(video).unwrap();
    net.grab_image(video).unwrap();
    assert_abs_diff_eq!(
        max_difference(&net.get(video, "r").unwrap(), &[10, 20]),
        0.0,
        epsilon = 0.0
    );
    for _ in 0..2 {
        let e = net.grab_image(video).unwrap_err();
        assert!(e.to_string().contains("c.pgm"), "{e}");
        assert_eq!(net.pop(video).frames().unwrap().position(), 2);
        assert_abs_diff_eq!(
            max_difference(&net.get(video, "r").unwrap(), &[10, 20]),
            0.0,
            epsilon = 0.0
        );
    }

    let empty = scratch_dir("empty-frames");
    std::fs::write(empty.join("notes.txt"), "no frames").unwrap();
    assert!(matches!(
        FrameSequence::from_folder(&empty),
        Err(Error::Invalid { .. })
    ));
    assert!(matches!(
        FrameSequence::from_folder(empty.join("missing")),
        Err(Error::Invalid { .. })
    ));
    assert!(FrameSequence::from_paths(Vec::<PathBuf>::new()).is_err());

    // A video population of another geometry cannot open frames.
    let mut b = Network::builder();
    let flat = b.population::<VideoPopulation>("flat", 6).unwrap();
    let mut net = b.build().unwrap();
    let seq = FrameSequence::from_paths([dir.join("a.PGM")]).unwrap();
    assert!(matches!(
        net.open_video(flat, seq),
        Err(Error::Geometry { .. })
    ));
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(empty).unwrap();
}

/// A camera that cannot be opened is an error that names the device and
/// leaves the population's source as it was; a device that is not a V4L2
/// capture device is refused as such.
#[test]
fn cameras_that_cannot_be_read_are_errors() {
    let mut b = Network::builder();
    let video = b.video_population("video", (3, 4)).unwrap();
    let mut net = b.build().unwrap();
    let frames = FrameSequence::from_paths([fixture("frames/frame_0.pgm")]).unwrap();
    net.open_video(video, frames.clone()).unwrap();

    let missing = net.start_camera(video, 9999).unwrap_err();
    assert!(matches!(missing, Error::Invalid { .. }), "{missing:?}");
    let text = missing.to_string();
    assert!(text.contains("VideoPopulation `video`"), "{text}");
    assert!(text.contains("/dev/video9999"), "{text}");
    assert_eq!(net.pop(video).frames(), Some(&frames));
    assert_eq!(net.pop(video).camera(), None);

    // A file that exists but is no video device.
    let dir = scratch_dir("camera");
    let file = dir.join("not-a-camera");
    std::fs::write(&file, b"frames?").unwrap();
    let e = net.start_camera_device(video, &file).unwrap_err();
    if cfg!(target_os = "linux") {
        assert!(e.to_string().contains("is not a V4L2 video device"), "{e}");
    }
    #[cfg(target_os = "linux")]
    {
        let e = net.start_camera_device(video, "/dev/null").unwrap_err();
        assert!(e.to_string().contains("is not a V4L2 video device"), "{e}");
    }
    // The sequence is still open and reads its frame.
    net.grab_image(video).unwrap();
    assert_eq!(net.pop(video).frames().unwrap().position(), 1);
}
