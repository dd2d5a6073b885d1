//! Pure helpers for the page's text and inputs: the speed scale, the URL's query
//! parameters, the partition field, how times and numbers are written, and errors in the
//! reader's language.

use super::i18n::{t, tf, K};
use crate::raft::{ChangeError, InProgress, Message, MessageBody, MessageKind, OpParseError, ServerId};
use crate::scenario::error::{Expected, Invalid};
use crate::scenario::ScenarioError;
use crate::sim::network::MAX_LATENCY_MS;
use crate::sim::{ActionError, ConfigError, DropReason, ReplayError, StepKind, MAX_SERVERS};

/// The slowest and fastest speeds, as multiples of real time.
pub const SPEED_MIN: f64 = 0.01;
pub const SPEED_MAX: f64 = 100.0;
/// A newcomer can follow one heartbeat with the eye: a 10–20 ms message takes 200–400 ms
/// of wall time, and a 50 ms heartbeat interval one second.
pub const DEFAULT_SPEED: f64 = 0.05;
/// The speed slider's range, in hundredths of a decade: -200 (0.01×) to 200 (100×).
pub const SLIDER_MIN: i32 = -200;
pub const SLIDER_MAX: i32 = 200;

/// The speed for a slider position (a log scale: every 100 steps is ×10).
pub fn speed_from_slider(position: i32) -> f64 {
    let p = position.clamp(SLIDER_MIN, SLIDER_MAX) as f64 / 100.0;
    round_speed(super::math::pow10(p))
}

/// The slider position closest to `speed`.
pub fn slider_from_speed(speed: f64) -> i32 {
    let s = clamp_speed(speed);
    ((super::math::log10(s) * 100.0).round() as i32).clamp(SLIDER_MIN, SLIDER_MAX)
}

pub fn clamp_speed(speed: f64) -> f64 {
    if speed.is_nan() {
        return DEFAULT_SPEED;
    }
    speed.clamp(SPEED_MIN, SPEED_MAX)
}

/// Two significant digits, so that the label reads `0.05×`, `1.3×`, `25×`.
fn round_speed(s: f64) -> f64 {
    let digits = 1 - super::math::log10(s).floor() as i32;
    let scale = 10f64.powi(digits);
    (s * scale).round() / scale
}

/// A speed as the page writes it: `0.05×`, `1×`, `12×`.
pub fn format_speed(speed: f64) -> String {
    let s = round_speed(clamp_speed(speed));
    format!("{}×", crate::decimal::trimmed(s, 3))
}

/// A speed one step faster or slower (the keyboard's `+` and `-`): ×2 or ÷2.
pub fn speed_step(speed: f64, faster: bool) -> f64 {
    round_speed(clamp_speed(if faster { speed * 2.0 } else { speed / 2.0 }))
}

/// Simulated time in microseconds, as the status line writes it: `1234.5 ms`, or seconds
/// with a decimal from ten seconds on.
pub fn format_sim_time(us: u64) -> String {
    if us >= 10_000_000 {
        format!("{} s", crate::decimal::fixed(us as f64 / 1e6, 2))
    } else {
        format!("{} ms", crate::decimal::fixed(us as f64 / 1e3, 1))
    }
}

/// The query parameters the page honours.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageParams {
    pub seed: Option<u64>,
    pub servers: Option<u32>,
    pub speed: Option<f64>,
    /// `bench=sim`: run the standard workload headless and print the result.
    pub bench: Option<String>,
    /// `embed=1`: the compact layout for an `<iframe>` (docs/embedding.md).
    pub embed: bool,
    /// `scenario=split-vote.scn` (or `split-vote`): load this library scenario first.
    pub scenario: Option<String>,
    /// `autoplay=1`: play from the start (an embed is paused otherwise).
    pub autoplay: bool,
    /// Parameters that were present but not understood, to show the user.
    pub problems: Vec<ParamProblem>,
}

/// A query parameter whose value the page cannot use (the value as given).
#[derive(Clone, Debug, PartialEq)]
pub enum ParamProblem {
    Seed(String),
    Servers(String),
    Speed(String),
}

/// What is wrong with a query parameter, in the reader's language.
pub fn param_problem(p: &ParamProblem) -> String {
    match p {
        ParamProblem::Seed(v) => tf(K::ParamSeed, &[v]),
        ParamProblem::Servers(v) => tf(K::ParamServers, &[v, &MAX_SERVERS]),
        ParamProblem::Speed(v) => tf(K::ParamSpeed, &[v]),
    }
}

/// Parses `?seed=7&servers=5&speed=0.1` (with or without the `?`). Unknown parameters
/// are ignored; bad values are reported in `problems` and left unset.
pub fn parse_query(query: &str) -> PageParams {
    let mut params = PageParams::default();
    for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = value.replace("%20", " ").replace('+', " ");
        let value = value.trim();
        match key {
            "seed" => match value.parse::<u64>() {
                Ok(seed) => params.seed = Some(seed),
                Err(_) => params.problems.push(ParamProblem::Seed(value.to_string())),
            },
            "servers" => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_SERVERS).contains(&n) => params.servers = Some(n),
                _ => params.problems.push(ParamProblem::Servers(value.to_string())),
            },
            "speed" => match crate::decimal::parse(value.trim_end_matches(['x', '×'])) {
                Some(s) if s.is_finite() && s > 0.0 => params.speed = Some(clamp_speed(s)),
                _ => params.problems.push(ParamProblem::Speed(value.to_string())),
            },
            "bench" => params.bench = Some(value.to_string()),
            "embed" => params.embed = value != "0",
            "autoplay" => params.autoplay = value != "0",
            "scenario" if !value.is_empty() => {
                let file = if value.ends_with(".scn") { value.to_string() } else { format!("{value}.scn") };
                params.scenario = Some(file);
            }
            _ => {}
        }
    }
    params
}

/// Writes the query string for a seed, a cluster size and a speed.
pub fn format_query(seed: u64, servers: u32, speed: f64) -> String {
    let speed = format_speed(speed);
    format!("?seed={seed}&servers={servers}&speed={}", speed.trim_end_matches('×'))
}

/// `query` without its `embed` parameter: the full playground's address for an embed.
pub fn without_embed(query: &str) -> String {
    let kept: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("embed"))
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// The `<iframe>` that embeds the page at `base` (its address without query or fragment)
/// with this seed, cluster size and library scenario, playing.
/// `title` is the frame's accessible name, in the reader's language (escaped here).
pub fn embed_snippet(base: &str, seed: u64, servers: u32, scenario: Option<&str>, title: &str) -> String {
    let scenario = scenario.map(|s| format!("&scenario={}", s.trim_end_matches(".scn"))).unwrap_or_default();
    let title = title.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    format!(
        "<iframe src=\"{base}?embed=1&autoplay=1&seed={seed}&servers={servers}{scenario}\" width=\"640\" height=\"480\" \
         title=\"{title}\" sandbox=\"allow-scripts\" loading=\"lazy\" style=\"border:0\"></iframe>"
    )
}

/// Parses the partition field: groups of servers separated by `|`, servers by spaces or
/// commas: `S1 S2 | S3 S4 S5`. Every group must name at least one server, and there must
/// be at least two groups.
pub fn parse_partition(text: &str) -> Result<Vec<Vec<ServerId>>, PartitionError> {
    let mut groups = Vec::new();
    for (g, part) in text.split('|').enumerate() {
        let mut group = Vec::new();
        for word in part.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()) {
            let id: ServerId = word.parse().map_err(|_| PartitionError::NotAServer(word.to_string()))?;
            if groups.iter().flatten().chain(group.iter()).any(|s| *s == id) {
                return Err(PartitionError::NamedTwice(id));
            }
            group.push(id);
        }
        if group.is_empty() {
            return Err(PartitionError::EmptyGroup(g + 1));
        }
        groups.push(group);
    }
    if groups.len() < 2 {
        return Err(PartitionError::OneGroup);
    }
    Ok(groups)
}

