//! Seeded random input through the real app in kittest: on every tab, 10,000 user actions (keys
//! from the README's key table, clicks, right-clicks, drags, scrolling, pointer moves and window
//! resizes from 200x150 to 2600x1700 points) without a panic, and the app still answers the
//! keyboard at the end. Many actions go into one frame, as they do when a machine is busy.
//!
//! The run is deterministic: each tab has its own seed, printed with every failure.
//! `RANDOM_INPUT_SEED` and `RANDOM_INPUT_EVENTS` change them for a longer hunt, e.g.
//! `RANDOM_INPUT_SEED=7 RANDOM_INPUT_EVENTS=100000 cargo test --test random_input`.
//!
//! Three buttons are never pressed: "Open deck…" and the export dialog's "Save as…" open the
//! system's file chooser, which would wait for a person on a desktop, and the dialog's "Export"
//! writes a file into the working directory. egui takes a frame's click where the pointer is at
//! the end of that frame, in the layout of that frame, so a press is only sent where the layout
//! is known: in a frame of its own, as its frame's last pointer event, outside those buttons as
//! the last two frames showed them (they must not have moved), and after a frame whose input
//! cannot have moved them (no scrolling, resizing, zooming, panel, dialog or presentation key).

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;
use common::{key_events, press_in_one_frame};

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use egui::{Event, Key, Modifiers, PointerButton, Pos2, Rect, Vec2, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use proptest::prelude::RngExt as _;
use proptest::test_runner::{RngAlgorithm, TestRng};
use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::scene::SceneLink;

/// User actions per tab.
const EVENTS_PER_TAB: usize = 10_000;
/// User actions in a frame of keys, scrolling, moves and resizes.
const EVENTS_PER_BUSY_FRAME: usize = 32;
/// 2025-03-10 10:00 UTC: cards are due, so the reviewer's keys have work to do.
const NOW: i64 = 1_741_600_800;
/// Buttons that must not be pressed (see the module docs).
const FORBIDDEN: [&str; 3] = ["Open deck…", "Save as…", "Export"];

/// The keys of the README's table (and the presentation keys), with their modifiers.
const KEYS: &[(Modifiers, Key)] = &[
    (Modifiers::NONE, Key::Space),
    (Modifiers::NONE, Key::ArrowLeft),
    (Modifiers::NONE, Key::ArrowRight),
    (Modifiers::NONE, Key::PageUp),
    (Modifiers::NONE, Key::PageDown),
    (Modifiers::NONE, Key::Home),
    (Modifiers::NONE, Key::End),
    (Modifiers::NONE, Key::OpenBracket),
    (Modifiers::NONE, Key::CloseBracket),
    (Modifiers::COMMAND, Key::Num1),
    (Modifiers::COMMAND, Key::Num2),
    (Modifiers::COMMAND, Key::Num3),
    (Modifiers::COMMAND, Key::Num4),
    (Modifiers::COMMAND, Key::Num5),
    (Modifiers::COMMAND, Key::Num6),
    (Modifiers::COMMAND, Key::Num7),
    (Modifiers::ALT, Key::ArrowLeft),
    (Modifiers::ALT, Key::ArrowRight),
    (Modifiers::COMMAND, Key::Equals),
    (Modifiers::COMMAND, Key::Minus),
    (Modifiers::COMMAND, Key::Num0),
    (Modifiers::COMMAND, Key::L),
    (Modifiers::NONE, Key::F6),
    (Modifiers::NONE, Key::Num1),
    (Modifiers::NONE, Key::Num2),
    (Modifiers::NONE, Key::Num3),
    (Modifiers::NONE, Key::Num4),
    (Modifiers::NONE, Key::U),
    (Modifiers::COMMAND, Key::Z),
    (Modifiers::NONE, Key::S),
    (Modifiers::COMMAND, Key::B),
    (Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::F),
    (Modifiers::COMMAND, Key::E),
    (Modifiers::NONE, Key::F5),
    (Modifiers::NONE, Key::Escape),
    (Modifiers::NONE, Key::B),
    (Modifiers::NONE, Key::Period),
    (Modifiers::NONE, Key::W),
    (Modifiers::NONE, Key::L),
    (Modifiers::NONE, Key::P),
    (Modifiers::NONE, Key::E),
    (Modifiers::NONE, Key::C),
    (Modifiers::NONE, Key::N),
];

/// Keys that can move, show or hide the forbidden buttons: zoom, the Flashcards panel and its
/// header, the export dialog, presentation mode.
fn moves_buttons(modifiers: Modifiers, key: Key) -> bool {
    matches!(
        (modifiers, key),
        (
            Modifiers::COMMAND,
            Key::Equals | Key::Minus | Key::Num0 | Key::E
        ) | (_, Key::F)
            | (Modifiers::NONE, Key::F5 | Key::F6 | Key::Escape)
    )
}

fn button(pos: Pos2, button: PointerButton, pressed: bool) -> Event {
    Event::PointerButton {
        pos,
        button,
        pressed,
        modifiers: Modifiers::NONE,
    }
}

/// What the next frame is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// Keys, scrolling, pointer moves and resizes.
    Busy,
    /// Pointer moves only, so the next frame's layout is known.
    Calm,
    /// One click or the start of a drag.
    Press,
}

