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

/// Every string in a JSON value that could be a Mattermost id (26 lowercase letters and
/// digits): the exporter asks which of them are people.
pub fn id_like_strings(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::String(s) if s.len() == 26 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| id_like_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| id_like_strings(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
