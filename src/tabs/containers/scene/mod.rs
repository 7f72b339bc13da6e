//! What each view of the Containers tab shows, held between frames: the scene a link loads.
//!
//! Traces are replayed and steps computed once when a scene is built, never per frame; nothing
//! here draws (the `view` module does) and the models live in `model/` and `docker/`.

pub(crate) mod cli;
pub(crate) mod layers;
pub(crate) mod service_models;
pub(crate) mod stepped;
pub(crate) mod terminal;
