//! The REST API under `/plugins/incident-response/api/v0/` (docs/api.md). JSON in and out;
//! every route but health needs the `Mattermost-User-Id` the server sets for a logged-in user.

use incident_core::{DomainError, Incident, IncidentFilter, IncidentState, ItemRef, ItemState, Playbook};
use mattermost_plugin_sdk::model::AutocompleteSuggestion;
use mattermost_plugin_sdk::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

use super::request::{body, number, query, query_all};
use crate::manifest::{PLUGIN_ID, VERSION};
use crate::mattermost::Mattermost;
use crate::service::dialog;
use crate::service::with_service;
use crate::service::{Service, ServiceError, StartRequest, incident_json};
use crate::store::db::Database;

type Reply = Result<HttpResponse, ServiceError>;

/// Incidents one page of `GET /incidents` holds at most. A list card (store/incident_list.rs) of the
/// largest incident is about 200 KB; 100 of them, and their JSON, stay well within the guest's
/// 128 MiB.
const MAX_INCIDENTS_PAGE: usize = 100;
/// Followers one page of `GET /incidents/{id}/followers` holds at most (and by default).
const MAX_FOLLOWERS_PAGE: usize = 1000;

fn fail(e: &ServiceError) -> HttpResponse {
    HttpResponse::error(e.http_status(), &e.to_string())
}

/// A playbook as a client sends it: the server assigns id and times, so they may be left out.
fn playbook_body(request: &HttpRequest) -> Result<Playbook, ServiceError> {
    let mut v: Value = body(request)?;
    let Value::Object(map) = &mut v else {
        return Err(ServiceError::Invalid("A playbook is a JSON object.".into()));
    };
    for (key, default) in [("id", json!("")), ("team_id", json!("")), ("created_at", json!(0)), ("updated_at", json!(0))] {
        map.entry(key).or_insert(default);
    }
    serde_json::from_value(v).map_err(|e| ServiceError::Invalid(format!("Not a valid playbook: {e}")))
}

/// `field=<name>=<value>`, repeatable: every one must match.
fn field_filters(request: &HttpRequest) -> Result<Vec<(String, String)>, ServiceError> {
    let filters = query_all(request, "field");
    if filters.len() > 20 {
        return Err(ServiceError::Invalid("At most 20 `field` filters.".into()));
    }
    filters
        .iter()
        .map(|f| match f.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => Err(ServiceError::Invalid("`field` is <name>=<value>, e.g. field=Region%3DEU.".into())),
        })
        .collect()
}

fn millis(request: &HttpRequest, key: &str) -> Result<Option<i64>, ServiceError> {
    query(request, key)
        .map(|v| v.parse::<i64>().map_err(|_| ServiceError::Invalid(format!("`{key}` must be Unix milliseconds."))))
        .transpose()
}

pub fn route<M: Mattermost, D: Database>(mm: &M, db: &D, request: &HttpRequest) -> HttpResponse {
    let Some(user) = request.user_id.clone() else {
        return HttpResponse::error(401, "not authenticated: log in to Mattermost");
    };
    // Another plugin's request (Mattermost sets this header on inter-plugin calls and strips it
    // from everyone else's) may carry any user id it likes: the API acts for people, so it
    // serves none.
    if request.header("Mattermost-Plugin-ID").is_some() {
        return HttpResponse::error(403, "Incident Response does not serve requests from other plugins.");
    }
    let path: Vec<&str> = request.path().trim_matches('/').split('/').collect();
    let method = request.method.as_str();
    // The echo route carries arbitrary bytes for the transport's tests, and the import a whole
    // dossier (bounded by its own limits); everything else is bounded before it runs.
    if path != ["api", "v0", "echo"]
        && !crate::api::dossier::is_import(&path)
        && let Err(e) = crate::api::input_limits::check_request(request)
    {
        return refuse_too_long(&path, e);
    }
    let outcome = with_service(mm, db, |s| dispatch(s, &user, method, &path, request));
    outcome.unwrap_or_else(|e| fail(&e))
}

