//! The tabs of the app: one small trait, one registration list.
//!
//! A tab owns its scene state and draws it; the app shell owns everything around it (tab strip,
//! timeline bar, keyboard, history, export). Adding a tab means writing its module and adding one
//! line to [`REGISTRY`]; a link to any other tab id is wrong.

pub mod cgroups;
pub mod containers;
pub mod cpu;
pub mod memory;
pub mod migration;
pub mod namespaces;
pub mod overview;

use crate::scene::{LinkError, SceneLink};
use crate::theme::Theme;
use crate::timeline::Timeline;

/// One tab: a family of scenes addressed by links `id[/view][?key=value...]`.
pub trait Tab {
    /// Stable id: the scene-link prefix and the persistence key. `&'static` so it can be a key.
    fn id(&self) -> &'static str;

    /// The name in the tab strip.
    fn title(&self) -> &'static str;

    /// Validates `link` (whose `tab` is this tab's id) and shows that scene. On error the tab is
    /// left as it was, and the error names the bad view, key or value.
    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError>;

    /// The link of what the tab shows now, position included.
    fn link(&self) -> SceneLink;

    /// Every scene the tab offers (each preset at each named step), for `virtscope scenes`.
    fn scenes(&self) -> Vec<SceneLink>;

    /// The timeline of the current scene, if it has one.
    fn timeline(&mut self) -> Option<&mut Timeline>;

    /// A scene link the tab asks the app to open (e.g. "open in the Namespaces tab"), taken once
    /// per frame after drawing and opened like a typed link (history, status line on error).
    fn take_open_request(&mut self) -> Option<SceneLink> {
        None
    }

    /// Whether something in the tab animates without the timeline (e.g. a live refresh). The app
    /// only requests repaints while this or a playing timeline is true.
    fn is_animating(&self) -> bool {
        false
    }

    /// Scene controls above the canvas (preset pickers, sliders). Not exported.
    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let _ = (ui, theme);
    }

    /// The scene itself: everything drawn here is what export captures.
    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme);
}

