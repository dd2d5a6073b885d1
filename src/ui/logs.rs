//! The logs: one row per server, scrolling sideways together. Only the cells in view
//! (and a few either side) are drawn, so a log of ten thousand entries costs what a log of
//! forty does. Below them, each server's applied key-value state.

use super::app::role_name;
use super::ring::fmt;
use crate::sim::Sim;
use crate::view::format::term_class;
use crate::view::geometry::visible_window;
use crate::view::i18n::{t, tf, K};
use crate::view::model::{self, CellView, EntryKind, LogRowView};
use gloo::events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Width and height of one entry cell, in CSS pixels.
const CELL_W: f64 = 30.0;
const CELL_H: f64 = 30.0;
/// Room under the cells for the nextIndex marker.
const MARK_H: f64 = 9.0;
const OVERSCAN: usize = 8;

/// The simulator, shared with its owner. Two handles are equal when they are the same
/// simulator; `version` in the props says whether it changed.
#[derive(Clone)]
pub struct SimHandle(pub Rc<RefCell<Sim>>);

impl PartialEq for SimHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct LogPanelProps {
    pub sim: SimHandle,
    pub version: u64,
    /// The servers and log indices named by the violation on show.
    #[prop_or_default]
    pub involved: Rc<(Vec<crate::raft::ServerId>, Vec<u64>)>,
}

pub enum LogMsg {
    Scrolled,
    Resized,
}

pub struct LogPanel {
    scroller: NodeRef,
    scroll_px: f64,
    viewport_px: f64,
    /// Keep the newest entries in view as the logs grow, until the user scrolls back.
    follow: bool,
    /// The longest log as last drawn, and as last scrolled to the end for. Reading the
    /// scroller's size forces the browser to lay out the page, so `rendered` does it only
    /// when the logs grew: not on every animation frame (docs/performance.md).
    drawn_total: std::cell::Cell<usize>,
    followed_total: Option<usize>,
    _resize: Option<EventListener>,
}

