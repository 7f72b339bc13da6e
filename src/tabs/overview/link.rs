//! The Overview's scene links, parsed and printed apart from the tab's state:
//!
//! - `overview?select=<stack>[.<layer>]&step=N|<slug>`: the six stacks, one picked.
//! - `overview/power?servers=N&util_pct=P&cooling=C&loss_pct=L&fixed_kw=F&step=before|consolidated|right-sized`:
//!   PUE computed from the facility's parts, before and after consolidation.
//! - `overview/consolidation?step=<slug>`: server consolidation and the benefits of
//!   virtualization as the model's outcomes.
//!
//! A power link prints only the keys that differ from the defaults, in a fixed order.

use super::model::power::{Facility, Fleet};
use super::model::{LayerKind, Stack, StackKind};
use crate::scene::{LinkError, SceneLink, check_keys, number_param};

/// What the student picked: a whole stack, or one layer of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// The stack.
    pub stack: StackKind,
    /// The layer, if one is picked.
    pub layer: Option<LayerKind>,
}

impl Selection {
    /// `type2` or `type2.host-os`.
    pub fn slug(self) -> String {
        match self.layer {
            Some(layer) => format!("{}.{}", self.stack.slug(), layer.slug()),
            None => self.stack.slug().to_owned(),
        }
    }
}

/// The Overview's views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The six stacks (no view in the link).
    Stacks,
    /// Data-centre power and PUE.
    Power,
    /// Server consolidation.
    Consolidation,
}

impl View {
    pub const ALL: [Self; 3] = [Self::Stacks, Self::Power, Self::Consolidation];

    pub fn slug(self) -> Option<&'static str> {
        match self {
            Self::Stacks => None,
            Self::Power => Some(POWER_VIEW),
            Self::Consolidation => Some(CONSOLIDATION_VIEW),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Stacks => "Six ways to run software",
            Self::Power => "Data-centre power (PUE)",
            Self::Consolidation => "Server consolidation",
        }
    }
}

/// The tab id.
pub const TAB: &str = "overview";

/// The power view's slug.
pub const POWER_VIEW: &str = "power";
/// The consolidation view's slug.
pub const CONSOLIDATION_VIEW: &str = "consolidation";

/// The default fleet: 1,000 servers at 15 % (NRDC 2014: 12-18 %).
pub const DEFAULT_FLEET: Fleet = Fleet {
    servers: 1000,
    utilisation: 0.15,
};

/// A power key: its name, range and how it reads from and writes to the parameters.
struct PowerKey {
    key: &'static str,
    min: f64,
    max: f64,
    get: fn(&Fleet, &Facility) -> f64,
    set: fn(&mut Fleet, &mut Facility, f64),
}

const POWER_KEYS: [PowerKey; 5] = [
    PowerKey {
        key: "servers",
        min: 1.0,
        max: 100_000.0,
        get: |fleet, _| f64::from(fleet.servers),
        set: |fleet, _, value| fleet.servers = value.round() as u32,
    },
    PowerKey {
        key: "util_pct",
        min: 1.0,
        max: 100.0,
        get: |fleet, _| fleet.utilisation * 100.0,
        set: |fleet, _, value| fleet.utilisation = value / 100.0,
    },
    PowerKey {
        key: "cooling",
        min: 0.0,
        max: 2.0,
        get: |_, facility| facility.cooling_per_it,
        set: |_, facility, value| facility.cooling_per_it = value,
    },
    PowerKey {
        key: "loss_pct",
        min: 0.0,
        max: 30.0,
        get: |_, facility| facility.distribution_loss * 100.0,
        set: |_, facility, value| facility.distribution_loss = value / 100.0,
    },
    PowerKey {
        key: "fixed_kw",
        min: 0.0,
        max: 100_000.0,
        get: |_, facility| facility.fixed_kw,
        set: |_, facility, value| facility.fixed_kw = value,
    },
];

/// The power parameters of `link` (the keys above; `step` is the caller's); errors name the bad
/// key or value.
pub fn parse_power(link: &SceneLink) -> Result<(Fleet, Facility), LinkError> {
    let mut keys: Vec<&str> = POWER_KEYS.iter().map(|k| k.key).collect();
    keys.push("step");
    check_keys(link, &keys)?;
    let (mut fleet, mut facility) = (DEFAULT_FLEET, Facility::default());
    for key in &POWER_KEYS {
        let default = (key.get)(&fleet, &facility);
        let value = number_param(link, key.key, key.min, key.max, default)?;
        (key.set)(&mut fleet, &mut facility, value);
    }
    Ok((fleet, facility))
}

/// The power link without its step: the keys that differ from the defaults.
pub fn print_power(fleet: &Fleet, facility: &Facility) -> SceneLink {
    let mut link = SceneLink::view(TAB, POWER_VIEW);
    let (default_fleet, default_facility) = (DEFAULT_FLEET, Facility::default());
    for key in &POWER_KEYS {
        let value = (key.get)(fleet, facility);
        if (value - (key.get)(&default_fleet, &default_facility)).abs() > 1e-9 {
            link.set(key.key, format_number(value));
        }
    }
    link
}

/// A number as short as it reads back exactly (`0.35`, `1000`).
fn format_number(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    format!("{rounded}")
}

/// Reads `select=<stack>[.<layer>]` against the stacks (each stack's layers differ).
pub fn parse_selection(stacks: &[Stack], value: &str) -> Result<Selection, LinkError> {
    let bad = |reason: String| LinkError::BadValue {
        key: "select".to_owned(),
        value: value.to_owned(),
        reason,
    };
    let (stack_slug, layer_slug) = match value.split_once('.') {
        Some((stack, layer)) => (stack, Some(layer)),
        None => (value, None),
    };
    let stack = StackKind::from_slug(stack_slug).ok_or_else(|| {
        bad(format!(
            "unknown stack {stack_slug:?}; stacks: {}",
            StackKind::ALL.map(StackKind::slug).join(", ")
        ))
    })?;
    let layer = match layer_slug {
        None => None,
        Some(layer_slug) => {
            let layers = stacks
                .iter()
                .find(|candidate| candidate.kind == stack)
                .map(|candidate| candidate.layers.as_slice())
                .unwrap_or_default();
            let layer = layers
                .iter()
                .find(|layer| layer.kind.slug() == layer_slug)
                .ok_or_else(|| {
                    bad(format!(
                        "the {stack_slug} stack has layers {}",
                        layers
                            .iter()
                            .map(|layer| layer.kind.slug())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            Some(layer.kind)
        }
    };
    Ok(Selection { stack, layer })
}
