//! LaTeX of a model's equations, for the reports of a network (ANNarchy's
//! `parser/report/LatexParser.py`).
//!
//! Each statement is parsed again from the text of its block and printed
//! from its syntax tree, so the LaTeX keeps the form the equation was
//! written in (`tau * dv/dt + v = ...` stays an equation, not a derivative
//! solved for): operator precedence decides the parentheses (only those
//! needed are printed), `/` is a fraction, `*` a `\cdot`, `^` / `**` /
//! `pow` an exponent, and names follow ANNarchy's conventions: Greek
//! letters are symbols (`tau` → `\tau`), the part after `_` is a
//! subscript (`v_rest` → `v_{\text{rest}}`), `pre.r` is `r^{\text{pre}}`,
//! `sum(exc)` is `\sum_{\text{exc}} w \cdot r^{\text{pre}}` and `pos(x)` is
//! `\left(x\right)^{+}`.

use crate::ast::{AssignOp, BinOp, Expr, Scope, Statement, UnOp};
use crate::diagnostic::Block;
use crate::lines::{self, Flag, FlagRule, Line};
use crate::model::{EqKind, Kind, Method, Model, Refractory};
use crate::parser;

/// One equation of the `equations` block in LaTeX, with what a report says
/// about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatexEquation {
    /// The variable it defines.
    pub variable: String,
    /// The equation: `\tau \cdot \frac{dv}{dt} + v = I`.
    pub latex: String,
    /// The numerical method of an ODE (`explicit`, `implicit`,
    /// `semiimplicit`, `exponential`, `midpoint`, `rk4`, `event-driven`);
    /// empty for an assignment.
    pub method: &'static str,
    /// The `min` bound in LaTeX, empty if none.
    pub min: String,
    /// The `max` bound in LaTeX, empty if none.
    pub max: String,
}

/// The LaTeX of a whole model: what `report()` shows of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelLatex {
    /// `(name, symbol)` of every attribute, in the model's order, then of
    /// every constant the model reads: `("tau_m", "\tau_{m}")`.
    pub symbols: Vec<(String, String)>,
    /// The equations, in declaration order.
    pub equations: Vec<LatexEquation>,
    /// Spiking neurons: the spike condition.
    pub spike: String,
    /// Spiking neurons: the reset statements.
    pub reset: Vec<String>,
    /// Spiking neurons: the refractory period (a number of ms or the symbol
    /// of the attribute holding it); empty if none.
    pub refractory: String,
    /// Synapses: what each synapse transmits (`w \cdot r^{\text{pre}}` by
    /// default for rate-coded synapses); empty if nothing continuous.
    pub psp: String,
    /// Spiking synapses: the statements run at a pre-synaptic spike (with
    /// the `g_{\text{target}} \mathrel{+}= w` the model adds when it has
    /// none).
    pub pre_spike: Vec<String>,
    /// Spiking synapses: the statements run at a post-synaptic spike.
    pub post_spike: Vec<String>,
    /// The functions of the `functions` block: `f\left(x\right) = ...`.
    pub functions: Vec<String>,
}

/// Greek letters that names made of them become (ANNarchy's list, with the
/// few letters it misses).
const GREEK: [&str; 34] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
    "Omega",
];

/// One part of a name: a letter stays, a Greek letter's name is its symbol,
/// a longer word is upright text.
fn part(p: &str) -> String {
    if p.chars().count() == 1 || (!p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
        p.to_string()
    } else if GREEK.contains(&p) {
        format!(r"\{p}")
    } else {
        format!(r"\text{{{p}}}")
    }
}

/// The LaTeX symbol of a name, as ANNarchy's reports write it: `v` → `v`,
/// `tau` → `\tau`, `baseline` → `\text{baseline}`, `tau_m` → `\tau_{m}`,
/// `v_rest` → `v_{\text{rest}}`, `tau_syn_E` → `\tau_{\text{syn\_E}}`, and
/// trailing digits are a subscript: `f2` → `f_{2}`, `tau1` → `\tau_{1}`.
pub fn symbol(name: &str) -> String {
    let escaped = || format!(r"\text{{{}}}", name.replace('_', r"\_"));
    let Some((first, rest)) = name.split_once('_') else {
        let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (word, number) = name.split_at(name.len() - digits);
        return if digits > 0 && !word.is_empty() && !word.contains(|c: char| c.is_ascii_digit()) {
            format!("{}_{{{number}}}", part(word))
        } else {
            part(name)
        };
    };
    if first.is_empty() || rest.is_empty() || rest.split('_').any(str::is_empty) {
        return escaped();
    }
    let sub = if rest.contains('_') {
        format!(r"\text{{{}}}", rest.replace('_', r"\_"))
    } else {
        part(rest)
    };
    format!("{}_{{{sub}}}", part(first))
}

