//! The flashcard reviewer as the app shows it: the loaded deck, the progress store, the card
//! under review and what the student does with it.
//!
//! [`Reviewer`] holds no egui state; the panel ([`panel`]), the card browser ([`browser`]) and the
//! statistics window ([`stats_ui`]) draw it and call its operations. Every operation that can fail
//! reports a message instead of panicking, and a failure never touches the loaded deck or saved
//! progress (answers are single SQLite transactions in [`crate::review`]).
//!
//! This file holds the session (the card shown, answers, undo, today's queue); `decks.rs` loads
//! the reviewed decks and finds their cards, `background.rs` checkpoints, backs up and notices a
//! new review day, and `authoring.rs` writes card changes.

mod authoring;
mod background;
pub mod browser;
mod decks;
pub mod editor;
mod markdown_ui;
pub mod panel;
pub mod quiz_ui;
pub mod settings_ui;
pub mod stats_ui;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use crate::deck::{self, Deck};
use crate::review::config::SchedulerConfig;
use crate::review::error::{ConfigError, StoreError};
use crate::review::queue::SessionCounts;
use crate::review::rating::Rating;
use crate::review::scheduler::Scheduler;
use crate::review::store::{Store, local_utc_offset_secs};
use crate::review::zone::ZoneWatch;
use crate::scene::SceneLink;

pub use authoring::{CardChangeError, Target};
pub use background::IDLE_CHECKPOINT_SECS;
use background::start_backup;
use decks::Loaded;
pub use decks::OpenDeckError;

/// Why a window that reads review progress (statistics, the browser) has nothing to show.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// The progress store is not open; the reviewer's problem says why.
    #[error("{why}")]
    NoStore {
        /// The panel's message, e.g. that no data folder was given.
        why: String,
    },
    /// Reading the store failed.
    #[error(transparent)]
    Read(#[from] StoreError),
}

/// The time source, in Unix seconds: the wall clock in the app, a fixed time in tests.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            })
    })
}

/// A card of one of the reviewed decks: two decks may use the same card id, so a card is named
/// by both (progress is stored under both too).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CardKey {
    /// The deck's id.
    pub deck_id: String,
    /// The card's id in that deck.
    pub card_id: String,
}

impl CardKey {
    /// The card `card_id` of the deck `deck_id`.
    pub fn new(deck_id: &str, card_id: &str) -> Self {
        Self {
            deck_id: deck_id.to_owned(),
            card_id: card_id.to_owned(),
        }
    }
}

/// The card being reviewed.
#[derive(Clone, Debug, PartialEq)]
pub struct Current {
    /// The id of its deck (in "All decks", any of them).
    pub deck_id: String,
    /// Its id in the deck.
    pub card_id: String,
    /// Whether the answer side is shown.
    pub revealed: bool,
    /// When it was shown (for the review log's answer time).
    pub shown_at_secs: i64,
    /// The intervals Again, Hard, Good and Easy would give, e.g. `["<1m", "<6m", "<10m", "8d"]`.
    pub labels: [String; 4],
}

/// One step undo can take back, newest last: an answer (in the progress store) or a card change
/// (in a deck file).
#[derive(Clone, Debug)]
enum UndoStep {
    Answer,
    Card(Box<authoring::CardUndo>),
}

/// The reviewer's whole state.
pub struct Reviewer {
    clock: Clock,
    store: Option<Store>,
    problem: Option<String>,
    notices: Vec<String>,
    scheduler: Scheduler,
    /// The deck the panel reviews; in "All decks", the built-in deck.
    primary: Loaded,
    /// In "All decks", the user's decks in the data folder, in the deck menu's order.
    others: Vec<Loaded>,
    /// Whether the panel reviews every deck at once.
    all_decks: bool,
    /// The data folder: the user's decks and the overrides of built-in cards.
    data_dir: Option<PathBuf>,
    /// The user's decks in the data folder and the files that could not be read.
    user_decks: (Vec<deck::user::UserDeck>, Vec<String>),
    /// The built-in deck's name, for the deck menu (read once, not per frame).
    builtin_name: String,
    undo_steps: Vec<UndoStep>,
    counts: SessionCounts,
    current: Option<Current>,
    session_start_secs: i64,
    answered_this_session: usize,
    backup: Option<Receiver<Result<(), StoreError>>>,
    /// Changes waiting for a checkpoint: the store's change counter and when it was first seen
    /// at that value (the last change, as the counter is read every frame).
    pending_checkpoint: Option<(u64, i64)>,
    /// The review day the local UTC offset was read for (read again at the next).
    zone: ZoneWatch,
}

