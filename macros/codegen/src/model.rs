//! A model definition as given to `neuron!` / `synapse!`, and its analysis:
//! attributes, flags, name resolution and every check of SPEC.md 1 and 3-4.
//! All errors of a model are collected, not only the first.

use crate::ast::{self, AssignOp, Scope, Statement};
use crate::diagnostic::{Block, Diagnostic, did_you_mean};
use crate::ir::{Expr, Func, MATH_FUNCTIONS, Var};
use crate::lines::{self, FlagRule, Line};
use crate::parser;
use crate::span::Span;
use std::collections::BTreeMap;

/// Neuron or synapse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `neuron!`
    Neuron,
    /// `synapse!`
    Synapse,
}

impl Kind {
    /// `neuron` or `synapse`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Neuron => "neuron",
            Kind::Synapse => "synapse",
        }
    }
}

/// The refractory period of a spiking neuron.
#[derive(Clone, Debug, PartialEq)]
pub enum Refractory {
    /// A duration in ms.
    Ms(f64),
    /// The name of a parameter or variable holding the duration.
    Attr(String),
}

/// A model as written: the blocks of text and the options given to the macro.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelDef {
    /// The Rust type name.
    pub type_name: String,
    /// ANNarchy's `name`.
    pub name: Option<String>,
    /// ANNarchy's `description`.
    pub description: Option<String>,
    /// Text of each block given.
    pub blocks: BTreeMap<&'static str, String>,
    /// Refractory period (spiking neurons).
    pub refractory: Option<Refractory>,
    /// Names of the network constants the equations read (`constants:`).
    pub constants: Vec<String>,
}

impl ModelDef {
    /// The text of a block, if given.
    pub fn block(&self, b: Block) -> Option<&str> {
        self.blocks.get(b.key()).map(String::as_str)
    }
}

/// The numerical method of an ODE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Forward Euler.
    Explicit,
    /// Backward Euler.
    Implicit,
    /// Implicit on the linear part only.
    SemiImplicit,
    /// Exponential Euler.
    Exponential,
    /// Runge-Kutta 2 (midpoint).
    Midpoint,
    /// Runge-Kutta 4.
    Rk4,
    /// Exact integration between events (spiking synapses).
    EventDriven,
}

impl Method {
    fn from_flag(s: &str) -> Option<Method> {
        Some(match s {
            "explicit" => Method::Explicit,
            "implicit" => Method::Implicit,
            "semiimplicit" => Method::SemiImplicit,
            "exponential" => Method::Exponential,
            "midpoint" => Method::Midpoint,
            "rk4" | "runge-kutta4" => Method::Rk4,
            "event-driven" | "exact" => Method::EventDriven,
            _ => return None,
        })
    }
}

/// How many values an attribute has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Locality {
    /// One per population / projection.
    Global,
    /// One per post-synaptic neuron.
    SemiGlobal,
    /// One per neuron / synapse.
    Local,
}

/// Declared type of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `float` (default)
    Float,
    /// `int`
    Int,
    /// `bool`
    Bool,
}

/// One attribute (parameter or variable) after analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// Name.
    pub name: String,
    /// Parameter (true) or variable.
    pub is_param: bool,
    /// Locality.
    pub locality: Locality,
    /// Type.
    pub ty: Ty,
    /// Initial value.
    pub init: f64,
}

/// The kind of an equation after analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum EqKind {
    /// `x = e`, `x += e`...
    Assign(AssignOp, Expr),
    /// An ODE given by its residual `F(dx/dt, x, ...) = 0`, where `dx/dt` is
    /// `Var::Temp("d<x>")`.
    Ode {
        /// The residual.
        residual: Expr,
        /// Numerical method.
        method: Method,
        /// The equation without spaces as `lhs-(rhs)` with `dx/dt` written
        /// `_t_gradient_/dt`: the implicit methods work on this text.
        text: String,
        /// Implicit method: the residual with future values `_x` as
        /// `Var::Temp("_x")`, following ANNarchy's textual substitution.
        future: Option<Expr>,
    },
}

/// One equation of the `equations` block after analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Equation {
    /// The variable it defines.
    pub target: String,
    /// What it does.
    pub kind: EqKind,
    /// `min` bound.
    pub min: Option<Expr>,
    /// `max` bound.
    pub max: Option<Expr>,
    /// Locality of the target.
    pub locality: Locality,
    /// Span of the statement (for errors found while lowering).
    pub span: Span,
}

/// A random distribution inside an equation.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomOcc {
    /// `Uniform`, `Normal`, ...
    pub dist: String,
    /// Arguments (numbers or global parameters).
    pub args: Vec<Expr>,
    /// One draw per neuron/synapse (local) or per object (global).
    pub locality: Locality,
}

/// A global operation read by an equation.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalOp {
    /// `min`, `max`, `mean`, `norm1`, `norm2`.
    pub op: String,
    /// Whose attribute: own (neurons), pre or post (synapses).
    pub scope: Scope,
    /// The attribute.
    pub attr: String,
}

/// A user function of the `functions` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Name.
    pub name: String,
    /// Argument names.
    pub args: Vec<String>,
    /// Body, with arguments as `Var::Temp(arg)`.
    pub body: Expr,
}

/// A statement of `reset`, `pre_spike` or `post_spike`.
#[derive(Clone, Debug, PartialEq)]
pub struct EventStmt {
    /// Target attribute (or `g_target`).
    pub target: String,
    /// `post.x` target.
    pub scope: Scope,
    /// Operator.
    pub op: AssignOp,
    /// Value.
    pub value: Expr,
    /// `min` bound.
    pub min: Option<Expr>,
    /// `max` bound.
    pub max: Option<Expr>,
    /// `unless_post` flag.
    pub unless_post: bool,
}

/// A neuron's `stop_condition`: a condition on its attributes, met by the
/// population when it holds for any neuron (`: any`, the default) or for all
/// of them (`: all`).
#[derive(Clone, Debug, PartialEq)]
pub struct StopCondition {
    /// The condition.
    pub expr: Expr,
    /// `: all` (else `: any`).
    pub all: bool,
}

/// A synapse's `pruning` or `creating` condition (`condition : flags`):
/// evaluated for each synapse (pruning) or each missing synapse of the
/// projection's post-synaptic neurons (creating) when the run-time asks.
#[derive(Clone, Debug, PartialEq)]
pub struct StructuralCondition {
    /// The condition; the value of its random distribution, if any, is
    /// `Var::Temp("__draw")`.
    pub expr: Expr,
    /// The random distribution of the condition: one draw per evaluation.
    pub random: Option<RandomOcc>,
    /// `proba`: the probability of acting on a synapse that meets the
    /// condition.
    pub proba: Option<f64>,
    /// `creating`: the weight of a new synapse (flag `w`, default 0).
    pub w: f64,
    /// `creating`: the delay of a new synapse in ms (flag `delay`).
    pub delay: Option<f64>,
}

/// A model after analysis: everything the lowering and the emitter need.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Neuron or synapse.
    pub kind: Kind,
    /// Spiking or rate-coded.
    pub spiking: bool,
    /// Rust type name.
    pub type_name: String,
    /// Display name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Parameters then variables.
    pub attributes: Vec<Attribute>,
    /// Equations in declaration order.
    pub equations: Vec<Equation>,
    /// User functions.
    pub functions: Vec<Function>,
    /// Random occurrences.
    pub randoms: Vec<RandomOcc>,
    /// Global operations.
    pub global_ops: Vec<GlobalOp>,
    /// Neurons: targets of `sum(target)`.
    pub targets: Vec<String>,
    /// Neurons: `sum()` used.
    pub uses_all_targets: bool,
    /// Synapses: `pre.x` attributes read.
    pub pre_attrs: Vec<String>,
    /// Synapses: `post.x` attributes read.
    pub post_attrs: Vec<String>,
    /// Synapses: targets of `pre.sum(t)`.
    pub pre_targets: Vec<String>,
    /// Synapses: targets of `post.sum(t)`.
    pub post_targets: Vec<String>,
    /// Synapses: psp expression (rate-coded default `w * pre.r`).
    pub psp: Option<Expr>,
    /// Synapses: operation.
    pub operation: String,
    /// Spiking neurons: spike condition.
    pub spike: Option<Expr>,
    /// Spiking neurons: reset statements.
    pub reset: Vec<EventStmt>,
    /// Spiking neurons: refractory period.
    pub refractory: Option<Refractory>,
    /// Spiking neurons: the axonal spike condition (`axon_spike`).
    pub axon_spike: Option<Expr>,
    /// Neurons: the condition of `simulate_until` (`stop_condition`).
    pub stop_condition: Option<StopCondition>,
    /// Spiking neurons: statements run at an axonal spike (`axon_reset`).
    pub axon_reset: Vec<EventStmt>,
    /// Spiking synapses: pre_spike statements.
    pub pre_spike: Vec<EventStmt>,
    /// Spiking synapses: statements run for axonal spikes
    /// (`pre_axon_spike`): all of `pre_spike` when both texts are the same,
    /// else only its `g_target` statements.
    pub pre_axon_spike: Vec<EventStmt>,
    /// Spiking synapses: post_spike statements.
    pub post_spike: Vec<EventStmt>,
    /// Synapses: the `pruning` condition.
    pub pruning: Option<StructuralCondition>,
    /// Synapses: the `creating` condition.
    pub creating: Option<StructuralCondition>,
    /// Synapses: true when `w` is modified.
    pub plastic: bool,
    /// Network constants read by the equations, in declaration order.
    pub constants: Vec<String>,
    /// The source text of each block.
    pub source: BTreeMap<&'static str, String>,
}

