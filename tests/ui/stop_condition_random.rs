annarchy::neuron! {
    struct Counter {
        equations: "r += 1",
        stop_condition: "r > Uniform(0.0, 10.0)",
    }
}

fn main() {}
