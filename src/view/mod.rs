//! The view's pure half: geometry, formatting, the message catalogue and the plain-data
//! snapshots the page draws. Nothing here touches the DOM, so it compiles and is tested
//! natively; `ui` (wasm32 only) turns it into Yew components.

pub mod counting;
pub mod explain;
pub mod format;
pub mod geometry;
pub mod glossary;
pub mod guide;
pub mod i18n;
mod i18n_zh;
pub mod inspect;
pub mod intent;
pub mod math;
pub mod model;
pub mod timeline;
pub mod trace;