impl Reviewer {
    /// Opens the progress store in `data_dir` (none: progress is off and the panel says why) and
    /// loads the deck at `deck_path` (none, or a deck that fails to load: the built-in deck),
    /// scheduling with `config` (invalid saved settings fall back to the defaults, with a notice).
    pub fn new(
        clock: Clock,
        data_dir: Option<&Path>,
        deck_path: Option<&Path>,
        config: SchedulerConfig,
    ) -> Self {
        let now = clock();
        let (zone, read) = ZoneWatch::start(config.rollover_hour, now, local_utc_offset_secs);
        let offset = read.utc_offset_secs;
        let mut notices: Vec<String> = read.notice.into_iter().collect();
        let scheduler = Scheduler::new(config, offset)
            .or_else(|err| {
                notices.push(format!(
                    "The saved review settings are invalid ({err}); the defaults are used."
                ));
                Scheduler::new(SchedulerConfig::default(), offset)
            })
            .unwrap_or_else(|err| {
                notices.push(format!(
                    "The local time zone is unusable ({err}); days roll over in UTC."
                ));
                Scheduler::with_defaults(0)
            });
        let (store, problem, backup) = match data_dir {
            None => (
                None,
                Some("Review progress is off: no data folder was given.".to_owned()),
                None,
            ),
            Some(dir) => match Store::open(dir, now) {
                Ok(opened) => {
                    if let Some(recovery) = &opened.recovery {
                        notices.push(recovery.to_string());
                    }
                    let backup = start_backup(dir, &scheduler, now);
                    (Some(opened.store), None, Some(backup))
                }
                Err(err) => (
                    None,
                    Some(format!("Review progress is unavailable: {err}")),
                    None,
                ),
            },
        };
        let mut reviewer = Self {
            clock,
            store,
            problem,
            notices,
            scheduler,
            primary: Loaded::new(Deck::default(), None, false, 0),
            others: Vec::new(),
            all_decks: false,
            data_dir: data_dir.map(Path::to_owned),
            user_decks: (Vec::new(), Vec::new()),
            builtin_name: String::new(),
            undo_steps: Vec::new(),
            counts: SessionCounts::default(),
            current: None,
            session_start_secs: now,
            answered_this_session: 0,
            backup,
            pending_checkpoint: None,
            zone,
        };
        let builtin = reviewer.builtin_with_overrides();
        reviewer.builtin_name.clone_from(&builtin.deck.meta.name);
        reviewer.primary = builtin;
        reviewer.reload_user_decks();
        if let Some(path) = deck_path
            && let Err(message) = reviewer.open_deck(path)
        {
            reviewer
                .notices
                .push(format!("{message} The built-in deck is shown instead."));
        }
        reviewer.sync_and_refresh();
        reviewer
    }

    /// Why progress cannot be saved, if it cannot.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Messages for the student (a recovered database, a deck that failed to load).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Dismisses the notices.
    pub fn clear_notices(&mut self) {
        self.notices.clear();
    }

    /// New, learning and due cards left today.
    pub fn counts(&self) -> SessionCounts {
        self.counts
    }

    /// The card under review, if any is left today.
    pub fn current(&self) -> Option<&Current> {
        self.current.as_ref()
    }

    /// Answers given since the app started.
    pub fn answered_this_session(&self) -> usize {
        self.answered_this_session
    }

    /// The card under review and its deck, when it is a deck card (not a quiz).
    pub fn current_key(&self) -> Option<CardKey> {
        let current = self.current.as_ref()?;
        Some(CardKey::new(&current.deck_id, &current.card_id))
    }

