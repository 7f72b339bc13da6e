//! Who manages what: on-premises, IaaS, OS-level virtualization (containers) and PaaS.
//!
//! NIST SP 800-145 defines IaaS as the consumer controlling operating systems, storage and deployed
//! applications on provider infrastructure, and PaaS as the consumer controlling only the deployed
//! applications (and possibly the hosting environment's configuration). OS-level virtualization sits
//! between them: the host and its kernel belong to the platform, while each container image brings
//! its own userland, runtime, middleware and app; the kernel is shared by all containers. This is the
//! table the view draws.

/// Where the definitions come from.
pub const SOURCES: [&str; 2] = [
    "NIST SP 800-145, 'The NIST Definition of Cloud Computing' (2011): IaaS and PaaS consumer control",
    "Linux namespaces(7) and cgroups(7): containers share the host kernel; isolation and limits come from it",
];

/// A layer of the stack, bottom first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackLayer {
    /// Servers, storage, network.
    Hardware,
    /// Hypervisor, or for containers the kernel's namespaces and cgroups.
    Virtualization,
    /// The operating system.
    OperatingSystem,
    /// Language runtime (JVM, Python).
    Runtime,
    /// Web servers, databases, queues.
    Middleware,
    /// The application code.
    Application,
    /// The application's data.
    Data,
}

impl StackLayer {
    /// Bottom to top.
    pub const ALL: &[Self] = &[
        Self::Hardware,
        Self::Virtualization,
        Self::OperatingSystem,
        Self::Runtime,
        Self::Middleware,
        Self::Application,
        Self::Data,
    ];

    /// Display name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Hardware => "Hardware",
            Self::Virtualization => "Virtualization",
            Self::OperatingSystem => "Operating system",
            Self::Runtime => "Runtime",
            Self::Middleware => "Middleware",
            Self::Application => "Application",
            Self::Data => "Data",
        }
    }

    /// Scene-link slug (`select=<model>.<layer>`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Hardware => "hardware",
            Self::Virtualization => "virtualization",
            Self::OperatingSystem => "os",
            Self::Runtime => "runtime",
            Self::Middleware => "middleware",
            Self::Application => "application",
            Self::Data => "data",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|layer| layer.slug() == slug)
    }
}

/// A service model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceModel {
    /// Everything is yours (the baseline).
    OnPremises,
    /// Infrastructure as a service: virtual machines.
    Iaas,
    /// OS-level virtualization: containers on a shared kernel.
    OsLevel,
    /// Platform as a service: you deploy code.
    Paas,
}

impl ServiceModel {
    /// Left to right.
    pub const ALL: &[Self] = &[Self::OnPremises, Self::Iaas, Self::OsLevel, Self::Paas];

    /// Display name.
    pub fn title(self) -> &'static str {
        match self {
            Self::OnPremises => "On-premises",
            Self::Iaas => "IaaS (virtual machines)",
            Self::OsLevel => "OS-level virtualization (containers)",
            Self::Paas => "PaaS",
        }
    }

    /// Scene-link slug (`select=<model>.<layer>`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::OnPremises => "on-premises",
            Self::Iaas => "iaas",
            Self::OsLevel => "os-level",
            Self::Paas => "paas",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|model| model.slug() == slug)
    }
}

/// Who manages a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manager {
    /// The user (tenant, developer).
    User,
    /// The provider (platform, host operator).
    Provider,
    /// Split: part provider, part user (see the note).
    Shared,
}

/// One cell of the table with a short explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Who manages it.
    pub manager: Manager,
    /// Why.
    pub note: &'static str,
}