/// Why the partition field did not parse. The page shows each in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartitionError {
    NotAServer(String),
    NamedTwice(ServerId),
    /// Group number (from 1) is empty.
    EmptyGroup(usize),
    OneGroup,
}

impl std::fmt::Display for PartitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PartitionError::NotAServer(w) => write!(f, "expected a server such as S1, found `{w}`"),
            PartitionError::NamedTwice(id) => write!(f, "{id} is named twice"),
            PartitionError::EmptyGroup(g) => write!(f, "group {g} is empty: write groups like `S1 S2 | S3 S4 S5`"),
            PartitionError::OneGroup => {
                f.write_str("a partition needs two groups or more, separated by `|`: `S1 S2 | S3 S4 S5`")
            }
        }
    }
}

/// Writes groups the way [`parse_partition`] reads them.
pub fn format_partition(groups: &[Vec<ServerId>]) -> String {
    groups.iter().map(|g| g.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(" | ")
}

/// A partition to suggest: the leader (or the first server) with one neighbour in a
/// minority, the rest in the majority.
pub fn suggest_partition(servers: &[ServerId], leader: Option<ServerId>) -> Vec<Vec<ServerId>> {
    if servers.len() < 2 {
        return vec![servers.to_vec()];
    }
    let pivot = leader.filter(|l| servers.contains(l)).unwrap_or(servers[0]);
    let minority_size = ((servers.len() - 1) / 2).max(1);
    let at = servers.iter().position(|s| *s == pivot).unwrap_or(0);
    let minority: Vec<ServerId> = (0..minority_size).map(|k| servers[(at + k) % servers.len()]).collect();
    let majority: Vec<ServerId> = servers.iter().copied().filter(|s| !minority.contains(s)).collect();
    vec![minority, majority]
}

/// The colour class of a term: terms cycle through eight colours (`term-0` … `term-7`).
pub fn term_class(term: u64) -> &'static str {
    const CLASSES: [&str; 8] = ["term-0", "term-1", "term-2", "term-3", "term-4", "term-5", "term-6", "term-7"];
    CLASSES[(term % 8) as usize]
}

/// The name of a partition group as the ring labels it: A, B, C, …
pub fn group_letter(group: u32) -> char {
    (b'A' + (group % 26) as u8) as char
}

// ---- Errors in the reader's language ----------------------------------------------------
// In English each reads as the error's `Display` (a test holds them together), except
// that a refused action is a sentence and a request error uses the request box's words.

/// A scenario error with its position, in the page's language: `line 3, column 7: …`,
/// `第 3 行第 7 列：…`. What the reader wrote is quoted as written.
pub fn scenario_error(e: &ScenarioError) -> String {
    let what = match e {
        ScenarioError::Expected { expected, found, .. } => {
            let found = found.as_ref().map_or_else(|| t(K::ScnEndOfLine).to_string(), |w| format!("`{w}`"));
            tf(K::ScnExpected, &[&expected_text(expected), &found])
        }
        ScenarioError::Invalid { reason, .. } => invalid_text(reason),
    };
    tf(K::ScnAt, &[&e.line(), &e.column(), &what])
}

fn expected_text(e: &Expected) -> String {
    use Expected::*;
    let key = match e {
        Word(w) => return format!("`{w}`"),
        MetadataText(s) => return tf(K::ExpMetadataText, &[s]),
        KeyFor(s) => return tf(K::ExpKeyFor, &[s]),
        ValueFor(s) => return tf(K::ExpValueFor, &[s]),
        AllOrServerRef => return tf(K::ExpAllOr, &[&t(K::ExpServerRef)]),
        TimeOrCondition => return tf(K::ExpTimeOr, &[&t(K::ExpCondition)]),
        BreakSwitch => return tf(K::ExpBreakSwitch, &[&e.choices_with(t(K::ListSeparator))]),
        Phase => return tf(K::ExpPhase, &[&e.choices_with(t(K::ListSeparator))]),
        Property => return tf(K::ExpProperty, &[&e.choices_with(t(K::ListSeparator))]),
        EndOfLine => K::ScnEndOfLine,
        Server => K::ExpServer,
        ServerRef => K::ExpServerRef,
        Duration => K::ExpDuration,
        Range => K::ExpRange,
        Probability => K::ExpProbability,
        OnOff => K::ExpOnOff,
        Arrow => K::ExpArrow,
        Request => K::ExpRequest,
        MetadataKey => K::ExpMetadataKey,
        AfterAt => K::ExpAfterAt,
        Statement => K::ExpStatement,
        Name => K::ExpName,
        Key => K::ExpKey,
        ValueOrNone => K::ExpValueOrNone,
        Result => K::ExpResult,
        CommandAfterColon => K::ExpCommandAfterColon,
        EventCount => K::ExpEventCount,
        ServerCount => K::ExpServerCount,
        Seed => K::ExpSeed,
        EntryCount => K::ExpEntryCount,
        Term => K::ExpTerm,
        MessageNumber => K::ExpMessageNumber,
        LeaderCount => K::ExpLeaderCount,
        UpCount => K::ExpUpCount,
        LogTerm => K::ExpLogTerm,
        LogIndex => K::ExpLogIndex,
        RequestNumber => K::ExpRequestNumber,
        Membership => K::ExpMembership,
        PartitionBar => K::ExpPartitionBar,
        DropWhat => K::ExpDropWhat,
        LogEntry => K::ExpLogEntry,
        LogOp => K::ExpLogOp,
        RunSpec => K::ExpRunSpec,
        Condition => K::ExpCondition,
        GoalRest => K::ExpGoalRest,
        Role => K::ExpRole,
    };
    t(key).to_string()
}

fn invalid_text(r: &Invalid) -> String {
    use Invalid::*;
    match r {
        TooLarge(w) => tf(K::InvTooLarge, &[w]),
        NoServer(w) => tf(K::InvNoServer, &[w, &MAX_SERVERS]),
        ServerRangeBackwards(w, lo, hi) => tf(K::InvServerRangeBackwards, &[w, lo, hi]),
        NotWholeMs(w) => tf(K::InvNotWholeMs, &[w]),
        RangeBackwards(w) => tf(K::InvRangeBackwards, &[w]),
        NotAProbability(w) => tf(K::InvNotAProbability, &[w]),
        NeedsUnit(w) => tf(K::InvNeedsUnit, &[w]),
        UnknownUnit(unit, w) => tf(K::InvUnknownUnit, &[unit, w]),
        NotANumber(w) => tf(K::InvNotANumber, &[w]),
        TooLong(w) => tf(K::InvTooLong, &[w]),
        FinerThanMicrosecond(w) => tf(K::InvFinerThanMicrosecond, &[w]),
        Op(e) => op_error(e),
        SetupAfterStart(w) => tf(K::InvSetupAfterStart, &[w]),
        AtBeforeRun => t(K::InvAtBeforeRun).to_string(),
        NotAName(w) => tf(K::InvNotAName, &[w]),
        NameTaken(w) => tf(K::InvNameTaken, &[w]),
        ClusterSize(n) => tf(K::InvClusterSize, &[&MAX_SERVERS, n]),
        EntriesPerAppend(n) => tf(K::InvEntriesPerAppend, &[n]),
        LogTwice(s) => tf(K::InvLogTwice, &[s]),
        Config(e) => config_error(e),
        BeyondCluster(s, n) => tf(K::InvBeyondCluster, &[s, n, &s.0]),
        TermBelowLog(s, term, last) => tf(K::InvTermBelowLog, &[s, term, last]),
        VoteBeyond(s, v, n) => tf(K::InvVoteBeyond, &[s, v, n]),
        TermsDecrease(index, term, prev) => tf(K::InvTermsDecrease, &[index, term, prev]),
        MetadataTwice(w) => tf(K::InvMetadataTwice, &[w]),
        NeedsStep(w) => tf(K::InvNeedsStep, &[w]),
        StepHasTwo(w) => tf(K::InvStepHasTwo, &[w]),
        NeedsGoal => t(K::InvNeedsGoal).to_string(),
        NotOneAction(w) => tf(K::InvNotOneAction, &[w]),
    }
}

