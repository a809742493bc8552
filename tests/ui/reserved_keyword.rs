use annarchy::neuron;

neuron! {
    struct ReservedPos {
        parameters: "pos = 1.0",
        equations: "r = 1.0",
    }
}

fn main() {}
