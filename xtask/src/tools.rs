//! Finds the tools the tasks need, and installs those that are missing or of another
//! version. A tool counts as installed when `<tool> --version` names the pinned version.
//!
//! - cargo tools go into cargo's own bin dir (`cargo install`), so a later clone finds them;
//! - npm packages (playwright-core, binaryen's wasm-opt) go into tests/browser/node_modules,
//!   pinned by tests/browser/package-lock.json;
//! - Chromium comes from the system (apt-get install chromium, when we are root).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{browser_dir, run};

/// Keep in step with `trunk-version` in Trunk.toml.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` version pinned in Cargo.toml and Trunk.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// binaryen's version (npm `binaryen@132`); Trunk.toml names it as `version_132`.
pub const WASM_OPT_VERSION: &str = "132";
/// Must equal the version in tests/browser/package.json.
pub const PLAYWRIGHT_CORE_VERSION: &str = "1.65.1";

/// Puts cargo's bin dir and tests/browser/node_modules/.bin first on PATH for every child
/// process, so trunk, wasm-bindgen and wasm-opt are the ones installed here.
pub fn put_tools_on_path() {
    let mut dirs = vec![browser_dir().join("node_modules").join(".bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    let path: OsString = std::env::join_paths(dirs).expect("PATH entries have no separator");
    // Safe: called once at startup, before any thread exists.
    std::env::set_var("PATH", path);
}

/// `$CARGO_HOME/bin`, by default `~/.cargo/bin`: where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// The output of `program args`, when it runs and succeeds.
fn output_of(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output.status.success().then(|| {
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        text
    })
}

/// The version a `--version` line names: the first word that starts with a digit, e.g.
/// `trunk 0.21.14` → `0.21.14`, `wasm-opt version 132 (version_132)` → `132`.
pub fn version_in(text: &str) -> Option<&str> {
    text.split_whitespace().find(|word| word.starts_with(|c: char| c.is_ascii_digit()))
}

/// Whether `<program> --version` names `version`; prints what it found.
fn has_version(program: &str, version: &str) -> bool {
    match output_of(program, &["--version"]) {
        Some(text) if version_in(&text) == Some(version) => {
            println!("found {program} {version}");
            true
        }
        Some(text) => {
            println!("found {program} {}, need {version}", version_in(&text).unwrap_or("(unknown version)"));
            false
        }
        None => {
            println!("{program} not found, need {version}");
            false
        }
    }
}

/// Installs `krate` at `version` with `cargo install` unless `binary --version` names it.
/// `locked` builds with the crate's own Cargo.lock instead of the newest compatible deps.
fn ensure_cargo_tool(binary: &str, krate: &str, version: &str, locked: bool) -> Result<()> {
    if has_version(binary, version) {
        return Ok(());
    }
    println!("installing {krate} {version} into {} (takes several minutes)", cargo_bin_dir().display());
    let mut install = Command::new("cargo");
    install.args(["install", krate, "--version", version]);
    if locked {
        install.arg("--locked");
    }
    run(&mut install)?;
    if !has_version(binary, version) {
        bail!("installed {krate} {version}, but `{binary} --version` still does not name it: is something else first on PATH?");
    }
    Ok(())
}

pub fn ensure_trunk() -> Result<()> {
    // --locked: with the newest compatible dependencies trunk 0.21.14 no longer compiles
    // (parcel_selectors 0.28.3 moved to cssparser 0.37, which lightningcss alpha.65 rejects).
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true)
}

pub fn ensure_wasm_bindgen() -> Result<()> {
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", WASM_BINDGEN_VERSION, false)
}

pub fn ensure_wasm_target() -> Result<()> {
    const TARGET: &str = "wasm32-unknown-unknown";
    if let Some(installed) = output_of("rustup", &["target", "list", "--installed"]) {
        if installed.lines().any(|line| line.trim() == TARGET) {
            println!("found rust target {TARGET}");
            return Ok(());
        }
        return run(Command::new("rustup").args(["target", "add", TARGET]));
    }
    // No rustup: the target is there if the sysroot has its standard library.
    let sysroot = output_of("rustc", &["--print", "sysroot"]).unwrap_or_default();
    if Path::new(sysroot.trim()).join("lib/rustlib").join(TARGET).is_dir() {
        println!("found rust target {TARGET}");
        return Ok(());
    }
    bail!("the Rust target {TARGET} is missing and rustup is not installed: install rustup, then `rustup target add {TARGET}`");
}

fn is_root() -> bool {
    output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

/// Installs Debian packages when we are root; otherwise fails, saying what to install.
fn apt_install(what: &str, packages: &[&str]) -> Result<()> {
    let command = format!("apt-get install -y {}", packages.join(" "));
    if !is_root() || output_of("apt-get", &["--version"]).is_none() {
        bail!("{what} is missing. Install it, e.g. `sudo apt-get update && sudo {command}` on Debian or Ubuntu, then run this again");
    }
    println!("{what} is missing: installing it with apt-get");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get").args(["install", "-y"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"))
}

