use annarchy::synapse;

synapse! {
    struct Median {
        operation: "median",
    }
}

fn main() {}