/// Settings out of range, in the page's language.
pub fn config_error(e: &ConfigError) -> String {
    match e {
        ConfigError::Servers { max, found } => tf(K::CfgServers, &[max, found]),
        ConfigError::ElectionTimeout { min_ms, max_ms } => tf(K::CfgElectionTimeout, &[min_ms, max_ms]),
        ConfigError::Heartbeat { election_min_ms, found_ms } => tf(K::CfgHeartbeat, &[election_min_ms, found_ms]),
        ConfigError::MaxEntriesPerAppend => t(K::CfgMaxEntries).to_string(),
        ConfigError::Loss(p) => tf(K::CfgLoss, &[p]),
        ConfigError::Duplication(p) => tf(K::CfgDuplication, &[p]),
        ConfigError::LatencyOrder { min_ms, max_ms } => tf(K::CfgLatencyOrder, &[min_ms, max_ms]),
        ConfigError::LatencyLimit(ms) => tf(K::CfgLatencyLimit, &[ms, &MAX_LATENCY_MS]),
        ConfigError::InitialStates { given, servers } => tf(K::CfgInitialStates, &[given, servers]),
    }
}

/// A client request that does not parse, in the request box's words.
pub fn op_error(e: &OpParseError) -> String {
    match e {
        OpParseError::Empty => t(K::ReqEmpty).to_string(),
        OpParseError::SetNeedsKeyAndValue => t(K::ReqSetNeeds).to_string(),
        OpParseError::OneKey(op) => tf(K::ReqOneKey, &[op]),
        OpParseError::Unknown(op) => tf(K::ReqUnknown, &[op]),
        OpParseError::BadKey(k) => tf(K::ReqBadKey, &[k]),
        OpParseError::BadValue(v) => tf(K::ReqBadValue, &[v]),
    }
}

/// Why the simulator refused an action, as a sentence in the page's language.
pub fn action_error(e: &ActionError) -> String {
    match e {
        ActionError::NoSuchServer(s) => tf(K::ErrNoSuchServer, &[s]),
        ActionError::Retired(s) => tf(K::ErrRetired, &[s]),
        ActionError::AlreadyDown(s) => tf(K::ErrAlreadyDown, &[s]),
        ActionError::AlreadyUp(s) => tf(K::ErrAlreadyUp, &[s]),
        ActionError::IsLeader(s) => tf(K::ErrIsLeader, &[s]),
        ActionError::NoLeader => t(K::ErrNoLeader).to_string(),
        ActionError::Membership(change) => {
            let why = match change {
                ChangeError::NotLeader { .. } => t(K::ErrNoLeader).to_string(),
                ChangeError::ChangeInProgress { reason } => tf(K::ErrChangeInProgress, &[&in_progress(reason)]),
                ChangeError::EmptyConfiguration => t(K::ErrEmptyConfiguration).to_string(),
                ChangeError::NoChange => t(K::ErrNoChange).to_string(),
            };
            tf(K::ErrMembership, &[&why])
        }
        ActionError::TooManyServers(n) => tf(K::ErrTooManyServers, &[n]),
        ActionError::NotAMember(s) => tf(K::ErrNotAMember, &[s]),
        ActionError::NotInFlight(_) => t(K::ErrNotInFlight).to_string(),
        ActionError::NothingToAlign => t(K::ErrNothingToAlign).to_string(),
        ActionError::OneGroup => t(K::PartOneGroup).to_string(),
        ActionError::NamedTwice(s) => tf(K::PartNamedTwice, &[s]),
        ActionError::SelfLink(s) => tf(K::ErrSelfLink, &[s]),
        ActionError::AlreadyMember(s, config) => tf(K::ErrAlreadyMember, &[s, config]),
        ActionError::NotNext { next, found } => tf(K::ErrNotNext, &[next, found]),
        ActionError::Network(e) => tf(K::ErrorPrefix, &[&config_error(e)]),
    }
}

/// Why the membership change in flight is not finished yet.
fn in_progress(reason: &InProgress) -> String {
    match reason {
        InProgress::CatchingUp(servers) => {
            let servers: Vec<String> = servers.iter().map(|s| s.to_string()).collect();
            tf(K::ChangeCatchingUp, &[&servers.join(t(K::ListSeparator))])
        }
        InProgress::Joint(config) => tf(K::ChangeJoint, &[config]),
        InProgress::Uncommitted(index) => tf(K::ChangeUncommitted, &[index]),
    }
}

/// Why a shared run could not be replayed. A refused action is said as a sentence.
pub fn replay_error(e: &ReplayError) -> String {
    match e {
        ReplayError::Config(e) => config_error(e),
        ReplayError::TimedBeforeEvent { action, text } => tf(K::ReplayTimedBefore, &[action, text]),
        ReplayError::Failed { action, text, error } => tf(K::ReplayFailed, &[action, text, &action_error(error)]),
        ReplayError::AfterEnd { action } => tf(K::ReplayAfterEnd, &[action]),
    }
}

/// Why a message was dropped.
pub fn drop_reason(reason: DropReason) -> &'static str {
    t(match reason {
        DropReason::Loss => K::DropLoss,
        DropReason::Partition => K::DropPartition,
        DropReason::ReceiverDown => K::DropReceiverDown,
        DropReason::User => K::DropUser,
    })
}

/// One event of the run, as the line under Play and Step says it.
pub fn step_kind(kind: &StepKind) -> String {
    match kind {
        StepKind::Delivered { id } => tf(K::EvDeliver, &[&id.0]),
        StepKind::Dropped { id, reason } => tf(K::EvDrop, &[&id.0, &drop_reason(*reason)]),
        StepKind::ElectionTimeout { server } => tf(K::EvElectionTimeout, &[server]),
        StepKind::Heartbeat { server } => tf(K::EvHeartbeat, &[server]),
        StepKind::ClientRetry { client } => tf(K::EvClientRetry, &[client]),
        // The action as the scenario format writes it.
        StepKind::Action { action } => tf(K::EvAction, &[action]),
    }
}

/// A message's type. RPC names stay as the paper writes them; replies are words.
pub fn message_kind(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::RequestVote => "RequestVote",
        MessageKind::AppendEntries => "AppendEntries",
        MessageKind::VoteGranted => t(K::KindVoteGranted),
        MessageKind::VoteRefused => t(K::KindVoteRefused),
        MessageKind::Heartbeat => t(K::KindHeartbeat),
        MessageKind::AppendOk => t(K::KindAppendOk),
        MessageKind::AppendFailed => t(K::KindAppendFailed),
    }
}

/// A message on one line, for the ring's tooltips: who to whom, the term, the type and
/// its fields by their names in the paper (`S1→S2 t3 AppendEntries prev=(4,t2) entries=1
/// commit=4`).
pub fn message_summary(m: &Message) -> String {
    let head = format!("{}→{} t{} {}", m.from, m.to, m.term, message_kind(m.kind()));
    match &m.body {
        MessageBody::RequestVote { last_log_index, last_log_term } => {
            format!("{head} lastLog=({last_log_index},t{last_log_term})")
        }
        MessageBody::RequestVoteReply { .. } => head,
        MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit } => {
            format!("{head} prev=({prev_log_index},t{prev_log_term}) entries={} commit={leader_commit}", entries.len())
        }
        MessageBody::AppendEntriesReply { match_index, .. } => format!("{head} match={match_index}"),
    }
}

