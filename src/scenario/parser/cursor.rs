//! Words and the cursor over them: tokenizing a line, and reading servers, durations,
//! probabilities and the other small pieces every statement is made of.

use super::Result;
use crate::raft::{BreakSwitch, Duration, Op, ProtocolOption, ServerId};
use crate::scenario::ast::{Pick, ServerRef, ServerSet};
use crate::scenario::error::{Expected, Invalid, OutOfRange, ScenarioError};
use crate::sim::MAX_SERVERS;
use crate::sorted::SortedSet;

#[derive(Clone, Copy, Debug)]
pub(super) struct Tok<'a> {
    pub(super) text: &'a str,
    /// 1-based character column.
    pub(super) col: usize,
}

/// Strips a comment: `#` at the start of the line or after whitespace.
pub(super) fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return &line[..i];
        }
        prev_space = c.is_whitespace();
    }
    line
}

/// Splits a line into words at whitespace; `|` is always a word of its own.
pub(super) fn tokenize(line: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (byte, col)
    let mut col = 0;
    for (i, c) in line.char_indices() {
        col += 1;
        if c.is_whitespace() || c == '|' {
            if let Some((b, sc)) = start.take() {
                toks.push(Tok { text: &line[b..i], col: sc });
            }
            if c == '|' {
                toks.push(Tok { text: &line[i..i + 1], col });
            }
        } else if start.is_none() {
            start = Some((i, col));
        }
    }
    if let Some((b, sc)) = start {
        toks.push(Tok { text: &line[b..], col: sc });
    }
    toks
}

pub(super) struct Cursor<'a> {
    pub(super) toks: Vec<Tok<'a>>,
    pub(super) pos: usize,
    pub(super) line: usize,
    /// The column just past the last character, where "end of line" is reported.
    pub(super) end_col: usize,
    pub(super) names: &'a SortedSet<String>,
}

