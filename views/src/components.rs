//! Small reusable pieces.

use maud::{Markup, html};

/// The hidden field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

/// An error box, shown above a form that was refused.
pub fn error_box(message: Option<&str>) -> Markup {
    html! { @if let Some(message) = message { div.error role="alert" { (message) } } }
}

/// A labelled text input.
pub fn text_input(label: &str, name: &str, value: &str, hint: Option<&str>) -> Markup {
    html! {
        label for=(name) { (label) }
        input id=(name) name=(name) type="text" value=(value);
        @if let Some(hint) = hint { div.hint { (hint) } }
    }
}

/// A password input that is never pre-filled; the hint says whether a value is stored.
pub fn secret_input(label: &str, name: &str, is_set: bool) -> Markup {
    html! {
        label for=(name) { (label) }
        input id=(name) name=(name) type="password" autocomplete="new-password"
            placeholder=(if is_set { "•••••••• (stored — leave empty to keep)" } else { "" });
    }
}
