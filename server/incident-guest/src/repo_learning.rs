//! Storage for what outlives the incident document: follow-up actions and the incident
//! channels' messages (the transcript).

use incident_core::actions::{ActionState, FollowUpAction};
use mattermost_plugin_sdk::store::{Rows, Statement};
use serde::Serialize;

use crate::db::Database;
use crate::repo::{Repo, RepoError, Versioned, to_json_pub};

type Result<T> = std::result::Result<T, RepoError>;

fn state_word(state: ActionState) -> &'static str {
    match state {
        ActionState::Open => "open",
        ActionState::Done => "done",
        ActionState::Dropped => "dropped",
    }
}

fn actions_from(rows: &Rows) -> Result<Vec<Versioned<FollowUpAction>>> {
    (0..rows.len())
        .map(|i| {
            let value: FollowUpAction = serde_json::from_str(&rows.text(i, "doc")?).map_err(|e| RepoError::Corrupt(e.to_string()))?;
            Ok(Versioned { value, revision: rows.integer(i, "revision")? })
        })
        .collect()
}

/// One message of an incident channel as captured (edits followed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelMessage {
    pub post_id: String,
    pub user_id: String,
    pub root_id: String,
    pub message: String,
    pub original_message: String,
    pub create_at: i64,
    pub edit_at: i64,
}

impl<D: Database> Repo<'_, D> {
    pub fn insert_action(&self, action: &FollowUpAction) -> Result<()> {
        self.db().execute(vec![Statement::new(
            "INSERT INTO follow_up_actions (id, incident_id, team_id, state, owner_id, due_at, doc, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                action.id.as_str().into(),
                action.incident_id.as_str().into(),
                action.team_id.as_str().into(),
                state_word(action.state).into(),
                action.owner_id.clone().into(),
                action.due_at.into(),
                to_json_pub(action)?.into(),
                action.created_at.into(),
            ],
        )])?;
        Ok(())
    }

    /// Saves only over the revision that was read (someone else's change wins the race).
    pub fn save_action(&self, action: &FollowUpAction, revision: i64) -> Result<()> {
        self.db().execute(vec![Statement::new(
            "UPDATE follow_up_actions SET state = ?, owner_id = ?, due_at = ?, doc = ?, revision = revision + 1 WHERE id = ? AND revision = ?",
            vec![
                state_word(action.state).into(),
                action.owner_id.clone().into(),
                action.due_at.into(),
                to_json_pub(action)?.into(),
                action.id.as_str().into(),
                revision.into(),
            ],
        )
        .expect_changes(1)])?;
        Ok(())
    }

    pub fn action(&self, id: &str) -> Result<Option<Versioned<FollowUpAction>>> {
        let rows = self.db().query("SELECT doc, revision FROM follow_up_actions WHERE id = ?", &[id.into()])?;
        Ok(actions_from(&rows)?.into_iter().next())
    }

    pub fn incident_actions(&self, incident_id: &str) -> Result<Vec<FollowUpAction>> {
        let rows = self.db().query(
            "SELECT doc, revision FROM follow_up_actions WHERE incident_id = ? ORDER BY created_at, id",
            &[incident_id.into()],
        )?;
        Ok(actions_from(&rows)?.into_iter().map(|v| v.value).collect())
    }

    /// The team's actions, open ones only when `open_only`; those due soonest first.
    pub fn team_actions(&self, team_id: &str, open_only: bool) -> Result<Vec<FollowUpAction>> {
        let sql = if open_only {
            "SELECT doc, revision FROM follow_up_actions WHERE team_id = ? AND state = 'open' ORDER BY due_at IS NULL, due_at, created_at LIMIT 1000"
        } else {
            "SELECT doc, revision FROM follow_up_actions WHERE team_id = ? ORDER BY created_at DESC LIMIT 1000"
        };
        let rows = self.db().query(sql, &[team_id.into()])?;
        Ok(actions_from(&rows)?.into_iter().map(|v| v.value).collect())
    }

    /// Keeps a new message of an incident channel (thread replies too).
    pub fn capture_message(&self, incident_id: &str, m: &ChannelMessage) -> Result<()> {
        self.db().execute(vec![Statement::new(
            "INSERT INTO channel_messages (post_id, incident_id, user_id, root_id, message, original_message, create_at, edit_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (post_id) DO NOTHING",
            vec![
                m.post_id.as_str().into(),
                incident_id.into(),
                m.user_id.as_str().into(),
                m.root_id.as_str().into(),
                m.message.as_str().into(),
                m.original_message.as_str().into(),
                m.create_at.into(),
                m.edit_at.into(),
            ],
        )])?;
        Ok(())
    }

    /// An edit: the new text and time; the first text stays in `original_message`.
    pub fn capture_edit(&self, post_id: &str, message: &str, edit_at: i64) -> Result<bool> {
        let changed = self.db().execute(vec![Statement::new(
            "UPDATE channel_messages SET message = ?, edit_at = ? WHERE post_id = ?",
            vec![message.into(), edit_at.into(), post_id.into()],
        )])?;
        Ok(changed.first().copied().unwrap_or(0) > 0)
    }

    /// A deletion: the message leaves the transcript (the record keeps that it was deleted).
    pub fn capture_delete(&self, post_id: &str, delete_at: i64) -> Result<bool> {
        let changed = self.db().execute(vec![Statement::new(
            "UPDATE channel_messages SET delete_at = ?, message = '', original_message = '' WHERE post_id = ?",
            vec![delete_at.max(1).into(), post_id.into()],
        )])?;
        Ok(changed.first().copied().unwrap_or(0) > 0)
    }

    pub fn transcript(&self, incident_id: &str) -> Result<Vec<ChannelMessage>> {
        let rows = self.db().query(
            "SELECT post_id, user_id, root_id, message, original_message, create_at, edit_at FROM channel_messages
             WHERE incident_id = ? AND delete_at = 0 ORDER BY create_at, post_id LIMIT 100000",
            &[incident_id.into()],
        )?;
        (0..rows.len())
            .map(|i| {
                Ok(ChannelMessage {
                    post_id: rows.text(i, "post_id")?,
                    user_id: rows.text(i, "user_id")?,
                    root_id: rows.text(i, "root_id")?,
                    message: rows.text(i, "message")?,
                    original_message: rows.text(i, "original_message")?,
                    create_at: rows.integer(i, "create_at")?,
                    edit_at: rows.integer(i, "edit_at")?,
                })
            })
            .collect()
    }
}
