//! Paging the on-call (PagerDuty's Events API v2, Opsgenie's Alert API) and mirroring status
//! updates to a Statuspage.io page: a team's configuration and what an incident records of its
//! pages. The requests themselves are built in `paging/requests.rs`; the guest sends them.
//!
//! Keys are secrets: they live in [`PagingConfig`] (stored server-side) and in the requests, and
//! nowhere else: not in the incident, not on its timeline, not in [`PagingConfig::public_view`].

mod requests;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::incident::{Incident, require};
use crate::timeline::TimelineEventKind;

pub use requests::{
    Endpoints, OutgoingRequest, dedup_key, failure_reason, opsgenie_close, opsgenie_create, pagerduty_resolve, pagerduty_trigger,
    statuspage_create, statuspage_incident_id, statuspage_status, statuspage_update,
};

/// Services a team may configure: enough for every on-call rotation, few enough to read.
pub const MAX_SERVICES: usize = 20;
/// A key's length bounds (PagerDuty routing keys are 32 characters, Opsgenie keys 36,
/// Statuspage keys 36).
pub const MAX_KEY_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Pagerduty,
    Opsgenie,
}

impl Provider {
    pub fn label(self) -> &'static str {
        match self {
            Provider::Pagerduty => "PagerDuty",
            Provider::Opsgenie => "Opsgenie",
        }
    }
}

/// A service to page: its name in this team (`/incident page db`), where its pages go, and the
/// severities at which a new incident pages it by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagingService {
    pub name: String,
    pub provider: Provider,
    /// PagerDuty's integration (routing) key, or Opsgenie's API integration key. Secret.
    pub key: String,
    #[serde(default)]
    pub page_on: Vec<String>,
}

/// The team's Statuspage.io page and an API key that may write its incidents. The key is secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPageConfig {
    pub page_id: String,
    pub key: String,
}

/// One team's paging configuration, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PagingConfig {
    #[serde(default)]
    pub services: Vec<PagingService>,
    #[serde(default)]
    pub statuspage: Option<StatusPageConfig>,
}

/// What an admin sends to change the configuration: the whole list. A key left out (or empty)
/// keeps the key stored for the service of that name (or the status page), so a form can be
/// saved without typing every secret again.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct PagingConfigUpdate {
    pub services: Vec<ServiceUpdate>,
    pub statuspage: Option<StatusPageUpdate>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServiceUpdate {
    pub name: String,
    pub provider: Provider,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub page_on: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatusPageUpdate {
    pub page_id: String,
    #[serde(default)]
    pub key: Option<String>,
}

/// Why a configuration was refused, in words for the admin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid paging settings: {0}")]
pub struct InvalidPagingConfig(pub String);

fn invalid(message: impl Into<String>) -> InvalidPagingConfig {
    InvalidPagingConfig(message.into())
}

/// A service name: 1 to 40 lowercase letters, digits, `-`, `_` or `.`, as typed in a command.
pub fn normalize_service_name(raw: &str) -> Result<String, InvalidPagingConfig> {
    let name = raw.trim().to_lowercase();
    let ok = !name.is_empty()
        && name.chars().count() <= 40
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name)
    } else {
        Err(invalid(format!(
            "the service name \"{}\" must be 1 to 40 letters, digits, '-', '_' or '.'",
            raw.chars().take(40).collect::<String>()
        )))
    }
}

/// Keys go into headers and JSON: printable ASCII without spaces, so none can add a header.
fn check_key(key: &str, what: &str) -> Result<String, InvalidPagingConfig> {
    let key = key.trim();
    if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(format!("the {what} must be 1 to {MAX_KEY_CHARS} visible ASCII characters without spaces")));
    }
    Ok(key.to_owned())
}

/// Shows that a key is there, and its last four characters when it is long enough that they
/// give nothing away (as consoles show card numbers).
fn key_view(key: &str) -> serde_json::Value {
    let chars: Vec<char> = key.chars().collect();
    let mut view = serde_json::json!({ "configured": !key.is_empty() });
    if chars.len() >= 16 {
        view["last4"] = chars[chars.len() - 4..].iter().collect::<String>().into();
    }
    view
}

impl PagingConfig {
    pub fn service(&self, name: &str) -> Option<&PagingService> {
        let name = name.trim().to_lowercase();
        self.services.iter().find(|s| s.name == name)
    }

    /// The services a new incident at `severity` pages by itself.
    pub fn services_for_severity(&self, severity: &str) -> Vec<&PagingService> {
        self.services.iter().filter(|s| s.page_on.iter().any(|p| p.eq_ignore_ascii_case(severity))).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.statuspage.is_none()
    }

    /// The configuration as the API shows it: keys only as `{"configured": true, "last4": …}`.
    pub fn public_view(&self) -> serde_json::Value {
        serde_json::json!({
            "services": self.services.iter().map(|s| serde_json::json!({
                "name": s.name,
                "provider": s.provider,
                "page_on": s.page_on,
                "key": key_view(&s.key),
            })).collect::<Vec<_>>(),
            "statuspage": self.statuspage.as_ref().map(|p| serde_json::json!({
                "page_id": p.page_id,
                "key": key_view(&p.key),
            })),
        })
    }