impl Model {
    /// The attribute with this name.
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Whether `name` is an attribute with one value per neuron or synapse.
    pub fn is_local(&self, name: &str) -> bool {
        self.attr(name)
            .is_some_and(|a| a.locality == Locality::Local)
    }
}

const RESERVED: [&str; 13] = [
    "t",
    "dt",
    "t_pre",
    "t_post",
    "t_last",
    "last_spike",
    "rk_post",
    "rk_pre",
    "i",
    "j",
    "active",
    "refractory",
    "size",
];

const RESERVED_FUNCTIONS: [&str; 12] = [
    "pos", "positive", "neg", "negative", "modulo", "fabs", "ite", "clip", "True", "False",
    "power", "round",
];

/// Random distributions usable in equations, with their number of arguments.
pub const DISTRIBUTIONS: [(&str, usize); 7] = [
    ("Uniform", 2),
    ("DiscreteUniform", 2),
    ("Normal", 2),
    ("LogNormal", 2),
    ("Exponential", 1),
    ("Gamma", 2),
    ("Binomial", 2),
];

const GLOBAL_OPS: [&str; 5] = ["min", "max", "mean", "norm1", "norm2"];

struct Analyser<'d> {
    def: &'d ModelDef,
    kind: Kind,
    spiking: bool,
    errors: Vec<Diagnostic>,
    attributes: Vec<Attribute>,
    decl_spans: BTreeMap<String, (Block, Span)>,
    functions: Vec<Function>,
    randoms: Vec<RandomOcc>,
    global_ops: Vec<GlobalOp>,
    targets: Vec<String>,
    uses_all_targets: bool,
    pre_attrs: Vec<String>,
    post_attrs: Vec<String>,
    pre_targets: Vec<String>,
    post_targets: Vec<String>,
    /// Names whose future value `_x` may appear (implicit ODEs).
    future_names: Vec<String>,
    /// Variables defined by lines that failed to parse.
    failed: Vec<(String, Span)>,
}

/// Where an expression is resolved; decides which names are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    /// An equation of the given locality (random draws get its locality).
    Equation(Locality),
    /// A psp expression.
    Psp,
    /// A function body (only its arguments).
    Function,
}

fn push_unique(v: &mut Vec<String>, s: &str) -> usize {
    match v.iter().position(|x| x == s) {
        Some(i) => i,
        None => {
            v.push(s.to_string());
            v.len() - 1
        }
    }
}

/// Evaluates a constant numeric expression (`1.0/3.0`, `-2`) of a parameter value.
fn const_eval(e: &ast::Expr) -> Option<f64> {
    use ast::{BinOp as B, Expr as E};
    Some(match e {
        E::Num(v, _) => *v,
        E::Bool(b, _) => f64::from(u8::from(*b)),
        E::Unary(ast::UnOp::Neg, a, _) => -const_eval(a)?,
        E::Binary(op, a, b, _) => {
            let (a, b) = (const_eval(a)?, const_eval(b)?);
            match op {
                B::Add => a + b,
                B::Sub => a - b,
                B::Mul => a * b,
                B::Div => a / b,
                B::Pow => a.powf(b),
                _ => return None,
            }
        }
        _ => return None,
    })
}

impl<'d> Analyser<'d> {
    fn err(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    fn text(&self, b: Block) -> &'d str {
        self.def.block(b).unwrap_or("")
    }

    fn declare(&mut self, attr: Attribute, block: Block, span: Span) {
        if attr.name.starts_with('_') {
            self.err(Diagnostic::new(
                block,
                span,
                format!(
                    "`{}`: names starting with `_` are reserved for generated code",
                    attr.name
                ),
            ));
            return;
        }
        if RESERVED.contains(&attr.name.as_str()) {
            self.err(Diagnostic::new(
                block,
                span,
                format!("`{}` is a reserved variable name", attr.name),
            ));
            return;
        }
        if RESERVED_FUNCTIONS.contains(&attr.name.as_str()) {
            self.err(Diagnostic::new(
                block,
                span,
                format!("`{}` is a reserved keyword", attr.name),
            ));
            return;
        }
        if self.decl_spans.contains_key(&attr.name) {
            self.err(Diagnostic::new(
                block,
                span,
                format!(
                    "`{}` is declared twice; attributes must be declared only once",
                    attr.name
                ),
            ));
            return;
        }
        self.decl_spans.insert(attr.name.clone(), (block, span));
        self.attributes.push(attr);
    }

    fn locality_from_flags(&mut self, block: Block, flags: &[lines::Flag]) -> Locality {
        let mut loc = Locality::Local;
        for f in flags {
            match (f.key.as_str(), self.kind) {
                ("population", Kind::Neuron) | ("projection", Kind::Synapse) => {
                    loc = Locality::Global
                }
                ("postsynaptic", Kind::Synapse) => loc = Locality::SemiGlobal,
                ("population", Kind::Synapse) => self.err(Diagnostic::new(
                    block,
                    f.key_span,
                    "the flag `population` is for neurons; synapses use `projection` (one value per projection) or `postsynaptic` (one per post-synaptic neuron)",
                )),
                ("projection" | "postsynaptic", Kind::Neuron) => self.err(Diagnostic::new(
                    block,
                    f.key_span,
                    format!(
                        "a neuron attribute cannot have the flag `{}`; use `population` for one value per population",
                        f.key
                    ),
                )),
                _ => {}
            }
        }
        loc
    }

    fn type_from_flags(flags: &[lines::Flag]) -> Ty {
        if flags.iter().any(|f| f.key == "int") {
            Ty::Int
        } else if flags.iter().any(|f| f.key == "bool") {
            Ty::Bool
        } else {
            Ty::Float
        }
    }

    fn check_flags(&mut self, block: Block, flags: &[lines::Flag], allowed: &[&str]) {
        for f in flags {
            if !lines::FLAG_KEYWORDS.contains(&f.key.as_str()) {
                let help = did_you_mean(&f.key, lines::FLAG_KEYWORDS);
                let mut d = Diagnostic::new(block, f.key_span, format!("unknown flag `{}`", f.key));
                if let Some(h) = help {
                    d = d.with_help(h);
                }
                self.err(d);
            } else if !allowed.contains(&f.key.as_str()) {
                self.err(Diagnostic::new(
                    block,
                    f.key_span,
                    format!("the flag `{}` is not allowed here", f.key),
                ));
            }
        }
    }

    /// Value of an `init=` flag, or of a parameter.
    fn literal_value(
        &mut self,
        block: Block,
        range: std::ops::Range<usize>,
        what: &str,
    ) -> Option<f64> {
        let text = self.text(block);
        let line = Line {
            segments: vec![range.clone()],
            flags: vec![],
        };
        let span = Span::new(range.start, range.end.max(range.start + 1));
        let parsed = parser::tokens(text, &line, block).and_then(|t| parser::parse_expr(&t, block));
        match parsed.ok().as_ref().and_then(const_eval) {
            Some(v) => Some(v),
            None => {
                self.err(Diagnostic::new(
                    block,
                    span,
                    format!(
                        "the {what} must be a number or True/False, not `{}`",
                        &text[range]
                    ),
                ));
                None
            }
        }
    }

    fn parameters(&mut self) {
        let block = Block::Parameters;
        let text = self.text(block);
        for line in lines::split(text, FlagRule::Parameters, false) {
            self.check_flags(
                block,
                &line.flags,
                &[
                    "population",
                    "projection",
                    "postsynaptic",
                    "int",
                    "bool",
                    "float",
                ],
            );
            let seg = line.segments[0].clone();
            let s = &text[seg.clone()];
            let (name_range, value_range) = match s.find('=') {
                Some(eq) => (seg.start..seg.start + eq, Some(seg.start + eq + 1..seg.end)),
                None => (seg.clone(), None),
            };
            let name = text[name_range.clone()].trim();
            let name_start = name_range.start + text[name_range.clone()].find(name).unwrap_or(0);
            let name_span = Span::new(name_start, name_start + name.len());
            if name.is_empty()
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                || name.starts_with(|c: char| c.is_ascii_digit())
            {
                self.err(Diagnostic::new(
                    block,
                    line.span(),
                    "expected `name = value` (optionally followed by `: flags`)",
                ));
                continue;
            }
            let mut ty = Self::type_from_flags(&line.flags);
            let init = match value_range {
                Some(r) => {
                    let r = {
                        let sub = &text[r.clone()];
                        let lead = sub.len() - sub.trim_start().len();
                        r.start + lead..r.start + sub.trim_end().len()
                    };
                    let raw = &text[r.clone()];
                    if matches!(raw, "True" | "true" | "False" | "false") {
                        ty = Ty::Bool;
                    }
                    let what = if ty == Ty::Int {
                        "value of an int parameter"
                    } else {
                        "value of a parameter"
                    };
                    let v = self.literal_value(block, r.clone(), what);
                    if ty == Ty::Int
                        && let Some(x) = v
                        && x.fract() != 0.0
                    {
                        self.err(Diagnostic::new(
                            block,
                            Span::new(r.start, r.end),
                            format!("the value of the int parameter `{name}` is not an integer"),
                        ));
                    }
                    v.unwrap_or(0.0)
                }
                None => match line.flags.iter().find(|f| f.key == "init") {
                    Some(lines::Flag { value: Some(r), .. }) => self
                        .literal_value(block, r.clone(), "init value")
                        .unwrap_or(0.0),
                    _ => 0.0,
                },
            };
            let locality = self.locality_from_flags(block, &line.flags);
            self.declare(
                Attribute {
                    name: name.to_string(),
                    is_param: true,
                    locality,
                    ty,
                    init,
                },
                block,
                name_span,
            );
        }
    }

