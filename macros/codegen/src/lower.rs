//! Lowering of a model's equations into update statements, one list per
//! locality pass (global, semiglobal, local), each numerical method written
//! out as SPEC.md section 2 states.
//!
//! Within a pass, equations are grouped into maximal runs of consecutive ODEs
//! and of other equations. In a run of ODEs every increment is computed from
//! the values before the run, then all variables are switched in declaration
//! order, each followed by its clamp.

use crate::ast::AssignOp;
use crate::diagnostic::{Block, Diagnostic};
use crate::ir::{BinOp, Expr, Func, Stmt, Var};
use crate::model::{EqKind, Equation, EventStmt, Kind, Locality, Method, Model};
use crate::symbolic::{self, Linearity};

/// Update statements of each pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lowered {
    /// Once per population / projection, before the others.
    pub global: Vec<Stmt>,
    /// Once per post-synaptic neuron (synapses).
    pub semiglobal: Vec<Stmt>,
    /// Once per neuron / synapse.
    pub local: Vec<Stmt>,
    /// Spiking neurons: the reset statements.
    pub reset: Vec<Stmt>,
    /// Spiking synapses: statements of a pre-synaptic event, each with its
    /// `unless_post` flag.
    pub pre_spike: Vec<(Vec<Stmt>, bool)>,
    /// Spiking synapses: statements of a post-synaptic event.
    pub post_spike: Vec<(Vec<Stmt>, bool)>,
    /// Spiking neurons: statements of an axonal spike.
    pub axon_reset: Vec<Stmt>,
    /// Spiking synapses: statements of an axonal pre-synaptic event.
    pub pre_axon_spike: Vec<(Vec<Stmt>, bool)>,
    /// Event-driven variables: `(x, tau, S)` of `tau * dx/dt + x = S`,
    /// integrated exactly at each event.
    pub event_driven: Vec<(String, Expr, Expr)>,
}

fn num(v: f64) -> Expr {
    Expr::Num(v)
}
fn dt() -> Expr {
    Expr::Var(Var::Dt)
}
fn temp(s: &str) -> Expr {
    Expr::temp(s)
}

fn deriv(x: &str) -> Var {
    Var::Temp(format!("d{x}"))
}

/// The statement of an assignment (`x = e`, `x += e`, ...).
pub fn assignment(target: &str, op: AssignOp, value: Expr) -> Stmt {
    let x = Expr::attr(target);
    let v = match op {
        AssignOp::Set => value,
        AssignOp::Add => Expr::bin(BinOp::Add, x, value),
        AssignOp::Sub => Expr::bin(BinOp::Sub, x, value),
        AssignOp::Mul => Expr::bin(BinOp::Mul, x, value),
        AssignOp::Div => Expr::bin(BinOp::Div, x, value),
    };
    Stmt::Set(target.to_string(), v)
}

fn clamp(eq: &Equation) -> Option<Stmt> {
    (eq.min.is_some() || eq.max.is_some()).then(|| Stmt::Clamp {
        attr: eq.target.clone(),
        min: eq.min.clone(),
        max: eq.max.clone(),
    })
}

struct Ode<'a> {
    eq: &'a Equation,
    residual: &'a Expr,
    method: Method,
    future: Option<&'a Expr>,
}

fn not_linear_error(eq: &Equation, method: &str) -> Diagnostic {
    let x = &eq.target;
    match method {
        "implicit" => Diagnostic::new(
            Block::Equations,
            eq.span,
            format!("the ODE of `{x}` is not linear in `{x}`, the implicit method cannot be used"),
        )
        .with_help("use the explicit, midpoint or rk4 method"),
        "derivative" => Diagnostic::new(
            Block::Equations,
            eq.span,
            format!("cannot solve this ODE for `d{x}/dt`: it must appear linearly, once"),
        ),
        _ => Diagnostic::new(
            Block::Equations,
            eq.span,
            format!(
                "the {method} method is reserved for linear first-order ODEs of the type `tau*d{x}/dt + {x} = f(t)`; use the explicit method instead"
            ),
        ),
    }
}

