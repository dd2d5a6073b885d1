//! The catalogue files: one per language, `i18n/en.txt` and `i18n/zh-CN.txt` in the built
//! page, made from the compiled catalogues (`src/view/i18n.rs`, `src/view/i18n_zh.rs`, the
//! source of truth) by [`write_all`] when the page is built (`cargo xtask dist`), never
//! committed. The page compiles neither catalogue in: it fetches the
//! visitor's language file before it mounts and reads its text from it, so each visitor
//! downloads one language (docs/performance.md, "Message catalogues").
//!
//! A file is a header line, then one line per key in [`K::ALL`] order:
//!
//! ```text
//! raft-playground-catalogue zh-CN 495 0123456789abcdef
//! Raft 演练场
//! …
//! ```
//!
//! The header names the language, the number of keys and [`KEYS_FINGERPRINT`], a hash of
//! the key list: a file made for another version of the page is refused, never shown
//! with its lines under the wrong keys. In a line, `\` is written `\\` and a line break
//! `\n`.

use super::i18n::{Lang, K, KEYS_FINGERPRINT};

/// The first word of a catalogue file.
const MAGIC: &str = "raft-playground-catalogue";

/// FNV-1a (64-bit) of the key names, each followed by a line break: computed while
/// compiling, so the page carries the number and not the names.
pub const fn fingerprint(names: &[&str]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < names.len() {
        let bytes = names[i].as_bytes();
        let mut j = 0;
        while j <= bytes.len() {
            let byte = if j < bytes.len() { bytes[j] } else { b'\n' };
            hash = (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
            j += 1;
        }
        i += 1;
    }
    hash
}

/// Why a catalogue file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("{file}: the first line is not a catalogue header (`{MAGIC} LANG KEYS FINGERPRINT`)")]
    NoHeader { file: String },
    #[error("{file}: the header says it is the `{found}` catalogue")]
    OtherLanguage { file: String, found: String },
    #[error(
        "{file}: made for another version of the page ({count} keys, fingerprint {fingerprint}; \
         this page has {want_count} keys, fingerprint {want_fingerprint:016x})"
    )]
    OtherKeys { file: String, count: String, fingerprint: String, want_count: usize, want_fingerprint: u64 },
    #[error("{file}: cut short: {found} of its {want} messages")]
    Truncated { file: String, found: usize, want: usize },
    #[error("{file}: line {line} is past its {want} messages")]
    TooLong { file: String, line: usize, want: usize },
    #[error("{file}: line {line} has an unknown escape (only `\\\\` and `\\n`)")]
    BadEscape { file: String, line: usize },
}

impl Lang {
    /// The language's catalogue file, relative to the page.
    pub fn catalogue_file(self) -> String {
        format!("i18n/{}.txt", self.code())
    }
}

/// The header line of `lang`'s file, without its line break.
fn header(lang: Lang) -> String {
    format!("{MAGIC} {} {} {KEYS_FINGERPRINT:016x}", lang.code(), K::ALL.len())
}

/// The text of `lang`'s catalogue file: the header, then `text(key)` for every key.
#[cfg(not(target_arch = "wasm32"))]
pub fn render(lang: Lang, text: impl Fn(K) -> &'static str) -> String {
    let mut out = header(lang);
    out.push('\n');
    for key in K::ALL {
        out.push_str(&text(*key).replace('\\', "\\\\").replace('\n', "\\n"));
        out.push('\n');
    }
    out
}

/// The messages of `lang`'s catalogue file, in [`K::ALL`] order, or why it is refused.
pub fn parse(lang: Lang, text: &str) -> Result<Vec<String>, CatalogueError> {
    let file = lang.catalogue_file();
    let want = K::ALL.len();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let words: Vec<&str> = first.split(' ').collect();
    let [MAGIC, code, count, fingerprint] = words[..] else {
        return Err(CatalogueError::NoHeader { file });
    };
    if code != lang.code() {
        return Err(CatalogueError::OtherLanguage { file, found: code.to_string() });
    }
    if first != header(lang) {
        return Err(CatalogueError::OtherKeys {
            file,
            count: count.to_string(),
            fingerprint: fingerprint.to_string(),
            want_count: want,
            want_fingerprint: KEYS_FINGERPRINT,
        });
    }
    let mut messages = Vec::with_capacity(want);
    for (i, line) in lines.enumerate() {
        if i == want {
            return Err(CatalogueError::TooLong { file, line: i + 2, want });
        }
        messages.push(unescape(line).ok_or_else(|| CatalogueError::BadEscape { file: file.clone(), line: i + 2 })?);
    }
    // A file cut inside its last line lacks that line's break: the line is not whole.
    let whole = if text.ends_with('\n') { messages.len() } else { messages.len().saturating_sub(1) };
    if whole < want {
        return Err(CatalogueError::Truncated { file, found: whole, want });
    }
    Ok(messages)
}

/// `\\` → `\`, `\n` → a line break; `None` for any other escape.
fn unescape(line: &str) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => match chars.next()? {
                '\\' => '\\',
                'n' => '\n',
                _ => return None,
            },
            c => c,
        });
    }
    Some(out)
}

/// The compiled text of `lang` (the completeness test makes every 简体中文 key present).
#[cfg(not(target_arch = "wasm32"))]
pub fn compiled(lang: Lang) -> fn(K) -> &'static str {
    use crate::view::i18n::english;
    use crate::view::i18n_zh::chinese;
    match lang {
        Lang::English => english,
        Lang::Chinese => |key| chinese(key).unwrap_or_else(|| panic!("{key:?} has no 简体中文 text")),
    }
}

