//! Paging the on-call and mirroring updates to the team's status page: the team's configuration
//! (admins only; keys kept in the plugin's database, never answered), and the calls to the
//! providers through the host's `outbound.http-request`.
//!
//! The incident action always comes first and is saved whatever the provider does: the page,
//! resolve or mirror runs after it, and its outcome (accepted, or why not) is recorded on the
//! timeline as its own change, which also tells the channel. A failure is returned as
//! [`ServiceError::Upstream`] only when paging was the user's whole request (`/incident page`).

use incident_core::Incident;
use incident_core::paging::{
    self, Endpoints, OutgoingRequest, Page, PagingAction, PagingConfig, PagingConfigUpdate, PagingService, Provider,
    StatusPageAction,
};

use crate::mattermost::Mattermost;
use crate::service::{Result, Service, ServiceError, invalid_settings};
use crate::store::db::Database;

/// Each provider call gets at most this long …
const CALL_TIMEOUT_MS: i64 = 4_000;
/// … and the calls of one request together this long, well inside the host's 10 s per hook call.
const REQUEST_BUDGET_MS: i64 = 6_000;
/// The timer's retries of failed resolves: their time in one run (before the webhooks' turn) …
const RETRY_BUDGET_MS: i64 = 3_000;
/// … and how many runs (about a minute apart) try an incident before giving up.
const MAX_RETRIES: u32 = 30;
/// `meta` keys of incidents whose resolves failed: `paging_retry:<incident id>` = attempts.
const RETRY_PREFIX: &str = "paging_retry:";

fn config_key(team_id: &str) -> String {
    format!("paging:{team_id}")
}