/// `f` of `dx/dt = f` for an ODE.
fn derivative(o: &Ode<'_>) -> Result<Expr, Diagnostic> {
    symbolic::solve_for(o.residual, &deriv(&o.eq.target))
        .map_err(|_| not_linear_error(o.eq, "derivative"))
}

/// Statements computing the increment of one ODE solved on its own, and
/// its switch.
fn single(o: &Ode<'_>, out: &mut Vec<Stmt>, switches: &mut Vec<Stmt>) -> Result<(), Diagnostic> {
    let x = o.eq.target.as_str();
    let xv = Var::Attr(x.to_string());
    let xe = Expr::attr(x);
    let inc = format!("_{x}");
    match o.method {
        Method::Explicit => {
            out.push(Stmt::Let(inc.clone(), derivative(o)?));
            switches.push(Stmt::Set(
                x.into(),
                Expr::bin(BinOp::Add, xe, Expr::bin(BinOp::Mul, dt(), temp(&inc))),
            ));
        }
        Method::Midpoint => {
            let f = derivative(o)?;
            let k = format!("_k_{x}");
            out.push(Stmt::Let(k.clone(), symbolic::mul(dt(), f.clone())));
            let half = Expr::bin(
                BinOp::Add,
                xe.clone(),
                Expr::bin(BinOp::Mul, num(0.5), temp(&k)),
            );
            out.push(Stmt::Let(inc.clone(), symbolic::substitute(&f, &xv, &half)));
            switches.push(Stmt::Set(
                x.into(),
                Expr::bin(BinOp::Add, xe, Expr::bin(BinOp::Mul, dt(), temp(&inc))),
            ));
        }
        Method::Rk4 => {
            let f = derivative(o)?;
            rk4_stages(&[(x.to_string(), f)], out, false);
            switches.push(rk4_switch(x));
        }
        Method::Exponential | Method::SemiImplicit => {
            let d = deriv(x);
            let name = if o.method == Method::Exponential {
                "exponential"
            } else {
                "semiimplicit"
            };
            let (tau, s) = symbolic::standardize(o.residual, &d, &xv)
                .map_err(|_| not_linear_error(o.eq, name))?;
            let h = symbolic::div(dt(), tau);
            let factor = if o.method == Method::Exponential {
                // 1 - exp(-dt/tau)
                Expr::bin(
                    BinOp::Sub,
                    num(1.0),
                    Expr::Call(Func::Math("exp"), vec![symbolic::neg(h)]),
                )
            } else {
                // h / (h + 1)
                Expr::bin(BinOp::Div, h.clone(), Expr::bin(BinOp::Add, h, num(1.0)))
            };
            let step = format!("__stepsize_{x}");
            out.push(Stmt::Let(step.clone(), factor));
            out.push(Stmt::Let(
                inc.clone(),
                Expr::bin(BinOp::Mul, temp(&step), symbolic::sub(s, xe.clone())),
            ));
            switches.push(Stmt::Set(x.into(), Expr::bin(BinOp::Add, xe, temp(&inc))));
        }
        Method::Implicit => {
            let future = o.future.ok_or_else(|| not_linear_error(o.eq, "implicit"))?;
            let xn = Var::Temp(format!("_{x}"));
            let (a, r) = symbolic::decompose(future, &xn, Linearity::Strict)
                .map_err(|_| not_linear_error(o.eq, "implicit"))?;
            if a == num(0.0) {
                return Err(not_linear_error(o.eq, "implicit"));
            }
            out.push(Stmt::Let(inc.clone(), symbolic::div(symbolic::neg(r), a)));
            switches.push(Stmt::Set(x.into(), temp(&inc)));
        }
        Method::EventDriven => {}
    }
    Ok(())
}

