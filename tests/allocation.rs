//! Simulation steps do not allocate memory once the network is built.
//!
//! This test binary installs a counting global allocator; the tests run one
//! at a time (a lock serialises them) and count the allocations (`alloc`,
//! `alloc_zeroed` and `realloc`) made while a flag is on, by the thread that
//! runs the test and by the simulation's own threads (not by the test
//! harness, which may report another test's result meanwhile).
//!
//! The network has rate-coded populations with random variables and a global
//! operation in their equations, a `TimedArray` input, learning projections,
//! a projection with a uniform delay and one with per-synapse delays.
//! `step()` must not allocate with one thread. Monitors grow their storage,
//! but `simulate` reserves it before its loop: the number of allocations of a
//! `simulate` call does not depend on its number of steps, and is zero when
//! the monitors already have room.
//!
//! With two threads, on a network large enough for the parallel paths,
//! neither `step()` nor `simulate` allocates either: the threads are started
//! once, when the network is built, and a step hands them its work without
//! queues.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use annarchy::prelude::*;
use annarchy::runtime::model::{PAR_EVENTS, PAR_MIN};
use annarchy::runtime::random::RANDOM_CHUNK;

/// Counts the allocations made while [`COUNTING`] is on.
struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Set on the thread that runs the measured code.
    static MEASURED: Cell<bool> = const { Cell::new(false) };
}

