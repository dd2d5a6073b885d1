//! What a check found on the cluster, as data: the `found` of a failed expectation
//! ([`super::RunError::NotSo`]), and what a passing one saw. `Display` is the English
//! `raftsim` prints; the page says a failure in its reader's words from the data.

use crate::raft::{Configuration, OpResult, Phase, RoleKind, ServerId};
use crate::sim::checker::Violation;
use std::fmt;

/// What one condition found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// The leader (the live leader of the highest term), if any.
    Leader(Option<ServerId>),
    /// Every live server that believes it leads.
    Leaders(Vec<ServerId>),
    /// The servers that are up and in the cluster.
    Up(Vec<ServerId>),
    /// A server's term, or the highest term of any server (`server` is `None`).
    Term {
        server: Option<ServerId>,
        term: u64,
    },
    /// A server's term (or the highest) and the term it was compared with.
    Terms {
        server: Option<ServerId>,
        term: u64,
        other: ServerId,
        other_term: u64,
    },
    /// The last index a server's snapshot replaced (0: none).
    Snapshot {
        server: ServerId,
        index: u64,
    },
    /// What a server is now.
    Role {
        server: ServerId,
        now: RoleNow,
    },
    /// The terms of a server's log, entry by entry.
    Log {
        server: ServerId,
        terms: Vec<u64>,
    },
    /// The terms of several servers' logs.
    Logs(Vec<(ServerId, Vec<u64>)>),
    /// Each server's commit index (or last applied), and whether it is up.
    Indexes {
        applied: bool,
        of: Vec<(ServerId, u64, bool)>,
    },
    /// A key's value on each server.
    Values {
        key: String,
        of: Vec<(ServerId, Option<String>)>,
    },
    /// Fewer requests were sent than the one named.
    RequestsSent(usize),
    /// A request was answered.
    Answered {
        request: u64,
        result: OpResult,
        by: ServerId,
    },
    Pending {
        request: u64,
    },
    GaveUp {
        request: u64,
    },
    /// The configuration in force on each server.
    Configs(Vec<(ServerId, Configuration)>),
    /// The phases the current membership change went through; `None` when there is none.
    Phases(Option<Vec<Phase>>),
    /// Violations found so far: safety only, or every property.
    Violations {
        safety_only: bool,
        found: Vec<Violation>,
    },
    /// A server's vote in a term: `None` when it granted none (that the run saw).
    Vote {
        voter: ServerId,
        term: u64,
        voted_for: Option<ServerId>,
    },
}

/// What a server is now, for `expect role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleNow {
    Role(RoleKind),
    Down,
    Retired,
}

fn ids(ids: &[ServerId]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ")
}

fn terms(terms: &[u64]) -> String {
    if terms.is_empty() {
        return "(empty)".into();
    }
    terms.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")
}

fn whose(server: &Option<ServerId>) -> String {
    server.map_or_else(|| "the highest term".into(), |id| format!("{id}'s term"))
}

fn list<T>(items: &[T], each: impl Fn(&T) -> String, separator: &str) -> String {
    items.iter().map(each).collect::<Vec<_>>().join(separator)
}

impl fmt::Display for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seen::Leader(None) => f.write_str("no leader"),
            Seen::Leader(Some(l)) => write!(f, "leader {l}"),
            Seen::Leaders(l) if l.is_empty() => f.write_str("no leader"),
            Seen::Leaders(l) => write!(f, "leaders {}", ids(l)),
            Seen::Up(up) => write!(f, "{} up ({})", up.len(), ids(up)),
            Seen::Term { server, term } => write!(f, "{} is {term}", whose(server)),
            Seen::Snapshot { server, index } => write!(f, "{server}'s snapshot ends at {index}"),
            Seen::Terms { server, term, other, other_term } => {
                write!(f, "{} is {term} and {other}'s term is {other_term}", whose(server))
            }
            Seen::Role { server, now } => {
                let now = match now {
                    RoleNow::Role(k) => k.name(),
                    RoleNow::Down => "down",
                    RoleNow::Retired => "retired",
                };
                write!(f, "{server} is {now}")
            }
            Seen::Log { server, terms: t } => write!(f, "{server}'s log has terms {}", terms(t)),
            Seen::Logs(logs) => f.write_str(&list(logs, |(id, t)| format!("{id}: {}", terms(t)), "; ")),
            Seen::Indexes { applied, of } => {
                let what = if *applied { "last applied" } else { "commit index" };
                let each = |(id, n, up): &(ServerId, u64, bool)| {
                    if *up {
                        format!("{id} {n}")
                    } else {
                        format!("{id} {n} (down)")
                    }
                };
                write!(f, "{what}: {}", list(of, each, ", "))
            }
            Seen::Values { key, of } => {
                let each = |(id, v): &(ServerId, Option<String>)| format!("{id} {}", v.as_deref().unwrap_or("none"));
                write!(f, "{key}: {}", list(of, each, ", "))
            }
            Seen::RequestsSent(n) => write!(f, "only {n} requests were sent"),
            Seen::Answered { request, result, by } => write!(f, "request {request} answered `{result}` by {by}"),
            Seen::Pending { request } => write!(f, "request {request} still pending"),
            Seen::GaveUp { request } => write!(f, "request {request} gave up"),
            Seen::Configs(c) => write!(f, "configurations: {}", list(c, |(id, c)| format!("{id} {c}"), ", ")),
            Seen::Phases(None) => f.write_str("no membership change"),
            Seen::Phases(Some(p)) if p.is_empty() => f.write_str("phases none"),
            Seen::Phases(Some(p)) => write!(f, "phases {}", list(p, |p| p.name().to_string(), ", ")),
            Seen::Violations { safety_only, found } if found.is_empty() => {
                f.write_str(if *safety_only { "no safety violation" } else { "no violation" })
            }
            Seen::Violations { found, .. } => f.write_str(&list(found, |v| v.to_string(), "; ")),
            Seen::Vote { voter, term, voted_for: None } => write!(f, "{voter} granted no vote in term {term}"),
            Seen::Vote { voter, term, voted_for: Some(c) } => write!(f, "{voter} voted for {c} in term {term}"),
        }
    }
}
