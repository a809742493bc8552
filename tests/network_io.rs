//! Saving and loading the state of a network (`Network::save` / `load` and
//! their per-object variants) as `.npz`:
//!
//! - the reader of `runtime::npy` reads the archives numpy writes:
//!   `tests/data/savez.npz` (stored entries) and
//!   `tests/data/savez_compressed.npz` (deflated entries), written with
//!   numpy 2.3.5 by `tests/data/npz_fixtures.py` (every dtype the reader
//!   supports, both byte orders, a 0-d array, and a Fortran-ordered array
//!   it refuses);
//! - a saved file has the documented layout, byte for byte readable
//!   without pickles (and, where Python with numpy is found, `numpy.load`
//!   with `allow_pickle=False` reads it and finds the values);
//! - the round trip is exact: a rate-coded and a spiking network saved in
//!   the middle of a run, with delays of both kinds and plastic synapses,
//!   then loaded into networks built with another seed (other weights,
//!   other random connectivity and delays), simulate bit for bit as the
//!   saved network goes on simulating;
//! - so is the run-time state models keep apart from their attributes
//!   (`run/` entries): networks saved while neurons are in their
//!   refractory periods, with `STP` and `STDP` synapses between events,
//!   and with inputs in the middle of their schedules (`TimedArray`,
//!   `TimedPoissonPopulation`, `SpikeSourceArray`, a decoding projection's
//!   window), loaded into networks at other points of their run, go on
//!   bit for bit as the saved ones;
//! - so are structural plasticity running on a schedule (`start_pruning`,
//!   `start_creating`) and the baseline of a BOLD monitor's normalised
//!   input in the middle of its period: a network loaded from a file prunes
//!   and creates the same synapses at the same steps, and records the same
//!   BOLD signal, as the saved one;
//! - populations and projections alone, selections of objects, and files
//!   of one object;
//! - every broken or mismatched file is an error whose message says what
//!   is wrong, and leaves the network exactly as it was, run-time state
//!   of the wrong length or out of range included.

use std::path::{Path, PathBuf};

use annarchy::prelude::*;
use annarchy::runtime::decoding::DecodingProjection;
use annarchy::runtime::io::IoOptions;
use annarchy::runtime::npy::{NpyArray, Npz, write_npz};

annarchy::neuron! {
    /// A leaky rate neuron reading a global operation of its own rates.
    struct Rate {
        parameters: "
            tau = 10.0 : population
            drive = 0.0
        ",
        equations: "
            tau * dv/dt + v = drive + sum(exc) - sum(inh) - 0.2 * mean(r)
            r = pos(v)
        ",
    }
}

annarchy::synapse! {
    /// Hebbian learning against a threshold kept per dendrite.
    struct Learning {
        parameters: "
            eta = 0.05 : projection
            tau_theta = 20.0 : postsynaptic
        ",
        equations: "
            tau_theta * dtheta/dt + theta = post.r * post.r : postsynaptic
            dw/dt = eta * pre.r * (post.r - theta) : min = 0.0, max = 1.0
        ",
    }
}

annarchy::neuron! {
    /// Integrate-and-fire neuron without refractory period: `g_exc` is
    /// reset after each step, `g_inh` decays; `since` is the time since
    /// the last spike.
    struct Lif {
        parameters: "
            tau = 10.0 : population
            i_offset = 0.0
            v_thresh = 1.0 : population
        ",
        equations: "
            tau * dv/dt = -v + i_offset + g_exc - g_inh
            5.0 * dg_inh/dt = -g_inh
            since = t - t_last
        ",
        spike: "v > v_thresh",
        reset: "v = 0.0",
    }
}

annarchy::synapse! {
    /// Each pre-synaptic spike strengthens the synapse it crosses.
    struct Growing {
        parameters: "step = 0.02 : projection",
        pre_spike: "
            g_target += w
            w = clip(w + step, 0.0, 2.0)
        ",
    }
}

annarchy::neuron! {
    /// A leaky rate neuron driven by noise.
    struct Noisy {
        equations: "
            10.0 * dv/dt + v = Normal(0.0, 1.0)
            r = v
        ",
    }
}

/// A fresh folder for the files of one test, removed at its end.
struct Folder(PathBuf);

