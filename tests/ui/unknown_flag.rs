use annarchy::neuron;

neuron! {
    struct BadFlag {
        equations: "dv/dt = -v : init = 1.0, explict
                    r = v",
    }
}

fn main() {}
