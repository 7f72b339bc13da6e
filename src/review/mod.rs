//! The flashcard reviewer's core, without any GUI: when each card is due, and review progress that
//! survives crashes.
//!
//! Why it is split this way (after Anki's `rslib/src/scheduler/`): the card state machine
//! ([`states`], [`steps`], [`fuzz`], [`scheduler`]) is pure, so a state, a rating and a time go in
//! and the next state comes out, and tests need no database and no clock. The `fsrs` crate (FSRS-6,
//! the scheduler Anki ships) gives memory states and intervals; it leaves learning steps, fuzz, due
//! dates and queues to the app, which is what this module adds. Everything that touches the disk
//! lives in [`store`] and the files that extend it ([`answer`], [`cards`], [`queue`], [`stats`],
//! [`backup`], [`synthetic`]).
//!
//! How the GUI drives it:
//! 1. [`store::Store::open`] on a data directory (see [`store::resolve_data_dir`]); show
//!    [`store::Opened::recovery`] if it is set. Then, on a background thread,
//!    [`backup::verify_and_backup`] (the full integrity check and the daily backup).
//! 2. [`cards`]: `sync_deck` with the deck's card ids in deck order, whenever a deck is loaded.
//! 3. Build a [`scheduler::Scheduler`] from a [`config::SchedulerConfig`] and the local UTC offset
//!    ([`store::local_utc_offset_secs`], through [`zone::ZoneWatch`], which reads it again at each
//!    new review day: [`scheduler::Scheduler::set_utc_offset_secs`]).
//! 4. [`queue`]: `today_queue` gives the next card and the session counts; `next_states` gives the
//!    four button labels ([`interval::Interval::label`]); `answer` commits one answer; `undo_last`
//!    takes it back.

pub mod answer;
pub mod backup;
pub mod cards;
pub mod check;
pub mod config;
pub mod error;
pub mod fuzz;
pub mod import;
pub mod interval;
pub mod queue;
pub mod rating;
pub mod scheduler;
pub mod schema;
pub mod states;
pub mod stats;
pub mod steps;
pub mod store;
pub mod synthetic;
#[cfg(test)]
mod testing;
pub mod time;
pub mod zone;
