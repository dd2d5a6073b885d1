//! The space-time diagram as plain data: one lane per server, time along the other axis,
//! each message an arrow from its send to its delivery (or to the × where it was lost),
//! role periods shaded and term boundaries marked.
//!
//! History messages are in send order, so the messages a time window can show are one
//! contiguous range found by binary search: drawing costs what is visible, not what the
//! run has accumulated.

use crate::raft::{MessageKind, RoleKind, ServerId, Time};
use crate::sim::{MessageLog, NoteKind, Sim};
use std::ops::Range;

/// The narrowest and widest windows the diagram zooms to, in simulated µs.
pub const MIN_SPAN_US: u64 = 50_000;
pub const MAX_SPAN_US: u64 = 20_000_000;
/// The window the diagram opens with.
pub const DEFAULT_SPAN_US: u64 = 1_500_000;
/// At most this many arrows are drawn (the newest in the window); beyond it the window is
/// too wide to read one message anyway.
pub const MAX_ARROWS: usize = 800;

/// What became of a message, as drawn at the current time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Delivered,
    Dropped,
    InFlight,
}

impl Fate {
    pub fn slug(self) -> &'static str {
        match self {
            Fate::Delivered => "delivered",
            Fate::Dropped => "dropped",
            Fate::InFlight => "in-flight",
        }
    }
}

/// One arrow: from `from` lane at `sent_us` to `to` lane at `end_us` (delivery, drop, or
/// now for a message still in flight).
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowView {
    pub id: u64,
    pub from: usize,
    pub to: usize,
    pub kind: MessageKind,
    pub sent_us: u64,
    pub end_us: u64,
    /// Where along the line the arrow ends, 0 to 1 (less than 1 for a drop or in flight).
    pub reach: f64,
    pub fate: Fate,
}

/// What a server was doing over a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneState {
    Follower,
    Candidate,
    Leader,
    Down,
    /// Asking for pre-votes (PreVote on), still in its old term.
    PreCandidate,
}

