//! Write a Mattermost plugin's logic in Rust, compiled to a WebAssembly component.
//!
//! Implement [`Plugin`] (every hook has a default), list the hooks you implement in
//! [`Plugin::HOOKS`], and call [`export_plugin!`]. Each hook receives an [`Api`], the typed
//! Mattermost plugin API. Build with `cargo build --target wasm32-wasip2`.
//!
//! ```ignore
//! use mattermost_plugin_sdk::{export_plugin, Api, Hook, Plugin, model::*};
//!
//! #[derive(Default)]
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     const HOOKS: &'static [Hook] = &[Hook::ExecuteCommand];
//!     fn execute_command(&self, _api: &Api, _ctx: &Context, _args: &CommandArgs) -> Result<CommandResponse, AppError> {
//!         Ok(CommandResponse::ephemeral("hello"))
//!     }
//! }
//! export_plugin!(Hello);
//! ```
//!
//! A fresh instance serves every hook call (the host's isolation guarantee), so keep state in
//! the server (KV store, posts), not in statics.

mod api;
#[doc(hidden)]
pub mod dispatch;
mod http;
pub mod outbound;
pub mod store;
pub mod timing;

pub use api::{Api, ApiError, LogLevel};
pub use http::{HttpRequest, HttpResponse};
pub use mm_model as model;
use mm_model::{AppError, ChannelMember, CommandArgs, CommandResponse, Context, Post, Reaction, User};
pub use store::Store;

/// The generated bindings of the host interface (wit/v0.1). Use [`Api`] instead.
#[doc(hidden)]
pub mod wit {
    wit_bindgen::generate!({
        path: "../wit/v0.1",
        world: "plugin",
        pub_export_macro: true,
        export_macro_name: "export_guest",
        default_bindings_module: "mattermost_plugin_sdk::wit",
    });
}

/// The version of the host interface this SDK speaks.
pub const INTERFACE_VERSION: &str = "0.1.0";

/// Hooks a plugin can implement. Only those listed in [`Plugin::HOOKS`] reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    OnActivate,
    OnDeactivate,
    OnConfigurationChange,
    ExecuteCommand,
    ServeHttp,
    MessageHasBeenPosted,
    MessageHasBeenDeleted,
    MessageHasBeenUpdated,
    ReactionHasBeenAdded,
    UserHasJoinedChannel,
    OnPluginClusterEvent,
    /// Timed work, about once a minute (not a Mattermost hook; see the WIT file).
    RunScheduled,
}

impl Hook {
    /// Mattermost's name for the hook.
    pub fn name(self) -> &'static str {
        match self {
            Hook::OnActivate => "OnActivate",
            Hook::OnDeactivate => "OnDeactivate",
            Hook::OnConfigurationChange => "OnConfigurationChange",
            Hook::ExecuteCommand => "ExecuteCommand",
            Hook::ServeHttp => "ServeHTTP",
            Hook::MessageHasBeenPosted => "MessageHasBeenPosted",
            Hook::MessageHasBeenDeleted => "MessageHasBeenDeleted",
            Hook::MessageHasBeenUpdated => "MessageHasBeenUpdated",
            Hook::ReactionHasBeenAdded => "ReactionHasBeenAdded",
            Hook::UserHasJoinedChannel => "UserHasJoinedChannel",
            Hook::OnPluginClusterEvent => "OnPluginClusterEvent",
            Hook::RunScheduled => "RunScheduled",
        }
    }
}

