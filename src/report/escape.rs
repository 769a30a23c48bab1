//! The crate's one HTML escaper and one Markdown escaper. Every field that comes from a deck,
//! a log, a user name or a path passes through one of them before it reaches a page, so a
//! prompt or a key can only ever read as text.

/// Text safe in HTML content and in quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            '"' => safe.push_str("&quot;"),
            '\'' => safe.push_str("&#39;"),
            c => safe.push(c),
        }
    }
    safe
}

/// Text that reads as itself in Markdown, both in a table cell and inline in a paragraph, a
/// heading or a list item (never at the start of a line, where `-`, `+`, `1.` or `=` could
/// still make a list or a heading).
///
/// Line breaks become spaces (one for CRLF), since a break would end the cell or the
/// paragraph. Punctuation that can open emphasis, a link, an image, a code span, strikethrough
/// or a heading, or split a table cell, is escaped with a backslash. `<`, `>` and `&` are
/// written as entities: some renderers pass raw HTML through and do not honour a backslash
/// before `<`, while every renderer decodes an entity to the character.
pub(crate) fn escape_md(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                safe.push(' ');
            }
            '\n' => safe.push(' '),
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '!' | '(' | ')' | '~' => {
                safe.push('\\');
                safe.push(c);
            }
            c => safe.push(c),
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_characters() {
        let cases = [
            ("", ""),
            ("E11.9", "E11.9"),
            (
                "Type 2 diabetes, no complications",
                "Type 2 diabetes, no complications",
            ),
            ("a & b", "a &amp; b"),
            ("&amp;", "&amp;amp;"),
            (
                "<img src=x onerror=alert(1)>",
                "&lt;img src=x onerror=alert(1)&gt;",
            ),
            (
                "<script>alert('x')</script>",
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
            ),
            ("\" onmouseover=\"x", "&quot; onmouseover=&quot;x"),
            ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
            ("`code` | *b* _i_", "`code` | *b* _i_"),
            ("two\nlines", "two\nlines"),
            ("Sjögren — ü", "Sjögren — ü"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_html(input), expected, "{input:?}");
        }
    }

    #[test]
    fn markdown_escapes_formatting_and_table_breakers() {
        let cases = [
            ("", ""),
            ("E11.9", "E11.9"),
            ("icd10cm-common/icd-001", "icd10cm-common/icd-001"),
            (
                "Type 2 diabetes, no complications",
                "Type 2 diabetes, no complications",
            ),
            ("same_category", "same\\_category"),
            ("a|b", "a\\|b"),
            ("| cell |", "\\| cell \\|"),
            ("C:\\logs\\a.csv", "C:\\\\logs\\\\a.csv"),
            ("*bold* and _it_", "\\*bold\\* and \\_it\\_"),
            ("~~gone~~", "\\~\\~gone\\~\\~"),
            ("# heading", "\\# heading"),
            ("`x`", "\\`x\\`"),
            ("``", "\\`\\`"),
            ("a`b|c", "a\\`b\\|c"),
            (
                "[x](javascript:alert(1))",
                "\\[x\\]\\(javascript:alert\\(1\\)\\)",
            ),
            ("![i](http://x/y.png)", "\\!\\[i\\]\\(http://x/y.png\\)"),
            (
                "<img src=x onerror=alert(1)>",
                "&lt;img src=x onerror=alert\\(1\\)&gt;",
            ),
            ("<b>&deck", "&lt;b&gt;&amp;deck"),
            ("&lt;", "&amp;lt;"),
            ("one\ntwo", "one two"),
            ("one\r\ntwo", "one two"),
            ("one\rtwo\n\nthree", "one two  three"),
            ("Sjögren — ü", "Sjögren — ü"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_md(input), expected, "{input:?}");
        }
    }

    #[test]
    fn markdown_escaping_leaves_no_line_break_nor_bare_markup() {
        let nasty = "a|b\r\n`c`<d>&e\\*f_[g](h)!#~\n";
        let safe = escape_md(nasty);
        assert!(!safe.contains(['\n', '\r', '<', '>']), "{safe}");
        // Every special character left is preceded by the backslash that escapes it.
        let bytes = safe.as_bytes();
        for (at, &b) in bytes.iter().enumerate() {
            if b"|`*_[]()!#~".contains(&b) {
                let backslashes = bytes[..at]
                    .iter()
                    .rev()
                    .take_while(|&&p| p == b'\\')
                    .count();
                assert_eq!(backslashes % 2, 1, "{safe} at {at}");
            }
        }
    }
}
