//! The scenario parser: text in, [`Scenario`] out, or a [`ScenarioError`] naming the line
//! and column. One statement per line; `#` starts a comment where it starts a word. The
//! grammar is in `docs/scenarios.md`.
//!
//! Nothing here may panic on any input (a property test feeds it random text), so every
//! number is parsed with checked arithmetic and every index is bounds-checked.

mod block;
mod command;
mod condition;
mod cursor;
mod setup;

use super::ast::*;
use super::error::{Expected, Invalid, ScenarioError};
use crate::raft::Time;
use crate::sim::{InitialState, SimConfig};
use crate::sorted::{SortedMap, SortedSet};
use condition::{expectation, goal, run_spec};
use cursor::{parse_server_token, strip_comment, tokenize, Cursor};
use setup::ServerSetup;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Words that cannot be `let` names, because the grammar gives them a meaning where a
/// server may appear.
const RESERVED: &[&str] = &[
    "leader", "leaders", "all", "none", "on", "within", "not", "or", "add", "remove", "next", "message", "until",
    "and", "for", "a", "the", "among", "because", "in", "repeat", "end", "single", "joint",
];

/// Parses a scenario.
pub fn parse(text: &str) -> Result<Scenario> {
    let mut p = Parser::default();
    for (i, raw) in text.lines().enumerate() {
        let raw = if i == 0 { raw.trim_start_matches('\u{feff}') } else { raw };
        if let Some((column, c)) = super::text::control_character(raw) {
            let reason = Invalid::ControlCharacter(super::text::quote(&c.to_string()));
            return Err(ScenarioError::Invalid { line: i + 1, column, reason });
        }
        p.line(i + 1, raw)?;
    }
    if p.in_setup {
        p.finish_setup(text.lines().count().max(1))?;
    }
    p.finish_blocks()?;
    super::limits::check_caps(&p.statements)?;
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
    let Some(command) = Parser::default().command(&mut c, &keyword)? else {
        return Err(c.expected(Expected::Statement));
    };
    c.finish()?;
    let literal = |r: &ServerRef| match r {
        ServerRef::Id(id) => Ok(*id),
        _ => Err(()),
    };
    match command.action(literal) {
        Some(Ok(action)) => Ok(action),
        _ => Err(c.invalid(1, Invalid::NotOneAction(super::text::quote(text.trim())))),
    }
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
    /// The `repeat` blocks not yet ended, innermost last.
    repeats: Vec<block::OpenRepeat>,
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
            repeats: Vec::new(),
        }
    }
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
        if let Some(t) = toks.iter().find(|t| t.text.chars().nth(super::text::MAX_WORD).is_some()) {
            let reason = Invalid::WordTooLong(super::text::quote(t.text), super::text::MAX_WORD);
            return Err(ScenarioError::Invalid { line, column: t.col, reason });
        }
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
        let dual = super::actions::Verb::from_keyword(&keyword).is_some_and(|v| v.statement().in_setup);
        if dual && self.in_setup {
            c.advance();
            match self.command(c, &keyword)? {
                Some(Command::Loss { loss }) => self.config.network.loss = loss,
                Some(Command::Duplication { duplication }) => self.config.network.duplication = duplication,
                Some(Command::Latency { min_ms, max_ms }) => {
                    self.config.network.latency_min_ms = min_ms;
                    self.config.network.latency_max_ms = max_ms;
                }
                Some(Command::Break { switch, on }) => self.config.breaks.set(switch, on),
                Some(Command::Option { option, on }) => self.config.options.set(option, on),
                Some(Command::Snapshots { every }) => self.config.snapshot_every = every,
                _ => {}
            }
            self.last_config_line = Some(line);
            c.finish()?;
            return Ok(None);
        }
        if keyword == "repeat" || keyword == "end" {
            c.advance();
            if self.in_setup {
                self.finish_setup(line)?;
            }
            self.block(c, &keyword, first.col)?;
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
            "expect" if c.eat("refused") => self.expect_refused(c)?,
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
                let server = c.target()?;
                bound = Some(name.to_string());
                StatementKind::Let { name: name.to_string(), server }
            }
            _ => match self.command(c, &keyword)? {
                Some(command) => StatementKind::Act { command },
                None => {
                    return Err(ScenarioError::Expected {
                        line,
                        column: head.col,
                        expected: Expected::Statement,
                        found: Some(head.text.to_string()),
                    })
                }
            },
        };
        c.finish()?;
        self.statements.push(Statement { line, source, at, kind });
        Ok(bound)
    }
}

/// `title: text`: a word of letters and `-` directly followed by a colon.
fn metadata(line: &str) -> Option<(&str, &str)> {
    let (key, text) = line.split_once(':')?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic() || c == '-')).then_some((key, text))
}
