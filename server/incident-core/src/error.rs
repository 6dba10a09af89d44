//! Domain errors: each carries a message fit to show a user, and a [`ErrorKind`] that maps onto
//! an HTTP status so the REST layer and the slash commands need no table of their own.

use crate::checklist::{ItemRef, ItemState};

/// What kind of failure, independent of transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input is malformed or out of bounds (the guest answers 400).
    Invalid,
    /// The thing addressed does not exist (404).
    NotFound,
    /// The request is well-formed but conflicts with the current state (409). The domain knows
    /// no transport: the guest's `ServiceError` maps these kinds to HTTP statuses.
    Conflict,
}

/// Everything a domain operation can refuse. Display texts are complete sentences for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("Invalid incident name: {0}")]
    InvalidName(String),
    #[error("Invalid summary: {0}")]
    InvalidSummary(String),
    #[error("Invalid title: {0}")]
    InvalidTitle(String),
    #[error("Invalid description: {0}")]
    InvalidDescription(String),
    #[error("Missing {0}.")]
    MissingField(&'static str),
    #[error("Position {position} is out of range: choose 1 to {max}.")]
    InvalidPosition { position: usize, max: usize },
    #[error("The checklist is full: at most {max} items.")]
    TooManyItems { max: usize },
    #[error("The checklist is full: at most {max} sections.")]
    TooManySections { max: usize },
    #[error("Invalid channel name template: {0}")]
    InvalidTemplate(String),
    #[error("Invalid playbook: {0}")]
    InvalidPlaybook(String),
    #[error("Cannot import the playbook: {0}")]
    InvalidImport(String),
    #[error("Invalid note: {0}")]
    InvalidNote(String),
    #[error("There is no {kind} \"{name}\"; choose one of {known}.")]
    UnknownLevel { kind: &'static str, name: String, known: String },
    #[error("Invalid status update: {0}")]
    InvalidUpdate(String),
    #[error("Invalid time: {0}")]
    InvalidTime(String),
    #[error("Invalid follow-up action: {0}")]
    InvalidAction(String),
    #[error("Invalid evidence: {0}")]
    InvalidEvidence(String),
    #[error("Invalid pause reason: {0}")]
    InvalidPause(String),
    #[error("Invalid field: {0}")]
    InvalidField(String),
    #[error("There is no field \"{name}\"; the incident's fields are {known}.")]
    NoSuchField { name: String, known: String },
    #[error("An item can have at most {max} assignees.")]
    TooManyAssignees { max: usize },

    #[error("There is no checklist item {0}.")]
    NoSuchItem(ItemRef),
    #[error("Checklist item {item} applies only when {condition}.")]
    ItemNotApplicable { item: ItemRef, condition: String },
    #[error("There is no checklist section \"{0}\".")]
    NoSuchSection(String),
    #[error("There is no timeline event {0}.")]
    NoSuchEvent(String),

    #[error("This incident has ended; it can no longer be changed.")]
    IncidentEnded,
    #[error("That user is already the commander.")]
    AlreadyCommander,
    #[error("That item is already {0}.")]
    ItemAlreadyInState(ItemState),
    #[error("Nothing to change: {0}")]
    NoChange(String),
    #[error("That message is already on this incident's timeline.")]
    PostAlreadyAdded,
    #[error("This incident is active; only ended incidents can be reopened.")]
    NotEnded,
    #[error("This incident was imported from a dossier: it is history, without a channel, and cannot be reopened.")]
    ImportedHistory,
    #[error("There already is a checklist section \"{0}\"; choose another title.")]
    SectionExists(String),
    #[error("That checklist item has no slash command to run.")]
    NoCommand,
}

impl DomainError {
    pub fn kind(&self) -> ErrorKind {
        use DomainError::*;
        match self {
            InvalidName(_)
            | InvalidSummary(_)
            | InvalidTitle(_)
            | InvalidDescription(_)
            | MissingField(_)
            | InvalidPosition { .. }
            | TooManyItems { .. }
            | TooManySections { .. }
            | InvalidTemplate(_)
            | InvalidPlaybook(_)
            | InvalidImport(_)
            | InvalidNote(_)
            | UnknownLevel { .. }
            | InvalidUpdate(_)
            | InvalidTime(_)
            | InvalidAction(_)
            | InvalidEvidence(_)
            | InvalidPause(_)
            | TooManyAssignees { .. }
            | InvalidField(_)
            | NoSuchField { .. }
            | NoCommand => ErrorKind::Invalid,
            NoSuchItem(_) | NoSuchSection(_) | NoSuchEvent(_) => ErrorKind::NotFound,
            IncidentEnded
            | AlreadyCommander
            | ItemAlreadyInState(_)
            | ItemNotApplicable { .. }
            | NoChange(_)
            | PostAlreadyAdded
            | NotEnded
            | ImportedHistory
            | SectionExists(_) => ErrorKind::Conflict,
        }
    }

    /// A stable machine-readable code for API clients (the message may be reworded).
    pub fn code(&self) -> &'static str {
        use DomainError::*;
        match self {
            InvalidName(_) => "invalid_name",
            InvalidSummary(_) => "invalid_summary",
            InvalidTitle(_) => "invalid_title",
            InvalidDescription(_) => "invalid_description",
            MissingField(_) => "missing_field",
            InvalidPosition { .. } => "invalid_position",
            TooManyItems { .. } => "too_many_items",
            TooManySections { .. } => "too_many_sections",
            InvalidTemplate(_) => "invalid_template",
            InvalidPlaybook(_) => "invalid_playbook",
            InvalidImport(_) => "invalid_import",
            InvalidNote(_) => "invalid_note",
            UnknownLevel { .. } => "unknown_level",
            InvalidUpdate(_) => "invalid_update",
            InvalidTime(_) => "invalid_time",
            InvalidAction(_) => "invalid_action",
            InvalidEvidence(_) => "invalid_evidence",
            InvalidPause(_) => "invalid_pause",
            TooManyAssignees { .. } => "too_many_assignees",
            InvalidField(_) => "invalid_field",
            NoSuchField { .. } => "no_such_field",
            NoSuchItem(_) => "no_such_item",
            NoSuchSection(_) => "no_such_section",
            NoSuchEvent(_) => "no_such_event",
            IncidentEnded => "incident_ended",
            AlreadyCommander => "already_commander",
            ItemAlreadyInState(_) => "item_already_in_state",
            ItemNotApplicable { .. } => "item_not_applicable",
            NoChange(_) => "no_change",
            PostAlreadyAdded => "post_already_added",
            NotEnded => "not_ended",
            ImportedHistory => "imported_history",
            SectionExists(_) => "section_exists",
            NoCommand => "no_command",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_have_the_kind_of_refusal_they_are() {
        assert_eq!(DomainError::InvalidName("x".into()).kind(), ErrorKind::Invalid);
        assert_eq!(DomainError::NoSuchItem(ItemRef::Number(7)).kind(), ErrorKind::NotFound);
        assert_eq!(DomainError::NoSuchSection("Triage".into()).kind(), ErrorKind::NotFound);
        assert_eq!(DomainError::IncidentEnded.kind(), ErrorKind::Conflict);
        assert_eq!(DomainError::AlreadyCommander.kind(), ErrorKind::Conflict);
        assert_eq!(DomainError::InvalidImport("x".into()).kind(), ErrorKind::Invalid);
    }

    #[test]
    fn messages_are_sentences_for_users() {
        assert_eq!(DomainError::NoSuchItem(ItemRef::Number(7)).to_string(), "There is no checklist item 7.");
        assert_eq!(DomainError::ItemAlreadyInState(ItemState::Done).to_string(), "That item is already done.");
        assert_eq!(
            DomainError::InvalidPosition { position: 9, max: 3 }.to_string(),
            "Position 9 is out of range: choose 1 to 3."
        );
        assert_eq!(DomainError::IncidentEnded.code(), "incident_ended");
    }
}
