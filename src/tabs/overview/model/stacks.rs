//! The six stacks as the Overview draws them: each one's layers top to bottom, the protection
//! boundaries between them, the path of one disk write, and how the stack rates on the four
//! criteria.
//!
//! This is the model's data, kept apart from the types and the stepping of [`super`]. Facts
//! follow `../shared/reference/domain.md` (Popek and Goldberg; Xen, SOSP 2003; VT-x from the Intel
//! SDM; the rings of a paravirtual guest and who drives devices under each type-1 hypervisor,
//! from the Xen docs) and the kernel's namespaces(7) and cgroups(7) pages.

use super::{Assessment, Boundary, Criterion, Hop, Layer, LayerKind, Rating, Stack, StackKind};

/// The six stacks, left to right.
pub fn stacks() -> Vec<Stack> {
    StackKind::ALL.into_iter().map(stack).collect()
}

/// A hop's mechanism and what happens in it; [`round_trip`] adds the layers it goes between.
type Leg = (&'static str, &'static str);

/// The write's path in every stack: down from the application (layer 0) to the hardware, one
/// hop per boundary, then the completion back up the same way. `down[i]` goes from layer `i` to
/// `i + 1`, `up[i]` from layer `N - i` to `N - i - 1`; both have one leg per boundary, so the
/// path is connected by construction.
fn round_trip<const N: usize>(down: [Leg; N], up: [Leg; N]) -> Vec<Hop> {
    let hop = |from: usize, to: usize, (mechanism, text): Leg| Hop {
        from,
        to,
        mechanism,
        text,
    };
    let downward = down
        .into_iter()
        .enumerate()
        .map(|(layer, leg)| hop(layer, layer + 1, leg));
    let upward = up
        .into_iter()
        .enumerate()
        .map(|(index, leg)| hop(N - index, N - index - 1, leg));
    downward.chain(upward).collect()
}

/// The last hop of every full-virtualization and paravirtual write.
const GUEST_RETURNS: Leg = ("sysret", "The guest kernel returns to the application.");

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
            hops: round_trip(
                [
                    (
                        "syscall",
                        "The syscall instruction switches to ring 0; the kernel's file system takes the write.",
                    ),
                    (
                        "port I/O / MMIO",
                        "The driver programs the disk controller directly: in ring 0 privileged I/O is allowed.",
                    ),
                ],
                [
                    (
                        "interrupt",
                        "The disk raises a completion interrupt; the kernel handles it.",
                    ),
                    (
                        "sysret",
                        "The kernel returns to user mode and write() returns.",
                    ),
                ],
            ),
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
            hops: round_trip(
                [
                    (
                        "syscall",
                        "The system call goes to the guest kernel, exactly as on a real machine.",
                    ),
                    (
                        "VM exit",
                        "The guest driver's I/O to its virtual disk causes a VM exit (or a trap) into the hypervisor.",
                    ),
                    (
                        "real I/O",
                        "ESXi's own driver writes to the disk; Hyper-V and Xen pass the write to their root partition or dom0.",
                    ),
                ],
                [
                    (
                        "interrupt",
                        "The completion interrupt arrives at the hypervisor.",
                    ),
                    (
                        "VM entry",
                        "The hypervisor injects a virtual interrupt and resumes the guest (VM entry).",
                    ),
                    GUEST_RETURNS,
                ],
            ),
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
            hops: round_trip(
                [
                    ("syscall", "The system call goes to the guest kernel."),
                    (
                        "VM exit",
                        "The guest driver's I/O exits to the hypervisor, which hands it to its user-space device emulator.",
                    ),
                    (
                        "host syscall",
                        "The emulator writes the disk image file with an ordinary write() on the host.",
                    ),
                    (
                        "real I/O",
                        "The host kernel's driver writes to the real disk.",
                    ),
                ],
                [
                    (
                        "interrupt",
                        "The completion interrupt arrives at the host kernel.",
                    ),
                    (
                        "sysret",
                        "The host's write() returns to the hypervisor process.",
                    ),
                    (
                        "VM entry",
                        "The hypervisor injects a virtual interrupt and resumes the guest.",
                    ),
                    GUEST_RETURNS,
                ],
            ),
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
            hops: round_trip(
                [
                    (
                        "syscall",
                        "The unmodified application makes the same system call into its guest kernel.",
                    ),
                    (
                        "hypercall",
                        "The guest's front-end driver queues the request in a shared ring and notifies dom0 through an event channel (a hypercall to Xen): nothing to trap and emulate.",
                    ),
                    (
                        "real I/O",
                        "dom0's back-end passes it to dom0's disk driver, which writes to the disk.",
                    ),
                ],
                [
                    (
                        "interrupt",
                        "The completion interrupt arrives at Xen, which forwards it to dom0 as an event.",
                    ),
                    (
                        "event",
                        "dom0's back-end posts the response in the ring; an event-channel notification (a virtual interrupt) tells the guest.",
                    ),
                    GUEST_RETURNS,
                ],
            ),
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
            hops: round_trip(
                [
                    (
                        "syscall",
                        "An ordinary system call to the host kernel: the mount namespace picks the container's file system, cgroups account the I/O.",
                    ),
                    (
                        "port I/O / MMIO",
                        "The host kernel's driver writes to the disk, as natively.",
                    ),
                ],
                [
                    (
                        "interrupt",
                        "The completion interrupt arrives at the kernel.",
                    ),
                    ("sysret", "write() returns: no hypervisor was involved."),
                ],
            ),
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
            hops: round_trip(
                [
                    (
                        "call",
                        "The bytecode calls the runtime's write method: a function call in the same process, no boundary.",
                    ),
                    (
                        "syscall",
                        "The runtime's native code makes the write() system call.",
                    ),
                    ("port I/O / MMIO", "The kernel's driver writes to the disk."),
                ],
                [
                    (
                        "interrupt",
                        "The completion interrupt arrives at the kernel.",
                    ),
                    ("sysret", "The system call returns to the runtime."),
                    ("return", "The runtime returns to the bytecode."),
                ],
            ),
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
}
