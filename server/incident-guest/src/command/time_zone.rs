//! `/incident timezone [<zone>|server]`: which zone the team's posts and reports write times in,
//! and which one the caller's replies and typed times use; team admins set the team's.

use crate::command::router::{Outcome, reply};
use crate::mattermost::Mattermost;
use crate::service::time_zones::user_time_zone;
use crate::service::{Service, ServiceError};
use crate::store::db::Database;

pub fn time_zone<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    user: &str,
    team_id: &str,
    args: &[String],
) -> Result<Outcome, ServiceError> {
    if let Some(name) = args.first() {
        if args.len() > 1 {
            return Err(ServiceError::Invalid("One zone: `/incident timezone Europe/Paris`, or `server`.".into()));
        }
        let mut texts = service.team_conduct_texts(team_id)?;
        texts.time_zone = if name.eq_ignore_ascii_case("server") { String::new() } else { name.trim().to_string() };
        // The same check and permission as the conduct card on the reports page.
        service.set_team_conduct(user, team_id, texts)?;
    } else {
        service.require_team_member(team_id, user)?;
    }
    let team = service.team_zone(team_id);
    let whose =
        if service.team_conduct_texts(team_id)?.time_zone.trim().is_empty() { "the server's" } else { "the team's choice" };
    let now = service.now;
    let mut text = format!("The team's posts and reports write times in **{}** ({whose}; now {}).", team.name(), team.clock(now));
    match service.mm.user(user).as_ref().and_then(user_time_zone) {
        Some(mine) => text.push_str(&format!(
            "\nYour replies, and times you type (`/incident due 3 2026-12-01 14:00`), use your Mattermost time zone, **{}**.",
            mine.name()
        )),
        None => text.push_str(
            "\nYou have no time zone in Mattermost (Settings > Display > Timezone): times you type are read in the team's.",
        ),
    }
    Ok(reply(text))
}
