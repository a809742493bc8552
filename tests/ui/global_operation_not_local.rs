use annarchy::neuron;

neuron! {
    struct MeanOfParameter {
        parameters: "tau = 10.0 : population",
        equations: "r = mean(tau)",
    }
}

fn main() {}
