//! Posts, channels, users, teams and the things around them.

use std::collections::HashMap;

use crate::Props;

model! {
    pub struct Post {
        pub id: String,
        pub create_at: i64,
        pub update_at: i64,
        pub edit_at: i64,
        pub delete_at: i64,
        pub is_pinned: bool,
        pub user_id: String,
        pub channel_id: String,
        pub root_id: String,
        pub original_id: String,
        pub message: String,
        #[cfg_attr(feature = "gob", gob(name = "Type"))]
        #[serde(rename = "type")]
        pub post_type: String,
        pub props: Props,
        pub hashtags: String,
        pub file_ids: Vec<String>,
        pub pending_post_id: String,
        pub reply_count: i64,
    }
}

model! {
    /// `model.PostList`: a thread or a page of posts.
    pub struct PostList {
        pub order: Vec<String>,
        pub posts: HashMap<String, Post>,
        pub next_post_id: String,
        pub prev_post_id: String,
        pub has_next: bool,
    }
}

model! {
    pub struct Channel {
        pub id: String,
        pub create_at: i64,
        pub update_at: i64,
        pub delete_at: i64,
        pub team_id: String,
        /// "O" open, "P" private, "D" direct, "G" group.
        #[cfg_attr(feature = "gob", gob(name = "Type"))]
        #[serde(rename = "type")]
        pub channel_type: String,
        pub display_name: String,
        pub name: String,
        pub header: String,
        pub purpose: String,
        pub last_post_at: i64,
        pub total_msg_count: i64,
        pub creator_id: String,
    }
}

model! {
    pub struct ChannelMember {
        pub channel_id: String,
        pub user_id: String,
        pub roles: String,
        pub last_viewed_at: i64,
        pub msg_count: i64,
        pub mention_count: i64,
        pub notify_props: HashMap<String, String>,
        pub last_update_at: i64,
        pub scheme_guest: bool,
        pub scheme_user: bool,
        pub scheme_admin: bool,
    }
}

model! {
    pub struct User {
        pub id: String,
        pub create_at: i64,
        pub update_at: i64,
        pub delete_at: i64,
        pub username: String,
        pub auth_service: String,
        pub email: String,
        pub nickname: String,
        pub first_name: String,
        pub last_name: String,
        pub position: String,
        pub roles: String,
        pub locale: String,
        pub timezone: HashMap<String, String>,
        pub is_bot: bool,
    }
}

model! {
    pub struct Team {
        pub id: String,
        pub create_at: i64,
        pub update_at: i64,
        pub delete_at: i64,
        pub display_name: String,
        pub name: String,
        pub description: String,
        pub email: String,
        #[cfg_attr(feature = "gob", gob(name = "Type"))]
        #[serde(rename = "type")]
        pub team_type: String,
        pub allow_open_invite: bool,
    }
}

model! {
    pub struct TeamMember {
        pub team_id: String,
        pub user_id: String,
        pub roles: String,
        pub delete_at: i64,
        pub scheme_guest: bool,
        pub scheme_user: bool,
        pub scheme_admin: bool,
    }
}

model! {
    /// `model.Group` (custom user groups and LDAP groups), the fields we read. Go's pointer
    /// fields (`Name`) arrive as values; a missing one reads as empty.
    pub struct Group {
        pub id: String,
        pub name: String,
        pub display_name: String,
        pub source: String,
        pub delete_at: i64,
        pub allow_reference: bool,
    }
}

model! {
    pub struct Reaction {
        pub user_id: String,
        pub post_id: String,
        pub emoji_name: String,
        pub create_at: i64,
        pub update_at: i64,
        pub delete_at: i64,
        pub channel_id: String,
    }
}

model! {
    pub struct Bot {
        pub user_id: String,
        pub username: String,
        pub display_name: String,
        pub description: String,
        pub owner_id: String,
        pub create_at: i64,
        pub update_at: i64,
        pub delete_at: i64,
    }
}

model! {
    /// Who receives a websocket event. All empty: everyone.
    pub struct WebsocketBroadcast {
        pub omit_users: HashMap<String, bool>,
        pub user_id: String,
        pub channel_id: String,
        pub team_id: String,
        pub connection_id: String,
        pub omit_connection_id: String,
    }
}

model! {
    /// `model.SidebarCategory`: one category of a user's channel sidebar on a team.
    pub struct SidebarCategory {
        pub id: String,
        pub user_id: String,
        pub team_id: String,
        pub sort_order: i64,
        /// "" (default), "manual", "recent" or "alpha".
        pub sorting: String,
        /// "channels", "direct_messages", "favorites" or "custom" (made by the user).
        #[cfg_attr(feature = "gob", gob(name = "Type"))]
        #[serde(rename = "type")]
        pub category_type: String,
        pub display_name: String,
        pub muted: bool,
        pub collapsed: bool,
    }
}

impl SidebarCategory {
    pub const CUSTOM: &'static str = "custom";
}

model! {
    /// `model.SidebarCategoryWithChannels`. Go embeds `SidebarCategory`: JSON flattens its
    /// fields, gob sends it as one field named after its type.
    pub struct SidebarCategoryWithChannels {
        #[serde(flatten)]
        pub sidebar_category: SidebarCategory,
        #[cfg_attr(feature = "gob", gob(name = "Channels"))]
        #[serde(rename = "channel_ids")]
        pub channels: Vec<String>,
    }
}

model! {
    /// `model.OrderedSidebarCategories`: a user's categories on a team, in sidebar order.
    pub struct OrderedSidebarCategories {
        pub categories: Vec<SidebarCategoryWithChannels>,
        pub order: Vec<String>,
    }
}
