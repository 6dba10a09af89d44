//! REST routes for learning from the incident (docs/api.md, "Learning"): notes, hiding events,
//! the impact window, follow-up actions, the report, metrics and the transcript.

use incident_core::actions::{ActionDraft, ActionKind};
use incident_core::timeline::EntryCategory;
use mattermost_plugin_sdk::HttpResponse;
use serde_json::{Value, json};

use crate::api::request::{body, number, query as query_param};
use crate::service::incident_json;
use crate::store::db::Database;
use crate::store::learning_review::MAX_TRANSCRIPT_PAGE;

/// Follow-up actions one page of `GET /actions` holds at most (and by default: as many as the
/// list held before it was paged).
const MAX_ACTIONS_PAGE: usize = 1000;
use crate::mattermost::Mattermost;
use crate::service::learning_review::ActionPatch;
use crate::service::{Service, ServiceError};

type Reply = Result<HttpResponse, ServiceError>;

/// A report's `period` (week or month, default month) and `periods` (1 to 104, default 6).
fn report_period(
    request: &mattermost_plugin_sdk::HttpRequest,
) -> Result<(incident_core::team_report::Period, usize), ServiceError> {
    let period = match query_param(request, "period").as_deref() {
        None => incident_core::team_report::Period::Month,
        Some(p) => incident_core::team_report::Period::parse(p)
            .ok_or_else(|| ServiceError::Invalid("`period` is week or month.".into()))?,
    };
    let periods = match query_param(request, "periods") {
        None => 6,
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=104).contains(n))
            .ok_or_else(|| ServiceError::Invalid("`periods` is 1 to 104.".into()))?,
    };
    Ok((period, periods))
}

