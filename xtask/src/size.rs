//! First-load bytes: the gzip size of every file in dist/ that the playground's page loads,
//! against the budget. Two folders are listed but not counted: `examples/` (the blog-post
//! example, a separate page that embeds the playground in frames: opening the playground
//! never loads it) and `scenarios/` (the scenario library's files: the page fetches one only
//! when a person opens that scenario; its wasm carries just their titles and descriptions).
//! The files under `i18n/` (the message catalogues, one per language) count as one, the
//! largest: the page fetches exactly one of them, the visitor's language.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use flate2::write::GzEncoder;
use flate2::Compression;

/// Everything a first visit downloads, gzipped, must fit in 300 KB (300,000 bytes).
pub const FIRST_LOAD_BUDGET_BYTES: u64 = 300_000;

/// Prints each file's raw and gzip size and the total, and fails over budget (in
/// `cargo xtask test`, `cargo xtask size` and `cargo xtask measure` alike).
pub fn report(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    files.sort();
    if files.is_empty() {
        bail!("{} has no files: run `cargo xtask dist` first", dist.display());
    }
    println!("{:<56} {:>12} {:>12}", "file", "bytes", "gzip -9");
    let (mut raw_total, mut gzip_total) = (0, 0);
    // The largest language file, (raw, gzip): the one of them that counts.
    let mut language = (0, 0);
    for file in &files {
        let bytes = std::fs::read(file)?;
        let gzipped = gzip_len(&bytes)?;
        let name = file.strip_prefix(dist).unwrap_or(file).display().to_string();
        match first_load_share(&name) {
            Share::None(why) => {
                println!("{name:<56} {:>12} {:>12}  ({why}: not counted)", bytes.len(), gzipped);
            }
            Share::OneLanguage => {
                println!("{name:<56} {:>12} {:>12}  (one language: the largest counts)", bytes.len(), gzipped);
                language = language.max((gzipped, bytes.len() as u64));
            }
            Share::All => {
                println!("{name:<56} {:>12} {:>12}", bytes.len(), gzipped);
                raw_total += bytes.len() as u64;
                gzip_total += gzipped;
            }
        }
    }
    gzip_total += language.0;
    raw_total += language.1;
    println!("{:<56} {raw_total:>12} {gzip_total:>12}", "total");
    let percent = gzip_total * 100 / FIRST_LOAD_BUDGET_BYTES;
    println!(
        "first load: {} gzipped, {percent}% of the {} budget",
        kilobytes(gzip_total),
        kilobytes(FIRST_LOAD_BUDGET_BYTES)
    );
    if gzip_total > FIRST_LOAD_BUDGET_BYTES {
        bail!(
            "first load is {} gzipped, over the {} budget",
            kilobytes(gzip_total),
            kilobytes(FIRST_LOAD_BUDGET_BYTES)
        );
    }
    Ok(())
}

/// How much of a file of dist/ counts in the first load.
#[derive(Debug, PartialEq, Eq)]
pub enum Share {
    /// Loaded by every visit.
    All,
    /// A message catalogue (`i18n/`): a visit loads one, so only the largest counts.
    OneLanguage,
    /// Not loaded when the playground's page opens, and why: the blog example under
    /// `examples/` (a page of its own) and the scenario files under `scenarios/` (fetched
    /// only when a person opens that scenario).
    None(&'static str),
}

/// How a file of dist/ (its path relative to dist/, `/`- or `\\`-separated) counts in the
/// playground page's first load.
pub fn first_load_share(name: &str) -> Share {
    let under = |dir: &str| name.strip_prefix(dir).is_some_and(|rest| rest.starts_with(['/', '\\']));
    if under("examples") {
        Share::None("a page of its own")
    } else if under("scenarios") {
        Share::None("fetched when its scenario is opened")
    } else if under("i18n") {
        Share::OneLanguage
    } else {
        Share::All
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len() as u64)
}

/// `123456` → `123.5 KB` (1 KB = 1000 bytes).
fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_shrinks_repetitive_bytes() {
        let bytes = vec![b'a'; 10_000];
        let gzipped = gzip_len(&bytes).unwrap();
        assert!(gzipped < 100, "{gzipped}");
        assert!(gzipped > 0);
    }

