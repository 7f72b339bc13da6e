//! The quiz parts of the Flashcards panel: a due quiz card answered by a choice and rated by
//! FSRS, practice questions ("Practise this" on a card, "Quiz me" on a scene) that are not
//! scheduled, and the outcome of the last answer with the model's explanation.
//!
//! Why here and not in `quiz`: the families are pure and know nothing of the reviewer; this file
//! turns an answer into a rating ([`crate::quiz::rating_for`]) and asks the app to open the scene
//! that shows why ([`PanelAction::ShowScene`] with the instance's `why` link).

use egui::{RichText, Ui};

use super::Reviewer;
use super::panel::PanelAction;
use crate::quiz::{self, Family, Instance, QuizError, Timing, cli::letter};
use crate::review::rating::Rating;
use crate::scene::SceneLink;
use crate::theme::{Role, Theme};

/// The panel's quiz state.
#[derive(Default)]
pub struct QuizState {
    /// The due quiz card's instance, generated once per (family, seed).
    due: Option<Instance>,
    /// A practice question, not scheduled.
    practice: Option<Instance>,
    /// The outcome of the last answer.
    result: Option<Outcome>,
    /// Practice questions asked so far (mixed into their seeds).
    asked: u64,
    /// Why the last practice question could not be made.
    problem: Option<String>,
    /// The scene on screen this frame, where a click on the picture shows up.
    scene: Option<SceneLink>,
    /// Per question shown (family, seed): its pick key's value in the scene when it was first
    /// shown. Only a change from it is a click that answers.
    baselines: Vec<(&'static str, u64, Option<String>)>,
    /// What the last click on the picture picked when it named no single choice.
    pick_note: Option<String>,
}

/// What the last answer was.
struct Outcome {
    instance: Instance,
    chosen: usize,
    /// The rating recorded, for a due quiz card; `None` for practice.
    rating: Option<Rating>,
}

impl QuizState {
    /// Starts a practice question from `family`.
    pub fn practise(&mut self, family: &Family, now_secs: i64) -> Result<(), QuizError> {
        self.asked += 1;
        let seed = now_secs
            .unsigned_abs()
            .wrapping_mul(31)
            .wrapping_add(self.asked);
        self.result = None;
        match family.instance(seed) {
            Ok(instance) => {
                self.practice = Some(instance);
                self.problem = None;
                Ok(())
            }
            Err(err) => {
                self.problem = Some(err.to_string());
                Err(err)
            }
        }
    }

    /// Asks `instance` as a practice question (`--practise` starts the app on one).
    pub fn ask(&mut self, instance: Instance) {
        self.result = None;
        self.problem = None;
        self.practice = Some(instance);
    }

    /// Whether a practice question is waiting.
    pub fn is_practising(&self) -> bool {
        self.practice.is_some()
    }

    /// Tells the quiz which scene is on screen (each frame, before the questions are drawn).
    pub fn set_scene(&mut self, scene: &SceneLink) {
        if self.scene.as_ref() != Some(scene) {
            self.scene = Some(scene.clone());
        }
    }

    /// The choice a click on the picture picked for `instance`, if the scene's pick key changed
    /// since the question was first shown to a value that names exactly one choice.
    fn picked_on_picture(&mut self, instance: &Instance) -> Option<usize> {
        let pick = instance.pick.as_ref()?;
        let scene = self.scene.as_ref()?;
        let same_view = scene.tab == instance.at.tab && scene.view == instance.at.view;
        let value = same_view
            .then(|| scene.get(pick.key).map(str::to_owned))
            .flatten();
        let key = (instance.family, instance.seed);
        let Some(index) = self
            .baselines
            .iter()
            .position(|(family, seed, _)| (*family, *seed) == key)
        else {
            self.baselines.push((instance.family, instance.seed, value));
            return None;
        };
        let baseline = self.baselines.get_mut(index)?;
        if baseline.2 == value {
            return None;
        }
        baseline.2.clone_from(&value);
        // A value no choice has (the scene opened at the question's step, another layer) is
        // not an answer; one that several choices share asks for a choice below.
        let value = value?;
        let chosen = pick.choice_for(&value);
        if chosen.is_none() && pick.values.iter().flatten().any(|v| *v == value) {
            self.pick_note = Some("Several choices go there: pick one of them below.".to_owned());
        }
        chosen
    }