/// `None` when the path is not one of these routes.
pub fn dispatch<M: Mattermost, D: Database>(
    s: &mut Service<'_, M, D>,
    user: &str,
    method: &str,
    path: &[&str],
    request: &mattermost_plugin_sdk::HttpRequest,
) -> Option<Reply> {
    let ok = |v: Value| Ok(HttpResponse::json(200, &v));
    let text = |b: &Value, k: &str| b.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let time = |b: &Value, k: &str| -> Result<Option<i64>, ServiceError> {
        match b.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                v.as_i64().map(Some).ok_or_else(|| ServiceError::Invalid(format!("`{k}` is a time in Unix milliseconds.")))
            }
        }
    };
    Some(match (method, path) {
        ("POST", ["api", "v0", "incidents", id, "notes"]) => (|| {
            let b: Value = body(request)?;
            let category = match b.get("category").and_then(Value::as_str) {
                None => EntryCategory::Note,
                Some(c) => EntryCategory::parse(c)
                    .ok_or_else(|| ServiceError::Invalid("`category` is note, key_event, decision or hypothesis.".into()))?,
            };
            let incident = s.add_note(user, id, &text(&b, "text"), category, time(&b, "happened_at")?)?;
            Ok(HttpResponse::json(201, &incident_json(&incident)))
        })(),
        ("PATCH", ["api", "v0", "incidents", id, "notes", event]) => (|| {
            let b: Value = body(request)?;
            ok(incident_json(&s.edit_note(user, id, event, &text(&b, "text"))?))
        })(),
        ("POST", ["api", "v0", "incidents", id, "events", event, "hide"]) => {
            (|| ok(incident_json(&s.hide_event(user, id, event)?)))()
        }
        ("POST", ["api", "v0", "incidents", id, "impact"]) => (|| {
            let b: Value = body(request)?;
            let (start, end) = (time(&b, "started_at")?, time(&b, "ended_at")?);
            if start.is_none() && end.is_none() {
                return Err(ServiceError::Invalid("Give `started_at` or `ended_at` (Unix milliseconds).".into()));
            }
            let mut incident = None;
            if let Some(at) = start {
                incident = Some(s.set_impact(user, id, true, at)?);
            }
            if let Some(at) = end {
                incident = Some(s.set_impact(user, id, false, at)?);
            }
            ok(incident.map(|i| incident_json(&i)).unwrap_or(Value::Null))
        })(),
        ("GET", ["api", "v0", "incidents", id, "actions"]) => (|| ok(json!({ "items": s.incident_actions(user, id)? })))(),
        ("POST", ["api", "v0", "incidents", id, "actions"]) => (|| {
            let b: Value = body(request)?;
            let kind = match b.get("kind").and_then(Value::as_str) {
                None => ActionKind::Other,
                Some(k) => ActionKind::parse(k)
                    .ok_or_else(|| ServiceError::Invalid("`kind` is detective, preventive, corrective or other.".into()))?,
            };
            let draft = ActionDraft {
                text: text(&b, "text"),
                owner_id: Some(text(&b, "owner_id")).filter(|o| !o.is_empty()),
                due_at: time(&b, "due_at")?,
                kind,
            };
            Ok(HttpResponse::json(201, &serde_json::to_value(s.add_action(user, id, &draft)?).unwrap_or(Value::Null)))
        })(),
        ("PATCH", ["api", "v0", "actions", id]) => (|| {
            let patch: ActionPatch = body(request)?;
            ok(serde_json::to_value(s.update_action(user, id, &patch)?).unwrap_or(Value::Null))
        })(),
        ("GET", ["api", "v0", "actions"]) => (|| {
            let team = query_param(request, "team_id").unwrap_or_default();
            let open_only = query_param(request, "state").as_deref() != Some("all");
            let page = number(request, "page", 0, 100_000)?;
            let per_page = number(request, "per_page", MAX_ACTIONS_PAGE, MAX_ACTIONS_PAGE)?.max(1);
            let (items, total) = s.team_actions(user, &team, open_only, page, per_page)?;
            ok(json!({ "items": items, "total": total, "page": page, "per_page": per_page }))
        })(),
        ("GET", ["api", "v0", "reports", "teams"]) => (|| {
            let (period, periods) = report_period(request)?;
            ok(s.cross_team_report(user, period, periods)?)
        })(),
        ("GET", ["api", "v0", "reports", "responders"]) => (|| {
            let team = query_param(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?;
            let max = incident_core::load::MAX_WEEKS;
            let weeks = match query_param(request, "weeks") {
                None => crate::service::load::DEFAULT_WEEKS,
                Some(n) => n
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| ServiceError::Invalid(format!("`weeks` is 1 to {max}.")))?,
            };
            ok(s.responder_load_json(user, &team, weeks)?)
        })(),
        ("GET", ["api", "v0", "reports"]) => (|| {
            let team = query_param(request, "team_id").ok_or_else(|| ServiceError::Invalid("`team_id` is required.".into()))?;
            let (period, periods) = report_period(request)?;
            ok(serde_json::to_value(s.team_report(user, &team, period, periods)?).unwrap_or(Value::Null))
        })(),
        ("GET", ["api", "v0", "incidents", id, "report"]) => (|| {
            let (markdown, metrics, revision) = s.report(user, id)?;
            ok(json!({ "markdown": markdown, "metrics": metrics, "revision": revision }))
        })(),
        ("PUT", ["api", "v0", "incidents", id, "report"]) => (|| {
            let b: Value = body(request)?;
            let revision = match b.get("revision") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_i64().filter(|r| *r >= 0).ok_or_else(|| {
                    ServiceError::Invalid("`revision` is the report's revision from GET …/report, a whole number.".into())
                })?),
            };
            s.save_report(user, id, &text(&b, "markdown"), revision)?;
            let (markdown, metrics, revision) = s.report(user, id)?;
            ok(json!({ "markdown": markdown, "metrics": metrics, "revision": revision }))
        })(),
        ("POST", ["api", "v0", "incidents", id, "report", "publish"]) => {
            (|| ok(json!({ "channels": s.publish_report(user, id)? })))()
        }
        ("GET", ["api", "v0", "incidents", id, "transcript"]) => (|| {
            let after = query_param(request, "after");
            let limit = number(request, "limit", MAX_TRANSCRIPT_PAGE, MAX_TRANSCRIPT_PAGE)?.max(1);
            let (incident, messages, next) = s.transcript(user, id, after.as_deref(), limit)?;
            if query_param(request, "format").as_deref() == Some("md") {
                let usernames = |uid: &str| s.mm.user(uid).map(|u| u.username).unwrap_or_else(|| uid.to_owned());
                // Written in the team's zone, as the report it goes with.
                let zone = s.team_zone(&incident.team_id);
                let mut md = if after.is_none() {
                    format!("# {} · {} — channel transcript\n\n", incident.reference(), incident.name)
                } else {
                    String::new()
                };
                for m in &messages {
                    let indent = if m.root_id.is_empty() { "" } else { "  ↳ " };
                    let edited = if m.edit_at > 0 { " (edited)" } else { "" };
                    md.push_str(&format!(
                        "- {indent}`{}` @{}{edited}: {}\n",
                        zone.timestamp(m.create_at),
                        usernames(&m.user_id),
                        m.message.replace('\n', " ")
                    ));
                }
                if let Some(next) = &next {
                    md.push_str(&format!("\n_More messages follow: ask again with `after={next}`._\n"));
                }
                let mut response = HttpResponse::json(200, &Value::Null);
                response.body = md.into_bytes();
                response.headers = vec![("Content-Type".into(), "text/markdown; charset=utf-8".into())];
                Ok(response)
            } else {
                ok(
                    json!({ "incident_id": incident.id, "reference": incident.reference(), "messages": messages, "next_after": next }),
                )
            }
        })(),
        _ => return None,
    })
}
