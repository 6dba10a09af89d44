//! Learning from an incident, in the service: notes and the decision log, the impact window,
//! follow-up actions, the channel transcript (captured as people write), the report and
//! metrics. Permissions follow the incident's: members of its channel (and admins) change it,
//! whoever may see it reads it.

use incident_core::actions::{ActionDraft, ActionState, FollowUpAction};
use incident_core::metrics::{IncidentMetrics, metrics};
use incident_core::timeline::EntryCategory;
use incident_core::{Incident, render};
use mattermost_plugin_sdk::model::Post;

use crate::mattermost::Mattermost;
use crate::service::CORRECTION_ROUNDS;
use crate::service::privacy::PrivacyRowRef;
use crate::service::{Result, Service, ServiceError};
use crate::store::db::Database;
use crate::store::learning_review::ChannelMessage;
use crate::store::privacy_rows::PrivacyRow;
use crate::store::repo::Versioned;

/// When message retention last ran over the transcripts (Unix ms, in `meta`).
const RETENTION_RUN_KEY: &str = "message_retention_applied_at";

/// Incidents a team report covers at most, newest first.
const MAX_REPORT_INCIDENTS: usize = 5000;

/// `15m ago`, `2h ago` at the start of some words: the moment meant, and the words left.
pub fn leading_time_ago(words: &[String], now_ms: i64) -> (Option<i64>, Vec<String>) {
    if words.len() >= 2 && words[1].eq_ignore_ascii_case("ago") {
        let w = words[0].to_lowercase();
        // The unit is the last character, not the last byte: `5é ago` must not cut `é` in two.
        let unit_at = w.char_indices().last().map_or(0, |(i, _)| i);
        let (number, unit) = w.split_at(unit_at);
        if let Ok(n) = number.parse::<i64>() {
            let ms = match unit {
                "m" => n.checked_mul(60_000),
                "h" => n.checked_mul(3_600_000),
                _ => None,
            };
            if let Some(ms) = ms.filter(|ms| (0..=7 * 86_400_000).contains(ms)) {
                return (Some(now_ms - ms), words[2..].to_vec());
            }
        }
    }
    (None, words.to_vec())
}

