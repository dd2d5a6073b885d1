//! The event loop: the queue of timed events (deliveries, timer firings, client
//! retries), stepping and running the clock, and acting on what a server asks for.

use super::history::{DropReason, History, MessageId, MessageRecord, Note, NoteKind};
use super::liveness::LIVENESS_CHECK_US;
use super::{describe_step, ClientStatus, ServerSlot, Sim};
use crate::raft::{BreakSwitch, ClientId, Duration, Message, Node, Output, RoleKind, ServerId, Term, Time};
use crate::sorted::SortedSet;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EventKind {
    Deliver(MessageId),
    /// A server's timer fires, if it was not re-armed or disarmed since (the generation).
    Timeout(ServerId, Timer, u32),
    ClientRetry(u32, u32),
}

/// The two timers the simulator keeps for each server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Timer {
    /// §5.2: a follower or candidate that hears nothing for this long starts an election.
    Election,
    /// A leader's next round of AppendEntries.
    Heartbeat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Queued {
    pub(super) time: Time,
    pub(super) seq: u64,
    pub(super) kind: EventKind,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepEvent {
    /// 1 for the first event of the run.
    pub index: u64,
    pub time: Time,
    pub kind: StepKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum StepKind {
    Delivered { id: MessageId },
    Dropped { id: MessageId, reason: DropReason },
    ElectionTimeout { server: ServerId },
    Heartbeat { server: ServerId },
    ClientRetry { client: ClientId },
    Action { action: String },
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepKind::Delivered { id } => write!(f, "deliver message {}", id.0),
            StepKind::Dropped { id, reason } => write!(f, "drop message {} ({})", id.0, reason.words()),
            StepKind::ElectionTimeout { server } => write!(f, "election timeout on {server}"),
            StepKind::Heartbeat { server } => write!(f, "heartbeat timer on {server}"),
            StepKind::ClientRetry { client } => write!(f, "client {client} retries"),
            StepKind::Action { action } => write!(f, "action: {action}"),
        }
    }
}

impl Sim {
    // ---- Running ----------------------------------------------------------------------

    /// Processes one event (applying any recorded action that comes first). Returns what
    /// happened, or `None` if nothing is scheduled.
    pub fn step(&mut self) -> Option<StepEvent> {
        self.step_until(Time(u64::MAX))
    }

    /// Like [`Sim::step`], but never processes an event later than `limit`: stale queue
    /// entries (timers since reset, messages since dropped) at or before `limit` are
    /// discarded on the way. `None` once nothing is left at or before `limit`.
    /// (`step` skips stale entries too, so after one it may process an event past a
    /// caller's limit.)
    #[inline(never)] // large (it holds `process`): one copy, however many callers
    pub fn step_until(&mut self, limit: Time) -> Option<StepEvent> {
        self.apply_due_actions(Some(limit));
        loop {
            let Reverse(q) = *self.world.queue.peek()?;
            if q.time > limit {
                return None;
            }
            self.world.queue.pop();
            if let Some(kind) = self.process(q) {
                self.after_event();
                return Some(StepEvent { index: self.world.events, time: self.world.now, kind });
            }
        }
    }

