//! The preset scenes: a plain host, `docker run`, a rootless container, nested PID namespaces,
//! a Kubernetes pod, the `unshare --pid` surprise and `nsenter`.
//!
//! Each is an initial world and the system calls that the real tools make, in the kernel's terms
//! (simplified where noted in the labels). PIDs are chosen so that the numbers match what a
//! student would see, e.g. the nested preset ends with `NSpid: 5371 4 1` as in domain.md.

use super::ns_type::NsType::{self, Cgroup, Ipc, Mnt, Net, Pid, User, Uts};
use super::ns_type::NsTypeSet;
use super::op::{Op, SetnsTarget};
use super::scene::{Scene, ScriptStep};
use super::world::World;

/// A preset scene, addressed as `namespaces?preset=<slug>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// A plain host: init, sshd and a user's shell in the initial namespaces.
    Host,
    /// `docker run -it alpine sh`: new PID, network, mount, UTS, IPC and cgroup namespaces, and
    /// the image's root filesystem instead of the host's.
    DockerRun,
    /// A rootless container: an unprivileged user creates a user namespace first.
    Rootless,
    /// `unshare --pid --fork --mount-proc` twice: three levels of PIDs.
    NestedPid,
    /// A Kubernetes pod: two containers share the pause container's network namespace.
    Pod,
    /// `unshare --pid` without `--fork`: the caller stays outside, and fork fails after PID 1 exits.
    UnshareNoFork,
    /// `nsenter` into a running container.
    Nsenter,
}

/// Host PIDs shared by the presets' initial worlds.
const SHELL: u32 = 1201;
const CONTAINERD: u32 = 790;
const DOCKERD: u32 = 812;

/// Where Docker's overlay2 storage driver mounts the container's root filesystem on the host
/// (`/var/lib/docker/overlay2/<layer id>/merged`; the id is shortened here).
const DOCKER_ROOTFS: &str = "/var/lib/docker/overlay2/9d1c7e/merged";

/// Where containerd mounts a pod container's root filesystem on the host
/// (`/run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/rootfs`, shortened here).
fn pod_rootfs(container: &str) -> String {
    format!("/run/containerd/k8s.io/{container}/rootfs")
}

impl Preset {
    /// Every preset, in menu order.
    pub const ALL: &'static [Self] = &[
        Self::Host,
        Self::DockerRun,
        Self::Rootless,
        Self::NestedPid,
        Self::Pod,
        Self::UnshareNoFork,
        Self::Nsenter,
    ];

    /// The id used in scene links.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::DockerRun => "docker-run",
            Self::Rootless => "rootless",
            Self::NestedPid => "nested-pid",
            Self::Pod => "pod",
            Self::UnshareNoFork => "unshare-no-fork",
            Self::Nsenter => "nsenter",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|preset| preset.slug() == slug)
    }

    /// The menu title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Host => "A plain host",
            Self::DockerRun => "docker run",
            Self::Rootless => "Rootless container",
            Self::NestedPid => "Nested PID namespaces",
            Self::Pod => "Kubernetes pod",
            Self::UnshareNoFork => "unshare --pid without --fork",
            Self::Nsenter => "nsenter into a container",
        }
    }

    /// One sentence on what the preset shows.
    pub fn description(self) -> &'static str {
        match self {
            Self::Host => {
                "Every process shares the eight initial namespaces, and an ordinary user may not \
                 change them"
            }
            Self::DockerRun => {
                "A container is a process in new PID, mount, network, UTS, IPC and cgroup \
                 namespaces, rooted in its image's filesystem: PID 1 inside, an ordinary PID on \
                 the host"
            }
            Self::Rootless => {
                "An unprivileged user creates a user namespace first and is root inside it, \
                 which lets it create the other namespaces"
            }
            Self::NestedPid => {
                "PID namespaces nest: the innermost shell has one PID per level, NSpid 5371 4 1"
            }
            Self::Pod => {
                "Two containers join the pause container's network, IPC and UTS namespaces with \
                 setns() but keep their own PID, mount and (cgroup v2) cgroup namespaces and root \
                 filesystems"
            }
            Self::UnshareNoFork => {
                "unshare(CLONE_NEWPID) does not move the caller; its first child becomes PID 1, \
                 and once that exits, fork fails with ENOMEM"
            }
            Self::Nsenter => {
                "nsenter joins a running container's namespaces with setns(); its child appears \
                 inside the container"
            }
        }
    }

    /// The world before the first step.
    pub fn initial_world(self) -> World {
        match self {
            Self::Host => host(1000).with_next_pid(1290),
            Self::Rootless => host(1000).with_next_pid(1400),
            Self::DockerRun | Self::Nsenter => host(0)
                .with_process(CONTAINERD, 1, "containerd", 0)
                .with_process(DOCKERD, 1, "dockerd", 0)
                .with_next_pid(1300),
            Self::Pod => host(0)
                .with_process(700, 1, "kubelet", 0)
                .with_process(CONTAINERD, 1, "containerd", 0)
                .with_next_pid(2000),
            Self::NestedPid => host(0).with_next_pid(5367),
            Self::UnshareNoFork => host(0).with_next_pid(1300),
        }
    }

    /// The scene: initial world and steps.
    pub fn scene(self) -> Scene {
        let initial = self.initial_world();
        let steps = match self {
            Self::Host => host_steps(),
            Self::DockerRun => docker_run_steps(),
            Self::Rootless => rootless_steps(),
            Self::NestedPid => nested_pid_steps(),
            Self::Pod => pod_steps(),
            Self::UnshareNoFork => unshare_no_fork_steps(),
            Self::Nsenter => {
                let mut steps = docker_run_steps();
                steps.extend(nsenter_steps());
                steps
            }
        };
        Scene { initial, steps }
    }
}

