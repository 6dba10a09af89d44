//! Checklist mutations on a live incident. Each one checks everything first (incident active,
//! item exists, input valid, something actually changes), then mutates, then appends exactly
//! one timeline event; an error therefore leaves the incident untouched.
//!
//! Items are addressed by anything that converts into an [`ItemRef`]: a `usize` number (as in
//! `/incident check 3`) or an id (`String`/`&str`, as the REST API sends).

use crate::checklist::{ChecklistItem, ChecklistSection, ItemChange, ItemChangeKind, ItemRef, ItemState};
use crate::error::DomainError;
use crate::ids::IdGen;
use crate::incident::Incident;
use crate::limits::{MAX_ASSIGNEES, MAX_EVIDENCE_CHARS, MAX_ITEM_TITLE_CHARS, MAX_ITEMS, MAX_NAME_CHARS, MAX_SECTIONS};
use crate::text;
use crate::timeline::TimelineEventKind;

impl Incident {
    /// Where an item is, refusing one that does not apply to this incident now: it cannot be
    /// checked, skipped or restored while it is left out.
    fn locate_applying(&self, item: &ItemRef) -> Result<(usize, usize), DomainError> {
        let at = self.locate(item)?;
        let found = self.item_at(at);
        match &found.condition {
            Some(condition) if !self.item_applies(found) => {
                Err(DomainError::ItemNotApplicable { item: item.clone(), condition: condition.describe() })
            }
            _ => Ok(at),
        }
    }

