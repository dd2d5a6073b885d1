//! What the user asks of the cluster: actions, planned intents, "Show me", a reset,
//! and the keyboard shortcuts.

use super::{new_sim, App, KeyInput, Msg};
use crate::raft::ServerId;
use crate::scenario::ServerRef;
use crate::sim::{Action, ActionError};
use crate::ui::inside;
use crate::view::format;
use crate::view::i18n::{t, tf, K};
use crate::view::intent::{self, Intent, Refusal, ServerAction};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

impl App {
    pub(super) fn act(&mut self, ctx: &Context<Self>, action: Action) {
        let (now, in_past) = {
            let sim = self.sim.borrow();
            (sim.now().0, sim.now() < sim.horizon())
        };
        // Acting in the past replaces the future: keep that run, to come back to.
        let before = in_past.then(|| Box::new(self.sim.borrow().clone()));
        let result = self.sim.borrow_mut().act(action);
        match result {
            Err(e) => self.refuse(ctx, e),
            Ok(()) if in_past => {
                self.left_run = before;
                self.toast(ctx, tf(K::Forked, &[&format::format_sim_time(now)]));
            }
            Ok(()) => {}
        }
    }

    /// Carries out `intent` on the cluster as it is now, or says why it does nothing.
    pub(super) fn perform(&mut self, ctx: &Context<Self>, intent: Intent) {
        let planned = intent::plan(&self.sim.borrow(), &intent);
        match planned {
            Ok(actions) => {
                for action in actions {
                    self.act(ctx, action);
                }
            }
            Err(Refusal::Action(e)) => self.refuse(ctx, e),
            Err(Refusal::NothingToRevive) => self.toast(ctx, t(K::NothingToRevive).to_string()),
            Err(Refusal::NoOneToSplit) => self.toast(ctx, t(K::SplitVoteNone).to_string()),
            // The page names servers by id or as the leader, never by a scenario's `let` name.
            Err(Refusal::Unbound(_)) => {}
        }
    }

    /// The play loop reached a new violation: pause on it and say so.
    pub(super) fn stop_at_violation(&mut self, ctx: &Context<Self>) {
        self.pause();
        let (count, property) = {
            let sim = self.sim.borrow();
            (sim.violations().len(), sim.violations().last().map(|v| v.property))
        };
        self.seen_violations = count;
        if let Some(p) = property {
            self.toast(ctx, tf(K::ViolationPaused, &[&inside::property_name(p)]));
        }
    }

    /// Loads the library scenario for `switch`, run to its end, and shows the moment of its
    /// first violation (Play goes on from there; the timeline reaches the end).
    pub(super) fn show_me(&mut self, ctx: &Context<Self>, switch: crate::raft::BreakSwitch) {
        let file = inside::show_me_file(switch).to_string();
        self.open_library(ctx, file, crate::ui::teach::AfterLoad::ShowMe(switch));
    }

    /// [`Self::show_me`], once the scenario has run to its end.
    pub(super) fn show_me_loaded(
        &mut self,
        ctx: &Context<Self>,
        switch: crate::raft::BreakSwitch,
        loaded: crate::scenario::Loaded,
    ) {
        let file = inside::show_me_file(switch);
        let crate::scenario::Loaded { scenario, mut sim, report } = loaded;
        if let Some(v) = sim.violations().first() {
            let event = v.event;
            sim.seek_event(event);
        }
        self.pause();
        // The page now shows this scenario: its title, a link that names it, no stale lesson.
        self.teach.picked = file.to_string();
        let title =
            scenario.title.as_deref().map(|en| crate::ui::teach::pick(en, scenario.title_zh.as_deref()).to_string());
        let source = crate::share::ScenarioSource::Library(file.to_string());
        self.teach.remember(source, scenario, report.narration, report.end_time, &sim);
        self.swap_sim(sim);
        self.last_event = None;
        self.toast(ctx, tf(K::ScenarioLoaded, &[&title.unwrap_or_else(|| file.to_string())]));
    }

