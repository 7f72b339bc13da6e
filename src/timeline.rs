//! The one step/timeline engine that every visualization shares.
//!
//! A timeline is a position on an axis (steps or simulated seconds) with named marks, a play/pause
//! flag and a speed. It knows nothing about what is being shown: a tab asks it for the position and
//! computes its state as a pure function of (scene parameters, position). That is what makes
//! scrubbing backwards, exports and tests deterministic. Only [`Timeline::advance`] looks at real
//! time, and only while playing, so an idle app asks for no repaints.

/// Playback speeds offered by `[` / `]` and the speed menu.
pub const SPEEDS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// What the position counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Discrete steps: marks sit at 0, 1, 2, ...; stepping moves one mark.
    Steps,

    /// Simulated seconds: marks are events at arbitrary times; stepping jumps between them.
    Seconds,
}

/// A named position on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Where the mark sits (step index or seconds).
    pub at: f64,

    /// Short stable id used in scene links (`step=trap`); may repeat.
    pub slug: String,

    /// One sentence a student reads at this point.
    pub label: String,
}

impl Mark {
    /// A mark at `at` with its slug and label.
    pub fn new(at: f64, slug: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            at,
            slug: slug.into(),
            label: label.into(),
        }
    }
}

/// Play/pause/step/scrub state of one scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    unit: Unit,
    marks: Vec<Mark>,
    end: f64,
    position: f64,
    playing: bool,
    speed_index: usize,
    units_per_sec: f64,
    /// Whether what lies ahead of the position is hidden (a quiz question's scene, `hide=future`):
    /// the marks after it, its caption and the end are not shown.
    ahead_hidden: bool,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::steps(Vec::new())
    }
}

impl Timeline {
    /// A step timeline: one mark per step at 0, 1, 2, ... from `(slug, label)` pairs.
    pub fn steps(steps: Vec<(String, String)>) -> Self {
        let marks: Vec<Mark> = steps
            .into_iter()
            .enumerate()
            .map(|(i, (slug, label))| Mark::new(i as f64, slug, label))
            .collect();
        let end = marks.len().saturating_sub(1) as f64;
        Self {
            unit: Unit::Steps,
            marks,
            end,
            position: 0.0,
            playing: false,
            speed_index: 2,
            units_per_sec: 0.8,
            ahead_hidden: false,
        }
    }

    /// A time timeline from 0 to `end_secs` with event marks, played back so that the whole
    /// range takes `playback_secs` of real time at 1x.
    pub fn seconds(end_secs: f64, mut marks: Vec<Mark>, playback_secs: f64) -> Self {
        let end = if end_secs.is_finite() {
            end_secs.max(0.0)
        } else {
            0.0
        };
        marks.retain(|mark| mark.at.is_finite());
        marks.sort_by(|a, b| a.at.total_cmp(&b.at));
        Self {
            unit: Unit::Seconds,
            marks,
            end,
            position: 0.0,
            playing: false,
            speed_index: 2,
            units_per_sec: if playback_secs > 0.0 {
                end / playback_secs
            } else {
                1.0
            },
            ahead_hidden: false,
        }
    }

    /// Keeps the playback state (speed, playing) of `self` but takes marks, range and what is
    /// hidden of them from `other`, clamping the position into the new range. Used when a
    /// scene's parameters change.
    pub fn replace_range(&mut self, other: Self) {
        let Self {
            unit,
            marks,
            end,
            units_per_sec,
            ahead_hidden,
            ..
        } = other;
        self.unit = unit;
        self.marks = marks;
        self.end = end;
        self.units_per_sec = units_per_sec;
        self.ahead_hidden = ahead_hidden;
        self.position = self.position.clamp(0.0, end);
        if self.position >= end {
            self.playing = false;
        }
    }

