//! The error type of every fallible run-time operation.

use thiserror::Error;

/// Everything that can go wrong when building or running a network.
///
/// Every variant names the object involved so that the message alone tells
/// the user what to fix.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A geometry with no dimension, a zero-sized dimension, or more than four dimensions.
    #[error("invalid geometry {dims:?}: {reason}")]
    Geometry {
        /// The dimensions that were given.
        dims: Vec<usize>,
        /// Why they are not accepted.
        reason: String,
    },
    /// A rank or coordinate outside of a population or view.
    #[error("{what} is out of range for {object}")]
    OutOfRange {
        /// The object (population, view, projection) that was indexed.
        object: String,
        /// What was out of range, e.g. `rank 12 (size 10)`.
        what: String,
    },
    /// A random distribution with invalid arguments.
    #[error("invalid random distribution {dist}: {reason}")]
    Distribution {
        /// The distribution, e.g. `Normal(0, -1)`.
        dist: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A connector called with arguments it cannot honour.
    #[error("{connector}: {reason}")]
    Connector {
        /// The connector method, e.g. `connect_fixed_number_pre`.
        connector: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// An attribute name that the object does not have.
    #[error("{object} has no attribute named `{name}`{}", suggestion_text(.suggestion))]
    UnknownAttribute {
        /// The population, projection or monitor asked.
        object: String,
        /// The unknown name.
        name: String,
        /// The closest existing name, if one is close.
        suggestion: Option<String>,
    },
    /// A value whose size does not match the object it is given to.
    #[error("{object}.{attribute}: expected {expected} values, got {got}")]
    SizeMismatch {
        /// The object.
        object: String,
        /// The attribute being set.
        attribute: String,
        /// The number of values expected.
        expected: usize,
        /// The number of values given.
        got: usize,
    },
    /// An operation that is not allowed on this attribute or object.
    #[error("{object}: {reason}")]
    Invalid {
        /// The object.
        object: String,
        /// What is not allowed, and why.
        reason: String,
    },
    /// A check of `NetworkBuilder::build` (ANNarchy's `compile()`) failed.
    #[error("network check failed: {0}")]
    Build(String),
    /// A name (population, projection, monitor) that the network does not know.
    #[error("no {kind} named `{name}` in this network")]
    UnknownObject {
        /// `population`, `projection` or `monitor`.
        kind: &'static str,
        /// The name asked for.
        name: String,
    },
}

fn suggestion_text(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

/// Shorthand for results of the run-time.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The closest candidate to `name` by edit distance, if it is close enough
/// to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (name.len() / 3).max(1);
    best.filter(|(d, _)| *d <= limit)
        .map(|(_, c)| c.to_string())
}

/// Optimal-string-alignment distance between two strings (by characters).
pub fn edit_distance(a: &str, b: &str) -> usize {
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

impl Error {
    /// An [`Error::Invalid`] about `object`, saying why.
    pub(crate) fn invalid(object: &str, reason: impl Into<String>) -> Error {
        Error::Invalid {
            object: object.to_string(),
            reason: reason.into(),
        }
    }
}
