annarchy::synapse! {
    struct Grower {
        parameters: "age = 0.0",
        creating: "pre.r * post.r > age : proba = 0.5, w = 0.01",
    }
}

fn main() {}
