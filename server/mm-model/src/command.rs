//! Slash commands, their autocomplete tree, and interactive dialogs.

use std::collections::HashMap;

use crate::Props;

model! {
    /// `model.CommandArgs`: one invocation of a slash command.
    pub struct CommandArgs {
        pub user_id: String,
        pub channel_id: String,
        pub team_id: String,
        pub root_id: String,
        pub parent_id: String,
        pub trigger_id: String,
        pub command: String,
        #[cfg_attr(feature = "gob", gob(name = "SiteURL"))]
        pub site_url: String,
        pub user_mentions: HashMap<String, String>,
        pub channel_mentions: HashMap<String, String>,
    }
}

model! {
    /// `model.CommandResponse`.
    pub struct CommandResponse {
        /// "ephemeral" (only the caller sees it) or "in_channel".
        pub response_type: String,
        pub text: String,
        pub username: String,
        pub channel_id: String,
        #[cfg_attr(feature = "gob", gob(name = "IconURL"))]
        pub icon_url: String,
        #[cfg_attr(feature = "gob", gob(name = "Type"))]
        #[serde(rename = "type")]
        pub response_kind: String,
        pub props: Props,
        pub goto_location: String,
        pub trigger_id: String,
        pub skip_slack_parsing: bool,
    }
}

impl CommandResponse {
    pub const EPHEMERAL: &'static str = "ephemeral";
    pub const IN_CHANNEL: &'static str = "in_channel";

    /// A reply only the caller sees.
    pub fn ephemeral(text: impl Into<String>) -> Self {
        Self { response_type: Self::EPHEMERAL.to_owned(), text: text.into(), ..Self::default() }
    }
}

model! {
    /// `model.Command`, as registered by a plugin.
    pub struct Command {
        pub id: String,
        pub team_id: String,
        pub trigger: String,
        pub method: String,
        pub username: String,
        #[cfg_attr(feature = "gob", gob(name = "IconURL"))]
        pub icon_url: String,
        pub auto_complete: bool,
        pub auto_complete_desc: String,
        pub auto_complete_hint: String,
        pub display_name: String,
        pub description: String,
        #[cfg_attr(feature = "gob", gob(name = "URL"))]
        pub url: String,
        pub plugin_id: String,
        pub autocomplete_data: Option<AutocompleteData>,
        pub autocomplete_icon_data: String,
    }
}

model! {
    /// `model.AutocompleteData`: a node of the slash command's autocomplete tree.
    pub struct AutocompleteData {
        pub trigger: String,
        pub hint: String,
        pub help_text: String,
        #[cfg_attr(feature = "gob", gob(name = "RoleID"))]
        pub role_id: String,
        pub arguments: Vec<AutocompleteArg>,
        pub sub_commands: Vec<AutocompleteData>,
    }
}

impl AutocompleteData {
    pub fn new(trigger: &str, hint: &str, help_text: &str) -> Self {
        Self { trigger: trigger.to_owned(), hint: hint.to_owned(), help_text: help_text.to_owned(), ..Self::default() }
    }

    pub fn with_sub_command(mut self, sub: AutocompleteData) -> Self {
        self.sub_commands.push(sub);
        self
    }

    pub fn with_text_arg(mut self, name: &str, help_text: &str, hint: &str, required: bool) -> Self {
        self.arguments.push(AutocompleteArg {
            name: name.to_owned(),
            help_text: help_text.to_owned(),
            arg_type: "TextInput".to_owned(),
            required,
            data: AutocompleteArgData::Text { hint: hint.to_owned(), pattern: String::new() },
        });
        self
    }

    /// An argument whose suggestions the server fetches from the plugin at `fetch_url`.
    pub fn with_dynamic_arg(mut self, name: &str, help_text: &str, fetch_url: &str, required: bool) -> Self {
        self.arguments.push(AutocompleteArg {
            name: name.to_owned(),
            help_text: help_text.to_owned(),
            arg_type: "DynamicList".to_owned(),
            required,
            data: AutocompleteArgData::DynamicList { fetch_url: fetch_url.to_owned() },
        });
        self
    }
}

model! {
    pub struct AutocompleteArg {
        pub name: String,
        pub help_text: String,
        /// "TextInput", "StaticList" or "DynamicList".
        #[cfg_attr(feature = "gob", gob(name = "Type"))]
        #[serde(rename = "type")]
        pub arg_type: String,
        pub required: bool,
        pub data: AutocompleteArgData,
    }
}

model! {
    pub struct AutocompleteListItem {
        pub item: String,
        pub hint: String,
        pub help_text: String,
    }
}

/// `AutocompleteArg.Data`, an interface in Go holding one of three registered types.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AutocompleteArgData {
    #[default]
    None,
    Text {
        hint: String,
        pattern: String,
    },
    StaticList {
        items: Vec<AutocompleteListItem>,
    },
    DynamicList {
        fetch_url: String,
    },
}

/// One suggestion answered to a dynamic autocomplete request (`model.AutocompleteListItem` JSON).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AutocompleteSuggestion {
    #[serde(rename = "Item")]
    pub item: String,
    #[serde(rename = "Hint")]
    pub hint: String,
    #[serde(rename = "HelpText")]
    pub help_text: String,
}

model! {
    /// `model.OpenDialogRequest`.
    pub struct OpenDialogRequest {
        pub trigger_id: String,
        #[cfg_attr(feature = "gob", gob(name = "URL"))]
        pub url: String,
        pub dialog: Dialog,
    }
}

model! {
    pub struct Dialog {
        pub callback_id: String,
        pub title: String,
        pub introduction_text: String,
        #[cfg_attr(feature = "gob", gob(name = "IconURL"))]
        pub icon_url: String,
        pub elements: Vec<DialogElement>,
        pub submit_label: String,
        pub notify_on_cancel: bool,
        pub state: String,
    }
}

model! {
    pub struct DialogElement {
        pub display_name: String,
        pub name: String,
        #[cfg_attr(feature = "gob", gob(name = "Type"))]
        #[serde(rename = "type")]
        pub element_type: String,
        #[cfg_attr(feature = "gob", gob(name = "SubType"))]
        pub subtype: String,
        pub default: String,
        pub placeholder: String,
        pub help_text: String,
        pub optional: bool,
        pub min_length: i64,
        pub max_length: i64,
        pub data_source: String,
        pub options: Vec<DialogOption>,
    }
}

model! {
    /// `model.PostActionOptions`.
    pub struct DialogOption {
        pub text: String,
        pub value: String,
    }
}
