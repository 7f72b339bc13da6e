//! Keeping review progress safe while the app runs, and noticing a new review day: answers are
//! copied out of the WAL once the student pauses, the daily integrity check and backup run off
//! the UI thread, and the local UTC offset is read again when a new review day begins.

use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError};

use super::Reviewer;
use crate::review::error::StoreError;
use crate::review::scheduler::Scheduler;
use crate::review::store::local_utc_offset_secs;

/// Seconds without a change to review progress after which the answers are copied from the WAL
/// into the database file (see [`Reviewer::checkpoint_when_idle`]).
pub const IDLE_CHECKPOINT_SECS: i64 = 5;

impl Reviewer {
    /// Copies changed progress from the WAL into the database file once nothing has changed for
    /// [`IDLE_CHECKPOINT_SECS`] (the student paused), so a `-wal` file that disappears while the
    /// app runs takes at most the last few answers with it. Call it every frame; it returns how
    /// long until it wants to run again (the app asks for a frame then), `None` when nothing
    /// waits.
    pub fn checkpoint_when_idle(&mut self) -> Option<std::time::Duration> {
        let now = self.now_secs();
        let store = self.store.as_ref()?;
        if !store.needs_checkpoint() {
            self.pending_checkpoint = None;
            return None;
        }
        let changes = store.total_changes();
        let since = match self.pending_checkpoint {
            Some((seen, since)) if seen == changes => since,
            _ => {
                self.pending_checkpoint = Some((changes, now));
                now
            }
        };
        let idle_secs = now.saturating_sub(since);
        let wait_secs = if idle_secs >= IDLE_CHECKPOINT_SECS {
            self.checkpoint();
            self.pending_checkpoint.map(|_| IDLE_CHECKPOINT_SECS)
        } else {
            Some(IDLE_CHECKPOINT_SECS - idle_secs)
        };
        wait_secs.map(|secs| std::time::Duration::from_secs(secs.unsigned_abs()))
    }

    /// Checkpoints now. When a reader (the background backup) held part of the WAL back, or the
    /// checkpoint failed, it is tried again after the next pause; a failure is also a notice
    /// (shown once, however often it repeats).
    pub(super) fn checkpoint(&mut self) {
        let now = self.now_secs();
        let Some(store) = &mut self.store else {
            return;
        };
        let result = store.checkpoint();
        self.pending_checkpoint = match result {
            Ok(true) => None,
            _ => Some((store.total_changes(), now)),
        };
        if let Err(err) = result {
            let notice = format!("Copying answers into the progress database failed: {err}");
            if !self.notices.contains(&notice) {
                self.notices.push(notice);
            }
        }
    }

    /// Takes the background backup's result, if it has arrived; a failure becomes a notice. At
    /// a new review day, reads the local UTC offset again and today's queue.
    pub fn poll_background(&mut self) {
        let now = self.now_secs();
        if let Some(read) = self
            .zone
            .poll(self.scheduler.clock(), now, local_utc_offset_secs)
        {
            self.notices.extend(read.notice);
            self.scheduler.set_utc_offset_secs(read.utc_offset_secs);
            self.refresh();
        }
        let Some(receiver) = &self.backup else {
            return;
        };
        match receiver.try_recv() {
            Ok(Ok(())) | Err(TryRecvError::Disconnected) => self.backup = None,
            Ok(Err(err)) => {
                self.notices
                    .push(format!("The daily backup of review progress failed: {err}"));
                self.backup = None;
            }
            Err(TryRecvError::Empty) => {}
        }
    }
}

/// Runs the full integrity check and the daily backup off the UI thread.
pub(super) fn start_backup(
    dir: &Path,
    scheduler: &Scheduler,
    now: i64,
) -> Receiver<Result<(), StoreError>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let dir = dir.to_owned();
    let clock = scheduler.clock();
    std::thread::spawn(move || {
        let result = crate::review::backup::verify_and_backup(&dir, clock, now).map(|_| ());
        sender.send(result).ok();
    });
    receiver
}