    /// The progress store, when it is open.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// The progress store to read from, or why it is not open.
    pub fn store_to_read(&self) -> Result<&Store, ProgressError> {
        self.store.as_ref().ok_or_else(|| ProgressError::NoStore {
            why: self
                .problem
                .clone()
                .unwrap_or_else(|| "Review progress is unavailable.".to_owned()),
        })
    }

    /// The progress store for changes (browser actions), when it is open.
    pub fn store_mut(&mut self) -> Option<&mut Store> {
        self.store.as_mut()
    }

    /// The scheduler (for its day clock and settings).
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// Schedules with new settings from now on (daily limits, retention, steps). Invalid settings
    /// change nothing and the error says which one is wrong.
    pub fn set_config(&mut self, config: SchedulerConfig) -> Result<(), ConfigError> {
        let offset = self.scheduler.clock().utc_offset_secs();
        self.scheduler = Scheduler::new(config, offset)?;
        let keep = self
            .current
            .as_ref()
            .map(|c| (c.card_id.clone(), c.revealed));
        self.current = None;
        self.refresh();
        if let Some((card_id, revealed)) = keep
            && self.current.as_ref().is_some_and(|c| c.card_id == card_id)
        {
            self.reveal_if(revealed);
        }
        Ok(())
    }

    fn reveal_if(&mut self, revealed: bool) {
        if revealed {
            self.reveal();
        }
    }

    /// The current time from the reviewer's clock.
    pub fn now_secs(&self) -> i64 {
        (self.clock)()
    }

    /// Whether a card is waiting for the student: the reviewer's keys act only then.
    pub fn is_reviewing(&self) -> bool {
        self.current.is_some()
    }

    /// Shows the answer side (a quiz card has none: it is answered by a choice).
    pub fn reveal(&mut self) {
        if self.current_quiz().is_some() {
            return;
        }
        if let Some(current) = &mut self.current {
            current.revealed = true;
        }
    }

    /// The current card's quiz family and the seed of the instance it shows, if it is a quiz.
    /// The seed is the moment the card was shown, so each time it comes due it asks anew.
    pub fn current_quiz(&self) -> Option<(&'static crate::quiz::Family, u64)> {
        let current = self.current.as_ref()?;
        let family = crate::quiz::family_of_card(&current.card_id)?;
        Some((family, current.shown_at_secs.unsigned_abs()))
    }

    /// Records a quiz card's answer (the panel computes the rating from right or wrong and the
    /// time taken) and moves on, like grading a revealed card.
    pub fn answer_quiz(&mut self, rating: Rating) {
        if self.current_quiz().is_none() {
            return;
        }
        if let Some(current) = &mut self.current {
            current.revealed = true;
        }
        self.answer(rating);
    }

    /// Grades the current card (only after it was revealed) and moves on. Errors (a full disk,
    /// a locked database) are reported and the card stays, so nothing is lost.
    pub fn answer(&mut self, rating: Rating) {
        let Some(current) = self.current.clone() else {
            return;
        };
        if !current.revealed {
            return;
        }
        let now = self.now_secs();
        let Some(store) = &mut self.store else {
            return;
        };
        let elapsed_ms = (now - current.shown_at_secs).clamp(0, 3600) * 1000;
        let duration_ms = u32::try_from(elapsed_ms).unwrap_or(0);
        match store.answer(
            &self.scheduler,
            &current.deck_id,
            &current.card_id,
            rating,
            now,
            duration_ms,
        ) {
            Ok(_) => {
                self.undo_steps.push(UndoStep::Answer);
                self.answered_this_session += 1;
                self.current = None;
                self.refresh();
                if self.current.is_none() {
                    // The session is over: nothing of it should depend on the WAL file.
                    self.checkpoint();
                }
            }
            Err(err) => self
                .notices
                .push(format!("The answer was not saved: {err}")),
        }
    }

