//! Posting about an incident outside its own channel: which shared channels an incident goes
//! to (the playbook's announcement channels, its team's announcement and digest channels) and
//! how much each may show ([`incident_core::shared_channels::disclosure`]), decided from the
//! channels as they are at the time of the post. Also the check of those settings when an
//! admin saves them.

use incident_core::Incident;
use incident_core::shared_channels::{Disclosure, PrivatePolicy, TargetChannel, TeamChannels, disclosure, parse_team_channels};

use crate::mattermost::{Mattermost, Settings};
use crate::service::{Result, Service};
use crate::store::db::Database;

/// A shared channel an incident goes to, and how much of it the channel may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SharedTarget {
    pub channel_id: String,
    pub disclosure: Disclosure,
}

/// The team's announcement and digest channels: `TeamChannels` for the team, else the old
/// server-wide ids (which only ever reach incidents of their own channel's team, because
/// [`disclosure`] gives other teams nothing).
pub(crate) fn team_channels(settings: &Settings, team_id: &str) -> TeamChannels {
    let per_team = parse_team_channels(&settings.team_channels).ok().and_then(|mut s| s.remove(team_id)).unwrap_or_default();
    let or_legacy = |chosen: String, legacy: &str| if chosen.is_empty() { legacy.trim().to_owned() } else { chosen };
    TeamChannels {
        announcement_channel_id: or_legacy(per_team.announcement_channel_id, &settings.announcement_channel),
        digest_channel_id: or_legacy(per_team.digest_channel_id, &settings.digest_channel),
    }
}

/// The admin's choice for private incidents; one the plugin cannot read keeps them out.
pub(crate) fn private_policy(settings: &Settings) -> PrivatePolicy {
    PrivatePolicy::parse(&settings.private_incidents_in_shared_channels).unwrap_or(PrivatePolicy::Nothing)
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Public means its channel is open now; a channel the plugin cannot read counts as private.
    pub(crate) fn incident_is_public(&self, incident: &Incident) -> bool {
        self.mm.channel(&incident.channel_id).is_some_and(|c| c.channel_type == "O")
    }

    /// How much of `incident` the channel `channel_id` may show, as it is now.
    pub(crate) fn disclosure_in(&self, incident: &Incident, public: bool, policy: PrivatePolicy, channel_id: &str) -> Disclosure {
        if channel_id == incident.channel_id {
            return Disclosure::Full;
        }
        let channel = self.mm.channel(channel_id);
        let target = channel.as_ref().map(|c| TargetChannel { team_id: &c.team_id, archived: c.delete_at != 0 });
        disclosure(&incident.team_id, public, target.as_ref(), policy)
    }

    /// The announcement channels of the incident: its playbook's (those the starter kept),
    /// then its team's; each once,
    /// never its own channel, and only those that may show something of it.
    pub(crate) fn announcement_targets(&self, incident: &Incident) -> Result<Vec<SharedTarget>> {
        // The channels the starter kept, or (`None`) the playbook's as it is now.
        let mut wanted: Vec<String> = match (&incident.announcement_channel_ids, &incident.playbook_id) {
            (Some(kept), _) => kept.clone(),
            (None, Some(id)) => self.repo.playbook(id)?.map(|p| p.value.announcement_channel_ids).unwrap_or_default(),
            (None, None) => Vec::new(),
        };
        // A playbook saved before the limit existed may name more channels (or one many
        // times): the bot still posts in at most the limit's worth of distinct channels.
        let mut seen = std::collections::HashSet::new();
        wanted.retain(|c| seen.insert(c.clone()));
        wanted.truncate(incident_core::playbook::MAX_ANNOUNCEMENT_CHANNELS);
        let settings = self.mm.settings();
        wanted.push(team_channels(&settings, &incident.team_id).announcement_channel_id);
        let policy = private_policy(&settings);
        let public = self.incident_is_public(incident);
        let mut out: Vec<SharedTarget> = Vec::new();
        for channel_id in wanted {
            if channel_id.is_empty() || channel_id == incident.channel_id || out.iter().any(|t| t.channel_id == channel_id) {
                continue;
            }
            let disclosure = self.disclosure_in(incident, public, policy, &channel_id);
            if disclosure != Disclosure::Nothing {
                out.push(SharedTarget { channel_id, disclosure });
            }
        }
        Ok(out)
    }

    /// Posts `full` in the announcement channels that may show the incident, and `line` in
    /// those that may show only a line. Best effort, like every bot post.
    pub(crate) fn announce(&self, incident: &Incident, full: &str, line: &str) {
        for target in self.announcement_targets(incident).unwrap_or_default() {
            let message = if target.disclosure == Disclosure::Full { full } else { line };
            self.post(&target.channel_id, message.to_owned());
        }
    }
}

/// What is wrong with the shared-channel settings, one sentence each, for the log when an admin
/// saves them. Each problem only makes the plugin ignore that one setting or entry (the same
/// checks run again before every post), so none stops the plugin.
pub(crate) fn setting_problems(mm: &impl Mattermost) -> Vec<String> {
    let settings = mm.settings();
    let mut problems = Vec::new();
    if let Err(e) = PrivatePolicy::parse(&settings.private_incidents_in_shared_channels) {
        problems.push(e.to_string());
    }
    let channel_problem = |what: &str, channel_id: &str, team_id: Option<&str>| -> Option<String> {
        let Some(channel) = mm.channel(channel_id) else {
            return Some(format!("{what} {channel_id} is not a channel this server knows; it is ignored."));
        };
        if channel.delete_at != 0 {
            return Some(format!("{what} {channel_id} (~{}) is archived; it is ignored.", channel.name));
        }
        if channel.team_id.is_empty() {
            return Some(format!("{what} {channel_id} is a direct or group message, not a team's channel; it is ignored."));
        }
        match team_id {
            Some(team_id) if channel.team_id != team_id => Some(format!(
                "{what} {channel_id} (~{}) belongs to another team ({}), not to team {team_id}; it is ignored.",
                channel.name, channel.team_id
            )),
            _ => None,
        }
    };
    match parse_team_channels(&settings.team_channels) {
        Err(e) => problems.push(format!("{e}; the per-team channels are ignored.")),
        Ok(teams) => {
            for (team_id, channels) in &teams {
                for (what, channel_id) in
                    [("announcement channel", &channels.announcement_channel_id), ("digest channel", &channels.digest_channel_id)]
                {
                    if !channel_id.is_empty()
                        && let Some(problem) =
                            channel_problem(&format!("TeamChannels: team {team_id}'s {what}"), channel_id, Some(team_id))
                    {
                        problems.push(problem);
                    }
                }
            }
        }
    }
    for (what, channel_id) in
        [("AnnouncementChannel", settings.announcement_channel.trim()), ("DigestChannel", settings.digest_channel.trim())]
    {
        if !channel_id.is_empty()
            && let Some(problem) = channel_problem(what, channel_id, None)
        {
            problems.push(problem);
        }
    }
    problems
}
