//! Questions the models check: seeded generators that ask what a tab's model does and grade the
//! answer by running that model (issue 18).
//!
//! Why generated and not written: a hand-written card can only ask what its author thought of; a
//! family asks "what happens next?" about a scene the student has not seen in that exact form (a
//! different mode, errno, cgroup weight or dirty rate each time it comes due), and the right
//! answer is never stored: the generator runs the tab's pure model (`tabs/*/model/`) and reads
//! the answer off the result. Distractors come from the same model run differently (the other
//! modes' outcomes, the errnos of neighbouring calls, the other processes), so each wrong choice
//! is something the model really does somewhere.
//!
//! Everything here is pure (no egui): a [`Family`] has a stable id (its review history is kept
//! under it), its tab, a title, the deck cards on the same idea, and a generator `seed ->`
//! [`Instance`]. The same (family, seed) always gives the same instance. Each instance names the
//! scene at the question's moment ([`Instance::at`]) and the step that shows why
//! ([`Instance::why`]); both are scene links any tab opens.

mod cgroups;
pub mod cli;
mod containers;
mod containers_cli;
mod cpu;
mod migration;
mod namespaces;
mod overview;
#[cfg(test)]
mod picture_tests;
#[cfg(test)]
mod tests;

use crate::scene::SceneLink;

/// Why a family could not produce an instance.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuizError {
    /// No family has this id.
    #[error("no quiz family {id:?}; `virtscope quiz --list` lists them")]
    UnknownFamily {
        /// The id asked for.
        id: String,
    },
    /// The generator could not build its question (a bug: generators stay in range).
    #[error("quiz {family}: {source}")]
    Model {
        /// The family.
        family: &'static str,
        /// What went wrong.
        source: GenError,
    },
}

/// Why a generator could not build its question.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenError {
    /// A scene link built from known-good parts did not parse.
    #[error("{text}: {reason}")]
    Link {
        /// The link's text.
        text: String,
        /// The parser's message.
        reason: String,
    },
    /// The tab's model refused the scene (its own error, in its words).
    #[error("the model refused the scene: {0}")]
    Model(String),
    /// The model's result lacked what the question reads (samples, hops, images...).
    #[error("the model gave no {0}")]
    Missing(&'static str),
    /// Every distractor equalled the answer: a question with one choice asks nothing.
    #[error("the model gave no distractor for {answer:?}")]
    NoDistractor {
        /// The right answer.
        answer: String,
    },
    /// None of the scenarios drawn had what the question needs.
    #[error("no drawn scenario {0}")]
    NoScenario(&'static str),
}

impl GenError {
    /// A model's refusal, kept as its message (the models' error types differ per tab).
    pub(crate) fn model(err: impl std::fmt::Display) -> Self {
        Self::Model(err.to_string())
    }
}

/// A question family: one idea, asked about many generated scenes.
#[derive(Clone, Copy)]
pub struct Family {
    /// Stable id (`cpu.next-event`): the key of the family's review history.
    pub id: &'static str,
    /// The tab whose model answers it.
    pub tab: &'static str,
    /// One line: what the family asks.
    pub title: &'static str,
    /// Ids of the built-in deck's cards on the same idea ("Practise this" on them opens the family).
    pub cards: &'static [&'static str],
    /// The generator.
    generate: fn(u64) -> Result<Instance, GenError>,
}

impl std::fmt::Debug for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Family").field("id", &self.id).finish()
    }
}

impl Family {
    /// The instance for `seed`: the same seed always gives the same question.
    pub fn instance(&self, seed: u64) -> Result<Instance, QuizError> {
        (self.generate)(seed).map_err(|source| QuizError::Model {
            family: self.id,
            source,
        })
    }
}

/// One generated question.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// The family's id.
    pub family: &'static str,
    /// The seed it was generated from.
    pub seed: u64,
    /// The question, in one or two sentences.
    pub question: String,
    /// The choices, all different; the student picks one.
    pub choices: Vec<String>,
    /// Index of the right choice, computed by running the model.
    pub answer: usize,
    /// Why, in the model's own words (its step label or computed figures).
    pub explanation: String,
    /// The scene at the moment the question is asked (shown while the student answers).
    pub at: SceneLink,
    /// The scene at the step that shows why (opened after the answer).
    pub why: SceneLink,
    /// How a click on the picture at [`Instance::at`] answers, where that is natural.
    pub pick: Option<Pick>,
}

/// Answering on the picture: a click in the scene sets one key of its link (the Overview's
/// `select=type2.host-os` when a layer is clicked), and each choice is the value that picks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    /// The scene-link key a click sets.
    pub key: &'static str,
    /// Per choice, the key's value that picks it (`None`: that choice is not in the picture).
    pub values: Vec<Option<String>>,
    /// What to click, in words: "the layer the write reaches next".
    pub what: &'static str,
}

