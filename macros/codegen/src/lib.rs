//! The equation compiler of `annarchy`.
//!
//! It reads the model text given to `neuron!` and `synapse!` (ANNarchy's
//! equation language), checks it, lowers each numerical method to update
//! statements and emits the Rust code of the model. It has no `proc_macro`
//! types in its API, so it is tested like any other library.

#![warn(missing_docs)]

pub mod ast;
pub mod diagnostic;
pub mod emit;
pub mod input;
pub mod ir;
pub mod latex;
pub mod lexer;
pub mod lines;
pub mod lower;
pub mod model;
pub mod parser;
pub mod span;
pub mod symbolic;

use diagnostic::Diagnostic;
use model::{Kind, ModelDef};
use proc_macro2::TokenStream;

/// Analyses, lowers and emits a model: the whole path from the text of the
/// macro to the Rust code. Returns every error of the model.
pub fn generate(
    def: &ModelDef,
    kind: Kind,
    opts: &emit::Options,
) -> Result<TokenStream, Vec<Diagnostic>> {
    let model = model::analyse(def, kind)?;
    let lowered = lower::lower(&model)?;
    Ok(emit::emit(&model, &lowered, opts))
}
