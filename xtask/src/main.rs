//! `cargo xtask`: the project's tasks — serve, dist, test, size, measure, bench.
//!
//! Every task installs what it needs and is missing (see `tools`), so a fresh clone needs
//! only Rust (with rustup), Node and npm; `test` also needs Chromium, which it installs
//! with apt-get when run as root.

mod csp;
mod minify;
mod server;
mod size;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};

/// The address `cargo xtask serve` listens on.
const SERVE_ADDRESS: &str = "127.0.0.1";

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, test, serve and measure Raft Playground", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what is missing, build the playground and serve it on http://127.0.0.1:8080,
    /// rebuilding when a source file changes (trunk serve).
    Serve {
        /// Port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Serve the size-tuned release build (slower to rebuild) instead of a debug build.
        #[arg(long)]
        release: bool,
    },
    /// Release build into dist/: the size-tuned `web` profile, wasm-opt -O1, relative URLs
    /// (works from any sub-path, e.g. GitHub Pages).
    Dist,
    /// Run every test: native `cargo test`, the wasm32 compile, `dist`, the size budget and
    /// the browser tests in headless Chromium. Flags skip parts for quick local runs.
    Test(TestArgs),
    /// Print the gzip size of each file in dist/ and the total, against the first-load budget.
    Size {
        /// Measure the dist/ that is there instead of building it first.
        #[arg(long)]
        no_build: bool,
    },
    /// Measure the time from navigation start to the first drawn cluster (`[data-server]`)
    /// in headless Chromium, over several fresh loads of dist/.
    Measure {
        /// Number of page loads.
        #[arg(long, default_value_t = 5)]
        runs: u32,
        /// Measure the dist/ that is there instead of building it first.
        #[arg(long)]
        no_build: bool,
    },
    /// Run the benchmarks: `raftsim bench` and the criterion benches.
    Bench {
        /// Skip `cargo bench` (criterion).
        #[arg(long)]
        no_criterion: bool,
    },
}

#[derive(Args, Default)]
struct TestArgs {
    /// Skip the native `cargo test --workspace`.
    #[arg(long)]
    skip_native: bool,
    /// Skip `cargo build --lib --target wasm32-unknown-unknown`.
    #[arg(long)]
    skip_wasm: bool,
    /// Skip the dist build, the size budget and the browser tests.
    #[arg(long)]
    skip_dist: bool,
    /// Skip the browser tests (still builds dist/).
    #[arg(long)]
    skip_browser: bool,
    /// Run only the native tests (same as --skip-wasm --skip-dist).
    #[arg(long)]
    native_only: bool,
    /// Skip the format and lint gate (`cargo fmt --check`, clippy native and wasm32).
    #[arg(long)]
    skip_lint: bool,
    /// Run only the browser test files whose name contains this text (builds dist/ first).
    #[arg(long, value_name = "TEXT")]
    browser_filter: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tools::put_tools_on_path();
    let result = match cli.command {
        Task::Serve { port, release } => serve(port, release),
        Task::Dist => dist(),
        Task::Test(args) => test(args),
        Task::Size { no_build } => size_task(no_build),
        Task::Measure { runs, no_build } => measure(runs, no_build),
        Task::Bench { no_criterion } => bench(no_criterion),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ lives inside the repository").to_path_buf()
}

pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

pub fn browser_dir() -> PathBuf {
    root().join("tests").join("browser")
}

/// Prints a section header that stands out in a long CI log.
pub fn header(title: &str) {
    println!("\n{}\n=== {title}\n{}", "=".repeat(78), "=".repeat(78));
}

/// Runs a command in the repository root, echoing it, and fails if it fails.
pub fn run(command: &mut Command) -> Result<()> {
    println!("$ {}", describe(command));
    let status = command
        .current_dir_if_unset(&root())
        .status()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(command));
    }
    Ok(())
}

pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

trait CurrentDirIfUnset {
    fn current_dir_if_unset(&mut self, dir: &Path) -> &mut Self;
}

