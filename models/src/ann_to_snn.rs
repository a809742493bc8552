//! The neurons of ANNarchy's ANN-to-SNN converter (SPEC.md section 9.4,
//! `extensions/ann_to_snn_conversion`): the input encodings [`CPN`], [`IB`]
//! and [`PSO`], the hidden neuron [`IaF`] and the read-out neurons
//! [`IaF_ReadOut`], [`IaF_TTKS`] and [`IaF_Acc`].
//!
//! Next to its spikes, an input or hidden neuron keeps a *mask*: a trace that
//! jumps by `1 / mask_tau` at each spike and decays with the time constant
//! `mask_tau`. ANNarchy's convolution and pooling projections of a converted
//! network read `pre.mask`; its dense projections are plain spiking
//! projections (`g_exc += w` at each pre-synaptic spike). The hidden and
//! read-out neurons integrate `g_exc` without leak, `dv/dt = g_exc`, so a
//! spike arriving with weight `w` raises `v` by `w * dt`.

use annarchy_macros::neuron;

neuron! {
    /// ANNarchy's `CPN` ("custom poisson neuron"): spikes with probability
    /// `rates * dt / 1000` per step (`rates` in Hz), and keeps the decaying
    /// `mask` of its spikes.
    pub struct CPN {
        runtime: ::annarchy_runtime,
        name: "custom poisson neuron",
        parameters: "
            rates = 0.0
            mask_tau = 20.0
        ",
        equations: "
            p = (Uniform(0.0, 1.0) * 1000.0) / dt
            dmask/dt = -mask/mask_tau : init=0.0
        ",
        spike: "p < rates",
        reset: "mask += 1.0/mask_tau",
    }
}

neuron! {
    /// ANNarchy's `IB` ("intrinsically bursting"): an Izhikevich neuron with
    /// the bursting parameters (`c = -55`, `d = 4`) driven by the current
    /// `rates`, with the decaying `mask` of its spikes.
    pub struct IB {
        runtime: ::annarchy_runtime,
        name: "intrinsically bursting",
        parameters: "
            a = 0.02
            b = 0.2
            c = -55.0
            d = 4.0
            v_thresh = 30.0
            rates = 0.0
            mask_tau = 20
        ",
        equations: "
            dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + rates : init = -55.0
            du/dt = a * (b*v - u) : init= -13.0
            dmask/dt = -mask/mask_tau : init=0.0
        ",
        spike: "v > v_thresh",
        reset: "v = c; u += d; mask += 1.0/mask_tau",
    }
}

neuron! {
    /// ANNarchy's `PSO` ("phase shift oscillation"): `v` follows the input
    /// `rates`, and the threshold oscillates with period `k` ms,
    /// `vt_new = 2^(modulo(t - 1, k) - 1) * vt`.
    ///
    /// ANNarchy's model reads `mask_tau` without declaring it (its code
    /// generation then fails); it is declared here as in [`CPN`], with
    /// `mask_tau = 20.0`.
    pub struct PSO {
        runtime: ::annarchy_runtime,
        name: "phase shift oscillation",
        parameters: "
            k = 8
            vt = 1
            rates = 0
            mask_tau = 20.0
        ",
        equations: "
            p = pow(2,(-1+(modulo(t-1,k))))
            vt_new = p*vt
            v = rates : init = 0
            dmask/dt = -mask/mask_tau : init=0.0
        ",
        spike: "v > vt_new",
        reset: "mask += 1.0/mask_tau",
    }
}

neuron! {
    /// ANNarchy's `IaF`, the hidden neuron of a converted network: a
    /// non-leaky integrate-and-fire neuron, `dv/dt = g_exc` (`v >= -2`),
    /// spiking when `v > vt` and reset to `vr`, with the decaying `mask` of
    /// its spikes.
    pub struct IaF {
        runtime: ::annarchy_runtime,
        name: "IaF neuron",
        parameters: "
            vt = 1          : population
            vr = 0          : population
            mask_tau = 20.0 : population
        ",
        equations: "
            dv/dt    = g_exc          : init = 0.0 , min=-2.0
            dmask/dt = -mask/mask_tau : init = 0.0
        ",
        spike: "v > vt",
        reset: "
            v = vr
            mask += 1.0/mask_tau
        ",
    }
}

neuron! {
    /// ANNarchy's `IaF_ReadOut`: [`IaF`] without the mask.
    pub struct IaF_ReadOut {
        runtime: ::annarchy_runtime,
        name: "IaF neuron",
        parameters: "
            vt = 1          : population
            vr = 0          : population
        ",
        equations: "
            dv/dt = g_exc   : init = 0.0 , min=-2.0
        ",
        spike: "v > vt",
        reset: "
            v = vr
        ",
    }
}

neuron! {
    /// ANNarchy's `IaF_TTKS`, the read-out of the "time to k spikes" mode:
    /// [`IaF_ReadOut`] counting its spikes in `sc`.
    ///
    /// ANNarchy declares `sc = 0` as a parameter and increments it in the
    /// reset; parameters cannot be assigned here, so `sc` is a variable
    /// that keeps its value between spikes (`sc = sc`, initially 0), which
    /// behaves the same. ANNarchy gives the population the stop condition
    /// `sc >= k : any`; here the model carries it, for
    /// `Network::simulate_until`.
    pub struct IaF_TTKS {
        runtime: ::annarchy_runtime,
        parameters: "
            k = 0           : population
            vt = 1          : population
            vr = 0          : population
        ",
        equations: "
            dv/dt = g_exc   : init = 0.0 , min=-2.0
            sc = sc         : init = 0
        ",
        spike: "v > vt",
        reset: "
            v = vr
            sc += 1
        ",
        stop_condition: "sc >= k : any",
    }
}

neuron! {
    /// ANNarchy's `IaF_Acc`, the read-out of the "membrane potential" mode:
    /// it only accumulates its input in `v` (`v >= -2`) and never spikes.
    pub struct IaF_Acc {
        runtime: ::annarchy_runtime,
        equations: "
            dv/dt = g_exc   : init = 0.0 , min=-2.0
        ",
        spike: "v < -10000",
        reset: "",
    }
}
