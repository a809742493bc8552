//! Figures of a spiking and of a rate-coded network, drawn with
//! `annarchy::runtime::plot` (cargo feature `plot`).
//!
//! * A spiking network of 400 `Izhikevich` neurons (320 excitatory, 80
//!   inhibitory, the parameters of Izhikevich (2003) as in the `izhikevich`
//!   example, with weights scaled to the smaller network) driven by its
//!   thalamic noise and by 60 Poisson neurons firing at 20 Hz through sparse
//!   random synapses (probability 0.2). One second is simulated at
//!   `dt = 1` ms; the spikes of all neurons and `v` of three of them are
//!   recorded.
//! * A rate-coded network that learns bars (as the `bar_learning` example,
//!   smaller): an 8x8 input showing random horizontal and vertical bars and
//!   16 leaky neurons with lateral inhibition, both projections learning
//!   with Oja's rule, for 3000 trials of 50 ms; the rates of the feature
//!   neurons are recorded during the last ten trials, and the four most
//!   active ones are shown.
//!
//! Each figure is written as PNG and SVG into the folder given on the
//! command line (default `target/plots`): `raster`, `population_rate`,
//! `isi_histogram`, `v_traces`, `input_weights` (spiking network),
//! `rate_traces`, `feedforward_weights`, `lateral_weights` (rate-coded
//! network).
//!
//! ```text
//! cargo run --release --features plot --example plots -- /tmp/plots
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use annarchy::prelude::*;
use annarchy::runtime::plot::{self, PlotOptions};
use annarchy::runtime::random::stream;

/// Number of spiking neurons.
const NEURONS: usize = 400;
/// Number of excitatory neurons (the first ranks).
const EXCITATORY: usize = 320;
/// Number of Poisson input neurons.
const INPUTS: usize = 60;
/// Ranks whose membrane potential is recorded.
const RECORDED: [usize; 3] = [3, 150, 360];
/// Side of the square input of the rate-coded network.
const SIDE: usize = 8;
/// Number of feature neurons of the rate-coded network.
const FEATURES: usize = 16;

annarchy::neuron! {
    /// A leaky rate neuron with additive uniform noise and a rectified rate.
    pub struct Feature {
        parameters: "tau = 10.0 : population",
        equations: "tau * dr/dt + r = sum(exc) - sum(inh) + Uniform(-0.1, 0.1) : min = 0.0",
    }
}

annarchy::synapse! {
    /// Oja's rule with a lower bound, its parameters set per projection.
    pub struct LearningOja {
        parameters: "
            tau = 2000.0 : postsynaptic
            alpha = 8.0 : postsynaptic
            min_w = 0.0 : postsynaptic
        ",
        equations: "tau * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min = min_w",
    }
}

/// Writes `name.png` and `name.svg` into `dir` with `draw`.
fn both(
    dir: &Path,
    name: &str,
    draw: impl Fn(&Path) -> annarchy::Result<()>,
) -> annarchy::Result<()> {
    for ext in ["png", "svg"] {
        let path = dir.join(format!("{name}.{ext}"));
        draw(&path)?;
        println!("{}", path.display());
    }
    Ok(())
}

