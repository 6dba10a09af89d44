//! Full-text search over a team's incidents, for similar past incidents (issue 18).
//!
//! Each incident's words (incident_core::similar::search_words: name, summary, playbook, field
//! values as the headline; notes, timeline posts and status updates as the body) are a row of
//! `incident_words`, written in the same batch as the incident itself (`Repo::activate_incident`
//! and `Repo::save_incident`), so the index never lags a save. The search differs per backend,
//! and so does migration 8, the only one that does:
//!
//! - SQLite: an FTS5 table over `incident_words` (external content, kept by triggers), ranked
//!   by `bm25` with the headline weighing three times the body;
//! - PostgreSQL: a stored `tsvector` column (headline weight A, body B, the `simple`
//!   configuration, like FTS5's `unicode61`: no stemming, so both backends find the same
//!   words) with a GIN index, ranked by `ts_rank`.
//!
//! Incidents stored before migration 8 have no row until [`Repo::fill_search_words`] writes
//! one (a batch per `RunScheduled`, and before a lookup).

use incident_core::Incident;
use incident_core::similar::search_words;
use mattermost_plugin_sdk::store::{Backend, Statement, Value};

use crate::store::db::Database;
use crate::store::incident_list::{Visible, budget_chunks, restrict};
use crate::store::repo::{MIGRATIONS, Repo, RepoError};

type Result<T> = std::result::Result<T, RepoError>;

/// Migration 8 on SQLite (its place in [`MIGRATIONS`]).
pub const SEARCH_INDEX_SQLITE: &str = "CREATE TABLE incident_words (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT NOT NULL UNIQUE REFERENCES incidents (id) ON DELETE CASCADE,
        headline TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE incident_words_fts USING fts5(
        headline, body, content = 'incident_words', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER incident_words_added AFTER INSERT ON incident_words BEGIN
        INSERT INTO incident_words_fts (rowid, headline, body) VALUES (new.seq, new.headline, new.body);
    END;
    CREATE TRIGGER incident_words_removed AFTER DELETE ON incident_words BEGIN
        INSERT INTO incident_words_fts (incident_words_fts, rowid, headline, body) VALUES ('delete', old.seq, old.headline, old.body);
    END;
    CREATE TRIGGER incident_words_changed AFTER UPDATE ON incident_words BEGIN
        INSERT INTO incident_words_fts (incident_words_fts, rowid, headline, body) VALUES ('delete', old.seq, old.headline, old.body);
        INSERT INTO incident_words_fts (rowid, headline, body) VALUES (new.seq, new.headline, new.body);
    END;";

/// Migration 8 on PostgreSQL: the same table, with its words as a `tsvector` PostgreSQL keeps.
pub const SEARCH_INDEX_POSTGRES: &str = "CREATE TABLE incident_words (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT NOT NULL UNIQUE REFERENCES incidents (id) ON DELETE CASCADE,
        headline TEXT NOT NULL,
        body TEXT NOT NULL,
        words tsvector GENERATED ALWAYS AS
            (setweight(to_tsvector('simple', headline), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED
    );
    CREATE INDEX incident_words_search ON incident_words USING GIN (words);";

/// Where in [`MIGRATIONS`] the one migration written per backend stands.
const SEARCH_INDEX_MIGRATION: usize = 7;

/// The migrations as `backend` runs them: [`MIGRATIONS`], with PostgreSQL's text of the one
/// migration that differs.
pub fn migrations_for(backend: Backend) -> Vec<&'static str> {
    let mut migrations = MIGRATIONS.to_vec();
    if backend == Backend::Postgres {
        migrations[SEARCH_INDEX_MIGRATION] = SEARCH_INDEX_POSTGRES;
    }
    migrations
}

/// The statement that writes an incident's words; it changes nothing (so the index is not
/// touched) when they are the same as stored, which is most saves (a checked item).
pub fn save_search_words(incident: &Incident) -> Statement {
    let words = search_words(incident);
    Statement::new(
        "INSERT INTO incident_words (incident_id, headline, body) VALUES (?, ?, ?)
         ON CONFLICT (incident_id) DO UPDATE SET headline = excluded.headline, body = excluded.body
         WHERE incident_words.headline <> excluded.headline OR incident_words.body <> excluded.body",
        vec![(&incident.id).into(), words.headline.into(), words.body.into()],
    )
}

/// Rows per [`Repo::fill_search_words`] call.
pub const SEARCH_WORDS_BATCH: i64 = 200;

/// The follow-up actions of an incident: all, and those still open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionCounts {
    pub all: usize,
    pub open: usize,
}

