//! Incidents and playbooks in the plugin's SQL database, through the host's store.
//!
//! Each incident and playbook is a JSON document (the domain type, serde) plus the columns
//! lists and permissions filter on. Writes are optimistic: every row has a `revision`, and an
//! update only applies to the revision that was read, so two people checking items at the same
//! moment cannot overwrite each other (the loser retries on fresh data).

use incident_core::filter::facets;
use incident_core::{Incident, IncidentState, Playbook};
use mattermost_plugin_sdk::store::{Rows, Statement, StoreError};

/// What the text filter searches, as stored in `search_text`.
pub fn search_text(incident: &Incident) -> String {
    format!("{}\n{}\n{}", incident.name, incident.summary, incident.reference()).to_lowercase()
}
use crate::store::db::Database;

/// Released migrations are never edited; a schema change appends one.
/// How often a start reads the next number again when another start took it meanwhile.
const RESERVE_ATTEMPTS: u32 = 8;

pub const MIGRATIONS: &[&str] = &[
    "CREATE TABLE playbooks (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        title TEXT NOT NULL,
        doc TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX playbooks_by_team ON playbooks (team_id, title);
    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        name TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('starting', 'active', 'ended')),
        commander_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        playbook_id TEXT REFERENCES playbooks (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        doc TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        UNIQUE (team_id, number)
    );
    CREATE INDEX incidents_by_channel ON incidents (channel_id);
    CREATE INDEX incidents_by_team ON incidents (team_id, state, created_at);
    CREATE TABLE seeded_teams (team_id TEXT PRIMARY KEY, seeded_at INTEGER NOT NULL);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: people who follow an incident get its status updates by direct message.
    "CREATE TABLE followers (
        incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        since INTEGER NOT NULL,
        PRIMARY KEY (incident_id, user_id)
    );",
    // 3: outgoing webhook deliveries: the queue, and the log admins read.
    "CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL,
        event TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);",
    // 4: follow-up actions (outlive their incident) and the incident channels' messages.
    "CREATE TABLE follow_up_actions (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        team_id TEXT NOT NULL,
        state TEXT NOT NULL,
        owner_id TEXT,
        due_at INTEGER,
        doc TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX follow_up_actions_by_team ON follow_up_actions (team_id, state, due_at);
    CREATE INDEX follow_up_actions_by_incident ON follow_up_actions (incident_id, created_at);
    CREATE TABLE channel_messages (
        post_id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        root_id TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL,
        original_message TEXT NOT NULL,
        create_at INTEGER NOT NULL,
        edit_at INTEGER NOT NULL DEFAULT 0,
        delete_at INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX channel_messages_by_incident ON channel_messages (incident_id, create_at);",
    // 5: what listing a page in SQL needs (store/incident_list.rs); NULL until filled in. The index
    // covers a page's order and its state and privacy filters, so counting and paging read the
    // index, not the documents.
    "ALTER TABLE incidents ADD COLUMN search_text TEXT;
    ALTER TABLE incidents ADD COLUMN private INTEGER;
    CREATE INDEX incidents_list ON incidents (team_id, created_at, number, state, private, id, channel_id);",
    // 6: deleted incidents (issue 17): who deleted which and when, and their numbers, which are
    // never given again (a report or a link may still name INC-0042).
    "CREATE TABLE deleted_incidents (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        name TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        deleted_by TEXT NOT NULL,
        deleted_at INTEGER NOT NULL
    );
    CREATE INDEX deleted_incidents_by_team ON deleted_incidents (team_id, number);",
    // 7: what the severity, status and custom field filters compare (incident_core::filter::facets),
    // beside the document; NULL until filled in (store/incident_list.rs, `fill_facets`).
    "ALTER TABLE incidents ADD COLUMN facets TEXT;",
    // 8: the words incidents are found by for similar past incidents (issue 18): SQLite's text,
    // PostgreSQL's in `similar::SEARCH_INDEX_POSTGRES` (see `migrations_for`).
    crate::store::similar::SEARCH_INDEX_SQLITE,
    // 9: several incidents may share a channel (`/incident start --here`): a message of a shared
    // channel is kept once for each incident active in it, so the key is the pair.
    "CREATE TABLE channel_messages_by_pair (
        post_id TEXT NOT NULL,
        incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        root_id TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL,
        original_message TEXT NOT NULL,
        create_at INTEGER NOT NULL,
        edit_at INTEGER NOT NULL DEFAULT 0,
        delete_at INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (post_id, incident_id)
    );
    INSERT INTO channel_messages_by_pair
        (post_id, incident_id, user_id, root_id, message, original_message, create_at, edit_at, delete_at)
        SELECT post_id, incident_id, user_id, root_id, message, original_message, create_at, edit_at, delete_at
        FROM channel_messages;
    DROP TABLE channel_messages;
    ALTER TABLE channel_messages_by_pair RENAME TO channel_messages;
    CREATE INDEX channel_messages_by_incident ON channel_messages (incident_id, create_at);
    CREATE INDEX channel_messages_by_post ON channel_messages (post_id);",
];

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// A document or a team's documents would pass a size cap; the text says which and how to go on.
    #[error("{0}")]
    Full(String),
}

