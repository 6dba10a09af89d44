//! Playbook items whose slash command runs when the incident starts (Playbooks' task actions,
//! without a licence): each runs once, in the new incident channel, as the person who started
//! the incident, so it can do no more than they could by typing it. A success is recorded on
//! the item and the timeline as any run is; a failure is told to the starter and changes
//! nothing, and never undoes the start.

use incident_core::{Incident, ItemRef, Playbook, render};
use mattermost_plugin_sdk::model::Post;

use crate::command::TRIGGER;
use crate::mattermost::Mattermost;
use crate::service::Service;
use crate::store::db::Database;

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Runs the start commands of `playbook`'s items that apply to `incident`, in order; the
    /// incident as it is afterwards.
    pub(crate) fn run_start_commands(&mut self, user_id: &str, incident: Incident, playbook: Option<&Playbook>) -> Incident {
        let Some(playbook) = playbook else { return incident };
        // The incident's items are the playbook's, in the same order (copied at the start).
        let to_run: Vec<(usize, String, String)> = playbook
            .checklists
            .iter()
            .flat_map(|s| &s.items)
            .zip(incident.items())
            .filter(|(template, (_, _, item))| template.run_at_start && incident.item_applies(item))
            .filter_map(|(_, (number, _, item))| Some((number, item.id.clone(), item.command.clone()?)))
            .collect();
        let mut incident = incident;
        for (number, item_id, command) in to_run {
            let failure = if is_own_command(&command) {
                Some(format!("/{TRIGGER} commands do not run at the start (an incident could start incidents)."))
            } else {
                self.mm.run_slash_command(user_id, &incident.channel_id, &incident.team_id, &command).err()
            };
            match failure {
                None => {
                    let actor = user_id.to_owned();
                    let item = ItemRef::Id(item_id);
                    match self.change(user_id, &incident.id, |i, _, now| i.record_command_run(&actor, item.clone(), now)) {
                        Ok((updated, _)) => incident = updated,
                        Err(e) => self.tell(
                            user_id,
                            &incident.channel_id,
                            format!("Item {number}'s start command ran, but could not be recorded: {e}"),
                        ),
                    }
                }
                Some(reason) => self.tell(
                    user_id,
                    &incident.channel_id,
                    format!("Item {number}'s start command `{}` did not run: {}", render::safe(&command), render::safe(&reason)),
                ),
            }
        }
        incident
    }

    fn tell(&self, user_id: &str, channel_id: &str, message: String) {
        let post = Post { channel_id: channel_id.to_owned(), user_id: self.bot_id.clone(), message, ..Post::default() };
        self.mm.ephemeral(user_id, &post);
    }
}

/// `/incident …` (any case): ours, which must not run from a start.
fn is_own_command(command: &str) -> bool {
    let trigger = command.trim_start().trim_start_matches('/').split_whitespace().next().unwrap_or("");
    trigger.eq_ignore_ascii_case(TRIGGER)
}

#[cfg(test)]
mod tests {
    #[test]
    fn our_own_trigger_is_recognised_in_any_case() {
        assert!(super::is_own_command("/incident start x"));
        assert!(super::is_own_command(" /Incident"));
        assert!(!super::is_own_command("/incidents"));
        assert!(!super::is_own_command("/echo /incident"));
    }
}