/// An over-long input, answered the way the caller shows errors: Mattermost's forms show
/// `errors` under their fields and buttons show `ephemeral_text` (both with status 200, as the
/// server expects); everyone else gets the 400.
fn refuse_too_long(path: &[&str], e: crate::api::input_limits::TooLong) -> HttpResponse {
    match path {
        ["api", "v0", "dialogs", _] => match e.field.strip_prefix("submission.") {
            Some(field) => HttpResponse::json(200, &json!({ "errors": { field: e.message } })),
            None => HttpResponse::json(200, &json!({ "error": e.message })),
        },
        ["api", "v0", "actions", "reminders" | "claim" | "declare" | "ignore"] => {
            HttpResponse::json(200, &json!({ "ephemeral_text": e.message }))
        }
        _ => fail(&e.into()),
    }
}

/// A non-empty text field of a JSON body.
fn required_text(body: &Value, key: &str) -> std::result::Result<String, ServiceError> {
    match body.get(key) {
        Some(Value::String(t)) if !t.trim().is_empty() => Ok(t.clone()),
        _ => Err(ServiceError::Invalid(format!("`{key}` is required."))),
    }
}

fn dispatch<M: Mattermost, D: Database>(
    s: &mut Service<'_, M, D>,
    user: &str,
    method: &str,
    path: &[&str],
    request: &HttpRequest,
) -> Reply {
    let ok = |v: Value| Ok(HttpResponse::json(200, &v));
    if let Some(reply) = crate::api::learning_review::dispatch(s, user, method, path, request) {
        return reply;
    }
    if let Some(reply) = crate::api::dossier::dispatch(s, user, method, path, request) {
        return reply;
    }
    if let Some(reply) = crate::api::edit::dispatch(s, user, method, path, request) {
        return reply;
    }
    if let Some(reply) = crate::api::paging::dispatch(s, user, method, path, request) {
        return reply;
    }
    match (method, path) {
        ("GET", ["api", "v0", "health"]) => ok(json!({"status": "ok", "plugin_id": PLUGIN_ID, "version": VERSION,
            "interface": mattermost_plugin_sdk::INTERFACE_VERSION})),
        ("POST", ["api", "v0", "echo"]) => {
            let content_type = request.header("Content-Type").unwrap_or("application/octet-stream");
            Ok(HttpResponse::bytes(200, content_type, request.body.clone()))
        }

        // --- incidents --------------------------------------------------------------------
        ("GET", ["api", "v0", "incidents"]) => {
            let state = match query(request, "state").as_deref() {
                None | Some("all") => None,
                Some("active") => Some(IncidentState::Active),
                Some("ended") => Some(IncidentState::Ended),
                Some(_) => return Err(ServiceError::Invalid("`state` is active, ended or all.".into())),
            };
            let filter = IncidentFilter {
                team_id: Some(query(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?),
                state,
                commander_id: query(request, "commander_id"),
                created_after: millis(request, "created_after")?,
                created_before: millis(request, "created_before")?,
                text: query(request, "q"),
                severity: query(request, "severity"),
                status: query(request, "status"),
                playbook_id: query(request, "playbook_id"),
                fields: field_filters(request)?,
            };
            let page = number(request, "page", 0, 100_000)?;
            let per_page = number(request, "per_page", 20, MAX_INCIDENTS_PAGE)?.max(1);
            let (items, total) = s.list(user, &filter, page, per_page)?;
            ok(json!({"items": items.iter().map(incident_json).collect::<Vec<_>>(), "total": total,
                "page": page, "per_page": per_page}))
        }
        ("GET", ["api", "v0", "tasks"]) => {
            let team = query(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?;
            let tasks = s.my_tasks(user, &team)?;
            let now = s.now;
            ok(json!({"items": tasks.iter().map(|t| t.to_json(now)).collect::<Vec<_>>()}))
        }
        ("POST", ["api", "v0", "incidents"]) => {
            let incident = s.start(user, body::<StartRequest>(request)?)?;
            Ok(HttpResponse::json(201, &incident_json(&incident)))
        }
        ("GET", ["api", "v0", "incidents", id]) => {
            let incident = s.incident(user, id)?.value;
            let mut v = incident_json(&incident);
            // What the caller may do that the webapp offers only to some (a Delete button).
            v["may_delete"] = s.may_delete(user, &incident).into();
            ok(v)
        }
        ("DELETE", ["api", "v0", "incidents", id]) => {
            let archive = match query(request, "archive_channel").as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(_) => return Err(ServiceError::Invalid("`archive_channel` is true or false.".into())),
            };
            let deleted = s.delete_incident(user, id, archive)?;
            ok(json!({"deleted": deleted.incident.id, "reference": deleted.incident.reference(),
                "channel_archived": deleted.channel_archived, "unresolved": deleted.unresolved}))
        }
        ("GET", ["api", "v0", "incidents", id, "similar"]) => ok(json!({"items": s.similar(user, id)?})),
        ("POST", ["api", "v0", "incidents", id, "end"]) => ok(incident_json(&s.end(user, id)?)),
        ("POST", ["api", "v0", "incidents", id, "commander"]) => {
            let b: Value = body(request)?;
            let new =
                b.get("user_id").and_then(Value::as_str).ok_or_else(|| ServiceError::Invalid("`user_id` is required.".into()))?;
            ok(incident_json(&s.change_commander(user, id, new)?))
        }
        ("POST", ["api", "v0", "incidents", id, "items"]) => {
            let b: Value = body(request)?;
            // A section is a title or a 1-based number, sent as text or as a JSON number.
            let section = match b.get("section") {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(t)) => t.clone(),
                _ => String::new(),
            };
            let title = b.get("title").and_then(Value::as_str).unwrap_or_default().to_owned();
            let actor = user.to_owned();
            let (incident, item_id) = s.change(user, id, |i, ids, now| i.add_item(&actor, &section, &title, ids, now))?;
            let mut v = incident_json(&incident);
            v["item_id"] = item_id.into();
            Ok(HttpResponse::json(201, &v))
        }
        ("POST", ["api", "v0", "incidents", id, "severity"]) => {
            let b: Value = body(request)?;
            ok(incident_json(&s.change_severity(user, id, required_text(&b, "severity")?.as_str())?))
        }
        ("POST", ["api", "v0", "incidents", id, "status"]) => {
            let b: Value = body(request)?;
            ok(incident_json(&s.change_status(user, id, required_text(&b, "status")?.as_str())?))
        }
        ("POST", ["api", "v0", "incidents", id, "reopen"]) => ok(incident_json(&s.reopen(user, id)?)),
        ("POST", ["api", "v0", "incidents", id, "pause"]) => {
            let reason = required_text(&body(request)?, "reason")?;
            ok(incident_json(&s.pause(user, id, &reason)?))
        }
        ("POST", ["api", "v0", "incidents", id, "resume"]) => ok(incident_json(&s.resume(user, id)?)),
        ("POST", ["api", "v0", "incidents", id, "roles"]) => {
            let b: Value = body(request)?;
            let role = required_text(&b, "role")?;
            let holder = match b.get("user_id") {
                None | Some(Value::Null) => None,
                Some(Value::String(u)) if !u.is_empty() => Some(u.clone()),
                Some(_) => return Err(ServiceError::Invalid("`user_id` is a user id or null.".into())),
            };
            ok(incident_json(&s.assign_role(user, id, &role, holder.as_deref())?))
        }
        ("POST", ["api", "v0", "incidents", id, "updates"]) => {
            let draft: incident_core::lifecycle::UpdateDraft = body(request)?;
            Ok(HttpResponse::json(201, &incident_json(&s.post_update(user, id, &draft)?)))
        }
        // A reminder's buttons: Mattermost posts the button's context for the user who clicked.
        ("POST", ["api", "v0", "actions", "reminders"]) => {
            let b: Value = body(request)?;
            let context = b.get("context").cloned().unwrap_or(Value::Null);
            let text = |k: &str| context.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            let answer = match s.reminders_action(user, &text("incident_id"), &text("action")) {
                Ok(said) => said,
                Err(e) => e.to_string(),
            };
            ok(json!({ "ephemeral_text": answer }))
        }
        ("GET", ["api", "v0", "incidents", id, "followers"]) => {
            let page = number(request, "page", 0, 100_000)?;
            let per_page = number(request, "per_page", MAX_FOLLOWERS_PAGE, MAX_FOLLOWERS_PAGE)?.max(1);
            ok(json!({ "user_ids": s.followers(user, id, page, per_page)?, "page": page, "per_page": per_page }))
        }
        ("PUT", ["api", "v0", "incidents", id, "followers", "me"]) => ok(json!({ "message": s.set_following(user, id, true)? })),
        ("DELETE", ["api", "v0", "incidents", id, "followers", "me"]) => {
            ok(json!({ "message": s.set_following(user, id, false)? }))
        }
        // "Claim <role>" buttons (intro post, role nudges): the role goes to whoever clicked.
        ("POST", ["api", "v0", "actions", "claim"]) => {
            let b: Value = body(request)?;
            let context = b.get("context").cloned().unwrap_or(Value::Null);
            let text = |k: &str| context.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            let role = text("role");
            let answer = match s.assign_role(user, &text("incident_id"), &role, Some(user)) {
                Ok(incident) => format!("You are now the {role} of {}.", incident.reference()),
                Err(e) => e.to_string(),
            };
            ok(json!({ "ephemeral_text": answer }))
        }
        // The offers' buttons ("Start incident", "Not an incident"); Mattermost sends the
        // button's context and a trigger id for opening the form.
        ("POST", ["api", "v0", "actions", "declare"]) => {
            let b: Value = body(request)?;
            let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            let context = b.get("context").cloned().unwrap_or(Value::Null);
            let answer = match s.declare_from_post(
                user,
                &text(&b, "trigger_id"),
                &text(&context, "post_id"),
                &text(&context, "playbook_id"),
            ) {
                Ok(_) => json!({}),
                Err(e) => json!({ "ephemeral_text": e.to_string() }),
            };
            ok(answer)
        }
        ("POST", ["api", "v0", "actions", "ignore"]) => {
            let b: Value = body(request)?;
            let thread = b.get("context").and_then(|c| c.get("thread_id")).and_then(Value::as_str).unwrap_or_default().to_owned();
            let answer = s.ignore_thread(user, &thread).unwrap_or_else(|e| e.to_string());
            ok(json!({ "ephemeral_text": answer }))
        }
        ("GET", ["api", "v0", "webhooks", "deliveries"]) => ok(s.webhook_log(user, 100)?),
        // Without a team: the server-wide lists (as before teams had their own).
        ("GET", ["api", "v0", "conduct"]) => match query(request, "team_id") {
            Some(team) => ok(s.team_conduct(user, &team)?),
            None => {
                let mut server = serde_json::to_value(s.conduct()?).unwrap_or(Value::Null);
                server["source"] = json!("server");
                ok(server)
            }
        },
        ("PUT", ["api", "v0", "conduct"]) => {
            let team = query(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?;
            // An empty body returns the team to the server-wide lists.
            let texts = if request.body.iter().all(u8::is_ascii_whitespace) { Default::default() } else { body(request)? };
            ok(s.set_team_conduct(user, &team, texts)?)
        }
        ("POST", ["api", "v0", "incidents", id, "timeline"]) => {
            let b: Value = body(request)?;
            let text = |key: &str| match b.get(key) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(t)) => Ok(t.clone()),
                Some(_) => Err(ServiceError::Invalid(format!("`{key}` is text."))),
            };
            let post_id = text("post_id")?;
            if post_id.trim().is_empty() {
                return Err(ServiceError::Invalid("`post_id` names the message to add.".into()));
            }
            let category = match text("category")?.as_str() {
                "" => incident_core::timeline::EntryCategory::Note,
                c => incident_core::timeline::EntryCategory::parse(c)
                    .ok_or_else(|| ServiceError::Invalid("`category` is note, key_event, decision or hypothesis.".into()))?,
            };
            ok(incident_json(&s.add_post_to_timeline(user, id, &post_id, &text("note")?, category)?))
        }
        ("DELETE", ["api", "v0", "incidents", id, "items", item]) => {
            let (actor, item) = (user.to_owned(), ItemRef::Id((*item).to_owned()));
            ok(incident_json(&s.change(user, id, |i, _, now| i.remove_item(&actor, item.clone(), now))?.0))
        }
        ("PATCH", ["api", "v0", "incidents", id, "items", item]) => ok(incident_json(&patch_item(s, user, id, item, request)?)),
        ("POST", ["api", "v0", "incidents", id, "items", item, "move"]) => {
            let b: Value = body(request)?;
            let section = match b.get("section") {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(t)) => t.clone(),
                _ => String::new(),
            };
            let position = b.get("position").and_then(Value::as_u64).unwrap_or(1) as usize;
            let (actor, item) = (user.to_owned(), ItemRef::Id((*item).to_owned()));
            ok(incident_json(&s.change(user, id, |i, _, now| i.move_item(&actor, item.clone(), &section, position, now))?.0))
        }

        // --- playbooks --------------------------------------------------------------------
        ("GET", ["api", "v0", "playbooks"]) => {
            let team = query(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?;
            let archived = match query(request, "archived").as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(_) => return Err(ServiceError::Invalid("`archived` is true or false.".into())),
            };
            ok(json!({"items": s.playbooks_archived_or_not(user, &team, archived)?}))
        }
        ("POST", ["api", "v0", "playbooks"]) => Ok(HttpResponse::json(201, &s.create_playbook(user, playbook_body(request)?)?)),
        ("POST", ["api", "v0", "playbooks", "import"]) => {
            let team = query(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?;
            let text = String::from_utf8_lossy(&request.body).into_owned();
            Ok(HttpResponse::json(201, &s.import_playbook(user, &team, &text)?))
        }
        ("GET", ["api", "v0", "playbooks", id]) => ok(serde_json::to_value(s.playbook(user, id)?.value).unwrap_or(Value::Null)),
        ("PUT", ["api", "v0", "playbooks", id]) => {
            ok(serde_json::to_value(s.update_playbook(user, id, playbook_body(request)?)?).unwrap_or(Value::Null))
        }
        ("DELETE", ["api", "v0", "playbooks", id]) => {
            s.archive_playbook(user, id)?;
            Ok(HttpResponse { status: 204, headers: Vec::new(), body: Vec::new() })
        }
        ("POST", ["api", "v0", "playbooks", id, "restore"]) => {
            ok(serde_json::to_value(s.restore_playbook(user, id)?).unwrap_or(Value::Null))
        }
        ("GET", ["api", "v0", "playbooks", id, "export"]) => {
            let playbook = s.playbook(user, id)?.value;
            Ok(HttpResponse::bytes(200, "application/json", incident_core::playbook::export_json(&playbook).into_bytes()))
        }

        // --- the start form and autocomplete ------------------------------------------------
        ("POST", ["api", "v0", "dialogs", "start"]) => {
            let b: Value = body(request)?;
            if b.get("cancelled").and_then(Value::as_bool) == Some(true) {
                return ok(json!({}));
            }
            let outcome = dialog::start_request(&b).and_then(|r| s.start(user, r));
            // A refused submission keeps the form open with the reason (status 200, as the
            // server expects from dialog endpoints).
            ok(match outcome {
                Ok(_) => json!({}),
                Err(e) => dialog::errors_response(&e),
            })
        }
        ("POST", ["api", "v0", "dialogs", "update"]) => {
            let b: Value = body(request)?;
            if b.get("cancelled").and_then(Value::as_bool) == Some(true) {
                return ok(json!({}));
            }
            let (incident_id, draft) = dialog::update_draft(&b, s.now);
            ok(match s.post_update(user, &incident_id, &draft) {
                Ok(_) => json!({}),
                // The form keeps the reason under the field it concerns.
                Err(ServiceError::Invalid(m)) => {
                    let field = if m.contains("There is no status") {
                        "status"
                    } else if m.contains("the impact:") {
                        "impact"
                    } else if m.contains("next update") {
                        "next"
                    } else {
                        "message"
                    };
                    json!({ "errors": { field: m } })
                }
                Err(e) => json!({ "error": e.to_string() }),
            })
        }
        ("GET", ["api", "v0", "autocomplete", what]) => {
            ok(serde_json::to_value(autocomplete(s, user, what, request)?).unwrap_or(Value::Null))
        }

        (_, ["api", "v0", "health" | "echo"]) => Ok(HttpResponse::error(405, "method not allowed")),
        _ => Ok(HttpResponse::error(404, &format!("no such endpoint: {}", request.path().chars().take(200).collect::<String>()))),
    }
}

