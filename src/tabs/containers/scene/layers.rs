//! The images-and-layers view's scene: a preset's script, the step shown, and an edited Dockerfile.
//!
//! Links: `containers/layers?preset=<preset>&dockerfile=<text>&step=N|<slug>`. Without `dockerfile`
//! the view shows the sandbox after step N and the last build up to it. With it, the edited
//! Dockerfile is built once more on top of that sandbox (its layer cache holds the preset's builds
//! so far), so which steps the cache keeps is a pure function of the link.

use super::terminal::{self, TermRow};
use super::{abbreviate, trace_marks, trace_timeline};
use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::containers::docker::CliTrace;
use crate::tabs::containers::docker::Digest;
use crate::tabs::containers::docker::Engine;
use crate::tabs::containers::docker::Keyword;
use crate::tabs::containers::docker::LayersPreset;
use crate::tabs::containers::docker::Stream;
use crate::tabs::containers::docker::Workspace;
use crate::tabs::containers::docker::{BuildOptions, build, context_files, tar_bytes};
use crate::tabs::containers::docker::{Event, TimedEvent};
use crate::tabs::containers::link::{positioned_timeline, preset_param, step_links, view_link};
use crate::tabs::containers::model::View;
use crate::timeline::Timeline;

/// Longest edited Dockerfile a link may carry, in characters.
pub const MAX_DOCKERFILE_CHARS: usize = 8_000;

/// The tag the layers view builds.
pub const IMAGE_TAG: &str = "myapp";

/// One Dockerfile instruction of the build shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildLine {
    /// 1-based Dockerfile line.
    pub line: usize,
    /// The keyword (`RUN`, `COPY`, ...).
    pub instruction: String,
    /// Taken from the layer cache.
    pub cached: bool,
    /// The layer it added, for RUN, COPY and ADD.
    pub layer: Option<Digest>,
}

/// Which build the view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildSource {
    /// The student's edited Dockerfile, rebuilt after the step shown.
    Edited,
    /// The build run by this step of the preset.
    Step(usize),
}

/// The build the view shows: what each line did, and what it produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSummary {
    /// Where it comes from.
    pub source: BuildSource,
    /// The Dockerfile that was built.
    pub dockerfile: String,
    /// One entry per instruction that ran (or came from the cache).
    pub lines: Vec<BuildLine>,
    /// The image built, if the build succeeded.
    pub image: Option<Digest>,
    /// The error that stopped it, with its Dockerfile line when known.
    pub error: Option<(Option<usize>, String)>,
    /// Bytes of the build context sent to the daemon.
    pub context_bytes: u64,
}

impl BuildSummary {
    /// The entry of a Dockerfile line, if it ran.
    pub fn line(&self, line: usize) -> Option<&BuildLine> {
        self.lines.iter().find(|entry| entry.line == line)
    }

    /// The entry that made `layer`, if this build made it.
    pub fn layer(&self, layer: &Digest) -> Option<&BuildLine> {
        self.lines
            .iter()
            .find(|entry| entry.layer.as_ref() == Some(layer))
    }
}

/// The sandbox after a rebuild of the edited Dockerfile.
struct Rebuild {
    step: usize,
    engine: Engine,
    summary: BuildSummary,
}

/// The scene.
pub struct LayersScene {
    /// Which preset.
    pub preset: LayersPreset,
    /// Its replayed script.
    pub trace: CliTrace,
    /// One mark per command.
    pub timeline: Timeline,
    /// The edited Dockerfile that was rebuilt (part of the link).
    pub dockerfile: Option<String>,
    /// The editor's text.
    pub draft: String,
    /// The student typed in the editor since the last reset.
    pub draft_edited: bool,
    /// The build each step ran, if it ran one.
    builds: Vec<Option<BuildSummary>>,
    rebuild: Option<Rebuild>,
    /// The terminal's rows for (step, columns), so they are wrapped once, not every frame.
    rows: Option<((usize, usize), Vec<TermRow>)>,
}

impl Default for LayersScene {
    fn default() -> Self {
        let preset = LayersPreset::DockerfileBasic;
        Self::new(preset, preset.replay(), None, Timeline::default())
    }
}

impl LayersScene {
    fn new(
        preset: LayersPreset,
        trace: CliTrace,
        dockerfile: Option<String>,
        timeline: Timeline,
    ) -> Self {
        let timeline = trace_timeline(&trace, timeline);
        let builds = (0..trace.steps.len())
            .map(|index| step_build(&trace, index))
            .collect();
        let mut scene = Self {
            preset,
            trace,
            timeline,
            dockerfile,
            draft: String::new(),
            draft_edited: false,
            builds,
            rebuild: None,
            rows: None,
        };
        scene.draft = scene.built_dockerfile();
        scene
    }