/// systemd, kthreadd, sshd and a login shell (PID 1201) of user `shell_uid`.
fn host(shell_uid: u32) -> World {
    World::boot("debian")
        .with_process(1, 0, "systemd", 0)
        .with_process(2, 0, "kthreadd", 0)
        .with_process(612, 1, "sshd", 0)
        .with_process(1187, 612, "sshd", 0)
        .with_process(SHELL, 1187, "bash", shell_uid)
}

fn host_steps() -> Vec<ScriptStep> {
    vec![
        step(
            fork(SHELL, "ps"),
            "The shell runs ps: the child inherits every namespace of its parent, so it lists \
             every process on the host",
            "ps -e",
        ),
        step(exit(1290), "ps is done and exits", "exit"),
        step(
            Op::Sethostname {
                pid: SHELL,
                hostname: "web1".to_owned(),
            },
            "As uid 1000, sethostname() fails with EPERM: the UTS namespace belongs to the \
             initial user namespace, where this shell has no capabilities",
            "hostname web1",
        ),
        step(
            unshare(SHELL, &[Uts]),
            "unshare(CLONE_NEWUTS) fails with EPERM too: an ordinary user needs a user \
             namespace first (see the rootless preset)",
            "unshare --uts bash",
        ),
    ]
}

fn docker_run_steps() -> Vec<ScriptStep> {
    vec![
        step(
            fork(SHELL, "docker"),
            "The shell starts the docker CLI, which asks dockerd to run a container; the CLI \
             itself stays in all the host's namespaces",
            "docker run -it alpine sh",
        ),
        step(
            mount(DOCKERD, "overlay", DOCKER_ROOTFS),
            "dockerd's overlay2 storage driver stacks the image's read-only layers under a \
             writable one: the container's root filesystem, mounted on the host",
            &format!("mount -t overlay overlay -o lowerdir=...,upperdir=... {DOCKER_ROOTFS}"),
        ),
        step(
            fork(CONTAINERD, "containerd-shim"),
            "containerd starts a shim for the new container, still in the host's namespaces",
            "containerd-shim-runc-v2",
        ),
        step(
            // Docker 20.10+ on cgroup v2 defaults to a private cgroup namespace (docker run
            // --cgroupns, daemon default-cgroupns-mode; domain.md section 2).
            clone(1301, &[Mnt, Pid, Net, Ipc, Uts, Cgroup], "runc-init"),
            "Through runc, the shim calls clone() with six CLONE_NEW* flags (cgroup too: Docker \
             20.10+ on cgroup v2): the child is PID 1 in a new PID namespace and PID 1302 on \
             the host",
            "runc create 3f2a9c1e7b4d",
        ),
        step(
            Op::Sethostname {
                pid: 1302,
                hostname: "3f2a9c1e7b4d".to_owned(),
            },
            "The container's hostname becomes its short ID; only its new UTS namespace changes",
            "hostname 3f2a9c1e7b4d",
        ),
        step(
            mount(1302, "proc", &format!("{DOCKER_ROOTFS}/proc")),
            "In its new mount namespace runc mounts a fresh /proc inside the rootfs, one that \
             shows the container's PID namespace (it mounts /dev and /sys there too, not shown)",
            "mount -t proc proc rootfs/proc",
        ),
        step(
            pivot_root(1302, DOCKER_ROOTFS),
            "runc calls pivot_root into the rootfs and detaches the old root: the container's / \
             is now the image's overlay and its /proc its own; the host's disk is out of sight",
            "pivot_root . . && umount -l .",
        ),
        step(
            Op::Veth {
                pid: DOCKERD,
                name: "veth3a1f".to_owned(),
                peer: "eth0".to_owned(),
                peer_pid: 1302,
            },
            "dockerd creates a veth pair and puts one end, named eth0, into the container's \
             network namespace",
            "ip link add veth3a1f type veth peer name eth0 netns 1302",
        ),
        step(
            link_up(DOCKERD, "veth3a1f"),
            "The host's end comes up (Docker also attaches it to the docker0 bridge, not shown)",
            "ip link set veth3a1f up",
        ),
        step(
            link_up(1302, "lo"),
            "A new network namespace has only lo, and it starts down; it is brought up",
            "ip link set lo up",
        ),
        step(
            link_up(1302, "eth0"),
            "eth0, the container's only way out, comes up too",
            "ip link set eth0 up",
        ),
        step(
            Op::Exec {
                pid: 1302,
                command: "sh".to_owned(),
            },
            "runc's init execs the image's command: sh is PID 1 in the container and sees only \
             its own processes and files",
            "exec sh",
        ),
    ]
}

