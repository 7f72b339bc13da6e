//! The Overview's model: six ways to run software on a machine, as layer stacks, and the path one
//! disk write takes down each of them.
//!
//! Pure data and pure functions, no egui. The path of the write is a list of hops between layers;
//! the scene's step N shows hop N of every stack at once, so a student sees that a container's write
//! is as short as a native one while a hosted hypervisor's crosses twice as many boundaries.
//!
//! Facts follow `../shared/reference/domain.md` (Popek and Goldberg; Xen, SOSP 2003; VT-x from the
//! Intel SDM; the rings of a paravirtual guest and who drives devices under each type-1
//! hypervisor, from the Xen docs) and the kernel's namespaces(7) and cgroups(7) pages.
//!
//! The Overview's other views have their own models: [`power`] (data-centre power and PUE) and
//! [`consolidation`] (server consolidation, the benefits of virtualization).

pub mod consolidation;
pub mod power;

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

/// The six stacks, left to right.
pub fn stacks() -> Vec<Stack> {
    StackKind::ALL.into_iter().map(stack).collect()
}

const APP: Layer = Layer {
    kind: LayerKind::App,
    title: "Application",
    privilege: "user mode (ring 3)",
    explanation: "An ordinary program. It cannot touch devices itself; to write a file it asks the kernel with a system call.",
};

const HARDWARE: Layer = Layer {
    kind: LayerKind::Hardware,
    title: "Hardware",
    privilege: "CPU, memory, disk",
    explanation: "The physical machine: CPUs, memory and devices such as the disk controller. Only code in the most privileged mode may program the devices.",
};

