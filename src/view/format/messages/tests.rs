//! Every error, event and finding said in 简体中文, and in English as the command line says it.

use super::*;
use crate::view::format::{param_problem, parse_query, ParamProblem};

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
    ("option pre-vote on", (1, 8), K::ExpProtocolOption),
    ("transfer", (1, 9), K::ExpServerRef),
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
    ("run 99999999999999999999s", (1, 5), K::InvOutOfRange),
    ("step 0", (1, 6), K::InvOutOfRange),
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
        ("servers 3\ncrash X1\n", "第 2 行第 7 列：应为服务器（如 S1）、`leader` 或用 `let` 绑定的名字，实际是`X1`"),
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
        ConfigError::TermAtMaximum { server: ServerId(2) },
        ConfigError::OutOfRange { setting: crate::sim::limits::Setting::Heartbeat, found: 1 },
        ConfigError::OutOfRange { setting: crate::sim::limits::Setting::Checkpoints, found: 0 },
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
        until_events: None,
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
        (m(MessageBody::RequestVote { last_log_index: LogIndex(4), last_log_term: Term(2), transfer: false }), None),
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
        (m(MessageBody::AppendEntriesReply { success: false, match_index: LogIndex(0) }), Some(K::KindAppendFailed)),
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
        (SnapshotUncommitted { server: s(1), last_index: LogIndex(6), committed: 4 }, vec![K::VioSnapshotUncommitted]),
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
            SnapshotUncommitted { .. } => 16,
        })
        .collect();
    kinds.dedup();
    assert_eq!(kinds, (0..17).collect::<Vec<_>>(), "one of each kind");
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
        "故障修复后发送的请求没有在 S2、S3 上应用：它们已有 6000ms 既没有应用也没有收到任何新条目（或总共等了这个时长的十倍）（客户端：`Some(Pending)`）"
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
        "a request sent after healing was not applied on S2, S3, which neither applied nor received anything new for 6000ms (or ten times that in all) (client: Some(Pending))"
    );
    assert_eq!(
        said(Lang::English, 16),
        "a request sent after healing was not applied on the leader, which neither applied nor received anything new for 6000ms (or ten times that in all) (client: None)"
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

/// A lost membership change is explained by how it was lost, in both languages.
#[test]
fn a_lost_change_says_how_it_was_lost() {
    use crate::raft::LogIndex;
    let gone = ChangeLost::LeaderGone { leader: ServerId(2) };
    let overwritten = ChangeLost::Overwritten { index: LogIndex(7) };
    set_lang(Lang::Chinese);
    assert_eq!(
        change_lost(&gone),
        "S2 在变更的配置条目写入自己的日志之前就不再是领导者：追赶只存在于它的内存中，没有服务器会继续这次变更，配置保持原样。请向新的领导者重新发起变更。"
    );
    assert_eq!(
        change_lost(&overwritten),
        "变更的配置条目（索引 7）从未提交，现在已不在任何服务器的日志中：一个没有该条目的领导者覆盖了它（§5.3）。变更之前的配置仍然有效；请重新发起变更。"
    );
    set_lang(Lang::English);
    assert_eq!(
        change_lost(&gone),
        "S2 stopped leading before the change's configuration entry was in its log: the catch-up lived only in its memory, so no server carries the change on and the configuration stays as it was. Start the change again with the new leader."
    );
    assert_eq!(
        change_lost(&overwritten),
        "The change's configuration entry (index 7) never committed and is now in no server's log: a leader that did not have it overwrote it (§5.3). The configuration from before the change is in force; start the change again."
    );
}
