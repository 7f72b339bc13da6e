//! The containers tab (its view lands with its issue; the model is pure and tested).

pub mod model;
