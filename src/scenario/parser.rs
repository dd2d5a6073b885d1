//! The scenario parser: text in, [`Scenario`] out, or a [`ScenarioError`] naming the line
//! and column. One statement per line; `#` starts a comment where it starts a word. The
//! grammar is in `docs/scenarios.md`.
//!
//! Nothing here may panic on any input (a property test feeds it random text), so every
//! number is parsed with checked arithmetic and every index is bounds-checked.

use super::ast::*;
use super::error::{Expected, Invalid, ScenarioError};
use crate::raft::{BreakSwitch, ClientId, ClientRequest, Duration, Entry, Op, Payload, RoleKind, ServerId, Term, Time};
use crate::sim::checker::Property;
use crate::sim::{InitialState, SimConfig, MAX_SERVERS};
use crate::sorted::{SortedMap, SortedSet};

type Result<T> = std::result::Result<T, ScenarioError>;

/// Initial log commands get a client id of their own (this plus their index), so that
/// they never collide with the sessions of the scenario's `request`s, and so that the
/// same command at the same index is the same entry on every server (Log Matching).
const SETUP_CLIENT_BASE: u32 = 1_000_000;

/// Words that cannot be `let` names, because the grammar gives them a meaning where a
/// server may appear.
const RESERVED: &[&str] = &[
    "leader", "leaders", "all", "none", "on", "within", "not", "or", "add", "remove", "next", "message", "until",
    "and", "for",
];

/// Parses a scenario.
pub fn parse(text: &str) -> Result<Scenario> {
    let mut p = Parser::default();
    for (i, raw) in text.lines().enumerate() {
        let raw = if i == 0 { raw.trim_start_matches('\u{feff}') } else { raw };
        p.line(i + 1, raw)?;
    }
    if p.in_setup {
        p.finish_setup(text.lines().count().max(1))?;
    }
    Ok(Scenario {
        title: p.title,
        description: p.description,
        title_zh: p.title_zh,
        description_zh: p.description_zh,
        goal: p.goal,
        goal_zh: p.goal_zh,
        config: p.config,
        initial: p.initial,
        statements: p.statements,
    })
}

/// Reads one action written the way [`Action`]'s `Display` writes it (`crash S1`,
/// `partition S1 S2 | S3`, `latency 5..30ms`): how a share link keeps the user's actions.
/// Servers must be written out (`S1`, not `leader`), and the statement must be a single
/// action (not `isolate`, `drop next` or `align-timers all`). Columns count from 1.
pub fn parse_action(text: &str) -> Result<crate::sim::Action> {
    let names = SortedSet::new();
    let mut c = Cursor { toks: tokenize(text), pos: 0, line: 1, end_col: text.chars().count() + 1, names: &names };
    let keyword = c.peek().map(|t| t.text.to_ascii_lowercase()).unwrap_or_default();
    c.advance();
    let command = Parser::default().command(&mut c, &keyword)?;
    c.finish()?;
    let literal = |r: &ServerRef| match r {
        ServerRef::Id(id) => Ok(*id),
        _ => Err(()),
    };
    match command.action(literal) {
        Some(Ok(action)) => Ok(action),
        _ => Err(c.invalid(1, Invalid::NotOneAction(text.trim().to_string()))),
    }
}

/// One server's set-up as written, with where each part was written (for errors).
#[derive(Default)]
struct ServerSetup {
    term: Option<(u64, usize, usize)>,
    voted: Option<ServerId>,
    log: Vec<Entry>,
    /// Where the server was first named, to report a server beyond `servers N`.
    named_at: (usize, usize),
}

