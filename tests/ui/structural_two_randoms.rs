annarchy::synapse! {
    struct Gambler {
        pruning: "Uniform(0.0, 1.0) < Normal(0.5, 0.1)",
    }
}

fn main() {}
