//! Errors in model definitions, rendered with the offending line and a caret.

use crate::span::Span;
use std::fmt::Write as _;

/// Which block of a model definition an error is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// `parameters: "..."`
    Parameters,
    /// `equations: "..."`
    Equations,
    /// `functions: "..."`
    Functions,
    /// `spike: "..."`
    Spike,
    /// `reset: "..."`
    Reset,
    /// `refractory: ...`
    Refractory,
    /// `psp: "..."`
    Psp,
    /// `operation: "..."`
    Operation,
    /// `pre_spike: "..."`
    PreSpike,
    /// `post_spike: "..."`
    PostSpike,
    /// `pre_axon_spike: "..."`
    PreAxonSpike,
    /// `axon_spike: "..."`
    AxonSpike,
    /// `axon_reset: "..."`
    AxonReset,
    /// `stop_condition: "..."`
    StopCondition,
    /// `pruning: "..."`
    Pruning,
    /// `creating: "..."`
    Creating,
    /// The model as a whole (no single line to point at).
    Model,
}

impl Block {
    /// The key of the block in the macro input.
    pub fn key(self) -> &'static str {
        match self {
            Block::Parameters => "parameters",
            Block::Equations => "equations",
            Block::Functions => "functions",
            Block::Spike => "spike",
            Block::Reset => "reset",
            Block::Refractory => "refractory",
            Block::Psp => "psp",
            Block::Operation => "operation",
            Block::PreSpike => "pre_spike",
            Block::PostSpike => "post_spike",
            Block::PreAxonSpike => "pre_axon_spike",
            Block::AxonSpike => "axon_spike",
            Block::AxonReset => "axon_reset",
            Block::StopCondition => "stop_condition",
            Block::Pruning => "pruning",
            Block::Creating => "creating",
            Block::Model => "model",
        }
    }
}

/// One error in a model definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The block the error is in.
    pub block: Block,
    /// Byte range in the block's text (the string literal's value).
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// A hint, e.g. "did you mean `tau`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span` of `block`.
    pub fn new(block: Block, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            block,
            span,
            message: message.into(),
            help: None,
        }
    }

    /// An error about the model as a whole.
    pub fn model(message: impl Into<String>) -> Self {
        Diagnostic::new(Block::Model, Span::default(), message)
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the error: model, block and line, the line itself, and a
    /// caret under the offending bytes. `text` is the block's text.
    pub fn render(&self, kind: &str, model: &str, text: Option<&str>) -> String {
        let mut out = String::new();
        let Some(text) = text.filter(|_| self.block != Block::Model) else {
            let _ = write!(out, "{kind} `{model}`: {}", self.message);
            if let Some(h) = &self.help {
                let _ = write!(out, "\n  = help: {h}");
            }
            return out;
        };
        let start = self.span.start.min(text.len());
        let end = self.span.end.clamp(start, text.len());
        // Physical line containing `start`, numbered from the first non-blank line.
        let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let first_content = text
            .char_indices()
            .find(|(_, c)| !c.is_whitespace())
            .map_or(0, |(i, _)| i);
        let first_line_start = text[..first_content].rfind('\n').map_or(0, |p| p + 1);
        let line_no = text[first_line_start..line_start].matches('\n').count() + 1;
        let raw_line = &text[line_start..line_end];
        let indent = raw_line.len() - raw_line.trim_start().len();
        let line = raw_line.trim();
        let col = start.saturating_sub(line_start + indent);
        let width = text[start..end.min(line_end).max(start)]
            .chars()
            .count()
            .max(1);
        let col_chars = line[..col.min(line.len())].chars().count();
        let num = line_no.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(
            out,
            "{kind} `{model}`, {} line {line_no}: {}",
            self.block.key(),
            self.message
        );
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{num} | {line}");
        let _ = write!(
            out,
            "{pad} | {}{}",
            " ".repeat(col_chars),
            "^".repeat(width)
        );
        if let Some(h) = &self.help {
            let _ = write!(out, " {h}");
        }
        out
    }
}

/// The closest candidate to `name` by edit distance, if close enough to be a typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (name.chars().count() / 3).max(1);
    best.filter(|(d, _)| *d <= limit)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    // Optimal string alignment distance: a swap of two neighbours counts as one edit.
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_token_on_its_own_line() {
        let text = "\n    tau = 10.0\n    r = tua * 2\n";
        let start = text.find("tua").unwrap();
        let d = Diagnostic::new(
            Block::Equations,
            Span::new(start, start + 3),
            "unknown name `tua`",
        )
        .with_help("did you mean `tau`?");
        let s = d.render("neuron", "N", Some(text));
        assert_eq!(
            s,
            "neuron `N`, equations line 2: unknown name `tua`\n  |\n2 | r = tua * 2\n  |     ^^^ did you mean `tau`?"
        );
    }

    #[test]
    fn suggestions_only_for_close_names() {
        assert_eq!(
            did_you_mean("tua", ["tau", "v"]).as_deref(),
            Some("did you mean `tau`?")
        );
        assert_eq!(did_you_mean("xyz", ["tau", "v"]), None);
    }
}
