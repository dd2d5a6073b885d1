//! Parser and runner tests: good input, bad input with exact positions, random input
//! that must not panic ([`parse`]), and every library scenario run to completion ([`run`]).

mod loading;
mod parse;
mod richer;
mod run;
/// Single-server membership changes (dissertation §4.1) and the 2015 bug.
mod single_server;
/// `option snapshots N|off` and `expect snapshot` (§7).
mod snapshots;

use super::ast::*;
use super::error::{Expected, Invalid};
use super::seen::Seen;
use super::*;
use crate::raft::{BreakSwitch, Duration, Op, OpParseError, Payload, ServerId, Term, Time};
use crate::sim::checker::Property;
use crate::sim::ConfigError;
use proptest::prelude::*;

fn err(text: &str) -> ScenarioError {
    parse(text).expect_err("should not parse")
}

/// (line, column) of a parse error.
fn at(text: &str) -> (usize, usize) {
    let e = err(text);
    (e.line(), e.column())
}

/// A parse error where the grammar expected something else: (line, column, what it
/// expected, the word found or `None` at the end of the line).
fn expected(text: &str) -> (usize, usize, Expected, Option<String>) {
    match err(text) {
        ScenarioError::Expected { line, column, expected, found } => (line, column, expected, found),
        e => panic!("{text:?}: {e:?}"),
    }
}

/// A parse error of a well-formed statement: (line, column, why).
fn invalid(text: &str) -> (usize, usize, Invalid) {
    match err(text) {
        ScenarioError::Invalid { line, column, reason } => (line, column, reason),
        e => panic!("{text:?}: {e:?}"),
    }
}

fn run_text(text: &str) -> Report {
    run(&parse(text).expect("parses"), RunOptions::default()).expect("runs")
}
