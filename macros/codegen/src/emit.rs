//! Emission of the Rust code of a model: the model type, the state struct
//! of per-neuron (per-synapse) arrays, typed accessors, the name table, and
//! the update loops.
//!
//! Inside a loop every attribute is loaded into a local of the same name,
//! the statements run on those locals, and the written ones are stored back,
//! so the body reads like the equations and the compiler sees plain
//! branch-free arithmetic over slices.

use crate::ast::{AssignOp, Scope};
use crate::ir::{BinOp, Expr, Func, Stmt, Var};
use crate::lower::Lowered;
use crate::model::{Kind, Locality, Model, StructuralCondition, Ty};
use proc_macro2::{Ident, Literal, Span as PSpan, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// Options of the emitted code.
#[derive(Clone, Debug)]
pub struct Options {
    /// Path of the run-time crate, e.g. `::annarchy::runtime`.
    pub runtime: TokenStream,
    /// Visibility of the generated items.
    pub vis: TokenStream,
    /// Attributes (doc comments) for the model type.
    pub attrs: TokenStream,
}

const KEYWORDS: [&str; 38] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn",
];

/// An identifier for a model name (raw when it is a Rust keyword).
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) {
        Ident::new_raw(name, PSpan::call_site())
    } else {
        Ident::new(name, PSpan::call_site())
    }
}

fn slice_ident(name: &str) -> Ident {
    format_ident!("{}_", name)
}

fn lit(v: f64) -> TokenStream {
    lit_of(v, &quote!(f64))
}

