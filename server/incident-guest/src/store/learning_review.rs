//! Storage for what outlives the incident document: follow-up actions and the incident
//! channels' messages (the transcript).

use incident_core::actions::{ActionState, FollowUpAction};
use mattermost_plugin_sdk::store::{Rows, Statement};
use serde::Serialize;

use incident_core::IncidentFilter;
use incident_core::team_report::OpenActions;

use crate::store::db::Database;
use crate::store::incident_list::{Visible, filter_sql, restrict};
use crate::store::privacy_rows::PrivacyRow;
use crate::store::repo::{Repo, RepoError, Versioned, to_json_pub};

/// A follow-up action with its incident's team and channel, for the privacy re-check.
pub struct LocatedAction {
    pub action: FollowUpAction,
    pub incident_team: String,
    pub incident_channel: String,
}

/// Follow-up actions one incident may have: a review's worth many times over (100 ×
/// 200-character texts is a small read), and a bound on what one member can add to the
/// team's lists.
pub const MAX_ACTIONS_PER_INCIDENT: usize = 100;

/// `SELECT id FROM incidents WHERE …` for the incidents `filter` and `visible` allow, with its
/// parameters; None when that is none.
fn visible_incidents_sql(
    filter: &IncidentFilter,
    visible: &Visible,
) -> Option<(String, Vec<mattermost_plugin_sdk::store::Value>)> {
    let (mut clause, mut params) = filter_sql(filter);
    restrict(visible, &mut clause, &mut params).then(|| (format!("SELECT id FROM incidents WHERE {clause}"), params))
}

type Result<T> = std::result::Result<T, RepoError>;

pub(crate) fn state_word(state: ActionState) -> &'static str {
    match state {
        ActionState::Open => "open",
        ActionState::Done => "done",
        ActionState::Dropped => "dropped",
    }
}

fn actions_from(rows: &Rows) -> Result<Vec<Versioned<FollowUpAction>>> {
    (0..rows.len())
        .map(|i| {
            let value: FollowUpAction =
                serde_json::from_str(&rows.text(i, "doc")?).map_err(|e| RepoError::Corrupt(e.to_string()))?;
            Ok(Versioned { value, revision: rows.integer(i, "revision")? })
        })
        .collect()
}

/// One message of an incident channel as captured (edits followed). Only its current text is
/// kept: Mattermost shows a message's edit history to its author alone, and the transcript is
/// for everyone who may see the incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelMessage {
    pub post_id: String,
    pub user_id: String,
    pub root_id: String,
    pub message: String,
    pub create_at: i64,
    pub edit_at: i64,
}

/// Messages one transcript page holds at most (and by default): most incidents' whole
/// transcript, so the webapp's download link is usually all of it.
pub const MAX_TRANSCRIPT_PAGE: usize = 5000;
/// Message text one transcript page holds at most, in bytes (each character counted as 4):
/// 5,000 ordinary messages fit; Mattermost's longest (16,383 characters) fit 128 a page, so a
/// page stays far below the guest's 128 MiB however long the messages are.
pub const TRANSCRIPT_BUDGET_BYTES: i64 = 8 * 1024 * 1024;

/// The statement that stores a new follow-up action (alone, or in an import's batch).
pub(crate) fn insert_action_statement(action: &FollowUpAction) -> Result<Statement> {
    Ok(Statement::new(
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
    ))
}

