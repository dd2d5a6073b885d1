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
mod method;
mod protocol;
mod ring;
mod snapshots;
mod teach;
mod timeline;
mod zlib;

use crate::sim::workload::{run_standard_workload_with, BenchReport};
use crate::view::format::parse_query;
use crate::view::i18n::{t, K};
use app::{App, AppProps};
use wasm_bindgen::{JsCast, JsValue};

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
            run_bench(params.servers.unwrap_or(5), params.snapshots, params.runs.unwrap_or(1));
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

/// A panic must never leave a dead page: show a banner that says so, with the panic's
/// message and a button that reloads the page at the same address (link included), and log
/// the panic to the console. Installed through Yew's `set_custom_panic_hook`: a hook set with
/// `std::panic::set_hook` alone is replaced by Yew's own when the app renders.
fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!("Raft Playground panicked: {message}")));
        // Before the catalogue is loaded there is no text in either language.
        let said = |key, otherwise| Some(t(key)).filter(|s| !s.is_empty()).unwrap_or(otherwise);
        alert_banner("panic-banner", said(K::PanicBanner, LOAD_ERROR), &message, said(K::PanicReload, RELOAD));
    }));
}

/// Puts a banner at the top of `<body>` (once per `id`): `text`, the `detail` as code, and
/// a button that reloads the page at the same address, the `#` link included (a link to
/// the same address would only scroll).
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
    if let Ok(button) = document.create_element("button") {
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("data-action", "reload");
        button.set_class_name("btn btn--primary");
        button.set_text_content(Some(reload));
        let reload = wasm_bindgen::closure::Closure::once_into_js(|| {
            let _ = gloo::utils::window().location().reload();
        });
        let _ = button.add_event_listener_with_callback("click", reload.unchecked_ref());
        let _ = banner.append_child(&button);
    }
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&banner);
    }
}

/// A deliberate panic, for the browser test of the panic banner (`window.wasmBindings`).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test(message: &str) {
    panic!("deliberate panic for a test: {message}");
}

thread_local! {
    /// A smaller memory budget for the run on show, set by the browser test of bounded
    /// memory (`setMemoryBudgetForTest`), so that it reaches the budget in seconds.
    static TEST_MEMORY_BUDGET: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The memory budget the browser test asked for, if any.
fn test_memory_budget() -> Option<usize> {
    TEST_MEMORY_BUDGET.with(|b| b.get())
}

/// For the browser test of bounded memory: the history's memory budget, in bytes.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = setMemoryBudgetForTest)]
pub fn set_memory_budget_for_test(bytes: u32) {
    TEST_MEMORY_BUDGET.with(|b| b.set(Some(bytes as usize)));
}

/// For the browser test of bounded memory: the size of the wasm linear memory, in bytes.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = wasmMemoryBytesForTest)]
pub fn wasm_memory_bytes_for_test() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

/// `?bench=sim`: runs the standard workload (`&snapshots=N`: with a snapshot after every N
/// applied entries; `&runs=N`: N times in a row) and writes
/// `{servers, events, sim_seconds, wall_ms, events_per_sec, messages, walls}` into
/// `#bench`: `wall_ms` and `events_per_sec` are the first (cold) run's, `walls` every
/// run's wall time in order.
fn run_bench(servers: u32, snapshot_every: Option<u64>, runs: u32) {
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
        // Every run's wall time, written as it comes (a list of numbers for `walls`).
        let mut walls = String::new();
        let mut wall_ms = 0.0;
        let mut last = None;
        for run in 0..runs {
            // The run before is dropped first, outside the timing: the next one reuses its
            // memory rather than touching fresh pages.
            drop(last.take());
            let started = performance.now();
            let sim = run_standard_workload_with(servers, crate::raft::Duration::from_ms(600_000), snapshot_every);
            let wall = performance.now() - started;
            last = Some(sim);
            if run == 0 {
                wall_ms = wall;
            } else {
                walls.push(',');
            }
            walls.push_str(&crate::decimal::trimmed(wall, 1));
        }
        let Some(sim) = last else { return };
        let report = BenchReport::of(&sim);
        // Numbers and a hex string only: written by hand, so the page needs no JSON library.
        let result = format!(
            "{{\"servers\":{},\"events\":{},\"sim_seconds\":{},\"messages\":{},\"state_hash\":\"{:016x}\",\"wall_ms\":{},\"events_per_sec\":{},\"walls\":[{}]}}",
            report.servers,
            report.events,
            crate::decimal::trimmed(report.sim_seconds, 6),
            report.messages,
            report.state_hash,
            crate::decimal::trimmed(wall_ms, 1),
            (report.events as f64 / (wall_ms.max(0.001) / 1000.0)).round() as u64,
            walls,
        );
        pre.set_text_content(Some(&result));
        pre.set_attribute("data-done", "true").ok();
    })
    .forget();
}
