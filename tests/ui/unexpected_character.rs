use annarchy::neuron;

neuron! {
    struct Dollar {
        equations: "v = 2.0 $ 3.0
                    r = 1.0",
    }
}

fn main() {}
