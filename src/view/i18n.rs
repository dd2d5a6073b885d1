//! The message catalogue: every string the page shows, by message id. Components call
//! [`t`] (or [`tf`] for a message with `{0}`, `{1}` … placeholders) and never write text
//! of their own, so that a second language is one more table.
//!
//! This file and `i18n_zh.rs` are the source of truth, compiled into native builds (the
//! tests, `raftsim`). The page (wasm32) compiles in only the keys: it reads its text from
//! the language's catalogue file, made from these tables (`super::i18n_file`).

use std::cell::Cell;

/// The languages the page speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    English,
    /// 简体中文 (`src/view/i18n_zh.rs`).
    Chinese,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::English, Lang::Chinese];
    /// The BCP 47 tag, for `<html lang>` and localStorage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::English => "en",
            Lang::Chinese => "zh-CN",
        }
    }
    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::English => "English",
            Lang::Chinese => "简体中文",
        }
    }
    /// The page's language for a browser language such as `zh-TW` or `en-GB`: any `zh`
    /// is Chinese, anything else English.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Chinese
        } else {
            Lang::English
        }
    }
}

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::English) };
}

pub fn set_lang(lang: Lang) {
    LANG.with(|l| l.set(lang));
}

pub fn lang() -> Lang {
    LANG.with(|l| l.get())
}

macro_rules! catalogue {
    ($($key:ident => $english:expr,)*) => {
        /// A message id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum K { $($key,)* }

        impl K {
            pub const ALL: &'static [K] = &[$(K::$key,)*];
        }

        /// A hash of the key names in order, which each catalogue file's header carries:
        /// computed while compiling, so the names stay out of the page.
        pub const KEYS_FINGERPRINT: u64 = super::i18n_file::fingerprint(&[$(stringify!($key),)*]);

        /// The English text (native builds; the page reads `i18n/en.txt`, made from it).
        #[cfg(not(target_arch = "wasm32"))]
        pub(super) fn english(key: K) -> &'static str {
            match key { $(K::$key => $english,)* }
        }
    };
}

