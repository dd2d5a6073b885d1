//! The page itself: the ring, the panels and the toolbars, drawn from the simulator as
//! it is (`view::model`), with thin components over plain props.

use super::{App, Msg, DIAGRAM_REFRESH_MS};
use crate::raft::ServerId;
use crate::sim::MAX_SERVERS;
use crate::ui::controls::{
    self as controls, membership_progress, status_line, toasts, MembershipProps, ServerPanel, ServerPanelInfo,
    StatusLineProps, ToastsProps,
};
use crate::ui::export::{embed_bar, EmbedBarProps, Export};
use crate::ui::inside::{
    self, inspector, message_detail, quorum_panel, BreaksProps, InspectorProps, MessageDetailProps, QuorumProps,
    ViolationInfo,
};
use crate::ui::legend::{Legend, ShortcutsDialog};
use crate::ui::logs::{LogPanel, SimHandle};
use crate::ui::ring::Ring;
use crate::ui::teach::{teach_toolbar, welcome, TeachMsg};
use crate::ui::timeline::{self, Diagram};
use crate::view::explain;
use crate::view::format;
use crate::view::guide;
use crate::view::i18n::{t, tf, K};
use crate::view::inspect;
use crate::view::model;
use std::rc::Rc;
use yew::prelude::*;

