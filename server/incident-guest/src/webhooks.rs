//! Outgoing webhooks: on start, status updates, severity and status changes and the end, a JSON
//! POST to every URL the admin configured. Each delivery is queued in the database first (so
//! nothing is lost if the receiver is down), tried at once, and retried by the timer with
//! backoff; the log of deliveries is readable by system admins.

use incident_core::{Incident, TimelineEventKind};
use mattermost_plugin_sdk::store::{Rows, Statement};
use serde_json::{Value, json};

use crate::db::Database;
use crate::http_api::incident_json;
use crate::platform::Mattermost;
use crate::service::{Result, Service, ServiceError, invalid_settings};
use crate::{PLUGIN_ID, VERSION};

/// Delays before the 2nd, 3rd... attempt; after the last, the delivery is marked failed.
const RETRY_AFTER_MS: [i64; 4] = [0, 60_000, 5 * 60_000, 30 * 60_000];
const TIMEOUT_MS: u32 = 3_000;
/// Deliveries tried per timer run, so one run stays short.
const BATCH: i64 = 20;

/// The webhook event a timeline event stands for, if any.
pub fn event_name(kind: &TimelineEventKind) -> Option<&'static str> {
    Some(match kind {
        TimelineEventKind::IncidentStarted { .. } => "incident_started",
        TimelineEventKind::UpdatePosted { .. } => "update_posted",
        TimelineEventKind::SeverityChanged { .. } => "severity_changed",
        TimelineEventKind::StatusChanged { .. } => "status_changed",
        TimelineEventKind::IncidentEnded => "incident_ended",
        TimelineEventKind::IncidentReopened => "incident_reopened",
        _ => return None,
    })
}

/// Longest webhook URL accepted (browsers and proxies commonly stop near 2,000).
const MAX_URL_CHARS: usize = 2_000;
/// Every event is sent to every URL, so their number bounds the work per change.
const MAX_URLS: usize = 20;

/// The configured URLs: one per line, `#` comments allowed.
pub fn webhook_urls(setting: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (n, line) in setting.lines().enumerate() {
        let url = line.trim();
        if url.is_empty() || url.starts_with('#') {
            continue;
        }
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains(char::is_whitespace) {
            return Err(invalid_settings(format_args!("webhooks, line {}: not an http or https URL", n + 1)));
        }
        let chars = url.chars().count();
        if chars > MAX_URL_CHARS {
            return Err(invalid_settings(format_args!("webhooks, line {}: the URL has {chars} characters; the limit is {MAX_URL_CHARS}", n + 1)));
        }
        out.push(url.to_owned());
    }
    if out.len() > MAX_URLS {
        return Err(invalid_settings(format_args!("webhooks: {} URLs; the limit is {MAX_URLS}", out.len())));
    }
    Ok(out)
}

