//! The web entry point. Trunk builds this binary for `wasm32-unknown-unknown`.

#[cfg(target_arch = "wasm32")]
fn main() {
    raft_playground::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the playground runs in the browser: use `cargo xtask serve`, or `raftsim` for the CLI");
    std::process::exit(2);
}