impl std::ops::Deref for Folder {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn dir(test: &str) -> Folder {
    let d = std::env::temp_dir().join(format!("annarchy-network-io-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temporary directory");
    Folder(d)
}

/// A rate-coded network: 3x4 neurons driving 8, which inhibit them back
/// with a uniform delay and excite each other; random connectivity,
/// weights and per-synapse delays drawn from `seed`.
fn rate_network(seed: u64) -> annarchy::Result<Network> {
    rate_network_with(
        seed,
        RandomDistribution::uniform(1.0, 3.0).into(),
        2.0.into(),
    )
}

/// [`rate_network`] with other delays for `ac` and `ca`.
fn rate_network_with(seed: u64, ac_delays: Value, ca_delays: Value) -> annarchy::Result<Network> {
    let mut b = Network::builder().dt(0.5)?.seed(seed);
    b.constant("unused", 1.0);
    let a = b.population::<Rate>("a", (3, 4))?;
    let c = b.population::<Rate>("c", 8)?;
    b.set(
        a,
        "drive",
        (0..12)
            .map(|i| 0.2 + 0.1 * f64::from(i))
            .collect::<Vec<_>>(),
    )?;
    b.set(c, "drive", RandomDistribution::uniform(0.0, 0.5))?;
    b.projection::<Learning>(a, c, "exc")
        .name("ac")
        .delays(ac_delays)
        .connect_fixed_probability(0.5, RandomDistribution::uniform(0.1, 0.5))?;
    b.projection::<DefaultRateSynapse>(c, a, "inh")
        .name("ca")
        .delays(ca_delays)
        .connect_fixed_probability(0.4, RandomDistribution::uniform(0.05, 0.2))?;
    b.projection::<DefaultRateSynapse>(c, c, "exc")
        .name("cc")
        .connect_fixed_number_pre(3, RandomDistribution::uniform(0.0, 0.1))?;
    b.build()
}

/// A spiking network: 20 regular spikers exciting 10 neurons through a
/// uniform delay, which inhibit them back through per-synapse delays with
/// plastic weights.
fn spiking_network(seed: u64) -> annarchy::Result<Network> {
    spiking_network_with(
        seed,
        2.0.into(),
        RandomDistribution::uniform(0.5, 3.0).into(),
    )
}

/// [`spiking_network`] with other delays for `exc` and `inh`.
fn spiking_network_with(
    seed: u64,
    exc_delays: Value,
    inh_delays: Value,
) -> annarchy::Result<Network> {
    let mut b = Network::builder().dt(0.25)?.seed(seed);
    let src = b.population::<Lif>("src", 20)?;
    let dst = b.population::<Lif>("dst", 10)?;
    b.set(
        src,
        "i_offset",
        (0..20)
            .map(|i| 1.2 + 0.05 * f64::from(i))
            .collect::<Vec<_>>(),
    )?;
    b.set(dst, "i_offset", 0.9)?;
    b.projection::<DefaultSpikingSynapse>(src, dst, "exc")
        .name("exc")
        .delays(exc_delays)
        .connect_fixed_probability(0.3, RandomDistribution::uniform(2.0, 6.0))?;
    b.projection::<Growing>(dst, src, "inh")
        .name("inh")
        .delays(inh_delays)
        .connect_fixed_number_pre(4, RandomDistribution::uniform(0.1, 0.3))?;
    b.projection::<DefaultSpikingSynapse>(src, src, "exc")
        .name("rec")
        .connect_fixed_probability(0.1, 0.05)?;
    b.build()
}

/// Bit patterns, to compare `f64` values exactly (NaN included).
fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Every attribute of every population and projection, the connectivity
/// and delays of each projection, and the time, as bit patterns.
fn everything(net: &Network) -> Vec<(String, Vec<u64>)> {
    let mut out = vec![("step".to_string(), vec![net.get_current_step() as u64])];
    for pop in net.populations() {
        let name = net.population_name(pop).to_string();
        for attr in [
            "v", "r", "g_exc", "g_inh", "since", "i_offset", "drive", "tau", "sum(exc)",
            "sum(inh)", "proba", "p",
        ] {
            if let Ok(values) = net.get(pop, attr) {
                out.push((format!("{name}.{attr}"), bits(&values)));
            }
        }
    }
    for proj in net.projections(None, None, None) {
        let name = net.projection_name(proj).to_string();
        let conn = net.connectivity(proj);
        out.push((
            format!("{name}.post_ranks"),
            conn.post_ranks.iter().map(|&r| u64::from(r)).collect(),
        ));
        out.push((
            format!("{name}.row_ptr"),
            conn.row_ptr.iter().map(|&r| r as u64).collect(),
        ));
        out.push((
            format!("{name}.pre_ranks"),
            conn.pre_ranks.iter().map(|&r| u64::from(r)).collect(),
        ));
        out.push((format!("{name}.delay"), bits(&net.delay(proj))));
        for attr in ["w", "theta", "eta", "tau_theta", "step", "u", "x", "y"] {
            if let Ok(values) = net.proj_get(proj, attr) {
                out.push((format!("{name}.{attr}"), bits(&values)));
            }
        }
    }
    out
}

/// Runs `saved` (the network a file was saved from) and `loaded` side by
/// side for `steps` steps and asserts that they stay identical: the
/// values after every step, the spikes of every step.
fn assert_same_run(saved: &mut Network, loaded: &mut Network, steps: usize) {
    let same = |saved: &Network, loaded: &Network, when: &str| {
        let (a, b) = (everything(saved), everything(loaded));
        let differ: Vec<&str> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x != y)
            .map(|(x, _)| x.0.as_str())
            .collect();
        assert!(
            a.len() == b.len() && differ.is_empty(),
            "{when}: {differ:?} differ"
        );
    };
    same(saved, loaded, "right after the load");
    let pops = saved.populations();
    let mut spikes = 0;
    for k in 0..steps {
        saved.step();
        loaded.step();
        for &pop in &pops {
            assert_eq!(saved.spiked(pop), loaded.spiked(pop), "spikes of step {k}");
            spikes += saved.spiked(pop).len();
        }
        same(saved, loaded, &format!("after step {k}"));
    }
    if pops.iter().any(|&p| saved.get(p, "g_exc").is_ok()) {
        assert!(spikes > 50, "the spiking network spikes ({spikes} spikes)");
    }
}

#[test]
fn numpy_archives_are_read_stored_and_deflated() -> annarchy::Result<()> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for file in ["savez.npz", "savez_compressed.npz"] {
        let npz = Npz::read(data.join(file))?;
        let mut names: Vec<&str> = npz.names().collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "bool",
                "f64",
                "f64_big_endian",
                "fortran",
                "i32_big_endian",
                "i64",
                "names",
                "scalar",
                "u32"
            ],
            "{file}"
        );
        assert_eq!(
            npz.get("f64")?,
            NpyArray::F64 {
                shape: vec![2, 3],
                data: vec![0.1, -2.5, 3.0, 1e300, -0.0, 6.25]
            }
        );
        assert_eq!(
            npz.get("f64_big_endian")?,
            NpyArray::F64 {
                shape: vec![2],
                data: vec![1.5, -7.25]
            }
        );
        assert_eq!(
            npz.get("i64")?,
            NpyArray::I64 {
                shape: vec![3],
                data: vec![i64::MIN, 0, i64::MAX]
            }
        );
        assert_eq!(
            npz.get("i32_big_endian")?,
            NpyArray::I32 {
                shape: vec![2, 1],
                data: vec![-5, 70000]
            }
        );
        assert_eq!(
            npz.get("u32")?,
            NpyArray::U32 {
                shape: vec![2],
                data: vec![0, u32::MAX]
            }
        );
        assert_eq!(
            npz.get("bool")?,
            NpyArray::Bool {
                shape: vec![3],
                data: vec![true, false, true]
            }
        );
        assert_eq!(npz.get("names")?, NpyArray::strings(&["pop1", "pré", ""]));
        assert_eq!(npz.get("scalar")?, NpyArray::scalar_f64(0.125));
        let err = npz.get("fortran").unwrap_err().to_string();
        assert!(
            err.contains("Fortran") && err.contains(file) && err.contains("`fortran`"),
            "{err}"
        );
    }
    Ok(())
}

/// The entries of a zip archive written without compression: name, method.
fn zip_methods(zip: &[u8]) -> Vec<(String, u16)> {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes(zip[i..i + 4].try_into().expect("4 bytes"));
    let end = zip.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "end of central directory");
    let mut at = u32_at(end + 16) as usize;
    (0..u16_at(end + 10))
        .map(|_| {
            assert_eq!(u32_at(at), 0x0201_4b50);
            let n = usize::from(u16_at(at + 28));
            let name = String::from_utf8(zip[at + 46..at + 46 + n].to_vec()).expect("name");
            let method = u16_at(at + 10);
            at += 46 + n;
            (name, method)
        })
        .collect()
}