    /// Validates `link` (keys `preset`, `dockerfile`, `step`).
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["preset", "dockerfile", "step"])?;
        let preset = preset_param(
            link,
            LayersPreset::ALL,
            LayersPreset::slug,
            LayersPreset::DockerfileBasic,
        )?;
        let dockerfile = link.get("dockerfile").map(str::to_owned);
        if let Some(text) = &dockerfile {
            let chars = text.chars().count();
            if chars > MAX_DOCKERFILE_CHARS {
                return Err(LinkError::BadValue {
                    key: "dockerfile".to_owned(),
                    value: abbreviate(text, 60),
                    reason: format!(
                        "{chars} characters; at most {MAX_DOCKERFILE_CHARS} are accepted"
                    ),
                });
            }
        }
        let trace = preset.replay();
        let timeline = positioned_timeline(link, trace_marks(&trace))?;
        Ok(Self::new(preset, trace, dockerfile, timeline))
    }

    /// The canonical link, position included.
    pub fn link(&self) -> SceneLink {
        let mut link = view_link(View::Layers).with("preset", self.preset.slug());
        if let Some(text) = &self.dockerfile {
            link.set("dockerfile", text);
        }
        link.with("step", self.timeline.step())
    }

    /// Every preset at every step.
    pub fn scenes() -> Vec<SceneLink> {
        LayersPreset::ALL
            .iter()
            .flat_map(|preset| {
                let base = view_link(View::Layers).with("preset", preset.slug());
                step_links(&base, preset.script().len()).collect::<Vec<_>>()
            })
            .collect()
    }

    /// The Dockerfile in the sandbox at the step shown.
    pub fn step_dockerfile(&self) -> String {
        self.trace
            .state_at(self.timeline.step())
            .workspace
            .files
            .get("Dockerfile")
            .cloned()
            .unwrap_or_default()
    }

    /// The Dockerfile whose build is shown: the edited one, or the sandbox's.
    pub fn built_dockerfile(&self) -> String {
        self.dockerfile
            .clone()
            .unwrap_or_else(|| self.step_dockerfile())
    }

    /// The editor holds changes that have not been built.
    pub fn draft_is_dirty(&self) -> bool {
        self.draft != self.built_dockerfile()
    }

    /// The preset's terminal up to the step shown, wrapped to `columns` (cached).
    pub fn terminal_rows(&mut self, columns: usize) -> &[TermRow] {
        let key = (self.timeline.step(), columns);
        if self.rows.as_ref().is_none_or(|(cached, _)| *cached != key) {
            let rows = terminal::rows(&self.trace, Some(key.0), columns, &[]);
            self.rows = Some((key, rows));
        }
        self.rows.as_ref().map_or(&[], |(_, rows)| rows.as_slice())
    }

    /// Builds the editor's text (the Rebuild button).
    pub fn rebuild(&mut self) {
        self.dockerfile = Some(self.draft.clone());
        self.rebuild = None;
    }

    /// Drops the edit and shows the preset's own Dockerfile again.
    pub fn reset_edit(&mut self) {
        self.dockerfile = None;
        self.rebuild = None;
        self.draft_edited = false;
        self.draft = self.step_dockerfile();
    }

    /// Keeps the editor on the sandbox's Dockerfile while the student has not typed in it.
    pub fn sync_draft(&mut self) {
        if self.dockerfile.is_none() && !self.draft_edited {
            let text = self.step_dockerfile();
            if self.draft != text {
                self.draft = text;
            }
        }
    }

    /// The sandbox to draw, the build to mark and the step's events: the rebuild of the edit when
    /// there is one (computed once per step), otherwise the sandbox at the step and its latest build.
    pub fn frame(&mut self) -> (&Engine, Option<&BuildSummary>, &[TimedEvent]) {
        let step = self.timeline.step();
        if let Some(text) = &self.dockerfile
            && self.rebuild.as_ref().is_none_or(|r| r.step != step)
        {
            self.rebuild = Some(rebuild_after(&self.trace, step, text));
        }
        if self.dockerfile.is_some()
            && let Some(rebuild) = &self.rebuild
        {
            return (&rebuild.engine, Some(&rebuild.summary), &[]);
        }
        let events = self
            .trace
            .steps
            .get(step)
            .map_or(&[][..], |s| s.events.as_slice());
        let build = self
            .builds
            .iter()
            .take(step.saturating_add(1))
            .rev()
            .find_map(Option::as_ref);
        (&self.trace.state_at(step).engine, build, events)
    }
}

/// The build run by `step`, read from its events and output.
pub fn step_build(trace: &CliTrace, index: usize) -> Option<BuildSummary> {
    let step = trace.steps.get(index)?;
    let mut lines = Vec::new();
    let mut image = None;
    for event in &step.events {
        match &event.event {
            Event::BuildStep {
                line,
                instruction,
                cached,
                layer,
            } => lines.push(BuildLine {
                line: *line,
                instruction: instruction.clone(),
                cached: *cached,
                layer: *layer,
            }),
            Event::ImageBuilt { image: id, .. } => image = Some(*id),
            _ => {}
        }
    }
    if lines.is_empty() && image.is_none() {
        return None;
    }
    let error = (step.output.exit_code != 0)
        .then(|| {
            step.output
                .lines
                .iter()
                .rev()
                .find(|line| line.stream == Stream::Stderr)
                .map(|line| (None, line.text.clone()))
        })
        .flatten();
    let before = if index == 0 {
        &trace.initial
    } else {
        trace.state_at(index - 1)
    };
    Some(BuildSummary {
        source: BuildSource::Step(index),
        dockerfile: before
            .workspace
            .files
            .get("Dockerfile")
            .cloned()
            .unwrap_or_default(),
        lines,
        image,
        error,
        context_bytes: tar_bytes(&context_files(&before.workspace)),
    })
}

