//! Everything the user can ask the shell to do, and the keys that ask for it.
//!
//! Keys are read once per frame, before any widget runs, and turned into [`Command`]s that the
//! app applies at the end of the frame (like rerun's `UICommand`). Scene keys (Space, arrows,
//! Home/End, brackets) are only taken while no text field has the keyboard, so typing a link
//! never moves the timeline.

use egui::{Key, KeyboardShortcut, Modifiers};

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
pub fn read_keys(ctx: &egui::Context, tab_count: usize) -> Vec<Command> {
    let mut commands = Vec::new();
    let typing = ctx.text_edit_focused();
    ctx.input_mut(|input| {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn press(ctx: &egui::Context, key: Key, modifiers: Modifiers, tabs: usize) -> Vec<Command> {
        let mut commands = Vec::new();
        let mut input = egui::RawInput::default();
        input.events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        });
        ctx.run_ui(input, |ui| commands = read_keys(ui.ctx(), tabs))
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