/// A target's name as upright text (`\text{exc}`).
fn text(name: &str) -> String {
    format!(r"\text{{{}}}", name.replace('_', r"\_"))
}

/// Binding strength of what an expression prints as, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    /// `\begin{cases}...\end{cases}`
    Cases,
    /// `a \lor b`
    Or,
    /// `a \land b`
    And,
    /// `\lnot a`
    Not,
    /// `a < b`
    Cmp,
    /// `a + b`, `a - b`
    Sum,
    /// `a \cdot b`
    Prod,
    /// `-a`
    Neg,
    /// `a^{b}`
    Pow,
    /// A name, a number, a fraction, a call.
    Atom,
}

/// An expression printed, with what decides whether it needs parentheses
/// where it is used.
struct Tex {
    s: String,
    prec: Prec,
    /// The text starts with a minus sign (`-a`, `-a \cdot b`).
    minus: bool,
    /// A `\sum` that extends to the right: parenthesised in products.
    big_sum: bool,
}

impl Tex {
    fn new(s: String, prec: Prec) -> Tex {
        Tex {
            s,
            prec,
            minus: false,
            big_sum: false,
        }
    }
}

fn paren(s: &str) -> String {
    format!(r"\left({s}\right)")
}

/// A number as written: `1.5e-3` → `1.5 \cdot 10^{-3}`, `.5` → `0.5`.
fn number(written: &str) -> Tex {
    let (mantissa, exponent) = match written.find(['e', 'E']) {
        Some(i) => (&written[..i], Some(&written[i + 1..])),
        None => (written, None),
    };
    let mut m = mantissa.to_string();
    if m.starts_with('.') {
        m.insert(0, '0');
    }
    if m.ends_with('.') {
        m.push('0');
    }
    let Some(exponent) = exponent else {
        return Tex::new(m, Prec::Atom);
    };
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", exponent.trim_start_matches('+')),
    };
    let digits = match digits.trim_start_matches('0') {
        "" => "0",
        d => d,
    };
    let power = format!("10^{{{sign}{digits}}}");
    if m.parse::<f64>() == Ok(1.0) {
        Tex::new(power, Prec::Pow)
    } else {
        Tex::new(format!(r"{m} \cdot {power}"), Prec::Prod)
    }
}

/// A value of the model (not from its text) as a number: `5.0`, `0.1`.
fn value(v: f64) -> String {
    number(&format!("{v:?}")).s
}

/// Prints the expressions of one block, whose text the spans point into.
struct Printer<'a> {
    text: &'a str,
    /// Names of the model's functions (`functions` block).
    functions: &'a [String],
}

