//! The shell in presentation mode (F5): full screen, projector theme, no chrome unless asked
//! (`C`), clicker keys that step through the scene and then the lecture, blanking, the laser and
//! the pen, and the presenter window (`N`).

use egui::{Key, Modifiers};

use super::VirtscopeApp;
use crate::lecture::overlay::overlay_ui;
use crate::lecture::presenter::{PresenterAction, Progress, presenter_window};
use crate::lecture::{Blank, Lecture, Tool};

/// A key pressed while presenting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresentKey {
    /// Next step, or the next lecture scene after the last step.
    Next,
    /// Previous step, or the previous lecture scene.
    Previous,
    /// First step.
    Start,
    /// Last step.
    End,
    /// Blank the screen (black or white), or show it again.
    Blank(Blank),
    /// Laser pointer on or off.
    Laser,
    /// Pen on or off.
    Pen,
    /// Pick a pen colour.
    PenColour(usize),
    /// Remove all ink.
    ClearInk,
    /// Show or hide the controls.
    Controls,
    /// Open or close the presenter window.
    Presenter,
    /// Leave presentation mode.
    Leave,
}

/// Clicker and presentation keys (presentation clickers send PageUp/PageDown, `.` or `B`).
const KEYS: [(Key, PresentKey); 17] = [
    (Key::PageDown, PresentKey::Next),
    (Key::ArrowRight, PresentKey::Next),
    (Key::Space, PresentKey::Next),
    (Key::PageUp, PresentKey::Previous),
    (Key::ArrowLeft, PresentKey::Previous),
    (Key::Home, PresentKey::Start),
    (Key::End, PresentKey::End),
    (Key::B, PresentKey::Blank(Blank::Black)),
    (Key::Period, PresentKey::Blank(Blank::Black)),
    (Key::W, PresentKey::Blank(Blank::White)),
    (Key::L, PresentKey::Laser),
    (Key::P, PresentKey::Pen),
    (Key::E, PresentKey::ClearInk),
    (Key::C, PresentKey::Controls),
    (Key::N, PresentKey::Presenter),
    (Key::Escape, PresentKey::Leave),
    (Key::F5, PresentKey::Leave),
];

/// Consumes this frame's presentation keys.
pub fn read_present_keys(ctx: &egui::Context) -> Vec<PresentKey> {
    let mut keys = Vec::new();
    ctx.input_mut(|input| {
        for (key, meaning) in KEYS {
            for _ in 0..input.count_and_consume_key(Modifiers::NONE, key) {
                keys.push(meaning);
            }
        }
        for (index, key) in [Key::Num1, Key::Num2, Key::Num3].into_iter().enumerate() {
            if input.consume_key(Modifiers::NONE, key) {
                keys.push(PresentKey::PenColour(index));
            }
        }
    });
    keys
}

impl VirtscopeApp {
    /// Whether presentation mode is on.
    pub fn is_presenting(&self) -> bool {
        self.presentation.active
    }

    /// The presentation state (blank, tool, ink, lecture position), for tests.
    pub fn presentation(&self) -> &crate::lecture::Presentation {
        &self.presentation
    }

    /// Enters presentation mode, optionally presenting `lecture` from its first scene.
    pub fn start_presentation(&mut self, ctx: &egui::Context, lecture: Option<Lecture>) {
        self.presentation.active = true;
        self.presentation.blank = None;
        self.presentation.started_at = Some(ctx.input(|input| input.time));
        if let Some(lecture) = lecture {
            let first = lecture.slides.first().map(|slide| slide.link.clone());
            self.presentation.lecture = Some((lecture, 0));
            if let Some(link) = first {
                self.open_link(&link);
            }
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
    }

    /// Leaves presentation mode: the theme and window come back, the ink is dropped.
    pub fn stop_presentation(&mut self, ctx: &egui::Context) {
        self.presentation.active = false;
        self.presentation.blank = None;
        self.presentation.ink.clear();
        self.presentation.tool = Tool::Pointer;
        self.presentation.presenter_open = false;
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
    }

    pub(super) fn apply_present_key(&mut self, key: PresentKey, ctx: &egui::Context) {
        let presentation = &mut self.presentation;
        match key {
            PresentKey::Next => self.next_step(),
            PresentKey::Previous => self.previous_step(),
            PresentKey::Start => self.with_timeline(|t| t.to_start()),
            PresentKey::End => self.with_timeline(|t| t.to_end()),
            PresentKey::Blank(blank) => presentation.toggle_blank(blank),
            PresentKey::Laser => presentation.toggle_tool(Tool::Laser),
            PresentKey::Pen => presentation.toggle_tool(Tool::Pen),
            PresentKey::PenColour(colour) => {
                presentation.pen_colour = colour;
                presentation.tool = Tool::Pen;
            }
            PresentKey::ClearInk => presentation.ink.clear(),
            PresentKey::Controls => presentation.show_controls = !presentation.show_controls,
            PresentKey::Presenter => presentation.presenter_open = !presentation.presenter_open,
            PresentKey::Leave => self.stop_presentation(ctx),
        }
    }

    fn with_timeline(&mut self, change: impl FnOnce(&mut crate::timeline::Timeline)) {
        if let Some(timeline) = self.tab_mut().timeline() {
            change(timeline);
        }
    }

    /// The next step of the scene; after its last step, the next scene of the lecture.
    fn next_step(&mut self) {
        let at_end = self
            .tab_mut()
            .timeline()
            .is_none_or(|t| t.position() >= t.end());
        if at_end {
            if let Some(slide) = self.presentation.turn(true) {
                self.open_link(&slide.link);
            }
        } else {
            self.with_timeline(|t| t.step_forward());
        }
    }

    /// The previous step; before the first, the previous lecture scene at its last step.
    fn previous_step(&mut self) {
        let at_start = self
            .tab_mut()
            .timeline()
            .is_none_or(|t| t.position() <= 0.0);
        if at_start {
            if let Some(slide) = self.presentation.turn(false) {
                self.open_link(&slide.link);
                self.with_timeline(|t| t.to_end());
            }
        } else {
            self.with_timeline(|t| t.step_back());
        }
    }

    /// The overlay (ink, laser, blank) over the scene and the presenter window.
    pub(super) fn presentation_overlay_ui(&mut self, ctx: &egui::Context, scene_rect: egui::Rect) {
        let theme = self.theme.clone();
        overlay_ui(ctx, &theme, scene_rect, &mut self.presentation);
        let progress = self
            .tab_mut()
            .timeline()
            .map(|t| Progress {
                caption: t.caption().unwrap_or_default().to_owned(),
                position: t.position_text(),
            })
            .unwrap_or_default();
        let monitors = self.monitors.clone();
        match presenter_window(ctx, &theme, &mut self.presentation, &progress, &monitors) {
            Some(PresenterAction::Next) => self.next_step(),
            Some(PresenterAction::Previous) => self.previous_step(),
            None => {}
        }
        if self.presentation.is_animating() {
            ctx.request_repaint();
        }
    }
}
