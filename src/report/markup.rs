//! The groups table shared by the text formats: one walk over a report's groups and its
//! overall row, with each format saying only how its header, dividers and rows look (the shape
//! of hyperfine's `MarkupExporter`).

use super::{Report, SessionFacts, fmt};

/// The key cell of a row: a group's key as the log has it (the format escapes it), or the
/// overall row (the format styles it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKey<'a> {
    Group(&'a str),
    /// A group of a report by session: named by when it ran, its mode and decks
    Session(&'a SessionFacts),
    Overall,
}

/// How one format writes the groups table. Each method returns whole lines, newline included.
pub(crate) trait MarkupTable {
    /// The header row, with `key_name` (the report's grouping) over the key column.
    fn header(&self, key_name: &str) -> String;

    /// What comes between the header and the first row; nothing unless the format needs it.
    fn divider(&self) -> String {
        String::new()
    }

    /// What comes between the last group and the overall row; nothing unless the format
    /// needs it.
    fn separator(&self) -> String {
        String::new()
    }

    /// One row: its key and the metric cells of [`fmt::cells`].
    fn row(&self, key: RowKey, cells: &[String; 9]) -> String;

    /// The header, one row per group in the report's order, then the overall row.
    fn table(&self, report: &Report) -> String {
        let mut text = self.header(report.by.name());
        text.push_str(&self.divider());
        for group in &report.groups {
            let key = match &group.session {
                Some(facts) => RowKey::Session(facts),
                None => RowKey::Group(&group.key),
            };
            text.push_str(&self.row(key, &fmt::cells(&group.metrics)));
        }
        text.push_str(&self.separator());
        text.push_str(&self.row(RowKey::Overall, &fmt::cells(&report.overall)));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{GroupBy, samples};

    /// A format that shows the walk's order.
    struct Trace;

    impl MarkupTable for Trace {
        fn header(&self, key_name: &str) -> String {
            format!("header {key_name}\n")
        }

        fn divider(&self) -> String {
            "divider\n".to_string()
        }

        fn separator(&self) -> String {
            "separator\n".to_string()
        }

        fn row(&self, key: RowKey, cells: &[String; 9]) -> String {
            format!("{key:?} {}\n", cells[0])
        }
    }

    #[test]
    fn walks_header_groups_then_overall() {
        let report = samples::report(GroupBy::User, &[("ana", 2), ("ben", 3)]);
        assert_eq!(
            Trace.table(&report),
            "header user\ndivider\nGroup(\"ana\") 2\nGroup(\"ben\") 3\nseparator\nOverall 5\n"
        );
    }
}
