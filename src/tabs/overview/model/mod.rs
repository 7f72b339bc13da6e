//! The Overview's model: six ways to run software on a machine, as layer stacks, and the path one
//! disk write takes down each of them.
//!
//! Pure data and pure functions, no egui. The path of the write is a list of hops between layers;
//! the scene's step N shows hop N of every stack at once, so a student sees that a container's write
//! is as short as a native one while a hosted hypervisor's crosses twice as many boundaries.
//!
//! This file holds the vocabulary (stacks, layers, boundaries, hops, ratings) and the stepping;
//! [`stack`] and [`stacks`] (in `stacks.rs`) hold the six stacks themselves, with their sources.
//!
//! The Overview's other views have their own models: [`power`] (data-centre power and PUE) and
//! [`consolidation`] (server consolidation, the benefits of virtualization).

pub mod consolidation;
pub mod power;
mod stacks;

pub use stacks::{stack, stacks};

/// The six ways of running software that the Overview compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StackKind {
    /// An OS directly on the hardware.
    Native,
    /// A bare-metal (type 1) hypervisor.
    Type1,
    /// A hosted (type 2) hypervisor on a host OS.
    Type2,
    /// A paravirtualized guest on a hypervisor such as Xen.
    Paravirt,
    /// OS-level virtualization: containers sharing one kernel.
    OsLevel,
    /// Application-level virtualization: a language VM.
    AppLevel,
}

impl StackKind {
    /// Every stack, left to right.
    pub const ALL: [Self; 6] = [
        Self::Native,
        Self::Type1,
        Self::Type2,
        Self::Paravirt,
        Self::OsLevel,
        Self::AppLevel,
    ];

    /// The id used in scene links (`select=type1`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Type1 => "type1",
            Self::Type2 => "type2",
            Self::Paravirt => "paravirt",
            Self::OsLevel => "os-level",
            Self::AppLevel => "app-level",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.slug() == slug)
    }

    /// The column heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::Native => "Native",
            Self::Type1 => "Bare-metal (type 1)",
            Self::Type2 => "Hosted (type 2)",
            Self::Paravirt => "Paravirtualized",
            Self::OsLevel => "OS-level (containers)",
            Self::AppLevel => "Application-level",
        }
    }

    /// Real examples of the approach.
    pub fn examples(self) -> &'static str {
        match self {
            Self::Native => "Linux or Windows on a PC",
            Self::Type1 => "VMware ESXi, Microsoft Hyper-V, Xen with HVM guests",
            Self::Type2 => "VirtualBox, VMware Workstation, Parallels",
            Self::Paravirt => "Xen PV guests (Barham et al., SOSP 2003)",
            Self::OsLevel => "Docker, Podman, LXC on Linux",
            Self::AppLevel => "Java VM, .NET CLR, WebAssembly runtimes",
        }
    }
}

/// What a layer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// An application (or the container's process).
    App,
    /// A guest operating system.
    GuestOs,
    /// A hypervisor (VMM).
    Hypervisor,
    /// The host operating system under a hosted hypervisor.
    HostOs,
    /// The physical machine.
    Hardware,
    /// The one kernel of a native machine, or the kernel all containers share.
    Kernel,
    /// A language virtual machine (JVM, CLR).
    LanguageVm,
    /// Application code compiled to portable bytecode.
    Bytecode,
    /// An application inside a container: a process confined by namespaces and cgroups.
    Container,
}

impl LayerKind {
    /// The id used in scene links (`select=type2.host-os`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::GuestOs => "guest-os",
            Self::Hypervisor => "hypervisor",
            Self::HostOs => "host-os",
            Self::Hardware => "hardware",
            Self::Kernel => "kernel",
            Self::LanguageVm => "language-vm",
            Self::Bytecode => "bytecode",
            Self::Container => "container",
        }
    }
}

/// The protection boundary between two adjacent layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// No protection boundary: a function call inside one process.
    None,
    /// User mode above, kernel mode below (ring 3 / ring 0).
    UserKernel,
    /// A guest above, the hypervisor below (deprivileged or VMX non-root / root).
    GuestHost,
    /// The hardware interface: privileged I/O instructions and interrupts.
    Hardware,
}

impl Boundary {
    /// A short label drawn on the boundary line.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "same process",
            Self::UserKernel => "user | kernel",
            Self::GuestHost => "guest | hypervisor",
            Self::Hardware => "privileged I/O",
        }
    }

    /// Whether crossing it costs a change of privilege (the thing the Overview counts).
    pub fn is_protection(self) -> bool {
        matches!(self, Self::UserKernel | Self::GuestHost)
    }
}

/// One layer of a stack.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layer {
    /// What it is.
    pub kind: LayerKind,
    /// The name drawn in the box.
    pub title: &'static str,
    /// The privilege it runs at, e.g. "ring 3" or "VMX root, ring 0".
    pub privilege: &'static str,
    /// What it does, shown when hovered or selected.
    pub explanation: &'static str,
}

/// One hop of the disk write: from one layer to another, and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hop {
    /// Index of the layer the write leaves (0 = top layer).
    pub from: usize,
    /// Index of the layer it reaches.
    pub to: usize,
    /// The mechanism, short: "syscall", "VM exit", "interrupt".
    pub mechanism: &'static str,
    /// One sentence: what happens and who handles it.
    pub text: &'static str,
}

/// How a stack rates on one criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rating {
    /// Weak on this criterion.
    Low,
    /// In between.
    Medium,
    /// Strong on this criterion.
    High,
}