/// A plugin's logic. Every method has a harmless default.
pub trait Plugin: Default + 'static {
    /// The hooks this plugin implements; the server calls no others.
    const HOOKS: &'static [Hook];

    fn on_activate(&self, _api: &Api) -> Result<(), String> {
        Ok(())
    }

    fn on_deactivate(&self, _api: &Api) -> Result<(), String> {
        Ok(())
    }

    fn on_configuration_change(&self, _api: &Api) -> Result<(), String> {
        Ok(())
    }

    /// Mirrors Mattermost's `(*CommandResponse, *AppError)`; a plain `AppError` keeps plugin
    /// code simple, and one error per command is no cost worth boxing for.
    #[allow(clippy::result_large_err)]
    fn execute_command(&self, _api: &Api, _ctx: &Context, args: &CommandArgs) -> Result<CommandResponse, AppError> {
        Err(AppError::new("plugin.command.not_implemented", format!("This plugin does not handle {}", args.command), 501))
    }

    fn serve_http(&self, _api: &Api, _ctx: &Context, _request: &HttpRequest) -> HttpResponse {
        HttpResponse::error(404, "not found")
    }

    fn message_has_been_posted(&self, _api: &Api, _ctx: &Context, _post: &Post) {}

    fn message_has_been_deleted(&self, _api: &Api, _ctx: &Context, _post: &Post) {}

    fn message_has_been_updated(&self, _api: &Api, _ctx: &Context, _new_post: &Post, _old_post: &Post) {}

    fn reaction_has_been_added(&self, _api: &Api, _ctx: &Context, _reaction: &Reaction) {}

    fn user_has_joined_channel(&self, _api: &Api, _ctx: &Context, _member: &ChannelMember, _actor: Option<&User>) {}

    fn on_plugin_cluster_event(&self, _api: &Api, _ctx: &Context, _id: &str, _data: &[u8]) {}

    fn run_scheduled(&self, _api: &Api) {}
}

/// Exports a [`Plugin`] implementation as the component's hooks.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[doc(hidden)]
        struct __MattermostPluginExport;

        impl $crate::wit::exports::mattermost::plugin::hooks::Guest for __MattermostPluginExport {
            fn implemented() -> ::std::vec::Vec<::std::string::String> {
                $crate::dispatch::implemented::<$plugin>()
            }
            fn on_activate() -> ::std::result::Result<(), ::std::string::String> {
                $crate::dispatch::on_activate::<$plugin>()
            }
            fn on_deactivate() -> ::std::result::Result<(), ::std::string::String> {
                $crate::dispatch::on_deactivate::<$plugin>()
            }
            fn on_configuration_change() -> ::std::result::Result<(), ::std::string::String> {
                $crate::dispatch::on_configuration_change::<$plugin>()
            }
            fn execute_command(
                context: ::std::string::String,
                args: ::std::string::String,
            ) -> ::std::result::Result<::std::string::String, $crate::dispatch::WitAppError> {
                $crate::dispatch::execute_command::<$plugin>(&context, &args)
            }
            fn serve_http(
                context: ::std::string::String,
                user_id: ::std::option::Option<::std::string::String>,
                request: $crate::dispatch::WitHttpRequest,
            ) -> $crate::dispatch::WitHttpResponse {
                $crate::dispatch::serve_http::<$plugin>(&context, user_id, request)
            }
            fn message_has_been_posted(context: ::std::string::String, post: ::std::string::String) {
                $crate::dispatch::message_has_been_posted::<$plugin>(&context, &post)
            }
            fn message_has_been_deleted(context: ::std::string::String, post: ::std::string::String) {
                $crate::dispatch::message_has_been_deleted::<$plugin>(&context, &post)
            }
            fn message_has_been_updated(
                context: ::std::string::String,
                new_post: ::std::string::String,
                old_post: ::std::string::String,
            ) {
                $crate::dispatch::message_has_been_updated::<$plugin>(&context, &new_post, &old_post)
            }
            fn reaction_has_been_added(context: ::std::string::String, reaction: ::std::string::String) {
                $crate::dispatch::reaction_has_been_added::<$plugin>(&context, &reaction)
            }
            fn user_has_joined_channel(
                context: ::std::string::String,
                member: ::std::string::String,
                actor: ::std::option::Option<::std::string::String>,
            ) {
                $crate::dispatch::user_has_joined_channel::<$plugin>(&context, &member, actor.as_deref())
            }
            fn on_plugin_cluster_event(
                context: ::std::string::String,
                id: ::std::string::String,
                data: ::std::vec::Vec<u8>,
            ) {
                $crate::dispatch::on_plugin_cluster_event::<$plugin>(&context, &id, &data)
            }
            fn run_scheduled() {
                $crate::dispatch::run_scheduled::<$plugin>()
            }
        }

        $crate::wit::export_guest!(__MattermostPluginExport with_types_in $crate::wit);
    };
}
