use annarchy::neuron;

neuron! {
    struct Unclosed {
        parameters: "tau = 10.0",
        equations: "v = (tau + 1.0
                    r = 1.0",
    }
}

fn main() {}
