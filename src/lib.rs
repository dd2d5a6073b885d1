//! Raft Playground: a pure Raft core (`raft`), a deterministic simulator around it
//! (`sim`), a text format for scenarios and exercises (`scenario`), and the Yew front end
//! (`ui`, wasm32 only). Data flows one way: core → simulator → view.

pub mod decimal;
pub mod english;
pub mod raft;
pub mod scenario;
pub mod share;
pub mod sim;
pub mod sorted;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod ui;
