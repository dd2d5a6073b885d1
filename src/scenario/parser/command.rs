//! Actions: the statements that change the world (and the network settings, which are
//! also actions once the run started).

use super::cursor::Cursor;
use super::{Parser, Result};
use crate::scenario::ast::Command;
use crate::scenario::error::Expected;

impl Parser {
    /// Actions (and the network settings, which are also actions once the run started):
    /// the one list of the keywords that start an action. `None` when `keyword` starts no
    /// action; the cursor has not moved then.
    pub(super) fn command(&mut self, c: &mut Cursor<'_>, keyword: &str) -> Result<Option<Command>> {
        Ok(Some(match keyword {
            "crash" | "kill" => Command::Crash { server: c.server_ref()? },
            "restart" => Command::Restart { server: c.server_ref()? },
            "timeout" => Command::Timeout { server: c.server_ref()? },
            "align-timers" => Command::AlignTimers { servers: c.server_set()? },
            "spread-timers" => Command::SpreadTimers,
            "request" => {
                let via = c.server_ref()?;
                Command::Request { via, op: c.op()? }
            }
            "membership" => {
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
                Command::Membership { add, remove }
            }
            "partition" => {
                let mut groups = vec![c.server_refs()?];
                while c.eat("|") {
                    groups.push(c.server_refs()?);
                }
                if groups.len() < 2 {
                    return Err(c.expected(Expected::PartitionBar));
                }
                Command::Partition { groups }
            }
            "isolate" => Command::Isolate { server: c.server_ref()? },
            "heal" => Command::Heal,
            "cut" | "restore" => {
                let from = c.server_ref()?;
                let both = c.arrow()?;
                let to = c.server_ref()?;
                if keyword == "cut" {
                    Command::Cut { from, to, both }
                } else {
                    Command::Restore { from, to, both }
                }
            }
            "drop" => {
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
            "loss" => Command::Loss { loss: c.probability()? },
            "duplication" => Command::Duplication { duplication: c.probability()? },
            "latency" => {
                let (min_ms, max_ms) = c.range_ms()?;
                Command::Latency { min_ms, max_ms }
            }
            "break" => {
                let switch = c.break_switch()?;
                Command::Break { switch, on: c.on_off()? }
            }
            "option" if c.peek_is("snapshots") => {
                c.advance();
                Command::Snapshots { every: c.snapshot_every()? }
            }
            "option" => {
                let option = c.protocol_option()?;
                Command::Option { option, on: c.on_off()? }
            }
            "transfer" => Command::Transfer { to: c.server_ref()? },
            _ => return Ok(None),
        }))
    }
}
