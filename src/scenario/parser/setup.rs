//! The set-up section: cluster size, timing, and each server's term, vote and log as
//! written, checked as a whole when the first statement after it starts the run.

use super::cursor::Cursor;
use super::{Parser, Result};
use crate::raft::{ClientId, ClientRequest, Entry, Op, Payload, ServerId, Term};
use crate::scenario::error::{Expected, Invalid, ScenarioError};
use crate::sim::limits::Setting;
use crate::sim::{InitialState, MAX_SERVERS};

/// Initial log commands get a client id of their own (this plus their index), so that
/// they never collide with the sessions of the scenario's `request`s, and so that the
/// same command at the same index is the same entry on every server (Log Matching).
const SETUP_CLIENT_BASE: u32 = 1_000_000;

/// One server's set-up as written, with where each part was written (for errors).
#[derive(Default)]
pub(super) struct ServerSetup {
    term: Option<(u64, usize, usize)>,
    voted: Option<ServerId>,
    log: Vec<Entry>,
    /// Where the server was first named, to report a server beyond `servers N`.
    named_at: (usize, usize),
}

impl Parser {
    pub(super) fn setup(&mut self, c: &mut Cursor<'_>, keyword: &str) -> Result<()> {
        let line = c.line;
        match keyword {
            "servers" => {
                let col = c.col();
                let n = c.u64(Expected::ServerCount)?;
                if !(1..=MAX_SERVERS as u64).contains(&n) {
                    return Err(c.invalid(col, Invalid::ClusterSize(n)));
                }
                self.config.servers = n as u32;
            }
            "seed" => self.config.seed = c.u64(Expected::Seed)?,
            "election-timeout" => {
                let (min, max) = c.range_ms()?;
                self.config.election_timeout_min_ms = min;
                self.config.election_timeout_max_ms = max;
            }
            "heartbeat" => self.config.heartbeat_ms = c.duration_ms()?,
            "client-timeout" => self.config.client_timeout_ms = c.duration_ms()?,
            "max-entries-per-append" => {
                let col = c.col();
                let n = c.u64(Expected::EntryCount)?;
                if !Setting::MaxEntriesPerAppend.contains(n) {
                    return Err(c.invalid(col, Invalid::EntriesPerAppend(n)));
                }
                self.config.max_entries_per_append = n as usize;
            }
            "log" => {
                let col = c.col();
                let id = c.server_id()?;
                let entries = log_entries(c)?;
                let s = self.setup_of(id, line, col);
                if !s.log.is_empty() {
                    return Err(c.invalid(col, Invalid::LogTwice(id)));
                }
                s.log = entries;
                return Ok(());
            }
            "term" => {
                let col = c.col();
                let id = c.server_id()?;
                let tcol = c.col();
                let term = c.u64(Expected::Term)?;
                self.setup_of(id, line, col).term = Some((term, line, tcol));
                return Ok(());
            }
            "voted" => {
                let col = c.col();
                let id = c.server_id()?;
                let voted = if c.eat("none") { None } else { Some(c.server_id()?) };
                self.setup_of(id, line, col).voted = voted;
                return Ok(());
            }
            _ => {}
        }
        self.last_config_line = Some(line);
        Ok(())
    }

    fn setup_of(&mut self, id: ServerId, line: usize, col: usize) -> &mut ServerSetup {
        self.setups.get_or_insert_with(id.0, || ServerSetup { named_at: (line, col), ..ServerSetup::default() })
    }