    /// Parses the statements of a block into (statement, flags, span) triples.
    fn statements(&mut self, block: Block) -> Vec<(Statement, Vec<lines::Flag>, Span)> {
        let text = self.text(block);
        let mut out = Vec::new();
        for line in lines::split(text, FlagRule::Equations, true) {
            let span = line.span();
            match parser::tokens(text, &line, block)
                .and_then(|t| parser::parse_statement(&t, block))
            {
                Ok(s) => out.push((s, line.flags, span)),
                Err(e) => {
                    self.err(e);
                    // Declare what the line defines, so that its failure does
                    // not cause errors elsewhere (unknown name, missing `r`).
                    if let Some(name) = defined_name(&text[line.segments[0].clone()]) {
                        self.failed.push((name, span));
                    }
                }
            }
        }
        out
    }

    /// Spaceless `lhs-(rhs)` text of an ODE, `dx/dt` written `_t_gradient_/dt`.
    fn ode_text(&self, block: Block, span: Span, var: &str) -> String {
        let text = self.text(block);
        let line = lines::split(text, FlagRule::Equations, true)
            .into_iter()
            .find(|l| l.span().start == span.start);
        let joined: String = line
            .map(|l| {
                l.segments
                    .iter()
                    .map(|r| &text[r.clone()])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let eq = joined.find('=').unwrap_or(joined.len());
        let (lhs, rhs) = (&joined[..eq], joined.get(eq + 1..).unwrap_or(""));
        let s = format!("{lhs}- ({rhs})");
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        s.replace(&format!("d{var}/dt"), "_t_gradient_/dt")
    }

    fn declare_variables(&mut self, stmts: &[(Statement, Vec<lines::Flag>, Span)], block: Block) {
        for (s, flags, _) in stmts {
            let (name, nspan) = match s {
                Statement::Assign {
                    target,
                    target_span,
                    scope,
                    ..
                } => {
                    if *scope != Scope::Own {
                        self.err(Diagnostic::new(
                            block,
                            *target_span,
                            "an equation cannot assign a `pre.` or `post.` attribute",
                        ));
                        continue;
                    }
                    (target.clone(), *target_span)
                }
                Statement::Ode { var, var_span, .. } => (var.clone(), *var_span),
            };
            let mut allowed = vec![
                "init",
                "min",
                "max",
                "population",
                "postsynaptic",
                "projection",
                "explicit",
                "implicit",
                "semiimplicit",
                "exponential",
                "midpoint",
                "rk4",
                "runge-kutta4",
                "int",
                "bool",
                "float",
                "unless_refractory",
            ];
            if self.kind == Kind::Synapse {
                allowed.extend(["event-driven", "exact"]);
            }
            self.check_flags(block, flags, &allowed);
            let ty = Self::type_from_flags(flags);
            let init = match flags.iter().find(|f| f.key == "init") {
                Some(lines::Flag { value: Some(r), .. }) => self
                    .literal_value(block, r.clone(), "init value")
                    .unwrap_or(0.0),
                Some(f) => {
                    self.err(Diagnostic::new(
                        block,
                        f.key_span,
                        "`init` needs a value: `init = 0.0`",
                    ));
                    0.0
                }
                None => 0.0,
            };
            let locality = self.locality_from_flags(block, flags);
            if self
                .decl_spans
                .get(&name)
                .is_some_and(|(b, _)| *b == Block::Parameters)
            {
                self.err(
                    Diagnostic::new(
                        block,
                        nspan,
                        format!(
                            "`{name}` is a parameter; parameters cannot be assigned in equations"
                        ),
                    )
                    .with_help("declare it as a variable only, in `equations`"),
                );
                continue;
            }
            self.declare(
                Attribute {
                    name,
                    is_param: false,
                    locality,
                    ty,
                    init,
                },
                block,
                nspan,
            );
        }
        for (name, span) in std::mem::take(&mut self.failed) {
            if !self.decl_spans.contains_key(&name) {
                self.decl_spans.insert(name.clone(), (block, span));
                self.attributes.push(Attribute {
                    name,
                    is_param: false,
                    locality: Locality::Local,
                    ty: Ty::Float,
                    init: 0.0,
                });
            }
        }
    }

    fn functions(&mut self) {
        let block = Block::Functions;
        let text = self.text(block);
        for line in lines::split(text, FlagRule::None, false) {
            let parsed = parser::tokens(text, &line, block).and_then(|t| {
                let eq = t.iter().position(|x| x.tok == crate::lexer::Tok::Op("="));
                let Some(eq) = eq else {
                    return Err(Diagnostic::new(
                        block,
                        line.span(),
                        "expected `name(args) = expression`",
                    ));
                };
                let head = parser::parse_expr(&t[..eq], block)?;
                let body = parser::parse_expr(&t[eq + 1..], block)?;
                Ok((head, body))
            });
            let (head, body) = match parsed {
                Ok(x) => x,
                Err(e) => {
                    self.err(e);
                    continue;
                }
            };
            let ast::Expr::Call(Scope::Own, name, args, span) = head else {
                self.err(Diagnostic::new(
                    block,
                    head.span(),
                    "expected `name(args) = expression`",
                ));
                continue;
            };
            let mut arg_names = Vec::new();
            for a in &args {
                match a {
                    ast::Expr::Name(Scope::Own, n, _) => arg_names.push(n.clone()),
                    other => self.err(Diagnostic::new(
                        block,
                        other.span(),
                        "function arguments must be plain names",
                    )),
                }
            }
            if MATH_FUNCTIONS.iter().any(|(m, _)| *m == name)
                || RESERVED_FUNCTIONS.contains(&name.as_str())
                || DISTRIBUTIONS.iter().any(|(d, _)| *d == name)
            {
                self.err(Diagnostic::new(
                    block,
                    span,
                    format!("the function name `{name}` is reserved; use another one"),
                ));
                continue;
            }
            let saved = std::mem::take(&mut self.attributes);
            let body = self.resolve_with(&body, block, Ctx::Function, &arg_names);
            self.attributes = saved;
            self.functions.push(Function {
                name,
                args: arg_names,
                body,
            });
        }
    }

    fn resolve(&mut self, e: &ast::Expr, block: Block, ctx: Ctx) -> Expr {
        self.resolve_with(e, block, ctx, &[])
    }

    fn unknown_name(&mut self, block: Block, span: Span, name: &str, scope: Scope) {
        let candidates: Vec<String> = match scope {
            Scope::Own => self
                .attributes
                .iter()
                .map(|a| a.name.clone())
                .chain(["t", "dt"].iter().map(|s| s.to_string()))
                .collect(),
            _ => vec![],
        };
        let mut d = Diagnostic::new(block, span, format!("unknown name `{name}`"));
        if let Some(h) = did_you_mean(name, candidates.iter().map(String::as_str)) {
            d = d.with_help(h);
        }
        self.err(d);
    }

    fn resolve_with(&mut self, e: &ast::Expr, block: Block, ctx: Ctx, args: &[String]) -> Expr {
        use ast::Expr as A;
        match e {
            A::Num(v, _) => Expr::Num(*v),
            A::Bool(b, _) => Expr::Bool(*b),
            A::Deriv(v, _) => Expr::Var(Var::Temp(format!("d{v}"))),
            A::Unary(ast::UnOp::Neg, a, _) => {
                Expr::Neg(Box::new(self.resolve_with(a, block, ctx, args)))
            }
            A::Unary(ast::UnOp::Not, a, _) => {
                Expr::Not(Box::new(self.resolve_with(a, block, ctx, args)))
            }
            A::Binary(op, a, b, _) => Expr::bin(
                *op,
                self.resolve_with(a, block, ctx, args),
                self.resolve_with(b, block, ctx, args),
            ),
            A::Ite(c, a, b, _) => Expr::Ite(
                Box::new(self.resolve_with(c, block, ctx, args)),
                Box::new(self.resolve_with(a, block, ctx, args)),
                Box::new(self.resolve_with(b, block, ctx, args)),
            ),
            A::Name(scope, name, span) => self.resolve_name(*scope, name, *span, block, ctx, args),
            A::Call(scope, name, cargs, span) => {
                self.resolve_call(*scope, name, cargs, *span, block, ctx, args)
            }
        }
    }

    fn resolve_name(
        &mut self,
        scope: Scope,
        name: &str,
        span: Span,
        block: Block,
        ctx: Ctx,
        args: &[String],
    ) -> Expr {
        if ctx == Ctx::Function {
            if scope == Scope::Own && args.iter().any(|a| a == name) {
                return Expr::Var(Var::Temp(name.to_string()));
            }
            self.err(Diagnostic::new(
                block,
                span,
                format!("the function depends on `{name}`, which is not one of its arguments"),
            ));
            return Expr::Num(0.0);
        }
        match scope {
            Scope::Pre | Scope::Post => {
                if self.kind == Kind::Neuron {
                    self.err(Diagnostic::new(
                        block,
                        span,
                        "`pre.` and `post.` can only be used in synapses",
                    ));
                    return Expr::Num(0.0);
                }
                if name == "t_spike" || name == "last_spike" {
                    return Expr::Var(if scope == Scope::Pre {
                        Var::TPre
                    } else {
                        Var::TPost
                    });
                }
                if scope == Scope::Pre {
                    push_unique(&mut self.pre_attrs, name);
                    Expr::Var(Var::Pre(name.to_string()))
                } else {
                    push_unique(&mut self.post_attrs, name);
                    Expr::Var(Var::Post(name.to_string()))
                }
            }
            Scope::Own => {
                if let Some(v) = name.strip_prefix('_')
                    && self.future_names.iter().any(|f| f == v)
                {
                    return Expr::Var(Var::Temp(name.to_string()));
                }
                if self.attributes.iter().any(|a| a.name == name) {
                    return Expr::Var(Var::Attr(name.to_string()));
                }
                if self.def.constants.iter().any(|c| c == name) {
                    return Expr::Var(Var::Const(name.to_string()));
                }
                match name {
                    "t" => return Expr::Var(Var::T),
                    "dt" => return Expr::Var(Var::Dt),
                    "t_pre" if self.kind == Kind::Synapse => return Expr::Var(Var::TPre),
                    "t_post" if self.kind == Kind::Synapse => return Expr::Var(Var::TPost),
                    "t_last" if self.kind == Kind::Neuron && self.spiking => {
                        return Expr::Var(Var::TLast);
                    }
                    "w" if self.kind == Kind::Synapse => return Expr::Var(Var::Attr("w".into())),
                    _ => {}
                }
                self.unknown_name(block, span, name, scope);
                Expr::Num(0.0)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_call(
        &mut self,
        scope: Scope,
        name: &str,
        cargs: &[ast::Expr],
        span: Span,
        block: Block,
        ctx: Ctx,
        args: &[String],
    ) -> Expr {
        let arity = |this: &mut Self, n: usize| -> bool {
            if cargs.len() != n {
                this.err(Diagnostic::new(
                    block,
                    span,
                    format!(
                        "`{name}` takes {n} argument{}, {} given",
                        if n == 1 { "" } else { "s" },
                        cargs.len()
                    ),
                ));
                return false;
            }
            true
        };
        // sum(target), pre.sum(target), post.sum(target)
        if name == "sum" && ctx != Ctx::Function {
            let target = match cargs {
                [] => None,
                [ast::Expr::Name(Scope::Own, t, _)] => Some(t.clone()),
                _ => {
                    self.err(Diagnostic::new(
                        block,
                        span,
                        "`sum` takes the name of a target: `sum(exc)`",
                    ));
                    return Expr::Num(0.0);
                }
            };
            return match (scope, self.kind, target) {
                (Scope::Own, Kind::Neuron, Some(t)) if !self.spiking => {
                    push_unique(&mut self.targets, &t);
                    Expr::Var(Var::Sum(t))
                }
                (Scope::Own, Kind::Neuron, None) if !self.spiking => {
                    self.uses_all_targets = true;
                    Expr::Var(Var::SumAll)
                }
                (Scope::Pre, Kind::Synapse, Some(t)) => {
                    push_unique(&mut self.pre_targets, &t);
                    Expr::Var(Var::PreSum(t))
                }
                (Scope::Post, Kind::Synapse, Some(t)) => {
                    push_unique(&mut self.post_targets, &t);
                    Expr::Var(Var::PostSum(t))
                }
                _ => {
                    self.err(Diagnostic::new(
                        block,
                        span,
                        if self.spiking && self.kind == Kind::Neuron {
                            "spiking neurons read their inputs through conductances `g_target`, not `sum(target)`"
                        } else {
                            "`sum(target)` is only available in rate-coded neurons (and as `pre.sum`/`post.sum` in synapses)"
                        },
                    ));
                    Expr::Num(0.0)
                }
            };
        }
        if scope != Scope::Own {
            self.err(Diagnostic::new(
                block,
                span,
                format!("`{name}` is not a function of `pre`/`post`"),
            ));
            return Expr::Num(0.0);
        }
        // Global operations.
        if GLOBAL_OPS.contains(&name)
            && ctx != Ctx::Function
            && !self.functions.iter().any(|f| f.name == name)
        {
            if !arity(self, 1) {
                return Expr::Num(0.0);
            }
            let (gscope, attr) = match &cargs[0] {
                ast::Expr::Name(s, a, _) => (*s, a.clone()),
                other => {
                    self.err(Diagnostic::new(
                        block,
                        other.span(),
                        format!("`{name}` takes the name of an attribute"),
                    ));
                    return Expr::Num(0.0);
                }
            };
            match (self.kind, gscope) {
                (Kind::Neuron, Scope::Own) => {
                    if !self
                        .attributes
                        .iter()
                        .any(|a| a.name == attr && a.locality == Locality::Local)
                    {
                        let locals: Vec<String> = self
                            .attributes
                            .iter()
                            .filter(|a| a.locality == Locality::Local)
                            .map(|a| a.name.clone())
                            .collect();
                        let mut d = Diagnostic::new(
                            block,
                            cargs[0].span(),
                            format!("there is no local attribute `{attr}` for `{name}({attr})`"),
                        );
                        if let Some(h) = did_you_mean(&attr, locals.iter().map(String::as_str)) {
                            d = d.with_help(h);
                        }
                        self.err(d);
                        return Expr::Num(0.0);
                    }
                }
                (Kind::Synapse, Scope::Pre | Scope::Post) => {}
                (Kind::Synapse, Scope::Own) => {
                    self.err(Diagnostic::new(
                        block,
                        span,
                        format!("global operations on synaptic variables are not implemented; use `{name}(pre.x)` or `{name}(post.x)`"),
                    ));
                    return Expr::Num(0.0);
                }
                (Kind::Neuron, _) => {
                    self.err(Diagnostic::new(
                        block,
                        span,
                        "`pre.` and `post.` can only be used in synapses",
                    ));
                    return Expr::Num(0.0);
                }
            }
            let op = GlobalOp {
                op: name.to_string(),
                scope: gscope,
                attr,
            };
            let idx = match self.global_ops.iter().position(|g| *g == op) {
                Some(i) => i,
                None => {
                    self.global_ops.push(op);
                    self.global_ops.len() - 1
                }
            };
            return Expr::Var(Var::GlobalOp(idx));
        }
        // Random distributions.
        if let Some((_, n)) = DISTRIBUTIONS.iter().find(|(d, _)| *d == name) {
            if cargs.len() != *n {
                let msg = if cargs.len() < *n {
                    format!("the distribution {name} requires {n} parameters")
                } else {
                    format!(
                        "too many parameters provided to the distribution {name} (it takes {n})"
                    )
                };
                self.err(Diagnostic::new(block, span, msg));
                return Expr::Num(0.0);
            }
            let locality = match ctx {
                Ctx::Equation(l) => l,
                Ctx::Function => {
                    self.err(Diagnostic::new(
                        block,
                        span,
                        "random distributions cannot be used inside functions",
                    ));
                    return Expr::Num(0.0);
                }
                _ => Locality::Local,
            };
            let mut rargs = Vec::new();
            for a in cargs {
                let ok = match a {
                    ast::Expr::Num(..) => true,
                    ast::Expr::Unary(ast::UnOp::Neg, inner, _) => {
                        matches!(**inner, ast::Expr::Num(..))
                    }
                    ast::Expr::Name(Scope::Own, p, _) => self
                        .attributes
                        .iter()
                        .any(|x| x.name == *p && x.is_param && x.locality == Locality::Global),
                    _ => false,
                };
                if !ok {
                    self.err(Diagnostic::new(
                        block,
                        a.span(),
                        format!("the argument of {name} must be a number or a global parameter (flag `population`/`projection`)"),
                    ));
                }
                rargs.push(self.resolve_with(a, block, ctx, args));
            }
            self.randoms.push(RandomOcc {
                dist: name.to_string(),
                args: rargs,
                locality,
            });
            return Expr::Var(Var::Rand(self.randoms.len() - 1));
        }
        let resolved: Vec<Expr> = cargs
            .iter()
            .map(|a| self.resolve_with(a, block, ctx, args))
            .collect();
        let helper = match name {
            "pos" | "positive" => Some((Func::Pos, 1)),
            "neg" | "negative" => Some((Func::Neg, 1)),
            "clip" => Some((Func::Clip, 3)),
            "modulo" => Some((Func::Modulo, 2)),
            "power" => Some((Func::Power, 2)),
            "isfinite" => Some((Func::IsFinite, 1)),
            "isnan" => Some((Func::IsNan, 1)),
            _ => None,
        };
        if let Some((f, n)) = helper {
            if !arity(self, n) {
                return Expr::Num(0.0);
            }
            return Expr::Call(f, resolved);
        }
        if let Some(i) = self.functions.iter().position(|f| f.name == name) {
            let n = self.functions[i].args.len();
            if !arity(self, n) {
                return Expr::Num(0.0);
            }
            return Expr::Call(Func::User(i), resolved);
        }
        if let Some((m, n)) = MATH_FUNCTIONS.iter().find(|(m, _)| *m == name) {
            if !arity(self, *n) {
                return Expr::Num(0.0);
            }
            return Expr::Call(Func::Math(m), resolved);
        }
        let candidates: Vec<&str> = MATH_FUNCTIONS
            .iter()
            .map(|(m, _)| *m)
            .chain([
                "pos", "neg", "clip", "modulo", "power", "ite", "sum", "mean", "min", "max",
            ])
            .chain(DISTRIBUTIONS.iter().map(|(d, _)| *d))
            .chain(self.functions.iter().map(|f| f.name.as_str()))
            .collect();
        let mut d = Diagnostic::new(block, span, format!("unknown function `{name}`"));
        if let Some(h) = did_you_mean(name, candidates) {
            d = d.with_help(h);
        }
        self.err(d);
        Expr::Num(0.0)
    }

    fn bound(
        &mut self,
        block: Block,
        flags: &[lines::Flag],
        key: &str,
        locality: Locality,
    ) -> Option<Expr> {
        let f = flags.iter().find(|f| f.key == key)?;
        let Some(r) = f.value.clone() else {
            self.err(Diagnostic::new(
                block,
                f.key_span,
                format!("`{key}` needs a value: `{key} = 0.0`"),
            ));
            return None;
        };
        let text = self.text(block);
        let line = Line {
            segments: vec![r],
            flags: vec![],
        };
        match parser::tokens(text, &line, block).and_then(|t| parser::parse_expr(&t, block)) {
            Ok(e) => Some(self.resolve(&e, block, Ctx::Equation(locality))),
            Err(e) => {
                self.err(e);
                None
            }
        }
    }

    fn method(&mut self, block: Block, flags: &[lines::Flag]) -> Method {
        let mut m = None;
        for f in flags {
            if let Some(x) = Method::from_flag(&f.key) {
                if m.is_some() {
                    self.err(Diagnostic::new(
                        block,
                        f.key_span,
                        "an ODE can have only one numerical method",
                    ));
                }
                m = Some(x);
            }
        }
        m.unwrap_or(Method::Explicit)
    }

    /// Identifiers used in a block (for conductance discovery).
    fn identifiers(&self, block: Block) -> Vec<(String, Span)> {
        let text = self.text(block);
        let mut out = Vec::new();
        for line in lines::split(text, FlagRule::Equations, true) {
            if let Ok(toks) = parser::tokens(text, &line, block) {
                for t in toks {
                    if let crate::lexer::Tok::Ident(name) = t.tok {
                        out.push((name, t.span));
                    }
                }
            }
        }
        out
    }

    /// Spiking neurons: every `g_X` used in the equations, spike or reset is
    /// the conductance of target `X`. Those without an equation are declared
    /// here (variables, 0 at start) and reset to 0 after each update; their
    /// names are returned.
    fn conductances(&mut self) -> Vec<String> {
        let mut implicit = Vec::new();
        for block in [
            Block::Equations,
            Block::Spike,
            Block::Reset,
            Block::AxonSpike,
            Block::AxonReset,
        ] {
            for (name, span) in self.identifiers(block) {
                let Some(target) = name.strip_prefix("g_").filter(|t| !t.is_empty()) else {
                    continue;
                };
                match self.attributes.iter().find(|a| a.name == name) {
                    Some(a) if a.is_param => {
                        let (b, sp) = self.decl_spans.get(&name).copied().unwrap_or((block, span));
                        if !self
                            .errors
                            .iter()
                            .any(|e| e.span.start == sp.start && e.block == b)
                        {
                            self.err(
                                Diagnostic::new(
                                    b,
                                    sp,
                                    format!("`{name}` is the conductance of target `{target}` and cannot be a parameter"),
                                )
                                .with_help("projections add to `g_<target>`; declare it as a variable or rename the parameter"),
                            );
                        }
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        self.attributes.push(Attribute {
                            name: name.clone(),
                            is_param: false,
                            locality: Locality::Local,
                            ty: Ty::Float,
                            init: 0.0,
                        });
                        self.decl_spans.insert(name.clone(), (block, span));
                        implicit.push(name.clone());
                    }
                }
                push_unique(&mut self.targets, target);
            }
        }
        // Conductances declared by their own equation are targets too.
        let declared: Vec<String> = self
            .attributes
            .iter()
            .filter(|a| !a.is_param && a.name.starts_with("g_") && a.name.len() > 2)
            .map(|a| a.name[2..].to_string())
            .collect();
        for t in declared {
            push_unique(&mut self.targets, &t);
        }
        implicit
    }

    /// A block that is one expression (spike condition, psp), lines joined.
    /// `stop_condition`: a condition with an optional `: any` or `: all`.
    /// It is evaluated between steps, on the neuron's attributes, `t` and
    /// `dt` only.
    fn stop_condition(&mut self) -> Option<StopCondition> {
        let block = Block::StopCondition;
        let text = self.text(block);
        let lines = lines::split(text, FlagRule::Equations, true);
        let line = lines.first()?;
        let mut all = false;
        for flag in &line.flags {
            match (flag.key.as_str(), &flag.value) {
                ("any", None) => all = false,
                ("all", None) => all = true,
                _ => self.err(
                    Diagnostic::new(
                        block,
                        flag.key_span,
                        format!("unknown flag `{}` of a stop condition", flag.key),
                    )
                    .with_help("a stop condition takes `: any` (the default) or `: all`"),
                ),
            }
        }
        let joined = Line {
            segments: line.segments.clone(),
            flags: vec![],
        };
        let expr = match parser::tokens(text, &joined, block)
            .and_then(|t| parser::parse_expr(&t, block))
        {
            Ok(e) => self.resolve(&e, block, Ctx::Equation(Locality::Local)),
            Err(e) => {
                self.err(e);
                return None;
            }
        };
        let mut other = None;
        expr.visit_vars(&mut |v| match v {
            Var::Attr(_) | Var::T | Var::Dt => {}
            v => other = other.clone().or(Some(v.clone())),
        });
        if let Some(v) = other {
            let what = match v {
                Var::Rand(_) => "a random number".to_string(),
                Var::GlobalOp(_) => "a global operation".to_string(),
                Var::Const(c) => format!("the constant `{c}`"),
                _ => "a value other than the neuron's attributes, `t` and `dt`".to_string(),
            };
            let span = line
                .segments
                .first()
                .map_or_else(Span::default, |r| Span::new(r.start, r.end));
            self.err(Diagnostic::new(
                block,
                span,
                format!(
                    "a stop condition reads the neuron's attributes, `t` and `dt` only, not {what}"
                ),
            ));
            return None;
        }
        Some(StopCondition { expr, all })
    }

    /// `pruning` / `creating`: `condition : flags` (SPEC.md 4). The
    /// condition reads synaptic, pre- and post-synaptic attributes (a
    /// creating condition no per-synapse attribute: the synapse does not
    /// exist yet) and at most one random distribution; the flags are
    /// numbers: `proba`, and for creating `w` and `delay`.
    fn structural_condition(&mut self, block: Block) -> Option<StructuralCondition> {
        let text = self.text(block);
        let lines = lines::split(text, FlagRule::Equations, true);
        let line = lines.first()?;
        let creating = block == Block::Creating;
        if let Some(extra) = lines.get(1) {
            let span = extra
                .segments
                .first()
                .map_or_else(Span::default, |r| Span::new(r.start, r.end));
            self.err(Diagnostic::new(
                block,
                span,
                format!("a `{}` condition is a single expression", block.key()),
            ));
        }
        let mut cond = StructuralCondition {
            expr: Expr::Bool(true),
            random: None,
            proba: None,
            w: 0.0,
            delay: None,
        };
        let allowed: &[&str] = if creating {
            &["proba", "w", "delay"]
        } else {
            &["proba"]
        };
        for flag in &line.flags {
            let key = flag.key.as_str();
            if !allowed.contains(&key) {
                let mut d = Diagnostic::new(
                    block,
                    flag.key_span,
                    format!("unknown flag `{key}` of a `{}` condition", block.key()),
                )
                .with_help(format!(
                    "the flags of a `{}` condition are: {}",
                    block.key(),
                    allowed.join(", ")
                ));
                if let Some(h) = did_you_mean(key, allowed.iter().copied()) {
                    d = d.with_help(h);
                }
                self.err(d);
                continue;
            }
            let Some(range) = flag.value.clone() else {
                self.err(Diagnostic::new(
                    block,
                    flag.key_span,
                    format!("the flag `{key}` needs a value: `{key} = 0.5`"),
                ));
                continue;
            };
            let what = format!("value of `{key}`");
            let Some(v) = self.literal_value(block, range.clone(), &what) else {
                continue;
            };
            let span = Span::new(range.start, range.end.max(range.start + 1));
            match key {
                "proba" if !(0.0..=1.0).contains(&v) => self.err(Diagnostic::new(
                    block,
                    span,
                    format!("`proba` is a probability, between 0 and 1, not {v}"),
                )),
                "delay" if !(v >= 0.0 && v.is_finite()) => self.err(Diagnostic::new(
                    block,
                    span,
                    format!("`delay` is a duration in ms, positive or zero, not {v}"),
                )),
                "proba" => cond.proba = Some(v),
                "delay" => cond.delay = Some(v),
                _ => cond.w = v,
            }
        }
        let joined = Line {
            segments: line.segments.clone(),
            flags: vec![],
        };
        let parsed =
            parser::tokens(text, &joined, block).and_then(|t| parser::parse_expr(&t, block));
        let ast = match parsed {
            Ok(e) => e,
            Err(e) => {
                self.err(e);
                return None;
            }
        };
        let first_random = self.randoms.len();
        let expr = self.resolve(&ast, block, Ctx::Equation(Locality::Local));
        let mut randoms = self.randoms.split_off(first_random);
        let span = line
            .segments
            .first()
            .map_or_else(Span::default, |r| Span::new(r.start, r.end));
        if randoms.len() > 1 {
            self.err(Diagnostic::new(
                block,
                span,
                format!(
                    "a `{}` condition may use one random distribution, not {}",
                    block.key(),
                    randoms.len()
                ),
            ));
            return None;
        }
        cond.random = randoms.pop();
        cond.expr = replace_var(&expr, &Var::Rand(first_random), &Var::Temp("__draw".into()));
        let mut local = None;
        cond.expr.visit_vars(&mut |v| {
            if let Var::Attr(a) = v
                && creating
                && self.attr(a).is_some_and(|x| x.locality == Locality::Local)
            {
                local = local.clone().or(Some(a.clone()));
            }
        });
        if let Some(a) = local {
            // Point at the name itself (not at a `pre.`/`post.` one).
            let span = self
                .identifiers(block)
                .into_iter()
                .find(|(n, s)| *n == a && !text[..s.start].ends_with('.'))
                .map_or(span, |(_, s)| s);
            self.err(Diagnostic::new(
                block,
                span,
                format!(
                    "a `creating` condition cannot read `{a}`, which has one value per synapse: the synapse does not exist yet"
                ),
            ).with_help("use pre- and post-synaptic attributes, and those of the projection or of the post-synaptic neuron (`projection`, `postsynaptic`)"));
            return None;
        }
        Some(cond)
    }

    fn expression_block(&mut self, block: Block) -> Option<Expr> {
        let text = self.text(block);
        let lines = lines::split(text, FlagRule::None, false);
        if lines.is_empty() {
            return None;
        }
        let joined = Line {
            segments: lines.iter().flat_map(|l| l.segments.clone()).collect(),
            flags: vec![],
        };
        match parser::tokens(text, &joined, block).and_then(|t| parser::parse_expr(&t, block)) {
            Ok(e) => Some(self.resolve(&e, block, Ctx::Equation(Locality::Local))),
            Err(e) => {
                self.err(e);
                None
            }
        }
    }

    /// Declares the variables that event statements create: names assigned
    /// in `pre_spike`/`post_spike` that are not attributes yet.
    fn declare_event_variables(
        &mut self,
        block: Block,
        stmts: &[(Statement, Vec<lines::Flag>, Span)],
    ) {
        for (s, flags, _) in stmts {
            let Statement::Assign {
                target,
                scope: Scope::Own,
                target_span,
                ..
            } = s
            else {
                continue;
            };
            if target == "g_target" || self.attributes.iter().any(|a| a.name == *target) {
                continue;
            }
            let init = match flags.iter().find(|f| f.key == "init") {
                Some(lines::Flag { value: Some(r), .. }) => self
                    .literal_value(block, r.clone(), "init value")
                    .unwrap_or(0.0),
                _ => 0.0,
            };
            let ty = Self::type_from_flags(flags);
            let locality = self.locality_from_flags(block, flags);
            self.declare(
                Attribute {
                    name: target.clone(),
                    is_param: false,
                    locality,
                    ty,
                    init,
                },
                block,
                *target_span,
            );
        }
    }

    /// Statements of `reset`, `pre_spike` or `post_spike`.
    fn event_statements(
        &mut self,
        block: Block,
        stmts: Vec<(Statement, Vec<lines::Flag>, Span)>,
    ) -> Vec<EventStmt> {
        let mut out = Vec::new();
        for (s, flags, _) in stmts {
            self.check_flags(
                block,
                &flags,
                &[
                    "init",
                    "min",
                    "max",
                    "unless_post",
                    "unless_refractory",
                    "int",
                    "bool",
                    "float",
                    "postsynaptic",
                    "projection",
                ],
            );
            match s {
                Statement::Ode { var_span, .. } => self.err(Diagnostic::new(
                    block,
                    var_span,
                    format!(
                        "ODEs are not allowed in `{}`: use `x += ...` or an equation",
                        block.key()
                    ),
                )),
                Statement::Assign {
                    target,
                    scope,
                    target_span,
                    op,
                    value,
                } => {
                    if scope != Scope::Own {
                        self.err(Diagnostic::new(
                            block,
                            target_span,
                            "only the synapse's own variables (and `g_target`) can be assigned here",
                        ));
                        continue;
                    }
                    if target == "g_target"
                        && !matches!(block, Block::PreSpike | Block::PreAxonSpike)
                    {
                        self.err(Diagnostic::new(
                            block,
                            target_span,
                            "`g_target` can only be changed in `pre_spike`",
                        ));
                        continue;
                    }
                    if target != "g_target" {
                        match self.attributes.iter().find(|a| a.name == target) {
                            None => {
                                self.unknown_name(block, target_span, &target, Scope::Own);
                                continue;
                            }
                            Some(a) if a.is_param && a.name != "w" => {
                                self.err(Diagnostic::new(
                                    block,
                                    target_span,
                                    format!(
                                        "`{target}` is a parameter; parameters cannot be assigned"
                                    ),
                                ));
                                continue;
                            }
                            _ => {}
                        }
                    }
                    let locality = self.attr(&target).map_or(Locality::Local, |a| a.locality);
                    let value = self.resolve(&value, block, Ctx::Equation(locality));
                    let min = self.bound(block, &flags, "min", locality);
                    let max = self.bound(block, &flags, "max", locality);
                    out.push(EventStmt {
                        target,
                        scope,
                        op,
                        value,
                        min,
                        max,
                        unless_post: flags.iter().any(|f| f.key == "unless_post"),
                    });
                }
            }
        }
        out
    }

    fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    fn equations(&mut self, stmts: Vec<(Statement, Vec<lines::Flag>, Span)>) -> Vec<Equation> {
        let block = Block::Equations;
        let mut out = Vec::new();
        for (s, flags, span) in stmts {
            let target = match &s {
                Statement::Assign { target, .. } => target.clone(),
                Statement::Ode { var, .. } => var.clone(),
            };
            let Some(attr) = self
                .attributes
                .iter()
                .find(|a| a.name == target && !a.is_param)
            else {
                continue;
            };
            let locality = attr.locality;
            let min = self.bound(block, &flags, "min", locality);
            let max = self.bound(block, &flags, "max", locality);
            let kind = match s {
                Statement::Assign { op, value, .. } => {
                    if flags.iter().any(|f| Method::from_flag(&f.key).is_some()) {
                        let f = flags
                            .iter()
                            .find(|f| Method::from_flag(&f.key).is_some())
                            .expect("found");
                        self.err(Diagnostic::new(
                            block,
                            f.key_span,
                            format!(
                                "`{}` is a numerical method, but this equation is not an ODE",
                                f.key
                            ),
                        ));
                    }
                    EqKind::Assign(op, self.resolve(&value, block, Ctx::Equation(locality)))
                }
                Statement::Ode { var, residual, .. } => {
                    let method = self.method(block, &flags);
                    let text = self.ode_text(block, span, &var);
                    EqKind::Ode {
                        residual: self.resolve(&residual, block, Ctx::Equation(locality)),
                        method,
                        text,
                        future: None,
                    }
                }
            };
            out.push(Equation {
                target,
                kind,
                min,
                max,
                locality,
                span,
            });
        }
        out
    }

    /// ANNarchy's implicit method works on the equation text: every occurrence
    /// of an implicit variable that a regular expression `([^\w]+)x([^\w]+)`
    /// matches becomes the future value `_x` (the matches do not overlap, so
    /// in `v-v^3` only the first `v` is replaced), then `dx/dt` becomes
    /// `(_x - x)/dt`. The same substitution is reproduced here so that results
    /// match ANNarchy's, including for non-linear terms left at the old value.
    fn implicit_residuals(&mut self, eqs: &mut [Equation]) {
        let implicit: Vec<String> = eqs
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EqKind::Ode {
                        method: Method::Implicit,
                        ..
                    }
                )
            })
            .map(|e| e.target.clone())
            .collect();
        let coupled = implicit.len() > 1;
        self.future_names = implicit.clone();
        for eq in eqs.iter_mut() {
            let EqKind::Ode {
                method: Method::Implicit,
                text,
                future,
                ..
            } = &mut eq.kind
            else {
                continue;
            };
            let mut s = text.clone();
            let names: &[String] = if coupled {
                &implicit
            } else {
                std::slice::from_ref(&eq.target)
            };
            for n in names {
                s = future_substitution(&s, n);
            }
            let x = &eq.target;
            let s = s.replace("_t_gradient_", &format!("(_{x}-{x})"));
            let line = Line {
                segments: std::iter::once(0..s.len()).collect(),
                flags: vec![],
            };
            let saved = std::mem::take(&mut self.errors);
            let parsed = parser::tokens(&s, &line, Block::Equations)
                .and_then(|t| parser::parse_expr(&t, Block::Equations));
            let resolved = parsed
                .ok()
                .map(|e| self.resolve(&e, Block::Equations, Ctx::Equation(eq.locality)));
            let failed = !self.errors.is_empty();
            self.errors = saved;
            match resolved {
                Some(r) if !failed => *future = Some(r),
                _ => self.err(Diagnostic::new(
                    Block::Equations,
                    eq.span,
                    "this ODE cannot be rewritten for the implicit method; use another method",
                )),
            }
        }
        self.future_names.clear();
    }

    fn check_synapse_localities(&mut self, eqs: &[Equation]) {
        for eq in eqs {
            if eq.locality == Locality::Local {
                continue;
            }
            let mut bad: Option<String> = None;
            let mut check = |e: &Expr, this: &Self| {
                e.visit_vars(&mut |v| match v {
                    Var::Attr(a) => {
                        if let Some(at) = this.attributes.iter().find(|x| x.name == *a)
                            && at.locality > eq.locality
                        {
                            bad.get_or_insert(format!(
                                "the {} attribute `{a}`",
                                if at.locality == Locality::Local {
                                    "local"
                                } else {
                                    "postsynaptic"
                                }
                            ));
                        }
                    }
                    Var::Pre(p) => {
                        bad.get_or_insert(format!("`pre.{p}`"));
                    }
                    Var::Post(p) if eq.locality == Locality::Global => {
                        bad.get_or_insert(format!("`post.{p}`"));
                    }
                    _ => {}
                });
            };
            match &eq.kind {
                EqKind::Assign(_, e) => check(e, self),
                EqKind::Ode { residual, .. } => check(residual, self),
            }
            if let Some(b) = bad {
                let what = if eq.locality == Locality::Global {
                    "projection (global)"
                } else {
                    "postsynaptic"
                };
                self.err(Diagnostic::new(
                    Block::Equations,
                    eq.span,
                    format!("the {what} variable `{}` cannot depend on {b}", eq.target),
                ));
            }
        }
    }
}

fn default_name(kind: Kind, spiking: bool) -> &'static str {
    match (kind, spiking) {
        (Kind::Neuron, false) => "Rate-coded neuron",
        (Kind::Neuron, true) => "Spiking neuron",
        (Kind::Synapse, false) => "Rate-coded synapse",
        (Kind::Synapse, true) => "Spiking synapse",
    }
}

fn default_description(kind: Kind, spiking: bool) -> &'static str {
    match (kind, spiking) {
        (Kind::Neuron, false) => "User-defined model of a rate-coded neuron.",
        (Kind::Neuron, true) => "User-defined model of a spiking neuron.",
        (Kind::Synapse, false) => "User-defined rate-coded synapse.",
        (Kind::Synapse, true) => "User-defined spiking synapse.",
    }
}

