//! Which incidents a listing shows. The store filters in SQL for speed; this is the reference
//! meaning of each filter, which the store's tests can compare against.

use serde::{Deserialize, Serialize};

use crate::fields::match_key;
use crate::incident::{Incident, IncidentState};

/// Every `Some` field must match; `None` fields match anything.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IncidentFilter {
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub state: Option<IncidentState>,
    #[serde(default)]
    pub commander_id: Option<String>,
    /// Inclusive: incidents created at or after this instant (Unix ms).
    #[serde(default)]
    pub created_after: Option<i64>,
    /// Exclusive: incidents created strictly before this instant (Unix ms), so consecutive
    /// ranges `[a, b)`, `[b, c)` never count an incident twice.
    #[serde(default)]
    pub created_before: Option<i64>,
    /// Case-insensitive substring of the name, the summary or the reference (`INC-0042`).
    /// Blank text matches everything.
    #[serde(default)]
    pub text: Option<String>,
    /// A configured severity, any case.
    #[serde(default)]
    pub severity: Option<String>,
    /// A status, any case.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub playbook_id: Option<String>,
    /// Custom field values, each `(name, value)` compared ignoring case (a number as stored,
    /// `3.5`; a user field by user id); all must match. An incident without the field does
    /// not match.
    #[serde(default)]
    pub fields: Vec<(String, String)>,
}

impl IncidentFilter {
    pub fn matches(&self, incident: &Incident) -> bool {
        let equals = |wanted: &Option<String>, actual: &str| wanted.as_deref().is_none_or(|w| w == actual);
        equals(&self.team_id, &incident.team_id)
            && self.state.is_none_or(|state| state == incident.state)
            && equals(&self.commander_id, &incident.commander_id)
            && self.created_after.is_none_or(|after| incident.created_at >= after)
            && self.created_before.is_none_or(|before| incident.created_at < before)
            && self.text.as_deref().is_none_or(|text| matches_text(incident, text))
            && self.playbook_id.as_deref().is_none_or(|p| incident.playbook_id.as_deref() == Some(p))
            && self.facet_lines().iter().all(|line| facets(incident).contains(line.as_str()))
    }

    /// The lines of [`facets`] an incident must have to match the severity, status and field
    /// filters: what the store's SQL looks for too.
    pub fn facet_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(severity) = &self.severity {
            lines.push(facet_line("severity", severity));
        }
        if let Some(status) = &self.status {
            lines.push(facet_line("status", status));
        }
        for (name, value) in &self.fields {
            lines.push(facet_line(&format!("field:{}", match_key(name)), value));
        }
        lines
    }
}

/// `\n<key>=<value>\n`, lower-cased: one line of [`facets`].
fn facet_line(key: &str, value: &str) -> String {
    format!("\n{key}={}\n", match_key(value))
}

/// What the severity, status and field filters compare, as one text the store keeps beside the
/// document (`facets`): a line each for the severity, the status and every field with a value,
/// `severity=p1`, `status=investigating`, `field:region=eu`, lower-cased, between newlines.
/// Names and values are single lines and field names hold no `=`, so a line cannot be forged
/// by a value.
pub fn facets(incident: &Incident) -> String {
    let mut out = String::from("\n");
    out.push_str(&facet_line("severity", &incident.severity)[1..]);
    out.push_str(&facet_line("status", &incident.status)[1..]);
    for field in &incident.fields {
        if let Some(value) = &field.value {
            out.push_str(&facet_line(&format!("field:{}", match_key(&field.name)), value)[1..]);
        }
    }
    out
}

fn matches_text(incident: &Incident, text: &str) -> bool {
    let needle = text.trim().to_lowercase();
    needle.is_empty()
        || incident.name.to_lowercase().contains(&needle)
        || incident.summary.to_lowercase().contains(&needle)
        || incident.reference().to_lowercase().contains(&needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SequentialIds;
    use crate::incident::StartIncident;

    fn incident(number: u32, name: &str, summary: &str, team: &str, commander: &str, at: i64) -> Incident {
        let request = StartIncident {
            id: format!("inc{number}"),
            team_id: team.into(),
            number,
            name: name.into(),
            summary: summary.into(),
            channel_id: "ch".into(),
            commander_id: commander.into(),
            reporter_id: commander.into(),
            ..StartIncident::default()
        };
        Incident::start(request, None, &mut SequentialIds::new("id"), at).expect("start")
    }

    #[test]
    fn empty_filter_matches_everything() {
        assert!(IncidentFilter::default().matches(&incident(1, "a", "", "t1", "u1", 0)));
    }

    #[test]
    fn each_field_filters() {
        let mut ended = incident(42, "Database down", "Primary is unreachable", "t1", "alice", 1_000);
        ended.end("alice", 2_000).expect("end");
        let other = incident(7, "Löschung", "", "t2", "bob", 5_000);

        let by_team = IncidentFilter { team_id: Some("t1".into()), ..Default::default() };
        assert!(by_team.matches(&ended) && !by_team.matches(&other));

        let by_state = IncidentFilter { state: Some(IncidentState::Active), ..Default::default() };
        assert!(!by_state.matches(&ended) && by_state.matches(&other));

        let by_commander = IncidentFilter { commander_id: Some("bob".into()), ..Default::default() };
        assert!(!by_commander.matches(&ended) && by_commander.matches(&other));

        let after = IncidentFilter { created_after: Some(1_000), ..Default::default() };
        assert!(after.matches(&ended), "created_after is inclusive");
        let before = IncidentFilter { created_before: Some(1_000), ..Default::default() };
        assert!(!before.matches(&ended), "created_before is exclusive");
        let window = IncidentFilter { created_after: Some(2_000), created_before: Some(6_000), ..Default::default() };
        assert!(!window.matches(&ended) && window.matches(&other));
    }

    #[test]
    fn text_matches_name_summary_and_reference_case_insensitively() {
        let db = incident(42, "Database down", "Primary is UNREACHABLE", "t1", "alice", 0);
        let de = incident(7, "Löschung", "", "t1", "alice", 0);
        let text = |t: &str| IncidentFilter { text: Some(t.into()), ..Default::default() };
        assert!(text("database").matches(&db));
        assert!(text("unreachable").matches(&db));
        assert!(text("inc-0042").matches(&db));
        assert!(text("LÖSCH").matches(&de));
        assert!(!text("network").matches(&db));
        assert!(text("  ").matches(&db), "blank text matches everything");
    }

    #[test]
    fn all_fields_must_match() {
        let db = incident(42, "Database down", "", "t1", "alice", 0);
        let filter = IncidentFilter { team_id: Some("t1".into()), text: Some("network".into()), ..Default::default() };
        assert!(!filter.matches(&db));
    }
}
