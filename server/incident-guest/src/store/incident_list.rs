//! Listing incidents a page at a time, in SQL, so that a team with thousands of incidents pays
//! for one page, not for all of them.
//!
//! Two columns (migration 5) make the filters expressible in SQL: `search_text`, the
//! lower-cased name, summary and reference the text filter searches, and `private`, whether the
//! incident's channel is private (then only its members and admins see it). Rows stored before
//! migration 5 have both NULL until [`Repo::backfill_list_columns`] fills them in; meanwhile
//! their name stands in for the text, and they are treated as private (checked one by one).

use incident_core::{Incident, IncidentFilter};
use mattermost_plugin_sdk::store::{Statement, Value};

use crate::store::db::Database;
use crate::store::repo::{Repo, RepoError, incidents_from, search_text, state_text};

type Result<T> = std::result::Result<T, RepoError>;

/// Which incidents of a filter a person may see.
pub enum Visible {
    /// Admins: every one.
    All,
    /// Team members: the public ones and these.
    PublicAnd(Vec<String>),
    /// Guests: only these (the ones whose channel they were added to).
    Only(Vec<String>),
}

/// `clause` narrowed to what `visible` allows; `false` when that is nothing at all.
pub(crate) fn restrict(visible: &Visible, clause: &mut String, params: &mut Vec<Value>) -> bool {
    let (public, ids) = match visible {
        Visible::All => return true,
        Visible::PublicAnd(ids) => (true, ids),
        Visible::Only(ids) => (false, ids),
    };
    let mut alternatives = Vec::new();
    if public {
        alternatives.push("private = 0".to_owned());
    }
    if !ids.is_empty() {
        alternatives.push(format!("id IN ({})", vec!["?"; ids.len()].join(", ")));
        params.extend(ids.iter().map(Value::from));
    }
    if alternatives.is_empty() {
        return false;
    }
    clause.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
    true
}

/// An incident whose visibility needs a membership check: private, or not yet known.
pub struct Unchecked {
    pub id: String,
    pub channel_id: String,
}

/// The WHERE clause of the filter, shared by the page, its count and the private candidates.
pub(crate) fn filter_sql(filter: &IncidentFilter) -> (String, Vec<Value>) {
    let mut sql = String::from("state != 'starting'");
    let mut params: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: Value| {
        sql.push_str(clause);
        params.push(value);
    };
    if let Some(team) = &filter.team_id {
        add(" AND team_id = ?", team.into());
    }
    if let Some(state) = &filter.state {
        add(" AND state = ?", state_text(state).into());
    }
    if let Some(commander) = &filter.commander_id {
        add(" AND commander_id = ?", commander.into());
    }
    if let Some(after) = filter.created_after {
        add(" AND created_at >= ?", after.into());
    }
    if let Some(before) = filter.created_before {
        add(" AND created_at < ?", before.into());
    }
    if let Some(playbook) = &filter.playbook_id {
        add(" AND playbook_id = ?", playbook.into());
    }
    // Rows whose facets are not filled in yet match none of these: a listing that uses them
    // fills them first (`Repo::fill_facets`).
    for line in filter.facet_lines() {
        add(" AND facets LIKE ? ESCAPE '\\'", format!("%{}%", like_escape(&line)).into());
    }
    let needle = filter.text.as_deref().map(|t| t.trim().to_lowercase()).unwrap_or_default();
    if !needle.is_empty() {
        let pattern = format!("%{}%", like_escape(&needle));
        sql.push_str(" AND (search_text LIKE ? ESCAPE '\\' OR (search_text IS NULL AND lower(name) LIKE ? ESCAPE '\\'))");
        params.push(pattern.clone().into());
        params.push(pattern.into());
    }
    (sql, params)
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// How much document text (in bytes, counting each character as 4, UTF-8's most) one read of
/// whole incident documents may bring into the guest's memory (128 MiB, where rows are copied
/// then parsed): bulk readers go a budget at a time.
pub const DOC_BUDGET_BYTES: i64 = 16 * 1024 * 1024;
/// Documents per read at most, whatever their size.
const DOCS_PER_READ: usize = 50;

/// `ids` (with their documents' length in characters) cut into reads within the budget; a
/// document larger than the budget is read alone.
pub(crate) fn budget_chunks(ids: &[(String, i64)]) -> Vec<&[(String, i64)]> {
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, 0i64);
    for (n, (_, chars)) in ids.iter().enumerate() {
        let size = chars.saturating_mul(4);
        if n > start && (bytes.saturating_add(size) > DOC_BUDGET_BYTES || n - start >= DOCS_PER_READ) {
            chunks.push(&ids[start..n]);
            (start, bytes) = (n, 0);
        }
        bytes = bytes.saturating_add(size);
    }
    if start < ids.len() {
        chunks.push(&ids[start..]);
    }
    chunks
}

