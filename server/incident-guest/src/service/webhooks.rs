//! Outgoing webhooks: on start, status updates, severity and status changes and the end, a JSON
//! POST to every URL the admin configured. Each delivery is queued in the database in the same
//! transaction as the change it reports (so a committed change always has its events, and a
//! change that did not commit has none), and sent only by the timer (`RunScheduled`), never
//! inside a user's request: a slow or unreachable receiver cannot delay or fail a change. Failed
//! deliveries are retried with backoff, then marked failed; the log of deliveries is readable by
//! system admins. Every delivery is signed with its webhook's secret (HMAC-SHA256, see
//! docs/api.md, "Outgoing webhooks").

use std::time::{Duration, Instant};

use hmac::{KeyInit, Mac};
use incident_core::{Incident, TimelineEventKind};
use mattermost_plugin_sdk::store::{Rows, Statement};
use serde_json::{Value, json};

use crate::manifest::{PLUGIN_ID, VERSION};
use crate::mattermost::Mattermost;
use crate::service::incident_json;
use crate::service::{Result, Service, ServiceError, invalid_settings};
use crate::store::db::Database;

/// Delays before the 2nd, 3rd... attempt (the 2nd is tried on the next timer run); after the
/// last, the delivery is marked failed.
const RETRY_AFTER_MS: [i64; 4] = [0, 60_000, 5 * 60_000, 30 * 60_000];
/// Attempts a delivery gets in all, interrupted ones included.
const MAX_ATTEMPTS: i64 = RETRY_AFTER_MS.len() as i64 + 1;
/// Deliveries tried per timer run, so one run stays short.
const BATCH: i64 = 20;
/// What the log says of an attempt whose outcome never came back (the run was stopped while
/// the receiver had it); replaced by the real outcome when there is one.
const INTERRUPTED: &str = "the attempt was interrupted before its outcome was recorded";

/// How long the timer's deliveries may take: they stop before `until`, and no attempt starts
/// unless its whole `per_request` timeout fits before it.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryBudget {
    pub until: Instant,
    pub per_request: Duration,
}

impl DeliveryBudget {
    /// The timer's budget, counted from the start of its run: the host stops a hook call after
    /// 10 s (wasm-host `GuestLimits`), so deliveries end by 7 s, leaving time to record them.
    pub fn for_timer_run(run_started: Instant) -> Self {
        DeliveryBudget { until: run_started + Duration::from_secs(7), per_request: Duration::from_secs(3) }
    }
}

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
/// A signing secret's length: long enough not to be guessed, short enough for one line.
const MIN_SECRET_CHARS: usize = 16;
const MAX_SECRET_CHARS: usize = 200;

/// A configured receiver: its URL and the secret its deliveries are signed with. The secret
/// never leaves the settings except as signatures: not in the queue, the log or an error.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    secret: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook").field("url", &redacted_url(&self.url)).finish_non_exhaustive()
    }
}

/// The configured webhooks: one `URL SECRET` per line, `#` comments allowed.
pub fn webhooks(setting: &str) -> Result<Vec<Webhook>> {
    let mut out = Vec::new();
    for (n, line) in setting.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(url), secret, rest) = (words.next(), words.next(), words.next()) else { continue };
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(invalid_settings(format_args!("webhooks, line {}: not an http or https URL", n + 1)));
        }
        let chars = url.chars().count();
        if chars > MAX_URL_CHARS {
            return Err(invalid_settings(format_args!(
                "webhooks, line {}: the URL has {chars} characters; the limit is {MAX_URL_CHARS}",
                n + 1
            )));
        }
        // The secret itself is never quoted back: the error is logged.
        let Some(secret) = secret else {
            return Err(invalid_settings(format_args!(
                "webhooks, line {}: write the secret deliveries are signed with after the URL, separated by a space \
                 ({MIN_SECRET_CHARS} to {MAX_SECRET_CHARS} characters)",
                n + 1
            )));
        };
        if rest.is_some() {
            return Err(invalid_settings(format_args!("webhooks, line {}: a URL and its secret, nothing else", n + 1)));
        }
        if !(MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&secret.chars().count()) {
            return Err(invalid_settings(format_args!(
                "webhooks, line {}: the secret must have {MIN_SECRET_CHARS} to {MAX_SECRET_CHARS} characters",
                n + 1
            )));
        }
        out.push(Webhook { url: url.to_owned(), secret: secret.to_owned() });
    }
    if out.len() > MAX_URLS {
        return Err(invalid_settings(format_args!("webhooks: {} URLs; the limit is {MAX_URLS}", out.len())));
    }
    Ok(out)
}

