//! Checklist items that apply only to some incidents, like Playbooks' conditional tasks but
//! free: a playbook item may say "only when the severity is P1 or P2". The condition travels
//! with the item into the incident and is read against the incident as it is now, so raising
//! the severity brings the item in and lowering it takes it out again.
//!
//! An item that does not apply is kept, and keeps its number (a number a user saw keeps naming
//! the same item), but it is not shown, counted, nudged or listed among anyone's tasks, and it
//! cannot be checked.

use serde::{Deserialize, Serialize};

use crate::checklist::ChecklistItem;
use crate::incident::Incident;
use crate::text;

/// How many values one condition may list, and how long each may be.
pub const MAX_CONDITION_VALUES: usize = 20;
const MAX_CONDITION_VALUE_CHARS: usize = 40;

/// When an item applies: while the incident's severity is one of `severities` (ignoring case).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemCondition {
    #[serde(default)]
    pub severities: Vec<String>,
}

impl ItemCondition {
    /// The values trimmed, blanks and repeats dropped; an error (the end of a sentence) when
    /// nothing is left or a value is too long.
    pub fn normalised(&self) -> Result<ItemCondition, String> {
        let mut severities: Vec<String> = Vec::new();
        for value in &self.severities {
            if value.trim().is_empty() {
                continue;
            }
            let value = text::single_line(value, MAX_CONDITION_VALUE_CHARS).map_err(|reason| format!("a severity: {reason}"))?;
            if !severities.iter().any(|s| s.eq_ignore_ascii_case(&value)) {
                severities.push(value);
            }
        }
        if severities.is_empty() {
            return Err("name at least one severity it applies to.".to_string());
        }
        if severities.len() > MAX_CONDITION_VALUES {
            return Err(format!("it lists {} severities; the limit is {MAX_CONDITION_VALUES}.", severities.len()));
        }
        Ok(ItemCondition { severities })
    }

    pub fn holds(&self, severity: &str) -> bool {
        self.severities.iter().any(|s| s.trim().eq_ignore_ascii_case(severity.trim()))
    }

    /// "severity P1 or P2", for "applies only at severity P1 or P2".
    pub fn describe(&self) -> String {
        match self.severities.as_slice() {
            [] => "no severity".to_string(),
            [one] => format!("severity {one}"),
            [rest @ .., last] => format!("severity {} or {last}", rest.join(", ")),
        }
    }
}

impl Incident {
    /// Whether the item applies to this incident now (it has no condition, or its condition holds).
    pub fn item_applies(&self, item: &ChecklistItem) -> bool {
        item.condition.as_ref().is_none_or(|c| c.holds(&self.severity))
    }

    /// How many items do not apply now: what a listing says it left out.
    pub fn items_not_applying(&self) -> usize {
        self.checklists.iter().flat_map(|s| &s.items).filter(|i| !self.item_applies(i)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::ItemState;
    use crate::conduct::Conduct;
    use crate::error::DomainError;
    use crate::ids::SequentialIds;
    use crate::playbook::PlaybookItem;
    use crate::render;
    use crate::test_support::{T0, playbook, request, usernames};

    fn at(severities: &[&str]) -> ItemCondition {
        ItemCondition { severities: severities.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn a_condition_names_severities_once_each() {
        assert_eq!(at(&[" P1 ", "p1", "", "P2"]).normalised(), Ok(at(&["P1", "P2"])));
        assert_eq!(at(&["", " "]).normalised(), Err("name at least one severity it applies to.".to_string()));
        assert!(at(&[&"x".repeat(41)]).normalised().is_err());
        let many: Vec<String> = (0..21).map(|n| format!("S{n}")).collect();
        assert!(ItemCondition { severities: many }.normalised().is_err());
    }

    #[test]
    fn it_holds_for_its_severities_ignoring_case_and_describes_itself() {
        let c = at(&["P1", "P2"]);
        assert!(c.holds("p1") && c.holds(" P2") && !c.holds("P3"));
        assert_eq!(c.describe(), "severity P1 or P2");
        assert_eq!(at(&["P1"]).describe(), "severity P1");
        assert_eq!(at(&["P1", "P2", "P3"]).describe(), "severity P1, P2 or P3");
    }

    /// The fixture playbook with item 2 applying only at P1 or P2, due 10 minutes after the start.
    fn started_at(severity: &str) -> Incident {
        let mut pb = playbook();
        pb.checklists[0].items[1] = PlaybookItem {
            condition: Some(at(&["P1", "P2"])),
            due_after_minutes: Some(10),
            ..pb.checklists[0].items[1].clone()
        };
        pb.validate().expect("valid playbook");
        let mut i = Incident::start(request("Database down"), Some(&pb), &mut SequentialIds::new("id"), T0).expect("start");
        i.severity = severity.into();
        i
    }

    #[test]
    fn an_item_applies_only_at_its_severities_and_keeps_its_number() {
        let mut i = started_at("P4");
        let item = i.item_by_number(2).expect("item 2").clone();
        assert!(!i.item_applies(&item));
        assert_eq!((i.progress().total, i.items_not_applying()), (4, 1));
        // Not checked, not counted overdue, not listed; the numbers after it stay.
        assert_eq!(
            i.toggle_item("alice", 2, T0 + 1),
            Err(DomainError::ItemNotApplicable { item: 2.into(), condition: "severity P1 or P2".into() })
        );
        assert_eq!(i.overdue_items(T0 + 11 * 60_000), 0);
        let list = render::checklist_markdown(&i, T0, &usernames);
        assert!(!list.contains("Assess severity") && list.contains("☐ 3. Find the cause"), "{list}");
        assert!(list.contains("_1 item of the playbook applies only at another severity._"), "{list}");

        // Raising the severity brings it in.
        i.change_severity("alice", &Conduct::default(), "P2", T0 + 2).expect("P2");
        assert!(i.item_applies(&item));
        assert_eq!((i.progress().total, i.overdue_items(T0 + 11 * 60_000)), (5, 1));
        assert_eq!(i.toggle_item("alice", 2, T0 + 3), Ok(ItemState::Done));
        assert!(render::checklist_markdown(&i, T0, &usernames).contains("☑ 2. Assess severity"));
    }

    #[test]
    fn a_playbook_refuses_an_empty_condition_and_a_start_command_without_a_command() {
        let mut pb = playbook();
        pb.checklists[0].items[0].condition = Some(at(&[" "]));
        let err = pb.validate().expect_err("empty condition").to_string();
        assert!(err.contains("section 1, item 1's condition: name at least one severity"), "{err}");
        let mut pb = playbook();
        pb.checklists[0].items[0].run_at_start = true;
        let err = pb.validate().expect_err("no command").to_string();
        assert!(err.contains("section 1, item 1 runs its command at the start but has no command."), "{err}");
        pb.checklists[0].items[0].command = Some("/echo hi".into());
        assert_eq!(pb.validate(), Ok(()));
    }
}