fn rootless_steps() -> Vec<ScriptStep> {
    vec![
        step(
            unshare(SHELL, &[Net]),
            "As uid 1000, unshare(CLONE_NEWNET) fails with EPERM: a network namespace needs \
             CAP_SYS_ADMIN in the user namespace that will own it",
            "unshare --net bash",
        ),
        step(
            fork(SHELL, "unshare"),
            "The user starts unshare(1) to build a rootless container",
            "unshare --user --map-root-user --mount --uts --ipc --net --pid --fork --mount-proc sh",
        ),
        step(
            unshare(1400, &[User]),
            "First a user namespace: any user may create one since Linux 3.8, and its creator \
             gets a full capability set inside; uid 0 inside maps to uid 1000 outside",
            "unshare --user --map-root-user",
        ),
        step(
            unshare(1400, &[Mnt, Pid, Net, Ipc, Uts]),
            "Now the other namespaces succeed: they are owned by the new user namespace, where \
             the process is privileged",
            "unshare --mount --uts --ipc --net --pid",
        ),
        step(
            fork(1400, "sh"),
            "--fork: sh is PID 1 of the new PID namespace, root inside and still uid 1000 on \
             the host",
            "sh",
        ),
        step(
            mount_proc(1401),
            "Mounting /proc works: the PID namespace is owned by the user namespace where sh \
             has CAP_SYS_ADMIN",
            "mount -t proc proc /proc",
        ),
        step(
            Op::Sethostname {
                pid: 1401,
                hostname: "sandbox".to_owned(),
            },
            "sh may rename its own UTS namespace; the host's hostname does not change",
            "hostname sandbox",
        ),
        step(
            link_up(1401, "lo"),
            "It may configure its own network namespace too",
            "ip link set lo up",
        ),
        step(
            Op::Mount {
                pid: 1401,
                fstype: "ext4".to_owned(),
                target: "/mnt".to_owned(),
            },
            "Mounting a disk filesystem fails with EPERM: that needs CAP_SYS_ADMIN in the \
             initial user namespace, which root inside does not have",
            "mount -t ext4 /dev/vdb1 /mnt",
        ),
    ]
}

