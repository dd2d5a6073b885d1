//! Time travel and the space-time diagram: the scrubber over the whole run, and the
//! message sequence chart (one lane per server) that follows it.

use super::app::Msg;
use super::logs::SimHandle;
use super::ring::fmt;
use crate::view::format::format_sim_time;
use crate::view::i18n::{t, tf, K};
use crate::view::timeline::{self, ArrowView, Fate, DEFAULT_SPAN_US};
use gloo::events::{EventListener, EventListenerOptions};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

// ---- The scrubber ---------------------------------------------------------------------------

pub struct TimeBarProps {
    pub now_us: u64,
    pub horizon_us: u64,
    /// The earliest time the run can travel back to (0 unless the oldest history was
    /// dropped to stay within the memory budget).
    pub reach_us: u64,
    pub dispatch: Callback<Msg>,
}

/// A range over the whole run (its reach, usually 0, to the furthest time reached), in
/// milliseconds. When old history was dropped, it says from when on it is kept.
pub fn time_bar(props: &TimeBarProps) -> Html {
    let d = &props.dispatch;
    let oninput = d.reform(|e: InputEvent| {
        let ms: u64 = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0);
        Msg::Seek(ms * 1000)
    });
    let now = format_sim_time(props.now_us);
    let end = format_sim_time(props.horizon_us);
    html! {
        <div class="timebar" data-now-us={props.now_us.to_string()} data-horizon-us={props.horizon_us.to_string()} data-reach-us={props.reach_us.to_string()}>
            <button class="btn btn--icon" aria-label={t(K::StepBack)} title={t(K::StepBackTitle)}
                onclick={d.reform(|_| Msg::StepBack)}>
                <svg class="btn__icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M10.5 1.5L4 6L10.5 10.5Z" /><rect x="1.3" y="1.5" width="2.2" height="9" rx="0.6" /></svg>
            </button>
            <input type="range" class="timebar__range" min={(props.reach_us / 1000).to_string()} max={(props.horizon_us / 1000).to_string()} step="1"
                value={(props.now_us / 1000).to_string()} aria-label={t(K::TimelineLabel)}
                aria-valuetext={tf(K::TimeOf, &[&now, &end])} {oninput} />
            <output class="timebar__time">{ tf(K::TimeOf, &[&now, &end]) }</output>
            if props.reach_us > 0 {
                <span class="timebar__reach" title={tf(K::HistoryReachTitle, &[&(crate::sim::limits::MEMORY_BUDGET_BYTES >> 20)])}>
                    { tf(K::HistoryReach, &[&format_sim_time(props.reach_us)]) }
                </span>
            }
        </div>
    }
}

// ---- The space-time diagram ------------------------------------------------------------------

/// Height of one lane, the room for the lane labels, and for the time axis.
const LANE_H: f64 = 30.0;
const LABEL_W: f64 = 30.0;
const AXIS_H: f64 = 16.0;

/// How the diagram stays cheap to redraw while time flows (docs/performance.md). Its
/// contents are drawn in a frame that slides: x = (t - origin) × scale, with `origin`
/// moving only every [`ORIGIN_STEP_SPANS`] window widths, and the frame translated so that
/// the window shows. An arrow's coordinates therefore stay the same from one redraw to
/// the next, and arrows are drawn in groups (by send time, [`GROUPS_PER_SPAN`] per window)
/// whose props compare equal when nothing in them changed: Yew skips those groups, so a
/// redraw touches only the newest groups and the messages still in flight.
const ORIGIN_STEP_SPANS: u64 = 8;
const GROUPS_PER_SPAN: u64 = 48;

fn lane_y(lane: usize) -> f64 {
    AXIS_H + lane as f64 * LANE_H + LANE_H / 2.0
}

#[derive(Properties, PartialEq)]
struct ArrowGroupProps {
    arrows: Rc<[ArrowView]>,
    origin_us: u64,
    /// Pixels per simulated µs.
    scale: f64,
    /// The hot message, if it is in this group (so that other groups stay equal).
    hot: Option<u64>,
}

