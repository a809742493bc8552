//! Bar learning: ANNarchy's `BarLearning` example, rate-coded Hebbian
//! learning of horizontal and vertical bars.
//!
//! An 8x8 input shows, on every trial, a random set of bars: each of the 8
//! horizontal and 8 vertical bars is present with probability 1/8 (a pixel is
//! 1.0 when its row or its column is shown, 0.0 otherwise). A layer of 32
//! leaky rate neurons receives the input through an all-to-all excitatory
//! projection and inhibits itself through an all-to-all lateral projection.
//! Both projections learn with Oja's rule
//! `tau * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min = min_w`:
//!
//! * input -> feature (`exc`): `alpha = 8`, `min_w = -10` (weights may become
//!   negative, so that a neuron tuned to one bar is driven *down* by the
//!   pixels of the other bars), initial weights `Uniform(-0.5, 0.5)`;
//! * feature -> feature (`inh`): `alpha = 0.3`, `min_w = 0`, initial weights
//!   `Uniform(0, 1)`, no self-connections: neurons that are often active
//!   together inhibit each other more and more (anti-Hebbian in effect, since
//!   the weights are inhibitory), which decorrelates the layer.
//!
//! Both rules share `tau = 2000` ms, the duration of 40 trials, so that each
//! weight averages over many stimuli. Oja's decay term drives the squared
//! norm of an active neuron's weights towards `1 / alpha`: `alpha = 8` keeps
//! the feed-forward weights small (a learned bar's pixels end near 0.2),
//! while the small lateral `alpha` lets inhibition between co-active neurons
//! grow strong. The feature neurons follow
//! `tau * dr/dt + r = sum(exc) - sum(inh) + Uniform(-0.1, 0.1) : min = 0.0`
//! with `tau = 10` ms; the noise breaks the symmetry between neurons. One
//! trial lasts 50 ms at `dt = 1` ms; the network is not reset between trials.
//! These are the values of ANNarchy's example; it runs 10000 trials, 5000
//! (the default here) already give every bar a neuron of its own.
//!
//! After learning, most feature neurons have a receptive field covering one
//! bar. The program prints a summary: which bar each neuron represents (its
//! eight strongest weights are exactly that bar's pixels), how many of the 16
//! bars are represented, and the receptive fields in ASCII. The summary on
//! stdout is deterministic (fixed seed); the wall-clock time goes to stderr.
//!
//! ```text
//! cargo run --release --example bar_learning [TRIALS [SEED]]
//! ```

use std::fmt;
use std::time::Instant;

use annarchy::prelude::*;
use annarchy::runtime::random::stream;

/// Side of the square input.
pub const SIDE: usize = 8;
/// Number of bars: `SIDE` horizontal then `SIDE` vertical ones.
pub const BARS: usize = 2 * SIDE;
/// Geometry of the feature layer (32 neurons, as in ANNarchy's example).
pub const FEATURES: (usize, usize) = (8, 4);

annarchy::neuron! {
    /// A leaky rate neuron with additive uniform noise and a rectified rate.
    pub struct BarFeature {
        parameters: "tau = 10.0 : population",
        equations: "tau * dr/dt + r = sum(exc) - sum(inh) + Uniform(-0.1, 0.1) : min = 0.0",
    }
}

annarchy::synapse! {
    /// Oja's rule with a lower bound, its parameters set per projection.
    pub struct BarOja {
        parameters: "
            tau = 2000.0 : postsynaptic
            alpha = 8.0 : postsynaptic
            min_w = 0.0 : postsynaptic
        ",
        equations: "tau * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min = min_w",
    }
}

/// What to simulate.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Seed of the network (initial weights, noise) and of the stimuli.
    pub seed: u64,
    /// Number of trials.
    pub trials: usize,
    /// Duration of one trial in ms.
    pub trial_ms: f64,
    /// Neurons whose receptive fields are drawn in the summary.
    pub drawn: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            trials: 5_000,
            trial_ms: 50.0,
            drawn: 32,
        }
    }
}

/// The result of a run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Number of trials simulated.
    pub trials: usize,
    /// For each feature neuron, the bar it represents, if any.
    pub preferred: Vec<Option<usize>>,
    /// Receptive fields after learning: one row of `SIDE * SIDE` weights per
    /// feature neuron, pixels in row-major order.
    pub fields: Vec<Vec<f64>>,
    /// Number of fields drawn by [`Display`](fmt::Display).
    pub drawn: usize,
}

impl Outcome {
    /// The bars represented by at least one feature neuron.
    pub fn represented(&self) -> Vec<usize> {
        let mut bars: Vec<usize> = self.preferred.iter().flatten().copied().collect();
        bars.sort_unstable();
        bars.dedup();
        bars
    }