#[test]
fn the_file_has_the_documented_layout() -> annarchy::Result<()> {
    let mut net = spiking_network(3)?;
    net.simulate(20.0)?;
    let d = dir("layout");
    let path = d.join("state.npz");
    net.save(&path)?;
    let bytes = std::fs::read(&path).expect("written");
    let methods = zip_methods(&bytes);
    assert!(methods.iter().all(|(n, m)| *m == 0 && n.ends_with(".npy")));
    // No object array (pickle) anywhere: every header names a plain dtype.
    assert!(!String::from_utf8_lossy(&bytes).contains("'|O'"));

    let npz = Npz::read(&path)?;
    assert_eq!(
        npz.get("format")?,
        NpyArray::scalar_str("annarchy network state")
    );
    assert_eq!(npz.get("version")?, NpyArray::scalar_i64(1));
    assert_eq!(npz.get("dt")?, NpyArray::scalar_f64(0.25));
    assert_eq!(npz.get("time_step")?, NpyArray::scalar_i64(80));
    assert_eq!(npz.get("populations")?, NpyArray::strings(&["src", "dst"]));
    assert_eq!(
        npz.get("projections")?,
        NpyArray::strings(&["exc", "inh", "rec"])
    );
    assert_eq!(npz.get("pop/src/meta/geometry")?.to_i64(), Some(vec![20]));
    assert_eq!(npz.get("pop/dst/meta/size")?, NpyArray::scalar_i64(10));
    assert_eq!(npz.get("pop/dst/meta/model")?, NpyArray::scalar_str("Lif"));
    assert_eq!(
        npz.get("pop/dst/meta/parameters")?,
        NpyArray::strings(&["tau", "i_offset", "v_thresh"])
    );
    assert_eq!(
        npz.get("pop/dst/meta/variables")?,
        NpyArray::strings(&["v", "g_inh", "since", "g_exc", "r"])
    );
    assert_eq!(npz.get("pop/src/tau")?, NpyArray::scalar_f64(10.0));
    let src = net.get_population("src")?;
    assert_eq!(
        npz.get("pop/src/v")?,
        NpyArray::F64 {
            shape: vec![20],
            data: net.get(src, "v")?
        }
    );
    let last = npz
        .get("pop/src/spikes/last_spike")?
        .to_i64()
        .expect("ints");
    assert_eq!(last.len(), 20);
    assert!(
        last.iter().all(|&s| s == -10000 || (0..80).contains(&s)),
        "{last:?}"
    );
    assert!(last.iter().any(|&s| s >= 0), "{last:?}");
    // The uniform delay of 2 ms keeps 8 steps of spikes of `src`.
    assert_eq!(npz.get("pop/src/spikes/history_sizes")?.shape(), [8]);
    let exc = net.get_projection("exc")?;
    let conn = net.connectivity(exc);
    let as_i64 = |v: &[u32]| v.iter().map(|&x| i64::from(x)).collect::<Vec<_>>();
    assert_eq!(
        npz.get("proj/exc/connectivity/post_ranks")?.to_i64(),
        Some(as_i64(&conn.post_ranks))
    );
    assert_eq!(
        npz.get("proj/exc/connectivity/pre_ranks")?.to_i64(),
        Some(as_i64(&conn.pre_ranks))
    );
    let sizes = npz
        .get("proj/exc/connectivity/dendrite_sizes")?
        .to_i64()
        .expect("ints");
    assert_eq!(sizes.iter().sum::<i64>() as usize, conn.nb_synapses());
    assert_eq!(
        npz.get("proj/exc/connectivity/delay_type")?,
        NpyArray::scalar_str("uniform")
    );
    assert_eq!(
        npz.get("proj/exc/connectivity/delays")?,
        NpyArray::scalar_i64(8)
    );
    assert_eq!(
        npz.get("proj/exc/w")?,
        NpyArray::F64 {
            shape: vec![conn.nb_synapses()],
            data: net.proj_get(exc, "w")?
        }
    );
    assert_eq!(
        npz.get("proj/inh/connectivity/delay_type")?,
        NpyArray::scalar_str("per_synapse")
    );
    assert_eq!(npz.get("proj/inh/step")?, NpyArray::scalar_f64(0.02));
    assert_eq!(npz.get("proj/inh/meta/pre")?, NpyArray::scalar_str("dst"));
    assert_eq!(
        npz.get("proj/inh/meta/target")?,
        NpyArray::scalar_str("inh")
    );
    // Spikes are on their way through the per-synapse delays.
    let pending = npz.get("proj/inh/spikes/pending")?;
    assert!(!pending.is_empty());
    assert!(npz.contains("proj/inh/spikes/pending_sizes"));
    assert!(!npz.contains("proj/exc/spikes/pending"));

    // A rate-coded population keeps its sums and the past values its
    // delayed projections read.
    let mut rate = rate_network(1)?;
    rate.simulate(5.0)?;
    let path = d.join("rate.npz");
    rate.save(&path)?;
    let npz = Npz::read(&path)?;
    assert_eq!(npz.get("pop/a/r")?.shape(), [3, 4]);
    assert_eq!(npz.get("pop/a/sum/inh")?.shape(), [3, 4]);
    let a = rate.get_population("a")?;
    assert_eq!(
        npz.get("pop/a/sum/inh")?.to_f64(),
        Some(rate.get(a, "sum(inh)")?)
    );
    // `ca` reads `c.r` 2 ms (4 steps) late, `ac` reads `a.r` with delays
    // of up to 3 ms (6 steps): rows of one value per neuron, in rank order.
    assert_eq!(npz.get("pop/c/delayed/r")?.shape(), [4, 8]);
    let a_delayed = npz.get("pop/a/delayed/r")?;
    let ac_delays = rate.delay(rate.get_projection("ac")?);
    let longest = ac_delays.iter().fold(0.0f64, |m, &d| m.max(d));
    assert_eq!(a_delayed.shape(), [(longest / 0.5).round() as usize, 12]);
    assert_eq!(
        npz.get("proj/ac/theta")?.shape(),
        [rate.post_ranks(rate.get_projection("ac")?).len()]
    );
    assert_eq!(npz.get("constant_names")?, NpyArray::strings(&["unused"]));
    Ok(())
}

#[test]
fn a_rate_coded_network_resumes_exactly() -> annarchy::Result<()> {
    let mut saved = rate_network(1)?;
    saved.simulate(30.0)?;
    let d = dir("rate");
    let path = d.join("state.npz");
    saved.save(&path)?;
    let mut loaded = rate_network(2)?;
    // Another seed: other connectivity, weights and delays.
    let ac = loaded.get_projection("ac")?;
    assert_ne!(
        loaded.connectivity(ac),
        saved.connectivity(saved.get_projection("ac")?)
    );
    loaded.simulate(7.0)?;
    loaded.load(&path)?;
    assert_eq!(loaded.get_time(), 30.0);
    assert_same_run(&mut saved, &mut loaded, 100);
    let w = loaded.proj_get(ac, "w")?;
    assert!(
        w.iter().any(|&x| x > 0.0 && x < 1.0),
        "learning runs: {w:?}"
    );
    Ok(())
}