impl Pick {
    /// The choice a value picks, if exactly one choice has it.
    pub fn choice_for(&self, value: &str) -> Option<usize> {
        let mut found = self
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.as_deref() == Some(value))
            .map(|(index, _)| index);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

impl Instance {
    /// The right choice's text.
    pub fn right(&self) -> &str {
        self.choices
            .get(self.answer)
            .map_or("", std::string::String::as_str)
    }

    /// Whether choice `index` is the right one.
    pub fn is_right(&self, index: usize) -> bool {
        index == self.answer
    }
}

/// Every family, in tab order. Ids are unique and never reused (a test checks).
pub const FAMILIES: &[Family] = &[
    overview::NEXT_HOP,
    overview::CROSSINGS,
    cpu::NEXT_EVENT,
    cpu::POPF_TICK,
    cpu::SGDT_VALUE,
    cpu::EXIT_REASON,
    cpu::VMM_ENTRIES,
    namespaces::SETNS_ERRNO,
    namespaces::UNSHARE_ERRNO,
    namespaces::CLONE_ERRNO,
    namespaces::OWN_PID,
    namespaces::SHARES_NS,
    cgroups::OOM_VICTIM,
    cgroups::WEIGHT_SHARE,
    cgroups::CPU_MAX_SHARE,
    cgroups::MEMORY_LIMIT_OUTCOME,
    cgroups::WRITE_ERRNO,
    migration::ROUNDS,
    migration::DOWNTIME,
    migration::STOP_REASON,
    migration::FASTEST,
    migration::TOTAL_DATA,
    containers::FIRST_REBUILT,
    containers::CACHED_STEPS,
    containers::PS_COUNT,
    containers_cli::STOP_OUTCOME,
    containers_cli::PULL_SHARED,
];

/// The family with this id.
pub fn family(id: &str) -> Result<&'static Family, QuizError> {
    FAMILIES
        .iter()
        .find(|family| family.id == id)
        .ok_or_else(|| QuizError::UnknownFamily { id: id.to_owned() })
}

/// The families on the same idea as a deck card.
pub fn families_for_card(card_id: &str) -> Vec<&'static Family> {
    FAMILIES
        .iter()
        .filter(|family| family.cards.contains(&card_id))
        .collect()
}

/// The families whose questions are about scenes of `tab`.
pub fn families_for_tab(tab: &str) -> Vec<&'static Family> {
    FAMILIES.iter().filter(|family| family.tab == tab).collect()
}

/// The most choices a question shows.
pub const MAX_CHOICES: usize = 4;

/// A seeded generator's randomness: `fastrand`'s wyrand, deterministic for a seed.
pub(crate) struct Dice(fastrand::Rng);

impl Dice {
    pub(crate) fn new(family: &str, seed: u64) -> Self {
        // Mix the family id in, so seed 1 of two families does not pick in lockstep.
        let salt = family
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
        // One splitmix64 step, so that neighbouring seeds start far apart.
        let mut z = (seed ^ salt).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Self(fastrand::Rng::with_seed(z ^ (z >> 31)))
    }

    /// A uniform index below `len` (0 when `len` is 0).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        if len == 0 { 0 } else { self.0.usize(..len) }
    }

    /// A uniform pick from a non-empty slice.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        items.get(self.index(items.len())).copied()
    }

    /// A uniform integer in `range`.
    pub(crate) fn range(&mut self, range: std::ops::RangeInclusive<u64>) -> u64 {
        self.0.u64(range)
    }

    /// True with probability one half.
    pub(crate) fn coin(&mut self) -> bool {
        self.0.bool()
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        self.0.shuffle(items);
    }
}

/// The right answer and up to three distractors, distinct and shuffled: `(choices, answer)`.
///
/// Distractors equal to the answer or to each other are dropped, in the order given (the caller
/// lists the most instructive first). Fewer than one distractor is an error: a question with one
/// choice asks nothing.
pub(crate) fn choices(
    dice: &mut Dice,
    answer: String,
    distractors: impl IntoIterator<Item = String>,
) -> Result<(Vec<String>, usize), GenError> {
    let mut list = vec![answer.clone()];
    for distractor in distractors {
        if list.len() == MAX_CHOICES {
            break;
        }
        if !list.contains(&distractor) {
            list.push(distractor);
        }
    }
    if list.len() < 2 {
        return Err(GenError::NoDistractor { answer });
    }
    dice.shuffle(&mut list);
    let index = list
        .iter()
        .position(|choice| *choice == answer)
        .unwrap_or_default();
    Ok((list, index))
}

