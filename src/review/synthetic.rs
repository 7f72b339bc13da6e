//! A synthetic collection for benchmarks: many cards in every state and a long review log.
//!
//! Why: the budgets (open a 100 000-card, 1 000 000-answer collection and compute today's queue in
//! under 300 ms; answer in under 5 ms) must be measured on data shaped like a real heavy user's,
//! with many cards due, overdue and in learning, so that a missing index shows up. The generator is
//! seeded (SplitMix64), so every run builds the same collection.

use rusqlite::params;

use super::cards::StateRow;
use super::error::StoreError;
use super::schema::log_kind;
use super::states::{CardSchedule, CardState, LearnState, Memory, ReviewState};
use super::store::Store;
use super::time::{DayClock, SECS_PER_DAY};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntheticSpec {
    /// The deck to fill.
    pub deck_id: String,
    /// Number of cards (a quarter of them new).
    pub cards: u32,
    /// Number of review-log rows, spread over the answered cards and the two years before today.
    pub log_rows: u32,
    /// "Now" for the collection: due dates are spread around it.
    pub now_secs: i64,
    /// Seed of the generator.
    pub seed: u64,
}

/// SplitMix64: small, fast and good enough to spread synthetic data.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `low..high` (`high > low`).
    fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = u64::try_from(high - low).unwrap_or(1).max(1);
        low + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// The card ids the generator uses, in deck order.
pub fn synthetic_card_ids(cards: u32) -> Vec<String> {
    (0..cards).map(|i| format!("card-{i:06}")).collect()
}

/// Fills `store` with `spec`'s deck: syncs the ids, gives three quarters of the cards a learning,
/// review or relearning state around `spec.now_secs`, and writes `spec.log_rows` log rows.
pub fn generate_collection(
    store: &mut Store,
    clock: DayClock,
    spec: &SyntheticSpec,
) -> Result<(), StoreError> {
    let ids = synthetic_card_ids(spec.cards);
    store.sync_deck(&spec.deck_id, &ids)?;
    // A large page cache while writing keeps the randomly ordered `revlog_card` index in memory
    // (several times faster at a million rows); SQLite's default (2 MB) is restored after.
    store.conn.pragma_update(None, "cache_size", -131_072)?;
    let written = write_states_and_log(store, clock, spec);
    store.conn.pragma_update(None, "cache_size", -2_000)?;
    written
}

/// The body of [`generate_collection`] after the deck is synced.
fn write_states_and_log(
    store: &mut Store,
    clock: DayClock,
    spec: &SyntheticSpec,
) -> Result<(), StoreError> {
    let mut rng = SplitMix(spec.seed);
    let today = clock.day(spec.now_secs);
    let tx = store
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut answered_rows = Vec::new();
    {
        let mut row_ids =
            tx.prepare("SELECT id FROM cards WHERE deck_id = ?1 ORDER BY position")?;
        let rows: Vec<i64> = row_ids
            .query_map([&spec.deck_id], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        for (index, &row_id) in rows.iter().enumerate() {
            let kind = index % 20;
            if kind < 5 {
                continue;
            }
            let memory = Memory {
                stability_days: 0.5 + rng.unit() * 400.0,
                difficulty: 1.0 + rng.unit() * 9.0,
            };
            let learn = |rng: &mut SplitMix| LearnState {
                step: 0,
                due_secs: spec.now_secs + rng.range(-600, 3_600),
                memory,
            };
            let state = match kind {
                5 => CardState::Learning(learn(&mut rng)),
                6 => CardState::Relearning(learn(&mut rng)),
                _ => {
                    let scheduled_days = rng.range(1, 300);
                    CardState::Review(ReviewState {
                        due_day: today + rng.range(-5, 60),
                        scheduled_days: u32::try_from(scheduled_days).unwrap_or(1),
                        memory,
                    })
                }
            };
            let schedule = CardSchedule {
                state,
                last_review_secs: Some(spec.now_secs - rng.range(0, 300) * SECS_PER_DAY),
                reps: 5,
                lapses: u32::from(kind == 6),
            };
            super::answer::write_state(&tx, row_id, &StateRow::encode(&schedule))?;
            answered_rows.push((row_id, StateRow::encode(&schedule)));
        }
        let mut insert = tx.prepare(
            "INSERT INTO revlog (card, time_secs, kind, rating, duration_ms, interval_secs,
                phase_before, step_before, due_before, scheduled_days_before, stability_before,
                difficulty_before, last_review_before, reps_before, lapses_before,
                phase_after, step_after, stability_after, difficulty_after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, ?10, ?11, ?12, ?13, 0, ?14, 0, ?15,
                ?16)",
        )?;
        // Log ids grow with time, as in a real log; the rows end before today.
        let oldest = spec.now_secs - 730 * SECS_PER_DAY;
        let span_secs = clock.day_start_secs(today) - oldest;
        let rows_total = i64::from(spec.log_rows.max(1));
        for row in 0..i64::from(spec.log_rows) {
            if answered_rows.is_empty() {
                break;
            }
            let pick = usize::try_from(rng.next_u64() % answered_rows.len() as u64).unwrap_or(0);
            let Some(&(row_id, state)) = answered_rows.get(pick) else {
                break;
            };
            let time_secs = oldest + span_secs * row / rows_total;
            let rating = if rng.unit() < 0.12 {
                1
            } else {
                rng.range(2, 5)
            };
            let interval_days = rng.range(1, 300);
            insert.execute(params![
                row_id,
                time_secs,
                log_kind::ANSWER,
                rating,
                rng.range(2_000, 20_000),
                interval_days * SECS_PER_DAY,
                rng.range(0, 4),
                state.due,
                rng.range(0, 300),
                state.stability,
                state.difficulty,
                time_secs - interval_days * SECS_PER_DAY,
                rng.range(0, 30),
                state.phase,
                state.stability,
                state.difficulty
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NOW_SECS, open_temp, scheduler};
    use super::*;

    #[test]
    fn small_collection_has_every_state_and_the_log() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        let spec = SyntheticSpec {
            deck_id: "big".to_owned(),
            cards: 400,
            log_rows: 2_000,
            now_secs: NOW_SECS,
            seed: 1,
        };
        generate_collection(&mut store, scheduler.clock(), &spec).unwrap();
        let counts = store
            .due_counts("big", scheduler.clock(), NOW_SECS)
            .unwrap();
        assert_eq!(counts.total, 400);
        assert_eq!(counts.new, 100);
        assert!(counts.learning_due > 0 && counts.review_due > 0 && counts.review_later > 0);
        let log_rows: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM revlog", [], |r| r.get(0))
            .unwrap();
        assert_eq!(log_rows, 2_000);
        let queue = store.today_queue(&scheduler, "big", NOW_SECS).unwrap();
        assert_eq!(queue.counts.new, 20);
        assert!(queue.counts.review > 0);
        assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
    }
}
