//! The equation compiler of `annarchy`.
//!
//! It reads the model text given to `neuron!` and `synapse!` (ANNarchy's
//! equation language), checks it, lowers each numerical method to update
//! statements and emits the Rust code of the model. It has no `proc_macro`
//! types in its API, so it is tested like any other library.

pub mod ast;
pub mod diagnostic;
pub mod lexer;
pub mod lines;
pub mod parser;
pub mod span;
pub mod ir;
pub mod model;
pub mod symbolic;
