//! Everything the user can ask the shell to do, and the keys that ask for it.
//!
//! Keys are read once per frame, before any widget runs, and turned into [`Command`]s that the
//! app applies at the end of the frame (like rerun's `UICommand`). Every key event of the frame is
//! read in the order it was typed, and each one sees what the ones before it did: Space then `3`
//! typed within one frame reveal the card and then grade it Good, as two frames would.
//!
//! One rule decides who gets a key, and the status line shows it: the pane that has the
//! keyboard. While the Flashcards panel has it and a card is under review, Space and Enter reveal
//! and grade, 1-4 grade, `u` / Ctrl+Z undo and `s` shows the card's scene, which hands the
//! keyboard to the scene; otherwise Space plays the timeline. F6 or a click moves the keyboard
//! between the scene and the panel. Scene keys are only taken while no text field has the
//! keyboard, so typing a link never moves the timeline (nor a card in the card editor). `A` adds
//! a card wherever no text field has the keyboard; `e` edits the card under review while the
//! panel has it. Esc closes the frontmost window.

use egui::{Event, Key, Modifiers};

use crate::review::rating::Rating;

/// A request to the app shell.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Show the tab at this index of the registry.
    SwitchTab(usize),
    /// Go to the previously visited scene.
    Back,
    /// Go to the next visited scene.
    Forward,
    /// Play or pause the active timeline.
    PlayPause,
    /// Step the active timeline forward.
    StepForward,
    /// Step the active timeline back.
    StepBack,
    /// Jump to the start of the active timeline.
    ToStart,
    /// Jump to the end of the active timeline.
    ToEnd,
    /// Play faster.
    Faster,
    /// Play slower.
    Slower,
    /// Put the keyboard focus in the scene-link field.
    FocusLink,
    /// Give the keyboard to the other pane (scene or flashcards).
    CycleFocus,
    /// Show or hide the Flashcards panel.
    ToggleFlashcards,
    /// Open the card browser, or close it when it is open.
    Browse,
    /// Show the answer of the card under review.
    Reveal,
    /// Grade the card under review.
    Grade(Rating),
    /// Take back the last answer.
    Undo,
    /// Show the scene of the card under review (and give the scene the keyboard).
    ShowMe,
    /// Open the Add card window (`A`, as in Anki).
    AddCard,
    /// Edit the card under review (`E`, as in Anki's reviewer).
    EditCard,
    /// Enter presentation mode.
    Present,
    /// Open the export dialog.
    ExportDialog,
    /// Close the frontmost window.
    CloseWindow,
}

/// Whether the reviewer takes its keys this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReviewKeys {
    /// The Flashcards panel has the keyboard and a card is under review.
    pub active: bool,
    /// The card's answer is shown (grades are possible).
    pub revealed: bool,
    /// The panel is shown with a card under review, so F6 can give it the keyboard.
    pub available: bool,
}

impl ReviewKeys {
    /// What the keys after `command` in the same frame find.
    fn after(mut self, command: &Command) -> Self {
        match command {
            Command::Reveal => self.revealed = true,
            Command::Grade(_) | Command::Undo => self.revealed = false,
            Command::ShowMe => self.active = false,
            Command::CycleFocus => self.active = !self.active && self.available,
            Command::ToggleFlashcards => {
                self.active = false;
                self.available = false;
            }
            _ => {}
        }
        self
    }
}

/// What decides the meaning of a key this frame, besides the key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyContext {
    /// How many tabs Ctrl+1.. can reach.
    pub tab_count: usize,
    /// The reviewer's part of the keyboard.
    pub review: ReviewKeys,
    /// A window (browser, statistics, settings, export, shortcuts) is open: Esc closes it.
    pub window_open: bool,
    /// The card editor is open: while a text field has the keyboard, Ctrl+B and Ctrl+I are its
    /// bold and italic (as in Anki's editor), not the shell's browser.
    pub card_editor_open: bool,
}

