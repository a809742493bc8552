//! The `neuron!` and `synapse!` macros: a thin shim over `annarchy-codegen`,
//! which parses the macro's outer syntax, compiles the model text, and turns
//! its errors into `compile_error!`s.

#![warn(missing_docs)]

use annarchy_codegen::input::expand;
use annarchy_codegen::model::Kind;

/// Defines a neuron model from ANNarchy's equation language.
///
/// ```ignore
/// annarchy::neuron! {
///     /// A leaky integrator with a positive transfer function.
///     pub struct Leaky {
///         parameters: "tau = 10.0 : population
///                      B = 0.0",
///         equations: "tau * dv/dt + v = sum(exc) + B : exponential
///                     r = pos(v)",
///     }
/// }
/// ```
///
/// Keys: `parameters`, `equations`, `functions`, `spike`, `reset`,
/// `refractory`, `name`, `description`. The equations are parsed and checked
/// at compile time; an error shows the model, the line and a caret under the
/// offending token.
#[proc_macro]
pub fn neuron(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), Kind::Neuron).into()
}

/// Defines a synapse model from ANNarchy's equation language.
///
/// ```ignore
/// annarchy::synapse! {
///     pub struct MyOja {
///         parameters: "eta = 0.01 : projection
///                      alpha = 1.0 : projection",
///         equations: "dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w) : min = 0.0",
///     }
/// }
/// ```
///
/// Keys: `parameters`, `equations`, `functions`, `psp`, `operation`,
/// `pre_spike`, `post_spike`, `pruning`, `creating`, `name`,
/// `description`.
#[proc_macro]
pub fn synapse(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), Kind::Synapse).into()
}
