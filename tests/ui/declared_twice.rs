use annarchy::neuron;

neuron! {
    struct Twice {
        parameters: "tau = 10.0
                     tau = 5.0",
        equations: "r = tau",
    }
}

fn main() {}
