//! The replicated state machine: a key-value map with at-most-once client sessions
//! (the Raft lecture's client protocol, and §8 of the paper).

use super::types::ClientId;
use crate::sorted::{SharedMap, SortedMap};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An operation on the key-value map.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Set {
        key: String,
        value: String,
    },
    Get {
        key: String,
    },
    #[serde(rename = "del")]
    Delete {
        key: String,
    },
    /// Adds one to an integer value (a missing key counts as 0). Not idempotent, which is
    /// what makes "a retried request is applied once" visible.
    Incr {
        key: String,
    },
}

impl Op {
    pub fn key(&self) -> &str {
        match self {
            Op::Set { key, .. } | Op::Get { key } | Op::Delete { key } | Op::Incr { key } => key,
        }
    }

    /// Parses the request box's syntax: `set x 3`, `get x`, `del x`, `incr x`.
    pub fn parse(text: &str) -> Result<Op, OpParseError> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let key_ok = |k: &str| -> Result<String, OpParseError> {
            if k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.') {
                Ok(k.to_string())
            } else {
                Err(OpParseError::BadKey(k.to_string()))
            }
        };
        match words.as_slice() {
            ["set", _, value] if value.contains('|') => Err(OpParseError::BadValue(value.to_string())),
            ["set", key, value] => Ok(Op::Set { key: key_ok(key)?, value: value.to_string() }),
            ["get", key] => Ok(Op::Get { key: key_ok(key)? }),
            ["del" | "delete", key] => Ok(Op::Delete { key: key_ok(key)? }),
            ["incr", key] => Ok(Op::Incr { key: key_ok(key)? }),
            [] => Err(OpParseError::Empty),
            ["set", ..] => Err(OpParseError::SetNeedsKeyAndValue),
            ["get" | "del" | "delete" | "incr", ..] => Err(OpParseError::OneKey(words[0].to_string())),
            [other, ..] => Err(OpParseError::Unknown(other.to_string())),
        }
    }
}

/// Why a request did not parse. The page shows each in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpParseError {
    #[error("empty request: expected `set KEY VALUE`, `get KEY`, `del KEY` or `incr KEY`")]
    Empty,
    #[error("`set` takes a key and a value: `set x 3`")]
    SetNeedsKeyAndValue,
    /// The operation (`get`, `del`, `incr`) takes exactly one key.
    #[error("`{0}` takes exactly one key")]
    OneKey(String),
    #[error("unknown operation `{0}`: expected `set`, `get`, `del` or `incr`")]
    Unknown(String),
    #[error("key `{0}` may only contain letters, digits, `_`, `-` and `.`")]
    BadKey(String),
    /// A value holds `|`, which the scenario format (and so a share link) reads as a
    /// separator.
    #[error("value `{0}` may not contain `|`")]
    BadValue(String),
}

impl From<OpParseError> for String {
    fn from(e: OpParseError) -> String {
        e.to_string()
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Set { key, value } => write!(f, "set {key} {value}"),
            Op::Get { key } => write!(f, "get {key}"),
            Op::Delete { key } => write!(f, "del {key}"),
            Op::Incr { key } => write!(f, "incr {key}"),
        }
    }
}

/// A client's command, as it travels in a log entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientRequest {
    pub client: ClientId,
    /// The client's sequence number: a retry carries the same number.
    pub seq: u64,
    pub op: Op,
}

/// What applying an operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "result", content = "value", rename_all = "lowercase")]
pub enum OpResult {
    Ok,
    Value(Option<String>),
    Error(String),
}

impl fmt::Display for OpResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpResult::Ok => f.write_str("ok"),
            OpResult::Value(Some(v)) => write!(f, "{v}"),
            OpResult::Value(None) => f.write_str("(nil)"),
            OpResult::Error(e) => write!(f, "error: {e}"),
        }
    }
}

/// The last request applied for one client, and its result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Session {
    pub seq: u64,
    pub result: OpResult,
}

/// The key-value state machine. It is volatile: a crash loses it, and it is rebuilt by
/// applying the log again as the commit index advances.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KvStore {
    pub data: SortedMap<String, String>,
    /// Shared by the snapshots taken of it: a snapshot copies no session (see
    /// [`SharedMap`]).
    pub sessions: SharedMap<ClientId, Session>,
    /// How many commands really changed or read the map (duplicates excluded).
    pub applied_commands: u64,
}

/// The outcome of applying one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Applied now, for the first time.
    Fresh(OpResult),
    /// A retry of the request last applied for this client: not applied again; the first
    /// result is returned again.
    Duplicate(OpResult),
    /// Older than the client's latest applied request: ignored.
    Stale,
}

impl KvStore {
    /// The result already recorded for this exact request, if it was applied before.
    pub fn cached(&self, req: &ClientRequest) -> Option<&OpResult> {
        self.sessions.get(&req.client).filter(|s| s.seq == req.seq).map(|s| &s.result)
    }

