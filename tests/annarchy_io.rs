//! Port of ANNarchy's `Interface/test_IO.py` (`test_IO_Rate` and
//! `test_IO_Spiking`, with the networks of `Interface/networks.py`): the
//! values set on a network survive `save()`, `reset()` and `load()`, and a
//! projection saves and loads alone.
//!
//! ANNarchy saves to `.npz`, to gzipped pickles (`.txt.gz`), to plain
//! pickles (any other extension, `.data` here) and to Matlab files
//! (`.mat`, which it cannot load). Only `.npz` is supported here: where the
//! original saves and loads another format, the port asserts the error
//! that names the supported one, and that no file is written.
//!
//! The two `test_parameters_save_and_load` methods (`save_parameters` /
//! `load_parameters`) are ported in `parameters_io.rs`
//! (`parameters_save_and_load`) and not repeated here.
//!
//! Differences of the networks, each for a reason of this port:
//! - `emptyNeuron2` (`parameters = "r = 0"`) receives projections on
//!   `exc`: `NetworkBuilder::build` requires the post-synaptic model to
//!   read the target, so it also computes `input = sum(exc)`;
//! - `proj1.set({'tau': ...})` sets an attribute that ANNarchy's `STDP`
//!   does not have (ANNarchy then keeps a plain Python attribute, which
//!   `reset()` and `save()` ignore); the port sets `tau_plus`.

use std::path::PathBuf;

use annarchy::prelude::*;

annarchy::neuron! {
    /// `DefaultNeuron` of `networks.py` (with `add_function("fa(x) = 2/(x*x)")`).
    struct DefaultNeuron {
        parameters: "
            tau = 10.0 : population
            baseline = 1.0 : population
            condition = True
        ",
        equations: "
            noise = Uniform(-0.1, 0.1)
            tau * dmp/dt + mp = fa(sum(exc)) + neg(- fb(sum(inh))) + baseline + noise : implicit
            r = pos(mp)
        ",
        functions: "
            fa(x) = 2/(x*x)
            fb(x) = if x>0: x else:x/2
        ",
    }
}

annarchy::neuron! {
    /// `emptyNeuron1`: `r = 0`.
    struct EmptyNeuron1 {
        equations: "r = 0",
    }
}

annarchy::neuron! {
    /// `emptyNeuron2`: a parameter `r = 0` (and the sum it receives).
    struct EmptyNeuron2 {
        parameters: "r = 0",
        equations: "input = sum(exc)",
    }
}

annarchy::synapse! {
    /// The `Oja` of `networks.py` (reads the constant `mu`).
    struct NetworksOja {
        constants: "mu",
        parameters: "
            eta = 10.0
            tau = 10.0 : projection
        ",
        equations: "
            tau * dalpha/dt + alpha = pos(post.r - 1.0) : postsynaptic
            eta * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min=0.0
            mu * dx/dt = pre.sum(exc) * post.sum(exc)
        ",
        psp: "w * pre.r",
    }
}

annarchy::neuron! {
    /// The `Izhikevich` of `networks.py` (with `Constant('b', 0.2)` and
    /// `add_function("f(x) = 5.0 * x + 140")`).
    struct NetworksIzhikevich {
        constants: "b",
        parameters: "
            noise = 0.0
            a = 0.02 : population
            c = -65.0
            d = 8.0
            v_thresh = 30.0
            i_offset = 0.0
        ",
        equations: "
            I = g_exc - g_inh + noise * Normal(0.0, 1.0) + i_offset
            dv/dt = f2(v) + f(v) - u + I : init = -65.0
            du/dt = a * (b*v - u) : init= -13.0
        ",
        spike: "v > v_thresh",
        reset: "v = c; u += d",
        refractory: 0.0,
        functions: "
            f2(x) = 0.04 * x^2
            f(x) = 5.0 * x + 140
        ",
    }
}

/// `savefolder` (`_networksave/`), in a folder of its own per test,
/// removed at the end as `tearDownClass` does.
struct SaveFolder(PathBuf);

impl SaveFolder {
    fn new(test: &str) -> SaveFolder {
        SaveFolder(std::env::temp_dir().join(format!("annarchy-io-{}-{test}", std::process::id())))
    }

    /// A file of the folder.
    fn join(&self, name: &str) -> PathBuf {
        self.0.join("_networksave").join(name)
    }
}