/// What the safety checker or the liveness watch found, in the page's language. In
/// English it reads as the detail's `Display`, as the command line prints it.
pub fn violation_detail(d: &crate::sim::checker::ViolationDetail) -> String {
    use crate::sim::checker::ViolationDetail::*;
    let list =
        |servers: &[ServerId]| servers.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(t(K::ListSeparator));
    match d {
        LeaderRewroteLog { leader, term, from } => tf(K::VioLeaderRewroteLog, &[leader, term, from]),
        LeaderLostEntries { leader, term, up_to } => tf(K::VioLeaderLostEntries, &[leader, term, up_to]),
        TwoLeaders { first, second, term } => tf(K::VioTwoLeaders, &[first, second, term]),
        UncommittedConfigs { leader, count } => tf(K::VioUncommittedConfigs, &[leader, count]),
        LogsDiffer { first, second, term, index } => tf(K::VioLogsDiffer, &[first, second, term, index]),
        LeaderMissingCommitted { leader, term, index, by, committed_term } => {
            tf(K::VioLeaderMissingCommitted, &[leader, term, index, by, committed_term])
        }
        CommittedDifferent { server, up_to, term, index, by, committed_term } => {
            tf(K::VioCommittedDifferent, &[server, up_to, term, index, by, committed_term])
        }
        AppliedDifferent { server, index, by } => tf(K::VioAppliedDifferent, &[server, index, by]),
        TermDecreased { server, from, to } => tf(K::VioTermDecreased, &[server, from, to]),
        VotedTwice { voter, term, first, second } => tf(K::VioVotedTwice, &[voter, term, first, second]),
        AppliedTwice { server, client, seq } => tf(K::VioAppliedTwice, &[server, client, seq]),
        NoLeader { servers, waited, timeouts } => {
            let servers = crate::raft::Configuration::Simple { voters: servers.clone() };
            tf(K::VioNoLeader, &[&servers, waited, timeouts])
        }
        NoLeaderAfterHealing { waited } => tf(K::VioNoLeaderAfterHealing, &[waited]),
        NoLeaderAfterChange { leader } => tf(K::VioNoLeaderAfterChange, &[leader]),
        FinalRequestNotSent => t(K::VioFinalRequestNotSent).to_string(),
        FinalRequestNotApplied { missing, within, client } => {
            let on = if missing.is_empty() { t(K::VioOnTheLeader).to_string() } else { list(missing) };
            tf(K::VioFinalRequestNotApplied, &[&on, within, client])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_slider_is_a_log_scale() {
        assert_eq!(speed_from_slider(0), 1.0);
        assert_eq!(speed_from_slider(-100), 0.1);
        assert_eq!(speed_from_slider(200), 100.0);
        assert_eq!(speed_from_slider(-200), 0.01);
        assert_eq!(speed_from_slider(9999), 100.0);
        assert_eq!(slider_from_speed(0.05), -130);
        assert_eq!(slider_from_speed(1.0), 0);
        assert_eq!(slider_from_speed(1e9), SLIDER_MAX);
        for p in (SLIDER_MIN..=SLIDER_MAX).step_by(7) {
            assert!((slider_from_speed(speed_from_slider(p)) - p).abs() <= 2, "round trip at {p}");
        }
    }

    #[test]
    fn speeds_are_written_briefly() {
        assert_eq!(format_speed(0.05), "0.05×");
        assert_eq!(format_speed(1.0), "1×");
        assert_eq!(format_speed(1.2589), "1.3×");
        assert_eq!(format_speed(25.1), "25×");
        assert_eq!(format_speed(0.0), "0.01×");
        assert_eq!(speed_step(1.0, true), 2.0);
        assert_eq!(speed_step(0.01, false), 0.01);
    }

    #[test]
    fn sim_time_is_written_in_ms_then_seconds() {
        assert_eq!(format_sim_time(1_234_500), "1234.5 ms");
        assert_eq!(format_sim_time(12_345_678), "12.35 s");
    }

    #[test]
    fn the_query_gives_seed_servers_and_speed() {
        let p = parse_query("?seed=42&servers=7&speed=1&other=x");
        assert_eq!((p.seed, p.servers, p.speed), (Some(42), Some(7), Some(1.0)));
        assert!(p.problems.is_empty());
        let p = parse_query("seed=abc&servers=12&speed=-1&bench=sim");
        assert_eq!((p.seed, p.servers, p.speed), (None, None, None));
        assert_eq!(p.problems.len(), 3, "{:?}", p.problems);
        assert_eq!(p.bench.as_deref(), Some("sim"));
        assert_eq!(parse_query(""), PageParams::default());
        assert_eq!(parse_query("?speed=1000").speed, Some(SPEED_MAX));
    }

    #[test]
    fn embed_parameters() {
        let p = parse_query("?embed=1&scenario=split-vote&autoplay=1");
        assert!(p.embed && p.autoplay);
        assert_eq!(p.scenario.as_deref(), Some("split-vote.scn"));
        let p = parse_query("?embed=0&scenario=leader-crash.scn");
        assert!(!p.embed && !p.autoplay);
        assert_eq!(p.scenario.as_deref(), Some("leader-crash.scn"));
        assert_eq!(without_embed("?embed=1&scenario=x&autoplay=1"), "?scenario=x&autoplay=1");
        assert_eq!(without_embed("?embed=1"), "");
        let snippet = embed_snippet("https://a.b/raft/", 3, 5, Some("split-vote.scn"), "Raft \"Playground\"");
        assert!(snippet.contains("title=\"Raft &quot;Playground&quot;\""), "{snippet}");
        assert!(
            snippet.starts_with(
                "<iframe src=\"https://a.b/raft/?embed=1&autoplay=1&seed=3&servers=5&scenario=split-vote\""
            ),
            "{snippet}"
        );
        assert!(snippet.contains("sandbox=\"allow-scripts\"") && snippet.ends_with("</iframe>"));
        let p = parse_query(snippet.split('?').nth(1).unwrap().split('"').next().unwrap());
        assert!(p.embed && p.autoplay && p.problems.is_empty());
    }

    #[test]
    fn the_query_round_trips() {
        let p = parse_query(&format_query(9, 3, 0.05));
        assert_eq!((p.seed, p.servers, p.speed), (Some(9), Some(3), Some(0.05)));
    }

    #[test]
    fn partitions_parse_with_spaces_commas_and_bars() {
        let s = |n| ServerId(n);
        assert_eq!(parse_partition("S1 S2 | S3,S4 s5").unwrap(), vec![vec![s(1), s(2)], vec![s(3), s(4), s(5)]]);
        assert_eq!(parse_partition("1|2|3").unwrap().len(), 3);
        assert!(parse_partition("S1 S2").unwrap_err().to_string().contains("two groups"));
        assert!(parse_partition("S1 | ").unwrap_err().to_string().contains("group 2 is empty"));
        assert!(parse_partition("S1 | S1").unwrap_err().to_string().contains("S1 is named twice"));
        assert!(parse_partition("S1 | X").unwrap_err().to_string().contains("expected a server"));
        assert_eq!(parse_partition("S1 | S2 | ").unwrap_err(), PartitionError::EmptyGroup(3));
        let groups = vec![vec![s(1)], vec![s(2), s(3)]];
        assert_eq!(parse_partition(&format_partition(&groups)).unwrap(), groups);
    }

    #[test]
    fn the_suggested_partition_isolates_the_leader_in_a_minority() {
        let ids: Vec<ServerId> = (1..=5).map(ServerId).collect();
        let groups = suggest_partition(&ids, Some(ServerId(5)));
        assert_eq!(groups, vec![vec![ServerId(5), ServerId(1)], vec![ServerId(2), ServerId(3), ServerId(4)]]);
        let groups = suggest_partition(&ids[..3], None);
        assert_eq!(groups, vec![vec![ServerId(1)], vec![ServerId(2), ServerId(3)]]);
    }

    #[test]
    fn terms_cycle_through_eight_colours_and_groups_are_letters() {
        assert_eq!(term_class(0), "term-0");
        assert_eq!(term_class(9), "term-1");
        assert_eq!(group_letter(0), 'A');
        assert_eq!(group_letter(2), 'C');
    }

    // ---- Errors in the reader's language --------------------------------------------------

    use crate::scenario::{parse, parse_action};
    use crate::view::i18n::{set_lang, Lang};

    /// A bad text for every kind of scenario error the parser reaches, where it is
    /// reported (line, column), and the message that says what is wrong.
    const BAD_SCENARIOS: &[(&str, (usize, usize), K)] = &[
        // What the grammar expected.
        ("expect one X", (1, 12), K::ScnExpected),
        ("expect leader S1 S2", (1, 18), K::ScnEndOfLine),
        ("log X1 1", (1, 5), K::ExpServer),
        ("servers 3\ncrash X1\n", (2, 7), K::ExpServerRef),
        ("align-timers X", (1, 14), K::ExpAllOr),
        ("at x crash S1", (1, 4), K::ExpDuration),
        ("latency x", (1, 9), K::ExpRange),
        ("loss x", (1, 6), K::ExpProbability),
        ("break nope", (1, 7), K::ExpBreakSwitch),
        ("break equal-timeouts maybe", (1, 22), K::ExpOnOff),
        ("\tcut S1 S2", (1, 9), K::ExpArrow),
        ("request S1", (1, 11), K::ExpRequest),
        ("title:   ", (1, 7), K::ExpMetadataText),
        ("hint: win", (1, 1), K::ExpMetadataKey),
        ("at 1s", (1, 6), K::ExpAfterAt),
        ("frobnicate S1", (1, 1), K::ExpStatement),
        ("let", (1, 4), K::ExpName),
        ("expect value", (1, 13), K::ExpKey),
        ("expect value x =", (1, 17), K::ExpValueOrNone),
        ("expect reply 1 =", (1, 17), K::ExpResult),
        ("log S1 1:", (1, 10), K::ExpCommandAfterColon),
        ("log S1 1:get", (1, 13), K::ExpKeyFor),
        ("log S1 1 2:set x", (1, 17), K::ExpValueFor),
        ("step x", (1, 6), K::ExpEventCount),
        ("servers x", (1, 9), K::ExpServerCount),
        ("seed x", (1, 6), K::ExpSeed),
        ("max-entries-per-append x", (1, 24), K::ExpEntryCount),
        ("term S1 x", (1, 9), K::ExpTerm),
        ("drop message x", (1, 14), K::ExpMessageNumber),
        ("expect leaders 2x", (1, 16), K::ExpLeaderCount),
        ("expect up x", (1, 11), K::ExpUpCount),
        ("expect log S1 1 x", (1, 17), K::ExpLogTerm),
        ("expect committed x", (1, 18), K::ExpLogIndex),
        ("expect reply x", (1, 14), K::ExpRequestNumber),
        ("membership", (1, 11), K::ExpMembership),
        ("partition S1 S2", (1, 16), K::ExpPartitionBar),
        ("drop x", (1, 6), K::ExpDropWhat),
        ("log S1 1 x", (1, 10), K::ExpLogEntry),
        ("log S1 1 2:put x", (1, 12), K::ExpLogOp),
        ("run until x", (1, 11), K::ExpTimeOr),
        ("run x", (1, 5), K::ExpRunSpec),
        ("expect x", (1, 8), K::ExpCondition),
        ("goal: leader S1 x", (1, 17), K::ExpGoalRest),
        ("expect role S1 x", (1, 16), K::ExpRole),
        ("expect membership x", (1, 19), K::ExpPhase),
        ("expect violated safety", (1, 17), K::ExpProperty),
        // Well formed, but not usable as written.
        ("seed 99999999999999999999", (1, 6), K::InvTooLarge),
        ("crash S12", (1, 7), K::InvNoServer),
        ("partition S3..S1 | S4", (1, 11), K::InvServerRangeBackwards),
        ("heartbeat 1.5ms", (1, 11), K::InvNotWholeMs),
        ("election-timeout 300ms..150ms", (1, 18), K::InvRangeBackwards),
        ("loss 1.5", (1, 6), K::InvNotAProbability),
        ("run 500", (1, 5), K::InvNeedsUnit),
        ("run 3h", (1, 5), K::InvUnknownUnit),
        ("run 1.2.3s", (1, 5), K::InvNotANumber),
        ("run 99999999999999999999s", (1, 5), K::InvTooLong),
        ("run 0.0001ms", (1, 5), K::InvFinerThanMicrosecond),
        ("request S1 put x 3", (1, 12), K::ReqUnknown),
        ("servers 3\nrun 1s\nseed 4\n", (3, 1), K::InvSetupAfterStart),
        ("at 1s run 2s", (1, 7), K::InvAtBeforeRun),
        ("let 1x = S1", (1, 5), K::InvNotAName),
        ("let leader = S1", (1, 5), K::InvNameTaken),
        ("servers 12", (1, 9), K::InvClusterSize),
        ("max-entries-per-append 0", (1, 24), K::InvEntriesPerAppend),
        ("log S1 1\nlog S1 2", (2, 5), K::InvLogTwice),
        ("servers 3\nheartbeat 500ms\ncrash S1\n", (2, 1), K::CfgHeartbeat),
        ("election-timeout 0ms..300ms\nrun 1s", (1, 1), K::CfgElectionTimeout),
        ("latency 1ms..20000ms\nrun 1s", (1, 1), K::CfgLatencyLimit),
        ("servers 3\nlog S5 1\n", (2, 5), K::InvBeyondCluster),
        ("log S1 1 3\nterm S1 2\n", (2, 9), K::InvTermBelowLog),
        ("servers 3\nvoted S1 S5", (2, 7), K::InvVoteBeyond),
        ("log S1 1 4 2", (1, 12), K::InvTermsDecrease),
        ("title: a\ntitle: b", (2, 1), K::InvMetadataTwice),
        ("run 1s\nquestion: Why?\n", (2, 1), K::InvNeedsStep),
        ("step: a\nquestion: b\nquestion: c", (3, 1), K::InvStepHasTwo),
        ("goal-zh: 有领导者\ngoal: leader", (1, 1), K::InvNeedsGoal),
    ];

    /// The English words a 简体中文 message may keep: units, the request box's operations,
    /// NaN (a number as Rust writes it), and the words of `source` (what the reader wrote).
    /// Anything else in ASCII letters, outside `backquotes` (which hold what the reader
    /// wrote and the scenario language's own words), is English left untranslated.
    fn untranslated_words(text: &str, source: &str) -> Vec<String> {
        const KEPT: &[&str] = &["ms", "us", "min", "ok", "set", "get", "del", "incr", "NaN"];
        let words = |s: &str| s.split(|c: char| !c.is_ascii_alphabetic()).map(str::to_string).collect::<Vec<_>>();
        let written = words(source);
        let outside_quotes = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        words(&outside_quotes)
            .into_iter()
            .filter(|w| w.len() >= 2 && !KEPT.contains(&w.as_str()) && !written.contains(w))
            .collect()
    }

    /// The fixed pieces of a catalogue message, between its placeholders.
    fn pieces(template: &str) -> Vec<String> {
        let mut text = template.to_string();
        for n in 0..10 {
            text = text.replace(&format!("{{{n}}}"), "\u{0}");
        }
        text.split('\u{0}').filter(|p| !p.trim().is_empty()).map(str::to_string).collect()
    }

    fn bad(text: &str) -> ScenarioError {
        parse(text).expect_err(text)
    }

    #[test]
    fn scenario_errors_are_said_in_chinese_with_their_position() {
        set_lang(Lang::Chinese);
        for &(text, (line, column), key) in BAD_SCENARIOS {
            let e = bad(text);
            assert_eq!((e.line(), e.column()), (line, column), "{text:?}: {e}");
            let zh = scenario_error(&e);
            assert!(zh.starts_with(&format!("第 {line} 行第 {column} 列：")), "{text:?}: {zh}");
            assert_eq!(untranslated_words(&zh, text), Vec::<String>::new(), "{text:?}: {zh}");
            for piece in pieces(t(key)) {
                assert!(zh.contains(&piece), "{text:?}: {zh} lacks {piece:?} of {key:?}");
            }
            set_lang(Lang::English);
            let english = pieces(t(key));
            set_lang(Lang::Chinese);
            for piece in english.iter().filter(|p| !untranslated_words(p, "").is_empty()) {
                assert!(!zh.contains(piece.as_str()), "{text:?}: {zh} keeps the English {piece:?}");
            }
        }
        // A few in full.
        for (text, zh) in [
            (
                "servers 3\ncrash X1\n",
                "第 2 行第 7 列：应为服务器（如 S1）、`leader` 或用 `let` 绑定的名字，实际是`X1`",
            ),
            ("cut S1", "第 1 行第 7 列：应为`->`（单向）或 `<->`（双向），实际是行尾"),
            ("run 3h", "第 1 行第 5 列：`3h` 中的单位 `h` 未知：请使用 us、ms、s 或 min"),
            ("request S1 put x 3", "第 1 行第 12 列：未知操作 put：请使用 set、get、del 或 incr。"),
        ] {
            assert_eq!(scenario_error(&bad(text)), zh);
        }
        set_lang(Lang::English);
    }

    #[test]
    fn in_english_the_page_says_what_the_command_line_says() {
        set_lang(Lang::English);
        for &(text, _, key) in BAD_SCENARIOS {
            let e = bad(text);
            // A request error uses the request box's words on the page.
            if key != K::ReqUnknown {
                assert_eq!(scenario_error(&e), e.to_string(), "{text:?}");
            }
        }
        let e = parse_action("isolate S1").unwrap_err();
        assert_eq!(scenario_error(&e), e.to_string());
        for e in [
            ConfigError::Servers { max: 9, found: 12 },
            ConfigError::MaxEntriesPerAppend,
            ConfigError::Loss("2".into()),
            ConfigError::Duplication("NaN".into()),
            ConfigError::LatencyOrder { min_ms: 30, max_ms: 20 },
            ConfigError::InitialStates { given: 2, servers: 3 },
        ] {
            assert_eq!(config_error(&e), e.to_string());
        }
    }

    #[test]
    fn refused_actions_and_settings_are_said_in_chinese() {
        use crate::raft::Configuration;
        use crate::sim::{Action, MessageId, Sim, SimConfig};
        let mut sim = Sim::new(SimConfig::default()).unwrap();
        let s = ServerId;
        let refused = |sim: &mut Sim, a| sim.act(a).unwrap_err();
        let mut errors = vec![
            refused(&mut sim, Action::Partition { groups: vec![vec![s(1), s(2)]] }),
            refused(&mut sim, Action::Partition { groups: vec![vec![s(1)], vec![s(1), s(2)]] }),
            refused(&mut sim, Action::CutLink { from: s(2), to: s(2), both: false }),
            refused(&mut sim, Action::AlignTimers { servers: vec![] }),
            refused(&mut sim, Action::SetLoss { loss: 1.5 }),
            refused(&mut sim, Action::SetDuplication { duplication: f64::NAN }),
            refused(&mut sim, Action::SetLatency { min_ms: 30, max_ms: 20 }),
            refused(&mut sim, Action::SetLatency { min_ms: 1, max_ms: 20_000 }),
        ];
        errors.extend([
            ActionError::AlreadyMember(s(2), Configuration::simple([s(1), s(2), s(3)])),
            ActionError::NotNext { next: s(6), found: s(8) },
            ActionError::NoSuchServer(s(9)),
            ActionError::NotInFlight(MessageId(4)),
        ]);
        for e in &errors {
            set_lang(Lang::Chinese);
            let zh = action_error(e);
            set_lang(Lang::English);
            let en = action_error(e);
            assert_eq!(untranslated_words(&zh, ""), Vec::<String>::new(), "{e:?}: {zh}");
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e:?}: {zh}");
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e:?}: {en}");
        }
        set_lang(Lang::Chinese);
        assert_eq!(action_error(&errors[4]), "错误：丢包率必须在 0 到 1 之间，实际是 1.5");
        assert_eq!(action_error(&errors[2]), "链路连接两台不同的服务器，不能把 S2 连到它自己。");
        set_lang(Lang::English);
        assert_eq!(action_error(&errors[4]), "Error: loss must be between 0 and 1, found 1.5");
    }

    /// Says `text` in Chinese and checks it: no English left outside what `source` allows,
    /// every fixed piece of each of `keys` in its Chinese form, none in its English form.
    fn assert_said_in_chinese(what: &str, say: impl Fn() -> String, keys: &[K], source: &str) -> String {
        set_lang(Lang::English);
        let english: Vec<String> = keys.iter().flat_map(|k| pieces(t(*k))).collect();
        set_lang(Lang::Chinese);
        let zh = say();
        let chinese: Vec<String> = keys.iter().flat_map(|k| pieces(t(*k))).collect();
        set_lang(Lang::English);
        assert_eq!(untranslated_words(&zh, source), Vec::<String>::new(), "{what}: {zh}");
        for piece in &chinese {
            assert!(zh.contains(piece.as_str()), "{what}: {zh} lacks {piece:?}");
        }
        for piece in english.iter().filter(|p| !untranslated_words(p, source).is_empty()) {
            assert!(!zh.contains(piece.as_str()), "{what}: {zh} keeps the English {piece:?}");
        }
        zh
    }

    /// The three reasons a membership change waits, each as the core gives it.
    fn changes_in_progress() -> Vec<(InProgress, K)> {
        use crate::raft::{Configuration, LogIndex};
        let s = ServerId;
        let joint = Configuration::Joint { old: [s(1), s(2), s(3)].into(), new: [s(1), s(2), s(3), s(4)].into() };
        vec![
            (InProgress::CatchingUp(vec![s(4), s(5)]), K::ChangeCatchingUp),
            (InProgress::Joint(joint), K::ChangeJoint),
            (InProgress::Uncommitted(LogIndex(7)), K::ChangeUncommitted),
        ]
    }

    #[test]
    fn a_change_in_progress_says_why_in_chinese() {
        let refused =
            |reason: &InProgress| ActionError::Membership(ChangeError::ChangeInProgress { reason: reason.clone() });
        for (reason, key) in changes_in_progress() {
            let e = refused(&reason);
            let keys = [K::ErrMembership, K::ErrChangeInProgress, key];
            assert_said_in_chinese(&format!("{reason:?}"), || action_error(&e), &keys, "C_old,new");
            // In English, the reason reads as the core says it.
            let en = action_error(&e);
            assert!(en.contains(&format!("({reason}).")), "{en}");
        }
        let [catching_up, joint, uncommitted]: [ActionError; 3] =
            changes_in_progress().iter().map(|(r, _)| refused(r)).collect::<Vec<_>>().try_into().unwrap();
        set_lang(Lang::Chinese);
        assert_eq!(action_error(&catching_up), "成员变更被拒绝：已有一个成员变更正在进行（S4、S5 仍在追赶日志）。");
        assert_eq!(
            action_error(&joint),
            "成员变更被拒绝：已有一个成员变更正在进行（C_old,new {S1,S2,S3}+{S1,S2,S3,S4} 仍在生效）。"
        );
        assert_eq!(action_error(&uncommitted), "成员变更被拒绝：已有一个成员变更正在进行（配置条目 7 尚未提交）。");
        set_lang(Lang::English);
        assert_eq!(
            action_error(&catching_up),
            "Membership change refused: A membership change is already in progress (S4, S5 catching up)."
        );
    }

    /// A run that cannot be replayed, for each reason, as the simulator and the link
    /// decoder give them.
    fn replay_errors() -> Vec<(ReplayError, K)> {
        use crate::raft::Time;
        use crate::sim::{Action, ActionRecord, Sim, SimConfig};
        let crash = |at_event, ms| ActionRecord {
            at_event,
            time: Time::from_ms(ms),
            action: Action::Crash { server: ServerId(1) },
        };
        let replay =
            |config, actions: &[ActionRecord]| Sim::replay(config, None, actions, Time::from_ms(1_000)).err().unwrap();
        let late = crate::share::SharedRun {
            scenario: None,
            config: SimConfig::default(),
            initial: None,
            actions: vec![crash(0, 900)],
            until: Time::from_ms(500),
            hash: None,
        };
        let late = crate::share::decode(&crate::share::encode(&late).unwrap()).unwrap_err();
        let crate::share::ShareError::Replay(late) = late else { panic!("{late:?}") };
        vec![
            (replay(SimConfig { servers: 12, ..SimConfig::default() }, &[]), K::CfgServers),
            (replay(SimConfig::default(), &[crash(0, 100), crash(0, 50)]), K::ReplayTimedBefore),
            (replay(SimConfig::default(), &[crash(0, 100), crash(0, 200)]), K::ReplayFailed),
            (late, K::ReplayAfterEnd),
        ]
    }

    #[test]
    fn a_run_that_cannot_be_replayed_says_why_in_chinese() {
        let errors = replay_errors();
        let kinds: Vec<&str> = errors
            .iter()
            .map(|(e, _)| match e {
                ReplayError::Config(_) => "config",
                ReplayError::TimedBeforeEvent { .. } => "timed before",
                ReplayError::Failed { .. } => "failed",
                ReplayError::AfterEnd { .. } => "after the end",
            })
            .collect();
        assert_eq!(kinds, ["config", "timed before", "failed", "after the end"], "one of each kind");
        for (e, key) in &errors {
            let mut keys = vec![K::ShareReplay, *key];
            if let ReplayError::Failed { error, .. } = e {
                assert_eq!(error, &ActionError::AlreadyDown(ServerId(1)));
                keys.push(K::ErrAlreadyDown);
            }
            let share = || tf(K::ShareReplay, &[&replay_error(e)]);
            assert_said_in_chinese(&format!("{e:?}"), share, &keys, "crash");
            // In English the page says what the command line says, but for a refused
            // action, which is a sentence.
            if !matches!(e, ReplayError::Failed { .. }) {
                assert_eq!(replay_error(e), e.to_string());
            }
        }
        set_lang(Lang::Chinese);
        let zh: Vec<String> = errors.iter().map(|(e, _)| replay_error(e)).collect();
        set_lang(Lang::English);
        assert_eq!(zh[0], "服务器数必须在 1 到 9 之间，实际是 12");
        assert_eq!(zh[1], "操作 2（`crash S1`）的时间早于它之前的事件");
        assert_eq!(zh[2], "操作 2（`crash S1`）失败：S1 已经宕机。");
        assert_eq!(zh[3], "操作 1 晚于运行的结束时间");
        assert_eq!(replay_error(&errors[2].0), "action 2 (`crash S1`) failed: S1 is already down.");
        assert_eq!(errors[2].0.to_string(), "action 2 (`crash S1`) failed: S1 is already down");
    }

    #[test]
    fn events_messages_and_parameters_are_said_in_chinese() {
        use crate::raft::{ClientId, LogIndex, Term};
        use crate::sim::MessageId;
        let s2 = ServerId(2);
        let events = [
            (StepKind::Delivered { id: MessageId(121) }, vec![K::EvDeliver]),
            (
                StepKind::Dropped { id: MessageId(158), reason: DropReason::ReceiverDown },
                vec![K::EvDrop, K::DropReceiverDown],
            ),
            (StepKind::Dropped { id: MessageId(9), reason: DropReason::Loss }, vec![K::EvDrop, K::DropLoss]),
            (StepKind::Dropped { id: MessageId(9), reason: DropReason::Partition }, vec![K::EvDrop, K::DropPartition]),
            (StepKind::Dropped { id: MessageId(9), reason: DropReason::User }, vec![K::EvDrop, K::DropUser]),
            (StepKind::ElectionTimeout { server: s2 }, vec![K::EvElectionTimeout]),
            (StepKind::Heartbeat { server: s2 }, vec![K::EvHeartbeat]),
            (StepKind::ClientRetry { client: ClientId(3) }, vec![K::EvClientRetry]),
            (StepKind::Action { action: "crash S2".into() }, vec![K::EvAction]),
        ];
        for (kind, keys) in &events {
            assert_said_in_chinese(&format!("{kind:?}"), || step_kind(kind), keys, "crash");
        }
        // In English the line says what the command line's trace says.
        for (kind, _) in &events {
            assert_eq!(step_kind(kind).replace("dropped by you", "user").replace("lost", "loss"), kind.to_string());
        }
        assert_eq!(step_kind(&events[1].0), "drop message 158 (receiver down)");

        let m = |body| Message { from: ServerId(1), to: s2, term: Term(3), body };
        let messages = [
            (m(MessageBody::RequestVote { last_log_index: LogIndex(4), last_log_term: Term(2) }), None),
            (m(MessageBody::RequestVoteReply { granted: true }), Some(K::KindVoteGranted)),
            (m(MessageBody::RequestVoteReply { granted: false }), Some(K::KindVoteRefused)),
            (
                m(MessageBody::AppendEntries {
                    prev_log_index: LogIndex(4),
                    prev_log_term: Term(2),
                    entries: vec![],
                    leader_commit: LogIndex(4),
                }),
                Some(K::KindHeartbeat),
            ),
            (m(MessageBody::AppendEntriesReply { success: true, match_index: LogIndex(4) }), Some(K::KindAppendOk)),
            (
                m(MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(0) }),
                Some(K::KindAppendFailed),
            ),
        ];
        let fields = "RequestVote AppendEntries lastLog prev entries commit match";
        for (msg, key) in &messages {
            let keys: Vec<K> = key.iter().copied().collect();
            assert_said_in_chinese(&msg.summary(), || message_summary(msg), &keys, fields);
            // English: the core's own summary, but heartbeats are called heartbeats.
            let en = message_summary(msg);
            assert_eq!(en.replace("heartbeat", "AppendEntries"), msg.summary(), "{en}");
        }

        let problems = parse_query("?seed=abc&speed=zz&servers=20").problems;
        assert_eq!(
            problems,
            [ParamProblem::Seed("abc".into()), ParamProblem::Speed("zz".into()), ParamProblem::Servers("20".into())]
        );
        let keys = [K::ParamSeed, K::ParamSpeed, K::ParamServers];
        for (p, key) in problems.iter().zip(keys) {
            assert_said_in_chinese(&format!("{p:?}"), || param_problem(p), &[key], "seed speed servers abc zz");
        }
        assert_eq!(param_problem(&problems[2]), "servers=`20`: expected 1 to 9");
    }

    /// One finding of each kind (and both ways of naming where a request is missing), with
    /// the catalogue keys that say it.
    fn violation_details() -> Vec<(crate::sim::checker::ViolationDetail, Vec<K>)> {
        use crate::raft::{Duration, LogIndex, Term};
        use crate::sim::checker::ViolationDetail::*;
        let s = ServerId;
        vec![
            (LeaderRewroteLog { leader: s(1), term: Term(3), from: LogIndex(2) }, vec![K::VioLeaderRewroteLog]),
            (LeaderLostEntries { leader: s(2), term: Term(4), up_to: LogIndex(5) }, vec![K::VioLeaderLostEntries]),
            (TwoLeaders { first: s(1), second: s(4), term: Term(1) }, vec![K::VioTwoLeaders]),
            (UncommittedConfigs { leader: s(3), count: 2 }, vec![K::VioUncommittedConfigs]),
            (LogsDiffer { first: s(2), second: s(5), term: Term(2), index: LogIndex(3) }, vec![K::VioLogsDiffer]),
            (
                LeaderMissingCommitted {
                    leader: s(5),
                    term: Term(2),
                    index: LogIndex(1),
                    by: s(2),
                    committed_term: Term(1),
                },
                vec![K::VioLeaderMissingCommitted],
            ),
            (
                CommittedDifferent {
                    server: s(3),
                    up_to: LogIndex(4),
                    term: Term(5),
                    index: LogIndex(2),
                    by: s(1),
                    committed_term: Term(2),
                },
                vec![K::VioCommittedDifferent],
            ),
            (AppliedDifferent { server: s(4), index: LogIndex(2), by: s(1) }, vec![K::VioAppliedDifferent]),
            (TermDecreased { server: s(2), from: Term(6), to: Term(0) }, vec![K::VioTermDecreased]),
            (VotedTwice { voter: s(3), term: Term(4), first: s(1), second: s(2) }, vec![K::VioVotedTwice]),
            (AppliedTwice { server: s(1), client: crate::raft::ClientId(7), seq: 1 }, vec![K::VioAppliedTwice]),
            (
                NoLeader { servers: [s(1), s(2), s(3)].into(), waited: Duration::from_ms(6010), timeouts: 20 },
                vec![K::VioNoLeader],
            ),
            (NoLeaderAfterHealing { waited: Duration::from_ms(6000) }, vec![K::VioNoLeaderAfterHealing]),
            (NoLeaderAfterChange { leader: s(2) }, vec![K::VioNoLeaderAfterChange]),
            (FinalRequestNotSent, vec![K::VioFinalRequestNotSent]),
            (
                FinalRequestNotApplied {
                    missing: vec![s(2), s(3)],
                    within: Duration::from_ms(6000),
                    client: "Some(Pending)".into(),
                },
                vec![K::VioFinalRequestNotApplied],
            ),
            (
                FinalRequestNotApplied { missing: vec![], within: Duration::from_ms(6000), client: "None".into() },
                vec![K::VioFinalRequestNotApplied, K::VioOnTheLeader],
            ),
        ]
    }

    #[test]
    fn what_the_checker_found_is_said_in_chinese() {
        use crate::sim::checker::ViolationDetail::*;
        let details = violation_details();
        // Every kind of finding is here (a new one fails to compile until it is added).
        let mut kinds: Vec<usize> = details
            .iter()
            .map(|(d, _)| match d {
                LeaderRewroteLog { .. } => 0,
                LeaderLostEntries { .. } => 1,
                TwoLeaders { .. } => 2,
                UncommittedConfigs { .. } => 3,
                LogsDiffer { .. } => 4,
                LeaderMissingCommitted { .. } => 5,
                CommittedDifferent { .. } => 6,
                AppliedDifferent { .. } => 7,
                TermDecreased { .. } => 8,
                VotedTwice { .. } => 9,
                AppliedTwice { .. } => 10,
                NoLeader { .. } => 11,
                NoLeaderAfterHealing { .. } => 12,
                NoLeaderAfterChange { .. } => 13,
                FinalRequestNotSent => 14,
                FinalRequestNotApplied { .. } => 15,
            })
            .collect();
        kinds.dedup();
        assert_eq!(kinds, (0..16).collect::<Vec<_>>(), "one of each kind");
        for (d, keys) in &details {
            assert_said_in_chinese(&format!("{d:?}"), || violation_detail(d), keys, "");
            // In English the page says what the command line says.
            set_lang(Lang::English);
            assert_eq!(violation_detail(d), d.to_string(), "{d:?}");
        }
        let said = |lang, i: usize| {
            set_lang(lang);
            let text = violation_detail(&details[i].0);
            set_lang(Lang::English);
            text
        };
        assert_eq!(said(Lang::Chinese, 9), "S3 在任期 4 先投票给 S1，后又投票给 S2");
        assert_eq!(said(Lang::Chinese, 2), "S1 和 S4 都在任期 1 当选为领导者");
        assert_eq!(
            said(Lang::Chinese, 5),
            "S5 成为任期 2 的领导者，但它没有索引 1 处的条目，而 S2 已在任期 1 提交了该条目"
        );
        assert_eq!(
            said(Lang::Chinese, 11),
            "{S1,S2,S3} 已经 6010ms（20 个最大选举超时）没有领导者，尽管它们都在线、相互连通且构成多数派"
        );
        assert_eq!(
            said(Lang::Chinese, 15),
            "故障修复后发送的请求在 6000ms 内没有在 S2、S3 上应用（客户端：`Some(Pending)`）"
        );
        assert_eq!(said(Lang::English, 2), "S1 and S4 were both elected leader in term 1");
        assert_eq!(
            said(Lang::English, 5),
            "S5 became leader of term 2 without the entry at index 1, which S2 had committed in term 1"
        );
        assert_eq!(
            said(Lang::English, 11),
            "no leader among {S1,S2,S3} for 6010ms (20 maximum election timeouts) although they are up, connected and a quorum"
        );
        assert_eq!(
            said(Lang::English, 15),
            "a request sent after healing was not applied on S2, S3 within 6000ms (client: Some(Pending))"
        );
        assert_eq!(
            said(Lang::English, 16),
            "a request sent after healing was not applied on the leader within 6000ms (client: None)"
        );
    }

    /// The liveness watch's finding in a real run (equal timeouts split the vote forever),
    /// as the status bar's badge gets it.
    #[test]
    fn the_liveness_watch_is_said_in_chinese() {
        use crate::raft::{BreakSwitch, BreakSwitches, Duration};
        use crate::sim::{Sim, SimConfig};
        let breaks = BreakSwitches::default().with(BreakSwitch::EqualTimeouts);
        let mut sim = Sim::new(SimConfig { seed: 1, breaks, ..SimConfig::default() }).unwrap();
        sim.run_for(Duration::from_ms(10_000));
        let detail = crate::view::model::status(&sim).liveness.expect("the watch fired");
        set_lang(Lang::English);
        let en = violation_detail(&detail);
        assert_eq!(en, detail.to_string());
        assert!(en.starts_with("no leader among {S1,S2,S3,S4,S5} for "), "{en}");
        let zh = assert_said_in_chinese("liveness", || violation_detail(&detail), &[K::VioNoLeader], "");
        assert!(zh.starts_with("{S1,S2,S3,S4,S5} 已经 "), "{zh}");
    }
}
