use annarchy::neuron;

neuron! {
    struct WordValue {
        parameters: "tau = ten",
        equations: "r = tau",
    }
}

fn main() {}
