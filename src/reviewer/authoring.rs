//! Writing cards from the app: add, edit and delete, the user's decks, and undo for all three.
//!
//! Every change goes to a file through [`deck::user`]: a card of the user's deck file is changed
//! in that file; a built-in card's edited copy goes to the overrides file in the data folder
//! (the built-in deck is never rewritten, and the card keeps its id and so its history). A file
//! changed on disk since the app loaded it is not written: the change is refused with a message
//! naming the file, and the editor keeps the text. Deleting a card takes it out of the deck file
//! only; its review log stays in the progress store (a card that comes back, by undo or by hand,
//! has its history again).
//!
//! In "All decks" each card goes to its own deck's file: the reviewer knows the file of every
//! deck it reviews ([`Reviewer::edit_target_of`]), so an edit of a user deck's card rewrites that
//! deck's file and an edit of a built-in card its override, whichever deck is shown first.
//! Undo writes back the file's exact text from before the change when nothing else wrote the
//! file since (so a deleted card's comments come back too), and otherwise puts the card back.

use std::path::{Path, PathBuf};

use super::{CardKey, Loaded, Reviewer, UndoStep};
use crate::deck::user::{self, UserDeck};
use crate::deck::{self, Card, Deck, DeckMeta};

/// Why a card change (or a new deck) was not saved; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum CardChangeError {
    /// No data folder, so no place for the user's decks and overrides.
    #[error("Edits cannot be saved: no data folder was given.")]
    NoDataFolder,
    /// No data folder to create a deck in.
    #[error("Decks cannot be created: no data folder was given.")]
    NoFolderForDecks,
    /// A new deck needs a name.
    #[error("Give the deck a name.")]
    NoName,
    /// The deck is not one the panel reviews.
    #[error("The deck {0:?} is not being reviewed.")]
    NotReviewed(String),
    /// Anki text or plain Q&A: read, never rewritten.
    #[error(
        "{} is not a virtscope deck (TOML), so the app does not rewrite it. Convert it with \
         `virtscope deck import` to edit its cards.",
        .0.display()
    )]
    NotNative(PathBuf),
    /// The reviewed deck no longer has the card.
    #[error("The deck no longer has the card {0:?}.")]
    CardGone(String),
    /// The deck file no longer has the card.
    #[error("The deck file no longer has the card {0:?}.")]
    CardGoneFromFile(String),
    /// Built-in cards are never deleted.
    #[error(
        "Built-in cards cannot be deleted; suspend the card in the browser so it is not shown."
    )]
    BuiltinDelete,
    /// Another program or window wrote the file since the app read it.
    #[error(
        "{} changed on disk since the app loaded it (another program or window wrote it). \
         Nothing was saved and your text is kept: reload the deck to see the change, then \
         save again.",
        .0.display()
    )]
    ChangedOnDisk(PathBuf),
    /// The changed card would not pass the deck check (the check's message).
    #[error("{0}")]
    Check(String),
    /// Reading, parsing or writing the deck file failed.
    #[error(transparent)]
    Deck(#[from] deck::DeckError),
    /// Loading the decks again failed.
    #[error(transparent)]
    Open(#[from] super::OpenDeckError),
}

/// The deck file a card change is written to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The overrides of the built-in deck, in the data folder.
    Builtin,
    /// One of the user's deck files (in the data folder's `decks/` or opened from anywhere).
    File(PathBuf),
}

/// One card change as undo needs it: the card as it was before (and where), or none for a card
/// that was added.
#[derive(Clone, Debug)]
pub struct CardUndo {
    target: Target,
    card_id: String,
    before: Option<(usize, Card)>,
    what: &'static str,
    /// The file's fingerprint after the change and its text before it: while the file still
    /// has that fingerprint, undo writes the old text back byte for byte.
    written: Written,
}

/// What a change wrote: the file's fingerprint afterwards and its whole text before.
#[derive(Clone, Debug)]
struct Written {
    print_after: u64,
    text_before: String,
}