impl Printer<'_> {
    fn expr(&self, e: &Expr) -> String {
        self.tex(e).s
    }

    /// `e` printed, in parentheses when it binds less than `min`, or when
    /// it starts with a minus sign and `no_minus` is set.
    fn operand(&self, e: &Expr, min: Prec, no_minus: bool) -> String {
        let t = self.tex(e);
        if t.prec < min || (no_minus && t.minus) {
            paren(&t.s)
        } else {
            t.s
        }
    }

    /// An operand of a product: also in parentheses when it is a `\sum`.
    fn factor(&self, e: &Expr, right: bool) -> String {
        let t = self.tex(e);
        if t.prec < Prec::Prod || t.big_sum || (right && t.minus) {
            paren(&t.s)
        } else {
            t.s
        }
    }

    /// The base of a power: bare only when a name or a plain number.
    fn base(&self, e: &Expr) -> String {
        let t = self.tex(e);
        let bare = match e {
            Expr::Name(Scope::Own, n, _) => n != "dt",
            Expr::Num(..) => t.prec == Prec::Atom,
            Expr::Call(Scope::Own, f, _, _) => {
                self.functions.contains(f)
                    || matches!(
                        f.as_str(),
                        "exp" | "sqrt" | "sin" | "cos" | "tan" | "sinh" | "cosh" | "tanh"
                    )
            }
            _ => false,
        };
        if bare { t.s } else { paren(&t.s) }
    }

    fn number(&self, v: f64, span: crate::span::Span) -> Tex {
        match self.text.get(span.start..span.end) {
            Some(w) if w.parse::<f64>() == Ok(v) => number(w),
            _ => number(&format!("{v:?}")),
        }
    }

    fn args(&self, args: &[Expr]) -> String {
        args.iter()
            .map(|a| self.expr(a))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn tex(&self, e: &Expr) -> Tex {
        match e {
            Expr::Num(v, span) => self.number(*v, *span),
            Expr::Bool(b, _) => Tex::new(
                format!(r"\text{{{}}}", if *b { "True" } else { "False" }),
                Prec::Atom,
            ),
            Expr::Name(scope, n, _) => Tex::new(name(*scope, n), Prec::Atom),
            Expr::Deriv(v, _) => Tex::new(format!(r"\frac{{d{}}}{{dt}}", symbol(v)), Prec::Atom),
            Expr::Unary(UnOp::Neg, a, _) => {
                let t = self.tex(a);
                let inner = if t.prec < Prec::Prod || t.minus || t.big_sum {
                    paren(&t.s)
                } else {
                    t.s
                };
                Tex {
                    s: format!("-{inner}"),
                    prec: Prec::Neg,
                    minus: true,
                    big_sum: false,
                }
            }
            Expr::Unary(UnOp::Not, a, _) => Tex::new(
                format!(r"\lnot {}", self.operand(a, Prec::Atom, false)),
                Prec::Not,
            ),
            Expr::Binary(op, a, b, _) => self.binary(*op, a, b),
            Expr::Call(scope, f, args, _) => self.call(*scope, f, args),
            Expr::Ite(..) => {
                let mut cases = Vec::new();
                let mut rest = e;
                while let Expr::Ite(c, a, b, _) = rest {
                    cases.push(format!(
                        r"{} & \text{{if }} {} \\ ",
                        self.expr(a),
                        self.expr(c)
                    ));
                    rest = b;
                }
                Tex::new(
                    format!(
                        r"\begin{{cases}} {}{} & \text{{otherwise}} \end{{cases}}",
                        cases.concat(),
                        self.expr(rest)
                    ),
                    Prec::Cases,
                )
            }
        }
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr) -> Tex {
        let cmp = |sym: &str| {
            Tex::new(
                format!(
                    "{} {sym} {}",
                    self.operand(a, Prec::Sum, false),
                    self.operand(b, Prec::Sum, false)
                ),
                Prec::Cmp,
            )
        };
        match op {
            BinOp::Add | BinOp::Sub => {
                let left = self.tex(a);
                let (minus, left) = if left.prec < Prec::Sum {
                    (false, paren(&left.s))
                } else {
                    (left.minus, left.s)
                };
                let min = if op == BinOp::Add {
                    Prec::Sum
                } else {
                    Prec::Prod
                };
                let right = self.tex(b);
                let right =
                    if right.prec < min || right.minus || (op == BinOp::Sub && right.big_sum) {
                        paren(&right.s)
                    } else {
                        right.s
                    };
                let sign = if op == BinOp::Add { "+" } else { "-" };
                Tex {
                    s: format!("{left} {sign} {right}"),
                    prec: Prec::Sum,
                    minus,
                    big_sum: false,
                }
            }
            BinOp::Mul => {
                let left = self.tex(a);
                let minus = left.minus && left.prec >= Prec::Prod && !left.big_sum;
                Tex {
                    s: format!(r"{} \cdot {}", self.factor(a, false), self.factor(b, true)),
                    prec: Prec::Prod,
                    minus,
                    big_sum: false,
                }
            }
            BinOp::Div => Tex::new(
                format!(r"\frac{{{}}}{{{}}}", self.expr(a), self.expr(b)),
                Prec::Atom,
            ),
            BinOp::Pow => self.power(a, b),
            BinOp::Lt => cmp("<"),
            BinOp::Le => cmp(r"\leq"),
            BinOp::Gt => cmp(">"),
            BinOp::Ge => cmp(r"\geq"),
            BinOp::Eq => cmp("="),
            BinOp::Ne => cmp(r"\neq"),
            BinOp::And => Tex::new(
                format!(
                    r"{} \land {}",
                    self.operand(a, Prec::And, false),
                    self.operand(b, Prec::Not, false)
                ),
                Prec::And,
            ),
            BinOp::Or => Tex::new(
                format!(
                    r"{} \lor {}",
                    self.operand(a, Prec::Or, false),
                    self.operand(b, Prec::And, false)
                ),
                Prec::Or,
            ),
        }
    }

    fn power(&self, a: &Expr, b: &Expr) -> Tex {
        Tex::new(format!("{}^{{{}}}", self.base(a), self.expr(b)), Prec::Pow)
    }

    /// `\name\left(args\right)`
    fn function(&self, f: &str, args: &[Expr]) -> Tex {
        Tex::new(format!(r"{f}\left({}\right)", self.args(args)), Prec::Atom)
    }

    fn call(&self, scope: Scope, f: &str, args: &[Expr]) -> Tex {
        let one = || args.first().map(|a| self.expr(a)).unwrap_or_default();
        if f == "sum" {
            let target = match args {
                [Expr::Name(Scope::Own, t, _)] => format!("_{{{}}}", text(t)),
                _ => String::new(),
            };
            return match scope {
                Scope::Own => Tex {
                    s: format!(r"\sum{target} w \cdot r^{{\text{{pre}}}}"),
                    prec: Prec::Prod,
                    minus: false,
                    big_sum: true,
                },
                Scope::Pre | Scope::Post => Tex::new(
                    format!(
                        r"\left(\sum{target} \text{{psp}}\right)^{{\text{{{}}}}}",
                        if scope == Scope::Pre { "pre" } else { "post" }
                    ),
                    Prec::Atom,
                ),
            };
        }
        if self.functions.iter().any(|u| u == f) {
            return self.function(&symbol(f), args);
        }
        let named = |op: &str| self.function(&format!(r"\operatorname{{{op}}}"), args);
        match (f, args.len()) {
            ("min", 1) => self.function(r"\min", args),
            ("max", 1) => self.function(r"\max", args),
            ("mean", 1) => named("mean"),
            ("norm1", 1) => Tex::new(format!(r"\left\|{}\right\|_{{1}}", one()), Prec::Atom),
            ("norm2", 1) => Tex::new(format!(r"\left\|{}\right\|_{{2}}", one()), Prec::Atom),
            ("Uniform", _) => self.function(r"\mathcal{U}", args),
            ("DiscreteUniform", _) => Tex::new(
                format!(
                    r"\mathcal{{U}}\left\{{{}\right\}}",
                    args.iter()
                        .map(|a| self.expr(a))
                        .collect::<Vec<_>>()
                        .join(r", \ldots, ")
                ),
                Prec::Atom,
            ),
            ("Normal", _) => self.function(r"\mathcal{N}", args),
            ("LogNormal", _) => self.function(r"\ln\mathcal{N}", args),
            ("Exponential", _) => self.function(r"\text{Exp}", args),
            ("Gamma", _) => self.function(r"\Gamma", args),
            ("Binomial", _) => self.function(r"\mathcal{B}", args),
            ("pos" | "positive", 1) => {
                Tex::new(format!(r"\left({}\right)^{{+}}", one()), Prec::Atom)
            }
            ("neg" | "negative", 1) => {
                Tex::new(format!(r"\left({}\right)^{{-}}", one()), Prec::Atom)
            }
            ("pow" | "power", 2) => self.power(&args[0], &args[1]),
            ("sqrt", 1) => Tex::new(format!(r"\sqrt{{{}}}", one()), Prec::Atom),
            ("cbrt", 1) => Tex::new(format!(r"\sqrt[3]{{{}}}", one()), Prec::Atom),
            ("abs" | "fabs", 1) => Tex::new(format!(r"\left|{}\right|", one()), Prec::Atom),
            ("floor", 1) => Tex::new(format!(r"\left\lfloor {}\right\rfloor", one()), Prec::Atom),
            ("ceil", 1) => Tex::new(format!(r"\left\lceil {}\right\rceil", one()), Prec::Atom),
            ("log", 1) => self.function(r"\ln", args),
            ("log10", 1) => self.function(r"\log_{10}", args),
            ("log2", 1) => self.function(r"\log_{2}", args),
            ("asin", 1) => self.function(r"\arcsin", args),
            ("acos", 1) => self.function(r"\arccos", args),
            ("atan", 1) => self.function(r"\arctan", args),
            ("exp" | "sin" | "cos" | "tan" | "sinh" | "cosh" | "tanh", 1) => {
                self.function(&format!(r"\{f}"), args)
            }
            ("modulo", 2) => named("mod"),
            _ => named(f),
        }
    }

    fn statement(&self, s: &Statement) -> String {
        match s {
            Statement::Assign {
                target,
                scope,
                op,
                value,
                ..
            } => {
                let op = match op {
                    AssignOp::Set => "=",
                    AssignOp::Add => r"\mathrel{+}=",
                    AssignOp::Sub => r"\mathrel{-}=",
                    AssignOp::Mul => r"\mathrel{*}=",
                    AssignOp::Div => r"\mathrel{/}=",
                };
                format!("{} {op} {}", name(*scope, target), self.expr(value))
            }
            Statement::Ode { lhs, rhs, .. } => format!("{} = {}", self.expr(lhs), self.expr(rhs)),
        }
    }
}

