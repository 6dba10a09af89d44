//! `/incident load`: the caller's own responder load, as an ephemeral reply.

use incident_core::render;

use crate::command::router::{Invocation, Outcome, reply};
use crate::mattermost::Mattermost;
use crate::service::{Service, ServiceError};
use crate::store::db::Database;

/// `5 h 07 min`, `45 min`.
fn hours_and_minutes(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

pub fn run<M: Mattermost, D: Database>(service: &Service<'_, M, D>, at: &Invocation<'_>) -> Result<Outcome, ServiceError> {
    let report = service.responder_load(at.user_id, at.team_id, 2, Some(at.user_id))?;
    let Some(me) = report.people.first() else {
        return Ok(reply("You have no load to show in this team."));
    };
    let mut text = String::from("#### Your load in this team\n");
    if me.open_roles.is_empty() && me.open_items.is_empty() {
        text.push_str("You hold no role and no open checklist item in an active incident now.\n");
    }
    for role in &me.open_roles {
        let name = if role.is_commander { "Commander".to_owned() } else { render::safe(&role.role) };
        text.push_str(&format!("- {name} of {} {}\n", role.reference, render::safe(&role.incident_name)));
    }
    for item in &me.open_items {
        text.push_str(&format!(
            "- Item {}. {} in {} {}\n",
            item.number,
            render::safe(&item.title),
            item.reference,
            render::safe(&item.incident_name)
        ));
    }
    let per_week = |i: usize| me.incidents_per_week.get(i).copied().unwrap_or(0);
    text.push_str(&format!("\nIncidents worked: {} this week, {} last week.\n", per_week(1), per_week(0)));
    text.push_str(&format!(
        "Out-of-hours time in incidents this month: {} (working hours: Monday to Friday, 09:00 to 18:00 in {}).",
        hours_and_minutes(me.out_of_hours_ms_month),
        me.time_zone
    ));
    if !me.time_zone_known {
        text.push_str(" Your Mattermost time zone is not set, so UTC was used.");
    }
    text.push_str("\nThe team's load is on the Reports page (Responders).");
    Ok(reply(text))
}

#[cfg(test)]
mod tests {
    use super::hours_and_minutes;

    #[test]
    fn durations_read_in_hours_and_minutes() {
        assert_eq!(hours_and_minutes(0), "0 min");
        assert_eq!(hours_and_minutes(45 * 60_000), "45 min");
        assert_eq!(hours_and_minutes(5 * 3_600_000 + 7 * 60_000), "5 h 07 min");
        assert_eq!(hours_and_minutes(-5), "0 min");
    }
}