fn nested_pid_steps() -> Vec<ScriptStep> {
    let command = "unshare --pid --fork --mount-proc bash";
    vec![
        step(
            fork(SHELL, "unshare"),
            "The host's root shell starts unshare(1)",
            command,
        ),
        step(
            unshare(5367, &[Mnt, Pid]),
            "unshare(CLONE_NEWNS | CLONE_NEWPID): unshare moves into the new mount namespace at \
             once, but only its children will be in the new PID namespace",
            command,
        ),
        step(
            fork(5367, "bash"),
            "--fork: the child bash is PID 1 of the new namespace and PID 5368 on the host",
            command,
        ),
        step(
            mount_proc(5368),
            "--mount-proc: the child mounts a /proc of its own PID namespace, so ps inside \
             shows only this namespace",
            "mount -t proc proc /proc",
        ),
        step(
            fork(5368, "ps"),
            "Inside, ps is PID 2 (PID 5369 on the host)",
            "ps -e",
        ),
        step(exit(5369), "ps exits", "exit"),
        step(
            fork(5368, "unshare"),
            "From inside, the same command nests one level deeper",
            command,
        ),
        step(
            unshare(5370, &[Mnt, Pid]),
            "A second PID namespace, child of the first",
            command,
        ),
        step(
            fork(5370, "bash"),
            "The innermost bash has one PID per level: 5371 on the host, 4 in the middle \
             namespace, 1 in its own (NSpid: 5371 4 1)",
            command,
        ),
        step(
            mount_proc(5371),
            "It mounts its own /proc as well",
            "mount -t proc proc /proc",
        ),
    ]
}

fn pod_steps() -> Vec<ScriptStep> {
    let (pause, nginx, shipper) = (
        pod_rootfs("pause"),
        pod_rootfs("nginx"),
        pod_rootfs("log-shipper"),
    );
    vec![
        step(
            fork(CONTAINERD, "containerd-shim"),
            "For a new pod, containerd starts a shim",
            "crictl runp pod.json",
        ),
        step(
            mount(CONTAINERD, "overlay", &pause),
            "containerd mounts the pause image's layers as an overlay: the sandbox's root \
             filesystem",
            &format!("mount -t overlay overlay -o lowerdir=... {pause}"),
        ),
        step(
            clone(2000, &[Mnt, Pid, Net, Ipc, Uts], "pause"),
            "The sandbox (pause) container gets new namespaces; its only job is to keep the \
             pod's network, IPC and UTS namespaces alive",
            "runc create pause",
        ),
        step(
            mount(2001, "proc", &format!("{pause}/proc")),
            "runc mounts a /proc of the sandbox's PID namespace inside its rootfs",
            "mount -t proc proc rootfs/proc",
        ),
        step(
            pivot_root(2001, &pause),
            "and pivot_roots the sandbox into that root filesystem",
            "pivot_root . . && umount -l .",
        ),
        step(
            Op::Sethostname {
                pid: 2001,
                hostname: "web-pod".to_owned(),
            },
            "The pod's hostname is set in the sandbox's UTS namespace",
            "hostname web-pod",
        ),
        step(
            Op::Veth {
                pid: CONTAINERD,
                name: "veth9c2e".to_owned(),
                peer: "eth0".to_owned(),
                peer_pid: 2001,
            },
            "The CNI plugin creates a veth pair with eth0 inside the pod's network namespace",
            "ip link add veth9c2e type veth peer name eth0 netns 2001",
        ),
        step(
            link_up(CONTAINERD, "veth9c2e"),
            "The host's end comes up",
            "ip link set veth9c2e up",
        ),
        step(
            link_up(2001, "lo"),
            "Inside the pod's network namespace, lo comes up",
            "ip link set lo up",
        ),
        step(
            link_up(2001, "eth0"),
            "and so does eth0",
            "ip link set eth0 up",
        ),
        step(
            setns(2000, &[Net, Ipc, Uts], 2001),
            "For the app containers, the shim (through runc) joins the pause container's \
             network, IPC and UTS namespaces with setns()",
            "nsenter -t 2001 -n -i -u",
        ),
        step(
            mount(CONTAINERD, "overlay", &nginx),
            "containerd mounts the nginx image's layers as nginx's root filesystem",
            &format!("mount -t overlay overlay -o lowerdir=... {nginx}"),
        ),
        // On cgroup v2 the CRI gives each app container a private cgroup namespace, the pod
        // sandbox (pause) none (containerd/cri PR #1371, "cgroup2: unshare cgroup namespace for
        // containers"; CRI-O PR #3098 does the same).
        step(
            clone(2000, &[Mnt, Pid, Cgroup], "nginx"),
            "nginx gets its own mount, PID and (cgroup v2) cgroup namespaces, PID 1 there, but \
             shares the pod's network namespace",
            "runc create nginx",
        ),
        step(
            mount(2002, "proc", &format!("{nginx}/proc")),
            "runc mounts a /proc of nginx's PID namespace inside its rootfs",
            "mount -t proc proc rootfs/proc",
        ),
        step(
            pivot_root(2002, &nginx),
            "and pivot_roots into it: nginx sees its image's files and its own /proc",
            "pivot_root . . && umount -l .",
        ),
        step(
            mount(CONTAINERD, "overlay", &shipper),
            "containerd mounts the log shipper's image as its root filesystem",
            &format!("mount -t overlay overlay -o lowerdir=... {shipper}"),
        ),
        step(
            clone(2000, &[Mnt, Pid, Cgroup], "log-shipper"),
            "A second container, the log shipper, does the same: it reaches nginx over the \
             shared lo, but cannot see nginx's processes",
            "runc create log-shipper",
        ),
        step(
            mount(2003, "proc", &format!("{shipper}/proc")),
            "It gets its own /proc too",
            "mount -t proc proc rootfs/proc",
        ),
        step(
            pivot_root(2003, &shipper),
            "and its own root filesystem: nginx's files are not in its view",
            "pivot_root . . && umount -l .",
        ),
    ]
}

