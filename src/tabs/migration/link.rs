//! The Migration tab's scene links: which view, which preset, and which parameters differ from it.
//!
//! `migration?mode=cold|pre-copy|post-copy|compare&preset=<preset>&<key>=<value>...&t=SECONDS`.
//! `rules=qemu|xen|xen-legacy` names whose rules end pre-copy; each preset has its own default
//! (QEMU, or legacy Xen for the presets shaped after Clark et al.). `hide=future` (a quiz
//! question's scene) shows the migration only as far as `t`: no outcome, no totals, no blocks
//! ahead, on a time axis that does not give away when it ends.
//! A link always prints `mode` and `preset`, then only the parameter keys whose values differ
//! from the preset's (in [`Params::KEYS`] order), then the position.
//!
//! The working set is part of memory. A link that lowers `memory_mib` below the preset's
//! working set without naming `wss_mib` gets its working set clamped to memory (the sliders do
//! the same), so `preset=worked-example&memory_mib=2048` opens; a link that names a `wss_mib`
//! larger than memory is an error naming `wss_mib`.

use super::model::{Mode, ParamError, Params, Preset};
use crate::scene::{
    HIDE_KEY, LinkError, SceneLink, check_keys, hide_future_param, print_hide_future,
};

/// The tab id and link prefix.
pub const TAB_ID: &str = "migration";

/// What the tab shows: one method's timeline, or all three side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// One method on the timeline, with its page grid and numbers.
    Method(Mode),
    /// Cold, pre-copy and post-copy on the same parameters.
    Compare,
}

impl View {
    /// Every view, in menu order.
    pub const ALL: [Self; 4] = [
        Self::Method(Mode::Cold),
        Self::Method(Mode::PreCopy),
        Self::Method(Mode::PostCopy),
        Self::Compare,
    ];

    /// The `mode=` value.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Method(mode) => mode.slug(),
            Self::Compare => "compare",
        }
    }

    /// Parses [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|view| view.slug() == slug)
    }

    /// The name on the mode buttons.
    pub fn short_title(self) -> &'static str {
        match self {
            Self::Method(mode) => short_title(mode),
            Self::Compare => "Compare all three",
        }
    }
}

/// A short name for a method, for buttons, lanes and table rows.
pub fn short_title(mode: Mode) -> &'static str {
    match mode {
        Mode::Cold => "Cold",
        Mode::PreCopy => "Pre-copy",
        Mode::PostCopy => "Post-copy",
    }
}

/// The scene a link addresses, without its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The view.
    pub view: View,
    /// The preset the parameters start from.
    pub preset: Preset,
    /// The parameters (the preset's, with the link's keys applied).
    pub params: Params,
    /// Whether only what has happened up to the position is shown (`hide=future`).
    pub hide_future: bool,
}

impl Default for Scene {
    fn default() -> Self {
        Self::new(View::Method(Mode::PreCopy), Preset::WorkedExample)
    }
}

impl Scene {
    /// `preset` with its own parameters, shown in `view`.
    pub fn new(view: View, preset: Preset) -> Self {
        Self {
            view,
            preset,
            params: preset.params(),
            hide_future: false,
        }
    }

