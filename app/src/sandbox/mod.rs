//! The built-in emulators of Autotask and the marketplace, served by the same binary under
//! `/sandbox/...`. They share no request or response types with the clients they check: each
//! side is written from the references on its own, so a wrong field name cannot pass both.

pub mod autotask;
pub mod faults;
pub mod file;
pub mod guard;
pub mod marketplace;
