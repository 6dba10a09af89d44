//! The providers' requests, built as data (method, URL, headers, JSON body) so that their shapes
//! are tested here and the guest only sends them. Shapes as the providers document them:
//! PagerDuty Events API v2 (`POST /v2/enqueue`), Opsgenie Alert API (`POST /v2/alerts`,
//! `POST /v2/alerts/{alias}/close?identifierType=alias`), Statuspage REST API v1
//! (`POST /v1/pages/{page_id}/incidents`, `PATCH /v1/pages/{page_id}/incidents/{incident_id}`).

use serde_json::{Value, json};

use super::{PagingService, StatusPageConfig};
use crate::incident::Incident;

/// What every page says it came from.
const SOURCE: &str = "Mattermost Incident Response";

/// Where the requests go: the providers' public endpoints unless a system admin points them
/// elsewhere (the `PagingEndpoints` setting: an EU Opsgenie account, a proxy, a test receiver).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub pagerduty: String,
    pub opsgenie: String,
    pub statuspage: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            pagerduty: "https://events.pagerduty.com".into(),
            opsgenie: "https://api.opsgenie.com".into(),
            statuspage: "https://api.statuspage.io".into(),
        }
    }
}

impl Endpoints {
    /// Reads `pagerduty: <base URL>`, `opsgenie: …`, `statuspage: …`, one per line; a provider
    /// not named keeps its public endpoint. Bases are http or https URLs, without a trailing `/`.
    pub fn parse(setting: &str) -> Result<Endpoints, String> {
        let mut endpoints = Endpoints::default();
        for line in setting.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (name, url) = line.split_once(':').ok_or_else(|| format!("\"{line}\" is not `provider: URL`"))?;
            let url = url.trim().trim_end_matches('/').to_owned();
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) || url.chars().any(char::is_whitespace) {
                return Err(format!("\"{url}\" is not an http or https URL"));
            }
            match name.trim().to_ascii_lowercase().as_str() {
                "pagerduty" => endpoints.pagerduty = url,
                "opsgenie" => endpoints.opsgenie = url,
                "statuspage" => endpoints.statuspage = url,
                other => return Err(format!("\"{other}\" is not pagerduty, opsgenie or statuspage")),
            }
        }
        Ok(endpoints)
    }
}

/// A request to send: the guest hands it to the host as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl OutgoingRequest {
    pub fn body_bytes(&self) -> Vec<u8> {
        self.body.to_string().into_bytes()
    }
}

fn json_headers(authorization: Option<String>) -> Vec<(String, String)> {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(value) = authorization {
        headers.push(("Authorization".to_owned(), value));
    }
    headers
}

/// The key that ties a page to its resolve: PagerDuty's `dedup_key`, Opsgenie's `alias`. One
/// per incident and service, so paging the same service again while open is one alert.
pub fn dedup_key(incident_id: &str, service: &str) -> String {
    format!("mattermost-incident-{incident_id}-{service}")
}

/// Cuts `text` to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `INC-0042 Database down (P1)`.
fn headline(incident: &Incident) -> String {
    if incident.severity.is_empty() {
        format!("{} {}", incident.reference(), incident.name)
    } else {
        format!("{} {} ({})", incident.reference(), incident.name, incident.severity)
    }
}

/// PagerDuty knows four severities; the team's are ranked most severe first.
fn pagerduty_severity(rank: usize) -> &'static str {
    match rank {
        0 => "critical",
        1 => "error",
        2 => "warning",
        _ => "info",
    }
}

/// `POST /v2/enqueue` with `event_action: trigger`. `severity_rank` is the incident severity's
/// place among the team's (0 = most severe); `link` the incident channel's URL, if known.
pub fn pagerduty_trigger(
    endpoints: &Endpoints,
    service: &PagingService,
    incident: &Incident,
    severity_rank: usize,
    link: &str,
) -> OutgoingRequest {
    let dedup = dedup_key(&incident.id, &service.name);
    let mut body = json!({
        "routing_key": service.key,
        "event_action": "trigger",
        "dedup_key": dedup,
        "payload": {
            "summary": cut(&headline(incident), 1024),
            "source": SOURCE,
            "severity": pagerduty_severity(severity_rank),
            "custom_details": {
                "incident": incident.reference(),
                "severity": incident.severity,
                "status": incident.status,
            },
        },
        "client": SOURCE,
    });
    if !link.is_empty() {
        body["client_url"] = link.into();
        body["links"] = json!([{ "href": link, "text": "Incident channel in Mattermost" }]);
    }
    OutgoingRequest { method: "POST", url: format!("{}/v2/enqueue", endpoints.pagerduty), headers: json_headers(None), body }
}

/// `POST /v2/enqueue` with `event_action: resolve` for the page's `dedup_key`.
pub fn pagerduty_resolve(endpoints: &Endpoints, service: &PagingService, dedup_key: &str) -> OutgoingRequest {
    OutgoingRequest {
        method: "POST",
        url: format!("{}/v2/enqueue", endpoints.pagerduty),
        headers: json_headers(None),
        body: json!({ "routing_key": service.key, "event_action": "resolve", "dedup_key": dedup_key }),
    }
}