/// The words of the values beside `all[at]`, nearest first (both sides, then further out): the
/// neighbouring errnos of an errno question. Without `at` (the call succeeded), all of them
/// from the start of the list.
pub(crate) fn neighbours<T: Copy>(
    all: &[T],
    at: Option<usize>,
    words: fn(T) -> String,
) -> Vec<String> {
    let Some(at) = at else {
        return all.iter().map(|value| words(*value)).collect();
    };
    let mut list = Vec::new();
    for distance in 1..all.len() {
        for index in [at.checked_sub(distance), Some(at + distance)]
            .into_iter()
            .flatten()
        {
            if let Some(value) = all.get(index) {
                list.push(words(*value));
            }
        }
    }
    list
}

/// Parses a scene link the generator built from known-good parts.
pub(crate) fn link(text: &str) -> Result<SceneLink, GenError> {
    SceneLink::parse(text).map_err(|err| GenError::Link {
        text: text.to_owned(),
        reason: err.to_string(),
    })
}

/// Card ids of quiz cards in the review store: `quiz:<family id>`. Deck card ids cannot clash
/// with them (deck ids are lower-case words and hyphens, without a colon).
pub const CARD_PREFIX: &str = "quiz:";

/// The review-store card id of a family.
pub fn card_id(family: &Family) -> String {
    format!("{CARD_PREFIX}{}", family.id)
}

/// The family a review-store card id stands for, if it is a quiz card.
pub fn family_of_card(card_id: &str) -> Option<&'static Family> {
    let id = card_id.strip_prefix(CARD_PREFIX)?;
    FAMILIES.iter().find(|family| family.id == id)
}

/// A deck's card ids with its quiz cards interleaved: each family that names cards of the deck
/// comes right after the last of them, so a new quiz is met once its ideas have all been met.
/// Families about none of the deck's cards are left out.
pub fn with_quizzes<S: AsRef<str>>(deck_ids: &[S]) -> Vec<String> {
    let last_of = |family: &Family| {
        deck_ids
            .iter()
            .rposition(|id| family.cards.contains(&id.as_ref()))
    };
    let places: Vec<Option<usize>> = FAMILIES.iter().map(last_of).collect();
    let mut ids = Vec::with_capacity(deck_ids.len() + FAMILIES.len());
    for (position, id) in deck_ids.iter().enumerate() {
        ids.push(id.as_ref().to_owned());
        for (family, place) in FAMILIES.iter().zip(&places) {
            if *place == Some(position) {
                ids.push(card_id(family));
            }
        }
    }
    ids
}

/// How long an answer may take and still count as quick, and from when it counts as slow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// A right answer within this many seconds rates Easy.
    pub quick_secs: i64,
    /// A right answer after this many seconds rates Hard.
    pub slow_secs: i64,
}

impl Default for Timing {
    /// 10 s and 60 s: a recalled fact versus one worked out step by step.
    fn default() -> Self {
        Self {
            quick_secs: 10,
            slow_secs: 60,
        }
    }
}

/// The FSRS rating of a quiz answer: wrong is Again; right is Easy if quick, Hard if slow, else
/// Good.
pub fn rating_for(right: bool, elapsed_secs: i64, timing: Timing) -> crate::review::rating::Rating {
    use crate::review::rating::Rating;
    if !right {
        Rating::Again
    } else if elapsed_secs <= timing.quick_secs {
        Rating::Easy
    } else if elapsed_secs >= timing.slow_secs {
        Rating::Hard
    } else {
        Rating::Good
    }
}

/// Instances tried per family when asking about a particular scene.
const TRIES_PER_FAMILY: u64 = 3;

/// How closely an instance's scene matches `scene`: one point for the same view, one for each
/// scene key that both name with the same value (position keys aside).
fn closeness(instance: &Instance, scene: &SceneLink) -> usize {
    let link = &instance.at;
    if link.tab != scene.tab {
        return 0;
    }
    let view = usize::from(link.view.is_some() && link.view == scene.view);
    let keys = scene
        .params
        .iter()
        .filter(|(key, _)| key != "step" && key != "t")
        .filter(|(key, value)| link.get(key) == Some(value.as_str()))
        .count();
    1 + view + keys
}

/// A question about the scene on screen ("Quiz me"): among a few instances of each family of the
/// scene's tab, the one whose scene is closest to it (same view, same program, preset or mode).
/// `None` when no family asks about the tab.
pub fn about_scene(scene: &SceneLink, seed: u64) -> Option<Instance> {
    let mut best: Option<(usize, Instance)> = None;
    for family in families_for_tab(&scene.tab) {
        for attempt in 0..TRIES_PER_FAMILY {
            let Ok(instance) = family.instance(seed.wrapping_add(attempt)) else {
                continue;
            };
            let score = closeness(&instance, scene);
            if best.as_ref().is_none_or(|(top, _)| score > *top) {
                best = Some((score, instance));
            }
        }
    }
    best.map(|(_, instance)| instance)
}
