//! The slash-command layer: `/incident` parsed into calls on the service, answered as
//! ephemeral replies, with the learning-review subcommands in their own file.
//!
//! May depend on `service`, `store` (types only), `mattermost` and the crate root; nothing
//! below it depends on this layer.

pub(crate) mod learning_review;
pub(crate) mod lists;
pub(crate) mod load;
pub(crate) mod paging;
pub(crate) mod router;
pub(crate) mod time_zone;

pub(crate) use router::{Invocation, Outcome, TRIGGER, execute, registration, reply};
