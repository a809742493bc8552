use annarchy::neuron;

neuron! {
    struct NoRate {
        equations: "dv/dt = -v",
    }
}

fn main() {}
