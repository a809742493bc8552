//! A small Pratt parser for expressions and statements of the equation language.

use crate::ast::{AssignOp, BinOp, Expr, Scope, Statement, UnOp};
use crate::diagnostic::{Block, Diagnostic};
use crate::lexer::{Tok, Token, lex};
use crate::lines::Line;
use crate::span::Span;

/// Tokenises a logical line.
pub fn tokens(text: &str, line: &Line, block: Block) -> Result<Vec<Token>, Diagnostic> {
    let mut out = Vec::new();
    for seg in &line.segments {
        lex(text, seg.clone(), block, &mut out)?;
    }
    Ok(out)
}

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    block: Block,
    /// The variable whose `dX/dt` may appear.
    deriv: Option<&'a str>,
    end: Span,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }
    fn peek_at(&self, k: usize) -> Option<&'a Tok> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }
    fn bump(&mut self) -> &'a Token {
        let t = &self.toks[self.pos];
        self.pos += 1;
        t
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(i)) if i == kw)
    }
    fn expect_op(&mut self, op: &str) -> Result<Span, Diagnostic> {
        if self.is_op(op) {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(&format!("`{op}`")))
        }
    }
    fn unexpected(&self, expected: &str) -> Diagnostic {
        match self.toks.get(self.pos) {
            Some(t) => Diagnostic::new(
                self.block,
                t.span,
                format!("expected {expected}, found {}", describe(&t.tok)),
            ),
            None => Diagnostic::new(
                self.block,
                self.end,
                format!("expected {expected}, found the end of the line"),
            ),
        }
    }

    fn expr(&mut self) -> Result<Expr, Diagnostic> {
        if self.is_kw("if") {
            let start = self.bump().span;
            let cond = self.or_expr()?;
            if self.is_op(":") || self.is_kw("then") {
                self.bump();
            } else {
                return Err(self.unexpected("`:` or `then` after the condition"));
            }
            let a = self.expr()?;
            if !self.is_kw("else") {
                return Err(self.unexpected("`else`"));
            }
            self.bump();
            if self.is_op(":") {
                self.bump();
            }
            let b = self.expr()?;
            let span = start.join(b.span());
            return Ok(Expr::Ite(Box::new(cond), Box::new(a), Box::new(b), span));
        }
        self.or_expr()
    }

    fn or_expr(&mut self) -> Result<Expr, Diagnostic> {
        let mut l = self.and_expr()?;
        while self.is_kw("or") {
            self.bump();
            let r = self.and_expr()?;
            let s = l.span().join(r.span());
            l = Expr::Binary(BinOp::Or, Box::new(l), Box::new(r), s);
        }
        Ok(l)
    }

    fn and_expr(&mut self) -> Result<Expr, Diagnostic> {
        let mut l = self.not_expr()?;
        while self.is_kw("and") {
            self.bump();
            let r = self.not_expr()?;
            let s = l.span().join(r.span());
            l = Expr::Binary(BinOp::And, Box::new(l), Box::new(r), s);
        }
        Ok(l)
    }

    fn not_expr(&mut self) -> Result<Expr, Diagnostic> {
        if self.is_kw("not") {
            let s = self.bump().span;
            let e = self.not_expr()?;
            let span = s.join(e.span());
            return Ok(Expr::Unary(UnOp::Not, Box::new(e), span));
        }
        self.cmp_expr()
    }

    fn cmp_expr(&mut self) -> Result<Expr, Diagnostic> {
        let l = self.add_expr()?;
        let op = match self.peek() {
            Some(Tok::Op("<")) => BinOp::Lt,
            Some(Tok::Op("<=")) => BinOp::Le,
            Some(Tok::Op(">")) => BinOp::Gt,
            Some(Tok::Op(">=")) => BinOp::Ge,
            Some(Tok::Op("==")) => BinOp::Eq,
            Some(Tok::Op("!=")) => BinOp::Ne,
            Some(Tok::Ident(i)) if i == "is" => {
                if matches!(self.peek_at(1), Some(Tok::Ident(n)) if n == "not") {
                    self.bump();
                    BinOp::Ne
                } else {
                    BinOp::Eq
                }
            }
            _ => return Ok(l),
        };
        self.bump();
        let r = self.add_expr()?;
        let s = l.span().join(r.span());
        Ok(Expr::Binary(op, Box::new(l), Box::new(r), s))
    }

    fn add_expr(&mut self) -> Result<Expr, Diagnostic> {
        let mut l = self.mul_expr()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("+")) => BinOp::Add,
                Some(Tok::Op("-")) => BinOp::Sub,
                _ => return Ok(l),
            };
            self.bump();
            let r = self.mul_expr()?;
            let s = l.span().join(r.span());
            l = Expr::Binary(op, Box::new(l), Box::new(r), s);
        }
    }

    fn mul_expr(&mut self) -> Result<Expr, Diagnostic> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("*")) => BinOp::Mul,
                Some(Tok::Op("/")) => BinOp::Div,
                _ => return Ok(l),
            };
            self.bump();
            let r = self.unary()?;
            let s = l.span().join(r.span());
            l = Expr::Binary(op, Box::new(l), Box::new(r), s);
        }
    }

    fn unary(&mut self) -> Result<Expr, Diagnostic> {
        if self.is_op("-") {
            let s = self.bump().span;
            let e = self.unary()?;
            let span = s.join(e.span());
            return Ok(Expr::Unary(UnOp::Neg, Box::new(e), span));
        }
        if self.is_op("+") {
            self.bump();
            return self.unary();
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, Diagnostic> {
        let base = self.primary()?;
        if self.is_op("^") || self.is_op("**") {
            self.bump();
            let exp = self.unary()?;
            let s = base.span().join(exp.span());
            return Ok(Expr::Binary(BinOp::Pow, Box::new(base), Box::new(exp), s));
        }
        Ok(base)
    }

    fn args(&mut self) -> Result<(Vec<Expr>, Span), Diagnostic> {
        self.expect_op("(")?;
        let mut args = Vec::new();
        if self.is_op(")") {
            return Ok((args, self.bump().span));
        }
        loop {
            args.push(self.expr()?);
            if self.is_op(",") {
                self.bump();
                continue;
            }
            let close = self.expect_op(")")?;
            return Ok((args, close));
        }
    }

    fn primary(&mut self) -> Result<Expr, Diagnostic> {
        let Some(tok) = self.toks.get(self.pos) else {
            return Err(self.unexpected("an expression"));
        };
        match &tok.tok {
            Tok::Num(v) => {
                self.pos += 1;
                Ok(Expr::Num(*v, tok.span))
            }
            Tok::Op("(") => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect_op(")")?;
                Ok(e)
            }
            Tok::Ident(name) => {
                self.pos += 1;
                let span = tok.span;
                match name.as_str() {
                    "True" | "true" => return Ok(Expr::Bool(true, span)),
                    "False" | "false" => return Ok(Expr::Bool(false, span)),
                    "if" | "then" | "else" | "and" | "or" | "not" | "is" => {
                        return Err(Diagnostic::new(
                            self.block,
                            span,
                            format!("unexpected keyword `{name}`"),
                        ));
                    }
                    _ => {}
                }
                // dX/dt
                if let Some(var) = self.deriv
                    && name.strip_prefix('d') == Some(var)
                    && self.is_op("/")
                    && matches!(self.peek_at(1), Some(Tok::Ident(d)) if d == "dt")
                {
                    self.pos += 1;
                    let dt = self.bump().span;
                    return Ok(Expr::Deriv(var.to_string(), span.join(dt)));
                }
                let (scope, name, span) = if (name == "pre" || name == "post") && self.is_op(".") {
                    self.bump();
                    let Some(Tok::Ident(attr)) = self.peek() else {
                        return Err(self.unexpected("an attribute name after `.`"));
                    };
                    let attr_span = self.bump().span;
                    let scope = if name == "pre" {
                        Scope::Pre
                    } else {
                        Scope::Post
                    };
                    (scope, attr.clone(), span.join(attr_span))
                } else {
                    (Scope::Own, name.clone(), span)
                };
                if self.is_op("(") {
                    let (args, close) = self.args()?;
                    let full = span.join(close);
                    if scope == Scope::Own && name == "ite" {
                        if args.len() != 3 {
                            return Err(Diagnostic::new(
                                self.block,
                                full,
                                format!("`ite` takes 3 arguments, {} given", args.len()),
                            ));
                        }
                        let mut it = args.into_iter();
                        let (c, a, b) = (it.next(), it.next(), it.next());
                        return Ok(Expr::Ite(
                            Box::new(c.expect("3 args")),
                            Box::new(a.expect("3 args")),
                            Box::new(b.expect("3 args")),
                            full,
                        ));
                    }
                    return Ok(Expr::Call(scope, name, args, full));
                }
                Ok(Expr::Name(scope, name, span))
            }
            other => Err(Diagnostic::new(
                self.block,
                tok.span,
                format!("expected an expression, found {}", describe(other)),
            )),
        }
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(_) => "a number".into(),
        Tok::Ident(i) => format!("`{i}`"),
        Tok::Op(o) => format!("`{o}`"),
    }
}

