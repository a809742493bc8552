//! Splitting a block of model text into statements and their flags
//! (SPEC.md 1.1 and 1.2): `;` and newlines separate statements, `#` starts a
//! comment, the part after the last `:` is a flag list when it starts with a
//! known flag, and an equation line without an assignment operator continues
//! the previous equation.

use crate::span::Span;
use std::ops::Range;

/// The flags ANNarchy accepts after `:`.
pub const FLAG_KEYWORDS: [&str; 20] = [
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
    "exact",
    "event-driven",
    "unless_refractory",
    "int",
    "bool",
    "float",
    "unless_post",
];

/// One flag: `population`, `init = 0.0`, `min = x_min`.
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    /// The key (`init`, `population`, ...), as written.
    pub key: String,
    /// Span of the key.
    pub key_span: Span,
    /// The value after `=`, if any, and its source range.
    pub value: Option<Range<usize>>,
}

/// One logical statement: source ranges of its expression text, and its flags.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Ranges of the block text that make up the statement (several when it
    /// continues over lines).
    pub segments: Vec<Range<usize>>,
    /// Flags written after `:`.
    pub flags: Vec<Flag>,
}

impl Line {
    /// Span from the start of the first segment to the end of the last.
    pub fn span(&self) -> Span {
        let s = self.segments.first().map_or(0, |r| r.start);
        let e = self.segments.last().map_or(0, |r| r.end);
        Span::new(s, e)
    }
}

/// How flags are recognised (ANNarchy differs between parameters and equations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagRule {
    /// The first comma-separated item must be a flag keyword.
    Equations,
    /// Any flag keyword in the part after `:` makes it a flag list.
    Parameters,
    /// No flags (spike conditions, psp).
    None,
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (r.start + lead)..(r.end - trail).max(r.start + lead)
}

/// Splits `s` (a sub-range of text) at top-level commas.
fn split_commas(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = r.start;
    for (i, c) in text[r.clone()].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(start..r.start + i);
                start = r.start + i + 1;
            }
            _ => {}
        }
    }
    out.push(start..r.end);
    out
}

fn parse_flags(text: &str, r: Range<usize>) -> Vec<Flag> {
    split_commas(text, r)
        .into_iter()
        .map(|item| trim_range(text, item))
        .filter(|item| !item.is_empty())
        .map(|item| {
            let s = &text[item.clone()];
            match s.find('=') {
                Some(eq) => {
                    let key = trim_range(text, item.start..item.start + eq);
                    let value = trim_range(text, item.start + eq + 1..item.end);
                    Flag {
                        key: text[key.clone()].to_string(),
                        key_span: Span::new(key.start, key.end),
                        value: Some(value),
                    }
                }
                None => Flag {
                    key: s.to_string(),
                    key_span: Span::new(item.start, item.end),
                    value: None,
                },
            }
        })
        .collect()
}

fn looks_like_flag(item: &str) -> bool {
    let key = item.split('=').next().unwrap_or("").trim();
    !key.is_empty()
        && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether the text after the last `:` of a statement is a flag list.
/// `before` is the text before that `:`.
fn is_flag_list(text: &str, before: Range<usize>, r: Range<usize>, rule: FlagRule) -> bool {
    match rule {
        FlagRule::None => false,
        // Parameters have no conditionals: whatever follows `:` is a flag list.
        FlagRule::Parameters => true,
        FlagRule::Equations => {
            let items = split_commas(text, r);
            let first = text[items[0].clone()].trim();
            let key = first.split('=').next().unwrap_or("").trim();
            if FLAG_KEYWORDS.contains(&key) {
                return true;
            }
            // `if c: a else: b` - the last `:` belongs to the conditional.
            let before = text[before].trim_end();
            let after_else = before.ends_with("else")
                && !before[..before.len() - 4]
                    .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            !after_else && items.iter().all(|i| looks_like_flag(&text[i.clone()]))
        }
    }
}

/// True when the statement text has an assignment operator (`=`, `+=`, ...;
/// not `==`, `<=`, `>=`, `!=`).
pub fn has_assignment(s: &str) -> bool {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'=' {
            let prev = if i > 0 { b[i - 1] } else { b' ' };
            let next = b.get(i + 1).copied().unwrap_or(b' ');
            if next == b'=' || prev == b'=' || prev == b'<' || prev == b'>' || prev == b'!' {
                continue;
            }
            return true;
        }
    }
    false
}

