//! `repeat N` … `end` blocks, unrolled as they are parsed (the runner sees each statement
//! as many times as it runs, with its own line), and `expect refused ACTION [because KIND]`.

use super::cursor::Cursor;
use super::{Parser, Result};
use crate::scenario::ast::{Refusal, StatementKind};
use crate::scenario::error::{Expected, Invalid, ScenarioError};
use crate::scenario::limits::MAX_STATEMENTS;

/// A `repeat` whose `end` has not come yet.
pub(super) struct OpenRepeat {
    line: usize,
    column: usize,
    count: u64,
    /// The index of its first statement.
    start: usize,
}

impl Parser {
    /// `repeat N` opens a block; `end` closes the innermost and repeats its statements.
    pub(super) fn block(&mut self, c: &mut Cursor<'_>, keyword: &str, column: usize) -> Result<()> {
        let line = c.line;
        if keyword == "repeat" {
            let count = c.u64(Expected::RepeatCount)?;
            c.finish()?;
            self.repeats.push(OpenRepeat { line, column, count, start: self.statements.len() });
            return Ok(());
        }
        c.finish()?;
        let Some(open) = self.repeats.pop() else { return Err(c.invalid(column, Invalid::EndWithoutRepeat)) };
        let body = self.statements.split_off(open.start);
        let total = (body.len() as u64).saturating_mul(open.count).saturating_add(open.start as u64);
        if total > MAX_STATEMENTS {
            let reason = Invalid::StatementCap(total, MAX_STATEMENTS);
            return Err(ScenarioError::Invalid { line: open.line, column: open.column, reason });
        }
        for _ in 0..open.count {
            self.statements.extend(body.iter().cloned());
        }
        Ok(())
    }

    /// At the end of the text: a `repeat` with no `end` is an error at the `repeat`.
    pub(super) fn finish_blocks(&self) -> Result<()> {
        match self.repeats.last() {
            Some(open) => {
                Err(ScenarioError::Invalid { line: open.line, column: open.column, reason: Invalid::RepeatNotEnded })
            }
            None => Ok(()),
        }
    }

    /// After `expect refused`: an action, then optionally `because KIND`.
    pub(super) fn expect_refused(&mut self, c: &mut Cursor<'_>) -> Result<StatementKind> {
        let Some(head) = c.advance() else { return Err(c.expected(Expected::Action)) };
        let keyword = head.text.to_ascii_lowercase();
        let Some(command) = self.command(c, &keyword)? else {
            let found = Some(crate::scenario::text::quote(head.text));
            return Err(ScenarioError::Expected { line: c.line, column: head.col, expected: Expected::Action, found });
        };
        let because = if c.eat("because") {
            let word = c.peek().map(|t| t.text.to_ascii_lowercase());
            let Some(kind) = word.as_deref().and_then(Refusal::from_word) else {
                return Err(c.expected(Expected::Refusal));
            };
            c.advance();
            Some(kind)
        } else {
            None
        };
        Ok(StatementKind::ExpectRefused { command, because })
    }
}
