//! The one error type of the scenario boundary: where in the text, and what to write
//! instead.

use thiserror::Error;

/// Why a scenario text was refused. Lines and columns count from 1; a column counts
/// characters, not bytes.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ScenarioError {
    /// A word or number was not what the grammar allows here.
    #[error("line {line}, column {column}: expected {expected}, found {found}")]
    Expected { line: usize, column: usize, expected: String, found: String },
    /// The statement is well formed but cannot be used as written.
    #[error("line {line}, column {column}: {message}")]
    Invalid { line: usize, column: usize, message: String },
}

impl ScenarioError {
    pub fn line(&self) -> usize {
        match self {
            ScenarioError::Expected { line, .. } | ScenarioError::Invalid { line, .. } => *line,
        }
    }
    pub fn column(&self) -> usize {
        match self {
            ScenarioError::Expected { column, .. } | ScenarioError::Invalid { column, .. } => *column,
        }
    }
    /// The message without its position, for a caller that shows the position its own way
    /// (`file.scn:3:7: ...`).
    pub fn message(&self) -> String {
        match self {
            ScenarioError::Expected { expected, found, .. } => format!("expected {expected}, found {found}"),
            ScenarioError::Invalid { message, .. } => message.clone(),
        }
    }
}
