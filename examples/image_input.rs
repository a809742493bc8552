//! Image input: the pixels of an image file as the rates of a population
//! (`annarchy::runtime::image`, cargo feature `image`; ANNarchy's
//! `ImagePopulation`).
//!
//! The small colour image `tests/data/images/colour.png` (7 x 5 pixels), or
//! the image given on the command line, is loaded into an `ImagePopulation`
//! of geometry `(10, 14, 3)`: enlarged to 14 x 10 pixels as ANNarchy does
//! (Pillow's bicubic filter), one neuron per pixel and colour channel, `r`
//! in `[0, 1]`. A layer of 10 x 14 `LeakyIntegrator` neurons (`tau = 10`
//! ms) receives the three channels of its pixel, weighted by the ITU-R
//! 601-2 luma coefficients (0.299, 0.587, 0.114): after 200 ms its rates
//! are the luminance of the image. The program prints the mean of each
//! channel, the layer's rates drawn with characters, and their largest
//! difference from the grey version of the image (an `ImagePopulation` of
//! geometry `(10, 14)`, which Pillow computes in integers: within one
//! level, 1/255).
//!
//! ```text
//! cargo run --features image --example image_input [IMAGE]
//! ```

use std::path::{Path, PathBuf};

use annarchy::prelude::*;

/// Rows of the populations.
const HEIGHT: usize = 10;
/// Columns of the populations.
const WIDTH: usize = 14;
/// ITU-R 601-2 luma weights of red, green and blue.
const LUMA: [f64; 3] = [0.299, 0.587, 0.114];
/// Characters from dark to bright.
const SHADES: &[u8] = b" .:-=+*#%@";

/// What the example computes.
struct Summary {
    /// Mean rate of each colour channel of the image population.
    channel_means: [f64; 3],
    /// Rates of the luminance layer, row-major.
    luminance: Vec<f64>,
    /// Largest difference between the layer and the grey image population.
    max_difference: f64,
}

/// Builds the network, loads `image` and simulates 200 ms.
fn run(image: &Path) -> annarchy::Result<Summary> {
    let mut b = Network::builder().dt(1.0)?;
    let colour = b.image_population("colour", (HEIGHT, WIDTH, 3))?;
    let grey = b.image_population("grey", (HEIGHT, WIDTH))?;
    let layer = b.population::<LeakyIntegrator>("luminance", (HEIGHT, WIDTH))?;
    // Pixel k of the layer receives neurons 3k, 3k + 1 and 3k + 2 (its red,
    // green and blue values) of the image.
    let synapses: Vec<(usize, usize, f64)> = (0..HEIGHT * WIDTH)
        .flat_map(|k| (0..3).map(move |c| (3 * k + c, k, LUMA[c])))
        .collect();
    b.projection::<DefaultRateSynapse>(colour, layer, "exc")
        .connect_from_sparse(&synapses)?;
    let mut net = b.build()?;

    net.set_image(colour, image)?;
    net.set_image(grey, image)?;
    net.simulate(200.0)?;

    let rgb = net.get(colour, "r")?;
    let mut channel_means = [0.0; 3];
    for (c, mean) in channel_means.iter_mut().enumerate() {
        *mean = rgb.iter().skip(c).step_by(3).sum::<f64>() / (HEIGHT * WIDTH) as f64;
    }
    let luminance = net.get(layer, "r")?;
    let max_difference = luminance
        .iter()
        .zip(net.get(grey, "r")?)
        .map(|(l, g)| (l - g).abs())
        .fold(0.0, f64::max);
    Ok(Summary {
        channel_means,
        luminance,
        max_difference,
    })
}

fn main() -> annarchy::Result<()> {
    let image = std::env::args().nth(1).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/images/colour.png"),
        PathBuf::from,
    );
    let s = run(&image)?;
    println!(
        "{}: {WIDTH} x {HEIGHT} pixels, mean red {:.3}, green {:.3}, blue {:.3}",
        image.display(),
        s.channel_means[0],
        s.channel_means[1],
        s.channel_means[2]
    );
    println!("luminance layer after 200 ms:");
    for row in s.luminance.chunks(WIDTH) {
        let line: String = row
            .iter()
            .map(|&r| {
                let k = (r.clamp(0.0, 1.0) * (SHADES.len() - 1) as f64).round() as usize;
                char::from(SHADES[k])
            })
            .collect();
        println!("  |{line}|");
    }
    let mean = s.luminance.iter().sum::<f64>() / s.luminance.len() as f64;
    println!(
        "mean luminance {mean:.3}; largest difference from the grey image {:.2} levels of 255",
        s.max_difference * 255.0
    );
    Ok(())
}