/// Analyses a model definition. Returns every error found.
pub fn analyse(def: &ModelDef, kind: Kind) -> Result<Model, Vec<Diagnostic>> {
    let spiking = match kind {
        Kind::Neuron => def
            .block(Block::Spike)
            .is_some_and(|s| !s.trim().is_empty()),
        // A synapse with events only works on spiking populations; one
        // without takes the type of its pre-synaptic population.
        Kind::Synapse => [Block::PreSpike, Block::PostSpike, Block::PreAxonSpike]
            .iter()
            .any(|b| def.block(*b).is_some_and(|s| !s.trim().is_empty())),
    };
    let mut a = Analyser {
        def,
        kind,
        spiking,
        errors: Vec::new(),
        attributes: Vec::new(),
        decl_spans: BTreeMap::new(),
        functions: Vec::new(),
        randoms: Vec::new(),
        global_ops: Vec::new(),
        targets: Vec::new(),
        uses_all_targets: false,
        pre_attrs: Vec::new(),
        post_attrs: Vec::new(),
        pre_targets: Vec::new(),
        post_targets: Vec::new(),
        future_names: Vec::new(),
        failed: Vec::new(),
    };
    let allowed: &[Block] = match (kind, spiking) {
        (Kind::Neuron, false) => &[
            Block::Parameters,
            Block::Equations,
            Block::Functions,
            Block::StopCondition,
        ],
        (Kind::Neuron, true) => &[
            Block::Parameters,
            Block::Equations,
            Block::Functions,
            Block::StopCondition,
            Block::Spike,
            Block::Reset,
            Block::AxonSpike,
            Block::AxonReset,
        ],
        (Kind::Synapse, _) => &[
            Block::Parameters,
            Block::Equations,
            Block::Functions,
            Block::Psp,
            Block::Operation,
            Block::PreSpike,
            Block::PostSpike,
            Block::PreAxonSpike,
            Block::Pruning,
            Block::Creating,
        ],
    };
    for key in def.blocks.keys() {
        if !allowed.iter().any(|b| b.key() == *key) {
            a.err(Diagnostic::model(format!(
                "`{key}` is not a block of a {} {}",
                if spiking { "spiking" } else { "rate-coded" },
                kind.word()
            )));
        }
    }
    a.parameters();
    let stmts = a.statements(Block::Equations);
    a.declare_variables(&stmts, Block::Equations);
    let (pre_stmts, post_stmts) = if kind == Kind::Synapse && spiking {
        let pre = a.statements(Block::PreSpike);
        let post = a.statements(Block::PostSpike);
        a.declare_event_variables(Block::PreSpike, &pre);
        a.declare_event_variables(Block::PostSpike, &post);
        (pre, post)
    } else {
        (Vec::new(), Vec::new())
    };
    if kind == Kind::Synapse && !a.attributes.iter().any(|x| x.name == "w") {
        a.attributes.push(Attribute {
            name: "w".into(),
            is_param: true,
            locality: Locality::Local,
            ty: Ty::Float,
            init: 0.0,
        });
    }
    if kind == Kind::Neuron && !spiking && !a.attributes.iter().any(|x| x.name == "r") {
        a.err(Diagnostic::model(
            "rate-coded neurons must define the variable `r`",
        ));
    }
    if kind == Kind::Neuron && spiking && a.attributes.iter().any(|x| x.name == "r") {
        let span = a.decl_spans.get("r").copied();
        let msg = "spiking neurons use the variable `r` for the mean firing rate; use another name";
        match span {
            Some((b, s)) => a.err(Diagnostic::new(b, s, msg)),
            None => a.err(Diagnostic::model(msg)),
        }
    }
    let implicit_g = if kind == Kind::Neuron && spiking {
        let g = a.conductances();
        if !a.attributes.iter().any(|x| x.name == "r") {
            a.attributes.push(Attribute {
                name: "r".into(),
                is_param: false,
                locality: Locality::Local,
                ty: Ty::Float,
                init: 0.0,
            });
        }
        g
    } else {
        Vec::new()
    };
    for c in &def.constants {
        if a.attributes.iter().any(|x| x.name == *c) {
            a.err(Diagnostic::model(format!(
                "`{c}` is both a constant and an attribute of the model; the attribute would shadow it, rename one"
            )));
        }
    }
    a.functions();
    let mut equations = a.equations(stmts);
    a.implicit_residuals(&mut equations);
    // Conductances without an equation act for one step: reset after the update.
    for g in &implicit_g {
        equations.push(Equation {
            target: g.clone(),
            kind: EqKind::Assign(AssignOp::Set, Expr::Num(0.0)),
            min: None,
            max: None,
            locality: Locality::Local,
            span: Span::default(),
        });
    }
    let stop_condition = if kind == Kind::Neuron {
        a.stop_condition()
    } else {
        None
    };
    let mut spike = None;
    let mut reset = Vec::new();
    let mut axon_spike = None;
    let mut axon_reset = Vec::new();
    if kind == Kind::Neuron && spiking {
        spike = a.expression_block(Block::Spike);
        let stmts = a.statements(Block::Reset);
        reset = a.event_statements(Block::Reset, stmts);
        if def
            .block(Block::AxonSpike)
            .is_some_and(|s| !s.trim().is_empty())
        {
            axon_spike = a.expression_block(Block::AxonSpike);
            let stmts = a.statements(Block::AxonReset);
            axon_reset = a.event_statements(Block::AxonReset, stmts);
        } else if def.block(Block::AxonReset).is_some() {
            a.err(Diagnostic::model(
                "`axon_reset` needs an `axon_spike` condition",
            ));
        }
        if let Some(Refractory::Attr(r)) = &def.refractory
            && !a.attributes.iter().any(|x| x.name == *r)
        {
            let mut d = Diagnostic::model(format!(
                "refractory = \"{r}\": the model has no parameter or variable `{r}`"
            ));
            if let Some(h) = did_you_mean(r, a.attributes.iter().map(|x| x.name.as_str())) {
                d = d.with_help(h);
            }
            a.err(d);
        }
    }
    if def.refractory.is_some() && !(kind == Kind::Neuron && spiking) {
        a.err(Diagnostic::model(
            "`refractory` is only for spiking neurons",
        ));
    }
    let pre_spike = a.event_statements(Block::PreSpike, pre_stmts);
    let post_spike = a.event_statements(Block::PostSpike, post_stmts);
    let mut pre_axon_spike = Vec::new();
    if kind == Kind::Synapse
        && def
            .block(Block::PreAxonSpike)
            .is_some_and(|s| !s.trim().is_empty())
    {
        if def
            .block(Block::PostSpike)
            .is_some_and(|s| !s.trim().is_empty())
        {
            a.err(Diagnostic::model(
                "a synapse cannot have both `pre_axon_spike` and `post_spike`",
            ));
        }
        let same = def.block(Block::PreAxonSpike).map(normalise_block)
            == def.block(Block::PreSpike).map(normalise_block);
        let stmts = a.statements(Block::PreAxonSpike);
        let events = a.event_statements(Block::PreAxonSpike, stmts);
        pre_axon_spike = if same {
            events
        } else {
            events
                .into_iter()
                .filter(|e| e.target == "g_target")
                .collect()
        };
    }
    if kind == Kind::Synapse {
        a.check_synapse_localities(&equations);
    }
    // psp / operation
    let mut psp = None;
    let mut operation = "sum".to_string();
    if kind == Kind::Synapse {
        if let Some(op) = def.block(Block::Operation) {
            let op = op.trim();
            if !["sum", "max", "min", "mean"].contains(&op) {
                a.err(Diagnostic::new(
                    Block::Operation,
                    Span::new(0, def.block(Block::Operation).map_or(1, str::len)),
                    format!("the operation must be `sum`, `max`, `min` or `mean`, not `{op}`"),
                ));
            } else if spiking && op != "sum" {
                a.err(Diagnostic::model(
                    "spiking synapses can only perform a sum of presynaptic potentials",
                ));
            }
            operation = op.to_string();
        }
        if let Some(text) = def.block(Block::Psp).filter(|s| !s.trim().is_empty()) {
            let lines = lines::split(text, FlagRule::None, false);
            let joined = Line {
                segments: lines.iter().flat_map(|l| l.segments.clone()).collect(),
                flags: vec![],
            };
            match parser::tokens(text, &joined, Block::Psp)
                .and_then(|t| parser::parse_expr(&t, Block::Psp))
            {
                Ok(e) => psp = Some(a.resolve(&e, Block::Psp, Ctx::Psp)),
                Err(e) => a.err(e),
            }
        } else if !spiking {
            push_unique(&mut a.pre_attrs, "r");
            psp = Some(Expr::bin(
                crate::ir::BinOp::Mul,
                Expr::attr("w"),
                Expr::Var(Var::Pre("r".into())),
            ));
        }
    }
    let mut pre_spike = pre_spike;
    // Without a `g_target` statement nor a `psp` of its own, a synapse that
    // receives spikes adds `w` to the conductance of its target.
    let user_psp = def.block(Block::Psp).is_some_and(|s| !s.trim().is_empty());
    if kind == Kind::Synapse && !user_psp && !pre_spike.iter().any(|e| e.target == "g_target") {
        pre_spike.insert(
            0,
            EventStmt {
                target: "g_target".into(),
                scope: Scope::Own,
                op: AssignOp::Add,
                value: Expr::attr("w"),
                min: None,
                max: None,
                unless_post: false,
            },
        );
    }
    let (pruning, creating) = if kind == Kind::Synapse {
        (
            a.structural_condition(Block::Pruning),
            a.structural_condition(Block::Creating),
        )
    } else {
        (None, None)
    };
    let plastic = kind == Kind::Synapse
        && (equations.iter().any(|e| e.target == "w")
            || pre_spike.iter().chain(&post_spike).any(|e| e.target == "w"));
    if !a.errors.is_empty() {
        return Err(a.errors);
    }
    Ok(Model {
        kind,
        spiking,
        type_name: def.type_name.clone(),
        name: def
            .name
            .clone()
            .unwrap_or_else(|| default_name(kind, spiking).to_string()),
        description: def
            .description
            .clone()
            .unwrap_or_else(|| default_description(kind, spiking).to_string()),
        attributes: a.attributes,
        equations,
        functions: a.functions,
        randoms: a.randoms,
        global_ops: a.global_ops,
        targets: a.targets,
        uses_all_targets: a.uses_all_targets,
        pre_attrs: a.pre_attrs,
        post_attrs: a.post_attrs,
        pre_targets: a.pre_targets,
        post_targets: a.post_targets,
        psp,
        operation,
        spike,
        reset,
        refractory: def.refractory.clone(),
        axon_spike,
        axon_reset,
        stop_condition,
        pre_spike,
        pre_axon_spike,
        post_spike,
        pruning,
        creating,
        plastic,
        constants: def.constants.clone(),
        source: def.blocks.iter().map(|(k, v)| (*k, v.clone())).collect(),
    })
}