#[test]
fn a_spiking_network_resumes_exactly() -> annarchy::Result<()> {
    let mut saved = spiking_network(1)?;
    saved.simulate(40.0)?;
    // Saved right after a step in which both populations spiked: these
    // spikes are still to be delivered.
    let (src, dst) = (saved.get_population("src")?, saved.get_population("dst")?);
    let mut steps = 0;
    while saved.spiked(src).is_empty() || saved.spiked(dst).is_empty() {
        saved.step();
        steps += 1;
        assert!(steps < 4000, "both populations spike in the same step");
    }
    let d = dir("spiking");
    let path = d.join("state.npz");
    saved.save(&path)?;
    let npz = Npz::read(&path)?;
    for key in ["proj/inh/spikes/pending", "pop/src/spikes/history"] {
        assert!(!npz.get(key)?.is_empty(), "{key} is empty");
    }
    let mut loaded = spiking_network(2)?;
    let inh = loaded.get_projection("inh")?;
    assert_ne!(
        loaded.connectivity(inh),
        saved.connectivity(saved.get_projection("inh")?)
    );
    loaded.simulate(3.0)?;
    loaded.load(&path)?;
    assert_same_run(&mut saved, &mut loaded, 400);
    Ok(())
}

/// 12 `IF_cond_exp` neurons with a refractory period of 5 ms, driven hard
/// enough to spend much of their time in it, exciting each other.
fn refractory_network(seed: u64) -> annarchy::Result<Network> {
    let mut b = Network::builder().dt(0.1)?.seed(seed);
    let p = b.population::<IF_cond_exp>("p", 12)?;
    b.set(p, "tau_refrac", 5.0)?;
    b.set(
        p,
        "i_offset",
        (0..12)
            .map(|i| 2.0 + 0.25 * f64::from(i))
            .collect::<Vec<_>>(),
    )?;
    b.projection::<DefaultSpikingSynapse>(p, p, "exc")
        .name("rec")
        .connect_fixed_probability(0.3, RandomDistribution::uniform(0.0, 0.01))?;
    b.build()
}

/// Regular spikers exciting 10 neurons through `STP` and `STDP` synapses
/// (event-driven equations), with facilitation slow enough to matter.
fn plastic_network(seed: u64) -> annarchy::Result<Network> {
    let mut b = Network::builder().dt(0.25)?.seed(seed);
    let src = b.population::<Lif>("src", 20)?;
    let dst = b.population::<Lif>("dst", 10)?;
    b.set(
        src,
        "i_offset",
        (0..20)
            .map(|i| 1.2 + 0.05 * f64::from(i))
            .collect::<Vec<_>>(),
    )?;
    b.set(dst, "i_offset", 0.8)?;
    let stp = b
        .projection::<STP>(src, dst, "exc")
        .name("stp")
        .connect_fixed_probability(0.4, RandomDistribution::uniform(1.0, 3.0))?;
    b.proj_set(stp, "tau_facil", 50.0)?;
    b.proj_set(stp, "U", 0.2)?;
    b.projection::<STDP>(src, dst, "exc")
        .name("stdp")
        .connect_fixed_probability(0.4, RandomDistribution::uniform(0.2, 0.8))?;
    b.build()
}

/// Inputs with schedules: a repeating `TimedArray`, a
/// `TimedPoissonPopulation`, a `SpikeSourceArray` read through a decoding
/// projection with a window of 3 ms, all driving rate-coded neurons.
fn inputs_network(seed: u64) -> annarchy::Result<Network> {
    let mut b = Network::builder().dt(0.5)?.seed(seed);
    let rows = (0..4)
        .map(|k| (0..3).map(|i| f64::from(k * 3 + i) / 10.0).collect())
        .collect();
    let ta = b.timed_array("ta", 3, rows, Schedule::Every(2.0), 10.0)?;
    b.timed_poisson(
        "tp",
        4,
        vec![vec![100.0], vec![400.0], vec![50.0]],
        Schedule::Times(vec![0.0, 9.0, 17.5]),
        -1.0,
    )?;
    let ssa = b.spike_source_array(
        "ssa",
        &[
            vec![1.0, 3.0, 7.5, 13.0, 14.0, 20.0, 30.0],
            vec![2.0, 2.5, 12.5, 15.0, 16.0, 40.0],
            vec![11.0, 12.0, 13.5, 25.0],
        ],
    )?;
    let out = b.population::<Rate>("out", 3)?;
    b.projection::<DefaultRateSynapse>(ta, out, "exc")
        .name("ta_out")
        .connect_one_to_one(1.0)?;
    let dec = b
        .projection::<DecodingProjection>(ssa, out, "inh")
        .name("decoding")
        .connect_all_to_all(0.01)?;
    b.proj_set(dec, "window", 3.0)?;
    b.build()
}

#[test]
fn refractory_periods_resume_exactly() -> annarchy::Result<()> {
    let mut saved = refractory_network(1)?;
    saved.simulate(50.0)?;
    let d = dir("refractory");
    let path = d.join("state.npz");
    saved.save(&path)?;
    let npz = Npz::read(&path)?;
    let left = npz.get("pop/p/run/refractory")?.to_i64().expect("ints");
    assert_eq!(left.len(), 12);
    // Saved in the middle of refractory periods of up to 50 steps.
    let refractory = left.iter().filter(|&&s| s > 0).count();
    assert!(refractory >= 4, "{left:?}");
    assert!(left.iter().all(|&s| (0..=50).contains(&s)), "{left:?}");
    let mut loaded = refractory_network(2)?;
    loaded.simulate(13.3)?;
    loaded.load(&path)?;
    assert_same_run(&mut saved, &mut loaded, 500);
    Ok(())
}

#[test]
fn event_driven_synapses_resume_exactly() -> annarchy::Result<()> {
    let mut saved = plastic_network(1)?;
    saved.simulate(37.0)?;
    let d = dir("event-driven");
    let path = d.join("state.npz");
    saved.save(&path)?;
    let npz = Npz::read(&path)?;
    for proj in ["stp", "stdp"] {
        let last = npz
            .get(&format!("proj/{proj}/run/last_event"))?
            .to_i64()
            .expect("ints");
        let id = saved.get_projection(proj)?;
        assert_eq!(last.len(), saved.connectivity(id).nb_synapses());
        assert!(last.iter().all(|&s| s == -10000 || (0..148).contains(&s)));
        assert!(last.iter().any(|&s| s > 100), "{proj}: recent events");
    }
    let mut loaded = plastic_network(2)?;
    loaded.simulate(11.0)?;
    loaded.load(&path)?;
    assert_same_run(&mut saved, &mut loaded, 400);
    let stdp = saved.get_projection("stdp")?;
    let (before, after) = (npz.get("proj/stdp/w")?.to_f64(), saved.proj_get(stdp, "w")?);
    assert_ne!(before, Some(after), "STDP learns");
    Ok(())
}