catalogue! {
    Title => "Raft Playground",
    Tagline => "A live Raft cluster in your browser. Break it.",
    // Status line
    StatusLabel => "Cluster status",
    StatusTerm => "Term",
    StatusLeader => "Leader",
    StatusNone => "none",
    StaleLeader => "{0}, term {1}, stale",
    StaleLeaderTitle => "Still leads an older term: it has not yet heard of the newer one, and a majority will refuse its entries",
    StatusCommit => "Commit",
    StatusTime => "Time",
    StatusEvents => "Events",
    StatusSafety => "Safety",
    SafetyOk => "Safety OK",
    SafetyViolated => "{0} violated",
    SafetyTitle => "The safety checker tests every property of the Raft paper (Figure 3) after every event.",
    LivenessStuck => "No leader for too long",
    // Playback
    PlaybackLabel => "Playback",
    Play => "Play",
    Pause => "Pause",
    Step => "Step",
    StepTitle => "Process the next event",
    Speed => "Speed",
    SpeedTitle => "Simulated time per wall-clock second: 1× is real time",
    LastEvent => "Event {0}: {1}",
    // Run settings
    RunHeading => "Run",
    Seed => "Seed",
    SeedInvalid => "The seed must be a whole number, such as 42.",
    ClusterSize => "Servers",
    Reset => "Reset",
    ResetTitle => "Start again from this seed and cluster size",
    // Cluster actions
    ClusterHeading => "Cluster",
    KillLeader => "Kill leader",
    ReviveAll => "Revive all",
    SplitVote => "Split vote",
    SplitVoteNote => "crashes the leader first",
    SplitVoteTitle => "Crash the leader, then let every other server time out at once",
    SpreadTimers => "Spread timers",
    SpreadTimersTitle => "Every follower and candidate draws a fresh random election timeout",
    AddServer => "Add server",
    AddServerTitle => "Add {0} through joint consensus (§6)",
    AddServerFull => "The cluster already has the most servers allowed.",
    AddServerSingle => "Add, one at a time",
    AddServerSingleTitle => "Add {0} by a single-server change: it catches up as a learner, then C_new is in force at once, with no C_old,new (dissertation §4.1)",
    RemoveServerSingle => "Remove {0}, one at a time",
    RemoveServerSingleTitle => "Remove {0} by a single-server change: C_new is in force as soon as it is appended, with no C_old,new (dissertation §4.1)",
    NothingToRevive => "Every server is already running.",
    SplitVoteNone => "No live server can stand for election.",
    // The server panel
    ServerPanelLabel => "Actions for {0}",
    ServerSummary => "{0} · {1} · term {2}",
    CrashServer => "Crash {0}",
    RestartServer => "Restart {0}",
    ForceTimeout => "Force timeout {0}",
    RequestVia => "Send request through {0}",
    RemoveServer => "Remove {0}",
    Close => "Close",
    // Roles and looks
    RoleFollower => "follower",
    RoleCandidate => "candidate",
    RoleLeader => "leader",
    RoleDown => "down",
    RoleRemoved => "removed",
    RoleRemovedRunning => "removed, still running",
    RoleRemovedCampaigning => "removed, campaigning",
    ShutDownServer => "Shut down {0}",
    ShutDownTitle => "A committed C_new left this server out; it runs on until shut down (§6).",
    RoleCatchingUp => "catching up",
    RoleNotMember => "not a member",
    NotCounted => "not counted",
    TermShort => "T{0}",
    ServerLabel => "{0} T{2} {1}, term {2}",
    RingLabel => "The cluster. Select a server for its actions; select a message to drop it.",
    DropMessage => "Drop message {0}",
    // Client requests
    ClientHeading => "Client request",
    ClientLabel => "Request",
    ClientPlaceholder => "set x 3",
    ClientHelp => "set KEY VALUE · get KEY · del KEY · incr KEY",
    Send => "Send",
    ClientPending => "waiting",
    ClientDone => "{0} (from {1})",
    ClientGaveUp => "gave up",
    ClientAttempts => "{0} tries",
    // Network
    NetworkHeading => "Network",
    PartitionLabel => "Partition groups",
    PartitionPlaceholder => "S1 S2 | S3 S4 S5",
    Partition => "Partition",
    PartitionTitle => "Servers in different groups cannot talk",
    Heal => "Heal",
    HealTitle => "Remove every partition",
    Loss => "Loss",
    LossValue => "{0}%",
    LatencyMin => "Latency min (ms)",
    LatencyMax => "Latency max (ms)",
    LatencyInvalid => "Latency must be a whole number of milliseconds.",
    // Membership
    MembershipLabel => "Membership change",
    MembershipTarget => "Membership change to {0}",
    MembershipDone => "done",
    PhaseCatchingUp => "Catching up",
    PhaseJointAppended => "C_old,new appended",
    PhaseJointCommitted => "C_old,new committed",
    PhaseNewAppended => "C_new appended",
    PhaseNewCommitted => "C_new committed",
    LeaderSteppedDown => "The old leader was not in C_new and stepped down.",
    PhaseCatchUpAborted => "Abandoned",
    PhaseSingleCatchingUp => "Catching up as a learner, not counted",
    PhaseSingleAppended => "C_new appended: in force at once",
    PhaseSingleCommitted => "C_new committed",
    MethodJoint => "Joint consensus: C_old,new, then C_new (§6)",
    MethodSingle => "One server at a time: C_new at once, no C_old,new (dissertation §4.1)",
    ChangeLostLeader => "{0} stopped leading before the change's configuration entry was in its log: the catch-up lived only in its memory, so no server carries the change on and the configuration stays as it was. Start the change again with the new leader.",
    ChangeLostOverwritten => "The change's configuration entry (index {0}) never committed and is now in no server's log: a leader that did not have it overwrote it (§5.3). The configuration from before the change is in force; start the change again.",
    CatchUpAborted => "{0} did not catch up within {1} election timeouts, so the leader abandoned the change before C_old,new: the configuration stays as it was (§4.2.1).",
    // Logs and state
    LogsHeading => "Logs",
    LogsScroller => "Log entries by server; scroll sideways for more",
    CommitLabel => "commit {0}",
    NextMatch => "next {0} · match {1}",
    EntryCommitted => "committed",
    EntryUncommitted => "not committed",
    JointGlyph => "C o,n",
    NoopGlyph => "no-op",
    NewGlyph => "C new",
    StateHeading => "State machines",
    StateEmpty => "(empty)",
    // Legend
    LegendHeading => "Legend",
    LegendFollower => "Follower (plain)",
    LegendCandidate => "Candidate (dashed)",
    LegendLeader => "Leader (filled, outer ring)",
    LegendCrashed => "Crashed",
    LegendTimer => "Election timer, draining",
    LegendVotes => "Votes: granted, refused, waiting",
    LegendGroup => "Partition group",
    LegendRequestVote => "RequestVote",
    LegendVoteGranted => "Vote granted",
    LegendVoteRefused => "Vote refused",
    LegendAppend => "AppendEntries with entries",
    LegendHeartbeat => "Heartbeat (empty AppendEntries)",
    LegendAppendOk => "Append succeeded",
    LegendAppendFailed => "Append failed",
    LegendDropped => "Dropped message",
    LegendCommitted => "Committed entry, by term",
    LegendUncommitted => "Uncommitted entry",
    LegendNoop => "No-op: a new leader's first entry (§8)",
    LegendJoint => "Configuration C_old,new",
    LegendNew => "Configuration C_new",
    LegendNextMatch => "Leader's nextIndex (▲) and matchIndex (bar)",
    // Keyboard shortcuts
    ShortcutsButton => "Keyboard shortcuts",
    ShortcutsTitle => "Keyboard shortcuts",
    KeyPlayPause => "Play or pause",
    KeyStep => "Step one event",
    KeyKillLeader => "Kill the leader",
    KeyReviveAll => "Revive all servers",
    KeySplitVote => "Split vote (crashes the leader first)",
    KeySpreadTimers => "Spread the timers",
    KeyAddServer => "Add a server",
    KeyHeal => "Heal the network",
    KeyFaster => "Faster",
    KeySlower => "Slower",
    KeyServer => "Select server 1–9",
    KeyHelp => "Show or hide this list",
    KeyClose => "Close a panel or this list",
    // Errors
    ErrNoSuchServer => "There is no server {0}.",
    ErrRetired => "{0} was removed from the cluster and shut down.",
    ErrNotRemoved => "{0} is in the cluster: only a server that a committed C_new left out can be shut down.",
    ErrAlreadyDown => "{0} is already down.",
    ErrAlreadyUp => "{0} is already running.",
    ErrIsLeader => "{0} is the leader: it has no election timer.",
    ErrNoLeader => "There is no leader right now; wait for an election.",
    ErrMembership => "Membership change refused: {0}",
    ErrNotInFlight => "That message is no longer in flight.",
    ErrTooManyServers => "The cluster would have {0} servers; at most 9 are allowed.",
    ErrNotAMember => "{0} is not a member of the configuration.",
    ErrChangeInProgress => "A membership change is already in progress ({0}).",
    ChangeCatchingUp => "{0} catching up",
    ChangeJoint => "C_old,new {0} is in force",
    ChangeUncommitted => "configuration entry {0} is not committed yet",
    ErrNotOneServer => "A single-server change adds or removes exactly one server; this one adds {0} and removes {1}.",
    ErrNoEntryOfTermCommitted => "The leader has not yet committed an entry of its term {0}; a single-server change waits for that (dissertation §4.1).",
    ServersNone => "none",
    ListSeparator => ", ",
    ClauseSeparator => "; ",
    ErrEmptyConfiguration => "The new configuration must keep at least one server.",
    ErrNoChange => "The new configuration is the same as the current one.",
    ReqEmpty => "Type a request: set KEY VALUE, get KEY, del KEY or incr KEY.",
    ReqSetNeeds => "set takes a key and a value: set x 3",
    ReqOneKey => "{0} takes exactly one key.",
    ReqUnknown => "Unknown operation {0}: use set, get, del or incr.",
    ReqBadKey => "The key {0} may only contain letters, digits, _, - and .",
    ReqBadValue => "The value {0} may not contain |",
    PartNotAServer => "Expected a server such as S1, found {0}.",
    PartNamedTwice => "{0} is named twice.",
    PartEmptyGroup => "Group {0} is empty: write groups like S1 S2 | S3 S4 S5.",
    PartOneGroup => "A partition needs two groups or more, separated by |: S1 S2 | S3 S4 S5.",
    ErrParam => "Ignored a URL parameter: {0}",
    PanicBanner => "Something went wrong inside the playground, and it stopped. Reload the page to start again.",
    PanicReload => "Reload with the same link",
    ReducedMotion => "Your system asks for reduced motion, so the cluster starts paused. Press Play to run it.",
    BenchRunning => "Running the standard workload…",
    // Time travel
    TimelineLabel => "Timeline",
    HistoryReach => "history from {0}",
    HistoryReachTitle => "Older history was dropped to keep the run within its memory limit ({0} MB): time travel reaches back to here, exactly.",
    StepBack => "Step back",
    StepBackTitle => "Go back one event",
    TimeOf => "{0} of {1}",
    Forked => "Run forked at {0}. The run you left is kept: “Back to the run you left” returns to it.",
    // Space-time diagram
    DiagramHeading => "Space-time diagram",
    DiagramLabel => "Messages between servers over time. Hover or select an arrow; select one in flight to drop it.",
    ZoomIn => "Zoom in",
    ZoomOut => "Zoom out",
    FollowNow => "Now",
    FollowNowTitle => "Follow the current time",
    DiagramCount => "{0} messages in view",
    DiagramCapped => "{0} messages in view; the newest {1} are drawn. Zoom in for the rest.",
    MessageHeading => "Message {0}",
    FieldId => "id",
    FieldKind => "kind",
    FieldFrom => "from",
    FieldTo => "to",
    FieldTerm => "term",
    FieldSent => "sent at",
    FieldArrives => "arrives at",
    FieldFate => "fate",
    FieldDuplicate => "duplicate",
    FieldLastLogIndex => "lastLogIndex",
    FieldLastLogTerm => "lastLogTerm",
    FieldGranted => "voteGranted",
    FieldPrevLogIndex => "prevLogIndex",
    FieldPrevLogTerm => "prevLogTerm",
    FieldEntries => "entries",
    FieldLeaderCommit => "leaderCommit",
    FieldSuccess => "success",
    FieldMatchIndex => "matchIndex",
    // Glossary: each Raft term, written one way everywhere (view::glossary checks it). A
    // break-switch's name is a term too: its label below.
    GlossLeader => "leader",
    GlossFollower => "follower",
    GlossCandidate => "candidate",
    GlossTerm => "term",
    GlossMajority => "majority",
    GlossSplitVote => "split vote",
    GlossElectionRestriction => "election restriction",
    GlossMembershipChange => "membership change",
    GlossJointConsensus => "joint consensus",
    GlossCatchingUp => "catching up",
    GlossNoop => "no-op",
    GlossHeartbeat => "heartbeat",
    GlossCommitted => "committed",
    GlossSingleServerChange => "single-server change",
    GlossLearner => "learner",
    // Safety monitor
    MonitorHeading => "Safety monitor",
    MonitorSafety => "Safety properties (Figure 3)",
    MonitorLiveness => "Liveness (not a Figure 3 property: the simulator's watch)",
    PropOk => "OK",
    PropViolatedAt => "violated at {0}",
    PropElectionSafety => "Election Safety",
    PropLeaderAppendOnly => "Leader Append-Only",
    PropLogMatching => "Log Matching",
    PropLeaderCompleteness => "Leader Completeness",
    PropStateMachineSafety => "State Machine Safety",
    PropSingleConfigChange => "Single Config Change",
    PropLiveness => "Liveness",
    ExplainElectionSafety => "Two servers became leader in the same term. Each voter grants at most one vote per term and remembers it across crashes (votedFor is persistent), so two majorities cannot both vote for different candidates in one term (§5.2).",
    ExplainLeaderAppendOnly => "A leader removed or overwrote entries in its own log. A leader only ever appends; only followers truncate, to match the leader (§5.3).",
    ExplainLogMatching => "Two logs hold the same index and term but differ before it. The consistency check in AppendEntries (prevLogIndex and prevLogTerm must match) prevents this (§5.3).",
    ExplainLeaderCompleteness => "A committed entry is missing from a later leader's log. A voter refuses a candidate whose log is less up to date than its own (§5.4.1), and a leader counts replicas only for entries of its own term (§5.4.2, Figure 8).",
    ExplainStateMachineSafety => "Two servers applied different entries at the same index: a client saw a value that was later lost. This follows from Leader Completeness: an entry of an earlier term is committed only together with one of the leader's current term (§5.4.2, Figure 8).",
    ExplainSingleConfigChange => "A second membership change began before the first was done. A leader starts a change only once the previous one is committed (§6).",
    ExplainLiveness => "No leader was elected for a long time although a majority was up and connected. Randomized election timeouts make split votes rare (§5.2).",
    ViolationHeading => "{0} violated at {1}",
    ViolationInvolved => "Servers {0} · terms {1} · entries {2}",
    ViolationPaused => "{0} violated: the run paused there.",
    // Break-switches
    BreaksHeading => "Break a rule",
    BreaksHelp => "Turn off one rule of Raft, then watch the monitor.",
    BreakEqualTimeouts => "Equal election timeouts",
    BreakNoElectionRestriction => "No election restriction",
    BreakCommitOldTerms => "Commit old terms by counting",
    BreakSingleStepMembership => "Single-step membership change",
    BreakChangeBeforeTermCommit => "Change before a commit in the term",
    BreakVolatileVotedFor => "Forget votedFor in a crash",
    BreakReplyBeforePersisting => "Reply before persisting",
    BreakSnapshotUncommitted => "Snapshot uncommitted entries",
    ExplainEqualTimeouts => "All election timeouts are equal, so candidates keep splitting the vote (§5.2).",
    ExplainNoElectionRestriction => "Voters ignore whether the candidate's log is up to date, so a leader can lack committed entries (§5.4.1).",
    ExplainCommitOldTerms => "Leaders commit earlier-term entries by counting replicas, which can lose them (§5.4.2, Figure 8).",
    ExplainSingleStepMembership => "Membership changes skip C_old,new, so two majorities can elect two leaders (§6).",
    ExplainChangeBeforeTermCommit => "A new leader starts a single-server change before it has committed an entry of its term, so two changes begun in different terms can lose a committed entry (§4.1).",
    ExplainVolatileVotedFor => "votedFor is lost in a crash, so a server can vote twice in one term (Figure 2).",
    ExplainReplyBeforePersisting => "A server answers before it writes its term, vote and log to disk, so a crash in between makes it forget what it told the others (Figure 2).",
    ExplainSnapshotUncommitted => "Snapshots run to the end of the log, so a state machine holds entries that were never committed (§7).",
    // What a break-switch did, for the monitor's explanation of the violation it caused.
    CauseEqualTimeouts => "Rule broken: “Equal election timeouts”. Every server drew the same timeout, so they stood for election together, split the vote, and tried again together, again and again. Randomized election timeouts are what makes a split vote rare (§5.2).",
    CauseNoElectionRestriction => "Rule broken: “No election restriction”. A voter granted its vote to a candidate whose log lacked an entry the voter held, so a server missing a committed entry became leader and overwrote it. The election restriction forbids that vote: a voter refuses a candidate whose log is less up to date than its own (§5.4.1).",
    CauseCommitOldTerms => "Rule broken: “Commit old terms by counting”. A leader committed an entry of an earlier term because a majority held it; a later leader that never had it was still electable and overwrote it. A leader counts replicas only for entries of its own term (§5.4.2, Figure 8).",
    CauseSingleStepMembership => "Rule broken: “Single-step membership change”. The change went from C_old straight to C_new, so servers that knew C_new and servers that still ran C_old each counted a majority of their own configuration: two disjoint majorities, and each side elected its leader and committed its own entry. With C_old,new in between, every decision needs a majority of both, and those always overlap (§6; dissertation §4.3).",
    CauseChangeBeforeTermCommit => "Rule broken: “Change before a commit in the term”. A new leader started a single-server change before it had committed an entry of its own term, while an earlier leader's change, one server the other way, was still in some logs uncommitted. The two new configurations differ by two servers, so their majorities need not overlap: a server holding the earlier change was elected without the entry the later one committed, and overwrote it. A leader that first commits an entry of its term has settled every earlier change (dissertation §4.1, the fix of 2015).",
    CauseSnapshotUncommitted => "Rule broken: “Snapshot uncommitted entries”. A server took a snapshot of its whole log, entries no majority held included, and its state machine took them for applied. A snapshot replaces only entries that are committed and applied (§7).",
    CauseVolatileVotedFor => "Rule broken: “Forget votedFor in a crash”. A server voted, crashed, forgot the vote, and voted again in the same term, so two candidates each counted a majority in one term. votedFor is persistent state, saved before the vote is answered (Figure 2).",
    CauseReplyBeforePersisting => "Rule broken: “Reply before persisting”. A server sent a message (a vote, a term, an acknowledgement) before writing its term, vote or log to disk, and crashed in between: it came back behind what it had told the others, and may vote again or lose entries counted toward a commit. Persistent state is written to stable storage before the server answers (Figure 2).",
    ShowMe => "Show me",
    ShowMeTitle => "Load a run that shows the harm",
    Modified => "Modified Raft",
    ModifiedTitle => "A rule of Raft is switched off in this run",
    ScenarioLoaded => "Loaded: {0}",
    // Joint consensus
    QuorumHeading => "Membership change: who counts",
    QuorumInForce => "In force:",
    QuorumLearners => "Catching up, not counted: {0}",
    QuorumOld => "C_old",
    QuorumNew => "C_new",
    QuorumVote => "{0}'s election",
    QuorumEntry => "Entry {0}",
    QuorumCount => "{0} of {1}, {2} needed",
    // The counting on the ring
    TallyLabel => "{0}: {1} of {2} votes, {3} needed",
    MeterLabel => "{0} holds entry {1}: {2} of {3}, {4} needed",
    MeterOnly => "Majority",
    VoteGrantedBy => "{0} voted for {1}",
    VoteRefusedBy => "{0} refused its vote to {1}",
    VoteWaitingFor => "{0} has not answered {1} yet",
    ConfigsHeading => "Configuration in use",
    // State inspector
    InspectorHeading => "{0}: full state",
    StateTerm => "currentTerm",
    StateVotedFor => "votedFor",
    StateCommit => "commitIndex",
    StateApplied => "lastApplied",
    StateConfig => "configuration",
    StateElection => "election timer fires",
    StateHeartbeat => "next heartbeat",
    StateLog => "log ({0} entries)",
    StateProgress => "peer: nextIndex / matchIndex",
    StateNone => "none",
    // Teaching: share links, language, scenarios, exercises and lessons
    TeachHeading => "Share",
    CopyLink => "Copy link",
    CopyLinkTitle => "Put this run in the address bar and on the clipboard",
    LinkLabel => "Link to this run",
    Embed => "Embed",
    EmbedLabel => "HTML to embed this cluster in a page",
    OpenFull => "Open in the full playground",
    DownloadSvg => "Download SVG",
    DownloadPng => "Download PNG",
    DownloadTrace => "Download trace",
    LinkCopied => "Link copied. Whoever opens it sees this run, replayed to this moment.",
    LinkNotCopied => "The clipboard is not available here: copy the link from the field.",
    LinkOpened => "Opened a shared run, replayed to {0}.",
    LinkFailed => "This link could not be opened: {0}. Showing the default cluster instead.",
    ShareEmpty => "the link holds no run",
    ShareNoVersion => "it has no format version (it should start with #v2:)",
    ShareUnknownVersion => "it is in format {0}, which this playground cannot read",
    ShareBadBase64 => "it is damaged at character {0} (`{1}`)",
    ShareTruncated => "it was cut short",
    ShareCorrupt => "its data is truncated or corrupt",
    ShareTooLarge => "it is too long",
    ShareNoZlib => "this browser cannot decompress it (it has no DecompressionStream)",
    ShareBadLine => "line {0} of its data is not part of a run (`{1}`)",
    ShareBadAction => "line {0} of its data is not an action ({1})",
    ShareMissing => "its data has no `{0}` line",
    LinkNotShareable => "This run starts from logs that no loaded scenario sets up, so a link cannot carry it.",
    LinkNotMade => "No link could be made: this browser cannot compress data (it has no CompressionStream).",
    ShareUnknownScenario => "it names a scenario this playground does not have ({0})",
    ShareScenario => "its scenario does not parse ({0})",
    ShareReplay => "its run cannot be replayed ({0})",
    ReplayTimedBefore => "action {0} (`{1}`) is timed before the event it follows",
    ReplayFailed => "action {0} (`{1}`) failed: {2}",
    ReplayAfterEnd => "action {0} comes after the end of the run",
    ShareDiverged => "it replays to a different state in this version of the playground",
    ShareOverBudget => "its run is longer than the page runs by itself (the limit is {0})",
    BudgetRunning => "Opening the link: replaying its run…",
    BudgetCancel => "Cancel",
    BudgetCancelled => "Stopped opening the link. The cluster you had stays.",
    BudgetLoading => "Loading the scenario: running it…",
    BudgetLoadCancelled => "Stopped loading the scenario. The cluster you had stays.",
    BudgetSeeking => "Going to the chosen time: replaying the run…",
    BudgetSeekCancelled => "Stopped at {0}, short of the chosen time. The rest of the run is kept.",
    BudgetLessonSeeking => "Going to the lesson's step: replaying the run…",
    BudgetLessonCancelled => "Stopped on the way. The lesson stays at step {0}, where the run is.",
    ScenarioOverBudget => "The scenario runs longer than the page runs by itself: at line {0} it reaches the limit ({1}). The cluster you had stays.",
    LimitRunEvents => "{0} events",
    LimitRunTime => "{0} of simulated time",
    Language => "Language",
    LangNotLoaded => "{0} could not be loaded ({1}); the page stays in this language.",
    ScenariosHeading => "Scenarios, exercises and lessons",
    ScenarioPick => "Scenario",
    ScenarioFree => "Free play (no scenario)",
    ScenarioLoad => "Load",
    ScenarioText => "Scenario text",
    ScenarioTextPlaceholder => "Paste a scenario here (title:, goal:, step: …)",
    ScenarioLoadText => "Load text",
    ScenarioFile => "Load a file",
    ScenarioParseError => "The scenario does not parse: {0}",
    ScenarioFetching => "Loading the scenario “{0}”…",
    ScenarioFetchFailed => "The scenario file {0} could not be loaded: {1}. Your run is unchanged.",
    FetchOffline => "the request failed (offline?)",
    FetchStatus => "the server answered HTTP {0}",
    FetchParse => "it does not parse ({0})",
    // Scenario, configuration and action errors (`view::format::scenario_error`, `action_error`)
    ScnAt => "line {0}, column {1}: {2}",
    ScnExpected => "expected {0}, found {1}",
    ScnEndOfLine => "end of line",
    ExpServer => "a server such as S1",
    ExpServerRef => "a server such as S1, `leader`, or a name bound by `let`",
    ExpAllOr => "`all` or {0}",
    ExpDuration => "a duration such as 150ms or 2s",
    ExpRange => "a range such as 150ms..300ms",
    ExpProbability => "a probability such as 0.1 or 10%",
    ExpBreakSwitch => "a break-switch: one of {0}",
    ExpOnOff => "`on` or `off`",
    ExpArrow => "`->` (one way) or `<->` (both ways)",
    ExpRequest => "a request: `set KEY VALUE`, `get KEY`, `del KEY` or `incr KEY`",
    ExpMetadataText => "some text after `{0}:`",
    ExpMetadataKey => "`title:`, `description:`, `step:`, `question:`, `answer:` or `goal:` (or one of them with `-zh`)",
    ExpAfterAt => "an action or an expectation after `at TIME`",
    ExpStatement => "a statement such as `crash S1`, `run 500ms`, `expect leader S1` or `title: ...`",
    ExpName => "a name",
    ExpKey => "a key",
    ExpValueOrNone => "a value, or `none` for a missing key",
    ExpResult => "a result such as ok or 3",
    ExpCommandAfterColon => "a command after `:`, such as `set x 1`",
    ExpKeyFor => "a key for `{0}`",
    ExpValueFor => "a value for `{0}`",
    ExpEventCount => "a number of events",
    ExpServerCount => "a number of servers",
    ExpSeed => "a seed (a whole number)",
    ExpEntryCount => "a number of entries",
    ExpTerm => "a term (a whole number)",
    ExpMessageNumber => "a message number",
    ExpLeaderCount => "a number of leaders",
    ExpUpCount => "a number of servers, as in `up 3`",
    ExpLogTerm => "the term of a log entry",
    ExpLogIndex => "a log index",
    ExpRequestNumber => "the number of a request (1 for the first)",
    ExpMembership => "`add` or `remove`, as in `membership add S6` or `membership remove S1`",
    ExpPartitionBar => "`|` between groups, as in `partition S1 S2 | S3 S4 S5`",
    ExpDropWhat => "`message N`, `next S1 -> S2` or `all S1 -> S2`",
    ExpLogEntry => "a log entry: its term (such as 2), or TERM:COMMAND (such as 2:set x 1)",
    ExpLogOp => "`noop`, `set`, `get`, `del` or `incr`",
    ExpTimeOr => "a time such as 2s, or {0}",
    ExpRunSpec => "a duration such as 500ms, or `until`",
    ExpCondition => "a condition such as `leader S1`, `one leader`, `committed 3 on all` or `safe`",
    ExpGoalRest => "`and` and another condition, `for` and a duration, or the end of the line",
    ExpRole => "`leader`, `follower`, `candidate`, `pre-candidate`, `down`, `up`, `removed` or `retired`",
    ExpPhase => "a membership phase: one of {0}",
    ExpProperty => "a property: one of {0}",
    ExpRefusal => "a kind of refusal: one of {0}",
    ExpPick => "`follower` or `random live server`, as in `crash a follower`",
    ExpAction => "an action such as `crash S1` after `expect refused`",
    ExpRepeatCount => "how many times to repeat, as in `repeat 10`",
    InvTooLarge => "`{0}` is too large",
    InvNoServer => "there is no server {0}: servers are S1 to S{1}",
    InvServerRangeBackwards => "the range {0} runs backwards: write {1}..{2}",
    InvNotWholeMs => "{0} is not a whole number of milliseconds",
    InvRangeBackwards => "the range {0} runs backwards: the minimum comes first",
    InvNotAProbability => "`{0}` is not between 0 and 1 (or 0% and 100%)",
    InvNeedsUnit => "`{0}` needs a unit: write {0}ms or {0}s",
    InvUnknownUnit => "unknown unit `{0}` in `{1}`: use us, ms, s or min",
    InvNotANumber => "`{0}` is not a number with a unit",
    InvFinerThanMicrosecond => "`{0}` is finer than a microsecond, the simulator's smallest step",
    InvSetupAfterStart => "`{0}` sets up the cluster, so it must come before the first action, run or expectation",
    InvAtBeforeRun => "`at` goes before an action or an expectation, not before `run` or `step`",
    InvNotAName => "`{0}` is not a name: use letters, digits, `_` and `-`, starting with a letter",
    InvNameTaken => "`{0}` already means something here; choose another name",
    InvClusterSize => "a cluster has 1 to {0} servers, not {1}",
    InvEntriesPerAppend => "max entries per append must be from {0} to {1}, not {2}",
    InvLogTwice => "{0}'s log was already given",
    InvBeyondCluster => "there is no {0}: the cluster has {1} servers (write `servers {2}` to have more)",
    InvTermBelowLog => "{0}'s term {1} is below the term {2} of its last log entry",
    InvVoteBeyond => "{0} voted for {1}, but the cluster has {2} servers",
    InvTermsDecrease => "log terms never decrease: entry {0} has term {1} after term {2}",
    InvMetadataTwice => "a scenario has one `{0}:` line; this is the second",
    InvNeedsStep => "`{0}:` belongs to a `step:`: write it on the lines right after one",
    InvStepHasTwo => "this step already has a `{0}:`",
    InvNeedsGoal => "`goal-zh:` says a `goal:` in Chinese: write it after the `goal:` line",
    InvNotOneAction => "`{0}` is not one action with its servers written out",
    InvOutOfRange => "`{0}` is out of range for {1}: from {2} to {3}",
    InvControlCharacter => "control character `{0}` in the text: only printable text and tabs are allowed",
    InvWordTooLong => "`{0}` is too long: a word has at most {1} characters",
    InvTimeCap => "the run could reach {0} of simulated time here, beyond the {1} a run may last",
    InvEventCap => "the steps so far ask for {0} events, beyond the {1} a run may process",
    InvEndWithoutRepeat => "`end` closes a `repeat` block, but none is open",
    InvRepeatNotEnded => "this `repeat` block has no `end`",
    InvStatementCap => "the repeated statements come to {0}, beyond the {1} statements a scenario may run",
    CfgServers => "servers must be between 1 and {0}, found {1}",
    CfgElectionTimeout => "election timeout must be a range like 150..300 with 0 < min <= max, found {0}..{1}",
    CfgHeartbeat => "heartbeat must be above 0 and below the minimum election timeout ({0}ms), found {1}ms",
    CfgMaxEntries => "max entries per append must be at least 1",
    CfgLoss => "loss must be between 0 and 1, found {0}",
    CfgDuplication => "duplication must be between 0 and 1, found {0}",
    CfgLatencyOrder => "latency minimum {0}ms is above its maximum {1}ms",
    CfgLatencyLimit => "latency {0}ms is above the {1}ms limit",
    CfgInitialStates => "{0} initial states given for {1} servers",
    CfgTermAtMaximum => "{0}'s initial term is the largest a term can be ({1}): no election could follow it",
    CfgOutOfRange => "`{0}` must be from {1} to {2}, found {3}",
    ErrNothingToAlign => "Name at least one server whose timer to align.",
    ErrSelfLink => "A link joins two different servers, not {0} to itself.",
    ErrAlreadyMember => "{0} is already a member of {1}.",
    ErrNotNext => "New servers are numbered in order: the next one is {0}, not {1}.",
    GoalLabel => "Goal: {0}",
    GoalNotYet => "Not solved yet.",
    GoalHolding => "Holding for {0} of {1}…",
    GoalMet => "Solved! The goal was met at {0}.",
    EvDeliver => "deliver message {0}",
    EvDrop => "drop message {0} ({1})",
    EvElectionTimeout => "election timeout on {0}",
    EvHeartbeat => "heartbeat timer on {0}",
    EvClientRetry => "client {0} retries",
    EvAction => "action: {0}",
    DropLoss => "lost",
    DropPartition => "partition",
    DropReceiverDown => "receiver down",
    DropUser => "dropped by you",
    KindVoteGranted => "vote granted",
    KindVoteRefused => "vote refused",
    KindHeartbeat => "heartbeat",
    KindAppendOk => "append ok",
    KindAppendFailed => "append failed",
    ParamSeed => "seed=`{0}`: expected a whole number",
    ParamServers => "servers=`{0}`: expected 1 to {1}",
    ParamSpeed => "speed=`{0}`: expected a number such as 0.1 or 1",
    ParamSnapshots => "snapshots=`{0}`: expected a number of entries from {1} to {2}",
    ScenarioLoadedUntitled => "Scenario loaded.",
    PartitionNow => "In force: {0}",
    PartitionNowNone => "In force: none, every server reaches every other",
    PartitionExample => "Example: ",
    LessonStep => "Step {0} of {1}",
    LessonBefore => "This step begins at {0}. Until then, the scenario sets up the cluster.",
    LessonBack => "Back",
    LessonNext => "Next",
    LessonPredict => "Predict: {0}",
    LessonAsked => "You were asked: {0}",
    LessonYouPredicted => "You predicted: {0}",
    LessonAnswer => "Answer: {0}",
    LessonPrediction => "Your prediction",
    LessonPredictionPlaceholder => "Type what you expect, then watch",
    LessonAnswerAfterRun => "The answer is shown once the run has played on from here.",
    LessonWatch => "Watch",
    LessonWatchEnd => "Watch to the end",
    LessonWatchTitle => "Play the run on from here at the chosen speed, and stop at the next step",
    LessonSkip => "Skip",
    LessonSkipTitle => "Stop watching and go straight to where the run stops",
    LessonNextTitle => "Go straight to the next step's state",
    LessonToEnd => "To the end",
    LessonHistoryDropped => "The run before {0} was dropped to keep it within its memory limit: the lesson is at step {1}, as far back as the history reaches.",
    // What the safety checker and the liveness watch found (`view::format::violation_detail`)
    VioLeaderRewroteLog => "leader {0} of term {1} rewrote its log from index {2}",
    VioLeaderLostEntries => "leader {0} of term {1} lost or changed entries up to index {2}",
    VioTwoLeaders => "{0} and {1} were both elected leader in term {2}",
    VioUncommittedConfigs => "leader {0} has {1} uncommitted configuration entries",
    VioLogsDiffer => "{0} and {1} both hold an entry of term {2} at index {3}, but their logs differ before it",
    VioLeaderMissingCommitted => "{0} became leader of term {1} without the entry at index {2}, which {3} had committed in term {4}",
    VioCommittedDifferent => "{0} committed up to index {1} in term {2}, but its entry at index {3} is not the one {4} committed in term {5}",
    VioAppliedDifferent => "{0} applied a different entry at index {1} than {2} did",
    VioTermDecreased => "the current term of {0} went down from {1} to {2}",
    VioVotedTwice => "{0} voted for {2} and then for {3} in term {1}",
    VioAppliedTwice => "{0} carried out request {2} of {1} twice",
    VioNoLeader => "no leader among {0} for {1} ({2} maximum election timeouts) although they are up, connected and a quorum",
    VioNoLeaderAfterHealing => "no leader {0} after every fault was healed",
    VioNoLeaderAfterChange => "no leader after the membership change that followed {0}'s election",
    VioFinalRequestNotSent => "the final request could not be sent",
    VioFinalRequestNotApplied => "a request sent after healing was not applied on {0}, which neither applied nor received anything new for {1} (or ten times that in all) (client: {2})",
    VioOnTheLeader => "the leader",
    ErrorPrefix => "Error: {0}",
    // PreVote, CheckQuorum and leadership transfer (issue 14)
    RolePreCandidate => "pre-candidate",
    KindPreVoteGranted => "pre-vote granted",
    KindPreVoteRefused => "pre-vote refused",
    FieldTransfer => "transfer",
    OptionsHeading => "Protocol options",
    PreTallyLabel => "{0}: {1} of {2} pre-votes, {3} needed",
    PreVoteGrantedBy => "{0} would vote for {1} (pre-vote)",
    PreVoteRefusedBy => "{0} refused a pre-vote to {1}",
    ExpProtocolOption => "a protocol option: one of {0}",
    OptionPreVote => "PreVote",
    OptionCheckQuorum => "CheckQuorum",
    // Log compaction and InstallSnapshot (issue 14, §7)
    KindSnapshotInstalled => "snapshot installed",
    FieldLastIncludedIndex => "lastIncludedIndex",
    FieldLastIncludedTerm => "lastIncludedTerm",
    FieldSnapshotConfig => "configuration",
    FieldSnapshotData => "data",
    SnapshotBlockShort => "≤{0} t{1}",
    SnapshotBlockTitle => "Snapshot: entries 1 to {0} (the last of term {1}) replaced by the state machine they built; configuration {2} (§7)",
    LegendInstallSnapshot => "InstallSnapshot: the leader's snapshot, for a follower that needs entries the leader has compacted",
    OptionSnapshots => "Snapshots",
    SnapshotsEvery => "applied entries per snapshot",
    SnapshotsTitle => "Log compaction (§7): each server snapshots its state machine after every N applied entries and drops the log up to there; a follower too far behind gets InstallSnapshot",
    InspectorSnapshot => "snapshot",
    VioSnapshotUncommitted => "{0} took a snapshot up to index {1}, but only {2} entries were committed",
    ExplainPreVote => "A server first asks whether it could win, without raising its term (§9.6): a server that rejoins cannot depose the leader.",
    ExplainCheckQuorum => "A leader that hears from no quorum for an election timeout steps down (etcd).",
    ContactsQuorum => "{0} heard from {1} of {2} servers within the last election timeout: a quorum.",
    ContactsNoQuorum => "{0} heard from {1} of {2} servers within the last election timeout: not a quorum, so it steps down once it has led that long.",
    TransferTo => "Make {0} leader",
    TransferTitle => "The leader stops taking requests, brings {0} up to date and sends it TimeoutNow (§3.10)",
    Transferring => "Handing leadership over to {0}: no new requests until it wins or an election timeout passes.",
    LegendPreVote => "PreVote: could I win? (term not raised)",
    LegendTimeoutNow => "TimeoutNow: start an election now",
    ErrTransfer => "Leadership transfer refused: {0}",
    ErrTransferAlreadyLeader => "{0} is already the leader.",
    ErrTransferNotVoter => "{0} is not a voter of the configuration.",
    NoteQuorumLost => "{0} stepped down (CheckQuorum): within an election timeout it heard only from {1}, not a quorum.",
    NoteTransferStarted => "{0} hands leadership over to {1} and takes no new requests.",
    NoteTimeoutNowSent => "{1} holds all of {0}'s log: {0} sends it TimeoutNow.",
    NoteTransferAborted => "{1} did not win within an election timeout: {0} takes requests again.",
    // The guided visit (`view::guide`): welcome, picker groups, tour, server menu, forks
    GuideButton => "Start here",
    GuideButtonTitle => "Open the welcome again: the guided tour, free play or exercises",
    WelcomeHeading => "Welcome to the Raft Playground",
    WelcomeIntro => "A Raft cluster runs in this page. How would you like to start?",
    WelcomeTour => "Guided tour",
    WelcomeTourResume => "Continue the tour: lesson {0} of {1}",
    WelcomeTourText => "Five short lessons, about ten minutes: an election, a split vote, a stale leader, a partition and a membership change.",
    WelcomeFree => "Free play",
    WelcomeFreeText => "The cluster is yours: crash servers, split the vote, cut the network.",
    WelcomeExercises => "Exercises for a class",
    WelcomeExercisesText => "Goals to reach on the cluster; the page checks them as you go.",
    GroupLessons => "Lessons (the guided tour)",
    GroupScenarios => "Scenarios",
    GroupExercises => "Exercises",
    GroupBrokenRules => "Broken rules",
    TourPlace => "Guided tour · lesson {0} of {1}",
    TourLeave => "Leave the tour",
    LessonDone => "Lesson done.",
    LessonNextLesson => "Next lesson: {0}",
    TourDone => "You have finished the guided tour. The exercises let you try it yourself.",
    TourExercises => "Try an exercise",
    ToolbarLabel => "Language, sharing, export and run settings",
    CutOff => "Cut {0} off",
    ForkBack => "Back to the run you left",
    ForkBackTitle => "Return to the run as it was before you acted in the past, with its future",
    // The explain mode (`view::explain`): play pauses at a moment that matters, with one line.
    Explain => "Explain",
    ExplainTitle => "Pause at the moments that matter (an election, a win, a commit, a step down, a membership phase), with one line on each",
    ExplainCampaign => "{0} timed out: it starts an election for term {1}, votes for itself and asks the others for their votes (§5.2).",
    ExplainWon => "{0} won the election for term {1}: a majority voted for it. As leader it appends a no-op entry and sends AppendEntries to the others (§5.2, §8).",
    ExplainCommitted => "Leader {0} commits up to entry {1}: a majority stores it (of each configuration in force), so it is never lost (§5.3, §5.4).",
    ExplainSteppedDown => "{0} learned of term {1}, newer than its own: it steps down and becomes a follower (§5.1).",
    ExplainPhase => "Membership change: {0}",
    // Pacing (`view::pace`): slow motion while votes are on the wire; fast-forward in exercises.
    PaceElection => "Slow motion: votes on the wire",
    FastForward => "Fast-forward ×10",
    FastForwardTitle => "Play ten times faster until the goal is met; press again to stop",
    Replay => "Replay",
}

