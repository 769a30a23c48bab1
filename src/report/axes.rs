//! `report --by axis`: ICD-10-PCS attempts by the characters of their answer. Each PCS attempt
//! counts once in the group of each of its answer's seven axes (named as the answer's section
//! names them: `root operation`, `body part`, `approach`, or `contrast` in imaging), correct
//! when the typed code closest to the answer has that character right. Other attempts are in
//! no group (they still count in the overall row).

use super::{Group, rounded};
use crate::codes::pcs::AxisMarks;
use crate::metrics::Accumulator;
use crate::record::AttemptRef;
use crate::score::Verdict;

/// Sums per axis, kept in the order of the characters.
#[derive(Debug, Clone, Default)]
pub(super) struct AxisGroups {
    /// (position, axis, sums)
    groups: Vec<(usize, &'static str, Accumulator)>,
}

impl AxisGroups {
    /// Adds one attempt to the group of each axis of its answer, if it has a PCS answer.
    pub(super) fn add(&mut self, attempt: &AttemptRef) {
        let Some(marks) = AxisMarks::of(attempt.system, attempt.expected, attempt.entered) else {
            return;
        };
        for (position, axis, right) in marks.each() {
            let verdict = if right {
                Verdict::Correct
            } else {
                Verdict::Incorrect
            };
            let score = if right { 1.0 } else { 0.0 };
            self.group(position, axis)
                .add(verdict, score, attempt.elapsed_ms, attempt.keystrokes);
        }
    }

    fn group(&mut self, position: usize, axis: &'static str) -> &mut Accumulator {
        let at = match self
            .groups
            .iter()
            .position(|(p, a, _)| *p == position && *a == axis)
        {
            Some(at) => at,
            None => {
                self.groups.push((position, axis, Accumulator::default()));
                self.groups.len() - 1
            }
        };
        &mut self.groups[at].2
    }

    pub(super) fn merge(&mut self, other: AxisGroups) {
        for (position, axis, sums) in other.groups {
            self.group(position, axis).merge(sums);
        }
    }

    /// The groups, by position, then axis name.
    pub(super) fn into_groups(mut self) -> Vec<Group> {
        self.groups.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        self.groups
            .into_iter()
            .map(|(_, axis, sums)| Group {
                key: axis.to_string(),
                session: None,
                metrics: rounded(sums.metrics()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::System;
    use crate::record::example;

    #[test]
    fn a_wrong_approach_costs_only_the_approach() {
        let mut groups = AxisGroups::default();
        let mut right = example("0FT44ZZ");
        right.system = System::Icd10pcs;
        right.expected = "0FT44ZZ".into();
        groups.add(&right.as_ref());
        let mut open = right.clone();
        open.entered = "0FT40ZZ".into();
        groups.add(&open.as_ref());
        let mut diagnosis = right.clone();
        diagnosis.system = System::Icd10cm;
        diagnosis.expected = "E11.9".into();
        groups.add(&diagnosis.as_ref());
        let groups = groups.into_groups();
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "section",
                "body system",
                "root operation",
                "body part",
                "approach",
                "device",
                "qualifier"
            ]
        );
        for group in &groups {
            assert_eq!(group.metrics.attempts, 2, "{}", group.key);
            let correct = if group.key == "approach" { 1 } else { 2 };
            assert_eq!(group.metrics.correct, correct, "{}", group.key);
        }
    }
}