/// A name in an expression: its symbol, with `pre`/`post` as a superscript.
fn name(scope: Scope, n: &str) -> String {
    match scope {
        Scope::Own if n == "dt" => r"\Delta t".to_string(),
        Scope::Own => symbol(n),
        Scope::Pre => format!(r"{}^{{\text{{pre}}}}", symbol(n)),
        Scope::Post => format!(r"{}^{{\text{{post}}}}", symbol(n)),
    }
}

/// The statements of a block, parsed, with their flags (lines that do not
/// parse are left out: the analysis has reported them).
fn statements(text: &str) -> Vec<(Statement, Vec<Flag>)> {
    lines::split(text, FlagRule::Equations, true)
        .into_iter()
        .filter_map(|line| {
            let toks = parser::tokens(text, &line, Block::Equations).ok()?;
            let s = parser::parse_statement(&toks, Block::Equations).ok()?;
            Some((s, line.flags))
        })
        .collect()
}

/// A block that is one expression (spike condition, psp), its lines joined.
fn expression(text: &str) -> Option<Expr> {
    let lines = lines::split(text, FlagRule::None, false);
    let joined = Line {
        segments: lines.iter().flat_map(|l| l.segments.clone()).collect(),
        flags: vec![],
    };
    if joined.segments.is_empty() {
        return None;
    }
    let toks = parser::tokens(text, &joined, Block::Equations).ok()?;
    parser::parse_expr(&toks, Block::Equations).ok()
}

