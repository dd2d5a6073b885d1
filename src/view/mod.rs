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
pub mod i18n_file;
/// Native builds only: the page reads 简体中文 from `web/i18n/zh-CN.txt` (`i18n_file`).
#[cfg(not(target_arch = "wasm32"))]
mod i18n_zh;
pub mod inspect;
pub mod intent;
pub mod limits;
pub mod math;
pub mod model;
pub mod pace;
pub mod protocol;
pub mod snapshot;
pub mod timeline;
pub mod trace;

#[cfg(test)]
mod single_server_tests;