    /// The summary printed by the example.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

/// Name of a bar: `H0`..`H7` (rows), `V0`..`V7` (columns).
pub fn bar_name(bar: usize) -> String {
    if bar < SIDE {
        format!("H{bar}")
    } else {
        format!("V{}", bar - SIDE)
    }
}

/// Pixel ranks (row-major) of a bar.
pub fn bar_pixels(bar: usize) -> Vec<usize> {
    if bar < SIDE {
        (0..SIDE).map(|c| bar * SIDE + c).collect()
    } else {
        (0..SIDE).map(|r| r * SIDE + (bar - SIDE)).collect()
    }
}

/// The bar whose pixels are exactly the `SIDE` strongest weights of `field`.
pub fn represented_bar(field: &[f64]) -> Option<usize> {
    let mut order: Vec<usize> = (0..field.len()).collect();
    order.sort_by(|&a, &b| field[b].total_cmp(&field[a]).then(a.cmp(&b)));
    let mut top = order[..SIDE].to_vec();
    top.sort_unstable();
    (0..BARS).find(|&bar| bar_pixels(bar) == top)
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let represented = self.represented();
        writeln!(f, "trials: {}", self.trials)?;
        writeln!(
            f,
            "feature neurons tuned to a bar: {} of {}",
            self.preferred.iter().flatten().count(),
            self.preferred.len()
        )?;
        writeln!(f, "bars represented: {} of {BARS}", represented.len())?;
        let names: Vec<String> = self
            .preferred
            .iter()
            .map(|p| p.map_or_else(|| "--".to_string(), bar_name))
            .collect();
        for (row, chunk) in names.chunks(8).enumerate() {
            let first = row * 8;
            writeln!(
                f,
                "  neurons {first:2}..{:2}: {}",
                first + chunk.len() - 1,
                chunk.join(" ")
            )?;
        }
        let missing: Vec<String> = (0..BARS)
            .filter(|b| !represented.contains(b))
            .map(bar_name)
            .collect();
        if !missing.is_empty() {
            writeln!(f, "bars not represented: {}", missing.join(" "))?;
        }
        if self.drawn > 0 {
            writeln!(
                f,
                "receptive fields (w / max|w|: '#' >= 0.5, '+' >= 0.25, '-' <= -0.25, '.' otherwise):"
            )?;
        }
        let drawn = self.drawn.min(self.fields.len());
        for start in (0..drawn).step_by(8) {
            let end = (start + 8).min(drawn);
            let header: Vec<String> = (start..end)
                .map(|n| {
                    let tag = self.preferred[n].map_or_else(|| "--".to_string(), bar_name);
                    format!("{n:>2} {tag:<5}")
                })
                .collect();
            writeln!(f, "  {}", header.join(" ").trim_end())?;
            for r in 0..SIDE {
                let mut line = String::from(" ");
                for field in &self.fields[start..end] {
                    let max = field.iter().fold(0.0f64, |m, w| m.max(w.abs()));
                    line.push(' ');
                    for c in 0..SIDE {
                        let w = field[r * SIDE + c] / max;
                        line.push(match w {
                            w if w >= 0.5 => '#',
                            w if w >= 0.25 => '+',
                            w if w <= -0.25 => '-',
                            _ => '.',
                        });
                    }
                }
                writeln!(f, "{}", line.trim_end())?;
            }
        }
        Ok(())
    }
}

/// Builds the network, runs `config.trials` trials and reads the receptive
/// fields.
pub fn run(config: &Config) -> annarchy::Result<Outcome> {
    let mut b = Network::builder().dt(1.0)?.seed(config.seed);
    let input = b.population::<InputArray>("input", (SIDE, SIDE))?;
    let feature = b.population::<BarFeature>("feature", FEATURES)?;
    let ff = b
        .projection::<BarOja>(input, feature, "exc")
        .name("input_feature")
        .connect_all_to_all(RandomDistribution::uniform(-0.5, 0.5))?;
    b.proj_set(ff, "min_w", -10.0)?;
    let lat = b
        .projection::<BarOja>(feature, feature, "inh")
        .name("feature_feature")
        .connect_all_to_all(RandomDistribution::uniform(0.0, 1.0))?;
    b.proj_set(lat, "alpha", 0.3)?;
    let mut net = b.build()?;

    let mut rng = stream(config.seed, &[u64::from_le_bytes(*b"barstims")]);
    let coin = RandomDistribution::uniform(0.0, 1.0);
    let p = 1.0 / SIDE as f64;
    let mut pixels = vec![0.0; SIDE * SIDE];
    for _ in 0..config.trials {
        pixels.fill(0.0);
        for bar in 0..BARS {
            if coin.sample(&mut rng) < p {
                for px in bar_pixels(bar) {
                    pixels[px] = 1.0;
                }
            }
        }
        net.set(input, "r", pixels.clone())?;
        net.simulate(config.trial_ms)?;
    }

    let w = net.proj_get(ff, "w")?;
    let fields: Vec<Vec<f64>> = w.chunks(SIDE * SIDE).map(<[f64]>::to_vec).collect();
    let preferred = fields.iter().map(|f| represented_bar(f)).collect();
    Ok(Outcome {
        trials: config.trials,
        preferred,
        fields,
        drawn: config.drawn,
    })
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    match try_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[allow(dead_code)]
fn try_main() -> annarchy::Result<()> {
    // Optional arguments: number of trials, seed.
    let mut config = Config::default();
    let mut args = std::env::args().skip(1);
    if let Some(trials) = args.next() {
        config.trials = parse_arg(&trials, "the first argument is a number of trials")?;
    }
    if let Some(seed) = args.next() {
        config.seed = parse_arg(&seed, "the second argument is a seed")?;
    }
    let start = Instant::now();
    let outcome = run(&config)?;
    let elapsed = start.elapsed();
    print!("{outcome}");
    eprintln!(
        "simulated {} trials of {} ms in {:.2} s",
        config.trials,
        config.trial_ms,
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// A command-line argument, or an error saying which one is wrong.
fn parse_arg<T: std::str::FromStr>(value: &str, what: &str) -> annarchy::Result<T> {
    value.parse().map_err(|_| annarchy::Error::Invalid {
        object: "command line".into(),
        reason: format!("{what}, not `{value}`"),
    })
}
