use annarchy::neuron;

neuron! {
    struct ReadsPre {
        equations: "r = pre.r",
    }
}

fn main() {}
