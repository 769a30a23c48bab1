//! Paragraphs that fit the terminal: wrapped at word boundaries with a hanging indent, so a
//! terminal never breaks a word at its edge.

use std::io::{self, IsTerminal};

use textwrap::{Options, WordSplitter};

/// The width used when the terminal's size is unknown.
pub(crate) const DEFAULT_WIDTH: usize = 80;
/// No wrapping: output that is not a terminal keeps one line per paragraph, for scripts
/// and `grep`.
pub(crate) const UNWRAPPED: usize = usize::MAX;
/// Narrower is unreadable with the drill's labels; wider lines are hard to follow.
const WIDTHS: std::ops::RangeInclusive<usize> = 40..=120;

/// The width to wrap at: the terminal's columns within 40 to 120 ([`DEFAULT_WIDTH`] when
/// they cannot be read), or [`UNWRAPPED`] when standard output is not a terminal.
pub(crate) fn terminal_width() -> usize {
    if !io::stdout().is_terminal() {
        return UNWRAPPED;
    }
    crossterm::terminal::size()
        .map(|(columns, _)| usize::from(columns))
        .unwrap_or(DEFAULT_WIDTH)
        .clamp(*WIDTHS.start(), *WIDTHS.end())
}

/// `text` in lines of at most `width` columns, broken at spaces, the first line starting
/// with `first_indent` and the others with `rest_indent`; no trailing line break. Only a word
/// longer than a whole line is cut, and words are never split at their hyphens, so codes and
/// deck ids stay whole. Colour escape sequences take no columns.
pub(crate) fn wrap(text: &str, width: usize, first_indent: &str, rest_indent: &str) -> String {
    let options = Options::new(width)
        .initial_indent(first_indent)
        .subsequent_indent(rest_indent)
        .word_splitter(WordSplitter::NoHyphenation);
    textwrap::fill(text, options)
}

/// A prompt: each of its lines (a record's headings and paragraphs) starts at the margin and
/// continues 2 spaces in, so a heading stays on a line of its own.
pub(crate) fn wrap_prompt(text: &str, width: usize) -> String {
    text.lines()
        .map(|line| wrap(line, width, "", "  "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`wrap`] with a line break after it, for building screens line by line.
pub(crate) fn wrap_line(text: &str, width: usize, first_indent: &str, rest_indent: &str) -> String {
    let mut line = wrap(text, width, first_indent, rest_indent);
    line.push('\n');
    line
}

/// Cuts `text` to `width` characters at the last space that fits, marking the cut with `…`;
/// a first word longer than `width` is cut inside.
pub(crate) fn cut_at_word(text: &str, width: usize) -> String {
    if text.chars().count() <= width || width == 0 {
        return text.to_string();
    }
    // `width - 1` characters and the `…`; the one more character taken shows whether a word
    // ends right at the cut.
    let kept: String = text.chars().take(width).collect();
    let cut = match kept.rfind(' ') {
        Some(at) if !kept[..at].trim_end().is_empty() => kept[..at].trim_end(),
        _ => kept.trim_end_matches(' '),
    };
    let cut: String = cut.chars().take(width - 1).collect();
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_keeps_its_headings_and_paragraphs_at_the_margin() {
        let record = "Assessment:\nAcute appendicitis with localized peritonitis, no perforation.\n\nPlan:\nSurgery.";
        assert_eq!(
            wrap_prompt(record, 40),
            "Assessment:\nAcute appendicitis with localized\n  peritonitis, no perforation.\n\nPlan:\nSurgery."
        );
    }
    use textwrap::core::display_width;

    fn widths(text: &str) -> Vec<usize> {
        text.lines().map(display_width).collect()
    }

    #[test]
    fn breaks_at_word_boundaries() {
        let text = "Type 2 diabetes mellitus with diabetic chronic kidney disease";
        let wrapped = wrap(text, 20, "", "");
        assert_eq!(
            wrapped,
            "Type 2 diabetes\nmellitus with\ndiabetic chronic\nkidney disease"
        );
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>().join(" "),
            text
        );
    }

    #[test]
    fn continues_under_a_hanging_indent() {
        let wrapped = wrap(
            "use the seventh character for the encounter",
            24,
            "  why: ",
            "       ",
        );
        assert_eq!(
            wrapped,
            "  why: use the seventh\n       character for the\n       encounter"
        );
        assert!(widths(&wrapped).iter().all(|&w| w <= 24), "{wrapped}");
    }

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(
            wrap("E11.9", 80, "  answer ", "         "),
            "  answer E11.9"
        );
        assert_eq!(wrap_line("E11.9", 80, "", ""), "E11.9\n");
    }

    #[test]
    fn cuts_only_a_word_longer_than_the_line() {
        let long = "x".repeat(25);
        let wrapped = wrap(&format!("see {long} now"), 10, "", "  ");
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(lines[0], "see");
        assert!(lines[1..].iter().all(|l| l.starts_with("  ")), "{wrapped}");
        let joined: String = lines.concat().split_whitespace().collect();
        assert_eq!(joined, format!("see{long}now"));
        assert!(widths(&wrapped).iter().all(|&w| w <= 10), "{wrapped}");
    }

    #[test]
    fn keeps_hyphenated_ids_whole() {
        let wrapped = wrap("deck icd10cm-common/com-001 missed", 22, "", "");
        assert_eq!(wrapped, "deck\nicd10cm-common/com-001\nmissed");
    }

    #[test]
    fn measures_unicode_by_columns() {
        // Accented letters take one column, CJK ideographs two.
        let wrapped = wrap("Fracture de l'extrémité distale du radius", 20, "", "");
        assert_eq!(wrapped, "Fracture de\nl'extrémité distale\ndu radius");
        let wide = wrap("糖尿病 腎臓病 高血圧 心不全", 15, "", "");
        assert_eq!(wide, "糖尿病 腎臓病\n高血圧 心不全");
        assert!(widths(&wide).iter().all(|&w| w <= 15), "{wide}");
    }

    #[test]
    fn colour_takes_no_columns() {
        let bold = "\x1b[1mone two three\x1b[0m";
        assert_eq!(wrap(bold, 13, "", ""), bold);
    }

    #[test]
    fn width_is_clamped_or_unwrapped() {
        let width = terminal_width();
        assert!(WIDTHS.contains(&width) || width == UNWRAPPED, "{width}");
    }

    #[test]
    fn unwrapped_text_stays_one_line() {
        let text = format!("why: {}", "long words ".repeat(40));
        assert_eq!(
            wrap(&text, UNWRAPPED, "  ", "    "),
            format!("  {}", text.trim_end())
        );
    }
}
