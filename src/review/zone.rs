//! The local UTC offset, read again at each new review day, and the notice when it cannot be read.
//!
//! Why: review days roll over at a local hour ([`DayClock`]), so they depend on the UTC offset, and
//! the offset changes twice a year where daylight saving time is kept. Read once at start-up, a
//! session left open across the change would roll every later day over an hour early or late.
//! Reading the offset asks the C library (`store::local_utc_offset_secs`), too much for every
//! frame, so it is read when a new review day begins by the clock in use, and that day is then
//! counted with the offset just read. When the offset cannot be read the student is told which
//! offset days roll over in instead (UTC at start-up, the last one read later), once until it can
//! be read again. The reader is a parameter, so tests give fixed offsets and failures.

use std::fmt::Display;

use super::time::DayClock;

/// Which review day the offset was last read for, and whether that read failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneWatch {
    /// The review day (by the offset in use) when the offset was last read.
    day: i64,
    /// Whether the last read failed (its notice was given).
    unreadable: bool,
}

/// The offset to schedule with after a read, and what to tell the student.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffsetRead {
    /// Local time minus UTC, in seconds.
    pub utc_offset_secs: i32,
    /// Why the offset is not the local one, when it could not be read.
    pub notice: Option<String>,
}

impl ZoneWatch {
    /// Reads the offset at `now_secs` for a day that rolls over at `rollover_hour`; an offset
    /// that cannot be read is UTC, with a notice.
    pub fn start<E: Display>(
        rollover_hour: u8,
        now_secs: i64,
        read: impl FnOnce(i64) -> Result<i32, E>,
    ) -> (Self, OffsetRead) {
        let (utc_offset_secs, notice, unreadable) = match read(now_secs) {
            Ok(offset) => (offset, None, false),
            Err(err) => (
                0,
                Some(format!(
                    "The local time zone cannot be read ({err}); review days roll over at \
                     {rollover_hour}:00 UTC."
                )),
                true,
            ),
        };
        let watch = Self {
            day: DayClock::new(rollover_hour, utc_offset_secs).day(now_secs),
            unreadable,
        };
        (
            watch,
            OffsetRead {
                utc_offset_secs,
                notice,
            },
        )
    }

    /// Nothing while `clock` (the one in use) is on the review day the offset was read for; at
    /// a new day, the offset read again. One that cannot be read keeps the clock's offset, with
    /// a notice the first time.
    pub fn poll<E: Display>(
        &mut self,
        clock: DayClock,
        now_secs: i64,
        read: impl FnOnce(i64) -> Result<i32, E>,
    ) -> Option<OffsetRead> {
        if clock.day(now_secs) == self.day {
            return None;
        }
        let kept = clock.utc_offset_secs();
        let (utc_offset_secs, notice) = match read(now_secs) {
            Ok(offset) => {
                self.unreadable = false;
                (offset, None)
            }
            Err(err) => {
                let notice = (!self.unreadable).then(|| {
                    format!(
                        "The local time zone cannot be read ({err}); review days keep rolling \
                         over at {}:00 {}.",
                        clock.rollover_hour(),
                        utc_name(kept)
                    )
                });
                self.unreadable = true;
                (kept, notice)
            }
        };
        self.day = DayClock::new(clock.rollover_hour(), utc_offset_secs).day(now_secs);
        Some(OffsetRead {
            utc_offset_secs,
            notice,
        })
    }
}

