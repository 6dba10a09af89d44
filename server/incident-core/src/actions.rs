//! Follow-up actions: what the team will do after an incident so it does not happen again, or
//! is found sooner. They belong to an incident but outlive it, and are listed across incidents
//! (the monthly review asks which are still open).

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::limits::MAX_ITEM_TITLE_CHARS;
use crate::text;
use crate::time_fmt;

/// The GOV.UK and Response kinds: find it sooner, stop it happening, or fix what it broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Detective,
    Preventive,
    Corrective,
    #[default]
    Other,
}

impl ActionKind {
    pub fn parse(word: &str) -> Option<ActionKind> {
        match word.trim().to_lowercase().as_str() {
            "detective" => Some(ActionKind::Detective),
            "preventive" | "preventative" => Some(ActionKind::Preventive),
            "corrective" => Some(ActionKind::Corrective),
            "other" => Some(ActionKind::Other),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Detective => "detective",
            ActionKind::Preventive => "preventive",
            ActionKind::Corrective => "corrective",
            ActionKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    #[default]
    Open,
    Done,
    Dropped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpAction {
    pub id: String,
    pub incident_id: String,
    pub team_id: String,
    pub text: String,
    #[serde(default)]
    pub owner_id: Option<String>,
    /// The first millisecond of the due day (UTC).
    #[serde(default)]
    pub due_at: Option<i64>,
    #[serde(default)]
    pub kind: ActionKind,
    #[serde(default)]
    pub state: ActionState,
    pub author_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default)]
    pub done_at: Option<i64>,
}

/// What someone writes; the owner and due date are optional.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ActionDraft {
    pub text: String,
    pub owner_id: Option<String>,
    pub due_at: Option<i64>,
    pub kind: ActionKind,
}

impl FollowUpAction {
    pub fn new(
        id: &str,
        incident_id: &str,
        team_id: &str,
        author_id: &str,
        draft: &ActionDraft,
        now_ms: i64,
    ) -> Result<Self, DomainError> {
        Ok(FollowUpAction {
            id: id.to_string(),
            incident_id: incident_id.to_string(),
            team_id: team_id.to_string(),
            text: action_text(&draft.text)?,
            owner_id: draft.owner_id.clone().filter(|o| !o.trim().is_empty()),
            due_at: checked_due_at(draft.due_at, now_ms)?,
            kind: draft.kind,
            state: ActionState::Open,
            author_id: author_id.to_string(),
            created_at: now_ms,
            updated_at: now_ms,
            done_at: None,
        })
    }

    /// A new wording, checked as a new action's is.
    pub fn set_text(&mut self, text: &str, now_ms: i64) -> Result<(), DomainError> {
        self.text = action_text(text)?;
        self.updated_at = now_ms;
        Ok(())
    }

    pub fn set_state(&mut self, state: ActionState, now_ms: i64) -> Result<(), DomainError> {
        if self.state == state {
            return Err(DomainError::NoChange(format!("the action is already {}.", format!("{state:?}").to_lowercase())));
        }
        self.state = state;
        self.done_at = (state == ActionState::Done).then_some(now_ms);
        self.updated_at = now_ms;
        Ok(())
    }

    pub fn is_overdue(&self, now_ms: i64) -> bool {
        self.state == ActionState::Open && self.due_at.is_some_and(|due| now_ms >= due + 86_400_000)
    }
}

/// The earliest due day taken: 2000-01-01 UTC. Zero or negative times (1970) sort before every
/// real action and would push them out of any list ordered by due day.
pub const MIN_DUE_AT_MS: i64 = 946_684_800_000;
/// The latest due day taken, from now: ten years.
pub const MAX_DUE_AHEAD_MS: i64 = 10 * 366 * 86_400_000;

/// A due day as given, if it is a real day between 2000 and ten years from now.
/// Whether a due time (if any) lies between 2000-01-01 and ten years from now.
pub(crate) fn due_bounds_ok(due_at: Option<i64>, now_ms: i64) -> bool {
    due_at.is_none_or(|due| (MIN_DUE_AT_MS..=now_ms.saturating_add(MAX_DUE_AHEAD_MS)).contains(&due))
}