impl Reviewer {
    /// The data folder the user's decks and overrides live in, when one was given.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// The built-in deck's name.
    pub fn builtin_name(&self) -> &str {
        &self.builtin_name
    }

    /// Whether the panel reviews the built-in deck alone (with the user's edits laid over it).
    pub fn is_builtin(&self) -> bool {
        self.primary.path.is_none() && !self.all_decks
    }

    /// Whether the reviewed deck `deck_id` is the built-in one.
    pub fn is_builtin_deck(&self, deck_id: &str) -> bool {
        self.loaded_of(deck_id)
            .is_some_and(|loaded| loaded.path.is_none())
    }

    /// Where edits of the loaded deck's cards go, or why they cannot be saved.
    pub fn edit_target(&self) -> Result<Target, CardChangeError> {
        self.target_of(&self.primary)
    }

    /// Where edits of the cards of the reviewed deck `deck_id` go, or why they cannot be saved.
    pub fn edit_target_of(&self, deck_id: &str) -> Result<Target, CardChangeError> {
        let loaded = self
            .loaded_of(deck_id)
            .ok_or_else(|| CardChangeError::NotReviewed(deck_id.to_owned()))?;
        self.target_of(loaded)
    }

    fn target_of(&self, loaded: &Loaded) -> Result<Target, CardChangeError> {
        match &loaded.path {
            None if self.data_dir.is_some() => Ok(Target::Builtin),
            None => Err(CardChangeError::NoDataFolder),
            Some(path) if loaded.native => Ok(Target::File(path.clone())),
            Some(path) => Err(CardChangeError::NotNative(path.clone())),
        }
    }

    /// The user's deck files in the data folder (cached; [`Self::reload_user_decks`] reads them
    /// again), and the files that could not be read.
    pub fn user_decks(&self) -> (&[UserDeck], &[String]) {
        (&self.user_decks.0, &self.user_decks.1)
    }

    /// Reads the list of the user's decks again.
    pub fn reload_user_decks(&mut self) {
        self.user_decks = match &self.data_dir {
            Some(dir) => user::list_user_decks(dir),
            None => (Vec::new(), Vec::new()),
        };
    }

    /// Creates an empty deck named `name` in the data folder and returns its file.
    pub fn create_deck(&mut self, name: &str) -> Result<PathBuf, CardChangeError> {
        let Some(dir) = self.data_dir.clone() else {
            return Err(CardChangeError::NoFolderForDecks);
        };
        if name.trim().is_empty() {
            return Err(CardChangeError::NoName);
        }
        let builtin_id = deck::builtin().map(|d| d.meta.id).unwrap_or_default();
        let mut taken: Vec<&str> = self.user_decks.0.iter().map(|d| d.id.as_str()).collect();
        taken.push(&builtin_id);
        let path = user::create_deck(&dir, name, &taken)?;
        self.reload_user_decks();
        Ok(path)
    }

    /// The deck file new cards go to by default: the loaded deck when it is one of the user's
    /// decks, else the first of the user's decks, else [`user::DEFAULT_DECK_NAME`] (created on
    /// the first add).
    pub fn default_add_deck(&self) -> Option<PathBuf> {
        if let Ok(Target::File(path)) = self.edit_target()
            && !self.all_decks
        {
            return Some(path);
        }
        let dir = self.data_dir.as_ref()?;
        Some(self.user_decks.0.first().map_or_else(
            || {
                dir.join(user::DECKS_DIR).join(format!(
                    "{}.toml",
                    deck::model::deck_id_from_name(user::DEFAULT_DECK_NAME)
                ))
            },
            |d| d.path.clone(),
        ))
    }

    /// Adds `card` (its id is made from the front) at the end of the deck file `path`, created
    /// as [`user::DEFAULT_DECK_NAME`] when it does not exist. Returns the new card's id.
    pub fn add_card(&mut self, path: &Path, mut card: Card) -> Result<String, CardChangeError> {
        let target = Target::File(path.to_owned());
        let mut id = String::new();
        let written = self.change_file(&target, |deck| {
            card.id = user::new_card_id(deck, &card.front);
            id.clone_from(&card.id);
            user::put_card(deck, card, usize::MAX);
            Ok(())
        })?;
        self.push_card_undo(target, id.clone(), None, "adding", written);
        self.reload_user_decks();
        Ok(id)
    }

