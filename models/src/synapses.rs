//! Standard synapse models.

use annarchy_macros::synapse;

synapse! {
    /// The default rate-coded synapse: transmits `w * pre.r`.
    pub struct DefaultRateSynapse {
        runtime: ::annarchy_runtime,
        name: "-",
        description: "Weighted sum of firing rates.",
    }
}

synapse! {
    /// ANNarchy's `Hebb`: simple Hebbian learning, `dw/dt = eta * pre.r * post.r`.
    pub struct Hebb {
        runtime: ::annarchy_runtime,
        name: "Hebbian Plasticity",
        description: "Simple Hebbian learning rule",
        parameters: "eta = 0.01 : projection",
        equations: "dw/dt = eta * pre.r * post.r : min=0.0, explicit",
    }
}

synapse! {
    /// ANNarchy's `Oja`: Hebbian learning regularised by the post-synaptic rate.
    pub struct Oja {
        runtime: ::annarchy_runtime,
        name: "Oja plasticity",
        description: "Regularized Hebbian learning rule.",
        parameters: "
            eta = 0.01 : projection
            alpha = 1.0 : projection
        ",
        equations: "dw/dt = eta * ( pre.r * post.r - alpha * post.r^2 * w ) : min=0.0, explicit",
    }
}

synapse! {
    /// ANNarchy's `IBCM`: the Intrator-Cooper rule with a sliding threshold.
    pub struct IBCM {
        runtime: ::annarchy_runtime,
        name: "IBCM",
        description: "Intrator and Cooper (1992) learning rule.",
        parameters: "
            eta = 0.01 : projection
            tau = 2000.0 : projection
        ",
        equations: "
            tau * dtheta/dt + theta = post.r^2 : postsynaptic, exponential
            dw/dt = eta * post.r * (post.r - theta) * pre.r : min=0.0, explicit
        ",
    }
}

synapse! {
    /// The default spiking synapse: each pre-synaptic spike adds `w` to the
    /// post-synaptic conductance of the target.
    pub struct DefaultSpikingSynapse {
        runtime: ::annarchy_runtime,
        name: "Event-driven synapse",
        description: "Increases the post-synaptic conductance from the synaptic efficency after each pre-synaptic spike.",
        pre_spike: "g_target += w",
    }
}

synapse! {
    /// ANNarchy's `STP`: short-term facilitation and depression (Tsodyks-Markram).
    pub struct STP {
        runtime: ::annarchy_runtime,
        name: "Short-term plasticity",
        description: "Synapse exhibiting short-term facilitation and depression, implemented using the model of Tsodyks, Markram et al.",
        parameters: "
            tau_rec = 100.0 : projection
            tau_facil = 0.01 : projection
            U = 0.5
        ",
        equations: "
            dx/dt = (1 - x)/tau_rec : init = 1.0, event-driven
            du/dt = (U - u)/tau_facil : init = 0.5, event-driven
        ",
        pre_spike: "
            g_target += w * u * x
            x *= (1 - u)
            u += U * (1 - u)
        ",
    }
}

synapse! {
    /// ANNarchy's `STDP`: spike-timing dependent plasticity with
    /// event-driven pre- and post-synaptic traces.
    pub struct STDP {
        runtime: ::annarchy_runtime,
        name: "Spike-timing dependent plasticity",
        description: "Synapse exhibiting spike-timing dependent plasticity.",
        parameters: "
            tau_plus = 20.0 : projection
            tau_minus = 20.0 : projection
            A_plus = 0.01 : projection
            A_minus = 0.01 : projection
            w_min = 0.0 : projection
            w_max = 1.0 : projection
        ",
        equations: "
            tau_plus  * dx/dt = -x : event-driven
            tau_minus * dy/dt = -y : event-driven
        ",
        pre_spike: "
            g_target += w
            x += A_plus * w_max
            w = clip(w + y, w_min, w_max)
        ",
        post_spike: "
            y -= A_minus * w_max
            w = clip(w + x, w_min, w_max)
        ",
    }
}

synapse! {
    /// ANNarchy's `CurrentInjection`: injects the rate `r` of each
    /// pre-synaptic neuron into the conductance (current) `g_target` of the
    /// spiking neuron of the same rank, every step, without weight. Connect it
    /// with `connect_current()` (one-to-one).
    pub struct CurrentInjection {
        runtime: ::annarchy_runtime,
        name: "Current injection",
        description: "Injects the firing rate of a rate-coded population as a current into a spiking one.",
        psp: "pre.r",
    }
}

/// Names of the standard synapse models (ANNarchy's
/// `list_standard_synapses()`), in ANNarchy's order.
pub fn list_standard_synapses() -> Vec<&'static str> {
    use annarchy_runtime::model::SynapseModel;
    vec![
        STP::INFO.type_name,
        STDP::INFO.type_name,
        Hebb::INFO.type_name,
        Oja::INFO.type_name,
        IBCM::INFO.type_name,
    ]
}