/// Splits a block into statements.
///
/// With `continuation`, a statement without an assignment operator is appended
/// to the previous one (equations, reset, pre_spike...).
pub fn split(text: &str, rule: FlagRule, continuation: bool) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut pos = 0;
    for phys in text.split_inclusive('\n') {
        let phys_start = pos;
        pos += phys.len();
        let body = phys.strip_suffix('\n').unwrap_or(phys);
        let body = match body.find('#') {
            Some(h) => &body[..h],
            None => body,
        };
        let mut seg_start = phys_start;
        for part in body.split(';') {
            let r = trim_range(text, seg_start..seg_start + part.len());
            seg_start += part.len() + 1;
            if r.is_empty() {
                continue;
            }
            // Flags after the last ':'.
            let s = &text[r.clone()];
            let (expr, flags) = match s.rfind(':') {
                Some(c)
                    if is_flag_list(text, r.start..r.start + c, r.start + c + 1..r.end, rule) =>
                {
                    (
                        trim_range(text, r.start..r.start + c),
                        parse_flags(text, r.start + c + 1..r.end),
                    )
                }
                _ => (r.clone(), Vec::new()),
            };
            let continues =
                continuation && !lines.is_empty() && !has_assignment(&text[expr.clone()]);
            if continues {
                let last = lines.last_mut().expect("checked non-empty");
                if !expr.is_empty() {
                    last.segments.push(expr);
                }
                last.flags.extend(flags);
            } else {
                lines.push(Line {
                    segments: vec![expr],
                    flags,
                });
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, lines: &[Line]) -> Vec<(Vec<String>, Vec<String>)> {
        lines
            .iter()
            .map(|l| {
                (
                    l.segments
                        .iter()
                        .map(|r| text[r.clone()].to_string())
                        .collect(),
                    l.flags
                        .iter()
                        .map(|f| match &f.value {
                            Some(v) => format!("{}={}", f.key, &text[v.clone()]),
                            None => f.key.clone(),
                        })
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn statements_flags_comments_and_semicolons() {
        let text = "\n  tau * dv/dt = -v : init = 1.0, exponential # comment\n  r = v; s = 2\n";
        let l = split(text, FlagRule::Equations, true);
        assert_eq!(
            texts(text, &l),
            vec![
                (
                    vec!["tau * dv/dt = -v".into()],
                    vec!["init=1.0".into(), "exponential".into()]
                ),
                (vec!["r = v".into()], vec![]),
                (vec!["s = 2".into()], vec![]),
            ]
        );
    }

    #[test]
    fn if_then_else_colons_are_not_flags() {
        let text = "r = if t > 5: 1 else: 0\ny = if a: 1 else: 2 : init = 3";
        let l = split(text, FlagRule::Equations, true);
        assert_eq!(
            texts(text, &l),
            vec![
                (vec!["r = if t > 5: 1 else: 0".into()], vec![]),
                (vec!["y = if a: 1 else: 2".into()], vec!["init=3".into()]),
            ]
        );
    }

    #[test]
    fn continuation_lines_join_the_previous_equation() {
        let text = "cm * dv/dt = a\n   + b : exponential\nr = v";
        let l = split(text, FlagRule::Equations, true);
        assert_eq!(
            texts(text, &l),
            vec![
                (
                    vec!["cm * dv/dt = a".into(), "+ b".into()],
                    vec!["exponential".into()]
                ),
                (vec!["r = v".into()], vec![]),
            ]
        );
    }

    #[test]
    fn parameter_flags_by_substring() {
        let text = "tau = 10.0 : population\nb";
        let l = split(text, FlagRule::Parameters, false);
        assert_eq!(
            texts(text, &l),
            vec![
                (vec!["tau = 10.0".into()], vec!["population".into()]),
                (vec!["b".into()], vec![]),
            ]
        );
    }

    #[test]
    fn misspelt_flags_are_flags() {
        let text = "r = 1.0 : populaton\ny = if a: 1 else: b";
        let l = split(text, FlagRule::Equations, true);
        assert_eq!(
            texts(text, &l),
            vec![
                (vec!["r = 1.0".into()], vec!["populaton".into()]),
                (vec!["y = if a: 1 else: b".into()], vec![]),
            ]
        );
        let text = "tau = 10.0 : populaton";
        let l = split(text, FlagRule::Parameters, false);
        assert_eq!(
            texts(text, &l),
            vec![(vec!["tau = 10.0".into()], vec!["populaton".into()])]
        );
    }

    #[test]
    fn assignment_detection() {
        assert!(has_assignment("x = 1"));
        assert!(has_assignment("x += 1"));
        assert!(!has_assignment("x == 1"));
        assert!(!has_assignment("x <= 1"));
        assert!(!has_assignment("+ b"));
    }
}