/// The value of a flag (`min = 0.0`) as an expression.
fn flag_value(text: &str, flags: &[Flag], key: &str) -> Option<Expr> {
    let range = flags.iter().find(|f| f.key == key)?.value.clone()?;
    let line = Line {
        segments: vec![range],
        flags: vec![],
    };
    let toks = parser::tokens(text, &line, Block::Equations).ok()?;
    parser::parse_expr(&toks, Block::Equations).ok()
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Explicit => "explicit",
        Method::Implicit => "implicit",
        Method::SemiImplicit => "semiimplicit",
        Method::Exponential => "exponential",
        Method::Midpoint => "midpoint",
        Method::Rk4 => "rk4",
        Method::EventDriven => "event-driven",
    }
}

/// Renders one expression of the equation language (for tests and tools):
/// `None` if it does not parse.
pub fn render_expression(text: &str) -> Option<String> {
    let printer = Printer {
        text,
        functions: &[],
    };
    expression(text).map(|e| printer.expr(&e))
}

/// Renders one statement of the equation language (`x = ...`, `x += ...`,
/// an ODE): `None` if it does not parse.
pub fn render_statement(text: &str) -> Option<String> {
    let printer = Printer {
        text,
        functions: &[],
    };
    let (s, _) = statements(text).into_iter().next()?;
    Some(printer.statement(&s))
}

