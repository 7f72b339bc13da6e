//! The Memory tab's scene links, parsed and printed without touching any egui state:
//! `memory/<mode>?preset=<preset>[&levels=5][&pwc=on]&step=N|<slug>`.

use super::model::{Config, Mode, Preset};
use crate::scene::{LinkError, SceneLink, check_keys, choice_param};

/// The tab id.
pub const TAB_ID: &str = "memory";

/// What a memory link shows, position aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryScene {
    /// The mode.
    pub mode: Mode,
    /// The preset.
    pub preset: Preset,
    /// Paging levels and walk caches.
    pub config: Config,
}

impl Default for MemoryScene {
    fn default() -> Self {
        Self {
            mode: Mode::Ept,
            preset: Preset::TlbMiss,
            config: Config::default(),
        }
    }
}

impl MemoryScene {
    /// Parses every part of `link` except the value of `step`.
    pub fn parse(link: &SceneLink) -> Result<Self, LinkError> {
        let mode = match link.view.as_deref() {
            None => Self::default().mode,
            Some(view) => Mode::from_slug(view).ok_or_else(|| LinkError::UnknownView {
                tab: link.tab.clone(),
                view: view.to_owned(),
                known: Mode::ALL
                    .iter()
                    .map(|mode| mode.slug())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
        };
        check_keys(link, &["preset", "levels", "pwc", "step"])?;
        let presets: Vec<(&str, Preset)> = Preset::ALL
            .iter()
            .map(|preset| (preset.slug(), *preset))
            .collect();
        let preset = choice_param(link, "preset", &presets, Preset::TlbMiss)?;
        let levels = choice_param(link, "levels", &[("4", 4), ("5", 5)], 4)?;
        let pwc = choice_param(link, "pwc", &[("on", true), ("off", false)], false)?;
        Ok(Self {
            mode,
            preset,
            config: Config { levels, pwc },
        })
    }

    /// The canonical link without the position: defaults (`levels=4`, `pwc=off`) left out.
    pub fn link(&self) -> SceneLink {
        let mut link = SceneLink::view(TAB_ID, self.mode.slug()).with("preset", self.preset.slug());
        if self.config.levels != 4 {
            link.set("levels", self.config.levels);
        }
        if self.config.pwc {
            link.set("pwc", "on");
        }
        link
    }
}