/// Why `virtscope inspect` could not print this machine's namespaces or cgroups.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// The namespaces could not be read.
    #[error(transparent)]
    Namespaces(#[from] namespaces::live::LiveError),
    /// The cgroups could not be read.
    #[error(transparent)]
    Cgroups(#[from] cgroups::live::LiveError),
    /// What was read could not be written as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// Makes a fresh tab in its default scene.
pub type TabFactory = fn() -> Box<dyn Tab>;

/// The registered tabs with their ids, in tab-strip order (Ctrl+1 is the first). The id is
/// repeated here so that a link finds its tab without building every tab (a test checks it
/// matches [`Tab::id`]).
pub const REGISTRY: &[(&str, TabFactory)] = &[
    ("overview", || Box::new(overview::OverviewTab::default())),
    ("cpu", || Box::new(cpu::CpuTab::default())),
    ("memory", || Box::new(memory::MemoryTab::default())),
    ("namespaces", || {
        Box::new(namespaces::NamespacesTab::default())
    }),
    ("cgroups", || Box::new(cgroups::CgroupsTab::default())),
    ("migration", || Box::new(migration::MigrationTab::default())),
    ("containers", || {
        Box::new(containers::ContainersTab::default())
    }),
];

/// Every registered tab, freshly made.
pub fn all() -> Vec<Box<dyn Tab>> {
    REGISTRY.iter().map(|(_, make)| make()).collect()
}

/// The ids of the registered tabs, comma separated (for error messages).
pub fn known_ids() -> String {
    REGISTRY
        .iter()
        .map(|(id, _)| *id)
        .collect::<Vec<_>>()
        .join(", ")
}

pub use crate::deck::LinkStatus;

/// Checks a link against a fresh instance of its tab, without touching any live tab.
pub fn check_link(text: &str) -> LinkStatus {
    LinkChecker::default().check(text)
}

/// Checks many links (a deck's, a lecture's) with one instance per tab, so each tab's default
/// scene is built once rather than once per link. Reuse is safe because `Tab::open` validates
/// the whole link and leaves the tab unchanged when the link is wrong.
#[derive(Default)]
pub struct LinkChecker {
    tabs: Vec<Box<dyn Tab>>,
}

impl LinkChecker {
    /// Whether `text` is a valid link, or what is wrong with it.
    pub fn check(&mut self, text: &str) -> LinkStatus {
        let link = match SceneLink::parse(text) {
            Ok(link) => link,
            Err(err) => {
                return LinkStatus::Invalid {
                    message: err.to_string(),
                };
            }
        };
        match self.open(&link) {
            Ok(()) => LinkStatus::Valid,
            Err(err) => LinkStatus::Invalid {
                message: err.to_string(),
            },
        }
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        if let Some(tab) = self.tabs.iter_mut().find(|tab| tab.id() == link.tab) {
            return tab.open(link);
        }
        let mut tab = new_tab(&link.tab)?;
        let opened = tab.open(link);
        self.tabs.push(tab);
        opened
    }
}

/// Where a link lands: the scene as its tab prints it (position keys aside) and, when the link
/// names a position, the timeline mark it lands on (a step, or the event a time falls after).
/// "Cards about this scene" lists a card when the scene shown lands where the card's link does.
#[derive(Clone, Debug, PartialEq)]
pub struct Landing {
    /// The canonical link without `step` and `t`.
    pub place: SceneLink,
    /// The mark, for links with a position.
    pub mark: Option<usize>,
}

impl Landing {
    /// Where `tab` is now.
    pub fn of(tab: &mut dyn Tab) -> Self {
        Self {
            place: tab.link().place(),
            mark: tab.timeline().map(|timeline| timeline.current_mark()),
        }
    }

    /// Whether a card whose link lands at `card` is about this scene: the same place, and the
    /// same mark when the card's link names a position (a card without one is about every
    /// moment of its scene).
    pub fn shows(&self, card: &Self) -> bool {
        self.place == card.place && card.mark.is_none_or(|mark| self.mark == Some(mark))
    }
}

impl LinkChecker {
    /// Where `text` lands, or `None` if it does not open.
    pub fn landing(&mut self, text: &str) -> Option<Landing> {
        let link = SceneLink::parse(text).ok()?;
        self.open(&link).ok()?;
        let tab = self.tabs.iter_mut().find(|tab| tab.id() == link.tab)?;
        let mut landing = Landing::of(tab.as_mut());
        if link.get("step").is_none() && link.get("t").is_none() {
            landing.mark = None;
        }
        Some(landing)
    }
}

/// A fresh tab showing `link`, or the error naming the bad part.
pub fn open_fresh(link: &SceneLink) -> Result<Box<dyn Tab>, LinkError> {
    let mut tab = new_tab(&link.tab)?;
    tab.open(link)?;
    Ok(tab)
}

/// A new instance of the tab with id `tab`, on its default scene.
fn new_tab(tab: &str) -> Result<Box<dyn Tab>, LinkError> {
    let (_, make) =
        REGISTRY
            .iter()
            .find(|(id, _)| *id == tab)
            .ok_or_else(|| LinkError::UnknownTab {
                tab: tab.to_owned(),
                known: known_ids(),
            })?;
    Ok(make())
}

/// Every scene of every registered tab, in tab order.
pub fn all_scenes() -> Vec<SceneLink> {
    all().iter().flat_map(|tab| tab.scenes()).collect()
}

/// Applies the position key of `link` (`step` or `t`) to a timeline; the error names the value.
pub fn apply_position(link: &SceneLink, timeline: &mut Timeline) -> Result<(), LinkError> {
    for key in ["step", "t"] {
        if let Some(value) = link.get(key) {
            timeline
                .apply_link_value(key, value)
                .map_err(|err| LinkError::BadValue {
                    key: key.to_owned(),
                    value: value.to_owned(),
                    reason: err.to_string(),
                })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_the_registry_names_each_tab() {
        let tabs = all();
        for ((id, _), tab) in REGISTRY.iter().zip(&tabs) {
            assert_eq!(*id, tab.id(), "the registry's id is the tab's");
        }
        let mut ids: Vec<&str> = tabs.iter().map(|tab| tab.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), tabs.len(), "tab ids are unique");
    }

    #[test]
    fn every_listed_scene_opens_and_reports_itself() {
        for link in all_scenes() {
            let tab = open_fresh(&link).unwrap_or_else(|err| panic!("{link}: {err}"));
            assert_eq!(tab.link(), link, "opening {link} reports the same link");
        }
    }

    #[test]
    fn landings_compare_canonical_places_and_marks() {
        let mut checker = LinkChecker::default();
        let popf = checker
            .landing("cpu/trap-emulate?program=popf&step=irq-lost")
            .expect("opens");
        let same = checker
            .landing(&format!("{}&step={}", popf.place, popf.mark.unwrap()))
            .expect("opens");
        assert_eq!(same, popf, "a slug and its step number land alike");
        let earlier = checker
            .landing("cpu/trap-emulate?program=popf&step=0")
            .expect("opens");
        assert!(!earlier.shows(&popf), "another step of the scene");
        assert!(popf.shows(&popf));
        let anywhere = checker
            .landing("cpu/trap-emulate?program=popf")
            .expect("opens");
        assert_eq!(anywhere.mark, None);
        assert!(
            earlier.shows(&anywhere),
            "a card without a position is about every step"
        );
        let other = checker
            .landing("cpu/trap-emulate?program=sgdt")
            .expect("opens");
        assert!(!other.shows(&anywhere));
        assert_eq!(checker.landing("cpu?program=nope"), None);
    }

    #[test]
    fn link_status_names_what_is_wrong() {
        for (id, _) in REGISTRY {
            assert_eq!(check_link(id), LinkStatus::Valid, "{id}");
        }
        assert_eq!(check_link("overview?step=1"), LinkStatus::Valid);
        match check_link("nonsense?x=1") {
            LinkStatus::Invalid { message } => {
                assert!(message.contains("nonsense"), "{message}");
                assert!(message.contains(&known_ids()), "lists the tabs: {message}");
            }
            other => panic!("{other:?}"),
        }
        match check_link("overview?bogus=1") {
            LinkStatus::Invalid { message } => assert!(message.contains("bogus"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    /// A checker that reuses its tabs gives every link the verdict a fresh tab gives, whatever
    /// it checked before: the deck's links interleaved with wrong ones.
    #[test]
    fn a_reused_checker_agrees_with_fresh_tabs() {
        let deck = crate::deck::builtin().expect("the built-in deck parses");
        let mut checker = LinkChecker::default();
        let wrong = [
            "cpu?program=nope",
            "migration?t=-1",
            "containers/nope",
            "namespaces?step=x",
        ];
        for (card, wrong) in deck.cards.iter().zip(wrong.iter().cycle()) {
            let link = card
                .scene
                .as_deref()
                .expect("every built-in card has a scene");
            for text in [link, wrong, link] {
                assert_eq!(checker.check(text), check_link(text), "{text}");
            }
        }
    }
}