impl LaneState {
    pub fn slug(self) -> &'static str {
        match self {
            LaneState::Follower => "follower",
            LaneState::Candidate => "candidate",
            LaneState::PreCandidate => "pre-candidate",
            LaneState::Leader => "leader",
            LaneState::Down => "down",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SpanView {
    pub lane: usize,
    pub from_us: u64,
    pub to_us: u64,
    pub state: LaneState,
}

/// A server moved to a new term at `at_us`.
#[derive(Clone, Debug, PartialEq)]
pub struct TermMark {
    pub lane: usize,
    pub at_us: u64,
    pub term: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DiagramView {
    pub from_us: u64,
    pub to_us: u64,
    pub lanes: Vec<ServerId>,
    pub spans: Vec<SpanView>,
    pub terms: Vec<TermMark>,
    pub arrows: Vec<ArrowView>,
    /// Messages in the window, before the [`MAX_ARROWS`] cap.
    pub in_window: usize,
}

/// The positions in `messages` that can have a part in `[from, to]`: sent at or before
/// `to`, and sent no earlier than `scan_back_us` before `from` (no message is on the wire
/// longer than that).
pub fn message_window(messages: &MessageLog, from: u64, to: u64, scan_back_us: u64) -> Range<usize> {
    let start = messages.partition_point(|m| m.sent_at.0.saturating_add(scan_back_us) < from);
    let end = messages.partition_point(|m| m.sent_at.0 <= to);
    start..end.max(start)
}

/// The diagram for the window `[from_us, to_us]` at the simulator's current time.
pub fn diagram(sim: &Sim, from_us: u64, to_us: u64, scan_back_us: u64) -> DiagramView {
    let now = sim.now().0;
    let messages = &sim.history().messages;
    let range = message_window(messages, from_us, to_us, scan_back_us);
    let lane = |id: ServerId| id.0.saturating_sub(1) as usize;
    let mut arrows: Vec<ArrowView> = messages
        .range(range)
        .filter_map(|m| {
            let (end_us, fate) = match m.dropped {
                Some((at, _)) if at.0 <= now => (at.0, Fate::Dropped),
                _ if m.delivered => (m.deliver_at.0, Fate::Delivered),
                _ => (now.min(m.deliver_at.0), Fate::InFlight),
            };
            if end_us < from_us || m.sent_at.0 > to_us {
                return None;
            }
            Some(ArrowView {
                id: m.id.0,
                from: lane(m.message.from),
                to: lane(m.message.to),
                kind: m.kind(),
                sent_us: m.sent_at.0,
                end_us,
                reach: m.progress_at(Time(end_us)),
                fate,
            })
        })
        .collect();
    let in_window = arrows.len();
    if arrows.len() > MAX_ARROWS {
        arrows.drain(..arrows.len() - MAX_ARROWS);
    }
    let (spans, terms) = lanes(sim, from_us, to_us.min(now));
    DiagramView {
        from_us,
        to_us,
        lanes: sim.servers().iter().map(|s| s.node.id()).collect(),
        spans,
        terms,
        arrows,
        in_window,
    }
}

/// Role periods and term changes per lane, from the history's notes, clipped to the window.
fn lanes(sim: &Sim, from_us: u64, to_us: u64) -> (Vec<SpanView>, Vec<TermMark>) {
    let count = sim.servers().len();
    // (state, since, term) per lane; servers added later start at their `Added` note.
    let initial = sim.config().servers as usize;
    let mut state: Vec<Option<(LaneState, u64, u64)>> =
        (0..count).map(|i| (i < initial).then_some((LaneState::Follower, 0, 0))).collect();
    let mut spans = Vec::new();
    let mut terms = Vec::new();
    let close = |spans: &mut Vec<SpanView>, lane: usize, s: LaneState, since: u64, until: u64| {
        let (a, b) = (since.max(from_us), until.min(to_us));
        if a < b {
            spans.push(SpanView { lane, from_us: a, to_us: b, state: s });
        }
    };
    for note in &sim.history().notes {
        let t = note.time.0;
        if t > to_us {
            break;
        }
        let lane = note.server.0.saturating_sub(1) as usize;
        if lane >= count {
            continue;
        }
        let current = state[lane];
        let term_now = current.map_or(0, |c| c.2);
        let next = match &note.kind {
            NoteKind::Role { role, term } => {
                if term.0 != term_now && t >= from_us {
                    terms.push(TermMark { lane, at_us: t, term: term.0 });
                }
                let s = match role {
                    RoleKind::Follower => LaneState::Follower,
                    RoleKind::Candidate => LaneState::Candidate,
                    RoleKind::PreCandidate => LaneState::PreCandidate,
                    RoleKind::Leader => LaneState::Leader,
                };
                Some((s, term.0))
            }
            NoteKind::Crashed | NoteKind::Retired => Some((LaneState::Down, term_now)),
            NoteKind::Restarted | NoteKind::Added => Some((LaneState::Follower, term_now)),
            _ => None,
        };
        if let Some((s, term)) = next {
            if let Some((old, since, _)) = current {
                close(&mut spans, lane, old, since, t);
            }
            state[lane] = Some((s, t, term));
        }
    }
    for (lane, s) in state.iter().enumerate() {
        if let Some((s, since, _)) = s {
            close(&mut spans, lane, *s, *since, to_us);
        }
    }
    (spans, terms)
}

/// The x coordinate of time `t_us` in a window drawn `width` wide.
pub fn time_x(t_us: u64, from_us: u64, to_us: u64, width: f64) -> f64 {
    let span = to_us.saturating_sub(from_us).max(1) as f64;
    (t_us as f64 - from_us as f64) / span * width
}

/// The time under x, the inverse of [`time_x`].
pub fn x_time(x: f64, from_us: u64, to_us: u64, width: f64) -> u64 {
    let span = to_us.saturating_sub(from_us) as f64;
    (from_us as f64 + (x / width.max(1.0)) * span).max(0.0) as u64
}

/// Zooms a window span by `factor` (below 1 zooms in), within the limits.
pub fn zoom_span(span_us: u64, factor: f64) -> u64 {
    ((span_us as f64 * factor) as u64).clamp(MIN_SPAN_US, MAX_SPAN_US)
}

/// The window `[from, to]` of width `span_us` that ends at `end_us` (or at `now_us` when
/// following), never before time 0.
pub fn window(end_us: Option<u64>, now_us: u64, span_us: u64) -> (u64, u64) {
    let end = end_us.unwrap_or(now_us).min(now_us).max(span_us.min(now_us));
    let end = end.max(span_us);
    (end - span_us, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Duration;
    use crate::sim::{Action, SimConfig};

    fn run(ms: u64) -> Sim {
        let mut sim = Sim::new(SimConfig { seed: 4, ..SimConfig::default() }).unwrap();
        sim.run_until(Time::from_ms(ms));
        sim
    }

    #[test]
    fn the_window_is_exactly_the_messages_that_can_show() {
        let sim = run(3_000);
        let all = &sim.history().messages;
        let (from, to, back) = (1_000_000, 1_500_000, 20_000);
        let range = message_window(all, from, to, back);
        let brute: Vec<usize> =
            (0..all.len()).filter(|&i| all[i].sent_at.0 + back >= from && all[i].sent_at.0 <= to).collect();
        assert_eq!(range, brute[0]..brute.last().unwrap() + 1);
        let d = diagram(&sim, from, to, back);
        assert!(!d.arrows.is_empty());
        for a in &d.arrows {
            assert!(a.end_us >= from && a.sent_us <= to && a.sent_us <= a.end_us);
            assert_eq!(a.fate, Fate::Delivered, "nothing is dropped in a quiet run");
        }
        let delivered_in_window =
            all.iter().filter(|m| m.delivered && m.deliver_at.0 >= from && m.sent_at.0 <= to).count();
        assert_eq!(d.arrows.len(), delivered_in_window);
    }

    #[test]
    fn lanes_show_roles_crashes_and_new_terms() {
        let mut sim = run(1_000);
        let leader = sim.leader().expect("a leader by 1 s");
        sim.act(Action::Crash { server: leader }).unwrap();
        sim.run_for(Duration::from_ms(1_500));
        let now = sim.now().0;
        let d = diagram(&sim, 0, now, 20_000);
        let lane = leader.0 as usize - 1;
        let mine: Vec<_> = d.spans.iter().filter(|s| s.lane == lane).map(|s| s.state).collect();
        assert_eq!(mine.last(), Some(&LaneState::Down));
        assert!(mine.contains(&LaneState::Leader));
        let new_leader = sim.leader().unwrap();
        assert!(d.spans.iter().any(|s| s.lane == new_leader.0 as usize - 1 && s.state == LaneState::Leader));
        assert!(d.terms.iter().any(|m| m.term >= 2), "a second election marks a new term");
        // Spans of a lane tile the window without overlap.
        for l in 0..d.lanes.len() {
            let mut spans: Vec<_> = d.spans.iter().filter(|s| s.lane == l).collect();
            spans.sort_by_key(|s| s.from_us);
            assert_eq!(spans.first().unwrap().from_us, 0);
            assert_eq!(spans.last().unwrap().to_us, now);
            assert!(spans.windows(2).all(|w| w[0].to_us == w[1].from_us));
        }
    }

    #[test]
    fn a_dropped_message_ends_where_it_was_lost_and_one_in_flight_at_now() {
        let mut sim = run(1_000);
        sim.run_for(Duration::from_ms(50));
        let now = sim.now();
        let id = sim.history().in_flight_at(now).next().expect("something in flight").id;
        sim.act(Action::DropMessage { id }).unwrap();
        let d = diagram(&sim, 0, now.0, 20_000);
        let a = d.arrows.iter().find(|a| a.id == id.0).unwrap();
        assert_eq!((a.fate, a.end_us), (Fate::Dropped, now.0));
        assert!(a.reach < 1.0);
        assert!(d.arrows.iter().filter(|a| a.fate == Fate::InFlight).all(|a| a.end_us == now.0 && a.reach <= 1.0));
    }

    #[test]
    fn geometry_maps_time_to_x_and_back_and_zoom_is_bounded() {
        assert_eq!(time_x(1_500, 1_000, 2_000, 200.0), 100.0);
        assert_eq!(x_time(100.0, 1_000, 2_000, 200.0), 1_500);
        assert_eq!(zoom_span(MIN_SPAN_US, 0.5), MIN_SPAN_US);
        assert_eq!(zoom_span(MAX_SPAN_US, 2.0), MAX_SPAN_US);
        assert_eq!(zoom_span(1_000_000, 0.5), 500_000);
        assert_eq!(window(None, 5_000_000, 1_000_000), (4_000_000, 5_000_000));
        assert_eq!(window(Some(2_000_000), 5_000_000, 1_000_000), (1_000_000, 2_000_000));
        assert_eq!(window(None, 300_000, 1_000_000), (0, 1_000_000), "early on the window starts at 0");
        assert_eq!(window(Some(9_000_000), 5_000_000, 1_000_000), (4_000_000, 5_000_000), "not past now");
    }
}