impl Drop for SaveFolder {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// `save_extensions`.
const SAVE_EXTENSIONS: [&str; 3] = [".data", ".npz", ".txt.gz"];

/// The rate-coded network of `define_rate_net()`: the network, `pop2`,
/// `proj2`, `proj3`.
fn rate_net() -> annarchy::Result<(Network, AnyPop, AnyProj, AnyProj)> {
    let mut b = Network::builder();
    b.constant("mu", 0.2);
    let pop1 = b.population::<EmptyNeuron1>("pop1", 1)?;
    let pop2 = b.population::<DefaultNeuron>("pop2", 1)?;
    let pop3 = b.population::<EmptyNeuron2>("pop3", (2, 2))?;
    b.projection::<DefaultRateSynapse>(pop1, pop2, "exc")
        .name("proj1")
        .connect_one_to_one(RandomDistribution::uniform(-0.5, 0.5))?;
    let proj2 = b
        .projection::<Hebb>(pop1, pop3, "exc")
        .name("proj2")
        .connect_all_to_all(1.0)?;
    let proj3 = b
        .projection::<NetworksOja>(pop2, pop3, "exc")
        .name("proj3")
        .connect_all_to_all(1.0)?;
    b.monitor(pop2, &["r"])?;
    Ok((b.build()?, pop2.into(), proj2.into(), proj3.into()))
}

/// The spiking network of `define_spike_net()`: the network, `pop2`,
/// `proj1`, `proj2`.
fn spike_net() -> annarchy::Result<(Network, AnyPop, AnyProj, AnyProj)> {
    let mut b = Network::builder();
    b.constant("b", 0.2);
    let pop1 = b.population::<IF_curr_exp>("pop1", 1)?;
    let pop2 = b.population::<NetworksIzhikevich>("pop2", 1)?;
    let pop3 = b.population::<NetworksIzhikevich>("pop3", (2, 2))?;
    let proj1 = b
        .projection::<STDP>(pop1, pop2, "exc")
        .name("proj1")
        .connect_one_to_one(RandomDistribution::uniform(-0.5, 0.5))?;
    let proj2 = b
        .projection::<STP>(pop2, pop3, "exc")
        .name("proj2")
        .connect_all_to_all(1.0)?;
    b.monitor(pop2, &["r"])?;
    Ok((b.build()?, pop2.into(), proj1.into(), proj2.into()))
}

/// ANNarchy's `network.reset()`: populations and monitors, not the
/// projections.
fn reset(net: &mut Network) {
    net.reset(true, false, false, true);
}

/// `newp` of `test_IO_Rate`.
const RATE_NEWP: [f64; 5] = [0.5, 5.0, 0.02, 3.0, 20.0];

/// `set_parameters` of `test_IO_Rate`.
fn set_rate_parameters(
    net: &mut Network,
    (pop2, proj2, proj3): (AnyPop, AnyProj, AnyProj),
    p: [f64; 5],
) -> annarchy::Result<()> {
    net.set(pop2, "baseline", p[0])?;
    net.set(pop2, "r", p[1])?;
    net.proj_set(proj2, "eta", p[2])?;
    net.proj_set(proj2, "w", p[3])?;
    net.proj_set(proj3, "tau", p[4])
}

/// `get_parameters` of `test_IO_Rate`.
fn get_rate_parameters(
    net: &Network,
    (pop2, proj2, proj3): (AnyPop, AnyProj, AnyProj),
) -> annarchy::Result<[f64; 5]> {
    Ok([
        net.get(pop2, "baseline")?[0],
        net.get(pop2, "r")?[0],
        net.proj_get(proj2, "eta")?[0],
        net.proj_get(proj2, "w")?[0],
        net.proj_get(proj3, "tau")?[0],
    ])
}

/// `newp` of `test_IO_Spiking`.
const SPIKE_NEWP: [f64; 5] = [0.5, -60.0, 0.01, 5.0, 10.0];

/// `set_parameters` of `test_IO_Spiking` (`tau_plus` for `tau`, see the
/// module documentation).
fn set_spike_parameters(
    net: &mut Network,
    (pop2, proj1, proj2): (AnyPop, AnyProj, AnyProj),
    p: [f64; 5],
) -> annarchy::Result<()> {
    net.set(pop2, "d", p[0])?;
    net.set(pop2, "v", p[1])?;
    net.proj_set(proj1, "tau_plus", p[2])?;
    net.proj_set(proj2, "U", p[3])?;
    net.proj_set(proj2, "x", p[4])
}

/// `get_parameters` of `test_IO_Spiking`.
fn get_spike_parameters(
    net: &Network,
    (pop2, proj1, proj2): (AnyPop, AnyProj, AnyProj),
) -> annarchy::Result<[f64; 5]> {
    Ok([
        net.get(pop2, "d")?[0],
        net.get(pop2, "v")?[0],
        net.proj_get(proj1, "tau_plus")?[0],
        net.proj_get(proj2, "U")?[0],
        net.proj_get(proj2, "x")?[0],
    ])
}

/// Asserts that saving to `path` (not `.npz`) is the error naming the
/// supported format, and writes nothing.
fn assert_refused(result: annarchy::Result<()>, path: &std::path::Path) {
    let err = result.expect_err("only .npz is supported").to_string();
    assert!(
        err.contains(".npz") && err.contains(&path.display().to_string()),
        "{err}"
    );
    assert!(!path.exists(), "{} was written", path.display());
}

/// `test_save_and_load` of both classes: for each extension, set the new
/// values, save, reset, load, and find the values again.
fn save_and_load(
    net: &mut Network,
    folder: &SaveFolder,
    stem: &str,
    set: &dyn Fn(&mut Network, [f64; 5]) -> annarchy::Result<()>,
    get: &dyn Fn(&Network) -> annarchy::Result<[f64; 5]>,
    newp: [f64; 5],
) -> annarchy::Result<()> {
    for ext in SAVE_EXTENSIONS {
        reset(net);
        set(net, newp)?;
        let path = folder.join(&format!("{stem}{ext}"));
        if ext != ".npz" {
            // ANNarchy pickles the data here; only .npz is supported.
            assert_refused(net.save(&path), &path);
            assert_refused(net.load(&path), &path);
            continue;
        }
        let initial = {
            reset(net);
            get(net)?
        };
        set(net, newp)?;
        net.save(&path)?;
        reset(net);
        // `reset()` leaves the projections alone: change them as well, so
        // that `load()` has to restore them.
        set(net, initial)?;
        assert_ne!(get(net)?, newp, "{ext}: the values changed before the load");
        net.load(&path)?;
        for (got, want) in get(net)?.iter().zip(newp) {
            approx::assert_relative_eq!(*got, want);
        }
    }
    Ok(())
}

/// `test_projection_save_and_load` of both classes: the projection saves
/// and loads alone; its values come back.
fn projection_save_and_load(
    net: &mut Network,
    folder: &SaveFolder,
    stem: &str,
    proj: AnyProj,
    attr: &str,
) -> annarchy::Result<()> {
    for ext in SAVE_EXTENSIONS {
        let path = folder.join(&format!("{stem}{ext}"));
        if ext != ".npz" {
            // ANNarchy pickles the data here; only .npz is supported.
            assert_refused(net.save_projection(proj, &path), &path);
            assert_refused(net.load_projection(proj, &path), &path);
            continue;
        }
        let before = net.proj_get(proj, attr)?;
        net.save_projection(proj, &path)?;
        net.proj_set(proj, attr, 0.25)?;
        net.load_projection(proj, &path)?;
        assert_eq!(net.proj_get(proj, attr)?, before, "{ext}");
    }
    Ok(())
}

#[test]
fn test_io_rate_test_save_and_load() -> annarchy::Result<()> {
    let (mut net, pop2, proj2, proj3) = rate_net()?;
    let folder = SaveFolder::new("rate_save_and_load");
    let handles = (pop2, proj2, proj3);
    save_and_load(
        &mut net,
        &folder,
        "ratenet",
        &|net, p| set_rate_parameters(net, handles, p),
        &|net| get_rate_parameters(net, handles),
        RATE_NEWP,
    )
}

#[test]
fn test_io_rate_test_save_mat() -> annarchy::Result<()> {
    // ANNarchy writes a Matlab file (which it cannot load); not supported.
    let (net, ..) = rate_net()?;
    let folder = SaveFolder::new("rate_save_mat");
    let path = folder.join("ratenet.mat");
    assert_refused(net.save(&path), &path);
    Ok(())
}

#[test]
fn test_io_rate_test_projection_save_and_load() -> annarchy::Result<()> {
    let (mut net, _, proj2, _) = rate_net()?;
    let folder = SaveFolder::new("rate_projection");
    projection_save_and_load(&mut net, &folder, "pr2rate", proj2, "w")
}

#[test]
fn test_io_spiking_test_save_and_load() -> annarchy::Result<()> {
    let (mut net, pop2, proj1, proj2) = spike_net()?;
    let folder = SaveFolder::new("spiking_save_and_load");
    let handles = (pop2, proj1, proj2);
    save_and_load(
        &mut net,
        &folder,
        "spikenet",
        &|net, p| set_spike_parameters(net, handles, p),
        &|net| get_spike_parameters(net, handles),
        SPIKE_NEWP,
    )
}

#[test]
fn test_io_spiking_test_save_mat() -> annarchy::Result<()> {
    // ANNarchy writes a Matlab file (which it cannot load); not supported.
    let (net, ..) = spike_net()?;
    let folder = SaveFolder::new("spiking_save_mat");
    let path = folder.join("spikenet.mat");
    assert_refused(net.save(&path), &path);
    Ok(())
}

#[test]
fn test_io_spiking_test_projection_save_and_load() -> annarchy::Result<()> {
    let (mut net, _, _, proj2) = spike_net()?;
    let folder = SaveFolder::new("spiking_projection");
    projection_save_and_load(&mut net, &folder, "pr2spike", proj2, "x")
}