impl Rating {
    /// The word drawn beside the rating's bar (colour is never the only cue).
    pub fn word(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// Filled dots out of three.
    pub fn dots(self) -> usize {
        match self {
            Self::Low => 1,
            Self::Medium => 2,
            Self::High => 3,
        }
    }
}

/// The four criteria shown beside every stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Criterion {
    /// Speed compared with native.
    Performance,
    /// How well workloads are kept apart.
    Isolation,
    /// How freely the workload moves between machines and systems.
    Portability,
    /// How well the design avoids one component whose failure stops everything (high = little risk).
    FailureContainment,
}

impl Criterion {
    /// Every criterion, in display order.
    pub const ALL: [Self; 4] = [
        Self::Performance,
        Self::Isolation,
        Self::Portability,
        Self::FailureContainment,
    ];

    /// The row label.
    pub fn title(self) -> &'static str {
        match self {
            Self::Performance => "Performance",
            Self::Isolation => "Isolation",
            Self::Portability => "Portability",
            Self::FailureContainment => "No single point of failure",
        }
    }

    /// A label short enough for a narrow column.
    pub fn short_title(self) -> &'static str {
        match self {
            Self::FailureContainment => "Resilience",
            other => other.title(),
        }
    }
}

/// A rating with its reason.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Assessment {
    /// What is rated.
    pub criterion: Criterion,
    /// How well.
    pub rating: Rating,
    /// Why, in a few words.
    pub reason: &'static str,
}

/// A whole stack: its layers top to bottom, the boundaries between them, the write's path, and
/// its pros and cons.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    /// Which stack.
    pub kind: StackKind,
    /// Layers from the top (applications) to the bottom (hardware).
    pub layers: Vec<Layer>,
    /// `boundaries[i]` separates `layers[i]` and `layers[i + 1]`.
    pub boundaries: Vec<Boundary>,
    /// The disk write's hops, in order.
    pub hops: Vec<Hop>,
    /// Ratings on the four criteria.
    pub assessments: [Assessment; 4],
}

impl Stack {
    /// The index of the layer with this kind, if the stack has one.
    pub fn layer_index(&self, kind: LayerKind) -> Option<usize> {
        self.layers.iter().position(|layer| layer.kind == kind)
    }

    /// The protection boundaries the write has crossed after `hops_done` hops.
    pub fn crossings_after(&self, hops_done: usize) -> usize {
        self.hops
            .iter()
            .take(hops_done)
            .filter(|hop| self.boundary_between(hop.from, hop.to).is_protection())
            .count()
    }

    /// The strongest boundary between two layers (the one a hop between them crosses).
    pub fn boundary_between(&self, a: usize, b: usize) -> Boundary {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        self.boundaries
            .get(lo..hi)
            .into_iter()
            .flatten()
            .copied()
            .max_by_key(|boundary| match boundary {
                Boundary::None => 0,
                Boundary::Hardware => 1,
                Boundary::UserKernel => 2,
                Boundary::GuestHost => 3,
            })
            .unwrap_or(Boundary::None)
    }

    /// Where the write is after `step` steps: `(hop index, done)`. Step 0 is the application
    /// starting the write; step k > 0 is hop k - 1.
    pub fn position(&self, step: usize) -> Position {
        match step {
            0 => Position::Start,
            k if k <= self.hops.len() => Position::Hop(k - 1),
            _ => Position::Done,
        }
    }
}

/// Where one stack's write is at a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// The application is about to call `write()`.
    Start,
    /// Hop `i` is happening.
    Hop(usize),
    /// The write has returned to the application.
    Done,
}

/// The global steps: what step N means across all stacks (slug, caption). Step 0 is the start,
/// step k is hop k - 1 of every stack that still has one, the last step is the end.
pub fn steps() -> Vec<(String, String)> {
    const HOPS: [(&str, &str); 8] = [
        (
            "leave-app",
            "The write leaves the application: a system call into a kernel (a plain call into a language VM)",
        ),
        (
            "device",
            "Native and container kernels drive the disk; a guest kernel's device access goes to the hypervisor",
        ),
        (
            "real-io",
            "Hypervisors pass the write to the real driver; a hosted one must first ask its host OS",
        ),
        (
            "returning",
            "Native and container writes are on their way back; the hosted write only now reaches the disk",
        ),
        (
            "virtual-irq",
            "Guests learn of the completion from a virtual interrupt; the hosted hypervisor still waits for its host",
        ),
        (
            "return",
            "Type 1, paravirtualized and language-VM writes return to the application",
        ),
        (
            "reenter",
            "The hosted hypervisor finally re-enters its guest",
        ),
        (
            "hosted-return",
            "The hosted write returns: it crossed the most protection boundaries",
        ),
    ];
    let longest = stacks().iter().map(|s| s.hops.len()).max().unwrap_or(0);
    let mut steps = vec![(
        "start".to_owned(),
        "An application in every stack calls write() to save a file to disk".to_owned(),
    )];
    steps.extend(
        HOPS.iter()
            .take(longest)
            .map(|(slug, label)| ((*slug).to_owned(), (*label).to_owned())),
    );
    steps.push((
        "done".to_owned(),
        "Done: compare how many protection boundaries each write crossed".to_owned(),
    ));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_steps() {
        let native = stack(StackKind::Native);
        assert_eq!(native.position(0), Position::Start);
        assert_eq!(native.position(1), Position::Hop(0));
        assert_eq!(native.position(4), Position::Hop(3));
        assert_eq!(native.position(5), Position::Done);
        let longest = stacks().iter().map(|s| s.hops.len()).max().unwrap();
        assert_eq!(steps().len(), longest + 2, "start, one per hop, done");
    }

    #[test]
    fn slugs_round_trip() {
        for kind in StackKind::ALL {
            assert_eq!(StackKind::from_slug(kind.slug()), Some(kind));
        }
    }
}
