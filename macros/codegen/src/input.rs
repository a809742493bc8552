//! The outer syntax of `neuron!` and `synapse!`: doc comments, visibility,
//! `struct Name { key: "text", ... }`.

use crate::diagnostic::{Block, Diagnostic};
use crate::emit::Options;
use crate::model::{Kind, ModelDef, Refractory};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use std::collections::BTreeMap;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, Lit, Token, Visibility, braced};

/// Keys accepted in the body of the macros.
const KEYS: [&str; 20] = [
    "constants",
    "name",
    "description",
    "parameters",
    "equations",
    "functions",
    "spike",
    "reset",
    "refractory",
    "axon_spike",
    "axon_reset",
    "stop_condition",
    "psp",
    "operation",
    "pre_spike",
    "post_spike",
    "pre_axon_spike",
    "pruning",
    "creating",
    "runtime",
];

struct Input {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    fields: Vec<(Ident, FieldValue)>,
}

enum FieldValue {
    Lit(Lit),
    Path(syn::Path),
}

impl FieldValue {
    fn span(&self) -> Span {
        match self {
            FieldValue::Lit(l) => l.span(),
            FieldValue::Path(p) => p
                .segments
                .first()
                .map_or_else(Span::call_site, |s| s.ident.span()),
        }
    }
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse()?;
        let body;
        braced!(body in input);
        let mut fields = Vec::new();
        while !body.is_empty() {
            let key: Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            let value = if body.peek(Lit) {
                FieldValue::Lit(body.parse()?)
            } else if body.peek(Ident) && body.peek2(Token![!]) {
                FieldValue::Lit(Lit::Str(parse_concat(&body)?))
            } else {
                FieldValue::Path(body.parse()?)
            };
            fields.push((key, value));
            if body.is_empty() {
                break;
            }
            body.parse::<Token![,]>()?;
        }
        Ok(Input {
            attrs,
            vis,
            name,
            fields,
        })
    }
}

/// `concat!("a", "b", ...)` of literals, as a string literal (so that
/// `macro_rules!` can build model text).
fn parse_concat(input: ParseStream) -> syn::Result<syn::LitStr> {
    let mac: syn::Macro = input.parse()?;
    if !mac.path.is_ident("concat") {
        return Err(syn::Error::new_spanned(
            &mac.path,
            "expected a string literal or `concat!(...)` of literals",
        ));
    }
    let parts =
        mac.parse_body_with(syn::punctuated::Punctuated::<Lit, Token![,]>::parse_terminated)?;
    let mut text = String::new();
    for p in &parts {
        match p {
            Lit::Str(s) => text.push_str(&s.value()),
            Lit::Float(f) => text.push_str(&f.to_string()),
            Lit::Int(i) => text.push_str(&i.to_string()),
            Lit::Bool(b) => text.push_str(&b.value.to_string()),
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "`concat!` of unsupported literal",
                ));
            }
        }
    }
    let span = mac
        .path
        .segments
        .first()
        .map_or_else(Span::call_site, |s| s.ident.span());
    Ok(syn::LitStr::new(&text, span))
}

fn block_of(key: &str) -> Option<Block> {
    [
        Block::Parameters,
        Block::Equations,
        Block::Functions,
        Block::Spike,
        Block::Reset,
        Block::Psp,
        Block::Operation,
        Block::PreSpike,
        Block::PostSpike,
        Block::PreAxonSpike,
        Block::AxonSpike,
        Block::AxonReset,
        Block::StopCondition,
        Block::Pruning,
        Block::Creating,
    ]
    .into_iter()
    .find(|b| b.key() == key)
}

