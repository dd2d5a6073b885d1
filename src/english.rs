//! English that only `raftsim` and the tests read: what a check saw (`found`), the event a
//! violation happened at, the runner's trace. The page says everything in its reader's
//! language through `view::format` and never shows these, so its wasm leaves them out,
//! with the code that writes them (about 5 KB of the first load: docs/performance.md).

/// True natively, false in the page's wasm (`wasm32`), where nobody reads the English.
pub const NATIVE: bool = cfg!(not(target_arch = "wasm32"));

/// `text()` natively; in the page's wasm an empty string, and `text`'s code is left out.
#[inline(always)]
pub fn native(text: impl FnOnce() -> String) -> String {
    if NATIVE {
        text()
    } else {
        String::new()
    }
}
