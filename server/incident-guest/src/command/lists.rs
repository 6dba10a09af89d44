//! `/incident set` (custom fields) and `/incident list` with its filters.

use incident_core::{IncidentFilter, IncidentState, render};

use crate::command::router::tokenize;
use crate::command::{Invocation, Outcome, reply};
use crate::mattermost::Mattermost;
use crate::service::{Service, ServiceError, short};
use crate::store::db::Database;

/// What `/incident list` takes, for its errors and the help.
pub const LIST_USAGE: &str = "`/incident list [active|ended|all] [severity:P1] [status:Investigating] \
[playbook:\"Service incident\"] [commander:@bob] [field:Region=EU]` (quote words with spaces)";

/// `/incident set [INC-0042] <field> [value]`: sets a custom field, or clears it without a
/// value. A field name of several words may be typed as it is or quoted.
pub fn set<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    at: &Invocation<'_>,
    text: &str,
) -> Result<Outcome, ServiceError> {
    let mut args = tokenize(text);
    let reference = match args.first() {
        Some(a) if a.to_lowercase().starts_with("inc-") && incident_core::parse_reference(a).is_some() => Some(args.remove(0)),
        _ => None,
    };
    let target = service.incident_for_command(at.user_id, at.team_id, at.channel_id, reference.as_deref())?.value;
    if target.fields.is_empty() {
        return Err(ServiceError::Invalid(format!(
            "{} has no custom fields: they come from the playbook it was started from.",
            target.reference()
        )));
    }
    if args.is_empty() {
        let names = target.fields.iter().map(|f| render::safe(&f.name)).collect::<Vec<_>>().join(", ");
        return Err(ServiceError::Invalid(format!("Which field? `/incident set <field> [value]`; the fields are {names}.")));
    }
    // The longest run of leading words that names a field: `Users affected 1200`.
    let words = (1..=args.len()).rev().find(|n| target.field(&args[..*n].join(" ")).is_some()).unwrap_or(1);
    let name = args[..words].join(" ");
    let value = args[words..].join(" ");
    let value = Some(value).filter(|v| !v.trim().is_empty());
    let cleared = value.is_none();
    let incident = service.set_fields(at.user_id, &target.id, &[(name.clone(), value)])?;
    let field = incident.field(&name).map(|f| f.name.clone()).unwrap_or(name);
    Ok(reply(if cleared {
        format!("Cleared {} of {}.", render::safe(&field), incident.reference())
    } else {
        format!("Set {} of {}.", render::safe(&field), incident.reference())
    }))
}

/// `/incident list` and its filters (see [`LIST_USAGE`]). Without a state word it lists the
/// active incidents, unless a status is asked for (a final status is an ended incident).
pub fn list<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    at: &Invocation<'_>,
    args: &[String],
) -> Result<Outcome, ServiceError> {
    let user = at.user_id;
    let mut filter = IncidentFilter { team_id: Some(at.team_id.to_owned()), ..IncidentFilter::default() };
    let mut state: Option<Option<IncidentState>> = None;
    for arg in args {
        let (key, value) = match arg.split_once(':') {
            Some((k, v)) => (k.to_lowercase(), v.trim().to_owned()),
            None => (String::new(), arg.clone()),
        };
        if !key.is_empty() && value.is_empty() {
            return Err(ServiceError::Invalid(format!("`{}` needs a value after the colon. {LIST_USAGE}.", short(arg))));
        }
        match key.as_str() {
            "" => {
                state = Some(match value.to_lowercase().as_str() {
                    "active" => Some(IncidentState::Active),
                    "ended" => Some(IncidentState::Ended),
                    "all" => None,
                    _ => return Err(ServiceError::Invalid(format!("Unknown filter `{}`. {LIST_USAGE}.", short(arg)))),
                })
            }
            "severity" => filter.severity = Some(value),
            "status" => filter.status = Some(value),
            "playbook" => filter.playbook_id = Some(playbook_id(service, at, &value)?),
            "commander" => {
                let person = service
                    .mm
                    .user_by_username(value.trim_start_matches('@'))
                    .ok_or_else(|| ServiceError::Invalid(format!("There is no user {}.", short(&value))))?;
                filter.commander_id = Some(person.id);
            }
            "field" => {
                let Some((name, wanted)) = value.split_once('=').filter(|(n, v)| !n.trim().is_empty() && !v.trim().is_empty())
                else {
                    return Err(ServiceError::Invalid(format!(
                        "`{}`: write a field filter as `field:<name>=<value>`, e.g. `field:Region=EU`.",
                        short(arg)
                    )));
                };
                // A person is compared by id: `field:Owner=@bob`.
                let wanted = match wanted.trim().strip_prefix('@').and_then(|u| service.mm.user_by_username(u)) {
                    Some(person) => person.id,
                    None => wanted.trim().to_owned(),
                };
                filter.fields.push((name.trim().to_owned(), wanted));
            }
            _ => return Err(ServiceError::Invalid(format!("Unknown filter `{}`. {LIST_USAGE}.", short(arg)))),
        }
    }
    filter.state = match state {
        Some(chosen) => chosen,
        None if filter.status.is_some() => None,
        None => Some(IncidentState::Active),
    };
    let (incidents, total) = service.list(user, &filter, 0, 20)?;
    if incidents.is_empty() {
        return Ok(reply("No incidents to show."));
    }
    let usernames = |id: &str| service.mm.user(id).map(|u| u.username);
    let mut text = format!("#### Incidents ({} of {total})\n", incidents.len());
    for i in &incidents {
        let commander = usernames(&i.commander_id).unwrap_or_default();
        let channel = service.mm.channel(&i.channel_id).map(|c| c.name).unwrap_or_default();
        let state = if i.is_active() { "active" } else { "ended" };
        let header = render::channel_header(i);
        let header = if header.is_empty() { String::new() } else { format!(" {header} ·") };
        text.push_str(&format!(
            "- {} **{}** ({state}){header} ~{channel}, commander @{commander}\n",
            i.reference(),
            render::safe(&i.name)
        ));
    }
    Ok(reply(text))
}

/// A playbook the user may use (archived ones too), by title (any case) or id.
fn playbook_id<M: Mattermost, D: Database>(
    service: &mut Service<'_, M, D>,
    at: &Invocation<'_>,
    wanted: &str,
) -> Result<String, ServiceError> {
    let mut playbooks = service.playbooks_archived_or_not(at.user_id, at.team_id, false)?;
    playbooks.extend(service.playbooks_archived_or_not(at.user_id, at.team_id, true)?);
    playbooks
        .iter()
        .find(|p| p.id == wanted || p.title.to_lowercase() == wanted.trim().to_lowercase())
        .map(|p| p.id.clone())
        .ok_or_else(|| ServiceError::Invalid(format!("There is no playbook \"{}\" in this team.", render::safe(&short(wanted)))))
}
