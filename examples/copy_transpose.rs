//! Copy and Transpose projections: one set of synapses used three ways.
//!
//! A 4x4 image (a vertical bar in column 1, on a faint background) feeds
//! eight bar detectors through `feedforward`, whose weights are fixed: the
//! four "column" detectors weigh the pixels of their column by 0.25, the
//! four "row" detectors those of their row. Then:
//!
//! - a **transpose** of `feedforward` sends the detectors' activities back
//!   to the image (`recon = sum(fb)`): each pixel receives
//!   `Σ_i w_i,pixel * r_i`, the image the detectors "see";
//! - a **copy** of `feedforward` with the `max` operation applies the same
//!   synapses to a second image (a horizontal bar in row 2): each detector
//!   receives its strongest weighted pixel, without a second weight matrix.
//!
//! The program prints the detectors' activities, the reconstruction and
//! the copy's maxima.
//!
//! ```text
//! cargo run --release --example copy_transpose
//! ```

use annarchy::prelude::*;
use annarchy::runtime::convolution::Operation;

annarchy::neuron! {
    /// An image pixel: a rate set from outside, and what comes back to it.
    pub struct Pixel {
        parameters: "r = 0.0",
        equations: "recon = sum(fb)",
    }
}

annarchy::neuron! {
    /// A detector: its rate is its weighted input.
    pub struct Detector {
        equations: "r = sum(ff)",
    }
}

/// Side of the image.
pub const SIDE: usize = 4;

/// The weights of the detectors (`post x pre`): detectors 0-3 read the
/// columns, 4-7 the rows.
fn detectors() -> Vec<Vec<Option<f64>>> {
    (0..2 * SIDE)
        .map(|d| {
            (0..SIDE * SIDE)
                .map(|p| {
                    let (row, col) = (p / SIDE, p % SIDE);
                    let on = if d < SIDE { col == d } else { row == d - SIDE };
                    Some(if on { 0.25 } else { 0.0 })
                })
                .collect()
        })
        .collect()
}

/// An image with a bar: column `c` when `vertical`, row `c` otherwise.
fn bar(c: usize, vertical: bool) -> Vec<f64> {
    (0..SIDE * SIDE)
        .map(|p| {
            let (row, col) = (p / SIDE, p % SIDE);
            if (vertical && col == c) || (!vertical && row == c) {
                1.0
            } else {
                0.1
            }
        })
        .collect()
}

/// What the example computes.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The detectors' activities for the first image.
    pub detectors: Vec<f64>,
    /// The image sent back by the transpose.
    pub reconstruction: Vec<f64>,
    /// The copy's maximum per detector, for the second image.
    pub maxima: Vec<f64>,
}

/// Builds the networks and runs three steps (image, detectors, feedback).
pub fn run() -> annarchy::Result<Outcome> {
    let mut b = Network::builder().dt(1.0)?;
    let image = b.population::<Pixel>("image", (SIDE, SIDE))?;
    let hidden = b.population::<Detector>("detectors", 2 * SIDE)?;
    let other = b.population::<Pixel>("other_image", (SIDE, SIDE))?;
    let other_hidden = b.population::<Detector>("other_detectors", 2 * SIDE)?;
    b.set(image, "r", bar(1, true))?;
    b.set(other, "r", bar(2, false))?;
    let ff = b
        .projection::<DefaultRateSynapse>(image, hidden, "ff")
        .name("feedforward")
        .connect_from_matrix(&detectors())?;
    b.transpose(ff, "fb").name("feedback").connect()?;
    b.copy(other, other_hidden, "ff")
        .name("copied")
        .operation(Operation::Max)
        .connect_copy(ff)?;
    let mut net = b.build()?;
    net.simulate(3.0)?;
    Ok(Outcome {
        detectors: net.get(hidden, "r")?,
        reconstruction: net.get(image, "recon")?,
        maxima: net.get(other_hidden, "r")?,
    })
}

#[allow(dead_code)]
fn main() -> annarchy::Result<()> {
    let outcome = run()?;
    let show = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.3}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("columns:  {}", show(&outcome.detectors[..SIDE]));
    println!("rows:     {}", show(&outcome.detectors[SIDE..]));
    println!("reconstruction (transpose):");
    for row in outcome.reconstruction.chunks(SIDE) {
        println!("  {}", show(row));
    }
    println!("maxima of the second image (copy, max):");
    println!("columns:  {}", show(&outcome.maxima[..SIDE]));
    println!("rows:     {}", show(&outcome.maxima[SIDE..]));
    Ok(())
}
