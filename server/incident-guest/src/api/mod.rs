//! The REST layer: the routes under `/plugins/incident-response/api/v0/` (docs/api.md), their
//! request parsing and size limits, and the mapping of service errors to HTTP statuses.
//!
//! May depend on `service`, `store` (types only), `mattermost` and the crate root; nothing
//! below it depends on this layer.

pub(crate) mod dossier;
pub(crate) mod edit;
pub(crate) mod input_limits;
pub(crate) mod learning_review;
pub(crate) mod paging;
pub(crate) mod request;
pub(crate) mod router;

pub(crate) use router::route;
