//! Scenario text as it arrives: bytes that must be UTF-8, lines without control
//! characters, words of a bounded length, and the short, escaped quotes an error gives of
//! what it found (so a 10 MB word or a terminal escape never reaches an error message).

/// The most characters an error quotes of the text it found.
pub const MAX_QUOTE: usize = 80;

/// The longest word a scenario may hold (a key, a value, a name), in characters.
pub const MAX_WORD: usize = MAX_QUOTE;

/// `text` as an error quotes it: control characters escaped (`\u{1b}`, `\t`), and cut
/// after [`MAX_QUOTE`] characters with `…`.
pub fn quote(text: &str) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == MAX_QUOTE {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Where bytes stop being UTF-8: the 1-based line and 1-based byte column of the first
/// byte that is not, and that byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotUtf8 {
    pub line: usize,
    pub byte_column: usize,
    pub byte: u8,
}

impl std::fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the text is not UTF-8: byte 0x{:02x} at byte column {}", self.byte, self.byte_column)
    }
}

/// The text of `bytes`, or where it is not UTF-8.
pub fn decode(bytes: &[u8]) -> Result<&str, NotUtf8> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        NotUtf8 { line, byte_column: e.valid_up_to() - line_start + 1, byte: bytes[e.valid_up_to()] }
    })
}

/// The first control character of a line (a tab and a final carriage return are fine),
/// with its 1-based character column.
pub fn control_character(line: &str) -> Option<(usize, char)> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    line.chars().enumerate().find(|(_, c)| c.is_control() && *c != '\t').map(|(i, c)| (i + 1, c))
}

/// At most [`MAX_QUOTE`] characters of `line` around the 1-based character column `col`,
/// escaped as [`quote`] does, and the column of `col` within it: what a command line
/// prints under an error, with a caret.
pub fn excerpt(line: &str, col: usize) -> (String, usize) {
    let start = col.saturating_sub(MAX_QUOTE / 2 + 1);
    let rest: String = line.chars().skip(start).collect();
    let mut shown = if start > 0 { "…".to_string() } else { String::new() };
    let mut caret = col - start + usize::from(start > 0);
    for (n, c) in rest.chars().enumerate() {
        if n == MAX_QUOTE {
            shown.push('…');
            break;
        }
        if c.is_control() {
            let escaped: String = c.escape_default().collect();
            if n + 1 < col - start {
                caret += escaped.chars().count() - 1;
            }
            shown.push_str(&escaped);
        } else {
            shown.push(c);
        }
    }
    (shown, caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short_and_escaped() {
        assert_eq!(quote("abc"), "abc");
        assert_eq!(quote("a\u{1b}[31mb\tc"), "a\\u{1b}[31mb\\tc");
        let long = "x".repeat(10_000_000);
        assert_eq!(quote(&long), format!("{}…", "x".repeat(80)));
        assert_eq!(quote(&"é".repeat(81)).chars().count(), 81);
    }

    #[test]
    fn the_first_byte_that_is_not_utf8_has_its_line_and_byte_column() {
        assert_eq!(decode(b"servers 3\n"), Ok("servers 3\n"));
        assert_eq!(decode(b"\xff"), Err(NotUtf8 { line: 1, byte_column: 1, byte: 0xff }));
        // "é" is two bytes: the bad byte is the fourth of line 3.
        assert_eq!(decode(b"a\nb\n\xc3\xa9x\xfe"), Err(NotUtf8 { line: 3, byte_column: 4, byte: 0xfe }));
        assert_eq!(decode(b"run 1s\ncrash S\xc3"), Err(NotUtf8 { line: 2, byte_column: 8, byte: 0xc3 }));
    }

    #[test]
    fn control_characters_are_found_but_tabs_and_line_ends_are_not() {
        assert_eq!(control_character("crash\tS1\r"), None);
        assert_eq!(control_character("crash S\u{7}1"), Some((8, '\u{7}')));
        assert_eq!(control_character("é\u{1b}"), Some((2, '\u{1b}')));
    }

    #[test]
    fn an_excerpt_keeps_the_caret_under_the_column() {
        assert_eq!(excerpt("crash X1", 7), ("crash X1".to_string(), 7));
        let long = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let (shown, caret) = excerpt(&long, 1001);
        assert_eq!(shown.chars().count(), 82);
        assert_eq!(shown.chars().nth(caret - 1), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
    }
}