/// The message `key` in the current language.
#[cfg(not(target_arch = "wasm32"))]
pub fn t(key: K) -> &'static str {
    match lang() {
        Lang::English => english(key),
        Lang::Chinese => super::i18n_zh::chinese(key).unwrap_or_else(|| english(key)),
    }
}

/// The message `key` in the current language: empty until that language's catalogue
/// file is installed (the page installs it before it shows anything in that language).
#[cfg(target_arch = "wasm32")]
pub fn t(key: K) -> &'static str {
    TEXT.with(|text| text.get()[lang() as usize].map_or("", |messages| messages[key as usize]))
}

/// Library scenario `index`'s title and description (`index` in `scenario::library()`
/// order) in the current language, as the picker lists it: in the page, from the
/// language's catalogue file, which carries them after the messages (empty until it is
/// installed); natively, from the headers `build.rs` reads.
pub fn library_header(index: usize) -> [&'static str; 2] {
    #[cfg(not(target_arch = "wasm32"))]
    return super::i18n_file::compiled_header(lang(), index);
    #[cfg(target_arch = "wasm32")]
    return TEXT.with(|text| {
        let at = K::ALL.len() + 2 * index;
        text.get()[lang() as usize].map_or(["", ""], |lines| [lines[at], lines[at + 1]])
    });
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// The page's text in each language (by `Lang as usize`), once its file is installed.
    static TEXT: Cell<[Option<&'static [&'static str]>; 2]> = const { Cell::new([None, None]) };
}

