//! Helpers shared by the unit tests of the store's modules.

use super::config::SchedulerConfig;
use super::scheduler::Scheduler;
use super::store::Store;

/// 2024-01-01T10:00:00Z: mid-day in UTC, far from the 04:00 rollover.
pub const NOW_SECS: i64 = 1_704_103_200;

/// A fresh store in a temporary directory (keep the directory alive as long as the store).
pub fn open_temp() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), NOW_SECS).unwrap();
    assert!(opened.recovery.is_none());
    (dir, opened.store)
}

/// A UTC scheduler with default settings and no fuzz, so intervals are exact.
pub fn scheduler() -> Scheduler {
    let config = SchedulerConfig {
        fuzz: false,
        ..SchedulerConfig::default()
    };
    Scheduler::new(config, 0).unwrap()
}
