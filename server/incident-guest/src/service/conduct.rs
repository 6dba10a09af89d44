//! Running an incident well (severity, status, roles, status updates, reopening), on top of
//! [`Service::change`]: the domain checks and records, this adds what Mattermost should see —
//! the channel header, the role holder in the channel with a direct message, the update posted
//! where people follow it.

use incident_core::conduct::Conduct;
use incident_core::lifecycle::UpdateDraft;
use incident_core::shared_channels::Disclosure;
use incident_core::stakeholders::{self, Stakeholders, parse_stakeholders};
use incident_core::{Incident, render};
use mattermost_plugin_sdk::model::Post;

use crate::mattermost::Mattermost;
use crate::service::shared_channels::{private_policy, team_channels};
use crate::service::{Result, Service, ServiceError, invalid_settings};
use crate::store::db::Database;

/// Followers read per query when an update is sent to them all.
const FOLLOWERS_PER_READ: usize = 1000;

/// A stakeholder group brings at most this many people into an incident channel.
const MAX_GROUP_INVITES: usize = 200;

/// What a deletion did besides removing the record.
pub struct DeletedIncident {
    pub incident: Incident,
    pub channel_archived: bool,
    /// Pages or the status page incident that could not be resolved, in words.
    pub unresolved: Vec<String>,
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// The server-wide severities, statuses and roles from the plugin's settings (a team's own
    /// lists replace them: [`Service::conduct_for`]).
    pub fn conduct(&self) -> Result<Conduct> {
        let s = self.mm.settings();
        Conduct::from_settings(&s.severities, &s.statuses, &s.roles).map_err(invalid_settings)
    }

    pub fn change_severity(&mut self, user_id: &str, incident_id: &str, severity: &str) -> Result<Incident> {
        let conduct = self.incident_conduct(user_id, incident_id)?;
        let rules = self.stakeholder_rules()?;
        let actor = user_id.to_owned();
        let incident = self.change(user_id, incident_id, |i, _, now| i.change_severity(&actor, &conduct, severity, now))?.0;
        self.notify_stakeholders(&incident, &rules);
        Ok(incident)
    }

    pub fn stakeholder_rules(&self) -> Result<Vec<Stakeholders>> {
        parse_stakeholders(&self.mm.settings().stakeholders).map_err(invalid_settings)
    }

    /// Tells the stakeholders of the incident's severity: a post in each of their channels, and
    /// their people added to the incident channel. Names that do not resolve are skipped (an
    /// admin's typo must not stop the incident).
    pub(crate) fn notify_stakeholders(&self, incident: &Incident, rules: &[Stakeholders]) {
        let Some(rule) = stakeholders::for_severity(rules, &incident.severity) else {
            return;
        };
        let channel = self.mm.channel(&incident.channel_id).map(|c| c.name).unwrap_or_default();
        let commander = self.mm.user(&incident.commander_id).map(|u| u.username).unwrap_or_default();
        self.post_to_stakeholder_channels(
            incident,
            rule,
            &render::stakeholder_post(incident, &channel, &commander),
            &render::private_stakeholder_line(incident),
        );
        // `@name` is a person, or else a user group (its members, up to a bound).
        let mut people: Vec<String> = Vec::new();
        for name in &rule.users {
            match self.mm.user_by_username(name) {
                Some(user) => people.push(user.id),
                None => people.extend(self.mm.group_members(name, MAX_GROUP_INVITES).unwrap_or_default()),
            }
        }
        for user_id in people {
            if self.mm.is_team_member(&incident.team_id, &user_id) && !self.mm.is_channel_member(&incident.channel_id, &user_id) {
                let _ = self.mm.add_channel_member(&incident.channel_id, &user_id);
            }
        }
    }

    /// Posts in each of the rule's channels of the incident's team (once each, never the
    /// incident channel): `full` where every reader may see the incident, `line` where only its
    /// existence may be shown, nothing where not even that (a stakeholder channel is shared like
    /// an announcement channel). Names that do not resolve are skipped.
    pub(crate) fn post_to_stakeholder_channels(&self, incident: &Incident, rule: &Stakeholders, full: &str, line: &str) {
        let policy = private_policy(&self.mm.settings());
        let public = self.incident_is_public(incident);
        let mut posted: Vec<String> = Vec::new();
        for name in &rule.channels {
            let Some(target) = self.mm.channel_by_name(&incident.team_id, name) else { continue };
            if target.id == incident.channel_id || posted.contains(&target.id) {
                continue;
            }
            let message = match self.disclosure_in(incident, public, policy, &target.id) {
                Disclosure::Full => full.to_owned(),
                Disclosure::Line => line.to_owned(),
                Disclosure::Nothing => continue,
            };
            self.post(&target.id, message);
            posted.push(target.id);
        }
    }