/// `sha256=<hex>`: the HMAC-SHA256, keyed with the webhook's secret, of `<timestamp>.<body>`,
/// the timestamp being the `X-Incident-Response-Timestamp` header (Unix seconds). Signing the
/// timestamp with the body lets a receiver refuse an old delivery sent again (a replay).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail; should it ever, the delivery goes
    // out with a signature no receiver accepts rather than unsigned.
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return "sha256=invalid".into();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::from("sha256=");
    for byte in digest.iter() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
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
    /// The queue rows for the webhook events among `incident`'s timeline events from
    /// `from_event` on, one per configured URL, to run in the same batch (one transaction) as
    /// the save of `incident`. Settings that do not parse queue nothing; the timer logs why.
    pub(crate) fn webhook_statements(&self, incident: &Incident, from_event: usize) -> Vec<Statement> {
        let Ok(hooks) = webhooks(&self.mm.settings().webhooks) else {
            return Vec::new();
        };
        let mut statements = Vec::new();
        if hooks.is_empty() {
            return statements;
        }
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
            for hook in &hooks {
                statements.push(Statement::new(
                    "INSERT INTO webhook_deliveries (url, event, incident_id, payload, state, next_at, created_at, updated_at)
                     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
                    vec![
                        hook.url.as_str().into(),
                        name.into(),
                        incident.id.as_str().into(),
                        payload.as_str().into(),
                        self.now.into(),
                        self.now.into(),
                        self.now.into(),
                    ],
                ));
            }
        }
        statements
    }

    /// The timer's deliveries: the due ones, oldest first, within `budget`; answers how many
    /// were delivered. Each attempt is claimed by bumping its attempt count on the row it read
    /// (so two processes do not both send it) and by moving its next try to the backoff time,
    /// so an attempt whose run is stopped before its outcome is written is retried later, and
    /// counted: after [`MAX_ATTEMPTS`] the delivery is failed, whatever happened to them.
    pub fn deliver_webhooks(&self, budget: DeliveryBudget) -> Result<usize> {
        let hooks = webhooks(&self.mm.settings().webhooks)?;
        let db = self.repo.db();
        let storage = |e: mattermost_plugin_sdk::store::StoreError| ServiceError::Internal(format!("storage: {e}"));
        db.execute(vec![Statement::new(
            "UPDATE webhook_deliveries SET state = 'failed', updated_at = ? WHERE state = 'pending' AND attempts >= ?",
            vec![self.now.into(), MAX_ATTEMPTS.into()],
        )])
        .map_err(storage)?;
        let rows = db
            .query(
                "SELECT id, url, event, payload, attempts FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT ?",
                &[self.now.into(), BATCH.into()],
            )
            .map_err(storage)?;
        let mut delivered = 0;
        for i in 0..rows.len() {
            if budget.until.saturating_duration_since(Instant::now()) < budget.per_request {
                break; // the rest waits for the next run
            }
            let (id, attempts) = (int(&rows, i, "id")?, int(&rows, i, "attempts")?);
            let attempt = attempts + 1;
            let retry_at = usize::try_from(attempt)
                .ok()
                .and_then(|a| RETRY_AFTER_MS.get(a.saturating_sub(1)))
                .map_or(self.now, |delay| self.now + delay);
            let claimed = db.execute(vec![
                Statement::new(
                    "UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = ?, last_error = ?, updated_at = ?
                 WHERE id = ? AND attempts = ? AND state = 'pending'",
                    vec![retry_at.into(), INTERRUPTED.into(), self.now.into(), id.into(), attempts.into()],
                )
                .expect_changes(1),
            ]);
            if claimed.is_err() {
                continue; // another process has it
            }
            let (url, event, payload) = (text(&rows, i, "url")?, text(&rows, i, "event")?, text(&rows, i, "payload")?);
            let Some(hook) = hooks.iter().find(|h| h.url == url) else {
                let _ = db.execute(vec![Statement::new(
                    "UPDATE webhook_deliveries SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
                    vec!["the URL is no longer in the settings".into(), self.now.into(), id.into()],
                )]);
                continue;
            };
            // The time of sending, not of the run: a receiver compares it with its clock.
            let timestamp = crate::ids_and_clock::now_ms() / 1000;
            let headers = [
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("User-Agent".to_owned(), format!("{PLUGIN_ID}/{VERSION}")),
                ("X-Incident-Response-Event".to_owned(), event),
                ("X-Incident-Response-Delivery".to_owned(), id.to_string()),
                ("X-Incident-Response-Timestamp".to_owned(), timestamp.to_string()),
                ("X-Incident-Response-Signature".to_owned(), signature(&hook.secret, timestamp, payload.as_bytes())),
            ];
            let timeout_ms = u32::try_from(budget.per_request.as_millis()).unwrap_or(u32::MAX);
            let outcome = self.mm.http_post(&url, &headers, payload.as_bytes(), timeout_ms);
            let (state, status, error, next_at) = match outcome {
                Ok(code) if (200..300).contains(&code) => ("delivered", Some(i64::from(code)), String::new(), self.now),
                other => {
                    let (status, error) = match other {
                        Ok(code) => (Some(i64::from(code)), format!("the receiver answered {code}")),
                        Err(e) => (None, scrub(&e, &url).chars().take(500).collect()),
                    };
                    if attempt < MAX_ATTEMPTS {
                        ("pending", status, error, retry_at)
                    } else {
                        ("failed", status, error, self.now)
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
        let error = scrub(
            "error sending to https://hooks.example/T000/SECRETTOKEN: refused (path /T000/SECRETTOKEN)",
            "https://hooks.example/T000/SECRETTOKEN",
        );
        assert!(!error.contains("SECRETTOKEN"), "{error}");
        assert!(error.contains("hooks.example"), "{error}");
    }

    #[test]
    fn webhook_settings_are_bounded() {
        let long = format!("https://hooks.example/{}", "a".repeat(MAX_URL_CHARS));
        let err = webhooks(&format!("{long} {SECRET}")).expect_err("long URL");
        assert!(err.to_string().contains("the limit is 2000"), "{err}");
        let many = (0..=MAX_URLS).map(|i| format!("https://h{i}.example/ {SECRET}")).collect::<Vec<_>>().join("\n");
        assert!(webhooks(&many).is_err());
        let one = webhooks(&format!("# comment\n  https://a.example/x   {SECRET}  ")).expect("one webhook");
        assert_eq!(one, [Webhook { url: "https://a.example/x".into(), secret: SECRET.into() }]);
    }

    const SECRET: &str = "whsec-0123456789abcdef";
    const EXPECTED_SIGNATURE: &str = "sha256=d77c78ac4da074c56908b55eac30358b2a7bfc573be4c76819af5102e8dcf939";

    /// A webhook without a secret, or with a short one, is refused, and the error never quotes
    /// the secret (errors are logged).
    #[test]
    fn every_webhook_needs_a_secret_that_no_error_or_debug_text_shows() {
        let err = webhooks("https://a.example/x").expect_err("no secret");
        assert!(err.to_string().contains("line 1: write the secret"), "{err}");
        let err = webhooks("https://a.example/x shortsecret1").expect_err("short secret");
        assert!(err.to_string().contains("16 to 200 characters") && !err.to_string().contains("shortsecret1"), "{err}");
        let err = webhooks(&format!("https://a.example/x {SECRET} extra")).expect_err("a third word");
        assert!(!err.to_string().contains(SECRET), "{err}");
        let hooks = webhooks(&format!("https://a.example/T/PATHTOKEN {SECRET}")).expect("valid");
        let shown = format!("{hooks:?}");
        assert!(!shown.contains(SECRET) && !shown.contains("PATHTOKEN"), "{shown}");
    }

    /// The signature is HMAC-SHA256 over `<timestamp>.<body>` (RFC 4231 checks HMAC-SHA256
    /// itself; this pins our signed string against an independently computed value:
    /// `printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec-0123456789abcdef`).
    #[test]
    fn deliveries_are_signed_over_the_timestamp_and_the_exact_body() {
        let sig = signature(SECRET, 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(sig, EXPECTED_SIGNATURE);
        assert_ne!(signature(SECRET, 1_700_000_001, br#"{"a":1}"#), sig, "another time is another signature");
        assert_ne!(signature(SECRET, 1_700_000_000, br#"{"a":2}"#), sig, "another body is another signature");
        assert_ne!(signature("whsec-another-secret-000", 1_700_000_000, br#"{"a":1}"#), sig);
        // RFC 4231, test case 2: the HMAC is the standard one.
        let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"Jefe") else { panic!("key") };
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
