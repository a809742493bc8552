//! Resolved expressions and lowered statements: what the numerical methods
//! produce and the emitter turns into Rust.

pub use crate::ast::BinOp;

/// What a resolved name refers to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Var {
    /// The model's own attribute (parameter or variable, `w` included).
    Attr(String),
    /// `pre.x`
    Pre(String),
    /// `post.x`
    Post(String),
    /// `sum(target)` of a rate-coded neuron.
    Sum(String),
    /// `sum()`: all targets of the neuron.
    SumAll,
    /// `pre.sum(target)`
    PreSum(String),
    /// `post.sum(target)`
    PostSum(String),
    /// `t`, time in ms.
    T,
    /// `dt`
    Dt,
    /// A temporary of the lowered code (`_v`, `_k_v`, ...).
    Temp(String),
    /// The draw of the random occurrence with this index.
    Rand(usize),
    /// The value of the global operation with this index.
    GlobalOp(usize),
    /// `t_pre`: last spike time (ms) of the pre-synaptic neuron.
    TPre,
    /// `t_post`: last spike time (ms) of the post-synaptic neuron.
    TPost,
    /// `t_last`: the neuron's own last spike time (ms).
    TLast,
    /// A named constant of the model (`constants:`), by name.
    Const(String),
}

/// Math functions of the C library that equations may call.
pub const MATH_FUNCTIONS: [(&str, usize); 24] = [
    ("exp", 1),
    ("log", 1),
    ("log10", 1),
    ("log2", 1),
    ("sqrt", 1),
    ("cbrt", 1),
    ("sin", 1),
    ("cos", 1),
    ("tan", 1),
    ("asin", 1),
    ("acos", 1),
    ("atan", 1),
    ("sinh", 1),
    ("cosh", 1),
    ("tanh", 1),
    ("fabs", 1),
    ("abs", 1),
    ("floor", 1),
    ("ceil", 1),
    ("round", 1),
    ("pow", 2),
    ("atan2", 2),
    ("fmod", 2),
    ("hypot", 2),
];

/// A function call.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Func {
    /// A math function of [`MATH_FUNCTIONS`].
    Math(&'static str),
    /// `pos(x)` / `positive(x)`: `x` if positive, else 0.
    Pos,
    /// `neg(x)` / `negative(x)`: `x` if negative, else 0.
    Neg,
    /// `clip(x, a, b)`
    Clip,
    /// `modulo(a, b)`: integer remainder with the sign of `a`.
    Modulo,
    /// `power(x, n)`: `x` multiplied `n` times.
    Power,
    /// `isfinite(x)`
    IsFinite,
    /// `isnan(x)`
    IsNan,
    /// A function of the model's `functions:` block, by index.
    User(usize),
}

/// A resolved expression. Booleans are 0.0 / 1.0 where a number is expected.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number.
    Num(f64),
    /// A boolean literal.
    Bool(bool),
    /// A resolved name.
    Var(Var),
    /// `-a`
    Neg(Box<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `a op b`
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Func, Vec<Expr>),
    /// `if c then a else b`
    Ite(Box<Expr>, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Whether the expression holds only numbers and operations on them (no
    /// name, no call of a user function or of a random distribution).
    pub fn has_no_names(&self) -> bool {
        match self {
            Expr::Num(_) | Expr::Bool(_) => true,
            Expr::Var(_) => false,
            Expr::Neg(a) | Expr::Not(a) => a.has_no_names(),
            Expr::Bin(_, a, b) => a.has_no_names() && b.has_no_names(),
            Expr::Call(Func::Math(_), args) => args.iter().all(Expr::has_no_names),
            Expr::Call(..) => false,
            Expr::Ite(c, a, b) => c.has_no_names() && a.has_no_names() && b.has_no_names(),
        }
    }

    /// `a op b`
    pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        Expr::Bin(op, Box::new(a), Box::new(b))
    }
    /// A variable.
    pub fn var(v: Var) -> Expr {
        Expr::Var(v)
    }
    /// A temporary by name.
    pub fn temp(name: impl Into<String>) -> Expr {
        Expr::Var(Var::Temp(name.into()))
    }
    /// An own attribute by name.
    pub fn attr(name: impl Into<String>) -> Expr {
        Expr::Var(Var::Attr(name.into()))
    }

    /// Calls `f` on every variable of the expression.
    pub fn visit_vars(&self, f: &mut impl FnMut(&Var)) {
        match self {
            Expr::Var(v) => f(v),
            Expr::Neg(a) | Expr::Not(a) => a.visit_vars(f),
            Expr::Bin(_, a, b) => {
                a.visit_vars(f);
                b.visit_vars(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit_vars(f)),
            Expr::Ite(c, a, b) => {
                c.visit_vars(f);
                a.visit_vars(f);
                b.visit_vars(f);
            }
            Expr::Num(_) | Expr::Bool(_) => {}
        }
    }

    /// True if the expression mentions `v`.
    pub fn contains(&self, v: &Var) -> bool {
        let mut found = false;
        self.visit_vars(&mut |x| found |= x == v);
        found
    }

    /// True if the expression is a boolean (comparison, logic, literal).
    pub fn is_boolean(&self) -> bool {
        match self {
            Expr::Bool(_) | Expr::Not(_) => true,
            Expr::Bin(op, _, _) => op.is_boolean(),
            Expr::Call(Func::IsFinite | Func::IsNan, _) => true,
            Expr::Ite(_, a, b) => a.is_boolean() && b.is_boolean(),
            _ => false,
        }
    }
}

/// One statement of lowered update code.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `let name = value;` (a temporary).
    Let(String, Expr),
    /// `attr = value;` on an own attribute; `int` attributes truncate.
    Set(String, Expr),
    /// Clamp an attribute after its update (`min`/`max` flags).
    Clamp {
        /// The attribute.
        attr: String,
        /// Lower bound.
        min: Option<Expr>,
        /// Upper bound.
        max: Option<Expr>,
    },
    /// Solve the dense linear system `a x = b` into the temporaries `out`
    /// (coupled implicit ODEs). `a` is row-major, `out.len()` squared entries.
    Solve {
        /// Names of the unknowns (temporaries).
        out: Vec<String>,
        /// Matrix entries, row-major.
        a: Vec<Expr>,
        /// Right-hand side.
        b: Vec<Expr>,
    },
}
