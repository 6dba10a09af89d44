//! Checklists: sections of items, each item with its state, assignee and full history.
//!
//! Users address items by a 1-based number that runs across all sections in order (what
//! `/incident check 3` means); the REST API addresses them by id. [`ItemRef`] is either, so
//! every item operation accepts both.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::incident::Incident;
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    #[default]
    Open,
    Done,
    Skipped,
}

impl fmt::Display for ItemState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ItemState::Open => "open",
            ItemState::Done => "done",
            ItemState::Skipped => "skipped",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistSection {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub state: ItemState,
    /// Who is on it, in the order they were assigned: several people may share an item.
    /// Records from before that have one `assignee_id`, read as a list of one.
    #[serde(default, alias = "assignee_id", deserialize_with = "one_or_many")]
    pub assignee_ids: Vec<String>,
    /// When the item should be done (Unix ms): set by hand, or at the start from the
    /// playbook item's `due_after_minutes`.
    #[serde(default)]
    pub due_at: Option<i64>,
    /// What the person who (last) checked it gave as evidence: a link or a short note. Cleared
    /// with the completion; earlier evidence stays on the timeline.
    #[serde(default)]
    pub evidence: Option<String>,
    /// A slash command the item suggests running (shown with a run button in the webapp).
    #[serde(default)]
    pub command: Option<String>,
    /// When the item applies at all (from its playbook item); `None`: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<crate::conditions::ItemCondition>,
    #[serde(default)]
    pub last_changed_by: Option<String>,
    #[serde(default)]
    pub last_changed_at: Option<i64>,
    /// Set while the item is done: when and by whom it was (last) checked. Cleared when it is
    /// unchecked or skipped, so `completed_at.is_some()` always agrees with `state == Done`;
    /// earlier completions stay in `history`.
    #[serde(default)]
    pub completed_at: Option<i64>,
    #[serde(default)]
    pub completed_by: Option<String>,
    /// When and by whom the item's `command` was last run from the webapp (Unix ms, user id).
    #[serde(default)]
    pub last_run_at: Option<i64>,
    #[serde(default)]
    pub last_run_by: Option<String>,
    #[serde(default)]
    pub history: Vec<ItemChange>,
}

impl ChecklistItem {
    /// A fresh open item with no history.
    pub fn new(id: String, title: String) -> Self {
        ChecklistItem {
            id,
            title,
            description: String::new(),
            state: ItemState::Open,
            assignee_ids: Vec::new(),
            due_at: None,
            evidence: None,
            command: None,
            condition: None,
            last_changed_by: None,
            last_changed_at: None,
            completed_at: None,
            completed_by: None,
            last_run_at: None,
            last_run_by: None,
            history: Vec::new(),
        }
    }
}

impl ChecklistItem {
    /// Open with its due time passed.
    pub fn is_overdue(&self, now_ms: i64) -> bool {
        self.state == ItemState::Open && self.due_at.is_some_and(|due| now_ms > due)
    }

    pub fn is_assigned_to(&self, user_id: &str) -> bool {
        self.assignee_ids.iter().any(|a| a == user_id)
    }
}

/// Reads `null`, one id, or a list of ids (an item stored with one `assignee_id`, or with
/// `assignee_ids`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(id)) if id.trim().is_empty() => Vec::new(),
        Some(OneOrMany::One(id)) => vec![id],
        Some(OneOrMany::Many(ids)) => ids,
    })
}

/// One change to one item, kept on the item so "when was this last completed, and by whom"
/// needs no trawl through the incident timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemChange {
    pub at: i64,
    pub actor_id: String,
    pub change: ItemChangeKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemChangeKind {
    Checked,
    Unchecked,
    Skipped,
    Restored,
    Assigned {
        to: Option<String>,
    },
    /// People added to or removed from its assignees.
    AssigneesChanged {
        #[serde(default)]
        added: Vec<String>,
        #[serde(default)]
        removed: Vec<String>,
    },
    /// Its due time set (`None`: cleared).
    DueChanged {
        due_at: Option<i64>,
    },
    Renamed {
        from: String,
        to: String,
    },
    Moved,
    /// Its slash command was run.
    CommandRun {
        command: String,
    },
}

/// How a caller names an item: its 1-based number across all sections, or its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemRef {
    Number(usize),
    Id(String),
}

impl ItemRef {
    /// What a user typed: all digits is a number, anything else an id.
    pub fn parse(text: &str) -> ItemRef {
        let text = text.trim();
        match text.parse::<usize>() {
            Ok(number) if text.bytes().all(|b| b.is_ascii_digit()) => ItemRef::Number(number),
            _ => ItemRef::Id(text.to_string()),
        }
    }
}

