//! Tokens of the equation language.

use crate::diagnostic::{Block, Diagnostic};
use crate::span::Span;

/// A token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A number literal with its value.
    Num(f64),
    /// An identifier (keywords `and`, `or`, `not`, `is`, `if`, `then`, `else` included).
    Ident(String),
    /// An operator or punctuation: `+ - * / ^ ** ( ) , . < > <= >= == != = += -= *= /= :`.
    Op(&'static str),
}

/// A token with its span in the block's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Where it is.
    pub span: Span,
}

const OPS: [&str; 21] = [
    "**", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "+", "-", "*", "/", "^", "(", ")", ",",
    ".", "<", ">", "=",
];

/// Splits `text[range]` into tokens; spans are offsets in `text`.
pub fn lex(
    text: &str,
    range: std::ops::Range<usize>,
    block: Block,
    out: &mut Vec<Token>,
) -> Result<(), Diagnostic> {
    let bytes = text.as_bytes();
    let mut i = range.start;
    while i < range.end {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() || (c == b'.' && i + 1 < range.end && bytes[i + 1].is_ascii_digit()) {
            while i < range.end && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            if i < range.end && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < range.end && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < range.end && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < range.end && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s = &text[start..i];
            let v: f64 = s.parse().map_err(|_| {
                Diagnostic::new(block, Span::new(start, i), format!("invalid number `{s}`"))
            })?;
            out.push(Token {
                tok: Tok::Num(v),
                span: Span::new(start, i),
            });
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < range.end && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(text[start..i].to_string()),
                span: Span::new(start, i),
            });
            continue;
        }
        if c == b':' {
            out.push(Token {
                tok: Tok::Op(":"),
                span: Span::new(i, i + 1),
            });
            i += 1;
            continue;
        }
        let rest = &text[i..range.end];
        if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
            out.push(Token {
                tok: Tok::Op(op),
                span: Span::new(i, i + op.len()),
            });
            i += op.len();
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or('?');
        return Err(Diagnostic::new(
            block,
            Span::new(i, i + ch.len_utf8()),
            format!("unexpected character `{ch}`"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let mut v = Vec::new();
        lex(s, 0..s.len(), Block::Equations, &mut v).unwrap();
        v.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_names_and_operators() {
        assert_eq!(
            toks("tau*dv/dt = -v + 1.5e-3 ** 2"),
            vec![
                Tok::Ident("tau".into()),
                Tok::Op("*"),
                Tok::Ident("dv".into()),
                Tok::Op("/"),
                Tok::Ident("dt".into()),
                Tok::Op("="),
                Tok::Op("-"),
                Tok::Ident("v".into()),
                Tok::Op("+"),
                Tok::Num(1.5e-3),
                Tok::Op("**"),
                Tok::Num(2.0),
            ]
        );
        assert_eq!(
            toks(".5 <= 3"),
            vec![Tok::Num(0.5), Tok::Op("<="), Tok::Num(3.0)]
        );
    }

    #[test]
    fn unexpected_character_is_an_error() {
        let mut v = Vec::new();
        let e = lex("a $ b", 0..5, Block::Equations, &mut v).unwrap_err();
        assert_eq!(e.span.start, 2);
    }
}