    /// Checks an open item; unchecks a done one and restores a skipped one. Returns the new state.
    pub fn toggle_item(&mut self, actor_id: &str, item: impl Into<ItemRef>, now_ms: i64) -> Result<ItemState, DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate_applying(&item)?;
        let next = match self.item_at(at).state {
            ItemState::Open => ItemState::Done,
            ItemState::Done | ItemState::Skipped => ItemState::Open,
        };
        self.apply_state(actor_id, at, next, now_ms);
        Ok(next)
    }

    /// Sets an item's state explicitly (REST check/uncheck/skip/restore). Setting the state it
    /// already has is a conflict, so two people checking the same item learn about each other.
    pub fn set_item_state(
        &mut self,
        actor_id: &str,
        item: impl Into<ItemRef>,
        state: ItemState,
        now_ms: i64,
    ) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate_applying(&item)?;
        if self.item_at(at).state == state {
            return Err(DomainError::ItemAlreadyInState(state));
        }
        self.apply_state(actor_id, at, state, now_ms);
        Ok(())
    }

    /// Adds an item at the end of a section, named by id, 1-based number or title
    /// (case-insensitive). A title that matches no section creates that section at the end; a
    /// number that matches none is an error. Returns the new item's id.
    pub fn add_item(
        &mut self,
        actor_id: &str,
        section: &str,
        title: &str,
        ids: &mut dyn IdGen,
        now_ms: i64,
    ) -> Result<String, DomainError> {
        self.check_mutable(actor_id)?;
        let title = text::single_line(title, MAX_ITEM_TITLE_CHARS).map_err(DomainError::InvalidTitle)?;
        if self.item_count() >= MAX_ITEMS {
            return Err(DomainError::TooManyItems { max: MAX_ITEMS });
        }
        let target = match self.section_index(section) {
            Some(index) => SectionTarget::Existing(index),
            None => SectionTarget::New(self.new_section_title(section)?),
        };

        let section_index = match target {
            SectionTarget::Existing(index) => index,
            SectionTarget::New(title) => {
                self.checklists.push(ChecklistSection { id: ids.new_id(), title, items: Vec::new() });
                self.checklists.len() - 1
            }
        };
        let item_id = ids.new_id();
        let section = &mut self.checklists[section_index];
        section.items.push(ChecklistItem::new(item_id.clone(), title.clone()));
        let section_title = section.title.clone();
        self.record(actor_id, now_ms, TimelineEventKind::ItemAdded { item_id: item_id.clone(), title, section: section_title });
        Ok(item_id)
    }

    /// Removes an item. Its section stays, even if empty, so it can be refilled.
    pub fn remove_item(&mut self, actor_id: &str, item: impl Into<ItemRef>, now_ms: i64) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let (section, index) = self.locate(&item)?;
        let removed = self.checklists[section].items.remove(index);
        self.record(actor_id, now_ms, TimelineEventKind::ItemRemoved { item_id: removed.id, title: removed.title });
        Ok(())
    }

    /// Assigns an item to a user, or unassigns it with `None` (an empty id also unassigns, which
    /// is what a cleared form field sends).
    pub fn assign_item(
        &mut self,
        actor_id: &str,
        item: impl Into<ItemRef>,
        assignee_id: Option<String>,
        now_ms: i64,
    ) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate(&item)?;
        let assignee_id = assignee_id.map(|id| id.trim().to_string()).filter(|id| !id.is_empty());
        if self.item_at(at).assignee_ids == assignee_id.iter().cloned().collect::<Vec<_>>() {
            return Err(DomainError::NoChange(match assignee_id {
                Some(_) => "the item is already assigned to that user.".to_string(),
                None => "the item has no assignee.".to_string(),
            }));
        }
        let target = self.item_at_mut(at);
        target.assignee_ids = assignee_id.iter().cloned().collect();
        touch(target, actor_id, now_ms, ItemChangeKind::Assigned { to: assignee_id.clone() });
        let event =
            TimelineEventKind::ItemAssigned { item_id: target.id.clone(), title: target.title.clone(), assignee: assignee_id };
        self.record(actor_id, now_ms, event);
        Ok(())
    }

    /// Adds people to an item's assignees (`/incident assign <item> @a @b`). Those already on
    /// it are left as they are; adding nobody new is a no-change error.
    pub fn add_assignees(
        &mut self,
        actor_id: &str,
        item: impl Into<ItemRef>,
        user_ids: &[String],
        now_ms: i64,
    ) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate(&item)?;
        let current = &self.item_at(at).assignee_ids;
        let mut added: Vec<String> = Vec::new();
        for id in user_ids.iter().map(|id| id.trim()).filter(|id| !id.is_empty()) {
            if !current.iter().any(|c| c == id) && !added.iter().any(|a| a == id) {
                added.push(id.to_string());
            }
        }
        if added.is_empty() {
            return Err(DomainError::NoChange("everyone named is already assigned to the item.".to_string()));
        }
        if current.len() + added.len() > MAX_ASSIGNEES {
            return Err(DomainError::TooManyAssignees { max: MAX_ASSIGNEES });
        }
        let target = self.item_at_mut(at);
        target.assignee_ids.extend(added.iter().cloned());
        self.record_assignees(actor_id, at, added, Vec::new(), now_ms);
        Ok(())
    }

    /// Takes people off an item's assignees (`/incident unassign <item> @a`).
    pub fn remove_assignees(
        &mut self,
        actor_id: &str,
        item: impl Into<ItemRef>,
        user_ids: &[String],
        now_ms: i64,
    ) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate(&item)?;
        let removed: Vec<String> =
            self.item_at(at).assignee_ids.iter().filter(|a| user_ids.iter().any(|u| u.trim() == a.as_str())).cloned().collect();
        if removed.is_empty() {
            return Err(DomainError::NoChange("nobody named is assigned to the item.".to_string()));
        }
        let target = self.item_at_mut(at);
        target.assignee_ids.retain(|a| !removed.contains(a));
        self.record_assignees(actor_id, at, Vec::new(), removed, now_ms);
        Ok(())
    }

    fn record_assignees(&mut self, actor_id: &str, at: (usize, usize), added: Vec<String>, removed: Vec<String>, now_ms: i64) {
        let target = self.item_at_mut(at);
        touch(target, actor_id, now_ms, ItemChangeKind::AssigneesChanged { added: added.clone(), removed: removed.clone() });
        let event =
            TimelineEventKind::ItemAssigneesChanged { item_id: target.id.clone(), title: target.title.clone(), added, removed };
        self.record(actor_id, now_ms, event);
    }

    /// Sets when an item is due (Unix ms), or clears it with `None`. The time must lie between
    /// 2000-01-01 and ten years from now, as for follow-up actions.
    pub fn set_item_due(
        &mut self,
        actor_id: &str,
        item: impl Into<ItemRef>,
        due_at: Option<i64>,
        now_ms: i64,
    ) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate(&item)?;
        let due_at = checked_item_due(due_at, now_ms)?;
        if self.item_at(at).due_at == due_at {
            return Err(DomainError::NoChange(match due_at {
                Some(_) => "the item is already due then.".to_string(),
                None => "the item has no due time.".to_string(),
            }));
        }
        let target = self.item_at_mut(at);
        target.due_at = due_at;
        touch(target, actor_id, now_ms, ItemChangeKind::DueChanged { due_at });
        let event = TimelineEventKind::ItemDueChanged { item_id: target.id.clone(), title: target.title.clone(), due_at };
        self.record(actor_id, now_ms, event);
        Ok(())
    }

    /// Checks an open (or skipped) item with evidence: a link or note, kept on the item while it
    /// is done and on the timeline for good (`/incident check <item> <link or note>`).
    pub fn check_item_with_evidence(
        &mut self,
        actor_id: &str,
        item: impl Into<ItemRef>,
        evidence: &str,
        now_ms: i64,
    ) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate_applying(&item)?;
        let evidence = text::single_line(evidence, MAX_EVIDENCE_CHARS).map_err(DomainError::InvalidEvidence)?;
        if self.item_at(at).state == ItemState::Done {
            return Err(DomainError::ItemAlreadyInState(ItemState::Done));
        }
        self.apply_state(actor_id, at, ItemState::Done, now_ms);
        let target = self.item_at_mut(at);
        target.evidence = Some(evidence.clone());
        if let Some(event) = self.timeline.last_mut()
            && let TimelineEventKind::ItemChecked { evidence: slot, .. } = &mut event.kind
        {
            *slot = Some(evidence);
        }
        Ok(())
    }

    pub fn rename_item(&mut self, actor_id: &str, item: impl Into<ItemRef>, title: &str, now_ms: i64) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate(&item)?;
        let title = text::single_line(title, MAX_ITEM_TITLE_CHARS).map_err(DomainError::InvalidTitle)?;
        if self.item_at(at).title == title {
            return Err(DomainError::NoChange("the item already has that title.".to_string()));
        }
        let target = self.item_at_mut(at);
        let from = std::mem::replace(&mut target.title, title.clone());
        touch(target, actor_id, now_ms, ItemChangeKind::Renamed { from: from.clone(), to: title.clone() });
        let item_id = target.id.clone();
        self.record(actor_id, now_ms, TimelineEventKind::ItemRenamed { item_id, from, to: title });
        Ok(())
    }

    /// Moves an item to `to_position` (1-based, counted after the item has left its old place)
    /// within the section named by id, number or title. The section must exist.
    pub fn move_item(
        &mut self,
        actor_id: &str,
        item: impl Into<ItemRef>,
        to_section: &str,
        to_position: usize,
        now_ms: i64,
    ) -> Result<(), DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let (from_section, from_index) = self.locate(&item)?;
        let target = self.section_index(to_section).ok_or_else(|| DomainError::NoSuchSection(to_section.trim().to_string()))?;
        let remaining = self.checklists[target].items.len() - usize::from(target == from_section);
        let max = remaining + 1;
        if !(1..=max).contains(&to_position) {
            return Err(DomainError::InvalidPosition { position: to_position, max });
        }
        if target == from_section && to_position - 1 == from_index {
            return Err(DomainError::NoChange("the item is already there.".to_string()));
        }

        let mut moved = self.checklists[from_section].items.remove(from_index);
        touch(&mut moved, actor_id, now_ms, ItemChangeKind::Moved);
        let event = TimelineEventKind::ItemMoved { item_id: moved.id.clone(), title: moved.title.clone() };
        self.checklists[target].items.insert(to_position - 1, moved);
        self.record(actor_id, now_ms, event);
        Ok(())
    }

    /// Renames a checklist section, named by id or 1-based number (or its current title). The
    /// new title follows the rules of section titles made by `add_item`: one line of 1 to 100
    /// characters, not only digits (that would read as a number), and no other section may
    /// have it (case-insensitively), so that titles keep naming one section.
    pub fn rename_section(&mut self, actor_id: &str, section: &str, title: &str, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let index = self.section_index(section).ok_or_else(|| DomainError::NoSuchSection(section.trim().to_string()))?;
        let title = text::single_line(title, MAX_NAME_CHARS)
            .map_err(|reason| DomainError::InvalidTitle(format!("the section title: {reason}")))?;
        if title.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::InvalidTitle(
                "the section title: a number alone would be read as a section's position; add a word.".to_string(),
            ));
        }
        if self.checklists[index].title == title {
            return Err(DomainError::NoChange("the section already has that title.".to_string()));
        }
        if self.checklists.iter().enumerate().any(|(i, s)| i != index && text::same_title(&s.title, &title)) {
            return Err(DomainError::SectionExists(title));
        }
        let target = &mut self.checklists[index];
        let from = std::mem::replace(&mut target.title, title.clone());
        let section_id = target.id.clone();
        self.record(actor_id, now_ms, TimelineEventKind::SectionRenamed { section_id, from, to: title });
        Ok(())
    }

    /// Records that the item's slash command was run (by the webapp, in the incident channel, as
    /// `actor_id`): when and by whom on the item, a line in its history, a timeline event.
    /// Returns the command. An item without a command has nothing to run.
    pub fn record_command_run(&mut self, actor_id: &str, item: impl Into<ItemRef>, now_ms: i64) -> Result<String, DomainError> {
        let item = item.into();
        self.check_mutable(actor_id)?;
        let at = self.locate(&item)?;
        let target = self.item_at_mut(at);
        let command = target.command.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        let Some(command) = command else {
            return Err(DomainError::NoCommand);
        };
        target.last_run_at = Some(now_ms);
        target.last_run_by = Some(actor_id.to_string());
        target.history.push(ItemChange {
            at: now_ms,
            actor_id: actor_id.to_string(),
            change: ItemChangeKind::CommandRun { command: command.clone() },
        });
        let event = TimelineEventKind::ItemCommandRun {
            item_id: target.id.clone(),
            title: target.title.clone(),
            command: command.clone(),
        };
        self.record(actor_id, now_ms, event);
        Ok(command)
    }

    /// The state change itself, once validated: history, completion fields, timeline.
    fn apply_state(&mut self, actor_id: &str, at: (usize, usize), next: ItemState, now_ms: i64) {
        let target = self.item_at_mut(at);
        let (item_id, title) = (target.id.clone(), target.title.clone());
        let (change, kind) = match (target.state, next) {
            (_, ItemState::Done) => (ItemChangeKind::Checked, TimelineEventKind::ItemChecked { item_id, title, evidence: None }),
            (_, ItemState::Skipped) => (ItemChangeKind::Skipped, TimelineEventKind::ItemSkipped { item_id, title }),
            (ItemState::Skipped, ItemState::Open) => {
                (ItemChangeKind::Restored, TimelineEventKind::ItemRestored { item_id, title })
            }
            (_, ItemState::Open) => (ItemChangeKind::Unchecked, TimelineEventKind::ItemUnchecked { item_id, title }),
        };
        target.state = next;
        target.evidence = None;
        // Completion fields describe the current completion only; earlier ones are in history.
        if next == ItemState::Done {
            target.completed_at = Some(now_ms);
            target.completed_by = Some(actor_id.to_string());
        } else {
            target.completed_at = None;
            target.completed_by = None;
        }
        touch(target, actor_id, now_ms, change);
        self.record(actor_id, now_ms, kind);
    }

    /// A title for a section to be created on the fly, or why there can be none.
    fn new_section_title(&self, key: &str) -> Result<String, DomainError> {
        let key = key.trim();
        if key.is_empty() {
            return Err(DomainError::MissingField("section"));
        }
        // A number names an existing section; creating a section called "7" is never meant.
        if key.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::NoSuchSection(key.to_string()));
        }
        if self.checklists.len() >= MAX_SECTIONS {
            return Err(DomainError::TooManySections { max: MAX_SECTIONS });
        }
        text::single_line(key, MAX_NAME_CHARS).map_err(|reason| DomainError::InvalidTitle(format!("the section title: {reason}")))
    }

    // `at` always comes from `locate` on the unchanged incident, so indexing cannot fail.
    fn item_at(&self, (section, index): (usize, usize)) -> &ChecklistItem {
        &self.checklists[section].items[index]
    }

    fn item_at_mut(&mut self, (section, index): (usize, usize)) -> &mut ChecklistItem {
        &mut self.checklists[section].items[index]
    }
}

enum SectionTarget {
    Existing(usize),
    New(String),
}

/// Records a change on the item itself: its history and "last changed by/at".
fn touch(item: &mut ChecklistItem, actor_id: &str, now_ms: i64, change: ItemChangeKind) {
    item.last_changed_by = Some(actor_id.to_string());
    item.last_changed_at = Some(now_ms);
    item.history.push(ItemChange { at: now_ms, actor_id: actor_id.to_string(), change });
}

#[cfg(test)]
mod tests;

/// The earliest and latest due time an item may have: as for follow-up actions.
fn checked_item_due(due_at: Option<i64>, now_ms: i64) -> Result<Option<i64>, DomainError> {
    crate::actions::due_bounds_ok(due_at, now_ms).then_some(due_at).ok_or_else(|| {
        DomainError::InvalidTime("an item's due time must lie between 2000-01-01 and ten years from now.".to_string())
    })
}
