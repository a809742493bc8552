use annarchy::neuron;

neuron! {
    struct BadCall {
        equations: "r = exq(1.0)",
    }
}

fn main() {}
