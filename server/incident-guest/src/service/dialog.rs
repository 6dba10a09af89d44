//! The "start an incident" form, opened by `/incident start` without a name, and its
//! submission (posted by the server to `/api/v0/dialogs/start`).

use mattermost_plugin_sdk::model::{Dialog, DialogElement, DialogOption, OpenDialogRequest};
use serde_json::{Value, json};

use crate::manifest::PLUGIN_ID;
use crate::mattermost::Mattermost;
use crate::service::{Service, ServiceError, StartRequest};
use crate::store::db::Database;

pub const START_CALLBACK: &str = "start_incident";

/// Who opens the form, where, and what it starts with (from a message: its text and playbook).
pub struct StartForm<'a> {
    pub user_id: &'a str,
    pub team_id: &'a str,
    pub trigger_id: &'a str,
    pub summary: String,
    pub playbook_id: String,
}

/// Opens the form, offering the playbooks the user may start from in that team.
pub fn open_start<M: Mattermost, D: Database>(service: &mut Service<'_, M, D>, form: &StartForm<'_>) -> Result<(), String> {
    let playbooks = service.playbooks(form.user_id, form.team_id).map_err(|e| e.to_string())?;
    let mut options = vec![DialogOption { text: "No playbook".into(), value: String::new() }];
    options.extend(playbooks.iter().map(|p| DialogOption { text: p.title.clone(), value: p.id.clone() }));
    let text = |name: &str, display: &str, optional: bool, help: &str| DialogElement {
        name: name.into(),
        display_name: display.into(),
        element_type: "text".into(),
        optional,
        help_text: help.into(),
        max_length: 100,
        ..DialogElement::default()
    };
    // The form cannot change with the playbook chosen in it, so it offers the custom fields of
    // the playbook it opens with (from a message); others are set later with `/incident set`.
    let fields = playbooks.iter().find(|p| !form.playbook_id.is_empty() && p.id == form.playbook_id).map(|p| p.fields.as_slice());
    let request = OpenDialogRequest {
        trigger_id: form.trigger_id.to_owned(),
        url: format!("/plugins/{PLUGIN_ID}/api/v0/dialogs/start"),
        dialog: Dialog {
            callback_id: START_CALLBACK.into(),
            title: "Start an incident".into(),
            submit_label: "Start".into(),
            state: form.team_id.to_owned(),
            elements: vec![
                text("name", "Name", false, "What is happening, in a few words."),
                DialogElement {
                    name: "summary".into(),
                    display_name: "Summary".into(),
                    element_type: "textarea".into(),
                    optional: true,
                    max_length: 4000,
                    default: form.summary.chars().take(4000).collect(),
                    ..DialogElement::default()
                },
                DialogElement {
                    name: "playbook".into(),
                    display_name: "Playbook".into(),
                    element_type: "select".into(),
                    optional: true,
                    default: form.playbook_id.clone(),
                    options,
                    ..DialogElement::default()
                },
                DialogElement {
                    name: "here".into(),
                    display_name: "Run it in this channel".into(),
                    element_type: "bool".into(),
                    optional: true,
                    help_text: "Instead of a new channel (then the channel name and privacy below do not apply).".into(),
                    ..DialogElement::default()
                },
                text("channel_name", "Channel name", true, "Defaults to the playbook's, like inc-0042-name."),
                DialogElement {
                    name: "private".into(),
                    display_name: "Private channel".into(),
                    element_type: "bool".into(),
                    optional: true,
                    ..DialogElement::default()
                },
            ]
            .into_iter()
            .chain(fields.unwrap_or_default().iter().map(field_element))
            .collect(),
            ..Dialog::default()
        },
    };
    service.mm.open_dialog(&request)
}

/// A custom field in the form, named `field:<name>` (Mattermost shows 24 characters of a label).
fn field_element(field: &incident_core::fields::FieldDefinition) -> DialogElement {
    use incident_core::fields::FieldKind;
    let (element_type, subtype, data_source) = match field.kind {
        FieldKind::Select => ("select", "", ""),
        FieldKind::User => ("select", "", "users"),
        FieldKind::Number => ("text", "number", ""),
        FieldKind::Link => ("text", "url", ""),
        FieldKind::Text => ("text", "", ""),
    };
    DialogElement {
        name: format!("{FIELD_PREFIX}{}", field.name),
        display_name: field.name.chars().take(24).collect(),
        element_type: element_type.into(),
        subtype: subtype.into(),
        data_source: data_source.into(),
        optional: true,
        max_length: if field.kind == FieldKind::Link { 1000 } else { 200 },
        options: field.options.iter().map(|o| DialogOption { text: o.clone(), value: o.clone() }).collect(),
        ..DialogElement::default()
    }
}

/// How the form names a custom field's element.
const FIELD_PREFIX: &str = "field:";

