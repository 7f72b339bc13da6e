//! The cgroups tab (its view lands with its issue; the model, simulation and live reader are tested).

pub mod live;
pub mod model;
