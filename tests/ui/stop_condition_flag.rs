annarchy::neuron! {
    struct Counter {
        equations: "r += 1",
        stop_condition: "r > 5.0 : every",
    }
}

fn main() {}
