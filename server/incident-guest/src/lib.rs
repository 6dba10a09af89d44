//! Incident Response's plugin logic. Built for `wasm32-wasip2` and run by the host's wasmtime;
//! also compiles natively so its logic is unit-tested without wasm, against the same SQL.
//!
//! Module map; dependencies point down only (`api`/`command` → `service` → `store`, `mattermost`):
//! - `lib.rs`: the plugin's hooks, the composition root; calls into every layer, none calls it.
//! - `api/`: the REST routes (`router`), request reading, input limits; HTTP status mapping.
//! - `command/`: the `/incident` slash command, parsed into service calls and ephemeral replies.
//! - `service/`: `Service` and its rules (who may do what), one file per area; dialogs, webhooks.
//! - `store/`: the `Database` interface, migrations and the SQL (the webhook queue's is in service).
//! - `mattermost.rs`: the Mattermost interface the service needs, and its SDK implementation.
//! - `manifest.rs`, `ids_and_clock.rs`: leaves (plugin id and version; random ids, the clock).
//! - `tests/`: native scenarios over a fake Mattermost; may use every layer, none uses it.

mod api;
mod command;
mod ids_and_clock;
mod manifest;
mod mattermost;
mod service;
mod store;

#[cfg(test)]
mod tests;

use mattermost_plugin_sdk::model::{AppError, Bot, CommandArgs, CommandResponse, Context};
use mattermost_plugin_sdk::{Api, Hook, HttpRequest, HttpResponse, LogLevel, Plugin, Store};

pub use crate::manifest::{PLUGIN_ID, VERSION};
use crate::mattermost::ServerApi;
use crate::service::{BOT_ID_KEY, with_service};
use crate::store::repo::Repo;

const BOT_ICON_KEY: &str = "bot_icon_version";
/// Bump when assets/bot-icon.png changes.
const BOT_ICON_VERSION: &str = "1";
const BOT_ICON: &[u8] = include_bytes!("../../../assets/bot-icon.png");

#[derive(Default)]
pub struct IncidentResponse;

