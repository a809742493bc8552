use annarchy::neuron;

neuron! {
    struct NeuronProjection {
        parameters: "tau = 10.0 : projection",
        equations: "r = tau",
    }
}

fn main() {}