    /// What the position counts.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// The named marks, sorted by position.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The marks a student may see: all of them, or while what lies ahead is hidden, those at
    /// or before the position.
    pub fn visible_marks(&self) -> &[Mark] {
        if !self.ahead_hidden {
            return &self.marks;
        }
        let shown = self
            .marks
            .partition_point(|mark| mark.at <= self.position + 1e-9);
        self.marks.get(..shown).unwrap_or_default()
    }

    /// Hides (or shows again) what lies ahead of the position: the marks after it and the end
    /// (a quiz question's scene, so that the bar does not give the answer away).
    pub fn set_ahead_hidden(&mut self, hidden: bool) {
        self.ahead_hidden = hidden;
    }

    /// Whether what lies ahead of the position is hidden.
    pub fn ahead_hidden(&self) -> bool {
        self.ahead_hidden
    }

    /// The caption shown at the position: the label of the last mark at or before it (the
    /// first mark's before it, as a preview, unless what lies ahead is hidden).
    pub fn caption(&self) -> Option<&str> {
        self.marks
            .get(self.current_mark())
            .filter(|mark| !self.ahead_hidden || mark.at <= self.position + 1e-9)
            .map(|mark| mark.label.as_str())
    }

    /// The last position.
    pub fn end(&self) -> f64 {
        self.end
    }

    /// The current position (fractional while a step animation plays).
    pub fn position(&self) -> f64 {
        self.position
    }

    /// Whether the timeline is playing.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// The current playback speed factor (0.25x-4x).
    pub fn speed(&self) -> f64 {
        SPEEDS.get(self.speed_index).copied().unwrap_or(1.0)
    }

    /// Index of the last mark at or before the position (0 if there are no marks).
    pub fn current_mark(&self) -> usize {
        let after = self
            .marks
            .partition_point(|mark| mark.at <= self.position + 1e-9);
        after.saturating_sub(1)
    }

    /// The step a step timeline is at: the integer part of the position.
    pub fn step(&self) -> usize {
        self.position.max(0.0).floor() as usize
    }

    /// How far (0..1) the position is from the current mark towards the next one; drives
    /// in-between animation. Always 0 when paused on a mark.
    pub fn fraction(&self) -> f64 {
        let index = self.current_mark();
        let (Some(here), Some(next)) = (self.marks.get(index), self.marks.get(index + 1)) else {
            return 0.0;
        };
        let span = next.at - here.at;
        if span <= 0.0 {
            0.0
        } else {
            ((self.position - here.at) / span).clamp(0.0, 1.0)
        }
    }

    /// Jumps to `position`, clamped to the range. Scrubbing never changes play/pause.
    pub fn seek(&mut self, position: f64) {
        if position.is_finite() {
            self.position = position.clamp(0.0, self.end);
        }
    }

    /// Jumps to the first mark with this slug; returns whether one exists.
    pub fn seek_slug(&mut self, slug: &str) -> bool {
        match self.marks.iter().find(|mark| mark.slug == slug) {
            Some(mark) => {
                self.position = mark.at;
                true
            }
            None => false,
        }
    }

    /// Play if paused, pause if playing. Playing from the end restarts from the beginning.
    pub fn toggle_play(&mut self) {
        if self.playing {
            self.playing = false;
        } else {
            if self.position >= self.end {
                self.position = 0.0;
            }
            self.playing = self.end > 0.0;
        }
    }

    /// Stops playing (keeps the position).
    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// Pauses and moves to the next mark (or the next whole step).
    pub fn step_forward(&mut self) {
        self.playing = false;
        let next = self
            .marks
            .iter()
            .map(|mark| mark.at)
            .find(|at| *at > self.position + 1e-9);
        self.position = match (self.unit, next) {
            (_, Some(at)) => at,
            (Unit::Steps, None) => (self.position.floor() + 1.0).min(self.end),
            (Unit::Seconds, None) => self.end,
        };
    }

