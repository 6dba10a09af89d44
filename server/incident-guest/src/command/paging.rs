//! `/incident page`: page a service's on-call, list the services, or retry resolves.

use crate::command::router::{Invocation, Outcome, reply};
use crate::mattermost::Mattermost;
use crate::service::{Service, ServiceError};
use crate::store::db::Database;

pub fn run<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    at: &Invocation<'_>,
    mut args: Vec<String>,
) -> Result<Outcome, ServiceError> {
    let user = at.user_id;
    let reference = crate::command::router::take_reference(&mut args);
    let Some(what) = args.first().cloned() else {
        let (services, statuspage) = service.pageable_services(user, at.team_id)?;
        let mut text = if services.is_empty() {
            "This team has no services to page; a team or system admin can add them on the reports page (Paging).".to_owned()
        } else {
            format!("Services you can page: {}. Page one with `/incident page <service>`.", services.join(", "))
        };
        if statuspage {
            text.push_str(
                "\nStatus updates can be mirrored to the team's status page: `/incident update --statuspage <message>`.",
            );
        }
        return Ok(reply(text));
    };
    let target = service.incident_for_command(user, at.team_id, at.channel_id, reference.as_deref())?;
    if what.eq_ignore_ascii_case("resolve") {
        let incident = service.retry_resolves(user, &target.value.id)?;
        return Ok(reply(format!("The pages and status page of {} are resolved.", incident.reference())));
    }
    let incident = service.page(user, &target.value.id, &what)?;
    Ok(reply(format!("Paged the on-call of {} for {}.", what.trim().to_lowercase(), incident.reference())))
}