pub fn checked_due_at(due_at: Option<i64>, now_ms: i64) -> Result<Option<i64>, DomainError> {
    match due_at {
        Some(due) if !due_bounds_ok(Some(due), now_ms) => Err(DomainError::InvalidAction(
            "the due day must be a date from 2000-01-01 to ten years from now (Unix milliseconds).".to_string(),
        )),
        other => Ok(other),
    }
}

fn action_text(raw: &str) -> Result<String, DomainError> {
    text::single_line(raw, MAX_ITEM_TITLE_CHARS).map_err(DomainError::InvalidAction)
}

/// `/incident action <text> [@owner] [due 2026-12-01] [detective|preventive|corrective]`: the
/// owner's username, the due day and the kind are picked out of the words wherever they are;
/// the rest is the text. A `due` that is not a date is an error, not part of the text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionWords {
    pub text: String,
    pub owner_username: Option<String>,
    pub due_at: Option<i64>,
    pub kind: ActionKind,
}

pub fn parse_action_words(words: &[String]) -> Result<ActionWords, DomainError> {
    let mut out = ActionWords::default();
    let mut text = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let lower = word.to_lowercase();
        if let Some(name) = word.strip_prefix('@').filter(|n| !n.is_empty() && out.owner_username.is_none()) {
            out.owner_username = Some(name.to_string());
        } else if lower == "due" || lower.starts_with("due:") {
            let date = if lower == "due" {
                i += 1;
                words.get(i).cloned().unwrap_or_default()
            } else {
                // `get`: `lower` starts with `due:`, but `word` is what was typed.
                word.get(4..).unwrap_or_default().to_string()
            };
            out.due_at = Some(time_fmt::parse_utc_date(&date).ok_or_else(|| {
                DomainError::InvalidAction(format!(
                    "\"{}\" is not a date like 2026-12-01.",
                    date.chars().take(20).collect::<String>()
                ))
            })?);
        } else if let Some(kind) = ActionKind::parse(word).filter(|_| i + 1 == words.len() || i == 0 && words.len() == 1) {
            out.kind = kind;
        } else {
            text.push(word.as_str());
        }
        i += 1;
    }
    out.text = text.join(" ");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn command_words_give_text_owner_due_day_and_kind() {
        let a = parse_action_words(&words("Add an alert on replication lag @bob due 2026-12-01 detective")).expect("parse");
        assert_eq!(a.text, "Add an alert on replication lag");
        assert_eq!(a.owner_username.as_deref(), Some("bob"));
        assert_eq!(a.due_at.map(time_fmt::utc_date).as_deref(), Some("2026-12-01"));
        assert_eq!(a.kind, ActionKind::Detective);
        let b = parse_action_words(&words("Write the runbook due:2026-01-15")).expect("parse");
        assert_eq!((b.text.as_str(), b.owner_username, b.kind), ("Write the runbook", None, ActionKind::Other));
        // A kind word inside the text is text.
        assert_eq!(
            parse_action_words(&words("Make the corrective steps clearer")).expect("parse").text,
            "Make the corrective steps clearer"
        );
        assert!(matches!(parse_action_words(&words("x due soon")), Err(DomainError::InvalidAction(_))));
    }

    #[test]
    fn actions_are_validated_and_move_between_states() {
        let draft = ActionDraft { text: "  Add   alerting ".into(), kind: ActionKind::Preventive, ..ActionDraft::default() };
        let mut a = FollowUpAction::new("a1", "i1", "t1", "alice", &draft, 10).expect("new");
        assert_eq!((a.text.as_str(), a.state), ("Add alerting", ActionState::Open));
        assert!(FollowUpAction::new("a2", "i1", "t1", "alice", &ActionDraft::default(), 10).is_err(), "empty");
        a.set_state(ActionState::Done, 20).expect("done");
        assert_eq!((a.done_at, a.updated_at), (Some(20), 20));
        assert!(a.set_state(ActionState::Done, 21).is_err());
        a.set_state(ActionState::Open, 30).expect("reopen");
        assert_eq!(a.done_at, None);
        a.due_at = Some(0);
        assert!(!a.is_overdue(86_399_999) && a.is_overdue(86_400_000), "overdue once the due day is over");
    }
}
