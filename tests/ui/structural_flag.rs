annarchy::synapse! {
    struct Fragile {
        pruning: "w < 0.1 : probability = 0.5",
    }
}

fn main() {}