impl<D: Database> Repo<'_, D> {
    pub fn insert_action(&self, action: &FollowUpAction) -> Result<()> {
        self.db().execute(vec![insert_action_statement(action)?])?;
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

    /// An incident's actions, oldest first ([`MAX_ACTIONS_PER_INCIDENT`] at most exist).
    pub fn incident_actions(&self, incident_id: &str) -> Result<Vec<FollowUpAction>> {
        let rows = self.db().query(
            "SELECT doc, revision FROM follow_up_actions WHERE incident_id = ? ORDER BY created_at, id LIMIT ?",
            &[incident_id.into(), i64::try_from(MAX_ACTIONS_PER_INCIDENT).unwrap_or(i64::MAX).into()],
        )?;
        Ok(actions_from(&rows)?.into_iter().map(|v| v.value).collect())
    }

    pub fn count_incident_actions(&self, incident_id: &str) -> Result<usize> {
        let rows = self.db().query("SELECT COUNT(*) AS n FROM follow_up_actions WHERE incident_id = ?", &[incident_id.into()])?;
        Ok(usize::try_from(rows.integer(0, "n")?).unwrap_or(0))
    }

    /// One page of the team's actions of the incidents `filter` and `visible` allow (the
    /// visibility is decided in SQL, before the limit), open ones only when `open_only`, those
    /// due soonest first (else the newest first); and how many there are in all. Each action
    /// comes with its incident's team and channel, for the privacy re-check.
    pub fn team_actions_page(
        &self,
        filter: &IncidentFilter,
        visible: &Visible,
        open_only: bool,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<LocatedAction>, usize)> {
        let Some((incidents, mut params)) = visible_incidents_sql(filter, visible) else {
            return Ok((Vec::new(), 0));
        };
        let state = if open_only { " AND a.state = 'open'" } else { "" };
        let counted = self.db().query(
            &format!("SELECT COUNT(*) AS n FROM follow_up_actions a WHERE a.incident_id IN ({incidents}){state}"),
            &params,
        )?;
        let total = usize::try_from(counted.integer(0, "n")?).unwrap_or(0);
        let order = if open_only { "a.due_at IS NULL, a.due_at, a.created_at, a.id" } else { "a.created_at DESC, a.id" };
        params.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        params.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
        let rows = self.db().query(
            &format!(
                "SELECT a.doc AS doc, a.revision AS revision, i.team_id AS incident_team, i.channel_id AS incident_channel
                 FROM follow_up_actions a JOIN incidents i ON i.id = a.incident_id
                 WHERE a.incident_id IN ({incidents}){state} ORDER BY {order} LIMIT ? OFFSET ?"
            ),
            &params,
        )?;
        let actions = actions_from(&rows)?;
        let mut page = Vec::with_capacity(actions.len());
        for (i, action) in actions.into_iter().enumerate() {
            page.push(LocatedAction {
                action: action.value,
                incident_team: rows.text(i, "incident_team")?,
                incident_channel: rows.text(i, "incident_channel")?,
            });
        }
        Ok((page, total))
    }

    /// The open actions of the incidents `filter` and `visible` allow, counted in SQL: in all,
    /// overdue at `now`, and per incident (with the incident's team and channel).
    pub fn open_action_counts(
        &self,
        filter: &IncidentFilter,
        visible: &Visible,
        now: i64,
    ) -> Result<(OpenActions, Vec<PrivacyRow>)> {
        let mut counts = OpenActions::default();
        let Some((incidents, mut params)) = visible_incidents_sql(filter, visible) else {
            return Ok((counts, Vec::new()));
        };
        // Overdue: a day past the due day, as FollowUpAction::is_overdue.
        params.insert(0, now.saturating_sub(86_400_000).into());
        let rows = self.db().query(
            &format!(
                "SELECT a.incident_id AS incident_id, i.team_id AS incident_team, i.channel_id AS incident_channel,
                        COUNT(*) AS n, SUM(CASE WHEN a.due_at IS NOT NULL AND a.due_at <= ? THEN 1 ELSE 0 END) AS overdue
                 FROM follow_up_actions a JOIN incidents i ON i.id = a.incident_id
                 WHERE a.incident_id IN ({incidents}) AND a.state = 'open'
                 GROUP BY a.incident_id, i.team_id, i.channel_id LIMIT 10000"
            ),
            &params,
        )?;
        let mut incidents = Vec::with_capacity(rows.len());
        for i in 0..rows.len() {
            let id = rows.text(i, "incident_id")?;
            let n = usize::try_from(rows.integer(i, "n")?).unwrap_or(0);
            counts.open += n;
            counts.overdue += usize::try_from(rows.integer(i, "overdue")?).unwrap_or(0);
            counts.open_by_incident.insert(id.clone(), n);
            incidents.push(PrivacyRow {
                id,
                team_id: rows.text(i, "incident_team")?,
                channel_id: rows.text(i, "incident_channel")?,
            });
        }
        Ok((counts, incidents))
    }

    /// Keeps a new message of an incident channel (thread replies too).
    pub fn capture_message(&self, incident_id: &str, m: &ChannelMessage) -> Result<()> {
        self.db().execute(vec![Statement::new(
            "INSERT INTO channel_messages (post_id, incident_id, user_id, root_id, message, original_message, create_at, edit_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, incident_id) DO NOTHING",
            vec![
                m.post_id.as_str().into(),
                incident_id.into(),
                m.user_id.as_str().into(),
                m.root_id.as_str().into(),
                m.message.as_str().into(),
                // The column (migration 4) held the first text; it now follows the message.
                m.message.as_str().into(),
                m.create_at.into(),
                m.edit_at.into(),
            ],
        )])?;
        Ok(())
    }

    /// An edit: the new text and time replace the old; the old text is not kept.
    pub fn capture_edit(&self, post_id: &str, message: &str, edit_at: i64) -> Result<bool> {
        let changed = self.db().execute(vec![Statement::new(
            "UPDATE channel_messages SET message = ?, original_message = ?, edit_at = ? WHERE post_id = ?",
            vec![message.into(), message.into(), edit_at.into(), post_id.into()],
        )])?;
        Ok(changed.first().copied().unwrap_or(0) > 0)
    }

    /// A deletion: the message leaves the transcript (the record keeps that it was deleted).
    /// Deleting a thread's root deletes its replies too in Mattermost (one statement, and one
    /// `MessageHasBeenDeleted`, for the root), so `thread_root` takes the replies with it.
    pub fn capture_delete(&self, post_id: &str, delete_at: i64, thread_root: bool) -> Result<bool> {
        let statement = if thread_root {
            Statement::new(
                "UPDATE channel_messages SET delete_at = ?, message = '', original_message = '' WHERE post_id = ? OR root_id = ?",
                vec![delete_at.max(1).into(), post_id.into(), post_id.into()],
            )
        } else {
            Statement::new(
                "UPDATE channel_messages SET delete_at = ?, message = '', original_message = '' WHERE post_id = ?",
                vec![delete_at.max(1).into(), post_id.into()],
            )
        };
        let changed = self.db().execute(vec![statement])?;
        Ok(changed.first().copied().unwrap_or(0) > 0)
    }

    /// Data retention: messages written before `cutoff` leave every transcript, as Mattermost's
    /// retention job deletes them (it tells plugins nothing). Answers how many left.
    pub fn forget_messages_before(&self, cutoff: i64) -> Result<u64> {
        let changed = self.db().execute(vec![Statement::new(
            "UPDATE channel_messages SET delete_at = ?, message = '', original_message = '' WHERE delete_at = 0 AND create_at < ?",
            vec![cutoff.max(1).into(), cutoff.into()],
        )])?;
        Ok(changed.first().copied().unwrap_or(0))
    }

    /// Whether `post_id` is a message of the incident's transcript (deleted ones included): a
    /// page cursor must be one.
    pub fn transcript_has(&self, incident_id: &str, post_id: &str) -> Result<bool> {
        let rows = self.db().query(
            "SELECT 1 AS x FROM channel_messages WHERE incident_id = ? AND post_id = ?",
            &[incident_id.into(), post_id.into()],
        )?;
        Ok(!rows.is_empty())
    }

    /// One page of the transcript, oldest first: after the message `after` (a post id of this
    /// transcript), at most `limit` messages and [`TRANSCRIPT_BUDGET_BYTES`] of text (at least
    /// one message). Answers the page and whether more follow.
    pub fn transcript_page(&self, incident_id: &str, after: Option<&str>, limit: usize) -> Result<(Vec<ChannelMessage>, bool)> {
        let mut params: Vec<mattermost_plugin_sdk::store::Value> = vec![incident_id.into()];
        let mut clause = String::from("incident_id = ? AND delete_at = 0");
        if let Some(after) = after {
            clause.push_str(
                " AND (create_at > (SELECT create_at FROM channel_messages WHERE post_id = ? AND incident_id = ?)
                   OR (create_at = (SELECT create_at FROM channel_messages WHERE post_id = ? AND incident_id = ?) AND post_id > ?))",
            );
            params.extend([after.into(), incident_id.into(), after.into(), incident_id.into(), after.into()]);
        }
        let limit = limit.clamp(1, MAX_TRANSCRIPT_PAGE);
        // One more than the page, to know whether more follow.
        params.push(i64::try_from(limit + 1).unwrap_or(i64::MAX).into());
        let sized = self.db().query(
            &format!("SELECT post_id, length(message) AS chars FROM channel_messages WHERE {clause} ORDER BY create_at, post_id LIMIT ?"),
            &params,
        )?;
        let mut ids: Vec<String> = Vec::new();
        let mut bytes = 0i64;
        for i in 0..sized.len().min(limit) {
            let size = sized.integer(i, "chars")?.saturating_mul(4);
            if !ids.is_empty() && bytes.saturating_add(size) > TRANSCRIPT_BUDGET_BYTES {
                break;
            }
            bytes = bytes.saturating_add(size);
            ids.push(sized.text(i, "post_id")?);
        }
        let more = sized.len() > ids.len();
        if ids.is_empty() {
            return Ok((Vec::new(), more));
        }
        let mut params: Vec<mattermost_plugin_sdk::store::Value> = vec![incident_id.into()];
        params.extend(ids.iter().map(|id| id.as_str().into()));
        let rows = self.db().query(
            &format!(
                "SELECT post_id, user_id, root_id, message, create_at, edit_at FROM channel_messages
                 WHERE incident_id = ? AND post_id IN ({}) ORDER BY create_at, post_id",
                vec!["?"; ids.len()].join(", ")
            ),
            &params,
        )?;
        let page = (0..rows.len())
            .map(|i| {
                Ok(ChannelMessage {
                    post_id: rows.text(i, "post_id")?,
                    user_id: rows.text(i, "user_id")?,
                    root_id: rows.text(i, "root_id")?,
                    message: rows.text(i, "message")?,
                    create_at: rows.integer(i, "create_at")?,
                    edit_at: rows.integer(i, "edit_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((page, more))
    }
}