/// One group of arrows in the sliding frame.
#[function_component(ArrowGroup)]
fn arrow_group(p: &ArrowGroupProps) -> Html {
    // The group's arrows are written as SVG markup into its <g> (parsed by the browser in
    // one call) instead of one Yew element per arrow: creating elements one by one from
    // wasm costs some 20 µs each, and a redraw brings dozens of new arrows.
    let node = use_node_ref();
    let markup = arrows_markup(p);
    {
        let node = node.clone();
        use_effect_with(markup, move |markup| {
            if let Some(g) = node.cast::<web_sys::Element>() {
                g.set_inner_html(markup);
            }
        });
    }
    html! { <g ref={node} /> }
}

/// The arrows of a group as SVG markup (numbers and fixed class names only: nothing to
/// escape). Each arrow is a `<g class="arrow …" data-arrow=ID data-fate=FATE>` holding its
/// line, and a × where it was dropped.
fn arrows_markup(p: &ArrowGroupProps) -> String {
    use std::fmt::Write;
    let x = |t: u64| ((t as f64 - p.origin_us as f64) * p.scale).round() as i64;
    let mut o = String::with_capacity(p.arrows.len() * 190);
    for a in p.arrows.iter() {
        let (x1, y1) = (x(a.sent_us), lane_y(a.from).round() as i64);
        let y2 = (lane_y(a.from) + (lane_y(a.to) - lane_y(a.from)) * a.reach).round() as i64;
        let x2 = x(a.end_us);
        let hot = if p.hot == Some(a.id) { " arrow--hot" } else { "" };
        let _ = write!(
            o,
            r#"<g class="arrow arrow--{} arrow--{}{hot}" data-arrow="{}" data-fate="{}"><line class="arrow__line" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"{}/>"#,
            a.kind.css_class(),
            a.fate.slug(),
            a.id,
            a.fate.slug(),
            if a.fate == Fate::Delivered { r#" marker-end="url(#arrowhead)""# } else { "" },
        );
        if a.fate == Fate::Dropped {
            let _ = write!(o, r#"<path class="arrow__drop" d="M{x2} {y2}m-4 -4l8 8m0 -8l-8 8"/>"#);
        }
        o.push_str("</g>");
    }
    o
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub sim: SimHandle,
    pub now_us: u64,
    pub events: u64,
    /// Actions applied so far: an action (a drop, say) changes the diagram with no event.
    pub actions: usize,
    pub scan_back_us: u64,
    /// The message hovered or selected, in either view.
    pub hot: Option<u64>,
    pub dispatch: Callback<Msg>,
}

pub enum DiagramMsg {
    Zoom(f64),
    Follow,
    Resized,
    DragStart(f64),
    DragMove(f64),
    DragEnd,
}

pub struct Diagram {
    span_us: u64,
    /// The window's end when panned back; `None` follows the current time.
    end_us: Option<u64>,
    width: f64,
    drag: Option<(f64, u64)>,
    /// The window's end as last drawn, for dragging.
    drawn_end: u64,
    svg: NodeRef,
    box_ref: NodeRef,
    /// The arrows as last drawn, in the svg's coordinates, for pointing at them: an arrow
    /// is one thin line, and the pointer picks the nearest within [`HIT_PX`] (one element
    /// per arrow instead of a wide invisible twin: half the DOM work per redraw).
    hits: Rc<std::cell::RefCell<Vec<Hit>>>,
    hovered: Rc<std::cell::Cell<Option<u64>>>,
    _listeners: Vec<EventListener>,
}

/// One arrow as drawn: message id, whether it is still in flight, and its ends.
#[derive(Clone, Copy)]
struct Hit {
    id: u64,
    in_flight: bool,
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

/// How far (px) from an arrow the pointer may be and still point at it.
const HIT_PX: f64 = 5.0;

/// The arrow nearest to `(x, y)`, within [`HIT_PX`]. Later (newer) arrows win ties, as
/// they are drawn on top.
fn nearest_hit(hits: &[Hit], x: f64, y: f64) -> Option<Hit> {
    let mut best: Option<(f64, Hit)> = None;
    for h in hits {
        let (dx, dy) = (h.x2 - h.x1, h.y2 - h.y1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((x - h.x1) * dx + (y - h.y1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let (px, py) = (h.x1 + t * dx - x, h.y1 + t * dy - y);
        let d = (px * px + py * py).sqrt();
        if d <= HIT_PX && best.is_none_or(|(b, _)| d <= b) {
            best = Some((d, *h));
        }
    }
    best.map(|(_, h)| h)
}

impl Component for Diagram {
    type Message = DiagramMsg;
    type Properties = DiagramProps;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let resize =
            EventListener::new(&gloo::utils::window(), "resize", move |_| link.send_message(DiagramMsg::Resized));
        Diagram {
            span_us: DEFAULT_SPAN_US,
            end_us: None,
            width: 800.0,
            drag: None,
            drawn_end: 0,
            svg: NodeRef::default(),
            box_ref: NodeRef::default(),
            hits: Default::default(),
            hovered: Default::default(),
            _listeners: vec![resize],
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: DiagramMsg) -> bool {
        let now = ctx.props().now_us;
        match msg {
            DiagramMsg::Zoom(f) => self.span_us = timeline::zoom_span(self.span_us, f),
            DiagramMsg::Follow => self.end_us = None,
            DiagramMsg::Resized => {
                let Some(el) = self.box_ref.cast::<web_sys::Element>() else { return false };
                let w = (el.client_width() as f64).max(200.0);
                if (w - self.width).abs() < 1.0 {
                    return false;
                }
                self.width = w;
            }
            DiagramMsg::DragStart(x) => {
                self.drag = Some((x, self.drawn_end));
                return false;
            }
            DiagramMsg::DragMove(x) => {
                let Some((x0, end0)) = self.drag else { return false };
                let plot = (self.width - LABEL_W).max(1.0);
                let dt = ((x - x0) / plot * self.span_us as f64) as i64;
                if dt.abs() < 1000 {
                    return false;
                }
                let end = (end0 as i64 - dt).max(self.span_us as i64) as u64;
                self.end_us = if end >= now { None } else { Some(end) };
            }
            DiagramMsg::DragEnd => {
                self.drag = None;
                return false;
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let p = ctx.props();
        let sim = p.sim.0.borrow();
        let (from, to) = timeline::window(self.end_us, p.now_us, self.span_us);
        let d = timeline::diagram(&sim, from, to, p.scan_back_us);
        drop(sim);
        let plot = (self.width - LABEL_W).max(1.0);
        // The sliding frame (see ORIGIN_STEP_SPANS): `fx` places a time in it, `x` on screen.
        let span = (to - from).max(1);
        let scale = plot / span as f64;
        let origin = from - from % (span * ORIGIN_STEP_SPANS);
        let fx = |t: u64| (t as f64 - origin as f64) * scale;
        let shift = LABEL_W - fx(from);
        let x = |t: u64| fx(t) + shift;
        let y = lane_y;
        let group_us = (span / GROUPS_PER_SPAN).max(1);
        let mut groups: Vec<(u64, Vec<ArrowView>)> = Vec::new();
        for a in &d.arrows {
            let g = a.sent_us / group_us;
            match groups.last_mut() {
                Some((last, arrows)) if *last == g => arrows.push(a.clone()),
                _ => groups.push((g, vec![a.clone()])),
            }
        }
        let height = AXIS_H + d.lanes.len() as f64 * LANE_H + 4.0;
        let delivered = d.arrows.iter().filter(|a| a.fate == Fate::Delivered).count();
        let link = ctx.link();
        let count_text = if d.in_window > d.arrows.len() {
            tf(K::DiagramCapped, &[&d.in_window, &d.arrows.len()])
        } else {
            tf(K::DiagramCount, &[&d.in_window])
        };
        // Ticks: about one per 100 px, at round times.
        let step = tick_step((to - from) as f64 / (plot / 100.0));
        let ticks = (from.div_ceil(step)..=to / step).map(|k| k * step);
        let onpointerdown = link.callback(|e: PointerEvent| DiagramMsg::DragStart(e.client_x() as f64));
        let onpointermove = link.batch_callback(|e: PointerEvent| {
            (e.buttons() & 1 == 1).then(|| DiagramMsg::DragMove(e.client_x() as f64))
        });
        let onpointerup = link.callback(|_: PointerEvent| DiagramMsg::DragEnd);
        *self.hits.borrow_mut() = d
            .arrows
            .iter()
            .map(|a| Hit {
                id: a.id,
                in_flight: a.fate == Fate::InFlight,
                x1: x(a.sent_us),
                y1: y(a.from),
                x2: x(a.end_us),
                y2: y(a.from) + (y(a.to) - y(a.from)) * a.reach,
            })
            .collect();
        // One handler for all arrows: the pointer picks the nearest arrow (see `hits`).
        let hit_at = {
            let (svg, hits) = (self.svg.clone(), self.hits.clone());
            move |e: &MouseEvent| {
                let rect = svg.cast::<web_sys::Element>()?.get_bounding_client_rect();
                nearest_hit(&hits.borrow(), e.client_x() as f64 - rect.left(), e.client_y() as f64 - rect.top())
            }
        };
        let hit_at = Rc::new(hit_at);
        let dispatch = p.dispatch.clone();
        let arrow_click = {
            let hit_at = hit_at.clone();
            Callback::from(move |e: MouseEvent| {
                if let Some(h) = hit_at(&e) {
                    e.stop_propagation();
                    if h.in_flight {
                        dispatch.emit(Msg::DropMessage(h.id));
                    }
                    dispatch.emit(Msg::PickMessage(Some(h.id)));
                }
            })
        };
        let hovered = self.hovered.clone();
        let dispatch = p.dispatch.clone();
        let arrow_over = Callback::from(move |e: MouseEvent| {
            let id = hit_at(&e).map(|h| h.id);
            if hovered.replace(id) != id {
                dispatch.emit(Msg::HoverMessage(id));
            }
        });
        let hovered = self.hovered.clone();
        let arrow_out = p.dispatch.reform(move |_: MouseEvent| {
            hovered.set(None);
            Msg::HoverMessage(None)
        });
        html! {
            <section class="panel diagram" aria-labelledby="diagram-heading">
                <div class="diagram__head">
                    <h2 id="diagram-heading" class="panel__title">{ t(K::DiagramHeading) }</h2>
                    <span class="diagram__count">{ count_text }</span>
                    <div class="diagram__tools">
                        <button class="btn btn--icon" aria-label={t(K::ZoomIn)} title={t(K::ZoomIn)}
                            onclick={link.callback(|_| DiagramMsg::Zoom(0.5))}>{ "+" }</button>
                        <button class="btn btn--icon" aria-label={t(K::ZoomOut)} title={t(K::ZoomOut)}
                            onclick={link.callback(|_| DiagramMsg::Zoom(2.0))}>{ "−" }</button>
                        <button class={classes!("btn", self.end_us.is_none().then_some("is-active"))} title={t(K::FollowNowTitle)}
                            aria-pressed={self.end_us.is_none().to_string()}
                            onclick={link.callback(|_| DiagramMsg::Follow)}>{ t(K::FollowNow) }</button>
                    </div>
                </div>
                <div class="diagram__box" ref={self.box_ref.clone()}>
                    <svg class="diagram__svg" ref={self.svg.clone()} width={fmt(self.width)} height={fmt(height)}
                        viewBox={format!("0 0 {} {}", fmt(self.width), fmt(height))} role="group" aria-label={t(K::DiagramLabel)}
                        data-from-us={from.to_string()} data-to-us={to.to_string()}
                        data-arrows={d.arrows.len().to_string()} data-delivered={delivered.to_string()}
                        {onpointerdown} {onpointermove} {onpointerup}
                        onclick={arrow_click} onmousemove={arrow_over} onmouseleave={arrow_out}>
                        <defs>
                            <clipPath id="diagram-plot"><rect x={fmt(LABEL_W)} y="0" width={fmt(plot)} height={fmt(height)} /></clipPath>
                            <marker id="arrowhead" viewBox="0 0 6 6" refX="5.5" refY="3" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                                <path d="M0 0L6 3L0 6z" class="arrowhead" />
                            </marker>
                        </defs>
                        <g clip-path="url(#diagram-plot)"><g class="diagram__frame" transform={format!("translate({} 0)", fmt(shift))}>
                        <g class="diagram__spans">
                            { for d.spans.iter().map(|s| html! {
                                <rect class={classes!("span", format!("span--{}", s.state.slug()))} x={fmt(fx(s.from_us))}
                                    y={fmt(y(s.lane) - LANE_H / 2.0 + 3.0)} width={fmt((fx(s.to_us) - fx(s.from_us)).max(0.0))}
                                    height={fmt(LANE_H - 6.0)} />
                            }) }
                        </g>
                        <g class="diagram__axis" aria-hidden="true">
                            { for ticks.map(|tk| html! {
                                <g key={tk}>
                                    <line class="tick" x1={fmt(fx(tk))} x2={fmt(fx(tk))} y1={fmt(AXIS_H - 4.0)} y2={fmt(height)} />
                                    // A label near the right edge ends at its tick, so that it is not cut off.
                                    <text class={classes!("tick__label", (x(tk) > self.width - 32.0).then_some("tick__label--end"))}
                                        x={fmt(fx(tk))} y={fmt(AXIS_H - 6.0)}>{ format_sim_time(tk) }</text>
                                </g>
                            }) }
                        </g>
                        </g></g>
                        <g class="diagram__lanes">
                            { for d.lanes.iter().enumerate().map(|(i, id)| html! {
                                <g key={id.0}>
                                    <line class="lane" x1={fmt(LABEL_W)} x2={fmt(self.width)} y1={fmt(y(i))} y2={fmt(y(i))} />
                                    <text class="lane__label" x="4" y={fmt(y(i) + 4.0)}>{ id.to_string() }</text>
                                </g>
                            }) }
                        </g>
                        <g clip-path="url(#diagram-plot)"><g class="diagram__frame" transform={format!("translate({} 0)", fmt(shift))}>
                        <g class="diagram__terms">
                            { for d.terms.iter().map(|m| html! {
                                <g class="termmark">
                                    <line x1={fmt(fx(m.at_us))} x2={fmt(fx(m.at_us))} y1={fmt(y(m.lane) - LANE_H / 2.0 + 2.0)} y2={fmt(y(m.lane) + LANE_H / 2.0 - 2.0)} />
                                    <text x={fmt(fx(m.at_us) + 2.0)} y={fmt(y(m.lane) - LANE_H / 2.0 + 10.0)}>{ tf(K::TermShort, &[&m.term]) }</text>
                                </g>
                            }) }
                        </g>
                        <g class="diagram__arrows">
                            { for groups.into_iter().map(|(g, arrows)| {
                                let hot = p.hot.filter(|h| arrows.iter().any(|a| a.id == *h));
                                html! { <ArrowGroup key={g} arrows={Rc::<[ArrowView]>::from(arrows)} origin_us={origin} {scale} {hot} /> }
                            }) }
                        </g>
                        </g></g>
                        if p.now_us >= from && p.now_us <= to {
                            <line class="diagram__now" x1={fmt(x(p.now_us))} x2={fmt(x(p.now_us))} y1={fmt(AXIS_H - 4.0)} y2={fmt(height)} />
                        }
                    </svg>
                </div>
            </section>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        let p = ctx.props();
        self.drawn_end = timeline::window(self.end_us, p.now_us, self.span_us).1;
        if first_render {
            ctx.link().send_message(DiagramMsg::Resized);
            // Wheel zooms the diagram, not the page: a listener that may prevent default.
            if let Some(svg) = self.svg.cast::<web_sys::Element>() {
                let link = ctx.link().clone();
                let options = EventListenerOptions::enable_prevent_default();
                self._listeners.push(EventListener::new_with_options(&svg, "wheel", options, move |e| {
                    if let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() {
                        if w.delta_y() == 0.0 {
                            return;
                        }
                        w.prevent_default();
                        link.send_message(DiagramMsg::Zoom(if w.delta_y() < 0.0 { 0.8 } else { 1.25 }));
                    }
                }));
            }
        }
    }
}

/// A round tick interval (1, 2 or 5 × a power of ten µs) of at least `raw_us`.
fn tick_step(raw_us: f64) -> u64 {
    let mut step = 1_000u64;
    loop {
        for m in [1, 2, 5] {
            if (step * m) as f64 >= raw_us {
                return step * m;
            }
        }
        step *= 10;
    }
}
