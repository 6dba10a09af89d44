//! What users can do with incidents and playbooks, with who may do it. Slash commands and the
//! REST API both call this; it calls the domain (incident-core), the repository and
//! Mattermost, through interfaces.

//!
//! The service layer: `Service` and its `impl` blocks, one file per area (conduct, editing,
//! declare, dialogs, the learning review, playbook access, privacy, shared channels, scheduled
//! work, my tasks, webhooks). May depend on `store`, `mattermost`, `ids_and_clock` and the crate root;
//! never on `api` or `command`.

pub(crate) mod conduct;
pub(crate) mod declare;
pub(crate) mod dialog;
pub(crate) mod dossier;
pub(crate) mod editing;
pub(crate) mod fields;
pub(crate) mod learning_review;
pub(crate) mod load;
pub(crate) mod paging;
pub(crate) mod playbook_access;
pub(crate) mod playbook_conduct;
pub(crate) mod privacy;
pub(crate) mod reminder_plan;
pub(crate) mod scheduled;
pub(crate) mod shared_channels;
pub(crate) mod similar;
pub(crate) mod start_commands;
pub(crate) mod tasks;
pub(crate) mod team_conduct;
pub(crate) mod time_zones;
pub(crate) mod webhooks;

use incident_core::channel_incidents::{self, ChannelChoice};
use incident_core::{
    DomainError, ErrorKind, IdGen, Incident, IncidentFilter, Playbook, StartIncident, TimelinePost, naming, render,
    validate_incident_name,
};
use mattermost_plugin_sdk::model::{Channel, Post};
use mattermost_plugin_sdk::store::StoreError;

use crate::mattermost::{ChannelError, EventAudience, Mattermost};
use crate::store::db::Database;
use crate::store::incident_list::Visible;
use crate::store::repo::{Repo, RepoError, Versioned};

/// Where the bot's user id is kept (plugin metadata), written on activation.
pub(crate) const BOT_ID_KEY: &str = "bot_user_id";

/// Builds the service for one hook call: everything it needs is fetched fresh, since each call
/// runs in a new instance.
pub(crate) fn with_service<M: Mattermost, D: Database, R>(mm: &M, db: &D, f: impl FnOnce(&mut Service<'_, M, D>) -> R) -> R {
    let repo = Repo::new(db);
    let bot_id = repo.meta(BOT_ID_KEY).ok().flatten().unwrap_or_default();
    let mut ids = crate::ids_and_clock::RandomIds;
    let mut service = Service { mm, repo, ids: &mut ids, now: crate::ids_and_clock::now_ms(), bot_id };
    f(&mut service)
}

/// How many times a request re-reads after correcting stale rows before it filters what is
/// left itself (each round corrects a whole page, so more is rare).
pub const CORRECTION_ROUNDS: usize = 4;

/// A button that gives a role to whoever clicks it (on the intro post and role nudges).
pub fn claim_button(role: &str, incident_id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": format!("claim{}", role.chars().filter(char::is_ascii_alphanumeric).collect::<String>()),
        "name": format!("Claim {role}"),
        "type": "button",
        "integration": {
            "url": format!("/plugins/{}/api/v0/actions/claim", crate::manifest::PLUGIN_ID),
            "context": { "incident_id": incident_id, "role": role },
        },
    })
}

/// An incident as the API shows it: the stored document plus its human reference, and
/// `"applies": false` on the checklist items that do not apply now (see incident-core's
/// `conditions`), which clients leave out.
pub fn incident_json(incident: &Incident) -> serde_json::Value {
    let mut v = serde_json::to_value(incident).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut v {
        map.insert("reference".into(), incident.reference().into());
        if let Some(serde_json::Value::Array(sections)) = map.get_mut("checklists") {
            let items = sections.iter_mut().filter_map(|s| s.get_mut("items")?.as_array_mut()).flatten();
            for (json, item) in items.zip(incident.checklists.iter().flat_map(|s| &s.items)) {
                if let Some(json) = json.as_object_mut()
                    && !incident.item_applies(item)
                {
                    json.insert("applies".into(), false.into());
                }
            }
        }
    }
    v
}

/// A failure a user can act on, with its HTTP status.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Done too often in too short a time (publishing a report): try again later.
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    Internal(String),
    /// A provider the plugin called for the user (a pager, the status page) did not accept the
    /// request; what the user asked of the incident itself is saved.
    #[error("{0}")]
    Upstream(String),
    /// The database cannot be used (full disk, read-only file): the host's message names the
    /// file and the fix, so it is shown as it is.
    #[error("Incident Response cannot use its database: {0}")]
    Unavailable(String),
}

impl ServiceError {
    pub fn http_status(&self) -> u16 {
        match self {
            ServiceError::Invalid(_) => 400,
            ServiceError::Forbidden(_) => 403,
            ServiceError::NotFound(_) => 404,
            ServiceError::Conflict(_) => 409,
            ServiceError::TooManyRequests(_) => 429,
            ServiceError::Internal(_) => 500,
            ServiceError::Upstream(_) => 502,
            ServiceError::Unavailable(_) => 503,
        }
    }
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        match e.kind() {
            ErrorKind::Invalid => ServiceError::Invalid(e.to_string()),
            ErrorKind::NotFound => ServiceError::NotFound(e.to_string()),
            ErrorKind::Conflict => ServiceError::Conflict(e.to_string()),
        }
    }
}