#[test]
fn inputs_resume_their_schedules_exactly() -> annarchy::Result<()> {
    let mut saved = inputs_network(1)?;
    saved.simulate(12.5)?;
    let d = dir("inputs");
    let path = d.join("state.npz");
    saved.save(&path)?;
    let npz = Npz::read(&path)?;
    // 25 steps, a period of 20 and a row every 4: step 5 of the second
    // round, its rows 0 and 1 taken, row 2 next.
    assert_eq!(npz.get("pop/ta/run/step")?.to_i64(), Some(vec![5]));
    assert_eq!(npz.get("pop/ta/run/row")?.to_i64(), Some(vec![2]));
    assert_eq!(npz.get("pop/tp/run/row")?.to_i64(), Some(vec![2]));
    assert_eq!(npz.get("pop/ssa/run/step")?.to_i64(), Some(vec![25]));
    // Six steps of the window, three dendrites each.
    assert_eq!(npz.get("proj/decoding/run/window_counts")?.shape(), [18]);
    // The same seed (the Poisson draws depend on it), another point of
    // the run.
    let mut loaded = inputs_network(1)?;
    loaded.simulate(4.5)?;
    loaded.load(&path)?;
    let (ssa, out) = (saved.get_population("ssa")?, saved.get_population("out")?);
    let mut spikes = 0;
    for k in 0..80 {
        saved.step();
        loaded.step();
        spikes += saved.spiked(ssa).len();
        assert_eq!(saved.spiked(ssa), loaded.spiked(ssa), "step {k}");
        assert!(everything(&saved) == everything(&loaded), "step {k}");
    }
    assert_eq!(spikes, 10, "the spikes from 12.5 ms on");
    assert!(saved.get(out, "sum(inh)")?.iter().all(|&x| x == 0.0));
    Ok(())
}

#[test]
fn run_time_state_that_does_not_fit_is_an_error_that_changes_nothing() -> annarchy::Result<()> {
    let d = dir("run-state");
    let ints = |data: Vec<i64>| NpyArray::I64 {
        shape: vec![data.len()],
        data,
    };
    let mut cases: Vec<(Network, &str, Edit, &str)> = Vec::new();
    cases.push((
        refractory_network(1)?,
        "short.npz",
        Box::new(move |e| replace(e, "pop/p/run/refractory", ints(vec![0; 11]))),
        "holds 11 values instead of 12",
    ));
    cases.push((
        refractory_network(1)?,
        "negative.npz",
        Box::new(move |e| replace(e, "pop/p/run/refractory", ints(vec![-1; 12]))),
        "holds -1, not a count",
    ));
    cases.push((
        refractory_network(1)?,
        "absent.npz",
        Box::new(|e| e.retain(|(n, _)| n != "pop/p/run/refractory")),
        "no entry `pop/p/run/refractory`",
    ));
    cases.push((
        refractory_network(1)?,
        "unknown.npz",
        Box::new(move |e| e.push(("pop/p/run/since".into(), ints(vec![0; 12])))),
        "run-time state `since` of population `p`, which its model does not keep",
    ));
    cases.push((
        plastic_network(1)?,
        "events.npz",
        Box::new(move |e| replace(e, "proj/stp/run/last_event", ints(vec![0; 3]))),
        "`last_event` holds 3 values instead of",
    ));
    cases.push((
        inputs_network(1)?,
        "row.npz",
        Box::new(move |e| replace(e, "pop/ta/run/row", ints(vec![4]))),
        "`row` is 4, but the schedule has 4 rows",
    ));
    cases.push((
        inputs_network(1)?,
        "window.npz",
        Box::new(|e| {
            let counts = NpyArray::F64 {
                shape: vec![4],
                data: vec![0.0; 4],
            };
            replace(e, "proj/decoding/run/window_counts", counts);
        }),
        "not rows of 3",
    ));
    for (mut net, name, edit, expected) in cases {
        net.simulate(20.0)?;
        let good = d.join("good.npz");
        net.save(&good)?;
        rewrite(&good, &d.join(name), edit);
        net.simulate(3.0)?;
        net.save(d.join("before.npz"))?;
        let text = net.load(d.join(name)).unwrap_err().to_string();
        assert!(text.contains(expected), "{name}: {text}");
        net.save(d.join("after.npz"))?;
        assert!(
            std::fs::read(d.join("after.npz")).expect("written")
                == std::fs::read(d.join("before.npz")).expect("written"),
            "{name} changed the network"
        );
        net.load(&good)?;
        assert_eq!(net.get_time(), 20.0);
    }
    Ok(())
}

#[test]
fn the_delays_of_the_file_replace_the_networks() -> annarchy::Result<()> {
    // The loaded networks were built with other kinds of delays: none
    // where the file has some, uniform where it has per-synapse ones and
    // the reverse. Loading sets up the delay structures of the file's.
    let mut saved = rate_network(1)?;
    saved.simulate(20.0)?;
    let d = dir("delays");
    let path = d.join("rate.npz");
    saved.save(&path)?;
    let mut loaded =
        rate_network_with(2, 0.0.into(), RandomDistribution::uniform(0.5, 2.5).into())?;
    loaded.load(&path)?;
    assert_eq!(
        loaded.delay(loaded.get_projection("ca")?),
        vec![2.0],
        "uniform again"
    );
    assert_same_run(&mut saved, &mut loaded, 60);

    let mut saved = spiking_network(1)?;
    saved.simulate(30.0)?;
    let path = d.join("spiking.npz");
    saved.save(&path)?;
    let mut loaded = spiking_network_with(2, 0.0.into(), 1.5.into())?;
    loaded.simulate(2.0)?;
    loaded.load(&path)?;
    assert_same_run(&mut saved, &mut loaded, 300);
    Ok(())
}

#[test]
fn noise_resumes_exactly_with_the_same_seed() -> annarchy::Result<()> {
    let noisy = |seed: u64| -> annarchy::Result<(Network, AnyPop)> {
        let mut b = Network::builder().seed(seed);
        let p = b.population::<Noisy>("p", 5)?;
        Ok((b.build()?, p.into()))
    };
    let (mut saved, p) = noisy(11)?;
    saved.simulate(25.0)?;
    let d = dir("noise");
    let path = d.join("state.npz");
    saved.save(&path)?;
    let (mut same_seed, _) = noisy(11)?;
    let (mut other_seed, _) = noisy(12)?;
    same_seed.load(&path)?;
    other_seed.load(&path)?;
    saved.simulate(10.0)?;
    same_seed.simulate(10.0)?;
    other_seed.simulate(10.0)?;
    assert_eq!(bits(&same_seed.get(p, "v")?), bits(&saved.get(p, "v")?));
    assert_ne!(
        other_seed.get(p, "v")?,
        saved.get(p, "v")?,
        "the seed is not saved"
    );
    Ok(())
}

#[test]
fn loading_twice_and_into_the_saved_network_changes_nothing() -> annarchy::Result<()> {
    let mut net = spiking_network(4)?;
    net.simulate(10.0)?;
    let d = dir("twice");
    net.save(d.join("a.npz"))?;
    net.load(d.join("a.npz"))?;
    net.load(d.join("a.npz"))?;
    net.save(d.join("b.npz"))?;
    assert_eq!(
        std::fs::read(d.join("a.npz")).expect("a"),
        std::fs::read(d.join("b.npz")).expect("b")
    );
    Ok(())
}

