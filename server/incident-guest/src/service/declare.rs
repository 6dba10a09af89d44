//! Declaring from chat: a configured emoji reaction on a message, or a playbook keyword in a
//! message, offers (to that one person, ephemerally) to start an incident from it. The offer's
//! button opens the start form with the message as the summary; "Not an incident" stops the
//! keyword offers in that thread.

use incident_core::playbook::keyword_match;
use incident_core::render;
use mattermost_plugin_sdk::model::{Post, Props, Reaction};
use serde_json::json;

use crate::manifest::PLUGIN_ID;
use crate::mattermost::Mattermost;
use crate::service::dialog::{self, StartForm};
use crate::service::{Result, Service, ServiceError};
use crate::store::db::Database;

/// Offers are small: the message is quoted up to this many characters.
const QUOTE_CHARS: usize = 300;

/// After a keyword offer, the same person gets no other in the same channel for this long.
pub const OFFER_PAUSE_SECONDS: i64 = 10 * 60;

fn ignored_key(thread_id: &str) -> String {
    format!("ignore-thread:{thread_id}")
}

fn button(name: &str, action: &str, context: serde_json::Value) -> serde_json::Value {
    json!({
        "id": action,
        "name": name,
        "type": "button",
        "integration": { "url": format!("/plugins/{PLUGIN_ID}/api/v0/actions/{action}"), "context": context },
    })
}