/// The spiking network and its figures.
fn spiking(dir: &Path) -> annarchy::Result<()> {
    let dt = 1.0;
    let mut b = Network::builder().dt(dt)?.seed(7);
    let input = b.population::<Poisson>("input", INPUTS)?;
    b.set(input, "rates", 20.0)?;
    let pop = b.population::<Izhikevich>("pop", NEURONS)?;
    let exc = b.view(pop, 0..EXCITATORY)?;
    let inh = b.view(pop, EXCITATORY..NEURONS)?;

    let mut rng = stream(7, &[u64::from_le_bytes(*b"plotpars")]);
    let unit = RandomDistribution::uniform(0.0, 1.0);
    let re = unit.sample_n(&mut rng, EXCITATORY);
    let ri = unit.sample_n(&mut rng, NEURONS - EXCITATORY);
    let map = |x: &[f64], f: fn(f64) -> f64| x.iter().map(|&x| f(x)).collect::<Vec<f64>>();
    b.set(&exc, "noise", 5.0)?;
    b.set(&exc, "c", map(&re, |r| -65.0 + 15.0 * r * r))?;
    b.set(&exc, "d", map(&re, |r| 8.0 - 6.0 * r * r))?;
    let b_inh = map(&ri, |r| 0.25 - 0.05 * r);
    b.set(&inh, "noise", 2.0)?;
    b.set(&inh, "a", map(&ri, |r| 0.02 + 0.08 * r))?;
    b.set(&inh, "b", b_inh.clone())?;
    b.set(&inh, "d", 2.0)?;
    b.set(
        &inh,
        "u",
        b_inh.iter().map(|b| -65.0 * b).collect::<Vec<f64>>(),
    )?;

    // Weights of the 1000-neuron network, scaled to 400 neurons.
    let scale = 1000.0 / NEURONS as f64;
    b.projection::<DefaultSpikingSynapse>(&exc, pop, "exc")
        .connect_all_to_all(RandomDistribution::uniform(0.0, 0.5 * scale))?;
    b.projection::<DefaultSpikingSynapse>(&inh, pop, "inh")
        .connect_all_to_all(RandomDistribution::uniform(0.0, 1.0 * scale))?;
    let input_proj = b
        .projection::<DefaultSpikingSynapse>(input, pop, "exc")
        .name("input_proj")
        .connect_fixed_probability(0.2, RandomDistribution::uniform(0.0, 3.0))?;

    let spikes = b.monitor(pop, &["spike"])?;
    let recorded = b.view(pop, RECORDED)?;
    let v = b.monitor(&recorded, &["v"])?;
    let mut net = b.build()?;
    net.simulate(1000.0)?;

    let spikes = net.monitor_spikes(spikes)?;
    let v = net.monitor_get(v, "v")?;
    let w = plot::projection_matrix(&net, input_proj, "w")?;

    let title = format!("Izhikevich network, {NEURONS} neurons");
    both(dir, "raster", |path| {
        plot::raster(
            path,
            &spikes,
            dt,
            &PlotOptions::new().title(&title).x_range(0.0, 1000.0),
        )
    })?;
    both(dir, "population_rate", |path| {
        plot::population_rate(
            path,
            &spikes,
            dt,
            5.0,
            &PlotOptions::new()
                .title("Population rate (low-pass filter, 5 ms)")
                .x_range(0.0, 1000.0),
        )
    })?;
    both(dir, "isi_histogram", |path| {
        plot::isi_histogram(
            path,
            &spikes,
            dt,
            None,
            &PlotOptions::new().title("Inter-spike intervals"),
        )
    })?;
    let legend = RECORDED.map(|r| {
        let kind = if r < EXCITATORY { "exc." } else { "inh." };
        format!("neuron {r} ({kind})")
    });
    both(dir, "v_traces", |path| {
        plot::traces(
            path,
            &v,
            &PlotOptions::new()
                .title("Membrane potentials")
                .y_label("v (mV)")
                .x_range(0.0, 300.0)
                .legend(legend.clone()),
        )
    })?;
    both(dir, "input_weights", |path| {
        plot::weight_matrix(
            path,
            &w,
            &PlotOptions::new()
                .title("Poisson input to the network")
                .size(560, 720)
                .x_label("input neuron")
                .y_label("network neuron")
                .value_label("w"),
        )
    })?;
    Ok(())
}