fn unshare_no_fork_steps() -> Vec<ScriptStep> {
    vec![
        step(
            fork(SHELL, "unshare"),
            "The root shell starts unshare(1) without --fork",
            "unshare --pid bash",
        ),
        step(
            unshare(1300, &[Pid]),
            "unshare(CLONE_NEWPID) creates a PID namespace but does not move the caller: its \
             NSpid still has one entry; only its children will go in",
            "unshare --pid bash",
        ),
        step(
            Op::Exec {
                pid: 1300,
                command: "bash".to_owned(),
            },
            "unshare execs bash, which is still in the host's PID namespace: echo $$ prints \
             its host PID",
            "exec bash",
        ),
        step(
            fork(1300, "ls"),
            "bash runs ls: this first child is PID 1 of the new namespace, its init",
            "ls",
        ),
        step(
            exit(1301),
            "ls finishes. It was the namespace's init, so the namespace can never get a \
             process again",
            "exit",
        ),
        step(
            fork(1300, "ls"),
            "bash tries to run ls again and fork() fails with ENOMEM: \"bash: fork: Cannot \
             allocate memory\"; the fix is unshare --pid --fork",
            "ls",
        ),
    ]
}

fn nsenter_steps() -> Vec<ScriptStep> {
    vec![
        step(
            fork(SHELL, "nsenter"),
            "On the host, root starts nsenter aimed at the container's PID 1 (host PID 1302)",
            "nsenter -t 1302 -m -u -i -n -p sh",
        ),
        step(
            setns(1303, &[Mnt, Pid, Net, Ipc, Uts], 1302),
            "nsenter joins the container's namespaces with setns(); for PID only its children \
             will enter, so nsenter itself keeps its single host PID",
            "nsenter -t 1302 -m -u -i -n -p sh",
        ),
        step(
            fork(1303, "sh"),
            "nsenter forks sh, which lands in the container's PID namespace as PID 2: ps in \
             the container now lists it",
            "sh",
        ),
        step(
            exit(1302),
            "The container's PID 1 exits (docker stop): the kernel SIGKILLs every other process \
             in its PID namespace, including the sh that nsenter started",
            "docker stop 3f2a9c1e7b4d",
        ),
        step(
            fork(1303, "sh"),
            "nsenter's pid_for_children still points at the dead namespace, so a further fork \
             fails with ENOMEM (the real nsenter simply exits once its child is gone)",
            "sh",
        ),
    ]
}

