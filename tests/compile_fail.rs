//! Model errors are reported when the crate is compiled.
//!
//! Each file of `tests/ui` defines one faulty model with `neuron!` or
//! `synapse!`; the test proves that compilation fails and that the message
//! (model, block, line, the line itself, a caret under the offending token,
//! and a hint where one helps) is exactly the one in the matching `.stderr`.
//! Regenerate the expected messages with `TRYBUILD=overwrite`.

#[test]
fn model_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