/// What a provider call came to.
enum Outcome {
    Accepted(Vec<u8>),
    Failed(String),
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The team's stored configuration (empty when none was saved).
    pub(crate) fn paging_config(&self, team_id: &str) -> Result<PagingConfig> {
        match self.repo.meta(&config_key(team_id))? {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| ServiceError::Internal(format!("the stored paging settings cannot be read: {e}"))),
            None => Ok(PagingConfig::default()),
        }
    }

    fn require_paging_admin(&self, team_id: &str, user_id: &str) -> Result<()> {
        if self.mm.is_system_admin(user_id) || self.mm.is_team_admin(team_id, user_id) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("Only team and system admins may see or change the team's paging settings.".into()))
        }
    }

    /// The configuration as admins see it: keys only as configured (and their last 4).
    pub fn paging_settings(&self, user_id: &str, team_id: &str) -> Result<serde_json::Value> {
        self.require_paging_admin(team_id, user_id)?;
        Ok(self.paging_config(team_id)?.public_view())
    }

    pub fn set_paging_settings(&self, user_id: &str, team_id: &str, update: PagingConfigUpdate) -> Result<serde_json::Value> {
        self.require_paging_admin(team_id, user_id)?;
        let severities: Vec<String> = self.conduct_for(team_id)?.severities.into_iter().map(|l| l.name).collect();
        let next = self.paging_config(team_id)?.updated(update, &severities).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let text = serde_json::to_string(&next).map_err(|e| ServiceError::Internal(e.to_string()))?;
        self.repo.set_meta(&config_key(team_id), &text)?;
        Ok(next.public_view())
    }

    /// The names of the services a team member may page, and whether a status page is set.
    pub fn pageable_services(&self, user_id: &str, team_id: &str) -> Result<(Vec<String>, bool)> {
        self.require_team_member(team_id, user_id)?;
        let config = self.paging_config(team_id)?;
        Ok((config.services.iter().map(|s| s.name.clone()).collect(), config.statuspage.is_some()))
    }

    fn endpoints(&self) -> Result<Endpoints> {
        Endpoints::parse(&self.mm.settings().paging_endpoints).map_err(|e| invalid_settings(format!("PagingEndpoints: {e}")))
    }

    /// Sends one request within what is left of `deadline` (ms, the real clock).
    fn send(&self, request: &OutgoingRequest, label: &str, secret: &str, deadline: i64) -> Outcome {
        let left = deadline - crate::ids_and_clock::now_ms();
        if left < 500 {
            return Outcome::Failed("not sent: this request ran out of time; try again".into());
        }
        let timeout = u32::try_from(left.min(CALL_TIMEOUT_MS)).unwrap_or(4_000);
        match self.mm.http_request(request.method, &request.url, &request.headers, &request.body_bytes(), timeout) {
            Ok((status, body)) if (200..300).contains(&status) => Outcome::Accepted(body),
            Ok((status, body)) => Outcome::Failed(paging::failure_reason(label, status, &body, secret)),
            // The host's words say why nothing answered; they never hold the key (it is in the
            // body or a header, which the host does not quote).
            Err(why) => Outcome::Failed(format!("{label} could not be reached: {}", why.replace(secret, "…"))),
        }
    }

    fn record_failure(&mut self, user_id: &str, incident_id: &str, action: PagingAction, service: &str, reason: &str) {
        let (actor, service, reason) = (user_id.to_owned(), service.to_owned(), reason.to_owned());
        // The failure is on the timeline and said to the user; if even recording it fails, the
        // user still gets the reason.
        let _ = self.change(user_id, incident_id, |i, _, now| i.record_paging_failure(&actor, now, action, &service, &reason));
    }

    fn severity_rank(&self, incident: &Incident) -> usize {
        self.conduct_for(&incident.team_id)
            .ok()
            .and_then(|c| c.severities.iter().position(|l| l.name == incident.severity))
            .unwrap_or(usize::MAX)
    }

    /// The incident channel's address, for the page to link to (empty when unknown).
    fn channel_link(&self, incident: &Incident) -> String {
        let post_link = self.mm.permalink(&incident.team_id, "");
        let Some(team_base) = post_link.strip_suffix("/pl/") else { return String::new() };
        match self.mm.channel(&incident.channel_id) {
            Some(channel) => format!("{team_base}/channels/{}", channel.name),
            None => String::new(),
        }
    }

    /// Pages one service's on-call; records the page or the failure. Err(Upstream) when the
    /// provider did not accept it.
    fn page_service(&mut self, user_id: &str, incident: &Incident, service: &PagingService, deadline: i64) -> Result<Incident> {
        let endpoints = self.endpoints()?;
        let rank = self.severity_rank(incident);
        let link = self.channel_link(incident);
        let request = match service.provider {
            Provider::Pagerduty => paging::pagerduty_trigger(&endpoints, service, incident, rank, &link),
            Provider::Opsgenie => paging::opsgenie_create(&endpoints, service, incident, rank, &link),
        };
        match self.send(&request, service.provider.label(), &service.key, deadline) {
            Outcome::Accepted(_) => {
                let page = Page {
                    service: service.name.clone(),
                    provider: service.provider,
                    dedup_key: paging::dedup_key(&incident.id, &service.name),
                    paged_at: self.now,
                    paged_by: user_id.to_owned(),
                    resolved_at: None,
                };
                let actor = user_id.to_owned();
                Ok(self.change(user_id, &incident.id, |i, _, now| i.record_page(&actor, now, page.clone()))?.0)
            }
            Outcome::Failed(reason) => {
                self.record_failure(user_id, &incident.id, PagingAction::Page, &service.name, &reason);
                Err(ServiceError::Upstream(format!("Could not page the on-call of {}: {reason}", service.name)))
            }
        }
    }

    /// `/incident page <service>`, `POST /incidents/{id}/page`.
    pub fn page(&mut self, user_id: &str, incident_id: &str, service_name: &str) -> Result<Incident> {
        let incident = self.incident(user_id, incident_id)?.value;
        self.require_change(&incident, user_id)?;
        if !incident.is_active() {
            return Err(ServiceError::Conflict(format!("{} has ended; there is nobody to page for it.", incident.reference())));
        }
        let config = self.paging_config(&incident.team_id)?;
        let name = paging::normalize_service_name(service_name).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let Some(service) = config.service(&name).cloned() else {
            let known: Vec<&str> = config.services.iter().map(|s| s.name.as_str()).collect();
            return Err(ServiceError::Invalid(if known.is_empty() {
                "This team has no services to page; a team or system admin can add them (Reports page, Paging).".into()
            } else {
                format!("There is no service \"{name}\" to page; choose one of {}.", known.join(", "))
            }));
        };
        if incident.open_page(&service.name).is_some() {
            return Err(ServiceError::Conflict(format!(
                "The on-call of {} is already paged for {}.",
                service.name,
                incident.reference()
            )));
        }
        let deadline = crate::ids_and_clock::now_ms() + REQUEST_BUDGET_MS;
        self.page_service(user_id, &incident, &service, deadline)
    }

    /// After a start: pages the services configured for the incident's severity. Failures are
    /// on the timeline and in the channel; the start stands.
    pub(crate) fn page_on_declare(&mut self, user_id: &str, incident: Incident) -> Incident {
        let Ok(config) = self.paging_config(&incident.team_id) else { return incident };
        let services: Vec<PagingService> = config.services_for_severity(&incident.severity).into_iter().cloned().collect();
        let deadline = crate::ids_and_clock::now_ms() + REQUEST_BUDGET_MS;
        let mut latest = incident;
        for service in services {
            latest = match self.page_service(user_id, &latest, &service, deadline) {
                Ok(paged) => paged,
                // Read again: the failure is on the timeline now.
                Err(_) => self.incident(user_id, &latest.id).map(|v| v.value).unwrap_or(latest),
            };
        }
        latest
    }

    /// After the incident ended: resolves its open pages and its public incident on the status
    /// page (with `statuspage_message` as the last word, if the closing update was mirrored).
    /// Failures are recorded; `/incident page resolve` tries again.
    pub(crate) fn after_end(&mut self, user_id: &str, incident: Incident, statuspage_message: Option<&str>) -> Incident {
        if incident.is_active() {
            return incident;
        }
        let deadline = crate::ids_and_clock::now_ms() + REQUEST_BUDGET_MS;
        self.resolve_pages(user_id, incident, statuspage_message, deadline, true).0
    }

    /// Before an incident is deleted: resolves its open pages and its public incident, so no
    /// on-call stays paged for a record that is gone. What could not be resolved, in words.
    pub(crate) fn before_delete(&mut self, user_id: &str, incident: Incident) -> Vec<String> {
        let mirror_open = incident.status_page.as_ref().is_some_and(|m| m.resolved_at.is_none());
        if incident.open_pages().is_empty() && !mirror_open {
            return Vec::new();
        }
        let deadline = crate::ids_and_clock::now_ms() + REQUEST_BUDGET_MS;
        self.resolve_pages(user_id, incident, None, deadline, false).1
    }

    /// `/incident page resolve`, `POST /incidents/{id}/pages/resolve`: tries the resolves that
    /// failed again (of an ended incident). Err(Upstream) if any still fails.
    pub fn retry_resolves(&mut self, user_id: &str, incident_id: &str) -> Result<Incident> {
        let incident = self.incident(user_id, incident_id)?.value;
        self.require_change(&incident, user_id)?;
        if incident.is_active() {
            return Err(ServiceError::Conflict(format!(
                "{} is still active; its pages are resolved when it ends.",
                incident.reference()
            )));
        }
        let mirror_open = incident.status_page.as_ref().is_some_and(|m| m.resolved_at.is_none());
        if incident.open_pages().is_empty() && !mirror_open {
            return Err(ServiceError::Conflict(format!("{} has nothing left to resolve.", incident.reference())));
        }
        let deadline = crate::ids_and_clock::now_ms() + REQUEST_BUDGET_MS;
        let (incident, failures) = self.resolve_pages(user_id, incident, None, deadline, true);
        if failures.is_empty() { Ok(incident) } else { Err(ServiceError::Upstream(failures.join(" "))) }
    }

    /// The timer: tries again the resolves that failed when incidents ended, as the bot, a few
    /// incidents a run, each at most [`MAX_RETRIES`] runs; a retry that fails again is not
    /// recorded again (the first failure is on the timeline), the last one says it gave up.
    pub fn retry_failed_resolves(&mut self) -> Result<()> {
        if self.bot_id.is_empty() {
            return Ok(());
        }
        let deadline = crate::ids_and_clock::now_ms() + RETRY_BUDGET_MS;
        let bot = self.bot_id.clone();
        for (key, value) in self.repo.meta_with_prefix(RETRY_PREFIX, 10)? {
            if deadline - crate::ids_and_clock::now_ms() < 1_000 {
                break;
            }
            let incident_id = key.trim_start_matches(RETRY_PREFIX).to_owned();
            let attempts: u32 = value.parse().unwrap_or(0);
            // One process per incident and attempt, in a cluster.
            if !self.mm.claim_once(&format!("paging-retry-{incident_id}-{attempts}"), 300) {
                continue;
            }
            let incident = match self.incident(&bot, &incident_id) {
                Ok(found) if !found.value.is_active() => found.value,
                // Gone, reopened, or the bot is no longer in its channel: nothing to do here.
                _ => {
                    self.repo.delete_meta(&key)?;
                    continue;
                }
            };
            let (_, failures) = self.resolve_pages(&bot, incident, None, deadline, false);
            if failures.is_empty() {
                self.repo.delete_meta(&key)?;
            } else if attempts + 1 >= MAX_RETRIES {
                let reason = format!("gave up after {MAX_RETRIES} tries; `/incident page resolve` tries again");
                self.record_failure(&bot, &incident_id, PagingAction::Resolve, "", &reason);
                self.repo.delete_meta(&key)?;
            } else {
                self.repo.set_meta(&key, &(attempts + 1).to_string())?;
            }
        }
        Ok(())
    }

    fn resolve_pages(
        &mut self,
        user_id: &str,
        incident: Incident,
        statuspage_message: Option<&str>,
        deadline: i64,
        record_failures: bool,
    ) -> (Incident, Vec<String>) {
        let mut failures = Vec::new();
        let Ok(endpoints) = self.endpoints() else { return (incident, vec!["The PagingEndpoints setting is invalid.".into()]) };
        let Ok(config) = self.paging_config(&incident.team_id) else { return (incident, failures) };
        let mut latest = incident;
        for page in latest.open_pages() {
            let Some(service) = config.service(&page.service).filter(|s| s.provider == page.provider).cloned() else {
                let reason = "the service is no longer configured for this team".to_owned();
                if record_failures {
                    self.record_failure(user_id, &latest.id, PagingAction::Resolve, &page.service, &reason);
                }
                failures.push(format!("Could not resolve the page of {}: {reason}.", page.service));
                continue;
            };
            let request = match service.provider {
                Provider::Pagerduty => paging::pagerduty_resolve(&endpoints, &service, &page.dedup_key),
                Provider::Opsgenie => paging::opsgenie_close(&endpoints, &service, &page.dedup_key, &latest.reference()),
            };
            match self.send(&request, service.provider.label(), &service.key, deadline) {
                Outcome::Accepted(_) => {
                    let actor = user_id.to_owned();
                    if let Ok((resolved, _)) =
                        self.change(user_id, &latest.id, |i, _, now| i.record_page_resolved(&actor, now, &page.service))
                    {
                        latest = resolved;
                    }
                }
                Outcome::Failed(reason) => {
                    if record_failures {
                        self.record_failure(user_id, &latest.id, PagingAction::Resolve, &page.service, &reason);
                    }
                    failures.push(format!("Could not resolve the page of {}: {reason}.", page.service));
                }
            }
        }
        if latest.status_page.as_ref().is_some_and(|m| m.resolved_at.is_none()) {
            let message = statuspage_message.unwrap_or("This incident has been resolved.");
            match self.mirror(user_id, &latest, message, record_failures) {
                Ok(mirrored) => latest = mirrored,
                Err(e) => failures.push(e.to_string()),
            }
        }
        if let Ok(fresh) = self.incident(user_id, &latest.id) {
            latest = fresh.value;
        }
        // What failed is tried again by the timer (retry_failed_resolves), and no longer once
        // everything is resolved.
        let retry_key = format!("{RETRY_PREFIX}{}", latest.id);
        let _ =
            if failures.is_empty() { self.repo.delete_meta(&retry_key) } else { self.repo.set_meta_if_absent(&retry_key, "0") };
        (latest, failures)
    }

    /// Mirrors `message` to the team's status page: creates the public incident the first time,
    /// updates it after, resolves it once the incident has ended. Records the outcome.
    pub(crate) fn mirror(
        &mut self,
        user_id: &str,
        incident: &Incident,
        message: &str,
        record_failures: bool,
    ) -> Result<Incident> {
        let config = self.paging_config(&incident.team_id)?;
        let Some(page) = config.statuspage.clone() else {
            return Err(ServiceError::Invalid(
                "This team has no status page; a team or system admin can set one (Reports page, Paging).".into(),
            ));
        };
        let endpoints = self.endpoints()?;
        let status = paging::statuspage_status(&incident.status, !incident.is_active());
        let existing = incident.status_page.as_ref().filter(|m| m.page_id == page.page_id && m.resolved_at.is_none());
        let (request, action) = match existing {
            Some(mirror) => (
                paging::statuspage_update(&endpoints, &page, &mirror.incident_id, status, message),
                if incident.is_active() { StatusPageAction::Updated } else { StatusPageAction::Resolved },
            ),
            None if incident.is_active() => {
                (paging::statuspage_create(&endpoints, &page, &incident.name, status, message), StatusPageAction::Created)
            }
            None => {
                return Err(ServiceError::Conflict(format!(
                    "{} has ended; the status page is not changed.",
                    incident.reference()
                )));
            }
        };
        let deadline = crate::ids_and_clock::now_ms() + REQUEST_BUDGET_MS;
        match self.send(&request, "Statuspage", &page.key, deadline) {
            Outcome::Accepted(answer) => {
                let created = match action {
                    StatusPageAction::Created => match paging::statuspage_incident_id(&answer) {
                        Some(id) => Some((page.page_id.clone(), id)),
                        None => {
                            let reason = "Statuspage answered without the new incident's id".to_owned();
                            if record_failures {
                                self.record_failure(user_id, &incident.id, PagingAction::StatusPage, "", &reason);
                            }
                            return Err(ServiceError::Upstream(format!("Could not update the status page: {reason}.")));
                        }
                    },
                    _ => None,
                };
                let actor = user_id.to_owned();
                Ok(self
                    .change(user_id, &incident.id, |i, _, now| {
                        i.record_status_page(&actor, now, action, created.clone(), status)
                    })?
                    .0)
            }
            Outcome::Failed(reason) => {
                if record_failures {
                    self.record_failure(user_id, &incident.id, PagingAction::StatusPage, "", &reason);
                }
                Err(ServiceError::Upstream(format!("Could not update the status page: {reason}.")))
            }
        }
    }
}

/// The paging failures recorded from timeline event `from` on, as sentences for the user.
pub(crate) fn failures_since(incident: &Incident, from: usize) -> Vec<String> {
    use incident_core::TimelineEventKind::PagingFailed;
    incident
        .timeline
        .iter()
        .skip(from)
        .filter_map(|e| match &e.kind {
            PagingFailed { action: PagingAction::StatusPage, reason, .. } => {
                Some(format!("The status page was not updated: {reason}."))
            }
            PagingFailed { action: PagingAction::Page, service, reason } => Some(format!("Could not page {service}: {reason}.")),
            PagingFailed { action: PagingAction::Resolve, service, reason } if service.is_empty() => {
                Some(format!("Could not resolve the pages: {reason}."))
            }
            PagingFailed { action: PagingAction::Resolve, service, reason } => {
                Some(format!("Could not resolve the page of {service}: {reason}. Try again with `/incident page resolve`."))
            }
            _ => None,
        })
        .collect()
}