/// The longest incident report the service keeps (an edited one); the REST layer's default
/// limit for long text (api/input_limits.rs) is this one.
pub const MAX_REPORT_CHARS: usize = 60_000;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    pub fn add_note(
        &mut self,
        user_id: &str,
        incident_id: &str,
        text: &str,
        category: EntryCategory,
        happened_at: Option<i64>,
    ) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.add_note(&actor, text, category, happened_at, now))?.0)
    }

    pub fn edit_note(&mut self, user_id: &str, incident_id: &str, event_id: &str, text: &str) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.edit_note(&actor, event_id, text, now))?.0)
    }

    pub fn hide_event(&mut self, user_id: &str, incident_id: &str, event_id: &str) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.hide_event(&actor, event_id, now))?.0)
    }

    /// `start: true` records when customer impact began, else when it ended.
    pub fn set_impact(&mut self, user_id: &str, incident_id: &str, start: bool, at: i64) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self
            .change(
                user_id,
                incident_id,
                |i, _, now| if start { i.start_impact(&actor, at, now) } else { i.end_impact(&actor, at, now) },
            )?
            .0)
    }

    // --- follow-up actions -----------------------------------------------------------------

    pub fn add_action(&mut self, user_id: &str, incident_id: &str, draft: &ActionDraft) -> Result<FollowUpAction> {
        let incident = self.incident(user_id, incident_id)?.value;
        self.require_member_or_admin(&incident, user_id)?;
        if draft.owner_id.as_ref().is_some_and(|owner| !self.is_active_team_member(&incident.team_id, owner)) {
            return Err(ServiceError::Invalid("The owner must be an active member of the team.".into()));
        }
        let max = crate::store::learning_review::MAX_ACTIONS_PER_INCIDENT;
        if self.repo.count_incident_actions(&incident.id)? >= max {
            return Err(ServiceError::Invalid(format!(
                "{} has {max} follow-up actions, the most an incident may have.",
                incident.reference()
            )));
        }
        let id = self.ids.new_id();
        let action = FollowUpAction::new(&id, &incident.id, &incident.team_id, user_id, draft, self.now)?;
        self.repo.insert_action(&action)?;
        Ok(action)
    }

    /// Moves an action (done, dropped, open again), or changes its text, owner or due day.
    pub fn update_action(&mut self, user_id: &str, action_id: &str, patch: &ActionPatch) -> Result<FollowUpAction> {
        let not_found = || ServiceError::NotFound("No such follow-up action.".into());
        let Versioned { value: mut action, revision } = self.repo.action(action_id)?.ok_or_else(not_found)?;
        let incident = self.incident(user_id, &action.incident_id).map_err(|_| not_found())?.value;
        self.require_member_or_admin(&incident, user_id)?;
        if let Some(state) = patch.state {
            action.set_state(state, self.now)?;
        }
        if let Some(text) = &patch.text {
            action.set_text(text, self.now)?;
        }
        if let Some(owner) = &patch.owner_id {
            if owner.as_ref().is_some_and(|o| !self.is_active_team_member(&incident.team_id, o)) {
                return Err(ServiceError::Invalid("The owner must be an active member of the team.".into()));
            }
            action.owner_id = owner.clone();
        }
        if let Some(due) = patch.due_at {
            action.due_at = incident_core::actions::checked_due_at(due, self.now)?;
        }
        action.updated_at = self.now;
        match self.repo.save_action(&action, revision) {
            Ok(()) => Ok(action),
            Err(e) if e.is_conflict() => Err(ServiceError::Conflict("The action was changed meanwhile; reload it.".into())),
            Err(e) => Err(e.into()),
        }
    }

    pub fn incident_actions(&self, user_id: &str, incident_id: &str) -> Result<Vec<FollowUpAction>> {
        let incident = self.incident(user_id, incident_id)?.value;
        Ok(self.repo.incident_actions(&incident.id)?)
    }

    /// One page of the team's actions the user may see (those of incidents they may see,
    /// decided in SQL before the page is cut), and how many there are in all.
    pub fn team_actions(
        &self,
        user_id: &str,
        team_id: &str,
        open_only: bool,
        page: usize,
        per_page: usize,
    ) -> Result<(Vec<FollowUpAction>, usize)> {
        if !self.mm.is_team_member(team_id, user_id) && !self.mm.is_system_admin(user_id) {
            return Err(ServiceError::Forbidden("You are not a member of this team.".into()));
        }
        let filter = incident_core::IncidentFilter { team_id: Some(team_id.to_owned()), ..Default::default() };
        for round in 1..=CORRECTION_ROUNDS {
            let visible = self.visibility(&filter, team_id, user_id)?;
            let (rows, total) =
                self.repo.team_actions_page(&filter, &visible, open_only, page.saturating_mul(per_page), per_page)?;
            let incidents = rows.iter().map(|r| PrivacyRowRef {
                id: &r.action.incident_id,
                team_id: &r.incident_team,
                channel_id: &r.incident_channel,
            });
            if !self.correct_public_rows(incidents, &visible)? || round == CORRECTION_ROUNDS {
                return Ok((rows.into_iter().map(|r| r.action).collect(), total));
            }
        }
        Ok((Vec::new(), 0))
    }

    fn require_member_or_admin(&self, incident: &Incident, user_id: &str) -> Result<()> {
        if self.mm.is_channel_member(&incident.channel_id, user_id)
            || self.mm.is_system_admin(user_id)
            || self.mm.is_team_admin(&incident.team_id, user_id)
        {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("Join the incident channel to change its follow-up actions or report.".into()))
        }
    }

    // --- reports across incidents ------------------------------------------------------------

    /// The team report over the incidents the user may see (up to [`MAX_REPORT_INCIDENTS`],
    /// newest first), read a memory budget at a time and kept as light rows; open actions are
    /// counted in SQL over the same incidents.
    pub fn team_report(
        &self,
        user_id: &str,
        team_id: &str,
        period: incident_core::team_report::Period,
        periods: usize,
    ) -> Result<incident_core::team_report::TeamReport> {
        use incident_core::team_report::ReportIncident;
        if !self.mm.is_team_member(team_id, user_id) && !self.mm.is_system_admin(user_id) {
            return Err(ServiceError::Forbidden("You are not a member of this team.".into()));
        }
        let filter = incident_core::IncidentFilter { team_id: Some(team_id.to_owned()), ..Default::default() };
        for round in 1..=CORRECTION_ROUNDS {
            let visible = self.visibility(&filter, team_id, user_id)?;
            let mut rows: Vec<ReportIncident> = Vec::new();
            let mut located: Vec<PrivacyRow> = Vec::new();
            self.repo.visit_incidents(&filter, &visible, MAX_REPORT_INCIDENTS, |i| {
                rows.push(ReportIncident::of(&i, self.now));
                located.push(PrivacyRow { id: i.id, team_id: i.team_id, channel_id: i.channel_id });
                Ok(())
            })?;
            let (actions, action_incidents) = self.repo.open_action_counts(&filter, &visible, self.now)?;
            let as_rows = located.iter().chain(&action_incidents).map(PrivacyRowRef::from);
            if !self.correct_public_rows(as_rows, &visible)? || round == CORRECTION_ROUNDS {
                let playbooks = self.repo.playbook_titles(team_id)?;
                let title = |id: &str| playbooks.iter().find(|(p, _)| p == id).map(|(_, t)| t.clone());
                return Ok(incident_core::team_report::team_report(&rows, &actions, &title, period, periods, self.now));
            }
        }
        Err(ServiceError::Internal("the report could not be made".into()))
    }

    // --- report, metrics, transcript ---------------------------------------------------------

    /// The report (the edited one, else the generated one), its metrics, and the revision of the
    /// edited report (0 when it was never saved), which a save names to show what it edited.
    pub fn report(&self, user_id: &str, incident_id: &str) -> Result<(String, IncidentMetrics, i64)> {
        let incident = self.incident(user_id, incident_id)?.value;
        let actions = self.repo.incident_actions(&incident.id)?;
        let usernames = |id: &str| self.mm.user(id).map(|u| u.username);
        let edited = self.repo.meta(&report_key(&incident.id))?;
        let markdown =
            edited.unwrap_or_else(|| render::report_markdown(&incident, &actions, self.team_zone(&incident.team_id), &usernames));
        Ok((markdown, metrics(&incident), self.report_revision(&incident.id)?))
    }

    fn report_revision(&self, incident_id: &str) -> Result<i64> {
        let stored = self.repo.meta(&report_revision_key(incident_id))?;
        Ok(stored.and_then(|r| r.parse::<i64>().ok()).unwrap_or(0))
    }

    /// Keeps an edited report (the webapp's editor); empty text goes back to the generated one.
    /// `revision` is the one the editor started from (from [`Service::report`]): when someone
    /// saved since, the save is refused (409) rather than silently overwriting their text
    /// (security review #14). A save must name it: one without could only overwrite blindly.
    pub fn save_report(&mut self, user_id: &str, incident_id: &str, markdown: &str, revision: Option<i64>) -> Result<i64> {
        let incident = self.incident(user_id, incident_id)?.value;
        self.require_member_or_admin(&incident, user_id)?;
        let chars = markdown.chars().count();
        let max = MAX_REPORT_CHARS;
        if chars > max {
            return Err(ServiceError::Invalid(format!("`markdown` is too long: it has {chars} characters; the limit is {max}.")));
        }
        let Some(read) = revision else {
            return Err(ServiceError::Invalid(
                "Name the `revision` of the report you edited (GET …/report gives it), so that nobody's edit is overwritten unseen.".into(),
            ));
        };
        let current = self.report_revision(&incident.id)?;
        if read != current {
            return Err(report_conflict(read, current));
        }
        match self.repo.save_report_text(&report_key(&incident.id), &report_revision_key(&incident.id), markdown.trim(), current)
        {
            Ok(()) => Ok(current + 1),
            Err(e) if e.is_conflict() => Err(report_conflict(read, current + 1)),
            Err(e) => Err(e.into()),
        }
    }

    /// Posts the report in the incident channel and the announcement channels (split into
    /// posts Mattermost accepts). The bot posts it where its author may not, so only the
    /// commander or an admin may publish, at most once per [`PUBLISH_PAUSE_SECONDS`] per
    /// incident, with channel-wide mentions defused (security review #1 and #3).
    pub fn publish_report(&mut self, user_id: &str, incident_id: &str) -> Result<usize> {
        let incident = self.incident(user_id, incident_id)?.value;
        let is_admin = self.mm.is_system_admin(user_id) || self.mm.is_team_admin(&incident.team_id, user_id);
        if incident.commander_id != user_id && !is_admin {
            return Err(ServiceError::Forbidden(
                "Only the incident's commander, a team admin or a system admin may publish its report.".into(),
            ));
        }
        // Claimed in Mattermost's key-value store, which lets the claim lapse: shared by every
        // plugin process, and nothing to clean up.
        if !self.mm.claim_once(&format!("report-published:{}", incident.id), PUBLISH_PAUSE_SECONDS) {
            return Err(ServiceError::TooManyRequests(format!(
                "The report of {} was published less than {PUBLISH_PAUSE_SECONDS} seconds ago; wait a minute before publishing it again.",
                incident.reference()
            )));
        }
        let (markdown, _, _) = self.report(user_id, incident_id)?;
        let mut channels = vec![incident.channel_id.clone()];
        channels.extend(self.announcement_channels(&incident)?);
        // Playbooks saved before duplicates were removed may still name a channel many times.
        let channels = incident_core::playbook::distinct_channel_ids(&channels);
        // Defused before splitting (so the parts' sizes count the added characters) and after
        // (a cut inside a very long line could leave `@all` at a part's end).
        let parts: Vec<String> = split_for_posts(&render::safe(&markdown), 15_000).iter().map(|p| render::safe(p)).collect();
        for channel in &channels {
            for part in &parts {
                self.post(channel, part.clone());
            }
        }
        Ok(channels.len())
    }

    /// One page of the channel transcript (store/learning_review.rs): after the message `after`, at
    /// most `limit`; answers the incident, the page and the cursor of the next page if any.
    /// The transcript is the channel's own messages, so it is for those Mattermost lets read
    /// the channel: a team admin outside a private incident channel sees the incident's record
    /// but not its channel's messages.
    pub fn transcript(
        &self,
        user_id: &str,
        incident_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(Incident, Vec<ChannelMessage>, Option<String>)> {
        let incident = self.incident(user_id, incident_id)?.value;
        let reads_channel = self.mm.is_channel_member(&incident.channel_id, user_id)
            || self.mm.is_system_admin(user_id)
            || !self.channel_hides_incident(&incident.team_id, self.mm.channel(&incident.channel_id).as_ref());
        if !reads_channel {
            return Err(ServiceError::Forbidden(
                "The transcript of a private incident channel is for its members: join the channel to read it.".into(),
            ));
        }
        if let Some(after) = after
            && !self.repo.transcript_has(&incident.id, after)?
        {
            return Err(ServiceError::Invalid(
                "`after` is not a message of this transcript: use the `next_after` of the previous page.".into(),
            ));
        }
        let (messages, more) = self.repo.transcript_page(&incident.id, after, limit)?;
        let next = if more { messages.last().map(|m| m.post_id.clone()) } else { None };
        Ok((incident, messages, next))
    }

    /// MessageHasBeenPosted: messages by people in an incident channel are kept. In a channel
    /// several incidents share, a message belongs to each incident active in it when it is
    /// posted (thread replies included): who reads the channel cannot tell them apart either,
    /// and an ended incident's transcript stops at its end.
    pub fn capture_post(&mut self, post: &Post) -> Result<bool> {
        if !post.post_type.is_empty() || post.user_id == self.bot_id || post.user_id.is_empty() {
            return Ok(false);
        }
        let mut incidents = self.repo.active_incidents_by_channel(&post.channel_id)?;
        if incidents.is_empty() {
            // A channel's only incident keeps its transcript after its end, as before channels
            // were shared (a late note in the channel is part of the record).
            let all = self.repo.incidents_by_channel(&post.channel_id)?;
            if all.len() == 1 && !all[0].value.existing_channel {
                incidents = all;
            }
        }
        if incidents.is_empty() {
            return Ok(false);
        }
        let message = ChannelMessage {
            post_id: post.id.clone(),
            user_id: post.user_id.clone(),
            root_id: post.root_id.clone(),
            message: post.message.clone(),
            create_at: post.create_at,
            edit_at: post.edit_at,
        };
        for incident in &incidents {
            self.repo.capture_message(&incident.value.id, &message)?;
        }
        Ok(true)
    }

    /// MessageHasBeenDeleted: a deleted message leaves the transcript, text and all; a deleted
    /// thread root takes its replies (Mattermost deletes them with it and tells of the root only).
    pub fn capture_delete(&mut self, post: &Post) -> Result<bool> {
        Ok(self.repo.capture_delete(&post.id, post.delete_at, post.root_id.is_empty())?)
    }

    /// RunScheduled: Mattermost's global message retention applies to the transcript too;
    /// answers how many messages left it.
    pub fn apply_message_retention(&mut self) -> Result<u64> {
        let Some(hours) = self.mm.message_retention_hours() else {
            return Ok(0);
        };
        // Once an hour is plenty for a retention counted in hours, and spares the table a
        // scan every minute.
        let last = self.repo.meta(RETENTION_RUN_KEY)?.and_then(|t| t.parse::<i64>().ok()).unwrap_or(0);
        if self.now.saturating_sub(last) < 3_600_000 && last <= self.now {
            return Ok(0);
        }
        let cutoff = self.now.saturating_sub(hours.saturating_mul(3_600_000));
        let forgotten = self.repo.forget_messages_before(cutoff)?;
        self.repo.set_meta(RETENTION_RUN_KEY, &self.now.to_string())?;
        Ok(forgotten)
    }

    /// MessageHasBeenUpdated: the kept message follows the edit.
    pub fn capture_edit(&mut self, post: &Post) -> Result<bool> {
        Ok(self.repo.capture_edit(&post.id, &post.message, post.edit_at.max(post.update_at))?)
    }
}

