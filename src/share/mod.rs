//! Share links: a whole run in the URL fragment.
//!
//! A link is `#v2:<data>`, where `<data>` is the run written as text (one statement per
//! line: its settings, every user action with the event and time it happened at, the
//! time, the number of events and the state hash it was made at, and its scenario), zlib compressed, then base64url
//! encoded without padding. Actions are written in the scenario format (`crash S1`,
//! `partition S1 S2 | S3`) and read back by the scenario parser, so the page needs no
//! second grammar and no JSON library. Opening a link replays the run with
//! [`Sim::replay`] and checks that it reaches the state the link was made at, so a link
//! never silently shows something else. The format is documented in docs/share-links.md.
//!
//! Versions: the tag before the colon names the payload's format. When the format
//! changes, the old reader stays here under its version, a new [`Version`] variant
//! reads the new one, and a checked-in fixture of every old version (`v1-fixture.txt`)
//! keeps opening.
//!
//! Everything here is pure Rust. Natively, zlib is miniz_oxide's; the page uses the
//! browser's own (`CompressionStream`, see `ui::zlib`) and so carries no deflate code:
//! [`run_text`] and [`wrap`] make a link around it, [`unwrap`] and [`read`] read one.

use crate::raft::{BreakSwitch, ProtocolOption, Time};
use crate::scenario::{self, ScenarioError};
use crate::sim::limits::Setting;
use crate::sim::replay::Replayer;
use crate::sim::{ActionRecord, InitialState, ReplayError, Sim, SimConfig};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt::Write;
use thiserror::Error;

/// At most this many characters of link data are read: long before this, a link is
/// too long for browsers and chat programs anyway.
pub const MAX_LINK_CHARS: usize = 256 * 1024;
/// A decompressed payload may be at most this large (a guard against zip bombs).
pub const MAX_PAYLOAD_BYTES: usize = 2 * 1024 * 1024;
/// A shared run may last at most this long in simulated time, so that opening a link
/// always finishes (the `run-time` limit of docs/limits.md).
pub const MAX_REPLAY_TIME: Time = Setting::RunTime.max_time();
/// At most this many user actions, and no action later than this event number (the
/// `actions` and `run-events` limits).
pub const MAX_ACTIONS: usize = Setting::Actions.range().max as usize;
pub const MAX_EVENT: u64 = Setting::RunEvents.range().max;

/// The formats a link can be written in. Every version ever released stays readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// The run as text (see the module docs), zlib, base64url without padding. Its end
    /// is a time only: opening it runs every event at that time.
    V1,
    /// V1 with an `events` line: the number of events at the end, so that a link made
    /// between two events at one instant (after a Step) opens at that very position.
    V2,
}

impl Version {
    /// The version new links are written in.
    pub const CURRENT: Version = Version::V2;
    pub const ALL: &'static [Version] = &[Version::V1, Version::V2];

    /// The tag before the colon: `v2`.
    pub fn tag(self) -> &'static str {
        match self {
            Version::V1 => "v1",
            Version::V2 => "v2",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Version> {
        Version::ALL.iter().copied().find(|v| v.tag() == tag)
    }
}

/// The scenario a run started from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioSource {
    /// A library scenario, by file name (`leader-crash.scn`): the link stays short.
    Library(String),
    /// A scenario loaded from a file or pasted: its whole text.
    Text(String),
}

impl ScenarioSource {
    /// The scenario's text: the library's copy, or the text itself.
    pub fn text(&self) -> Result<String, ShareError> {
        match self {
            // On the page, the library's text is there once fetched: the page fetches a
            // library scenario before it asks for its text (`src/ui/fetch.rs`).
            ScenarioSource::Library(name) => {
                scenario::library_text(name).ok_or_else(|| ShareError::UnknownScenario(name.clone()))
            }
            ScenarioSource::Text(text) => Ok(text.clone()),
        }
    }
}

/// A whole run, as a link carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedRun {
    /// The scenario or exercise the run started from, if one was loaded: the page shows
    /// its title, goal and lesson again.
    pub scenario: Option<ScenarioSource>,
    /// The settings the run started with (seed included).
    pub config: SimConfig,
    /// Each server's starting term, vote and log, when not all empty. Only a scenario's
    /// set-up makes such a start, so a link says "the scenario's start" instead of
    /// spelling out the logs, and opening it reads them from the scenario again.
    pub initial: Option<Vec<InitialState>>,
    /// Every user action, with the event count and time it was applied at.
    pub actions: Vec<ActionRecord>,
    /// The simulated time the link was made at: the replay runs until then.
    pub until: Time,
    /// How many events had been processed when the link was made (v2 links; a v1 link
    /// runs every event at `until`).
    pub until_events: Option<u64>,
    /// [`Sim::state_hash`] when the link was made: the replay must reach it.
    pub hash: Option<u64>,
}

