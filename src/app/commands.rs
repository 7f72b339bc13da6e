//! Everything the user can ask the shell to do, and the keys that ask for it.
//!
//! Keys are read once per frame, before any widget runs, and turned into [`Command`]s that the
//! app applies at the end of the frame (like rerun's `UICommand`). Scene keys (Space, arrows,
//! Home/End, brackets) are only taken while no text field has the keyboard, so typing a link
//! never moves the timeline.
//!
//! Keys go by focus: while the Flashcards panel has the keyboard and a card is under review,
//! Space and Enter reveal and grade, 1-4 grade, `u` / Ctrl+Z undo and `s` shows the card's scene;
//! otherwise Space plays the timeline. F6 moves the keyboard between the scene and the panel.

use egui::{Key, KeyboardShortcut, Modifiers};

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
    /// Open the card browser.
    Browse,
    /// Show the answer of the card under review.
    Reveal,
    /// Grade the card under review.
    Grade(Rating),
    /// Take back the last answer.
    Undo,
    /// Show the scene of the card under review.
    ShowMe,
    /// Enter presentation mode.
    Present,
    /// Open the export dialog.
    ExportDialog,
}

/// Whether the reviewer takes its keys this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReviewKeys {
    /// The Flashcards panel has the keyboard and a card is under review.
    pub active: bool,
    /// The card's answer is shown (grades are possible).
    pub revealed: bool,
}

/// The shortcuts that work anywhere, even while a text field is focused.
const GLOBAL: [(KeyboardShortcut, Command); 2] = [
    (
        KeyboardShortcut::new(Modifiers::ALT, Key::ArrowLeft),
        Command::Back,
    ),
    (
        KeyboardShortcut::new(Modifiers::ALT, Key::ArrowRight),
        Command::Forward,
    ),
];

/// Scene keys: only while no text field wants the keyboard.
const SCENE: [(Key, Command); 8] = [
    (Key::Space, Command::PlayPause),
    (Key::ArrowRight, Command::StepForward),
    (Key::ArrowLeft, Command::StepBack),
    (Key::Home, Command::ToStart),
    (Key::End, Command::ToEnd),
    (Key::CloseBracket, Command::Faster),
    (Key::OpenBracket, Command::Slower),
    (Key::PageDown, Command::StepForward),
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

/// Consumes this frame's shortcut keys and returns the commands they stand for.
pub fn read_keys(ctx: &egui::Context, tab_count: usize, review: ReviewKeys) -> Vec<Command> {
    let mut commands = Vec::new();
    let typing = ctx.text_edit_focused();
    ctx.input_mut(|input| {
        if input.consume_key(Modifiers::NONE, Key::F6) {
            commands.push(Command::CycleFocus);
        }
        if input.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::F) {
            commands.push(Command::ToggleFlashcards);
        }
        if input.consume_key(Modifiers::COMMAND, Key::B) {
            commands.push(Command::Browse);
        }
        if input.consume_key(Modifiers::COMMAND, Key::E) {
            commands.push(Command::ExportDialog);
        }
        if input.consume_key(Modifiers::NONE, Key::F5) {
            commands.push(Command::Present);
        }
        // Most specific first: Alt+Left must not also count as Left.
        for (shortcut, command) in &GLOBAL {
            if input.consume_shortcut(shortcut) {
                commands.push(command.clone());
            }
        }
        for (index, key) in TAB_KEYS.iter().enumerate().take(tab_count) {
            if input.consume_key(Modifiers::COMMAND, *key) {
                commands.push(Command::SwitchTab(index));
            }
        }
        if input.consume_key(Modifiers::COMMAND, Key::L) {
            commands.push(Command::FocusLink);
        }
        if typing {
            return;
        }
        if review.active {
            read_review_keys(input, review.revealed, &mut commands);
        }
        for (key, command) in &SCENE {
            if input.consume_key(Modifiers::NONE, *key) {
                commands.push(command.clone());
            }
        }
        if input.consume_key(Modifiers::NONE, Key::PageUp) {
            commands.push(Command::StepBack);
        }
    });
    commands
}

/// The reviewer's keys (Anki's): consumed before the scene keys so Space reveals, not plays.
fn read_review_keys(input: &mut egui::InputState, revealed: bool, commands: &mut Vec<Command>) {
    if input.consume_key(Modifiers::COMMAND, Key::Z) || input.consume_key(Modifiers::NONE, Key::U) {
        commands.push(Command::Undo);
    }
    if input.consume_key(Modifiers::NONE, Key::S) {
        commands.push(Command::ShowMe);
    }
    let space_or_enter = input.consume_key(Modifiers::NONE, Key::Space)
        || input.consume_key(Modifiers::NONE, Key::Enter);
    if space_or_enter {
        commands.push(if revealed {
            Command::Grade(Rating::Good)
        } else {
            Command::Reveal
        });
    }
    if revealed {
        for (key, rating) in [
            (Key::Num1, Rating::Again),
            (Key::Num2, Rating::Hard),
            (Key::Num3, Rating::Good),
            (Key::Num4, Rating::Easy),
        ] {
            if input.consume_key(Modifiers::NONE, key) {
                commands.push(Command::Grade(rating));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(ctx: &egui::Context, key: Key, modifiers: Modifiers, tabs: usize) -> Vec<Command> {
        press_with(ctx, key, modifiers, tabs, ReviewKeys::default())
    }

    fn press_with(
        ctx: &egui::Context,
        key: Key,
        modifiers: Modifiers,
        tabs: usize,
        review: ReviewKeys,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        let mut input = egui::RawInput::default();
        input.events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        });
        ctx.run_ui(input, |ui| commands = read_keys(ui.ctx(), tabs, review))
            .textures_delta
            .clear();
        commands
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