    /// Forgets a question's baseline once it is answered or skipped.
    fn forget(&mut self, instance: &Instance) {
        self.baselines
            .retain(|(family, seed, _)| (*family, *seed) != (instance.family, instance.seed));
        self.pick_note = None;
    }
}

/// The result of the last answer and a practice question, if any (above the card).
pub fn practice_and_result_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &Reviewer,
    state: &mut QuizState,
    actions: &mut Vec<PanelAction>,
) {
    result_ui(ui, theme, reviewer, state, actions);
    if let Some(problem) = &state.problem {
        ui.label(RichText::new(format!("⚠ {problem}")).color(theme.text));
    }
    let Some(instance) = state.practice.clone() else {
        return;
    };
    super::panel::card_frame(theme, theme.thin()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("Practice (not scheduled)").color(theme.text_muted));
        let on_picture = state.picked_on_picture(&instance);
        let clicked = question_ui(ui, theme, &instance, state.pick_note.as_deref(), actions);
        if let Some(chosen) = on_picture.or(clicked) {
            state.forget(&instance);
            state.practice = None;
            state.result = Some(Outcome {
                instance: instance.clone(),
                chosen,
                rating: None,
            });
            actions.push(PanelAction::ShowScene(instance.why.clone()));
        }
        if ui.small_button("Skip this question").clicked() {
            state.forget(&instance);
            state.practice = None;
        }
    });
    ui.add_space(6.0);
}

/// The due quiz card: its question and choices; a choice records the rating.
pub fn due_quiz_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut QuizState,
    actions: &mut Vec<PanelAction>,
) {
    let Some((family, seed)) = reviewer.current_quiz() else {
        return;
    };
    let fresh = state
        .due
        .as_ref()
        .is_some_and(|due| due.family == family.id && due.seed == seed);
    if !fresh {
        match family.instance(seed) {
            Ok(instance) => state.due = Some(instance),
            Err(err) => {
                ui.label(format!("This quiz could not be generated: {err}"));
                return;
            }
        }
    }
    let Some(instance) = state.due.clone() else {
        return;
    };
    ui.label(RichText::new(format!("Quiz · {}", family.title)).color(theme.text_muted));
    let on_picture = state.picked_on_picture(&instance);
    let clicked = question_ui(ui, theme, &instance, state.pick_note.as_deref(), actions);
    if let Some(chosen) = on_picture.or(clicked) {
        state.forget(&instance);
        let elapsed = reviewer.now_secs()
            - reviewer
                .current()
                .map_or(reviewer.now_secs(), |c| c.shown_at_secs);
        let rating = quiz::rating_for(instance.is_right(chosen), elapsed, Timing::default());
        reviewer.answer_quiz(rating);
        state.result = Some(Outcome {
            instance: instance.clone(),
            chosen,
            rating: Some(rating),
        });
        state.due = None;
        actions.push(PanelAction::ShowScene(instance.why.clone()));
    }
}

/// The question, its scene and its choices; returns the choice clicked. `pick_note` says what
/// the last click on the picture picked when it named no single choice.
fn question_ui(
    ui: &mut Ui,
    theme: &Theme,
    instance: &Instance,
    pick_note: Option<&str>,
    actions: &mut Vec<PanelAction>,
) -> Option<usize> {
    ui.label(RichText::new(&instance.question).size(theme.body_size * 1.1));
    if let Some(pick) = &instance.pick {
        ui.label(format!(
            "Answer on the picture: click {} in the scene, or pick a choice.",
            pick.what
        ));
    }
    if let Some(note) = pick_note.filter(|_| instance.pick.is_some()) {
        ui.label(RichText::new(note).color(theme.text_muted));
    }
    if ui
        .small_button("Show the scene")
        .on_hover_text(instance.at.to_string())
        .clicked()
    {
        actions.push(PanelAction::ShowScene(instance.at.clone()));
    }
    ui.add_space(4.0);
    let mut chosen = None;
    for (index, choice) in instance.choices.iter().enumerate() {
        let text = format!("{}. {choice}", letter(index));
        // Wrapping at the panel's width: a long choice must not widen the panel.
        if ui
            .add(egui::Button::new(RichText::new(text)).wrap())
            .clicked()
        {
            chosen = Some(index);
        }
    }
    chosen
}