impl<'a> Cursor<'a> {
    pub(super) fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).copied()
    }
    pub(super) fn peek_is(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.text.eq_ignore_ascii_case(word))
    }
    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }
    pub(super) fn col(&self) -> usize {
        self.peek().map_or(self.end_col, |t| t.col)
    }
    pub(super) fn found(&self) -> Option<String> {
        self.peek().map(|t| crate::scenario::text::quote(t.text))
    }
    pub(super) fn advance(&mut self) -> Option<Tok<'a>> {
        let t = self.peek()?;
        self.pos += 1;
        Some(t)
    }
    pub(super) fn expected(&self, expected: Expected) -> ScenarioError {
        ScenarioError::Expected { line: self.line, column: self.col(), expected, found: self.found() }
    }
    pub(super) fn invalid(&self, column: usize, reason: Invalid) -> ScenarioError {
        ScenarioError::Invalid { line: self.line, column, reason }
    }
    pub(super) fn eat(&mut self, word: &str) -> bool {
        if self.peek_is(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    pub(super) fn expect_word(&mut self, word: &'static str) -> Result<()> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(self.expected(Expected::Word(word)))
        }
    }
    /// The statement must end here.
    pub(super) fn finish(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.expected(Expected::EndOfLine))
        }
    }
    /// A word (anything but `|`), for keys and values.
    pub(super) fn word(&mut self, what: Expected) -> Result<Tok<'a>> {
        match self.peek() {
            Some(t) if t.text != "|" => {
                self.pos += 1;
                Ok(t)
            }
            _ => Err(self.expected(what)),
        }
    }
    /// A whole number, within the range [`crate::scenario::limits::range`] gives for `what`.
    pub(super) fn u64(&mut self, what: Expected) -> Result<u64> {
        match self.peek() {
            Some(t) if t.text.bytes().all(|b| b.is_ascii_digit()) => {
                let range = crate::scenario::limits::range(&what);
                match (t.text.parse::<u64>(), range) {
                    (Ok(n), Some((lo, hi))) if !(lo..=hi).contains(&n) => {
                        Err(self.invalid(t.col, out_of_range(what, t.text, lo, hi)))
                    }
                    (Ok(n), _) => {
                        self.pos += 1;
                        Ok(n)
                    }
                    (Err(_), Some((lo, hi))) => Err(self.invalid(t.col, out_of_range(what, t.text, lo, hi))),
                    (Err(_), None) => Err(self.invalid(t.col, Invalid::TooLarge(t.text.to_string()))),
                }
            }
            _ => Err(self.expected(what)),
        }
    }
    pub(super) fn peek_is_number(&self) -> bool {
        self.peek().is_some_and(|t| t.text.bytes().next().is_some_and(|b| b.is_ascii_digit()))
    }

    // ---- Servers ----------------------------------------------------------------------

    pub(super) fn server_id(&mut self) -> Result<ServerId> {
        let Some(t) = self.peek() else { return Err(self.expected(Expected::Server)) };
        match parse_server_token(t.text) {
            Some(Ok(id)) => {
                self.pos += 1;
                Ok(id)
            }
            Some(Err(message)) => Err(self.invalid(t.col, message)),
            None => Err(self.expected(Expected::Server)),
        }
    }

    pub(super) fn is_server_ref(&self, t: Tok<'_>) -> bool {
        t.text.eq_ignore_ascii_case("leader") || parse_server_token(t.text).is_some() || self.names.contains(t.text)
    }

    pub(super) fn server_ref(&mut self) -> Result<ServerRef> {
        let Some(t) = self.peek() else { return Err(self.expected(Expected::ServerRef)) };
        if t.text.eq_ignore_ascii_case("leader") {
            self.pos += 1;
            return Ok(ServerRef::Leader);
        }
        if self.names.contains(t.text) {
            self.pos += 1;
            return Ok(ServerRef::Name(t.text.to_string()));
        }
        match parse_server_token(t.text) {
            Some(Ok(id)) => {
                self.pos += 1;
                Ok(ServerRef::Id(id))
            }
            Some(Err(message)) => Err(self.invalid(t.col, message)),
            None => Err(self.expected(Expected::ServerRef)),
        }
    }

    /// The one server an action or a `let` takes: a server reference, or a server drawn
    /// when the statement runs: `a follower`, `a random live server`, `the leader if any`
    /// (`the leader` alone is `leader`).
    pub(super) fn target(&mut self) -> Result<ServerRef> {
        if self.eat("a") {
            if self.eat("follower") {
                return Ok(ServerRef::Pick(Pick::Follower));
            }
            if !self.eat("random") {
                return Err(self.expected(Expected::Pick));
            }
            self.expect_word("live")?;
            self.expect_word("server")?;
            return Ok(ServerRef::Pick(Pick::Live));
        }
        if self.eat("the") {
            self.expect_word("leader")?;
            if self.eat("if") {
                self.expect_word("any")?;
                return Ok(ServerRef::Pick(Pick::LeaderIfAny));
            }
            return Ok(ServerRef::Leader);
        }
        self.server_ref()
    }

    /// One or more server references; `S1..S5` stands for S1 S2 S3 S4 S5.
    pub(super) fn server_refs(&mut self) -> Result<Vec<ServerRef>> {
        let mut out = Vec::new();
        while let Some(t) = self.peek() {
            if let Some(range) = self.server_range(t)? {
                out.extend(range.into_iter().map(ServerRef::Id));
            } else if self.is_server_ref(t) {
                out.push(self.server_ref()?);
            } else {
                break;
            }
        }
        if out.is_empty() {
            return Err(self.expected(Expected::ServerRef));
        }
        Ok(out)
    }

    /// One or more server ids (no `leader`, no names), with ranges.
    pub(super) fn server_ids(&mut self) -> Result<Vec<ServerId>> {
        let mut out = Vec::new();
        while let Some(t) = self.peek() {
            if let Some(range) = self.server_range(t)? {
                out.extend(range);
            } else if parse_server_token(t.text).is_some() {
                out.push(self.server_id()?);
            } else {
                break;
            }
        }
        if out.is_empty() {
            return Err(self.expected(Expected::Server));
        }
        Ok(out)
    }

    /// `S1..S5`, consumed if the token is one.
    pub(super) fn server_range(&mut self, t: Tok<'_>) -> Result<Option<Vec<ServerId>>> {
        let Some((a, b)) = t.text.split_once("..") else { return Ok(None) };
        let (Some(a), Some(b)) = (parse_server_token(a), parse_server_token(b)) else { return Ok(None) };
        let a = a.map_err(|m| self.invalid(t.col, m))?;
        let b = b.map_err(|m| self.invalid(t.col, m))?;
        if a > b {
            return Err(self.invalid(t.col, Invalid::ServerRangeBackwards(t.text.to_string(), b, a)));
        }
        self.pos += 1;
        Ok(Some((a.0..=b.0).map(ServerId).collect()))
    }

    /// `all`, or a list of servers.
    pub(super) fn server_set(&mut self) -> Result<ServerSet> {
        if self.eat("all") {
            return Ok(ServerSet::All);
        }
        match self.server_refs() {
            Ok(list) => Ok(ServerSet::List(list)),
            Err(_) => Err(self.expected(Expected::AllOrServerRef)),
        }
    }

    /// `on SET`, or every live server if absent.
    pub(super) fn on_set(&mut self) -> Result<ServerSet> {
        if self.eat("on") {
            self.server_set()
        } else {
            Ok(ServerSet::All)
        }
    }

    // ---- Quantities -------------------------------------------------------------------

    pub(super) fn duration(&mut self) -> Result<Duration> {
        let Some(t) = self.peek() else { return Err(self.expected(Expected::Duration)) };
        let d = parse_duration(t.text, None).map_err(|m| self.duration_error(t, m))?;
        self.pos += 1;
        Ok(d)
    }

    pub(super) fn duration_error(&self, t: Tok<'_>, m: DurationError) -> ScenarioError {
        match m {
            DurationError::NotADuration => ScenarioError::Expected {
                line: self.line,
                column: t.col,
                expected: Expected::Duration,
                found: Some(t.text.to_string()),
            },
            DurationError::Invalid(reason) => self.invalid(t.col, reason),
        }
    }

    /// A whole number of milliseconds, for the settings that are kept in milliseconds.
    pub(super) fn duration_ms(&mut self) -> Result<u64> {
        let col = self.col();
        let d = self.duration()?;
        whole_ms(d).ok_or_else(|| self.invalid(col, Invalid::NotWholeMs(d.to_string())))
    }

    /// `150ms..300ms`, `150..300ms` or a single duration (both ends equal), in whole
    /// milliseconds.
    pub(super) fn range_ms(&mut self) -> Result<(u64, u64)> {
        let Some(t) = self.peek() else { return Err(self.expected(Expected::Range)) };
        let (min, max) = match t.text.split_once("..") {
            Some((a, b)) => {
                let unit = unit_of(b);
                let min = parse_duration(a, unit).map_err(|m| self.duration_error(t, m))?;
                let max = parse_duration(b, None).map_err(|m| self.duration_error(t, m))?;
                (min, max)
            }
            None => {
                let d = parse_duration(t.text, None).map_err(|m| match m {
                    DurationError::NotADuration => ScenarioError::Expected {
                        line: self.line,
                        column: t.col,
                        expected: Expected::Range,
                        found: Some(t.text.to_string()),
                    },
                    other => self.duration_error(t, other),
                })?;
                (d, d)
            }
        };
        let (Some(a), Some(b)) = (whole_ms(min), whole_ms(max)) else {
            return Err(self.invalid(t.col, Invalid::NotWholeMs(t.text.to_string())));
        };
        if a > b {
            return Err(self.invalid(t.col, Invalid::RangeBackwards(t.text.to_string())));
        }
        self.pos += 1;
        Ok((a, b))
    }

    /// `0.05` or `5%`, from 0 to 1.
    pub(super) fn probability(&mut self) -> Result<f64> {
        let Some(t) = self.peek() else { return Err(self.expected(Expected::Probability)) };
        let (num, scale) = match t.text.strip_suffix('%') {
            Some(n) => (n, 100.0),
            None => (t.text, 1.0),
        };
        let ok = !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        let value = if ok { crate::decimal::parse(num) } else { None };
        match value {
            Some(v) if (0.0..=1.0).contains(&(v / scale)) => {
                self.pos += 1;
                Ok(v / scale)
            }
            Some(_) => Err(self.invalid(t.col, Invalid::NotAProbability(t.text.to_string()))),
            None => Err(self.expected(Expected::Probability)),
        }
    }

    pub(super) fn break_switch(&mut self) -> Result<BreakSwitch> {
        self.named(BreakSwitch::from_name, Expected::BreakSwitch)
    }

    pub(super) fn protocol_option(&mut self) -> Result<ProtocolOption> {
        self.named(ProtocolOption::from_name, Expected::ProtocolOption)
    }

    /// One of a table's names (case-insensitive), or the error listing them.
    fn named<T>(&mut self, from_name: impl Fn(&str) -> Option<T>, expected: Expected) -> Result<T> {
        let Some(t) = self.peek() else { return Err(self.expected(expected)) };
        match from_name(&t.text.to_ascii_lowercase()) {
            Some(b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.expected(expected)),
        }
    }

    /// `off`, or after how many applied entries a server takes a snapshot (§7), within
    /// the range of [`Setting::SnapshotEvery`].
    pub(super) fn snapshot_every(&mut self) -> Result<Option<u64>> {
        if self.eat("off") {
            return Ok(None);
        }
        let col = self.col();
        let n = self.u64(Expected::EntryCount)?;
        let setting = crate::sim::limits::Setting::SnapshotEvery;
        if !setting.contains(n) {
            return Err(self.invalid(col, Invalid::Config(crate::sim::ConfigError::OutOfRange { setting, found: n })));
        }
        Ok(Some(n))
    }

    /// `on` or `off`; `on` when absent.
    pub(super) fn on_off(&mut self) -> Result<bool> {
        if self.eat("on") {
            Ok(true)
        } else if self.eat("off") {
            Ok(false)
        } else if self.at_end() {
            Ok(true)
        } else {
            Err(self.expected(Expected::OnOff))
        }
    }

    /// `->` (one way) or `<->` (both ways).
    pub(super) fn arrow(&mut self) -> Result<bool> {
        if self.eat("->") {
            Ok(false)
        } else if self.eat("<->") {
            Ok(true)
        } else {
            Err(self.expected(Expected::Arrow))
        }
    }

    /// The rest of the line as a client operation: `set x 3`, `get x`, `del x`, `incr x`.
    pub(super) fn op(&mut self) -> Result<Op> {
        let col = self.col();
        let rest: Vec<&str> = self.toks[self.pos..].iter().map(|t| t.text).collect();
        if rest.is_empty() {
            return Err(self.expected(Expected::Request));
        }
        let op = Op::parse(&rest.join(" ")).map_err(|e| self.invalid(col, Invalid::Op(e)))?;
        self.pos = self.toks.len();
        Ok(op)
    }
}