    /// Takes back the last step of this session: a card change (added, edited or deleted) or
    /// an answer, whose card is shown again.
    pub fn undo(&mut self) {
        if let Some(UndoStep::Card(change)) = self.undo_steps.last().cloned() {
            self.undo_steps.pop();
            self.undo_card_change(change);
            return;
        }
        self.undo_steps.pop();
        let Some(store) = &mut self.store else {
            return;
        };
        match store.undo_last(self.session_start_secs) {
            Ok(Some(undone)) => {
                self.answered_this_session = self.answered_this_session.saturating_sub(1);
                let key = CardKey::new(&undone.entry.deck_id, &undone.entry.card_id);
                self.refresh();
                // A quiz card comes back unanswered: it is answered by a choice, not a grade.
                let quiz = crate::quiz::family_of_card(&key.card_id).is_some();
                let reviewed = self.loaded_of(&key.deck_id).is_some();
                if reviewed && (quiz || self.card_in(&key).is_some()) {
                    self.show_card(&key, !quiz);
                }
            }
            Ok(None) => self
                .notices
                .push("Nothing to undo in this session.".to_owned()),
            Err(err) => self.notices.push(format!("Undo failed: {err}")),
        }
    }

    /// The scene link of the current card, if it has a valid one (a quiz: the scene it asks
    /// about).
    pub fn current_scene(&self) -> Option<SceneLink> {
        if let Some((family, seed)) = self.current_quiz() {
            return family.instance(seed).ok().map(|instance| instance.at);
        }
        let card = self.card_in(&self.current_key()?)?;
        SceneLink::parse(card.scene.as_deref()?).ok()
    }

    /// Re-reads today's queue (after the browser changed cards, or when the day rolled over).
    pub fn refresh(&mut self) {
        let Some(store) = &self.store else {
            self.current = None;
            return;
        };
        let now = (self.clock)();
        let ids = self.queue_order();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        match store.today_queue_of_decks(&self.scheduler, &ids, now) {
            Ok(queue) => {
                self.counts = queue.counts;
                let in_queue = |current: &Current| {
                    ids.iter()
                        .position(|id| *id == current.deck_id)
                        .is_some_and(|deck| queue.contains(deck, &current.card_id))
                };
                let keep = self.current.as_ref().is_some_and(in_queue);
                let next = queue
                    .next_card()
                    .and_then(|(deck, card_id)| Some(CardKey::new(ids.get(*deck)?, card_id)));
                if !keep {
                    self.current = None;
                    if let Some(next) = next {
                        self.show_card(&next, false);
                    }
                }
            }
            Err(err) => self.problem = Some(format!("Cannot read today's cards: {err}")),
        }
    }

    /// The reviewed decks' ids in the order their new cards are gathered: by name, as Anki's
    /// deck list sorts them and its default new-card gather order ("Deck") walks them.
    fn queue_order(&self) -> Vec<String> {
        let mut decks: Vec<&Deck> = self.decks().collect();
        decks.sort_by_cached_key(|deck| (deck.meta.name.to_lowercase(), deck.meta.id.clone()));
        decks.into_iter().map(|deck| deck.meta.id.clone()).collect()
    }

    fn show_card(&mut self, key: &CardKey, revealed: bool) {
        let now = self.now_secs();
        let Some(store) = &self.store else {
            return;
        };
        let CardKey { deck_id, card_id } = key;
        let labels = match store.next_states(&self.scheduler, deck_id, card_id, now) {
            Ok(next) => self.scheduler.button_labels(&next),
            Err(err) => {
                self.notices
                    .push(format!("Cannot schedule {card_id:?}: {err}"));
                return;
            }
        };
        self.current = Some(Current {
            deck_id: deck_id.clone(),
            card_id: card_id.clone(),
            revealed,
            shown_at_secs: now,
            labels,
        });
    }