fn rk4_stages(fs: &[(String, Expr)], out: &mut Vec<Stmt>, _coupled: bool) {
    let subs = |stage: &str, factor: f64| -> Vec<(Var, Expr)> {
        fs.iter()
            .map(|(x, _)| {
                (
                    Var::Attr(x.clone()),
                    Expr::bin(
                        BinOp::Add,
                        Expr::attr(x),
                        Expr::bin(
                            BinOp::Mul,
                            if factor == 1.0 {
                                dt()
                            } else {
                                Expr::bin(BinOp::Mul, num(factor), dt())
                            },
                            temp(&format!("_{stage}_{x}")),
                        ),
                    ),
                )
            })
            .collect()
    };
    for (x, f) in fs {
        out.push(Stmt::Let(format!("_k1_{x}"), f.clone()));
    }
    for (stage, prev, factor) in [("k2", "k1", 0.5), ("k3", "k2", 0.5), ("k4", "k3", 1.0)] {
        let s = subs(prev, factor);
        for (x, f) in fs {
            out.push(Stmt::Let(
                format!("_{stage}_{x}"),
                symbolic::substitute_all(f, &s),
            ));
        }
    }
}

fn rk4_switch(x: &str) -> Stmt {
    let k = |s: &str| temp(&format!("_{s}_{x}"));
    let sum = Expr::bin(
        BinOp::Add,
        Expr::bin(
            BinOp::Add,
            Expr::bin(BinOp::Add, k("k1"), Expr::bin(BinOp::Add, k("k2"), k("k2"))),
            Expr::bin(BinOp::Add, k("k3"), k("k3")),
        ),
        k("k4"),
    );
    Stmt::Set(
        x.into(),
        Expr::bin(
            BinOp::Add,
            Expr::attr(x),
            Expr::bin(BinOp::Mul, Expr::bin(BinOp::Div, dt(), num(6.0)), sum),
        ),
    )
}

