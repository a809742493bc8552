use annarchy::neuron;

neuron! {
    struct Mixed {
        equations: "dv/dt = -v + u : implicit
                    du/dt = -u : midpoint
                    r = v",
    }
}

fn main() {}
