//! The incident dossier: everything recorded about one incident, in one JSON document for tools
//! (`dossier.json`, described by `docs/dossier.schema.json`) and Markdown files for people, zipped
//! together. An incident can be archived with it, or moved to another server
//! ([`remap::plan_import`] turns a dossier back into a new incident with new ids).

pub mod markdown;
pub mod remap;
pub mod zip;

use serde::{Deserialize, Serialize};

use crate::actions::FollowUpAction;
use crate::incident::Incident;

/// The dossier format this code writes and reads. A change that old readers would misread
/// raises it; `docs/dossier.schema.json` names the same number.
pub const FORMAT_VERSION: u32 = 1;

/// The JSON document (`dossier.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub format_version: u32,
    /// Which program wrote it (`incident-response 1.4.0`).
    pub generator: String,
    /// Unix milliseconds.
    pub exported_at: i64,
    /// `INC-0042`, as the exporting server numbered it.
    pub reference: String,
    /// The incident as the plugin keeps it: checklist, timeline (notes, decisions, hypotheses),
    /// status updates, roles, fields.
    pub incident: Incident,
    /// Every person the dossier names, by id, with their username: an import matches people by
    /// username, since ids differ between servers.
    pub people: Vec<Person>,
    pub report: Report,
    pub follow_up_actions: Vec<FollowUpAction>,
    pub transcript: Transcript,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub username: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub markdown: String,
    /// Whether people edited it (else it is the one generated from the record).
    pub edited: bool,
}

/// The incident channel's messages as captured, with thread replies (`root_id`). Left out
/// (`included: false`) when the exporter may not read the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    pub included: bool,
    pub messages: Vec<TranscriptMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptMessage {
    pub id: String,
    pub user_id: String,
    /// The thread's first message; empty for a message that starts no thread.
    #[serde(default)]
    pub root_id: String,
    pub message: String,
    pub create_at: i64,
    #[serde(default)]
    pub edit_at: i64,
}

impl Dossier {
    /// The username of a person the dossier names; an imported incident's people who were not
    /// found on this server are kept as `@name` (never a user id), and read as that name.
    pub fn username(&self, id: &str) -> Option<String> {
        if let Some(name) = id.strip_prefix('@') {
            return Some(name.to_owned());
        }
        self.people.iter().find(|p| p.id == id).map(|p| p.username.clone())
    }

    /// `INC-0042-dossier.zip`.
    pub fn file_name(&self) -> String {
        format!("{}-dossier.zip", self.incident.reference())
    }

    /// The archive: the Markdown files, then `dossier.json`.
    pub fn to_zip(&self) -> Result<Vec<u8>, zip::ZipError> {
        let mut files: Vec<(String, Vec<u8>)> =
            markdown::files(self).into_iter().map(|(name, text)| (name.to_owned(), text.into_bytes())).collect();
        let json = serde_json::to_vec_pretty(self).unwrap_or_default();
        files.push(("dossier.json".to_owned(), json));
        let folder = self.incident.reference();
        let files: Vec<(String, Vec<u8>)> = files.into_iter().map(|(n, d)| (format!("{folder}/{n}"), d)).collect();
        zip::write_stored(&files, self.exported_at)
    }
}

/// Keys whose values are user ids (a string or a list of them) wherever they appear in the
/// record: the incident, its timeline events, checklist items, updates, actions and messages.
const PERSON_KEYS: &[&str] = &[
    "commander_id",
    "reporter_id",
    "user_id",
    "actor_id",
    "author_id",
    "owner_id",
    "assignee_ids",
    "last_changed_by",
    "assignee",
    "added",
    "removed",
    "by",
    "completed_by",
    "last_run_by",
    "paged_by",
];

/// The user ids a record names: what the exporter looks up to write [`Dossier::people`].
pub fn person_ids(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    use serde_json::Value;
    let mut add = |v: &Value| match v {
        Value::String(s) if !s.is_empty() => {
            out.insert(s.clone());
        }
        Value::Array(items) => out.extend(items.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)),
        _ => {}
    };
    match value {
        Value::Object(map) => {
            for key in PERSON_KEYS {
                if let Some(v) = map.get(*key) {
                    add(v);
                }
            }
            // Events whose `from`/`to` are people, and user fields' values.
            let kind = map.get("type").or_else(|| map.get("kind")).and_then(Value::as_str);
            if matches!(kind, Some("commander_changed" | "role_assigned")) {
                map.get("from").into_iter().chain(map.get("to")).for_each(&mut add);
            }
            if kind == Some("user") {
                map.get("value").into_iter().for_each(&mut add);
            }
            map.values().for_each(|v| person_ids(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| person_ids(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
