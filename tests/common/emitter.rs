//! A spiking neuron that fires on demand, for the tests of projections
//! that deliver its spikes.

annarchy::neuron! {
    /// A spiking neuron that spikes in each step where `fire` is 1.
    pub struct Emitter {
        parameters: "fire = 0",
        equations: "v = fire + 0.0 * g_exc",
        spike: "v > 0.5",
        reset: "v = 0",
    }
}