/// Turns a dialog submission (`model.SubmitDialogRequest` JSON) into a start request. The
/// submitting user comes from the authenticated request, never from the body.
pub fn start_request(body: &Value) -> Result<StartRequest, ServiceError> {
    let submission = body.get("submission").cloned().unwrap_or(Value::Null);
    let text = |key: &str| submission.get(key).and_then(Value::as_str).unwrap_or_default().trim().to_owned();
    let team_id = body
        .get("team_id")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .or_else(|| body.get("state").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    let ticked = |key: &str| submission.get(key).and_then(|p| p.as_bool().or_else(|| p.as_str().map(|s| s == "true")));
    // "Run it in this channel": the channel the form was opened in (the server says which).
    let here = ticked("here") == Some(true);
    let channel_id = body.get("channel_id").and_then(Value::as_str).unwrap_or_default().to_owned();
    if here && channel_id.is_empty() {
        return Err(ServiceError::Invalid(
            "The form does not say which channel it was opened in; start the incident with `/incident start --here <name>`."
                .into(),
        ));
    }
    Ok(StartRequest {
        team_id,
        name: text("name"),
        summary: text("summary"),
        playbook_id: Some(text("playbook")).filter(|p| !p.is_empty()),
        channel_name: Some(text("channel_name")).filter(|c| !c.is_empty() && !here),
        private: ticked("private").filter(|_| !here),
        channel_id: here.then_some(channel_id),
        fields: submission
            .as_object()
            .map(|all| {
                all.iter()
                    .filter_map(|(key, value)| {
                        let name = key.strip_prefix(FIELD_PREFIX)?;
                        let value = match value {
                            Value::String(t) => t.trim().to_owned(),
                            Value::Number(n) => n.to_string(),
                            _ => return None,
                        };
                        (!value.is_empty()).then(|| (name.to_owned(), value))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ..StartRequest::default()
    })
}

/// A failed submission keeps the form open with the message under the field it concerns.
pub fn errors_response(e: &ServiceError) -> Value {
    let field = match e {
        ServiceError::Invalid(m) if m.to_lowercase().contains("name") && !m.contains("channel") => "name",
        ServiceError::Invalid(m) if m.to_lowercase().contains("channel") => "channel_name",
        ServiceError::Invalid(m) if m.to_lowercase().contains("playbook") => "playbook",
        _ => "",
    };
    // A refused custom field: under its own element.
    if let ServiceError::Invalid(m) = e
        && let Some(rest) = m.strip_prefix("Invalid field: ")
        && let Some((name, _)) = rest.split_once(": ")
    {
        return json!({ "errors": { format!("{FIELD_PREFIX}{name}"): e.to_string() } });
    }
    if field.is_empty() { json!({ "error": e.to_string() }) } else { json!({ "errors": { field: e.to_string() } }) }
}

pub const UPDATE_CALLBACK: &str = "status_update";

/// The "post a status update" form (`/incident update` without a message): status, impact,
/// the update, and when the next one is due.
pub fn open_update<M: Mattermost>(
    mm: &M,
    incident: &incident_core::Incident,
    statuses: &[String],
    statuspage: bool,
    trigger_id: &str,
) -> Result<(), String> {
    let option = |text: &str, value: &str| DialogOption { text: text.into(), value: value.into() };
    let mut request = OpenDialogRequest {
        trigger_id: trigger_id.to_owned(),
        url: format!("/plugins/{PLUGIN_ID}/api/v0/dialogs/update"),
        dialog: Dialog {
            callback_id: UPDATE_CALLBACK.into(),
            title: format!("Status update · {}", incident.reference()).chars().take(24).collect(),
            submit_label: "Post".into(),
            state: incident.id.clone(),
            elements: vec![
                DialogElement {
                    name: "status".into(),
                    display_name: "Status".into(),
                    element_type: "select".into(),
                    default: incident.status.clone(),
                    options: statuses.iter().map(|s| option(s, s)).collect(),
                    ..DialogElement::default()
                },
                DialogElement {
                    name: "impact".into(),
                    display_name: "Impact".into(),
                    element_type: "text".into(),
                    optional: true,
                    max_length: 500,
                    help_text: "Who is affected, and how.".into(),
                    ..DialogElement::default()
                },
                DialogElement {
                    name: "message".into(),
                    display_name: "Update".into(),
                    element_type: "textarea".into(),
                    max_length: 4000,
                    help_text: "What happened, and what is next.".into(),
                    // The playbook's status update template, to fill in.
                    default: incident.update_template.clone(),
                    ..DialogElement::default()
                },
                DialogElement {
                    name: "next".into(),
                    display_name: "Next update in".into(),
                    element_type: "select".into(),
                    optional: true,
                    default: "30".into(),
                    options: vec![
                        option("No promise", "0"),
                        option("15 minutes", "15"),
                        option("30 minutes", "30"),
                        option("1 hour", "60"),
                        option("2 hours", "120"),
                    ],
                    ..DialogElement::default()
                },
            ],
            ..Dialog::default()
        },
    };
    // Offered only when the team has a status page; what is checked there is public.
    if statuspage {
        request.dialog.elements.push(DialogElement {
            name: "statuspage".into(),
            display_name: "Status page".into(),
            element_type: "bool".into(),
            optional: true,
            placeholder: "Also post this update on the team's public status page".into(),
            ..DialogElement::default()
        });
    }
    mm.open_dialog(&request)
}

/// The update form's submission, for the incident named in its state.
pub fn update_draft(body: &Value, now_ms: i64) -> (String, incident_core::lifecycle::UpdateDraft) {
    let submission = body.get("submission").cloned().unwrap_or(Value::Null);
    let text = |key: &str| submission.get(key).and_then(Value::as_str).unwrap_or_default().trim().to_owned();
    let minutes: i64 = text("next").parse().unwrap_or(0);
    let draft = incident_core::lifecycle::UpdateDraft {
        status: Some(text("status")).filter(|s| !s.is_empty()),
        impact: text("impact"),
        message: text("message"),
        next_update_at: (minutes > 0).then(|| now_ms + minutes * 60_000),
        statuspage: submission.get("statuspage").and_then(Value::as_bool).unwrap_or(false),
    };
    (body.get("state").and_then(Value::as_str).unwrap_or_default().to_owned(), draft)
}
