//! The protocol's numbers, as newtypes, and simulated time.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A Raft term (§5.1). Terms only grow on any one server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Term(pub u64);

/// A position in the log, starting at 1. Index 0 means "before the first entry".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogIndex(pub u64);

/// A server's identity. Shown as `S1`, `S2`, …
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServerId(pub u32);

/// A client's identity, for the client protocol's at-most-once sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(pub u32);

/// Simulated time in microseconds since the start of the run. The core never reads a
/// clock: every input that needs the time is handed `now` by its host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Time(pub u64);

/// A span of simulated time in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(pub u64);

impl Term {
    /// The largest term. A server at it cannot start another election (there is no next
    /// term), so it never campaigns; hosts refuse it in an initial state.
    pub const MAX: Term = Term(u64::MAX);

    /// The next term. Never called at [`Term::MAX`].
    pub fn next(self) -> Term {
        Term(self.0 + 1)
    }
}

impl LogIndex {
    pub fn next(self) -> LogIndex {
        LogIndex(self.0 + 1)
    }
    pub fn prev(self) -> LogIndex {
        LogIndex(self.0.saturating_sub(1))
    }
}

impl Time {
    pub const ZERO: Time = Time(0);
    pub fn from_ms(ms: u64) -> Time {
        Time(ms * 1000)
    }
    pub fn since(self, earlier: Time) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl std::ops::Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0.saturating_add(d.0))
    }
}

impl Duration {
    pub fn from_ms(ms: u64) -> Duration {
        Duration(ms * 1000)
    }
}

/// `Display` as a format of the number inside: `3`, `S3`, `C3`.
macro_rules! display_number {
    ($($t:ident $format:literal),*) => {
        $(impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, $format, self.0)
            }
        })*
    };
}
display_number!(Term "{}", LogIndex "{}", ServerId "S{}", ClientId "C{}");

impl fmt::Display for Time {
    /// Milliseconds, with the fraction only when there is one: `150ms`, `12.5ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 1000 == 0 {
            write!(f, "{}ms", self.0 / 1000)
        } else {
            // A fraction has a non-zero digit, so the point stays.
            write!(f, "{}ms", crate::decimal::micros_as_millis(self.0).trim_end_matches('0'))
        }
    }
}
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Time(self.0).fmt(f)
    }
}

/// A word that is not a server id: the word.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a server such as S1, found `{0}`")]
pub struct NotAServerId(pub String);

impl std::str::FromStr for ServerId {
    type Err = NotAServerId;
    /// Parses `S3` or `s3` (or a bare `3`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix(['S', 's']).unwrap_or(s);
        match digits.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(ServerId(n)),
            _ => Err(NotAServerId(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_in_milliseconds_with_only_the_fraction_they_have() {
        assert_eq!(Time(150_000).to_string(), "150ms");
        assert_eq!(Time(12_500).to_string(), "12.5ms");
        assert_eq!(Time(186_420).to_string(), "186.42ms");
        assert_eq!(Time(1).to_string(), "0.001ms");
        assert_eq!(Time(0).to_string(), "0ms");
        assert_eq!(Duration(1_000_010).to_string(), "1000.01ms");
    }
}
