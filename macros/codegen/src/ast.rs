//! Syntax tree of the equation language, as parsed (names not yet resolved).

use crate::span::Span;

/// Whose attribute a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The model's own attribute (or a built-in name).
    Own,
    /// `pre.x`: attribute of the pre-synaptic neuron.
    Pre,
    /// `post.x`: attribute of the post-synaptic neuron.
    Post,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^` or `**`
    Pow,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==` or `is`
    Eq,
    /// `!=` or `is not`
    Ne,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinOp {
    /// True for comparisons and logical operators (boolean result).
    pub fn is_boolean(self) -> bool {
        !matches!(
            self,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow
        )
    }
}

/// An expression as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64, Span),
    /// `True`/`False` (or lower-case).
    Bool(bool, Span),
    /// A name: `v`, `pre.r`, `post.sum` is not a name but a call.
    Name(Scope, String, Span),
    /// `dx/dt` (only on the left side of an ODE).
    Deriv(String, Span),
    /// Unary operation.
    Unary(UnOp, Box<Expr>, Span),
    /// Binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>, Span),
    /// A call `f(a, b)`, `sum(exc)`, `pre.sum(exc)`, `Uniform(0, 1)`, `mean(r)`.
    Call(Scope, String, Vec<Expr>, Span),
    /// `if c then a else b`, `if c: a else: b`, `ite(c, a, b)`.
    Ite(Box<Expr>, Box<Expr>, Box<Expr>, Span),
}

impl Expr {
    /// The source span of the whole expression.
    pub fn span(&self) -> Span {
        match self {
            Expr::Num(_, s)
            | Expr::Bool(_, s)
            | Expr::Name(_, _, s)
            | Expr::Deriv(_, s)
            | Expr::Unary(_, _, s)
            | Expr::Binary(_, _, _, s)
            | Expr::Call(_, _, _, s)
            | Expr::Ite(_, _, _, s) => *s,
        }
    }

    /// Calls `f` on this expression and every sub-expression, parents first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Unary(_, a, _) => a.walk(f),
            Expr::Binary(_, a, b, _) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Call(_, _, args, _) => args.iter().for_each(|a| a.walk(f)),
            Expr::Ite(c, a, b, _) => {
                c.walk(f);
                a.walk(f);
                b.walk(f);
            }
            _ => {}
        }
    }
}

/// Assignment operators of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `/=`
    Div,
}

/// One statement of an `equations`, `reset`, `pre_spike`... block.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `x = e`, `x += e`, ...
    Assign {
        /// Target name (`g_target` included).
        target: String,
        /// Whether the target is written `post.x` (pre_spike/post_spike blocks).
        scope: Scope,
        /// Span of the target.
        target_span: Span,
        /// Operator.
        op: AssignOp,
        /// Right-hand side.
        value: Expr,
    },
    /// An ODE, stored as `lhs - (rhs) = 0` with `dx/dt` as [`Expr::Deriv`].
    Ode {
        /// The integrated variable.
        var: String,
        /// Span of `dx/dt`.
        var_span: Span,
        /// `lhs - (rhs)`.
        residual: Expr,
        /// The left side as written.
        lhs: Expr,
        /// The right side as written.
        rhs: Expr,
    },
}
