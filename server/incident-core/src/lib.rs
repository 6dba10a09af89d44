//! Incident Response's domain model: incidents, their checklists and timelines, and playbooks.
//!
//! Pure and deterministic on purpose: no I/O, no clock, no randomness, no Mattermost types. Time
//! comes in as `now_ms` (Unix milliseconds) and new ids from an [`IdGen`], so the same inputs
//! always give the same documents. That lets the guest (wasm32-wasip2) and the host share this
//! code, and lets every rule be unit-tested without a server.
//!
//! Every operation validates first and changes nothing when it fails; every successful mutation
//! of an [`Incident`] appends one [`TimelineEvent`] (two when it also resolves the incident: the
//! status change, then the end), so the timeline is a complete audit of who did what and when.
//!
//! [`Incident`] is one type whose methods are grouped by topic, one `impl Incident` block per
//! file: starting, renaming and ending in `incident.rs`; checklist addressing in `checklist.rs`
//! and its edits in `checklist_edits.rs`; severity, status, roles and updates in `lifecycle.rs`;
//! notes, hidden events and the impact window in `notes.rs`; reminders in `reminders.rs`; the
//! timeline's own bookkeeping in `timeline.rs`.

pub mod actions;
pub mod channel_incidents;
pub mod checklist;
mod checklist_edits;
pub mod conditions;
pub mod conduct;
pub mod default_playbooks;
pub mod dossier;
pub mod error;
pub mod fields;
pub mod filter;
pub mod ids;
pub mod incident;
pub mod lifecycle;
pub mod load;
pub mod metrics;
pub mod naming;
pub mod notes;
pub mod paging;
pub mod pause;
pub mod playbook;
pub mod reminders;
pub mod render;
pub mod shared_channels;
pub mod similar;
pub mod stakeholders;
pub mod team_report;
#[cfg(test)]
mod test_support;
mod text;
pub mod time_fmt;
pub mod timeline;
pub mod working_hours;

pub use checklist::{ChecklistItem, ChecklistProgress, ChecklistSection, ItemChange, ItemChangeKind, ItemRef, ItemState};
pub use error::{DomainError, ErrorKind};
pub use filter::IncidentFilter;
pub use ids::{IdGen, SequentialIds};
pub use incident::{Incident, IncidentState, RoleAssignment, StartIncident, parse_reference, validate_incident_name};
pub use playbook::{Playbook, PlaybookItem, PlaybookSection};
pub use time_fmt::{DueError, UnknownZone, Zone, parse_due};
pub use timeline::{TimelineEvent, TimelineEventKind, TimelinePost};

/// Limits shared by incidents and playbooks, so a playbook that validates can always be started.
pub mod limits {
    /// Incident names, playbook titles and section titles.
    pub const MAX_NAME_CHARS: usize = 100;
    /// Checklist item titles.
    pub const MAX_ITEM_TITLE_CHARS: usize = 200;
    /// Incident summaries, item and playbook descriptions: long enough for a paragraph or two,
    /// short enough to fit in one Mattermost post with the rest of the intro.
    pub const MAX_TEXT_CHARS: usize = 4000;
    /// Sections in one checklist (incident or playbook).
    pub const MAX_SECTIONS: usize = 50;
    /// Items across all sections of one checklist (incident or playbook).
    pub const MAX_ITEMS: usize = 200;
    /// People assigned to one checklist item.
    pub const MAX_ASSIGNEES: usize = 10;
    /// The evidence given when checking an item: a link or a short note.
    pub const MAX_EVIDENCE_CHARS: usize = 500;
    /// A playbook item's due time, in minutes after the start: up to 30 days.
    pub const MAX_DUE_AFTER_MINUTES: u32 = 30 * 24 * 60;
}