// ----------------------------------------------------------------------------------------------
// Small constructors that keep the tables above readable.

fn step(op: Op, label: &str, shell: &str) -> ScriptStep {
    ScriptStep::described(op, label, shell)
}

fn fork(pid: u32, command: &str) -> Op {
    Op::Fork {
        pid,
        command: Some(command.to_owned()),
    }
}

fn clone(pid: u32, kinds: &[NsType], command: &str) -> Op {
    Op::Clone {
        pid,
        flags: NsTypeSet::of(kinds),
        command: Some(command.to_owned()),
    }
}

fn unshare(pid: u32, kinds: &[NsType]) -> Op {
    Op::Unshare {
        pid,
        flags: NsTypeSet::of(kinds),
    }
}

fn setns(pid: u32, kinds: &[NsType], target: u32) -> Op {
    Op::Setns {
        pid,
        kinds: NsTypeSet::of(kinds),
        target: SetnsTarget::Process(target),
    }
}

fn exit(pid: u32) -> Op {
    Op::Exit { pid }
}

fn link_up(pid: u32, link: &str) -> Op {
    Op::IpLinkUp {
        pid,
        link: link.to_owned(),
    }
}

fn mount_proc(pid: u32) -> Op {
    mount(pid, "proc", "/proc")
}

fn mount(pid: u32, fstype: &str, target: &str) -> Op {
    Op::Mount {
        pid,
        fstype: fstype.to_owned(),
        target: target.to_owned(),
    }
}

