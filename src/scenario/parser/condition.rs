//! Expectations and goals: the conditions `expect`, `run until` and `goal:` test.

use super::cursor::Cursor;
use super::Result;
use crate::raft::{Duration, RoleKind, Time};
use crate::scenario::ast::*;
use crate::scenario::error::{Expected, ScenarioError};
use crate::sim::checker::Property;

pub(super) fn run_spec(c: &mut Cursor<'_>) -> Result<RunSpec> {
    if c.eat("until") {
        if c.peek_is_number() {
            let d = c.duration()?;
            return Ok(RunSpec::UntilTime { time: Time(d.0) });
        }
        let first = expectation(c).map_err(|e| match e {
            ScenarioError::Expected { line, column, expected: Expected::Condition, found } => {
                ScenarioError::Expected { line, column, expected: Expected::TimeOrCondition, found }
            }
            other => other,
        })?;
        let mut all_of = vec![first];
        while c.eat("and") {
            all_of.push(expectation(c)?);
        }
        let within = if c.eat("within") { c.duration()? } else { DEFAULT_WITHIN };
        return Ok(RunSpec::Until { all_of, within });
    }
    if c.peek_is_number() {
        return Ok(RunSpec::For { duration: c.duration()? });
    }
    Err(c.expected(Expected::RunSpec))
}

/// `goal: CONDITION [and CONDITION]... [for DURATION]`.
pub(super) fn goal(c: &mut Cursor<'_>, line: usize, source: String) -> Result<Goal> {
    let mut all_of = vec![expectation(c)?];
    while c.eat("and") {
        all_of.push(expectation(c)?);
    }
    let hold_for = if c.eat("for") { c.duration()? } else { Duration(0) };
    if !c.at_end() {
        return Err(c.expected(Expected::GoalRest));
    }
    Ok(Goal { line, source, all_of, hold_for })
}

pub(super) fn expectation(c: &mut Cursor<'_>) -> Result<Expectation> {
    let negated = c.eat("not");
    Ok(Expectation { negated, condition: condition(c)? })
}