/// Whether [`t`] has text in `lang`: always natively; in the page, once [`install`]ed.
pub fn has_text(lang: Lang) -> bool {
    #[cfg(target_arch = "wasm32")]
    return TEXT.with(|text| text.get()[lang as usize].is_some());
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        true
    }
}

/// Makes `messages` (`lang`'s catalogue file, parsed: one per key in [`K::ALL`] order, then
/// the library's headers) the page's text in `lang`. Kept for the page's life: each language is installed once.
#[cfg(target_arch = "wasm32")]
pub fn install(lang: Lang, messages: Vec<String>) {
    if has_text(lang) || messages.len() != super::i18n_file::LINES {
        return;
    }
    let messages: Vec<&'static str> = messages.into_iter().map(|m| &*Box::leak(m.into_boxed_str())).collect();
    TEXT.with(|text| {
        let mut all = text.get();
        all[lang as usize] = Some(Box::leak(messages.into_boxed_slice()));
        text.set(all);
    });
}

/// The message `key` with `{0}`, `{1}` … replaced by `args`.
pub fn tf(key: K, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = t(key).to_string();
    for (i, arg) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), &arg.to_string());
    }
    out
}

/// Makes [`break_switch_text`] from the break-switch table.
macro_rules! break_switch_keys {
    ($([$(#[$doc:meta])* $variant:ident $name:literal $section:literal $show_me:literal $label:ident $explanation:ident $cause:ident [$($harm:ident),*]])*) => {
        /// A break-switch's name and the rule it removes, as catalogue keys: the ones its row
        /// of the break-switch table (`src/raft/breaks.rs`) names.
        pub fn break_switch_text(switch: crate::raft::BreakSwitch) -> (K, K) {
            match switch {
                $(crate::raft::BreakSwitch::$variant => (K::$label, K::$explanation),)*
            }
        }
    };
}
crate::raft::breaks::break_switches!(break_switch_keys);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_text() {
        for key in K::ALL {
            assert!(!t(*key).trim().is_empty(), "{key:?} is empty");
        }
    }

    #[test]
    fn placeholders_are_numbered_from_zero_without_gaps() {
        for key in K::ALL {
            let text = t(*key);
            let mut n = 0;
            while text.contains(&format!("{{{n}}}")) {
                n += 1;
            }
            assert!(!text.contains(&format!("{{{}}}", n + 1)), "{key:?} skips {{{n}}}: {text}");
        }
    }

    fn placeholders(text: &str) -> Vec<usize> {
        (0..10).filter(|n| text.contains(&format!("{{{n}}}"))).collect()
    }

    #[test]
    fn every_key_has_a_chinese_translation_with_the_same_placeholders() {
        for key in K::ALL {
            let zh = crate::view::i18n_zh::chinese(*key).unwrap_or_else(|| panic!("{key:?} has no 简体中文 text"));
            assert!(!zh.trim().is_empty(), "{key:?}: empty 简体中文 text");
            assert_eq!(placeholders(zh), placeholders(english(*key)), "{key:?}: {zh}");
        }
    }

    /// A key the break-switch table names is in both catalogues (a key missing from the
    /// English one does not compile), and each explanation cites the switch's section.
    #[test]
    fn both_catalogues_have_every_key_the_break_switch_table_names() {
        for switch in crate::raft::BreakSwitch::ALL {
            let (label, explanation) = break_switch_text(switch);
            let cause = crate::view::inspect::break_switch_cause(switch);
            for key in [label, explanation, cause] {
                assert!(!english(key).trim().is_empty(), "{switch}: {key:?} has no English text");
                let zh = crate::view::i18n_zh::chinese(key);
                assert!(zh.is_some_and(|zh| !zh.trim().is_empty()), "{switch}: {key:?} has no 简体中文 text");
            }
            assert!(english(explanation).contains(switch.section()), "{switch}: {}", english(explanation));
        }
    }

    #[test]
    fn the_language_follows_the_browser_and_the_switch() {
        assert_eq!(Lang::from_code("zh-TW"), Lang::Chinese);
        assert_eq!(Lang::from_code("zh"), Lang::Chinese);
        assert_eq!(Lang::from_code("en-GB"), Lang::English);
        assert_eq!(Lang::from_code("fr"), Lang::English);
        set_lang(Lang::Chinese);
        assert_eq!(t(K::Language), "语言");
        assert_eq!(tf(K::CrashServer, &[&"S3"]), "使 S3 崩溃");
        set_lang(Lang::English);
        assert_eq!(t(K::Language), "Language");
    }

    /// The picker lists each library scenario by what its file says in the page's
    /// language, and follows the language switch.
    #[test]
    fn library_headers_follow_the_language() {
        for (index, scenario) in crate::scenario::library().iter().enumerate() {
            let parsed = crate::scenario::parse(scenario.text).unwrap_or_else(|e| panic!("{}: {e}", scenario.file));
            for (lang, title, description) in [
                (Lang::English, &parsed.title, &parsed.description),
                (Lang::Chinese, &parsed.title_zh, &parsed.description_zh),
            ] {
                set_lang(lang);
                let [t, d] = library_header(index);
                assert_eq!((Some(t), Some(d)), (title.as_deref(), description.as_deref()), "{}", scenario.file);
            }
        }
        set_lang(Lang::English);
    }

    #[test]
    fn arguments_fill_the_placeholders() {
        assert_eq!(tf(K::CrashServer, &[&"S3"]), "Crash S3");
        assert_eq!(tf(K::ServerSummary, &[&"S1", &"leader", &4]), "S1 · leader · term 4");
    }
}