    fn sync_and_refresh(&mut self) {
        if let Some(store) = &mut self.store {
            let decks =
                std::iter::once(&self.primary.deck).chain(self.others.iter().map(|l| &l.deck));
            for deck in decks {
                let ids: Vec<&str> = deck.cards.iter().map(|card| card.id.as_str()).collect();
                // Quiz families are cards too, placed after the first card on their idea.
                let ids = crate::quiz::with_quizzes(&ids);
                if let Err(err) = store.sync_deck(&deck.meta.id, &ids) {
                    self.problem = Some(format!("Cannot record the deck's cards: {err}"));
                }
            }
        }
        self.refresh();
        // A deck's start (and what a killed session left in the WAL) goes into the file at once.
        self.checkpoint();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::{Landing, LinkChecker};

    /// 2025-03-10 10:00 UTC.
    const NOW: i64 = 1_741_600_800;

    fn fixed(now: i64) -> Clock {
        Arc::new(move || now)
    }

    fn default_reviewer_in(dir: &Path) -> Reviewer {
        Reviewer::new(fixed(NOW), Some(dir), None, SchedulerConfig::default())
    }

    #[test]
    fn without_a_data_folder_cards_show_but_progress_is_off() {
        let reviewer = Reviewer::new(fixed(NOW), None, None, SchedulerConfig::default());
        assert!(reviewer.problem().unwrap().contains("no data folder"));
        assert!(!reviewer.is_reviewing());
        assert!(reviewer.deck().cards.len() >= 81);
    }

    #[test]
    fn reveal_grade_and_undo_go_through_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let mut reviewer = default_reviewer_in(dir.path());
        let first = reviewer.current().unwrap().card_id.clone();
        assert_eq!(
            first,
            reviewer.deck().cards[0].id,
            "new cards come in deck order"
        );
        assert_eq!(reviewer.counts().new, 20, "the default new-card limit");
        reviewer.answer(Rating::Good);
        assert_eq!(
            reviewer.answered_this_session(),
            0,
            "grading needs the answer shown first"
        );
        reviewer.reveal();
        reviewer.answer(Rating::Good);
        assert_eq!(reviewer.answered_this_session(), 1);
        assert_ne!(reviewer.current().unwrap().card_id, first);
        reviewer.undo();
        let current = reviewer.current().unwrap();
        assert_eq!(current.card_id, first, "undo brings the card back");
        assert!(current.revealed);
        assert_eq!(reviewer.answered_this_session(), 0);
    }

    /// Waits for the background check and backup, whose reading holds back a checkpoint.
    fn finish_background(reviewer: &mut Reviewer) {
        if let Some(receiver) = reviewer.backup.take() {
            receiver.recv().ok();
        }
    }

    /// How many answers the database file alone, without its `-wal`, has in its review log:
    /// what survives when the WAL file disappears.
    fn answers_in_the_file_alone(data_dir: &Path) -> i64 {
        let copy = tempfile::tempdir().unwrap();
        let file = crate::review::store::DATABASE_FILE;
        std::fs::copy(data_dir.join(file), copy.path().join(file)).unwrap();
        let conn = rusqlite::Connection::open(copy.path().join(file)).unwrap();
        conn.query_row("SELECT count(*) FROM revlog", [], |row| row.get(0))
            .unwrap()
    }

