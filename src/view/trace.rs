//! "Download trace": the run so far as one JSON object (schema: docs/trace-format.md).
//! Written by hand with `format!` so that the page needs no JSON library; the tests parse
//! it back with serde_json (a native-only dependency for this purpose).

use crate::raft::{MembershipEvent, ProtocolEvent};
use crate::sim::{DropReason, NoteKind, Sim};
use std::fmt::Write;

/// The trace of `sim` up to its current time: the configuration it started from, the
/// actions applied, every message sent and every note (role changes, crashes, commits…).
pub fn trace_json(sim: &Sim) -> String {
    let now = sim.now();
    let c = sim.initial_config();
    let n = &c.network;
    let mut o = String::with_capacity(4096);
    let breaks: Vec<String> = c.breaks.active().map(|b| str(&b.to_string())).collect();
    let options: Vec<String> = c.options.active().map(|b| str(b.name())).collect();
    let _ = write!(
        o,
        "{{\"format\":\"raft-playground-trace\",\"version\":1,\"now_us\":{},\"config\":{{\"servers\":{},\"seed\":{},\
         \"election_timeout_ms\":[{},{}],\"heartbeat_ms\":{},\"latency_ms\":[{},{}],\"loss\":{},\"duplication\":{},\
         \"max_entries_per_append\":{},\"client_timeout_ms\":{},\"breaks\":[{}],\"options\":[{}],\"snapshot_every\":{}}},\"actions\":[",
        now.0,
        c.servers,
        c.seed,
        c.election_timeout_min_ms,
        c.election_timeout_max_ms,
        c.heartbeat_ms,
        n.latency_min_ms,
        n.latency_max_ms,
        crate::decimal::shortest(n.loss),
        crate::decimal::shortest(n.duplication),
        c.max_entries_per_append,
        c.client_timeout_ms,
        breaks.join(","),
        options.join(","),
        c.snapshot_every.map_or("null".to_string(), |n| n.to_string())
    );
    for (i, a) in sim.applied_actions().iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(
            o,
            "{sep}{{\"at_event\":{},\"time_us\":{},\"action\":{}}}",
            a.at_event,
            a.time.0,
            str(&a.action.to_string())
        );
    }
    o.push_str("],\"messages\":[");
    for (i, m) in sim.history().messages.iter().take_while(|m| m.sent_at <= now).enumerate() {
        let fate = match m.dropped {
            Some((at, why)) if at <= now => {
                let why = match why {
                    DropReason::Loss => "loss",
                    DropReason::Partition => "partition",
                    DropReason::ReceiverDown => "receiver-down",
                    DropReason::User => "user",
                };
                format!("\"dropped\",\"dropped_us\":{},\"drop_reason\":\"{why}\"", at.0)
            }
            _ if m.deliver_at <= now => "\"delivered\"".into(),
            _ => "\"in-flight\"".into(),
        };
        let msg = &m.message;
        let _ = write!(
            o,
            "{}{{\"id\":{},\"kind\":{},\"from\":{},\"to\":{},\"term\":{},\"sent_us\":{},\"deliver_us\":{},\"duplicate\":{},\"fate\":{fate}}}",
            if i > 0 { "," } else { "" },
            m.id.0,
            str(m.kind().name()),
            msg.from.0,
            msg.to.0,
            msg.term.0,
            m.sent_at.0,
            m.deliver_at.0,
            m.duplicate
        );
    }
    o.push_str("],\"notes\":[");
    for (i, note) in sim.history().notes.iter().take_while(|x| x.time <= now).enumerate() {
        let rest = match &note.kind {
            NoteKind::Role { role, term } => {
                format!("\"role\",\"role\":\"{}\",\"term\":{}", role.name(), term.0)
            }
            NoteKind::Crashed => "\"crashed\"".into(),
            NoteKind::Restarted => "\"restarted\"".into(),
            NoteKind::Added => "\"added\"".into(),
            NoteKind::Removed => "\"removed\"".into(),
            NoteKind::Retired => "\"retired\"".into(),
            NoteKind::Committed { index } => format!("\"committed\",\"index\":{}", index.0),
            NoteKind::Membership { event } => {
                let name = event.phase().name();
                let index = match event {
                    MembershipEvent::JointAppended { index }
                    | MembershipEvent::JointCommitted { index }
                    | MembershipEvent::NewAppended { index }
                    | MembershipEvent::NewCommitted { index } => Some(index),
                    MembershipEvent::CatchingUp { .. }
                    | MembershipEvent::LeaderSteppedDown
                    | MembershipEvent::CatchUpAborted { .. } => None,
                };
                let index = index.map(|i| format!(",\"index\":{}", i.0)).unwrap_or_default();
                format!("\"membership\",\"event\":\"{name}\"{index}")
            }
            NoteKind::ClientReply { client, result } => {
                format!("\"client-reply\",\"client\":{client},\"result\":{}", str(result))
            }
            NoteKind::Protocol { event } => {
                let name = super::protocol::protocol_event_name(event);
                let servers = match event {
                    ProtocolEvent::QuorumLost { heard } => {
                        let heard: Vec<String> = heard.iter().map(|s| s.0.to_string()).collect();
                        format!(",\"heard\":[{}]", heard.join(","))
                    }
                    ProtocolEvent::TransferStarted { to }
                    | ProtocolEvent::TimeoutNowSent { to }
                    | ProtocolEvent::TransferAborted { to } => format!(",\"to\":{}", to.0),
                };
                format!("\"protocol\",\"event\":\"{name}\"{servers}")
            }
        };
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(o, "{sep}{{\"time_us\":{},\"server\":{},\"note\":{rest}}}", note.time.0, note.server.0);
    }
    o.push_str("]}");
    o
}