/// Scene keys: only while no text field wants the keyboard.
const SCENE: [(Key, Command); 9] = [
    (Key::Space, Command::PlayPause),
    (Key::ArrowRight, Command::StepForward),
    (Key::ArrowLeft, Command::StepBack),
    (Key::Home, Command::ToStart),
    (Key::End, Command::ToEnd),
    (Key::CloseBracket, Command::Faster),
    (Key::OpenBracket, Command::Slower),
    (Key::PageDown, Command::StepForward),
    (Key::PageUp, Command::StepBack),
];

const TAB_KEYS: [Key; 9] = [
    Key::Num1,
    Key::Num2,
    Key::Num3,
    Key::Num4,
    Key::Num5,
    Key::Num6,
    Key::Num7,
    Key::Num8,
    Key::Num9,
];

const GRADES: [(Key, Rating); 4] = [
    (Key::Num1, Rating::Again),
    (Key::Num2, Rating::Hard),
    (Key::Num3, Rating::Good),
    (Key::Num4, Rating::Easy),
];

/// Consumes this frame's shortcut keys, in the order they were typed, and returns the commands
/// they stand for. Keys that mean nothing here stay for the widgets.
pub fn read_keys(ctx: &egui::Context, keys: KeyContext) -> Vec<Command> {
    let mut commands = Vec::new();
    let typing = ctx.text_edit_focused();
    let mut review = keys.review;
    ctx.input_mut(|input| {
        input.events.retain(|event| {
            let Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = event
            else {
                return true;
            };
            let Some(command) = command_for(*key, *modifiers, typing, review, &keys) else {
                return true;
            };
            review = review.after(&command);
            commands.push(command);
            false
        });
    });
    commands
}

