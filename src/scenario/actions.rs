//! The one table of the statements that act on the cluster: each statement's keyword (and
//! the other words for it), whether it may also stand in the set-up, an example, and the
//! [`Command`] it parses to. The parser reads its keywords here, and a test holds the
//! table, the parser and the Actions table of `docs/scenarios.md` together.

use super::ast::Command;

/// The kind of an action statement: one per row of [`ACTIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Crash,
    Restart,
    Shutdown,
    Timeout,
    AlignTimers,
    SpreadTimers,
    Request,
    Membership,
    Partition,
    Isolate,
    Heal,
    Cut,
    Restore,
    Drop,
    Loss,
    Duplication,
    Latency,
    Break,
    Option,
    Transfer,
}

/// One row of [`ACTIONS`].
#[derive(Clone, Copy, Debug)]
pub struct ActionStatement {
    pub verb: Verb,
    /// The keyword, then any other word that means the same (`kill` for `crash`).
    pub keywords: &'static [&'static str],
    /// Also a set-up statement: before the first action it sets the cluster up instead.
    pub in_setup: bool,
    /// A statement that parses to this verb, as the docs write it.
    pub example: &'static str,
}

const fn row(verb: Verb, keywords: &'static [&'static str], in_setup: bool, example: &'static str) -> ActionStatement {
    ActionStatement { verb, keywords, in_setup, example }
}

/// Every action statement, in the order `docs/scenarios.md` lists them.
pub const ACTIONS: &[ActionStatement] = &[
    row(Verb::Crash, &["crash", "kill"], false, "crash S1"),
    row(Verb::Restart, &["restart"], false, "restart S1"),
    row(Verb::Shutdown, &["shutdown"], false, "shutdown S1"),
    row(Verb::Timeout, &["timeout"], false, "timeout S1"),
    row(Verb::AlignTimers, &["align-timers"], false, "align-timers S1 S2 S3"),
    row(Verb::SpreadTimers, &["spread-timers"], false, "spread-timers"),
    row(Verb::Request, &["request"], false, "request S2 set x 3"),
    row(Verb::Membership, &["membership"], false, "membership add S6 S7"),
    row(Verb::Partition, &["partition"], false, "partition S1 S2 | S3 S4 S5"),
    row(Verb::Isolate, &["isolate"], false, "isolate S1"),
    row(Verb::Heal, &["heal"], false, "heal"),
    row(Verb::Cut, &["cut"], false, "cut S1 -> S2"),
    row(Verb::Restore, &["restore"], false, "restore S1 <-> S2"),
    row(Verb::Drop, &["drop"], false, "drop next S1 -> S3"),
    row(Verb::Loss, &["loss"], true, "loss 0.1"),
    row(Verb::Duplication, &["duplication"], true, "duplication 0.05"),
    row(Verb::Latency, &["latency"], true, "latency 10ms..40ms"),
    row(Verb::Break, &["break"], true, "break commit-old-terms on"),
    row(Verb::Option, &["option"], true, "option prevote on"),
    row(Verb::Transfer, &["transfer"], false, "transfer S3"),
];

impl Verb {
    /// The verb a statement's first word (lower case) starts, if it starts an action.
    pub fn from_keyword(word: &str) -> Option<Verb> {
        ACTIONS.iter().find(|a| a.keywords.contains(&word)).map(|a| a.verb)
    }

    /// Its row of [`ACTIONS`].
    pub fn statement(self) -> &'static ActionStatement {
        ACTIONS.iter().find(|a| a.verb == self).expect("every verb has its row (a test checks it)")
    }
}

impl Command {
    /// The verb of the statement this command was written as.
    pub fn verb(&self) -> Verb {
        match self {
            Command::Crash { .. } | Command::CrashAfterSending { .. } => Verb::Crash,
            Command::Shutdown { .. } => Verb::Shutdown,
            Command::Restart { .. } => Verb::Restart,
            Command::Timeout { .. } => Verb::Timeout,
            Command::AlignTimers { .. } => Verb::AlignTimers,
            Command::SpreadTimers => Verb::SpreadTimers,
            Command::Request { .. } => Verb::Request,
            Command::Membership { .. } => Verb::Membership,
            Command::Partition { .. } => Verb::Partition,
            Command::Isolate { .. } => Verb::Isolate,
            Command::Heal => Verb::Heal,
            Command::Cut { .. } => Verb::Cut,
            Command::Restore { .. } => Verb::Restore,
            Command::DropMessage { .. } | Command::DropBetween { .. } => Verb::Drop,
            Command::Loss { .. } => Verb::Loss,
            Command::Duplication { .. } => Verb::Duplication,
            Command::Latency { .. } => Verb::Latency,
            Command::Break { .. } => Verb::Break,
            Command::Option { .. } | Command::Snapshots { .. } => Verb::Option,
            Command::Transfer { .. } => Verb::Transfer,
        }
    }
}