fn end_span(toks: &[Token]) -> Span {
    toks.last()
        .map_or(Span::default(), |t| Span::new(t.span.end, t.span.end + 1))
}

/// Parses a whole expression (spike condition, psp, flag value, ...).
pub fn parse_expr(toks: &[Token], block: Block) -> Result<Expr, Diagnostic> {
    parse_expr_with(toks, block, None)
}

fn parse_expr_with(toks: &[Token], block: Block, deriv: Option<&str>) -> Result<Expr, Diagnostic> {
    let mut p = Parser {
        toks,
        pos: 0,
        block,
        deriv,
        end: end_span(toks),
    };
    let e = p.expr()?;
    if p.pos < toks.len() {
        return Err(p.unexpected("an operator or the end of the line"));
    }
    Ok(e)
}

/// Parses a statement: assignment, increment or ODE.
pub fn parse_statement(toks: &[Token], block: Block) -> Result<Statement, Diagnostic> {
    let assign = toks.iter().enumerate().find_map(|(i, t)| match t.tok {
        Tok::Op("=") => Some((i, AssignOp::Set)),
        Tok::Op("+=") => Some((i, AssignOp::Add)),
        Tok::Op("-=") => Some((i, AssignOp::Sub)),
        Tok::Op("*=") => Some((i, AssignOp::Mul)),
        Tok::Op("/=") => Some((i, AssignOp::Div)),
        _ => None,
    });
    let Some((at, op)) = assign else {
        let span = toks
            .first()
            .map_or(Span::default(), |t| t.span.join(toks[toks.len() - 1].span));
        return Err(Diagnostic::new(
            block,
            span,
            "expected an assignment (`x = ...`, `x += ...`) or an ODE (`dx/dt = ...`)",
        ));
    };
    if let Some(second) = toks[at + 1..]
        .iter()
        .find(|t| matches!(t.tok, Tok::Op("=" | "+=" | "-=" | "*=" | "/=")))
    {
        return Err(Diagnostic::new(
            block,
            second.span,
            "only one assignment operator is allowed per equation",
        ));
    }
    let (lhs, rhs) = (&toks[..at], &toks[at + 1..]);
    if rhs.is_empty() {
        return Err(Diagnostic::new(
            block,
            Span::new(toks[at].span.end, toks[at].span.end + 1),
            "expected an expression after the assignment operator",
        ));
    }
    // Simple target: `x` or `post.x`.
    match lhs {
        [
            Token {
                tok: Tok::Ident(name),
                span,
            },
        ] => {
            let value = parse_expr(rhs, block)?;
            return Ok(Statement::Assign {
                target: name.clone(),
                scope: Scope::Own,
                target_span: *span,
                op,
                value,
            });
        }
        [
            Token {
                tok: Tok::Ident(p),
                span: s1,
            },
            Token {
                tok: Tok::Op("."), ..
            },
            Token {
                tok: Tok::Ident(name),
                span: s2,
            },
        ] if p == "pre" || p == "post" => {
            let value = parse_expr(rhs, block)?;
            return Ok(Statement::Assign {
                target: name.clone(),
                scope: if p == "pre" { Scope::Pre } else { Scope::Post },
                target_span: s1.join(*s2),
                op,
                value,
            });
        }
        _ => {}
    }
    // ODE: find `dX` `/` `dt` in the left side.
    let deriv = lhs
        .windows(3)
        .find_map(|w| match (&w[0].tok, &w[1].tok, &w[2].tok) {
            (Tok::Ident(d), Tok::Op("/"), Tok::Ident(dt))
                if dt == "dt" && d.len() > 1 && d.starts_with('d') =>
            {
                Some((d[1..].to_string(), w[0].span.join(w[2].span)))
            }
            _ => None,
        });
    let Some((var, var_span)) = deriv else {
        let span = lhs
            .first()
            .map_or(toks[at].span, |t| t.span.join(lhs[lhs.len() - 1].span));
        return Err(Diagnostic::new(
            block,
            span,
            "no variable name can be found on the left side (expected `x = ...` or an ODE with `dx/dt`)",
        ));
    };
    if op != AssignOp::Set {
        return Err(Diagnostic::new(
            block,
            toks[at].span,
            "an ODE must use `=`, not an increment",
        ));
    }
    let l = parse_expr_with(lhs, block, Some(&var))?;
    let r = parse_expr_with(rhs, block, Some(&var))?;
    let s = l.span().join(r.span());
    let residual = Expr::Binary(BinOp::Sub, Box::new(l.clone()), Box::new(r.clone()), s);
    Ok(Statement::Ode {
        var,
        var_span,
        residual,
        lhs: l,
        rhs: r,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::{FlagRule, split};

    fn stmt(s: &str) -> Statement {
        let lines = split(s, FlagRule::Equations, true);
        let t = tokens(s, &lines[0], Block::Equations).unwrap();
        parse_statement(&t, Block::Equations).unwrap()
    }

    fn show(e: &Expr) -> String {
        match e {
            Expr::Num(v, _) => format!("{v}"),
            Expr::Bool(b, _) => format!("{b}"),
            Expr::Name(Scope::Own, n, _) => n.clone(),
            Expr::Name(Scope::Pre, n, _) => format!("pre.{n}"),
            Expr::Name(Scope::Post, n, _) => format!("post.{n}"),
            Expr::Deriv(n, _) => format!("d{n}/dt"),
            Expr::Unary(UnOp::Neg, a, _) => format!("(-{})", show(a)),
            Expr::Unary(UnOp::Not, a, _) => format!("(not {})", show(a)),
            Expr::Binary(op, a, b, _) => format!("({} {:?} {})", show(a), op, show(b)),
            Expr::Call(_, f, args, _) => format!(
                "{f}({})",
                args.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            Expr::Ite(c, a, b, _) => format!("ite({}, {}, {})", show(c), show(a), show(b)),
        }
    }

    #[test]
    fn ode_is_recognised_in_any_form() {
        match stmt("tau * dv/dt + v = sum(exc) - pre.r^2") {
            Statement::Ode { var, residual, .. } => {
                assert_eq!(var, "v");
                assert_eq!(
                    show(&residual),
                    "(((tau Mul dv/dt) Add v) Sub (sum(exc) Sub (pre.r Pow 2)))"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn precedence_of_unary_minus_and_power() {
        match stmt("x = -a^2 ** -b") {
            Statement::Assign { value, .. } => {
                assert_eq!(show(&value), "(-(a Pow (2 Pow (-b))))")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn conditionals() {
        match stmt("r = if t > 5 and not (a is b): 1 else: if c: 2 else: 3") {
            Statement::Assign { value, .. } => assert_eq!(
                show(&value),
                "ite(((t Gt 5) And (not (a Eq b))), 1, ite(c, 2, 3))"
            ),
            other => panic!("{other:?}"),
        }
        match stmt("r = ite(x is not 1, 1.0, 0.0)") {
            Statement::Assign { value, .. } => {
                assert_eq!(show(&value), "ite((x Ne 1), 1, 0)")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_point_at_the_bad_token() {
        let s = "r = 2 * * v";
        let lines = split(s, FlagRule::Equations, true);
        let t = tokens(s, &lines[0], Block::Equations).unwrap();
        let e = parse_statement(&t, Block::Equations).unwrap_err();
        assert_eq!(e.span.start, 8);
        let s = "r = (v + 1";
        let t = tokens(s, &split(s, FlagRule::Equations, true)[0], Block::Equations).unwrap();
        let e = parse_statement(&t, Block::Equations).unwrap_err();
        assert!(e.message.contains("expected `)`"), "{}", e.message);
        let s = "r = 1 = 2";
        let t = tokens(s, &split(s, FlagRule::Equations, true)[0], Block::Equations).unwrap();
        let e = parse_statement(&t, Block::Equations).unwrap_err();
        assert!(e.message.contains("only one assignment"));
    }
}
