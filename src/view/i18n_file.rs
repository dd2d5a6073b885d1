//! The catalogue files: one per language, `i18n/en.txt` and `i18n/zh-CN.txt` in the built
//! page, made from the compiled catalogues (`src/view/i18n.rs`, `src/view/i18n_zh.rs`, the
//! source of truth) by [`write_all`] when the page is built (`cargo xtask dist`), never
//! committed. The page compiles neither catalogue in: it fetches the
//! visitor's language file before it mounts and reads its text from it, so each visitor
//! downloads one language (docs/performance.md, "Message catalogues").
//!
//! A file is a header line, then one line per key in [`K::ALL`] order, then two per
//! library scenario in `scenario::library()` order, its title and its description in the
//! file's language (what the picker lists: so a visitor downloads the headers of one
//! language only, and the page's wasm carries none):
//!
//! ```text
//! raft-playground-catalogue zh-CN 557 0123456789abcdef
//! Raft 演练场
//! …
//! 领导者崩溃
//! …
//! ```
//!
//! The header names the language, the number of lines after it ([`LINES`]) and
//! [`FINGERPRINT`], a hash of the key list and the library's file names: a file made for
//! another version of the page is refused, never shown with its lines under the wrong keys
//! or scenarios. In a line, `\` is written `\\` and a line break `\n`.

use super::i18n::{Lang, K, KEYS_FINGERPRINT};
use crate::scenario::library;

/// The first word of a catalogue file.
const MAGIC: &str = "raft-playground-catalogue";

/// FNV-1a (64-bit) of the key names, each followed by a line break: computed while
/// compiling, so the page carries the number and not the names.
pub const fn fingerprint(names: &[&str]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < names.len() {
        hash = fnv_line(hash, names[i]);
        i += 1;
    }
    hash
}

/// `hash` continued with `name` and a line break (FNV-1a).
const fn fnv_line(mut hash: u64, name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut j = 0;
    while j <= bytes.len() {
        let byte = if j < bytes.len() { bytes[j] } else { b'\n' };
        hash = (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
        j += 1;
    }
    hash
}

/// The lines of a catalogue file after its header: a message per key, then a title and a
/// description per library scenario.
pub const LINES: usize = K::ALL.len() + 2 * library().len();

/// [`KEYS_FINGERPRINT`] continued with the library's file names, in order: the key list and
/// the scenarios whose headers the file carries.
pub const FINGERPRINT: u64 = {
    let (mut hash, mut i) = (KEYS_FINGERPRINT, 0);
    while i < library().len() {
        hash = fnv_line(hash, library()[i].file);
        i += 1;
    }
    hash
};

/// Why a catalogue file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("{file}: the first line is not a catalogue header (`{MAGIC} LANG KEYS FINGERPRINT`)")]
    NoHeader { file: String },
    #[error("{file}: the header says it is the `{found}` catalogue")]
    OtherLanguage { file: String, found: String },
    #[error(
        "{file}: made for another version of the page ({count} lines, fingerprint {fingerprint}; \
         this page has {want_count} lines, fingerprint {want_fingerprint:016x})"
    )]
    OtherKeys { file: String, count: String, fingerprint: String, want_count: usize, want_fingerprint: u64 },
    #[error("{file}: cut short: {found} of its {want} lines")]
    Truncated { file: String, found: usize, want: usize },
    #[error("{file}: line {line} is past its {want} lines")]
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
    format!("{MAGIC} {} {LINES} {FINGERPRINT:016x}", lang.code())
}

/// The text of `lang`'s catalogue file: the header, then each of `lines` (the [`LINES`]
/// of [`compiled`]).
#[cfg(not(target_arch = "wasm32"))]
pub fn render(lang: Lang, lines: &[&str]) -> String {
    let mut out = header(lang);
    out.push('\n');
    for line in lines {
        out.push_str(&line.replace('\\', "\\\\").replace('\n', "\\n"));
        out.push('\n');
    }
    out
}

/// The lines of `lang`'s catalogue file, in the file's order ([`LINES`] of them), or why
/// it is refused.
pub fn parse(lang: Lang, text: &str) -> Result<Vec<String>, CatalogueError> {
    let file = lang.catalogue_file();
    let want = LINES;
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
            want_fingerprint: FINGERPRINT,
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

/// The lines of `lang`'s catalogue file: the compiled text of every key (the completeness
/// test makes every 简体中文 key present), then every library scenario's [`compiled_header`].
#[cfg(not(target_arch = "wasm32"))]
pub fn compiled(lang: Lang) -> Vec<&'static str> {
    use crate::view::i18n::english;
    use crate::view::i18n_zh::chinese;
    let text = |key: K| match lang {
        Lang::English => english(key),
        Lang::Chinese => chinese(key).unwrap_or_else(|| panic!("{key:?} has no 简体中文 text")),
    };
    let headers = (0..library().len()).flat_map(|index| compiled_header(lang, index));
    K::ALL.iter().map(|key| text(*key)).chain(headers).collect()
}