fn condition(c: &mut Cursor<'_>) -> Result<Condition> {
    let Some(head) = c.peek() else { return Err(c.expected(Expected::Condition)) };
    let word = head.text.to_ascii_lowercase();
    c.advance();
    Ok(match word.as_str() {
        "leader" if c.eat("among") => Condition::LeaderAmong { servers: c.server_refs()? },
        "leader" => {
            let server = match c.peek() {
                Some(t) if c.is_server_ref(t) => Some(c.server_ref()?),
                _ => None,
            };
            Condition::Leader { server }
        }
        "leaders" if c.peek_is_number() => Condition::LeaderCount { count: c.u64(Expected::LeaderCount)? },
        "leaders" => Condition::Leaders { servers: c.server_refs()? },
        "up" => Condition::UpCount { at_least: c.u64(Expected::UpCount)? },
        "one" => {
            c.expect_word("leader")?;
            Condition::OneLeader
        }
        "no" => {
            c.expect_word("leader")?;
            Condition::NoLeader
        }
        "term" => {
            let server = match c.peek() {
                Some(t) if c.is_server_ref(t) => Some(c.server_ref()?),
                _ => None,
            };
            let cmp = cmp(c);
            let term = if c.eat("term") {
                TermOperand::TermOf(c.server_ref()?)
            } else {
                TermOperand::Number(c.u64(Expected::Term)?)
            };
            Condition::Term { server, cmp, term }
        }
        "voted" => {
            let voter = c.server_ref()?;
            c.expect_word("for")?;
            let candidate = c.server_ref()?;
            c.expect_word("in")?;
            c.expect_word("term")?;
            Condition::Voted { voter, candidate, term: c.u64(Expected::Term)? }
        }
        "snapshot" => {
            let server = c.server_ref()?;
            let cmp = cmp(c);
            Condition::Snapshot { server, cmp, index: c.u64(Expected::LogIndex)? }
        }
        "role" => {
            let server = c.server_ref()?;
            let state = match c.peek().map(|t| t.text.to_ascii_lowercase()).as_deref() {
                Some("leader") => RoleState::Role(RoleKind::Leader),
                Some("follower") => RoleState::Role(RoleKind::Follower),
                Some("candidate") => RoleState::Role(RoleKind::Candidate),
                Some("pre-candidate") => RoleState::Role(RoleKind::PreCandidate),
                Some("down" | "crashed") => RoleState::Down,
                Some("up") => RoleState::Up,
                Some("removed") => RoleState::Removed,
                Some("retired" | "shut-down") => RoleState::Retired,
                _ => return Err(c.expected(Expected::Role)),
            };
            c.advance();
            Condition::Role { server, state }
        }
        "log" => {
            let server = c.server_ref()?;
            let mut terms = Vec::new();
            if !c.eat("empty") {
                while !c.at_end() && !c.peek_is("within") && !c.peek_is("and") && !c.peek_is("for") {
                    terms.push(c.u64(Expected::LogTerm)?);
                }
            }
            Condition::Log { server, terms }
        }
        "same" => {
            c.expect_word("log")?;
            Condition::SameLog { on: c.on_set()? }
        }
        "committed" => {
            let index = c.u64(Expected::LogIndex)?;
            Condition::Committed { index, on: c.on_set()? }
        }
        "applied" => {
            let index = c.u64(Expected::LogIndex)?;
            Condition::Applied { index, on: c.on_set()? }
        }
        "value" => {
            let key = c.word(Expected::Key)?.text.to_string();
            c.expect_word("=")?;
            let value = c.word(Expected::ValueOrNone)?.text;
            let value = (!value.eq_ignore_ascii_case("none")).then(|| value.to_string());
            Condition::Value { key, value, on: c.on_set()? }
        }
        "reply" => {
            let request = c.u64(Expected::RequestNumber)?;
            let result = if c.eat("=") { Some(c.word(Expected::Result)?.text.to_string()) } else { None };
            Condition::Reply { request, result }
        }
        "config" => {
            let first = c.server_ids()?;
            let (old, new) = if c.eat("->") { (Some(first), c.server_ids()?) } else { (None, first) };
            Condition::Config { old, new, on: c.on_set()? }
        }
        "membership" if c.peek().is_some_and(|t| t.text.eq_ignore_ascii_case("lost")) => {
            c.advance();
            Condition::MembershipLost
        }
        "membership" => {
            let phase = c
                .peek()
                .and_then(|t| Phase::ALL.into_iter().find(|p| t.text.eq_ignore_ascii_case(p.name())))
                .ok_or_else(|| c.expected(Expected::Phase))?;
            c.advance();
            Condition::Membership { phase }
        }
        "safe" => Condition::Safe,
        "violated" => {
            let mut any_of = vec![property(c)?];
            while c.eat("or") {
                any_of.push(property(c)?);
            }
            Condition::Violated { any_of }
        }
        _ => {
            return Err(ScenarioError::Expected {
                line: c.line,
                column: head.col,
                expected: Expected::Condition,
                found: Some(head.text.to_string()),
            })
        }
    })
}

fn property(c: &mut Cursor<'_>) -> Result<Property> {
    let found = c.peek().and_then(|t| Property::from_slug(&t.text.to_ascii_lowercase()));
    match found {
        Some(p) => {
            c.advance();
            Ok(p)
        }
        None => Err(c.expected(Expected::Property)),
    }
}

/// A comparison, `=` when none is written: `=`, `==`, `>=`, `<=`, `>` or `<`.
fn cmp(c: &mut Cursor<'_>) -> Cmp {
    if c.eat("=") || c.eat("==") {
        Cmp::Eq
    } else if c.eat(">=") {
        Cmp::Ge
    } else if c.eat("<=") {
        Cmp::Le
    } else if c.eat(">") {
        Cmp::Gt
    } else if c.eat("<") {
        Cmp::Lt
    } else {
        Cmp::Eq
    }
}