impl CountingAllocator {
    fn count() {
        if COUNTING.load(Ordering::Relaxed)
            && (MEASURED.with(Cell::get) || annarchy::runtime::team::current_member().is_some())
        {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Held by each test for its whole duration, so that no other test
/// allocates while one counts.
static SERIAL: Mutex<()> = Mutex::new(());

/// Number of allocations made by `f`, on this thread and rayon's workers.
fn allocations(f: impl FnOnce()) -> usize {
    ALLOCATIONS.store(0, Ordering::SeqCst);
    MEASURED.with(|m| m.set(true));
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    MEASURED.with(|m| m.set(false));
    ALLOCATIONS.load(Ordering::SeqCst)
}

/// Number of allocations made by `steps` calls of `net.step()`.
fn step_allocations(net: &mut Network, steps: usize) -> usize {
    allocations(|| {
        for _ in 0..steps {
            net.step();
        }
    })
}

annarchy::neuron! {
    /// A leaky rate neuron with noise and a normalisation by the mean rate.
    pub struct NoisyLeaky {
        parameters: "
            tau = 10.0 : population
            noise = 0.1
        ",
        equations: "
            tau * dv/dt + v = sum(exc) - sum(inh) + sum(slow) - 0.5 * mean(r) + noise * Normal(0.0, 1.0)
            r = pos(v) + Uniform(0.0, 0.01)
        ",
    }
}

annarchy::synapse! {
    /// Covariance learning around the mean pre- and post-synaptic rates,
    /// with a per-dendrite trace and a random perturbation.
    pub struct Covariance {
        parameters: "
            eta = 0.01 : projection
            tau_trace = 20.0 : projection
        ",
        equations: "
            tau_trace * dtrace/dt + trace = post.r : postsynaptic
            dw/dt = eta * (pre.r - mean(pre.r)) * (trace - mean(post.r)) + 0.001 * Uniform(-1.0, 1.0) : min = 0.0, max = 1.0
        ",
    }
}

/// Ids of the network of the tests.
struct Ids {
    hidden: PopId<NoisyLeaky>,
    out: PopId<NoisyLeaky>,
}

/// Builds the network: a timed input, an input array, two noisy layers,
/// learning projections, uniform and per-synapse delays.
fn builder(threads: usize) -> annarchy::Result<(NetworkBuilder, Ids)> {
    let mut b = Network::builder().dt(0.5)?.seed(3).threads(threads);
    let rows: Vec<Vec<f64>> = (0..4)
        .map(|k| (0..50).map(|i| ((i + k) % 5) as f64 / 4.0).collect())
        .collect();
    let timed = b.timed_array("timed", 50, rows, Schedule::Every(5.0), 20.0)?;
    let bias = b.population::<InputArray>("bias", 20)?;
    b.set(bias, "r", RandomDistribution::uniform(0.0, 1.0))?;
    let hidden = b.population::<NoisyLeaky>("hidden", (10, 10))?;
    let out = b.population::<NoisyLeaky>("out", 40)?;
    b.set(hidden, "v", RandomDistribution::normal(0.0, 0.2))?;
    b.projection::<Oja>(timed, hidden, "exc")
        .name("timed_hidden")
        .connect_fixed_probability(0.3, RandomDistribution::uniform(0.0, 0.3))?;
    b.projection::<DefaultRateSynapse>(bias, hidden, "slow")
        .name("bias_hidden")
        .delays(3.0)
        .connect_all_to_all(0.05)?;
    b.projection::<Covariance>(hidden, out, "exc")
        .name("hidden_out")
        .delays(RandomDistribution::uniform(0.5, 4.0))
        .connect_fixed_number_pre(10, RandomDistribution::uniform(0.0, 0.5))?;
    b.projection::<Hebb>(out, out, "inh")
        .name("lateral")
        .delays(1.5)
        .connect_all_to_all(0.02)?;
    Ok((b, Ids { hidden, out }))
}

/// `step()` allocates nothing with one thread, once the network is built.
#[test]
fn step_allocates_nothing_with_one_thread() -> annarchy::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (b, ids) = builder(1)?;
    let mut net = b.build()?;
    let first = step_allocations(&mut net, 10);
    assert_eq!(
        first, 0,
        "allocations in the first 10 steps with one thread"
    );
    let before = net.get(ids.out, "r")?;
    let count = step_allocations(&mut net, 100);
    assert_eq!(count, 0, "allocations in 100 steps with one thread");
    // The steps did simulate something.
    assert_eq!(net.get_current_step(), 110);
    assert_ne!(before, net.get(ids.out, "r")?);
    assert!(net.get(ids.hidden, "r")?.iter().any(|&r| r > 0.0));
    Ok(())
}

/// The counting allocator sees allocations: a guard against a test that
/// could not fail.
#[test]
fn allocations_are_counted() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let count = allocations(|| {
        let v: Vec<u64> = std::hint::black_box((0..100).collect());
        drop(std::hint::black_box(v));
    });
    assert_eq!(count, 1);
}

/// With a monitor, `simulate` allocates only before its first step: the
/// number of allocations does not grow with the number of steps, and is zero
/// once the monitor's storage has room.
#[test]
fn simulate_with_monitors_allocates_only_before_the_loop() -> annarchy::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut b, ids) = builder(1)?;
    let m_hidden = b.monitor(ids.hidden, &["r", "v", "sum(exc)"])?;
    let m_out = b.monitor_with(
        ids.out,
        &["r"],
        MonitorOptions {
            period: Some(1.0),
            ..MonitorOptions::default()
        },
    )?;
    let mut net = b.build()?;
    let m_proj = net.monitor(net.get_projection("hidden_out")?, &["w", "trace"])?;
    net.simulate(5.0)?;
    let short = allocations(|| net.simulate(5.0).expect("a valid duration"));
    let long = allocations(|| net.simulate(100.0).expect("a valid duration"));
    assert_eq!(
        short, long,
        "allocations of simulate(10 steps) and simulate(200 steps)"
    );
    // At most one reservation for each vector of each recorded variable
    // (values and steps of 6 variables).
    assert!(short <= 12, "{short} allocations before the loop");
    // Every recording is complete: 10 + 10 + 200 steps.
    let rec = net.monitor_get(m_hidden, "v")?;
    assert_eq!(rec.values.len(), 220);
    assert!(rec.values.iter().all(|row| row.len() == 100));
    assert_eq!(net.monitor_get(m_out, "r")?.values.len(), 110);
    assert_eq!(net.monitor_get(m_proj, "trace")?.values.len(), 220);
    let w = net.monitor_get(m_proj, "w")?;
    assert_eq!(w.values.len(), 220);
    assert!(w.values.iter().all(|row| row.len() == 400));
    // Reading the recordings empties them but keeps their storage: a
    // shorter simulation has room and allocates nothing at all.
    for var in ["r", "sum(exc)"] {
        net.monitor_get(m_hidden, var)?;
    }
    let none = allocations(|| net.simulate(50.0).expect("a valid duration"));
    assert_eq!(none, 0, "allocations of simulate(100 steps) with room");
    assert_eq!(net.monitor_get(m_hidden, "r")?.values.len(), 100);
    Ok(())
}

