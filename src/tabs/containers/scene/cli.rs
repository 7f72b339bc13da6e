//! The CLI sandbox's scene: a replayed command script, the step shown, and what is being typed.
//!
//! Links: `containers/cli?preset=<preset>&step=N|<slug>` or `containers/cli?script=<lines>&step=N`
//! (lines separated by newlines, percent-encoded in the link). Typing a line continues the session
//! from the step shown: later steps are dropped, the line runs in the sandbox as it stands, and the
//! scene becomes a script, so the link of a typed session replays it exactly.

use super::terminal::{self, History, TermRow};
use super::{abbreviate, trace_marks, trace_timeline};
use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::containers::docker::Sandbox;
use crate::tabs::containers::docker::too_long;
use crate::tabs::containers::docker::{
    CliPreset, CliStep, CliTrace, DEFAULT_SEED, MAX_SCRIPT_LINES, replay, split_script,
};
use crate::tabs::containers::docker::{OutputLine, Stream};
use crate::tabs::containers::link::{positioned_timeline, preset_param, step_links, view_link};
use crate::tabs::containers::model::View;
use crate::timeline::Timeline;

/// Where the lines came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CliSource {
    /// A preset's script, untouched.
    Preset(CliPreset),
    /// Lines from a link or typed by the student.
    Script,
}

/// What happened to a typed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    /// Blank: nothing to run.
    Blank,
    /// It ran and became the last step.
    Ran,
    /// It was refused before running (too long, or the script is full); the terminal says why.
    Refused,
}

/// The session.
pub struct CliScene {
    /// Preset or script.
    pub source: CliSource,
    /// Every line with its output, events and the sandbox after it.
    pub trace: CliTrace,
    /// One mark per line.
    pub timeline: Timeline,
    /// The prompt's text.
    pub input: String,
    /// Up/Down recall.
    pub history: History,
    /// A refused line and the reason, shown after the scrollback until the next line runs.
    pub refusal: Vec<OutputLine>,
    /// Bumped whenever the trace or the refusal changes (keys the terminal's row cache).
    pub generation: u64,
    /// The lines joined by newlines: the `script=` value, kept so `link` does not rebuild it.
    script: String,
    rows: RowCache,
}

#[derive(Default)]
struct RowCache {
    key: Option<(u64, Option<usize>, usize)>,
    rows: Vec<TermRow>,
}

impl Default for CliScene {
    fn default() -> Self {
        Self::from_trace(
            CliSource::Preset(CliPreset::StopVsRm),
            CliPreset::StopVsRm.replay(),
            Timeline::steps(Vec::new()),
        )
    }
}

impl CliScene {
    /// An empty session: a fresh sandbox and no lines.
    pub fn empty() -> Self {
        Self::from_trace(
            CliSource::Script,
            CliTrace::new(DEFAULT_SEED),
            Timeline::steps(Vec::new()),
        )
    }

    fn from_trace(source: CliSource, trace: CliTrace, timeline: Timeline) -> Self {
        let timeline = trace_timeline(&trace, timeline);
        let lines = trace.lines();
        let history = History::from_lines(&lines);
        Self {
            source,
            trace,
            timeline,
            input: String::new(),
            history,
            refusal: Vec::new(),
            generation: 0,
            script: lines.join("\n"),
            rows: RowCache::default(),
        }
    }

