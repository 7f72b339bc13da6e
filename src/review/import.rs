//! Scheduling brought in from an Anki package: FSRS memory states become this store's card
//! states, so a deck studied in Anki keeps its due dates here.
//!
//! Only cards with an FSRS memory state (Anki's card `data` with stability and difficulty) are
//! scheduled; Anki's SM-2 ease factors say nothing FSRS can use, so those cards start new, as
//! Anki itself treats cards without memory states when FSRS is turned on. A card that already
//! has progress here is never overwritten: importing a package again keeps what was studied
//! since. Suspension comes along either way.

use rusqlite::params;

use super::cards::StateRow;
use super::error::StoreError;
use super::scheduler::Scheduler;
use super::states::{CardSchedule, CardState, LearnState, Memory, ReviewState};
use super::store::Store;
use crate::deck::apkg::{AnkiPhase, AnkiProgress};

/// What [`Store::import_anki_progress`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgressImport {
    /// Cards given Anki's memory state and due date.
    pub scheduled: usize,
    /// Cards suspended because they were suspended in Anki.
    pub suspended: usize,
    /// Cards left alone because they already have progress here.
    pub kept: usize,
}

/// The card state for Anki's scheduling, or `None` when the card should stay new (no memory
/// state, or new in Anki).
pub fn schedule_of(progress: &AnkiProgress, scheduler: &Scheduler) -> Option<CardSchedule> {
    let (stability_days, difficulty) = progress.memory?;
    let memory = Memory {
        stability_days,
        difficulty,
    };
    let clock = scheduler.clock();
    let config = scheduler.config();
    let review = |due_secs: i64, interval_days: u32| {
        CardState::Review(ReviewState {
            due_day: clock.day(due_secs),
            scheduled_days: interval_days.max(1),
            memory,
        })
    };
    let state = match progress.phase {
        AnkiPhase::New => return None,
        AnkiPhase::Review {
            due_secs,
            interval_days,
        } => review(due_secs, interval_days),
        AnkiPhase::Learning {
            relearning,
            due_secs,
            remaining_steps,
        } => {
            let steps = if relearning {
                &config.relearning_steps_secs
            } else {
                &config.learning_steps_secs
            };
            if steps.is_empty() {
                review(due_secs, 1)
            } else {
                // Anki counts the steps left; this store counts the step the card is on.
                let left = usize::try_from(remaining_steps).unwrap_or(usize::MAX);
                let step = steps.len().saturating_sub(left).min(steps.len() - 1);
                let learn = LearnState {
                    step: u32::try_from(step).unwrap_or(0),
                    due_secs,
                    memory,
                };
                if relearning {
                    CardState::Relearning(learn)
                } else {
                    CardState::Learning(learn)
                }
            }
        }
    };
    Some(CardSchedule {
        state,
        last_review_secs: progress.last_review_secs,
        reps: progress.reps,
        lapses: progress.lapses,
    })
}

impl Store {
    /// Records `card_ids` as deck `deck_id` (see [`Store::sync_deck`]) and gives the cards in
    /// `progress` Anki's scheduling, in one transaction, except cards that have progress here
    /// already.
    pub fn import_anki_progress<S: AsRef<str>>(
        &mut self,
        scheduler: &Scheduler,
        deck_id: &str,
        card_ids: &[S],
        progress: &[AnkiProgress],
    ) -> Result<ProgressImport, StoreError> {
        self.sync_deck(deck_id, card_ids)?;
        let mut summary = ProgressImport::default();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut select = tx
                .prepare("SELECT id, reps, phase FROM cards WHERE deck_id = ?1 AND card_id = ?2")?;
            let mut suspend = tx.prepare("UPDATE cards SET suspended = 1 WHERE id = ?1")?;
            for card in progress {
                let Some((row_id, reps, phase)) = select
                    .query_row(params![deck_id, card.card_id], |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, i64>(1)?,
                            row.get::<_, i64>(2)?,
                        ))
                    })
                    .ok()
                else {
                    continue;
                };
                if reps > 0 || phase != 0 {
                    summary.kept += 1;
                    continue;
                }
                if let Some(schedule) = schedule_of(card, scheduler) {
                    super::answer::write_state(&tx, row_id, &StateRow::encode(&schedule))?;
                    summary.scheduled += 1;
                }
                if card.suspended {
                    suspend.execute([row_id])?;
                    summary.suspended += 1;
                }
            }
        }
        tx.commit()?;
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::testing::{NOW_SECS, open_temp, scheduler};

    fn progress(phase: AnkiPhase, memory: Option<(f32, f32)>) -> AnkiProgress {
        AnkiProgress {
            card_id: "a".into(),
            memory,
            phase,
            reps: 3,
            lapses: 1,
            last_review_secs: Some(NOW_SECS - 86_400),
            suspended: false,
        }
    }

    #[test]
    fn review_and_learning_cards_keep_memory_and_due_dates() {
        let scheduler = scheduler();
        let clock = scheduler.clock();
        let due = NOW_SECS + 5 * 86_400;
        let review = progress(
            AnkiPhase::Review {
                due_secs: due,
                interval_days: 9,
            },
            Some((12.5, 4.0)),
        );
        let schedule = schedule_of(&review, &scheduler).expect("scheduled");
        assert_eq!(
            schedule.state,
            CardState::Review(ReviewState {
                due_day: clock.day(due),
                scheduled_days: 9,
                memory: Memory {
                    stability_days: 12.5,
                    difficulty: 4.0
                }
            })
        );
        assert_eq!((schedule.reps, schedule.lapses), (3, 1));
        // Default learning steps are 1m 10m: one step left means the card is on the second.
        let learning = progress(
            AnkiPhase::Learning {
                relearning: false,
                due_secs: NOW_SECS + 600,
                remaining_steps: 1,
            },
            Some((2.3, 2.1)),
        );
        let state = schedule_of(&learning, &scheduler).expect("scheduled").state;
        assert!(
            matches!(state, CardState::Learning(LearnState { step: 1, .. })),
            "{state:?}"
        );
        assert_eq!(
            schedule_of(&progress(AnkiPhase::New, Some((1.0, 5.0))), &scheduler),
            None
        );
        let sm2 = progress(
            AnkiPhase::Review {
                due_secs: due,
                interval_days: 9,
            },
            None,
        );
        assert_eq!(schedule_of(&sm2, &scheduler), None, "no memory state: new");
    }

    #[test]
    fn progress_is_written_once_and_never_over_what_was_studied_here() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        let mut card = progress(
            AnkiPhase::Review {
                due_secs: NOW_SECS + 86_400,
                interval_days: 3,
            },
            Some((4.0, 5.0)),
        );
        card.suspended = true;
        let ids = ["a", "b"];
        let first = store
            .import_anki_progress(&scheduler, "d", &ids, std::slice::from_ref(&card))
            .expect("import");
        assert_eq!(
            first,
            ProgressImport {
                scheduled: 1,
                suspended: 1,
                kept: 0
            }
        );
        let schedule = store.card_schedule("d", "a").expect("card a");
        assert!(matches!(schedule.state, CardState::Review(_)));
        assert_eq!(
            store.card_schedule("d", "b").expect("card b"),
            CardSchedule::NEW
        );
        let again = store
            .import_anki_progress(&scheduler, "d", &ids, &[card])
            .expect("import again");
        assert_eq!(again.kept, 1, "{again:?}");
        assert_eq!(again.scheduled, 0);
    }
}