/// `v` as a literal, or as a constant of `ty` (`f64`, `f32`) for infinities
/// and NaN.
fn lit_of(v: f64, ty: &TokenStream) -> TokenStream {
    if v.is_nan() {
        quote!(#ty::NAN)
    } else if v == f64::INFINITY {
        quote!(#ty::INFINITY)
    } else if v == f64::NEG_INFINITY {
        quote!(#ty::NEG_INFINITY)
    } else if v < 0.0 || (v == 0.0 && v.is_sign_negative()) {
        let l = Literal::f64_unsuffixed(-v);
        quote!((-#l))
    } else {
        let l = Literal::f64_unsuffixed(v);
        quote!(#l)
    }
}

fn var_ident(v: &Var) -> Ident {
    match v {
        Var::Attr(x) | Var::Temp(x) => ident(x),
        Var::Pre(x) => format_ident!("pre_{}", x),
        Var::Post(x) => format_ident!("post_{}", x),
        Var::Sum(t) => format_ident!("sum_{}", t),
        Var::SumAll => format_ident!("sum_all"),
        Var::PreSum(t) => format_ident!("pre_sum_{}", t),
        Var::PostSum(t) => format_ident!("post_sum_{}", t),
        Var::T => format_ident!("t"),
        Var::Dt => format_ident!("dt"),
        Var::Rand(k) => format_ident!("_rand_{}", k),
        Var::GlobalOp(k) => format_ident!("_gop_{}", k),
        Var::TPre => format_ident!("t_pre"),
        Var::TPost => format_ident!("t_post"),
        Var::TLast => format_ident!("t_last"),
        Var::Const(c) => format_ident!("const_{}", c),
    }
}

/// The floating-point type a state stores its attributes in and computes
/// its equations in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Real {
    F64,
    F32,
}

impl Real {
    fn ty(self) -> TokenStream {
        match self {
            Real::F64 => quote!(f64),
            Real::F32 => quote!(f32),
        }
    }

    /// `x`, an `f64` expression (a time step, a sum, a random number), in
    /// this type.
    fn cast_f64(self, x: TokenStream) -> TokenStream {
        match self {
            Real::F64 => x,
            Real::F32 => quote!((#x as f32)),
        }
    }

    /// `x`, an expression of this type, in `f64`.
    fn to_f64(self, x: TokenStream) -> TokenStream {
        match self {
            Real::F64 => x,
            Real::F32 => quote!(f64::from(#x)),
        }
    }
}

struct Emitter<'m> {
    model: &'m Model,
    rt: TokenStream,
    /// Refractory neurons: assignments of variables other than conductances
    /// (`g_*`) run only when `not_ref` holds.
    gate: bool,
    /// The type the code computes in.
    real: Real,
    /// The type the state stores its attributes in (synapses in single
    /// precision store `f32` and compute in `f64`).
    store: Real,
}

impl<'m> Emitter<'m> {
    /// Code of `model` that computes in `real` and reads and writes a state
    /// stored in `store`, without the refractory gate.
    fn new(model: &'m Model, rt: &TokenStream, real: Real, store: Real) -> Emitter<'m> {
        Emitter {
            model,
            rt: rt.clone(),
            gate: false,
            real,
            store,
        }
    }

    /// A copy that computes in `f64` (random distributions' arguments).
    fn in_f64(&self) -> Emitter<'_> {
        Emitter {
            model: self.model,
            rt: self.rt.clone(),
            gate: self.gate,
            real: Real::F64,
            store: self.store,
        }
    }

    /// `place`, a field of the state (of the storage type), in the type the
    /// code computes in.
    fn load(&self, place: TokenStream) -> TokenStream {
        match (self.store, self.real) {
            (Real::F32, Real::F64) => quote!(f64::from(#place)),
            (Real::F64, Real::F32) => quote!((#place as f32)),
            _ => place,
        }
    }

    /// `v`, a value of the type the code computes in, in the storage type.
    fn narrow(&self, v: TokenStream) -> TokenStream {
        match (self.store, self.real) {
            (Real::F32, Real::F64) => quote!((#v as f32)),
            (Real::F64, Real::F32) => quote!(f64::from(#v)),
            _ => v,
        }
    }

    /// The path of one of the run-time's helper functions, for this type.
    fn helper(&self, name: &str) -> TokenStream {
        let rt = &self.rt;
        let n = format_ident!("{}", name);
        match self.real {
            Real::F64 => quote!(#rt::math::#n),
            Real::F32 => quote!(#rt::math::#n::<f32>),
        }
    }

    fn ty_of(&self, attr: &str) -> Ty {
        self.model.attr(attr).map_or(Ty::Float, |a| a.ty)
    }

    /// Emits `e` as an `f64` expression.
    fn num(&self, e: &Expr) -> TokenStream {
        self.num_p(e).0
    }

    /// `e` with at least precedence `min`: parenthesised when it binds less
    /// tightly. Operands keep the tree's grouping exactly (floating point is
    /// not associative), so only redundant parentheses are left out.
    fn num_at(&self, e: &Expr, min: u8) -> TokenStream {
        let (t, p) = self.num_p(e);
        if p < min { quote!((#t)) } else { t }
    }

    /// Calls the `f64` method `m` on `recv`: `recv.m(args)`, or
    /// `f64::m(recv, args)` when `recv` holds only numbers, whose type a
    /// method call would leave ambiguous (`f64::powf(2.0, t)`).
    fn method(&self, recv: &Expr, m: &str, args: &[TokenStream]) -> TokenStream {
        let m = format_ident!("{}", m);
        if recv.has_no_names() {
            let x = self.num(recv);
            let real = self.real.ty();
            quote!(#real::#m(#x #(, #args)*))
        } else {
            let x = self.num_at(recv, 4);
            quote!(#x.#m(#(#args),*))
        }
    }

    /// Emits `e` as an `f64` expression with its precedence: 0 conditional,
    /// 1 sum, 2 product, 3 unary minus, 4 call or atom.
    fn num_p(&self, e: &Expr) -> (TokenStream, u8) {
        if e.is_boolean() {
            let b = self.boolean_p(e, 0);
            let b2f = self.helper("b2f");
            return (quote!(#b2f(#b)), 4);
        }
        match e {
            Expr::Num(v) => {
                let neg = *v < 0.0 || (*v == 0.0 && v.is_sign_negative());
                (self.lit(*v), if neg && v.is_finite() { 3 } else { 4 })
            }
            Expr::Bool(b) => (self.lit(f64::from(u8::from(*b))), 4),
            Expr::Var(v) => {
                let i = var_ident(v);
                (quote!(#i), 4)
            }
            Expr::Neg(a) => {
                let a = self.num_at(a, 3);
                (quote!(-#a), 3)
            }
            Expr::Bin(op, a, b) => match op {
                BinOp::Add | BinOp::Sub => {
                    let (x, y) = (self.num_at(a, 1), self.num_at(b, 2));
                    if *op == BinOp::Add {
                        (quote!(#x + #y), 1)
                    } else {
                        (quote!(#x - #y), 1)
                    }
                }
                BinOp::Mul | BinOp::Div => {
                    let (x, y) = (self.num_at(a, 2), self.num_at(b, 3));
                    if *op == BinOp::Mul {
                        (quote!(#x * #y), 2)
                    } else {
                        (quote!(#x / #y), 2)
                    }
                }
                BinOp::Pow => match **b {
                    Expr::Num(n) if n.fract() == 0.0 && n.abs() <= 64.0 => {
                        let n = Literal::i32_unsuffixed(n as i32);
                        (self.method(a, "powi", &[quote!(#n)]), 4)
                    }
                    _ => (self.method(a, "powf", &[self.num(b)]), 4),
                },
                _ => unreachable!("boolean operators are handled above"),
            },
            Expr::Call(f, args) => {
                let a: Vec<TokenStream> = args.iter().map(|a| self.num(a)).collect();
                let t = match f {
                    Func::Math(m) => {
                        let recv = &args[0];
                        match (*m, &a[1..]) {
                            ("fabs" | "abs", []) => self.method(recv, "abs", &[]),
                            ("log", []) => self.method(recv, "ln", &[]),
                            ("pow", [y]) => self.method(recv, "powf", std::slice::from_ref(y)),
                            ("fmod", [_]) => {
                                let (x, y) = (self.num_at(&args[0], 2), self.num_at(&args[1], 3));
                                return (quote!(#x % #y), 2);
                            }
                            ("atan2" | "hypot", [y]) => {
                                self.method(recv, m, std::slice::from_ref(y))
                            }
                            (name, []) => self.method(recv, name, &[]),
                            _ => unreachable!("arity checked during analysis"),
                        }
                    }
                    Func::Pos | Func::Neg | Func::Clip | Func::Modulo | Func::Power => {
                        let name = match f {
                            Func::Pos => "pos",
                            Func::Neg => "neg",
                            Func::Clip => "clip",
                            Func::Modulo => "modulo",
                            _ => "power",
                        };
                        let path = self.helper(name);
                        quote!(#path(#(#a),*))
                    }
                    Func::IsFinite | Func::IsNan => unreachable!("boolean"),
                    Func::User(i) => {
                        let name = ident(&self.model.functions[*i].name);
                        let owner = match self.real {
                            Real::F64 => ident(&self.model.type_name),
                            Real::F32 => single_functions(self.model),
                        };
                        quote!(#owner::#name(#(#a),*))
                    }
                };
                (t, 4)
            }
            Expr::Ite(c, a, b) => {
                let (c, a, b) = (self.boolean_p(c, 0), self.num(a), self.num(b));
                (quote!(if #c { #a } else { #b }), 0)
            }
            Expr::Not(_) => unreachable!("boolean"),
        }
    }

    /// Emits `e` as a `bool` expression.
    fn boolean(&self, e: &Expr) -> TokenStream {
        self.boolean_p(e, 0)
    }

    /// `e` as a `bool`, parenthesised unless it binds at least as `min`
    /// (0: anywhere, 1: operand of `&`/`|`, 2: operand of `!`).
    fn boolean_p(&self, e: &Expr, min: u8) -> TokenStream {
        let (t, p) = match e {
            Expr::Bool(b) => (quote!(#b), 3),
            Expr::Not(a) => {
                let a = self.boolean_p(a, 2);
                (quote!(!#a), 2)
            }
            Expr::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                // Same operator on the left keeps its grouping without parentheses.
                let left_min = if matches!(**a, Expr::Bin(o, ..) if o == *op) {
                    1
                } else {
                    2
                };
                let (x, y) = (self.boolean_p(a, left_min), self.boolean_p(b, 2));
                if *op == BinOp::And {
                    (quote!(#x & #y), 1)
                } else {
                    (quote!(#x | #y), 1)
                }
            }
            Expr::Bin(op, a, b) if op.is_boolean() => {
                let (x, y) = (self.num_at(a, 1), self.num_at(b, 1));
                let t = match op {
                    BinOp::Lt => quote!(#x < #y),
                    BinOp::Le => quote!(#x <= #y),
                    BinOp::Gt => quote!(#x > #y),
                    BinOp::Ge => quote!(#x >= #y),
                    BinOp::Eq => quote!(#x == #y),
                    _ => quote!(#x != #y),
                };
                (t, 0)
            }
            Expr::Call(Func::IsFinite, a) => {
                let x = self.num_at(&a[0], 4);
                (quote!(#x.is_finite()), 3)
            }
            Expr::Call(Func::IsNan, a) => {
                let x = self.num_at(&a[0], 4);
                (quote!(#x.is_nan()), 3)
            }
            Expr::Ite(c, a, b) if a.is_boolean() && b.is_boolean() => {
                let (c, a, b) = (self.boolean(c), self.boolean(a), self.boolean(b));
                (quote!(if #c { #a } else { #b }), 0)
            }
            other => {
                let x = self.num_at(other, 1);
                (quote!(#x != 0.0), 0)
            }
        };
        if p < min { quote!((#t)) } else { t }
    }

    fn assign_value(&self, attr: &str, e: &Expr) -> TokenStream {
        match self.ty_of(attr) {
            Ty::Float => self.num(e),
            Ty::Int => {
                let v = self.num_at(e, 4);
                quote!(#v.trunc())
            }
            Ty::Bool => {
                let b = self.boolean(e);
                let b2f = self.helper("b2f");
                quote!(#b2f(#b))
            }
        }
    }

    /// A number of the type the code computes in.
    fn lit(&self, v: f64) -> TokenStream {
        lit_of(v, &self.real.ty())
    }

    fn stmts(&self, stmts: &[Stmt], gate_w: bool) -> TokenStream {
        let mut out = TokenStream::new();
        for s in stmts {
            let gated = self.gate
                && matches!(s, Stmt::Set(a, _) | Stmt::Clamp { attr: a, .. } if !a.starts_with("g_"));
            let code = match s {
                Stmt::Let(name, e) => {
                    let n = ident(name);
                    let v = self.num(e);
                    quote!(let #n = #v;)
                }
                Stmt::Set(attr, e) => {
                    let n = ident(attr);
                    let v = self.assign_value(attr, e);
                    if gate_w && attr == "w" {
                        quote!(if plasticity { #n = #v; })
                    } else {
                        quote!(#n = #v;)
                    }
                }
                Stmt::Clamp { attr, min, max } => {
                    let n = ident(attr);
                    let mut c = TokenStream::new();
                    if let Some(m) = min {
                        let m = self.num_at(m, 1);
                        c.extend(quote!(if #n < #m { #n = #m; }));
                    }
                    if let Some(m) = max {
                        let m = self.num_at(m, 1);
                        c.extend(quote!(if #n > #m { #n = #m; }));
                    }
                    c
                }
                Stmt::Solve { out: names, a, b } => {
                    let rt = &self.rt;
                    let n = names.len();
                    let outs: Vec<Ident> = names.iter().map(|x| ident(x)).collect();
                    let rows: Vec<TokenStream> = a
                        .chunks(n)
                        .map(|row| {
                            let r: Vec<TokenStream> = row.iter().map(|x| self.num(x)).collect();
                            quote!([#(#r),*])
                        })
                        .collect();
                    let bs: Vec<TokenStream> = b.iter().map(|x| self.num(x)).collect();
                    let solve = match self.real {
                        Real::F64 => quote!(#rt::math::solve_linear),
                        Real::F32 => quote!(#rt::math::solve_linear::<f32, #n>),
                    };
                    quote!(let [#(#outs),*] = #solve([#(#rows),*], [#(#bs),*]);)
                }
            };
            match s {
                // A select rather than a branch, so that the loop vectorises.
                Stmt::Set(attr, e) if gated && !(gate_w && attr == "w") => {
                    let n = ident(attr);
                    let v = self.assign_value(attr, e);
                    out.extend(quote!(#n = if not_ref { #v } else { #n };));
                }
                _ if gated => out.extend(quote!(if not_ref { #code })),
                _ => out.extend(code),
            }
        }
        out
    }
}

/// Splits the statements of a loop into the `let`s that do not depend on
/// the loop index (computed once, before the loop) and the rest.
///
/// In the rest, a division by a value that does not depend on the loop
/// index (a population-wide parameter, a constant, `dt`, a power of two)
/// becomes a multiplication by its reciprocal, computed once before the
/// loop: `(El - v) / tau` is `(El - v) * __recip_0` with
/// `let __recip_0 = 1.0 / tau;`. A division costs several times a
/// multiplication and bounds the update of many neurons; the product may
/// differ from the quotient in its last bit.
fn hoist(m: &Model, stmts: &[Stmt]) -> (Vec<Stmt>, Vec<Stmt>) {
    let written = written(stmts);
    let invariant = |e: &Expr, temps: &BTreeSet<String>| {
        let mut ok = true;
        e.visit_vars(&mut |v| {
            ok &= match v {
                Var::Dt | Var::T | Var::Const(_) | Var::GlobalOp(_) => true,
                Var::Attr(a) => {
                    !written.contains(a)
                        && m.attr(a).is_some_and(|x| x.locality == Locality::Global)
                }
                Var::Rand(k) => m.randoms[*k].locality == Locality::Global,
                Var::Temp(t) => temps.contains(t),
                _ => false,
            }
        });
        ok
    };
    let mut invariant_temps: BTreeSet<String> = BTreeSet::new();
    let (mut before, mut inside) = (Vec::new(), Vec::new());
    let mut recips: Vec<(Expr, String)> = Vec::new();
    for s in stmts {
        if let Stmt::Let(name, e) = s
            && invariant(e, &invariant_temps)
        {
            invariant_temps.insert(name.clone());
            before.push(s.clone());
            continue;
        }
        let mut rewrite = |e: &Expr| {
            with_reciprocals(e, &mut |d: &Expr| {
                if !invariant(d, &invariant_temps) {
                    return None;
                }
                // A number: only a power of two, whose reciprocal is exact
                // (`x / 2.0` is `x * 0.5`; `x / 3.0` stays).
                if let Expr::Num(x) = d {
                    let exact = x.is_normal() && x.to_bits() & ((1 << 52) - 1) == 0;
                    let r = 1.0 / x;
                    return (exact && r.is_normal()).then_some(Expr::Num(r));
                }
                let name = match recips.iter().find(|(known, _)| known == d) {
                    Some((_, name)) => name.clone(),
                    None => {
                        let name = format!("__recip_{}", recips.len());
                        recips.push((d.clone(), name.clone()));
                        name
                    }
                };
                Some(Expr::temp(name))
            })
        };
        inside.push(match s {
            Stmt::Let(n, e) => Stmt::Let(n.clone(), rewrite(e)),
            Stmt::Set(a, e) => Stmt::Set(a.clone(), rewrite(e)),
            other => other.clone(),
        });
    }
    before.extend(
        recips
            .into_iter()
            .map(|(d, name)| Stmt::Let(name, Expr::bin(BinOp::Div, Expr::Num(1.0), d))),
    );
    (before, inside)
}

/// `e` with each division `a / d` for which `recip(d)` gives a reciprocal
/// `r` written `a * r` (`r` for `1 / d`).
fn with_reciprocals(e: &Expr, recip: &mut impl FnMut(&Expr) -> Option<Expr>) -> Expr {
    match e {
        Expr::Num(_) | Expr::Bool(_) | Expr::Var(_) => e.clone(),
        Expr::Neg(a) => Expr::Neg(Box::new(with_reciprocals(a, recip))),
        Expr::Not(a) => Expr::Not(Box::new(with_reciprocals(a, recip))),
        Expr::Bin(op, a, b) => {
            let a = Box::new(with_reciprocals(a, recip));
            if *op == BinOp::Div
                && let Some(r) = recip(b)
            {
                // `1 / d` is the reciprocal itself.
                if *a == Expr::Num(1.0) {
                    return r;
                }
                return Expr::Bin(BinOp::Mul, a, Box::new(r));
            }
            Expr::Bin(*op, a, Box::new(with_reciprocals(b, recip)))
        }
        Expr::Call(f, args) => Expr::Call(
            f.clone(),
            args.iter().map(|x| with_reciprocals(x, recip)).collect(),
        ),
        Expr::Ite(c, a, b) => Expr::Ite(
            Box::new(with_reciprocals(c, recip)),
            Box::new(with_reciprocals(a, recip)),
            Box::new(with_reciprocals(b, recip)),
        ),
    }
}

/// Variables mentioned by statements.
fn vars_of(stmts: &[Stmt]) -> BTreeSet<Var> {
    let mut set = BTreeSet::new();
    let mut add = |e: &Expr| {
        e.visit_vars(&mut |v| {
            set.insert(v.clone());
        })
    };
    for s in stmts {
        match s {
            Stmt::Let(_, e) => add(e),
            Stmt::Set(a, e) => {
                add(e);
                add(&Expr::attr(a.clone()));
            }
            Stmt::Clamp { attr, min, max } => {
                add(&Expr::attr(attr.clone()));
                if let Some(m) = min {
                    add(m);
                }
                if let Some(m) = max {
                    add(m);
                }
            }
            Stmt::Solve { a, b, .. } => {
                a.iter().for_each(&mut add);
                b.iter().for_each(&mut add);
            }
        }
    }
    set
}

fn written(stmts: &[Stmt]) -> BTreeSet<String> {
    stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Set(a, _) | Stmt::Clamp { attr: a, .. } => Some(a.clone()),
            _ => None,
        })
        .collect()
}

fn locality_tokens(rt: &TokenStream, l: Locality) -> TokenStream {
    match l {
        Locality::Local => quote!(#rt::model::Locality::Local),
        Locality::SemiGlobal => quote!(#rt::model::Locality::SemiGlobal),
        Locality::Global => quote!(#rt::model::Locality::Global),
    }
}

fn gop_tokens(rt: &TokenStream, op: &str) -> TokenStream {
    match op {
        "min" => quote!(#rt::model::GlobalOpKind::Min),
        "max" => quote!(#rt::model::GlobalOpKind::Max),
        "mean" => quote!(#rt::model::GlobalOpKind::Mean),
        "norm1" => quote!(#rt::model::GlobalOpKind::Norm1),
        _ => quote!(#rt::model::GlobalOpKind::Norm2),
    }
}

fn model_info(m: &Model, rt: &TokenStream) -> TokenStream {
    let type_name = &m.type_name;
    let name = &m.name;
    let description = &m.description;
    let kind = match m.kind {
        Kind::Neuron => quote!(#rt::model::ModelKind::Neuron),
        Kind::Synapse => quote!(#rt::model::ModelKind::Synapse),
    };
    let spiking = m.spiking;
    let attrs = m.attributes.iter().map(|a| {
        let n = &a.name;
        let p = a.is_param;
        let l = locality_tokens(rt, a.locality);
        let t = match a.ty {
            Ty::Float => quote!(#rt::model::ValueType::Float),
            Ty::Int => quote!(#rt::model::ValueType::Int),
            Ty::Bool => quote!(#rt::model::ValueType::Bool),
        };
        let init = lit(a.init);
        quote!(#rt::model::AttrInfo { name: #n, is_parameter: #p, locality: #l, value_type: #t, init: #init })
    });
    let targets = &m.targets;
    let uses_all = m.uses_all_targets;
    let gops = m.global_ops.iter().map(|g| {
        let op = gop_tokens(rt, &g.op);
        let scope = match g.scope {
            crate::ast::Scope::Own => "",
            crate::ast::Scope::Pre => "pre",
            crate::ast::Scope::Post => "post",
        };
        let a = &g.attr;
        quote!((#op, #scope, #a))
    });
    let pre = &m.pre_attrs;
    let post = &m.post_attrs;
    let pre_t = &m.pre_targets;
    let post_t = &m.post_targets;
    let plastic = m.plastic;
    let constants = &m.constants;
    let op = &m.operation;
    let src = |k: &str| m.source.get(k).cloned().unwrap_or_default();
    let (sp, se, sf, ss, sr, sref, spsp, sop, sps, spo) = (
        src("parameters"),
        src("equations"),
        src("functions"),
        src("spike"),
        src("reset"),
        match &m.refractory {
            Some(crate::model::Refractory::Ms(v)) => v.to_string(),
            Some(crate::model::Refractory::Attr(a)) => a.clone(),
            None => String::new(),
        },
        src("psp"),
        src("operation"),
        src("pre_spike"),
        src("post_spike"),
    );
    let adds_w = pre_spike_adds_w(m);
    let latex = model_latex(m, rt);
    quote! {
        &#rt::model::ModelInfo {
            type_name: #type_name,
            name: #name,
            description: #description,
            kind: #kind,
            spiking: #spiking,
            attributes: &[#(#attrs),*],
            targets: &[#(#targets),*],
            uses_all_targets: #uses_all,
            global_ops: &[#(#gops),*],
            pre_attributes: &[#(#pre),*],
            post_attributes: &[#(#post),*],
            pre_targets: &[#(#pre_t),*],
            post_targets: &[#(#post_t),*],
            plastic: #plastic,
            pre_spike_adds_w: #adds_w,
            constants: &[#(#constants),*],
            operation: #op,
            source: #rt::model::ModelSource {
                parameters: #sp,
                equations: #se,
                functions: #sf,
                spike: #ss,
                reset: #sr,
                refractory: #sref,
                psp: #spsp,
                operation: #sop,
                pre_spike: #sps,
                post_spike: #spo,
            },
            latex: #latex,
        }
    }
}

/// A string literal, raw (`r"\tau"`) when it has backslashes, so that the
/// LaTeX reads as it is in the generated code.
fn raw_str(s: &str) -> TokenStream {
    if !s.contains('\\') {
        return quote!(#s);
    }
    let hashes = (0..)
        .map(|n| "#".repeat(n))
        .find(|h| !s.contains(&format!("\"{h}")))
        .expect("some number of hashes is not in the text");
    let lit: Literal = format!("r{hashes}\"{s}\"{hashes}")
        .parse()
        .expect("a raw string literal parses");
    quote!(#lit)
}

/// The `ModelLatex` of the model: the LaTeX of its equations, rendered here
/// from their syntax trees ([`crate::latex`]).
fn model_latex(m: &Model, rt: &TokenStream) -> TokenStream {
    let l = crate::latex::render(m);
    let strs = |v: &[String]| {
        let v = v.iter().map(|x| raw_str(x));
        quote!(&[#(#v),*])
    };
    let symbols = l.symbols.iter().map(|(n, s)| {
        let s = raw_str(s);
        quote!((#n, #s))
    });
    let equations = l.equations.iter().map(|e| {
        let (variable, method) = (&e.variable, e.method);
        let (latex, min, max) = (raw_str(&e.latex), raw_str(&e.min), raw_str(&e.max));
        quote! {
            #rt::model::LatexEquation {
                variable: #variable,
                latex: #latex,
                method: #method,
                min: #min,
                max: #max,
            }
        }
    });
    let (spike, refractory, psp) = (raw_str(&l.spike), raw_str(&l.refractory), raw_str(&l.psp));
    let (reset, pre_spike, post_spike, functions) = (
        strs(&l.reset),
        strs(&l.pre_spike),
        strs(&l.post_spike),
        strs(&l.functions),
    );
    quote! {
        #rt::model::ModelLatex {
            symbols: &[#(#symbols),*],
            equations: &[#(#equations),*],
            spike: #spike,
            reset: #reset,
            refractory: #refractory,
            psp: #psp,
            pre_spike: #pre_spike,
            post_spike: #post_spike,
            functions: #functions,
        }
    }
}

fn distribution(e: &Emitter<'_>, dist: &str, args: &[Expr]) -> TokenStream {
    let rt = &e.rt;
    let a: Vec<TokenStream> = args.iter().map(|x| e.num(x)).collect();
    match (dist, a.as_slice()) {
        ("Uniform", [x, y]) => quote!(#rt::random::RandomDistribution::uniform(#x, #y)),
        ("DiscreteUniform", [x, y]) => {
            quote!(#rt::random::RandomDistribution::discrete_uniform(#x as i64, #y as i64))
        }
        ("Normal", [x, y]) => quote!(#rt::random::RandomDistribution::normal(#x, #y)),
        ("LogNormal", [x, y]) => quote!(#rt::random::RandomDistribution::log_normal(#x, #y)),
        ("Exponential", [x]) => quote!(#rt::random::RandomDistribution::exponential(#x)),
        ("Gamma", [x, y]) => quote!(#rt::random::RandomDistribution::gamma(#x, #y)),
        ("Binomial", [x, y]) => quote!(#rt::random::RandomDistribution::binomial(#x as u64, #y)),
        _ => unreachable!("distributions checked during analysis"),
    }
}

/// Code of `update_rng` (random draws of the step).
/// Random numbers are drawn in `f64`, whatever the state's type.
fn update_rng(e: &Emitter<'_>) -> TokenStream {
    let rt = &e.rt;
    let m = e.model;
    let globals: Vec<TokenStream> = m
        .attributes
        .iter()
        .filter(|a| a.locality == Locality::Global)
        .map(|a| {
            let n = ident(&a.name);
            let v = e.store.to_f64(quote!(self.#n));
            quote!(let #n = #v;)
        })
        .collect();
    let e = &e.in_f64();
    let draws = m.randoms.iter().enumerate().map(|(k, r)| {
        let field = format_ident!("_rand_{}", k);
        let d = distribution(e, &r.dist, &r.args);
        let key = k as u64;
        if r.locality == Locality::Global {
            quote! {
                let mut one = [0.0];
                #rt::random::fill_chunked_with(&#d, &mut one, rng.seed, [rng.object, #key, rng.t as u64], None);
                self.#field = one[0];
            }
        } else {
            quote!(#rt::random::fill_chunked_with(&#d, &mut self.#field, rng.seed, [rng.object, #key, rng.t as u64], rng.team);)
        }
    });
    if m.randoms.is_empty() {
        return quote!(let _ = rng;);
    }
    quote! {
        #(#globals)*
        #(#draws)*
    }
}

/// The model's `functions` in `f64`, on the model's type.
fn double_functions(m: &Model, rt: &TokenStream) -> TokenStream {
    user_functions(&Emitter::new(m, rt, Real::F64, Real::F64))
}

/// The model's `functions`: public functions of the model's type in `f64`;
/// in `f32`, the same functions of a hidden type of their own (the
/// single-precision state has the attributes' accessors, whose names a
/// function may have).
fn user_functions(e: &Emitter<'_>) -> TokenStream {
    let real = e.real.ty();
    let fns = e.model.functions.iter().map(|f| {
        let name = ident(&f.name);
        let args: Vec<Ident> = f.args.iter().map(|a| ident(a)).collect();
        let body = e.num(&f.body);
        let doc = format!(
            "`{}({})` of the model's `functions`.",
            f.name,
            f.args.join(", ")
        );
        quote! {
            #[doc = #doc]
            #[inline(always)]
            pub fn #name(#(#args: #real),*) -> #real { #body }
        }
    });
    let fns: Vec<TokenStream> = fns.collect();
    if fns.is_empty() {
        return TokenStream::new();
    }
    match e.real {
        Real::F64 => {
            let ty = ident(&e.model.type_name);
            quote! {
                #[allow(non_snake_case)]
                impl #ty {
                    #(#fns)*
                }
            }
        }
        Real::F32 => {
            let ty = single_functions(e.model);
            quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types, dead_code)]
                pub struct #ty;
                #[allow(non_snake_case, overflowing_literals, clippy::excessive_precision)]
                impl #ty {
                    #(#fns)*
                }
            }
        }
    }
}

fn accessors(m: &Model, size_doc: &str, real: Real) -> TokenStream {
    let ty = real.ty();
    let items = m.attributes.iter().map(|a| {
        let n = ident(&a.name);
        let set = format_ident!("set_{}", a.name);
        let mutn = format_ident!("{}_mut", a.name);
        let what = if a.is_param { "parameter" } else { "variable" };
        match a.locality {
            Locality::Global => {
                let d1 = format!("The {what} `{}` (one value).", a.name);
                let d2 = format!("Sets the {what} `{}`.", a.name);
                quote! {
                    #[doc = #d1]
                    pub fn #n(&self) -> #ty { self.#n }
                    #[doc = #d2]
                    pub fn #set(&mut self, value: #ty) { self.#n = value; }
                }
            }
            _ => {
                let d1 = format!("The {what} `{}`, {size_doc}.", a.name);
                let d2 = format!("The {what} `{}`, writable.", a.name);
                quote! {
                    #[doc = #d1]
                    pub fn #n(&self) -> &[#ty] { &self.#n }
                    #[doc = #d2]
                    pub fn #mutn(&mut self) -> &mut [#ty] { &mut self.#n }
                }
            }
        }
    });
    quote!(#(#items)*)
}

fn attr_table(m: &Model, rt: &TokenStream, real: Real) -> (TokenStream, TokenStream) {
    let (array, scalar_mut) = match real {
        Real::F64 => (quote!(Array), quote!(Scalar)),
        Real::F32 => (quote!(ArrayF32), quote!(ScalarF32)),
    };
    let refs = m.attributes.iter().enumerate().map(|(i, a)| {
        let n = ident(&a.name);
        if a.locality == Locality::Global {
            let v = real.to_f64(quote!(self.#n));
            quote!(#i => #rt::model::AttrRef::Scalar(#v),)
        } else {
            quote!(#i => #rt::model::AttrRef::#array(&self.#n),)
        }
    });
    let muts = m.attributes.iter().enumerate().map(|(i, a)| {
        let n = ident(&a.name);
        if a.locality == Locality::Global {
            quote!(#i => #rt::model::AttrMut::#scalar_mut(&mut self.#n),)
        } else {
            quote!(#i => #rt::model::AttrMut::#array(&mut self.#n),)
        }
    });
    (
        quote! {
            match index {
                #(#refs)*
                _ => #rt::model::AttrRef::Array(&[]),
            }
        },
        quote! {
            match index {
                #(#muts)*
                _ => #rt::model::AttrMut::Array(&mut []),
            }
        },
    )
}

/// Loads of global attributes, global ops and global randoms into locals,
/// the global pass, and the write-back.
fn global_pass(e: &Emitter<'_>, stmts: &[Stmt], gate_w: bool) -> TokenStream {
    let m = e.model;
    let w = written(stmts);
    let loads = m
        .attributes
        .iter()
        .filter(|a| a.locality == Locality::Global)
        .map(|a| {
            let n = ident(&a.name);
            let v = e.load(quote!(self.#n));
            if w.contains(&a.name) {
                quote!(let mut #n = #v;)
            } else {
                quote!(let #n = #v;)
            }
        });
    let rands = m
        .randoms
        .iter()
        .enumerate()
        .filter(|(_, r)| r.locality == Locality::Global)
        .map(|(k, _)| {
            let f = format_ident!("_rand_{}", k);
            let v = e.real.cast_f64(quote!(self.#f));
            quote!(let #f = #v;)
        });
    let body = e.stmts(stmts, gate_w);
    let stores = w.iter().map(|a| {
        let n = ident(a);
        let v = e.narrow(quote!(#n));
        quote!(self.#n = #v;)
    });
    quote! {
        #(#loads)*
        #(#rands)*
        #body
        #(#stores)*
    }
}

/// Fields of a state struct: one per attribute (of type `real`) and per
/// random occurrence (`f64`, as they are drawn), a number for population-
/// or projection-wide ones, an array otherwise.
fn storage_fields(m: &Model, real: Real) -> Vec<TokenStream> {
    let field = |n: Ident, locality: Locality, ty: &TokenStream| {
        if locality == Locality::Global {
            quote!(#n: #ty,)
        } else {
            quote!(#n: ::std::vec::Vec<#ty>,)
        }
    };
    let (ty, f64_ty) = (real.ty(), quote!(f64));
    m.attributes
        .iter()
        .map(|a| field(ident(&a.name), a.locality, &ty))
        .chain(
            m.randoms
                .iter()
                .enumerate()
                .map(|(k, r)| field(format_ident!("_rand_{}", k), r.locality, &f64_ty)),
        )
        .collect()
}

/// The single-precision state of a model.
fn single_state(m: &Model) -> Ident {
    format_ident!("{}StateF32", m.type_name)
}

/// The type of the `f32` versions of a neuron model's `functions`.
fn single_functions(m: &Model) -> Ident {
    format_ident!("__{}FunctionsF32", m.type_name)
}

fn neuron(m: &Model, low: &Lowered, opts: &Options) -> TokenStream {
    let rt = &opts.runtime;
    let vis = &opts.vis;
    let attrs = &opts.attrs;
    let ty = ident(&m.type_name);
    let state = format_ident!("{}State", m.type_name);
    let single = single_state(m);
    let info = model_info(m, rt);
    let accessors = accessors(m, "one value per neuron", Real::F64);
    let functions = double_functions(m, rt);
    let (double_struct, double_impls) = neuron_state(m, low, opts, Real::F64);
    let (single_struct, single_impls) = neuron_state(m, low, opts, Real::F32);
    let init = state_init(m, Real::F64);
    quote! {
        #attrs
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #ty;

        #functions

        #double_struct

        #[allow(non_snake_case)]
        impl #state {
            #accessors
        }

        impl #rt::model::NeuronModel for #ty {
            type State = #state;
            const INFO: &'static #rt::model::ModelInfo = #info;
            fn new_state(size: usize) -> #state {
                #init
            }
            fn new_state_in(
                size: usize,
                precision: #rt::model::Precision,
            ) -> ::std::boxed::Box<dyn #rt::model::NeuronState> {
                match precision {
                    #rt::model::Precision::Double => ::std::boxed::Box::new(Self::new_state(size)),
                    #rt::model::Precision::Single => ::std::boxed::Box::new(#single::new(size)),
                }
            }
        }

        #double_impls

        #single_struct

        #single_impls
    }
}

/// A neuron state of `size` neurons, every attribute at its initial value.
fn state_init(m: &Model, real: Real) -> TokenStream {
    let state = match real {
        Real::F64 => format_ident!("{}State", m.type_name),
        Real::F32 => single_state(m),
    };
    let init_fields = m.attributes.iter().map(|a| {
        let n = ident(&a.name);
        let v = lit_of(a.init, &real.ty());
        if a.locality == Locality::Global {
            quote!(#n: #v,)
        } else {
            quote!(#n: ::std::vec![#v; size],)
        }
    });
    let init_rands = m.randoms.iter().enumerate().map(|(k, r)| {
        let n = format_ident!("_rand_{}", k);
        if r.locality == Locality::Global {
            quote!(#n: 0.0,)
        } else {
            quote!(#n: ::std::vec![0.0; size],)
        }
    });
    let init_gops = (0..m.global_ops.len()).map(|k| {
        let n = format_ident!("_gop_{}", k);
        quote!(#n: 0.0,)
    });
    let ref_init = if m.spiking && m.refractory.is_some() {
        quote!(_ref_rem: ::std::vec![0.0; size],)
    } else {
        TokenStream::new()
    };
    let mask_init = if m.spiking {
        quote!(_spike_mask: ::std::vec![0; size],)
    } else {
        TokenStream::new()
    };
    quote! {
        #state {
            size,
            #(#init_fields)*
            #(#init_rands)*
            #(#init_gops)*
            #ref_init
            #mask_init
        }
    }
}

/// The state of a population of a neuron model, in `f64` (`{Model}State`)
/// or in `f32` (`{Model}StateF32`): its struct, and its implementations
/// (`NeuronState`; in `f32`, also its constructor and the model's
/// functions).
fn neuron_state(
    m: &Model,
    low: &Lowered,
    opts: &Options,
    real: Real,
) -> (TokenStream, TokenStream) {
    let rt = &opts.runtime;
    let vis = &opts.vis;
    let e = Emitter::new(m, rt, real, real);
    let ty = ident(&m.type_name);
    let real_ty = real.ty();
    let state = match real {
        Real::F64 => format_ident!("{}State", m.type_name),
        Real::F32 => single_state(m),
    };
    let fields = storage_fields(m, real);
    let gop_fields = (0..m.global_ops.len()).map(|k| {
        let n = format_ident!("_gop_{}", k);
        quote!(#n: f64,)
    });
    let refractory = m.spiking && m.refractory.is_some();
    let mask_field = if m.spiking {
        quote!(_spike_mask: ::std::vec::Vec<u8>,)
    } else {
        TokenStream::new()
    };
    let (ref_field, ref_reset, ref_io) = if refractory {
        (
            quote!(_ref_rem: ::std::vec::Vec<#real_ty>,),
            quote!(self._ref_rem.fill(0.0);),
            quote! {
                fn internal_state(&self) -> ::std::vec::Vec<(&'static str, #rt::model::InternalValues)> {
                    let steps = self._ref_rem.iter().map(|&s| s as i64).collect();
                    ::std::vec![("refractory", #rt::model::InternalValues::Int(steps))]
                }
                fn set_internal_state(
                    &mut self,
                    name: &str,
                    values: #rt::model::InternalValues,
                ) -> ::std::result::Result<(), ::std::string::String> {
                    match name {
                        "refractory" => {
                            let steps = values.into_counts(name, self.size)?;
                            for (rem, s) in self._ref_rem.iter_mut().zip(steps) {
                                *rem = s as #real_ty;
                            }
                            ::std::result::Result::Ok(())
                        }
                        _ => ::std::result::Result::Err(#rt::model::unknown_internal(name)),
                    }
                }
            },
        )
    } else {
        (TokenStream::new(), TokenStream::new(), TokenStream::new())
    };
    let resets = m.attributes.iter().map(|a| {
        let n = ident(&a.name);
        let v = lit_of(a.init, &real_ty);
        if a.locality == Locality::Global {
            quote!(self.#n = #v;)
        } else {
            quote!(self.#n.fill(#v);)
        }
    });
    let reset_gops = (0..m.global_ops.len()).map(|k| {
        let n = format_ident!("_gop_{}", k);
        quote!(self.#n = 0.0;)
    });
    let gop_updates = m.global_ops.iter().enumerate().map(|(k, g)| {
        let n = format_ident!("_gop_{}", k);
        let a = ident(&g.attr);
        let op = gop_tokens(rt, &g.op);
        quote!(self.#n = #op.reduce(&self.#a);)
    });
    let (attr_ref, attr_mut) = attr_table(m, rt, real);
    let rng = update_rng(&e);
    let global = global_pass(&e, &low.global, false);
    let gated = Emitter {
        gate: refractory,
        ..Emitter::new(m, rt, real, real)
    };
    let spike = if spike_in_update(m, low) {
        m.spike.as_ref().map(|cond| (cond, &low.reset[..]))
    } else {
        None
    };
    // The update delivers the spikes to the conductances it writes, unless
    // a population-wide equation, evaluated first, reads one of them.
    let fuse = m.spiking
        && !vars_of(&low.global)
            .iter()
            .any(|v| matches!(v, Var::Attr(a) if a.starts_with("g_")));
    let (local, conductances) = local_neuron_loop(&gated, &low.local, spike, fuse);
    let arrival_attrs = if conductances.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            fn arrival_attrs(&self) -> &'static [usize] {
                &[#(#conductances),*]
            }
        }
    };
    let spiking_fns = if m.spiking {
        let gather = spike_gather(&e, low);
        let locals = m
            .attributes
            .iter()
            .enumerate()
            .filter(|(_, a)| a.locality == Locality::Local);
        let locals: Vec<_> = locals.collect();
        let single = match real {
            Real::F64 => TokenStream::new(),
            Real::F32 => {
                let arrays = locals.iter().map(|(i, a)| {
                    let n = ident(&a.name);
                    quote!(#i => &mut self.#n,)
                });
                quote! {
                    fn take_array_f32(&mut self, index: usize, other: &mut ::std::vec::Vec<f32>) -> bool {
                        let lent = match index {
                            #(#arrays)*
                            _ => return false,
                        };
                        ::std::mem::swap(lent, other);
                        true
                    }
                    fn put_array_f32(&mut self, index: usize, other: &mut ::std::vec::Vec<f32>) {
                        // Giving back is the same exchange.
                        self.take_array_f32(index, other);
                    }
                }
            }
        };
        let (takes, puts): (Vec<TokenStream>, Vec<TokenStream>) = locals
            .iter()
            .map(|&(i, a)| {
                let n = ident(&a.name);
                match real {
                    Real::F64 => (
                        quote!(#i => ::std::mem::swap(&mut self.#n, other),),
                        quote!(#i => ::std::mem::swap(&mut self.#n, other),),
                    ),
                    Real::F32 => (
                        quote!(#i => {
                            other.clear();
                            other.extend(self.#n.iter().map(|&x| f64::from(x)));
                        }),
                        quote!(#i => {
                            for (x, &v) in self.#n.iter_mut().zip(other.iter()) {
                                *x = v as f32;
                            }
                        }),
                    ),
                }
            })
            .unzip();
        quote! {
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn spike_gather(&mut self, ctx: &#rt::model::NeuronCtx<'_>, out: #rt::model::SpikeOut<'_>) {
                #gather
            }
            fn take_array(&mut self, index: usize, other: &mut ::std::vec::Vec<f64>) {
                match index {
                    #(#takes)*
                    _ => {}
                }
            }
            fn put_array(&mut self, index: usize, other: &mut ::std::vec::Vec<f64>) {
                match index {
                    #(#puts)*
                    _ => {}
                }
            }
            #single
        }
    } else {
        TokenStream::new()
    };
    let stop_fn = stop_condition(&e);
    let consts = constant_loads(m, real);
    let gops_loaded = (0..m.global_ops.len()).map(|k| {
        let n = format_ident!("_gop_{}", k);
        let v = real.cast_f64(quote!(self.#n));
        quote!(let #n = #v;)
    });
    let dt = real.cast_f64(quote!(ctx.dt));
    // In `f32`, the model's numbers are rounded (beyond `f32::MAX`, to infinity).
    let lints = match real {
        Real::F64 => TokenStream::new(),
        Real::F32 => {
            quote!(#[allow(non_snake_case, overflowing_literals, clippy::excessive_precision)])
        }
    };
    let (doc_state, extra) = match real {
        Real::F64 => (
            format!(
                "The per-neuron arrays of a population of [`{}`].",
                m.type_name
            ),
            TokenStream::new(),
        ),
        Real::F32 => {
            let functions = user_functions(&e);
            let init = state_init(m, real);
            let accessors = accessors(m, "one value per neuron", real);
            let doc_new = "A population of `size` neurons, every attribute at its initial value.";
            (
                format!(
                    "The per-neuron arrays of a population of [`{}`] in single precision (`f32`).",
                    m.type_name
                ),
                quote! {
                    #functions
                    #lints
                    impl #state {
                        #[doc = #doc_new]
                        pub fn new(size: usize) -> #state {
                            #init
                        }
                        #accessors
                    }
                },
            )
        }
    };
    let structure = quote! {
        #[doc = #doc_state]
        #[allow(non_snake_case)]
        #[derive(Clone, Debug)]
        #vis struct #state {
            size: usize,
            #(#fields)*
            #(#gop_fields)*
            #ref_field
            #mask_field
        }
    };
    let impls = quote! {
        #extra

        #lints
        impl #rt::model::NeuronState for #state {
            fn info(&self) -> &'static #rt::model::ModelInfo {
                <#ty as #rt::model::NeuronModel>::INFO
            }
            fn size(&self) -> usize {
                self.size
            }
            fn attr(&self, index: usize) -> #rt::model::AttrRef<'_> {
                #attr_ref
            }
            fn attr_mut(&mut self, index: usize) -> #rt::model::AttrMut<'_> {
                #attr_mut
            }
            fn update_rng(&mut self, rng: &#rt::model::RngCtx<'_>) {
                #rng
            }
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn update(&mut self, ctx: &#rt::model::NeuronCtx<'_>) {
                let dt = #dt;
                let t = ctx.t as #real_ty * dt;
                #(#consts)*
                #(#gops_loaded)*
                #global
                #local
            }
            #arrival_attrs
            fn update_global_ops(&mut self) {
                #(#gop_updates)*
            }
            fn reset(&mut self) {
                #(#resets)*
                #(#reset_gops)*
                #ref_reset
            }
            #ref_io
            #spiking_fns
            #stop_fn
            fn as_any(&self) -> &dyn ::std::any::Any {
                self
            }
            fn as_any_mut(&mut self) -> &mut dyn ::std::any::Any {
                self
            }
        }
    };
    (structure, impls)
}

/// The vectorised loop of `spike_gather` that writes the spike mask (and
/// counts down the refractory periods) when the update does not.
fn spike_mask_loop(m: &Model, cond: &TokenStream) -> TokenStream {
    let mut cond_vars = BTreeSet::new();
    if let Some(c) = &m.spike {
        c.visit_vars(&mut |v| {
            cond_vars.insert(v.clone());
        });
    }
    let local_cond: Vec<&String> = m
        .attributes
        .iter()
        .filter(|a| a.locality == Locality::Local && cond_vars.contains(&Var::Attr(a.name.clone())))
        .map(|a| &a.name)
        .collect();
    let cond_slices: Vec<Ident> = local_cond.iter().map(|a| slice_ident(a)).collect();
    let cond_fields: Vec<Ident> = local_cond.iter().map(|a| ident(a)).collect();
    // The locals of this block start with `_`, which model names cannot:
    // the condition's variables are bound beside them.
    let (rem_slice, free, decrement) = if m.refractory.is_some() {
        (
            quote!(let _rem = &mut self._ref_rem[..n];),
            quote!(let _free = _rem[i] == 0.0;),
            quote!(_rem[i] = (_rem[i] - 1.0).max(0.0);),
        )
    } else {
        (
            TokenStream::new(),
            quote!(let _free = true;),
            TokenStream::new(),
        )
    };
    quote! {
        {
            let _mask = &mut self._spike_mask[..n];
            #rem_slice
            #(let #cond_slices = &self.#cond_fields[..n];)*
            for i in 0..n {
                #(let #cond_fields = #cond_slices[i];)*
                #free
                #decrement
                _mask[i] = u8::from(_free & (#cond));
            }
        }
    }
}

/// The local loop of a neuron: a closure over chunks of the arrays, run on
/// the whole population or on parts of it on the threads of a team.
///
/// With `spike` (see [`spike_in_update`]), the loop also evaluates the spike
/// condition of each neuron on its new values, counts down its refractory
/// period and writes the spike mask, so that `spike_gather` only resets the
/// neurons that spike: one pass over the arrays instead of two, split over
/// the threads with the update.
///
/// With `fuse`, each part first adds the spikes of the step to the
/// conductances (`g_*`) the loop writes, through `ctx.arrivals` (see the
/// run-time's `arrivals`): the second value lists their attribute indices,
/// the order in which they are passed.
fn local_neuron_loop(
    e: &Emitter<'_>,
    stmts: &[Stmt],
    spike: Option<(&Expr, &[Stmt])>,
    fuse: bool,
) -> (TokenStream, Vec<usize>) {
    if stmts.is_empty() {
        return (TokenStream::new(), Vec::new());
    }
    let m = e.model;
    let rt = &e.rt;
    let (hoisted, stmts) = hoist(m, stmts);
    let hoisted = e.stmts(&hoisted, false);
    let stmts = &stmts[..];
    let used = vars_of(stmts);
    let real = e.real.ty();
    let w = written(stmts);
    // Arrays passed to the chunk closure: written locals first (mutable), then read-only.
    let mut muts: Vec<String> = w.iter().filter(|a| m.is_local(a)).cloned().collect();
    muts.sort_by_key(|a| m.attributes.iter().position(|x| x.name == *a));
    let mut used = used;
    if let Some((cond, _)) = spike {
        cond.visit_vars(&mut |v| {
            used.insert(v.clone());
        });
        if e.gate {
            muts.push("_ref_rem".into());
        }
    }
    // What the reset of the neurons that spike reads and writes (see
    // `emit_spikes`): arrays the loop does not pass yet are passed too.
    let reset = spike.map(|(_, reset)| reset).unwrap_or_default();
    let mut reset_used = vars_of(reset);
    if let Some(crate::model::Refractory::Attr(a)) = &m.refractory {
        reset_used.insert(Var::Attr(a.clone()));
    }
    let reset_w = written(reset);
    let loop_muts = muts.len();
    for a in &m.attributes {
        if reset_w.contains(&a.name) && m.is_local(&a.name) && !muts.contains(&a.name) {
            muts.push(a.name.clone());
        }
    }
    // (slice ident, source expression, element type)
    let mut reads: Vec<(Ident, TokenStream, TokenStream)> = Vec::new();
    let mut loads: Vec<TokenStream> = Vec::new();
    for a in &m.attributes {
        if a.locality == Locality::Local
            && used.contains(&Var::Attr(a.name.clone()))
            && !w.contains(&a.name)
        {
            let s = slice_ident(&a.name);
            let n = ident(&a.name);
            reads.push((s.clone(), quote!(&self.#n[..]), real.clone()));
            loads.push(quote!(let #n = #s[i];));
        }
    }
    loads.extend(value_loads(e, &used, &mut reads));
    if e.gate {
        if spike.is_none() {
            reads.push((
                format_ident!("_ref_rem_"),
                quote!(&self._ref_rem[..]),
                real.clone(),
            ));
        }
        loads.push(quote!(let not_ref = _ref_rem_[i] == 0.0;));
    }
    let mut reset_loads: Vec<TokenStream> = Vec::new();
    for a in &m.attributes {
        if a.locality == Locality::Local && reset_used.contains(&Var::Attr(a.name.clone())) {
            let s = slice_ident(&a.name);
            let n = ident(&a.name);
            if reset_w.contains(&a.name) {
                reset_loads.push(quote!(let mut #n = #s[i];));
            } else {
                if !muts.contains(&a.name) && !reads.iter().any(|(r, _, _)| *r == s) {
                    reads.push((s.clone(), quote!(&self.#n[..]), real.clone()));
                }
                reset_loads.push(quote!(let #n = #s[i];));
            }
        }
    }
    reset_loads.extend(value_loads(e, &reset_used, &mut reads));
    let uses_all = used.contains(&Var::SumAll) || reset_used.contains(&Var::SumAll);
    let mut_slices: Vec<Ident> = muts.iter().map(|a| slice_ident(a)).collect();
    let mut_fields: Vec<Ident> = muts.iter().map(|a| ident(a)).collect();
    let conductances: Vec<(usize, Ident)> = muts
        .iter()
        .filter(|a| fuse && a.starts_with("g_"))
        .filter_map(|a| {
            let index = m.attributes.iter().position(|x| x.name == *a)?;
            Some((index, slice_ident(a)))
        })
        .collect();
    let (arrivals, deliver) = if conductances.is_empty() {
        (TokenStream::new(), TokenStream::new())
    } else {
        let g = conductances.iter().map(|(_, s)| s);
        (
            quote!(let _arrivals = ctx.arrivals;),
            quote! {
                if let Some(_arrivals) = _arrivals {
                    _arrivals.deliver(off, &mut [#(&mut *#g),*]);
                }
            },
        )
    };
    let mut_loads = muts[..loop_muts].iter().map(|a| {
        let n = ident(a);
        let s = slice_ident(a);
        quote!(let mut #n = #s[i];)
    });
    let stores = muts[..loop_muts].iter().map(|a| {
        let n = ident(a);
        let s = slice_ident(a);
        quote!(#s[i] = #n;)
    });
    let mut body = e.stmts(stmts, false);
    // The spike mask, a second group of slices (bytes).
    let (mask_param, mask_len, mask_arg) = match spike {
        Some((cond, _)) => {
            let cond = e.boolean(cond);
            let free = if e.gate {
                quote!(not_ref)
            } else {
                quote!(true)
            };
            if e.gate {
                body.extend(quote!(_ref_rem = (_ref_rem - 1.0).max(0.0);));
            }
            body.extend(quote!(_spike_mask_[i] = u8::from(#free & (#cond));));
            (
                quote!(_spike_mask_: &mut [u8],),
                quote!(let _spike_mask_ = &mut _spike_mask_[..n];),
                quote!(&mut self._spike_mask[..],),
            )
        }
        None => (TokenStream::new(), TokenStream::new(), TokenStream::new()),
    };
    let read_slices: Vec<&Ident> = reads.iter().map(|(s, _, _)| s).collect();
    let read_sources: Vec<&TokenStream> = reads.iter().map(|(_, src, _)| src).collect();
    let read_types: Vec<&TokenStream> = reads.iter().map(|(_, _, t)| t).collect();
    let first = &mut_slices[0];
    let rest_mut = &mut_slices[1..];
    let nmut = Literal::usize_unsuffixed(mut_slices.len());
    let mut_args: Vec<TokenStream> = mut_fields
        .iter()
        .map(|f| quote!(&mut self.#f[..]))
        .collect();
    let sums_param = if uses_all {
        quote!(let sums = &ctx.sums[..];)
    } else {
        TokenStream::new()
    };
    let off_use = if uses_all || spike.is_some() {
        quote!()
    } else {
        quote!(let _ = off;)
    };
    let (emission, emit) = if spike.is_some() {
        let reset = emit_spikes(e, reset, &reset_w);
        (
            quote!(let _emission = ctx.emission;),
            quote! {
                _emission.emit(off, _spike_mask_, |i| {
                    #(#reset_loads)*
                    #reset
                });
            },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let split = if spike.is_some() {
        quote! {
            team.split_mut2(
                self.size,
                #rt::model::PART_ALIGN,
                [#(#mut_args),*],
                [&mut self._spike_mask[..]],
                &|off, [#(#mut_slices),*]: [&mut [#real]; #nmut], [_spike_mask_]: [&mut [u8]; 1]| {
                    let end = off + #first.len();
                    body(off, #(#mut_slices,)* _spike_mask_, #(&#read_slices[off..end]),*)
                },
            );
        }
    } else {
        quote! {
            team.split_mut(self.size, #rt::model::PART_ALIGN, [#(#mut_args),*], &|off, [#(#mut_slices),*]: [&mut [#real]; #nmut]| {
                let end = off + #first.len();
                body(off, #(#mut_slices,)* #(&#read_slices[off..end]),*)
            });
        }
    };
    // The arrays are parameters of `body` (not captured) so that the
    // compiler knows they do not overlap, and vectorises the loop; the
    // numbers it reads are moved into it (copies): captured by reference,
    // they would be read again after each store, which keeps the loop from
    // being vectorised.
    let code = quote! {
        #hoisted
        #sums_param
        #arrivals
        #emission
        #(let #read_slices = #read_sources;)*
        let body = move |off: usize, #(#mut_slices: &mut [#real],)* #mask_param #(#read_slices: &[#read_types]),*| {
            #off_use
            let n = #first.len();
            #(let #rest_mut = &mut #rest_mut[..n];)*
            #deliver
            #mask_len
            #(let #read_slices = &#read_slices[..n];)*
            for i in 0..n {
                #(#loads)*
                #(#mut_loads)*
                #body
                #(#stores)*
            }
            #emit
        };
        match ctx.team {
            Some(team) if self.size >= #rt::model::PAR_MIN => {
                #split
            }
            _ => body(0, #(#mut_args,)* #mask_arg #(#read_slices),*),
        }
    };
    (code, conductances.into_iter().map(|(i, _)| i).collect())
}

/// The `let`s that load the per-neuron values other than attributes that
/// `used` holds, for neuron `i` of a part of the update (weighted sums,
/// random numbers, the time of the last spike, the sum of all targets);
/// the slices they read are added to `reads` unless already there.
fn value_loads(
    e: &Emitter<'_>,
    used: &BTreeSet<Var>,
    reads: &mut Vec<(Ident, TokenStream, TokenStream)>,
) -> Vec<TokenStream> {
    let m = e.model;
    let real = e.real.ty();
    let mut loads = Vec::new();
    let mut read = |s: &Ident, src: TokenStream, ty: TokenStream| {
        if !reads.iter().any(|(r, _, _)| r == s) {
            reads.push((s.clone(), src, ty));
        }
    };
    for (k, target) in m.targets.iter().enumerate() {
        if used.contains(&Var::Sum(target.clone())) {
            let n = var_ident(&Var::Sum(target.clone()));
            let s = slice_ident(&n.to_string());
            read(&s, quote!(&ctx.sums[#k][..]), quote!(f64));
            let v = e.real.cast_f64(quote!(#s[i]));
            loads.push(quote!(let #n = #v;));
        }
    }
    for (k, r) in m.randoms.iter().enumerate() {
        if r.locality == Locality::Local && used.contains(&Var::Rand(k)) {
            let n = format_ident!("_rand_{}", k);
            let s = slice_ident(&n.to_string());
            read(&s, quote!(&self.#n[..]), quote!(f64));
            let v = e.real.cast_f64(quote!(#s[i]));
            loads.push(quote!(let #n = #v;));
        }
    }
    if used.contains(&Var::TLast) {
        let s = format_ident!("last_spike_");
        read(&s, quote!(&ctx.last_spike[..]), quote!(i64));
        loads.push(quote!(let t_last = last_spike_[i] as #real * dt;));
    }
    if used.contains(&Var::SumAll) {
        let v = e
            .real
            .cast_f64(quote!(sums.iter().map(|s| s[off + i]).sum::<f64>()));
        loads.push(quote!(let sum_all: #real = #v;));
    }
    loads
}

/// The reset of a neuron `i` that spikes, inside the loop of the update
/// (after the values `reset` reads are loaded): its statements, the
/// values they write stored back, and the start of its refractory period.
fn emit_spikes(e: &Emitter<'_>, reset: &[Stmt], written: &BTreeSet<String>) -> TokenStream {
    let m = e.model;
    let stmts = Emitter::new(m, &e.rt, e.real, e.store).stmts(reset, false);
    let stores = written.iter().filter(|a| m.is_local(a)).map(|a| {
        let n = ident(a);
        let s = slice_ident(a);
        quote!(#s[i] = #n;)
    });
    let start = match &m.refractory {
        None => TokenStream::new(),
        Some(crate::model::Refractory::Ms(ms)) => {
            let ms = lit(*ms);
            quote!(_ref_rem_[i] = (#ms / dt).trunc();)
        }
        // Loaded with the values the reset reads when per-neuron.
        Some(crate::model::Refractory::Attr(a)) => {
            let n = ident(a);
            quote!(_ref_rem_[i] = (#n / dt).trunc();)
        }
    };
    quote! {
        #stmts
        #(#stores)*
        #start
    }
}

/// Whether the spike condition can be evaluated for every neuron in a loop
/// the compiler vectorises, before the few neurons that spike are reset: a
/// condition of per-neuron and population values only, no axonal spike,
/// and resets that leave population values alone.
fn spike_vectorised(m: &Model, low: &Lowered) -> bool {
    let Some(cond) = &m.spike else {
        return false;
    };
    let mut resets = low.reset.clone();
    resets.extend(low.axon_reset.iter().cloned());
    let mut cond_vars = BTreeSet::new();
    cond.visit_vars(&mut |v| {
        cond_vars.insert(v.clone());
    });
    m.axon_spike.is_none()
        && written(&resets)
            .iter()
            .all(|a| m.attr(a).is_none_or(|x| x.locality != Locality::Global))
        && cond_vars.iter().all(|v| match v {
            Var::Attr(a) => m.attr(a).is_some(),
            Var::T | Var::Dt | Var::Const(_) | Var::GlobalOp(_) => true,
            _ => false,
        })
}

/// Whether the spike condition is evaluated in the loop of the neuron
/// update (see [`local_neuron_loop`]): a vectorised condition, and an
/// update that writes per-neuron attributes. `spike_gather` runs right
/// after `update`, on the values the update leaves.
fn spike_in_update(m: &Model, low: &Lowered) -> bool {
    m.spiking && spike_vectorised(m, low) && written(&low.local).iter().any(|a| m.is_local(a))
}

/// Whether the only effect of a pre-synaptic spike is `g_target += w`, with
/// a per-synapse `w` that nothing else in the model changes.
fn pre_spike_adds_w(m: &Model) -> bool {
    let [stmt] = &m.pre_spike[..] else {
        return false;
    };
    m.kind == Kind::Synapse
        && m.spiking
        && !m.plastic
        && m.is_local("w")
        && stmt.target == "g_target"
        && stmt.scope == Scope::Own
        && stmt.op == AssignOp::Add
        && stmt.value == Expr::attr("w")
        && stmt.min.is_none()
        && stmt.max.is_none()
        && !stmt.unless_post
}

/// `stop_condition`: the condition of every neuron, combined with `any` or
/// `all`.
fn stop_condition(e: &Emitter<'_>) -> TokenStream {
    let m = e.model;
    let Some(stop) = &m.stop_condition else {
        return TokenStream::new();
    };
    let mut used = BTreeSet::new();
    stop.expr.visit_vars(&mut |v| {
        used.insert(v.clone());
    });
    let mut globals = Vec::new();
    let mut locals = Vec::new();
    for a in &m.attributes {
        if used.contains(&Var::Attr(a.name.clone())) {
            let n = ident(&a.name);
            if a.locality == Locality::Global {
                globals.push(quote!(let #n = self.#n;));
            } else {
                locals.push(quote!(let #n = self.#n[i];));
            }
        }
    }
    let cond = e.boolean(&stop.expr);
    let combine = if stop.all { quote!(all) } else { quote!(any) };
    let real = e.real.ty();
    let dt_conv = match e.real {
        Real::F64 => TokenStream::new(),
        Real::F32 => quote!(let dt = dt as f32;),
    };
    quote! {
        #[allow(non_snake_case, unused_variables, clippy::all)]
        fn stop_condition(&self, t: i64, dt: f64) -> ::std::option::Option<bool> {
            #dt_conv
            let t = t as #real * dt;
            #(#globals)*
            ::std::option::Option::Some((0..self.size).#combine(|i| {
                #(#locals)*
                #cond
            }))
        }
    }
}

/// Code of `spike_gather`: the spike condition of each neuron that is not
/// refractory, then its reset, its spike, and its refractory period; or,
/// when the update did all that on its parts, the join of their spikes.
fn spike_gather(e: &Emitter<'_>, low: &Lowered) -> TokenStream {
    let m = e.model;
    let rt = &e.rt;
    let Some(cond) = &m.spike else {
        return quote!(out.spiked.clear(););
    };
    // The update has reset the neurons that spike and listed them
    // (`local_neuron_loop`).
    if spike_in_update(m, low) {
        return quote!(ctx.emission.join(ctx.t, out););
    }
    let mut all = low.reset.clone();
    all.extend(low.axon_reset.iter().cloned());
    all.push(Stmt::Let("__spike".into(), cond.clone()));
    if let Some(a) = &m.axon_spike {
        all.push(Stmt::Let("__axon".into(), a.clone()));
    }
    let used = vars_of(&all);
    let w = written(&all);
    let mut loads = Vec::new();
    for a in &m.attributes {
        if a.locality == Locality::Local && used.contains(&Var::Attr(a.name.clone())) {
            let n = ident(&a.name);
            if w.contains(&a.name) {
                loads.push(quote!(let mut #n = self.#n[i];));
            } else {
                loads.push(quote!(let #n = self.#n[i];));
            }
        }
    }
    for (k, r) in m.randoms.iter().enumerate() {
        if r.locality == Locality::Local && used.contains(&Var::Rand(k)) {
            let n = format_ident!("_rand_{}", k);
            let v = e.real.cast_f64(quote!(self.#n[i]));
            loads.push(quote!(let #n = #v;));
        }
    }
    if used.contains(&Var::TLast) {
        let real = e.real.ty();
        loads.push(quote!(let t_last = out.last_spike[i] as #real * dt;));
    }
    let stores = w
        .iter()
        .filter(|a| m.is_local(a))
        .map(|a| {
            let n = ident(a);
            quote!(self.#n[i] = #n;)
        })
        .collect::<Vec<_>>();
    let globals_written: Vec<Ident> = w
        .iter()
        .filter(|a| m.attr(a).is_some_and(|x| x.locality == Locality::Global))
        .map(|a| ident(a))
        .collect();
    let globals = m
        .attributes
        .iter()
        .filter(|a| a.locality == Locality::Global)
        .map(|a| {
            let n = ident(&a.name);
            if w.contains(&a.name) {
                quote!(let mut #n = self.#n;)
            } else {
                quote!(let #n = self.#n;)
            }
        });
    let grands = m
        .randoms
        .iter()
        .enumerate()
        .filter(|(_, r)| r.locality == Locality::Global)
        .map(|(k, _)| {
            let n = format_ident!("_rand_{}", k);
            let v = e.real.cast_f64(quote!(self.#n));
            quote!(let #n = #v;)
        });
    let gops = (0..m.global_ops.len()).map(|k| {
        let n = format_ident!("_gop_{}", k);
        let v = e.real.cast_f64(quote!(self.#n));
        quote!(let #n = #v;)
    });
    let consts = constant_loads(m, e.real);
    let cond = e.boolean(cond);
    let reset = e.stmts(&low.reset, false);
    let axon = match &m.axon_spike {
        Some(a) => {
            let a = e.boolean(a);
            let stmts = e.stmts(&low.axon_reset, false);
            quote! {
                else if #a {
                    #stmts
                    #(#stores)*
                    out.axonal.push(i as u32);
                }
            }
        }
        None => TokenStream::new(),
    };
    let (skip, start) = match &m.refractory {
        None => (TokenStream::new(), TokenStream::new()),
        Some(r) => {
            let steps = match r {
                crate::model::Refractory::Ms(ms) => {
                    let ms = lit(*ms);
                    quote!((#ms / dt).trunc())
                }
                crate::model::Refractory::Attr(a) => {
                    let n = ident(a);
                    let v = if m.attr(a).is_some_and(|x| x.locality == Locality::Global) {
                        quote!(self.#n)
                    } else {
                        quote!(self.#n[i])
                    };
                    quote!((#v / dt).trunc())
                }
            };
            (
                quote! {
                    if self._ref_rem[i] > 0.0 {
                        self._ref_rem[i] -= 1.0;
                        continue;
                    }
                },
                quote!(self._ref_rem[i] = #steps;),
            )
        }
    };
    // Fast path: the condition of every neuron is evaluated in a loop the
    // compiler vectorises, then the few neurons that spike are reset. It
    // needs a condition of per-neuron and population values only, and
    // resets that leave population values alone.
    let simple = spike_vectorised(m, low);
    let dt = e.real.cast_f64(quote!(ctx.dt));
    let real_ty = e.real.ty();
    let head = quote! {
        let dt = #dt;
        let t = ctx.t as #real_ty * dt;
        #(#consts)*
        #(#gops)*
        #(#globals)*
        #(#grands)*
        out.spiked.clear();
        out.axonal.clear();
    };
    if !simple {
        return quote! {
            #head
            for i in 0..self.size {
                #skip
                #(#loads)*
                if #cond {
                    #reset
                    #(#stores)*
                    out.spiked.push(i as u32);
                    out.last_spike[i] = ctx.t;
                    #start
                } #axon
            }
            #(self.#globals_written = #globals_written;)*
        };
    }
    let mask = spike_mask_loop(m, &cond);
    quote! {
        #head
        let n = self.size;
        #mask
        let mut _next = 0;
        while let Some(i) = #rt::model::next_spike(&self._spike_mask[..n], _next) {
            _next = i + 1;
            #(#loads)*
            #reset
            #(#stores)*
            out.spiked.push(i as u32);
            out.last_spike[i] = ctx.t;
            #start
        }
    }
}

fn synapse(m: &Model, low: &Lowered, opts: &Options) -> TokenStream {
    let rt = &opts.runtime;
    let vis = &opts.vis;
    let attrs = &opts.attrs;
    let ty = ident(&m.type_name);
    let state = format_ident!("{}State", m.type_name);
    let single = single_state(m);
    let info = model_info(m, rt);
    let functions = double_functions(m, rt);
    let (double_tokens, double_init) = synapse_state(m, low, opts, Real::F64);
    let (single_tokens, _) = synapse_state(m, low, opts, Real::F32);
    quote! {
        #attrs
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #ty;

        #functions

        #double_tokens

        #single_tokens

        impl #rt::model::SynapseModel for #ty {
            type State = #state;
            const INFO: &'static #rt::model::ModelInfo = #info;
            fn new_state() -> #state {
                #double_init
            }
            fn new_state_in(
                precision: #rt::model::Precision,
            ) -> ::std::boxed::Box<dyn #rt::model::SynapseState> {
                match precision {
                    #rt::model::Precision::Double => ::std::boxed::Box::new(Self::new_state()),
                    #rt::model::Precision::Single => ::std::boxed::Box::new(#single::new()),
                }
            }
        }
    }
}

/// The state of a synapse model whose attributes are stored in `store`
/// (the equations compute in `f64` either way): its struct and its
/// implementation of `SynapseState`, and the expression of an unconnected
/// projection.
fn synapse_state(
    m: &Model,
    low: &Lowered,
    opts: &Options,
    store: Real,
) -> (TokenStream, TokenStream) {
    let rt = &opts.runtime;
    let vis = &opts.vis;
    let e = Emitter::new(m, rt, Real::F64, store);
    let ty = ident(&m.type_name);
    let state = match store {
        Real::F64 => format_ident!("{}State", m.type_name),
        Real::F32 => single_state(m),
    };
    let store_ty = store.ty();
    let fields = storage_fields(m, store);
    let init_fields = m.attributes.iter().map(|a| {
        let n = ident(&a.name);
        let v = lit_of(a.init, &store_ty);
        if a.locality == Locality::Global {
            quote!(#n: #v,)
        } else {
            quote!(#n: ::std::vec::Vec::new(),)
        }
    });
    let init_rands = m.randoms.iter().enumerate().map(|(k, r)| {
        let n = format_ident!("_rand_{}", k);
        match r.locality {
            Locality::Global => quote!(#n: 0.0,),
            _ => quote!(#n: ::std::vec::Vec::new(),),
        }
    });
    let connect = m.attributes.iter().map(|a| {
        let n = ident(&a.name);
        let v = lit_of(a.init, &store_ty);
        match (a.locality, store) {
            (Locality::Global, _) => quote!(),
            (Locality::SemiGlobal, _) => {
                quote!(self.#n = ::std::vec![#v; conn.nb_dendrites()];)
            }
            (Locality::Local, Real::F64) if a.name == "w" => {
                quote!(self.w = #rt::memory::copied(&conn.weights);)
            }
            (Locality::Local, Real::F32) if a.name == "w" => quote! {
                self.w = #rt::memory::collected(
                    conn.nb_synapses(),
                    conn.weights.iter().map(|&w| w as f32),
                );
            },
            (Locality::Local, _) => quote!(self.#n = #rt::memory::filled(#v, conn.nb_synapses());),
        }
    });
    let connect_rands = m.randoms.iter().enumerate().map(|(k, r)| {
        let n = format_ident!("_rand_{}", k);
        match r.locality {
            Locality::Global => quote!(),
            Locality::SemiGlobal => quote!(self.#n = ::std::vec![0.0; conn.nb_dendrites()];),
            Locality::Local => quote!(self.#n = #rt::memory::filled(0.0, conn.nb_synapses());),
        }
    });
    let remaps = m.attributes.iter().map(|a| {
        let n = ident(&a.name);
        let v = lit_of(a.init, &store_ty);
        match a.locality {
            Locality::Global => quote!(),
            Locality::SemiGlobal => quote!(self.#n = map.dendrites(&self.#n, #v);),
            Locality::Local if a.name == "w" => quote!(self.w = map.weights(&self.w);),
            Locality::Local => quote!(self.#n = map.synapses(&self.#n, #v);),
        }
    });
    let remap_rands = m.randoms.iter().enumerate().map(|(k, r)| {
        let n = format_ident!("_rand_{}", k);
        match r.locality {
            Locality::Global => quote!(),
            Locality::SemiGlobal => quote!(self.#n = map.dendrites(&self.#n, 0.0);),
            Locality::Local => quote!(self.#n = map.synapses(&self.#n, 0.0);),
        }
    });
    let resets = m.attributes.iter().filter(|a| a.name != "w").map(|a| {
        let n = ident(&a.name);
        let v = lit_of(a.init, &store_ty);
        if a.locality == Locality::Global {
            quote!(self.#n = #v;)
        } else {
            quote!(self.#n.fill(#v);)
        }
    });
    let (attr_ref, attr_mut) = attr_table(m, rt, store);
    let accessors = accessors(
        m,
        "one value per synapse (post-synaptic neuron for `postsynaptic` ones) in storage order",
        store,
    );
    let rng = update_rng(&e);
    let linked = linked_loads(m);
    let psp = compute_psp(&e);
    let update = synapse_update(&e, low);
    let has_update = !(low.global.is_empty() && low.semiglobal.is_empty() && low.local.is_empty());
    let structural = structural(&e);
    let ed = !low.event_driven.is_empty();
    let (le_field, le_init, le_connect, le_remap, le_reset, le_io) = if ed {
        (
            quote!(_last_event: ::std::vec::Vec<i64>,),
            quote!(_last_event: ::std::vec::Vec::new(),),
            quote!(self._last_event = #rt::memory::filled(-10000i64, conn.nb_synapses());),
            quote!(self._last_event = map.synapses(&self._last_event, -10000);),
            quote!(self._last_event.fill(-10000);),
            quote! {
                fn internal_state(&self) -> ::std::vec::Vec<(&'static str, #rt::model::InternalValues)> {
                    let steps = self._last_event.clone();
                    ::std::vec![("last_event", #rt::model::InternalValues::Int(steps))]
                }
                fn set_internal_state(
                    &mut self,
                    name: &str,
                    values: #rt::model::InternalValues,
                ) -> ::std::result::Result<(), ::std::string::String> {
                    match name {
                        "last_event" => {
                            self._last_event = values.into_ints(name, self._last_event.len())?;
                            ::std::result::Result::Ok(())
                        }
                        _ => ::std::result::Result::Err(#rt::model::unknown_internal(name)),
                    }
                }
            },
        )
    } else {
        (
            TokenStream::new(),
            TokenStream::new(),
            TokenStream::new(),
            TokenStream::new(),
            TokenStream::new(),
            TokenStream::new(),
        )
    };
    let spiking_fns = if m.spiking || !low.pre_spike.is_empty() || !low.event_driven.is_empty() {
        let pre = synapse_events(&e, low, &low.pre_spike, true, true, Real::F64);
        let post = synapse_events(&e, low, &low.post_spike, false, true, Real::F64);
        let merged = m
            .source
            .get("pre_axon_spike")
            .map(|t| t.split_whitespace().collect::<String>())
            == m.source
                .get("pre_spike")
                .map(|t| t.split_whitespace().collect::<String>());
        let axon = synapse_events(&e, low, &low.pre_axon_spike, true, merged, Real::F64);
        let has_post = !low.post_spike.is_empty();
        let has_axon = !low.pre_axon_spike.is_empty();
        // In single precision, the same events on conductances stored in
        // `f32`, each change rounded as it is stored.
        let single = match store {
            Real::F64 => TokenStream::new(),
            Real::F32 => {
                let pre = synapse_events(&e, low, &low.pre_spike, true, true, Real::F32);
                let axon = synapse_events(&e, low, &low.pre_axon_spike, true, merged, Real::F32);
                quote! {
                    fn events_in_f32(&self) -> bool {
                        true
                    }
                    #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
                    fn pre_spikes_f32(&mut self, ctx: &#rt::model::SynapseCtx<'_>, events: #rt::model::SpikeEvents<'_>, g: &mut [f32]) {
                        #linked
                        #pre
                    }
                    #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
                    fn pre_axon_spikes_f32(&mut self, ctx: &#rt::model::SynapseCtx<'_>, events: #rt::model::SpikeEvents<'_>, g: &mut [f32]) {
                        #linked
                        #axon
                    }
                }
            }
        };
        quote! {
            #single
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn pre_spikes(&mut self, ctx: &#rt::model::SynapseCtx<'_>, events: #rt::model::SpikeEvents<'_>, g: &mut [f64]) {
                #linked
                #pre
            }
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn post_spikes(&mut self, ctx: &#rt::model::SynapseCtx<'_>, spiked: &[u32]) {
                #linked
                #post
            }
            fn has_post_spike(&self) -> bool {
                #has_post
            }
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn pre_axon_spikes(&mut self, ctx: &#rt::model::SynapseCtx<'_>, events: #rt::model::SpikeEvents<'_>, g: &mut [f64]) {
                #linked
                #axon
            }
            fn has_axon_spike(&self) -> bool {
                #has_axon
            }
        }
    } else {
        TokenStream::new()
    };
    let init = quote! {
        #state {
            #(#init_fields)*
            #(#init_rands)*
            #le_init
        }
    };
    // In `f32`, the model's initial values are rounded (beyond `f32::MAX`,
    // to infinity).
    let (doc_state, lints, new) = match store {
        Real::F64 => (
            format!(
                "The per-synapse arrays of a projection of [`{}`].",
                m.type_name
            ),
            TokenStream::new(),
            TokenStream::new(),
        ),
        Real::F32 => (
            format!(
                "The per-synapse arrays of a projection of [`{}`] in single precision \
                 (stored in `f32`; the equations compute in `f64`).",
                m.type_name
            ),
            quote!(#[allow(overflowing_literals, clippy::excessive_precision)]),
            quote! {
                /// An unconnected projection.
                pub fn new() -> #state {
                    #init
                }
            },
        ),
    };
    let tokens = quote! {
        #[doc = #doc_state]
        #[allow(non_snake_case)]
        #[derive(Clone, Debug)]
        #vis struct #state {
            #(#fields)*
            #le_field
        }

        #[allow(non_snake_case)]
        #lints
        impl #state {
            #new
            #accessors
        }

        #lints
        impl #rt::model::SynapseState for #state {
            fn info(&self) -> &'static #rt::model::ModelInfo {
                <#ty as #rt::model::SynapseModel>::INFO
            }
            fn attr(&self, index: usize) -> #rt::model::AttrRef<'_> {
                #attr_ref
            }
            fn attr_mut(&mut self, index: usize) -> #rt::model::AttrMut<'_> {
                #attr_mut
            }
            fn connect(&mut self, conn: &#rt::connectivity::Connectivity) {
                #(#connect)*
                #(#connect_rands)*
                #le_connect
            }
            fn remap(
                &mut self,
                map: &#rt::structural::Remap<'_>,
            ) -> ::std::result::Result<(), ::std::string::String> {
                #(#remaps)*
                #(#remap_rands)*
                #le_remap
                ::std::result::Result::Ok(())
            }
            #[allow(non_snake_case, unused_variables, clippy::all)]
            fn compute_psp(&self, ctx: &#rt::model::SynapseCtx<'_>, out: &mut [f64]) {
                #linked
                #psp
            }
            fn update_rng(&mut self, rng: &#rt::model::RngCtx<'_>) {
                #rng
            }
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn update(&mut self, ctx: &#rt::model::SynapseCtx<'_>) {
                #linked
                #update
            }
            fn has_update(&self) -> bool {
                #has_update
            }
            fn reset(&mut self) {
                #(#resets)*
                #le_reset
            }
            #le_io
            #spiking_fns
            #structural
            fn as_any(&self) -> &dyn ::std::any::Any {
                self
            }
            fn as_any_mut(&mut self) -> &mut dyn ::std::any::Any {
                self
            }
        }
    };
    (tokens, init)
}

/// Structural plasticity: `structural_rules`, and `pruning` / `creating`
/// for the conditions the model has.
fn structural(e: &Emitter<'_>) -> TokenStream {
    let m = e.model;
    let rt = &e.rt;
    if m.pruning.is_none() && m.creating.is_none() {
        return TokenStream::new();
    }
    let has_pruning = m.pruning.is_some();
    let creation = match &m.creating {
        Some(c) => {
            let w = lit(c.w);
            let delay = match c.delay {
                Some(d) => {
                    let d = lit(d);
                    quote!(::std::option::Option::Some(#d))
                }
                None => quote!(::std::option::Option::None),
            };
            quote!(::std::option::Option::Some(#rt::structural::Creation { w: #w, delay: #delay }))
        }
        None => quote!(::std::option::Option::None),
    };
    let linked = linked_loads(m);
    let globals = globals_read(e);
    let pruning = m.pruning.as_ref().map(|c| {
        let used = condition_vars(c);
        let (dist, draws, draw, test) = condition_parts(e, c, quote!(PRUNING_STREAM));
        let dend = dendrite_loads(e, &used, &BTreeSet::new());
        let syn = synapse_loads(e, &used, &BTreeSet::new());
        let times = spike_times(&used);
        quote! {
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn pruning(
                &self,
                ctx: &#rt::model::SynapseCtx<'_>,
                rng: &#rt::model::RngCtx<'_>,
                out: &mut ::std::vec::Vec<u32>,
            ) {
                #linked
                #globals
                #dist
                for k in 0..post_ranks.len() {
                    let post_rank = post_ranks[k] as usize;
                    #draws
                    #dend
                    for s in row_ptr[k]..row_ptr[k + 1] {
                        let j = pre_ranks[s] as usize;
                        #syn
                        #times
                        #draw
                        if #test {
                            out.push(s as u32);
                        }
                    }
                }
            }
        }
    });
    let creating = m.creating.as_ref().map(|c| {
        let used = condition_vars(c);
        let (dist, draws, draw, test) = condition_parts(e, c, quote!(CREATING_STREAM));
        // The post-synaptic neuron may have no synapse, hence no values of
        // its semiglobal attributes: their initial values then.
        let mut loads = TokenStream::new();
        for v in &used {
            match v {
                Var::Post(_) | Var::PostSum(_) | Var::Pre(_) | Var::PreSum(_) => {
                    let (n, s) = (var_ident(v), format_ident!("{}_", var_ident(v)));
                    let at = if matches!(v, Var::Post(_) | Var::PostSum(_)) {
                        quote!(post_rank)
                    } else {
                        quote!(j)
                    };
                    loads.extend(quote!(let #n = #s.get(#at);));
                }
                Var::Attr(a) => {
                    if let Some(at) = m.attr(a).filter(|x| x.locality == Locality::SemiGlobal) {
                        let n = ident(a);
                        let init = lit(at.init);
                        let v = e.load(quote!(self.#n[k]));
                        loads.extend(quote!(let #n = k.map_or(#init, |k| #v);));
                    }
                }
                _ => {}
            }
        }
        let times = spike_times(&used);
        quote! {
            #[allow(non_snake_case, unused_variables, unused_mut, clippy::all)]
            fn creating(
                &self,
                ctx: &#rt::model::SynapseCtx<'_>,
                rng: &#rt::model::RngCtx<'_>,
                posts: &[u32],
                pre_size: usize,
                out: &mut ::std::vec::Vec<(u32, u32)>,
            ) {
                #linked
                #globals
                #dist
                for &post in posts {
                    let post_rank = post as usize;
                    let k = conn.dendrite_index(post);
                    let row = k.map_or(&[][..], |k| &pre_ranks[row_ptr[k]..row_ptr[k + 1]]);
                    #draws
                    for j in #rt::structural::absent(row, pre_size) {
                        #loads
                        #times
                        #draw
                        if #test {
                            out.push((post, j as u32));
                        }
                    }
                }
            }
        }
    });
    quote! {
        fn structural_rules(&self) -> #rt::structural::StructuralRules {
            #rt::structural::StructuralRules {
                pruning: #has_pruning,
                creating: #creation,
            }
        }
        #pruning
        #creating
    }
}

/// The names a structural condition reads.
fn condition_vars(c: &StructuralCondition) -> BTreeSet<Var> {
    let mut used = BTreeSet::new();
    c.expr.visit_vars(&mut |v| {
        used.insert(v.clone());
    });
    used
}

/// `t_pre` / `t_post` of the synapse from `j` to `post_rank`, if used.
fn spike_times(used: &BTreeSet<Var>) -> TokenStream {
    let mut t = TokenStream::new();
    if used.contains(&Var::TPre) {
        t.extend(quote!(let t_pre = ctx.pre_last_spike[j] as f64 * dt;));
    }
    if used.contains(&Var::TPost) {
        t.extend(quote!(let t_post = ctx.post_last_spike[post_rank] as f64 * dt;));
    }
    t
}

/// The pieces of a structural condition: its distribution (once), the
/// random stream of a post-synaptic neuron, the draw for one synapse, and
/// the test (the condition, then the `proba` draw).
fn condition_parts(
    e: &Emitter<'_>,
    c: &StructuralCondition,
    key: TokenStream,
) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
    let rt = &e.rt;
    let (dist, draw) = match &c.random {
        Some(r) => {
            let d = distribution(e, &r.dist, &r.args);
            (
                quote!(let __dist = #d;),
                quote!(let __draw = draws.sample(&__dist);),
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    let draws = if c.random.is_some() || c.proba.is_some() {
        quote!(let mut draws = #rt::structural::Draws::new(rng, #rt::structural::#key, post_rank);)
    } else {
        TokenStream::new()
    };
    let cond = e.boolean(&c.expr);
    let test = match c.proba {
        Some(p) => {
            let p = lit(p);
            quote!((#cond) && draws.accept(#p))
        }
        None => cond,
    };
    (dist, draws, draw, test)
}

/// Code of `pre_spikes` (`pre`) or `post_spikes`: for each synapse reached
/// by an event, the exact integration of the event-driven variables since
/// the synapse's last event, then the statements in order. `g_type` is the
/// type of the conductances `g` (`f32` in single precision, where each
/// change of `g_target` is rounded as it is stored).
fn synapse_events(
    e: &Emitter<'_>,
    low: &Lowered,
    events: &[(Vec<Stmt>, bool)],
    pre: bool,
    integrate: bool,
    g_type: Real,
) -> TokenStream {
    let m = e.model;
    if events.is_empty() && (!pre || !integrate || low.event_driven.is_empty()) {
        return TokenStream::new();
    }
    // Event-driven integration: x = S + (x - S) * exp(dt * (last - t_ev) / tau).
    let mut ed_stmts = Vec::new();
    for (x, tau, steady) in low.event_driven.iter().filter(|_| integrate) {
        let decay = Expr::Call(
            Func::Math("exp"),
            vec![Expr::bin(
                BinOp::Div,
                Expr::bin(BinOp::Mul, Expr::Var(Var::Dt), Expr::temp("__elapsed")),
                tau.clone(),
            )],
        );
        let value = if *steady == Expr::Num(0.0) {
            Expr::bin(BinOp::Mul, Expr::attr(x), decay)
        } else {
            Expr::bin(
                BinOp::Add,
                steady.clone(),
                Expr::bin(
                    BinOp::Mul,
                    Expr::bin(BinOp::Sub, Expr::attr(x), steady.clone()),
                    decay,
                ),
            )
        };
        ed_stmts.push(Stmt::Set(x.clone(), value));
    }
    let mut all: Vec<Stmt> = ed_stmts.clone();
    for (v, _) in events {
        all.extend(v.iter().cloned());
    }
    let used = vars_of(&all);
    let w = written(&all);
    let semi_w: BTreeSet<String> = w
        .iter()
        .filter(|a| {
            m.attr(a)
                .is_some_and(|x| x.locality == Locality::SemiGlobal)
        })
        .cloned()
        .collect();
    let dend = dendrite_loads(e, &used, &semi_w);
    let semi_loads = semi_w.iter().map(|a| {
        let n = ident(a);
        let v = e.load(quote!(self.#n[k]));
        quote!(let mut #n = #v;)
    });
    let semi_stores = semi_w.iter().map(|a| {
        let n = ident(a);
        let v = e.narrow(quote!(#n));
        quote!(self.#n[k] = #v;)
    });
    let syn = synapse_loads(e, &used, &w);
    let stores = w.iter().filter(|a| m.is_local(a)).map(|a| {
        let n = ident(a);
        let v = e.narrow(quote!(#n));
        quote!(self.#n[s] = #v;)
    });
    let times = {
        let mut t = TokenStream::new();
        if used.contains(&Var::TPre) {
            t.extend(quote!(let t_pre = ctx.pre_last_spike[j] as f64 * dt;));
        }
        if used.contains(&Var::TPost) {
            t.extend(quote!(let t_post = ctx.post_last_spike[post_rank] as f64 * dt;));
        }
        t
    };
    let ed = if ed_stmts.is_empty() {
        TokenStream::new()
    } else {
        let code = e.stmts(&ed_stmts, true);
        let t_ev = if pre {
            quote!(ctx.t - 1)
        } else {
            quote!(ctx.t)
        };
        quote! {
            let __elapsed = (self._last_event[s] - (#t_ev)) as f64;
            #code
            self._last_event[s] = ctx.t;
        }
    };
    let uses_g = used.contains(&Var::Attr("g_target".into()));
    let (g_load, g_store) = if uses_g {
        let (load, store) = (
            g_type.to_f64(quote!(g[post_rank])),
            g_type.cast_f64(quote!(g_target)),
        );
        (
            quote!(let mut g_target = #load;),
            quote!(g[post_rank] = #store;),
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let body: Vec<TokenStream> = events
        .iter()
        .map(|(stmts, unless_post)| {
            let code = e.stmts(stmts, true);
            if *unless_post {
                quote!(if ctx.pre_last_spike[j] != ctx.post_last_spike[post_rank] { #code })
            } else {
                code
            }
        })
        .collect();
    let globals = globals_read(e);
    let rt = &e.rt;
    // The dendrite index is read only when a per-dendrite value is used.
    let k_load = if dend.is_empty() && semi_w.is_empty() {
        TokenStream::new()
    } else {
        quote!(let k = index.syn_dendrite[s] as usize;)
    };
    let g_ty = g_type.ty();
    if pre {
        quote! {
            #globals
            let index = ctx.index;
            let mut on_event = |s: usize, j: usize, post_rank: usize, g: &mut [#g_ty]| {
                #k_load
                #dend
                #(#semi_loads)*
                #syn
                #times
                #ed
                #g_load
                #(#body)*
                #g_store
                #(#stores)*
                #(#semi_stores)*
            };
            match events {
                #rt::model::SpikeEvents::Neurons(list) => {
                    for &pre in list {
                        let j = pre as usize;
                        for (&s, &post) in index.synapses_of(j).iter().zip(index.posts_of(j)) {
                            on_event(s as usize, j, post as usize, g);
                        }
                    }
                }
                #rt::model::SpikeEvents::Synapses(list) => {
                    for &s in list {
                        let s = s as usize;
                        let post = post_ranks[index.syn_dendrite[s] as usize] as usize;
                        on_event(s, pre_ranks[s] as usize, post, g);
                    }
                }
            }
        }
    } else {
        quote! {
            #globals
            let index = ctx.index;
            for &post in spiked {
                let Some(&k) = index.post_dendrite.get(post as usize) else { continue };
                if k == u32::MAX {
                    continue;
                }
                let k = k as usize;
                let post_rank = post as usize;
                #dend
                #(#semi_loads)*
                for s in row_ptr[k]..row_ptr[k + 1] {
                    let j = pre_ranks[s] as usize;
                    #syn
                    #times
                    #ed
                    #(#body)*
                    #(#stores)*
                }
                #(#semi_stores)*
            }
        }
    }
}

/// Loads of the network constants the model reads.
fn constant_loads(m: &Model, real: Real) -> Vec<TokenStream> {
    m.constants
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let n = var_ident(&Var::Const(c.clone()));
            let v = real.cast_f64(quote!(ctx.constants[#k]));
            quote!(let #n = #v;)
        })
        .collect()
}

/// Locals for the context: time, connectivity, linked `pre.x`/`post.x`, global ops.
fn linked_loads(m: &Model) -> TokenStream {
    let pre = m.pre_attrs.iter().enumerate().map(|(k, a)| {
        let n = format_ident!("pre_{}_", a);
        quote!(let #n = ctx.pre[#k];)
    });
    let np = m.pre_attrs.len();
    let pre_t = m.pre_targets.iter().enumerate().map(|(k, a)| {
        let n = format_ident!("pre_sum_{}_", a);
        let k = k + np;
        quote!(let #n = ctx.pre[#k];)
    });
    let post = m.post_attrs.iter().enumerate().map(|(k, a)| {
        let n = format_ident!("post_{}_", a);
        quote!(let #n = ctx.post[#k];)
    });
    let npo = m.post_attrs.len();
    let post_t = m.post_targets.iter().enumerate().map(|(k, a)| {
        let n = format_ident!("post_sum_{}_", a);
        let k = k + npo;
        quote!(let #n = ctx.post[#k];)
    });
    let gops = (0..m.global_ops.len()).map(|k| {
        let n = format_ident!("_gop_{}", k);
        quote!(let #n = ctx.global_ops[#k];)
    });
    let consts = constant_loads(m, Real::F64);
    quote! {
        #(#consts)*
        let dt = ctx.dt;
        let t = ctx.t as f64 * dt;
        let plasticity = ctx.plasticity;
        let conn = ctx.conn;
        let row_ptr = &conn.row_ptr[..];
        let pre_ranks = &conn.pre_ranks[..];
        let post_ranks = &conn.post_ranks[..];
        #(#pre)*
        #(#pre_t)*
        #(#post)*
        #(#post_t)*
        #(#gops)*
    }
}

/// Loads of the per-dendrite values a set of statements uses (post.x, semiglobals).
fn dendrite_loads(e: &Emitter<'_>, used: &BTreeSet<Var>, skip: &BTreeSet<String>) -> TokenStream {
    let m = e.model;
    let mut out = TokenStream::new();
    for v in used {
        match v {
            Var::Post(a) => {
                let n = format_ident!("post_{}", a);
                let s = format_ident!("post_{}_", a);
                out.extend(quote!(let #n = #s.get(post_rank);));
            }
            Var::PostSum(a) => {
                let n = format_ident!("post_sum_{}", a);
                let s = format_ident!("post_sum_{}_", a);
                out.extend(quote!(let #n = #s.get(post_rank);));
            }
            Var::Attr(a) if !skip.contains(a) => {
                if let Some(at) = m.attr(a)
                    && at.locality == Locality::SemiGlobal
                {
                    let n = ident(a);
                    let v = e.load(quote!(self.#n[k]));
                    out.extend(quote!(let #n = #v;));
                }
            }
            Var::Rand(k) if m.randoms[*k].locality == Locality::SemiGlobal => {
                let n = format_ident!("_rand_{}", k);
                out.extend(quote!(let #n = self.#n[k];));
            }
            _ => {}
        }
    }
    out
}

/// Loads of the per-synapse values a set of statements uses (pre.x, locals).
fn synapse_loads(e: &Emitter<'_>, used: &BTreeSet<Var>, written: &BTreeSet<String>) -> TokenStream {
    let m = e.model;
    let mut out = TokenStream::new();
    for v in used {
        match v {
            Var::Pre(a) => {
                let n = format_ident!("pre_{}", a);
                let s = format_ident!("pre_{}_", a);
                out.extend(quote!(let #n = #s.at(j, s);));
            }
            Var::PreSum(a) => {
                let n = format_ident!("pre_sum_{}", a);
                let s = format_ident!("pre_sum_{}_", a);
                out.extend(quote!(let #n = #s.at(j, s);));
            }
            Var::Attr(a) if m.is_local(a) => {
                let n = ident(a);
                let v = e.load(quote!(self.#n[s]));
                if written.contains(a) {
                    out.extend(quote!(let mut #n = #v;));
                } else {
                    out.extend(quote!(let #n = #v;));
                }
            }
            Var::Rand(k) if m.randoms[*k].locality == Locality::Local => {
                let n = format_ident!("_rand_{}", k);
                out.extend(quote!(let #n = self.#n[s];));
            }
            _ => {}
        }
    }
    out
}

fn globals_read(e: &Emitter<'_>) -> TokenStream {
    let m = e.model;
    let loads = m
        .attributes
        .iter()
        .filter(|a| a.locality == Locality::Global)
        .map(|a| {
            let n = ident(&a.name);
            let v = e.load(quote!(self.#n));
            quote!(let #n = #v;)
        });
    let rands = m
        .randoms
        .iter()
        .enumerate()
        .filter(|(_, r)| r.locality == Locality::Global)
        .map(|(k, _)| {
            let f = format_ident!("_rand_{}", k);
            quote!(let #f = self.#f;)
        });
    quote!(#(#loads)* #(#rands)*)
}

fn compute_psp(e: &Emitter<'_>) -> TokenStream {
    let m = e.model;
    let Some(psp) = &m.psp else {
        return quote!(out.fill(0.0););
    };
    let stmt = [Stmt::Let("psp".into(), psp.clone())];
    let used = vars_of(&stmt);
    let dend = dendrite_loads(e, &used, &BTreeSet::new());
    let syn = synapse_loads(e, &used, &BTreeSet::new());
    let psp_code = e.num(psp);
    let globals = globals_read(e);
    let (init, add, fin) = match m.operation.as_str() {
        "max" => (quote!(f64::NEG_INFINITY), quote!(acc.max(psp)), quote!(acc)),
        "min" => (quote!(f64::INFINITY), quote!(acc.min(psp)), quote!(acc)),
        "mean" => (
            quote!(0.0),
            quote!(acc + psp),
            quote!(if n > 0 { acc / n as f64 } else { 0.0 }),
        ),
        _ => (quote!(0.0), quote!(acc + psp), quote!(acc)),
    };
    let n_param = if m.operation == "mean" {
        quote!(n)
    } else {
        quote!(_)
    };
    let rt = &e.rt;
    let fold = |syn: &TokenStream| {
        quote! {
            #rt::model::fold_dendrites(
                ctx.team,
                conn,
                out,
                #init,
                |k: usize, s: usize, j: usize| -> f64 {
                    let post_rank = post_ranks[k] as usize;
                    #dend
                    #syn
                    #psp_code
                },
                |acc: f64, psp: f64| -> f64 { #add },
                |acc: f64, #n_param: usize| -> f64 { #fin },
            );
        }
    };
    // The pre-synaptic values are read per synapse: when all of them are
    // current arrays (no delay, no population-wide value), a loop that
    // indexes the arrays directly runs instead of the general one.
    let pre: Vec<(Ident, Ident)> = used
        .iter()
        .filter_map(|v| match v {
            Var::Pre(a) => Some(format!("pre_{a}")),
            Var::PreSum(a) => Some(format!("pre_sum_{a}")),
            _ => None,
        })
        .map(|n| (format_ident!("{}_", n), format_ident!("{}_a", n)))
        .collect();
    let general = fold(&syn);
    if pre.is_empty() {
        return quote!(#globals #general);
    }
    // `w * pre.x` summed (the default psp): the run-time's weighted sums,
    // the same values through slices the compiler vectorises.
    let weighted = match psp {
        Expr::Bin(BinOp::Mul, a, b) if !matches!(m.operation.as_str(), "max" | "min" | "mean") => {
            match (&**a, &**b) {
                (Expr::Var(Var::Attr(w)), Expr::Var(Var::Pre(_)))
                | (Expr::Var(Var::Pre(_)), Expr::Var(Var::Attr(w)))
                    if m.is_local(w) =>
                {
                    Some(ident(w))
                }
                _ => None,
            }
        }
        _ => None,
    };
    if let (Some(w), [(r, a)]) = (&weighted, &pre[..]) {
        // Current values in double or in single precision.
        return quote! {
            #globals
            match #r {
                #rt::model::VarRef::Array(#a) => {
                    #rt::model::weighted_sums(ctx.team, conn, &self.#w, #a, out);
                }
                #rt::model::VarRef::ArrayF32(#a) => {
                    #rt::model::weighted_sums(ctx.team, conn, &self.#w, #a, out);
                }
                _ => {
                    #general
                }
            }
        };
    }
    let fast = fold(&synapse_loads_from_arrays(e, &used));
    let refs: Vec<&Ident> = pre.iter().map(|(r, _)| r).collect();
    let arrays: Vec<TokenStream> = pre
        .iter()
        .map(|(_, a)| quote!(#rt::model::VarRef::Array(#a)))
        .collect();
    let (pattern, value) = match (&arrays[..], &refs[..]) {
        ([a], [r]) => (a.clone(), quote!(#r)),
        _ => (quote!((#(#arrays,)*)), quote!((#(#refs,)*))),
    };
    quote! {
        #globals
        if let #pattern = #value {
            #fast
        } else {
            #general
        }
    }
}

/// [`synapse_loads`] for a transmission whose pre-synaptic values are all
/// current arrays, bound to `pre_x_a`.
fn synapse_loads_from_arrays(e: &Emitter<'_>, used: &BTreeSet<Var>) -> TokenStream {
    let mut out = TokenStream::new();
    for v in used {
        let name = match v {
            Var::Pre(a) => format!("pre_{a}"),
            Var::PreSum(a) => format!("pre_sum_{a}"),
            _ => continue,
        };
        let n = format_ident!("{}", name);
        let a = format_ident!("{}_a", name);
        out.extend(quote!(let #n = #a[j];));
    }
    let others: BTreeSet<Var> = used
        .iter()
        .filter(|v| !matches!(v, Var::Pre(_) | Var::PreSum(_)))
        .cloned()
        .collect();
    out.extend(synapse_loads(e, &others, &BTreeSet::new()));
    out
}

fn synapse_update(e: &Emitter<'_>, low: &Lowered) -> TokenStream {
    let m = e.model;
    // Binds every global attribute (with its new value after the global pass).
    let global = global_pass(e, &low.global, true);
    let semi = if low.semiglobal.is_empty() {
        TokenStream::new()
    } else {
        let (hoisted, semiglobal) = hoist(m, &low.semiglobal);
        let hoisted = e.stmts(&hoisted, true);
        let used = vars_of(&semiglobal);
        let w = written(&semiglobal);
        let dend = dendrite_loads(e, &used, &w);
        let mut_loads = w.iter().map(|a| {
            let n = ident(a);
            let v = e.load(quote!(self.#n[k]));
            quote!(let mut #n = #v;)
        });
        let stores = w.iter().map(|a| {
            let n = ident(a);
            let v = e.narrow(quote!(#n));
            quote!(self.#n[k] = #v;)
        });
        let body = e.stmts(&semiglobal, true);
        quote! {
            #hoisted
            for k in 0..post_ranks.len() {
                let post_rank = post_ranks[k] as usize;
                #dend
                #(#mut_loads)*
                #body
                #(#stores)*
            }
        }
    };
    let local = if low.local.is_empty() {
        TokenStream::new()
    } else {
        let (hoisted, local) = hoist(m, &low.local);
        let hoisted = e.stmts(&hoisted, true);
        let used = vars_of(&local);
        let w = written(&local);
        let dend = dendrite_loads(e, &used, &BTreeSet::new());
        let syn = synapse_loads(e, &used, &w);
        let stores = w.iter().filter(|a| m.is_local(a)).map(|a| {
            let n = ident(a);
            let v = e.narrow(quote!(#n));
            quote!(self.#n[s] = #v;)
        });
        let body = e.stmts(&local, true);
        quote! {
            #hoisted
            for k in 0..post_ranks.len() {
                let post_rank = post_ranks[k] as usize;
                #dend
                for s in row_ptr[k]..row_ptr[k + 1] {
                    let j = pre_ranks[s] as usize;
                    #syn
                    #body
                    #(#stores)*
                }
            }
        }
    };
    quote! {
        #global
        #semi
        #local
    }
}

/// Generates the code of an analysed and lowered model.
pub fn emit(model: &Model, lowered: &Lowered, opts: &Options) -> TokenStream {
    match model.kind {
        Kind::Neuron => neuron(model, lowered, opts),
        Kind::Synapse => synapse(model, lowered, opts),
    }
}

/// Pretty-prints generated code (for snapshots and for reading).
pub fn pretty(tokens: &TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => format!("/* unparsable: {e} */\n{tokens}"),
    }
}