fn result_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &Reviewer,
    state: &mut QuizState,
    actions: &mut Vec<PanelAction>,
) {
    let Some(outcome) = &state.result else {
        return;
    };
    let right = outcome.instance.is_right(outcome.chosen);
    let (mark, role) = if right {
        ("✔ Right", Role::Good)
    } else {
        ("Not quite", Role::Bad)
    };
    let rated = outcome
        .rating
        .map_or(" (practice, not rated)".to_owned(), |rating| {
            format!(" · rated {}", rating.title())
        });
    let mut close = false;
    egui::Frame::NONE
        .fill(theme.tint(role))
        .stroke(theme.thin())
        .corner_radius(6)
        .inner_margin(8)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(format!("{mark}{rated}")).strong());
            if !right {
                ui.label(format!(
                    "You chose {}. The model's answer: {}. {}",
                    letter(outcome.chosen),
                    letter(outcome.instance.answer),
                    outcome.instance.right()
                ));
            }
            ui.label(&outcome.instance.explanation);
            cards_on_the_idea_ui(ui, reviewer, &outcome.instance, actions);
            ui.horizontal_wrapped(|ui| {
                if ui
                    .small_button("Show why again")
                    .on_hover_text(outcome.instance.why.to_string())
                    .clicked()
                {
                    actions.push(PanelAction::ShowScene(outcome.instance.why.clone()));
                }
                if ui.small_button("Dismiss").clicked() {
                    close = true;
                }
            });
        });
    ui.add_space(6.0);
    if close {
        state.result = None;
    }
}

/// "Practise this" for a deck card, when a family asks about its idea.
pub fn practise_card_button_ui(
    ui: &mut Ui,
    reviewer: &Reviewer,
    state: &mut QuizState,
    card_id: &str,
) {
    let families = quiz::families_for_card(card_id);
    let Some(family) = families.get(state.asked as usize % families.len().max(1)) else {
        return;
    };
    if ui
        .small_button("Practise this")
        .on_hover_text(format!("A generated question: {}", family.title))
        .clicked()
    {
        let _ = state.practise(family, reviewer.now_secs());
    }
}

/// "Quiz me" on the scene on screen: a question from a family of its tab, as close to the scene
/// as a few generated instances get ([`quiz::about_scene`]).
pub fn quiz_me_button_ui(
    ui: &mut Ui,
    reviewer: &Reviewer,
    state: &mut QuizState,
    scene: &SceneLink,
) {
    let available = !quiz::families_for_tab(&scene.tab).is_empty();
    let button = ui
        .add_enabled(available, egui::Button::new("Quiz me"))
        .on_hover_text("A generated question about the scene on screen")
        .on_disabled_hover_text("No quiz family asks about this tab yet");
    if button.clicked() {
        state.asked += 1;
        let seed = reviewer
            .now_secs()
            .unsigned_abs()
            .wrapping_mul(31)
            .wrapping_add(state.asked);
        state.result = None;
        state.practice = quiz::about_scene(scene, seed);
    }
}

/// The browser's "Card" column for a row that is not a deck card: a quiz family's title, or
/// a card removed from the deck.
pub fn browser_front(card_id: &str) -> String {
    quiz::family_of_card(card_id).map_or_else(
        || "(removed from the deck)".to_owned(),
        |family| format!("Quiz: {}", family.title),
    )
}

/// The deck cards on the family's idea, each opening its own scene ("Show me" of that card): the
/// way back from a quiz to the cards it practises.
fn cards_on_the_idea_ui(
    ui: &mut Ui,
    reviewer: &Reviewer,
    instance: &Instance,
    actions: &mut Vec<PanelAction>,
) {
    let Ok(family) = quiz::family(instance.family) else {
        return;
    };
    let cards: Vec<_> = family
        .cards
        .iter()
        .filter_map(|id| reviewer.card(id))
        .collect();
    if cards.is_empty() {
        return;
    }
    ui.label("Cards on the same idea:");
    for card in cards {
        let front = crate::deck::markdown::plain_text(&card.front);
        if ui
            .add(egui::Button::new(format!("▸ {front}")).wrap().small())
            .on_hover_text("Show this card's scene")
            .clicked()
        {
            let key = super::CardKey::new(&reviewer.deck().meta.id, &card.id);
            actions.push(PanelAction::ShowCard(key));
        }
    }
}