impl From<RepoError> for ServiceError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Store(StoreError::Unavailable(m)) => ServiceError::Unavailable(m),
            RepoError::Full(m) => ServiceError::Conflict(m),
            other => ServiceError::Internal(format!("storage: {other}")),
        }
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// A System Console setting that does not parse: the calls that need it fail with where to fix it.
pub fn invalid_settings(reason: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!(
        "the plugin's settings are invalid ({reason}); a system admin can fix them in System Console > Plugins > Incident Response"
    ))
}

/// Websocket event the webapp listens for (the server prefixes `custom_<plugin id>_`).
pub const EVENT_INCIDENT_UPDATED: &str = "incident_updated";

/// How many times an edit is retried when someone else saved the incident first.
const SAVE_ATTEMPTS: usize = 12;

/// Where a new incident starts in the team's conduct.
struct Opening {
    severity: String,
    status: String,
    stakeholders: Vec<incident_core::stakeholders::Stakeholders>,
    /// The start's custom field values, people resolved.
    field_values: Vec<(String, String)>,
    /// The playbook's announcement channels the starter kept; `None`: all.
    announcement_channel_ids: Option<Vec<String>>,
}

/// What starting an incident takes; everything but the name is optional.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct StartRequest {
    pub team_id: String,
    pub name: String,
    pub summary: String,
    pub playbook_id: Option<String>,
    pub commander_id: Option<String>,
    pub channel_name: Option<String>,
    pub private: Option<bool>,
    /// A configured severity; the least severe when absent.
    pub severity: Option<String>,
    /// Values of the playbook's custom fields by name (any case); a user field takes
    /// `@username` or a user id.
    pub fields: std::collections::BTreeMap<String, String>,
    /// The playbook's announcement channels to keep (the others unticked); all when absent.
    pub announcement_channel_ids: Option<Vec<String>>,
    /// Run the incident in this existing channel of the team (`/incident start --here`)
    /// instead of creating one; the channel's type decides its privacy.
    pub channel_id: Option<String>,
}