/// Why a link could not be made or opened. Each message says what is wrong with the link;
/// lines count the lines of the link's decompressed data from 1.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ShareError {
    #[error("the link holds no run (nothing after `#`)")]
    Empty,
    #[error("the link has no format version: it should start with `#v2:`")]
    NoVersion,
    #[error("the link is in format `{0}`, which this playground cannot read (it reads v1 and v2)")]
    UnknownVersion(String),
    #[error("the link is damaged: character {position} (`{found}`) is not base64url")]
    BadBase64 { position: usize, found: char },
    #[error("the link is damaged: it was cut short (its length does not fit base64url)")]
    Truncated,
    #[error("the link is damaged: its data is truncated or corrupt ({0})")]
    Corrupt(Damage),
    #[error("the link is too long to open (over {0} bytes)")]
    TooLarge(usize),
    #[error("line {line} of the link's data is not part of a run: `{text}`")]
    BadLine { line: usize, text: String },
    #[error("line {line} of the link's data: the action does not read ({error})")]
    BadAction {
        line: usize,
        #[source]
        error: ScenarioError,
    },
    #[error("the link's data has no `{0}` line")]
    Missing(&'static str),
    #[error("the link names scenario `{0}`, which this playground does not have")]
    UnknownScenario(String),
    #[error("the link's scenario does not parse: {0}")]
    Scenario(#[source] ScenarioError),
    #[error("the link's run cannot be replayed: {0}")]
    Replay(ReplayError),
    #[error("the link's run replays to a different state in this version of the playground")]
    Diverged,
    #[error("this run starts from logs that no loaded scenario sets up, so a link cannot carry it")]
    StartNotShareable,
    #[error("the link's run is longer than the page runs by itself: over {} {}", .0.range().max, .0)]
    OverBudget(Setting),
}

impl SharedRun {
    /// The run `sim` has made so far (up to now: actions recorded ahead of now after
    /// travelling back in time are left out), started from `scenario` if given.
    pub fn from_sim(sim: &Sim, scenario: Option<ScenarioSource>) -> SharedRun {
        let initial = sim.initial_state();
        let all_empty = initial.iter().all(|s| *s == InitialState::default());
        SharedRun {
            scenario,
            config: sim.initial_config().clone(),
            initial: (!all_empty).then(|| initial.to_vec()),
            actions: sim.applied_actions().to_vec(),
            until: sim.now(),
            until_events: Some(sim.events()),
            hash: Some(sim.state_hash()),
        }
    }

    /// Replays the run from its start to its end, and checks it reached the shared state.
    pub fn replay(&self) -> Result<Sim, ShareError> {
        let mut opening = Opening::new(self)?;
        while !opening.advance(u64::MAX)? {}
        opening.finish(self)
    }

    /// Whether `sim` stands where the link was made: its events and state hash, as the
    /// link recorded them.
    fn is_at_end(&self, sim: &Sim) -> bool {
        self.hash.is_none_or(|h| h == sim.state_hash()) && self.until_events.is_none_or(|n| n == sim.events())
    }

    /// Whether `sim` (a run of the link's scenario, gone to the link's end) is this very
    /// run: the same settings, start and actions, at the link's end. Then opening the link
    /// need not replay it.
    pub fn is_run_of(&self, sim: &Sim) -> bool {
        let start = match &self.initial {
            Some(initial) => initial.as_slice() == sim.initial_state(),
            None => sim.initial_state().iter().all(|s| *s == InitialState::default()),
        };
        start
            && sim.initial_config() == &self.config
            && sim.now() == self.until
            && sim.applied_actions() == self.actions.as_slice()
            && self.is_at_end(sim)
    }

    /// The starting logs the scenario sets up, when they are this run's.
    fn scenario_start(&self) -> Result<Vec<InitialState>, ShareError> {
        let Some(source) = &self.scenario else { return Err(ShareError::StartNotShareable) };
        let parsed = scenario::parse(&source.text()?).map_err(ShareError::Scenario)?;
        Ok(parsed.initial)
    }
}

/// A link's run being replayed, a slice at a time, within the `run-events` budget of
/// docs/limits.md (the page runs it in slices with a progress bar).
#[derive(Debug)]
pub struct Opening(Replayer);

impl Opening {
    pub fn new(run: &SharedRun) -> Result<Opening, ShareError> {
        let replayer =
            Replayer::new(run.config.clone(), run.initial.clone(), run.actions.clone(), run.until, run.until_events)
                .map_err(ShareError::Replay)?;
        Ok(Opening(replayer))
    }

    /// Runs at most `max_events` more events; `Ok(true)` once the run is at its end.
    pub fn advance(&mut self, max_events: u64) -> Result<bool, ShareError> {
        let budget = Setting::RunEvents.range().max;
        let left = budget.saturating_sub(self.0.sim().events());
        let done = self.0.advance(max_events.min(left)).map_err(ShareError::Replay)?;
        if !done && self.0.sim().events() >= budget {
            return Err(ShareError::OverBudget(Setting::RunEvents));
        }
        Ok(done)
    }

    /// How far the replay is, from 0 to 1 (of the run's simulated time).
    pub fn progress(&self) -> f64 {
        let until = self.0.until().0.max(1);
        (self.0.sim().now().0 as f64 / until as f64).min(1.0)
    }

    /// The replayed cluster, once it has checked that it reached the shared state.
    pub fn finish(self, run: &SharedRun) -> Result<Sim, ShareError> {
        let sim = self.0.into_sim();
        if !run.is_at_end(&sim) {
            return Err(ShareError::Diverged);
        }
        Ok(sim)
    }
}

/// The link data for `run`, without the `#`: `v2:...`. (The page compresses with the
/// browser's own zlib instead: [`run_text`], then [`wrap`].)
#[cfg(not(target_arch = "wasm32"))]
pub fn encode(run: &SharedRun) -> Result<String, ShareError> {
    let text = run_text(run)?;
    Ok(wrap(&miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 9)))
}

