//! The cgroups tab's scene links: which view, which scene (version, preset, the student's extra
//! operations), what is selected. Parsing and printing live here, apart from the tab's state, so
//! that the round trip and every error message are tested on their own.
//!
//! ```text
//! cgroups?version=2&preset=v2-rules&ops=<ops>&select=/app&pid=700&step=5     structure
//! cgroups/simulate?version=2&preset=memory-leak&ops=<ops>&select=/leaky&t=4.2  simulation
//! cgroups/simulate?...&select=/leaky&hide=future&t=0   the run up to t only (a quiz question)
//! cgroups/live?select=memory:/system.slice                                   this machine
//! ```

use super::model::{
    CgroupPath, CgroupVersion, Op, Pid, Preset, Scene, SceneOp, SceneTrace, State, Target,
    TargetError, format_ops, parse_ops,
};
use crate::scene::{LinkError, SceneLink};

/// The tab id and link prefix.
pub const TAB_ID: &str = "cgroups";

/// Keys of the structure view (`hide=future`: a quiz question's scene, whose timeline hides the
/// steps ahead).
pub const STRUCTURE_KEYS: &[&str] = &["version", "preset", "ops", "select", "pid", "hide", "step"];

/// Keys of the simulation view (`step=<slug>` jumps to a simulation event; `hide=future` shows
/// the run only up to t, for a quiz question).
pub const SIMULATE_KEYS: &[&str] = &[
    "version", "preset", "ops", "select", "pid", "hide", "t", "step",
];

/// Keys of the live view.
pub const LIVE_KEYS: &[&str] = &["select"];

/// The most operations a link may append (keeps a pasted link from building a huge scene).
pub const MAX_OPS: usize = 200;

/// The three views of the tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The hierarchies step by step (`cgroups?...&step=N`).
    Structure,
    /// The resource simulation of the final structure over seconds (`cgroups/simulate?...&t=`).
    Simulate,
    /// The real cgroups of this machine (`cgroups/live`).
    Live,
}

impl View {
    /// The view part of the link (`None` for the default structure view).
    pub fn slug(self) -> Option<&'static str> {
        match self {
            Self::Structure => None,
            Self::Simulate => Some("simulate"),
            Self::Live => Some("live"),
        }
    }

    /// The view of a link.
    pub fn of(link: &SceneLink) -> Result<Self, LinkError> {
        match link.view.as_deref() {
            None => Ok(Self::Structure),
            Some("simulate") => Ok(Self::Simulate),
            Some("live") => Ok(Self::Live),
            Some(other) => Err(LinkError::UnknownView {
                tab: link.tab.clone(),
                view: other.to_owned(),
                known: "(default: structure), simulate, live".to_owned(),
            }),
        }
    }
}

/// Where a scene starts: one of the presets, or the blank custom scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A named preset.
    Preset(Preset),
    /// init and a shell at the root(s), nothing else: the student builds the rest with `ops=`.
    Custom,
}

impl Source {
    /// Every source in menu order (presets first).
    pub fn all() -> impl Iterator<Item = Self> {
        Preset::ALL
            .iter()
            .map(|p| Self::Preset(*p))
            .chain(std::iter::once(Self::Custom))
    }

    /// The `preset=` value.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Preset(preset) => preset.slug(),
            Self::Custom => "custom",
        }
    }

    /// Parses a `preset=` value.
    pub fn from_slug(slug: &str) -> Option<Self> {
        if slug == "custom" {
            return Some(Self::Custom);
        }
        Preset::from_slug(slug).map(Self::Preset)
    }

    /// The menu title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Preset(preset) => preset.title(),
            Self::Custom => "Custom: start from an empty tree",
        }
    }

    /// One sentence on what the scene shows.
    pub fn description(self) -> &'static str {
        match self {
            Self::Preset(preset) => preset.description(),
            Self::Custom => {
                "An empty system with init (1) and a shell (100): add operations such as mkdir /app, enable / cpu memory, move 100 /app."
            }
        }
    }

    /// The versions the scene exists in.
    pub fn versions(self) -> &'static [CgroupVersion] {
        match self {
            Self::Preset(preset) => preset.versions(),
            Self::Custom => &[CgroupVersion::V2, CgroupVersion::V1],
        }
    }

    /// The version a link without `version=` shows.
    pub fn default_version(self) -> CgroupVersion {
        self.versions()
            .first()
            .copied()
            .unwrap_or(CgroupVersion::V2)
    }
}

/// Everything that decides the scene's steps (and so its simulation), position excluded.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneKey {
    /// v1 or v2.
    pub version: CgroupVersion,
    /// The preset (or the custom start).
    pub source: Source,
    /// The student's operations, appended after the preset's.
    pub ops: Vec<Op>,
}

impl Default for SceneKey {
    fn default() -> Self {
        let source = Source::Preset(Preset::V2Unified);
        Self {
            version: source.default_version(),
            source,
            ops: Vec::new(),
        }
    }
}

impl SceneKey {
    /// The key of a preset in its default version, without extra operations.
    pub fn preset(preset: Preset, version: CgroupVersion) -> Self {
        Self {
            version,
            source: Source::Preset(preset),
            ops: Vec::new(),
        }
    }