/// `e` with every occurrence of `from` replaced by `to`.
fn replace_var(e: &Expr, from: &Var, to: &Var) -> Expr {
    let r = |x: &Expr| Box::new(replace_var(x, from, to));
    match e {
        Expr::Var(v) if v == from => Expr::Var(to.clone()),
        Expr::Num(_) | Expr::Bool(_) | Expr::Var(_) => e.clone(),
        Expr::Neg(a) => Expr::Neg(r(a)),
        Expr::Not(a) => Expr::Not(r(a)),
        Expr::Bin(op, a, b) => Expr::Bin(*op, r(a), r(b)),
        Expr::Ite(c, a, b) => Expr::Ite(r(c), r(a), r(b)),
        Expr::Call(f, args) => Expr::Call(
            f.clone(),
            args.iter().map(|x| replace_var(x, from, to)).collect(),
        ),
    }
}

/// The variable a statement defines, read from its text alone (for lines
/// that fail to parse): `x = ...`, `x += ...`, or the `x` of `dx/dt`.
fn defined_name(line: &str) -> Option<String> {
    let b = line.as_bytes();
    let op = (0..b.len()).find(|&i| {
        b[i] == b'='
            && b.get(i + 1) != Some(&b'=')
            && (i == 0 || !matches!(b[i - 1], b'=' | b'<' | b'>' | b'!'))
    })?;
    let lhs = line[..op].trim_end_matches(['+', '-', '*', '/']).trim();
    let ident = |s: &str| {
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if ident(lhs) {
        return Some(lhs.to_string());
    }
    let compact: String = lhs.chars().filter(|c| !c.is_whitespace()).collect();
    let end = compact.find("/dt")?;
    let start = compact[..end]
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |p| p + 1);
    let d = &compact[start..end];
    d.strip_prefix('d').filter(|x| ident(x)).map(str::to_string)
}