pub struct Service<'a, M: Mattermost, D: Database> {
    pub mm: &'a M,
    pub repo: Repo<'a, D>,
    pub ids: &'a mut dyn IdGen,
    pub now: i64,
    pub bot_id: String,
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    // --- who may do what -----------------------------------------------------------------

    fn is_admin(&self, team_id: &str, user_id: &str) -> bool {
        self.mm.is_system_admin(user_id) || self.mm.is_team_admin(team_id, user_id)
    }

    /// Members of the incident channel, team and system admins; any team member when the
    /// channel is public, except guests: Mattermost shows a guest only the channels it was
    /// added to, so the plugin does too. Private incidents stay hidden from everyone else.
    /// The channel decides as it is now (privacy.rs): converted to private, archived on a
    /// server that hides archived channels, or moved to another team, it is hidden from the
    /// incident's team. A moved channel's team admins are those of the team it is in now.
    pub fn may_view(&self, incident: &Incident, user_id: &str) -> bool {
        if self.mm.is_channel_member(&incident.channel_id, user_id) || self.mm.is_system_admin(user_id) {
            return true;
        }
        let channel = self.mm.channel(&incident.channel_id);
        let admins_team = channel.as_ref().map_or(incident.team_id.as_str(), |c| c.team_id.as_str());
        if self.mm.is_team_admin(admins_team, user_id) {
            return true;
        }
        !self.channel_hides_incident(&incident.team_id, channel.as_ref())
            && self.mm.is_team_member(&incident.team_id, user_id)
            && !self.mm.is_guest(user_id)
    }

    /// Changing an incident takes being in its channel (or an admin).
    pub(crate) fn require_change(&self, incident: &Incident, user_id: &str) -> Result<()> {
        if self.mm.is_channel_member(&incident.channel_id, user_id) || self.is_admin(&incident.team_id, user_id) {
            return Ok(());
        }
        if self.may_view(incident, user_id) {
            return Err(ServiceError::Forbidden(format!(
                "Join ~{} to change {}.",
                self.mm.channel(&incident.channel_id).map(|c| c.name).unwrap_or_default(),
                incident.reference()
            )));
        }
        Err(ServiceError::NotFound("No such incident.".into()))
    }

    /// A member of the team whose account is active: deactivated accounts are not made
    /// commander, role holder, owner or assignee (`user` finds only active accounts).
    pub(crate) fn is_active_team_member(&self, team_id: &str, user_id: &str) -> bool {
        self.mm.is_team_member(team_id, user_id) && self.mm.user(user_id).is_some()
    }

    /// Giving someone outside the incident channel a part in it adds them to the channel,
    /// which Mattermost allows only to who may manage the channel's members
    /// (`manage_private_channel_members`, or `manage_public_channel_members` for a public
    /// channel): guests may not, and admins can take it from members.
    pub(crate) fn require_may_add_member(&self, incident: &Incident, actor_id: &str, newcomer_id: &str) -> Result<()> {
        if self.mm.is_channel_member(&incident.channel_id, newcomer_id) {
            return Ok(());
        }
        let public = self.mm.channel(&incident.channel_id).is_some_and(|c| c.channel_type == "O");
        let permission = if public { "manage_public_channel_members" } else { "manage_private_channel_members" };
        if self.mm.has_channel_permission(actor_id, &incident.channel_id, permission) {
            return Ok(());
        }
        let who = self.mm.user(newcomer_id).map(|u| format!("@{}", u.username)).unwrap_or_else(|| "that person".into());
        Err(ServiceError::Forbidden(format!(
            "{who} is not in the incident channel, and you may not add members to it; ask someone who may manage its members to add them first."
        )))
    }

    pub(crate) fn require_team_member(&self, team_id: &str, user_id: &str) -> Result<()> {
        if team_id.is_empty() {
            return Err(ServiceError::Invalid("A team is required.".into()));
        }
        if self.mm.is_team_member(team_id, user_id) || self.mm.is_system_admin(user_id) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("You are not a member of this team.".into()))
        }
    }

    /// Team-wide things (starting incidents, playbooks) are for the team's full members:
    /// a guest is invited into particular channels, not into the team's incident process.
    pub(crate) fn require_full_member(&self, team_id: &str, user_id: &str) -> Result<()> {
        self.require_team_member(team_id, user_id)?;
        if self.mm.is_guest(user_id) {
            return Err(ServiceError::Forbidden("Guest accounts cannot start incidents or use playbooks.".into()));
        }
        Ok(())
    }

    fn require_may_start(&self, team_id: &str, user_id: &str) -> Result<()> {
        self.require_full_member(team_id, user_id)?;
        let allowed = match self.mm.settings().who_may_start.as_str() {
            "system_admins" => self.mm.is_system_admin(user_id),
            "team_admins" => self.is_admin(team_id, user_id),
            _ => true,
        };
        if allowed { Ok(()) } else { Err(ServiceError::Forbidden("Only admins may start incidents on this server.".into())) }
    }

    // --- reading ---------------------------------------------------------------------------

    pub fn incident(&self, user_id: &str, id: &str) -> Result<Versioned<Incident>> {
        let found = self.repo.incident(id)?.filter(|v| self.may_view(&v.value, user_id));
        found.ok_or_else(|| ServiceError::NotFound("No such incident.".into()))
    }

    /// The incident a slash command means, decided here for every command: the one its
    /// reference names (`INC-0042`) in the command's team, or else the channel's incident when
    /// that is unambiguous (incident_core::channel_incidents). An incident of another team, or
    /// one the caller may not see, reads as no incident at all.
    pub fn incident_for_command(
        &self,
        user_id: &str,
        team_id: &str,
        channel_id: &str,
        reference: Option<&str>,
    ) -> Result<Versioned<Incident>> {
        if let Some(r) = reference {
            let number = incident_core::parse_reference(r)
                .ok_or_else(|| ServiceError::Invalid(format!("`{}` is not an incident reference like INC-0042.", short(r))))?;
            return match self.repo.incident_by_number(team_id, number)? {
                Some(v) if self.may_view(&v.value, user_id) => Ok(v),
                _ => Err(ServiceError::NotFound(format!("There is no incident {} in this team.", short(r)))),
            };
        }
        // The active ones decide when there are any (a channel may hold many ended ones, which
        // are only read when none is active); `choose` gives the same answer as over all of them.
        let visible = |all: Vec<Versioned<Incident>>| -> Vec<Versioned<Incident>> {
            all.into_iter().filter(|v| self.may_view(&v.value, user_id)).collect()
        };
        let mut found = visible(self.repo.active_incidents_by_channel(channel_id)?);
        if found.is_empty() {
            found = visible(self.repo.incidents_by_channel(channel_id)?);
        }
        let candidates: Vec<&Incident> = found.iter().map(|v| &v.value).collect();
        let chosen = match channel_incidents::choose(&candidates) {
            ChannelChoice::One(one) => one.id.clone(),
            ChannelChoice::Several(several) => {
                return Err(ServiceError::Invalid(channel_incidents::ambiguity_message(&several)));
            }
            ChannelChoice::None => {
                return Err(ServiceError::Invalid(
                    "This channel is not an incident channel: run the command in one, or name the incident (INC-0042).".into(),
                ));
            }
        };
        let at = found.iter().position(|v| v.value.id == chosen).unwrap_or_default();
        Ok(found.swap_remove(at))
    }

    pub fn list(&self, user_id: &str, filter: &IncidentFilter, page: usize, per_page: usize) -> Result<(Vec<Incident>, usize)> {
        let team = filter.team_id.clone().unwrap_or_default();
        self.require_team_member(&team, user_id)?;
        self.prepare_facets(filter)?;
        // The page's public rows are re-checked against their channels; a correction is
        // followed by a fresh read, so the page and its total come from corrected data.
        for round in 1..=CORRECTION_ROUNDS {
            let visible = self.visibility(filter, &team, user_id)?;
            let (items, total) = self.repo.incident_page(filter, &visible, page.saturating_mul(per_page), per_page)?;
            if !self.correct_public_rows(items.iter().map(Into::into), &visible)? {
                return Ok((items, total));
            }
            if round == CORRECTION_ROUNDS {
                // Still correcting (many channels converted at once): show what may be seen;
                // the next request counts from corrected data.
                let seen: Vec<Incident> = items.into_iter().filter(|i| self.may_view(i, user_id)).collect();
                return Ok((seen, total));
            }
        }
        Ok((Vec::new(), 0))
    }

    /// Which incidents of `filter` in `team` the user may see: admins all; team members the
    /// public ones and the private ones whose channel they are in (usually few, each checked);
    /// guests only those whose channel they were added to, public or not.
    pub(crate) fn visibility(&self, filter: &IncidentFilter, team: &str, user_id: &str) -> Result<Visible> {
        if self.is_admin(team, user_id) {
            return Ok(Visible::All);
        }
        let guest = self.mm.is_guest(user_id);
        let ids: Vec<String> = self
            .repo
            .unchecked_incidents(filter, guest)?
            .into_iter()
            .filter(|u| self.mm.is_channel_member(&u.channel_id, user_id))
            .map(|u| u.id)
            .collect();
        Ok(if guest { Visible::Only(ids) } else { Visible::PublicAnd(ids) })
    }

    // --- starting --------------------------------------------------------------------------

    pub fn start(&mut self, user_id: &str, request: StartRequest) -> Result<Incident> {
        self.require_may_start(&request.team_id, user_id)?;
        let name = validate_incident_name(&request.name)?;
        self.ensure_seeded(&request.team_id)?;
        let playbook = match &request.playbook_id {
            Some(id) if !id.is_empty() => Some(self.usable_playbook(user_id, &request.team_id, id)?),
            _ => None,
        };
        let commander_id = match request.commander_id.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => c.to_owned(),
            None => playbook.as_ref().and_then(|p| p.default_commander_id.clone()).unwrap_or_else(|| user_id.to_owned()),
        };
        if !self.is_active_team_member(&request.team_id, &commander_id) {
            return Err(ServiceError::Invalid("The commander must be an active member of the team.".into()));
        }
        if let Some(template) = &request.channel_name {
            naming::validate_template(template)?;
        }
        let here = match request.channel_id.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(channel_id) => Some(self.channel_to_start_in(user_id, &request, channel_id, &commander_id)?),
            None => None,
        };
        let conduct = self.conduct_for(&request.team_id)?;
        let severity = match request.severity.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => conduct.severity(name).map(|l| l.name.clone()).ok_or_else(|| {
                ServiceError::Invalid(format!(
                    "There is no severity \"{}\"; choose one of {}.",
                    short(name),
                    conduct.severities.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
                ))
            })?,
            None => conduct.initial_severity().to_owned(),
        };
        let status = conduct.initial_status().to_owned();
        let field_values = self.start_field_values(&request.team_id, playbook.as_ref(), &request.fields)?;
        // Dry run of the domain's own checks (summary, playbook) before anything exists.
        Incident::start(
            StartIncident {
                id: "check".into(),
                team_id: request.team_id.clone(),
                number: 1,
                name: name.clone(),
                summary: request.summary.clone(),
                channel_id: "check".into(),
                commander_id: commander_id.clone(),
                reporter_id: user_id.to_owned(),
                severity: severity.clone(),
                status: status.clone(),
                field_values: field_values.clone(),
            },
            playbook.as_ref(),
            self.ids,
            self.now,
        )?;

        // Checked before a number is reserved: a refused start takes none.
        let announcement_channel_ids = match (&playbook, request.announcement_channel_ids.as_deref()) {
            (Some(p), ticked) => p.kept_announcement_channels(ticked)?,
            (None, Some(ticked)) if !ticked.is_empty() => {
                return Err(ServiceError::Invalid(
                    "`announcement_channel_ids` choose among a playbook's channels: name a playbook.".into(),
                ));
            }
            (None, _) => None,
        };
        let id = self.ids.new_id();
        let number = self.repo.reserve_incident(&id, &request.team_id, &name, user_id, self.now)?;
        let opening =
            Opening { severity, status, stakeholders: self.stakeholder_rules()?, field_values, announcement_channel_ids };
        match self.create_incident(user_id, &request, here, &id, number, &name, &commander_id, playbook.as_ref(), &opening) {
            // The on-call of the services set for this severity is paged once the incident exists,
            // then the playbook's start commands run.
            Ok(incident) => {
                let incident = self.page_on_declare(user_id, incident);
                let incident = self.run_start_commands(user_id, incident, playbook.as_ref());
                self.suggest_similar(user_id, &incident);
                Ok(incident)
            }
            Err(e) => {
                let _ = self.repo.release_reservation(&id);
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn create_incident(
        &mut self,
        user_id: &str,
        request: &StartRequest,
        here: Option<Channel>,
        id: &str,
        number: u32,
        name: &str,
        commander_id: &str,
        playbook: Option<&Playbook>,
        opening: &Opening,
    ) -> Result<Incident> {
        let template = request
            .channel_name
            .clone()
            .or_else(|| playbook.map(|p| p.channel_name_template.clone()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "inc-{number}-{name}".to_owned());
        let private = request
            .private
            .or_else(|| playbook.map(|p| p.private_channel))
            .unwrap_or_else(|| self.mm.settings().private_channels);
        // The bot posts in the channel, so it must be on the team first (Mattermost refuses a
        // channel member who is not a team member).
        if !self.bot_id.is_empty()
            && let Err(e) = self.mm.add_team_member(&request.team_id, &self.bot_id)
            // Another server (or request) may have added it this very moment.
            && !self.mm.is_team_member(&request.team_id, &self.bot_id)
        {
            return Err(ServiceError::Internal(format!("cannot add the bot to the team: {e}")));
        }
        let existing_channel = here.is_some();
        let channel = match here {
            Some(channel) => channel,
            None => self.create_channel(&request.team_id, &template, number, name, private)?,
        };
        for member in [user_id, commander_id, self.bot_id.as_str()] {
            if existing_channel && self.mm.is_channel_member(&channel.id, member) {
                continue;
            }
            if !member.is_empty() {
                self.mm
                    .add_channel_member(&channel.id, member)
                    .map_err(|e| ServiceError::Internal(format!("cannot add a member to the incident channel: {e}")))?;
            }
        }
        let mut incident = Incident::start(
            StartIncident {
                id: id.to_owned(),
                team_id: request.team_id.clone(),
                number,
                name: name.to_owned(),
                summary: request.summary.clone(),
                channel_id: channel.id.clone(),
                commander_id: commander_id.to_owned(),
                reporter_id: user_id.to_owned(),
                severity: opening.severity.clone(),
                status: opening.status.clone(),
                field_values: opening.field_values.clone(),
            },
            playbook,
            self.ids,
            self.now,
        )?;
        incident.announcement_channel_ids = opening.announcement_channel_ids.clone();
        incident.existing_channel = existing_channel;
        // The start's webhook events commit with the incident, or neither does (finding #13).
        let webhooks = self.webhook_statements(&incident, 0);
        self.repo.activate_incident(&incident, channel.channel_type == "P", webhooks)?;
        self.show_in_header(&incident);

        let usernames = |id: &str| self.mm.user(id).map(|u| u.username);
        let commander = usernames(commander_id).unwrap_or_default();
        let roles = self.conduct_for(&incident.team_id).map(|c| c.roles).unwrap_or_default();
        let mut intro = Post {
            channel_id: channel.id.clone(),
            user_id: self.bot_id.clone(),
            message: render::intro_post(&incident, &commander, self.team_zone(&incident.team_id), &usernames),
            ..Post::default()
        };
        if !roles.is_empty() {
            let buttons: Vec<serde_json::Value> = roles.iter().map(|r| claim_button(&r.name, &incident.id)).collect();
            intro.props.0.insert(
                "attachments".into(),
                serde_json::json!([{ "text": "Roles: claim one to help run the incident.", "actions": buttons }]),
            );
        }
        let _ = self.mm.create_post(&intro);
        // Announcements are best effort, like every bot post: a failure must not undo the start.
        self.announce(
            &incident,
            &render::announcement_post(&incident, &channel.name, &commander),
            &render::private_announcement_line(&incident),
        );
        self.mm.publish(
            EVENT_INCIDENT_UPDATED,
            &serde_json::json!({ "incident_id": incident.id }),
            &audience_of(&incident, &channel),
        );
        self.refresh_digest(&incident);
        self.notify_stakeholders(&incident, &opening.stakeholders);
        // A channel that was there before is the team's: the playbook's people are added only
        // as the starter could add them, and nobody's sidebar is rearranged around it.
        let may_invite = !existing_channel || {
            let permission =
                if channel.channel_type == "O" { "manage_public_channel_members" } else { "manage_private_channel_members" };
            self.mm.has_channel_permission(user_id, &channel.id, permission)
        };
        if let Some(playbook) = playbook.filter(|_| may_invite) {
            let invited = self.invite_from_playbook(&incident, playbook);
            let people: Vec<&str> = [user_id, commander_id].into_iter().chain(invited.iter().map(String::as_str)).collect();
            if !existing_channel {
                self.file_in_sidebar(&incident, &playbook.sidebar_category, &people);
            }
        }
        Ok(incident)
    }

    /// `/incident start --here`: the channel must be one of the team's public or private
    /// channels (a direct or group message has no team to hold an incident), not archived, and
    /// the starter a member who may post in it. A commander outside it is added only as the
    /// starter could add them. Checked before a number is reserved.
    fn channel_to_start_in(
        &self,
        user_id: &str,
        request: &StartRequest,
        channel_id: &str,
        commander_id: &str,
    ) -> Result<Channel> {
        if request.channel_name.as_deref().is_some_and(|n| !n.trim().is_empty()) || request.private.is_some() {
            return Err(ServiceError::Invalid(
                "`channel_name` and `private` are for a new channel: an incident in an existing channel keeps its name, and its privacy follows the channel.".into(),
            ));
        }
        let not_found = || ServiceError::NotFound("No such channel: start the incident in a channel you are a member of.".into());
        let channel = self.mm.channel(channel_id).ok_or_else(not_found)?;
        if channel.channel_type == "D" || channel.channel_type == "G" {
            return Err(ServiceError::Invalid(
                "An incident runs in a team's channel; a direct or group message cannot hold one. Start it without --here, or in a channel."
                    .into(),
            ));
        }
        if !self.mm.is_channel_member(&channel.id, user_id) {
            return Err(not_found());
        }
        if channel.team_id != request.team_id {
            return Err(ServiceError::Invalid("That channel belongs to another team.".into()));
        }
        if channel.delete_at != 0 {
            return Err(ServiceError::Invalid("The channel is archived: start the incident in an active channel.".into()));
        }
        if !self.mm.may_post(&channel.id, user_id) {
            return Err(ServiceError::Forbidden(
                "You may not post in this channel, so an incident cannot run in it: start one in its own channel instead.".into(),
            ));
        }
        if !self.mm.is_channel_member(&channel.id, commander_id) {
            let permission =
                if channel.channel_type == "O" { "manage_public_channel_members" } else { "manage_private_channel_members" };
            if !self.mm.has_channel_permission(user_id, &channel.id, permission) {
                return Err(ServiceError::Forbidden(
                    "The commander is not in this channel, and you may not add members to it; choose a commander who is in it."
                        .into(),
                ));
            }
        }
        Ok(channel)
    }

    fn create_channel(&self, team_id: &str, template: &str, number: u32, name: &str, private: bool) -> Result<Channel> {
        let base = naming::channel_name(template, number, name);
        let display = channel_display_name(number, name);
        for attempt in 1..=20 {
            let wanted = Channel {
                team_id: team_id.to_owned(),
                name: naming::unique_channel_name(&base, attempt),
                display_name: display.clone(),
                channel_type: if private { "P".into() } else { "O".into() },
                purpose: channel_purpose(number, name),
                ..Channel::default()
            };
            match self.mm.create_channel(&wanted) {
                Ok(channel) => return Ok(channel),
                Err(ChannelError::NameTaken) => continue,
                Err(ChannelError::Other(e)) => return Err(ServiceError::Internal(format!("cannot create the channel: {e}"))),
            }
        }
        Err(ServiceError::Conflict(format!("Every channel name like {base} is taken; choose another name.")))
    }

    /// Severity and status in the incident channel's header. A failure is not the user's:
    /// the change it reflects has been saved.
    /// Only in a channel the incident created: an existing channel's header is its owners'.
    pub(crate) fn show_in_header(&self, incident: &Incident) {
        if incident.existing_channel {
            return;
        }
        let header = render::channel_header(incident);
        if !header.is_empty() {
            let _ = self.mm.set_channel_header(&incident.channel_id, &header);
        }
    }

    /// Tells open panels that the incident changed, with nothing but its id: every viewer
    /// refetches through the permission-checked API. A public incident is for the whole team
    /// (any team member may see it, as in the list); a private one, or one whose channel cannot
    /// be read, only for its channel's members.
    pub(crate) fn publish_updated(&self, incident: &Incident) {
        let audience = match self.mm.channel(&incident.channel_id) {
            Some(channel) => audience_of(incident, &channel),
            None => EventAudience::Channel(incident.channel_id.clone()),
        };
        self.mm.publish(EVENT_INCIDENT_UPDATED, &serde_json::json!({ "incident_id": incident.id }), &audience);
    }

    /// Whether the incident's channel is not its alone (it ran in an existing channel, or
    /// another incident runs in it too): the bot's posts there then say which incident.
    pub(crate) fn channel_is_shared(&self, incident: &Incident) -> bool {
        incident.existing_channel || self.repo.incidents_in_channel(&incident.channel_id).is_ok_and(|n| n > 1)
    }

    pub(crate) fn post(&self, channel_id: &str, message: String) {
        let post = Post { channel_id: channel_id.to_owned(), user_id: self.bot_id.clone(), message, ..Post::default() };
        // A lost announcement must not undo the change it reports; it is visible in the log.
        let _ = self.mm.create_post(&post);
    }

    // --- changing --------------------------------------------------------------------------

    /// Loads, checks, applies `change` and saves — again on fresh data if someone else saved
    /// first — then tells the channel and open panels. `change` must be a pure domain call.
    pub fn change<T>(
        &mut self,
        user_id: &str,
        incident_id: &str,
        change: impl FnMut(&mut Incident, &mut dyn IdGen, i64) -> std::result::Result<T, DomainError>,
    ) -> Result<(Incident, T)> {
        self.save_change(user_id, incident_id, true, change)
    }

    /// [`Service::change`] by the plugin's bot (the timer's escalations): no one to check.
    pub(crate) fn change_as_bot<T>(
        &mut self,
        incident_id: &str,
        change: impl FnMut(&mut Incident, &mut dyn IdGen, i64) -> std::result::Result<T, DomainError>,
    ) -> Result<(Incident, T)> {
        let bot_id = self.bot_id.clone();
        self.save_change(&bot_id, incident_id, false, change)
    }

    fn save_change<T>(
        &mut self,
        user_id: &str,
        incident_id: &str,
        check: bool,
        mut change: impl FnMut(&mut Incident, &mut dyn IdGen, i64) -> std::result::Result<T, DomainError>,
    ) -> Result<(Incident, T)> {
        for _ in 0..SAVE_ATTEMPTS {
            let Versioned { value: mut incident, revision } = if check {
                let found = self.incident(user_id, incident_id)?;
                self.require_change(&found.value, user_id)?;
                found
            } else {
                self.repo.incident(incident_id)?.ok_or_else(|| ServiceError::NotFound("No such incident.".into()))?
            };
            let before = incident.timeline.len();
            let was_active = incident.is_active();
            let header_before = render::channel_header(&incident);
            let out = change(&mut incident, self.ids, self.now)?;
            // The change's webhook events commit with it, or neither does (finding #13); the
            // timer sends them, never this request (finding #6).
            let webhooks = self.webhook_statements(&incident, before);
            match self.repo.save_incident(&incident, revision, webhooks) {
                Ok(()) => {
                    if render::channel_header(&incident) != header_before {
                        self.show_in_header(&incident);
                    }
                    let usernames = |id: &str| self.mm.user(id).map(|u| u.username);
                    let named = self.channel_is_shared(&incident);
                    for event in &incident.timeline[before.min(incident.timeline.len())..] {
                        let mut message = render::change_message(&incident, event, self.team_zone(&incident.team_id), &usernames);
                        if named {
                            message = format!("{} · {message}", incident.reference());
                        }
                        if was_active && matches!(event.kind, incident_core::TimelineEventKind::IncidentEnded) {
                            // The report is generated from the record; say where to review it.
                            message.push_str(&format!(
                                "\n\n{} is resolved. Its report is ready to review on the incidents page (Report and follow-up), \
                                 or publish it as generated with `/incident report`; add follow-up actions with `/incident action`.",
                                incident.reference()
                            ));
                        }
                        self.post(&incident.channel_id, message);
                    }
                    self.publish_updated(&incident);
                    self.refresh_digest(&incident);
                    return Ok((incident, out));
                }
                Err(e) if e.is_conflict() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServiceError::Conflict("The incident is being changed by others; try again.".into()))
    }

    /// Ending is resolving: the final status, then the end.
    pub fn end(&mut self, user_id: &str, incident_id: &str) -> Result<Incident> {
        let actor = user_id.to_owned();
        let conduct = self.incident_conduct(user_id, incident_id)?;
        let incident = self.change(user_id, incident_id, |i, _, now| i.resolve(&actor, &conduct, now))?.0;
        Ok(self.after_end(user_id, incident, None))
    }

    /// Bringing someone into the channel takes what Mattermost asks of it
    /// (`require_may_add_member`); without it nothing changes.
    pub fn change_commander(&mut self, user_id: &str, incident_id: &str, new_commander: &str) -> Result<Incident> {
        let current = self.incident(user_id, incident_id)?.value;
        if !self.is_active_team_member(&current.team_id, new_commander) {
            return Err(ServiceError::Invalid("The new commander must be an active member of the team.".into()));
        }
        self.require_change(&current, user_id)?;
        self.require_may_add_member(&current, user_id, new_commander)?;
        let actor = user_id.to_owned();
        let new = new_commander.to_owned();
        let (incident, ()) = self.change(user_id, incident_id, |i, _, now| i.change_commander(&actor, &new, now))?;
        if !self.mm.is_channel_member(&incident.channel_id, new_commander) {
            let _ = self.mm.add_channel_member(&incident.channel_id, new_commander);
        }
        Ok(incident)
    }

    /// "Add to incident timeline": copies a message the user can read onto the timeline.
    pub fn add_post_to_timeline(
        &mut self,
        user_id: &str,
        incident_id: &str,
        post_id: &str,
        note: &str,
        category: incident_core::timeline::EntryCategory,
    ) -> Result<Incident> {
        let not_found = || ServiceError::NotFound("No such message.".into());
        let post = self.mm.post(post_id.trim()).ok_or_else(not_found)?;
        if !self.may_read_channel(&post.channel_id, user_id) {
            return Err(not_found());
        }
        if post.post_type.starts_with("system_") {
            return Err(ServiceError::Invalid("System messages cannot be added to the timeline.".into()));
        }
        let actor = user_id.to_owned();
        let entry = TimelinePost {
            post_id: post.id,
            author_id: post.user_id,
            posted_at: post.create_at,
            message: post.message,
            note: note.to_owned(),
            category,
        };
        Ok(self.change(user_id, incident_id, |i, _, now| i.add_post(&actor, now, entry.clone()))?.0)
    }

    /// Members read a channel; anyone on the team but guests reads its public channels.
    pub(crate) fn may_read_channel(&self, channel_id: &str, user_id: &str) -> bool {
        self.mm.is_channel_member(channel_id, user_id)
            || self.mm.channel(channel_id).is_some_and(|c| {
                c.channel_type == "O" && self.mm.is_team_member(&c.team_id, user_id) && !self.mm.is_guest(user_id)
            })
    }

    pub fn item_assignee_check(&self, incident: &Incident, assignee: Option<&str>) -> Result<()> {
        match assignee {
            Some(a) if !self.is_active_team_member(&incident.team_id, a) => {
                Err(ServiceError::Invalid("Items can only be assigned to active members of the team.".into()))
            }
            _ => Ok(()),
        }
    }

    // --- playbooks -------------------------------------------------------------------------

    pub fn ensure_seeded(&mut self, team_id: &str) -> Result<()> {
        if !self.repo.is_seeded(team_id)? {
            let defaults = incident_core::default_playbooks::default_playbooks(team_id, self.ids, self.now);
            self.repo.seed_team(team_id, &defaults, self.now)?;
        }
        Ok(())
    }

    /// The team's playbooks the user may use; with `archived`, the archived ones instead.
    pub fn playbooks(&mut self, user_id: &str, team_id: &str) -> Result<Vec<Playbook>> {
        self.playbooks_archived_or_not(user_id, team_id, false)
    }

    pub fn playbooks_archived_or_not(&mut self, user_id: &str, team_id: &str, archived: bool) -> Result<Vec<Playbook>> {
        self.require_full_member(team_id, user_id)?;
        self.ensure_seeded(team_id)?;
        let admin = self.is_admin(team_id, user_id);
        Ok(self
            .repo
            .playbooks(team_id)?
            .into_iter()
            .filter(|p| (admin || p.may_use(user_id)) && p.archived_at.is_some() == archived)
            .collect())
    }

    fn usable_playbook(&self, user_id: &str, team_id: &str, id: &str) -> Result<Playbook> {
        let playbook = self.playbook(user_id, id)?.value;
        if playbook.team_id != team_id {
            return Err(ServiceError::Invalid("That playbook belongs to another team.".into()));
        }
        if playbook.archived_at.is_some() {
            return Err(ServiceError::Invalid(format!(
                "The playbook {} is archived: restore it on the playbooks page to use it.",
                render::safe(&playbook.title)
            )));
        }
        Ok(playbook)
    }

    pub fn playbook(&self, user_id: &str, id: &str) -> Result<Versioned<Playbook>> {
        // Outside the team: 403, as for everything of a team. A team member the playbook is not
        // shared with is not told it exists.
        let Some(found) = self.repo.playbook(id)? else {
            return Err(ServiceError::NotFound("No such playbook.".into()));
        };
        let team = &found.value.team_id;
        self.require_full_member(team, user_id)?;
        if found.value.may_use(user_id) || self.is_admin(team, user_id) {
            Ok(found)
        } else {
            Err(ServiceError::NotFound("No such playbook.".into()))
        }
    }

    pub fn create_playbook(&mut self, user_id: &str, mut playbook: Playbook) -> Result<Playbook> {
        self.require_full_member(&playbook.team_id, user_id)?;
        self.ensure_seeded(&playbook.team_id)?;
        self.check_announcement_channels(user_id, &playbook.team_id, &playbook.announcement_channel_ids, &[])?;
        self.check_invited_users(&playbook.team_id, &playbook.invited_user_ids)?;
        playbook.id = self.ids.new_id();
        playbook.created_at = self.now;
        playbook.updated_at = self.now;
        add_editor(&mut playbook, user_id);
        let playbook = playbook.normalised()?;
        self.repo.insert_playbook(&playbook)?;
        Ok(playbook)
    }

    pub fn update_playbook(&mut self, user_id: &str, id: &str, mut update: Playbook) -> Result<Playbook> {
        let Versioned { value: current, revision } = self.playbook(user_id, id)?;
        if !current.may_edit(user_id, self.is_admin(&current.team_id, user_id)) {
            return Err(ServiceError::Forbidden("You may not edit this playbook.".into()));
        }
        self.check_announcement_channels(
            user_id,
            &current.team_id,
            &update.announcement_channel_ids,
            &current.announcement_channel_ids,
        )?;
        self.check_invited_users(&current.team_id, &update.invited_user_ids)?;
        update.id = current.id;
        update.team_id = current.team_id;
        update.created_at = current.created_at;
        // Archiving and restoring have their own routes; an edit keeps the playbook as it is.
        update.archived_at = current.archived_at;
        update.updated_at = self.now;
        let update = update.normalised()?;
        match self.repo.save_playbook(&update, revision) {
            Ok(()) => Ok(update),
            Err(e) if e.is_conflict() => Err(ServiceError::Conflict("The playbook was changed meanwhile; reload it.".into())),
            Err(e) => Err(e.into()),
        }
    }

    /// Deleting a playbook archives it (issue 17): nothing is lost, and it can be restored.
    pub fn archive_playbook(&mut self, user_id: &str, id: &str) -> Result<()> {
        self.set_archived(user_id, id, Some(self.now)).map(|_| ())
    }

    pub fn restore_playbook(&mut self, user_id: &str, id: &str) -> Result<Playbook> {
        self.set_archived(user_id, id, None)
    }

    fn set_archived(&mut self, user_id: &str, id: &str, archived_at: Option<i64>) -> Result<Playbook> {
        let Versioned { value: mut playbook, revision } = self.playbook(user_id, id)?;
        if !playbook.may_edit(user_id, self.is_admin(&playbook.team_id, user_id)) {
            return Err(ServiceError::Forbidden(
                if archived_at.is_some() { "You may not delete this playbook." } else { "You may not restore this playbook." }
                    .into(),
            ));
        }
        if playbook.archived_at.is_some() == archived_at.is_some() {
            return Err(ServiceError::Conflict(
                if archived_at.is_some() { "The playbook is already archived." } else { "The playbook is not archived." }.into(),
            ));
        }
        playbook.archived_at = archived_at;
        playbook.updated_at = self.now;
        match self.repo.save_playbook(&playbook, revision) {
            Ok(()) => Ok(playbook),
            Err(e) if e.is_conflict() => Err(ServiceError::Conflict("The playbook was changed meanwhile; reload it.".into())),
            Err(e) => Err(e.into()),
        }
    }

    pub fn import_playbook(&mut self, user_id: &str, team_id: &str, json: &str) -> Result<Playbook> {
        self.require_full_member(team_id, user_id)?;
        self.ensure_seeded(team_id)?;
        let id = self.ids.new_id();
        let mut playbook = incident_core::playbook::import_json(json, &id, team_id, self.now)?;
        // Imports drop channels today; should they ever keep them, they pass the same check.
        self.check_announcement_channels(user_id, team_id, &playbook.announcement_channel_ids, &[])?;
        add_editor(&mut playbook, user_id);
        self.repo.insert_playbook(&playbook)?;
        Ok(playbook)
    }
}

/// Whoever creates or imports a playbook may edit it afterwards (besides admins).
fn add_editor(playbook: &mut Playbook, user_id: &str) {
    if !playbook.editor_ids.iter().any(|e| e == user_id) {
        playbook.editor_ids.push(user_id.to_owned());
    }
}

/// Who hears of changes to an incident: the same rule as [`Service::may_view`] for people who
/// are not in its channel, decided by the channel's type (public: the team; else the channel).
fn audience_of(incident: &Incident, channel: &Channel) -> EventAudience {
    if channel.channel_type == "O" {
        EventAudience::Team(incident.team_id.clone())
    } else {
        EventAudience::Channel(incident.channel_id.clone())
    }
}

/// The incident channel's display name, `INC-0042 Database down` (Mattermost's limit is 64).
pub(crate) fn channel_display_name(number: u32, name: &str) -> String {
    format!("INC-{number:04} {name}").chars().take(64).collect()
}

/// The incident channel's purpose as the start sets it.
pub(crate) fn channel_purpose(number: u32, name: &str) -> String {
    format!("Incident INC-{number:04}: {name}").chars().take(250).collect()
}

/// At most 40 characters of user input in a message.
pub fn short(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
