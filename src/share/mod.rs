//! Share links: a whole run in the URL fragment.
//!
//! A link is `#v1:<data>`, where `<data>` is the run (its scenario, settings, starting
//! state and every user action with the event and time it happened at) as JSON, zlib
//! compressed, then base64url encoded without padding. Opening a link replays the run
//! with [`Sim::replay`] and checks that it reaches the state the link was made at (a
//! hash of it travels in the link), so a link never silently shows something else.
//!
//! Versions: the tag before the colon names the payload's format. When the format
//! changes, the old payload type stays here under its version (`SharedRunV1`), a new
//! [`Version`] variant decodes it and converts it to the current [`SharedRun`], and a
//! checked-in fixture of every old version (`v1-fixture.txt`) keeps opening.
//!
//! Everything here is pure Rust; the page only reads and writes `location.hash`.

use crate::raft::Time;
use crate::scenario;
use crate::sim::{ActionRecord, InitialState, Sim, SimConfig};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// At most this many characters of link data are read: long before this, a link is
/// too long for browsers and chat programs anyway.
pub const MAX_LINK_CHARS: usize = 256 * 1024;
/// A decompressed payload may be at most this large (a guard against zip bombs).
pub const MAX_PAYLOAD_BYTES: usize = 2 * 1024 * 1024;
/// A shared run may last at most this long in simulated time, so that opening a link
/// always finishes.
pub const MAX_REPLAY_TIME: Time = Time(3_600 * 1_000_000);
/// At most this many user actions, and no action later than this event number.
pub const MAX_ACTIONS: usize = 20_000;
pub const MAX_EVENT: u64 = 5_000_000;

/// The formats a link can be written in. Every version ever released stays readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// JSON of [`SharedRun`], zlib, base64url without padding.
    V1,
}

impl Version {
    /// The version new links are written in.
    pub const CURRENT: Version = Version::V1;
    pub const ALL: &'static [Version] = &[Version::V1];

    /// The tag before the colon: `v1`.
    pub fn tag(self) -> &'static str {
        match self {
            Version::V1 => "v1",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Version> {
        Version::ALL.iter().copied().find(|v| v.tag() == tag)
    }
}

/// The scenario a run started from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
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
            ScenarioSource::Library(name) => scenario::library()
                .iter()
                .find(|s| s.file == name)
                .map(|s| s.text.to_string())
                .ok_or_else(|| ShareError::UnknownScenario(name.clone())),
            ScenarioSource::Text(text) => Ok(text.clone()),
        }
    }
}

/// A whole run, as a link carries it (format v1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedRun {
    /// The scenario or exercise the run started from, if one was loaded: the page shows
    /// its title, goal and lesson again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<ScenarioSource>,
    /// The settings the run started with (seed included).
    pub config: SimConfig,
    /// Each server's starting term, vote and log, when not all empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<Vec<InitialState>>,
    /// Every user action, with the event count and time it was applied at.
    #[serde(default)]
    pub actions: Vec<ActionRecord>,
    /// The simulated time the link was made at: the replay runs until then.
    pub until: Time,
    /// [`Sim::state_hash`] when the link was made: the replay must reach it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<u64>,
}

/// Why a link could not be opened. Each message says what is wrong with the link.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ShareError {
    #[error("the link holds no run (nothing after `#`)")]
    Empty,
    #[error("the link has no format version: it should start with `#v1:`")]
    NoVersion,
    #[error("the link is in format `{0}`, which this playground cannot read (it reads v1)")]
    UnknownVersion(String),
    #[error("the link is damaged: character {position} (`{found}`) is not base64url")]
    BadBase64 { position: usize, found: char },
    #[error("the link is damaged: it was cut short (its length does not fit base64url)")]
    Truncated,
    #[error("the link is damaged: its data is truncated or corrupt ({0})")]
    Corrupt(String),
    #[error("the link is too long to open (over {0} bytes)")]
    TooLarge(usize),
    #[error("the link's data does not describe a run: {0}")]
    BadData(String),
    #[error("the link names scenario `{0}`, which this playground does not have")]
    UnknownScenario(String),
    #[error("the link's scenario does not parse: {0}")]
    Scenario(String),
    #[error("the link's run cannot be replayed: {0}")]
    Replay(String),
    #[error("the link's run replays to a different state in this version of the playground")]
    Diverged,
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
            hash: Some(sim.state_hash()),
        }
    }

    /// Replays the run from its start to `until`, and checks it reached the shared state.
    pub fn replay(&self) -> Result<Sim, ShareError> {
        self.validate()?;
        let sim = Sim::replay(self.config.clone(), self.initial.clone(), &self.actions, self.until)
            .map_err(ShareError::Replay)?;
        if self.hash.is_some_and(|h| h != sim.state_hash()) {
            return Err(ShareError::Diverged);
        }
        Ok(sim)
    }

    /// Bounds that keep opening a link finite, whatever the link says.
    fn validate(&self) -> Result<(), ShareError> {
        let bad = |m: String| Err(ShareError::BadData(m));
        if self.until > MAX_REPLAY_TIME {
            return bad(format!("the run lasts {}, more than the {} a link may hold", self.until, MAX_REPLAY_TIME));
        }
        if self.actions.len() > MAX_ACTIONS {
            return bad(format!("{} actions, more than the {MAX_ACTIONS} a link may hold", self.actions.len()));
        }
        let mut last_event = 0;
        for (i, a) in self.actions.iter().enumerate() {
            if a.time > self.until || a.at_event > MAX_EVENT || a.at_event < last_event {
                return bad(format!("action {} (`{}`) is out of order or past the end of the run", i + 1, a.action));
            }
            last_event = a.at_event;
        }
        if let Some(initial) = &self.initial {
            if initial.len() != self.config.servers as usize {
                return bad(format!("{} starting states for {} servers", initial.len(), self.config.servers));
            }
        }
        Ok(())
    }
}

/// The link data for `run`, without the `#`: `v1:...`.
pub fn encode(run: &SharedRun) -> String {
    let json = serde_json::to_vec(run).expect("a run is plain data");
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&json, 9);
    format!("{}:{}", Version::CURRENT.tag(), URL_SAFE_NO_PAD.encode(compressed))
}

/// Reads link data (with or without the leading `#`). Positions in errors count the
/// characters after `#` from 1.
pub fn decode(fragment: &str) -> Result<SharedRun, ShareError> {
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
    let bytes = URL_SAFE_NO_PAD.decode(data).map_err(|e| base64_error(e, data, data_start))?;
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&bytes, MAX_PAYLOAD_BYTES).map_err(|e| {
        match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge(MAX_PAYLOAD_BYTES),
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => ShareError::Corrupt("it ends early".into()),
            miniz_oxide::inflate::TINFLStatus::Adler32Mismatch => ShareError::Corrupt("checksum mismatch".into()),
            _ => ShareError::Corrupt("it does not decompress".into()),
        }
    })?;
    match version {
        Version::V1 => serde_json::from_slice::<SharedRun>(&json).map_err(|e| ShareError::BadData(e.to_string())),
    }
}

/// Decodes and replays a link: the run and the cluster it reaches.
pub fn open(fragment: &str) -> Result<(SharedRun, Sim), ShareError> {
    let run = decode(fragment)?;
    if let Some(source) = &run.scenario {
        // The scenario must still exist and parse, for its title, goal and lesson.
        let text = source.text()?;
        scenario::parse(&text).map_err(|e| ShareError::Scenario(e.to_string()))?;
    }
    let sim = run.replay()?;
    Ok((run, sim))
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
