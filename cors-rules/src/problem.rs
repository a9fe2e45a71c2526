use std::fmt;

/// Why a string breaks a CORS rule, and what to write instead when there is an obvious fix.
///
/// `message` is a complete sentence fragment in CORS terms (it never repeats the input, which the
/// caller shows next to it); `suggestion` is a corrected value that passes the same check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, for example "an origin never ends with `/`".
    pub message: String,
    /// A value that would pass the check, when one can be derived from the input.
    pub suggestion: Option<String>,
}

impl Problem {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            suggestion: None,
        }
    }

    pub(crate) fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "; did you mean `{suggestion}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}