/// An incident as a list shows it: everything but its history (the timeline, status updates
/// but the latest, checklist items' descriptions and change history), which `GET
/// /incidents/{id}` has. A list card is small whatever the incident's size.
pub fn list_card(mut incident: Incident) -> Incident {
    incident.timeline = Vec::new();
    let latest = incident.updates.pop();
    incident.updates = latest.into_iter().collect();
    for section in &mut incident.checklists {
        for item in &mut section.items {
            item.description = String::new();
            item.history = Vec::new();
        }
    }
    incident
}

/// Rows whose `facets` one [`Repo::fill_facets`] call fills at most.
pub const FACETS_BATCH: i64 = 200;

/// Rows per backfill step: small enough for one hook's time.
const BACKFILL_BATCH: i64 = 200;

impl<D: Database> Repo<'_, D> {
    /// Incidents matching `filter` whose visibility the caller must decide: those private or
    /// not known to be public, or with `public_too` (for guests) all of them.
    pub fn unchecked_incidents(&self, filter: &IncidentFilter, public_too: bool) -> Result<Vec<Unchecked>> {
        let (clause, params) = filter_sql(filter);
        let privacy = if public_too { "" } else { " AND (private IS NULL OR private != 0)" };
        let sql = format!("SELECT id, channel_id FROM incidents WHERE {clause}{privacy} LIMIT 10000");
        let rows = self.db().query(&sql, &params)?;
        (0..rows.len()).map(|i| Ok(Unchecked { id: rows.text(i, "id")?, channel_id: rows.text(i, "channel_id")? })).collect()
    }

    /// Every incident (up to `max_rows`, newest first) matching `filter` that is `visible`,
    /// handed to `visit` one at a time: documents are read a memory budget at a time
    /// ([`DOC_BUDGET_BYTES`]) and dropped after their visit, so a team's worth of large
    /// incidents never sits in the guest's memory at once. The domain's own
    /// [`IncidentFilter::matches`] has the last word on text matches.
    pub fn visit_incidents(
        &self,
        filter: &IncidentFilter,
        visible: &Visible,
        max_rows: usize,
        mut visit: impl FnMut(Incident) -> Result<()>,
    ) -> Result<()> {
        let (mut clause, mut params) = filter_sql(filter);
        if !restrict(visible, &mut clause, &mut params) {
            return Ok(());
        }
        params.push(i64::try_from(max_rows).unwrap_or(i64::MAX).into());
        let sql = format!(
            "SELECT id, length(doc) AS chars FROM incidents WHERE {clause} ORDER BY created_at DESC, number DESC, id LIMIT ?"
        );
        let sized = self.db().query(&sql, &params)?;
        let mut ids = Vec::with_capacity(sized.len());
        for i in 0..sized.len() {
            ids.push((sized.text(i, "id")?, sized.integer(i, "chars")?));
        }
        for chunk in budget_chunks(&ids) {
            for incident in self.incidents_by_ids(chunk)? {
                if filter.matches(&incident) {
                    visit(incident)?;
                }
            }
        }
        Ok(())
    }

    /// The incidents with these ids, in this order (rows gone meanwhile are left out).
    pub(crate) fn incidents_by_ids(&self, ids: &[(String, i64)]) -> Result<Vec<Incident>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT doc, number, revision FROM incidents WHERE id IN ({})", vec!["?"; ids.len()].join(", "));
        let params: Vec<Value> = ids.iter().map(|(id, _)| Value::from(id.as_str())).collect();
        let mut found: Vec<Incident> = incidents_from(&self.db().query(&sql, &params)?)?.into_iter().map(|v| v.value).collect();
        found.sort_by_key(|i| ids.iter().position(|(id, _)| *id == i.id));
        Ok(found)
    }

    /// One page, newest first, of the incidents matching `filter` that are `visible`. Returns
    /// the page and how many match in all. The page's documents are read a memory budget at
    /// a time and each is shown as its list card ([`list_card`]).
    pub fn incident_page(
        &self,
        filter: &IncidentFilter,
        visible: &Visible,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Incident>, usize)> {
        let (mut clause, mut params) = filter_sql(filter);
        if !restrict(visible, &mut clause, &mut params) {
            return Ok((Vec::new(), 0));
        }
        let counted = self.db().query(&format!("SELECT COUNT(*) AS n FROM incidents WHERE {clause}"), &params)?;
        let total = usize::try_from(counted.integer(0, "n")?).unwrap_or(0);
        let mut page_params = params;
        page_params.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        page_params.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
        let sql = format!(
            "SELECT id, length(doc) AS chars FROM incidents WHERE {clause} ORDER BY created_at DESC, number DESC LIMIT ? OFFSET ?"
        );
        let sized = self.db().query(&sql, &page_params)?;
        let mut ids = Vec::with_capacity(sized.len());
        for i in 0..sized.len() {
            ids.push((sized.text(i, "id")?, sized.integer(i, "chars")?));
        }
        let mut page = Vec::with_capacity(ids.len());
        for chunk in budget_chunks(&ids) {
            page.extend(self.incidents_by_ids(chunk)?.into_iter().map(list_card));
        }
        Ok((page, total))
    }

    /// Fills `facets` (migration 7) of up to [`FACETS_BATCH`] incidents stored before it existed,
    /// of `team_id` or of any team; answers how many it filled. A row saved meanwhile (its
    /// revision moved) is left alone: the save wrote its facets.
    pub fn fill_facets(&self, team_id: Option<&str>) -> Result<usize> {
        let mut sql = String::from("SELECT id, length(doc) AS chars FROM incidents WHERE state != 'starting' AND facets IS NULL");
        let mut params: Vec<Value> = Vec::new();
        if let Some(team) = team_id {
            sql.push_str(" AND team_id = ?");
            params.push(team.into());
        }
        sql.push_str(" LIMIT ?");
        params.push(FACETS_BATCH.into());
        let sized = self.db().query(&sql, &params)?;
        let mut ids = Vec::with_capacity(sized.len());
        for i in 0..sized.len() {
            ids.push((sized.text(i, "id")?, sized.integer(i, "chars")?));
        }
        let mut filled = 0;
        for chunk in budget_chunks(&ids) {
            let sql = format!("SELECT doc, number, revision FROM incidents WHERE id IN ({})", vec!["?"; chunk.len()].join(", "));
            let params: Vec<Value> = chunk.iter().map(|(id, _)| Value::from(id.as_str())).collect();
            let statements: Vec<Statement> = incidents_from(&self.db().query(&sql, &params)?)?
                .into_iter()
                .map(|v| {
                    Statement::new(
                        "UPDATE incidents SET facets = ? WHERE id = ? AND revision = ? AND facets IS NULL",
                        vec![incident_core::filter::facets(&v.value).into(), (&v.value.id).into(), v.revision.into()],
                    )
                })
                .collect();
            filled += statements.len();
            if !statements.is_empty() {
                self.db().execute(statements)?;
            }
        }
        Ok(filled)
    }

    /// Fills `search_text` and `private` of up to one batch of incidents stored before they
    /// existed; `is_private` looks the channel up. Returns how many rows it filled.
    pub fn backfill_list_columns(&self, is_private: impl Fn(&str) -> Option<bool>) -> Result<usize> {
        let sized = self.db().query(
            "SELECT id, length(doc) AS chars FROM incidents WHERE state != 'starting' AND (search_text IS NULL OR private IS NULL) LIMIT ?",
            &[BACKFILL_BATCH.into()],
        )?;
        let mut ids = Vec::with_capacity(sized.len());
        for i in 0..sized.len() {
            ids.push((sized.text(i, "id")?, sized.integer(i, "chars")?));
        }
        // One budget of documents per tick is plenty for a one-off backfill.
        let first = budget_chunks(&ids).into_iter().next().unwrap_or(&[]);
        let mut statements = Vec::new();
        for incident in self.incidents_by_ids(first)? {
            // A channel that cannot be looked up counts as private: shown to admins only.
            let private = i64::from(is_private(&incident.channel_id).unwrap_or(true));
            statements.push(Statement::new(
                "UPDATE incidents SET search_text = ?, private = ? WHERE id = ?",
                vec![search_text(&incident).into(), private.into(), (&incident.id).into()],
            ));
        }
        let filled = statements.len();
        if filled > 0 {
            self.db().execute(statements)?;
        }
        Ok(filled)
    }
}