    /// Validates `link` (keys `preset` or `script`, and `step`).
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["preset", "script", "step"])?;
        let (source, trace) = match (link.get("preset"), link.get("script")) {
            (Some(_), Some(script)) => {
                return Err(LinkError::BadValue {
                    key: "script".to_owned(),
                    value: script.to_owned(),
                    reason: "give either preset= or script=, not both".to_owned(),
                });
            }
            (None, Some(script)) => {
                let lines = split_script(script);
                let trace = replay(DEFAULT_SEED, &lines).map_err(|err| LinkError::BadValue {
                    key: "script".to_owned(),
                    value: abbreviate(script, 80),
                    reason: err.to_string(),
                })?;
                (CliSource::Script, trace)
            }
            (_, None) => {
                let preset =
                    preset_param(link, CliPreset::ALL, CliPreset::slug, CliPreset::StopVsRm)?;
                (CliSource::Preset(preset), preset.replay())
            }
        };
        let timeline = positioned_timeline(link, trace_marks(&trace))?;
        Ok(Self::from_trace(source, trace, timeline))
    }

    /// The canonical link, position included.
    pub fn link(&self) -> SceneLink {
        let base = view_link(View::Cli);
        let base = match self.source {
            CliSource::Preset(preset) => base.with("preset", preset.slug()),
            CliSource::Script => base.with("script", &self.script),
        };
        base.with("step", self.timeline.step())
    }

    /// Every preset at every step, and the empty sandbox.
    pub fn scenes() -> Vec<SceneLink> {
        let mut links: Vec<SceneLink> = CliPreset::ALL
            .iter()
            .flat_map(|preset| {
                let base = view_link(View::Cli).with("preset", preset.slug());
                step_links(&base, preset.script().len()).collect::<Vec<_>>()
            })
            .collect();
        links.push(view_link(View::Cli).with("script", "").with("step", 0));
        links
    }

    /// The step shown, if any line has run.
    pub fn current(&self) -> Option<(usize, &CliStep)> {
        let step = self.timeline.step();
        self.trace.steps.get(step).map(|s| (step, s))
    }

    /// The sandbox at the step shown.
    pub fn sandbox(&self) -> &Sandbox {
        self.trace.state_at(self.timeline.step())
    }

    /// Whether typing now drops later steps.
    pub fn steps_after_current(&self) -> usize {
        self.trace
            .steps
            .len()
            .saturating_sub(self.timeline.step() + 1)
    }

    /// Runs the prompt's text (Enter).
    pub fn run_input(&mut self) -> Typed {
        let line = std::mem::take(&mut self.input);
        self.run_line(&line)
    }

    /// Runs one typed line after the step shown.
    pub fn run_line(&mut self, line: &str) -> Typed {
        if line.trim().is_empty() {
            return Typed::Blank;
        }
        self.history.push(line);
        if let Some(reason) = too_long(line) {
            let chars = line.chars().count();
            let preview: String = line.chars().take(60).collect();
            self.refuse(vec![
                OutputLine {
                    stream: Stream::Note,
                    text: format!("refused: {preview}… ({chars} characters)"),
                },
                OutputLine {
                    stream: Stream::Stderr,
                    text: format!("bash: {reason}"),
                },
                OutputLine {
                    stream: Stream::Note,
                    text: "the line did not run and is not part of the session's link".to_owned(),
                },
            ]);
            return Typed::Refused;
        }
        let keep = if self.trace.steps.is_empty() {
            0
        } else {
            self.timeline.step() + 1
        };
        let dropped = self.trace.steps.len() > keep;
        if dropped {
            self.trace.truncate(keep);
        }
        if self.trace.push_line(line).is_err() {
            self.refuse(vec![OutputLine {
                stream: Stream::Note,
                text: format!(
                    "the session already has {MAX_SCRIPT_LINES} lines, the most a link replays: \
                     step back or start a new sandbox to type more"
                ),
            }]);
            return Typed::Refused;
        }
        self.source = CliSource::Script;
        self.script = self.trace.lines().join("\n");
        self.refusal.clear();
        self.generation += 1;
        let mut timeline = Timeline::steps(trace_marks(&self.trace));
        timeline.to_end();
        self.timeline.replace_range(timeline);
        self.timeline.to_end();
        Typed::Ran
    }

    fn refuse(&mut self, lines: Vec<OutputLine>) {
        self.refusal = lines;
        self.generation += 1;
    }

    /// The scrollback wrapped to `columns`, recomputed only when the trace, step or width changed.
    pub fn rows(&mut self, columns: usize) -> &[TermRow] {
        let upto = (!self.trace.steps.is_empty()).then(|| self.timeline.step());
        let key = (self.generation, upto, columns);
        if self.rows.key != Some(key) {
            self.rows.rows = terminal::rows(&self.trace, upto, columns, &self.refusal);
            self.rows.key = Some(key);
        }
        &self.rows.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::containers::docker::ContainerState;

    fn open(text: &str) -> Result<CliScene, LinkError> {
        CliScene::from_link(&SceneLink::parse(text).unwrap())
    }

    #[test]
    fn presets_and_scripts_round_trip() {
        let scene = open("containers/cli?preset=stop-vs-rm&step=stop").unwrap();
        assert_eq!(
            scene.link().to_string(),
            "containers/cli?preset=stop-vs-rm&step=6"
        );
        let text =
            "containers/cli?script=docker%20run%20-d%20--name%20web%20nginx%0Adocker%20ps&step=1";
        let scene = open(text).unwrap();
        assert_eq!(scene.link().to_string(), text);
        assert_eq!(scene.trace.steps.len(), 2);
        let empty = open("containers/cli?script=&step=0").unwrap();
        assert!(empty.trace.steps.is_empty());
        assert_eq!(empty.link().to_string(), "containers/cli?script=&step=0");
        let default = open("containers/cli").unwrap();
        assert_eq!(default.source, CliSource::Preset(CliPreset::StopVsRm));
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = open("containers/cli?preset=lifecycle&script=docker%20ps")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("either preset= or script="), "{err}");
        let err = open("containers/cli?preset=nope")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("stop-vs-rm, lifecycle"), "{err}");
        let err = open("containers/cli?script=docker%20ps&step=1")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("steps 0 to 0"), "{err}");
        let long = vec!["docker%20ps"; MAX_SCRIPT_LINES + 1].join("%0A");
        let err = open(&format!("containers/cli?script={long}"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("at most 200"), "{err}");
        assert!(err.len() < 400, "the value is abbreviated: {err}");
        let err = open("containers/cli?t=3").err().unwrap().to_string();
        assert!(err.contains("unknown key \"t\""), "{err}");
    }

    #[test]
    fn typing_after_stepping_back_continues_from_there() {
        let mut scene = open("containers/cli?preset=stop-vs-rm&step=3").unwrap();
        assert_eq!(scene.steps_after_current(), 7);
        scene.input = "docker stop web".to_owned();
        assert_eq!(scene.run_input(), Typed::Ran);
        assert!(scene.input.is_empty());
        assert_eq!(scene.source, CliSource::Script);
        assert_eq!(scene.trace.steps.len(), 5);
        assert_eq!(scene.timeline.step(), 4);
        let web = scene
            .sandbox()
            .engine
            .containers
            .iter()
            .find(|c| c.name == "web")
            .unwrap();
        assert_eq!(web.state, ContainerState::Exited);
        let reopened = CliScene::from_link(&scene.link()).unwrap();
        assert_eq!(reopened.trace.lines(), scene.trace.lines());
        assert_eq!(reopened.timeline.step(), 4);
        assert_eq!(scene.run_line("   "), Typed::Blank);
    }

    #[test]
    fn overlong_lines_are_refused_with_the_shell_message() {
        let mut scene = CliScene::empty();
        let line = format!("docker run {}", "x".repeat(5000));
        assert_eq!(scene.run_line(&line), Typed::Refused);
        assert!(scene.trace.steps.is_empty());
        let rows: Vec<String> = scene.rows(200).iter().map(TermRow::full_text).collect();
        assert!(
            rows.iter()
                .any(|r| r.starts_with("! bash: input too long: 5011 characters")),
            "{rows:?}"
        );
        assert_eq!(scene.run_line("docker ps"), Typed::Ran);
        assert!(scene.refusal.is_empty(), "the next line clears the refusal");
        assert_eq!(scene.history.older(""), Some("docker ps".to_owned()));
    }
}
