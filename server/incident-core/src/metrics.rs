//! How fast the response was, from the incident's own record: time to the commander's first
//! action, to the first status update, to mitigation (the end of customer impact), to
//! resolution; per checklist item, time to done; per role, time until someone held it.

use serde::Serialize;

use crate::incident::Incident;
use crate::timeline::TimelineEventKind;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct IncidentMetrics {
    /// Until the commander (as of now) first acted on the incident; 0 when they declared it.
    pub time_to_commander_ms: Option<i64>,
    pub time_to_first_update_ms: Option<i64>,
    /// From the start of impact (or the incident) to its end.
    pub time_to_mitigate_ms: Option<i64>,
    pub time_to_resolve_ms: Option<i64>,
    /// (item title, time from the start to done) for done items, in checklist order.
    pub items: Vec<(String, i64)>,
    /// (role, time from the start until it was first given), in order of assignment.
    pub roles: Vec<(String, i64)>,
}

pub fn metrics(incident: &Incident) -> IncidentMetrics {
    let start = incident.created_at;
    let since = |at: i64| (at - start).max(0);
    let time_to_commander_ms = incident.timeline.iter().find(|e| e.actor_id == incident.commander_id).map(|e| since(e.at));
    let mut roles: Vec<(String, i64)> = Vec::new();
    for event in &incident.timeline {
        if let TimelineEventKind::RoleAssigned { role, to: Some(_), .. } = &event.kind
            && !roles.iter().any(|(r, _)| r == role)
        {
            roles.push((role.clone(), since(event.at)));
        }
    }
    IncidentMetrics {
        time_to_commander_ms,
        time_to_first_update_ms: incident.updates.first().map(|u| since(u.at)),
        time_to_mitigate_ms: incident.impact_ended_at.map(|end| (end - incident.impact_started_at.unwrap_or(start)).max(0)),
        // Time spent paused (waiting on a vendor, overnight) is not time to resolve.
        time_to_resolve_ms: incident.ended_at.map(|end| (since(end) - incident.paused_total_ms(end)).max(0)),
        items: incident.items().filter_map(|(_, _, item)| item.completed_at.map(|at| (item.title.clone(), since(at)))).collect(),
        roles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conduct::Conduct;
    use crate::ids::SequentialIds;
    use crate::lifecycle::UpdateDraft;
    use crate::test_support::{T0, incident};

    #[test]
    fn known_timings_give_known_metrics() {
        let mut i = incident(); // reported by bob, commander alice
        let conduct = Conduct::default();
        assert_eq!(metrics(&i).time_to_commander_ms, None, "alice has not acted yet");
        i.toggle_item("alice", 1, T0 + 120_000).expect("check");
        i.assign_role("alice", &conduct, "Comms lead", Some("carol"), T0 + 180_000).expect("role");
        i.assign_role("alice", &conduct, "Comms lead", Some("dave"), T0 + 200_000).expect("again");
        let draft = UpdateDraft { message: "m".into(), ..UpdateDraft::default() };
        i.post_update("carol", &conduct, &draft, &mut SequentialIds::new("u"), T0 + 300_000).expect("update");
        i.start_impact("alice", T0 - 60_000, T0 + 310_000).expect("impact start");
        i.end_impact("alice", T0 + 540_000, T0 + 600_000).expect("impact end");
        i.end("alice", T0 + 900_000).expect("end");
        let m = metrics(&i);
        assert_eq!(m.time_to_commander_ms, Some(120_000));
        assert_eq!(m.time_to_first_update_ms, Some(300_000));
        assert_eq!(m.time_to_mitigate_ms, Some(600_000), "from the impact start, a minute before the declaration");
        assert_eq!(m.time_to_resolve_ms, Some(900_000));
        assert_eq!(m.items.len(), 1);
        assert_eq!(m.items[0].1, 120_000);
        assert_eq!(m.roles, [("Comms lead".to_string(), 180_000)]);
    }
}
