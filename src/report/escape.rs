//! The crate's one HTML escaper and one Markdown escaper. Every field that comes from a deck,
//! a log, a user name or a path passes through one of them before it reaches a page, so a
//! prompt or a key can only ever read as text. Both first show control characters as
//! [`visible`] does: a page printed to standard output, or `cat` later, reaches a terminal.

use crate::visible::visible;

/// Text safe in HTML content and in quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in visible(text).chars() {
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
/// Control characters are shown as [`visible`] shows them. Line breaks become spaces (one for
/// CRLF), since a break would end the cell or the paragraph. Punctuation that can open
/// emphasis, a link, an image, a code span, strikethrough or a heading, split a table cell, or
/// make a bare address a link (see [`needs_backslash`]) is escaped with a backslash. `<`, `>`
/// and `&` are written as entities: some renderers pass raw HTML through and do not honour a
/// backslash before `<`, while every renderer decodes an entity to the character.
pub(crate) fn escape_md(text: &str) -> String {
    let shown = visible(text);
    let mut safe = String::with_capacity(shown.len());
    let mut after_cr = false;
    for (at, c) in shown.char_indices() {
        let crlf = std::mem::replace(&mut after_cr, c == '\r') && c == '\n';
        match c {
            '\n' if crlf => {}
            '\r' | '\n' => safe.push(' '),
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            c if needs_backslash(&shown, at, c) => {
                safe.push('\\');
                safe.push(c);
            }
            c => safe.push(c),
        }
    }
    safe
}