    /// Applies a request once: a retry (same client and sequence number) returns the first
    /// result without changing the map.
    pub fn apply(&mut self, req: &ClientRequest) -> Applied {
        if let Some(session) = self.sessions.get(&req.client) {
            if session.seq == req.seq {
                return Applied::Duplicate(session.result.clone());
            }
            if session.seq > req.seq {
                return Applied::Stale;
            }
        }
        let result = execute(&mut self.data, &req.op);
        self.applied_commands += 1;
        self.sessions.insert(req.client, Session { seq: req.seq, result: result.clone() });
        Applied::Fresh(result)
    }
}

/// Carries out one operation on the map.
fn execute(data: &mut SortedMap<String, String>, op: &Op) -> OpResult {
    match op {
        Op::Set { key, value } => {
            // Rebuilding the state machine after a restart applies the whole log again:
            // reuse the existing allocations where the key is already there.
            match data.get_mut(key) {
                Some(v) => v.clone_from(value),
                None => {
                    data.insert(key.clone(), value.clone());
                }
            }
            OpResult::Ok
        }
        Op::Get { key } => OpResult::Value(data.get(key).cloned()),
        Op::Delete { key } => OpResult::Value(data.remove(key)),
        Op::Incr { key } => match data.get(key).map(|v| v.parse::<i64>()) {
            None => {
                data.insert(key.clone(), "1".into());
                OpResult::Value(Some("1".into()))
            }
            // At the largest integer the command fails and the value stays: it never wraps.
            Some(Ok(n)) => match n.checked_add(1) {
                Some(n) => {
                    let v = n.to_string();
                    data.insert(key.clone(), v.clone());
                    OpResult::Value(Some(v))
                }
                None => OpResult::Error(format!("value of `{key}` is the largest integer; `incr` would overflow")),
            },
            Some(Err(_)) => OpResult::Error(format!("value of `{key}` is not an integer")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(seq: u64, op: &str) -> ClientRequest {
        ClientRequest { client: ClientId(1), seq, op: Op::parse(op).unwrap() }
    }

    #[test]
    fn set_get_delete() {
        let mut kv = KvStore::default();
        assert_eq!(kv.apply(&req(1, "set x 3")), Applied::Fresh(OpResult::Ok));
        assert_eq!(kv.apply(&req(2, "get x")), Applied::Fresh(OpResult::Value(Some("3".into()))));
        assert_eq!(kv.apply(&req(3, "del x")), Applied::Fresh(OpResult::Value(Some("3".into()))));
        assert_eq!(kv.apply(&req(4, "get x")), Applied::Fresh(OpResult::Value(None)));
    }

    #[test]
    fn a_retry_is_applied_once_and_returns_the_first_result() {
        let mut kv = KvStore::default();
        assert_eq!(kv.apply(&req(1, "incr n")), Applied::Fresh(OpResult::Value(Some("1".into()))));
        assert_eq!(kv.apply(&req(1, "incr n")), Applied::Duplicate(OpResult::Value(Some("1".into()))));
        assert_eq!(kv.data["n"], "1");
        assert_eq!(kv.applied_commands, 1);
        assert_eq!(kv.apply(&req(2, "incr n")), Applied::Fresh(OpResult::Value(Some("2".into()))));
        assert_eq!(kv.apply(&req(1, "incr n")), Applied::Stale);
        assert_eq!(kv.data["n"], "2");
    }

    #[test]
    fn incr_at_the_largest_integer_is_an_error_and_changes_nothing() {
        let mut kv = KvStore::default();
        let max = i64::MAX.to_string();
        kv.apply(&req(1, &format!("set n {}", i64::MAX - 1)));
        assert_eq!(kv.apply(&req(2, "incr n")), Applied::Fresh(OpResult::Value(Some(max.clone()))));
        assert_eq!(
            kv.apply(&req(3, "incr n")),
            Applied::Fresh(OpResult::Error("value of `n` is the largest integer; `incr` would overflow".into()))
        );
        assert_eq!(kv.data["n"], max);
        // A retry of the failed request gets the same error, and the smallest integer
        // still counts up.
        assert!(matches!(kv.apply(&req(3, "incr n")), Applied::Duplicate(OpResult::Error(_))));
        kv.apply(&req(4, &format!("set m {}", i64::MIN)));
        assert_eq!(kv.apply(&req(5, "incr m")), Applied::Fresh(OpResult::Value(Some((i64::MIN + 1).to_string()))));
    }

    #[test]
    fn parse_errors_say_what_was_expected() {
        assert_eq!(Op::parse("").unwrap_err(), OpParseError::Empty);
        assert_eq!(Op::parse("put x 1").unwrap_err(), OpParseError::Unknown("put".into()));
        assert_eq!(Op::parse("set x").unwrap_err(), OpParseError::SetNeedsKeyAndValue);
        assert_eq!(Op::parse("get x y").unwrap_err(), OpParseError::OneKey("get".into()));
        assert_eq!(Op::parse("get x!").unwrap_err(), OpParseError::BadKey("x!".into()));
        assert_eq!(Op::parse("set x a|b").unwrap_err(), OpParseError::BadValue("a|b".into()));
        assert_eq!(Op::parse("del x").unwrap(), Op::Delete { key: "x".into() });
        assert_eq!(Op::parse("set x 3").unwrap().to_string(), "set x 3");
    }
}