/// The largest incident document saved, in bytes of JSON. A change reads, parses and writes
/// the whole document in one call (about three copies), so 8 MiB keeps that far below the
/// guest's 128 MiB; it holds a checklist copied from the largest playbook (3.6 MB in 4-byte
/// characters) and thousands of timeline events besides.
pub const MAX_INCIDENT_DOC_BYTES: usize = 8 * 1024 * 1024;
/// Timeline events one incident keeps at most: an event a minute for three and a half days.
pub const MAX_TIMELINE_EVENTS: usize = 5000;
/// Playbooks one team has at most.
pub const MAX_PLAYBOOKS_PER_TEAM: i64 = 200;
/// Characters of playbook documents one team has at most. A team's playbooks are read together
/// (the list, the start form, keyword offers on every message); 4 Mi characters is at most
/// 16 MiB of UTF-8, which with its parsed copy and the answer stays well within the guest's
/// 128 MiB. That is hundreds of ordinary playbooks, or four of the largest possible.
pub const MAX_TEAM_PLAYBOOK_CHARS: i64 = 4 * 1024 * 1024;

/// The incident's JSON, if it is within the caps.
pub(crate) fn incident_doc(incident: &Incident) -> Result<String> {
    if incident.timeline.len() > MAX_TIMELINE_EVENTS {
        return Err(RepoError::Full(format!(
            "{} has {MAX_TIMELINE_EVENTS} timeline events, the most an incident keeps; start a follow-up incident to go on.",
            incident.reference()
        )));
    }
    let doc = to_json(incident)?;
    if doc.len() > MAX_INCIDENT_DOC_BYTES {
        return Err(RepoError::Full(format!(
            "{}'s record would pass {} MiB, the most an incident keeps; shorten notes or start a follow-up incident.",
            incident.reference(),
            MAX_INCIDENT_DOC_BYTES / (1024 * 1024)
        )));
    }
    Ok(doc)
}

impl RepoError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, RepoError::Store(StoreError::Conflict(_)))
    }
}

type Result<T> = std::result::Result<T, RepoError>;

/// A document with the revision it was read at.
#[derive(Debug, Clone)]
pub struct Versioned<T> {
    pub value: T,
    pub revision: i64,
}

pub(crate) fn to_json_pub<T: serde::Serialize>(v: &T) -> Result<String> {
    to_json(v)
}

pub(crate) fn state_text(state: &IncidentState) -> &'static str {
    match state {
        IncidentState::Active => "active",
        IncidentState::Ended => "ended",
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| RepoError::Corrupt(e.to_string()))
}

pub(crate) fn incidents_from(rows: &Rows) -> Result<Vec<Versioned<Incident>>> {
    (0..rows.len())
        .map(|i| {
            let doc = rows.text(i, "doc")?;
            let mut value: Incident = serde_json::from_str(&doc).map_err(|e| RepoError::Corrupt(e.to_string()))?;
            value.number = u32::try_from(rows.integer(i, "number")?).unwrap_or(0);
            Ok(Versioned { value, revision: rows.integer(i, "revision")? })
        })
        .collect()
}

fn playbooks_from(rows: &Rows) -> Result<Vec<Versioned<Playbook>>> {
    (0..rows.len())
        .map(|i| {
            let doc = rows.text(i, "doc")?;
            let value: Playbook = serde_json::from_str(&doc).map_err(|e| RepoError::Corrupt(e.to_string()))?;
            Ok(Versioned { value, revision: rows.integer(i, "revision")? })
        })
        .collect()
}

