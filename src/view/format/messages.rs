//! Errors, events and what the checker found, in the reader's language.
//!
//! In English each reads as the error's `Display` (a test holds them together), except
//! that a refused action is a sentence and a request error uses the request box's words.

use crate::raft::{
    ChangeError, InProgress, Message, MessageBody, MessageKind, OpParseError, ServerId, CATCH_UP_TIMEOUTS,
};
use crate::scenario::error::{Expected, Invalid};
use crate::scenario::ScenarioError;
use crate::sim::network::MAX_LATENCY_MS;
use crate::sim::{ActionError, ChangeLost, ConfigError, DropReason, ReplayError, StepKind, MAX_SERVERS};
use crate::view::i18n::{t, tf, K};

#[cfg(test)]
mod tests;

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
        ProtocolOption => return tf(K::ExpProtocolOption, &[&e.choices_with(t(K::ListSeparator))]),
        Phase => return tf(K::ExpPhase, &[&e.choices_with(t(K::ListSeparator))]),
        Property => return tf(K::ExpProperty, &[&e.choices_with(t(K::ListSeparator))]),
        Refusal => return tf(K::ExpRefusal, &[&e.choices_with(t(K::ListSeparator))]),
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
        Pick => K::ExpPick,
        Action => K::ExpAction,
        RepeatCount => K::ExpRepeatCount,
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
        FinerThanMicrosecond(w) => tf(K::InvFinerThanMicrosecond, &[w]),
        Op(e) => op_error(e),
        SetupAfterStart(w) => tf(K::InvSetupAfterStart, &[w]),
        AtBeforeRun => t(K::InvAtBeforeRun).to_string(),
        NotAName(w) => tf(K::InvNotAName, &[w]),
        NameTaken(w) => tf(K::InvNameTaken, &[w]),
        ClusterSize(n) => tf(K::InvClusterSize, &[&MAX_SERVERS, n]),
        EntriesPerAppend(n) => {
            let r = crate::sim::limits::Setting::MaxEntriesPerAppend.range();
            tf(K::InvEntriesPerAppend, &[&r.min, &r.max, n])
        }
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
        ControlCharacter(c) => tf(K::InvControlCharacter, &[c]),
        WordTooLong(w, n) => tf(K::InvWordTooLong, &[w, n]),
        TimeCap(t, cap) => tf(K::InvTimeCap, &[t, cap]),
        EventCap(n, cap) => tf(K::InvEventCap, &[n, cap]),
        EndWithoutRepeat => t(K::InvEndWithoutRepeat).to_string(),
        RepeatNotEnded => t(K::InvRepeatNotEnded).to_string(),
        StatementCap(n, cap) => tf(K::InvStatementCap, &[n, cap]),
        OutOfRange(r) => tf(K::InvOutOfRange, &[&r.found, &expected_text(&r.what), &r.min, &r.max]),
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
        ConfigError::OutOfRange { setting, found } => super::super::limits::out_of_range(*setting, *found),
        ConfigError::TermAtMaximum { server } => tf(K::CfgTermAtMaximum, &[server, &crate::raft::Term::MAX]),
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
        ActionError::NotRemoved(s) => tf(K::ErrNotRemoved, &[s]),
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
                ChangeError::NotOneServer { added, removed } => {
                    let list =
                        |s: &[ServerId]| if s.is_empty() { t(K::ServersNone).to_string() } else { server_list(s) };
                    tf(K::ErrNotOneServer, &[&list(added), &list(removed)])
                }
                ChangeError::NoEntryOfTermCommitted { term } => tf(K::ErrNoEntryOfTermCommitted, &[term]),
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
        ActionError::Transfer(e) => crate::view::protocol::transfer_error(e),
    }
}

/// Servers as a list in the page's language: `S4, S5` or `S4、S5`.
pub fn server_list<'a>(servers: impl IntoIterator<Item = &'a ServerId>) -> String {
    servers.into_iter().map(|s| s.to_string()).collect::<Vec<_>>().join(t(K::ListSeparator))
}

/// §4.2.1: why a membership change ended before C_old,new.
/// Why a change ended without any leader reporting its end.
pub fn change_lost(lost: &ChangeLost) -> String {
    match lost {
        ChangeLost::LeaderGone { leader } => tf(K::ChangeLostLeader, &[leader]),
        ChangeLost::Overwritten { index } => tf(K::ChangeLostOverwritten, &[index]),
    }
}

pub fn catch_up_aborted(servers: &[ServerId]) -> String {
    tf(K::CatchUpAborted, &[&server_list(servers), &CATCH_UP_TIMEOUTS])
}

/// Why the membership change in flight is not finished yet.
fn in_progress(reason: &InProgress) -> String {
    match reason {
        InProgress::CatchingUp(servers) => tf(K::ChangeCatchingUp, &[&server_list(servers)]),
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
        MessageKind::PreVote => "PreVote",
        MessageKind::TimeoutNow => "TimeoutNow",
        MessageKind::PreVoteGranted => t(K::KindPreVoteGranted),
        MessageKind::PreVoteRefused => t(K::KindPreVoteRefused),
        MessageKind::InstallSnapshot => "InstallSnapshot",
        MessageKind::SnapshotInstalled => t(K::KindSnapshotInstalled),
    }
}

/// A message on one line, for the ring's tooltips: who to whom, the term, the type and
/// its fields by their names in the paper (`S1→S2 t3 AppendEntries prev=(4,t2) entries=1
/// commit=4`).
pub fn message_summary(m: &Message) -> String {
    let head = format!("{}→{} t{} {}", m.from, m.to, m.term, message_kind(m.kind()));
    match &m.body {
        MessageBody::RequestVote { last_log_index, last_log_term, transfer } => {
            let transfer = if *transfer { " transfer" } else { "" };
            format!("{head} lastLog=({last_log_index},t{last_log_term}){transfer}")
        }
        MessageBody::PreVote { last_log_index, last_log_term } => {
            format!("{head} lastLog=({last_log_index},t{last_log_term})")
        }
        MessageBody::RequestVoteReply { .. } | MessageBody::PreVoteReply { .. } | MessageBody::TimeoutNow => head,
        MessageBody::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit } => {
            format!("{head} prev=({prev_log_index},t{prev_log_term}) entries={} commit={leader_commit}", entries.len())
        }
        MessageBody::AppendEntriesReply { match_index, .. } => format!("{head} match={match_index}"),
        MessageBody::InstallSnapshot { snapshot } => {
            format!("{head} last=({},t{}) config={}", snapshot.last_index, snapshot.last_term, snapshot.config)
        }
        MessageBody::InstallSnapshotReply { last_index } => format!("{head} last={last_index}"),
    }
}

/// What the safety checker or the liveness watch found, in the page's language. In
/// English it reads as the detail's `Display`, as the command line prints it.
pub fn violation_detail(d: &crate::sim::checker::ViolationDetail) -> String {
    use crate::sim::checker::ViolationDetail::*;
    let list = |servers: &[ServerId]| server_list(servers);
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
        SnapshotUncommitted { server, last_index, committed } => {
            tf(K::VioSnapshotUncommitted, &[server, last_index, committed])
        }
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
