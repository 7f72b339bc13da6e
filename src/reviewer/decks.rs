//! The decks the reviewer reviews: one deck file, the built-in deck (with the student's
//! overrides) or "All decks"; loading them, finding a card by key, and the cards about the scene
//! on screen.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{CardKey, Reviewer};
use crate::deck::{self, Card, Deck};
use crate::tabs::{Landing, LinkChecker};

/// Why a deck file was not loaded; the deck shown and all progress are unchanged.
#[derive(Debug, thiserror::Error)]
pub enum OpenDeckError {
    /// The file could not be read or parsed.
    #[error(transparent)]
    Read(#[from] deck::DeckError),
    /// The deck check found errors: its summary and the first error.
    #[error("{summary} {first}")]
    Check {
        /// The check's summary line.
        summary: String,
        /// The first error, with its file and line.
        first: String,
    },
}

/// One deck the reviewer reviews: its cards, the file edits of them go to, and what the panel
/// looks up in it every frame.
pub(super) struct Loaded {
    pub(super) deck: Deck,
    /// The file it came from; `None` for the built-in deck (edits go to the overrides).
    pub(super) path: Option<PathBuf>,
    /// Whether the file is in the native format (so the app may rewrite it).
    pub(super) native: bool,
    /// The fingerprint of the deck's file (or of the overrides, for the built-in deck) when it
    /// was loaded or last written: a different one on disk means another writer.
    pub(super) source_print: u64,
    pub(super) index: HashMap<String, usize>,
    /// Where each card's scene link lands, worked out once per deck on first use (the panel
    /// matches them every frame).
    pub(super) landings: OnceCell<Vec<Option<Landing>>>,
}

impl Loaded {
    pub(super) fn new(deck: Deck, path: Option<PathBuf>, native: bool, source_print: u64) -> Self {
        Self {
            index: index_of(&deck),
            landings: OnceCell::new(),
            deck,
            path,
            native,
            source_print,
        }
    }

    pub(super) fn card(&self, card_id: &str) -> Option<&Card> {
        self.index
            .get(card_id)
            .and_then(|&i| self.deck.cards.get(i))
    }

    /// Replaces the deck's cards (after a change written to its file).
    pub(super) fn set_deck(&mut self, deck: Deck) {
        self.index = index_of(&deck);
        self.landings = OnceCell::new();
        self.deck = deck;
    }
}

impl Reviewer {
    /// The loaded deck (in "All decks", the built-in deck; [`Self::decks`] lists them all).
    pub fn deck(&self) -> &Deck {
        &self.primary.deck
    }

    /// Every deck the panel reviews: the loaded one, or in "All decks" the built-in deck and
    /// the user's decks.
    pub fn decks(&self) -> impl Iterator<Item = &Deck> {
        self.loaded().map(|loaded| &loaded.deck)
    }

    /// Whether the panel reviews every deck at once.
    pub fn is_all_decks(&self) -> bool {
        self.all_decks
    }

    /// The file the deck came from; `None` for the built-in deck and in "All decks".
    pub fn deck_path(&self) -> Option<&Path> {
        self.primary.path.as_deref()
    }

    pub(super) fn loaded(&self) -> impl Iterator<Item = &Loaded> {
        std::iter::once(&self.primary).chain(&self.others)
    }

    pub(super) fn loaded_of(&self, deck_id: &str) -> Option<&Loaded> {
        self.loaded().find(|loaded| loaded.deck.meta.id == deck_id)
    }

    /// The loaded deck at `index` in [`Self::decks`]' order.
    pub(super) fn loaded_at_mut(&mut self, index: usize) -> Option<&mut Loaded> {
        match index.checked_sub(1) {
            None => Some(&mut self.primary),
            Some(other) => self.others.get_mut(other),
        }
    }

    /// A card of the loaded deck by id (in "All decks", of the built-in deck).
    pub fn card(&self, card_id: &str) -> Option<&Card> {
        self.primary.card(card_id)
    }

    /// A card of any reviewed deck.
    pub fn card_in(&self, key: &CardKey) -> Option<&Card> {
        self.loaded_of(&key.deck_id)?.card(&key.card_id)
    }