/// The text a link compresses for `run`, once it is known that a link can carry it.
pub fn run_text(run: &SharedRun) -> Result<String, ShareError> {
    if let Some(initial) = &run.initial {
        if run.scenario_start()? != *initial {
            return Err(ShareError::StartNotShareable);
        }
    }
    Ok(write_run(run))
}

/// Link data from a zlib stream of [`run_text`]: the version tag, then base64url.
pub fn wrap(zlib: &[u8]) -> String {
    format!("{}:{}", Version::CURRENT.tag(), URL_SAFE_NO_PAD.encode(zlib))
}

/// The run as the text a v1 link compresses. Every setting is written, defaults
/// included, so that a later change of a default does not change an old link's run.
fn write_run(run: &SharedRun) -> String {
    let c = &run.config;
    let n = &c.network;
    let mut o = String::with_capacity(256 + 32 * run.actions.len());
    let _ = writeln!(o, "seed {}\nservers {}", c.seed, c.servers);
    let _ = writeln!(
        o,
        "election-timeout {} {}\nheartbeat {}",
        c.election_timeout_min_ms, c.election_timeout_max_ms, c.heartbeat_ms
    );
    // `shortest` reads back exactly: the replay gets the very same probabilities.
    let (loss, duplication) = (crate::decimal::shortest(n.loss), crate::decimal::shortest(n.duplication));
    let _ = writeln!(o, "latency {} {}\nloss {loss}\nduplication {duplication}", n.latency_min_ms, n.latency_max_ms);
    let _ = writeln!(o, "max-entries-per-append {}\nclient-timeout {}", c.max_entries_per_append, c.client_timeout_ms);
    let _ = writeln!(o, "checkpoints {} {}", c.checkpoint_every_ms, c.max_checkpoints);
    for b in c.breaks.active() {
        let _ = writeln!(o, "break {b}");
    }
    // PreVote, CheckQuorum: a link without these lines is the paper's Raft.
    for option in c.options.active() {
        let _ = writeln!(o, "option {option}");
    }
    // Log compaction (§7): a link without this line never compacts.
    if let Some(every) = c.snapshot_every {
        let _ = writeln!(o, "snapshots {every}");
    }
    if run.initial.is_some() {
        o.push_str("start scenario\n");
    }
    for a in &run.actions {
        let _ = writeln!(o, "action {} {} {}", a.at_event, a.time.0, a.action);
    }
    let _ = writeln!(o, "until {}", run.until.0);
    if let Some(n) = run.until_events {
        let _ = writeln!(o, "events {n}");
    }
    if let Some(h) = run.hash {
        let _ = writeln!(o, "hash {h:016x}");
    }
    match &run.scenario {
        Some(ScenarioSource::Library(file)) => {
            let _ = writeln!(o, "scenario {file}");
        }
        // Last: everything after this line is the scenario's text, byte for byte.
        Some(ScenarioSource::Text(text)) => {
            o.push_str("scenario-text\n");
            o.push_str(text);
        }
        None => {}
    }
    o
}

