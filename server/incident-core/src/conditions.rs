//! Checklist items that apply only to some incidents, like Playbooks' conditional tasks but
//! free: a playbook item may say "only when the severity is P1 or P2" or "only when Region is
//! EU" (a custom field, see [`crate::fields`]). The condition travels with the item into the
//! incident and is read against the incident as it is now, so raising the severity or setting
//! the field brings the item in, and changing them back takes it out again.
//!
//! An item that does not apply is kept, and keeps its number (a number a user saw keeps naming
//! the same item), but it is not shown, counted, nudged or listed among anyone's tasks, and it
//! cannot be checked.

use serde::{Deserialize, Serialize};

use crate::checklist::ChecklistItem;
use crate::fields::{FieldDefinition, MAX_FIELD_NAME_CHARS, MAX_OPTION_CHARS};
use crate::incident::Incident;
use crate::text;

/// How many values one condition may list.
pub const MAX_CONDITION_VALUES: usize = 20;
const MAX_SEVERITY_CHARS: usize = 40;

/// When an item applies: while the incident's severity is one of `severities`, or (with a
/// `field`) while that custom field's value is one of `values`, or has any value when `values`
/// is empty. Values compare ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemCondition {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// Trimmed one-line values, blanks and repeats (ignoring case) dropped, at most
/// [`MAX_CONDITION_VALUES`].
fn distinct(values: &[String], what: &str, max_chars: usize) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        let value = text::single_line(value, max_chars).map_err(|reason| format!("a {what}: {reason}"))?;
        if !out.iter().any(|s| s.eq_ignore_ascii_case(&value)) {
            out.push(value);
        }
    }
    if out.len() > MAX_CONDITION_VALUES {
        return Err(format!("it lists {} {what}s; the limit is {MAX_CONDITION_VALUES}.", out.len()));
    }
    Ok(out)
}

impl ItemCondition {
    /// The values trimmed, blanks and repeats dropped; an error (the end of a sentence) when it
    /// names neither severities nor a field, or both, or a field `fields` does not define.
    pub fn normalised(&self, fields: &[FieldDefinition]) -> Result<ItemCondition, String> {
        let severities = distinct(&self.severities, "severity", MAX_SEVERITY_CHARS)?;
        let field = self.field.as_deref().map(str::trim).filter(|f| !f.is_empty());
        match field {
            None if !self.values.iter().all(|v| v.trim().is_empty()) => Err("it lists values but names no field.".to_string()),
            None if severities.is_empty() => Err("name at least one severity it applies to, or a field.".to_string()),
            None => Ok(ItemCondition { severities, field: None, values: Vec::new() }),
            Some(_) if !severities.is_empty() => Err("name severities or a field, not both.".to_string()),
            Some(name) => {
                let name = text::single_line(name, MAX_FIELD_NAME_CHARS).map_err(|reason| format!("the field: {reason}"))?;
                let Some(defined) = fields.iter().find(|f| text::same_title(&f.name, &name)) else {
                    return Err(format!("the playbook has no field \"{name}\"."));
                };
                let values = distinct(&self.values, "value", MAX_OPTION_CHARS)?;
                Ok(ItemCondition { severities: Vec::new(), field: Some(defined.name.clone()), values })
            }
        }
    }

    /// Whether it holds for an incident at `severity` whose condition field has `field_value`.
    pub fn holds(&self, severity: &str, field_value: Option<&str>) -> bool {
        let one_of = |values: &[String], value: &str| values.iter().any(|v| v.trim().eq_ignore_ascii_case(value.trim()));
        match &self.field {
            None => one_of(&self.severities, severity),
            Some(_) => match field_value.map(str::trim).filter(|v| !v.is_empty()) {
                None => false,
                Some(value) => self.values.is_empty() || one_of(&self.values, value),
            },
        }
    }

    /// "the severity is P1 or P2", "Region is EU", "Ticket is set": for "applies only when …".
    pub fn describe(&self) -> String {
        let either = |values: &[String]| match values {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        };
        match &self.field {
            None => format!("the severity is {}", either(&self.severities)),
            Some(field) if self.values.is_empty() => format!("{field} is set"),
            Some(field) => format!("{field} is {}", either(&self.values)),
        }
    }
}

