//! The incident dossier (docs/api.md, "Dossier"): exporting everything recorded about an
//! incident for whoever may see it (the channel transcript only for those who may read the
//! channel), and importing a dossier as a new, ended incident of a team (team and system admins).

use std::collections::BTreeSet;

use incident_core::dossier::remap::{ImportTarget, parse, plan_import};
use incident_core::dossier::{Dossier, FORMAT_VERSION, Person, Report, Transcript, TranscriptMessage, person_ids};
use incident_core::{Incident, render};

use crate::manifest::VERSION;
use crate::mattermost::Mattermost;
use crate::service::learning_review::report_key;
use crate::service::{Result, Service, ServiceError};
use crate::store::db::Database;
use crate::store::learning_review::MAX_TRANSCRIPT_PAGE;

/// The largest upload `POST /incidents/import` reads: the most the host reads of any request
/// body (mm-protocol's `MAX_REQUEST_BODY`, answered 413 beyond). A larger dossier's
/// `dossier.json` alone is about half its ZIP (which holds the record twice, as JSON and as Markdown).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// Message text an exported transcript carries at most (bytes, each character counted as 4),
/// so that the dossier of any incident fits in an import.
const MAX_EXPORT_TRANSCRIPT_BYTES: usize = 8 * 1024 * 1024;

/// What an import made.
pub struct Imported {
    pub incident: Incident,
    /// Usernames of the dossier not found here: kept as names.
    pub unknown_people: Vec<String>,
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The dossier of an incident the caller may see.
    pub fn dossier(&self, user_id: &str, incident_id: &str) -> Result<Dossier> {
        let incident = self.incident(user_id, incident_id)?.value;
        let actions = self.repo.incident_actions(&incident.id)?;
        let edited = self.repo.meta(&report_key(&incident.id))?;
        let report = match edited {
            Some(markdown) => Report { markdown, edited: true },
            None => {
                let usernames = |id: &str| self.username_of(id);
                Report {
                    markdown: render::report_markdown(&incident, &actions, incident_core::Zone::UTC, &usernames),
                    edited: false,
                }
            }
        };
        let transcript = self.whole_transcript(user_id, &incident.id)?;
        let mut ids = BTreeSet::new();
        let record = serde_json::json!([&incident, &actions, &transcript.messages]);
        person_ids(&record, &mut ids);
        let people = ids
            .into_iter()
            .filter(|id| !id.starts_with('@'))
            .filter_map(|id| self.mm.user(&id).map(|u| Person { id, username: u.username }))
            .collect();
        Ok(Dossier {
            format_version: FORMAT_VERSION,
            generator: format!("incident-response {VERSION}"),
            exported_at: self.now,
            reference: incident.reference(),
            incident,
            people,
            report,
            follow_up_actions: actions,
            transcript,
        })
    }

    /// A username for the report: an imported incident's strangers are `@name` already.
    fn username_of(&self, id: &str) -> Option<String> {
        match id.strip_prefix('@') {
            Some(name) => Some(name.to_owned()),
            None => self.mm.user(id).map(|u| u.username),
        }
    }

    /// The channel's messages, all pages, when the caller may read them (service/learning_review.rs).
    fn whole_transcript(&self, user_id: &str, incident_id: &str) -> Result<Transcript> {
        let mut messages: Vec<TranscriptMessage> = Vec::new();
        let mut after: Option<String> = None;
        let mut bytes = 0usize;
        loop {
            let page = match self.transcript(user_id, incident_id, after.as_deref(), MAX_TRANSCRIPT_PAGE) {
                Ok((_, page, next)) => (page, next),
                Err(ServiceError::Forbidden(_)) => return Ok(Transcript { included: false, messages: Vec::new() }),
                Err(e) => return Err(e),
            };
            for m in page.0 {
                bytes = bytes.saturating_add(m.message.len().saturating_mul(4));
                if bytes > MAX_EXPORT_TRANSCRIPT_BYTES || messages.len() >= incident_core::dossier::remap::MAX_MESSAGES {
                    return Err(ServiceError::Invalid(
                        "This incident's channel transcript is too long for one dossier; download it in pages from …/transcript."
                            .into(),
                    ));
                }
                messages.push(TranscriptMessage {
                    id: m.post_id,
                    user_id: m.user_id,
                    root_id: m.root_id,
                    message: m.message,
                    create_at: m.create_at,
                    edit_at: m.edit_at,
                });
            }
            match page.1 {
                Some(next) => after = Some(next),
                None => return Ok(Transcript { included: true, messages }),
            }
        }
    }

    /// Imports a dossier (a ZIP or its `dossier.json`) as a new incident of `team_id`: checked
    /// whole before anything is written; every id new; people matched by username; ended and
    /// without a channel, so only team and system admins see it. Importing twice makes two.
    pub fn import_dossier(&mut self, user_id: &str, team_id: &str, bytes: &[u8]) -> Result<Imported> {
        if team_id.trim().is_empty() {
            return Err(ServiceError::Invalid("`team_id` is required.".into()));
        }
        if !self.is_admin(team_id, user_id) {
            return Err(ServiceError::Forbidden("Only team admins and system admins may import an incident dossier.".into()));
        }
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(ServiceError::Invalid(format!(
                "The dossier has {} bytes; at most {} MiB are imported.",
                bytes.len(),
                MAX_IMPORT_BYTES / (1024 * 1024)
            )));
        }
        let dossier = parse(bytes).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let new_id = self.ids.new_id();
        let number = self.repo.reserve_incident(&new_id, team_id, &dossier.incident.name, user_id, self.now)?;
        let local_user = |username: &str| self.mm.user_by_username(username).map(|u| u.id);
        let target = ImportTarget { team_id, incident_id: &new_id, number, now: self.now };
        let written = plan_import(&dossier, &target, &local_user, &mut *self.ids)
            .map_err(|e| ServiceError::Invalid(e.to_string()))
            .and_then(|plan| {
                self.repo.write_import(&plan, &report_key(&new_id))?;
                Ok(plan)
            });
        match written {
            Ok(plan) => Ok(Imported { incident: plan.incident, unknown_people: plan.unknown_people }),
            Err(e) => {
                if let Err(release) = self.repo.release_reservation(&new_id) {
                    self.mm.warn("could not release an import's reservation", &release.to_string());
                }
                Err(e)
            }
        }
    }
}
