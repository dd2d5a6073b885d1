//! The browser side of teaching: local storage (the language, the welcome, the tour mark),
//! the language's catalogue file, and the clipboard.

use crate::view::guide::TourMark;
use crate::view::i18n::{self, lang, set_lang, t, Lang, K};
use crate::view::i18n_file;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

const LANG_KEY: &str = "raft-playground.lang";
/// Set once the reader has answered the welcome: it is not shown again by itself.
const WELCOMED_KEY: &str = "raft-playground.welcomed";
/// Where the reader stopped in the guided tour ([`TourMark`]).
const TOUR_KEY: &str = "raft-playground.tour";

/// localStorage, if the page may use it (a sandboxed iframe may not: reading the
/// property throws there).
fn storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

/// The language to start in: the one chosen before, else the browser's.
pub fn initial_lang() -> Lang {
    let saved = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    let code = saved.or_else(|| gloo::utils::window().navigator().language()).unwrap_or_default();
    Lang::from_code(&code)
}

/// Makes `lang`'s text available to [`t`]: fetches and checks its catalogue file the
/// first time (`cache: no-cache`, so that a file cached from an older page is never paired
/// with this one). The error names the file and what went wrong.
pub async fn load_text(lang: Lang) -> Result<(), String> {
    if i18n::has_text(lang) {
        return Ok(());
    }
    let file = lang.catalogue_file();
    let text = fetch_text(&file).await.map_err(|e| format!("{file}: {e}"))?;
    let messages = i18n_file::parse(lang, &text).map_err(|e| e.to_string())?;
    i18n::install(lang, messages);
    Ok(())
}

/// The body of `url` as text, or why not (the network's error, or the HTTP status).
async fn fetch_text(url: &str) -> Result<String, String> {
    let js_error =
        |e: JsValue| e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()));
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response = JsFuture::from(gloo::utils::window().fetch_with_str_and_init(url, &init)).await.map_err(js_error)?;
    let response: web_sys::Response = response.dyn_into().map_err(js_error)?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(js_error)?).await.map_err(js_error)?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

pub fn apply_lang(l: Lang) {
    set_lang(l);
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", l.code());
    }
    gloo::utils::document().set_title(t(K::Title));
}

/// The language switch on the page (none in the embed mode).
fn lang_switch() -> Option<web_sys::HtmlSelectElement> {
    gloo::utils::document().query_selector(".teach__lang").ok().flatten()?.dyn_into().ok()
}

/// Whether the switch still shows `l` (the reader has not picked another since), or
/// there is no switch.
pub fn switch_shows(l: Lang) -> bool {
    lang_switch().is_none_or(|switch| switch.value() == l.code())
}

/// Puts the switch back on the page's language: a switch whose file could not be had.
pub fn reset_switch() {
    if let Some(switch) = lang_switch() {
        switch.set_value(lang().code());
    }
}

/// The reader has answered the welcome before.
pub fn welcomed() -> bool {
    storage().and_then(|s| s.get_item(WELCOMED_KEY).ok().flatten()).is_some()
}

pub fn remember_welcomed() {
    if let Some(s) = storage() {
        let _ = s.set_item(WELCOMED_KEY, "1");
    }
}

/// Where the reader stopped in the tour, as stored.
pub fn stored_tour_mark() -> Option<TourMark> {
    TourMark::parse(&storage()?.get_item(TOUR_KEY).ok().flatten()?)
}

pub fn store_tour_mark(mark: Option<&TourMark>) {
    if let Some(s) = storage() {
        let _ = match mark {
            Some(m) => s.set_item(TOUR_KEY, &m.to_text()),
            None => s.remove_item(TOUR_KEY),
        };
    }
}

pub fn remember_lang(l: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, l.code());
    }
}

/// Writes `text` to the clipboard; `done(true)` once written, `done(false)` if the
/// browser refuses (no permission, no clipboard API, an insecure page).
pub fn copy_to_clipboard(text: &str, done: Callback<bool>) {
    let navigator = gloo::utils::window().navigator();
    let clipboard =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok().filter(|c| !c.is_undefined());
    let write = clipboard.as_ref().and_then(|c| {
        let f = js_sys::Reflect::get(c, &JsValue::from_str("writeText")).ok()?.dyn_into::<js_sys::Function>().ok()?;
        f.call1(c, &JsValue::from_str(text)).ok()?.dyn_into::<js_sys::Promise>().ok()
    });
    let Some(promise) = write else {
        done.emit(false);
        return;
    };
    use wasm_bindgen::closure::Closure;
    let ok = {
        let done = done.clone();
        Closure::once(move |_: JsValue| done.emit(true))
    };
    let err = Closure::once(move |_: JsValue| done.emit(false));
    let _ = promise.then2(&ok, &err);
    // Each runs at most once, when the promise settles; they must outlive this call.
    ok.forget();
    err.forget();
}
