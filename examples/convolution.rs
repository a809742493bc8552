//! Edge detection with shared weights: a bank of four 3x3 edge filters over
//! a small synthetic image, followed by max-pooling (ANNarchy's
//! `Convolution.connect_filters` and `Pooling.connect_pooling`).
//!
//! The 12x12 image is dark (0.0) with a bright rectangle (1.0) over rows 3
//! to 8 and columns 2 to 8. The bank holds four Prewitt-like filters, one
//! per side of an object: a *left* edge (dark on the left, bright on the
//! right), a *right* edge, a *top* edge and a *bottom* edge. Convolved with
//! the image (cross-correlation, zero padding), filter `f` writes its
//! result into the feature map `f` of a (12, 12, 4) layer of rectified
//! neurons (`r = pos(sum(exc))`), so each map only keeps its own side of
//! the rectangle. A (12, 12, 4) -> (3, 3, 4) max-pooling, over 4x4 blocks of
//! each map, then says in which region of the image each side lies.
//!
//! The program prints, for each feature map, its largest response, its
//! number of active pixels and its pooled 3x3 map; then, for each pooled
//! region, the side whose response is the strongest. Everything printed is
//! deterministic.
//!
//! ```text
//! cargo run --example convolution
//! ```

use annarchy::prelude::*;
use annarchy::runtime::convolution::{Kernel, Operation};

/// Side of the square image.
const SIDE: usize = 12;
/// Side of the pooled maps (4x4 blocks).
const POOLED: usize = 3;
/// The names of the filters, in the order of the bank.
const FILTERS: [&str; 4] = ["left", "right", "top", "bottom"];

annarchy::neuron! {
    /// A rectified linear unit: the positive part of its input.
    pub struct Relu {
        equations: "r = pos(sum(exc))",
    }
}

annarchy::neuron! {
    /// The input it receives, unchanged.
    pub struct Identity {
        equations: "r = sum(exc)",
    }
}

/// The image: a bright rectangle on a dark background, row-major.
fn image() -> Vec<f64> {
    (0..SIDE * SIDE)
        .map(|k| {
            let (row, col) = (k / SIDE, k % SIDE);
            if (3..=8).contains(&row) && (2..=8).contains(&col) {
                1.0
            } else {
                0.0
            }
        })
        .collect()
}

/// The bank: filter `f` responds to the side `FILTERS[f]` of a bright object.
fn bank() -> annarchy::Result<Kernel> {
    let left = Kernel::from_rows(&[[-1.0, 0.0, 1.0]; 3])?;
    let right = Kernel::from_rows(&[[1.0, 0.0, -1.0]; 3])?;
    let top = Kernel::from_rows(&[[-1.0; 3], [0.0; 3], [1.0; 3]])?;
    let bottom = Kernel::from_rows(&[[1.0; 3], [0.0; 3], [-1.0; 3]])?;
    Kernel::stack(&[left, right, top, bottom])
}

fn main() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let input = b.population::<InputArray>("image", (SIDE, SIDE))?;
    let features = b.population::<Relu>("features", (SIDE, SIDE, FILTERS.len()))?;
    let pooled = b.population::<Identity>("pooled", (POOLED, POOLED, FILTERS.len()))?;
    b.set(input, "r", image())?;
    let edges = b
        .convolution(input, features, "exc")
        .name("edges")
        .connect_filters(&bank()?)?;
    b.pooling(features, pooled, "exc")
        .name("max-pooling")
        .operation(Operation::Max)
        .extent(&[SIDE / POOLED, SIDE / POOLED, 1])
        .connect_pooling()?;
    let mut net = b.build()?;
    // One step for the image to reach the features, one more for the pooling.
    net.simulate(3.0)?;

    let maps = net.get(features, "r")?;
    let pools = net.get(pooled, "r")?;
    let n = FILTERS.len();
    println!(
        "{SIDE}x{SIDE} image, bank of {n} filters of shape {:?}, {} synapses in the receptive fields",
        &net.proj(edges).kernel_shape()[1..],
        net.nb_synapses(edges)
    );
    for (f, name) in FILTERS.iter().enumerate() {
        let map: Vec<f64> = maps.iter().skip(f).step_by(n).copied().collect();
        let max = map.iter().copied().fold(0.0, f64::max);
        let active = map.iter().filter(|&&v| v > 0.0).count();
        println!("\n{name:>6} edges: max {max:.1}, {active} active pixels; pooled:");
        for row in 0..POOLED {
            let cells: Vec<String> = (0..POOLED)
                .map(|col| format!("{:4.1}", pools[(row * POOLED + col) * n + f]))
                .collect();
            println!("        {}", cells.join(" "));
        }
    }
    println!("\nStrongest side per pooled region:");
    for row in 0..POOLED {
        let cells: Vec<String> = (0..POOLED)
            .map(|col| {
                let k = (row * POOLED + col) * n;
                let (best, value) = (0..n)
                    .map(|f| (f, pools[k + f]))
                    .fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
                // Max-pooling never gives less than the smallest positive
                // number (ANNarchy's accumulator): that is no response.
                if value > f64::MIN_POSITIVE {
                    format!("{:>6}", FILTERS[best])
                } else {
                    format!("{:>6}", "-")
                }
            })
            .collect();
        println!("  {}", cells.join(" "));
    }
    Ok(())
}
