//! Models of the tests of spike delivery: a neuron that shows what it
//! receives, and a synapse whose spikes the run-time does not deliver itself.

annarchy::neuron! {
    /// A neuron that only shows what it receives: `g_exc` holds the sum of
    /// the weights of the spikes that arrived this step.
    pub struct Receiver {
        equations: "
            dv/dt = -v + g_exc
        ",
        spike: "v > 1000.0",
        reset: "v = 0.0",
    }
}

annarchy::synapse! {
    /// `DefaultSpikingSynapse` written so that the run-time does not
    /// recognise it: its spikes go through the generated `pre_spikes`.
    pub struct ScaledSynapse {
        parameters: "
            scale = 1.0 : projection
        ",
        pre_spike: "
            g_target += w * scale
        ",
    }
}
