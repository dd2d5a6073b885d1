//! The ring: servers on a circle, the links between them, and the messages in flight.

use super::app::{role_name, Msg};
use crate::raft::{MessageKind, RoleKind, ServerId};
use crate::view::counting::{count_line, meter_label, tally_label, vote_label, EntryCount};
use crate::view::format::group_letter;
use crate::view::geometry::{self, arc_path, message_position, server_position, server_radius, Point, VIEW_SIZE};
use crate::view::i18n::{t, tf, K};
use crate::view::model::{MessageView, ServerView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RingProps {
    pub servers: Rc<Vec<ServerView>>,
    pub messages: Rc<Vec<MessageView>>,
    pub selected: Option<ServerId>,
    pub dispatch: Callback<Msg>,
    /// Servers named by the violation on show.
    #[prop_or_default]
    pub involved: Vec<ServerId>,
    /// The message hovered or picked, here or in the space-time diagram.
    #[prop_or_default]
    pub hot: Option<u64>,
}

#[function_component(Ring)]
pub fn ring(props: &RingProps) -> Html {
    let count = props.servers.len();
    let r = server_radius(count);
    let view_box = format!("0 0 {0} {0}", fmt(VIEW_SIZE));
    html! {
        <svg class="ring" viewBox={view_box} role="group" aria-label={t(K::RingLabel)}>
            <circle class="ring__guide" cx={fmt(geometry::CENTER.x)} cy={fmt(geometry::CENTER.y)}
                r={fmt(geometry::ring_radius(count))} />
            <Links servers={props.servers.clone()} />
            // The timers drain every frame; drawn apart, so the servers redraw only when
            // they change.
            <g class="timers" aria-hidden="true">
                { for props.servers.iter().filter_map(|s| s.timer.map(|f| {
                    let p = server_position(s.index, count);
                    html! { <TimerArc key={s.id.0} x={p.x} y={p.y} radius={r + 5.5} fraction={f} /> }
                })) }
            </g>
            <g class="servers">
                { for props.servers.iter().map(|s| html! {
                    <ServerNode key={s.id.0} server={ServerView { timer: None, ..s.clone() }} count={count}
                        selected={props.selected == Some(s.id)} involved={props.involved.contains(&s.id)}
                        dispatch={props.dispatch.clone()} />
                }) }
            </g>
            { for props.servers.iter().filter_map(|s| s.meters.as_ref().map(|m| html! {
                <LeaderMeters key={format!("meters-{}", s.id.0)} meters={m.clone()} index={s.index} count={count} />
            })) }
            <g class="messages">
                { for props.messages.iter().map(|m| {
                    let from = server_position(m.from_index, count);
                    let to = server_position(m.to_index, count);
                    let at = message_position(from, to, r, m.progress);
                    html! { <MessageDot key={m.id} message={m.clone()} at_x={at.x} at_y={at.y} hot={props.hot == Some(m.id)} dispatch={props.dispatch.clone()} /> }
                }) }
            </g>
        </svg>
    }
}

#[derive(Properties)]
struct LinksProps {
    servers: Rc<Vec<ServerView>>,
}

/// The links change only with the servers' places and partition groups: not redrawn at
/// every frame for the election timers, which the servers' views also carry.
impl PartialEq for LinksProps {
    fn eq(&self, other: &Self) -> bool {
        let ends = |s: &ServerView| (s.id, s.index, s.retired, s.group);
        self.servers.len() == other.servers.len() && self.servers.iter().map(ends).eq(other.servers.iter().map(ends))
    }
}

/// A faint line between every two servers that can talk; a dashed red one across a
/// partition.
#[function_component(Links)]
fn links(props: &LinksProps) -> Html {
    let count = props.servers.len();
    let mut lines = Vec::new();
    for a in props.servers.iter().filter(|s| !s.retired) {
        for b in props.servers.iter().filter(|s| !s.retired && s.index > a.index) {
            let cut = a.group.is_some() && a.group != b.group;
            let (p, q) = (server_position(a.index, count), server_position(b.index, count));
            lines.push(html! {
                <line key={format!("{}-{}", a.id.0, b.id.0)} class={classes!("link", cut.then_some("link--cut"))}
                    x1={fmt(p.x)} y1={fmt(p.y)} x2={fmt(q.x)} y2={fmt(q.y)} />
            });
        }
    }
    html! { <g class="links">{ lines }</g> }
}

#[derive(Properties, PartialEq)]
struct TimerArcProps {
    x: f64,
    y: f64,
    radius: f64,
    fraction: f64,
}

/// An election timer: a track, and an arc that drains clockwise to the top.
#[function_component(TimerArc)]
fn timer_arc(props: &TimerArcProps) -> Html {
    let center = Point::new(props.x, props.y);
    html! {
        <g class="timer">
            <circle class="server__timer-track" cx={fmt(props.x)} cy={fmt(props.y)} r={fmt(props.radius)} />
            <path class="server__timer" d={arc_path(center, props.radius, props.fraction)} />
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct ServerNodeProps {
    server: ServerView,
    count: usize,
    selected: bool,
    involved: bool,
    dispatch: Callback<Msg>,
}

fn role_slug(role: RoleKind) -> &'static str {
    match role {
        RoleKind::Follower => "follower",
        RoleKind::Candidate => "candidate",
        RoleKind::Leader => "leader",
        RoleKind::PreCandidate => "pre-candidate",
    }
}

#[function_component(ServerNode)]
fn server_node(props: &ServerNodeProps) -> Html {
    let s = &props.server;
    let r = server_radius(props.count);
    let p = server_position(s.index, props.count);
    let id = s.id;
    let role = role_slug(s.role);
    let name = id.to_string();
    let role_label = role_name(s.role, s.alive, s.standing());
    let mut label = tf(K::ServerLabel, &[&name, &role_label, &s.term]);
    let candidate = matches!(s.role, RoleKind::Candidate | RoleKind::PreCandidate) && s.alive;
    if candidate && !s.tally.is_empty() {
        label.push_str(", ");
        label.push_str(&tally_label(&s.tally, s.role == RoleKind::PreCandidate));
    }
    if s.learner {
        label.push_str(", ");
        label.push_str(t(K::NotCounted));
    }
    // Under the server (or over it, near the bottom edge): the vote pips, then the
    // tally, one line per configuration in force, or "not counted".
    let notes: Vec<String> = if candidate {
        s.tally.iter().map(count_line).collect()
    } else if s.learner {
        vec![t(K::NotCounted).to_string()]
    } else {
        Vec::new()
    };
    let (pip_y, first_y, step_y) = geometry::note_offsets(p, r, notes.len());
    let class = classes!(
        "server",
        format!("server--{role}"),
        (!s.alive).then_some("server--down"),
        s.retired.then_some("server--retired"),
        s.removed.then_some("server--removed"),
        (!s.voter && !s.retired).then_some("server--nonvoter"),
        props.selected.then_some("server--selected"),
        props.involved.then_some("server--involved"),
    );
    let onclick = props.dispatch.reform(move |_: MouseEvent| Msg::Select(Some(id)));
    let dispatch = props.dispatch.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            dispatch.emit(Msg::Select(Some(id)));
        }
    });
    let origin = Point::new(0.0, 0.0);
    let timer_ring = r + 5.5;
    let cross = r * 0.45;
    html! {
        <g class={class} transform={format!("translate({} {})", fmt(p.x), fmt(p.y))}
            data-server={name.clone()} data-role={role} data-alive={s.alive.to_string()} data-term={s.term.to_string()}
            data-voter={s.voter.to_string()} data-retired={s.retired.to_string()} data-removed={s.removed.to_string()}>
            // The button holds the disc and the words on it, and nothing else: its visible
            // text ("S1 T1 follower") begins its accessible name. Pips and notes sit beside it.
            <g class="server__button" role="button" tabindex="0" aria-label={label.clone()}
                aria-pressed={props.selected.to_string()} {onclick} {onkeydown}>
            <title>{ label }</title>
            <circle class="server__halo" r={fmt(r + 11.0)} />
            if s.role == RoleKind::Leader && s.alive {
                <circle class="server__crown" r={fmt(timer_ring)} />
            }
            <circle class="server__disc" r={fmt(r)} />
            if !s.alive && !s.retired {
                <path class="server__cross" d={format!("M{a} {a}L{b} {b}M{b} {a}L{a} {b}", a = fmt(-cross), b = fmt(cross))} />
            }
            <text>
                <tspan class="server__id" x="0" y={fmt(-r * 0.18)}>{ name }</tspan>{ " " }
                <tspan class="server__term" x="0" y={fmt(r * 0.3)}>{ tf(K::TermShort, &[&s.term]) }</tspan>{ " " }
                <tspan class="server__role" x="0" y={fmt(r * 0.62)}>{ role_label }</tspan>
            </text>
            </g>
            if let Some(g) = s.group {
                <g class="server__group" aria-hidden="true" transform={format!("translate({} {})", fmt(r * 0.78), fmt(-r * 0.78))}>
                    <circle r="8.5" />
                    <text y="0.5">{ group_letter(g).to_string() }</text>
                </g>
            }
            if candidate {
                <g class="server__votes" aria-hidden="true">
                    { for s.votes.iter().enumerate().map(|(k, (voter, vote))| {
                        let at = geometry::vote_pip_position(origin, r, k, s.votes.len());
                        let state = match vote { Some(true) => "pip--granted", Some(false) => "pip--refused", None => "pip--waiting" };
                        html! {
                            <g key={voter.0} class={classes!("pip", state)} transform={format!("translate({} {})", fmt(at.x), fmt(pip_y))}
                                data-voter={voter.to_string()}>
                                <title>{ vote_label(*voter, id, *vote, s.role == RoleKind::PreCandidate) }</title>
                                <circle r="5.6" />
                                <text class="pip__id" y="0.4">{ voter.0 }</text>
                            </g>
                        }
                    }) }
                </g>
            }
            if !notes.is_empty() {
                <text class={classes!("server__note", s.learner.then_some("server__note--learner"))} aria-hidden="true"
                    data-tally={if candidate { s.tally.iter().map(|c| format!("{}:{}/{}/{}", c.half.slug(), c.have(), c.members.len(), c.need)).collect::<Vec<_>>().join(" ") } else { String::new() }}>
                    { for notes.iter().enumerate().map(|(k, line)| html! {
                        <tspan x="0" y={fmt(first_y + step_y * k as f64)}>{ line }</tspan>
                    }) }
                </text>
            }
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct MessageDotProps {
    message: MessageView,
    at_x: f64,
    at_y: f64,
    hot: bool,
    dispatch: Callback<Msg>,
}

#[function_component(MessageDot)]
fn message_dot(props: &MessageDotProps) -> Html {
    let m = &props.message;
    let id = m.id;
    let dropped = m.dropped.is_some();
    let onclick = props.dispatch.reform(move |e: MouseEvent| {
        e.stop_propagation();
        Msg::DropMessage(id)
    });
    let onmouseenter = props.dispatch.reform(move |_: MouseEvent| Msg::HoverMessage(Some(id)));
    let onmouseleave = props.dispatch.reform(|_: MouseEvent| Msg::HoverMessage(None));
    let opacity = m.dropped.map(|f| fmt(1.0 - f));
    let label = tf(K::DropMessage, &[&m.summary]);
    html! {
        <g class={classes!("msg", format!("msg--{}", m.kind.css_class()), dropped.then_some("msg--dropped"), props.hot.then_some("msg--hot"))}
            transform={format!("translate({} {})", fmt(props.at_x), fmt(props.at_y))}
            opacity={opacity} data-message={id.to_string()} data-kind={m.kind.css_class()}
            role={(!dropped).then_some("button")} aria-label={(!dropped).then_some(label)}
            onclick={(!dropped).then_some(onclick)} {onmouseenter} {onmouseleave}>
            <title>{ &m.summary }</title>
            if !dropped {
                <circle class="msg__hit" r="12" />
            }
            { message_shape(m.kind) }
            if dropped {
                <path class="msg__dropmark" d="M-8 -8L8 8M8 -8L-8 8" />
            }
        </g>
    }
}

/// The shape of a message kind, centred on 0,0: diamonds for votes, squares for
/// appends, a small circle for a heartbeat; a tick or a cross on the replies.
pub fn message_shape(kind: MessageKind) -> Html {
    let tick = html! { <path class="msg__glyph" d="M-2.8 0.2L-0.8 2.4L3 -2.4" /> };
    let cross = html! { <path class="msg__glyph" d="M-2.4 -2.4L2.4 2.4M2.4 -2.4L-2.4 2.4" /> };
    match kind {
        // Pre-votes take the vote's diamonds (the stylesheet draws them hollow and dashed).
        MessageKind::RequestVote | MessageKind::PreVote => html! { <path class="msg__body" d="M0 -8L8 0L0 8L-8 0Z" /> },
        MessageKind::VoteGranted | MessageKind::PreVoteGranted => {
            html! { <><path class="msg__body" d="M0 -7L7 0L0 7L-7 0Z" />{ tick }</> }
        }
        MessageKind::VoteRefused | MessageKind::PreVoteRefused => {
            html! { <><path class="msg__body" d="M0 -7L7 0L0 7L-7 0Z" />{ cross }</> }
        }
        MessageKind::AppendEntries => html! {
            <><rect class="msg__body" x="-7" y="-7" width="14" height="14" rx="2" />
            <path class="msg__glyph" d="M-4 -2.5H4M-4 0.5H4M-4 3.5H4" /></>
        },
        MessageKind::Heartbeat => html! { <circle class="msg__body" r="4.5" /> },
        MessageKind::AppendOk => {
            html! { <><rect class="msg__body" x="-6" y="-6" width="12" height="12" rx="2" />{ tick }</> }
        }
        MessageKind::AppendFailed => {
            html! { <><rect class="msg__body" x="-6" y="-6" width="12" height="12" rx="2" />{ cross }</> }
        }
        // TimeoutNow: a bolt.
        MessageKind::TimeoutNow => html! { <path class="msg__body" d="M2 -8L-5 1H0L-2 8L5 -1H0Z" /> },
        // InstallSnapshot: a stack of pages (the state machine, not entries); its reply a
        // page with a tick.
        MessageKind::InstallSnapshot => html! {
            <><rect class="msg__body" x="-5" y="-9" width="13" height="15" rx="2" />
            <rect class="msg__body" x="-8" y="-6" width="13" height="15" rx="2" /></>
        },
        MessageKind::SnapshotInstalled => {
            html! { <><rect class="msg__body" x="-6" y="-7" width="12" height="14" rx="2" />{ tick }</> }
        }
    }
}

pub use crate::view::geometry::svg_number as fmt;

#[derive(Properties, PartialEq)]
struct LeaderMetersProps {
    meters: EntryCount,
    index: usize,
    count: usize,
}

/// Beside the leader, inside the ring, during a membership change: its count of the entry
/// it is committing, against each configuration in force (C_old alone while new servers
/// catch up, both during C_old,new, then C_new).
#[function_component(LeaderMeters)]
fn leader_meters(props: &LeaderMetersProps) -> Html {
    const ROW: f64 = 25.0;
    const PIP: f64 = 9.0;
    const WIDTH: f64 = 132.0;
    let m = &props.meters;
    let r = server_radius(props.count);
    let height = ROW * m.counts.len() as f64;
    let at = geometry::beside_towards_centre(server_position(props.index, props.count), r, WIDTH, height, 6.0);
    let top = -height / 2.0;
    html! {
        <g class="ring-meters" transform={format!("translate({} {})", fmt(at.x), fmt(at.y))} role="img"
            aria-label={meter_label(m)} data-ring-meters={m.leader.to_string()} data-index={m.index.to_string()}>
            { for m.counts.iter().enumerate().map(|(k, c)| {
                let y = top + ROW * k as f64;
                let x0 = -PIP * (c.members.len() as f64 - 1.0) / 2.0;
                html! {
                    <g class={classes!("ring-meter", format!("meter--{}", c.half.slug()), c.reached().then_some("meter--reached"))}
                        data-meter={c.half.slug()} data-have={c.have().to_string()} data-need={c.need.to_string()}
                        data-members={c.members.len().to_string()}>
                        <text class="ring-meter__text" y={fmt(y + 6.0)}>
                            { count_line(c) }{ if c.reached() { " ✓" } else { "" } }
                        </text>
                        { for c.members.iter().enumerate().map(|(j, (id, yes))| html! {
                            <rect key={id.0} class={classes!("ring-meter__pip", yes.then_some("ring-meter__pip--yes"))}
                                x={fmt(x0 + PIP * j as f64 - 3.5)} y={fmt(y + 13.0)} width="7" height="7" rx="1.5" />
                        }) }
                    </g>
                }
            }) }
        </g>
    }
}