/// A link's data before decompression: its format and its zlib stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    pub version: Version,
    pub zlib: Vec<u8>,
}

/// Reads link data (with or without the leading `#`) up to its compressed bytes.
/// Positions in errors count the characters after `#` from 1.
pub fn unwrap(fragment: &str) -> Result<Packed, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment).trim();
    if fragment.is_empty() {
        return Err(ShareError::Empty);
    }
    let Some((tag, data)) = fragment.split_once(':') else { return Err(ShareError::NoVersion) };
    let Some(version) = Version::from_tag(tag) else {
        let shown: String = tag.chars().take(16).collect();
        return Err(ShareError::UnknownVersion(shown));
    };
    if data.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLarge(MAX_LINK_CHARS));
    }
    let data_start = tag.chars().count() + 1;
    let zlib = URL_SAFE_NO_PAD.decode(data).map_err(|e| base64_error(e, data, data_start))?;
    Ok(Packed { version, zlib })
}

/// Reads a link's decompressed data (at most [`MAX_PAYLOAD_BYTES`] of it).
pub fn read(version: Version, payload: Vec<u8>) -> Result<SharedRun, ShareError> {
    let text = String::from_utf8(payload).map_err(|_| ShareError::Corrupt(Damage::NotText))?;
    read_run(&text, version)
}

/// Reads link data (with or without the leading `#`). Positions in errors count the
/// characters after `#` from 1.
#[cfg(not(target_arch = "wasm32"))]
pub fn decode(fragment: &str) -> Result<SharedRun, ShareError> {
    let packed = unwrap(fragment)?;
    let payload =
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed.zlib, MAX_PAYLOAD_BYTES).map_err(|e| {
            use miniz_oxide::inflate::TINFLStatus;
            match e.status {
                TINFLStatus::HasMoreOutput => ShareError::TooLarge(MAX_PAYLOAD_BYTES),
                TINFLStatus::FailedCannotMakeProgress => ShareError::Corrupt(Damage::EndsEarly),
                TINFLStatus::Adler32Mismatch => ShareError::Corrupt(Damage::Checksum),
                _ => ShareError::Corrupt(Damage::NotZlib),
            }
        })?;
    read(packed.version, payload)
}

/// How a link's compressed data is damaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum Damage {
    #[error("it does not decompress")]
    NotZlib,
    #[error("it ends early")]
    EndsEarly,
    #[error("checksum mismatch")]
    Checksum,
    #[error("it is not text")]
    NotText,
}