impl CurrentDirIfUnset for Command {
    fn current_dir_if_unset(&mut self, dir: &Path) -> &mut Self {
        if self.get_current_dir().is_none() {
            self.current_dir(dir);
        }
        self
    }
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Where `raftsim catalogues` writes the page's message catalogue files (`i18n/*.txt`),
/// which index.html's `copy-dir` puts into the page. Made at every build from
/// src/view/i18n.rs and i18n_zh.rs, never committed.
fn catalogues_dir() -> PathBuf {
    root().join("target").join("page-i18n")
}

/// Writes the message catalogue files with the native `raftsim` (the `ci-test` profile,
/// which `cargo xtask test` has built by then).
fn write_catalogues() -> Result<()> {
    header("catalogues: target/page-i18n/i18n/*.txt from src/view/i18n.rs and i18n_zh.rs");
    run(cargo()
        .args(["run", "--quiet", "--profile", "ci-test", "--bin", "raftsim", "--", "catalogues", "--out"])
        .arg(catalogues_dir()))
}

fn serve(port: u16, release: bool) -> Result<()> {
    header("serve: checking tools");
    tools::ensure_wasm_target()?;
    tools::ensure_trunk()?;
    tools::ensure_wasm_bindgen()?;
    if release {
        tools::ensure_node_packages()?;
    }
    write_catalogues()?;
    header(&format!("serve: http://{SERVE_ADDRESS}:{port}/ (Ctrl-C to stop)"));
    let mut trunk = Command::new("trunk");
    trunk.args(["serve", "--offline", "--address", SERVE_ADDRESS, "--port"]);
    trunk.arg(port.to_string());
    // Keep dist/ for `cargo xtask dist`: a running `serve` must not overwrite it.
    trunk.arg("--dist").arg(root().join("target").join("trunk-serve"));
    if release {
        trunk.arg("--release");
        without_panic_locations(&mut trunk);
    }
    run(&mut trunk)
}

/// The page's release build leaves out the file, line and column that every possible
/// panic carries (`-Zlocation-detail=none`): 4.3 KB gzipped of paths and numbers, measured
/// against the same build with them (docs/performance.md). A panic still shows its
/// message in the page's banner, without where in the source it happened. The flag is
/// unstable, so this one build lets the stable compiler accept it (`RUSTC_BOOTSTRAP=1`);
/// the native builds and tests do not see it.
fn without_panic_locations(trunk: &mut Command) {
    trunk.env("RUSTC_BOOTSTRAP", "1").env("RUSTFLAGS", "-Zlocation-detail=none");
}

fn dist() -> Result<()> {
    header("dist: checking tools");
    tools::ensure_wasm_target()?;
    tools::ensure_trunk()?;
    tools::ensure_wasm_bindgen()?;
    tools::ensure_node_packages()?;
    write_catalogues()?;
    header("dist: trunk build --release (profile `web`, wasm-opt -O1, public URL ./)");
    let started = Instant::now();
    // The public URL `./` makes every asset link relative, so dist/ works from any path.
    // wasm-opt comes from tests/browser/node_modules/.bin, which `put_tools_on_path` put
    // first on PATH; Trunk.toml names its version so trunk never tries to download one.
    let mut trunk = Command::new("trunk");
    trunk.args(["build", "--release", "--offline", "--public-url", "./", "--dist"]).arg(dist_dir());
    without_panic_locations(&mut trunk);
    run(&mut trunk)?;
    csp::move_inline_scripts(&dist_dir())?;
    minify::minify_loader(&dist_dir(), &browser_dir().join("node_modules"))?;
    minify::shorten_names(&dist_dir())?;
    check_dist()?;
    println!("dist/ built in {:.0?}", started.elapsed());
    Ok(())
}

/// Checks that dist/ has what a browser needs, that wasm-opt ran, and that it asks for
/// nothing from another host.
fn check_dist() -> Result<()> {
    let dir = dist_dir();
    let index =
        std::fs::read_to_string(dir.join("index.html")).context("dist/index.html is missing after the build")?;
    let wasm: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
        .collect();
    let [wasm] = wasm.as_slice() else {
        bail!("expected exactly one .wasm file in dist/, found {}", wasm.len());
    };
    // wasm-bindgen always adds a `producers` custom section naming itself; index.html
    // tells wasm-opt to strip it (`--strip-producers`), so its absence shows wasm-opt ran.
    let bytes = std::fs::read(wasm)?;
    let sections = custom_section_names(&bytes).with_context(|| format!("{} is not a wasm module", wasm.display()))?;
    if sections.iter().any(|name| name == "producers") {
        bail!(
            "{} still has its `producers` section: wasm-opt did not run \
             (is tests/browser/node_modules/.bin/wasm-opt version 132?)",
            wasm.display()
        );
    }
    for needle in ["http://", "https://", "src=\"/", "href=\"/"] {
        if let Some(at) = index.find(needle) {
            let line = index[..at].lines().count();
            bail!("dist/index.html line {line} has `{needle}`: every URL must be relative and local");
        }
    }
    println!(
        "dist/ ok: {} ({} bytes, wasm-opt applied), relative URLs only",
        wasm.file_name().unwrap_or_default().to_string_lossy(),
        bytes.len()
    );
    Ok(())
}

/// The names of a wasm module's custom sections, or `None` if it is not a wasm module.
fn custom_section_names(module: &[u8]) -> Option<Vec<String>> {
    /// An unsigned LEB128 number at `bytes[*at..]`; advances `at` past it.
    fn leb128(bytes: &[u8], at: &mut usize) -> Option<usize> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = *bytes.get(*at)?;
            *at += 1;
            value |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(value);
            }
            shift += 7;
        }
    }
    if module.get(..4)? != b"\0asm" {
        return None;
    }
    let (mut names, mut at) = (Vec::new(), 8);
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb128(module, &mut at)?;
        let end = at.checked_add(size).filter(|&end| end <= module.len())?;
        if id == 0 {
            let mut name_at = at;
            let length = leb128(module, &mut name_at)?;
            let name = module.get(name_at..name_at.checked_add(length)?)?;
            names.push(String::from_utf8_lossy(name).into_owned());
        }
        at = end;
    }
    Some(names)
}