/// A network whose updates take the parallel paths when it has more than one
/// thread: populations of more than `PAR_MIN` neurons with random
/// variables (more than `4 * RANDOM_CHUNK` draws), a projection of more than
/// `PAR_MIN` dendrites, spikes reaching more than `PAR_EVENTS` synapses per
/// step.
fn large(threads: usize, split: ThreadSplit) -> annarchy::Result<(Network, PopId<NoisyLeaky>)> {
    let mut b = Network::builder()
        .seed(5)
        .threads(threads)
        .thread_split(split);
    let input = b.population::<InputArray>("input", 200)?;
    b.set(input, "r", RandomDistribution::uniform(0.0, 1.0))?;
    let big = b.population::<NoisyLeaky>("big", 4 * RANDOM_CHUNK + 100)?;
    b.projection::<Oja>(input, big, "exc")
        .connect_fixed_number_pre(3, RandomDistribution::uniform(0.0, 0.5))?;
    b.projection::<DefaultRateSynapse>(big, big, "inh")
        .delays(2.0)
        .connect_fixed_number_pre(2, 0.1)?;
    // Spikes: 1000 Poisson neurons at 100 Hz (100 spikes per step of 1 ms
    // on average) onto 1200 neurons with probability 0.5.
    let poisson = b.population::<Poisson>("poisson", 1000)?;
    b.set(poisson, "rates", 100.0)?;
    let lif = b.population::<IF_curr_exp>("lif", 1200)?;
    b.projection::<DefaultSpikingSynapse>(poisson, lif, "exc")
        .connect_fixed_probability(0.5, 0.01)?;
    let net = b.build()?;
    assert!(net.population_size(big) > 4 * RANDOM_CHUNK);
    assert!(net.population_size(big) > PAR_MIN);
    const { assert!(100 * 600 > PAR_EVENTS) };
    Ok((net, big))
}

/// With two threads, neither `step()` nor `simulate` allocates, from the
/// first step on, whether every piece of a step is split over the threads
/// or the split is chosen from measured times (the spikes reaching a
/// population of more than `PAR_MIN` neurons are delivered by its split
/// update, whose tables are made when the network starts).
#[test]
fn two_threads_do_not_allocate() -> annarchy::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for split in [ThreadSplit::Always, ThreadSplit::Measured] {
        let (mut net, big) = large(2, split)?;
        let steps = step_allocations(&mut net, 136);
        assert_eq!(
            steps, 0,
            "allocations in the first 136 steps with two threads, {split:?}"
        );
        let short = allocations(|| net.simulate(10.0).expect("a valid duration"));
        let long = allocations(|| net.simulate(300.0).expect("a valid duration"));
        assert_eq!((short, long), (0, 0), "allocations of simulate, {split:?}");
        assert_eq!(net.get_current_step(), 446);
        assert!(net.get(big, "r")?.iter().any(|&r| r > 0.0));
    }
    Ok(())
}

