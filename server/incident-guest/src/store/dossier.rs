//! Writing an imported dossier (service/dossier.rs): the reserved incident row becomes the
//! ended, channel-less incident, with its follow-up actions, its transcript and its edited
//! report, in one transaction, so a failed import leaves nothing but the released reservation.

use incident_core::dossier::remap::ImportPlan;
use mattermost_plugin_sdk::store::Statement;

use crate::store::db::Database;
use crate::store::learning_review::insert_action_statement;
use crate::store::repo::{Repo, RepoError, incident_doc, search_text};

impl<D: Database> Repo<'_, D> {
    /// Fills the reservation made for `plan.incident` (state `starting`) with the import.
    /// `report_key` is where an edited report is kept (service/learning_review.rs).
    pub fn write_import(&self, plan: &ImportPlan, report_key: &str) -> Result<(), RepoError> {
        let i = &plan.incident;
        let mut batch = vec![
            Statement::new(
                "UPDATE incidents SET name = ?, state = 'ended', commander_id = ?, channel_id = '', playbook_id = NULL,
                     created_at = ?, ended_at = ?, doc = ?, search_text = ?, facets = ?, private = 1, revision = revision + 1
                 WHERE id = ? AND state = 'starting'",
                vec![
                    i.name.as_str().into(),
                    i.commander_id.as_str().into(),
                    i.created_at.into(),
                    i.ended_at.into(),
                    incident_doc(i)?.into(),
                    search_text(i).into(),
                    incident_core::filter::facets(i).into(),
                    i.id.as_str().into(),
                ],
            )
            .expect_changes(1),
        ];
        for a in &plan.actions {
            batch.push(insert_action_statement(a)?);
        }
        for m in &plan.messages {
            batch.push(Statement::new(
                "INSERT INTO channel_messages (post_id, incident_id, user_id, root_id, message, original_message, create_at, edit_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    m.id.as_str().into(),
                    i.id.as_str().into(),
                    m.user_id.as_str().into(),
                    m.root_id.as_str().into(),
                    m.message.as_str().into(),
                    m.message.as_str().into(),
                    m.create_at.into(),
                    m.edit_at.into(),
                ],
            ));
        }
        if let Some(report) = &plan.edited_report {
            batch.push(Statement::new(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                vec![report_key.into(), report.as_str().into()],
            ));
        }
        self.db().execute(batch)?;
        Ok(())
    }
}