/// Expands the body of `neuron!` (or `synapse!`): parses the outer syntax,
/// generates the model, or returns `compile_error!`s for every error found.
pub fn expand(input: TokenStream, kind: Kind) -> TokenStream {
    let input: Input = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let mut def = ModelDef {
        type_name: input.name.to_string(),
        ..ModelDef::default()
    };
    let mut errors = TokenStream::new();
    let mut spans: BTreeMap<&'static str, Span> = BTreeMap::new();
    let mut runtime = quote!(::annarchy::runtime);
    for (key, value) in &input.fields {
        let k = key.to_string();
        if !KEYS.contains(&k.as_str()) {
            let keys: &[&str] = match kind {
                Kind::Neuron => &[
                    "parameters",
                    "equations",
                    "functions",
                    "spike",
                    "reset",
                    "refractory",
                    "axon_spike",
                    "axon_reset",
                    "stop_condition",
                    "name",
                    "description",
                    "constants",
                ],
                Kind::Synapse => &[
                    "parameters",
                    "equations",
                    "functions",
                    "psp",
                    "operation",
                    "pre_spike",
                    "post_spike",
                    "pre_axon_spike",
                    "pruning",
                    "creating",
                    "name",
                    "description",
                    "constants",
                ],
            };
            let close = keys
                .iter()
                .copied()
                .find(|c| crate::diagnostic::did_you_mean(&k, [*c]).is_some());
            let hint = close.map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
            // Analyse the text as the block it was probably meant for, so that
            // its own errors are reported too (and no false one for its absence).
            if let (Some(b), FieldValue::Lit(Lit::Str(text))) = (close.and_then(block_of), value)
                && !def.blocks.contains_key(b.key())
            {
                def.blocks.insert(b.key(), text.value());
                spans.insert(b.key(), text.span());
            }
            let msg = format!(
                "unknown key `{k}` in {} `{}`{hint}; the keys of a {} are: {}",
                kind.word(),
                def.type_name,
                kind.word(),
                keys.join(", ")
            );
            errors.extend(quote_spanned!(key.span()=> compile_error!(#msg);));
            continue;
        }
        let string = match value {
            FieldValue::Lit(Lit::Str(s)) => Some(s.value()),
            _ => None,
        };
        match (k.as_str(), value) {
            ("runtime", FieldValue::Path(p)) => runtime = p.to_token_stream(),
            ("refractory", FieldValue::Lit(Lit::Float(f))) => {
                def.refractory = f.base10_parse::<f64>().ok().map(Refractory::Ms)
            }
            ("refractory", FieldValue::Lit(Lit::Int(i))) => {
                def.refractory = i.base10_parse::<f64>().ok().map(Refractory::Ms)
            }
            ("refractory", FieldValue::Lit(Lit::Str(s))) => {
                def.refractory = Some(Refractory::Attr(s.value().trim().to_string()))
            }
            ("constants", _) if string.is_some() => {
                def.constants = string
                    .expect("checked")
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            ("name", _) if string.is_some() => def.name = string,
            ("description", _) if string.is_some() => def.description = string,
            (k, _) if string.is_some() && block_of(k).is_some() => {
                let b = block_of(k).expect("checked");
                def.blocks.insert(b.key(), string.expect("checked"));
                spans.insert(b.key(), value.span());
            }
            _ => {
                let msg = format!("`{k}` expects a string literal");
                errors.extend(quote_spanned!(value.span()=> compile_error!(#msg);));
            }
        }
    }
    let (docs, _others): (Vec<&Attribute>, Vec<&Attribute>) =
        input.attrs.iter().partition(|a| a.path().is_ident("doc"));
    let vis = &input.vis;
    let opts = Options {
        runtime,
        vis: quote!(#vis),
        attrs: quote!(#(#docs)*),
    };
    // Errors of the keys and of the model text are all reported together.
    match crate::generate(&def, kind, &opts) {
        Ok(_) if !errors.is_empty() => errors,
        Ok(code) => code,
        Err(diags) => {
            errors.extend(diagnostics(&diags, &def, kind, &spans, input.name.span()));
            errors
        }
    }
}

fn diagnostics(
    diags: &[Diagnostic],
    def: &ModelDef,
    kind: Kind,
    spans: &BTreeMap<&'static str, Span>,
    name_span: Span,
) -> TokenStream {
    let mut out = TokenStream::new();
    for d in diags {
        let text = def.block(d.block);
        let msg = d.render(kind.word(), &def.type_name, text);
        let span = spans.get(d.block.key()).copied().unwrap_or(name_span);
        out.extend(quote_spanned!(span=> compile_error!(#msg);));
    }
    out
}