    /// Checks the set-up as a whole and builds the initial states. `line` is the first
    /// line after the set-up.
    pub(super) fn finish_setup(&mut self, line: usize) -> Result<()> {
        self.in_setup = false;
        let config_line = self.last_config_line.unwrap_or(line);
        let config_error = |e| ScenarioError::Invalid { line: config_line, column: 1, reason: Invalid::Config(e) };
        self.config.validate().map_err(config_error)?;
        let n = self.config.servers;
        let mut initial = vec![InitialState::default(); n as usize];
        for (id, s) in std::mem::take(&mut self.setups) {
            let (l, col) = s.named_at;
            if id > n {
                let reason = Invalid::BeyondCluster(ServerId(id), n);
                return Err(ScenarioError::Invalid { line: l, column: col, reason });
            }
            let last_term = s.log.last().map_or(0, |e| e.term.0);
            let term = match s.term {
                Some((t, tl, tc)) if t < last_term => {
                    let reason = Invalid::TermBelowLog(ServerId(id), t, last_term);
                    return Err(ScenarioError::Invalid { line: tl, column: tc, reason });
                }
                Some((t, _, _)) => t,
                None => last_term,
            };
            if let Some(v) = s.voted {
                if v.0 > n {
                    let reason = Invalid::VoteBeyond(ServerId(id), v, n);
                    return Err(ScenarioError::Invalid { line: l, column: col, reason });
                }
            }
            initial[id as usize - 1] = InitialState { term: Term(term), voted_for: s.voted, log: s.log };
        }
        self.initial = initial;
        Ok(())
    }
}

/// The entries of a `log` line: `1 1 2 4`, with commands written `TERM:OP`, as in
/// `1:set x 1` or `2: incr n`, and `TERM:noop` for an explicit no-op.
fn log_entries(c: &mut Cursor<'_>) -> Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    while let Some(t) = c.advance() {
        let (term_text, op_text) = match t.text.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (t.text, None),
        };
        let digits = !term_text.is_empty() && term_text.bytes().all(|b| b.is_ascii_digit());
        let max = crate::scenario::limits::MAX_TERM;
        let term = match term_text.parse::<u64>() {
            Ok(n) if digits && (1..=max).contains(&n) => n,
            _ if digits => {
                return Err(c.invalid(t.col, super::cursor::out_of_range(Expected::LogTerm, term_text, 1, max)));
            }
            _ => {
                return Err(ScenarioError::Expected {
                    line: c.line,
                    column: t.col,
                    expected: Expected::LogEntry,
                    found: Some(t.text.to_string()),
                })
            }
        };
        let index = entries.len() as u64 + 1;
        if let Some(prev) = entries.last() {
            if prev.term.0 > term {
                return Err(c.invalid(t.col, Invalid::TermsDecrease(index, term, prev.term.0)));
            }
        }
        let payload = match op_text {
            None => Payload::Noop,
            Some(op_text) => {
                // The operation's first word is glued to the colon or is the next word.
                let (first, first_col) = if op_text.is_empty() {
                    let w = c.word(Expected::CommandAfterColon)?;
                    (w.text, w.col)
                } else {
                    (op_text, t.col + term_text.chars().count() + 1)
                };
                let arity = match first.to_ascii_lowercase().as_str() {
                    "noop" => None,
                    "set" => Some(2),
                    "get" | "del" | "delete" | "incr" => Some(1),
                    _ => {
                        return Err(ScenarioError::Expected {
                            line: c.line,
                            column: first_col,
                            expected: Expected::LogOp,
                            found: Some(first.to_string()),
                        })
                    }
                };
                match arity {
                    None => Payload::Noop,
                    Some(n) => {
                        let mut words = vec![first.to_ascii_lowercase()];
                        for k in 0..n {
                            let op = first.to_string();
                            let what = if k == 1 { Expected::ValueFor(op) } else { Expected::KeyFor(op) };
                            words.push(c.word(what)?.text.to_string());
                        }
                        let op = Op::parse(&words.join(" ")).map_err(|e| c.invalid(first_col, Invalid::Op(e)))?;
                        let client = ClientId(SETUP_CLIENT_BASE.saturating_add(index as u32));
                        Payload::Command(ClientRequest { client, seq: 1, op }.into())
                    }
                }
            }
        };
        entries.push(Entry { term: Term(term), payload });
    }
    Ok(entries)
}