impl Component for LogPanel {
    type Message = LogMsg;
    type Properties = LogPanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let resize = EventListener::new(&gloo::utils::window(), "resize", move |_| link.send_message(LogMsg::Resized));
        LogPanel {
            scroller: NodeRef::default(),
            scroll_px: 0.0,
            viewport_px: 1200.0,
            follow: true,
            drawn_total: std::cell::Cell::new(0),
            followed_total: None,
            _resize: Some(resize),
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: LogMsg) -> bool {
        let Some(el) = self.scroller.cast::<web_sys::Element>() else { return false };
        let before = (self.window_key(), self.follow);
        self.scroll_px = el.scroll_left() as f64;
        self.viewport_px = el.client_width() as f64;
        if matches!(msg, LogMsg::Scrolled) {
            let max = (el.scroll_width() - el.client_width()) as f64;
            self.follow = self.scroll_px >= max - CELL_W;
        } else {
            self.followed_total = None;
        }
        (self.window_key(), self.follow) != before
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let sim = ctx.props().sim.0.borrow();
        let total = model::longest_log(&sim) as usize;
        self.drawn_total.set(total);
        let (first, count) = visible_window(self.scroll_px, self.viewport_px, CELL_W, total, OVERSCAN);
        let rows = model::log_rows(&sim, first, count);
        let width = fmt((total.max(1) as f64) * CELL_W + CELL_W);
        let onscroll = ctx.link().callback(|_: Event| LogMsg::Scrolled);
        html! {
            <section class="panel logs" aria-labelledby="logs-heading">
                <h2 id="logs-heading" class="panel__title">{ t(K::LogsHeading) }</h2>
                <div class="logs__scroller" ref={self.scroller.clone()} {onscroll} tabindex="0"
                    role="region" aria-label={t(K::LogsScroller)}>
                    <div class="log-row log-row--ruler" aria-hidden="true">
                        <div class="log-row__head"></div>
                        <svg class="log-row__cells" width={width.clone()} height="16">
                            { for (first..first + count).map(|i| html! {
                                <text key={i} class="ruler__index" x={fmt(i as f64 * CELL_W + CELL_W / 2.0)} y="12">{ i + 1 }</text>
                            }) }
                        </svg>
                    </div>
                    { for rows.iter().map(|row| html! {
                        <LogRow key={row.id.0} row={row.clone()} width={width.clone()}
                            marked={if ctx.props().involved.0.contains(&row.id) { ctx.props().involved.1.clone() } else { Vec::new() }} />
                    }) }
                </div>
                <h3 class="panel__subtitle">{ t(K::StateHeading) }</h3>
                <ul class="kv">
                    { for rows.iter().filter(|r| !r.retired).map(|row| {
                        let text = if row.kv.is_empty() {
                            t(K::StateEmpty).to_string()
                        } else {
                            row.kv.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
                        };
                        html! {
                            <li key={row.id.0} class={classes!("kv__row", (!row.alive).then_some("kv__row--down"))}
                                data-kv-server={row.id.to_string()} data-kv={text.clone()}>
                                <span class="kv__id">{ row.id.to_string() }</span>
                                <code class="kv__data">{ text }</code>
                            </li>
                        }
                    }) }
                </ul>
            </section>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        let Some(el) = self.scroller.cast::<web_sys::Element>() else { return };
        if first_render {
            ctx.link().send_message(LogMsg::Resized);
        }
        let total = self.drawn_total.get();
        if self.follow && self.followed_total != Some(total) {
            self.followed_total = Some(total);
            let end = el.scroll_width() - el.client_width();
            if end > 0 && (el.scroll_left() - end).abs() > 1 {
                el.set_scroll_left(end);
            }
        }
    }
}

impl LogPanel {
    fn window_key(&self) -> (i64, i64) {
        ((self.scroll_px / CELL_W).floor() as i64, (self.viewport_px / CELL_W).ceil() as i64)
    }
}

#[derive(Properties, PartialEq)]
struct LogRowProps {
    row: LogRowView,
    width: String,
    /// Indices to highlight: the entries a violation involves.
    marked: Vec<u64>,
}

#[function_component(LogRow)]
fn log_row(props: &LogRowProps) -> Html {
    let r = &props.row;
    let role = if r.alive { r.role.name() } else { "down" };
    let role_text = role_name(r.role, r.alive, r.standing);
    html! {
        <div class={classes!("log-row", format!("log-row--{role}"), r.retired.then_some("log-row--retired"))}
            data-log={r.id.to_string()}>
            <div class="log-row__head">
                <span class="log-row__id">{ r.id.to_string() }</span>
                <span class={classes!("role-tag", format!("role-tag--{role}"))}>{ role_text }</span>
                <span class="log-row__meta">{ tf(K::CommitLabel, &[&r.commit_index]) }</span>
                if let Some((next, matched)) = r.progress {
                    <span class="log-row__meta log-row__progress">{ tf(K::NextMatch, &[&next, &matched]) }</span>
                }
            </div>
            <svg class="log-row__cells" width={props.width.clone()} height={fmt(CELL_H + MARK_H)}>
                if let Some((_, matched)) = r.progress {
                    if matched > 0 {
                        <rect class="progress-match" x="1" y={fmt(CELL_H + 1.0)} width={fmt(matched as f64 * CELL_W - 2.0)} height="3" rx="1.5" />
                    }
                }
                if let Some(b) = &r.snapshot {
                    { super::snapshots::block(b, CELL_W, CELL_H) }
                }
                { for r.cells.iter().map(|c| html! { <Cell key={c.index} cell={c.clone()} marked={props.marked.contains(&c.index)} /> }) }
                if let Some((next, _)) = r.progress {
                    <path class="progress-next"
                        d={format!("M{} {}l4 6h-8z", fmt((next as f64 - 0.5) * CELL_W), fmt(CELL_H + 2.0))} />
                }
            </svg>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CellProps {
    cell: CellView,
    marked: bool,
}

#[function_component(Cell)]
fn cell(props: &CellProps) -> Html {
    let c = &props.cell;
    let x = (c.index - 1) as f64 * CELL_W;
    let kind = match c.kind {
        EntryKind::Noop => "cell--noop",
        EntryKind::Command => "cell--command",
        EntryKind::Joint => "cell--joint",
        EntryKind::NewConfig => "cell--new",
    };
    let status = if c.committed { t(K::EntryCommitted) } else { t(K::EntryUncommitted) };
    let glyph = match c.kind {
        EntryKind::Noop => Some(t(K::NoopGlyph)),
        EntryKind::Joint => Some(t(K::JointGlyph)),
        EntryKind::NewConfig => Some(t(K::NewGlyph)),
        EntryKind::Command => None,
    };
    let cx = fmt(x + CELL_W / 2.0);
    html! {
        <g class={classes!("cell", term_class(c.term), kind, if c.committed { "cell--committed" } else { "cell--uncommitted" }, props.marked.then_some("cell--involved"))}
            data-index={c.index.to_string()} data-kind={kind.trim_start_matches("cell--")}>
            <title>{ format!("{} ({status})", c.text) }</title>
            <rect x={fmt(x + 1.5)} y="1.5" width={fmt(CELL_W - 3.0)} height={fmt(CELL_H - 3.0)} rx="4" />
            <text class="cell__term" x={cx.clone()} y={if glyph.is_some() { "12" } else { "16" }}>{ c.term }</text>
            if let Some(g) = glyph {
                <text class="cell__glyph" x={cx} y="23">{ g }</text>
            }
        </g>
    }
}