    /// `len` bytes that gzip cannot shrink (xorshift), so that the total is known.
    fn noise(len: usize, mut x: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Writes `bytes` to `name` under `dir`, making the folders on the way.
    fn put(dir: &Path, name: &str, bytes: Vec<u8>) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn the_budget_fails_a_dist_over_it_and_passes_one_under_it() {
        let dir = std::env::temp_dir().join(format!("xtask-size-{}", std::process::id()));
        put(&dir, "a.wasm", noise(250_000, 1));
        put(&dir, "snippets/b.js", noise(40_000, 2));
        // The blog example is a page of its own: however large, it is not counted.
        put(&dir, "examples/blog.html", noise(100_000, 4));
        // So are the scenario files, fetched only when a scenario is opened.
        put(&dir, "scenarios/big.scn", noise(100_000, 5));
        let under = report(&dir);
        // Files in subfolders count too: this one takes the total over 300,000 bytes.
        put(&dir, "snippets/c.js", noise(20_000, 3));
        let over = report(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(under.is_ok(), "{under:?}");
        let message = over.unwrap_err().to_string();
        assert!(message.contains("over the 300.0 KB budget"), "{message}");
    }

    fn counts_in_first_load(name: &str) -> bool {
        first_load_share(name) == Share::All
    }

    #[test]
    fn only_the_blog_example_is_left_out_and_the_languages_count_as_one() {
        assert_eq!(first_load_share("examples/blog.html"), Share::None("a page of its own"));
        assert_eq!(first_load_share("examples\\blog.html"), Share::None("a page of its own"));
        assert_eq!(first_load_share("i18n/zh-CN.txt"), Share::OneLanguage);
        assert_eq!(first_load_share("i18n\\en.txt"), Share::OneLanguage);
        assert_eq!(first_load_share("index.html"), Share::All);
        assert_eq!(first_load_share("i18n.js"), Share::All);
        assert_eq!(first_load_share("snippets/raft-playground-1/inline0.js"), Share::All);
        assert_eq!(first_load_share("playground-1_bg.wasm"), Share::All);
    }

    /// Two language files of 20,000 and 30,000 incompressible bytes: only the larger
    /// counts, so 250,000 + 30,000 fits the budget where both (310,000) would not; a third
    /// language larger still counts in their place.
    #[test]
    fn only_the_largest_language_file_counts() {
        let dir = std::env::temp_dir().join(format!("xtask-size-i18n-{}", std::process::id()));
        put(&dir, "a.wasm", noise(250_000, 1));
        put(&dir, "i18n/en.txt", noise(20_000, 2));
        put(&dir, "i18n/zh-CN.txt", noise(30_000, 3));
        let under = report(&dir);
        put(&dir, "i18n/fr.txt", noise(60_000, 4));
        let over = report(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(under.is_ok(), "{under:?}");
        // The wasm and the largest language, not the other two.
        let counted = gzip_len(&noise(250_000, 1)).unwrap() + gzip_len(&noise(60_000, 4)).unwrap();
        assert_eq!(
            over.unwrap_err().to_string(),
            format!("first load is {} gzipped, over the 300.0 KB budget", kilobytes(counted))
        );
    }

    #[test]
    fn the_scenario_files_are_left_out_of_the_first_load() {
        assert!(!counts_in_first_load("scenarios/leader-crash.scn"));
        assert!(!counts_in_first_load("scenarios\\figure-8.scn"));
        assert!(counts_in_first_load("scenarios.js"));
        assert!(counts_in_first_load("scenarios-1.wasm"));
    }

    #[test]
    fn prints_kilobytes_with_one_decimal() {
        assert_eq!(kilobytes(123_456), "123.5 KB");
        assert_eq!(kilobytes(300_000), "300.0 KB");
    }
}