pub fn ensure_node() -> Result<()> {
    if output_of("node", &["--version"]).is_none() || output_of("npm", &["--version"]).is_none() {
        apt_install("Node.js (node and npm)", &["nodejs", "npm"])?;
    }
    let version = output_of("node", &["--version"]).context("node does not run")?;
    println!("found node {}", version.trim());
    Ok(())
}

/// Installs tests/browser's npm packages (playwright-core, binaryen) unless the pinned
/// versions are there already.
pub fn ensure_node_packages() -> Result<()> {
    ensure_node()?;
    let modules = browser_dir().join("node_modules");
    let playwright = std::fs::read_to_string(modules.join("playwright-core/package.json")).unwrap_or_default();
    let playwright_ok = playwright.contains(&format!("\"version\": \"{PLAYWRIGHT_CORE_VERSION}\""));
    let wasm_opt = modules.join(".bin/wasm-opt");
    let wasm_opt_ok =
        output_of(&wasm_opt, &["--version"]).is_some_and(|text| version_in(&text) == Some(WASM_OPT_VERSION));
    // npm's record of what it installed (node_modules/.package-lock.json) older than the
    // lock file: the lock changed since (a package was added, e.g. axe-core), so install.
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed_current =
        match (modified(modules.join(".package-lock.json")), modified(browser_dir().join("package-lock.json"))) {
            (Some(installed), Some(lock)) => installed >= lock,
            _ => false,
        };
    if playwright_ok && wasm_opt_ok && installed_current {
        println!("found playwright-core {PLAYWRIGHT_CORE_VERSION} and wasm-opt {WASM_OPT_VERSION} in tests/browser/node_modules");
        return Ok(());
    }
    println!("installing tests/browser's npm packages (playwright-core, binaryen)");
    // `npm ci` installs exactly what package-lock.json says. It never downloads a browser:
    // playwright-core has no install script, and the tests use the system's Chromium.
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(browser_dir()))?;
    match output_of(&wasm_opt, &["--version"]) {
        Some(text) if version_in(&text) == Some(WASM_OPT_VERSION) => Ok(()),
        _ => bail!("after npm ci, {} is not wasm-opt version {WASM_OPT_VERSION}", wasm_opt.display()),
    }
}

/// The Chromium to run the browser tests with: `$CHROMIUM_PATH`, else the first of
/// chromium, chromium-browser, google-chrome on PATH; installed with apt-get if none.
pub fn ensure_chromium() -> Result<PathBuf> {
    let chromium = match find_chromium() {
        Some(path) => path,
        None => {
            apt_install("Chromium", &["chromium", "chromium-driver"])?;
            find_chromium().context("apt-get installed chromium, but no chromium binary is on PATH")?
        }
    };
    ensure_cjk_font();
    Ok(chromium)
}

/// The page speaks 简体中文 too: without a CJK font the browser tests' screenshots show
/// every Chinese character as a box. Installed when missing and we can; otherwise only a
/// note, since the tests read text, not pixels.
fn ensure_cjk_font() {
    let has_cjk = |list: Option<String>| list.is_some_and(|fonts| !fonts.trim().is_empty());
    if has_cjk(output_of("fc-list", &[":lang=zh", "family"])) {
        println!("found a CJK font (fc-list :lang=zh)");
        return;
    }
    if let Err(e) = apt_install("A CJK font (for Chinese text in screenshots)", &["fonts-noto-cjk"]) {
        println!("note: {e:#}");
    }
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM_PATH") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                if let Some(version) = output_of(&candidate, &["--version"]) {
                    // Debian's wrapper script may add shell noise on stderr: show one line.
                    let line = version.lines().find(|line| line.contains(' ')).unwrap_or(name);
                    println!("found {} ({})", line.trim(), candidate.display());
                    return Some(candidate);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::version_in;

    #[test]
    fn reads_the_version_from_version_lines() {
        assert_eq!(version_in("trunk 0.21.14\n"), Some("0.21.14"));
        assert_eq!(version_in("wasm-bindgen 0.2.130"), Some("0.2.130"));
        assert_eq!(version_in("wasm-opt version 132 (version_132)"), Some("132"));
        assert_eq!(version_in("no version here"), None);
    }
}
