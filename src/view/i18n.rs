//! The message catalogue: every string the page shows, by message id. Components call
//! [`t`] (or [`tf`] for a message with `{0}`, `{1}` … placeholders) and never write text
//! of their own, so that a second language is one more table.

use std::cell::Cell;

/// The languages the page speaks. English is the only one so far; 简体中文 is next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    English,
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

        fn english(key: K) -> &'static str {
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
    SplitVoteTitle => "Crash the leader, then let every other server time out at once",
    SpreadTimers => "Spread timers",
    SpreadTimersTitle => "Every follower and candidate draws a fresh random election timeout",
    AddServer => "Add server",
    AddServerTitle => "Add {0} through joint consensus (§6)",
    AddServerFull => "The cluster already has the most servers allowed.",
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
    RoleCatchingUp => "catching up",
    TermShort => "T{0}",
    ServerLabel => "{0}, {1}, term {2}",
    ServerVotes => "{0} of {1} votes",
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
    // Logs and state
    LogsHeading => "Logs",
    LogsScroller => "Log entries by server; scroll sideways for more",
    CommitLabel => "commit {0}",
    NextMatch => "next {0} · match {1}",
    EntryCommitted => "committed",
    EntryUncommitted => "not committed",
    JointGlyph => "C o,n",
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
    KeySplitVote => "Split the vote",
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
    ErrRetired => "{0} was removed from the cluster.",
    ErrAlreadyDown => "{0} is already down.",
    ErrAlreadyUp => "{0} is already running.",
    ErrIsLeader => "{0} is the leader: it has no election timer.",
    ErrNoLeader => "There is no leader right now; wait for an election.",
    ErrMembership => "Membership change refused: {0}",
    ErrNotInFlight => "That message is no longer in flight.",
    ErrParam => "Ignored a URL parameter: {0}",
    PanicBanner => "Something went wrong inside the playground, and it stopped. Reload the page to start again.",
    PanicReload => "Reload",
    ReducedMotion => "Your system asks for reduced motion, so the cluster starts paused. Press Play to run it.",
    BenchRunning => "Running the standard workload…",
}

/// The message `key` in the current language.
pub fn t(key: K) -> &'static str {
    match lang() {
        Lang::English => english(key),
    }
}

/// The message `key` with `{0}`, `{1}` … replaced by `args`.
pub fn tf(key: K, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = t(key).to_string();
    for (i, arg) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), &arg.to_string());
    }
    out
}

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

    #[test]
    fn arguments_fill_the_placeholders() {
        assert_eq!(tf(K::CrashServer, &[&"S3"]), "Crash S3");
        assert_eq!(tf(K::ServerSummary, &[&"S1", &"leader", &4]), "S1 · leader · term 4");
    }
}
