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
