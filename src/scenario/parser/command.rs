//! Actions: the statements that change the world (and the network settings, which are
//! also actions once the run started).

use super::cursor::Cursor;
use super::{Parser, Result};
use crate::raft::ChangeMethod;
use crate::scenario::actions::Verb;
use crate::scenario::ast::Command;
use crate::scenario::error::Expected;

impl Parser {
    /// Actions (and the network settings, which are also actions once the run started):
    /// the words after the keyword of each verb of [`crate::scenario::actions::ACTIONS`],
    /// the one table of the keywords that start an action. `None` when `keyword` starts
    /// no action; the cursor has not moved then.
    pub(super) fn command(&mut self, c: &mut Cursor<'_>, keyword: &str) -> Result<Option<Command>> {
        let Some(verb) = Verb::from_keyword(keyword) else { return Ok(None) };
        Ok(Some(match verb {
            Verb::Crash => {
                let server = c.target()?;
                if c.eat("after") {
                    c.expect_word("sending")?;
                    Command::CrashAfterSending { server }
                } else {
                    Command::Crash { server }
                }
            }
            Verb::Restart => Command::Restart { server: c.target()? },
            Verb::Shutdown => Command::Shutdown { server: c.target()? },
            Verb::Timeout => Command::Timeout { server: c.target()? },
            Verb::AlignTimers => Command::AlignTimers { servers: c.server_set()? },
            Verb::SpreadTimers => Command::SpreadTimers,
            Verb::Request => {
                let via = c.target()?;
                Command::Request { via, op: c.op()? }
            }
            Verb::Membership => {
                let (mut add, mut remove) = (Vec::new(), Vec::new());
                loop {
                    if c.eat("add") {
                        add.extend(c.server_ids()?);
                    } else if c.eat("remove") {
                        remove.extend(c.server_refs()?);
                    } else {
                        break;
                    }
                }
                if add.is_empty() && remove.is_empty() {
                    return Err(c.expected(Expected::Membership));
                }
                // The method, last: joint consensus unless `single` (dissertation §4.1).
                let method = ChangeMethod::ALL.into_iter().find(|m| c.eat(m.name())).unwrap_or_default();
                Command::Membership { add, remove, method }
            }
            Verb::Partition => {
                let mut groups = vec![c.server_refs()?];
                while c.eat("|") {
                    groups.push(c.server_refs()?);
                }
                if groups.len() < 2 {
                    return Err(c.expected(Expected::PartitionBar));
                }
                Command::Partition { groups }
            }
            Verb::Isolate => Command::Isolate { server: c.target()? },
            Verb::Heal => Command::Heal,
            Verb::Cut | Verb::Restore => {
                let from = c.server_ref()?;
                let both = c.arrow()?;
                let to = c.server_ref()?;
                if verb == Verb::Cut {
                    Command::Cut { from, to, both }
                } else {
                    Command::Restore { from, to, both }
                }
            }
            Verb::Drop => {
                if c.eat("message") {
                    Command::DropMessage { id: c.u64(Expected::MessageNumber)? }
                } else if c.peek_is("next") || c.peek_is("all") {
                    let all = c.eat("all");
                    if !all {
                        c.advance();
                    }
                    let from = c.server_ref()?;
                    c.expect_word("->")?;
                    let to = c.server_ref()?;
                    Command::DropBetween { from, to, all }
                } else {
                    return Err(c.expected(Expected::DropWhat));
                }
            }
            Verb::Loss => Command::Loss { loss: c.probability()? },
            Verb::Duplication => Command::Duplication { duplication: c.probability()? },
            Verb::Latency => {
                let (min_ms, max_ms) = c.range_ms()?;
                Command::Latency { min_ms, max_ms }
            }
            Verb::Break => {
                let switch = c.break_switch()?;
                Command::Break { switch, on: c.on_off()? }
            }
            Verb::Option if c.peek_is("snapshots") => {
                c.advance();
                Command::Snapshots { every: c.snapshot_every()? }
            }
            Verb::Option => {
                let option = c.protocol_option()?;
                Command::Option { option, on: c.on_off()? }
            }
            Verb::Transfer => Command::Transfer { to: c.target()? },
        }))
    }
}
