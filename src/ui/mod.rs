//! The Yew front end (wasm32 only). It reads the simulator's state through the plain-data
//! snapshots of [`crate::view::model`] and sends it commands, nothing else.
//!
//! - `app`: the one owner of the `Sim` and the single animation loop;
//! - `ring`: the servers, links and messages in flight (SVG);
//! - `logs`: the logs (only the cells in view are drawn) and the key-value states;
//! - `controls`: the status line, playback, cluster, network, client and run controls;
//! - `legend`: the legend and the keyboard shortcuts dialog;
//! - `timeline`: the time-travel scrubber and the space-time diagram;
//! - `protocol`: the PreVote and CheckQuorum toggles, in the cluster settings;
//! - `inside`: the safety monitor, break-switches, quorum meters, state inspector;
//! - `export`: Download SVG / PNG / trace, the Embed snippet, the embed mode's bar;
//! - `teach`: share links, the language switch, scenarios, exercises and lessons;
//! - `fetch`: a library scenario's text, fetched when it is opened;
//! - `zlib`: the browser's compression streams, for share links.

mod app;
mod controls;
mod export;
mod fetch;
mod inside;
mod legend;
mod logs;
mod protocol;
mod ring;
mod teach;
mod timeline;
mod zlib;

use crate::sim::workload::{run_standard_workload, BenchReport};
use crate::view::format::parse_query;
use crate::view::i18n::{t, K};
use app::{App, AppProps};
use wasm_bindgen::JsValue;

/// Fetches the visitor's catalogue file (`i18n/<lang>.txt`, the language chosen as
/// [`teach::initial_lang`] says), then mounts the playground into `<body>`; with
/// `?bench=sim`, runs the benchmark instead. Without its text the page cannot speak, so a
/// file that cannot be fetched or read shows [`show_load_error`], not a blank page.
pub fn start() {
    install_panic_hook();
    let lang = teach::initial_lang();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(problem) = teach::load_text(lang).await {
            show_load_error(&problem);
            return;
        }
        teach::apply_lang(lang);
        let search = gloo::utils::window().location().search().unwrap_or_default();
        let params = parse_query(&search);
        if params.bench.as_deref() == Some("sim") {
            run_bench(params.servers.unwrap_or(5));
            return;
        }
        yew::Renderer::<App>::with_props(AppProps { params }).render();
    });
}

/// The page's text could not be loaded: said in both languages, since neither is here.
const LOAD_ERROR: &str = "The page's text could not be loaded. Check the connection, then reload. · 无法加载页面的文字。请检查网络连接，然后重新加载。";
const RELOAD: &str = "Reload · 重新加载";

/// Shows why the catalogue file could not be used, in plain DOM (the app never mounted).
fn show_load_error(problem: &str) {
    alert_banner("load-error", LOAD_ERROR, problem, RELOAD);
}

/// A panic must never leave a dead page: show a banner that says so, with a reload link,
/// and log the panic to the console.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!("Raft Playground panicked: {message}")));
        // Before the catalogue is loaded there is no text in either language.
        let said = |key, otherwise| Some(t(key)).filter(|s| !s.is_empty()).unwrap_or(otherwise);
        alert_banner("panic-banner", said(K::PanicBanner, LOAD_ERROR), &message, said(K::PanicReload, RELOAD));
    }));
}

/// Puts a banner at the top of `<body>` (once per `id`): `text`, the `detail` as code, and
/// a link that reloads the page.
fn alert_banner(id: &str, text: &str, detail: &str, reload: &str) {
    let document = gloo::utils::document();
    if document.get_element_by_id(id).is_some() {
        return;
    }
    let Ok(banner) = document.create_element("div") else { return };
    banner.set_id(id);
    banner.set_class_name("panic-banner");
    let _ = banner.set_attribute("role", "alert");
    if let Ok(p) = document.create_element("p") {
        p.set_text_content(Some(text));
        let _ = banner.append_child(&p);
    }
    if let Ok(code) = document.create_element("code") {
        code.set_text_content(Some(detail));
        let _ = banner.append_child(&code);
    }
    if let Ok(link) = document.create_element("a") {
        let _ = link.set_attribute("href", "");
        link.set_class_name("btn btn--primary");
        link.set_text_content(Some(reload));
        let _ = banner.append_child(&link);
    }
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&banner);
    }
}

/// `?bench=sim`: runs the standard workload and writes
/// `{servers, events, sim_seconds, wall_ms, events_per_sec, messages}` into `#bench`.
fn run_bench(servers: u32) {
    let document = gloo::utils::document();
    let Some(body) = document.body() else { return };
    let Ok(pre) = document.create_element("pre") else { return };
    pre.set_id("bench");
    pre.set_class_name("bench");
    pre.set_text_content(Some(t(K::BenchRunning)));
    let _ = body.append_child(&pre);
    // Let the page paint "running" first.
    gloo::timers::callback::Timeout::new(50, move || {
        let performance = gloo::utils::window().performance().expect("performance is available");
        let started = performance.now();
        let sim = run_standard_workload(servers, crate::raft::Duration::from_ms(600_000));
        let wall_ms = performance.now() - started;
        let report = BenchReport::of(&sim);
        // Numbers and a hex string only: written by hand, so the page needs no JSON library.
        let result = format!(
            "{{\"servers\":{},\"events\":{},\"sim_seconds\":{},\"messages\":{},\"state_hash\":\"{:016x}\",\"wall_ms\":{},\"events_per_sec\":{}}}",
            report.servers,
            report.events,
            crate::decimal::trimmed(report.sim_seconds, 6),
            report.messages,
            report.state_hash,
            crate::decimal::trimmed(wall_ms, 1),
            (report.events as f64 / (wall_ms.max(0.001) / 1000.0)).round() as u64,
        );
        pre.set_text_content(Some(&result));
        pre.set_attribute("data-done", "true").ok();
    })
    .forget();
}
