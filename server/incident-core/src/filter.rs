//! Which incidents a listing shows. The store filters in SQL for speed; this is the reference
//! meaning of each filter, which the store's tests can compare against.

use serde::{Deserialize, Serialize};

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
    }
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