impl<D: Database> Repo<'_, D> {
    /// Up to `limit` incidents of `team_id` whose words best match `terms` (see
    /// incident_core::similar::query_terms: letters and digits only), best first, `except_id`
    /// left out, only those `visible`. Empty when there are no terms.
    pub fn similar_incidents(
        &self,
        team_id: &str,
        except_id: &str,
        terms: &[String],
        visible: &Visible,
        limit: usize,
    ) -> Result<Vec<Incident>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut clause = String::from("i.team_id = ? AND i.state != 'starting' AND i.id != ?");
        let mut params: Vec<Value> = vec![team_id.into(), except_id.into()];
        if !restrict(visible, &mut clause, &mut params) {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let (sql, params) = match self.db().backend() {
            Backend::Sqlite => {
                let query = terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" OR ");
                let sql = format!(
                    "SELECT i.id FROM incident_words_fts f
                     JOIN incident_words w ON w.seq = f.rowid JOIN incidents i ON i.id = w.incident_id
                     WHERE incident_words_fts MATCH ? AND {clause}
                     ORDER BY bm25(incident_words_fts, 3.0, 1.0), i.created_at DESC LIMIT ?"
                );
                let mut all: Vec<Value> = vec![query.into()];
                all.extend(params);
                all.push(limit.into());
                (sql, all)
            }
            Backend::Postgres => {
                let query = terms.join(" | ");
                let sql = format!(
                    "SELECT i.id FROM incident_words w JOIN incidents i ON i.id = w.incident_id
                     WHERE w.words @@ to_tsquery('simple', ?) AND {clause}
                     ORDER BY ts_rank(w.words, to_tsquery('simple', ?)) DESC, i.created_at DESC LIMIT ?"
                );
                let mut all: Vec<Value> = vec![query.clone().into()];
                all.extend(params);
                all.push(query.into());
                all.push(limit.into());
                (sql, all)
            }
        };
        // Only ids are ranked: a sort carries its rows' columns, and every matching row's
        // document would be read. The few documents shown are read after, a budget at a time.
        let ranked = self.db().query(&sql, &params)?;
        let ids: Vec<String> = (0..ranked.len()).map(|r| ranked.text(r, "id")).collect::<std::result::Result<_, _>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sized = self.db().query(
            &format!("SELECT id, length(doc) AS chars FROM incidents WHERE id IN ({})", vec!["?"; ids.len()].join(", ")),
            &ids.iter().map(|id| Value::from(id.as_str())).collect::<Vec<_>>(),
        )?;
        let mut chars = std::collections::HashMap::new();
        for r in 0..sized.len() {
            chars.insert(sized.text(r, "id")?, sized.integer(r, "chars")?);
        }
        let ranked: Vec<(String, i64)> = ids.into_iter().filter_map(|id| chars.get(&id).copied().map(|c| (id, c))).collect();
        let mut found = Vec::with_capacity(ranked.len());
        for chunk in budget_chunks(&ranked) {
            found.extend(self.incidents_by_ids(chunk)?);
        }
        Ok(found)
    }

    /// How many follow-up actions each of `incident_ids` has, and how many are still open.
    pub fn action_counts(&self, incident_ids: &[&str]) -> Result<Vec<ActionCounts>> {
        let mut counts = vec![ActionCounts::default(); incident_ids.len()];
        if incident_ids.is_empty() {
            return Ok(counts);
        }
        let sql = format!(
            "SELECT incident_id, state, COUNT(*) AS n FROM follow_up_actions WHERE incident_id IN ({}) GROUP BY incident_id, state",
            vec!["?"; incident_ids.len()].join(", ")
        );
        let params: Vec<Value> = incident_ids.iter().map(|id| Value::from(*id)).collect();
        let rows = self.db().query(&sql, &params)?;
        for r in 0..rows.len() {
            let id = rows.text(r, "incident_id")?;
            let n = usize::try_from(rows.integer(r, "n")?).unwrap_or(0);
            if let Some(at) = incident_ids.iter().position(|i| *i == id) {
                counts[at].all += n;
                if rows.text(r, "state")? == "open" {
                    counts[at].open += n;
                }
            }
        }
        Ok(counts)
    }

    /// Writes the words of up to [`SEARCH_WORDS_BATCH`] incidents stored before migration 8
    /// (of `team_id`, or of any team); answers how many. A save meanwhile wrote its own row,
    /// which this leaves alone.
    pub fn fill_search_words(&self, team_id: Option<&str>) -> Result<usize> {
        let mut sql = String::from(
            "SELECT i.id, length(i.doc) AS chars FROM incidents i WHERE i.state != 'starting'
             AND NOT EXISTS (SELECT 1 FROM incident_words w WHERE w.incident_id = i.id)",
        );
        let mut params: Vec<Value> = Vec::new();
        if let Some(team) = team_id {
            sql.push_str(" AND i.team_id = ?");
            params.push(team.into());
        }
        sql.push_str(" LIMIT ?");
        params.push(SEARCH_WORDS_BATCH.into());
        let sized = self.db().query(&sql, &params)?;
        let mut ids = Vec::with_capacity(sized.len());
        for i in 0..sized.len() {
            ids.push((sized.text(i, "id")?, sized.integer(i, "chars")?));
        }
        // One memory budget of documents per call: a one-off backfill has time.
        let first = budget_chunks(&ids).into_iter().next().unwrap_or(&[]);
        let statements: Vec<Statement> = self
            .incidents_by_ids(first)?
            .iter()
            .map(|incident| {
                let words = search_words(incident);
                Statement::new(
                    "INSERT INTO incident_words (incident_id, headline, body) VALUES (?, ?, ?) ON CONFLICT (incident_id) DO NOTHING",
                    vec![(&incident.id).into(), words.headline.into(), words.body.into()],
                )
            })
            .collect();
        let filled = statements.len();
        if filled > 0 {
            self.db().execute(statements)?;
        }
        Ok(filled)
    }
}