/// `s` as a JSON string literal.
fn str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Op, ServerId};
    use crate::sim::{Action, SimConfig};

    #[test]
    fn strings_are_escaped() {
        let v: serde_json::Value = serde_json::from_str(&str("a\"b\\c\nd\u{1}é")).unwrap();
        assert_eq!(v, "a\"b\\c\nd\u{1}é");
    }

    #[test]
    fn a_trace_parses_and_tells_the_run() {
        let mut sim = Sim::new(SimConfig { seed: 3, ..SimConfig::default() }).unwrap();
        sim.run_until(crate::raft::Time(1_000_000));
        let leader = sim.leader().expect("a leader after 1s");
        sim.act(Action::ClientRequest { via: leader, op: Op::parse("set x \"1\"").unwrap() }).unwrap();
        sim.act(Action::Crash { server: ServerId(if leader.0 == 1 { 2 } else { 1 }) }).unwrap();
        sim.run_until(crate::raft::Time(1_500_000));
        let v: serde_json::Value = serde_json::from_str(&trace_json(&sim)).unwrap();
        assert_eq!(v["format"], "raft-playground-trace");
        assert_eq!(v["now_us"], 1_500_000);
        assert_eq!(v["config"]["seed"], 3);
        assert_eq!(v["config"]["servers"], 5);
        assert_eq!(v["actions"].as_array().unwrap().len(), 2);
        assert!(v["actions"][1]["action"].as_str().unwrap().starts_with("crash S"));
        let messages = v["messages"].as_array().unwrap();
        assert_eq!(messages.len(), sim.history().messages.len());
        assert!(messages.iter().any(|m| m["kind"] == "RequestVote"));
        assert!(messages.iter().all(|m| ["delivered", "dropped", "in-flight"].contains(&m["fate"].as_str().unwrap())));
        let notes = v["notes"].as_array().unwrap();
        assert!(notes.iter().any(|n| n["note"] == "role" && n["role"] == "leader"));
        assert!(notes.iter().any(|n| n["note"] == "crashed"));
        assert!(notes.iter().any(|n| n["note"] == "client-reply"));
    }

    #[test]
    fn a_trace_carries_the_snapshot_interval() {
        let sim = Sim::new(SimConfig { seed: 3, snapshot_every: Some(4), ..SimConfig::default() }).unwrap();
        let v: serde_json::Value = serde_json::from_str(&trace_json(&sim)).unwrap();
        assert_eq!(v["config"]["snapshot_every"], serde_json::json!(4));
    }

    #[test]
    fn a_trace_carries_the_options_pre_votes_and_a_transfer() {
        use crate::raft::{ProtocolOption, ProtocolOptions};
        let options = ProtocolOptions::default().with(ProtocolOption::PreVote);
        let mut sim = Sim::new(SimConfig { seed: 3, options, ..SimConfig::default() }).unwrap();
        let leader = sim.run_until_leader(crate::raft::Duration::from_ms(3000)).expect("a leader");
        let to = ServerId(leader.0 % 5 + 1);
        sim.act(Action::TransferLeadership { to }).unwrap();
        sim.run_for(crate::raft::Duration::from_ms(300));
        let v: serde_json::Value = serde_json::from_str(&trace_json(&sim)).unwrap();
        assert_eq!(v["config"]["options"], serde_json::json!(["prevote"]));
        assert_eq!(v["config"]["snapshot_every"], serde_json::Value::Null);
        let kinds: Vec<&str> = v["messages"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"PreVote") && kinds.contains(&"pre-vote granted") && kinds.contains(&"TimeoutNow"));
        let notes = v["notes"].as_array().unwrap();
        let started = notes.iter().find(|n| n["note"] == "protocol" && n["event"] == "transfer-started").unwrap();
        assert_eq!((started["server"].as_u64(), started["to"].as_u64()), (Some(leader.0 as u64), Some(to.0 as u64)));
        assert!(notes.iter().any(|n| n["note"] == "role" && n["role"] == "pre-candidate"));
    }

    #[test]
    fn a_trace_after_time_travel_stops_at_now() {
        let mut sim = Sim::new(SimConfig::default()).unwrap();
        sim.run_until(crate::raft::Time(2_000_000));
        sim.seek(crate::raft::Time(500_000));
        let v: serde_json::Value = serde_json::from_str(&trace_json(&sim)).unwrap();
        assert!(v["messages"].as_array().unwrap().iter().all(|m| m["sent_us"].as_u64().unwrap() <= 500_000));
        assert!(v["notes"].as_array().unwrap().iter().all(|n| n["time_us"].as_u64().unwrap() <= 500_000));
    }
}
