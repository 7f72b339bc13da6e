//! Drawing the cgroups tab: the controls above the canvas, the structure view (hierarchies as
//! trees of boxes), the simulation's charts and "this machine", plus the data they draw from
//! (the outline of a step, the chart series), computed once per step or run.

pub(super) mod charts;
pub(super) mod chips;
pub(super) mod controls;
pub(super) mod live;
pub(super) mod outline;
pub(super) mod sim;
pub(super) mod structure;
pub(super) mod tree;