/// One part of `cargo xtask test` and how it went.
struct Section {
    name: &'static str,
    outcome: Outcome,
}

enum Outcome {
    Passed(std::time::Duration),
    Failed(String),
    Skipped(&'static str),
}

fn test(args: TestArgs) -> Result<()> {
    let native = !args.skip_native && args.browser_filter.is_none();
    let wasm = !args.skip_wasm && !args.native_only && args.browser_filter.is_none();
    let dist_wanted = !args.skip_dist && !args.native_only;
    let browser = dist_wanted && !args.skip_browser;
    let lint = !args.skip_lint && args.browser_filter.is_none();
    let total = 6;
    let mut sections = Vec::new();
    let mut section =
        |name: &'static str, wanted: bool, why_not: &'static str, step: &mut dyn FnMut() -> Result<()>| {
            let number = sections.len() + 1;
            if !wanted {
                header(&format!("test [{number}/{total}] {name}: skipped ({why_not})"));
                sections.push(Section { name, outcome: Outcome::Skipped(why_not) });
                return false;
            }
            header(&format!("test [{number}/{total}] {name}"));
            let started = Instant::now();
            let outcome = match step() {
                Ok(()) => Outcome::Passed(started.elapsed()),
                Err(error) => {
                    eprintln!("\nxtask: {name} FAILED: {error:#}");
                    Outcome::Failed(format!("{error:#}"))
                }
            };
            let passed = matches!(outcome, Outcome::Passed(_));
            sections.push(Section { name, outcome });
            passed
        };

    section("format and lint (rustfmt, clippy native and wasm32, -D warnings)", lint, "flag", &mut lint_gate);
    section("native tests (cargo test --workspace)", native, "flag", &mut || {
        // The `ci-test` profile: optimised so the many-seed randomized sweeps run fast,
        // with debug assertions and overflow checks kept on.
        run(cargo().args(["test", "--workspace", "--profile", "ci-test"]))
    });
    section("core and simulator compile to wasm32", wasm, "flag", &mut || {
        tools::ensure_wasm_target()?;
        run(cargo().args(["build", "--lib", "--target", "wasm32-unknown-unknown"]))
    });
    let dist_ok = section("dist (cargo xtask dist)", dist_wanted, "flag", &mut dist);
    let why_no_dist = if !dist_wanted { "flag" } else { "dist failed" };
    section("first-load size budget (gzip)", dist_wanted && dist_ok, why_no_dist, &mut || size::report(&dist_dir()));
    let why_no_browser = if !browser { "flag" } else { "dist failed" };
    section("browser tests (headless Chromium)", browser && dist_ok, why_no_browser, &mut || {
        browser_tests(args.browser_filter.as_deref())
    });

    header("test summary");
    let mut failed = 0;
    for Section { name, outcome } in &sections {
        match outcome {
            Outcome::Passed(took) => println!("  ok       {name} ({took:.0?})"),
            Outcome::Failed(error) => {
                failed += 1;
                let first_line = error.lines().next().unwrap_or_default();
                println!("  FAILED   {name}: {first_line}");
            }
            Outcome::Skipped(why) => println!("  skipped  {name} ({why})"),
        }
    }
    if failed > 0 {
        bail!("{failed} of {} test sections failed", sections.len());
    }
    if sections.iter().any(|s| matches!(s.outcome, Outcome::Skipped(_))) {
        println!("\nSome sections were skipped: run `cargo xtask test` without flags for all of them.");
    }
    Ok(())
}

/// The format and lint gate: `cargo fmt --check` (rustfmt.toml), then clippy with
/// `-D warnings` natively (every target: library, binaries, tests, benches, examples, xtask)
/// and for wasm32, where `src/ui` and the web entry point are compiled.
fn lint_gate() -> Result<()> {
    run(cargo().args(["fmt", "--all", "--check"]))?;
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    tools::ensure_wasm_target()?;
    run(cargo().args(["clippy", "--lib", "--bins", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"]))
}

/// Runs every `tests/browser/*.test.mjs` with node's test runner against dist/, served by
/// our own static server on a free loopback port.
fn browser_tests(filter: Option<&str>) -> Result<()> {
    tools::ensure_node_packages()?;
    let chromium = tools::ensure_chromium()?;
    let mut files: Vec<String> = std::fs::read_dir(browser_dir())?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".test.mjs"))
        .filter(|name| filter.is_none_or(|text| name.contains(text)))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no tests/browser/*.test.mjs file matched");
    }
    let server = server::StaticServer::start(&dist_dir(), "127.0.0.1:0")?;
    println!("serving dist/ at {}", server.url());
    let mut node = Command::new("node");
    node.args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .args(&files)
        .current_dir(browser_dir())
        .env("PLAYGROUND_URL", server.url())
        .env("CHROMIUM_PATH", &chromium);
    run(&mut node)
}

fn size_task(no_build: bool) -> Result<()> {
    if !no_build {
        dist()?;
    }
    header("size: first-load bytes of dist/ (gzip -9)");
    size::report(&dist_dir())
}

fn measure(runs: u32, no_build: bool) -> Result<()> {
    if !no_build {
        dist()?;
    }
    header("size: first-load bytes of dist/ (gzip -9)");
    let size_result = size::report(&dist_dir());
    header(&format!("measure: time to first drawn cluster, {runs} fresh loads"));
    tools::ensure_node_packages()?;
    let chromium = tools::ensure_chromium()?;
    let server = server::StaticServer::start(&dist_dir(), "127.0.0.1:0")?;
    run(Command::new("node")
        .arg("measure.mjs")
        .current_dir(browser_dir())
        .env("PLAYGROUND_URL", server.url())
        .env("CHROMIUM_PATH", &chromium)
        .env("MEASURE_RUNS", runs.to_string()))?;
    size_result
}

fn bench(no_criterion: bool) -> Result<()> {
    for servers in ["5", "101"] {
        header(&format!("bench: raftsim bench --servers {servers} (release)"));
        run(cargo().args(["run", "--release", "--bin", "raftsim", "--", "bench", "--servers", servers]))?;
    }
    if no_criterion {
        return Ok(());
    }
    header("bench: criterion (cargo bench)");
    if !root().join("benches").is_dir() {
        println!("no criterion benches yet (benches/ does not exist)");
        return Ok(());
    }
    // `--bench '*'`: only the [[bench]] targets, not the lib's unit tests in bench mode.
    run(cargo().args(["bench", "--package", "raft-playground", "--bench", "*"]))
}

#[cfg(test)]
mod tests {
    use super::custom_section_names;

    #[test]
    fn finds_the_custom_sections_of_a_wasm_module() {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend([1, 4, 1, 0x60, 0, 0]); // type section: one `() -> ()`
        module.extend([0, 10, 9]); // custom section of 10 bytes, name of 9
        module.extend(b"producers");
        assert_eq!(custom_section_names(&module), Some(vec!["producers".to_string()]));
        assert_eq!(custom_section_names(b"<!doctype html>"), None);
        module.truncate(module.len() - 1);
        assert_eq!(custom_section_names(&module), None, "a truncated module is not one");
    }
}
