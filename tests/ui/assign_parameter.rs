use annarchy::neuron;

neuron! {
    struct AssignsTau {
        parameters: "tau = 10.0",
        equations: "tau = 2.0
                    r = tau",
    }
}

fn main() {}
