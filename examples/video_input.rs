//! Video input: the frames of a video as the rates of a population
//! (`annarchy::runtime::image`, cargo feature `image`; ANNarchy's
//! `VideoPopulation`).
//!
//! A `VideoPopulation` of geometry `(8, 16)` (grey, 8 rows of 16 pixels)
//! receives its frames one `grab_image` at a time, and a row of 16
//! `LeakyIntegrator` neurons (`tau = 10` ms) sums each column of the frame
//! (weights 1/8): the brightest column of a frame is the most active
//! neuron of the row after 30 ms. Without arguments the frames are 16 image
//! files that the program writes (a bright bar moving one column to the
//! right per frame, PGM files in a temporary folder), read as a
//! `FrameSequence`; with `--camera N` they come from the camera
//! `/dev/videoN` (V4L2, Linux), resized to 16 x 8 pixels. The program
//! prints, per frame, the layer's rates drawn with characters and its most
//! active neuron.
//!
//! ```text
//! cargo run --features image --example video_input [-- --camera 0]
//! ```

use std::path::{Path, PathBuf};

use annarchy::prelude::*;

/// Rows of a frame.
pub const HEIGHT: usize = 8;
/// Columns of a frame, and neurons of the layer.
pub const WIDTH: usize = 16;
/// Time each frame is shown, in ms.
const FRAME_MS: f64 = 30.0;
/// Characters from dark to bright.
const SHADES: &[u8] = b" .:-=+*#%@";

/// Where the frames come from.
pub enum Frames {
    /// Image files.
    Files(FrameSequence),
    /// A camera, `/dev/video<port>`.
    Camera(usize),
}

/// Writes `WIDTH` frames of a bar moving to the right into `dir`: frame
/// `k` is dark (level 20) but for column `k` (level 235), as binary PGM
/// files named `frame_00.pgm`, `frame_01.pgm`, ...
pub fn write_moving_bar(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    (0..WIDTH)
        .map(|k| {
            let mut pgm = format!("P5 {WIDTH} {HEIGHT} 255\n").into_bytes();
            pgm.extend((0..HEIGHT * WIDTH).map(|i| if i % WIDTH == k { 235 } else { 20 }));
            let path = dir.join(format!("frame_{k:02}.pgm"));
            std::fs::write(&path, pgm)?;
            Ok(path)
        })
        .collect()
}

/// Shows `n` frames from `frames` to the network, each for [`FRAME_MS`];
/// returns the layer's rates after each frame.
pub fn run(frames: Frames, n: usize) -> annarchy::Result<Vec<Vec<f64>>> {
    let mut b = Network::builder().dt(1.0)?;
    let video = b.video_population("video", (HEIGHT, WIDTH))?;
    let layer = b.population::<LeakyIntegrator>("columns", WIDTH)?;
    // Pixel (y, x) of the frame, rank y * WIDTH + x, reaches neuron x.
    let synapses: Vec<(usize, usize, f64)> = (0..HEIGHT * WIDTH)
        .map(|i| (i, i % WIDTH, 1.0 / HEIGHT as f64))
        .collect();
    b.projection::<DefaultRateSynapse>(video, layer, "exc")
        .connect_from_sparse(&synapses)?;
    let mut net = b.build()?;
    match frames {
        Frames::Files(sequence) => net.open_video(video, sequence)?,
        Frames::Camera(port) => net.start_camera(video, port)?,
    }
    let mut rates = Vec::with_capacity(n);
    for _ in 0..n {
        net.grab_image(video)?;
        net.simulate(FRAME_MS)?;
        rates.push(net.get(layer, "r")?);
    }
    net.release_video(video);
    Ok(rates)
}

/// The index of the largest value (the first of equal ones).
pub fn most_active(rates: &[f64]) -> usize {
    rates
        .iter()
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |best, (i, &r)| {
            if r > best.1 { (i, r) } else { best }
        })
        .0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::env::temp_dir().join(format!("annarchy-video-{}", std::process::id()));
    let (frames, n, source) = match args.as_slice() {
        [] => {
            let paths = write_moving_bar(&dir)?;
            let source = format!("{WIDTH} frames in {}", dir.display());
            (
                Frames::Files(FrameSequence::from_paths(paths)?),
                WIDTH,
                source,
            )
        }
        [flag, port] if flag == "--camera" => {
            let port: usize = port.parse()?;
            (Frames::Camera(port), 20, format!("/dev/video{port}"))
        }
        _ => return Err("usage: video_input [--camera N]".into()),
    };
    println!("{n} frames from {source}, {FRAME_MS} ms each; layer rates and most active neuron:");
    for (k, rates) in run(frames, n)?.iter().enumerate() {
        let line: String = rates
            .iter()
            .map(|&r| {
                let s = (r.clamp(0.0, 1.0) * (SHADES.len() - 1) as f64).round() as usize;
                char::from(SHADES[s])
            })
            .collect();
        println!("  frame {k:2} |{line}| neuron {}", most_active(rates));
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