pub struct Repo<'a, D: Database> {
    db: &'a D,
}

impl<'a, D: Database> Repo<'a, D> {
    pub fn new(db: &'a D) -> Self {
        Self { db }
    }

    pub fn db(&self) -> &'a D {
        self.db
    }

    pub fn migrate(&self) -> Result<u32> {
        Ok(self.db.migrate(&crate::store::similar::migrations_for(self.db.backend()))?)
    }

    // --- incidents ------------------------------------------------------------------------

    /// Reserves the team's next incident number before anything else exists (the channel name
    /// may contain it). The row stays invisible ("starting") until [`Repo::activate_incident`].
    pub fn reserve_incident(&self, id: &str, team_id: &str, name: &str, reporter_id: &str, now: i64) -> Result<u32> {
        let reserve = || {
            self.db.execute(vec![Statement::new(
                "INSERT INTO incidents (id, team_id, number, name, state, commander_id, channel_id, created_at, doc)
                 VALUES (?1, ?2, (SELECT COALESCE(MAX(n), 0) + 1 FROM (
                             SELECT number AS n FROM incidents WHERE team_id = ?2
                             UNION ALL SELECT number AS n FROM deleted_incidents WHERE team_id = ?2) AS numbers),
                         ?3, 'starting', ?4, '', ?5, '{}')",
                vec![id.into(), team_id.into(), name.into(), reporter_id.into(), now.into()],
            )])
        };
        // Two starts at the same moment (two servers on one PostgreSQL) can read the same highest
        // number: the second insert is refused by the unique (team_id, number) and reads again.
        // PostgreSQL reports that as a unique violation, not always as a serialization failure
        // the host retries, since the number is read through two tables.
        let mut attempt = 1;
        loop {
            match reserve() {
                Err(StoreError::Constraint(_)) if attempt < RESERVE_ATTEMPTS => attempt += 1,
                other => {
                    other?;
                    break;
                }
            }
        }
        let rows = self.db.query("SELECT number FROM incidents WHERE id = ?", &[id.into()])?;
        Ok(u32::try_from(rows.integer(0, "number")?).unwrap_or(0))
    }

    /// Deletes an incident (its followers, follow-up actions and captured messages go with it)
    /// and records who did it; `revision` must be the one read, so a change made meanwhile is
    /// not deleted unseen.
    pub fn delete_incident(&self, incident: &Incident, revision: i64, deleted_by: &str, now: i64) -> Result<()> {
        self.db.execute(vec![
            Statement::new(
                "INSERT INTO deleted_incidents (id, team_id, number, name, channel_id, deleted_by, deleted_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    incident.id.as_str().into(),
                    incident.team_id.as_str().into(),
                    i64::from(incident.number).into(),
                    incident.name.as_str().into(),
                    incident.channel_id.as_str().into(),
                    deleted_by.into(),
                    now.into(),
                ],
            ),
            Statement::new(
                "DELETE FROM incidents WHERE id = ? AND revision = ?",
                vec![incident.id.as_str().into(), revision.into()],
            )
            .expect_changes(1),
        ])?;
        Ok(())
    }

    /// Undoes a reservation whose start failed.
    pub fn release_reservation(&self, id: &str) -> Result<()> {
        self.db.execute(vec![Statement::new("DELETE FROM incidents WHERE id = ? AND state = 'starting'", vec![id.into()])])?;
        Ok(())
    }

    /// Makes a reserved incident visible; `also` (its webhook deliveries) commits with it.
    pub fn activate_incident(&self, incident: &Incident, private: bool, also: Vec<Statement>) -> Result<()> {
        let mut batch = vec![
            Statement::new(
                "UPDATE incidents SET name = ?, state = 'active', commander_id = ?, channel_id = ?, playbook_id = ?,
                     created_at = ?, doc = ?, search_text = ?, facets = ?, private = ?, revision = revision + 1
                 WHERE id = ? AND state = 'starting'",
                vec![
                    (&incident.name).into(),
                    (&incident.commander_id).into(),
                    (&incident.channel_id).into(),
                    incident.playbook_id.clone().into(),
                    incident.created_at.into(),
                    incident_doc(incident)?.into(),
                    search_text(incident).into(),
                    facets(incident).into(),
                    i64::from(private).into(),
                    (&incident.id).into(),
                ],
            )
            .expect_changes(1),
            crate::store::similar::save_search_words(incident),
        ];
        batch.extend(also);
        self.db.execute(batch)?;
        Ok(())
    }

    /// Saves a changed incident if nobody saved it since `revision` was read; `also` (its
    /// webhook deliveries) commits with it, or not at all.
    pub fn save_incident(&self, incident: &Incident, revision: i64, also: Vec<Statement>) -> Result<()> {
        let mut batch = vec![
            Statement::new(
                "UPDATE incidents SET name = ?, state = ?, commander_id = ?, ended_at = ?, doc = ?, search_text = ?,
                     facets = ?, revision = revision + 1
                 WHERE id = ? AND revision = ?",
                vec![
                    (&incident.name).into(),
                    state_text(&incident.state).into(),
                    (&incident.commander_id).into(),
                    incident.ended_at.into(),
                    incident_doc(incident)?.into(),
                    search_text(incident).into(),
                    facets(incident).into(),
                    (&incident.id).into(),
                    revision.into(),
                ],
            )
            .expect_changes(1),
            crate::store::similar::save_search_words(incident),
        ];
        batch.extend(also);
        self.db.execute(batch)?;
        Ok(())
    }

    const INCIDENT_COLUMNS: &'static str = "doc, number, revision";

    pub fn incident(&self, id: &str) -> Result<Option<Versioned<Incident>>> {
        let sql = format!("SELECT {} FROM incidents WHERE id = ? AND state != 'starting'", Self::INCIDENT_COLUMNS);
        Ok(incidents_from(&self.db.query(&sql, &[id.into()])?)?.into_iter().next())
    }

    /// The incidents that run in a channel, oldest first: usually one, several when incidents
    /// were started in it with `--here` (see incident_core::channel_incidents).
    pub fn incidents_by_channel(&self, channel_id: &str) -> Result<Vec<Versioned<Incident>>> {
        let sql = format!(
            "SELECT {} FROM incidents WHERE channel_id = ? AND state != 'starting' ORDER BY created_at, number",
            Self::INCIDENT_COLUMNS
        );
        incidents_from(&self.db.query(&sql, &[channel_id.into()])?)
    }

    /// The first incident that ran in a channel: the one that created it, if any did.
    pub fn first_incident_in_channel(&self, channel_id: &str) -> Result<Option<Versioned<Incident>>> {
        let sql = format!(
            "SELECT {} FROM incidents WHERE channel_id = ? AND state != 'starting' ORDER BY created_at, number LIMIT 1",
            Self::INCIDENT_COLUMNS
        );
        Ok(incidents_from(&self.db.query(&sql, &[channel_id.into()])?)?.into_iter().next())
    }

    /// How many incidents run in a channel (ended ones included).
    pub fn incidents_in_channel(&self, channel_id: &str) -> Result<i64> {
        let rows = self
            .db
            .query("SELECT COUNT(*) AS n FROM incidents WHERE channel_id = ? AND state != 'starting'", &[channel_id.into()])?;
        Ok(rows.integer(0, "n")?)
    }

    /// The channel's active incidents, oldest first.
    pub fn active_incidents_by_channel(&self, channel_id: &str) -> Result<Vec<Versioned<Incident>>> {
        let sql = format!(
            "SELECT {} FROM incidents WHERE channel_id = ? AND state = 'active' ORDER BY created_at, number",
            Self::INCIDENT_COLUMNS
        );
        incidents_from(&self.db.query(&sql, &[channel_id.into()])?)
    }

    pub fn incident_by_number(&self, team_id: &str, number: u32) -> Result<Option<Versioned<Incident>>> {
        let sql =
            format!("SELECT {} FROM incidents WHERE team_id = ? AND number = ? AND state != 'starting'", Self::INCIDENT_COLUMNS);
        Ok(incidents_from(&self.db.query(&sql, &[team_id.into(), number.into()])?)?.into_iter().next())
    }

    // --- playbooks ------------------------------------------------------------------------

    /// Refuses a playbook document that would take the team past its caps; `replacing` is the
    /// id of the playbook it replaces, if any.
    fn check_team_playbooks(&self, team_id: &str, doc: &str, replacing: Option<&str>) -> Result<()> {
        let rows = self.db.query(
            "SELECT COUNT(*) AS n, COALESCE(SUM(length(doc)), 0) AS chars FROM playbooks WHERE team_id = ? AND id != ?",
            &[team_id.into(), replacing.unwrap_or_default().into()],
        )?;
        let (count, chars) = (rows.integer(0, "n")?, rows.integer(0, "chars")?);
        if count >= MAX_PLAYBOOKS_PER_TEAM {
            return Err(RepoError::Full(format!(
                "The team has {MAX_PLAYBOOKS_PER_TEAM} playbooks, the most a team may have; delete one first."
            )));
        }
        let own = i64::try_from(doc.chars().count()).unwrap_or(i64::MAX);
        if chars.saturating_add(own) > MAX_TEAM_PLAYBOOK_CHARS {
            return Err(RepoError::Full(format!(
                "The team's playbooks would pass {MAX_TEAM_PLAYBOOK_CHARS} characters in all, the most a team may keep; shorten or delete playbooks first."
            )));
        }
        Ok(())
    }

    pub fn insert_playbook(&self, playbook: &Playbook) -> Result<()> {
        let doc = to_json(playbook)?;
        self.check_team_playbooks(&playbook.team_id, &doc, None)?;
        self.db.execute(vec![Statement::new(
            "INSERT INTO playbooks (id, team_id, title, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                (&playbook.id).into(),
                (&playbook.team_id).into(),
                (&playbook.title).into(),
                doc.into(),
                playbook.created_at.into(),
                playbook.updated_at.into(),
            ],
        )])?;
        Ok(())
    }

    pub fn save_playbook(&self, playbook: &Playbook, revision: i64) -> Result<()> {
        let doc = to_json(playbook)?;
        self.check_team_playbooks(&playbook.team_id, &doc, Some(&playbook.id))?;
        self.db.execute(vec![
            Statement::new(
                "UPDATE playbooks SET title = ?, doc = ?, updated_at = ?, revision = revision + 1
                 WHERE id = ? AND revision = ?",
                vec![(&playbook.title).into(), doc.into(), playbook.updated_at.into(), (&playbook.id).into(), revision.into()],
            )
            .expect_changes(1),
        ])?;
        Ok(())
    }

    pub fn playbook(&self, id: &str) -> Result<Option<Versioned<Playbook>>> {
        let rows = self.db.query("SELECT doc, revision FROM playbooks WHERE id = ?", &[id.into()])?;
        Ok(playbooks_from(&rows)?.into_iter().next())
    }

    pub fn playbooks(&self, team_id: &str) -> Result<Vec<Playbook>> {
        let rows = self
            .db
            .query("SELECT doc, revision FROM playbooks WHERE team_id = ? ORDER BY lower(title), id", &[team_id.into()])?;
        Ok(playbooks_from(&rows)?.into_iter().map(|v| v.value).collect())
    }

    /// The team's playbooks that have keywords: read on every message posted in the team, so
    /// the documents without any are left in the database. `doc` is serde_json's compact form,
    /// where a non-empty list is written `"keywords":["`; inside a JSON string a quote is
    /// escaped, so user text cannot imitate it.
    pub fn playbooks_with_keywords(&self, team_id: &str) -> Result<Vec<Playbook>> {
        let rows = self.db.query(
            "SELECT doc, revision FROM playbooks WHERE team_id = ? AND doc LIKE '%\"keywords\":[\"%' ORDER BY lower(title), id",
            &[team_id.into()],
        )?;
        Ok(playbooks_from(&rows)?.into_iter().map(|v| v.value).collect())
    }

    /// The team's playbooks' ids and titles, without their documents.
    pub fn playbook_titles(&self, team_id: &str) -> Result<Vec<(String, String)>> {
        let rows = self.db().query("SELECT id, title FROM playbooks WHERE team_id = ? LIMIT 10000", &[team_id.into()])?;
        (0..rows.len()).map(|i| Ok((rows.text(i, "id")?, rows.text(i, "title")?))).collect()
    }

    /// Gives a team the default playbooks, once: a team that deleted them keeps them deleted.
    pub fn seed_team(&self, team_id: &str, playbooks: &[Playbook], now: i64) -> Result<bool> {
        let mut statements =
            vec![Statement::new("INSERT INTO seeded_teams (team_id, seeded_at) VALUES (?, ?)", vec![team_id.into(), now.into()])];
        for p in playbooks {
            statements.push(Statement::new(
                "INSERT INTO playbooks (id, team_id, title, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                vec![(&p.id).into(), (&p.team_id).into(), (&p.title).into(), to_json(p)?.into(), now.into(), now.into()],
            ));
        }
        match self.db.execute(statements) {
            Ok(_) => Ok(true),
            Err(StoreError::Constraint(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub fn is_seeded(&self, team_id: &str) -> Result<bool> {
        Ok(!self.db.query("SELECT 1 AS x FROM seeded_teams WHERE team_id = ?", &[team_id.into()])?.is_empty())
    }

    // --- followers --------------------------------------------------------------------------

    /// Answers false when the user already followed it.
    pub fn follow(&self, incident_id: &str, user_id: &str, now: i64) -> Result<bool> {
        let changed = self.db.execute(vec![Statement::new(
            "INSERT INTO followers (incident_id, user_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            vec![incident_id.into(), user_id.into(), now.into()],
        )])?;
        Ok(changed.first().copied().unwrap_or(0) > 0)
    }

    /// Answers false when the user did not follow it.
    pub fn unfollow(&self, incident_id: &str, user_id: &str) -> Result<bool> {
        let changed = self.db.execute(vec![Statement::new(
            "DELETE FROM followers WHERE incident_id = ? AND user_id = ?",
            vec![incident_id.into(), user_id.into()],
        )])?;
        Ok(changed.first().copied().unwrap_or(0) > 0)
    }

    /// One page of an incident's followers, in the order they followed.
    pub fn followers(&self, incident_id: &str, offset: usize, limit: usize) -> Result<Vec<String>> {
        let rows = self.db.query(
            "SELECT user_id FROM followers WHERE incident_id = ? ORDER BY since, user_id LIMIT ? OFFSET ?",
            &[
                incident_id.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ],
        )?;
        (0..rows.len()).map(|i| Ok(rows.text(i, "user_id")?)).collect()
    }

    /// The next `limit` followers after `after` (since, user id), for going through them all.
    pub fn followers_page(&self, incident_id: &str, after: Option<&(i64, String)>, limit: usize) -> Result<Vec<(i64, String)>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match after {
            None => self.db.query(
                "SELECT since, user_id FROM followers WHERE incident_id = ? ORDER BY since, user_id LIMIT ?",
                &[incident_id.into(), limit.into()],
            )?,
            Some((since, user)) => self.db.query(
                "SELECT since, user_id FROM followers WHERE incident_id = ? AND (since > ? OR (since = ? AND user_id > ?))
                 ORDER BY since, user_id LIMIT ?",
                &[incident_id.into(), (*since).into(), (*since).into(), user.as_str().into(), limit.into()],
            )?,
        };
        (0..rows.len()).map(|i| Ok((rows.integer(i, "since")?, rows.text(i, "user_id")?))).collect()
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        let rows = self.db.query("SELECT value FROM meta WHERE key = ?", &[key.into()])?;
        if rows.is_empty() { Ok(None) } else { Ok(Some(rows.text(0, "value")?)) }
    }

    /// Saves an edited report (`text_key`; empty text removes it) and moves its revision
    /// (`revision_key`) from `revision` to the next, in one transaction: a save from an older
    /// revision is a conflict.
    pub fn save_report_text(&self, text_key: &str, revision_key: &str, text: &str, revision: i64) -> Result<()> {
        let save_text = if text.is_empty() {
            Statement::new("DELETE FROM meta WHERE key = ?", vec![text_key.into()])
        } else {
            Statement::new(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                vec![text_key.into(), text.into()],
            )
        };
        self.db.execute(vec![
            Statement::new(
                "INSERT INTO meta (key, value) VALUES (?, '0') ON CONFLICT (key) DO NOTHING",
                vec![revision_key.into()],
            ),
            Statement::new(
                "UPDATE meta SET value = ? WHERE key = ? AND value = ?",
                vec![(revision + 1).to_string().into(), revision_key.into(), revision.to_string().into()],
            )
            .expect_changes(1),
            save_text,
        ])?;
        Ok(())
    }

    pub fn delete_meta(&self, key: &str) -> Result<()> {
        self.db.execute(vec![Statement::new("DELETE FROM meta WHERE key = ?", vec![key.into()])])?;
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.db.execute(vec![Statement::new(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![key.into(), value.into()],
        )])?;
        Ok(())
    }
}
