//! Playbooks: reusable incident templates (checklist, channel naming, who may use and edit them)
//! and their portable JSON form for import/export between servers.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::conditions::ItemCondition;
use crate::error::DomainError;
use crate::fields::{FieldDefinition, normalise_definitions};
use crate::limits::{MAX_DUE_AFTER_MINUTES, MAX_ITEM_TITLE_CHARS, MAX_ITEMS, MAX_NAME_CHARS, MAX_SECTIONS, MAX_TEXT_CHARS};
use crate::naming;
use crate::text;

/// `format` of an exported playbook, so an import can tell ours from any other JSON.
pub const EXPORT_FORMAT: &str = "incident-response-playbook";
/// The export version this code writes and reads. Bump it when the portable form changes
/// incompatibly; older versions stay readable.
pub const EXPORT_VERSION: u64 = 1;
/// Imports larger than this are refused before parsing: 200 items at the text limits fit well
/// within it.
pub const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

const MAX_KEYWORDS: usize = 20;
/// Channels a playbook may announce its incidents in: every announcement is one bot post per
/// channel (security review #1).
pub const MAX_ANNOUNCEMENT_CHANNELS: usize = 10;

/// The channel ids trimmed, blanks dropped, each once, in their first order.
pub fn distinct_channel_ids(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().map(|id| id.trim()).filter(|id| !id.is_empty()) {
        if !out.iter().any(|seen| seen == id) {
            out.push(id.to_owned());
        }
    }
    out
}
const MAX_KEYWORD_CHARS: usize = 40;
pub const MAX_INVITED_USERS: usize = 50;
/// What the playbook editor offers for a new playbook's retrospective: the root cause first.
pub const SUGGESTED_RETROSPECTIVE_TEMPLATE: &str =
    "### Root cause\n\n### Contributing factors\n\n### What went well\n\n### What to improve";
pub const MAX_INVITED_GROUPS: usize = 10;
/// Sidebar category names are kept as short as Mattermost's web app keeps them (its category
/// dialog); the server itself checks no length (`model/channel_sidebar.go`).
pub const MAX_SIDEBAR_CATEGORY_CHARS: usize = 22;

/// Letters and digits a one-word keyword needs at least: shorter ones ("is", "ok", "db") are in
/// nearly every message, and every match shows its poster an offer (security review #10).
pub const MIN_KEYWORD_LETTERS: usize = 4;

/// Whether a keyword is specific enough to offer on: two words or more ("api down"), or one
/// word of at least [`MIN_KEYWORD_LETTERS`] letters or digits. Validation refuses others;
/// [`keyword_match`] ignores the ones stored before this rule.
pub fn keyword_is_specific(keyword: &str) -> bool {
    let words: Vec<&str> = keyword.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.len() >= 2 || words.first().is_some_and(|w| w.chars().count() >= MIN_KEYWORD_LETTERS)
}