/// A block's statements with blank space normalised (to compare two blocks).
fn normalise_block(s: &str) -> Vec<String> {
    s.lines()
        .flat_map(|l| l.split(';'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `re.sub(r'([^\w]+)NAME([^\w]+)', r'\1_NAME\2', s)`: prefixes with `_` each
/// occurrence of `name` that has a non-word character before and after it,
/// matches not overlapping (the characters after one match cannot start the next).
pub fn future_substitution(s: &str, name: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < b.len() {
        // Next non-word run.
        let Some(p) = (i..b.len()).find(|&k| !is_word(b[k])) else {
            out.push_str(&s[i..]);
            break;
        };
        let q = (p..b.len()).find(|&k| is_word(b[k])).unwrap_or(b.len());
        let after = q + name.len();
        if s[q..].starts_with(name) && after < b.len() && !is_word(b[after]) {
            let r = (after..b.len()).find(|&k| is_word(b[k])).unwrap_or(b.len());
            out.push_str(&s[i..q]);
            out.push('_');
            out.push_str(&s[q..r]);
            i = r;
        } else {
            let w = (q..b.len()).find(|&k| !is_word(b[k])).unwrap_or(b.len());
            out.push_str(&s[i..w]);
            i = w;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_defined_by_unparsable_lines() {
        assert_eq!(defined_name("r = 2 * * v").as_deref(), Some("r"));
        assert_eq!(defined_name("x += $").as_deref(), Some("x"));
        assert_eq!(defined_name("tau * dv/dt = (").as_deref(), Some("v"));
        assert_eq!(defined_name("a == b"), None);
    }

    #[test]
    fn future_substitution_reproduces_non_overlapping_matches() {
        assert_eq!(
            future_substitution("tau_v*_t_gradient_/dt-(v-v^3/3.0-w+I)", "v"),
            "tau_v*_t_gradient_/dt-(_v-v^3/3.0-w+I)"
        );
        assert_eq!(
            future_substitution("tau_w*_t_gradient_/dt-(v+a-b*w)", "w"),
            "tau_w*_t_gradient_/dt-(v+a-b*_w)"
        );
        assert_eq!(future_substitution("a-(vt+v)", "v"), "a-(vt+_v)");
        assert_eq!(future_substitution("v-(v)", "v"), "v-(_v)");
    }
}