/// Reads the text [`write_run`] writes. Every line must be understood; a setting may
/// appear once, and actions must come in the order they happened.
fn read_run(text: &str, version: Version) -> Result<SharedRun, ShareError> {
    let mut run = SharedRun {
        scenario: None,
        config: SimConfig::default(),
        initial: None,
        actions: Vec::new(),
        until: Time::ZERO,
        until_events: None,
        hash: None,
    };
    let (mut seen, mut has_until, mut start_from_scenario) = (Vec::new(), false, false);
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        offset += raw.len();
        let line = i + 1;
        let raw = raw.strip_suffix('\n').unwrap_or(raw);
        let bad = || ShareError::BadLine { line, text: raw.chars().take(60).collect() };
        if raw == "scenario-text" {
            run.scenario = Some(ScenarioSource::Text(text[offset..].to_string()));
            break;
        }
        let (key, rest) = raw.split_once(' ').unwrap_or((raw, ""));
        // Settings and the end of the run appear at most once.
        if key != "action" && key != "break" && key != "option" {
            if seen.contains(&key) {
                return Err(bad());
            }
            seen.push(key);
        }
        let c = &mut run.config;
        let ok = match key {
            "seed" => number(rest).map(|v| c.seed = v),
            "servers" => number(rest).map(|v| c.servers = v),
            "election-timeout" => {
                pair(rest).map(|(a, b)| (c.election_timeout_min_ms, c.election_timeout_max_ms) = (a, b))
            }
            "heartbeat" => number(rest).map(|v| c.heartbeat_ms = v),
            "latency" => pair(rest).map(|(a, b)| (c.network.latency_min_ms, c.network.latency_max_ms) = (a, b)),
            "loss" => crate::decimal::parse(rest).map(|v| c.network.loss = v),
            "duplication" => crate::decimal::parse(rest).map(|v| c.network.duplication = v),
            "max-entries-per-append" => number(rest).map(|v| c.max_entries_per_append = v),
            "client-timeout" => number(rest).map(|v| c.client_timeout_ms = v),
            "checkpoints" => {
                pair(rest).map(|(a, b): (u64, u64)| (c.checkpoint_every_ms, c.max_checkpoints) = (a, b as usize))
            }
            "break" => BreakSwitch::from_name(rest).map(|b| c.breaks.set(b, true)),
            "option" => ProtocolOption::from_name(rest).map(|option| c.options.set(option, true)),
            "snapshots" => number(rest).map(|v| c.snapshot_every = Some(v)),
            "start" => (rest == "scenario").then(|| start_from_scenario = true),
            "action" => {
                let mut words = rest.splitn(3, ' ');
                let (Some(event), Some(time), Some(action)) = (words.next(), words.next(), words.next()) else {
                    return Err(bad());
                };
                let (Some(at_event), Some(time)) = (number::<u64>(event), number(time)) else { return Err(bad()) };
                let last_event = run.actions.last().map_or(0, |a| a.at_event);
                if run.actions.len() >= MAX_ACTIONS || at_event > MAX_EVENT || at_event < last_event {
                    return Err(bad());
                }
                let action = scenario::parse_action(action).map_err(|error| ShareError::BadAction { line, error })?;
                run.actions.push(ActionRecord { at_event, time: Time(time), action });
                Some(())
            }
            "until" => number(rest).filter(|&t| Time(t) <= MAX_REPLAY_TIME).map(|t| {
                run.until = Time(t);
                has_until = true;
            }),
            "events" if version >= Version::V2 => {
                number(rest).filter(|&n| n <= MAX_EVENT).map(|n| run.until_events = Some(n))
            }
            "hash" => u64::from_str_radix(rest, 16).ok().filter(|_| rest.len() == 16).map(|h| run.hash = Some(h)),
            "scenario" => (!rest.is_empty()).then(|| run.scenario = Some(ScenarioSource::Library(rest.to_string()))),
            _ => None,
        };
        if ok.is_none() {
            return Err(bad());
        }
    }
    if !has_until {
        return Err(ShareError::Missing("until"));
    }
    if let Some(late) = run.actions.iter().position(|a| a.time > run.until) {
        return Err(ShareError::Replay(ReplayError::AfterEnd { action: late + 1 }));
    }
    if start_from_scenario {
        run.initial = Some(run.scenario_start()?);
    }
    Ok(run)
}

/// A whole number written plainly (no sign, no leading `+`).
fn number<T: std::str::FromStr>(text: &str) -> Option<T> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

fn pair<T: std::str::FromStr>(text: &str) -> Option<(T, T)> {
    let (a, b) = text.split_once(' ')?;
    Some((number(a)?, number(b)?))
}

/// Decodes and replays a link: the run and the cluster it reaches.
#[cfg(not(target_arch = "wasm32"))]
pub fn open(fragment: &str) -> Result<(SharedRun, Sim), ShareError> {
    replay(decode(fragment)?)
}

/// Replays a decoded run: the run and the cluster it reaches.
pub fn replay(run: SharedRun) -> Result<(SharedRun, Sim), ShareError> {
    let mut opening = start_opening(&run)?;
    while !opening.advance(u64::MAX)? {}
    let sim = opening.finish(&run)?;
    Ok((run, sim))
}

/// Checks a decoded run's scenario and starts replaying it (see [`Opening`]).
pub fn start_opening(run: &SharedRun) -> Result<Opening, ShareError> {
    if let Some(source) = &run.scenario {
        // The scenario must still exist and parse, for its title, goal and lesson.
        scenario::parse(&source.text()?).map_err(ShareError::Scenario)?;
    }
    Opening::new(run)
}

fn base64_error(e: base64::DecodeError, data: &str, data_start: usize) -> ShareError {
    use base64::DecodeError::*;
    let at = |offset: usize| {
        // `offset` counts bytes; the link may hold non-ASCII characters before it.
        let chars = data.get(..offset).map_or(offset, |s| s.chars().count());
        let found = data.get(offset..).and_then(|s| s.chars().next()).unwrap_or('?');
        ShareError::BadBase64 { position: data_start + chars + 1, found }
    };
    match e {
        InvalidByte(offset, _) | InvalidLastSymbol(offset, _) => at(offset),
        InvalidLength(_) => ShareError::Truncated,
        InvalidPadding => at(data.find('=').unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests;