/// Random input for one harness.
struct Monkey {
    rng: TestRng,
    size: Vec2,
    turn: Turn,
    /// Calm frames in a row.
    calm_frames: usize,
    /// Whether the last frame's input could have moved the forbidden buttons.
    unsettled: bool,
    /// Events a drag owes the coming frames.
    later: VecDeque<Vec<Event>>,
    /// The forbidden buttons' rectangles in the last two frames.
    forbidden: [Vec<Rect>; 2],
    events_sent: usize,
    presses_sent: usize,
}

impl Monkey {
    fn new(seed: u64, size: Vec2) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        Self {
            rng: TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
            size,
            turn: Turn::Busy,
            calm_frames: 0,
            unsettled: true,
            later: VecDeque::new(),
            forbidden: [Vec::new(), Vec::new()],
            events_sent: 0,
            presses_sent: 0,
        }
    }

    /// Reads where the forbidden buttons are after a frame.
    fn look(&mut self, harness: &Harness<'_, VirtscopeApp>) {
        let rects = FORBIDDEN
            .iter()
            .flat_map(|label| harness.query_all_by_label(label))
            .map(|node| node.rect().expand(6.0))
            .collect();
        self.forbidden.swap(0, 1);
        self.forbidden[1] = rects;
    }

    /// Whether the forbidden buttons stood still over the last two frames.
    fn buttons_still(&self) -> bool {
        let [before, now] = &self.forbidden;
        before.len() == now.len()
            && before
                .iter()
                .zip(now)
                .all(|(a, b)| (a.min - b.min).length() < 0.5 && (a.max - b.max).length() < 0.5)
    }

    /// Whether a press at `pos` in the next frame lands where the last frame showed it: nothing
    /// in the last frame's input could have moved the forbidden buttons, they stood still, and
    /// `pos` is outside them all.
    fn may_press(&self, pos: Pos2) -> bool {
        !self.unsettled
            && self.buttons_still()
            && !self.forbidden[1].iter().any(|rect| rect.contains(pos))
    }

    fn random_pos(&mut self) -> Pos2 {
        pos2(
            self.rng.random_range(0.0..self.size.x),
            self.rng.random_range(0.0..self.size.y),
        )
    }

    /// The events of the next frame, plus what an earlier drag still owes.
    fn frame(&mut self, harness: &mut Harness<'_, VirtscopeApp>) -> Vec<Event> {
        let mut events = self.later.pop_front().unwrap_or_default();
        let turn = self.turn;
        self.unsettled = false;
        match turn {
            Turn::Busy => {
                // One busy frame in four may move the forbidden buttons (and then needs a calm
                // frame before the next press); the others keep to input that cannot.
                let may_move_buttons = self.rng.random_range(0..4) == 0;
                for _ in 0..EVENTS_PER_BUSY_FRAME {
                    self.busy_action(&mut events, harness, may_move_buttons);
                }
                self.turn = if self.unsettled {
                    Turn::Calm
                } else {
                    Turn::Press
                };
            }
            Turn::Calm => {
                let pos = self.random_pos();
                events.push(Event::PointerMoved(pos));
                self.events_sent += 1;
                // Another calm frame while the buttons still move (a dialog's first frames).
                self.calm_frames += 1;
                if self.buttons_still() || self.calm_frames >= 3 {
                    self.calm_frames = 0;
                    self.turn = Turn::Press;
                }
            }
            Turn::Press => {
                self.press_action(&mut events);
                self.unsettled = true;
                self.turn = Turn::Busy;
            }
        }
        events
    }

    /// A key, some scrolling, a pointer move or a resize; only input that cannot move the
    /// forbidden buttons unless `may_move_buttons`.
    fn busy_action(
        &mut self,
        events: &mut Vec<Event>,
        harness: &mut Harness<'_, VirtscopeApp>,
        may_move_buttons: bool,
    ) {
        self.events_sent += 1;
        let pos = self.random_pos();
        match self.rng.random_range(0..100) {
            0..60 => {
                let (modifiers, key) = loop {
                    let (modifiers, key) = KEYS[self.rng.random_range(0..KEYS.len())];
                    if may_move_buttons || !moves_buttons(modifiers, key) {
                        break (modifiers, key);
                    }
                };
                self.unsettled |= moves_buttons(modifiers, key);
                events.extend(key_events(modifiers, key));
            }
            60..95 if !may_move_buttons => events.push(Event::PointerMoved(pos)),
            60..70 => {
                let delta = vec2(
                    self.rng.random_range(-300.0..300.0),
                    self.rng.random_range(-600.0..600.0),
                );
                events.push(Event::PointerMoved(pos));
                events.push(Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta,
                    phase: egui::TouchPhase::Move,
                    modifiers: Modifiers::NONE,
                    source: egui::MouseWheelSource::Wheel,
                });
                self.unsettled = true;
            }
            70..95 => events.push(Event::PointerMoved(pos)),
            _ => {
                self.size = vec2(
                    self.rng.random_range(200.0..2600.0_f32).round(),
                    self.rng.random_range(150.0..1700.0_f32).round(),
                );
                harness.set_size(self.size);
                self.unsettled = true;
            }
        }
    }

    /// A click (now and then with the secondary button) or the start of a drag that moves over
    /// the next frame and ends on the one after; a pointer move where a press is not safe.
    fn press_action(&mut self, events: &mut Vec<Event>) {
        self.events_sent += 1;
        let pos = self.random_pos();
        events.push(Event::PointerMoved(pos));
        let drag = self.rng.random_range(0..5) == 0;
        let secondary = self.rng.random_range(0..10) == 0;
        if !self.may_press(pos) || !self.later.is_empty() {
            return;
        }
        self.presses_sent += 1;
        if drag {
            let end = self.random_pos();
            events.push(button(pos, PointerButton::Primary, true));
            self.later
                .push_back(vec![Event::PointerMoved(pos + (end - pos) * 0.5)]);
            self.later.push_back(vec![
                Event::PointerMoved(end),
                button(end, PointerButton::Primary, false),
            ]);
        } else {
            let which = if secondary {
                PointerButton::Secondary
            } else {
                PointerButton::Primary
            };
            events.push(button(pos, which, true));
            events.push(button(pos, which, false));
        }
    }
}