    /// Saves `card` in place of the card with its id in the reviewed deck `deck_id` (a built-in
    /// card: as an override with the same id).
    pub fn save_card(&mut self, deck_id: &str, card: Card) -> Result<(), CardChangeError> {
        let target = self.edit_target_of(deck_id)?;
        if self.card_in(&CardKey::new(deck_id, &card.id)).is_none() {
            return Err(CardChangeError::CardGone(card.id));
        }
        let id = card.id.clone();
        let mut before = None;
        let written = self.change_file(&target, |deck| {
            before = user::put_card(deck, card, usize::MAX);
            Ok(())
        })?;
        self.push_card_undo(target, id, before, "editing", written);
        Ok(())
    }

    /// Deletes the card `card_id` of the reviewed deck `deck_id` from its file; its review log
    /// stays. Built-in cards cannot be deleted (the built-in deck is never changed): suspend
    /// them instead.
    pub fn delete_card(&mut self, deck_id: &str, card_id: &str) -> Result<(), CardChangeError> {
        let target = self.edit_target_of(deck_id)?;
        if target == Target::Builtin {
            return Err(CardChangeError::BuiltinDelete);
        }
        let mut before = None;
        let written = self.change_file(&target, |deck| {
            before = user::remove_card(deck, card_id);
            before
                .as_ref()
                .map(|_| ())
                .ok_or_else(|| CardChangeError::CardGoneFromFile(card_id.to_owned()))
        })?;
        self.push_card_undo(target, card_id.to_owned(), before, "deleting", written);
        self.reload_user_decks();
        Ok(())
    }

    /// Loads the reviewed decks again from their files (after one changed on disk); the
    /// built-in deck reads its overrides again.
    pub fn reload_deck(&mut self) -> Result<(), CardChangeError> {
        if self.all_decks {
            self.open_all_decks();
            return Ok(());
        }
        match self.primary.path.clone() {
            Some(path) => Ok(self.open_deck(&path)?),
            None => {
                self.open_builtin();
                Ok(())
            }
        }
    }

    /// Whether the file of the reviewed deck `deck_id` (or, for the built-in deck, the
    /// overrides file) differs from what the app loaded or last wrote: another program or
    /// window changed it.
    pub fn deck_changed_on_disk(&self, deck_id: &str) -> bool {
        let Some(loaded) = self.loaded_of(deck_id) else {
            return false;
        };
        let path = match (&loaded.path, &self.data_dir) {
            (Some(path), _) => path.clone(),
            (None, Some(dir)) => dir.join(user::BUILTIN_OVERRIDES_FILE),
            (None, None) => return false,
        };
        user::fingerprint(&path).is_ok_and(|print| print != loaded.source_print)
    }

    /// Whether the last step undo would take back is a card change (rather than an answer).
    pub fn undo_is_card_change(&self) -> bool {
        matches!(self.undo_steps.last(), Some(UndoStep::Card(_)))
    }

    /// Takes back the last card change, writing the card as it was (or removing an added one).
    pub(super) fn undo_card_change(&mut self, undo: Box<CardUndo>) {
        let CardUndo {
            target,
            card_id,
            before,
            what,
            written,
        } = (*undo).clone();
        let result = match self.restore_text(&target, &written) {
            Ok(true) => Ok(()),
            Ok(false) => self
                .change_file(&target, |deck| {
                    match before {
                        Some((index, card)) => {
                            user::put_card(deck, card, index);
                        }
                        None => {
                            user::remove_card(deck, &card_id);
                        }
                    }
                    Ok(())
                })
                .map(|_| ()),
            Err(message) => Err(message),
        };
        match result {
            Ok(()) => {
                self.reload_user_decks();
                self.notices
                    .push(format!("Undone: {what} the card {card_id:?}."));
            }
            Err(message) => {
                self.undo_steps.push(UndoStep::Card(undo));
                self.notices.push(format!("Undo failed: {message}"));
            }
        }
    }

