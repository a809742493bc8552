use annarchy::neuron;

neuron! {
    struct BadInit {
        equations: "dv/dt = -v : init = abc
                    r = v",
    }
}

fn main() {}
