//! Server-rendered pages. Every function here is pure: plain data in, `Markup` out. Nothing here
//! knows about actix, the database or HTTP.

pub mod components;
pub mod labels;
pub mod layout;
pub mod pages;
pub mod scripts;

pub use layout::{Nav, PageContext};
pub use maud::Markup;