    /// Runs every event up to and including time `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        self.run_until_observed(t, |_| {});
    }

    /// Like [`Sim::run_until`], calling `observe` after every event.
    pub fn run_until_observed(&mut self, t: Time, mut observe: impl FnMut(&StepEvent)) {
        while let Some(e) = self.step_until(t) {
            observe(&e);
        }
        self.arrive_at(t);
    }

    /// Once no event is left at or before `t`: sets the clock to `t` and applies the
    /// actions due by then.
    pub(super) fn arrive_at(&mut self, t: Time) {
        if t > self.world.now {
            self.world.now = t;
        }
        self.apply_due_actions(Some(t));
        self.horizon = self.horizon.max(self.world.now);
    }

    /// Runs `d` of simulated time.
    pub fn run_for(&mut self, d: Duration) {
        let t = self.world.now + d;
        self.run_until(t);
    }

    /// Runs until some live server is leader, for at most `limit`. Returns the leader.
    pub fn run_until_leader(&mut self, limit: Duration) -> Option<ServerId> {
        let end = self.world.now + limit;
        loop {
            if let Some(l) = self.leader() {
                return Some(l);
            }
            if self.step_until(end).is_none() {
                self.run_until(end);
                return self.leader();
            }
        }
    }

    pub(super) fn apply_due_actions(&mut self, limit: Option<Time>) {
        while let Some(record) = self.actions.get(self.next_action) {
            if record.at_event != self.world.events || limit.is_some_and(|t| record.time > t) {
                break;
            }
            let record = record.clone();
            self.world.now = self.world.now.max(record.time);
            // A recorded action succeeded when it was first applied, and the run is
            // deterministic, so it succeeds again.
            let _ = self.apply_action(&record.action);
            self.next_action += 1;
        }
    }

    fn after_event(&mut self) {
        self.horizon = self.horizon.max(self.world.now);
        if self.world.now >= self.world.liveness.next_check {
            self.check_liveness();
            self.world.liveness.next_check = Time(self.world.now.0 + LIVENESS_CHECK_US);
        }
        if self.checkpoint_interval_us > 0 {
            let last = self.checkpoints.last().map_or(0, |c| c.world.now.0);
            if self.world.now.0 >= last + self.checkpoint_interval_us {
                self.take_checkpoint();
            }
        }
    }

    // ---- Events -----------------------------------------------------------------------

    pub(super) fn schedule(&mut self, time: Time, kind: EventKind) {
        let seq = self.world.next_seq;
        self.world.next_seq += 1;
        self.world.queue.push(Reverse(Queued { time, seq, kind }));
    }

    /// Processes one queued event; `None` if it was stale (a timer since reset, a
    /// message already dropped), which does not count as an event.
    fn process(&mut self, q: Queued) -> Option<StepKind> {
        match q.kind {
            EventKind::Deliver(id) => {
                let record = &self.history.messages[id.0 as usize];
                if record.dropped.is_some() {
                    return None;
                }
                let (to, from) = (record.message.to, record.message.from);
                self.world.now = q.time;
                self.world.events += 1;
                let alive = self.slot(to).is_some_and(|s| s.alive);
                let reason = if !alive {
                    Some(DropReason::ReceiverDown)
                } else if !self.world.topology.can_send(from, to) {
                    Some(DropReason::Partition)
                } else {
                    None
                };
                let record = &mut self.history.messages[id.0 as usize];
                if let Some(reason) = reason {
                    record.dropped = Some((q.time, reason));
                    return Some(StepKind::Dropped { id, reason });
                }
                record.delivered = true;
                let kind = StepKind::Delivered { id };
                self.world.current_event = Some(kind.clone());
                // The node reads the history's record: no copy of the message.
                self.drive_reading(to.0 as usize - 1, |node, history| {
                    node.step(q.time, &history.messages[id.0 as usize].message)
                });
                Some(kind)
            }
            EventKind::Timeout(server, timer, gen) => {
                let i = server.0 as usize - 1;
                let slot = &mut self.world.servers[i];
                if !slot.alive || slot.timer_gen(timer) != gen {
                    return None;
                }
                let kind = match timer {
                    Timer::Election => {
                        if let Some(deadline) = slot.election_deadline.filter(|d| *d > q.time) {
                            // Reset since this firing was queued: it queues itself again.
                            slot.election_queued = Some(deadline);
                            self.schedule(deadline, EventKind::Timeout(server, timer, gen));
                            return None;
                        }
                        slot.election_queued = None;
                        slot.election_deadline = None;
                        slot.pinned_deadline = None;
                        StepKind::ElectionTimeout { server }
                    }
                    Timer::Heartbeat => {
                        slot.heartbeat_deadline = None;
                        StepKind::Heartbeat { server }
                    }
                };
                self.world.now = q.time;
                self.world.events += 1;
                self.world.current_event = Some(kind.clone());
                self.drive(i, |node| match timer {
                    Timer::Election => node.handle_election_timeout(q.time),
                    Timer::Heartbeat => node.handle_heartbeat_timeout(q.time),
                });
                Some(kind)
            }
            EventKind::ClientRetry(index, attempt) => {
                let client = self.world.clients.get(index as usize)?;
                if client.status != ClientStatus::Pending || client.attempts.len() as u32 != attempt {
                    return None;
                }
                self.world.now = q.time;
                self.world.events += 1;
                let kind = StepKind::ClientRetry { client: client.client };
                self.world.current_event = Some(kind.clone());
                let target = self.next_client_target(index as usize);
                self.submit(index as usize, target);
                Some(kind)
            }
        }
    }

    pub(super) fn slot(&self, id: ServerId) -> Option<&ServerSlot> {
        self.world.servers.get((id.0 as usize).checked_sub(1)?)
    }

    /// Gives server `i` an input and acts on what it asks for: the one way the simulator
    /// drives a node. The checker learns whether it was a leader before the input.
    pub(super) fn drive<R>(&mut self, i: usize, input: impl FnOnce(&mut Node) -> R) -> R {
        self.drive_reading(i, |node, _| input(node))
    }

    /// [`Self::drive`], with the history to read from while the node takes its input.
    fn drive_reading<R>(&mut self, i: usize, input: impl FnOnce(&mut Node, &History) -> R) -> R {
        let node = &mut self.world.servers[i].node;
        let was_leader = node.is_leader().then(|| node.term());
        let result = input(node, &self.history);
        self.process_outputs(i, was_leader);
        result
    }

    /// Acts on what server `i` asked for, after the checker has seen it.
    fn process_outputs(&mut self, i: usize, was_leader: Option<Term>) {
        let mut outputs = std::mem::take(&mut self.outputs);
        self.world.servers[i].node.take_outputs(&mut outputs);
        if outputs.is_empty() {
            self.outputs = outputs;
            return;
        }
        let torn = self.tear(i, &mut outputs);
        {
            let world = &mut self.world;
            let history = &self.history;
            let current = world.current_event.as_ref();
            let describe = || describe_step(history, current);
            world.checker.observe(
                &world.servers[i].node,
                &world.servers[i].stable,
                was_leader,
                &outputs,
                world.now,
                world.events,
                &describe,
            );
        }
        let id = ServerId(i as u32 + 1);
        let now = self.world.now;
        let mut retire: Option<SortedSet<ServerId>> = None;
        for output in outputs.drain(..) {
            match output {
                Output::Send(msg) => self.send(msg),
                Output::ResetElectionTimer => match self.world.servers[i].pinned_deadline {
                    Some(at) if at > now => self.arm_timer(i, Timer::Election, at),
                    _ => {
                        let timeout = self.draw_election_timeout();
                        self.arm_timer(i, Timer::Election, now + timeout);
                    }
                },
                Output::StopElectionTimer => self.world.servers[i].disarm(Timer::Election),
                Output::ResetHeartbeatTimer => {
                    let at = now + Duration::from_ms(self.world.config.heartbeat_ms);
                    self.arm_timer(i, Timer::Heartbeat, at);
                }
                Output::RoleChanged { role, term } => {
                    if role == RoleKind::Leader {
                        self.world.leaders.insert(id);
                    } else {
                        self.world.leaders.remove(&id);
                    }
                    self.history.notes.push(Note { time: now, server: id, kind: NoteKind::Role { role, term } });
                }
                Output::ClientReply { client, seq, result } => self.client_reply(id, client, seq, result),
                Output::Protocol(event) => {
                    self.history.notes.push(Note { time: now, server: id, kind: NoteKind::Protocol { event } })
                }
                Output::Membership(event) => {
                    if let Some(keep) = self.record_membership(i, event) {
                        retire = Some(keep);
                    }
                }
                Output::SaveHardState { .. }
                | Output::SaveLog { .. }
                | Output::SnapshotTaken { .. }
                | Output::SnapshotInstalled { .. }
                | Output::Committed { .. }
                | Output::Applied { .. } => {}
            }
        }
        self.outputs = outputs;
        if torn {
            self.shut_down(i, NoteKind::Crashed);
        }
        if let Some(keep) = retire {
            self.remove_all_but(&keep);
        }
        self.check_change_lost(i);
    }

    /// Carries out, on server `i`'s disk, the writes among `outputs`, in order. When the
    /// server is to crash right after sending ([`Action::CrashAfterSending`]) and these
    /// outputs send something, everything after the first message is cut off first, so
    /// the crash keeps exactly the writes asked for before it. Returns whether it cut.
    fn tear(&mut self, i: usize, outputs: &mut Vec<Output>) -> bool {
        let slot = &mut self.world.servers[i];
        let cut = if slot.crash_after_send { outputs.iter().position(|o| matches!(o, Output::Send(_))) } else { None };
        if let Some(first_send) = cut {
            outputs.truncate(first_send + 1);
            slot.crash_after_send = false;
        }
        for output in outputs.iter() {
            slot.stable.write(output, &slot.node);
        }
        cut.is_some()
    }

    pub(super) fn draw_election_timeout(&mut self) -> Duration {
        let c = &self.world.config;
        let (min, max) = (c.election_timeout_min_ms * 1000, c.election_timeout_max_ms * 1000);
        if c.breaks.is_on(BreakSwitch::EqualTimeouts) || min == max {
            return Duration(min);
        }
        Duration(self.world.rng.random_range(min..=max))
    }

    /// Starts (or restarts) server `i`'s `timer` to fire at `at`: a firing queued before
    /// becomes stale.
    pub(super) fn arm_timer(&mut self, i: usize, timer: Timer, at: Time) {
        let now = self.world.now;
        let slot = &mut self.world.servers[i];
        match timer {
            Timer::Election => {
                slot.election_deadline = Some(at);
                slot.election_started = now;
                if slot.election_queued.is_some_and(|queued| queued <= at) {
                    return;
                }
                slot.election_gen = slot.election_gen.wrapping_add(1);
                slot.election_queued = Some(at);
            }
            Timer::Heartbeat => {
                slot.heartbeat_gen = slot.heartbeat_gen.wrapping_add(1);
                slot.heartbeat_deadline = Some(at);
            }
        }
        let (id, gen) = (slot.node.id(), slot.timer_gen(timer));
        self.schedule(at, EventKind::Timeout(id, timer, gen));
    }

    fn draw_latency(&mut self) -> Duration {
        let n = &self.world.config.network;
        let (min, max) = (n.latency_min_ms * 1000, n.latency_max_ms * 1000);
        if min == max {
            return Duration(min);
        }
        Duration(self.world.rng.random_range(min..=max))
    }

    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.world.rng.random::<f64>() < p
    }

    fn send(&mut self, message: Message) {
        // The last copy is the message itself: no clone of its entries in the usual case
        // of one copy (docs/performance.md, "Snapshots in the browser").
        if self.chance(self.world.config.network.duplication) {
            self.send_copy(message.clone(), false);
            self.send_copy(message, true);
        } else {
            self.send_copy(message, false);
        }
    }

    /// Puts one copy of `message` on the wire: its record in the history and, unless the
    /// network drops it, its delivery. `duplicate`: the second copy of a duplicated send.
    fn send_copy(&mut self, message: Message, duplicate: bool) {
        let now = self.world.now;
        let latency = self.draw_latency();
        let deliver_at = now + latency;
        let halfway = Time(now.0 + latency.0 / 2);
        let dropped = if !self.world.topology.can_send(message.from, message.to) {
            Some((halfway, DropReason::Partition))
        } else if self.chance(self.world.config.network.loss) {
            Some((halfway, DropReason::Loss))
        } else {
            None
        };
        let id = MessageId(self.history.messages.len() as u64);
        if dropped.is_none() {
            self.schedule(deliver_at, EventKind::Deliver(id));
        }
        self.history.messages.push(MessageRecord {
            id,
            message,
            sent_at: now,
            deliver_at,
            dropped,
            delivered: false,
            duplicate,
        });
    }
}