/// A change to a follow-up action; `None` leaves a field as it is (`owner_id: Some(None)`
/// removes the owner).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActionPatch {
    pub state: Option<ActionState>,
    pub text: Option<String>,
    #[serde(deserialize_with = "some_option")]
    pub owner_id: Option<Option<String>>,
    #[serde(deserialize_with = "some_option")]
    pub due_at: Option<Option<i64>>,
}

/// A present JSON field becomes `Some(value)`, `null` included (`Some(None)`).
fn some_option<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<T>>, D::Error> {
    Ok(Some(<Option<T> as serde::Deserialize>::deserialize(d)?))
}

pub(crate) fn report_key(incident_id: &str) -> String {
    format!("report:{incident_id}")
}

pub(crate) fn report_revision_key(incident_id: &str) -> String {
    format!("report-revision:{incident_id}")
}

/// A report is published at most once per this many seconds per incident.
pub const PUBLISH_PAUSE_SECONDS: i64 = 60;

fn report_conflict(read: i64, current: i64) -> ServiceError {
    ServiceError::Conflict(format!(
        "Someone saved the report since you opened it (your revision {read}, now {current}). Reload it, then apply your changes again."
    ))
}

/// Splits Markdown at line ends into parts of at most `max` characters.
pub fn split_for_posts(markdown: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in markdown.lines() {
        if current.chars().count() + line.chars().count() + 1 > max && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        current.push_str(&line.chars().take(max).collect::<String>());
        current.push('\n');
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}