/// What building `dockerfile` in the sandbox after `step` of `trace` gives: the build the view
/// shows for a link with `dockerfile=` at that step.
pub fn rebuild_summary(trace: &CliTrace, step: usize, dockerfile: &str) -> BuildSummary {
    rebuild_after(trace, step, dockerfile).summary
}

fn rebuild_after(trace: &CliTrace, step: usize, dockerfile: &str) -> Rebuild {
    let sandbox = trace.state_at(step);
    let mut engine = sandbox.engine.clone();
    let mut workspace: Workspace = sandbox.workspace.clone();
    workspace
        .files
        .insert("Dockerfile".to_owned(), dockerfile.to_owned());
    let report = build(
        &mut engine,
        &workspace,
        &BuildOptions {
            tags: vec![IMAGE_TAG.to_owned()],
            ..BuildOptions::default()
        },
    );
    let summary = BuildSummary {
        source: BuildSource::Edited,
        dockerfile: dockerfile.to_owned(),
        // FROM only picks the base image; the preset's builds report no step for it either.
        lines: report
            .steps
            .iter()
            .filter(|step| step.keyword != Keyword::From)
            .map(|step| BuildLine {
                line: step.line,
                instruction: step.keyword.name().to_owned(),
                cached: step.cached,
                layer: step.layer.map(|(digest, _)| digest),
            })
            .collect(),
        image: report.image,
        error: report
            .error
            .as_ref()
            .map(|error| (error.line(), error.to_string())),
        context_bytes: report.context_bytes,
    };
    Rebuild {
        step,
        engine,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Result<LayersScene, LinkError> {
        LayersScene::from_link(&SceneLink::parse(text).unwrap())
    }

    #[test]
    fn steps_show_their_latest_build() {
        let mut scene = open("containers/layers?preset=cache-rebuild&step=build-3").unwrap();
        assert_eq!(
            scene.link().to_string(),
            "containers/layers?preset=cache-rebuild&step=3"
        );
        let (engine, build, _) = scene.frame();
        let build = build.unwrap().clone();
        assert_eq!(build.source, BuildSource::Step(3));
        assert!(engine.images.lookup(IMAGE_TAG).is_some());
        for line in &build.lines {
            assert_eq!(line.cached, line.line < 5, "line {}", line.line);
        }
        // The echo after it keeps showing that build.
        scene.timeline.seek(4.0);
        assert_eq!(scene.frame().1.unwrap().source, BuildSource::Step(3));
        let mut before = open("containers/layers?preset=dockerfile-basic&step=0").unwrap();
        assert!(before.frame().1.is_none(), "nothing is built by cat");
    }

    #[test]
    fn an_edited_dockerfile_is_rebuilt_over_the_step_and_kept_in_the_link() {
        let mut scene = open("containers/layers?preset=dockerfile-basic&step=1").unwrap();
        assert!(!scene.draft_is_dirty());
        scene.draft.push_str("RUN echo done\n");
        scene.draft_edited = true;
        assert!(scene.draft_is_dirty());
        scene.rebuild();
        assert!(!scene.draft_is_dirty());
        let summary = scene.frame().1.unwrap().clone();
        assert_eq!(summary.source, BuildSource::Edited);
        assert_eq!(summary.error, None);
        let last = summary.lines.last().unwrap();
        assert_eq!((last.line, last.cached), (8, false));
        assert_eq!(summary.lines[0].line, 2, "FROM is not a build step");
        assert!(
            summary.lines[..summary.lines.len() - 1]
                .iter()
                .all(|l| l.cached)
        );
        let link = scene.link();
        assert!(link.get("dockerfile").unwrap().ends_with("RUN echo done\n"));
        let mut reopened = LayersScene::from_link(&link).unwrap();
        assert_eq!(reopened.frame().1.unwrap(), &summary);
        assert_eq!(reopened.link(), link);
        reopened.reset_edit();
        assert_eq!(reopened.link().get("dockerfile"), None);
    }

    #[test]
    fn bad_dockerfiles_build_with_an_error_and_huge_ones_are_refused() {
        let mut scene = open(
            "containers/layers?preset=dockerfile-basic&dockerfile=FROM%20alpine%0ARUNN%20x&step=1",
        )
        .unwrap();
        let summary = scene.frame().1.unwrap();
        let (line, text) = summary.error.clone().unwrap();
        assert_eq!(line, Some(2));
        assert!(text.contains("unknown instruction: RUNN"), "{text}");
        let huge = "x".repeat(MAX_DOCKERFILE_CHARS + 1);
        let err = open(&format!("containers/layers?dockerfile={huge}"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("at most 8000"), "{err}");
        let err = open("containers/layers?preset=copy-on-write&step=99")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("steps 0 to 8"), "{err}");
    }
}