/// A monitor that keeps only its last rows records a long run without
/// allocating once it holds them.
#[test]
fn bounded_monitors_do_not_grow() -> annarchy::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut b = Network::builder().seed(5);
    let pop = b.population::<LeakyIntegrator>("pop", 10)?;
    let m = b.monitor_with(
        pop,
        &["r"],
        MonitorOptions {
            keep_last: Some(4),
            ..MonitorOptions::default()
        },
    )?;
    let mut net = b.build()?;
    net.simulate(20.0)?;
    let steps = step_allocations(&mut net, 1000);
    assert_eq!(steps, 0, "allocations of 1000 steps with a bounded monitor");
    assert_eq!(net.monitor_get(m, "r")?.steps, vec![1016, 1017, 1018, 1019]);
    Ok(())
}

/// A monitor that streams to files records without allocating: rows go
/// through a fixed write buffer. Measuring time allocates nothing either.
#[test]
fn streamed_monitors_and_timing_do_not_allocate() -> annarchy::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("annarchy-alloc-stream-{}", std::process::id()));
    let mut b = Network::builder().seed(5);
    let pop = b.population::<Poisson>("pop", 100)?;
    b.set(pop, "rates", 50.0)?;
    let m = b.monitor(pop, &["spike", "r"])?;
    let mut net = b.build()?;
    net.monitor_stream(m, &dir)?;
    net.set_measure_time(true);
    net.simulate(20.0)?;
    let steps = step_allocations(&mut net, 1000);
    assert_eq!(
        steps, 0,
        "allocations of 1000 steps with a streamed monitor"
    );
    net.monitor_stream_close(m)?;
    let bytes = std::fs::read(dir.join("r.npy")).unwrap();
    assert_eq!(bytes.len(), 128 + 1020 * 100 * 8);
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

/// With one thread, random draws in a large population must stay on the
/// calling thread and not allocate.
#[test]
fn one_thread_large_population_allocates_nothing() -> annarchy::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut net, _) = large(1, ThreadSplit::Measured)?;
    for _ in 0..10 {
        net.step();
    }
    let count = step_allocations(&mut net, 100);
    assert_eq!(count, 0, "allocations in 100 steps with one thread");
    Ok(())
}

/// A spiking network (Poisson inputs, conductance-based neurons with a
/// refractory period, STDP with per-synapse delays, a uniform delay): once
/// the rings of delayed spikes have grown to their working size, `step()`
/// allocates nothing. (A spike monitor grows with the spikes it records.)
#[test]
fn spiking_step_allocates_nothing() -> annarchy::Result<()> {
    spiking_step_allocates_nothing_in(Precision::Double)
}

/// The same in single precision, where spikes are delivered to a copy of
/// the conductances in `f64`.
#[test]
fn single_precision_spiking_step_allocates_nothing() -> annarchy::Result<()> {
    spiking_step_allocates_nothing_in(Precision::Single)
}

fn spiking_step_allocates_nothing_in(precision: Precision) -> annarchy::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut b = Network::builder().dt(0.1)?.precision(precision)?.seed(7);
    let inputs = b.population::<Poisson>("inputs", 200)?;
    b.set(inputs, "rates", 50.0)?;
    let neurons = b.population::<IF_cond_exp>("neurons", 100)?;
    b.set(neurons, "tau_refrac", 2.0)?;
    let stdp = b
        .projection::<STDP>(inputs, neurons, "exc")
        .delays(RandomDistribution::uniform(0.1, 3.0))
        .connect_fixed_probability(0.2, 0.02)?;
    b.projection::<DefaultSpikingSynapse>(neurons, neurons, "inh")
        .delays(1.5)
        .connect_fixed_probability(0.1, 0.05)?;
    let mut net = b.build()?;
    net.simulate(500.0)?;
    let count = step_allocations(&mut net, 100);
    assert_eq!(count, 0, "allocations in 100 spiking steps");
    // The steps did something: STDP moved the weights away from 0.02.
    assert!(
        net.proj_get(stdp, "w")?
            .iter()
            .any(|&w| (w - 0.02).abs() > 1e-6)
    );
    Ok(())
}