fn pivot_root(pid: u32, new_root: &str) -> Op {
    Op::PivotRoot {
        pid,
        new_root: new_root.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::errno::Errno;
    use super::super::scene::Trace;
    use super::super::text::parse_script;
    use super::super::views::PsRow;
    use super::super::world::NsId;
    use super::*;

    fn pids(rows: &[PsRow]) -> Vec<u32> {
        rows.iter().map(|row| row.pid).collect()
    }

    /// The steps that failed, with their errno.
    fn failures(trace: &Trace) -> Vec<(usize, Option<Errno>)> {
        trace
            .steps()
            .iter()
            .filter_map(|step| {
                let failure = step.outcome.as_ref().err()?;
                Some((step.index, failure.errno_value()))
            })
            .collect()
    }

    #[test]
    fn slugs_round_trip_and_scripts_survive_text_form() {
        for preset in Preset::ALL {
            assert_eq!(Preset::from_slug(preset.slug()), Some(*preset));
            let scene = preset.scene();
            let ops: Vec<_> = scene.steps.iter().map(|step| step.op.clone()).collect();
            assert_eq!(parse_script(&scene.script()), Ok(ops), "{}", preset.slug());
            assert_eq!(scene.initial, preset.initial_world());
            assert!(!scene.steps.is_empty());
        }
        let slugs: Vec<_> = Preset::ALL.iter().map(|p| p.slug()).collect();
        assert_eq!(
            slugs,
            [
                "host",
                "docker-run",
                "rootless",
                "nested-pid",
                "pod",
                "unshare-no-fork",
                "nsenter"
            ]
        );
    }

    #[test]
    fn host_shows_an_ordinary_user_cannot_touch_namespaces() {
        let trace = Preset::Host.scene().run();
        assert_eq!(
            failures(&trace),
            [(2, Some(Errno::Eperm)), (3, Some(Errno::Eperm))]
        );
        let ps = trace.world_after(0).ps(1290).expect("ps");
        assert_eq!(pids(&ps.rows), [1, 2, 612, 1187, 1201, 1290]);
        let world = trace.last();
        assert_eq!(
            world.namespaces().count(),
            8,
            "still only the initial namespaces"
        );
    }

    #[test]
    fn docker_run_shell_is_pid_1_and_sees_only_its_container() {
        let trace = Preset::DockerRun.scene().run();
        assert_eq!(failures(&trace), []);
        let world = trace.last();
        let shell = world.inside_view(1302).expect("container shell");
        assert_eq!(shell.pid, 1);
        assert_eq!(shell.nspid, [1302, 1]);
        assert_eq!(pids(&shell.ps.rows), [1]);
        assert_eq!(shell.ps.rows[0].command, "sh");
        assert_eq!(shell.hostname, "3f2a9c1e7b4d");
        let links: Vec<_> = shell
            .links
            .iter()
            .map(|l| (l.name.as_str(), l.up))
            .collect();
        assert_eq!(links, [("lo", true), ("eth0", true)]);
        // The host sees the same process with its host PID, and keeps its own hostname.
        let host_ps = world.ps(SHELL).expect("host ps");
        assert!(
            host_ps
                .rows
                .iter()
                .any(|row| row.pid == 1302 && row.command == "sh")
        );
        assert_eq!(world.hostname_seen(SHELL), Some("debian"));
        let container = world.process(1302).expect("container");
        // Docker 20.10+ on cgroup v2 (the hierarchy the Cgroups tab models) gives each
        // container a private cgroup namespace (docker run --cgroupns, default-cgroupns-mode;
        // domain.md section 2), as the Containers tab says.
        for kind in [Mnt, Pid, Net, Ipc, Uts, Cgroup] {
            assert_ne!(container.ns(kind), NsId::initial(kind), "{kind:?}");
        }
        for kind in [User, NsType::Time] {
            assert_eq!(
                container.ns(kind),
                NsId::initial(kind),
                "{kind:?} is shared"
            );
        }
    }

    #[test]
    fn docker_run_container_sees_its_image_root_not_the_hosts() {
        // runc creates a mount namespace, mounts the image's rootfs (overlayfs) and pivot_roots
        // into it (OCI runtime spec root.path; runc libcontainer/rootfs_linux.go pivotRoot;
        // domain.md section 2): the container sees the image's / and its own /proc, never the
        // host's /dev/vda1.
        let trace = Preset::DockerRun.scene().run();
        let world = trace.last();
        let mounts: Vec<(&str, &str)> = world
            .mounts_seen(1302)
            .iter()
            .map(|m| (m.target.as_str(), m.fstype.as_str()))
            .collect();
        assert_eq!(mounts, [("/", "overlay"), ("/proc", "proc")]);
        assert!(
            world
                .mounts_seen(1302)
                .iter()
                .all(|m| m.source != "/dev/vda1"),
            "no host disk in the container's view"
        );
        let shell = world.inside_view(1302).expect("container shell");
        assert_eq!(shell.ps.proc_pid_ns, Some(shell.ps.own_pid_ns));
        // The host keeps its ext4 root and sees the overlay mounted under /var/lib/docker.
        let host = world.mounts_seen(SHELL);
        assert_eq!(
            (host[0].target.as_str(), host[0].fstype.as_str()),
            ("/", "ext4")
        );
        assert!(
            host.iter()
                .any(|m| m.target == DOCKER_ROOTFS && m.fstype == "overlay")
        );
        // So does a process nsenter starts in the container's mount namespace.
        let nsenter = Preset::Nsenter.scene().run();
        let docker_steps = Preset::DockerRun.scene().steps.len();
        let joined = nsenter.world_after(docker_steps + 2);
        assert_eq!(joined.mounts_seen(1304), joined.mounts_seen(1302));
    }

    #[test]
    fn rootless_user_namespace_first_then_the_rest() {
        let trace = Preset::Rootless.scene().run();
        assert_eq!(
            failures(&trace),
            [(0, Some(Errno::Eperm)), (8, Some(Errno::Eperm))]
        );
        let world = trace.last();
        let sh = world.inside_view(1401).expect("sh");
        assert_eq!((sh.pid, sh.uid), (1, 0));
        assert_eq!(sh.hostname, "sandbox");
        assert_eq!(world.hostname_seen(SHELL), Some("debian"));
        let process = world.process(1401).expect("sh");
        assert_eq!(process.uid, 1000, "still uid 1000 for the kernel");
        let user_ns = process.ns(User);
        for kind in [Mnt, Pid, Net, Ipc, Uts] {
            let owner = world.namespace(process.ns(kind)).and_then(|ns| ns.owner);
            assert_eq!(
                owner,
                Some(user_ns),
                "{kind:?} owned by the new user namespace"
            );
        }
    }

    #[test]
    fn nested_pid_innermost_nspid_is_5371_4_1() {
        let trace = Preset::NestedPid.scene().run();
        assert_eq!(failures(&trace), []);
        let world = trace.last();
        assert_eq!(world.process(5371).expect("inner bash").nspid, [5371, 4, 1]);
        assert_eq!(pids(&world.ps(5371).expect("ps").rows), [1]);
        assert_eq!(pids(&world.ps(5368).expect("ps").rows), [1, 3, 4]);
        let inner = world.process(5371).expect("inner").ns(Pid);
        assert_eq!(world.namespace(inner).map(|ns| ns.level), Some(2));
    }

    #[test]
    fn pod_containers_share_the_pause_network_but_not_pids() {
        let trace = Preset::Pod.scene().run();
        assert_eq!(failures(&trace), []);
        let world = trace.last();
        let (pause, nginx, shipper) = (
            world.process(2001).expect("pause"),
            world.process(2002).expect("nginx"),
            world.process(2003).expect("log-shipper"),
        );
        for kind in [Net, Ipc, Uts] {
            assert_eq!(nginx.ns(kind), pause.ns(kind), "{kind:?}");
            assert_eq!(shipper.ns(kind), pause.ns(kind), "{kind:?}");
        }
        assert_ne!(nginx.ns(Pid), shipper.ns(Pid));
        assert_ne!(nginx.ns(Mnt), shipper.ns(Mnt));
        // cgroup v2: each app container has a private cgroup namespace, the sandbox keeps the
        // host's (containerd/cri PR #1371).
        assert_eq!(pause.ns(Cgroup), NsId::initial(Cgroup));
        assert_ne!(nginx.ns(Cgroup), NsId::initial(Cgroup));
        assert_ne!(nginx.ns(Cgroup), shipper.ns(Cgroup));
        // Each container is rooted in its own image (runc pivot_root; OCI runtime spec
        // root.path), with its own /proc.
        for (pid, name) in [(2001, "pause"), (2002, "nginx"), (2003, "log-shipper")] {
            let mounts: Vec<(&str, &str)> = world
                .mounts_seen(pid)
                .iter()
                .map(|m| (m.target.as_str(), m.fstype.as_str()))
                .collect();
            assert_eq!(mounts, [("/", "overlay"), ("/proc", "proc")], "{name}");
        }
        assert_eq!(world.hostname_seen(2002), Some("web-pod"));
        assert_eq!(pids(&world.ps(2002).expect("ps").rows), [1]);
        assert_eq!(world.links_seen(2003), world.links_seen(2001));
    }

    #[test]
    fn unshare_without_fork_makes_the_classic_surprise_visible() {
        let trace = Preset::UnshareNoFork.scene().run();
        assert_eq!(failures(&trace), [(5, Some(Errno::Enomem))]);
        assert_eq!(
            trace.world_after(1).process(1300).expect("unshare").nspid,
            [1300]
        );
        assert_eq!(
            trace.world_after(3).process(1301).expect("ls").nspid,
            [1301, 1]
        );
        let world = trace.last();
        let bash = world.process(1300).expect("bash");
        assert!(bash.is_alive());
        let dead_ns = bash.pid_for_children;
        assert_eq!(world.init_of(dead_ns), None);
        assert!(
            world.alive_namespaces().contains(&dead_ns),
            "pinned by pid_for_children"
        );
    }

    #[test]
    fn nsenter_child_lands_inside_and_dies_with_the_container() {
        let trace = Preset::Nsenter.scene().run();
        let docker_steps = Preset::DockerRun.scene().steps.len();
        assert_eq!(failures(&trace), [(docker_steps + 4, Some(Errno::Enomem))]);
        let joined = trace.world_after(docker_steps + 2);
        assert_eq!(joined.process(1303).expect("nsenter").nspid, [1303]);
        assert_eq!(joined.process(1304).expect("sh").nspid, [1304, 2]);
        assert_eq!(pids(&joined.ps(1302).expect("container ps").rows), [1, 2]);
        let world = trace.last();
        assert!(!world.process(1304).expect("sh").is_alive());
        let exit_step = &trace.steps()[docker_steps + 3];
        assert_eq!(
            exit_step
                .outcome
                .as_ref()
                .map(|effects| effects.killed.clone()),
            Ok(vec![1304])
        );
    }
}