    /// Answers were only in the WAL until SQLite's automatic checkpoint (1,000 pages), so a
    /// `-wal` that disappeared while the app ran took them along (6 of 6 lost in the
    /// reliability run). Now a pause of a few seconds copies them into the file.
    #[test]
    fn answers_reach_the_database_file_when_the_student_pauses() {
        let dir = tempfile::tempdir().unwrap();
        let now = Arc::new(std::sync::atomic::AtomicI64::new(NOW));
        let clock_now = Arc::clone(&now);
        let clock: Clock = Arc::new(move || clock_now.load(std::sync::atomic::Ordering::Relaxed));
        let mut reviewer = Reviewer::new(clock, Some(dir.path()), None, SchedulerConfig::default());
        finish_background(&mut reviewer);
        // What the backup's reading held back at the start is copied after a pause too.
        now.fetch_add(5, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(reviewer.checkpoint_when_idle(), None, "nothing waits");
        assert_eq!(answers_in_the_file_alone(dir.path()), 0);
        for _ in 0..3 {
            reviewer.reveal();
            reviewer.answer(Rating::Good);
            let wait = reviewer.checkpoint_when_idle();
            assert_eq!(
                wait,
                Some(std::time::Duration::from_secs(5)),
                "asks for a frame later"
            );
            now.fetch_add(2, std::sync::atomic::Ordering::Relaxed);
        }
        assert_eq!(
            reviewer.checkpoint_when_idle(),
            Some(std::time::Duration::from_secs(3))
        );
        assert_eq!(
            answers_in_the_file_alone(dir.path()),
            0,
            "still in the WAL only"
        );
        now.fetch_add(3, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(
            reviewer.checkpoint_when_idle(),
            None,
            "done: no more frames asked for"
        );
        assert_eq!(answers_in_the_file_alone(dir.path()), 3);
    }

    /// The last card of the day answered: the session's answers are in the file at once.
    #[test]
    fn the_end_of_a_session_checkpoints_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let one_card = SchedulerConfig {
            new_cards_per_day: 1,
            ..SchedulerConfig::default()
        };
        let mut reviewer = Reviewer::new(fixed(NOW), Some(dir.path()), None, one_card);
        finish_background(&mut reviewer);
        reviewer.reveal();
        reviewer.answer(Rating::Easy);
        assert!(!reviewer.is_reviewing(), "nothing left today");
        assert_eq!(answers_in_the_file_alone(dir.path()), 1);
        assert_eq!(reviewer.checkpoint_when_idle(), None);
    }

    #[test]
    fn settings_change_the_limits_and_bad_ones_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut reviewer = default_reviewer_in(dir.path());
        let fewer = SchedulerConfig {
            new_cards_per_day: 5,
            ..SchedulerConfig::default()
        };
        reviewer.set_config(fewer).unwrap();
        assert_eq!(reviewer.counts().new, 5);
        let bad = SchedulerConfig {
            desired_retention: 1.5,
            ..SchedulerConfig::default()
        };
        let err = reviewer.set_config(bad).unwrap_err();
        assert_eq!(err, ConfigError::Retention(1.5));
        assert!(err.to_string().contains("1.5"), "{err}");
        assert_eq!(reviewer.counts().new, 5, "the old settings stay");
        assert_eq!(reviewer.scheduler().config().new_cards_per_day, 5);
    }

    #[test]
    fn a_bad_deck_file_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut reviewer = default_reviewer_in(dir.path());
        let before = reviewer.deck().meta.id.clone();
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "format = \"virtscope-deck\"\nversion = 99\n").unwrap();
        let message = reviewer.open_deck(&bad).unwrap_err().to_string();
        assert!(message.contains("bad.toml"), "{message}");
        assert_eq!(reviewer.deck().meta.id, before);
        assert!(reviewer.deck_path().is_none());
    }

    #[test]
    fn cards_for_a_scene_are_those_whose_link_lands_there() {
        let reviewer = Reviewer::new(fixed(NOW), None, None, SchedulerConfig::default());
        let mut checker = LinkChecker::default();
        let mut here = |text: &str| checker.landing(text).expect("the link opens");
        let ids = |landing: &Landing| -> Vec<String> {
            reviewer
                .cards_for_scene(landing)
                .iter()
                .map(|(_, card)| card.id.clone())
                .collect()
        };
        for card in &reviewer.deck().cards {
            let landing = here(card.scene.as_deref().expect("every card links"));
            assert!(
                ids(&landing).contains(&card.id),
                "{} at its own link",
                card.id
            );
        }
        let popf = ids(&here("cpu/trap-emulate?program=popf&step=irq-lost"));
        assert!(popf.contains(&"example-of-a-critical-instruction".to_owned()));
        let start = ids(&here("cpu/trap-emulate?program=popf&step=0"));
        assert!(
            !start.contains(&"example-of-a-critical-instruction".to_owned()),
            "the card's step, not every step: {start:?}"
        );
        let overview = ids(&here("overview?step=3"));
        assert!(
            overview.len() < 4,
            "a card linking to a selection or another view is not about the plain overview: {overview:?}"
        );
    }
}