/// `UTC`, `UTC+02:00`, `UTC-09:30`.
fn utc_name(utc_offset_secs: i32) -> String {
    if utc_offset_secs == 0 {
        return "UTC".to_owned();
    }
    let sign = if utc_offset_secs < 0 { '-' } else { '+' };
    let minutes = utc_offset_secs.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::days_from_civil;

    const HOUR: i64 = 3_600;

    /// 2025-10-26 00:00 UTC: in Central Europe summer time (UTC+2) ends at 01:00 UTC that day.
    fn october_26() -> i64 {
        days_from_civil(2025, 10, 26) * 86_400
    }

    fn offset(secs: i32) -> impl FnOnce(i64) -> Result<i32, std::io::Error> {
        move |_| Ok(secs)
    }

    fn unreadable(_: i64) -> Result<i32, std::io::Error> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no zone file",
        ))
    }

    #[test]
    fn the_offset_is_read_again_when_a_new_review_day_begins() {
        // Saturday 23:00 local (UTC+2), days rolling over at 4:00.
        let evening = october_26() - 3 * HOUR;
        let (mut watch, start) = ZoneWatch::start(4, evening, offset(7_200));
        assert_eq!(start.utc_offset_secs, 7_200);
        assert_eq!(start.notice, None);
        let clock = DayClock::new(4, 7_200);
        let before = clock.day(evening);
        assert_eq!(watch.poll(clock, evening + HOUR, offset(7_200)), None);
        // 02:00 UTC is 04:00 by the summer offset: a new day by the clock in use, so the offset
        // is read again and is winter time's.
        let summer_rollover = october_26() + 2 * HOUR;
        let read = watch
            .poll(clock, summer_rollover, offset(3_600))
            .expect("a new day by the old offset");
        assert_eq!(read.utc_offset_secs, 3_600);
        assert_eq!(read.notice, None);
        // By winter time it is 03:00: still Saturday's review day, until 04:00 winter time.
        let clock = DayClock::new(4, 3_600);
        assert_eq!(clock.day(summer_rollover), before);
        assert_eq!(
            watch.poll(clock, summer_rollover + HOUR / 2, offset(3_600)),
            None
        );
        let winter_rollover = october_26() + 3 * HOUR;
        let read = watch
            .poll(clock, winter_rollover, offset(3_600))
            .expect("the new day by winter time");
        assert_eq!(read.utc_offset_secs, 3_600);
        assert_eq!(clock.day(winter_rollover), before + 1);
        assert_eq!(
            watch.poll(clock, winter_rollover + 20 * HOUR, offset(3_600)),
            None
        );
    }

    #[test]
    fn an_unreadable_offset_is_utc_at_start_with_a_notice() {
        let (watch, start) = ZoneWatch::start(4, october_26(), unreadable);
        assert_eq!(start.utc_offset_secs, 0);
        assert_eq!(
            start.notice.as_deref(),
            Some(
                "The local time zone cannot be read (no zone file); review days roll over at \
                 4:00 UTC."
            )
        );
        assert_eq!(watch.day, DayClock::new(4, 0).day(october_26()));
    }

    #[test]
    fn an_offset_that_cannot_be_read_later_is_kept_and_said_once() {
        let (mut watch, _) = ZoneWatch::start(4, october_26(), offset(-34_200));
        let clock = DayClock::new(4, -34_200);
        let next_day = clock.next_day_start_secs(october_26());
        let read = watch.poll(clock, next_day, unreadable).expect("a new day");
        assert_eq!(
            read.utc_offset_secs, -34_200,
            "the last offset read is kept"
        );
        assert_eq!(
            read.notice.as_deref(),
            Some(
                "The local time zone cannot be read (no zone file); review days keep rolling \
                 over at 4:00 UTC-09:30."
            )
        );
        let day_after = clock.next_day_start_secs(next_day);
        let again = watch.poll(clock, day_after, unreadable).expect("a new day");
        assert_eq!(again.notice, None, "said once while it stays unreadable");
        let readable = clock.next_day_start_secs(day_after);
        let back = watch
            .poll(clock, readable, offset(-36_000))
            .expect("a new day");
        assert_eq!((back.utc_offset_secs, back.notice), (-36_000, None));
        let later = DayClock::new(4, -36_000).next_day_start_secs(readable);
        let after_recovery = watch.poll(DayClock::new(4, -36_000), later, unreadable);
        assert!(
            after_recovery.is_some_and(|read| read.notice.is_some()),
            "a new failure after a good read is said again"
        );
    }

    #[test]
    fn offsets_are_named_in_hours_and_minutes() {
        assert_eq!(utc_name(0), "UTC");
        assert_eq!(utc_name(7_200), "UTC+02:00");
        assert_eq!(utc_name(-34_200), "UTC-09:30");
        assert_eq!(utc_name(20_700), "UTC+05:45");
    }
}
