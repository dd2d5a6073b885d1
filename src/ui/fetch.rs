//! Fetches a library scenario's text from `scenarios/<file>` (Trunk copies
//! `src/scenario/library/` there: index.html). The page's wasm carries only the library's
//! headers; the text comes when someone opens the scenario.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a scenario file did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// No answer: offline, or the request was refused.
    Network,
    /// The server answered with this HTTP status.
    Status(u16),
}

/// The URL of a library file, relative to the page (so an embed or a page under a subpath
/// fetches from where it was served).
pub fn library_url(file: &str) -> String {
    format!("scenarios/{file}")
}

/// The text of library file `file`. `no-cache`: the browser asks the server whether its copy
/// is current, so a stale cached file never meets a newer wasm.
pub async fn library_text(file: &str) -> Result<String, FetchError> {
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let promise = gloo::utils::window().fetch_with_str_and_init(&library_url(file), &init);
    let response = JsFuture::from(promise).await.map_err(|_| FetchError::Network)?;
    // `fetch` resolves to a Response: no `instanceof` check (it would cost the loader bytes).
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let text = response.text().map_err(|_| FetchError::Network)?;
    JsFuture::from(text).await.ok().and_then(|t| t.as_string()).ok_or(FetchError::Network)
}
