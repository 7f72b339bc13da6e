//! The Migration tab's scenes as the tab holds them: a method's (or the comparison's) simulated
//! timelines, and the cluster view's preset and steps. Computed when a link or a control changes
//! them, never per frame; the view reads them at the timeline's position.

pub(super) mod cluster;
pub(super) mod method;