impl<M: Mattermost, D: Database> Service<'_, M, D> {
    /// Posts by people (not bots, webhooks or the system) in a team channel that is not an
    /// incident channel, in a thread nobody said to ignore.
    fn may_offer(&self, post: &Post) -> Result<bool> {
        let by_machine = |key: &str| post.props.0.get(key).is_some_and(|v| v == "true" || v == true);
        if post.user_id.is_empty()
            || post.user_id == self.bot_id
            || !post.post_type.is_empty()
            || by_machine("from_bot")
            || by_machine("from_webhook")
        {
            return Ok(false);
        }
        let thread = if post.root_id.is_empty() { &post.id } else { &post.root_id };
        Ok(!self.holds_incident(&post.channel_id)? && self.repo.meta(&ignored_key(thread))?.is_none())
    }

    /// A channel made for an incident, or one where an incident is active now (`--here`): no
    /// offers to start one there. An ordinary channel that once held a `--here` incident offers again.
    fn holds_incident(&self, channel_id: &str) -> Result<bool> {
        // A channel made for an incident holds it first.
        if self.repo.first_incident_in_channel(channel_id)?.is_some_and(|v| !v.value.existing_channel) {
            return Ok(true);
        }
        Ok(!self.repo.active_incidents_by_channel(channel_id)?.is_empty())
    }

    /// MessageHasBeenPosted: a playbook keyword offers that playbook.
    pub fn offer_from_keywords(&mut self, post: &Post) -> Result<bool> {
        if !self.may_offer(post)? {
            return Ok(false);
        }
        let Some(channel) = self.mm.channel(&post.channel_id).filter(|c| !c.team_id.is_empty()) else {
            return Ok(false);
        };
        let playbooks: Vec<_> = self
            .repo
            .playbooks_with_keywords(&channel.team_id)?
            .into_iter()
            .filter(|p| !p.keywords.is_empty() && p.archived_at.is_none() && p.may_use(&post.user_id))
            .collect();
        let Some((playbook, keyword)) = keyword_match(&playbooks, &post.message) else {
            return Ok(false);
        };
        // One offer per person and channel per OFFER_PAUSE_SECONDS, whatever the keywords: a
        // playbook whose keywords are in every message must not turn the team's chat into offers.
        // The pause lives in Mattermost's key-value store, which expires it (review #10).
        if !self.mm.claim_once(&format!("keyword-offer:{}:{}", post.user_id, post.channel_id), OFFER_PAUSE_SECONDS) {
            return Ok(false);
        }
        let thread = if post.root_id.is_empty() { post.id.clone() } else { post.root_id.clone() };
        // Title and keyword are the playbook editor's words shown to someone else: as code, so
        // no link or Markdown in them renders.
        let message = format!(
            "This sounds like an incident ({}). Start one with the {} playbook?",
            render::code_span(keyword),
            render::code_span(&playbook.title)
        );
        self.offer(
            post,
            message,
            vec![
                button("Start incident", "declare", json!({ "post_id": post.id, "playbook_id": playbook.id })),
                button("Not an incident", "ignore", json!({ "thread_id": thread })),
            ],
        );
        Ok(true)
    }

    /// ReactionHasBeenAdded: the declare emoji offers to start an incident from the message.
    pub fn offer_from_reaction(&mut self, reaction: &Reaction) -> Result<bool> {
        let emoji = self.mm.settings().declare_emoji;
        let emoji = emoji.trim().trim_matches(':');
        if emoji.is_empty() || reaction.emoji_name != emoji {
            return Ok(false);
        }
        let Some(post) = self.mm.post(&reaction.post_id) else {
            return Ok(false);
        };
        if !post.post_type.is_empty() || self.holds_incident(&post.channel_id)? {
            return Ok(false);
        }
        let offer_to = Post { user_id: reaction.user_id.clone(), ..post.clone() };
        self.offer(
            &offer_to,
            "Start an incident from this message?".into(),
            vec![button("Start incident", "declare", json!({ "post_id": post.id, "playbook_id": "" }))],
        );
        Ok(true)
    }

    /// The ephemeral offer to `post.user_id`, in the post's channel and thread, quoting it.
    fn offer(&self, post: &Post, message: String, actions: Vec<serde_json::Value>) {
        let quote: String = post.message.chars().take(QUOTE_CHARS).collect();
        let mut props = Props::default();
        props
            .0
            .insert("attachments".into(), json!([{ "text": format!("> {}", quote.replace('\n', "\n> ")), "actions": actions }]));
        let offer = Post {
            channel_id: post.channel_id.clone(),
            root_id: if post.root_id.is_empty() { post.id.clone() } else { post.root_id.clone() },
            user_id: self.bot_id.clone(),
            message,
            props,
            ..Post::default()
        };
        self.mm.ephemeral(&post.user_id, &offer);
    }

    /// The "Start incident" button: the start form, with the message and its link as summary.
    pub fn declare_from_post(&mut self, user_id: &str, trigger_id: &str, post_id: &str, playbook_id: &str) -> Result<String> {
        let not_found = || ServiceError::NotFound("That message is gone.".into());
        let post = self.mm.post(post_id).ok_or_else(not_found)?;
        if !self.mm.is_channel_member(&post.channel_id, user_id) {
            return Err(not_found());
        }
        let channel = self.mm.channel(&post.channel_id).ok_or_else(not_found)?;
        let author = self.mm.user(&post.user_id).map(|u| format!("@{}", u.username)).unwrap_or_default();
        let link = self.mm.permalink(&channel.team_id, &post.id);
        let summary = format!(
            "{}\n\n(From a message by {author}{})",
            post.message.trim(),
            if link.is_empty() { String::new() } else { format!(": {link}") }
        );
        let form = StartForm { user_id, team_id: &channel.team_id, trigger_id, summary, playbook_id: playbook_id.to_owned() };
        dialog::open_start(self, &form).map_err(ServiceError::Internal)?;
        Ok(String::new())
    }

    /// The "Not an incident" button: no more keyword offers in this thread.
    pub fn ignore_thread(&mut self, user_id: &str, thread_id: &str) -> Result<String> {
        if thread_id.trim().is_empty() {
            return Err(ServiceError::Invalid("No thread to ignore.".into()));
        }
        // Only someone who can read the thread silences it: the offers are theirs to decline,
        // not a way for anyone to switch them off in channels they do not see.
        let readable = self.mm.post(thread_id).is_some_and(|p| self.may_read_channel(&p.channel_id, user_id));
        if !readable {
            return Err(ServiceError::NotFound("That message is gone.".into()));
        }
        self.repo.set_meta(&ignored_key(thread_id), "1")?;
        Ok("Got it: no more incident suggestions in this thread.".into())
    }
}