/// Library scenario `index`'s title and description in `lang`, from the headers `build.rs`
/// reads: the file name for a scenario without a title, nothing for one without a
/// description, and the English for one without its 简体中文.
#[cfg(not(target_arch = "wasm32"))]
pub fn compiled_header(lang: Lang, index: usize) -> [&'static str; 2] {
    let scenario = &library()[index];
    header_in(lang, scenario.file, scenario.header)
}

#[cfg(not(target_arch = "wasm32"))]
fn header_in(lang: Lang, file: &'static str, h: crate::scenario::LibraryHeader) -> [&'static str; 2] {
    let (title, description) = (h.title.unwrap_or(file), h.description.unwrap_or_default());
    match lang {
        Lang::English => [title, description],
        Lang::Chinese => [h.title_zh.unwrap_or(title), h.description_zh.unwrap_or(description)],
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
        std::fs::write(path, render(lang, &compiled(lang)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `write_all` writes (the files `cargo xtask dist` puts in the page) parses back
    /// to exactly the compiled text of every key, then every library scenario's title and
    /// description as its file's header says them, in both languages.
    #[test]
    fn each_catalogue_file_parses_back_to_the_compiled_text() {
        let dir = std::env::temp_dir().join(format!("catalogue-files-{}", std::process::id()));
        write_all(&dir).expect("writes the catalogue files");
        for lang in Lang::ALL {
            let file = std::fs::read_to_string(dir.join(lang.catalogue_file())).expect("the catalogue file");
            let lines = parse(lang, &file).unwrap_or_else(|e| panic!("{e}"));
            let want: Vec<String> = compiled(lang).iter().map(|line| line.to_string()).collect();
            assert_eq!(lines, want, "{}", lang.catalogue_file());
            let headers = &lines[K::ALL.len()..];
            assert_eq!(headers.len(), 2 * library().len());
            for (index, scenario) in library().iter().enumerate() {
                let h = scenario.header;
                let (title, description) = match lang {
                    Lang::English => (h.title, h.description),
                    Lang::Chinese => (h.title_zh, h.description_zh),
                };
                // Every library file has all four header lines (else see the test below).
                let want = [title, description].map(|line| line.unwrap_or_else(|| panic!("{}", scenario.file)));
                assert_eq!(headers[2 * index..2 * index + 2], want, "{}", scenario.file);
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A header line a library file lacks falls back as the picker always has: the title
    /// to the file name, the description to nothing, the 简体中文 to the English.
    #[test]
    fn a_missing_header_line_falls_back() {
        use crate::scenario::LibraryHeader;
        let full = LibraryHeader {
            title: Some("T"),
            title_zh: Some("标"),
            description: Some("D"),
            description_zh: Some("述"),
        };
        assert_eq!(header_in(Lang::English, "f.scn", full), ["T", "D"]);
        assert_eq!(header_in(Lang::Chinese, "f.scn", full), ["标", "述"]);
        let english_only = LibraryHeader { title_zh: None, description_zh: None, ..full };
        assert_eq!(header_in(Lang::Chinese, "f.scn", english_only), ["T", "D"]);
        let none = LibraryHeader { title: None, title_zh: None, description: None, description_zh: None };
        for lang in Lang::ALL {
            assert_eq!(header_in(lang, "f.scn", none), ["f.scn", ""]);
        }
    }

    #[test]
    fn line_breaks_and_backslashes_survive_the_file() {
        let tricky = "a \\ b\nc \\n d";
        let file = render(Lang::English, &[tricky; LINES]);
        assert_eq!(file.lines().nth(1), Some("a \\\\ b\\nc \\\\n d"));
        let messages = parse(Lang::English, &file).unwrap();
        assert_eq!(messages, vec![tricky.to_string(); LINES]);
    }

    fn en_file() -> String {
        render(Lang::English, &compiled(Lang::English))
    }

    #[test]
    fn a_cut_short_file_is_refused() {
        let file = en_file();
        let n = LINES;
        // Cut after the header and 100 whole lines.
        let cut: String = file.split_inclusive('\n').take(101).collect();
        assert_eq!(
            parse(Lang::English, &cut).unwrap_err().to_string(),
            format!("i18n/en.txt: cut short: 100 of its {n} lines")
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
        let n = LINES;
        let other = file.replacen(&format!("{FINGERPRINT:016x}"), "0123456789abcdef", 1);
        assert_eq!(
            parse(Lang::English, &other).unwrap_err().to_string(),
            format!(
                "i18n/en.txt: made for another version of the page ({n} lines, fingerprint 0123456789abcdef; \
                 this page has {n} lines, fingerprint {FINGERPRINT:016x})"
            )
        );
        // A file from before the library's headers were in it: the keys' fingerprint only.
        let keys_only = file.replacen(&format!("{FINGERPRINT:016x}"), &format!("{KEYS_FINGERPRINT:016x}"), 1);
        assert!(matches!(parse(Lang::English, &keys_only), Err(CatalogueError::OtherKeys { .. })));
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