    /// A refused action is shown for a moment; nothing changed.
    pub(super) fn refuse(&mut self, ctx: &Context<Self>, error: ActionError) {
        self.toast(ctx, format::action_error(&error));
    }

    pub(super) fn suggested_partition(&self) -> String {
        let sim = self.sim.borrow();
        let ids: Vec<ServerId> = sim.active_servers().map(|s| s.node.id()).collect();
        format::format_partition(&format::suggest_partition(&ids, sim.leader()))
    }

    /// A new random cluster from the seed and size fields (Reset, a new cluster size, the
    /// picker's free play). A scenario that was loaded goes with its cluster: no lesson,
    /// goal or tour is left narrating a cluster that is not its own. A seed that is not a
    /// number changes nothing (the field says why).
    pub(super) fn free_play(&mut self, ctx: &Context<Self>) {
        self.reset(ctx);
        if self.seed_error.is_some() {
            return;
        }
        self.teach.ticket();
        self.teach.picked.clear();
        self.teach.loaded = None;
        self.teach.goal = None;
        self.teach.tour = false;
    }

    fn reset(&mut self, ctx: &Context<Self>) {
        let Ok(seed) = self.seed_text.trim().parse::<u64>() else {
            self.seed_error = Some(t(K::SeedInvalid).to_string());
            return;
        };
        self.seed = seed;
        self.seed_error = None;
        *self.sim.borrow_mut() = new_sim(seed, self.servers);
        let network = self.sim.borrow().config().network.clone();
        self.latency_text = (network.latency_min_ms.to_string(), network.latency_max_ms.to_string());
        self.latency_error = None;
        self.scan_back_us = network.latency_max_ms * 1000;
        self.partition_text.clear();
        self.partition_error = None;
        self.selected = None;
        self.last_event = None;
        self.carry_us = 0.0;
        self.seen_violations = 0;
        self.picked_message = None;
        self.left_run = None;
        let query = format::format_query(self.seed, self.servers, self.speed);
        // An embed keeps its address: `embed=1` and its scenario must survive a reload.
        if let Some(history) = gloo::utils::window().history().ok().filter(|_| !self.embed) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&query));
        }
        self.schedule_frame(ctx);
    }

    /// The keyboard shortcuts (listed in the `?` dialog). Keys typed into a field are
    /// the field's; Space and Enter on a button press the button.
    pub(super) fn key(&mut self, ctx: &Context<Self>, input: KeyInput) -> bool {
        let e = &input.event;
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return false;
        }
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let tag = target.as_ref().map(|t| t.tag_name().to_ascii_lowercase()).unwrap_or_default();
        let in_field = matches!(tag.as_str(), "input" | "textarea" | "select");
        let on_button =
            tag == "button" || target.as_ref().and_then(|t| t.get_attribute("role")).as_deref() == Some("button");
        if input.key == "Escape" {
            if in_field {
                if let Some(t) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = t.blur();
                }
            }
            return Component::update(self, ctx, Msg::CloseOverlays);
        }
        if in_field {
            return false;
        }
        let msg = match input.key.as_str() {
            " " | "k" if !(on_button && input.key == " ") => Msg::TogglePlay,
            "." | "n" => Msg::Step,
            "l" => Msg::Intent(Intent::Server(ServerRef::Leader, ServerAction::Crash)),
            "r" => Msg::Intent(Intent::ReviveAll),
            "v" => Msg::Intent(Intent::SplitVote),
            "t" => Msg::Intent(Intent::SpreadTimers),
            "a" => Msg::Intent(Intent::AddServer(crate::raft::ChangeMethod::Joint)),
            "h" => Msg::Intent(Intent::Heal),
            "+" | "=" => Msg::SetSpeed(format::speed_step(self.speed, true)),
            "-" | "_" => Msg::SetSpeed(format::speed_step(self.speed, false)),
            "?" => Msg::ToggleHelp,
            d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() && d != "0" => {
                Msg::Select(Some(ServerId(d.parse().unwrap_or(1))))
            }
            _ => return false,
        };
        e.prevent_default();
        Component::update(self, ctx, msg)
    }
}