impl App {
    /// The whole page.
    pub(super) fn page(&self) -> Html {
        let (diagram_now, diagram_events) = self.diagram_frame();
        let sim = self.sim.borrow();
        let servers = Rc::new(model::servers(&sim));
        let messages = Rc::new(model::messages(&sim, self.scan_back_us));
        let status = model::status(&sim);
        let membership = model::membership(&sim);
        let clients = model::clients(&sim, 4);
        let dispatch = self.dispatch.clone();
        let active = sim.active_servers().count() as u32;
        let next_id = ServerId(sim.servers().len() as u32 + 1);
        let network = &sim.config().network;
        let focus = inspect::focus(&sim);
        let involved = Rc::new(
            focus.map(|v| (v.servers.clone(), v.indices.iter().map(|i| i.0).collect::<Vec<u64>>())).unwrap_or_default(),
        );
        let violation = focus.map(|v| {
            let list = |v: Vec<String>| v.join(t(K::ListSeparator));
            ViolationInfo {
                property: v.property,
                time_us: v.time.0,
                servers: list(v.servers.iter().map(|s| s.to_string()).collect()),
                terms: list(v.terms.iter().map(|t| t.to_string()).collect()),
                indices: list(v.indices.iter().map(|i| i.to_string()).collect()),
                detail: format::violation_detail(&v.detail),
                why: inspect::explain(v.property, sim.breaks()),
            }
        });
        let hot = self.hot_message.or(self.picked_message);
        let picked = self
            .picked_message
            .and_then(|id| sim.history().messages.get(id as usize))
            .map(|m| (m.id.0, inspect::message_fields(m, sim.now())));
        let detail = self.selected.and_then(|id| inspect::server_detail(&sim, id));
        let breaks: Vec<_> = sim.breaks().active().collect();
        let count = servers.len();
        let panel = self
            .selected
            .and_then(|id| servers.iter().enumerate().find(|(_, s)| s.id == id))
            .map(|(i, s)| (s, crate::view::geometry::server_percent(i, count)));
        let panel = panel.map(|(s, at)| ServerPanelInfo {
            at,
            id: s.id,
            role: s.role,
            term: s.term,
            alive: s.alive,
            retired: s.retired,
            removed: s.removed,
            voter: s.voter,
            standing: s.standing(),
            transferring_to: sim.server(s.id).and_then(|slot| slot.node.transfer_target()),
        });
        let quick_lesson = self.teach.quick_lesson();
        html! {
            <div class={classes!("app", self.embed.then_some("app--embed"))} key={crate::view::i18n::lang().code()}>
                if !self.embed {
                <header class="topbar">
                    <div class="brand">
                        <h1 class="brand__title">{ t(K::Title) }</h1>
                        if !breaks.is_empty() {
                            <span class="badge badge--modified" title={t(K::ModifiedTitle)} data-modified="true">{ t(K::Modified) }</span>
                        }
                        <p class="brand__tagline">{ t(K::Tagline) }</p>
                    </div>
                    { status_line(&StatusLineProps { status: status.clone() }) }
                    <button class="btn guide-button" title={t(K::GuideButtonTitle)} aria-expanded={self.teach.welcome.to_string()}
                        onclick={dispatch.reform(|_| Msg::Teach(TeachMsg::ShowWelcome))}>{ t(K::GuideButton) }</button>
                    <button class="btn btn--icon help-button" aria-label={t(K::ShortcutsButton)}
                        title={t(K::ShortcutsButton)} onclick={dispatch.reform(|_| Msg::ToggleHelp)}>{ "?" }</button>
                </header>
                <nav class="toolbar" aria-label={t(K::ToolbarLabel)}>
                    { teach_toolbar(crate::view::i18n::lang(), &self.teach.link, &dispatch.reform(Msg::Teach)) }
                    <Export sim={SimHandle(self.sim.clone())} seed={self.seed} servers={self.servers}
                        scenario={self.library_file()} />
                    { controls::run_controls(&controls::RunProps { seed_text: self.seed_text.clone(), seed_error: self.seed_error.clone(), servers: self.servers, dispatch: dispatch.clone() }) }
                </nav>
                }
                <main class="layout">
                    if self.embed {
                        <h1 class="visually-hidden">{ t(K::Title) }</h1>
                    }
                    <div class="main-col">
                    <section class="stage" aria-label={t(K::RingLabel)}>
                        { controls::playback_bar(&controls::PlaybackProps { playing: self.playing, speed: self.speed, last_event: self.last_event.clone(), lesson: quick_lesson, fork_back: self.left_run.is_some(), explain: self.explain, fast_forward: self.exercise_open(), dispatch: dispatch.clone() }) }
                        if let Some((file, title)) = self.teach.fetching_title() {
                            <p class="stage__loading" role="status" data-loading={file}>{ tf(K::ScenarioFetching, &[&title]) }</p>
                        }
                        { self.busy_view() }
                        if self.embed {
                            { embed_bar(&EmbedBarProps { reset: dispatch.reform(|_| Msg::Teach(TeachMsg::LoadPicked)) }) }
                            if let Some(error) = &self.teach.error {
                                <p class="embed-error" role="alert" data-link-error="true" data-limit={error.limit.map(|l| l.name())}>{ error.text.clone() }</p>
                            }
                            // The caption: who leads in which term, and what the scenario says now.
                            <div class="embed__caption">
                                { status_line(&StatusLineProps { status }) }
                                { self.replay_view() }
                                if let Some(text) = self.teach.step_text_at(sim.now()) {
                                    <p class="embed__step" data-embed-step="true">{ text }</p>
                                }
                            </div>
                        } else {
                        { timeline::time_bar(&timeline::TimeBarProps { now_us: sim.now().0, horizon_us: sim.horizon().0, reach_us: sim.reach().0, dispatch: dispatch.clone() }) }
                        }
                        if let Some(m) = self.explained {
                            <p class="explain__line" role="status" data-explain={explain::slug(m)}>{ explain::text(m) }</p>
                        }
                        <div class="ring-box">
                            <Ring servers={servers.clone()} messages={messages} selected={self.selected}
                                dispatch={dispatch.clone()} involved={involved.0.clone()} hot={hot} />
                            { self.pace_badge() }
                            if let Some(info) = panel {
                                <ServerPanel info={info} dispatch={dispatch.clone()} />
                            }
                        </div>
                        if let Some(detail) = detail {
                            { inspector(&InspectorProps { detail }) }
                        }
                        if let Some(m) = membership {
                            { membership_progress(&MembershipProps { membership: m }) }
                        }
                    </section>
                    if !self.embed {
                        <LogPanel sim={SimHandle(self.sim.clone())} version={model::logs_signature(&sim)} involved={involved.clone()} />
                    }
                    </div>
                    if !self.embed {
                    <div class="guide">
                        if self.teach.welcome {
                            { welcome(self.teach.resume.as_ref().and_then(|m| guide::tour_place(m.file)), &dispatch.reform(Msg::Teach)) }
                        }
                        { self.teach_panel(&sim) }
                    </div>
                    <aside class="controls">
                        { controls::cluster_controls(&controls::ClusterProps { can_add: active < MAX_SERVERS, next_id, dispatch: dispatch.clone(), options: sim.options(), contacts: crate::view::protocol::contacts(&sim), snapshot_every: sim.config().snapshot_every }) }
                        { controls::request_box(&controls::RequestBoxProps { text: self.request_text.clone(), error: self.request_error.clone(), clients, dispatch: dispatch.clone() }) }
                        { controls::network_controls(&controls::NetworkProps { partition_text: self.partition_text.clone(), partition_placeholder: self.suggested_partition(), partition_now: model::partition_in_force(&sim).map(|g| format::format_partition(&g)), partition_error: self.partition_error.clone(), partitioned: sim.topology().is_partitioned(), loss_percent: (network.loss * 100.0).round() as u32, latency_text: self.latency_text.clone(), latency_error: self.latency_error.clone(), dispatch: dispatch.clone() }) }
                        <Legend />
                    </aside>
                    <div class="inside">
                        <Diagram sim={SimHandle(self.sim.clone())} now_us={diagram_now} events={diagram_events}
                            actions={sim.applied_actions().len()} scan_back_us={self.scan_back_us} hot={hot} dispatch={dispatch.clone()} />
                        if let Some((id, fields)) = picked {
                            { message_detail(&MessageDetailProps { id, fields, dispatch: dispatch.clone() }) }
                        }
                        <div class="inside__panels">
                            { inside::monitor(&inside::MonitorProps { statuses: inspect::monitor(&sim), focus: violation }) }
                            if let Some(q) = inspect::quorum(&sim) {
                                { quorum_panel(&QuorumProps { quorum: q }) }
                            }
                            { inside::breaks(&BreaksProps { on: breaks, dispatch: dispatch.clone() }) }
                        </div>
                    </div>
                    }
                </main>
                { toasts(&ToastsProps { toasts: self.toasts.clone(), dispatch: dispatch.clone() }) }
                if self.help_open {
                    <ShortcutsDialog dispatch={dispatch} />
                }
            </div>
        }
    }

    /// The time and event count the diagram shows: the current ones, except while playing,
    /// when they advance at most every [`DIAGRAM_REFRESH_MS`].
    pub(super) fn diagram_frame(&self) -> (u64, u64) {
        let sim = self.sim.borrow();
        let (now, events) = (sim.now().0, sim.events());
        let wall = gloo::utils::window().performance().map_or(0.0, |p| p.now());
        let (shown_now, shown_events, at) = self.diagram_clock.get();
        if self.playing && wall - at < DIAGRAM_REFRESH_MS && shown_now <= now {
            return (shown_now, shown_events);
        }
        self.diagram_clock.set((now, events, wall));
        (now, events)
    }
}