/// Who manages `layer` under `model`.
pub fn cell(model: ServiceModel, layer: StackLayer) -> Cell {
    use Manager::*;
    use ServiceModel::*;
    use StackLayer::*;
    let (manager, note) = match (model, layer) {
        (OnPremises, _) => (User, "you buy, run and patch everything"),
        (Iaas, Hardware) => (Provider, "the provider's data centre"),
        (Iaas, Virtualization) => (Provider, "the provider's hypervisor"),
        (Iaas, OperatingSystem) => (
            User,
            "each VM runs a whole guest OS with its own kernel, which you install and patch",
        ),
        (Iaas, _) => (User, "yours, inside your VM"),
        (OsLevel, Hardware) => (Provider, "the container host's machines"),
        (OsLevel, Virtualization) => (
            Provider,
            "no hypervisor: the host kernel's namespaces and cgroups, driven by the container engine",
        ),
        (OsLevel, OperatingSystem) => (
            Shared,
            "the kernel is the host's, shared by all containers; the userland (libc, shell, packages) comes from your image",
        ),
        (OsLevel, Runtime) => (
            User,
            "any language runtime and libraries you put in the image",
        ),
        (OsLevel, _) => (User, "yours, baked into the image"),
        (Paas, Application | Data) => (User, "you deploy code and own its data"),
        (Paas, Runtime) => (
            Provider,
            "the platform's runtimes only: the languages and versions it supports",
        ),
        (Paas, _) => (Provider, "the platform runs and patches it"),
    };
    Cell { manager, note }
}

/// The layers where OS-level virtualization and `other` differ: who manages them, and always the
/// virtualization layer itself (a hypervisor or a platform against the host kernel's namespaces
/// and cgroups). Bottom first.
pub fn differences(other: ServiceModel) -> Vec<StackLayer> {
    StackLayer::ALL
        .iter()
        .copied()
        .filter(|layer| {
            *layer == StackLayer::Virtualization
                || cell(other, *layer).manager != cell(ServiceModel::OsLevel, *layer).manager
        })
        .collect()
}

/// How many layers the user manages (a Shared layer counts as half, reported in halves).
pub fn user_managed_halves(model: ServiceModel) -> usize {
    StackLayer::ALL
        .iter()
        .map(|layer| match cell(model, *layer).manager {
            Manager::User => 2,
            Manager::Shared => 1,
            Manager::Provider => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nist_definitions_hold() {
        assert_eq!(
            cell(ServiceModel::Iaas, StackLayer::OperatingSystem).manager,
            Manager::User
        );
        assert_eq!(
            cell(ServiceModel::Iaas, StackLayer::Virtualization).manager,
            Manager::Provider
        );
        assert_eq!(
            cell(ServiceModel::Paas, StackLayer::Runtime).manager,
            Manager::Provider
        );
        assert_eq!(
            cell(ServiceModel::Paas, StackLayer::Application).manager,
            Manager::User
        );
        assert_eq!(
            cell(ServiceModel::OsLevel, StackLayer::OperatingSystem).manager,
            Manager::Shared
        );
    }

    /// IaaS gives each tenant a whole OS where containers share the host's kernel; a PaaS runs
    /// only its own runtimes where a container brings any (NIST SP 800-145; namespaces(7)).
    #[test]
    fn os_level_differs_from_iaas_in_the_os_and_from_paas_in_the_runtime() {
        assert_eq!(
            differences(ServiceModel::Iaas),
            [StackLayer::Virtualization, StackLayer::OperatingSystem]
        );
        assert_eq!(
            differences(ServiceModel::Paas),
            [
                StackLayer::Virtualization,
                StackLayer::OperatingSystem,
                StackLayer::Runtime,
                StackLayer::Middleware
            ]
        );
        assert_eq!(
            cell(ServiceModel::OsLevel, StackLayer::Runtime).manager,
            Manager::User
        );
    }

    #[test]
    fn slugs_round_trip() {
        for model in ServiceModel::ALL {
            assert_eq!(ServiceModel::from_slug(model.slug()), Some(*model));
        }
        for layer in StackLayer::ALL {
            assert_eq!(StackLayer::from_slug(layer.slug()), Some(*layer));
        }
        assert_eq!(StackLayer::from_slug("kernel"), None);
    }

    #[test]
    fn responsibility_shrinks_from_left_to_right() {
        let halves: Vec<usize> = ServiceModel::ALL
            .iter()
            .map(|m| user_managed_halves(*m))
            .collect();
        assert!(
            halves.windows(2).all(|pair| pair[0] > pair[1]),
            "{halves:?}"
        );
    }
}
