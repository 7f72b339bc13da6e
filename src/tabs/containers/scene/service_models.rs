//! The service-models view's scene: one table, the cell the student picked, and the model
//! OS-level virtualization is compared with.
//!
//! Links: `containers/service-models?compare=iaas|paas|on-premises&select=<model>.<layer>`
//! (for example `compare=iaas` or `select=iaas.os`).

use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::containers::link::view_link;
use crate::tabs::containers::model::View;
use crate::tabs::containers::model::service_models::{ServiceModel, StackLayer};

/// A cell of the table.
pub type Cell = (ServiceModel, StackLayer);

/// The table's state: which cell is explained, and which model OS-level virtualization is
/// compared with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceScene {
    /// The model compared with OS-level virtualization (never OS-level itself).
    pub compare: Option<ServiceModel>,
    /// The picked cell.
    pub select: Option<Cell>,
}

impl ServiceScene {
    /// Validates `link` (keys `compare` and `select`).
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["compare", "select"])?;
        let compare = link.get("compare").map(parse_compare).transpose()?;
        let select = link.get("select").map(parse_cell).transpose()?;
        Ok(Self { compare, select })
    }

    /// The canonical link.
    pub fn link(&self) -> SceneLink {
        let mut link = view_link(View::ServiceModels);
        if let Some(model) = self.compare {
            link.set("compare", model.slug());
        }
        if let Some(cell) = self.select {
            link.set("select", cell_slug(cell));
        }
        link
    }

    /// The table, OS-level against each other model, and the OS-level column's cells picked
    /// one by one.
    pub fn scenes() -> Vec<SceneLink> {
        std::iter::once(Self::default().link())
            .chain(
                ServiceModel::ALL
                    .iter()
                    .filter(|model| **model != ServiceModel::OsLevel)
                    .map(|model| {
                        Self {
                            compare: Some(*model),
                            select: None,
                        }
                        .link()
                    }),
            )
            .chain(StackLayer::ALL.iter().map(|layer| {
                Self {
                    compare: None,
                    select: Some((ServiceModel::OsLevel, *layer)),
                }
                .link()
            }))
            .collect()
    }
}

fn parse_compare(value: &str) -> Result<ServiceModel, LinkError> {
    ServiceModel::from_slug(value)
        .filter(|model| *model != ServiceModel::OsLevel)
        .ok_or_else(|| LinkError::BadValue {
            key: "compare".to_owned(),
            value: value.to_owned(),
            reason: "expected on-premises, iaas or paas (compared with os-level)".to_owned(),
        })
}

/// `iaas.os`.
pub fn cell_slug((model, layer): Cell) -> String {
    format!("{}.{}", model.slug(), layer.slug())
}

fn parse_cell(value: &str) -> Result<Cell, LinkError> {
    let bad = |reason: String| LinkError::BadValue {
        key: "select".to_owned(),
        value: value.to_owned(),
        reason,
    };
    let (model, layer) = value
        .split_once('.')
        .ok_or_else(|| bad("expected <model>.<layer>, e.g. iaas.os".to_owned()))?;
    let model = ServiceModel::from_slug(model).ok_or_else(|| {
        bad(format!(
            "unknown model {model:?}; models: {}",
            ServiceModel::ALL
                .iter()
                .map(|m| m.slug())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let layer = StackLayer::from_slug(layer).ok_or_else(|| {
        bad(format!(
            "unknown layer {layer:?}; layers: {}",
            StackLayer::ALL
                .iter()
                .map(|l| l.slug())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    Ok((model, layer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_round_trip_and_bad_parts_are_named() {
        let link = SceneLink::parse("containers/service-models?select=os-level.os").unwrap();
        let scene = ServiceScene::from_link(&link).unwrap();
        assert_eq!(
            scene.select,
            Some((ServiceModel::OsLevel, StackLayer::OperatingSystem))
        );
        assert_eq!(scene.link(), link);
        for (text, expected) in [
            ("vm.os", "unknown model \"vm\""),
            ("iaas.kernel", "unknown layer \"kernel\""),
            ("iaas", "expected <model>.<layer>"),
        ] {
            let link =
                SceneLink::parse(&format!("containers/service-models?select={text}")).unwrap();
            let err = ServiceScene::from_link(&link).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
        }
        let err =
            ServiceScene::from_link(&SceneLink::parse("containers/service-models?step=1").unwrap())
                .unwrap_err()
                .to_string();
        assert!(err.contains("unknown key \"step\""), "{err}");
        let link =
            SceneLink::parse("containers/service-models?compare=paas&select=paas.runtime").unwrap();
        let scene = ServiceScene::from_link(&link).unwrap();
        assert_eq!(scene.compare, Some(ServiceModel::Paas));
        assert_eq!(scene.link(), link);
        let err = ServiceScene::from_link(
            &SceneLink::parse("containers/service-models?compare=os-level").unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("compare"), "{err}");
    }
}