    /// Pauses and moves to the previous mark (or the previous whole step).
    pub fn step_back(&mut self) {
        self.playing = false;
        let previous = self
            .marks
            .iter()
            .rev()
            .map(|mark| mark.at)
            .find(|at| *at < self.position - 1e-9);
        self.position = match (self.unit, previous) {
            (_, Some(at)) => at,
            (Unit::Steps, None) => (self.position.ceil() - 1.0).max(0.0),
            (Unit::Seconds, None) => 0.0,
        };
    }

    /// Pauses at the start.
    pub fn to_start(&mut self) {
        self.playing = false;
        self.position = 0.0;
    }

    /// Pauses at the end.
    pub fn to_end(&mut self) {
        self.playing = false;
        self.position = self.end;
    }

    /// Next faster speed (`]`).
    pub fn faster(&mut self) {
        self.speed_index = (self.speed_index + 1).min(SPEEDS.len() - 1);
    }

    /// Next slower speed (`[`).
    pub fn slower(&mut self) {
        self.speed_index = self.speed_index.saturating_sub(1);
    }

    /// Sets the speed to the nearest offered factor.
    pub fn set_speed(&mut self, speed: f64) {
        self.speed_index = SPEEDS
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| (*a - speed).abs().total_cmp(&(*b - speed).abs()))
            .map_or(2, |(i, _)| i);
    }

    /// Advances a playing timeline by `dt_secs` of real time; returns whether the position moved.
    /// Stops at the end.
    pub fn advance(&mut self, dt_secs: f64) -> bool {
        if !self.playing || !dt_secs.is_finite() || dt_secs <= 0.0 {
            return false;
        }
        let before = self.position;
        self.position = (self.position + dt_secs * self.units_per_sec * self.speed()).min(self.end);
        if self.position >= self.end {
            self.playing = false;
        }
        self.position != before
    }

    /// A human description of the position: "Step 3 of 7" or "12.5 s of 42.5 s" ("Step 3",
    /// "12.5 s" while what lies ahead is hidden).
    pub fn position_text(&self) -> String {
        match (self.unit, self.ahead_hidden) {
            (Unit::Steps, false) => {
                format!("Step {} of {}", self.step() + 1, self.marks.len().max(1))
            }
            (Unit::Seconds, false) => format!("{:.1} s of {:.1} s", self.position, self.end),
            (Unit::Steps, true) => format!("Step {}", self.step() + 1),
            (Unit::Seconds, true) => format!("{:.1} s", self.position),
        }
    }

    /// The `step=`/`t=` value that addresses the position in a scene link.
    pub fn link_value(&self) -> (&'static str, String) {
        match self.unit {
            Unit::Steps => ("step", self.step().to_string()),
            Unit::Seconds => ("t", format_secs(self.position)),
        }
    }

    /// Applies a `step=N`, `step=<slug>` or `t=SECONDS` value; the error says what was expected.
    pub fn apply_link_value(&mut self, key: &str, value: &str) -> Result<(), PositionError> {
        match (self.unit, key) {
            (Unit::Steps, "step") => {
                if let Ok(index) = value.parse::<usize>() {
                    if index < self.marks.len().max(1) {
                        self.seek(index as f64);
                        return Ok(());
                    }
                    return Err(PositionError::StepOutOfRange {
                        last: self.marks.len().saturating_sub(1),
                    });
                }
                if self.seek_slug(value) {
                    return Ok(());
                }
                let mut slugs: Vec<&str> = self.marks.iter().map(|m| m.slug.as_str()).collect();
                slugs.dedup();
                Err(PositionError::NotAStep {
                    last: self.marks.len().saturating_sub(1),
                    slugs: slugs.join(", "),
                })
            }
            (Unit::Seconds, "t") => match value.parse::<f64>() {
                Ok(t) if t.is_finite() && (0.0..=self.end + 1e-9).contains(&t) => {
                    self.seek(t);
                    Ok(())
                }
                _ => Err(PositionError::NotASecond {
                    end: format_secs(self.end),
                }),
            },
            (Unit::Seconds, "step") => {
                if self.seek_slug(value) {
                    Ok(())
                } else {
                    Err(PositionError::NotAnEvent)
                }
            }
            _ => Err(PositionError::WrongKey {
                key: key.to_owned(),
            }),
        }
    }
}

