//! The panels beside the lanes: real versus virtual CPU state ([`state`]), counters
//! ([`counters`]), the translation cache ([`cache`]), a mode's round-trip steps ([`round_trip`]),
//! and the banner for the moments that carry the lesson, popf not trapping and the tick that is
//! never delivered ([`moment`]).
//!
//! Each panel draws from the top of the rectangle it is given and returns the y where it ended, so
//! the caller can stack them and drop what does not fit.

mod cache;
mod counters;
mod moment;
mod round_trip;
mod state;

pub use cache::cache_ui;
pub use counters::{counters_line_ui, counters_ui};
pub use moment::{moment, moment_ui};
pub use round_trip::round_trip_ui;
pub use state::{state_line_ui, state_ui};

/// Gap between stacked panels.
pub const PANEL_GAP: f32 = 8.0;

/// A register value as the panels print it, `0x2000`.
fn hex(value: u32) -> String {
    format!("0x{value:X}")
}

/// A flag as the CPU holds it, `0` or `1`.
fn flag(value: bool) -> String {
    u8::from(value).to_string()
}