fn assess(
    performance: (Rating, &'static str),
    isolation: (Rating, &'static str),
    portability: (Rating, &'static str),
    failure: (Rating, &'static str),
) -> [Assessment; 4] {
    let make = |criterion, (rating, reason)| Assessment {
        criterion,
        rating,
        reason,
    };
    [
        make(Criterion::Performance, performance),
        make(Criterion::Isolation, isolation),
        make(Criterion::Portability, portability),
        make(Criterion::FailureContainment, failure),
    ]
}

/// One stack's layers, path and assessment.
pub fn stack(kind: StackKind) -> Stack {
    use Boundary as B;
    use Rating::{High, Low, Medium};
    match kind {
        StackKind::Native => Stack {
            kind,
            layers: vec![
                APP,
                Layer {
                    kind: LayerKind::Kernel,
                    title: "Operating system",
                    privilege: "kernel mode (ring 0)",
                    explanation: "The one kernel owns the hardware. Its file system and block driver turn write() into commands for the disk controller.",
                },
                HARDWARE,
            ],
            boundaries: vec![B::UserKernel, B::Hardware],
            hops: vec![
                Hop {
                    from: 0,
                    to: 1,
                    mechanism: "syscall",
                    text: "The syscall instruction switches to ring 0; the kernel's file system takes the write.",
                },
                Hop {
                    from: 1,
                    to: 2,
                    mechanism: "port I/O / MMIO",
                    text: "The driver programs the disk controller directly: in ring 0 privileged I/O is allowed.",
                },
                Hop {
                    from: 2,
                    to: 1,
                    mechanism: "interrupt",
                    text: "The disk raises a completion interrupt; the kernel handles it.",
                },
                Hop {
                    from: 1,
                    to: 0,
                    mechanism: "sysret",
                    text: "The kernel returns to user mode and write() returns.",
                },
            ],
            assessments: assess(
                (High, "no extra layer"),
                (Low, "processes share one OS"),
                (Low, "tied to this machine"),
                (Medium, "one OS per machine"),
            ),
        },
        StackKind::Type1 => Stack {
            kind,
            layers: vec![
                APP,
                Layer {
                    kind: LayerKind::GuestOs,
                    title: "Guest OS",
                    privilege: "VMX non-root, ring 0",
                    explanation: "An unmodified OS inside a virtual machine. With VT-x it runs at its own ring 0 in non-root mode; sensitive operations cause VM exits.",
                },
                Layer {
                    kind: LayerKind::Hypervisor,
                    title: "Hypervisor",
                    privilege: "VMX root, ring 0",
                    explanation: "A bare-metal hypervisor runs on the hardware and multiplexes it between VMs; no host OS underneath. ESXi drives devices itself; Hyper-V and Xen leave that to their root partition or dom0 (QEMU for Xen HVM).",
                },
                HARDWARE,
            ],
            boundaries: vec![B::UserKernel, B::GuestHost, B::Hardware],
            hops: vec![
                Hop {
                    from: 0,
                    to: 1,
                    mechanism: "syscall",
                    text: "The system call goes to the guest kernel, exactly as on a real machine.",
                },
                Hop {
                    from: 1,
                    to: 2,
                    mechanism: "VM exit",
                    text: "The guest driver's I/O to its virtual disk causes a VM exit (or a trap) into the hypervisor.",
                },
                Hop {
                    from: 2,
                    to: 3,
                    mechanism: "real I/O",
                    text: "ESXi's own driver writes to the disk; Hyper-V and Xen pass the write to their root partition or dom0.",
                },
                Hop {
                    from: 3,
                    to: 2,
                    mechanism: "interrupt",
                    text: "The completion interrupt arrives at the hypervisor.",
                },
                Hop {
                    from: 2,
                    to: 1,
                    mechanism: "VM entry",
                    text: "The hypervisor injects a virtual interrupt and resumes the guest (VM entry).",
                },
                Hop {
                    from: 1,
                    to: 0,
                    mechanism: "sysret",
                    text: "The guest kernel returns to the application.",
                },
            ],
            assessments: assess(
                (High, "near native with hardware assist"),
                (High, "separate kernels, small hypervisor"),
                (High, "VMs move between hosts"),
                (Medium, "the hypervisor is shared"),
            ),
        },
        StackKind::Type2 => Stack {
            kind,
            layers: vec![
                APP,
                Layer {
                    kind: LayerKind::GuestOs,
                    title: "Guest OS",
                    privilege: "guest kernel mode",
                    explanation: "An unmodified OS inside a virtual machine, run by a hypervisor that is itself a program on the host.",
                },
                Layer {
                    kind: LayerKind::Hypervisor,
                    title: "Hypervisor (VMM)",
                    privilege: "host process + driver",
                    explanation: "A hosted hypervisor runs as an application on the host OS, with a kernel module for running guest code. It emulates the guest's devices with ordinary host system calls.",
                },
                Layer {
                    kind: LayerKind::HostOs,
                    title: "Host OS",
                    privilege: "host kernel (ring 0)",
                    explanation: "The host operating system owns the hardware and its drivers. The hypervisor and every VM depend on it: if it reboots, they all stop.",
                },
                HARDWARE,
            ],
            boundaries: vec![B::UserKernel, B::GuestHost, B::UserKernel, B::Hardware],
            hops: vec![
                Hop {
                    from: 0,
                    to: 1,
                    mechanism: "syscall",
                    text: "The system call goes to the guest kernel.",
                },
                Hop {
                    from: 1,
                    to: 2,
                    mechanism: "VM exit",
                    text: "The guest driver's I/O exits to the hypervisor, which hands it to its user-space device emulator.",
                },
                Hop {
                    from: 2,
                    to: 3,
                    mechanism: "host syscall",
                    text: "The emulator writes the disk image file with an ordinary write() on the host.",
                },
                Hop {
                    from: 3,
                    to: 4,
                    mechanism: "real I/O",
                    text: "The host kernel's driver writes to the real disk.",
                },
                Hop {
                    from: 4,
                    to: 3,
                    mechanism: "interrupt",
                    text: "The completion interrupt arrives at the host kernel.",
                },
                Hop {
                    from: 3,
                    to: 2,
                    mechanism: "sysret",
                    text: "The host's write() returns to the hypervisor process.",
                },
                Hop {
                    from: 2,
                    to: 1,
                    mechanism: "VM entry",
                    text: "The hypervisor injects a virtual interrupt and resumes the guest.",
                },
                Hop {
                    from: 1,
                    to: 0,
                    mechanism: "sysret",
                    text: "The guest kernel returns to the application.",
                },
            ],
            assessments: assess(
                (Medium, "host OS adds a layer"),
                (Medium, "guests apart, host exposed"),
                (High, "runs on a desktop OS"),
                (Low, "host OS reboot stops all VMs"),
            ),
        },
        StackKind::Paravirt => Stack {
            kind,
            layers: vec![
                APP,
                Layer {
                    kind: LayerKind::GuestOs,
                    title: "Modified guest OS",
                    privilege: "ring 1 (32-bit), 3 (64-bit)",
                    explanation: "A guest kernel ported to the hypervisor: instead of privileged instructions it makes hypercalls, and it uses split drivers. Applications run unchanged (same ABI).",
                },
                Layer {
                    kind: LayerKind::Hypervisor,
                    title: "Xen + dom0",
                    privilege: "Xen: ring 0",
                    explanation: "Only Xen runs in ring 0. The device drivers live in dom0, itself a paravirtualized guest (kernel in ring 1 on x86-32, ring 3 on x86-64), whose back-end drivers serve the guests' rings. Driver domains came with Xen 2.0; Xen 1.0 kept drivers inside Xen (Barham et al. 2003).",
                },
                HARDWARE,
            ],
            boundaries: vec![B::UserKernel, B::GuestHost, B::Hardware],
            hops: vec![
                Hop {
                    from: 0,
                    to: 1,
                    mechanism: "syscall",
                    text: "The unmodified application makes the same system call into its guest kernel.",
                },
                Hop {
                    from: 1,
                    to: 2,
                    mechanism: "hypercall",
                    text: "The guest's front-end driver queues the request in a shared ring and notifies dom0 through an event channel (a hypercall to Xen): nothing to trap and emulate.",
                },
                Hop {
                    from: 2,
                    to: 3,
                    mechanism: "real I/O",
                    text: "dom0's back-end passes it to dom0's disk driver, which writes to the disk.",
                },
                Hop {
                    from: 3,
                    to: 2,
                    mechanism: "interrupt",
                    text: "The completion interrupt arrives at Xen, which forwards it to dom0 as an event.",
                },
                Hop {
                    from: 2,
                    to: 1,
                    mechanism: "event",
                    text: "dom0's back-end posts the response in the ring; an event-channel notification (a virtual interrupt) tells the guest.",
                },
                Hop {
                    from: 1,
                    to: 0,
                    mechanism: "sysret",
                    text: "The guest kernel returns to the application.",
                },
            ],
            assessments: assess(
                (High, "a few % overhead (Xen, SOSP 2003)"),
                (High, "separate kernels"),
                (Low, "needs a modified guest OS"),
                (Medium, "the hypervisor is shared"),
            ),
        },
        StackKind::OsLevel => Stack {
            kind,
            layers: vec![
                Layer {
                    kind: LayerKind::Container,
                    title: "App in a container",
                    privilege: "user mode (ring 3)",
                    explanation: "A normal process, confined by namespaces (what it can see) and cgroups (what it can use). Its files come from the container image.",
                },
                Layer {
                    kind: LayerKind::Kernel,
                    title: "Shared host kernel",
                    privilege: "kernel mode (ring 0)",
                    explanation: "One kernel serves every container. Namespaces give each its own view (PIDs, mounts, network); cgroups limit CPU, memory and I/O. A kernel bug affects all containers.",
                },
                HARDWARE,
            ],
            boundaries: vec![B::UserKernel, B::Hardware],
            hops: vec![
                Hop {
                    from: 0,
                    to: 1,
                    mechanism: "syscall",
                    text: "An ordinary system call to the host kernel: the mount namespace picks the container's file system, cgroups account the I/O.",
                },
                Hop {
                    from: 1,
                    to: 2,
                    mechanism: "port I/O / MMIO",
                    text: "The host kernel's driver writes to the disk, as natively.",
                },
                Hop {
                    from: 2,
                    to: 1,
                    mechanism: "interrupt",
                    text: "The completion interrupt arrives at the kernel.",
                },
                Hop {
                    from: 1,
                    to: 0,
                    mechanism: "sysret",
                    text: "write() returns: no hypervisor was involved.",
                },
            ],
            assessments: assess(
                (High, "native speed, no HW emulation"),
                (Medium, "one shared kernel"),
                (Medium, "same kernel type needed"),
                (Medium, "the kernel is shared"),
            ),
        },
        StackKind::AppLevel => Stack {
            kind,
            layers: vec![
                Layer {
                    kind: LayerKind::Bytecode,
                    title: "App (bytecode)",
                    privilege: "user mode (ring 3)",
                    explanation: "The application is compiled to portable bytecode, not to the machine's instructions, so the same file runs wherever the language VM runs.",
                },
                Layer {
                    kind: LayerKind::LanguageVm,
                    title: "Language VM",
                    privilege: "user mode (ring 3)",
                    explanation: "The JVM or CLR interprets or JIT-compiles the bytecode and provides the runtime library; it is an ordinary process of the OS.",
                },
                Layer {
                    kind: LayerKind::Kernel,
                    title: "Operating system",
                    privilege: "kernel mode (ring 0)",
                    explanation: "A normal OS kernel runs the language VM like any other program.",
                },
                HARDWARE,
            ],
            boundaries: vec![B::None, B::UserKernel, B::Hardware],
            hops: vec![
                Hop {
                    from: 0,
                    to: 1,
                    mechanism: "call",
                    text: "The bytecode calls the runtime's write method: a function call in the same process, no boundary.",
                },
                Hop {
                    from: 1,
                    to: 2,
                    mechanism: "syscall",
                    text: "The runtime's native code makes the write() system call.",
                },
                Hop {
                    from: 2,
                    to: 3,
                    mechanism: "port I/O / MMIO",
                    text: "The kernel's driver writes to the disk.",
                },
                Hop {
                    from: 3,
                    to: 2,
                    mechanism: "interrupt",
                    text: "The completion interrupt arrives at the kernel.",
                },
                Hop {
                    from: 2,
                    to: 1,
                    mechanism: "sysret",
                    text: "The system call returns to the runtime.",
                },
                Hop {
                    from: 1,
                    to: 0,
                    mechanism: "return",
                    text: "The runtime returns to the bytecode.",
                },
            ],
            assessments: assess(
                (Medium, "interpreter/JIT and GC cost"),
                (Low, "language-level only"),
                (High, "write once, run on any OS"),
                (Medium, "the runtime and OS are shared"),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_starts_and_ends_at_the_top_layer_and_reaches_the_hardware() {
        for stack in stacks() {
            let first = stack.hops.first().unwrap();
            let last = stack.hops.last().unwrap();
            assert_eq!(first.from, 0, "{:?}", stack.kind);
            assert_eq!(last.to, 0, "{:?}", stack.kind);
            let hardware = stack.layer_index(LayerKind::Hardware).unwrap();
            assert_eq!(
                hardware,
                stack.layers.len() - 1,
                "hardware is the bottom layer"
            );
            assert!(
                stack.hops.iter().any(|hop| hop.to == hardware),
                "{:?}",
                stack.kind
            );
        }
    }

    #[test]
    fn hops_move_between_adjacent_layers_and_chain() {
        for stack in stacks() {
            assert_eq!(stack.boundaries.len(), stack.layers.len() - 1);
            for pair in stack.hops.windows(2) {
                assert_eq!(
                    pair[0].to, pair[1].from,
                    "{:?} path is connected",
                    stack.kind
                );
            }
            for hop in &stack.hops {
                assert_eq!(hop.from.abs_diff(hop.to), 1, "{:?} {hop:?}", stack.kind);
            }
        }
    }

    #[test]
    fn containers_cross_as_few_boundaries_as_native_and_hosted_the_most() {
        let crossings = |kind| {
            let stack = stack(kind);
            stack.crossings_after(stack.hops.len())
        };
        assert_eq!(crossings(StackKind::Native), 2, "syscall in, sysret out");
        assert_eq!(crossings(StackKind::OsLevel), crossings(StackKind::Native));
        assert_eq!(crossings(StackKind::Type1), 4);
        assert_eq!(crossings(StackKind::Paravirt), 4);
        assert_eq!(crossings(StackKind::Type2), 6);
        assert_eq!(
            crossings(StackKind::AppLevel),
            2,
            "the runtime call is not a boundary"
        );
    }

    #[test]
    fn only_hypervisor_stacks_cross_the_guest_boundary() {
        for stack in stacks() {
            let crosses_guest = stack
                .hops
                .iter()
                .any(|hop| stack.boundary_between(hop.from, hop.to) == Boundary::GuestHost);
            let has_hypervisor = stack.layer_index(LayerKind::Hypervisor).is_some();
            assert_eq!(crosses_guest, has_hypervisor, "{:?}", stack.kind);
        }
    }

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
    fn paravirtualization_is_rated_poorly_portable_and_type2_has_the_single_point_of_failure() {
        let rating = |kind, criterion| {
            stack(kind)
                .assessments
                .iter()
                .find(|a| a.criterion == criterion)
                .unwrap()
                .rating
        };
        assert_eq!(
            rating(StackKind::Paravirt, Criterion::Portability),
            Rating::Low
        );
        assert_eq!(
            rating(StackKind::Type2, Criterion::FailureContainment),
            Rating::Low
        );
        assert_eq!(
            rating(StackKind::OsLevel, Criterion::Performance),
            Rating::High
        );
    }

    #[test]
    fn only_xen_is_in_ring_0_and_dom0_is_a_paravirtual_guest() {
        // domain.md "Rings of a paravirtual guest" [V, Xen docs]: Xen in ring 0; a PV kernel,
        // dom0's included, in ring 1 on x86-32 and ring 3 on x86-64; driver domains came with
        // Xen 2.0, while Xen 1.0 (Barham et al. 2003) kept drivers inside Xen.
        let pv = stack(StackKind::Paravirt);
        let xen = &pv.layers[pv.layer_index(LayerKind::Hypervisor).unwrap()];
        assert!(!xen.privilege.contains("dom0 ring 0"), "{}", xen.privilege);
        assert_eq!(xen.privilege, "Xen: ring 0");
        for fact in ["ring 1 on x86-32", "ring 3 on x86-64", "Xen 2.0", "Xen 1.0"] {
            assert!(
                xen.explanation.contains(fact),
                "{fact}: {}",
                xen.explanation
            );
        }
        let guest = &pv.layers[pv.layer_index(LayerKind::GuestOs).unwrap()];
        assert!(
            guest.privilege.contains("3 (64-bit)"),
            "{}",
            guest.privilege
        );
    }

    #[test]
    fn type1_io_path_names_esxi_and_the_root_partition() {
        // domain.md [V, Xen docs]: ESXi drives devices with its own drivers; Hyper-V and Xen do
        // I/O through the root partition / dom0 (plus QEMU for HVM device models).
        let type1 = stack(StackKind::Type1);
        let hardware = type1.layer_index(LayerKind::Hardware).unwrap();
        let real_io = type1.hops.iter().find(|hop| hop.to == hardware).unwrap();
        for name in ["ESXi", "Hyper-V", "root partition", "dom0"] {
            assert!(real_io.text.contains(name), "{name}: {}", real_io.text);
        }
        let hypervisor = &type1.layers[type1.layer_index(LayerKind::Hypervisor).unwrap()];
        assert!(hypervisor.explanation.contains("QEMU for Xen HVM"));
        assert!(!real_io.text.starts_with("The hypervisor's own driver"));
    }

    #[test]
    fn slugs_round_trip() {
        for kind in StackKind::ALL {
            assert_eq!(StackKind::from_slug(kind.slug()), Some(kind));
        }
    }
}
