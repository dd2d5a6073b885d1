//! The web entry point. Trunk builds this binary for `wasm32-unknown-unknown`.

/// The page's allocator: talc in place of Rust's default dlmalloc, smaller in the first
/// load and faster (docs/performance.md, "Allocator"). The page is single-threaded.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    raft_playground::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the playground runs in the browser: use `cargo xtask serve`, or `raftsim` for the CLI");
    std::process::exit(2);
}