    fn push_card_undo(
        &mut self,
        target: Target,
        card_id: String,
        before: Option<(usize, Card)>,
        what: &'static str,
        written: Written,
    ) {
        self.undo_steps.push(UndoStep::Card(Box::new(CardUndo {
            target,
            card_id,
            before,
            what,
            written,
        })));
    }

    /// The index (in [`Reviewer::decks`]' order) of the reviewed deck whose file `target` is.
    fn loaded_index(&self, target: &Target) -> Option<usize> {
        self.loaded()
            .position(|loaded| match (target, &loaded.path) {
                (Target::Builtin, None) => true,
                (Target::File(path), Some(file)) => same_file(path, file),
                _ => false,
            })
    }

    /// Writes `written.text_before` back into `target`'s file when the file is still exactly
    /// what the change wrote; `Ok(false)` when it is not (or was created by the change), so the
    /// caller puts the card back instead.
    fn restore_text(
        &mut self,
        target: &Target,
        written: &Written,
    ) -> Result<bool, CardChangeError> {
        let (path, _) = self.file_of(target)?;
        let now = user::fingerprint(&path)?;
        if now != written.print_after || written.text_before.trim().is_empty() {
            return Ok(false);
        }
        let deck = deck::parse_native(&written.text_before, &path.display().to_string())?;
        deck::io::write_atomic(&path, written.text_before.as_bytes())?;
        self.show_change(
            target,
            deck,
            deck::model::fnv1a_64(written.text_before.as_bytes()),
        );
        Ok(true)
    }

    /// Reads `target`'s file as it is now, refuses when it is a reviewed deck's and changed
    /// since it was loaded, applies `change`, checks the changed cards, writes the file
    /// atomically and, when it is a reviewed deck's, shows the result.
    fn change_file(
        &mut self,
        target: &Target,
        change: impl FnOnce(&mut Deck) -> Result<(), CardChangeError>,
    ) -> Result<Written, CardChangeError> {
        let (path, empty) = self.file_of(target)?;
        let held = self
            .loaded_index(target)
            .and_then(|index| self.loaded().nth(index))
            .map(|loaded| loaded.source_print);
        let print = user::fingerprint(&path)?;
        if held.is_some_and(|held| held != print) {
            return Err(CardChangeError::ChangedOnDisk(path));
        }
        let (original, text) = user::read_for_change(&path, &empty)?;
        let mut deck = original.clone();
        let before: std::collections::HashMap<String, Card> = deck
            .cards
            .iter()
            .map(|card| (card.id.clone(), card.clone()))
            .collect();
        change(&mut deck)?;
        let changed: Vec<Card> = deck
            .cards
            .iter()
            .filter(|card| before.get(&card.id) != Some(*card))
            .cloned()
            .collect();
        check_cards(&deck.meta, changed)?;
        let print = user::write_change(&path, &text, &original, &deck)?;
        self.show_change(target, deck, print);
        Ok(Written {
            print_after: print,
            text_before: text,
        })
    }

    /// Shows `deck`, just written to `target`'s file (whose fingerprint is now `print`), when
    /// it is a reviewed deck's; the built-in deck shows it as its overrides.
    fn show_change(&mut self, target: &Target, deck: Deck, print: u64) {
        let Some(index) = self.loaded_index(target) else {
            return;
        };
        let deck = match target {
            Target::Builtin => {
                let mut builtin = deck::builtin().unwrap_or_default();
                user::apply_overrides(&mut builtin, &deck);
                builtin
            }
            Target::File(_) => deck,
        };
        if let Some(loaded) = self.loaded_at_mut(index) {
            loaded.source_print = print;
            loaded.set_deck(deck);
        }
        self.sync_and_refresh();
    }

