use annarchy::neuron;

neuron! {
    struct ReservedT {
        parameters: "t = 1.0",
        equations: "r = 1.0",
    }
}

fn main() {}