struct Parser {
    title: Option<String>,
    description: Option<String>,
    title_zh: Option<String>,
    description_zh: Option<String>,
    goal: Option<Goal>,
    goal_zh: Option<String>,
    config: SimConfig,
    initial: Vec<InitialState>,
    statements: Vec<Statement>,
    in_setup: bool,
    setups: SortedMap<u32, ServerSetup>,
    /// The line of the last statement that changed the configuration: where a timing
    /// error is reported.
    last_config_line: Option<usize>,
    names: SortedSet<String>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser {
            title: None,
            description: None,
            title_zh: None,
            description_zh: None,
            goal: None,
            goal_zh: None,
            config: SimConfig { servers: 5, ..SimConfig::default() },
            initial: Vec::new(),
            statements: Vec::new(),
            in_setup: true,
            setups: SortedMap::new(),
            last_config_line: None,
            names: SortedSet::new(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Tok<'a> {
    text: &'a str,
    /// 1-based character column.
    col: usize,
}

/// Strips a comment: `#` at the start of the line or after whitespace.
fn strip_comment(line: &str) -> &str {
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
fn tokenize(line: &str) -> Vec<Tok<'_>> {
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

struct Cursor<'a> {
    toks: Vec<Tok<'a>>,
    pos: usize,
    line: usize,
    /// The column just past the last character, where "end of line" is reported.
    end_col: usize,
    names: &'a SortedSet<String>,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).copied()
    }
    fn peek_is(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.text.eq_ignore_ascii_case(word))
    }
    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }
    fn col(&self) -> usize {
        self.peek().map_or(self.end_col, |t| t.col)
    }
    fn found(&self) -> Option<String> {
        self.peek().map(|t| t.text.to_string())
    }
    fn advance(&mut self) -> Option<Tok<'a>> {
        let t = self.peek()?;
        self.pos += 1;
        Some(t)
    }
    fn expected(&self, expected: Expected) -> ScenarioError {
        ScenarioError::Expected { line: self.line, column: self.col(), expected, found: self.found() }
    }
    fn invalid(&self, column: usize, reason: Invalid) -> ScenarioError {
        ScenarioError::Invalid { line: self.line, column, reason }
    }
    fn eat(&mut self, word: &str) -> bool {
        if self.peek_is(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_word(&mut self, word: &'static str) -> Result<()> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(self.expected(Expected::Word(word)))
        }
    }
    /// The statement must end here.
    fn finish(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.expected(Expected::EndOfLine))
        }
    }
    /// A word (anything but `|`), for keys and values.
    fn word(&mut self, what: Expected) -> Result<Tok<'a>> {
        match self.peek() {
            Some(t) if t.text != "|" => {
                self.pos += 1;
                Ok(t)
            }
            _ => Err(self.expected(what)),
        }
    }
    fn u64(&mut self, what: Expected) -> Result<u64> {
        match self.peek() {
            Some(t) if t.text.bytes().all(|b| b.is_ascii_digit()) => match t.text.parse::<u64>() {
                Ok(n) => {
                    self.pos += 1;
                    Ok(n)
                }
                Err(_) => Err(self.invalid(t.col, Invalid::TooLarge(t.text.to_string()))),
            },
            _ => Err(self.expected(what)),
        }
    }
    fn peek_is_number(&self) -> bool {
        self.peek().is_some_and(|t| t.text.bytes().next().is_some_and(|b| b.is_ascii_digit()))
    }

    // ---- Servers ----------------------------------------------------------------------

    fn server_id(&mut self) -> Result<ServerId> {
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

    fn is_server_ref(&self, t: Tok<'_>) -> bool {
        t.text.eq_ignore_ascii_case("leader") || parse_server_token(t.text).is_some() || self.names.contains(t.text)
    }

    fn server_ref(&mut self) -> Result<ServerRef> {
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

    /// One or more server references; `S1..S5` stands for S1 S2 S3 S4 S5.
    fn server_refs(&mut self) -> Result<Vec<ServerRef>> {
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
    fn server_ids(&mut self) -> Result<Vec<ServerId>> {
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
    fn server_range(&mut self, t: Tok<'_>) -> Result<Option<Vec<ServerId>>> {
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
    fn server_set(&mut self) -> Result<ServerSet> {
        if self.eat("all") {
            return Ok(ServerSet::All);
        }
        match self.server_refs() {
            Ok(list) => Ok(ServerSet::List(list)),
            Err(_) => Err(self.expected(Expected::AllOrServerRef)),
        }
    }

    /// `on SET`, or every live server if absent.
    fn on_set(&mut self) -> Result<ServerSet> {
        if self.eat("on") {
            self.server_set()
        } else {
            Ok(ServerSet::All)
        }
    }

    // ---- Quantities -------------------------------------------------------------------

    fn duration(&mut self) -> Result<Duration> {
        let Some(t) = self.peek() else { return Err(self.expected(Expected::Duration)) };
        let d = parse_duration(t.text, None).map_err(|m| self.duration_error(t, m))?;
        self.pos += 1;
        Ok(d)
    }

    fn duration_error(&self, t: Tok<'_>, m: DurationError) -> ScenarioError {
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
    fn duration_ms(&mut self) -> Result<u64> {
        let col = self.col();
        let d = self.duration()?;
        whole_ms(d).ok_or_else(|| self.invalid(col, Invalid::NotWholeMs(d.to_string())))
    }

    /// `150ms..300ms`, `150..300ms` or a single duration (both ends equal), in whole
    /// milliseconds.
    fn range_ms(&mut self) -> Result<(u64, u64)> {
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
    fn probability(&mut self) -> Result<f64> {
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

    fn break_switch(&mut self) -> Result<BreakSwitch> {
        let Some(t) = self.peek() else { return Err(self.expected(Expected::BreakSwitch)) };
        match BreakSwitch::from_name(&t.text.to_ascii_lowercase()) {
            Some(b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.expected(Expected::BreakSwitch)),
        }
    }

    /// `on` or `off`; `on` when absent.
    fn on_off(&mut self) -> Result<bool> {
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
    fn arrow(&mut self) -> Result<bool> {
        if self.eat("->") {
            Ok(false)
        } else if self.eat("<->") {
            Ok(true)
        } else {
            Err(self.expected(Expected::Arrow))
        }
    }

    /// The rest of the line as a client operation: `set x 3`, `get x`, `del x`, `incr x`.
    fn op(&mut self) -> Result<Op> {
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

/// `S3` or `s3`: `None` if the word is not shaped like a server, `Some(Err)` if it is but
/// out of range.
fn parse_server_token(text: &str) -> Option<std::result::Result<ServerId, Invalid>> {
    let digits = text.strip_prefix(['S', 's'])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<u32>() {
        Ok(n) if (1..=MAX_SERVERS).contains(&n) => Some(Ok(ServerId(n))),
        _ => Some(Err(Invalid::NoServer(text.to_string()))),
    }
}

enum DurationError {
    NotADuration,
    Invalid(Invalid),
}

/// The unit a duration ends with, if any.
fn unit_of(text: &str) -> Option<&str> {
    let i = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    Some(&text[i..])
}

/// `150ms`, `2s`, `1.5s`, `250us`. `default_unit` is used when none is written (the first
/// half of a range such as `150..300ms`).
fn parse_duration(text: &str, default_unit: Option<&str>) -> std::result::Result<Duration, DurationError> {
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
    let too_long = || DurationError::Invalid(Invalid::TooLong(text.to_string()));
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
    // Time is kept in microseconds as u64; keep far from overflow when adding.
    if us > 1_000_000_000_000_000 {
        return Err(too_long());
    }
    Ok(Duration(us))
}

fn whole_ms(d: Duration) -> Option<u64> {
    (d.0 % 1000 == 0).then_some(d.0 / 1000)
}

impl Parser {
    fn line(&mut self, line: usize, raw: &str) -> Result<()> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(());
        }
        if let Some((key, text)) = metadata(trimmed) {
            return self.metadata(line, raw, key, text);
        }
        let code = strip_comment(raw);
        let source = code.trim().to_string();
        let toks = tokenize(code);
        let names = std::mem::take(&mut self.names);
        let mut c = Cursor { toks, pos: 0, line, end_col: code.chars().count() + 1, names: &names };
        let result = self.statement(&mut c, source);
        self.names = names;
        if let Some(name) = result? {
            self.names.insert(name);
        }
        Ok(())
    }

    fn metadata(&mut self, line: usize, raw: &str, key: &str, text: &str) -> Result<()> {
        // Column of the text: after the key and colon, skipping spaces.
        let key_col = raw.chars().take_while(|c| c.is_whitespace()).count() + 1;
        let text = text.trim();
        let text_col = raw.chars().count() - raw.trim_start().chars().count() + key.chars().count() + 2;
        if text.is_empty() {
            return Err(ScenarioError::Expected {
                line,
                column: text_col,
                expected: Expected::MetadataText(key.to_string()),
                found: None,
            });
        }
        let lower = key.to_ascii_lowercase();
        let once = |slot: &mut Option<String>| {
            if slot.is_some() {
                let reason = Invalid::MetadataTwice(key.to_string());
                return Err(ScenarioError::Invalid { line, column: key_col, reason });
            }
            *slot = Some(text.to_string());
            Ok(())
        };
        match lower.as_str() {
            "title" => once(&mut self.title)?,
            "description" => once(&mut self.description)?,
            "title-zh" => once(&mut self.title_zh)?,
            "description-zh" => once(&mut self.description_zh)?,
            "goal-zh" => {
                if self.goal.is_none() {
                    return Err(ScenarioError::Invalid { line, column: key_col, reason: Invalid::NeedsGoal });
                }
                once(&mut self.goal_zh)?
            }
            "step" => {
                if self.in_setup {
                    self.finish_setup(line)?;
                }
                self.statements.push(Statement {
                    line,
                    source: raw.trim().to_string(),
                    at: None,
                    kind: StatementKind::Narrate { text: text.to_string(), zh: None, question: None, answer: None },
                });
            }
            "step-zh" | "question" | "question-zh" | "answer" | "answer-zh" => {
                let Some(StatementKind::Narrate { zh, question, answer, .. }) =
                    self.statements.last_mut().map(|s| &mut s.kind)
                else {
                    let reason = Invalid::NeedsStep(key.to_string());
                    return Err(ScenarioError::Invalid { line, column: key_col, reason });
                };
                let slot = match lower.as_str() {
                    "step-zh" => zh,
                    "question" | "answer" => {
                        let l = if lower == "question" { question } else { answer };
                        let l = l.get_or_insert_with(Localized::default);
                        if !l.en.is_empty() {
                            let reason = Invalid::StepHasTwo(key.to_string());
                            return Err(ScenarioError::Invalid { line, column: key_col, reason });
                        }
                        l.en = text.to_string();
                        return Ok(());
                    }
                    "question-zh" => &mut question.get_or_insert_with(Localized::default).zh,
                    _ => &mut answer.get_or_insert_with(Localized::default).zh,
                };
                once(slot)?;
            }
            "goal" => {
                if self.goal.is_some() {
                    let reason = Invalid::MetadataTwice("goal".into());
                    return Err(ScenarioError::Invalid { line, column: key_col, reason });
                }
                // Parse the text where it stands, so that columns in errors are right.
                let start = raw.chars().count() - raw.trim_start().chars().count() + key.chars().count() + 1;
                let masked: String = " ".repeat(start) + strip_comment(&raw.chars().skip(start).collect::<String>());
                let toks = tokenize(&masked);
                let names = std::mem::take(&mut self.names);
                let mut c = Cursor { toks, pos: 0, line, end_col: masked.chars().count() + 1, names: &names };
                let goal = goal(&mut c, line, masked.trim().to_string());
                self.names = names;
                self.goal = Some(goal?);
            }
            _ => {
                return Err(ScenarioError::Expected {
                    line,
                    column: key_col,
                    expected: Expected::MetadataKey,
                    found: Some(format!("{key}:")),
                })
            }
        }
        Ok(())
    }

    /// Parses one statement. Returns the name a `let` binds.
    fn statement(&mut self, c: &mut Cursor<'_>, source: String) -> Result<Option<String>> {
        let line = c.line;
        let Some(first) = c.peek() else { return Ok(None) };
        let keyword = first.text.to_ascii_lowercase();
        let setup_only = matches!(
            keyword.as_str(),
            "servers"
                | "seed"
                | "election-timeout"
                | "heartbeat"
                | "max-entries-per-append"
                | "client-timeout"
                | "log"
                | "term"
                | "voted"
        );
        if setup_only {
            if !self.in_setup {
                return Err(c.invalid(first.col, Invalid::SetupAfterStart(keyword)));
            }
            c.advance();
            self.setup(c, &keyword)?;
            c.finish()?;
            return Ok(None);
        }
        let dual = matches!(keyword.as_str(), "loss" | "duplication" | "latency" | "break");
        if dual && self.in_setup {
            c.advance();
            match self.command(c, &keyword)? {
                Command::Loss { loss } => self.config.network.loss = loss,
                Command::Duplication { duplication } => self.config.network.duplication = duplication,
                Command::Latency { min_ms, max_ms } => {
                    self.config.network.latency_min_ms = min_ms;
                    self.config.network.latency_max_ms = max_ms;
                }
                Command::Break { switch, on } => self.config.breaks.set(switch, on),
                _ => {}
            }
            self.last_config_line = Some(line);
            c.finish()?;
            return Ok(None);
        }
        let mut at = None;
        if keyword == "at" {
            c.advance();
            let d = c.duration()?;
            at = Some(Time(d.0));
            if c.peek().is_some_and(|t| t.text.eq_ignore_ascii_case("run") || t.text.eq_ignore_ascii_case("step")) {
                return Err(c.invalid(c.col(), Invalid::AtBeforeRun));
            }
            if c.at_end() {
                return Err(c.expected(Expected::AfterAt));
            }
        }
        let Some(head) = c.advance() else { return Err(c.expected(Expected::Statement)) };
        let keyword = head.text.to_ascii_lowercase();
        if self.in_setup {
            self.finish_setup(line)?;
        }
        let mut bound = None;
        let kind = match keyword.as_str() {
            "run" => StatementKind::Run { run: run_spec(c)? },
            "step" => {
                let count = if c.at_end() { 1 } else { c.u64(Expected::EventCount)? };
                StatementKind::Run { run: RunSpec::Steps { count } }
            }
            "expect" => StatementKind::Expect { expectation: expectation(c)? },
            "let" => {
                let t = c.word(Expected::Name)?;
                let name = t.text;
                let valid = name.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic())
                    && name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
                if !valid {
                    return Err(c.invalid(t.col, Invalid::NotAName(name.to_string())));
                }
                if parse_server_token(name).is_some() || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                    return Err(c.invalid(t.col, Invalid::NameTaken(name.to_string())));
                }
                c.expect_word("=")?;
                let server = c.server_ref()?;
                bound = Some(name.to_string());
                StatementKind::Let { name: name.to_string(), server }
            }
            "crash" | "kill" | "restart" | "timeout" | "align-timers" | "spread-timers" | "request" | "membership"
            | "partition" | "isolate" | "heal" | "cut" | "restore" | "drop" | "loss" | "duplication" | "latency"
            | "break" => StatementKind::Act { command: self.command(c, &keyword)? },
            _ => {
                return Err(ScenarioError::Expected {
                    line,
                    column: head.col,
                    expected: Expected::Statement,
                    found: Some(head.text.to_string()),
                })
            }
        };
        c.finish()?;
        self.statements.push(Statement { line, source, at, kind });
        Ok(bound)
    }

    fn setup(&mut self, c: &mut Cursor<'_>, keyword: &str) -> Result<()> {
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
                if n == 0 || n > 1_000_000 {
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
    fn finish_setup(&mut self, line: usize) -> Result<()> {
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

    /// Actions (and the network settings, which are also actions once the run started).
    fn command(&mut self, c: &mut Cursor<'_>, keyword: &str) -> Result<Command> {
        Ok(match keyword {
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
            _ => return Err(c.expected(Expected::Statement)),
        })
    }
}

/// `title: text`: a word of letters and `-` directly followed by a colon.
fn metadata(line: &str) -> Option<(&str, &str)> {
    let (key, text) = line.split_once(':')?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic() || c == '-')).then_some((key, text))
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
        let term = match term_text.parse::<u64>() {
            Ok(n) if n >= 1 && term_text.bytes().all(|b| b.is_ascii_digit()) => n,
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
                        Payload::Command(ClientRequest { client, seq: 1, op })
                    }
                }
            }
        };
        entries.push(Entry { term: Term(term), payload });
    }
    Ok(entries)
}

fn run_spec(c: &mut Cursor<'_>) -> Result<RunSpec> {
    if c.eat("until") {
        if c.peek_is_number() {
            let d = c.duration()?;
            return Ok(RunSpec::UntilTime { time: Time(d.0) });
        }
        let condition = expectation(c).map_err(|e| match e {
            ScenarioError::Expected { line, column, expected: Expected::Condition, found } => {
                ScenarioError::Expected { line, column, expected: Expected::TimeOrCondition, found }
            }
            other => other,
        })?;
        let within = if c.eat("within") { c.duration()? } else { DEFAULT_WITHIN };
        return Ok(RunSpec::Until { condition, within });
    }
    if c.peek_is_number() {
        return Ok(RunSpec::For { duration: c.duration()? });
    }
    Err(c.expected(Expected::RunSpec))
}

/// `goal: CONDITION [and CONDITION]... [for DURATION]`.
fn goal(c: &mut Cursor<'_>, line: usize, source: String) -> Result<Goal> {
    let mut all_of = vec![expectation(c)?];
    while c.eat("and") {
        all_of.push(expectation(c)?);
    }
    let hold_for = if c.eat("for") { c.duration()? } else { Duration(0) };
    if !c.at_end() {
        return Err(c.expected(Expected::GoalRest));
    }
    Ok(Goal { line, source, all_of, hold_for })
}

fn expectation(c: &mut Cursor<'_>) -> Result<Expectation> {
    let negated = c.eat("not");
    Ok(Expectation { negated, condition: condition(c)? })
}

fn condition(c: &mut Cursor<'_>) -> Result<Condition> {
    let Some(head) = c.peek() else { return Err(c.expected(Expected::Condition)) };
    let word = head.text.to_ascii_lowercase();
    c.advance();
    Ok(match word.as_str() {
        "leader" => {
            let server = match c.peek() {
                Some(t) if c.is_server_ref(t) => Some(c.server_ref()?),
                _ => None,
            };
            Condition::Leader { server }
        }
        "leaders" if c.peek_is_number() => Condition::LeaderCount { count: c.u64(Expected::LeaderCount)? },
        "leaders" => Condition::Leaders { servers: c.server_refs()? },
        "up" => Condition::UpCount { at_least: c.u64(Expected::UpCount)? },
        "one" => {
            c.expect_word("leader")?;
            Condition::OneLeader
        }
        "no" => {
            c.expect_word("leader")?;
            Condition::NoLeader
        }
        "term" => {
            let server = match c.peek() {
                Some(t) if c.is_server_ref(t) => Some(c.server_ref()?),
                _ => None,
            };
            let cmp = if c.eat("=") || c.eat("==") {
                Cmp::Eq
            } else if c.eat(">=") {
                Cmp::Ge
            } else if c.eat("<=") {
                Cmp::Le
            } else if c.eat(">") {
                Cmp::Gt
            } else if c.eat("<") {
                Cmp::Lt
            } else {
                Cmp::Eq
            };
            Condition::Term { server, cmp, term: c.u64(Expected::Term)? }
        }
        "role" => {
            let server = c.server_ref()?;
            let state = match c.peek().map(|t| t.text.to_ascii_lowercase()).as_deref() {
                Some("leader") => RoleState::Role(RoleKind::Leader),
                Some("follower") => RoleState::Role(RoleKind::Follower),
                Some("candidate") => RoleState::Role(RoleKind::Candidate),
                Some("down" | "crashed") => RoleState::Down,
                Some("up") => RoleState::Up,
                Some("retired" | "removed") => RoleState::Retired,
                _ => return Err(c.expected(Expected::Role)),
            };
            c.advance();
            Condition::Role { server, state }
        }
        "log" => {
            let server = c.server_ref()?;
            let mut terms = Vec::new();
            if !c.eat("empty") {
                while !c.at_end() && !c.peek_is("within") && !c.peek_is("and") && !c.peek_is("for") {
                    terms.push(c.u64(Expected::LogTerm)?);
                }
            }
            Condition::Log { server, terms }
        }
        "same" => {
            c.expect_word("log")?;
            Condition::SameLog { on: c.on_set()? }
        }
        "committed" => {
            let index = c.u64(Expected::LogIndex)?;
            Condition::Committed { index, on: c.on_set()? }
        }
        "applied" => {
            let index = c.u64(Expected::LogIndex)?;
            Condition::Applied { index, on: c.on_set()? }
        }
        "value" => {
            let key = c.word(Expected::Key)?.text.to_string();
            c.expect_word("=")?;
            let value = c.word(Expected::ValueOrNone)?.text;
            let value = (!value.eq_ignore_ascii_case("none")).then(|| value.to_string());
            Condition::Value { key, value, on: c.on_set()? }
        }
        "reply" => {
            let request = c.u64(Expected::RequestNumber)?;
            let result = if c.eat("=") { Some(c.word(Expected::Result)?.text.to_string()) } else { None };
            Condition::Reply { request, result }
        }
        "config" => {
            let first = c.server_ids()?;
            let (old, new) = if c.eat("->") { (Some(first), c.server_ids()?) } else { (None, first) };
            Condition::Config { old, new, on: c.on_set()? }
        }
        "membership" => {
            let phase = c
                .peek()
                .and_then(|t| Phase::ALL.into_iter().find(|p| t.text.eq_ignore_ascii_case(p.name())))
                .ok_or_else(|| c.expected(Expected::Phase))?;
            c.advance();
            Condition::Membership { phase }
        }
        "safe" => Condition::Safe,
        "violated" => {
            let mut any_of = vec![property(c)?];
            while c.eat("or") {
                any_of.push(property(c)?);
            }
            Condition::Violated { any_of }
        }
        _ => {
            return Err(ScenarioError::Expected {
                line: c.line,
                column: head.col,
                expected: Expected::Condition,
                found: Some(head.text.to_string()),
            })
        }
    })
}

fn property(c: &mut Cursor<'_>) -> Result<Property> {
    let found = c.peek().and_then(|t| Property::from_slug(&t.text.to_ascii_lowercase()));
    match found {
        Some(p) => {
            c.advance();
            Ok(p)
        }
        None => Err(c.expected(Expected::Property)),
    }
}