/// What a delivery log or an error may say about a URL: scheme and host only. Webhook URLs
/// carry their secret in the path or query (`https://hooks.example/T000/SECRET`), and the
/// log of deliveries and error texts are read by people who were never given that secret.
pub fn redacted_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    // user:password@host keeps only the host.
    let host = rest[..end].rsplit('@').next().unwrap_or_default();
    let tail = if end < rest.len() { "/…" } else { "" };
    format!("{scheme}://{host}{tail}")
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Queues the webhook events among `events` (new timeline events of `incident`), then
    /// tries them once. Settings that do not parse queue nothing (and say so in the log).
    pub(crate) fn queue_webhooks(&self, incident: &Incident, from_event: usize) {
        let Ok(urls) = webhook_urls(&self.mm.settings().webhooks) else {
            return;
        };
        if urls.is_empty() {
            return;
        }
        let mut statements = Vec::new();
        for event in incident.timeline.iter().skip(from_event) {
            let Some(name) = event_name(&event.kind) else { continue };
            let payload = json!({
                "event": name,
                "at": event.at,
                "actor_id": event.actor_id,
                "incident": incident_json(incident),
                "source": { "plugin_id": PLUGIN_ID, "version": VERSION },
            })
            .to_string();
            for url in &urls {
                statements.push(Statement::new(
                    "INSERT INTO webhook_deliveries (url, event, incident_id, payload, state, next_at, created_at, updated_at)
                     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
                    vec![url.as_str().into(), name.into(), incident.id.as_str().into(), payload.as_str().into(), self.now.into(), self.now.into(), self.now.into()],
                ));
            }
        }
        if !statements.is_empty() && self.repo.db().execute(statements).is_ok() {
            let _ = self.deliver_webhooks();
        }
    }

    /// Tries the due deliveries; answers how many were delivered. Each attempt is claimed by
    /// bumping its attempt count on the row it read, so two processes do not both send it.
    pub fn deliver_webhooks(&self) -> Result<usize> {
        let db = self.repo.db();
        let rows = db
            .query(
                "SELECT id, url, event, payload, attempts FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT ?",
                &[self.now.into(), BATCH.into()],
            )
            .map_err(|e| ServiceError::Internal(format!("storage: {e}")))?;
        let mut delivered = 0;
        for i in 0..rows.len() {
            let (id, attempts) = (int(&rows, i, "id")?, int(&rows, i, "attempts")?);
            let claimed = db.execute(vec![Statement::new(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'pending'",
                vec![self.now.into(), id.into(), attempts.into()],
            )
            .expect_changes(1)]);
            if claimed.is_err() {
                continue; // another process has it
            }
            let (url, event, payload) = (text(&rows, i, "url")?, text(&rows, i, "event")?, text(&rows, i, "payload")?);
            let headers = [
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("User-Agent".to_owned(), format!("{PLUGIN_ID}/{VERSION}")),
                ("X-Incident-Response-Event".to_owned(), event),
                ("X-Incident-Response-Delivery".to_owned(), id.to_string()),
            ];
            let outcome = self.mm.http_post(&url, &headers, payload.as_bytes(), TIMEOUT_MS);
            let attempt = attempts + 1;
            let (state, status, error, next_at) = match outcome {
                Ok(code) if (200..300).contains(&code) => ("delivered", Some(i64::from(code)), String::new(), self.now),
                other => {
                    let (status, error) = match other {
                        Ok(code) => (Some(i64::from(code)), format!("the receiver answered {code}")),
                        Err(e) => (None, scrub(&e, &url).chars().take(500).collect()),
                    };
                    match usize::try_from(attempt).ok().and_then(|a| RETRY_AFTER_MS.get(a - 1)) {
                        Some(delay) => ("pending", status, error, self.now + delay),
                        None => ("failed", status, error, self.now),
                    }
                }
            };
            if state == "delivered" {
                delivered += 1;
            }
            let _ = db.execute(vec![Statement::new(
                "UPDATE webhook_deliveries SET state = ?, last_status = ?, last_error = ?, next_at = ?, updated_at = ? WHERE id = ?",
                vec![state.into(), status.into(), error.as_str().into(), next_at.into(), self.now.into(), id.into()],
            )]);
        }
        Ok(delivered)
    }

    /// The newest deliveries, for system admins.
    pub fn webhook_log(&self, user_id: &str, limit: i64) -> Result<Value> {
        if !self.mm.is_system_admin(user_id) {
            return Err(ServiceError::Forbidden("Only system admins can read the webhook log.".into()));
        }
        let rows = self
            .repo
            .db()
            .query(
                "SELECT id, url, event, incident_id, state, attempts, last_status, last_error, created_at, updated_at
                 FROM webhook_deliveries ORDER BY id DESC LIMIT ?",
                &[limit.clamp(1, 500).into()],
            )
            .map_err(|e| ServiceError::Internal(format!("storage: {e}")))?;
        let mut items = Vec::new();
        for i in 0..rows.len() {
            items.push(json!({
                "id": int(&rows, i, "id")?,
                "url": text(&rows, i, "url")?,
                "event": text(&rows, i, "event")?,
                "incident_id": text(&rows, i, "incident_id")?,
                "state": text(&rows, i, "state")?,
                "attempts": int(&rows, i, "attempts")?,
                "last_status": rows.integer(i, "last_status").ok(),
                "last_error": text(&rows, i, "last_error")?,
                "created_at": int(&rows, i, "created_at")?,
                "updated_at": int(&rows, i, "updated_at")?,
            }));
        }
        Ok(json!({ "items": items }))
    }
}

/// An error text with the URL (or its path and query, which some errors quote alone) replaced
/// by [`redacted_url`], so the secret in it does not travel further than the setting.
fn scrub(error: &str, url: &str) -> String {
    let mut out = error.replace(url, &redacted_url(url));
    let (_, rest) = url.split_once("://").unwrap_or(("", url));
    if let Some(start) = rest.find(['/', '?']) {
        let secret_part = &rest[start..];
        if secret_part.len() > 1 {
            out = out.replace(secret_part, "/…");
        }
    }
    out
}

fn int(rows: &Rows, i: usize, column: &str) -> Result<i64> {
    rows.integer(i, column).map_err(|e| ServiceError::Internal(format!("storage: {e}")))
}

fn text(rows: &Rows, i: usize, column: &str) -> Result<String> {
    rows.text(i, column).map_err(|e| ServiceError::Internal(format!("storage: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_shown_keep_scheme_and_host_only() {
        assert_eq!(redacted_url("https://hooks.example/T000/SECRETTOKEN"), "https://hooks.example/…");
        assert_eq!(redacted_url("http://user:pw@hooks.example:8080?token=S"), "http://hooks.example:8080/…");
        assert_eq!(redacted_url("https://hooks.example"), "https://hooks.example");
        let error = scrub("error sending to https://hooks.example/T000/SECRETTOKEN: refused (path /T000/SECRETTOKEN)", "https://hooks.example/T000/SECRETTOKEN");
        assert!(!error.contains("SECRETTOKEN"), "{error}");
        assert!(error.contains("hooks.example"), "{error}");
    }

    #[test]
    fn webhook_settings_are_bounded() {
        let long = format!("https://hooks.example/{}", "a".repeat(MAX_URL_CHARS));
        let err = webhook_urls(&long).expect_err("long URL");
        assert!(err.to_string().contains("the limit is 2000"), "{err}");
        let many = (0..=MAX_URLS).map(|i| format!("https://h{i}.example/")).collect::<Vec<_>>().join("\n");
        assert!(webhook_urls(&many).is_err());
        assert_eq!(webhook_urls("# comment\nhttps://a.example/x").map_err(|e| e.to_string()), Ok(vec!["https://a.example/x".to_owned()]));
    }
}
