//! Parser and runner tests: good input, bad input with exact positions, random input
//! that must not panic ([`parse`]), and every library scenario run to completion ([`run`]).

mod parse;
mod run;

use super::ast::*;
use super::*;
use crate::raft::{BreakSwitch, Duration, Op, Payload, ServerId, Term, Time};
use crate::sim::checker::Property;
use proptest::prelude::*;

fn err(text: &str) -> ScenarioError {
    parse(text).expect_err("should not parse")
}

/// (line, column) of a parse error, and its message.
fn at(text: &str) -> (usize, usize, String) {
    let e = err(text);
    (e.line(), e.column(), e.to_string())
}

fn run_text(text: &str) -> Report {
    run(&parse(text).expect("parses"), RunOptions::default()).expect("runs")
}
