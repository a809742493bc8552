use annarchy::neuron;

neuron! {
    struct Doubled {
        equations: "v = 2 * * u
                    r = 1.0",
    }
}

fn main() {}