/// `POST /v2/alerts` (`Authorization: GenieKey …`): message at most 130 characters, the dedup
/// key as alias, priority P1–P5 from the severity's rank.
pub fn opsgenie_create(
    endpoints: &Endpoints,
    service: &PagingService,
    incident: &Incident,
    severity_rank: usize,
    link: &str,
) -> OutgoingRequest {
    let mut description = format!("{}\nStatus: {}", headline(incident), incident.status);
    if !link.is_empty() {
        description.push_str(&format!("\nIncident channel: {link}"));
    }
    let body = json!({
        "message": cut(&headline(incident), 130),
        "alias": dedup_key(&incident.id, &service.name),
        "description": cut(&description, 15_000),
        "priority": format!("P{}", severity_rank.min(4) + 1),
        "source": SOURCE,
        "tags": ["incident-response", incident.reference()],
    });
    OutgoingRequest {
        method: "POST",
        url: format!("{}/v2/alerts", endpoints.opsgenie),
        headers: json_headers(Some(format!("GenieKey {}", service.key))),
        body,
    }
}

/// `POST /v2/alerts/{alias}/close?identifierType=alias`.
pub fn opsgenie_close(endpoints: &Endpoints, service: &PagingService, alias: &str, reference: &str) -> OutgoingRequest {
    OutgoingRequest {
        method: "POST",
        url: format!("{}/v2/alerts/{}/close?identifierType=alias", endpoints.opsgenie, percent_encode(alias)),
        headers: json_headers(Some(format!("GenieKey {}", service.key))),
        body: json!({ "source": SOURCE, "note": format!("{reference} was resolved in Mattermost.") }),
    }
}

/// Statuspage's incident statuses (realtime incidents).
const STATUSPAGE_STATUSES: [&str; 4] = ["investigating", "identified", "monitoring", "resolved"];

/// The status page's status for the incident's: the same word when Statuspage has it
/// (the default lifecycle's are theirs), resolved at the end, investigating otherwise.
pub fn statuspage_status(status: &str, ended: bool) -> &'static str {
    if ended {
        return "resolved";
    }
    let lower = status.trim().to_lowercase();
    STATUSPAGE_STATUSES.iter().copied().find(|s| *s == lower && *s != "resolved").unwrap_or("investigating")
}

/// `POST /v1/pages/{page_id}/incidents` (`Authorization: OAuth …`): the public incident, named
/// as the incident, with the mirrored update as its first message.
pub fn statuspage_create(
    endpoints: &Endpoints,
    page: &StatusPageConfig,
    name: &str,
    status: &str,
    body: &str,
) -> OutgoingRequest {
    OutgoingRequest {
        method: "POST",
        url: format!("{}/v1/pages/{}/incidents", endpoints.statuspage, percent_encode(&page.page_id)),
        headers: json_headers(Some(format!("OAuth {}", page.key))),
        body: json!({ "incident": { "name": cut(name, 255), "status": status, "body": body } }),
    }
}

/// `PATCH /v1/pages/{page_id}/incidents/{incident_id}`: a new status and message.
pub fn statuspage_update(
    endpoints: &Endpoints,
    page: &StatusPageConfig,
    incident_id: &str,
    status: &str,
    body: &str,
) -> OutgoingRequest {
    OutgoingRequest {
        method: "PATCH",
        url: format!(
            "{}/v1/pages/{}/incidents/{}",
            endpoints.statuspage,
            percent_encode(&page.page_id),
            percent_encode(incident_id)
        ),
        headers: json_headers(Some(format!("OAuth {}", page.key))),
        body: json!({ "incident": { "status": status, "body": body } }),
    }
}

/// The created public incident's id from Statuspage's answer, if it reads as one.
pub fn statuspage_incident_id(answer: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(answer).ok()?;
    let id = value.get("id")?.as_str()?;
    (!id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| id.to_owned())
}

/// Why a provider refused, for the user and the timeline: its status and its own message, cut,
/// with `secret` (the key used) blanked should the answer echo it.
pub fn failure_reason(provider: &str, status: u16, answer: &[u8], secret: &str) -> String {
    let text = String::from_utf8_lossy(answer);
    let message = match serde_json::from_str::<Value>(&text) {
        Ok(value) => ["message", "error", "errors"]
            .iter()
            .filter_map(|k| value.get(*k))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(_) => text.trim().to_owned(),
    };
    let message = if secret.is_empty() { message } else { message.replace(secret, "…") };
    let message: String = message.chars().filter(|c| !c.is_control()).collect();
    if message.is_empty() {
        format!("{provider} answered {status}")
    } else {
        format!("{provider} answered {status}: {}", cut(&message, 200))
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for a path segment.
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