/// Sets any of an item's state, title and assignee in one change: all of them or, if one is
/// refused, none. A field already at the asked value is left alone; asking nothing new is 409.
fn patch_item<M: Mattermost, D: Database>(
    s: &mut Service<'_, M, D>,
    user: &str,
    id: &str,
    item: &str,
    request: &HttpRequest,
) -> Result<Incident, ServiceError> {
    let b: Value = body(request)?;
    let invalid = |m: &str| ServiceError::Invalid(m.to_owned());
    let state: Option<ItemState> = match b.get("state") {
        None => None,
        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|_| invalid("`state` is open, done or skipped."))?),
    };
    let title: Option<String> = match b.get("title") {
        None => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => return Err(invalid("`title` is text.")),
    };
    let assignee: Option<Option<String>> = match b.get("assignee_id") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(a)) => Some(Some(a.clone()).filter(|a| !a.is_empty())),
        Some(_) => return Err(invalid("`assignee_id` is a user id or null.")),
    };
    let assignees: Option<Vec<String>> = match b.get("assignee_ids") {
        None => None,
        Some(Value::Array(list)) => Some(
            list.iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| invalid("`assignee_ids` is a list of user ids.")))
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err(invalid("`assignee_ids` is a list of user ids.")),
    };
    let due: Option<Option<i64>> = match b.get("due_at") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => Some(Some(v.as_i64().ok_or_else(|| invalid("`due_at` is a time in Unix milliseconds, or null."))?)),
    };
    let evidence: Option<String> = match b.get("evidence") {
        None => None,
        Some(Value::String(e)) => Some(e.clone()),
        Some(_) => return Err(invalid("`evidence` is text.")),
    };
    if evidence.is_some() && state != Some(ItemState::Done) {
        return Err(invalid("`evidence` comes with \"state\": \"done\": it is given when the item is checked."));
    }
    if state.is_none() && title.is_none() && assignee.is_none() && assignees.is_none() && due.is_none() {
        return Err(invalid("Nothing to change: send state, title, assignee_id, assignee_ids or due_at."));
    }
    if assignee.is_some() && assignees.is_some() {
        return Err(invalid("Send assignee_id or assignee_ids, not both."));
    }
    let new_people: Vec<&String> = assignee.iter().flatten().chain(assignees.iter().flatten()).collect();
    if !new_people.is_empty() {
        let current = s.incident(user, id)?.value;
        for person in new_people {
            s.item_assignee_check(&current, Some(person))?;
        }
    }
    let item = ItemRef::Id(item.to_owned());
    let actor = user.to_owned();
    let (incident, ()) = s.change(user, id, |i, _, now| {
        let current = i.item(&item).cloned().ok_or_else(|| DomainError::NoSuchItem(item.clone()))?;
        let mut changed = false;
        if let Some(t) = &title
            && t.as_str() != current.title
        {
            i.rename_item(&actor, item.clone(), t, now)?;
            changed = true;
        }
        if let Some(st) = &state
            && *st != current.state
        {
            match &evidence {
                Some(e) => i.check_item_with_evidence(&actor, item.clone(), e, now)?,
                None => i.set_item_state(&actor, item.clone(), *st, now)?,
            }
            changed = true;
        }
        if let Some(a) = &assignee
            && a.iter().cloned().collect::<Vec<_>>() != current.assignee_ids
        {
            i.assign_item(&actor, item.clone(), a.clone(), now)?;
            changed = true;
        }
        if let Some(wanted) = &assignees {
            // The whole list as sent: those no longer in it go, those new to it come.
            let gone: Vec<String> = current.assignee_ids.iter().filter(|a| !wanted.contains(a)).cloned().collect();
            let new: Vec<String> = wanted.iter().filter(|a| !current.assignee_ids.contains(a)).cloned().collect();
            if !gone.is_empty() {
                i.remove_assignees(&actor, item.clone(), &gone, now)?;
                changed = true;
            }
            if !new.iter().all(|a| a.trim().is_empty()) {
                i.add_assignees(&actor, item.clone(), &new, now)?;
                changed = true;
            }
        }
        if let Some(d) = &due
            && *d != current.due_at
        {
            i.set_item_due(&actor, item.clone(), *d, now)?;
            changed = true;
        }
        if changed { Ok(()) } else { Err(DomainError::NoChange("The item already is as asked.".into())) }
    })?;
    Ok(incident)
}

