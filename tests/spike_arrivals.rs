//! Spikes delivered by the update of the population they reach: when every
//! projection into a spiking population only adds its weights to a
//! conductance that the update writes, and nothing reads the conductances
//! between the transmission phase and the update, each thread of the update
//! adds the step's spikes to its own part of the conductances before
//! updating them (`annarchy::runtime::arrivals`). These tests prove that the
//! values are those of the delivery in the transmission phase, bit for bit,
//! and that the run-time chooses the way the module describes.

use annarchy::prelude::*;

#[path = "common/receivers.rs"]
#[allow(dead_code)]
mod receivers;
use annarchy::runtime::model::{
    AttrInfo, AttrMut, AttrRef, Locality, ModelInfo, ModelKind, NeuronCtx, NeuronModel,
    NeuronState, ValueType,
};
use receivers::ScaledSynapse;

/// 1200 conductance-based neurons (more than `PAR_MIN`: two or three
/// threads split their update), driven by 200 Poisson sources and by
/// their own spikes: excitatory without delay, inhibitory with a delay of
/// 2 ms. With `watch_g`, a monitor records `g_exc` every step, which makes
/// the transmission phase deliver the spikes.
fn run(threads: usize, precision: Precision, watch_g: bool) -> annarchy::Result<Run> {
    let mut b = Network::builder()
        .dt(0.1)?
        .precision(precision)?
        .seed(11)
        .threads(threads)
        .thread_split(ThreadSplit::Always);
    let input = b.population::<Poisson>("input", 200)?;
    let pop = b.population::<IF_cond_exp>("pop", 1200)?;
    b.set(input, "rates", 80.0)?;
    b.set(pop, "v", RandomDistribution::uniform(-65.0, -50.0))?;
    b.projection::<DefaultSpikingSynapse>(input, pop, "exc")
        .connect_fixed_probability(0.1, 0.04)?;
    b.projection::<DefaultSpikingSynapse>(pop, pop, "exc")
        .connect_fixed_probability(0.05, RandomDistribution::uniform(0.0, 0.01))?;
    b.projection::<DefaultSpikingSynapse>(pop, pop, "inh")
        .delays(2.0)
        .connect_fixed_probability(0.05, 0.05)?;
    let m = b.monitor(pop, &["v", "spike"])?;
    let mg = watch_g.then(|| b.monitor(pop, &["g_exc"])).transpose()?;
    let mut net = b.build()?;
    net.simulate(60.0)?;
    if let Some(mg) = mg {
        assert!(!net.monitor_get(mg, "g_exc")?.values.is_empty());
    }
    Ok(Run {
        v: net.monitor_get(m, "v")?.values,
        raster: net.monitor_spikes(m)?,
    })
}

/// The membrane potentials of every step, and the spikes.
struct Run {
    v: Vec<Vec<f64>>,
    raster: std::collections::BTreeMap<u32, Vec<i64>>,
}

/// The same potentials and spikes, bit for bit, whether the update or the
/// transmission phase delivers, on one, two and three threads, in double
/// and single precision.
#[test]
fn the_update_delivers_the_values_of_the_transmission_phase() -> annarchy::Result<()> {
    for precision in [Precision::Double, Precision::Single] {
        let reference = run(1, precision, true)?;
        let spikes: usize = reference.raster.values().map(Vec::len).sum();
        assert!(spikes > 500, "{spikes} spikes");
        for threads in [1, 2, 3] {
            let fused = run(threads, precision, false)?;
            let same = fused.raster == reference.raster;
            assert!(same, "{precision:?}, {threads} thread(s): other spikes");
            assert_eq!(fused.v.len(), reference.v.len());
            for (k, (a, b)) in fused.v.iter().zip(&reference.v).enumerate() {
                let same = a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(
                    same,
                    "{precision:?}, {threads} thread(s): v differs at step {k}"
                );
            }
        }
    }
    Ok(())
}

/// A spiking population written by hand that asks for the spikes
/// (`arrival_attrs`): `seen` counts the projections whose spikes its update
/// delivered, `got` keeps what its conductance held, which the update then
/// clears.
#[derive(Clone, Debug)]
struct ProbeState {
    g_exc: Vec<f64>,
    got: Vec<f64>,
    seen: f64,
}

static PROBE_ATTRS: [AttrInfo; 3] = [
    AttrInfo {
        name: "g_exc",
        is_parameter: false,
        locality: Locality::Local,
        value_type: ValueType::Float,
        init: 0.0,
    },
    AttrInfo {
        name: "got",
        is_parameter: false,
        locality: Locality::Local,
        value_type: ValueType::Float,
        init: 0.0,
    },
    AttrInfo {
        name: "seen",
        is_parameter: false,
        locality: Locality::Global,
        value_type: ValueType::Float,
        init: 0.0,
    },
];

static PROBE_INFO: ModelInfo = ModelInfo {
    targets: &["exc"],
    ..ModelInfo::hand_written(
        ModelKind::Neuron,
        "Probe",
        "Probe",
        "Shows which way the spikes arrive.",
        true,
        &PROBE_ATTRS,
    )
};