    /// The file behind `target` and the deck it holds when it does not exist yet.
    fn file_of(&self, target: &Target) -> Result<(PathBuf, DeckMeta), CardChangeError> {
        match target {
            Target::Builtin => {
                let dir = self
                    .data_dir
                    .as_ref()
                    .ok_or(CardChangeError::NoDataFolder)?;
                let builtin = deck::builtin()?;
                Ok((
                    dir.join(user::BUILTIN_OVERRIDES_FILE),
                    DeckMeta {
                        name: format!("Edits of {}", builtin.meta.name),
                        ..builtin.meta
                    },
                ))
            }
            Target::File(path) => Ok((
                path.clone(),
                DeckMeta {
                    id: deck::model::deck_id_from_name(user::DEFAULT_DECK_NAME),
                    name: user::DEFAULT_DECK_NAME.to_owned(),
                    ..DeckMeta::default()
                },
            )),
        }
    }

    /// The built-in deck with the overrides in the data folder, with the overrides file's
    /// fingerprint; a notice when the overrides cannot be read (the built-in cards are shown,
    /// and edits are refused until the file reads again, so it is never overwritten).
    pub(super) fn builtin_with_overrides(&mut self) -> Loaded {
        match builtin_deck(self.data_dir.as_deref()) {
            Ok((deck, print)) => Loaded::new(deck, None, false, print),
            Err(err) => {
                self.notices.push(format!(
                    "Your edits of built-in cards could not be read ({err}); the built-in cards \
                     are shown as shipped."
                ));
                Loaded::new(deck::builtin().unwrap_or_default(), None, false, 0)
            }
        }
    }

    /// The decks the panel does not review, for the browser: the built-in deck (with the
    /// user's edits) when it is not reviewed, then the user's deck files in the data folder. A
    /// file that cannot be read is left out (the panel's deck menu names it).
    pub fn other_decks(&self) -> Vec<Deck> {
        let mut decks = Vec::new();
        if self.primary.path.is_some()
            && let Ok((deck, _)) = builtin_deck(self.data_dir.as_deref())
        {
            decks.push(deck);
        }
        for listed in &self.user_decks.0 {
            let reviewed = self
                .loaded()
                .filter_map(|loaded| loaded.path.as_ref())
                .any(|loaded| same_file(loaded, &listed.path));
            if reviewed {
                continue;
            }
            let read = deck::io::read_deck_file(&listed.path)
                .and_then(|text| deck::parse_native(&text, &listed.path.display().to_string()));
            if let Ok(deck) = read {
                decks.push(deck);
            }
        }
        decks
    }
}

/// The built-in deck with the overrides in `data_dir` laid over it, and the overrides file's
/// fingerprint.
fn builtin_deck(data_dir: Option<&Path>) -> Result<(Deck, u64), deck::DeckError> {
    let mut deck = deck::builtin()?;
    let Some(dir) = data_dir else {
        return Ok((deck, 0));
    };
    let path = dir.join(user::BUILTIN_OVERRIDES_FILE);
    let print = user::fingerprint(&path)?;
    let (overrides, _) = user::read_for_change(&path, &DeckMeta::default())?;
    user::apply_overrides(&mut deck, &overrides);
    Ok((deck, print))
}

/// Checks the changed cards as the deck check would (non-empty sides, tags, scene links), so a
/// change the deck could not load with is refused before it is written.
fn check_cards(meta: &DeckMeta, cards: Vec<Card>) -> Result<(), CardChangeError> {
    if cards.is_empty() {
        return Ok(());
    }
    let probe = Deck {
        meta: DeckMeta {
            name: if meta.name.is_empty() {
                meta.id.clone()
            } else {
                meta.name.clone()
            },
            ..meta.clone()
        },
        cards,
        ..Deck::default()
    };
    let report = deck::check_with_tabs(&probe);
    match report
        .findings
        .iter()
        .find(|finding| finding.severity == deck::check::Severity::Error)
    {
        Some(finding) => Err(CardChangeError::Check(finding.message.clone())),
        None => Ok(()),
    }
}

/// Whether two paths name the same file (compared after resolving them, when they exist).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
#[path = "authoring_tests.rs"]
mod tests;
