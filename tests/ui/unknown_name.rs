use annarchy::neuron;

neuron! {
    struct Typo {
        parameters: "tau = 10.0",
        equations: "r = 1.0 / tua",
    }
}

fn main() {}