/// The error for a number outside its range.
pub(super) fn out_of_range(what: Expected, text: &str, min: impl ToString, max: impl ToString) -> Invalid {
    Invalid::OutOfRange(Box::new(OutOfRange {
        what,
        found: text.to_string(),
        min: min.to_string(),
        max: max.to_string(),
    }))
}

/// `S3` or `s3`: `None` if the word is not shaped like a server, `Some(Err)` if it is but
/// out of range.
pub(super) fn parse_server_token(text: &str) -> Option<std::result::Result<ServerId, Invalid>> {
    let digits = text.strip_prefix(['S', 's'])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<u32>() {
        Ok(n) if (1..=MAX_SERVERS).contains(&n) => Some(Ok(ServerId(n))),
        _ => Some(Err(Invalid::NoServer(text.to_string()))),
    }
}

pub(super) enum DurationError {
    NotADuration,
    Invalid(Invalid),
}

/// The unit a duration ends with, if any.
pub(super) fn unit_of(text: &str) -> Option<&str> {
    let i = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    Some(&text[i..])
}

/// `150ms`, `2s`, `1.5s`, `250us`. `default_unit` is used when none is written (the first
/// half of a range such as `150..300ms`).
pub(super) fn parse_duration(text: &str, default_unit: Option<&str>) -> std::result::Result<Duration, DurationError> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (num, unit) = text.split_at(split);
    if num.is_empty() || !num.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return Err(DurationError::NotADuration);
    }
    let unit = if unit.is_empty() {
        match default_unit {
            Some(u) => u,
            // No unit: the whole text is the number.
            None => return Err(DurationError::Invalid(Invalid::NeedsUnit(text.to_string()))),
        }
    } else {
        unit
    };
    let scale: u64 = match unit {
        "us" | "µs" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        _ => return Err(DurationError::Invalid(Invalid::UnknownUnit(unit.to_string(), text.to_string()))),
    };
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if frac.contains('.') || int.is_empty() {
        return Err(DurationError::Invalid(Invalid::NotANumber(text.to_string())));
    }
    let max = crate::scenario::limits::MAX_SIM_TIME;
    let too_long = || {
        DurationError::Invalid(out_of_range(Expected::Duration, text, "0s", crate::scenario::limits::seconds(max.0)))
    };
    let int: u64 = int.parse().map_err(|_| too_long())?;
    let mut us = int.checked_mul(scale).ok_or_else(too_long)?;
    // The fraction, digit by digit, in exact integer arithmetic.
    let mut place = scale;
    for d in frac.bytes() {
        let digit = (d - b'0') as u64;
        if place % 10 != 0 {
            if digit != 0 {
                return Err(DurationError::Invalid(Invalid::FinerThanMicrosecond(text.to_string())));
            }
            continue;
        }
        place /= 10;
        us = us.checked_add(digit * place).ok_or_else(too_long)?;
    }
    // Time is kept in microseconds as u64; no duration is longer than a run may be.
    if us > max.0 {
        return Err(too_long());
    }
    Ok(Duration(us))
}

pub(super) fn whole_ms(d: Duration) -> Option<u64> {
    (d.0 % 1000 == 0).then_some(d.0 / 1000)
}
