//! Text from a deck, a log, a code-set file, a file name, a user name or the command line is
//! printed through [`visible`], whether or not the output is a terminal: a terminal acts on a
//! control character instead of showing it (an escape sequence can clear the screen, set the
//! clipboard with OSC 52 or plant a link with OSC 8), and output piped to a file today is
//! `cat` on a terminal tomorrow.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character a terminal could act on shown as a `\u{1b}` style
/// escape: C0 (U+0000–U+001F) but tab and line breaks, DEL (U+007F) and C1 (U+0080–U+009F).
/// Everything else, other escapes and backslashes included, is left as it is, and borrowed
/// when nothing changes.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    if !text.contains(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            // Writing to a String cannot fail.
            let _ = write!(shown, "{}", c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Whether a terminal would act on `c` rather than show it. Tab and line breaks are kept:
/// prompts and rationales are paragraphs, and a table may be tab-separated.
fn is_hidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// JSON with DEL and C1 characters written as `\u007f` style escapes. serde_json escapes C0
/// controls itself but writes these raw, and a terminal acts on them; a JSON reader decodes
/// the escape to the same character, so the data is unchanged. They can only stand inside
/// strings, since JSON's own syntax is ASCII.
pub(crate) fn json_visible(json: &str) -> Cow<'_, str> {
    let raw = |c: char| c.is_control() && u32::from(c) >= 0x7f;
    if !json.contains(raw) {
        return Cow::Borrowed(json);
    }
    let mut shown = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            // Writing to a String cannot fail.
            let _ = write!(shown, "\\u{:04x}", u32::from(c));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_control_characters_as_escapes() {
        let cases = [
            ("", ""),
            ("E11.9", "E11.9"),
            ("Sjögren — ü, 中文, 🙂", "Sjögren — ü, 中文, 🙂"),
            ("tab\tand\nlines\r\n", "tab\tand\nlines\r\n"),
            ("clear \x1b[2J", "clear \\u{1b}[2J"),
            ("\x1b]52;c;ZXZpbA==\x07", "\\u{1b}]52;c;ZXZpbA==\\u{7}"),
            (
                "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
                "\\u{1b}]8;;http://x\\u{1b}\\link\\u{1b}]8;;\\u{1b}\\",
            ),
            ("nul\0bell\x07bs\x08", "nul\\u{0}bell\\u{7}bs\\u{8}"),
            ("\x0b\x0c\x1f", "\\u{b}\\u{c}\\u{1f}"),
            ("del\x7f", "del\\u{7f}"),
            ("csi\u{9b}2J", "csi\\u{9b}2J"),
            ("\u{80}\u{9f}", "\\u{80}\\u{9f}"),
            // The first characters past the controls are printable.
            ("\u{a0}\u{ff}", "\u{a0}\u{ff}"),
            // Text that already reads like an escape stays as written.
            ("\\u{1b}", "\\u{1b}"),
        ];
        for (input, expected) in cases {
            assert_eq!(visible(input), expected, "{input:?}");
        }
    }

    #[test]
    fn borrows_when_nothing_changes() {
        assert!(matches!(visible("E11.9 — ok\t\n"), Cow::Borrowed(_)));
        assert!(matches!(visible("\x1b"), Cow::Owned(_)));
    }

    #[test]
    fn leaves_no_control_character_a_terminal_acts_on() {
        let every: String = (0u32..0x200).filter_map(char::from_u32).collect();
        let shown = visible(&every);
        assert!(!shown.chars().any(is_hidden), "{shown:?}");
        assert_eq!(visible(&shown), shown, "showing twice changes nothing");
    }
}
