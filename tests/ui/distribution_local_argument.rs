use annarchy::neuron;

neuron! {
    struct LocalSigma {
        parameters: "sigma = 1.0",
        equations: "r = Normal(0.0, sigma)",
    }
}

fn main() {}