/// The first keyword of any of `playbooks` that `message` contains as whole words (any case),
/// with its playbook: "the api is DOWN" matches "down", "downtime" does not. Keywords that are
/// not [`keyword_is_specific`] (older playbooks may have them) never match.
pub fn keyword_match<'a>(playbooks: &'a [Playbook], message: &str) -> Option<(&'a Playbook, &'a str)> {
    let words: Vec<String> =
        message.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    playbooks.iter().find_map(|p| {
        p.keywords.iter().filter(|k| keyword_is_specific(k)).find_map(|k| {
            let wanted: Vec<&str> = k.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            let hit = !wanted.is_empty() && words.windows(wanted.len()).any(|w| w.iter().zip(&wanted).all(|(a, b)| a == b));
            hit.then_some((p, k.as_str()))
        })
    })
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Playbook {
    pub id: String,
    pub team_id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub checklists: Vec<PlaybookSection>,
    /// See [`naming::channel_name`]; empty means [`naming::DEFAULT_CHANNEL_NAME_TEMPLATE`].
    #[serde(default)]
    pub channel_name_template: String,
    #[serde(default)]
    pub private_channel: bool,
    #[serde(default)]
    pub default_commander_id: Option<String>,
    #[serde(default)]
    pub announcement_channel_ids: Vec<String>,
    /// Who may start incidents from it; empty means every member of the team.
    #[serde(default)]
    pub member_ids: Vec<String>,
    /// Who may edit it besides team and system admins.
    #[serde(default)]
    pub editor_ids: Vec<String>,
    /// Words that, posted in a channel, suggest starting an incident with this playbook.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Shown to whoever joins an incident channel started from it, to them only (issue 17).
    #[serde(default)]
    pub welcome_message: String,
    /// What a status update starts from: the update form and `/incident update` offer it.
    #[serde(default)]
    pub update_template: String,
    /// The retrospective's outline (Markdown), at the end of the report draft; while the
    /// report is not written, the commander is reminded daily after the end. Empty: neither.
    #[serde(default)]
    pub retrospective_template: String,
    /// People added to the incident channel at the start (team members).
    #[serde(default)]
    pub invited_user_ids: Vec<String>,
    /// Mattermost user groups (by name, without `@`) whose members on the team are added too.
    #[serde(default)]
    pub invited_groups: Vec<String>,
    /// The channel sidebar category ("Incidents") the incident channel is filed under for the
    /// people added at the start; made for whoever lacks it. Empty: left where Mattermost puts it.
    #[serde(default)]
    pub sidebar_category: String,
    pub created_at: i64,
    #[serde(default)]
    pub updated_at: i64,
    /// When it was archived (deleting a playbook archives it): it is then listed only among
    /// the archived ones, starts nothing, offers nothing, and can be restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<i64>,
    /// Custom fields its incidents get (crate::fields): names unique ignoring case.
    #[serde(default)]
    pub fields: Vec<FieldDefinition>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlaybookSection {
    pub title: String,
    #[serde(default)]
    pub items: Vec<PlaybookItem>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlaybookItem {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub default_assignee_id: Option<String>,
    #[serde(default)]
    pub command: Option<String>,
    /// Due this many minutes after the incident starts (the item's `due_at` is set then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_after_minutes: Option<u32>,
    /// The item applies only while this holds (see [`crate::conditions`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<ItemCondition>,
    /// Run `command` in the incident channel, as the person who starts the incident, when it
    /// starts (Playbooks' task actions, without a licence).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub run_at_start: bool,
}

impl Playbook {
    /// Checks the limits shared with incidents (so any valid playbook can be started) and the
    /// channel name template.
    pub fn validate(&self) -> Result<(), DomainError> {
        let invalid = DomainError::InvalidPlaybook;
        text::single_line(&self.title, MAX_NAME_CHARS).map_err(|reason| invalid(format!("the title: {reason}")))?;
        text::multi_line(&self.description, MAX_TEXT_CHARS).map_err(|reason| invalid(format!("the description: {reason}")))?;
        naming::validate_template(&self.channel_name_template)?;
        if self.checklists.len() > MAX_SECTIONS {
            return Err(invalid(format!("it has {} sections; the limit is {MAX_SECTIONS}.", self.checklists.len())));
        }
        let items = self.item_count();
        if items > MAX_ITEMS {
            return Err(invalid(format!("it has {items} items; the limit is {MAX_ITEMS}.")));
        }
        for (s, section) in self.checklists.iter().enumerate() {
            let section_number = s + 1;
            text::single_line(&section.title, MAX_NAME_CHARS)
                .map_err(|reason| invalid(format!("section {section_number}'s title: {reason}")))?;
            for (i, item) in section.items.iter().enumerate() {
                let at = format!("section {section_number}, item {}", i + 1);
                text::single_line(&item.title, MAX_ITEM_TITLE_CHARS)
                    .map_err(|reason| invalid(format!("{at}'s title: {reason}")))?;
                text::multi_line(&item.description, MAX_TEXT_CHARS)
                    .map_err(|reason| invalid(format!("{at}'s description: {reason}")))?;
                if let Some(command) = &item.command {
                    validate_command(command).map_err(|reason| invalid(format!("{at}'s command: {reason}")))?;
                }
                if let Some(condition) = &item.condition {
                    condition.normalised(&self.fields).map_err(|reason| invalid(format!("{at}'s condition: {reason}")))?;
                }
                if item.run_at_start && item.command.as_deref().is_none_or(|c| c.trim().is_empty()) {
                    return Err(invalid(format!("{at} runs its command at the start but has no command.")));
                }
                if item.due_after_minutes.is_some_and(|m| m == 0 || m > MAX_DUE_AFTER_MINUTES) {
                    return Err(invalid(format!(
                        "{at}'s due time must be from 1 to {MAX_DUE_AFTER_MINUTES} minutes (30 days) after the start."
                    )));
                }
            }
        }
        normalise_definitions(&self.fields).map_err(|e| match e {
            DomainError::InvalidField(reason) => invalid(format!("the fields: {reason}")),
            other => other,
        })?;
        text::multi_line(&self.welcome_message, MAX_TEXT_CHARS)
            .map_err(|reason| invalid(format!("the welcome message: {reason}")))?;
        text::multi_line(&self.update_template, MAX_TEXT_CHARS)
            .map_err(|reason| invalid(format!("the status update template: {reason}")))?;
        text::multi_line(&self.retrospective_template, MAX_TEXT_CHARS)
            .map_err(|reason| invalid(format!("the retrospective template: {reason}")))?;
        if !self.sidebar_category.trim().is_empty() {
            text::single_line(&self.sidebar_category, MAX_SIDEBAR_CATEGORY_CHARS)
                .map_err(|reason| invalid(format!("the sidebar category: {reason}")))?;
        }
        if self.invited_user_ids.len() > MAX_INVITED_USERS {
            return Err(invalid(format!("it invites {} people; the limit is {MAX_INVITED_USERS}.", self.invited_user_ids.len())));
        }
        if self.invited_groups.len() > MAX_INVITED_GROUPS {
            return Err(invalid(format!("it invites {} groups; the limit is {MAX_INVITED_GROUPS}.", self.invited_groups.len())));
        }
        if let Some(bad) = self.invited_groups.iter().find(|g| !is_group_name(g)) {
            return Err(invalid(format!(
                "\"{}\" is not a group name: 1 to 64 letters, digits, dots, dashes or underscores.",
                bad.chars().take(64).collect::<String>()
            )));
        }
        if self.keywords.len() > MAX_KEYWORDS {
            return Err(invalid(format!("it has {} keywords; the limit is {MAX_KEYWORDS}.", self.keywords.len())));
        }
        for keyword in &self.keywords {
            let chars = keyword.trim().chars().count();
            if !(2..=MAX_KEYWORD_CHARS).contains(&chars) || keyword.chars().any(char::is_control) {
                return Err(invalid(format!(
                    "the keyword \"{}\" must be 2 to {MAX_KEYWORD_CHARS} characters of text.",
                    keyword.chars().take(MAX_KEYWORD_CHARS).collect::<String>()
                )));
            }
        }
        Ok(())
    }

    /// A copy with titles trimmed and whitespace collapsed, descriptions trimmed and blank
    /// commands removed; validated. What create, update and import store.
    pub fn normalised(&self) -> Result<Playbook, DomainError> {
        let single = |s: &str, max| text::single_line(s, max).unwrap_or_else(|_| s.to_string());
        let multi = |s: &str| text::multi_line(s, MAX_TEXT_CHARS).unwrap_or_else(|_| s.to_string());
        let clean = Playbook {
            title: single(&self.title, MAX_NAME_CHARS),
            description: multi(&self.description),
            channel_name_template: self.channel_name_template.trim().to_string(),
            checklists: self
                .checklists
                .iter()
                .map(|section| PlaybookSection {
                    title: single(&section.title, MAX_NAME_CHARS),
                    items: section
                        .items
                        .iter()
                        .map(|item| PlaybookItem {
                            title: single(&item.title, MAX_ITEM_TITLE_CHARS),
                            description: multi(&item.description),
                            default_assignee_id: non_blank(&item.default_assignee_id),
                            command: non_blank(&item.command),
                            due_after_minutes: item.due_after_minutes,
                            condition: item.condition.as_ref().map(|c| c.normalised(&self.fields).unwrap_or_else(|_| c.clone())),
                            run_at_start: item.run_at_start,
                        })
                        .collect(),
                })
                .collect(),
            welcome_message: multi(&self.welcome_message),
            update_template: multi(&self.update_template),
            retrospective_template: multi(&self.retrospective_template),
            sidebar_category: single(self.sidebar_category.trim(), MAX_SIDEBAR_CATEGORY_CHARS),
            invited_user_ids: distinct_channel_ids(&self.invited_user_ids),
            invited_groups: {
                let mut groups: Vec<String> = Vec::new();
                for g in &self.invited_groups {
                    let g = g.trim().trim_start_matches('@').to_lowercase();
                    if !g.is_empty() && !groups.contains(&g) {
                        groups.push(g);
                    }
                }
                groups
            },
            default_commander_id: non_blank(&self.default_commander_id),
            announcement_channel_ids: distinct_channel_ids(&self.announcement_channel_ids),
            // Invalid definitions stay as they are for `validate` to name.
            fields: normalise_definitions(&self.fields).unwrap_or_else(|_| self.fields.clone()),
            keywords: {
                let mut words: Vec<String> = Vec::new();
                for k in &self.keywords {
                    let k = k.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
                    if !k.is_empty() && !words.contains(&k) {
                        words.push(k);
                    }
                }
                words
            },
            ..self.clone()
        };
        // Normalising never makes invalid text valid (it only trims), so validating the clean
        // copy reports the same problems the original has.
        clean.validate()?;
        // Checked here, on what is stored, not in `validate`: a playbook saved before these
        // rules must still start incidents.
        if let Some(keyword) = clean.keywords.iter().find(|k| !keyword_is_specific(k)) {
            return Err(DomainError::InvalidPlaybook(format!(
                "the keyword \"{keyword}\" is too common to offer incidents on: use a word of at least {MIN_KEYWORD_LETTERS} letters or digits, or several words (\"api down\")."
            )));
        }
        if clean.announcement_channel_ids.len() > MAX_ANNOUNCEMENT_CHANNELS {
            return Err(DomainError::InvalidPlaybook(format!(
                "it has {} announcement channels; the limit is {MAX_ANNOUNCEMENT_CHANNELS}.",
                clean.announcement_channel_ids.len()
            )));
        }
        Ok(clean)
    }

    pub fn item_count(&self) -> usize {
        self.checklists.iter().map(|s| s.items.len()).sum()
    }

    /// The announcement channels an incident started from it keeps: all of them (`None`), or
    /// those the starter left ticked, which must be among them (the starter may untick, not add).
    pub fn kept_announcement_channels(&self, ticked: Option<&[String]>) -> Result<Option<Vec<String>>, DomainError> {
        let Some(ticked) = ticked else { return Ok(None) };
        let ticked = distinct_channel_ids(ticked);
        if let Some(other) = ticked.iter().find(|id| !self.announcement_channel_ids.contains(id)) {
            return Err(DomainError::InvalidPlaybook(format!(
                "the announcement channel {} is not one of the playbook's; untick channels, do not add them.",
                other.chars().take(40).collect::<String>()
            )));
        }
        Ok(Some(ticked))
    }

    /// Whether this user may start incidents from it (team membership is the caller's check).
    pub fn may_use(&self, user_id: &str) -> bool {
        self.member_ids.is_empty() || self.member_ids.iter().any(|id| id == user_id)
    }

    /// Whether this user may edit it; team and system admins always may.
    pub fn may_edit(&self, user_id: &str, is_team_or_system_admin: bool) -> bool {
        is_team_or_system_admin || self.editor_ids.iter().any(|id| id == user_id)
    }
}

/// A Mattermost group name as `@name` mentions it.
fn is_group_name(name: &str) -> bool {
    (1..=64).contains(&name.chars().count()) && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn non_blank(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// A suggested slash command: one line, starting with `/`.
fn validate_command(command: &str) -> Result<(), String> {
    let command = text::single_line(command, MAX_ITEM_TITLE_CHARS)?;
    if !command.starts_with('/') {
        return Err("it must start with \"/\".".to_string());
    }
    Ok(())
}

/// The portable form: `{"format":"incident-response-playbook","version":1,"playbook":{...}}`.
/// Ids, team, timestamps, people and channels are left out: they mean nothing on another
/// server or team.
pub fn export_json(playbook: &Playbook) -> String {
    let checklists: Vec<Value> = playbook
        .checklists
        .iter()
        .map(|section| {
            let items: Vec<Value> = section
                .items
                .iter()
                .map(|item| {
                    json!({"title": item.title, "description": item.description, "command": item.command,
                        "due_after_minutes": item.due_after_minutes, "condition": item.condition,
                        "run_at_start": item.run_at_start})
                })
                .collect();
            json!({"title": section.title, "items": items})
        })
        .collect();
    let envelope = json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "playbook": {
            "title": playbook.title,
            "description": playbook.description,
            "channel_name_template": playbook.channel_name_template,
            "private_channel": playbook.private_channel,
            "keywords": playbook.keywords,
            "welcome_message": playbook.welcome_message,
            "update_template": playbook.update_template,
            "retrospective_template": playbook.retrospective_template,
            "sidebar_category": playbook.sidebar_category,
            "checklists": checklists,
            "fields": playbook.fields,
        },
    });
    // `{:#}` is serde_json's pretty form: exports are read and diffed by people.
    format!("{envelope:#}")
}

#[derive(Deserialize)]
struct PortablePlaybook {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    channel_name_template: String,
    #[serde(default)]
    private_channel: bool,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    welcome_message: String,
    #[serde(default)]
    update_template: String,
    #[serde(default)]
    retrospective_template: String,
    #[serde(default)]
    sidebar_category: String,
    #[serde(default)]
    checklists: Vec<PortableSection>,
    #[serde(default)]
    fields: Vec<FieldDefinition>,
}

#[derive(Deserialize)]
struct PortableSection {
    title: String,
    #[serde(default)]
    items: Vec<PortableItem>,
}

#[derive(Deserialize)]
struct PortableItem {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    due_after_minutes: Option<u32>,
    #[serde(default)]
    condition: Option<ItemCondition>,
    #[serde(default)]
    run_at_start: bool,
}

/// Reads an export into a new playbook of `team_id`, normalised and validated. Unknown fields
/// are ignored (a later minor addition should not break an older reader); an unknown format or
/// a newer version is refused with a message saying so.
pub fn import_json(json: &str, id: &str, team_id: &str, now_ms: i64) -> Result<Playbook, DomainError> {
    let invalid = DomainError::InvalidImport;
    if json.len() > MAX_IMPORT_BYTES {
        return Err(invalid(format!("the file has {} bytes; the limit is {MAX_IMPORT_BYTES}.", json.len())));
    }
    let envelope: Value = serde_json::from_str(json).map_err(|e| invalid(format!("it is not valid JSON ({e}).")))?;
    let format = envelope.get("format").and_then(Value::as_str);
    if format != Some(EXPORT_FORMAT) {
        return Err(invalid(format!(
            "it is not an Incident Response playbook export (expected \"format\": \"{EXPORT_FORMAT}\")."
        )));
    }
    match envelope.get("version").and_then(Value::as_u64) {
        Some(EXPORT_VERSION) => {}
        Some(version) if version > EXPORT_VERSION => {
            return Err(invalid(format!(
                "it is format version {version}, newer than this plugin reads ({EXPORT_VERSION}); upgrade the plugin."
            )));
        }
        _ => return Err(invalid("it has no supported \"version\" (expected 1).".to_string())),
    }
    let body = envelope.get("playbook").ok_or_else(|| invalid("it has no \"playbook\" object.".to_string()))?;
    let portable = PortablePlaybook::deserialize(body).map_err(|e| invalid(format!("the playbook is malformed: {e}.")))?;
    if id.trim().is_empty() {
        return Err(DomainError::MissingField("playbook id"));
    }
    if team_id.trim().is_empty() {
        return Err(DomainError::MissingField("team id"));
    }
    Playbook {
        id: id.to_string(),
        team_id: team_id.to_string(),
        title: portable.title,
        description: portable.description,
        checklists: portable
            .checklists
            .into_iter()
            .map(|section| PlaybookSection {
                title: section.title,
                items: section
                    .items
                    .into_iter()
                    .map(|item| PlaybookItem {
                        title: item.title,
                        description: item.description,
                        default_assignee_id: None,
                        command: item.command,
                        due_after_minutes: item.due_after_minutes,
                        condition: item.condition,
                        run_at_start: item.run_at_start,
                    })
                    .collect(),
            })
            .collect(),
        channel_name_template: portable.channel_name_template,
        private_channel: portable.private_channel,
        keywords: portable.keywords,
        fields: portable.fields,
        welcome_message: portable.welcome_message,
        update_template: portable.update_template,
        retrospective_template: portable.retrospective_template,
        sidebar_category: portable.sidebar_category,
        created_at: now_ms,
        updated_at: now_ms,
        ..Playbook::default()
    }
    .normalised()
}

#[cfg(test)]
mod tests;