    /// Every key a migration link accepts.
    pub fn known_keys() -> Vec<&'static str> {
        let mut keys = vec!["mode", "preset"];
        keys.extend_from_slice(Params::KEYS);
        keys.extend_from_slice(&[HIDE_KEY, "t", "step"]);
        keys
    }

    /// Reads the view, preset and parameters of `link` (the position is the tab's business).
    /// Every error names the bad view, key or value.
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        if let Some(view) = &link.view {
            return Err(LinkError::UnknownView {
                tab: link.tab.clone(),
                view: view.clone(),
                known: "(none; choose the method with mode=)".to_owned(),
            });
        }
        check_keys(link, &Self::known_keys())?;
        let view = match link.get("mode") {
            None => Self::default().view,
            Some(value) => View::from_slug(value).ok_or_else(|| LinkError::BadValue {
                key: "mode".to_owned(),
                value: value.to_owned(),
                reason: format!("expected one of {}", View::ALL.map(View::slug).join(", ")),
            })?,
        };
        let preset = match link.get("preset") {
            None => Self::default().preset,
            Some(value) => Preset::from_slug(value).ok_or_else(|| LinkError::BadValue {
                key: "preset".to_owned(),
                value: value.to_owned(),
                reason: format!(
                    "expected one of {}",
                    Preset::ALL
                        .iter()
                        .map(|p| p.slug())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?,
        };
        let mut params = preset.params();
        for key in Params::KEYS {
            if let Some(value) = link.get(key) {
                params
                    .set_key(key, value)
                    .map_err(|err| link_error(err, link))?;
            }
        }
        if link.get("wss_mib").is_none() {
            params.wss_mib = params.wss_mib.min(params.memory_mib);
        }
        params.validate().map_err(|err| link_error(err, link))?;
        Ok(Self {
            view,
            preset,
            params,
            hide_future: hide_future_param(link)?,
        })
    }

    /// The canonical link: mode, preset, the keys that differ from the preset, `hide`, in that
    /// order.
    pub fn to_link(&self) -> SceneLink {
        let mut link = SceneLink::tab(TAB_ID)
            .with("mode", self.view.slug())
            .with("preset", self.preset.slug());
        let preset = self.preset.params();
        for key in Params::KEYS {
            let value = param_text(&self.params, key);
            if value != param_text(&preset, key) {
                link.set(key, value);
            }
        }
        print_hide_future(&mut link, self.hide_future);
        link
    }

    /// Whether any parameter differs from the preset's.
    pub fn is_customized(&self) -> bool {
        self.params != self.preset.params()
    }
}

/// The link text of one parameter key (numbers print in their shortest exact form).
pub fn param_text(params: &Params, key: &str) -> String {
    match key {
        "rules" => params.rules.slug().to_owned(),
        "memory_mib" => params.memory_mib.to_string(),
        "dirty_mib_s" => params.dirty_mib_s.to_string(),
        "wss_mib" => params.wss_mib.to_string(),
        "bandwidth_mib_s" => params.bandwidth_mib_s.to_string(),
        "downtime_ms" => params.downtime_ms.to_string(),
        "autoconverge" => params.autoconverge.to_string(),
        "prepaging" => params.prepaging.to_string(),
        "dest_fails" => params.dest_fails.to_string(),
        _ => String::new(),
    }
}

/// A model parameter error as a link error naming the key and the value as written.
fn link_error(err: ParamError, link: &SceneLink) -> LinkError {
    let bad = |key: &str, reason: String| LinkError::BadValue {
        key: key.to_owned(),
        value: link.get(key).unwrap_or_default().to_owned(),
        reason,
    };
    match &err {
        ParamError::OutOfRange { name, .. } => bad(name, err.to_string()),
        ParamError::WssExceedsMemory { .. } => bad("wss_mib", err.to_string()),
        ParamError::BadValue { key, expected, .. } => bad(key, format!("expected {expected}")),
        ParamError::NotInRules { key, .. } => bad(key, err.to_string()),
        ParamError::UnknownKey { key, known } => LinkError::UnknownKey {
            scope: link.scope(),
            key: key.clone(),
            known: known.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(text: &str) -> Result<Scene, LinkError> {
        Scene::from_link(&SceneLink::parse(text).unwrap())
    }

    fn error(text: &str) -> String {
        scene(text).unwrap_err().to_string()
    }

    #[test]
    fn defaults_are_pre_copy_on_the_worked_example() {
        let s = scene("migration").unwrap();
        assert_eq!(s, Scene::default());
        assert_eq!(
            s.to_link().to_string(),
            "migration?mode=pre-copy&preset=worked-example"
        );
    }

    #[test]
    fn links_round_trip_in_canonical_order() {
        let text = "migration?mode=post-copy&preset=busy-web&memory_mib=8192&dirty_mib_s=12.5&wss_mib=100&bandwidth_mib_s=1000&downtime_ms=50&autoconverge=true&prepaging=true&dest_fails=true";
        let s = scene(text).unwrap();
        assert_eq!(s.to_link().to_string(), text);
        assert!(s.is_customized());
        // Keys in any order print canonically.
        let shuffled = scene(
            "migration?dest_fails=true&dirty_mib_s=12.5&preset=busy-web&mode=post-copy&autoconverge=true&wss_mib=100&memory_mib=8192&prepaging=true&downtime_ms=50&bandwidth_mib_s=1000",
        )
        .unwrap();
        assert_eq!(shuffled, s);
        for view in View::ALL {
            for preset in Preset::ALL {
                let s = Scene::new(view, *preset);
                assert_eq!(Scene::from_link(&s.to_link()).unwrap(), s);
                assert!(!s.is_customized());
            }
        }
    }

    #[test]
    fn only_keys_that_differ_from_the_preset_print() {
        let s = scene("migration?mode=cold&preset=quiet&memory_mib=2048&dirty_mib_s=0.5").unwrap();
        assert_eq!(s.to_link().to_string(), "migration?mode=cold&preset=quiet");
        assert_eq!(
            scene("migration?preset=clark-quake&autoconverge=false")
                .unwrap()
                .to_link()
                .to_string(),
            "migration?mode=pre-copy&preset=clark-quake"
        );
    }

    #[test]
    fn lowering_memory_clamps_an_unnamed_working_set() {
        let s = scene("migration?preset=worked-example&memory_mib=2048").unwrap();
        assert_eq!(s.params.wss_mib, 2048.0);
        assert_eq!(
            s.to_link().to_string(),
            "migration?mode=pre-copy&preset=worked-example&memory_mib=2048&wss_mib=2048"
        );
        let err = error("migration?preset=worked-example&memory_mib=2048&wss_mib=3000");
        assert!(err.contains("\"wss_mib\"") && err.contains("3000"), "{err}");
    }

    #[test]
    fn bad_values_name_their_key() {
        for (link, key) in [
            ("migration?memory_mib=0", "memory_mib"),
            ("migration?memory_mib=2000000", "memory_mib"),
            ("migration?bandwidth_mib_s=0", "bandwidth_mib_s"),
            ("migration?dirty_mib_s=-3", "dirty_mib_s"),
            ("migration?downtime_ms=-1", "downtime_ms"),
            ("migration?dirty_mib_s=fast", "dirty_mib_s"),
            ("migration?memory_mib=NaN", "memory_mib"),
            ("migration?autoconverge=maybe", "autoconverge"),
            ("migration?prepaging=1", "prepaging"),
            ("migration?dest_fails=", "dest_fails"),
            ("migration?preset=specweb", "preset"),
            ("migration?mode=warp", "mode"),
        ] {
            let err = error(link);
            assert!(err.contains(&format!("key \"{key}\"")), "{link}: {err}");
        }
        let err = error("migration?memory_mib=0");
        assert!(err.contains("between 1 and"), "{err}");
        let err = error("migration?autoconverge=maybe");
        assert!(err.contains("true or false"), "{err}");
        let err = error("migration?preset=specweb");
        assert!(err.contains("clark-specweb"), "{err}");
    }

    #[test]
    fn unknown_keys_and_views_are_named() {
        let err = error("migration?speed=3");
        assert!(err.contains("unknown key \"speed\""), "{err}");
        let err = error("migration/pre-copy");
        assert!(err.contains("unknown view \"pre-copy\""), "{err}");
    }
}
