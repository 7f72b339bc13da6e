//! Writing cards from the app: add, edit and delete, the user's decks, and undo for all three.
//!
//! Every change goes to a file through [`deck::user`]: a card of the user's deck file is changed
//! in that file; a built-in card's edited copy goes to the overrides file in the data folder
//! (the built-in deck is never rewritten, and the card keeps its id and so its history). A file
//! changed on disk since the app loaded it is not written: the change is refused with a message
//! naming the file, and the editor keeps the text. Deleting a card takes it out of the deck file
//! only; its review log stays in the progress store (a card that comes back, by undo or by hand,
//! has its history again).

use std::path::{Path, PathBuf};

use super::{Reviewer, UndoStep};
use crate::deck::user::{self, UserDeck};
use crate::deck::{self, Card, Deck, DeckMeta};

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

    /// Whether the loaded deck is the built-in one (with the user's edits laid over it).
    pub fn is_builtin(&self) -> bool {
        self.deck_path.is_none()
    }

    /// Where edits of the loaded deck's cards go, or why they cannot be saved.
    pub fn edit_target(&self) -> Result<Target, String> {
        match &self.deck_path {
            None if self.data_dir.is_some() => Ok(Target::Builtin),
            None => Err("Edits cannot be saved: no data folder was given.".to_owned()),
            Some(path) if self.deck_native => Ok(Target::File(path.clone())),
            Some(path) => Err(format!(
                "{} is not a virtscope deck (TOML), so the app does not rewrite it. Convert it \
                 with `virtscope deck import` to edit its cards.",
                path.display()
            )),
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
    pub fn create_deck(&mut self, name: &str) -> Result<PathBuf, String> {
        let Some(dir) = self.data_dir.clone() else {
            return Err("Decks cannot be created: no data folder was given.".to_owned());
        };
        if name.trim().is_empty() {
            return Err("Give the deck a name.".to_owned());
        }
        let builtin_id = deck::builtin().map(|d| d.meta.id).unwrap_or_default();
        let mut taken: Vec<&str> = self.user_decks.0.iter().map(|d| d.id.as_str()).collect();
        taken.push(&builtin_id);
        let path = user::create_deck(&dir, name, &taken).map_err(|err| err.to_string())?;
        self.reload_user_decks();
        Ok(path)
    }

    /// The deck file new cards go to by default: the loaded deck when it is one of the user's
    /// decks, else the first of the user's decks, else [`user::DEFAULT_DECK_NAME`] (created on
    /// the first add).
    pub fn default_add_deck(&self) -> Option<PathBuf> {
        if let Ok(Target::File(path)) = self.edit_target() {
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
    pub fn add_card(&mut self, path: &Path, mut card: Card) -> Result<String, String> {
        let target = Target::File(path.to_owned());
        let mut id = String::new();
        self.change_file(&target, |deck| {
            card.id = user::new_card_id(deck, &card.front);
            id.clone_from(&card.id);
            user::put_card(deck, card, usize::MAX);
            Ok(())
        })?;
        self.push_card_undo(target, id.clone(), None, "adding");
        self.reload_user_decks();
        Ok(id)
    }

    /// Saves `card` in place of the loaded deck's card with its id (a built-in card: as an
    /// override with the same id).
    pub fn save_card(&mut self, card: Card) -> Result<(), String> {
        let target = self.edit_target()?;
        if self.card(&card.id).is_none() {
            return Err(format!("The deck no longer has the card {:?}.", card.id));
        }
        let id = card.id.clone();
        let mut before = None;
        self.change_file(&target, |deck| {
            before = user::put_card(deck, card, usize::MAX);
            Ok(())
        })?;
        self.push_card_undo(target, id, before, "editing");
        Ok(())
    }

    /// Deletes the loaded deck's card `card_id` from its file; its review log stays. Built-in
    /// cards cannot be deleted (the built-in deck is never changed): suspend them instead.
    pub fn delete_card(&mut self, card_id: &str) -> Result<(), String> {
        let target = self.edit_target()?;
        if target == Target::Builtin {
            return Err(
                "Built-in cards cannot be deleted; suspend the card in the browser so \
                        it is not shown."
                    .to_owned(),
            );
        }
        let mut before = None;
        self.change_file(&target, |deck| {
            before = user::remove_card(deck, card_id);
            before
                .as_ref()
                .map(|_| ())
                .ok_or_else(|| format!("The deck file no longer has the card {card_id:?}."))
        })?;
        self.push_card_undo(target, card_id.to_owned(), before, "deleting");
        self.reload_user_decks();
        Ok(())
    }

    /// Loads the deck again from its file (after it changed on disk); the built-in deck reads
    /// its overrides again.
    pub fn reload_deck(&mut self) -> Result<(), String> {
        match self.deck_path.clone() {
            Some(path) => self.open_deck(&path),
            None => {
                self.open_builtin();
                Ok(())
            }
        }
    }

    /// Whether the loaded deck's file (or, for the built-in deck, the overrides file) differs
    /// from what the app loaded or last wrote: another program or window changed it.
    pub fn deck_changed_on_disk(&self) -> bool {
        let path = match (&self.deck_path, &self.data_dir) {
            (Some(path), _) => path.clone(),
            (None, Some(dir)) => dir.join(user::BUILTIN_OVERRIDES_FILE),
            (None, None) => return false,
        };
        user::fingerprint(&path).is_ok_and(|print| print != self.source_print)
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
        } = (*undo).clone();
        let result = self.change_file(&target, |deck| {
            match before {
                Some((index, card)) => {
                    user::put_card(deck, card, index);
                }
                None => {
                    user::remove_card(deck, &card_id);
                }
            }
            Ok(())
        });
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
    ) {
        self.undo_steps.push(UndoStep::Card(Box::new(CardUndo {
            target,
            card_id,
            before,
            what,
        })));
    }

    /// Whether `target` is the file the loaded deck came from (or its overrides).
    fn is_loaded(&self, target: &Target) -> bool {
        match (target, &self.deck_path) {
            (Target::Builtin, None) => true,
            (Target::File(path), Some(loaded)) => same_file(path, loaded),
            _ => false,
        }
    }

    /// Reads `target`'s file as it is now, refuses when it is the loaded deck's and changed since
    /// it was loaded, applies `change`, checks the changed cards, writes the file atomically and,
    /// when it is the loaded deck's, shows the result.
    fn change_file(
        &mut self,
        target: &Target,
        change: impl FnOnce(&mut Deck) -> Result<(), String>,
    ) -> Result<(), String> {
        let (path, empty) = self.file_of(target)?;
        let loaded = self.is_loaded(target);
        let print = user::fingerprint(&path).map_err(|err| err.to_string())?;
        if loaded && print != self.source_print {
            return Err(format!(
                "{} changed on disk since the app loaded it (another program or window wrote \
                 it). Nothing was saved and your text is kept: reload the deck to see the \
                 change, then save again.",
                path.display()
            ));
        }
        let mut deck = user::read_for_change(&path, &empty).map_err(|err| err.to_string())?;
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
        let print = user::write_deck(&path, &deck).map_err(|err| err.to_string())?;
        if loaded {
            self.source_print = print;
            match target {
                Target::Builtin => self.show_builtin(&deck),
                Target::File(_) => self.show_deck(deck),
            }
        }
        Ok(())
    }

    /// The file behind `target` and the deck it holds when it does not exist yet.
    fn file_of(&self, target: &Target) -> Result<(PathBuf, DeckMeta), String> {
        match target {
            Target::Builtin => {
                let dir = self
                    .data_dir
                    .as_ref()
                    .ok_or("Edits cannot be saved: no data folder was given.")?;
                let builtin = deck::builtin().map_err(|err| err.to_string())?;
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

    /// Shows the built-in deck with `overrides` laid over it.
    fn show_builtin(&mut self, overrides: &Deck) {
        let mut deck = deck::builtin().unwrap_or_default();
        user::apply_overrides(&mut deck, overrides);
        self.show_deck(deck);
    }

    /// Makes `deck` the loaded deck's content, keeping the card under review when it is still
    /// there.
    fn show_deck(&mut self, deck: Deck) {
        self.index = super::index_of(&deck);
        self.landings = std::cell::OnceCell::new();
        self.deck = deck;
        self.sync_and_refresh();
    }

    /// The built-in deck with the overrides in the data folder, and the overrides file's
    /// fingerprint; a notice when the overrides cannot be read (the built-in cards are shown).
    pub(super) fn builtin_with_overrides(&mut self) -> Deck {
        match builtin_deck(self.data_dir.as_deref()) {
            Ok((deck, print)) => {
                self.source_print = print;
                deck
            }
            Err(err) => {
                self.notices.push(format!(
                    "Your edits of built-in cards could not be read ({err}); the built-in cards \
                     are shown as shipped."
                ));
                deck::builtin().unwrap_or_default()
            }
        }
    }

    /// The decks besides the loaded one, for the browser: the built-in deck (with the user's
    /// edits) when another is loaded, then the user's deck files in the data folder. A file that
    /// cannot be read is left out (the panel's deck menu names it).
    pub fn other_decks(&self) -> Vec<Deck> {
        let mut decks = Vec::new();
        if !self.is_builtin()
            && let Ok((deck, _)) = builtin_deck(self.data_dir.as_deref())
        {
            decks.push(deck);
        }
        for listed in &self.user_decks.0 {
            if self
                .deck_path
                .as_ref()
                .is_some_and(|loaded| same_file(loaded, &listed.path))
            {
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
    let overrides = user::read_for_change(&path, &DeckMeta::default())?;
    user::apply_overrides(&mut deck, &overrides);
    Ok((deck, print))
}

/// Checks the changed cards as the deck check would (non-empty sides, tags, scene links), so a
/// change the deck could not load with is refused before it is written.
fn check_cards(meta: &DeckMeta, cards: Vec<Card>) -> Result<(), String> {
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
        Some(finding) => Err(finding.message.clone()),
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