#[test]
fn populations_or_projections_alone() -> annarchy::Result<()> {
    let d = dir("options");
    let mut saved = rate_network(1)?;
    saved.simulate(10.0)?;
    saved.save_with(d.join("pops.npz"), IoOptions::POPULATIONS)?;
    let npz = Npz::read(d.join("pops.npz"))?;
    assert_eq!(npz.get("projections")?, NpyArray::strings::<&str>(&[]));
    assert!(npz.names().all(|n| !n.starts_with("proj/")));
    assert!(npz.contains("pop/a/r"));

    // Only the projections of a full file: the populations stay as they were.
    saved.save(d.join("all.npz"))?;
    let mut net = rate_network(2)?;
    let (a, ac) = (net.get_population("a")?, net.get_projection("ac")?);
    let r_before = net.get(a, "r")?;
    net.load_with(d.join("all.npz"), IoOptions::PROJECTIONS)?;
    assert_eq!(net.get(a, "r")?, r_before);
    assert_eq!(
        bits(&net.proj_get(ac, "w")?),
        bits(&saved.proj_get(saved.get_projection("ac")?, "w")?)
    );
    assert_eq!(net.get_current_step(), saved.get_current_step());
    // Then only the populations: now the network is the saved one.
    net.load_with(d.join("all.npz"), IoOptions::POPULATIONS)?;
    assert_same_run(&mut saved, &mut net, 20);
    Ok(())
}