/// Writes every language's catalogue file under `dir` (`dir/i18n/en.txt`, …), made from the
/// compiled catalogues. `cargo xtask dist` and `serve` run it (through `raftsim catalogues`)
/// before Trunk copies the files into the page; they are never committed.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_all(dir: &std::path::Path) -> std::io::Result<()> {
    for lang in Lang::ALL {
        let path = dir.join(lang.catalogue_file());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, render(lang, compiled(lang)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `write_all` writes (the files `cargo xtask dist` puts in the page) parses back
    /// to exactly the compiled text of every key, in both languages.
    #[test]
    fn each_catalogue_file_parses_back_to_the_compiled_text() {
        let dir = std::env::temp_dir().join(format!("catalogue-files-{}", std::process::id()));
        write_all(&dir).expect("writes the catalogue files");
        for lang in Lang::ALL {
            let file = std::fs::read_to_string(dir.join(lang.catalogue_file())).expect("the catalogue file");
            let messages = parse(lang, &file).unwrap_or_else(|e| panic!("{e}"));
            let want: Vec<String> = K::ALL.iter().map(|key| compiled(lang)(*key).to_string()).collect();
            assert_eq!(messages, want, "{}", lang.catalogue_file());
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn line_breaks_and_backslashes_survive_the_file() {
        let tricky = "a \\ b\nc \\n d";
        let file = render(Lang::English, |_| "a \\ b\nc \\n d");
        assert_eq!(file.lines().nth(1), Some("a \\\\ b\\nc \\\\n d"));
        let messages = parse(Lang::English, &file).unwrap();
        assert_eq!(messages, vec![tricky.to_string(); K::ALL.len()]);
    }

    fn en_file() -> String {
        render(Lang::English, compiled(Lang::English))
    }

    #[test]
    fn a_cut_short_file_is_refused() {
        let file = en_file();
        let n = K::ALL.len();
        // Cut after the header and 100 whole lines.
        let cut: String = file.split_inclusive('\n').take(101).collect();
        assert_eq!(
            parse(Lang::English, &cut).unwrap_err().to_string(),
            format!("i18n/en.txt: cut short: 100 of its {n} messages")
        );
        // Cut inside the last line: it has no line break, so it is not whole.
        let cut = &file[..file.len() - 3];
        assert_eq!(
            parse(Lang::English, cut),
            Err(CatalogueError::Truncated { file: "i18n/en.txt".into(), found: n - 1, want: n })
        );
        assert_eq!(parse(Lang::English, ""), Err(CatalogueError::NoHeader { file: "i18n/en.txt".into() }));
    }

    #[test]
    fn a_file_for_another_key_list_is_refused() {
        let file = en_file();
        let n = K::ALL.len();
        let other = file.replacen(&format!("{KEYS_FINGERPRINT:016x}"), "0123456789abcdef", 1);
        assert_eq!(
            parse(Lang::English, &other).unwrap_err().to_string(),
            format!(
                "i18n/en.txt: made for another version of the page ({n} keys, fingerprint 0123456789abcdef; \
                 this page has {n} keys, fingerprint {KEYS_FINGERPRINT:016x})"
            )
        );
        let fewer = file.replacen(&format!(" {n} "), &format!(" {} ", n - 1), 1);
        assert!(matches!(parse(Lang::English, &fewer), Err(CatalogueError::OtherKeys { .. })));
        // One line too many.
        assert_eq!(
            parse(Lang::English, &format!("{file}extra\n")),
            Err(CatalogueError::TooLong { file: "i18n/en.txt".into(), line: n + 2, want: n })
        );
    }

    #[test]
    fn a_file_of_the_other_language_or_not_a_catalogue_is_refused() {
        assert_eq!(
            parse(Lang::Chinese, &en_file()).unwrap_err().to_string(),
            "i18n/zh-CN.txt: the header says it is the `en` catalogue"
        );
        assert_eq!(
            parse(Lang::English, "<!doctype html>\n<html>\n").unwrap_err().to_string(),
            "i18n/en.txt: the first line is not a catalogue header (`raft-playground-catalogue LANG KEYS FINGERPRINT`)"
        );
        let bad = en_file().replacen("\nRaft Playground\n", "\nRaft \\t Playground\n", 1);
        assert_eq!(
            parse(Lang::English, &bad).unwrap_err().to_string(),
            "i18n/en.txt: line 2 has an unknown escape (only `\\\\` and `\\n`)"
        );
    }

    #[test]
    fn the_fingerprint_follows_the_names_and_their_order() {
        let ab = fingerprint(&["A", "B"]);
        assert_ne!(ab, fingerprint(&["B", "A"]));
        assert_ne!(ab, fingerprint(&["AB"]));
        assert_ne!(ab, fingerprint(&["A", "B", "C"]));
        assert_eq!(ab, fingerprint(&["A", "B"]));
        // FNV-1a of "A\n": 0xcbf29ce484222325 ^ 0x41, times the prime, then ^ 0x0a, times it.
        let mut h = 0xcbf2_9ce4_8422_2325_u64;
        for b in b"A\n" {
            h = (h ^ *b as u64).wrapping_mul(0x100_0000_01b3);
        }
        assert_eq!(fingerprint(&["A"]), h);
    }
}
