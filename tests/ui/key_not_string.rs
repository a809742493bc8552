use annarchy::neuron;

neuron! {
    struct NumberKey {
        parameters: 10.0,
        equations: "r = 1.0",
    }
}

fn main() {}
