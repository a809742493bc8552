use annarchy::neuron;

neuron! {
    struct ManyErrors {
        parameters: "tau = 10.0 : projection",
        equations: "dv/dt = -v / tua
                    r = exq(v)",
    }
}

fn main() {}
