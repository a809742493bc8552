//! The BOLD signal of a small spiking network, as in ANNarchy's BOLD
//! monitoring tutorial (Maith et al., 2022), in small.
//!
//! 100 Poisson neurons firing at 10 Hz drive a network of 160 excitatory
//! (regular spiking) and 40 inhibitory (fast spiking) Izhikevich neurons;
//! the excitatory neurons excite the inhibitory ones, which inhibit the
//! excitatory ones. From 5 s to 10 s the input fires at 30 Hz: a stimulus.
//! `r` of both populations is their firing rate over the last 200 ms
//! (`compute_firing_rate`).
//!
//! A BOLD monitor of the default balloon model (`balloon_RN`) reads `r` of
//! both populations, each weighted by its share of the neurons (the
//! default scales), and normalises each input by its baseline, the first
//! 2 s after the start of the monitor at 1 s: its input `I_CBF` is the
//! relative change of the firing rate. The program prints, once a second,
//! the firing rates, the input and the BOLD signal, then a summary. The
//! signal shows the hemodynamic response: it starts rising about a second
//! after the stimulus onset (while the input jumps at once), peaks at the
//! end of the stimulus (2.5 % about 5.7 s after its onset with seed 1),
//! falls below its resting level after the stimulus (the undershoot,
//! -0.7 % some 7.6 s after its end), and returns to rest.
//!
//! ```text
//! cargo run --release --example bold [SEED]
//! ```

use annarchy::prelude::*;
use annarchy::runtime::bold::BoldOptions;
use annarchy::runtime::random::RandomDistribution;

/// Rate of the input at rest and during the stimulus, Hz.
const REST_HZ: f64 = 10.0;
const STIMULUS_HZ: f64 = 30.0;
/// Start and end of the stimulus, ms.
const STIMULUS: (f64, f64) = (5000.0, 10000.0);
/// Simulated time, ms.
const DURATION: f64 = 25000.0;
/// When the BOLD monitor starts, ms.
const START: f64 = 1000.0;

fn main() -> annarchy::Result<()> {
    let seed = std::env::args()
        .nth(1)
        .map_or(Ok(1), |s| s.parse())
        .map_err(|e| annarchy::Error::Invalid {
            object: "command line".into(),
            reason: format!("the seed must be an integer: {e}"),
        })?;
    let mut b = Network::builder().dt(1.0)?.seed(seed);
    let input = b.population::<Poisson>("input", 100)?;
    b.set(input, "rates", REST_HZ)?;
    let exc = b.population::<Izhikevich>("exc", 160)?;
    let inh = b.population::<Izhikevich>("inh", 40)?;
    // Regular spiking and fast spiking, with some noise.
    b.set(exc, "noise", 5.0)?;
    b.set(inh, "noise", 5.0)?;
    b.set(inh, "a", 0.1)?;
    b.set(inh, "d", 2.0)?;
    for pop in [exc, inh] {
        b.projection::<DefaultSpikingSynapse>(input, pop, "exc")
            .connect_fixed_probability(0.2, RandomDistribution::uniform(2.0, 4.0))?;
    }
    b.projection::<DefaultSpikingSynapse>(exc, inh, "exc")
        .connect_fixed_probability(0.2, 1.0)?;
    b.projection::<DefaultSpikingSynapse>(inh, exc, "inh")
        .connect_fixed_probability(0.2, 2.0)?;
    let rates = [
        b.monitor_with(exc, &["r"], every_second())?,
        b.monitor_with(inh, &["r"], every_second())?,
    ];
    let bold = b.bold_monitor::<balloon_RN>(
        &[exc.into(), inh.into()],
        BoldOptions {
            normalize_input: Some(vec![2000.0, 2000.0]),
            recorded_variables: Some(vec!["I_CBF"]),
            ..BoldOptions::default()
        },
    )?;
    let mut net = b.build()?;
    net.compute_firing_rate(exc, 200.0)?;
    net.compute_firing_rate(inh, 200.0)?;

    net.simulate(START)?;
    net.bold_start(bold)?;
    net.simulate(STIMULUS.0 - START)?;
    net.set(input, "rates", STIMULUS_HZ)?;
    net.simulate(STIMULUS.1 - STIMULUS.0)?;
    net.set(input, "rates", REST_HZ)?;
    net.simulate(DURATION - STIMULUS.1)?;

    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let [exc_r, inh_r] = rates.map(|m| net.monitor_get(m, "r"));
    let (exc_r, inh_r) = (exc_r?, inh_r?);
    let input = net.bold_get(bold, "I_CBF")?;
    let signal = net.bold_get(bold, "BOLD")?;
    println!(
        "BOLD monitor ({}) of 160 excitatory and 40 inhibitory Izhikevich neurons, seed {seed}",
        net.population_name(bold.population())
    );
    println!(
        "input {REST_HZ} Hz, {STIMULUS_HZ} Hz from {} to {} s; monitor started at {} s, baseline 2 s",
        STIMULUS.0 / 1000.0,
        STIMULUS.1 / 1000.0,
        START / 1000.0
    );
    println!("   t (s)   exc (Hz)   inh (Hz)      I_CBF      BOLD (%)");
    for (k, row) in exc_r.values.iter().enumerate() {
        let t = exc_r.times[k];
        if t < START {
            println!(
                "{:8.0} {:10.2} {:10.2}",
                t / 1000.0,
                mean(row),
                mean(&inh_r.values[k])
            );
            continue;
        }
        let i = ((t - START) / net.get_dt()) as usize;
        println!(
            "{:8.0} {:10.2} {:10.2} {:10.3} {:13.4}",
            t / 1000.0,
            mean(row),
            mean(&inh_r.values[k]),
            input.values[i][0],
            100.0 * signal.values[i][0]
        );
    }
    let (peak_t, peak) = signal
        .times
        .iter()
        .zip(&signal.values)
        .map(|(&t, v)| (t, v[0]))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("a recorded signal");
    let (low_t, low) = signal
        .times
        .iter()
        .zip(&signal.values)
        .filter(|&(&t, _)| t > STIMULUS.1)
        .map(|(&t, v)| (t, v[0]))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("a recorded signal after the stimulus");
    println!(
        "peak: {:.4} % at {:.1} s ({:.1} s after the stimulus onset)",
        100.0 * peak,
        peak_t / 1000.0,
        (peak_t - STIMULUS.0) / 1000.0
    );
    println!(
        "undershoot: {:.4} % at {:.1} s ({:.1} s after the stimulus end)",
        100.0 * low,
        low_t / 1000.0,
        (low_t - STIMULUS.1) / 1000.0
    );
    Ok(())
}

/// Recording of the firing rates once a second.
fn every_second() -> MonitorOptions {
    MonitorOptions {
        period: Some(1000.0),
        ..MonitorOptions::default()
    }
}
