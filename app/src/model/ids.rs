//! Typed ids, so a task id can never be passed where a reseller id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A reseller (tenant); every row belongs to one.
    ResellerId
);
id_type!(
    /// A user who signs in.
    UserId
);
id_type!(
    /// A sync task (one per marketplace order).
    TaskId
);
id_type!(
    /// A marketplace customer as this service records it (a `customers` row).
    CustomerRowId
);
id_type!(
    /// A marketplace subscription as this service records it (a `subscriptions` row).
    SubscriptionRowId
);
id_type!(
    /// A marketplace product key as this service records it (a `products` row).
    ProductRowId
);
id_type!(
    /// One run of Check Changes.
    CheckRunId
);
