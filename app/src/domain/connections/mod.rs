//! A reseller's connections to Autotask and the marketplace: what is stored, and the one client
//! per reseller that every job and request shares.

mod registry;
mod stored;

pub use registry::{AUTOTASK_ENTRY_URL, Connections, Tuning};
pub use stored::*;