impl From<usize> for ItemRef {
    fn from(number: usize) -> Self {
        ItemRef::Number(number)
    }
}

impl From<String> for ItemRef {
    fn from(id: String) -> Self {
        ItemRef::Id(id)
    }
}

impl From<&str> for ItemRef {
    fn from(id: &str) -> Self {
        ItemRef::Id(id.to_string())
    }
}

impl From<&ItemRef> for ItemRef {
    fn from(item: &ItemRef) -> Self {
        item.clone()
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemRef::Number(number) => write!(f, "{number}"),
            ItemRef::Id(id) => write!(f, "with id \"{id}\""),
        }
    }
}

/// Counts for "3 of 10 done". Skipped items are neither open nor done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChecklistProgress {
    pub total: usize,
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
}

impl ChecklistProgress {
    pub fn of(sections: &[ChecklistSection]) -> Self {
        let mut progress = ChecklistProgress::default();
        for item in sections.iter().flat_map(|s| &s.items) {
            progress.add(item);
        }
        progress
    }

    fn add(&mut self, item: &ChecklistItem) {
        self.total += 1;
        match item.state {
            ItemState::Open => self.open += 1,
            ItemState::Done => self.done += 1,
            ItemState::Skipped => self.skipped += 1,
        }
    }
}

/// Read-only addressing of items and sections.
impl Incident {
    /// How many open items are past their due time.
    pub fn overdue_items(&self, now_ms: i64) -> usize {
        self.checklists.iter().flat_map(|s| &s.items).filter(|i| i.is_overdue(now_ms) && self.item_applies(i)).count()
    }

    /// Every item with its 1-based number and its section, in display order.
    pub fn items(&self) -> impl Iterator<Item = (usize, &ChecklistSection, &ChecklistItem)> {
        self.checklists
            .iter()
            .flat_map(|section| section.items.iter().map(move |item| (section, item)))
            .enumerate()
            .map(|(index, (section, item))| (index + 1, section, item))
    }

    pub fn item_count(&self) -> usize {
        self.checklists.iter().map(|s| s.items.len()).sum()
    }

    pub fn item(&self, item: &ItemRef) -> Option<&ChecklistItem> {
        let (section, index) = self.locate(item).ok()?;
        self.checklists.get(section)?.items.get(index)
    }

    pub fn item_by_id(&self, id: &str) -> Option<&ChecklistItem> {
        self.checklists.iter().flat_map(|s| &s.items).find(|item| item.id == id)
    }

    pub fn item_by_number(&self, number: usize) -> Option<&ChecklistItem> {
        self.item(&ItemRef::Number(number))
    }

    /// The current 1-based number of the item with this id.
    pub fn item_number_of(&self, id: &str) -> Option<usize> {
        self.items().find(|(_, _, item)| item.id == id).map(|(number, _, _)| number)
    }

    /// Counts of the items that apply now (see [`crate::conditions`]).
    pub fn progress(&self) -> ChecklistProgress {
        let mut progress = ChecklistProgress::default();
        for item in self.checklists.iter().flat_map(|s| &s.items).filter(|i| self.item_applies(i)) {
            progress.add(item);
        }
        progress
    }

    /// The section a user or client means by `key`: its id, else its 1-based number (all
    /// digits), else its title compared case-insensitively.
    pub fn section_index(&self, key: &str) -> Option<usize> {
        let key = key.trim();
        if let Some(index) = self.checklists.iter().position(|s| s.id == key) {
            return Some(index);
        }
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            let number = key.parse::<usize>().ok()?;
            return (1..=self.checklists.len()).contains(&number).then(|| number - 1);
        }
        self.checklists.iter().position(|s| text::same_title(&s.title, key))
    }

    /// (section index, item index within the section) of an item, or `NoSuchItem`.
    pub(crate) fn locate(&self, item: &ItemRef) -> Result<(usize, usize), DomainError> {
        let found = match item {
            ItemRef::Number(number) => {
                let mut remaining = number.checked_sub(1);
                let mut found = None;
                for (section_index, section) in self.checklists.iter().enumerate() {
                    let Some(wanted) = remaining else { break };
                    if wanted < section.items.len() {
                        found = Some((section_index, wanted));
                        break;
                    }
                    remaining = Some(wanted - section.items.len());
                }
                found
            }
            ItemRef::Id(id) => self
                .checklists
                .iter()
                .enumerate()
                .find_map(|(s, section)| section.items.iter().position(|item| &item.id == id).map(|i| (s, i))),
        };
        found.ok_or_else(|| DomainError::NoSuchItem(item.clone()))
    }
}

#[cfg(test)]
mod tests;
