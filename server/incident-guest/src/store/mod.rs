//! The storage layer: the `Database` interface (the host's store in the plugin, SQLite or
//! PostgreSQL natively in tests), the migrations and the SQL for incidents, playbooks, lists
//! and the learning review.
//!
//! Depends on nothing else in the crate: only on incident-core and the SDK's store types.

pub(crate) mod db;
pub(crate) mod dossier;
pub(crate) mod incident_list;
pub(crate) mod learning_review;
pub(crate) mod paging_rows;
pub(crate) mod privacy_rows;
pub(crate) mod repo;
pub(crate) mod similar;