#[test]
fn one_population_or_one_projection() -> annarchy::Result<()> {
    let d = dir("objects");
    let mut saved = spiking_network(1)?;
    saved.simulate(12.0)?;
    let src = saved.get_population("src")?;
    let inh = saved.get_projection("inh")?;
    saved.save_population(src, d.join("src.npz"))?;
    saved.save_projection(inh, d.join("inh.npz"))?;
    let npz = Npz::read(d.join("src.npz"))?;
    assert_eq!(npz.get("populations")?, NpyArray::strings(&["src"]));
    assert!(!npz.contains("time_step") && !npz.contains("pop/dst/v"));
    let npz = Npz::read(d.join("inh.npz"))?;
    assert_eq!(npz.get("projections")?, NpyArray::strings(&["inh"]));
    assert!(npz.names().all(|n| !n.starts_with("pop/")));

    let mut net = spiking_network(2)?;
    let (net_src, net_dst, net_inh) = (
        net.get_population("src")?,
        net.get_population("dst")?,
        net.get_projection("inh")?,
    );
    let dst_v = net.get(net_dst, "v")?;
    net.load_population(net_src, d.join("src.npz"))?;
    net.load_projection(net_inh, d.join("inh.npz"))?;
    assert_eq!(bits(&net.get(net_src, "v")?), bits(&saved.get(src, "v")?));
    assert_eq!(
        net.get(net_dst, "v")?,
        dst_v,
        "another population is untouched"
    );
    assert_eq!(net.connectivity(net_inh), saved.connectivity(inh));
    assert_eq!(
        bits(&net.proj_get(net_inh, "w")?),
        bits(&saved.proj_get(inh, "w")?)
    );
    assert_eq!(
        net.get_current_step(),
        0,
        "a population's file holds no time"
    );

    // The only population of a file loads into a population of another
    // name with the same geometry; a file of several needs the name.
    let dst = saved.get_population("dst")?;
    saved.save_population(dst, d.join("dst.npz"))?;
    let err = net
        .load_population(net_src, d.join("dst.npz"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("geometry"), "{err}");
    saved.save(d.join("all.npz"))?;
    net.load_population(net_dst, d.join("all.npz"))?;
    assert_eq!(bits(&net.get(net_dst, "v")?), bits(&saved.get(dst, "v")?));
    let err = net
        .load_projection(net_inh, d.join("src.npz"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no projection named `inh`"), "{err}");
    Ok(())
}

#[test]
fn a_missing_folder_is_created_and_other_formats_are_refused() -> annarchy::Result<()> {
    let d = dir("folders");
    let mut net = rate_network(1)?;
    let path = d.join("a/b/state.npz");
    net.save(&path)?;
    assert!(path.is_file());
    for name in ["state.data", "state.txt.gz", "state.mat", "state"] {
        let err = net.save(d.join(name)).unwrap_err().to_string();
        assert!(err.contains(".npz") && err.contains(name), "{err}");
        assert!(!d.join(name).exists());
        let err = net.load(d.join(name)).unwrap_err().to_string();
        assert!(err.contains(".npz"), "{err}");
    }
    net.load(&path)?;
    Ok(())
}

/// The arrays of a file, by name.
type Entries = Vec<(String, NpyArray)>;

/// A change to the arrays of a file.
type Edit = Box<dyn FnOnce(&mut Entries)>;

/// Rewrites the file `from` as `to`, its entries changed by `edit`.
fn rewrite(from: &Path, to: &Path, edit: impl FnOnce(&mut Entries)) {
    let npz = Npz::read(from).expect("readable");
    let mut entries: Entries = npz
        .names()
        .map(|n| (n.to_string(), npz.get(n).expect("array")))
        .collect();
    edit(&mut entries);
    write_npz(to, &entries).expect("written");
}

fn replace(entries: &mut [(String, NpyArray)], key: &str, value: NpyArray) {
    let e = entries
        .iter_mut()
        .find(|(n, _)| n == key)
        .unwrap_or_else(|| panic!("no entry {key}"));
    e.1 = value;
}

#[test]
fn broken_files_are_errors_that_change_nothing() -> annarchy::Result<()> {
    let d = dir("broken");
    let mut other = spiking_network(7)?;
    other.simulate(9.0)?;
    let good = d.join("good.npz");
    other.save(&good)?;
    let bytes = std::fs::read(&good).expect("written");
    std::fs::write(d.join("truncated.npz"), &bytes[..bytes.len() * 2 / 3]).expect("written");
    std::fs::write(d.join("text.npz"), "time_step = 10\n".repeat(10)).expect("written");
    // A byte of the first entry's data.
    let mut damaged = bytes.clone();
    damaged[30 + usize::from(u16::from_le_bytes([bytes[26], bytes[27]])) + 20] ^= 0x55;
    std::fs::write(d.join("damaged.npz"), damaged).expect("written");
    write_npz(d.join("foreign.npz"), &[("x", NpyArray::scalar_f64(1.0))])?;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "missing.npz",
            Box::new(|e| e.retain(|(n, _)| n != "proj/exc/connectivity/pre_ranks")),
        ),
        (
            "ghost.npz",
            Box::new(|e| {
                replace(e, "populations", NpyArray::strings(&["src", "ghost"]));
            }),
        ),
        (
            "attribute.npz",
            Box::new(|e| {
                replace(
                    e,
                    "pop/dst/meta/parameters",
                    NpyArray::strings(&["tau", "i_offset", "v_thres", "v_thresh"]),
                );
            }),
        ),
        (
            "size.npz",
            Box::new(|e| {
                replace(
                    e,
                    "pop/dst/v",
                    NpyArray::F64 {
                        shape: vec![9],
                        data: vec![0.0; 9],
                    },
                );
            }),
        ),
        (
            "geometry.npz",
            Box::new(|e| {
                replace(
                    e,
                    "pop/dst/meta/geometry",
                    NpyArray::I64 {
                        shape: vec![2],
                        data: vec![2, 5],
                    },
                );
            }),
        ),
        (
            "rank.npz",
            Box::new(|e| {
                let NpyArray::I64 { shape, mut data } = e
                    .iter()
                    .find(|(n, _)| n == "proj/exc/connectivity/pre_ranks")
                    .map(|(_, a)| a.clone())
                    .expect("pre_ranks")
                else {
                    panic!("int64 ranks")
                };
                data[0] = 20;
                replace(
                    e,
                    "proj/exc/connectivity/pre_ranks",
                    NpyArray::I64 { shape, data },
                );
            }),
        ),
        (
            "pre.npz",
            Box::new(|e| replace(e, "proj/exc/meta/pre", NpyArray::scalar_str("dst"))),
        ),
        (
            "dt.npz",
            Box::new(|e| replace(e, "dt", NpyArray::scalar_f64(0.1))),
        ),
        (
            "constant.npz",
            Box::new(|e| {
                replace(e, "constant_names", NpyArray::strings(&["g"]));
                replace(
                    e,
                    "constant_values",
                    NpyArray::F64 {
                        shape: vec![1],
                        data: vec![1.0],
                    },
                );
            }),
        ),
        (
            "strings.npz",
            Box::new(|e| replace(e, "pop/src/v", NpyArray::strings(&["a"; 20]))),
        ),
    ];
    for (name, edit) in edits {
        rewrite(&good, &d.join(name), edit);
    }
    let cases = [
        ("truncated.npz", "truncated"),
        ("text.npz", "not a zip archive"),
        ("damaged.npz", "damaged"),
        ("foreign.npz", "not the state of a network"),
        ("absent.npz", "cannot be read"),
        ("missing.npz", "no entry `proj/exc/connectivity/pre_ranks`"),
        ("ghost.npz", "no population named `ghost`"),
        (
            "attribute.npz",
            "no attribute named `v_thres` (did you mean `v_thresh`?)",
        ),
        ("size.npz", "population `dst`.v (in file"),
        ("geometry.npz", "geometry [2, 5]"),
        ("rank.npz", "out of the range 0..20"),
        ("pre.npz", "from `dst` to `dst`"),
        ("dt.npz", "dt = 0.1 ms"),
        ("constant.npz", "no constant named `g`"),
        ("strings.npz", "holds strings"),
    ];
    let mut net = spiking_network(1)?;
    net.simulate(5.0)?;
    net.save(d.join("before.npz"))?;
    let before = std::fs::read(d.join("before.npz")).expect("written");
    for (name, expected) in cases {
        let err = net.load(d.join(name)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(expected), "{name}: {text}");
        net.save(d.join("after.npz"))?;
        assert!(
            std::fs::read(d.join("after.npz")).expect("written") == before,
            "{name} changed the network"
        );
    }
    // The untouched file loads.
    net.load(&good)?;
    assert_eq!(net.get_current_step(), other.get_current_step());
    Ok(())
}

#[test]
fn numpy_reads_a_saved_network() -> annarchy::Result<()> {
    let python = std::env::var("ANNARCHY_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_numpy = std::process::Command::new(&python)
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_numpy {
        println!(
            "skipped: `{python}` cannot import numpy (set ANNARCHY_PYTHON to a Python that can)"
        );
        return Ok(());
    }
    let mut net = rate_network(1)?;
    net.simulate(3.0)?;
    let d = dir("numpy");
    let path = d.join("state.npz");
    net.save(&path)?;
    let a = net.get_population("a")?;
    let ac = net.get_projection("ac")?;
    let r = net.get(a, "r")?;
    let w = net.proj_get(ac, "w")?;
    let script = format!(
        r#"
import sys, numpy as np
f = np.load(sys.argv[1], allow_pickle=False)
assert str(f["format"]) == "annarchy network state"
assert int(f["time_step"]) == 6 and float(f["dt"]) == 0.5
assert list(f["populations"]) == ["a", "c"], f["populations"]
assert f["pop/a/r"].shape == (3, 4) and f["pop/a/r"].dtype == np.float64
assert np.array_equal(f["pop/a/r"].ravel(), np.array({r:?}))
sizes = f["proj/ac/connectivity/dendrite_sizes"]
pre = np.split(f["proj/ac/connectivity/pre_ranks"], np.cumsum(sizes)[:-1])
assert len(pre) == len(f["proj/ac/connectivity/post_ranks"]) == len(f["proj/ac/theta"])
assert np.array_equal(f["proj/ac/w"], np.array({w:?}))
assert f["proj/ac/connectivity/delays"].dtype == np.int64
assert f["pop/a/meta/variables"].dtype.kind == "U"
for k in f.files:
    assert f[k].dtype != object, k
print("numpy read", len(f.files), "arrays")
"#
    );
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "numpy could not read the file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());
    Ok(())
}

annarchy::synapse! {
    /// Random pruning and creation.
    struct Rewiring {
        pruning: "Uniform(0.0, 1.0) < 0.2",
        creating: "pre.r > 0.3 : proba = 0.3, w = 0.5",
    }
}

/// Inputs onto rate neurons through synapses that are pruned and created
/// at random, and a BOLD monitor with a normalised input, started at
/// build.
fn rewiring_network() -> annarchy::Result<(Network, ProjId<Rewiring>, BoldMonitor<balloon_RN>)> {
    let mut b = Network::builder().dt(1.0)?.seed(5);
    let input = b.population::<InputArray>("input", 20)?;
    b.set(input, "r", RandomDistribution::uniform(0.0, 1.0))?;
    let out = b.population::<Rate>("out", 10)?;
    let proj = b
        .projection::<Rewiring>(input, out, "exc")
        .connect_fixed_probability(0.3, 0.2)?;
    let bold = b.bold_monitor::<balloon_RN>(
        &[out.into()],
        BoldOptions {
            normalize_input: Some(vec![20.0]),
            start: true,
            ..BoldOptions::default()
        },
    )?;
    Ok((b.build()?, proj, bold))
}

#[test]
fn structural_plasticity_and_bold_baselines_resume_exactly() -> annarchy::Result<()> {
    let folder = dir("rewiring");
    let path = folder.0.join("rewiring.npz");
    let (mut saved, proj, bold) = rewiring_network()?;
    saved.start_pruning(proj, Some(2.0))?;
    saved.start_creating(proj, Some(3.0))?;
    saved.simulate(11.0)?;
    saved.save(&path)?;
    let file = Npz::read(&path)?;
    assert_eq!(
        file.get("proj/proj0/structural/pruning")?.to_i64(),
        Some(vec![2, 0])
    );
    assert_eq!(
        file.get("proj/proj0/structural/creating")?.to_i64(),
        Some(vec![3, 0])
    );
    assert_eq!(file.get("bold/0/baseline")?.len(), 11);
    assert_eq!(file.get("bold/0/baseline_end")?.to_i64(), Some(vec![20]));

    // Built the same way, never simulated, structural plasticity stopped.
    let (mut loaded, _, _) = rewiring_network()?;
    loaded.load(&path)?;
    assert_eq!(loaded.connectivity(proj), saved.connectivity(proj));
    let mut changes = 0;
    for k in 0..30 {
        let before = saved.nb_synapses(proj);
        saved.step();
        loaded.step();
        changes += usize::from(saved.nb_synapses(proj) != before);
        assert_eq!(
            loaded.connectivity(proj),
            saved.connectivity(proj),
            "step {k}"
        );
        assert_eq!(
            bits(&loaded.proj_get(proj, "w")?),
            bits(&saved.proj_get(proj, "w")?)
        );
    }
    assert!(
        changes > 5,
        "synapses are pruned and created ({changes} changes)"
    );
    assert!(saved.bold_baselines(bold)[0].is_some());
    assert_eq!(loaded.bold_baselines(bold), saved.bold_baselines(bold));
    let signal = |net: &mut Network| -> annarchy::Result<Vec<u64>> {
        let values = net.bold_get(bold, "BOLD")?.values;
        Ok(values[values.len() - 30..]
            .iter()
            .map(|v| v[0].to_bits())
            .collect())
    };
    assert_eq!(signal(&mut loaded)?, signal(&mut saved)?);

    // Stopped conditions are saved as absent, and stop on load.
    saved.stop_pruning(proj);
    saved.stop_creating(proj);
    saved.save(&path)?;
    assert!(!Npz::read(&path)?.contains("proj/proj0/structural/pruning"));
    loaded.load(&path)?;
    let before = loaded.connectivity(proj).clone();
    loaded.simulate(10.0)?;
    assert_eq!(loaded.connectivity(proj), &before);
    Ok(())
}

/// After a load that replaces a projection's connectivity, `reset` restores
/// the build-time values of the synapses the network had when built, and
/// the loaded weights of the synapses it did not have.
#[test]
fn reset_after_a_load_restores_the_synapses_each_had() -> annarchy::Result<()> {
    let build = |seed: u64| -> annarchy::Result<(Network, ProjId<DefaultRateSynapse>)> {
        let mut b = Network::builder().seed(seed);
        let input = b.population::<InputArray>("input", 12)?;
        let out = b.population::<Rate>("out", 6)?;
        let proj = b
            .projection::<DefaultRateSynapse>(input, out, "exc")
            .connect_fixed_probability(0.5, RandomDistribution::uniform(0.0, 1.0))?;
        Ok((b.build()?, proj))
    };
    let folder = dir("reset-after-load");
    let path = folder.0.join("other.npz");
    let (other, proj) = build(1)?;
    other.save(&path)?;
    let (mut net, _) = build(2)?;
    let built: Vec<(u32, u32, f64)> = synapses(&net, proj)?;
    net.load(&path)?;
    let loaded = synapses(&net, proj)?;
    assert_eq!(loaded, synapses(&other, proj)?);
    net.simulate(3.0)?;
    net.reset(true, true, true, true);
    let after = synapses(&net, proj)?;
    assert_eq!(after.len(), loaded.len());
    let (mut kept, mut new) = (0, 0);
    for (&(post, pre, w), &(_, _, w_loaded)) in after.iter().zip(&loaded) {
        match built.iter().find(|&&(p, q, _)| (p, q) == (post, pre)) {
            Some(&(_, _, w_built)) => {
                kept += 1;
                assert_eq!(w, w_built, "synapse {pre} -> {post}");
            }
            None => {
                new += 1;
                assert_eq!(w, w_loaded, "synapse {pre} -> {post}");
            }
        }
    }
    assert!(kept > 5 && new > 5, "{kept} kept, {new} new synapses");
    Ok(())
}

/// `(post, pre, w)` of every synapse of a projection, dendrite after dendrite.
fn synapses(
    net: &Network,
    proj: ProjId<DefaultRateSynapse>,
) -> annarchy::Result<Vec<(u32, u32, f64)>> {
    let conn = net.connectivity(proj);
    let w = net.proj_get(proj, "w")?;
    Ok((0..conn.nb_dendrites())
        .flat_map(|k| conn.row(k).map(move |s| (k, s)))
        .map(|(k, s)| (conn.post_ranks[k], conn.pre_ranks[s], w[s]))
        .collect())
}

/// A convolution's kernel is saved and loaded (a network built with
/// another kernel takes the file's and computes as the saved one); a file
/// whose receptive fields differ from the projection's is refused.
#[test]
fn convolution_kernels_are_saved_and_loaded() -> annarchy::Result<()> {
    use annarchy::runtime::convolution::{Kernel, Padding};
    let build = |kernel: Vec<f64>, size: usize| -> annarchy::Result<(Network, PopId<Rate>)> {
        let mut b = Network::builder().seed(3);
        let input = b.population::<InputArray>("input", (size, size))?;
        b.set(input, "r", RandomDistribution::uniform(0.0, 1.0))?;
        let out = b.population::<Rate>("out", (size, size))?;
        b.convolution(input, out, "exc")
            .name("conv")
            .padding(Padding::Border)
            .connect_filter(&Kernel::new(&[3, 3], kernel)?)?;
        Ok((b.build()?, out))
    };
    let folder = dir("convolution");
    let path = folder.0.join("conv.npz");
    let kernel: Vec<f64> = (0..9).map(|k| 0.1 * k as f64 - 0.3).collect();
    let (mut saved, out) = build(kernel.clone(), 6)?;
    saved.simulate(3.0)?;
    saved.save(&path)?;
    assert_eq!(
        Npz::read(&path)?.get("proj/conv/weights")?.to_f64(),
        Some(kernel)
    );

    let (mut loaded, _) = build(vec![1.0; 9], 6)?;
    loaded.load(&path)?;
    for _ in 0..5 {
        saved.step();
        loaded.step();
        assert_eq!(bits(&loaded.get(out, "r")?), bits(&saved.get(out, "r")?));
    }
    assert!(saved.get(out, "r")?.iter().any(|&r| r > 0.0));

    let (mut larger, _) = build(vec![1.0; 9], 7)?;
    let e = larger
        .load_projection(larger.get_projection("conv")?, &path)
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("projection `conv`"), "{text}");
    Ok(())
}
