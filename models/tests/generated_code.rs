//! Snapshots of the code generated for every standard model, pretty-printed:
//! the generated code is the product, and a change in it shows in review.

use annarchy_codegen::emit::pretty;
use annarchy_codegen::input::expand;
use annarchy_codegen::model::Kind;

/// Every `neuron!` / `synapse!` invocation in a source file, with its kind.
fn invocations(source: &str) -> Vec<(String, Kind, proc_macro2::TokenStream)> {
    let file = syn::parse_file(source).expect("model sources parse");
    let mut out = Vec::new();
    for item in file.items {
        let syn::Item::Macro(m) = item else { continue };
        let Some(last) = m.mac.path.segments.last() else {
            continue;
        };
        let kind = match last.ident.to_string().as_str() {
            "neuron" => Kind::Neuron,
            "synapse" => Kind::Synapse,
            _ => continue,
        };
        let tokens = m.mac.tokens.clone();
        let name = tokens
            .clone()
            .into_iter()
            .skip_while(|t| t.to_string() != "struct")
            .nth(1)
            .map(|t| t.to_string())
            .expect("a model has a name");
        out.push((name, kind, tokens));
    }
    out
}

fn check(file: &str, source: &str) {
    let models = invocations(source);
    assert!(!models.is_empty(), "no model found in {file}");
    for (name, kind, tokens) in models {
        let code = expand(tokens, kind);
        let text = pretty(&code);
        assert!(
            !text.contains("compile_error"),
            "{name} does not compile:\n{text}"
        );
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn standard_neurons() {
    check("neurons.rs", include_str!("../src/neurons.rs"));
}

#[test]
fn standard_synapses() {
    check("synapses.rs", include_str!("../src/synapses.rs"));
}

#[test]
fn balloon_models() {
    check("bold.rs", include_str!("../src/bold.rs"));
}

#[test]
fn ann_to_snn_models() {
    check("ann_to_snn.rs", include_str!("../src/ann_to_snn.rs"));
}
