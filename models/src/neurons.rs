//! Standard neuron models.

use annarchy_macros::neuron;

neuron! {
    /// ANNarchy's `LeakyIntegrator`: a rate-coded neuron integrating its
    /// excitatory minus inhibitory inputs, with a positive transfer function.
    ///
    /// `tau * dv/dt + v = sum(exc) - sum(inh) + B`, `r = pos(v - T)`.
    pub struct LeakyIntegrator {
        runtime: ::annarchy_runtime,
        name: "Leaky-Integrator",
        description: "Leaky-Integrator with positive transfer function and additive noise.",
        parameters: "
            tau = 10.0 : population
            B = 0.0
            T = 0.0 : population
        ",
        equations: "
            tau * dv/dt + v = sum(exc) - sum(inh) + B : exponential
            r = pos(v - T)
        ",
    }
}

neuron! {
    /// ANNarchy's `InputArray`: a rate-coded population whose `r` is set by
    /// the user and never changed by the simulation.
    pub struct InputArray {
        runtime: ::annarchy_runtime,
        name: "Input Array",
        description: "Input array source.",
        equations: "r = r",
    }
}