/// The LaTeX of an analysed model.
pub fn render(model: &Model) -> ModelLatex {
    let functions: Vec<String> = model.functions.iter().map(|f| f.name.clone()).collect();
    let source = |b: Block| model.source.get(b.key()).map_or("", String::as_str);
    let printer = |b: Block| Printer {
        text: source(b),
        functions: &functions,
    };
    let block_statements = |b: Block| {
        let p = printer(b);
        statements(p.text)
            .iter()
            .map(|(s, _)| p.statement(s))
            .collect::<Vec<_>>()
    };

    let eqs = printer(Block::Equations);
    let equations = statements(eqs.text)
        .into_iter()
        .map(|(s, flags)| {
            let variable = match &s {
                Statement::Assign { target, .. } => target.clone(),
                Statement::Ode { var, .. } => var.clone(),
            };
            let method = match (&s, model.equations.iter().find(|e| e.target == variable)) {
                (Statement::Ode { .. }, Some(e)) => match &e.kind {
                    EqKind::Ode { method, .. } => method_name(*method),
                    EqKind::Assign(..) => "",
                },
                (Statement::Ode { .. }, None) => method_name(Method::Explicit),
                _ => "",
            };
            let bound = |key: &str| {
                flag_value(eqs.text, &flags, key)
                    .map(|e| eqs.expr(&e))
                    .unwrap_or_default()
            };
            LatexEquation {
                latex: eqs.statement(&s),
                method,
                min: bound("min"),
                max: bound("max"),
                variable,
            }
        })
        .collect();

    let spike = printer(Block::Spike);
    let psp = printer(Block::Psp);
    let psp = match expression(psp.text) {
        Some(e) => psp.expr(&e),
        None if model.kind == Kind::Synapse && !model.spiking => {
            r"w \cdot r^{\text{pre}}".to_string()
        }
        None => String::new(),
    };

    let mut pre_spike = block_statements(Block::PreSpike);
    let writes_g = statements(source(Block::PreSpike))
        .iter()
        .any(|(s, _)| matches!(s, Statement::Assign { target, .. } if target == "g_target"));
    if model.kind == Kind::Synapse
        && model.spiking
        && !writes_g
        && model.pre_spike.iter().any(|e| e.target == "g_target")
    {
        pre_spike.insert(0, r"g_{\text{target}} \mathrel{+}= w".to_string());
    }

    let fun = printer(Block::Functions);
    let functions_latex = lines::split(fun.text, FlagRule::None, false)
        .iter()
        .filter_map(|line| {
            let toks = parser::tokens(fun.text, line, Block::Functions).ok()?;
            let eq = toks
                .iter()
                .position(|t| t.tok == crate::lexer::Tok::Op("="))?;
            let head = parser::parse_expr(&toks[..eq], Block::Functions).ok()?;
            let body = parser::parse_expr(&toks[eq + 1..], Block::Functions).ok()?;
            Some(format!("{} = {}", fun.expr(&head), fun.expr(&body)))
        })
        .collect();

    ModelLatex {
        symbols: model
            .attributes
            .iter()
            .map(|a| &a.name)
            .chain(&model.constants)
            .map(|n| (n.clone(), symbol(n)))
            .collect(),
        equations,
        spike: expression(spike.text)
            .map(|e| spike.expr(&e))
            .unwrap_or_default(),
        reset: block_statements(Block::Reset),
        refractory: match &model.refractory {
            Some(Refractory::Ms(v)) => value(*v),
            Some(Refractory::Attr(a)) => symbol(a),
            None => String::new(),
        },
        psp,
        pre_spike,
        post_spike: block_statements(Block::PostSpike),
        functions: functions_latex,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelDef, analyse};

    #[test]
    fn symbols_follow_annarchy() {
        for (name, tex) in [
            ("v", "v"),
            ("I", "I"),
            ("tau", r"\tau"),
            ("Delta", r"\Delta"),
            ("baseline", r"\text{baseline}"),
            ("tau_m", r"\tau_{m}"),
            ("v_rest", r"v_{\text{rest}}"),
            ("tau_rec", r"\tau_{\text{rec}}"),
            ("g_exc", r"g_{\text{exc}}"),
            ("A_plus", r"A_{\text{plus}}"),
            ("w_12", r"w_{12}"),
            ("tau_syn_E", r"\tau_{\text{syn\_E}}"),
            ("f2", r"f_{2}"),
            ("tau1", r"\tau_{1}"),
            ("ff10", r"\text{ff}_{10}"),
            ("a2b", r"\text{a2b}"),
            ("x_", r"\text{x\_}"),
            ("_x", r"\text{\_x}"),
            ("a__b", r"\text{a\_\_b}"),
        ] {
            assert_eq!(symbol(name), tex, "symbol of {name}");
        }
    }

    #[test]
    fn expressions() {
        for (src, tex) in [
            // Precedence: only the parentheses needed.
            ("a + b * c", r"a + b \cdot c"),
            ("(a + b) * c", r"\left(a + b\right) \cdot c"),
            ("a - (b - c)", r"a - \left(b - c\right)"),
            ("a - (b + c)", r"a - \left(b + c\right)"),
            ("(a - b) - c", "a - b - c"),
            ("a + (b + c)", "a + b + c"),
            ("a - b * c", r"a - b \cdot c"),
            ("a * (b * c)", r"a \cdot b \cdot c"),
            ("a * -b", r"a \cdot \left(-b\right)"),
            ("a + -b", r"a + \left(-b\right)"),
            ("-a * b", r"-a \cdot b"),
            ("-(a + b)", r"-\left(a + b\right)"),
            ("- g_exc", r"-g_{\text{exc}}"),
            ("c - (-a) * b", r"c - \left(-a \cdot b\right)"),
            // Fractions, powers.
            ("(1 - x)/tau_rec", r"\frac{1 - x}{\tau_{\text{rec}}}"),
            ("2/(x*x)", r"\frac{2}{x \cdot x}"),
            ("a / b * c", r"\frac{a}{b} \cdot c"),
            ("0.04 * v^2", r"0.04 \cdot v^{2}"),
            ("x ** (n + 1)", r"x^{n + 1}"),
            ("(a + b)^2", r"\left(a + b\right)^{2}"),
            ("-a^2", r"-a^{2}"),
            ("(-a)^2", r"\left(-a\right)^{2}"),
            ("post.r^2", r"\left(r^{\text{post}}\right)^{2}"),
            ("(a/b)^2", r"\left(\frac{a}{b}\right)^{2}"),
            ("pow(x, 3)", r"x^{3}"),
            ("power(v - 1, 2)", r"\left(v - 1\right)^{2}"),
            ("dt^2", r"\left(\Delta t\right)^{2}"),
            // Numbers as written.
            ("1.5e-3 * x", r"1.5 \cdot 10^{-3} \cdot x"),
            ("1e-3", "10^{-3}"),
            ("2E+05", r"2 \cdot 10^{5}"),
            (".5 + 5.", "0.5 + 5.0"),
            ("1e-3^2", r"\left(10^{-3}\right)^{2}"),
            // Names.
            ("tau * v", r"\tau \cdot v"),
            ("pre.r * post.r", r"r^{\text{pre}} \cdot r^{\text{post}}"),
            ("t - t_pre", r"t - t_{\text{pre}}"),
            ("dt / tau", r"\frac{\Delta t}{\tau}"),
            ("True", r"\text{True}"),
            // Sums of inputs.
            ("sum(exc)", r"\sum_{\text{exc}} w \cdot r^{\text{pre}}"),
            (
                "sum(exc) - sum(inh)",
                r"\sum_{\text{exc}} w \cdot r^{\text{pre}} - \left(\sum_{\text{inh}} w \cdot r^{\text{pre}}\right)",
            ),
            (
                "2 * sum(ff_1)",
                r"2 \cdot \left(\sum_{\text{ff\_1}} w \cdot r^{\text{pre}}\right)",
            ),
            ("sum()", r"\sum w \cdot r^{\text{pre}}"),
            (
                "pre.sum(exc) * post.sum(exc)",
                r"\left(\sum_{\text{exc}} \text{psp}\right)^{\text{pre}} \cdot \left(\sum_{\text{exc}} \text{psp}\right)^{\text{post}}",
            ),
            // Functions.
            ("pos(v - T)", r"\left(v - T\right)^{+}"),
            ("negative(x)", r"\left(x\right)^{-}"),
            ("exp(-v / tau)", r"\exp\left(\frac{-v}{\tau}\right)"),
            ("exp(x)^2", r"\exp\left(x\right)^{2}"),
            ("sqrt(x + 1)", r"\sqrt{x + 1}"),
            ("cbrt(x)", r"\sqrt[3]{x}"),
            ("fabs(x) + abs(y)", r"\left|x\right| + \left|y\right|"),
            (
                "log(x) + log10(y)",
                r"\ln\left(x\right) + \log_{10}\left(y\right)",
            ),
            ("tanh(x)", r"\tanh\left(x\right)"),
            ("atan(x)", r"\arctan\left(x\right)"),
            ("floor(x)", r"\left\lfloor x\right\rfloor"),
            (
                "clip(w + y, w_min, w_max)",
                r"\operatorname{clip}\left(w + y, w_{\text{min}}, w_{\text{max}}\right)",
            ),
            ("modulo(t, 10)", r"\operatorname{mod}\left(t, 10\right)"),
            (
                "mean(r) + max(pre.r)",
                r"\operatorname{mean}\left(r\right) + \max\left(r^{\text{pre}}\right)",
            ),
            ("norm2(r)", r"\left\|r\right\|_{2}"),
            // Random distributions.
            ("Uniform(-0.1, 0.1)", r"\mathcal{U}\left(-0.1, 0.1\right)"),
            (
                "noise * Normal(0.0, 1.0)",
                r"\text{noise} \cdot \mathcal{N}\left(0.0, 1.0\right)",
            ),
            (
                "DiscreteUniform(1, 5)",
                r"\mathcal{U}\left\{1, \ldots, 5\right\}",
            ),
            ("Exponential(2.0)", r"\text{Exp}\left(2.0\right)"),
            // Logic and conditionals.
            ("v > v_thresh", r"v > v_{\text{thresh}}"),
            ("a <= b and not c", r"a \leq b \land \lnot c"),
            ("a is not b or c != d", r"a \neq b \lor c \neq d"),
            ("(a or b) and c", r"\left(a \lor b\right) \land c"),
            ("not (a > b)", r"\lnot \left(a > b\right)"),
            ("a + b >= c * d", r"a + b \geq c \cdot d"),
            (
                "if x > 0: x else: x/2",
                r"\begin{cases} x & \text{if } x > 0 \\ \frac{x}{2} & \text{otherwise} \end{cases}",
            ),
            (
                "if a then 1 else if b then 2 else 3",
                r"\begin{cases} 1 & \text{if } a \\ 2 & \text{if } b \\ 3 & \text{otherwise} \end{cases}",
            ),
            (
                "2 * ite(a, 1, 0)",
                r"2 \cdot \left(\begin{cases} 1 & \text{if } a \\ 0 & \text{otherwise} \end{cases}\right)",
            ),
        ] {
            assert_eq!(
                render_expression(src).as_deref(),
                Some(tex),
                "LaTeX of `{src}`"
            );
        }
    }

    #[test]
    fn statements() {
        for (src, tex) in [
            (
                "tau * dv/dt + v = sum(exc) + B",
                r"\tau \cdot \frac{dv}{dt} + v = \sum_{\text{exc}} w \cdot r^{\text{pre}} + B",
            ),
            ("dalpha/dt = -alpha", r"\frac{d\alpha}{dt} = -\alpha"),
            (
                "tau_syn_E * dg_exc/dt = - g_exc",
                r"\tau_{\text{syn\_E}} \cdot \frac{dg_{\text{exc}}}{dt} = -g_{\text{exc}}",
            ),
            ("r = pos(mp)", r"r = \left(\text{mp}\right)^{+}"),
            ("u += d", r"u \mathrel{+}= d"),
            (
                "y -= A_minus * w_max",
                r"y \mathrel{-}= A_{\text{minus}} \cdot w_{\text{max}}",
            ),
            ("x *= (1 - u)", r"x \mathrel{*}= 1 - u"),
            ("x /= 2", r"x \mathrel{/}= 2"),
            (
                "g_target += w * u * x",
                r"g_{\text{target}} \mathrel{+}= w \cdot u \cdot x",
            ),
            ("post.x += 1", r"x^{\text{post}} \mathrel{+}= 1"),
            (
                "r = if t > 5 then 1 else 0",
                r"r = \begin{cases} 1 & \text{if } t > 5 \\ 0 & \text{otherwise} \end{cases}",
            ),
        ] {
            assert_eq!(
                render_statement(src).as_deref(),
                Some(tex),
                "LaTeX of `{src}`"
            );
        }
        assert_eq!(render_statement("r = (v + 1"), None);
    }

    fn model(kind: Kind, blocks: &[(&'static str, &str)]) -> Model {
        let def = ModelDef {
            type_name: "M".into(),
            blocks: blocks.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            ..ModelDef::default()
        };
        analyse(&def, kind).expect("the model is valid")
    }

    #[test]
    fn neuron_with_functions_spike_and_reset() {
        let mut m = model(
            Kind::Neuron,
            &[
                (
                    "parameters",
                    "tau = 10.0 : population\n v_thresh = 30.0\n c = -65",
                ),
                (
                    "equations",
                    "I = g_exc + f2(v)\n tau * dv/dt = -v + I : init = -65.0, min = c, max = 2 * v_thresh, exponential\n u = 2 * v",
                ),
                (
                    "functions",
                    "f2(x) = 0.04 * x^2\n g(x, y) = if x > y: x else: y",
                ),
                ("spike", "v > v_thresh"),
                ("reset", "v = c\n u += 2"),
            ],
        );
        m.refractory = Some(Refractory::Attr("tau".into()));
        let l = render(&m);
        assert_eq!(
            l.equations,
            vec![
                LatexEquation {
                    variable: "I".into(),
                    latex: r"I = g_{\text{exc}} + f_{2}\left(v\right)".into(),
                    method: "",
                    min: String::new(),
                    max: String::new(),
                },
                LatexEquation {
                    variable: "v".into(),
                    latex: r"\tau \cdot \frac{dv}{dt} = -v + I".into(),
                    method: "exponential",
                    min: "c".into(),
                    max: r"2 \cdot v_{\text{thresh}}".into(),
                },
                LatexEquation {
                    variable: "u".into(),
                    latex: r"u = 2 \cdot v".into(),
                    method: "",
                    min: String::new(),
                    max: String::new(),
                },
            ]
        );
        assert_eq!(l.spike, r"v > v_{\text{thresh}}");
        assert_eq!(l.reset, vec!["v = c", r"u \mathrel{+}= 2"]);
        assert_eq!(l.refractory, r"\tau");
        assert_eq!(
            l.functions,
            vec![
                r"f_{2}\left(x\right) = 0.04 \cdot x^{2}",
                r"g\left(x, y\right) = \begin{cases} x & \text{if } x > y \\ y & \text{otherwise} \end{cases}",
            ]
        );
        assert!(
            l.symbols
                .contains(&("v_thresh".into(), r"v_{\text{thresh}}".into()))
        );
        assert!(
            l.symbols
                .contains(&("g_exc".into(), r"g_{\text{exc}}".into()))
        );
        assert_eq!(l.psp, "");
        assert!(l.pre_spike.is_empty() && l.post_spike.is_empty());
    }

    #[test]
    fn synapses_default_psp_and_pre_spike() {
        let rate = model(
            Kind::Synapse,
            &[
                ("parameters", "eta = 0.1"),
                ("equations", "eta * dw/dt = pre.r * post.r : min = 0.0"),
            ],
        );
        let l = render(&rate);
        assert_eq!(l.psp, r"w \cdot r^{\text{pre}}");
        assert_eq!(l.equations[0].method, "explicit");
        assert_eq!(l.equations[0].min, "0.0");
        assert!(l.pre_spike.is_empty());
        let spiking = model(
            Kind::Synapse,
            &[
                ("parameters", "tau = 10.0"),
                ("equations", "tau * dx/dt = -x : event-driven"),
                ("pre_spike", "x += 1"),
                ("post_spike", "w = clip(w + x, 0.0, 1.0)"),
            ],
        );
        let l = render(&spiking);
        assert_eq!(l.psp, "");
        assert_eq!(l.equations[0].method, "event-driven");
        assert_eq!(
            l.pre_spike,
            vec![r"g_{\text{target}} \mathrel{+}= w", r"x \mathrel{+}= 1"]
        );
        assert_eq!(
            l.post_spike,
            vec![r"w = \operatorname{clip}\left(w + x, 0.0, 1.0\right)"]
        );
        let own_g = model(Kind::Synapse, &[("pre_spike", "g_target += 2 * w")]);
        assert_eq!(
            render(&own_g).pre_spike,
            vec![r"g_{\text{target}} \mathrel{+}= 2 \cdot w"]
        );
    }
}