impl NeuronState for ProbeState {
    fn info(&self) -> &'static ModelInfo {
        &PROBE_INFO
    }
    fn size(&self) -> usize {
        self.g_exc.len()
    }
    fn attr(&self, index: usize) -> AttrRef<'_> {
        match index {
            0 => AttrRef::Array(&self.g_exc),
            1 => AttrRef::Array(&self.got),
            _ => AttrRef::Scalar(self.seen),
        }
    }
    fn attr_mut(&mut self, index: usize) -> AttrMut<'_> {
        match index {
            0 => AttrMut::Array(&mut self.g_exc),
            1 => AttrMut::Array(&mut self.got),
            _ => AttrMut::Scalar(&mut self.seen),
        }
    }
    fn arrival_attrs(&self) -> &'static [usize] {
        &[0]
    }
    fn update(&mut self, ctx: &NeuronCtx<'_>) {
        self.seen = 0.0;
        if let Some(arrivals) = ctx.arrivals {
            arrivals.deliver(0, &mut [&mut self.g_exc[..]]);
            self.seen = arrivals.len() as f64;
        }
        self.got.copy_from_slice(&self.g_exc);
        self.g_exc.fill(0.0);
    }
    fn take_array(&mut self, index: usize, other: &mut Vec<f64>) {
        if index == 0 {
            std::mem::swap(&mut self.g_exc, other);
        }
    }
    fn put_array(&mut self, index: usize, other: &mut Vec<f64>) {
        self.take_array(index, other);
    }
    fn reset(&mut self) {
        self.g_exc.fill(0.0);
        self.got.fill(0.0);
        self.seen = 0.0;
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

struct Probe;

impl NeuronModel for Probe {
    type State = ProbeState;
    const INFO: &'static ModelInfo = &PROBE_INFO;
    fn new_state(size: usize) -> ProbeState {
        ProbeState {
            g_exc: vec![0.0; size],
            got: vec![0.0; size],
            seen: 0.0,
        }
    }
}

/// Which way a step delivers: in the update while nothing else reads or
/// writes the conductance; in the transmission phase on the steps a monitor
/// of `g_exc` records it, and in every step once a projection into the same
/// population does more than add its weight. What arrives is the same.
#[test]
fn the_update_delivers_only_what_nothing_else_sees() -> annarchy::Result<()> {
    let dt = 1.0;
    // Sources 0 and 1 spike at every step.
    let trains = vec![(0..40).map(f64::from).collect::<Vec<f64>>(); 2];
    let build = |second: bool| -> annarchy::Result<(Network, PopId<Probe>, MonitorId, MonitorId)> {
        let mut b = Network::builder().dt(dt)?;
        let src = b.spike_source_array("src", &trains)?;
        let probe = b.population::<Probe>("probe", 3)?;
        b.projection::<DefaultSpikingSynapse>(src, probe, "exc")
            .connect_all_to_all(0.25)?;
        if second {
            // A synapse whose spike does more than add its weight.
            b.projection::<ScaledSynapse>(src, probe, "exc")
                .connect_all_to_all(1.0)?;
        }
        let seen = b.monitor(probe, &["seen", "got"])?;
        // Every fourth step, a monitor of the conductance.
        let g = b.monitor_with(
            probe,
            &["g_exc"],
            MonitorOptions {
                period: Some(4.0 * dt),
                ..MonitorOptions::default()
            },
        )?;
        Ok((b.build()?, probe, seen, g))
    };
    let (mut net, _, seen, g) = build(false)?;
    net.simulate(20.0)?;
    let seen_rows = net.monitor_get(seen, "seen")?.values;
    let got = net.monitor_get(seen, "got")?.values;
    let g_rows = net.monitor_get(g, "g_exc")?.values;
    assert_eq!(g_rows.len(), 5);
    for (k, row) in seen_rows.iter().enumerate() {
        let expected = if k % 4 == 0 { 0.0 } else { 1.0 };
        assert_eq!(
            row[0], expected,
            "step {k}: projections delivered in the update"
        );
        // The spikes of step k - 1 arrive at step k: two of 0.25.
        let arrived = if k == 0 { 0.0 } else { 0.5 };
        assert_eq!(got[k], vec![arrived; 3], "step {k}");
    }
    for (k, row) in g_rows.iter().enumerate() {
        let arrived = if k == 0 { 0.0 } else { 0.5 };
        assert_eq!(row, &vec![arrived; 3], "recorded at step {}", 4 * k);
    }
    let (mut net, _, seen, _) = build(true)?;
    net.simulate(20.0)?;
    let seen_rows = net.monitor_get(seen, "seen")?.values;
    let got = net.monitor_get(seen, "got")?.values;
    assert!(seen_rows.iter().all(|row| row[0] == 0.0));
    assert!(got.iter().skip(1).all(|row| row == &vec![2.5; 3]));
    Ok(())
}