impl Incident {
    /// Whether the item applies to this incident now (it has no condition, or its condition holds).
    pub fn item_applies(&self, item: &ChecklistItem) -> bool {
        item.condition.as_ref().is_none_or(|c| {
            let value = c.field.as_deref().and_then(|name| self.field(name)).and_then(|f| f.value.as_deref());
            c.holds(&self.severity, value)
        })
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
    use crate::fields::FieldKind;
    use crate::ids::SequentialIds;
    use crate::playbook::PlaybookItem;
    use crate::render;
    use crate::test_support::{T0, playbook, request, usernames};

    fn at(severities: &[&str]) -> ItemCondition {
        ItemCondition { severities: severities.iter().map(|s| s.to_string()).collect(), ..ItemCondition::default() }
    }

    fn when(field: &str, values: &[&str]) -> ItemCondition {
        ItemCondition {
            field: Some(field.into()),
            values: values.iter().map(|s| s.to_string()).collect(),
            ..ItemCondition::default()
        }
    }

    fn region() -> Vec<FieldDefinition> {
        vec![FieldDefinition { name: "Region".into(), kind: FieldKind::Select, options: vec!["EU".into(), "US".into()] }]
    }

    #[test]
    fn a_condition_names_severities_or_a_defined_field_once_each() {
        assert_eq!(at(&[" P1 ", "p1", "", "P2"]).normalised(&[]), Ok(at(&["P1", "P2"])));
        assert_eq!(at(&["", " "]).normalised(&[]), Err("name at least one severity it applies to, or a field.".to_string()));
        assert!(at(&[&"x".repeat(41)]).normalised(&[]).is_err());
        let many: Vec<String> = (0..21).map(|n| format!("S{n}")).collect();
        assert!(ItemCondition { severities: many, ..ItemCondition::default() }.normalised(&[]).is_err());
        // A field: spelled as the playbook defines it; values deduplicated; none means "set".
        assert_eq!(when(" region ", &["eu", "EU", ""]).normalised(&region()), Ok(when("Region", &["eu"])));
        assert_eq!(when("Region", &[]).normalised(&region()), Ok(when("Region", &[])));
        assert_eq!(when("Team", &["x"]).normalised(&region()), Err("the playbook has no field \"Team\".".to_string()));
        let both = ItemCondition { severities: vec!["P1".into()], ..when("Region", &[]) };
        assert_eq!(both.normalised(&region()), Err("name severities or a field, not both.".to_string()));
        let loose = ItemCondition { values: vec!["EU".into()], ..ItemCondition::default() };
        assert_eq!(loose.normalised(&region()), Err("it lists values but names no field.".to_string()));
    }

    #[test]
    fn it_holds_for_its_values_ignoring_case_and_describes_itself() {
        let c = at(&["P1", "P2"]);
        assert!(c.holds("p1", None) && c.holds(" P2", Some("x")) && !c.holds("P3", None));
        assert_eq!(c.describe(), "the severity is P1 or P2");
        assert_eq!(at(&["P1"]).describe(), "the severity is P1");
        assert_eq!(at(&["P1", "P2", "P3"]).describe(), "the severity is P1, P2 or P3");
        let eu = when("Region", &["EU"]);
        assert!(eu.holds("P4", Some("eu")) && !eu.holds("P1", Some("US")) && !eu.holds("P1", None));
        assert_eq!(eu.describe(), "Region is EU");
        let set = when("Ticket", &[]);
        assert!(set.holds("P4", Some("T-1")) && !set.holds("P4", Some(" ")) && !set.holds("P4", None));
        assert_eq!(set.describe(), "Ticket is set");
    }

    /// The fixture playbook with item 2 applying only at P1 or P2, due 10 minutes after the start.
    fn started_at(severity: &str) -> Incident {
        let mut pb = playbook();
        pb.checklists[0].items[1] =
            PlaybookItem { condition: Some(at(&["P1", "P2"])), due_after_minutes: Some(10), ..pb.checklists[0].items[1].clone() };
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
            Err(DomainError::ItemNotApplicable { item: 2.into(), condition: "the severity is P1 or P2".into() })
        );
        assert_eq!(i.overdue_items(T0 + 11 * 60_000), 0);
        let list = render::checklist_markdown(&i, T0, crate::Zone::UTC, &usernames);
        assert!(!list.contains("Assess severity") && list.contains("☐ 3. Find the cause"), "{list}");
        assert!(list.contains("_1 item of the playbook does not apply to this incident now._"), "{list}");

        // Raising the severity brings it in.
        i.change_severity("alice", &Conduct::default(), "P2", T0 + 2).expect("P2");
        assert!(i.item_applies(&item));
        assert_eq!((i.progress().total, i.overdue_items(T0 + 11 * 60_000)), (5, 1));
        assert_eq!(i.toggle_item("alice", 2, T0 + 3), Ok(ItemState::Done));
        assert!(render::checklist_markdown(&i, T0, crate::Zone::UTC, &usernames).contains("☑ 2. Assess severity"));
    }

    #[test]
    fn an_item_for_a_field_value_applies_once_the_field_has_it() {
        let mut pb = playbook();
        pb.fields = region();
        pb.checklists[0].items[1].condition = Some(when("Region", &["EU"]));
        let mut i = Incident::start(request("Payments down"), Some(&pb), &mut SequentialIds::new("id"), T0).expect("start");
        let item = i.item_by_number(2).expect("item 2").clone();
        assert!(!i.item_applies(&item), "Region is not set");
        i.set_field("alice", "Region", Some("US"), T0 + 1).expect("US");
        assert!(!i.item_applies(&item));
        assert_eq!(
            i.toggle_item("alice", 2, T0 + 2),
            Err(DomainError::ItemNotApplicable { item: 2.into(), condition: "Region is EU".into() })
        );
        i.set_field("alice", "Region", Some("eu"), T0 + 3).expect("EU");
        assert!(i.item_applies(&item));
        assert_eq!(i.toggle_item("alice", 2, T0 + 4), Ok(ItemState::Done));
    }

    #[test]
    fn a_playbook_refuses_an_empty_condition_and_a_start_command_without_a_command() {
        let mut pb = playbook();
        pb.checklists[0].items[0].condition = Some(at(&[" "]));
        let err = pb.validate().expect_err("empty condition").to_string();
        assert!(err.contains("section 1, item 1's condition: name at least one severity"), "{err}");
        let mut pb = playbook();
        pb.checklists[0].items[0].condition = Some(when("Region", &["EU"]));
        let err = pb.validate().expect_err("no such field").to_string();
        assert!(err.contains("section 1, item 1's condition: the playbook has no field \"Region\"."), "{err}");
        pb.fields = region();
        assert_eq!(pb.validate(), Ok(()));
        let mut pb = playbook();
        pb.checklists[0].items[0].run_at_start = true;
        let err = pb.validate().expect_err("no command").to_string();
        assert!(err.contains("section 1, item 1 runs its command at the start but has no command."), "{err}");
        pb.checklists[0].items[0].command = Some("/echo hi".into());
        assert_eq!(pb.validate(), Ok(()));
    }
}
