//! Lecture mode: presenting scenes to a room.
//!
//! [`Presentation`] is the state of presentation mode (full screen, projector theme, no chrome):
//! the blank screen, the laser pointer and the pen, and an optional lecture script that PageDown
//! walks through (each scene's steps, then the next scene). The ink lives only here: it is never
//! part of a scene, its link or its exports. [`overlay`] draws it; [`presenter`] is the speaker's
//! window with notes, the next scene and a clock.

pub mod overlay;
pub mod presenter;
pub mod script;

use egui::Pos2;

pub use script::{Lecture, LectureError, Slide};

/// What the screen shows instead of the scene, if anything (`B` / `.` and `W`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blank {
    /// Black screen.
    Black,
    /// White screen.
    White,
}

/// What the pointer does in presentation mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// The normal pointer: clicks reach the scene.
    #[default]
    Pointer,
    /// A red dot with a short fading trail.
    Laser,
    /// Dragging draws ink over the scene.
    Pen,
}

/// Pen colours (indices into the theme-independent ink palette drawn by [`overlay`]).
pub const PEN_COLOURS: usize = 3;

/// One pen stroke, in screen points.
#[derive(Clone, Debug, PartialEq)]
pub struct InkStroke {
    /// Index of the colour, below [`PEN_COLOURS`].
    pub colour: usize,
    /// The points drawn, in order.
    pub points: Vec<Pos2>,
}

/// How long the laser's trail lasts, in seconds.
pub const LASER_TRAIL_SECS: f64 = 0.5;

/// Presentation mode's state.
#[derive(Clone, Debug, Default)]
pub struct Presentation {
    /// Whether presentation mode is on.
    pub active: bool,
    /// A blanked screen.
    pub blank: Option<Blank>,
    /// The pointer tool.
    pub tool: Tool,
    /// The pen's colour.
    pub pen_colour: usize,
    /// Finished and current pen strokes.
    pub ink: Vec<InkStroke>,
    /// Recent laser positions with their time (seconds), newest last.
    pub trail: Vec<(Pos2, f64)>,
    /// Whether the shell's controls are shown while presenting (`C`).
    pub show_controls: bool,
    /// The lecture being presented, and the index of its current scene.
    pub lecture: Option<(Lecture, usize)>,
    /// Whether the presenter window is open.
    pub presenter_open: bool,
    /// When the presentation started (seconds of egui time), for the presenter's clock.
    pub started_at: Option<f64>,
}

impl Presentation {
    /// The lecture's current slide.
    pub fn slide(&self) -> Option<&Slide> {
        let (lecture, index) = self.lecture.as_ref()?;
        lecture.slides.get(*index)
    }

    /// The lecture's next slide.
    pub fn next_slide(&self) -> Option<&Slide> {
        let (lecture, index) = self.lecture.as_ref()?;
        lecture.slides.get(index + 1)
    }

    /// Moves to the next (`forward`) or previous lecture scene; returns it when it changed.
    pub fn turn(&mut self, forward: bool) -> Option<Slide> {
        let (lecture, index) = self.lecture.as_mut()?;
        let next = if forward {
            (*index + 1 < lecture.slides.len()).then_some(*index + 1)?
        } else {
            index.checked_sub(1)?
        };
        *index = next;
        self.ink.clear();
        lecture.slides.get(next).cloned()
    }

    /// Toggles a tool: choosing the active one returns to the pointer.
    pub fn toggle_tool(&mut self, tool: Tool) {
        self.tool = if self.tool == tool {
            Tool::Pointer
        } else {
            tool
        };
        self.trail.clear();
    }

    /// Toggles a blank screen of this kind.
    pub fn toggle_blank(&mut self, blank: Blank) {
        self.blank = if self.blank == Some(blank) {
            None
        } else {
            Some(blank)
        };
    }

    /// Adds a laser position at `now_secs` and forgets the ones older than the trail.
    pub fn laser_to(&mut self, pos: Pos2, now_secs: f64) {
        if self.trail.last().is_none_or(|(last, _)| *last != pos) {
            self.trail.push((pos, now_secs));
        }
        self.trail
            .retain(|(_, at)| now_secs - at <= LASER_TRAIL_SECS);
    }

    /// Whether something in the overlay still moves (a fading trail): the app keeps repainting.
    pub fn is_animating(&self) -> bool {
        self.tool == Tool::Laser && self.trail.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lecture(n: usize) -> Lecture {
        Lecture {
            title: "t".to_owned(),
            slides: (0..n)
                .map(|i| Slide {
                    link: crate::scene::SceneLink::parse(&format!("overview?step={i}")).unwrap(),
                    notes: String::new(),
                    line: i + 1,
                })
                .collect(),
        }
    }

    #[test]
    fn turning_moves_between_scenes_and_clears_ink() {
        let mut presentation = Presentation {
            lecture: Some((lecture(3), 0)),
            ..Presentation::default()
        };
        presentation.ink.push(InkStroke {
            colour: 0,
            points: vec![Pos2::ZERO],
        });
        assert_eq!(presentation.turn(true).unwrap().line, 2);
        assert!(
            presentation.ink.is_empty(),
            "ink belongs to the scene it was drawn on"
        );
        assert_eq!(presentation.next_slide().unwrap().line, 3);
        presentation.turn(true);
        assert!(presentation.turn(true).is_none(), "no scene after the last");
        assert_eq!(presentation.turn(false).unwrap().line, 2);
    }

    #[test]
    fn tools_and_blanks_toggle() {
        let mut presentation = Presentation::default();
        presentation.toggle_tool(Tool::Pen);
        assert_eq!(presentation.tool, Tool::Pen);
        presentation.toggle_tool(Tool::Pen);
        assert_eq!(presentation.tool, Tool::Pointer);
        presentation.toggle_blank(Blank::Black);
        presentation.toggle_blank(Blank::White);
        assert_eq!(presentation.blank, Some(Blank::White));
        presentation.toggle_blank(Blank::White);
        assert_eq!(presentation.blank, None);
    }

    #[test]
    fn the_laser_trail_fades() {
        let mut presentation = Presentation::default();
        presentation.toggle_tool(Tool::Laser);
        presentation.laser_to(Pos2::new(0.0, 0.0), 0.0);
        presentation.laser_to(Pos2::new(5.0, 0.0), 0.2);
        assert!(presentation.is_animating());
        presentation.laser_to(Pos2::new(9.0, 0.0), 1.0);
        assert_eq!(
            presentation.trail.len(),
            1,
            "points older than the trail are gone"
        );
        assert!(!presentation.is_animating());
    }
}