    /// The scene: the preset's steps, then the extra operations, one step each.
    pub fn scene(&self) -> Scene {
        let mut scene = match self.source {
            Source::Preset(preset) => preset
                .scene_for(self.version)
                .unwrap_or_else(|| Scene::new(State::default_for(self.version), Vec::new())),
            Source::Custom => Scene::new(State::default_for(self.version), Vec::new()),
        };
        scene.ops.extend(self.ops.iter().map(|op| SceneOp {
            op: op.clone(),
            note: None,
        }));
        scene
    }

    /// Reads `version`, `preset` and `ops`; the error names the bad key and value.
    pub fn parse(link: &SceneLink) -> Result<Self, LinkError> {
        let bad = |key: &str, value: &str, reason: String| LinkError::BadValue {
            key: key.to_owned(),
            value: value.to_owned(),
            reason,
        };
        let source = match link.get("preset") {
            None => Self::default().source,
            Some(slug) => Source::from_slug(slug).ok_or_else(|| {
                bad(
                    "preset",
                    slug,
                    format!(
                        "expected one of {}",
                        Source::all()
                            .map(Source::slug)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        };
        let version = match link.get("version") {
            None => source.default_version(),
            Some(slug) => {
                let version = CgroupVersion::from_slug(slug)
                    .ok_or_else(|| bad("version", slug, "expected 1 or 2".to_owned()))?;
                if !source.versions().contains(&version) {
                    return Err(bad(
                        "version",
                        slug,
                        format!(
                            "the {} preset exists only in version {}",
                            source.slug(),
                            source
                                .versions()
                                .iter()
                                .map(|v| v.slug())
                                .collect::<Vec<_>>()
                                .join(" and ")
                        ),
                    ));
                }
                version
            }
        };
        let ops = match link.get("ops") {
            None => Vec::new(),
            Some(text) => {
                let ops = parse_ops(text).map_err(|err| bad("ops", text, err.to_string()))?;
                if ops.len() > MAX_OPS {
                    return Err(bad(
                        "ops",
                        text,
                        format!("at most {MAX_OPS} operations fit in a link"),
                    ));
                }
                ops
            }
        };
        Ok(Self {
            version,
            source,
            ops,
        })
    }

    /// Writes `version`, `preset` and (if any) `ops` into `link`.
    pub fn print(&self, link: &mut SceneLink) {
        link.set("version", self.version.slug());
        link.set("preset", self.source.slug());
        if !self.ops.is_empty() {
            link.set("ops", format_ops(&self.ops));
        }
    }
}

/// A selected cgroup: a hierarchy index of the scene's final state and a path in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NodeRef {
    /// Index into [`State::hierarchies`] (0 in v2).
    pub hierarchy: usize,
    /// The cgroup's path in that hierarchy.
    pub path: CgroupPath,
}

impl NodeRef {
    /// The operation target for this cgroup: `/app` in v2, `memory:/app` in v1.
    pub fn target(&self, state: &State) -> Target {
        match state.hierarchies().get(self.hierarchy) {
            Some(tree) if !tree.is_v2() => Target::v1(&tree.mount_name(), self.path.clone()),
            _ => Target::v2(self.path.clone()),
        }
    }

    /// The `select=` value.
    pub fn print(&self, state: &State) -> String {
        self.target(state).to_string()
    }

    /// Parses a `select=` value against a scene: the hierarchy must exist and the cgroup must
    /// exist in at least one step. The error says why not.
    pub fn parse(value: &str, trace: &SceneTrace) -> Result<Self, SceneValueError> {
        let target = Target::parse(value)?;
        let last = trace.final_state();
        let hierarchy = last
            .find_hierarchy(target.hierarchy.as_deref())
            .map_err(|err| SceneValueError::NoHierarchy(err.explanation))?;
        let exists = trace.steps().iter().any(|step| {
            step.state
                .hierarchies()
                .get(hierarchy)
                .is_some_and(|tree| tree.contains(&target.path))
        });
        if !exists {
            return Err(SceneValueError::NoCgroup(target.path));
        }
        Ok(Self {
            hierarchy,
            path: target.path,
        })
    }
}

/// Parses `pid=`: a process that exists in at least one step of the scene.
pub fn parse_pid(value: &str, trace: &SceneTrace) -> Result<Pid, SceneValueError> {
    let pid: Pid = value.parse().map_err(|_| SceneValueError::NotAPid)?;
    if trace
        .steps()
        .iter()
        .any(|step| step.state.process(pid).is_some())
    {
        Ok(pid)
    } else {
        Err(SceneValueError::NoProcess(pid))
    }
}

/// Why a `select=` or `pid=` value names nothing in the scene.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SceneValueError {
    /// Not a cgroup path (with an optional hierarchy).
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The hierarchy does not exist; the kernel-style explanation.
    #[error("{0}")]
    NoHierarchy(String),
    /// The cgroup exists in no step.
    #[error("{0} is not a cgroup in any step of this scene")]
    NoCgroup(CgroupPath),
    /// Not a number.
    #[error("expected a process id such as 1000")]
    NotAPid,
    /// The process exists in no step.
    #[error("no process {0} exists in this scene")]
    NoProcess(Pid),
}

/// Parses the live view's `select=`: only the syntax can be checked, since the machine decides
/// which cgroups exist.
pub fn parse_live_select(link: &SceneLink) -> Result<Option<Target>, LinkError> {
    link.get("select")
        .map(|value| {
            Target::parse(value).map_err(|err| LinkError::BadValue {
                key: "select".to_owned(),
                value: value.to_owned(),
                reason: err.to_string(),
            })
        })
        .transpose()
}

/// The start of a link of `view` (tab and view, no keys).
pub fn base(view: View) -> SceneLink {
    match view.slug() {
        Some(slug) => SceneLink::view(TAB_ID, slug),
        None => SceneLink::tab(TAB_ID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str) -> SceneLink {
        SceneLink::parse(text).unwrap()
    }

    #[test]
    fn keys_default_and_print_canonically() {
        let key = SceneKey::parse(&link("cgroups")).unwrap();
        assert_eq!(key, SceneKey::default());
        let key = SceneKey::parse(&link("cgroups?preset=weights")).unwrap();
        assert_eq!(key.version, CgroupVersion::V2, "weights is v2 first");
        let key = SceneKey::parse(&link("cgroups?preset=v1-hierarchies")).unwrap();
        assert_eq!(key.version, CgroupVersion::V1);

        let text =
            "cgroups?version=1&preset=custom&ops=mkdir%20memory:/web;%20move%20100%20memory:/web";
        let key = SceneKey::parse(&link(text)).unwrap();
        assert_eq!(key.ops.len(), 2);
        let mut printed = base(View::Structure);
        key.print(&mut printed);
        assert_eq!(printed.to_string(), text);
        assert_eq!(SceneKey::parse(&printed).unwrap(), key);
    }

    #[test]
    fn bad_values_name_the_key_and_the_reason() {
        let err = |text: &str| SceneKey::parse(&link(text)).unwrap_err().to_string();
        let e = err("cgroups?version=3");
        assert!(
            e.contains("\"version\"") && e.contains("expected 1 or 2"),
            "{e}"
        );
        let e = err("cgroups?preset=nope");
        assert!(e.contains("\"preset\"") && e.contains("weights"), "{e}");
        let e = err("cgroups?version=1&preset=v2-rules");
        assert!(e.contains("exists only in version 2"), "{e}");
        let e = err("cgroups?ops=mkdir%20/a%3B%20frobnicate%20/a");
        assert!(e.contains("\"ops\"") && e.contains("operation 2"), "{e}");
        let many = vec!["mkdir /a"; MAX_OPS + 1].join("; ");
        let e = err(&SceneLink::tab("cgroups").with("ops", many).to_string());
        assert!(e.contains("at most 200"), "{e}");
    }

    #[test]
    fn views_are_checked() {
        assert_eq!(View::of(&link("cgroups")).unwrap(), View::Structure);
        assert_eq!(View::of(&link("cgroups/simulate")).unwrap(), View::Simulate);
        assert_eq!(View::of(&link("cgroups/live")).unwrap(), View::Live);
        let e = View::of(&link("cgroups/tree")).unwrap_err().to_string();
        assert!(
            e.contains("\"tree\"") && e.contains("simulate, live"),
            "{e}"
        );
        for view in [View::Structure, View::Simulate, View::Live] {
            assert_eq!(View::of(&base(view)).unwrap(), view);
        }
    }

    #[test]
    fn selections_must_exist_in_some_step() {
        let trace = SceneKey::preset(Preset::V1Hierarchies, CgroupVersion::V1)
            .scene()
            .trace();
        let db = NodeRef::parse("cpu:/db", &trace).unwrap();
        assert_eq!(db.hierarchy, 0);
        assert_eq!(db.print(trace.final_state()), "cpu,cpuacct:/db");
        assert_eq!(NodeRef::parse("cpu,cpuacct:/db", &trace).unwrap(), db);
        // freezer is mounted only at the last step, and its root still counts.
        assert!(NodeRef::parse("freezer:/", &trace).is_ok());
        let e = NodeRef::parse("/db", &trace).unwrap_err().to_string();
        assert!(e.contains("memory:/app"), "{e}");
        let e = NodeRef::parse("memory:/db", &trace).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/db is not a cgroup in any step of this scene"
        );
        let e = NodeRef::parse("db", &trace).unwrap_err().to_string();
        assert!(e.contains("must start with '/'"), "{e}");

        assert_eq!(parse_pid("400", &trace), Ok(400));
        assert_eq!(
            parse_pid("4", &trace).unwrap_err().to_string(),
            "no process 4 exists in this scene"
        );
        assert_eq!(
            parse_pid("x", &trace).unwrap_err().to_string(),
            "expected a process id such as 1000"
        );
        assert_eq!(
            parse_live_select(&link("cgroups/live?select=memory:/a")).unwrap(),
            Some(Target::parse("memory:/a").unwrap())
        );
        assert!(parse_live_select(&link("cgroups/live?select=a")).is_err());
    }
}
