//! The namespaces tab (its view lands with its issue; the model and live reader are tested).

pub mod live;
pub mod model;