    /// The name of the reviewed deck with id `deck_id`.
    pub fn deck_name(&self, deck_id: &str) -> Option<&str> {
        self.loaded_of(deck_id)
            .map(|loaded| loaded.deck.meta.name.as_str())
    }

    /// Loads a deck file. A deck that fails to parse or check leaves the current deck and all
    /// progress untouched and returns the message naming the file, line and problem.
    pub fn open_deck(&mut self, path: &Path) -> Result<(), OpenDeckError> {
        let text = deck::io::read_deck_file(path)?;
        let source_name = path.display().to_string();
        let format = deck::Format::detect(&source_name, &text);
        let imported = deck::import_text(&text, &source_name, format)?;
        let report = deck::check_with_tabs(&imported.deck);
        if !report.is_ok() {
            let first = report
                .findings
                .iter()
                .find(|finding| finding.severity == deck::check::Severity::Error)
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(OpenDeckError::Check {
                summary: report.summary_line(),
                first,
            });
        }
        self.primary = Loaded::new(
            imported.deck,
            Some(path.to_owned()),
            format == deck::Format::Native,
            deck::model::fnv1a_64(text.as_bytes()),
        );
        self.others.clear();
        self.all_decks = false;
        self.current = None;
        self.sync_and_refresh();
        Ok(())
    }

    /// Goes back to the built-in deck.
    pub fn open_builtin(&mut self) {
        self.primary = self.builtin_with_overrides();
        self.others.clear();
        self.all_decks = false;
        self.current = None;
        self.sync_and_refresh();
    }

    /// Reviews every deck at once: the built-in deck and each of the user's decks in the data
    /// folder, their due cards in one queue ([`Store::today_queue_of_decks`]). A deck file that
    /// cannot be read is left out with a notice naming it; the others are reviewed.
    pub fn open_all_decks(&mut self) {
        self.reload_user_decks();
        self.primary = self.builtin_with_overrides();
        self.others = self
            .user_decks
            .0
            .clone()
            .into_iter()
            .filter_map(|listed| match read_user_deck(&listed.path) {
                Ok(loaded) => Some(loaded),
                Err(err) => {
                    self.notices
                        .push(format!("{err}; this deck is left out of All decks."));
                    None
                }
            })
            .collect();
        self.all_decks = true;
        self.current = None;
        self.sync_and_refresh();
    }

    /// Cards about the scene shown, which is at `here`: those whose link lands on the same
    /// scene (tab, view, preset or selection and every other key, as the tab prints it) and, if
    /// the link names a step or time, on the same step or between the same two events
    /// ([`Landing::shows`]).
    /// In "All decks", every deck's cards, each with its deck's id.
    pub fn cards_for_scene(&self, here: &Landing) -> Vec<(&str, &Card)> {
        self.loaded()
            .flat_map(|loaded| {
                let landings = loaded.landings.get_or_init(|| landings_of(&loaded.deck));
                let deck_id = loaded.deck.meta.id.as_str();
                loaded
                    .deck
                    .cards
                    .iter()
                    .zip(landings)
                    .filter(|(_, card)| card.as_ref().is_some_and(|card| here.shows(card)))
                    .map(move |(card, _)| (deck_id, card))
            })
            .collect()
    }
}

/// One of the user's deck files, read for "All decks".
fn read_user_deck(path: &Path) -> Result<Loaded, deck::DeckError> {
    let text = deck::io::read_deck_file(path)?;
    let deck = deck::parse_native(&text, &path.display().to_string())?;
    let print = deck::model::fnv1a_64(text.as_bytes());
    Ok(Loaded::new(deck, Some(path.to_owned()), true, print))
}

/// Where each card's link lands, each distinct link opened once.
fn landings_of(deck: &Deck) -> Vec<Option<Landing>> {
    let mut checker = LinkChecker::default();
    let mut seen: HashMap<&str, Option<Landing>> = HashMap::new();
    deck.cards
        .iter()
        .map(|card| {
            let link = card.scene.as_deref()?;
            seen.entry(link)
                .or_insert_with(|| checker.landing(link))
                .clone()
        })
        .collect()
}

fn index_of(deck: &Deck) -> HashMap<String, usize> {
    deck.cards
        .iter()
        .enumerate()
        .map(|(i, card)| (card.id.clone(), i))
        .collect()
}