/// Whether the character `c` at byte `at` of `text` needs a backslash in Markdown: the
/// punctuation of Markdown's own syntax, and what GitHub-flavoured renderers (comrak,
/// cmark-gfm) take for a bare address and turn into a link: the `@` of an e-mail address,
/// the `:` of `scheme://` and the `.` of `www.`. The backslash leaves the text as it reads.
fn needs_backslash(text: &str, at: usize, c: char) -> bool {
    match c {
        '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '!' | '(' | ')' | '~' | '@' => true,
        ':' => text[at + 1..].starts_with("//"),
        '.' => text
            .get(at.saturating_sub(3)..at)
            .is_some_and(|before| before.eq_ignore_ascii_case("www")),
        _ => false,
    }
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
            ("clear\x1b[2J\u{9b}", "clear\\u{1b}[2J\\u{9b}"),
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
            ("![i](http://x/y.png)", "\\!\\[i\\]\\(http\\://x/y.png\\)"),
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
            ("ana@clinic.org", "ana\\@clinic.org"),
            ("see http://x.org/a", "see http\\://x.org/a"),
            ("HTTPS://x.org", "HTTPS\\://x.org"),
            ("www.x.org or WWW.x.org", "www\\.x.org or WWW\\.x.org"),
            ("note: v1.2, 3/4 ww.x", "note: v1.2, 3/4 ww.x"),
            ("\r\r\n", "  "),
            // Shown first, then escaped: the page reads `\u{1b}`, not an escape character.
            ("clear\x1b[2J\x07", "clear\\\\u{1b}\\[2J\\\\u{7}"),
            ("tab\tkept", "tab\tkept"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_md(input), expected, "{input:?}");
        }
    }

    #[test]
    fn markdown_escaping_leaves_no_line_break_nor_bare_markup() {
        let nasty = "a|b\r\n`c`<d>&e\\*f_[g](h)!#~@\n";
        let safe = escape_md(nasty);
        assert!(!safe.contains(['\n', '\r', '<', '>']), "{safe}");
        // Every special character left is preceded by the backslash that escapes it.
        let bytes = safe.as_bytes();
        for (at, &b) in bytes.iter().enumerate() {
            if b"|`*_[]()!#~@".contains(&b) {
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

/// Markdown pages rendered by two independent renderers, and the check that nothing from data
/// became an element. Both renderers are set to pass raw HTML and every URL through (comrak
/// would otherwise hide them), so an escape that failed shows in their output.
#[cfg(test)]
pub(crate) mod rendered {
    /// Values a deck, a log, a user name or a path could hold, each aimed at a way Markdown
    /// or HTML can be made to do something: raw HTML, links, images, code spans, table cells,
    /// line breaks (headings, lists, link definitions), emphasis, autolinks, entities and
    /// terminal escapes. None starts or ends with a space (renderers trim cells).
    pub(crate) const HOSTILE: [&str; 10] = [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "a`b``c``` </code><iframe src=javascript:alert(3)> `x`",
        "a|b||c | <b onload=alert(1)>bold</b> \\| d",
        "one\ntwo\r\n# h1\r- item\n\n<script>alert(4)</script>\n[r]: javascript:alert(5)\n\n[r]",
        "![i](javascript:alert(6)) *em* _u_ ~~s~~ **b** \\*not\\* [^1] [[w]]",
        "<javascript:alert(7)> <http://evil.example> http://evil.example/x www.evil.example evil@evil.example",
        "&lt;script&gt; &#60;img src=x onerror=alert(8)&#62; <!-- c --> <svg onload=alert(9)> \x1b[2J\u{9b}",
    ];

    /// Elements the report and result pages are made of; any other came from data.
    const ELEMENTS: [&str; 15] = [
        "h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "strong", "ul", "ol", "li",
        "hr", "br",
    ];

    /// Attributes the pages' own markup has: right-aligned table columns, as each renderer
    /// writes them.
    const ATTRIBUTES: [&str; 2] = ["style=\"text-align: right\"", "align=\"right\""];

    /// The page as HTML from each renderer, named.
    pub(crate) fn renderings(markdown: &str) -> [(&'static str, String); 2] {
        [
            ("pulldown-cmark", pulldown(markdown)),
            ("comrak", comrak(markdown)),
        ]
    }

    fn pulldown(markdown: &str) -> String {
        use pulldown_cmark::Options;
        let options = Options::ENABLE_GFM
            | Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_WIKILINKS;
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(markdown, options),
        );
        html
    }

    fn comrak(markdown: &str) -> String {
        let mut options = comrak::Options::default();
        let extension = &mut options.extension;
        extension.table = true;
        extension.strikethrough = true;
        extension.autolink = true;
        extension.tasklist = true;
        extension.footnotes = true;
        extension.wikilinks_title_after_pipe = true;
        options.render.r#unsafe = true;
        comrak::markdown_to_html(markdown, &options)
    }

    /// Checks both renderings of `markdown`: the page's own elements and attributes only, no
    /// script, image, frame or link, no event handler or `javascript:` URL in any tag, and each
    /// of `values` reads as itself (shown as [`visible`](crate::visible::visible) shows it,
    /// line breaks as spaces) in the page's text.
    pub(crate) fn assert_inert(markdown: &str, values: &[&str]) {
        for (renderer, html) in renderings(markdown) {
            for raw in [
                "<script", "<img", "<iframe", "<svg", "<a ", "<a>", "<b>", "<!--",
            ] {
                assert!(!html.contains(raw), "{renderer} made {raw}:\n{html}");
            }
            for tag in tags(&html) {
                assert_own_tag(renderer, tag, &html);
            }
            let text = words(&text(&html));
            for value in values {
                let shown = words(&crate::visible::visible(value));
                assert!(
                    text.contains(&shown),
                    "{renderer} does not show {value:?} as text:\n{html}"
                );
            }
        }
    }

    /// Panics unless `tag` (without its `<` and `>`) is one of the pages' own.
    fn assert_own_tag(renderer: &str, tag: &str, html: &str) {
        let tag = tag.trim_start_matches('/').trim_end_matches('/').trim();
        let (name, attributes) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(ELEMENTS.contains(&name), "{renderer} made <{tag}>:\n{html}");
        let attributes = attributes.trim();
        assert!(
            attributes.is_empty() || ATTRIBUTES.contains(&attributes),
            "{renderer} made <{tag}>:\n{html}"
        );
        let lower = tag.to_ascii_lowercase();
        for bad in ["onerror=", "onload=", "javascript:", "href", "src"] {
            assert!(!lower.contains(bad), "{renderer} made <{tag}>:\n{html}");
        }
    }

    /// The insides of every tag, in order. Rendered text holds `<` only as `&lt;`, so every
    /// `<` opens a tag.
    fn tags(html: &str) -> Vec<&str> {
        html.split('<')
            .skip(1)
            .map(|rest| rest.split_once('>').map_or(rest, |(tag, _)| tag))
            .collect()
    }

    /// What a reader sees: tags replaced by a separator no value holds (so a value split by
    /// an element does not read whole), entities decoded.
    fn text(html: &str) -> String {
        let mut text = String::new();
        for (at, piece) in html.split('<').enumerate() {
            let content = if at == 0 {
                piece
            } else {
                text.push('\u{1}');
                piece.split_once('>').map_or("", |(_, content)| content)
            };
            text.push_str(&decode(content));
        }
        text
    }

    /// The entities the renderers write, decoded in one pass.
    fn decode(text: &str) -> String {
        const ENTITIES: [(&str, char); 6] = [
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&#x27;", '\''),
            ("&amp;", '&'),
        ];
        let mut decoded = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            match ENTITIES.iter().find(|(entity, _)| rest.starts_with(entity)) {
                Some((entity, character)) => {
                    decoded.push(*character);
                    rest = &rest[entity.len()..];
                }
                None => {
                    decoded.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        decoded
    }

    /// Runs of whitespace as one space: line breaks become spaces, and renderers may keep
    /// or fold them.
    fn words(text: &str) -> String {
        text.split([' ', '\t', '\n', '\r'])
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