/// Suggestions for the slash command's dynamic arguments. The server calls these with the
/// typing user's id and `team_id`, `channel_id`, `user_input` in the query.
fn autocomplete<M: Mattermost, D: Database>(
    s: &mut Service<'_, M, D>,
    user: &str,
    what: &str,
    request: &HttpRequest,
) -> Result<Vec<AutocompleteSuggestion>, ServiceError> {
    let team = query(request, "team_id").unwrap_or_default();
    let channel = query(request, "channel_id").unwrap_or_default();
    let suggestion = |item: String, hint: String, help: String| AutocompleteSuggestion { item, hint, help_text: help };
    match what {
        "severities" | "statuses" | "roles" => {
            let conduct = s.conduct_for(&team)?;
            let levels = match what {
                "severities" => conduct.severities,
                "statuses" => conduct.statuses,
                _ => conduct.roles,
            };
            Ok(levels
                .into_iter()
                .map(|l| {
                    let short_help: String = l.description.chars().take(80).collect();
                    suggestion(l.name.clone(), String::new(), short_help)
                })
                .collect())
        }
        "states" => Ok(["active", "ended", "all"]
            .iter()
            .map(|s| suggestion((*s).into(), String::new(), format!("{s} incidents")))
            .collect()),
        "incidents" => {
            // The channel's own incidents first (those the user may see, of this team), then
            // the team's other active ones.
            // Its active ones; its ended ones only when none is active (a channel may hold many).
            let mut in_channel = s.repo.active_incidents_by_channel(&channel)?;
            if in_channel.is_empty() {
                in_channel = s.repo.incidents_by_channel(&channel)?;
            }
            let here: Vec<Incident> =
                in_channel.into_iter().map(|v| v.value).filter(|i| i.team_id == team && s.may_view(i, user)).collect();
            let filter = IncidentFilter { team_id: Some(team), state: Some(IncidentState::Active), ..IncidentFilter::default() };
            let others = s.list(user, &filter, 0, 25)?.0.into_iter().filter(|i| !here.iter().any(|h| h.id == i.id));
            let in_channel = |i: &Incident| match (i.channel_id == channel, i.is_active()) {
                (true, true) => "In this channel".to_owned(),
                (true, false) => "In this channel (ended)".to_owned(),
                _ => String::new(),
            };
            Ok(here.iter().cloned().chain(others).map(|i| suggestion(i.reference(), i.name.clone(), in_channel(&i))).collect())
        }
        "items" => {
            // In a channel several incidents share, the reference typed so far says whose items.
            let mut typed = crate::command::router::tokenize(&query(request, "user_input").unwrap_or_default());
            let reference = crate::command::router::take_reference(&mut typed);
            let incident = s.incident_for_command(user, &team, &channel, reference.as_deref())?.value;
            Ok(incident
                .items()
                .map(|(n, section, item)| suggestion(n.to_string(), item.title.clone(), section.title.clone()))
                .collect())
        }
        "services" => {
            let (names, _) = s.pageable_services(user, &team)?;
            let mut out: Vec<AutocompleteSuggestion> =
                names.into_iter().map(|n| suggestion(n, String::new(), "Page its on-call".into())).collect();
            out.push(suggestion("resolve".into(), String::new(), "Retry resolving the pages after the end".into()));
            Ok(out)
        }
        _ => Err(ServiceError::NotFound("No such suggestion list.".into())),
    }
}