    /// The configuration after `update`, checked: names unique and well-formed, severities
    /// among `severities` (the team's), every service and the page with a key (new or kept).
    pub fn updated(&self, update: PagingConfigUpdate, severities: &[String]) -> Result<PagingConfig, InvalidPagingConfig> {
        if update.services.len() > MAX_SERVICES {
            return Err(invalid(format!("at most {MAX_SERVICES} services")));
        }
        let mut services: Vec<PagingService> = Vec::new();
        for s in update.services {
            let name = normalize_service_name(&s.name)?;
            if services.iter().any(|other| other.name == name) {
                return Err(invalid(format!("the service \"{name}\" is listed twice")));
            }
            let key = match s.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
                Some(key) => check_key(key, &format!("key of \"{name}\""))?,
                None => match self.service(&name) {
                    Some(old) => old.key.clone(),
                    None => return Err(invalid(format!("the new service \"{name}\" needs a key"))),
                },
            };
            let mut page_on: Vec<String> = Vec::new();
            for wanted in &s.page_on {
                let found = severities.iter().find(|known| known.eq_ignore_ascii_case(wanted.trim())).ok_or_else(|| {
                    invalid(format!(
                        "\"{}\" is not a severity; choose among {}",
                        wanted.chars().take(40).collect::<String>(),
                        severities.join(", ")
                    ))
                })?;
                if !page_on.contains(found) {
                    page_on.push(found.clone());
                }
            }
            services.push(PagingService { name, provider: s.provider, key, page_on });
        }
        let statuspage = match update.statuspage {
            None => None,
            Some(p) => {
                let page_id = p.page_id.trim().to_owned();
                if page_id.is_empty() || page_id.len() > 40 || !page_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(invalid("the Statuspage page id must be 1 to 40 letters and digits"));
                }
                let key = match p.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
                    Some(key) => check_key(key, "Statuspage API key")?,
                    None => match &self.statuspage {
                        Some(old) => old.key.clone(),
                        None => return Err(invalid("the Statuspage page needs an API key")),
                    },
                };
                Some(StatusPageConfig { page_id, key })
            }
        };
        Ok(PagingConfig { services, statuspage })
    }
}

/// A page sent for an incident, kept so it can be resolved (never the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub service: String,
    pub provider: Provider,
    /// PagerDuty's `dedup_key`, Opsgenie's `alias`: what resolves it.
    pub dedup_key: String,
    pub paged_at: i64,
    pub paged_by: String,
    #[serde(default)]
    pub resolved_at: Option<i64>,
}

/// The public incident on the team's status page that mirrors this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPageIncident {
    pub page_id: String,
    /// Statuspage's id of the public incident.
    pub incident_id: String,
    pub created_at: i64,
    #[serde(default)]
    pub resolved_at: Option<i64>,
}

/// What was done on the status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusPageAction {
    Created,
    Updated,
    Resolved,
}

/// What failed: a page, a resolve, or a status page mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PagingAction {
    Page,
    Resolve,
    StatusPage,
}

impl Incident {
    /// The page of `service` that is still open (sent and not resolved), if any.
    pub fn open_page(&self, service: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.service == service && p.resolved_at.is_none())
    }

    /// Pages still open, for resolving when the incident ends.
    pub fn open_pages(&self) -> Vec<Page> {
        self.pages.iter().filter(|p| p.resolved_at.is_none()).cloned().collect()
    }

    /// Records a page the provider accepted. Refused while the same service's page is open:
    /// the provider would only deduplicate it.
    pub fn record_page(&mut self, actor_id: &str, now_ms: i64, page: Page) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        require(&page.service, "service")?;
        if self.open_page(&page.service).is_some() {
            return Err(DomainError::NoChange(format!("the on-call of {} is already paged for this incident", page.service)));
        }
        let kind = TimelineEventKind::Paged { service: page.service.clone(), provider: page.provider };
        self.pages.push(page);
        self.record(actor_id, now_ms, kind);
        Ok(())
    }

    /// Records that the provider accepted the resolve of `service`'s open page.
    pub fn record_page_resolved(&mut self, actor_id: &str, now_ms: i64, service: &str) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        let Some(page) = self.pages.iter_mut().find(|p| p.service == service && p.resolved_at.is_none()) else {
            return Err(DomainError::NoChange(format!("{service} has no open page")));
        };
        page.resolved_at = Some(now_ms);
        let provider = page.provider;
        self.record(actor_id, now_ms, TimelineEventKind::PageResolved { service: service.to_owned(), provider });
        Ok(())
    }

    /// Records what the status page accepted: the public incident created (with its id),
    /// updated, or resolved.
    pub fn record_status_page(
        &mut self,
        actor_id: &str,
        now_ms: i64,
        action: StatusPageAction,
        created: Option<(String, String)>,
        status: &str,
    ) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        match (action, created) {
            (StatusPageAction::Created, Some((page_id, incident_id))) => {
                self.status_page = Some(StatusPageIncident { page_id, incident_id, created_at: now_ms, resolved_at: None });
            }
            (StatusPageAction::Created, None) => return Err(DomainError::MissingField("status page incident id")),
            (_, _) if self.status_page.is_none() => {
                return Err(DomainError::NoChange("there is no public incident on the status page".into()));
            }
            (StatusPageAction::Resolved, _) => {
                if let Some(mirror) = self.status_page.as_mut() {
                    mirror.resolved_at = Some(now_ms);
                }
            }
            (StatusPageAction::Updated, _) => {}
        }
        self.record(actor_id, now_ms, TimelineEventKind::StatusPageMirrored { action, status: status.to_owned() });
        Ok(())
    }

    /// Records a page, resolve or mirror that failed, with why in words (never a key).
    pub fn record_paging_failure(
        &mut self,
        actor_id: &str,
        now_ms: i64,
        action: PagingAction,
        service: &str,
        reason: &str,
    ) -> Result<(), DomainError> {
        require(actor_id, "actor")?;
        let reason: String = reason.chars().filter(|c| !c.is_control()).take(300).collect();
        self.record(actor_id, now_ms, TimelineEventKind::PagingFailed { action, service: service.to_owned(), reason });
        Ok(())
    }
}
