//! The Mapping screen (design §2.4): tabs Customers, Products and Fees with a "show only
//! unmapped" filter, a page to choose what one of them maps to, and Add Product to Autotask.
//! Every action is a plain form (POST, then a redirect), so the screen works without JavaScript.

mod choose;
mod new_service;
mod tabs;

pub use choose::{ChoiceRowView, ChooseView, choose_page};
pub use new_service::{DuplicateView, NewServiceValues, NewServiceView, new_service_page};
pub use tabs::{
    CustomerRowView, FeeRowView, LinkedView, MappingTab, ProductRowView, TabRows, TabView,
    mapping_page,
};