/// Why a `step=` or `t=` value does not address a position of a timeline; the message says what
/// was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PositionError {
    /// A step number past the last mark.
    #[error("this scene has steps 0 to {last}")]
    StepOutOfRange {
        /// The last step.
        last: usize,
    },
    /// Neither a step number nor a mark's slug.
    #[error("expected a step number 0 to {last} or one of {slugs}")]
    NotAStep {
        /// The last step.
        last: usize,
        /// The marks' slugs, comma separated.
        slugs: String,
    },
    /// Not a time inside the timeline.
    #[error("expected seconds between 0 and {end}")]
    NotASecond {
        /// The timeline's end, as printed in links.
        end: String,
    },
    /// `step=` on a timeline in seconds names no event.
    #[error("expected the slug of one of this scene's events")]
    NotAnEvent,
    /// A key this timeline's position is not set with.
    #[error("this scene's position is not set with {key:?}")]
    WrongKey {
        /// The key.
        key: String,
    },
}

/// Seconds printed short and exact enough to round-trip a scrub position: `12.5`, `0.125`.
pub fn format_secs(secs: f64) -> String {
    let text = format!("{secs:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_steps() -> Timeline {
        Timeline::steps(
            ["a", "b", "c"]
                .iter()
                .map(|s| (s.to_string(), format!("Step {s}")))
                .collect(),
        )
    }

    #[test]
    fn hiding_what_lies_ahead_keeps_the_marks_passed_and_drops_the_end() {
        let marks = vec![
            Mark::new(2.0, "kill", "The OOM killer kills leaky"),
            Mark::new(6.0, "idle", "job-c goes idle"),
        ];
        let mut t = Timeline::seconds(10.0, marks, 10.0);
        assert_eq!(t.visible_marks().len(), 2);
        assert_eq!(t.caption(), Some("The OOM killer kills leaky"), "a preview");
        t.set_ahead_hidden(true);
        assert_eq!(t.caption(), None, "no preview of what is coming");
        assert!(t.visible_marks().is_empty());
        assert_eq!(t.position_text(), "0.0 s");
        t.seek(2.0);
        assert_eq!(t.visible_marks().len(), 1);
        assert_eq!(t.caption(), Some("The OOM killer kills leaky"));
        t.to_end();
        assert_eq!(
            t.visible_marks().len(),
            2,
            "played forward, everything is passed"
        );
        t.set_ahead_hidden(false);
        assert_eq!(t.position_text(), "10.0 s of 10.0 s");
        let mut steps = three_steps();
        steps.set_ahead_hidden(true);
        steps.seek(1.0);
        assert_eq!(steps.position_text(), "Step 2");
        assert_eq!(steps.visible_marks().len(), 2);
    }

    #[test]
    fn stepping_moves_between_marks_and_pauses() {
        let mut t = three_steps();
        t.toggle_play();
        assert!(t.is_playing());
        t.step_forward();
        assert!(!t.is_playing());
        assert_eq!(t.step(), 1);
        t.step_forward();
        t.step_forward();
        assert_eq!(t.step(), 2, "stepping past the end stays at the end");
        t.step_back();
        assert_eq!(t.step(), 1);
        t.to_start();
        t.step_back();
        assert_eq!(t.position(), 0.0);
        t.to_end();
        assert_eq!(t.position(), 2.0);
    }

    #[test]
    fn playing_advances_at_the_chosen_speed_and_stops_at_the_end() {
        let mut t = three_steps();
        t.toggle_play();
        assert!(t.advance(0.5));
        let at_1x = t.position();
        assert!(at_1x > 0.0 && at_1x < 1.0);
        t.to_start();
        t.toggle_play();
        t.faster();
        t.faster();
        assert_eq!(t.speed(), 4.0);
        t.advance(0.5);
        assert!((t.position() - 4.0 * at_1x).abs() < 1e-9);
        t.advance(100.0);
        assert_eq!(t.position(), 2.0);
        assert!(!t.is_playing(), "reaching the end pauses");
        assert!(!t.advance(1.0), "a paused timeline does not move");
        t.toggle_play();
        assert_eq!(t.position(), 0.0, "play at the end restarts");
    }

    #[test]
    fn speed_stays_within_quarter_to_four() {
        let mut t = three_steps();
        for _ in 0..10 {
            t.slower();
        }
        assert_eq!(t.speed(), 0.25);
        for _ in 0..10 {
            t.faster();
        }
        assert_eq!(t.speed(), 4.0);
        t.set_speed(0.6);
        assert_eq!(t.speed(), 0.5);
    }

    #[test]
    fn fraction_interpolates_between_marks() {
        let mut t = three_steps();
        t.seek(1.25);
        assert_eq!(t.current_mark(), 1);
        assert!((t.fraction() - 0.25).abs() < 1e-9);
        t.seek(2.0);
        assert_eq!(t.fraction(), 0.0);
    }

    #[test]
    fn seconds_timeline_steps_through_events() {
        let marks = vec![
            Mark::new(10.0, "round-1", "Round 1"),
            Mark::new(2.5, "round-0", "Round 0"),
        ];
        let mut t = Timeline::seconds(40.0, marks, 10.0);
        assert_eq!(t.marks()[0].slug, "round-0", "marks are sorted");
        t.step_forward();
        assert_eq!(t.position(), 2.5);
        t.step_forward();
        assert_eq!(t.position(), 10.0);
        t.step_forward();
        assert_eq!(t.position(), 40.0);
        t.step_back();
        assert_eq!(t.position(), 10.0);
        t.to_start();
        t.toggle_play();
        t.advance(1.0);
        assert!(
            (t.position() - 4.0).abs() < 1e-9,
            "40 s over 10 s of playback"
        );
    }

    #[test]
    fn link_values_round_trip() {
        let mut t = three_steps();
        t.apply_link_value("step", "c").unwrap();
        assert_eq!(t.link_value(), ("step", "2".to_owned()));
        t.apply_link_value("step", "1").unwrap();
        assert_eq!(t.step(), 1);
        let err = t.apply_link_value("step", "9").unwrap_err();
        assert_eq!(err.to_string(), "this scene has steps 0 to 2");
        let err = t.apply_link_value("step", "zzz").unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a step number 0 to 2 or one of a, b, c"
        );
        let err = t.apply_link_value("t", "1").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"this scene's position is not set with "t""#
        );

        let mut s = Timeline::seconds(42.5, Vec::new(), 10.0);
        s.apply_link_value("t", "12.5").unwrap();
        assert_eq!(s.link_value(), ("t", "12.5".to_owned()));
        let err = s.apply_link_value("t", "50").unwrap_err();
        assert_eq!(err.to_string(), "expected seconds between 0 and 42.5");
        assert!(s.apply_link_value("t", "NaN").is_err());
        let err = s.apply_link_value("step", "nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected the slug of one of this scene's events"
        );
    }

    #[test]
    fn replacing_the_range_clamps_the_position() {
        let mut t = three_steps();
        t.to_end();
        t.replace_range(Timeline::steps(vec![("x".into(), "X".into())]));
        assert_eq!(t.position(), 0.0);
        assert_eq!(t.marks().len(), 1);
    }

    #[test]
    fn an_empty_timeline_cannot_play() {
        let mut t = Timeline::default();
        t.toggle_play();
        assert!(!t.is_playing());
        assert_eq!(t.position_text(), "Step 1 of 1");
    }
}