impl Plugin for IncidentResponse {
    const HOOKS: &'static [Hook] = &[
        Hook::OnActivate,
        Hook::OnConfigurationChange,
        Hook::ExecuteCommand,
        Hook::ServeHttp,
        Hook::RunScheduled,
        Hook::MessageHasBeenPosted,
        Hook::MessageHasBeenUpdated,
        Hook::MessageHasBeenDeleted,
        Hook::ReactionHasBeenAdded,
        Hook::UserHasJoinedChannel,
    ];

    fn on_activate(&self, api: &Api) -> Result<(), String> {
        let repo = Repo::new(&Store);
        repo.migrate().map_err(|e| format!("cannot prepare the database: {e}"))?;
        let bot = Bot {
            username: "incident".into(),
            display_name: "Incident Response".into(),
            description: "Posts incident updates on behalf of Incident Response.".into(),
            ..Bot::default()
        };
        let bot_id = api.ensure_bot_user(&bot).map_err(|e| format!("cannot create the bot account: {e}"))?;
        repo.set_meta(BOT_ID_KEY, &bot_id).map_err(|e| format!("cannot save the bot id: {e}"))?;
        // The picture is set once per icon version, not on every activation.
        if repo.meta(BOT_ICON_KEY).ok().flatten().as_deref() != Some(BOT_ICON_VERSION) {
            match api.set_profile_image(&bot_id, BOT_ICON) {
                Ok(()) => {
                    let _ = repo.set_meta(BOT_ICON_KEY, BOT_ICON_VERSION);
                }
                Err(e) => api.log(LogLevel::Warn, "cannot set the bot's picture", &[("error", &e.to_string())]),
            }
        }
        api.register_command(&command::registration()).map_err(|e| format!("cannot register /{}: {e}", command::TRIGGER))?;
        api.log(LogLevel::Info, "Incident Response activated", &[("version", VERSION)]);
        Ok(())
    }

    /// Checks the shared-channel settings an admin just saved. A bad one is logged and ignored
    /// (the checks run again before every post); saving never fails because of it.
    fn on_configuration_change(&self, api: &Api) -> Result<(), String> {
        for problem in service::shared_channels::setting_problems(&ServerApi(*api)) {
            api.log(LogLevel::Error, "Incident Response settings: a shared channel is ignored", &[("problem", &problem)]);
        }
        Ok(())
    }

    fn execute_command(&self, api: &Api, _ctx: &Context, args: &CommandArgs) -> Result<CommandResponse, AppError> {
        let mm = ServerApi(*api);
        let at = command::Invocation {
            user_id: &args.user_id,
            team_id: &args.team_id,
            channel_id: &args.channel_id,
            trigger_id: &args.trigger_id,
        };
        let outcome = with_service(&mm, &Store, |s| command::execute(s, &at, &args.command));
        Ok(match outcome {
            command::Outcome::Reply(r) => *r,
            command::Outcome::OpenStartDialog => match with_service(&mm, &Store, |s| {
                service::dialog::open_start(
                    s,
                    &service::dialog::StartForm {
                        user_id: &args.user_id,
                        team_id: &args.team_id,
                        trigger_id: &args.trigger_id,
                        summary: String::new(),
                        playbook_id: String::new(),
                    },
                )
            }) {
                Ok(()) => CommandResponse::default(),
                Err(e) => CommandResponse::ephemeral(format!("Cannot open the form: {e}")),
            },
        })
    }

    fn serve_http(&self, api: &Api, _ctx: &Context, request: &HttpRequest) -> HttpResponse {
        api::route(&ServerApi(*api), &Store, request)
    }

    fn message_has_been_posted(&self, api: &Api, _ctx: &Context, post: &mattermost_plugin_sdk::model::Post) {
        // Called for every post on the server: one service; an incident channel's message is
        // kept, any other may get a keyword offer.
        // Mattermost's message for a converted, archived or moved channel updates who may see
        // its incident (privacy.rs).
        with_service(&ServerApi(*api), &Store, |s| {
            if let Err(e) = s.follow_channel_change(post) {
                api.log(LogLevel::Warn, "following a channel's privacy failed", &[("error", &e.to_string())]);
            }
            match s.capture_post(post) {
                Ok(true) => {}
                Ok(false) => {
                    if let Err(e) = s.offer_from_keywords(post) {
                        api.log(LogLevel::Warn, "keyword suggestion failed", &[("error", &e.to_string())]);
                    }
                }
                Err(e) => api.log(LogLevel::Warn, "transcript capture failed", &[("error", &e.to_string())]),
            }
        });
    }

    fn message_has_been_deleted(&self, api: &Api, _ctx: &Context, post: &mattermost_plugin_sdk::model::Post) {
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.capture_delete(post)) {
            api.log(LogLevel::Warn, "transcript delete capture failed", &[("error", &e.to_string())]);
        }
    }

    fn message_has_been_updated(
        &self,
        api: &Api,
        _ctx: &Context,
        new_post: &mattermost_plugin_sdk::model::Post,
        _old: &mattermost_plugin_sdk::model::Post,
    ) {
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.capture_edit(new_post)) {
            api.log(LogLevel::Warn, "transcript edit capture failed", &[("error", &e.to_string())]);
        }
    }

    fn reaction_has_been_added(&self, api: &Api, _ctx: &Context, reaction: &mattermost_plugin_sdk::model::Reaction) {
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.offer_from_reaction(reaction)) {
            api.log(LogLevel::Warn, "declare-by-reaction failed", &[("error", &e.to_string())]);
        }
    }

    /// A playbook's welcome message for whoever joins an incident channel (service/welcome.rs).
    fn user_has_joined_channel(
        &self,
        api: &Api,
        _ctx: &Context,
        member: &mattermost_plugin_sdk::model::ChannelMember,
        _actor: Option<&mattermost_plugin_sdk::model::User>,
    ) {
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.welcome(&member.channel_id, &member.user_id)) {
            api.log(LogLevel::Warn, "welcoming a channel member failed", &[("error", &e.to_string())]);
        }
    }

    fn run_scheduled(&self, api: &Api) {
        // The webhook deliveries' budget counts from here: the host stops the whole run at its
        // deadline, so they go last and stop in time for their outcomes to be written.
        let run_started = std::time::Instant::now();
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.send_due_reminders()) {
            api.log(LogLevel::Error, "reminders failed", &[("error", &e.to_string())]);
        }
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.apply_message_retention()) {
            api.log(LogLevel::Error, "applying message retention to transcripts failed", &[("error", &e.to_string())]);
        }
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.recheck_privacy()) {
            api.log(LogLevel::Error, "re-checking incident channels' privacy failed", &[("error", &e.to_string())]);
        }
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.backfill_list_columns()) {
            api.log(LogLevel::Error, "filling in the incident list columns failed", &[("error", &e.to_string())]);
        }
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.fill_facets()) {
            api.log(LogLevel::Error, "filling in the incident filter columns failed", &[("error", &e.to_string())]);
        }
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.repo.fill_search_words(None)) {
            api.log(LogLevel::Error, "indexing incidents for similar incidents failed", &[("error", &e.to_string())]);
        }
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.retry_failed_resolves()) {
            api.log(LogLevel::Error, "retrying failed page resolves failed", &[("error", &e.to_string())]);
        }
        let budget = service::webhooks::DeliveryBudget::for_timer_run(run_started);
        if let Err(e) = with_service(&ServerApi(*api), &Store, |s| s.deliver_webhooks(budget)) {
            api.log(LogLevel::Error, "webhook deliveries failed", &[("error", &e.to_string())]);
        }
    }
}

#[cfg(target_family = "wasm")]
mattermost_plugin_sdk::export_plugin!(IncidentResponse);