/// The meaning of one key press, given what the keys before it did.
fn command_for(
    key: Key,
    modifiers: Modifiers,
    typing: bool,
    review: ReviewKeys,
    keys: &KeyContext,
) -> Option<Command> {
    let command = modifiers.command;
    let plain = !modifiers.command && !modifiers.alt && !modifiers.ctrl;
    // Shortcuts that work anywhere, even while a text field is focused; most specific first.
    match key {
        Key::Escape if keys.window_open => return Some(Command::CloseWindow),
        Key::F6 if plain => return Some(Command::CycleFocus),
        Key::F5 if plain => return Some(Command::Present),
        Key::F if command && modifiers.shift => return Some(Command::ToggleFlashcards),
        Key::B if command && !(typing && keys.card_editor_open) => return Some(Command::Browse),
        Key::E if command => return Some(Command::ExportDialog),
        Key::L if command => return Some(Command::FocusLink),
        Key::ArrowLeft if modifiers.alt => return Some(Command::Back),
        Key::ArrowRight if modifiers.alt => return Some(Command::Forward),
        _ => {}
    }
    if command && let Some(index) = TAB_KEYS.iter().position(|k| *k == key) {
        return (index < keys.tab_count).then_some(Command::SwitchTab(index));
    }
    if typing {
        return None;
    }
    if review.active {
        if (command && key == Key::Z) || (plain && key == Key::U) {
            return Some(Command::Undo);
        }
        if plain {
            match key {
                Key::S => return Some(Command::ShowMe),
                Key::E => return Some(Command::EditCard),
                Key::Space | Key::Enter if review.revealed => {
                    return Some(Command::Grade(Rating::Good));
                }
                Key::Space | Key::Enter => return Some(Command::Reveal),
                _ => {}
            }
            if review.revealed
                && let Some((_, rating)) = GRADES.iter().find(|(k, _)| *k == key)
            {
                return Some(Command::Grade(*rating));
            }
        }
    }
    if command && key == Key::Z {
        return Some(Command::Undo);
    }
    if !plain {
        return None;
    }
    if key == Key::A && !modifiers.shift {
        return Some(Command::AddCard);
    }
    SCENE
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, command)| command.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(ctx: &egui::Context, key: Key, modifiers: Modifiers, tabs: usize) -> Vec<Command> {
        let keys = KeyContext {
            tab_count: tabs,
            ..KeyContext::default()
        };
        press_all(ctx, &[(key, modifiers)], keys)
    }

    /// The commands of `presses` typed within one frame.
    fn press_all(
        ctx: &egui::Context,
        presses: &[(Key, Modifiers)],
        keys: KeyContext,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        let mut input = egui::RawInput::default();
        for (key, modifiers) in presses {
            input.events.push(egui::Event::Key {
                key: *key,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: *modifiers,
            });
        }
        ctx.run_ui(input, |ui| commands = read_keys(ui.ctx(), keys))
            .textures_delta
            .clear();
        commands
    }

    fn reviewing() -> KeyContext {
        KeyContext {
            tab_count: 6,
            review: ReviewKeys {
                active: true,
                revealed: false,
                available: true,
            },
            window_open: false,
            card_editor_open: false,
        }
    }

    #[test]
    fn keys_of_one_frame_are_read_in_order() {
        let ctx = egui::Context::default();
        let none = Modifiers::NONE;
        assert_eq!(
            press_all(&ctx, &[(Key::Space, none), (Key::Num3, none)], reviewing()),
            vec![Command::Reveal, Command::Grade(Rating::Good)],
            "Space reveals, then 3 grades the revealed card"
        );
        assert_eq!(
            press_all(
                &ctx,
                &[(Key::Space, none), (Key::Space, none), (Key::Space, none)],
                reviewing()
            ),
            vec![
                Command::Reveal,
                Command::Grade(Rating::Good),
                Command::Reveal
            ],
            "the next card starts hidden"
        );
        assert_eq!(
            press_all(&ctx, &[(Key::S, none), (Key::Space, none)], reviewing()),
            vec![Command::ShowMe, Command::PlayPause],
            "after Show me the scene has the keyboard: Space plays"
        );
        assert_eq!(
            press_all(
                &ctx,
                &[(Key::S, none), (Key::F6, none), (Key::Space, none)],
                reviewing()
            ),
            vec![Command::ShowMe, Command::CycleFocus, Command::Reveal],
            "F6 gives the keyboard back to the panel"
        );
    }

    #[test]
    fn a_and_e_add_and_edit_but_not_while_typing() {
        let ctx = egui::Context::default();
        let none = Modifiers::NONE;
        assert_eq!(
            press_all(&ctx, &[(Key::A, none), (Key::E, none)], reviewing()),
            vec![Command::AddCard, Command::EditCard]
        );
        let mut scene_has_keys = reviewing();
        scene_has_keys.review.active = false;
        assert_eq!(
            press_all(&ctx, &[(Key::A, none), (Key::E, none)], scene_has_keys),
            vec![Command::AddCard],
            "E edits the card under review only while the panel has the keyboard"
        );
        assert_eq!(
            press_all(&ctx, &[(Key::Z, Modifiers::COMMAND)], scene_has_keys),
            vec![Command::Undo],
            "Ctrl+Z undoes card changes outside the panel too"
        );
    }

    #[test]
    fn escape_closes_a_window_only_when_one_is_open() {
        let ctx = egui::Context::default();
        let mut keys = reviewing();
        assert_eq!(
            press_all(&ctx, &[(Key::Escape, Modifiers::NONE)], keys),
            vec![]
        );
        keys.window_open = true;
        assert_eq!(
            press_all(&ctx, &[(Key::Escape, Modifiers::NONE)], keys),
            vec![Command::CloseWindow]
        );
    }

    #[test]
    fn keys_map_to_commands() {
        let ctx = egui::Context::default();
        assert_eq!(
            press(&ctx, Key::Space, Modifiers::NONE, 6),
            vec![Command::PlayPause]
        );
        assert_eq!(
            press(&ctx, Key::ArrowLeft, Modifiers::ALT, 6),
            vec![Command::Back],
            "Alt+Left is Back only, not also a step"
        );
        assert_eq!(
            press(&ctx, Key::ArrowLeft, Modifiers::NONE, 6),
            vec![Command::StepBack]
        );
        assert_eq!(
            press(&ctx, Key::Num3, Modifiers::COMMAND, 6),
            vec![Command::SwitchTab(2)]
        );
        assert_eq!(
            press(&ctx, Key::Num3, Modifiers::COMMAND, 2),
            vec![],
            "no third tab"
        );
        assert_eq!(
            press(&ctx, Key::CloseBracket, Modifiers::NONE, 6),
            vec![Command::Faster]
        );
        assert_eq!(
            press(&ctx, Key::PageUp, Modifiers::NONE, 6),
            vec![Command::StepBack]
        );
    }
}