/// The app on `link`, with review progress in a temporary folder and a fixed clock.
fn app_at(link: &SceneLink, data_dir: &std::path::Path) -> Harness<'static, VirtscopeApp> {
    let launch = Launch {
        data_dir: Some(data_dir.to_owned()),
        clock: Some(Arc::new(|| NOW)),
        open: Some(link.clone()),
        ..Launch::default()
    };
    common::app_harness(Settings::default(), launch)
}

/// The digit key that, with Ctrl, switches to the tab at `index` of the registry.
fn tab_key(index: usize) -> Key {
    Key::from_name(&(index + 1).to_string()).expect("tabs 1 to 9 have a digit key")
}

/// Sends random input to the app on the tab at `index` of the registry, then checks it still
/// answers: Ctrl+number switches tabs and a link typed after Ctrl+L opens.
fn random_input_on_tab(index: usize) {
    let (tab_id, make) = virtscope::tabs::REGISTRY[index];
    let scenes = make().scenes();
    let first = scenes.first().expect("every tab lists scenes").clone();
    let seed = std::env::var("RANDOM_INPUT_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(0x5eed_0000 + index as u64);
    let events = std::env::var("RANDOM_INPUT_EVENTS")
        .ok()
        .and_then(|events| events.parse().ok())
        .unwrap_or(EVENTS_PER_TAB);
    let started = Instant::now();
    let data_dir = tempfile::tempdir().expect("a temporary folder");
    let mut harness = app_at(&first, data_dir.path());
    let mut monkey = Monkey::new(seed, vec2(1600.0, 1000.0));
    let mut frames = 0;
    while monkey.events_sent < events {
        let mut input = monkey.frame(&mut harness);
        if monkey.turn == Turn::Press && harness.state().active_tab_id() != tab_id {
            // Keys and links lead to other tabs; the input is meant for this one. (Switching
            // tabs leaves the forbidden buttons where they are.)
            input.extend(key_events(Modifiers::COMMAND, tab_key(index)));
        }
        harness.input_mut().events.extend(input);
        harness.step();
        frames += 1;
        monkey.look(&harness);
        assert!(
            !harness.state().is_exporting(),
            "seed {seed:#x}: the random input pressed the export dialog's Export"
        );
    }
    // Finish a drag in progress; leave presentation mode, any text field and the zoom.
    while let Some(rest) = monkey.later.pop_front() {
        harness.input_mut().events.extend(rest);
        harness.step();
    }
    harness.set_size(vec2(1600.0, 1000.0));
    press_in_one_frame(&mut harness, Modifiers::NONE, Key::Escape);
    press_in_one_frame(&mut harness, Modifiers::NONE, Key::Escape);
    press_in_one_frame(&mut harness, Modifiers::COMMAND, Key::Num0);
    let next = (index + 1) % virtscope::tabs::REGISTRY.len();
    press_in_one_frame(&mut harness, Modifiers::COMMAND, tab_key(next));
    assert_eq!(
        harness.state().active_tab_id(),
        virtscope::tabs::REGISTRY[next].0,
        "seed {seed:#x}: Ctrl+{} switches tabs after the random input",
        next + 1
    );
    press_in_one_frame(&mut harness, Modifiers::COMMAND, Key::L);
    press_in_one_frame(&mut harness, Modifiers::COMMAND, Key::A);
    let target = scenes.last().expect("every tab lists scenes").to_string();
    harness.input_mut().events.push(Event::Text(target.clone()));
    harness.step();
    press_in_one_frame(&mut harness, Modifiers::NONE, Key::Enter);
    harness.step();
    assert_eq!(
        harness.state().current_link().to_string(),
        target,
        "seed {seed:#x}: a link typed after Ctrl+L opens after the random input"
    );
    eprintln!(
        "{tab_id}: {} events ({} presses) in {frames} frames, seed {seed:#x}, {:.1} s",
        monkey.events_sent,
        monkey.presses_sent,
        started.elapsed().as_secs_f32()
    );
}

#[test]
fn every_registered_tab_has_a_test_here() {
    let ids: Vec<&str> = virtscope::tabs::REGISTRY
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(
        ids,
        [
            "overview",
            "cpu",
            "memory",
            "namespaces",
            "cgroups",
            "migration",
            "containers"
        ],
        "add a test for the new tab below"
    );
}

#[test]
fn overview_survives_random_input() {
    random_input_on_tab(0);
}

#[test]
fn cpu_survives_random_input() {
    random_input_on_tab(1);
}

#[test]
fn memory_survives_random_input() {
    random_input_on_tab(2);
}

#[test]
fn namespaces_survive_random_input() {
    random_input_on_tab(3);
}

#[test]
fn cgroups_survive_random_input() {
    random_input_on_tab(4);
}

#[test]
fn migration_survives_random_input() {
    random_input_on_tab(5);
}

#[test]
fn containers_survive_random_input() {
    random_input_on_tab(6);
}