/// The rate-coded network and its figures.
fn rate_coded(dir: &Path) -> annarchy::Result<()> {
    let (trials, trial_ms) = (3000, 50.0);
    let mut b = Network::builder().dt(1.0)?.seed(42);
    let input = b.population::<InputArray>("input", (SIDE, SIDE))?;
    let feature = b.population::<Feature>("feature", FEATURES)?;
    let ff = b
        .projection::<LearningOja>(input, feature, "exc")
        .connect_all_to_all(RandomDistribution::uniform(-0.1, 0.1))?;
    b.proj_set(ff, "min_w", -10.0)?;
    let lat = b
        .projection::<LearningOja>(feature, feature, "inh")
        .connect_all_to_all(RandomDistribution::uniform(0.0, 1.0))?;
    b.proj_set(lat, "alpha", 0.3)?;
    for proj in [AnyProj::from(ff), AnyProj::from(lat)] {
        b.proj_set(proj, "tau", 1000.0)?;
    }
    let r = b.monitor_with(
        feature,
        &["r"],
        MonitorOptions {
            start: false,
            ..MonitorOptions::default()
        },
    )?;
    let mut net = b.build()?;

    let mut rng = stream(42, &[u64::from_le_bytes(*b"plotbars")]);
    let coin = RandomDistribution::uniform(0.0, 1.0);
    let mut pixels = vec![0.0; SIDE * SIDE];
    for trial in 0..trials {
        pixels.fill(0.0);
        for bar in 0..2 * SIDE {
            if coin.sample(&mut rng) < 1.0 / SIDE as f64 {
                for k in 0..SIDE {
                    let px = if bar < SIDE {
                        bar * SIDE + k
                    } else {
                        k * SIDE + bar - SIDE
                    };
                    pixels[px] = 1.0;
                }
            }
        }
        if trial == trials - 10 {
            net.monitor_start(r)?;
        }
        net.set(input, "r", pixels.clone())?;
        net.simulate(trial_ms)?;
    }
    // The four most active neurons during the recording, time counted from
    // its start.
    let recorded = net.monitor_get(r, "r")?;
    let activity = |n: usize| recorded.values.iter().map(|row| row[n]).sum::<f64>();
    let mut shown: Vec<usize> = (0..FEATURES).collect();
    shown.sort_by(|&a, &b| activity(b).total_cmp(&activity(a)));
    shown.truncate(4);
    shown.sort_unstable();
    let t0 = recorded.times.first().copied().unwrap_or(0.0);
    let rates = Recording {
        steps: recorded.steps.clone(),
        times: recorded.times.iter().map(|t| t - t0).collect(),
        values: recorded
            .values
            .iter()
            .map(|row| shown.iter().map(|&n| row[n]).collect())
            .collect(),
    };
    let w_ff = plot::projection_matrix(&net, ff, "w")?;
    let w_lat = plot::projection_matrix(&net, lat, "w")?;

    both(dir, "rate_traces", |path| {
        plot::traces(
            path,
            &rates,
            &PlotOptions::new()
                .title("The most active feature neurons in the last ten trials")
                .x_label("time from the start of the recording (ms)")
                .y_label("r")
                .legend(shown.iter().map(|n| format!("neuron {n}"))),
        )
    })?;
    both(dir, "feedforward_weights", |path| {
        plot::weight_matrix(
            path,
            &w_ff,
            &PlotOptions::new()
                .title(format!("Input to features after {trials} trials (Oja)"))
                .size(900, 420)
                .x_label("input pixel (row-major)")
                .y_label("feature neuron")
                .value_label("w"),
        )
    })?;
    both(dir, "lateral_weights", |path| {
        plot::weight_matrix(
            path,
            &w_lat,
            &PlotOptions::new()
                .title("Lateral inhibition (no self-connections)")
                .size(700, 600)
                .x_label("feature neuron")
                .y_label("feature neuron")
                .value_label("w"),
        )
    })?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/plots"), PathBuf::from);
    let start = Instant::now();
    let result = std::fs::create_dir_all(&dir)
        .map_err(|e| annarchy::Error::Invalid {
            object: format!("folder `{}`", dir.display()),
            reason: format!("cannot be created: {e}"),
        })
        .and_then(|()| spiking(&dir))
        .and_then(|()| rate_coded(&dir));
    match result {
        Ok(()) => {
            eprintln!("done in {:.2} s", start.elapsed().as_secs_f64());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
