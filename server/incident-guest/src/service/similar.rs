//! Similar past incidents (issue 18): on start, and on `/incident similar` and
//! `GET /incidents/{id}/similar`, the team's incidents whose words are most like this one's
//! (store/similar.rs ranks them), each with its outcome, open follow-up actions and report.
//!
//! Only incidents the asker may see are offered. On start the suggestions are split by
//! audience: the incident channel is read by all its members, so a post there names only
//! incidents every team member may see (public ones); the starter's private ones go to the
//! starter alone, as an ephemeral post. A channel whose readers are not known to be full team
//! members gets nothing: an existing channel (`--here`: guests may read it) or one whose
//! commander is a guest; there every suggestion goes to the starter alone.

use incident_core::similar::{SimilarIncident, incident_query_terms, suggestion_post};
use incident_core::{Incident, IncidentFilter};
use mattermost_plugin_sdk::model::Post;

use crate::manifest::PLUGIN_ID;
use crate::mattermost::Mattermost;
use crate::service::learning_review::report_key;
use crate::service::{Result, Service};
use crate::store::db::Database;
use crate::store::incident_list::Visible;

/// Suggestions shown at most.
pub const SUGGESTIONS: usize = 3;
/// Best matches read, so that some may be dropped (a channel turned private meanwhile) and
/// three still remain.
const CANDIDATES: usize = 10;
/// Backfill batches a lookup writes at most before it searches (store/similar.rs).
const FILL_ROUNDS: usize = 5;

/// A suggestion with whether every team member may see it.
struct Found {
    similar: SimilarIncident,
    public: bool,
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The incidents most like `incident_id` that `user_id` may see, best first.
    pub fn similar(&self, user_id: &str, incident_id: &str) -> Result<Vec<SimilarIncident>> {
        let incident = self.incident(user_id, incident_id)?.value;
        // Other incidents of the team are for its members (a channel member from outside sees this one only).
        self.require_team_member(&incident.team_id, user_id)?;
        Ok(self.similar_to(&incident, user_id)?.into_iter().map(|f| f.similar).collect())
    }

    fn similar_to(&self, incident: &Incident, user_id: &str) -> Result<Vec<Found>> {
        // Once a team's incidents all have their words, every later one gets them as it starts:
        // the lookup stops asking (the timer still fills any row that lacks them).
        let filled_key = format!("search_words_filled:{}", incident.team_id);
        if self.repo.meta(&filled_key)?.is_none() {
            for _ in 0..FILL_ROUNDS {
                if self.repo.fill_search_words(Some(&incident.team_id))? == 0 {
                    self.repo.set_meta(&filled_key, "1")?;
                    break;
                }
            }
        }
        let terms = incident_query_terms(incident);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let filter = IncidentFilter { team_id: Some(incident.team_id.clone()), ..IncidentFilter::default() };
        let visible = self.visibility(&filter, &incident.team_id, user_id)?;
        let candidates = self.repo.similar_incidents(&incident.team_id, &incident.id, &terms, &visible, CANDIDATES)?;
        // The stored `private` column may lag a channel converted a moment ago: the channel as
        // it is now has the last word (privacy.rs). The private ones `visible` names were
        // checked one by one already; a row that passed as public is seen only if it still is.
        let mut kept: Vec<(Incident, bool)> = Vec::new();
        for candidate in candidates {
            if kept.len() == SUGGESTIONS {
                break;
            }
            let public = !self.channel_hides_incident(&candidate.team_id, self.mm.channel(&candidate.channel_id).as_ref());
            let seen = match &visible {
                Visible::All => true,
                Visible::PublicAnd(checked) => public || checked.contains(&candidate.id),
                Visible::Only(checked) => checked.contains(&candidate.id),
            };
            if seen {
                kept.push((candidate, public));
            }
        }
        let ids: Vec<&str> = kept.iter().map(|(i, _)| i.id.as_str()).collect();
        let counts = self.repo.action_counts(&ids)?;
        let mut found = Vec::with_capacity(kept.len());
        for ((incident, public), count) in kept.iter().zip(counts) {
            let report = self
                .repo
                .meta(&report_key(&incident.id))?
                .map(|_| format!("/plugins/{PLUGIN_ID}/api/v0/incidents/{}/report", incident.id));
            found.push(Found { similar: SimilarIncident::of(incident, count.open, count.all, report), public: *public });
        }
        Ok(found)
    }

    /// After a start: the public suggestions in the incident channel (one it created, with a
    /// member commander), the rest to the starter alone; nothing when nothing is similar. Never fails the start: a
    /// failed lookup is logged and the incident goes on without suggestions.
    pub(crate) fn suggest_similar(&self, starter_id: &str, incident: &Incident) {
        let found = match self.similar_to(incident, starter_id) {
            Ok(found) => found,
            Err(e) => {
                eprintln!("[WARN] similar incidents for {} could not be looked up: {e}", incident.id);
                return;
            }
        };
        let channel_may_show = !incident.existing_channel && !self.mm.is_guest(&incident.commander_id);
        let (public, private): (Vec<Found>, Vec<Found>) = found.into_iter().partition(|f| f.public && channel_may_show);
        let reference = incident.reference();
        let zone = self.team_zone(&incident.team_id);
        let public: Vec<SimilarIncident> = public.into_iter().map(|f| f.similar).collect();
        if let Some(message) = suggestion_post(&reference, &public, false, zone) {
            self.post(&incident.channel_id, message);
        }
        let private: Vec<SimilarIncident> = private.into_iter().map(|f| f.similar).collect();
        if let Some(message) = suggestion_post(&reference, &private, true, self.caller_zone(starter_id, &incident.team_id)) {
            let post = Post { channel_id: incident.channel_id.clone(), user_id: self.bot_id.clone(), message, ..Post::default() };
            self.mm.ephemeral(starter_id, &post);
        }
    }
}
