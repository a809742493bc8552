use annarchy::neuron;

// Only the syntax error is reported: `r` is still known to be defined.
neuron! {
    struct FailedLine {
        equations: "
            r = 2 * * v
            v = r + 1.0
        ",
    }
}

fn main() {}
