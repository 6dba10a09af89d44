//! REST routes for edits after the start (docs/api.md, "Incidents"): the incident's name and
//! summary, a section's title, an item's command run, the update reminders and custom fields.

use incident_core::ItemRef;
use mattermost_plugin_sdk::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

use crate::api::request::body;
use crate::mattermost::Mattermost;
use crate::service::editing::IncidentEdit;
use crate::service::incident_json;
use crate::service::{Service, ServiceError};
use crate::store::db::Database;

type Reply = Result<HttpResponse, ServiceError>;

/// An optional text field: absent (or null) is `None`; anything but text is refused by name.
fn optional_text(b: &Value, key: &str) -> Result<Option<String>, ServiceError> {
    match b.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) => Ok(Some(t.clone())),
        Some(_) => Err(ServiceError::Invalid(format!("`{key}` is text."))),
    }
}

fn object(request: &HttpRequest) -> Result<Value, ServiceError> {
    let b: Value = body(request)?;
    if b.is_object() { Ok(b) } else { Err(ServiceError::Invalid("The request body is a JSON object.".into())) }
}

/// `None` when the path is not one of these routes.
pub fn dispatch<M: Mattermost, D: Database>(
    s: &mut Service<'_, M, D>,
    user: &str,
    method: &str,
    path: &[&str],
    request: &HttpRequest,
) -> Option<Reply> {
    let ok = |v: Value| Ok(HttpResponse::json(200, &v));
    Some(match (method, path) {
        ("PATCH", ["api", "v0", "incidents", id]) => (|| {
            let b = object(request)?;
            let edit = IncidentEdit { name: optional_text(&b, "name")?, summary: optional_text(&b, "summary")? };
            ok(incident_json(&s.edit_incident(user, id, &edit)?))
        })(),
        ("PATCH", ["api", "v0", "incidents", id, "sections", section]) => (|| {
            let b = object(request)?;
            let title = optional_text(&b, "title")?
                .ok_or_else(|| ServiceError::Invalid("`title` is required: the section's new title.".into()))?;
            ok(incident_json(&s.rename_section(user, id, section, &title)?))
        })(),
        ("POST", ["api", "v0", "incidents", id, "items", item, "run"]) => {
            (|| ok(incident_json(&s.record_command_run(user, id, ItemRef::Id((*item).to_owned()))?)))()
        }
        ("GET", ["api", "v0", "incidents", id, "reminders"]) => (|| {
            let (_, plan, text) = s.reminder_plan(user, id)?;
            let mut body = serde_json::to_value(&plan).map_err(|e| ServiceError::Internal(e.to_string()))?;
            body["text"] = json!(text);
            ok(body)
        })(),
        ("POST", ["api", "v0", "incidents", id, "reminders"]) => (|| {
            let b = object(request)?;
            let action = optional_text(&b, "action")?
                .filter(|a| !a.trim().is_empty())
                .ok_or_else(|| ServiceError::Invalid("`action` is required: snooze, off or on.".into()))?;
            let minutes = match b.get("minutes") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_i64().ok_or_else(|| ServiceError::Invalid("`minutes` is a whole number.".into()))?),
            };
            let (incident, message) = s.reminders(user, id, action.trim(), minutes)?;
            ok(json!({ "message": message, "incident": incident_json(&incident) }))
        })(),
        ("PATCH", ["api", "v0", "incidents", id, "fields"]) => (|| {
            let b = object(request)?;
            let Some(Value::Object(fields)) = b.get("fields") else {
                return Err(ServiceError::Invalid(
                    "`fields` is required: an object of field names and values (null clears one).".into(),
                ));
            };
            let mut values = Vec::with_capacity(fields.len());
            for (name, value) in fields {
                let value = match value {
                    Value::Null => None,
                    Value::String(t) => Some(t.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => {
                        return Err(ServiceError::Invalid(format!(
                            "The value of `{}` is text, a number or null.",
                            crate::service::short(name)
                        )));
                    }
                };
                values.push((name.clone(), value));
            }
            ok(incident_json(&s.set_fields(user, id, &values)?))
        })(),
        _ => return None,
    })
}
