use maud::{Markup, html};

use crate::layout::{Nav, PageContext, page};

/// Counts shown on the dashboard.
#[derive(Debug, Clone, Default)]
pub struct DashboardData {
    pub open_tasks: u64,
    pub autotask_connected: bool,
    pub marketplace_connected: bool,
}

/// The landing page after sign-in.
pub fn dashboard(ctx: &PageContext, data: &DashboardData) -> Markup {
    page(
        ctx,
        Nav::Dashboard,
        "Dashboard",
        html! {
            div.card {
                p { "Open sync tasks: " strong { (data.open_tasks) } }
                p {
                    "Autotask: " (connection_badge(data.autotask_connected))
                    " · Marketplace: " (connection_badge(data.marketplace_connected))
                }
                @if !(data.autotask_connected && data.marketplace_connected) {
                    p.hint { "Set up both connections under " a href="/settings" { "Settings" } "." }
                }
            }
        },
    )
}

fn connection_badge(connected: bool) -> Markup {
    html! { span.badge { (if connected { "connected" } else { "not set up" }) } }
}
