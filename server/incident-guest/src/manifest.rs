//! Who the plugin is, as `plugin.json` (the manifest) declares it: its id and its version.
//! A leaf: every layer may name these, and this file names nothing else in the crate.

/// The plugin version, which `plugin.json` must match (checked by a test).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const PLUGIN_ID: &str = "incident-response";