    pub fn change_status(&mut self, user_id: &str, incident_id: &str, status: &str) -> Result<Incident> {
        let conduct = self.incident_conduct(user_id, incident_id)?;
        let actor = user_id.to_owned();
        let incident = self.change(user_id, incident_id, |i, _, now| i.change_status(&actor, &conduct, status, now))?.0;
        Ok(self.after_end(user_id, incident, None))
    }

    /// Whether the user may delete the incident (team and system admins).
    pub fn may_delete(&self, user_id: &str, incident: &Incident) -> bool {
        self.is_admin(&incident.team_id, user_id)
    }

    /// Deletes an incident: team and system admins only (issue 17). The record goes (its
    /// followers, follow-up actions and captured messages with it), the digest post goes, and
    /// the deletion is kept (`deleted_incidents`), logged and said in the channel. Its number is
    /// not given again. The channel stays, archived if `archive_channel` (which takes the
    /// caller's own permission to archive it, checked before anything is deleted). Open pages
    /// and the public status page incident are resolved first.
    pub fn delete_incident(&mut self, user_id: &str, incident_id: &str, archive_channel: bool) -> Result<DeletedIncident> {
        let incident = self.incident(user_id, incident_id)?.value;
        if !self.may_delete(user_id, &incident) {
            return Err(ServiceError::Forbidden("Only a team admin or a system admin may delete an incident.".into()));
        }
        let channel = self.mm.channel(&incident.channel_id).filter(|c| c.delete_at == 0);
        if archive_channel {
            self.require_channel_archivable(&incident)?;
            let permission = match channel.as_ref().map(|c| c.channel_type.as_str()) {
                Some("O") => "delete_public_channel",
                Some("P") => "delete_private_channel",
                _ => {
                    return Err(ServiceError::Invalid(
                        "The incident's channel is already archived (or gone): delete without archiving.".into(),
                    ));
                }
            };
            if !self.mm.has_channel_permission(user_id, &incident.channel_id, permission) {
                return Err(ServiceError::Forbidden(
                    "You may not archive the incident's channel: delete the incident without archiving it.".into(),
                ));
            }
        }
        let settings = self.mm.settings();
        for digest in [team_channels(&settings, &incident.team_id).digest_channel_id, settings.digest_channel.trim().to_owned()] {
            if !digest.is_empty() {
                self.delete_digest_post(&incident, &digest);
            }
        }
        let unresolved = self.before_delete(user_id, incident);
        // Resolving pages saves the incident: delete what is stored now.
        let found = self.incident(user_id, incident_id)?;
        let incident = found.value;
        self.repo.delete_incident(&incident, found.revision, user_id, self.now)?;
        let who = self.mm.user(user_id).map(|u| format!("@{}", u.username)).unwrap_or_default();
        eprintln!("[INFO] incident {} ({}) of team {} deleted by {user_id}", incident.reference(), incident.id, incident.team_id);
        if !self.bot_id.is_empty() {
            let channel_fate = if archive_channel {
                "This channel is archived: its messages stay readable."
            } else {
                "This channel stays; archive it from the channel menu when it is no longer needed."
            };
            let message = format!(
                "{} **{}** was deleted by {who}: its record is gone. {channel_fate}",
                incident.reference(),
                render::safe(&incident.name)
            );
            let post = Post { channel_id: incident.channel_id.clone(), user_id: self.bot_id.clone(), message, ..Post::default() };
            let _ = self.mm.create_post(&post);
        }
        // Open lists and panels read again (and find it gone).
        self.publish_updated(&incident);
        // After the record is gone: a failure here leaves an unarchived channel, said in the reply.
        let archived = archive_channel
            && match self.mm.archive_channel(&incident.channel_id) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!(
                        "[WARN] incident {} deleted, its channel {} not archived: {e}",
                        incident.reference(),
                        incident.channel_id
                    );
                    false
                }
            };
        Ok(DeletedIncident { incident, channel_archived: archived, unresolved })
    }

    /// Archiving goes with the incident only for a channel it created that no other incident
    /// uses: a `--here` channel was the team's before, and a shared one still serves the others.
    fn require_channel_archivable(&self, incident: &Incident) -> Result<()> {
        let channel = self.mm.channel(&incident.channel_id).map(|c| c.name).unwrap_or_default();
        if incident.existing_channel {
            return Err(ServiceError::Invalid(format!(
                "{} runs in ~{channel}, a channel it did not create: Incident Response does not archive it. Delete the incident without archiving.",
                incident.reference()
            )));
        }
        let others: Vec<String> = self
            .repo
            .incidents_by_channel(&incident.channel_id)?
            .into_iter()
            .filter(|v| v.value.id != incident.id)
            .map(|v| v.value.reference())
            .collect();
        if !others.is_empty() {
            return Err(ServiceError::Conflict(format!(
                "~{channel} is still used by {}: delete {} without archiving, or delete the others first.",
                others.join(", "),
                incident.reference()
            )));
        }
        Ok(())
    }

    /// Pauses the incident with a reason: no reminders or nudges, the header says Paused.
    pub fn pause(&mut self, user_id: &str, incident_id: &str, reason: &str) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.pause(&actor, reason, now))?.0)
    }

    pub fn resume(&mut self, user_id: &str, incident_id: &str) -> Result<Incident> {
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.resume(&actor, now))?.0)
    }

    pub fn reopen(&mut self, user_id: &str, incident_id: &str) -> Result<Incident> {
        let conduct = self.incident_conduct(user_id, incident_id)?;
        let actor = user_id.to_owned();
        Ok(self.change(user_id, incident_id, |i, _, now| i.reopen(&actor, &conduct, now))?.0)
    }

    /// Gives a role (or takes it back with `None`). The new holder joins the channel and gets
    /// a direct message saying what the role asks of them. Bringing someone into the channel
    /// takes what Mattermost asks of it (`require_may_add_member`); without it nothing changes.
    pub fn assign_role(&mut self, user_id: &str, incident_id: &str, role: &str, holder: Option<&str>) -> Result<Incident> {
        let current = self.incident(user_id, incident_id)?.value;
        let conduct = self.conduct_for(&current.team_id)?;
        if let Some(h) = holder {
            if !self.is_active_team_member(&current.team_id, h) {
                return Err(ServiceError::Invalid("Roles can only go to active members of the team.".into()));
            }
            self.require_change(&current, user_id)?;
            self.require_may_add_member(&current, user_id, h)?;
        }
        let actor = user_id.to_owned();
        let (incident, ()) = self.change(user_id, incident_id, |i, _, now| i.assign_role(&actor, &conduct, role, holder, now))?;
        if let (Some(h), Some(level)) = (holder, conduct.role(role)) {
            if !self.mm.is_channel_member(&incident.channel_id, h) {
                let _ = self.mm.add_channel_member(&incident.channel_id, h);
            }
            if !self.bot_id.is_empty() {
                let channel = self.mm.channel(&incident.channel_id).map(|c| c.name).unwrap_or_default();
                let message = format!(
                    "You are now the **{}** of {} **{}** (~{channel}).\n\n{}",
                    level.name,
                    incident.reference(),
                    render::safe(&incident.name),
                    level.description
                );
                let _ = self.mm.direct_message(&self.bot_id, h, message.trim_end());
            }
        }
        Ok(incident)
    }

    /// Posts a status update in the incident channel and the announcement channels.
    pub fn post_update(&mut self, user_id: &str, incident_id: &str, draft: &UpdateDraft) -> Result<Incident> {
        let team = self.incident(user_id, incident_id)?.value.team_id;
        let conduct = self.conduct_for(&team)?;
        if draft.statuspage && self.paging_config(&team)?.statuspage.is_none() {
            return Err(ServiceError::Invalid(
                "This team has no status page to mirror the update to; a team or system admin can set one (Reports page, Paging)."
                    .into(),
            ));
        }
        let actor = user_id.to_owned();
        let (incident, _) = self.change(user_id, incident_id, |i, ids, now| i.post_update(&actor, &conduct, draft, ids, now))?;
        if let Some(update) = incident.last_update() {
            let usernames = |id: &str| self.mm.user(id).map(|u| u.username);
            let post = render::status_update_post(&incident, update, self.team_zone(&incident.team_id), &usernames);
            self.post(&incident.channel_id, post.clone());
            self.announce(&incident, &post, &render::private_update_line(&incident, update));
            if !self.bot_id.is_empty() {
                // A page of followers at a time: the update is saved and posted whatever their number.
                let mut after: Option<(i64, String)> = None;
                loop {
                    let page = self.repo.followers_page(&incident.id, after.as_ref(), FOLLOWERS_PER_READ)?;
                    for (_, follower) in &page {
                        // Followers who can no longer see the incident (left a private channel) hear nothing.
                        if follower != user_id && self.may_view(&incident, follower) {
                            let _ = self.mm.direct_message(&self.bot_id, follower, &post);
                        }
                    }
                    if page.len() < FOLLOWERS_PER_READ {
                        break;
                    }
                    after = page.into_iter().last();
                }
            }
        }
        // Opted in: the update goes to the team's status page too (created the first time). A
        // failure is recorded on the timeline and in the channel; the update stands.
        let mirrored = draft.statuspage.then_some(draft.message.as_str());
        let incident = match mirrored {
            Some(message) if incident.is_active() => match self.mirror(user_id, &incident, message, true) {
                Ok(mirrored) => mirrored,
                // Read again: the failure is on the timeline now.
                Err(_) => self.incident(user_id, &incident.id).map(|v| v.value).unwrap_or(incident),
            },
            _ => incident,
        };
        Ok(self.after_end(user_id, incident, mirrored))
    }

    /// Following an incident: its status updates by direct message. Anyone who may see the
    /// incident may follow it.
    pub fn set_following(&mut self, user_id: &str, incident_id: &str, follow: bool) -> Result<String> {
        let incident = self.incident(user_id, incident_id)?.value;
        let changed = if follow {
            self.repo.follow(&incident.id, user_id, self.now)?
        } else {
            self.repo.unfollow(&incident.id, user_id)?
        };
        Ok(match (follow, changed) {
            (true, true) => format!("You follow {} now: its status updates come to you by direct message.", incident.reference()),
            (true, false) => format!("You already follow {}.", incident.reference()),
            (false, true) => format!("You no longer follow {}.", incident.reference()),
            (false, false) => format!("You were not following {}.", incident.reference()),
        })
    }

    /// One page of the incident's followers, in the order they followed.
    pub fn followers(&self, user_id: &str, incident_id: &str, page: usize, per_page: usize) -> Result<Vec<String>> {
        let incident = self.incident(user_id, incident_id)?.value;
        Ok(self.repo.followers(&incident.id, page.saturating_mul(per_page), per_page)?)
    }

    /// Creates or edits the incident's post in its team's digest channel, when one is set: in
    /// full for a public incident, as a line for a private one (or nothing, as the admin
    /// chooses). The post id is kept per incident and channel, so a new digest channel gets a new
    /// post; a post the channel may no longer show (the incident became private, the channel
    /// moved team) is deleted.
    pub(crate) fn refresh_digest(&self, incident: &Incident) {
        if self.bot_id.is_empty() {
            return;
        }
        let settings = self.mm.settings();
        let policy = private_policy(&settings);
        let public = self.incident_is_public(incident);
        let digest = team_channels(&settings, &incident.team_id).digest_channel_id;
        // The old server-wide digest channel may still hold this incident's post from before the
        // team had its own (or from before these checks, another team's channel included): it
        // goes unless that channel may show the incident in full.
        let legacy = settings.digest_channel.trim();
        if !legacy.is_empty() && legacy != digest && self.disclosure_in(incident, public, policy, legacy) != Disclosure::Full {
            self.delete_digest_post(incident, legacy);
        }
        if digest.is_empty() || digest == incident.channel_id {
            return;
        }
        let key = format!("digest:{}:{digest}", incident.id);
        let message = match self.disclosure_in(incident, public, policy, &digest) {
            Disclosure::Full => {
                let channel = self.mm.channel(&incident.channel_id).map(|c| c.name).unwrap_or_default();
                let usernames = |id: &str| self.mm.user(id).map(|u| u.username);
                render::digest_post(incident, &channel, self.now, self.team_zone(&incident.team_id), &usernames)
            }
            Disclosure::Line => render::digest_line(incident),
            Disclosure::Nothing => {
                self.delete_digest_post(incident, &digest);
                return;
            }
        };
        if let Ok(Some(post_id)) = self.repo.meta(&key)
            && self.mm.update_post(&post_id, &message).is_ok()
        {
            return;
        }
        // First time, or the post is gone: a new one.
        let post = mattermost_plugin_sdk::model::Post {
            channel_id: digest,
            user_id: self.bot_id.clone(),
            message,
            ..Default::default()
        };
        if let Ok(created) = self.mm.create_post(&post) {
            let _ = self.repo.set_meta(&key, &created.id);
        }
    }

    /// Deletes the incident's post in a digest channel, if it has one there, and forgets it.
    fn delete_digest_post(&self, incident: &Incident, channel_id: &str) {
        let key = format!("digest:{}:{channel_id}", incident.id);
        if let Ok(Some(post_id)) = self.repo.meta(&key) {
            let _ = self.mm.delete_post(&post_id);
            let _ = self.repo.delete_meta(&key);
        }
    }

    /// The announcement channels that may show the incident in full (a published report goes
    /// only there): the playbook's and its team's, each once, of the incident's team, and only
    /// while the incident is public.
    pub fn announcement_channels(&self, incident: &Incident) -> Result<Vec<String>> {
        Ok(self
            .announcement_targets(incident)?
            .into_iter()
            .filter(|t| t.disclosure == Disclosure::Full)
            .map(|t| t.channel_id)
            .collect())
    }
}
