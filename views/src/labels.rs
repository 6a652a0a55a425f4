//! What pages call things. The app maps its domain enums onto these (an exhaustive match, so a
//! new state cannot go unlabelled); the slug is the value a filter carries in a URL.

macro_rules! labels {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => ($slug:literal, $label:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order pages list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// What a person reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The value a form or a link carries.
            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            /// The value a form or link sent, if it is one of ours.
            pub fn from_slug(slug: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.slug() == slug)
            }
        }
    };
}

labels!(
    /// A task's status on a page.
    StatusLabel {
        New => ("new", "New"),
        Ready => ("ready", "Ready"),
        Queued => ("queued", "Queued"),
        Applying => ("applying", "Applying"),
        Done => ("done", "Done"),
        Failed => ("failed", "Failed"),
        Conflict => ("conflict", "Conflict"),
        Ignored => ("ignored", "Ignored"),
    }
);

labels!(
    /// A task's type on a page.
    TypeLabel {
        Sales => ("sales", "Sales"),
        Change => ("change", "Change"),
        Billing => ("billing", "Billing"),
        Cancellation => ("cancellation", "Cancellation"),
        Renewal => ("renewal", "Renewal"),
        Reconcile => ("reconcile", "Reconcile"),
    }
);

labels!(
    /// How a Check Changes run stands, on the dashboard.
    RunLabel {
        Queued => ("queued", "Waiting for a worker"),
        Running => ("running", "Running"),
        Done => ("done", "Success"),
        Warning => ("warning", "Warning"),
        Failed => ("failed", "Failure"),
    }
);

labels!(
    /// An action-log entry's level.
    LevelLabel {
        Info => ("info", "Info"),
        Warning => ("warning", "Warning"),
        Error => ("error", "Error"),
    }
);