/// Increments of the coupled ODEs (all sharing one method), solved jointly.
fn coupled(odes: &[Ode<'_>], out: &mut Vec<Stmt>) -> Result<Vec<Stmt>, Diagnostic> {
    let mut switches = Vec::new();
    let method = odes[0].method;
    match method {
        Method::Midpoint => {
            let fs: Vec<(String, Expr)> = odes
                .iter()
                .map(|o| Ok((o.eq.target.clone(), derivative(o)?)))
                .collect::<Result<_, Diagnostic>>()?;
            for (x, f) in &fs {
                out.push(Stmt::Let(format!("_k_{x}"), f.clone()));
            }
            let subs: Vec<(Var, Expr)> = fs
                .iter()
                .map(|(x, _)| {
                    (
                        Var::Attr(x.clone()),
                        Expr::bin(
                            BinOp::Add,
                            Expr::attr(x),
                            Expr::bin(
                                BinOp::Mul,
                                Expr::bin(BinOp::Mul, num(0.5), dt()),
                                temp(&format!("_k_{x}")),
                            ),
                        ),
                    )
                })
                .collect();
            for (x, f) in &fs {
                out.push(Stmt::Let(
                    format!("_{x}"),
                    symbolic::substitute_all(f, &subs),
                ));
                switches.push(Stmt::Set(
                    x.clone(),
                    Expr::bin(
                        BinOp::Add,
                        Expr::attr(x),
                        Expr::bin(BinOp::Mul, dt(), temp(&format!("_{x}"))),
                    ),
                ));
            }
        }
        Method::Rk4 => {
            let fs: Vec<(String, Expr)> = odes
                .iter()
                .map(|o| Ok((o.eq.target.clone(), derivative(o)?)))
                .collect::<Result<_, Diagnostic>>()?;
            rk4_stages(&fs, out, true);
            for (x, _) in &fs {
                switches.push(rk4_switch(x));
            }
        }
        Method::Implicit => {
            let unknowns: Vec<Var> = odes
                .iter()
                .map(|o| Var::Temp(format!("_{}", o.eq.target)))
                .collect();
            let mut a = Vec::new();
            let mut b = Vec::new();
            for o in odes {
                let mut rest = o
                    .future
                    .cloned()
                    .ok_or_else(|| not_linear_error(o.eq, "implicit"))?;
                for u in &unknowns {
                    let (c, r) = symbolic::decompose(&rest, u, Linearity::Strict)
                        .map_err(|_| not_linear_error(o.eq, "implicit"))?;
                    if unknowns.iter().any(|u2| c.contains(u2)) {
                        return Err(not_linear_error(o.eq, "implicit"));
                    }
                    a.push(c);
                    rest = r;
                }
                b.push(symbolic::neg(rest));
            }
            out.push(Stmt::Solve {
                out: odes.iter().map(|o| format!("_{}", o.eq.target)).collect(),
                a,
                b,
            });
            for o in odes {
                let x = &o.eq.target;
                switches.push(Stmt::Set(x.clone(), temp(&format!("_{x}"))));
            }
        }
        _ => unreachable!("only implicit, midpoint and rk4 ODEs are coupled"),
    }
    Ok(switches)
}

/// Lowers the equations of a model. `skip` tells which equations are not
/// integrated each step (event-driven ones).
pub fn lower(model: &Model) -> Result<Lowered, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let coupled_methods: &[Method] = match model.kind {
        Kind::Neuron => &[Method::Implicit, Method::Midpoint, Method::Rk4],
        Kind::Synapse => &[Method::Implicit, Method::Midpoint],
    };
    let coupled_eqs: Vec<&Equation> = model
        .equations
        .iter()
        .filter(
            |e| matches!(&e.kind, EqKind::Ode { method, .. } if coupled_methods.contains(method)),
        )
        .collect();
    let is_coupled = coupled_eqs.len() > 1;
    if is_coupled {
        let first = coupled_eqs[0];
        let m0 = ode_method(first);
        if let Some(other) = coupled_eqs.iter().find(|e| ode_method(e) != m0) {
            errors.push(
                Diagnostic::new(
                    Block::Equations,
                    other.span,
                    "cannot mix different numerical methods when solving a coupled system of equations",
                )
                .with_help("ODEs using implicit, midpoint or rk4 are solved together and must share the method"),
            );
        }
        if let Some(other) = coupled_eqs.iter().find(|e| e.locality != first.locality) {
            errors.push(Diagnostic::new(
                Block::Equations,
                other.span,
                "ODEs solved together (implicit, midpoint, rk4) must have the same locality",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut lowered = Lowered::default();
    for locality in [Locality::Global, Locality::SemiGlobal, Locality::Local] {
        let eqs: Vec<&Equation> = model
            .equations
            .iter()
            .filter(|e| e.locality == locality)
            .filter(|e| {
                !matches!(
                    e.kind,
                    EqKind::Ode {
                        method: Method::EventDriven,
                        ..
                    }
                )
            })
            .collect();
        let mut out = Vec::new();
        let mut coupled_done = false;
        let mut i = 0;
        while i < eqs.len() {
            if let EqKind::Assign(op, value) = &eqs[i].kind {
                out.push(assignment(&eqs[i].target, *op, value.clone()));
                out.extend(clamp(eqs[i]));
                i += 1;
                continue;
            }
            // A run of ODEs.
            let start = i;
            while i < eqs.len() && matches!(eqs[i].kind, EqKind::Ode { .. }) {
                i += 1;
            }
            let run: Vec<Ode<'_>> = eqs[start..i]
                .iter()
                .map(|eq| match &eq.kind {
                    EqKind::Ode {
                        residual,
                        method,
                        future,
                        ..
                    } => Ode {
                        eq,
                        residual,
                        method: *method,
                        future: future.as_ref(),
                    },
                    EqKind::Assign(..) => unreachable!("run of ODEs"),
                })
                .collect();
            let mut switches: Vec<(usize, Stmt)> = Vec::new();
            // Coupled increments are computed once, where the first coupled ODE stands.
            if is_coupled
                && !coupled_done
                && run.iter().any(|o| coupled_methods.contains(&o.method))
            {
                let all: Vec<Ode<'_>> = coupled_eqs
                    .iter()
                    .map(|eq| match &eq.kind {
                        EqKind::Ode {
                            residual,
                            method,
                            future,
                            ..
                        } => Ode {
                            eq,
                            residual,
                            method: *method,
                            future: future.as_ref(),
                        },
                        EqKind::Assign(..) => unreachable!("coupled ODEs"),
                    })
                    .collect();
                match coupled(&all, &mut out) {
                    Ok(sw) => {
                        for (o, s) in all.iter().zip(sw) {
                            let order = model.equations.iter().position(|e| e == o.eq).unwrap_or(0);
                            switches.push((order, s));
                        }
                    }
                    Err(e) => errors.push(e),
                }
                coupled_done = true;
            }
            for o in &run {
                if is_coupled && coupled_methods.contains(&o.method) {
                    continue;
                }
                let mut sw = Vec::new();
                if let Err(e) = single(o, &mut out, &mut sw) {
                    errors.push(e);
                }
                let order = model.equations.iter().position(|e| e == o.eq).unwrap_or(0);
                switches.extend(sw.into_iter().map(|s| (order, s)));
            }
            switches.sort_by_key(|(k, _)| *k);
            for (order, s) in switches {
                out.push(s);
                out.extend(clamp(&model.equations[order]));
            }
        }
        match locality {
            Locality::Global => lowered.global = out,
            Locality::SemiGlobal => lowered.semiglobal = out,
            Locality::Local => lowered.local = out,
        }
    }
    lowered.reset = event(&model.reset)
        .into_iter()
        .flat_map(|(v, _)| v)
        .collect();
    lowered.pre_spike = event(&model.pre_spike);
    lowered.post_spike = event(&model.post_spike);
    lowered.axon_reset = event(&model.axon_reset)
        .into_iter()
        .flat_map(|(v, _)| v)
        .collect();
    lowered.pre_axon_spike = event(&model.pre_axon_spike);
    lowered.event_driven = event_driven(model, &mut errors);
    if errors.is_empty() {
        Ok(lowered)
    } else {
        Err(errors)
    }
}

/// Statements of an event (reset, pre_spike, post_spike): the assignment,
/// then its clamp.
fn event(stmts: &[EventStmt]) -> Vec<(Vec<Stmt>, bool)> {
    stmts
        .iter()
        .map(|e| {
            let mut v = vec![assignment(&e.target, e.op, e.value.clone())];
            if e.min.is_some() || e.max.is_some() {
                v.push(Stmt::Clamp {
                    attr: e.target.clone(),
                    min: e.min.clone(),
                    max: e.max.clone(),
                });
            }
            (v, e.unless_post)
        })
        .collect()
}

/// The exact solution of each event-driven ODE: `(x, tau, S)`.
fn event_driven(model: &Model, errors: &mut Vec<Diagnostic>) -> Vec<(String, Expr, Expr)> {
    let mut out = Vec::new();
    for eq in &model.equations {
        let EqKind::Ode {
            residual,
            method: Method::EventDriven,
            ..
        } = &eq.kind
        else {
            continue;
        };
        let x = &eq.target;
        match symbolic::standardize(residual, &deriv(x), &Var::Attr(x.clone())) {
            Ok((tau, s)) => {
                let mut other = None;
                s.visit_vars(&mut |v| {
                    if let Var::Attr(a) = v
                        && model.attr(a).is_some_and(|at| !at.is_param)
                    {
                        other.get_or_insert(a.clone());
                    }
                });
                match other {
                    Some(o) => errors.push(Diagnostic::new(
                        Block::Equations,
                        eq.span,
                        format!("the event-driven equation of `{x}` cannot depend on the variable `{o}`: it is integrated exactly between events"),
                    )),
                    None => out.push((x.clone(), tau, s)),
                }
            }
            Err(_) => errors.push(Diagnostic::new(
                Block::Equations,
                eq.span,
                format!("the event-driven method needs a linear first-order ODE of the type `tau*d{x}/dt + {x} = S`"),
            )),
        }
    }
    out
}

fn ode_method(e: &Equation) -> Option<Method> {
    match &e.kind {
        EqKind::Ode { method, .. } => Some(*method),
        EqKind::Assign(..) => None,
    }
}
