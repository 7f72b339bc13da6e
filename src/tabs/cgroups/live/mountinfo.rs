//! Parsers for `/proc/self/mountinfo` and `/proc/PID/cgroup`: which cgroup hierarchies are
//! mounted where, and where a process sits in each.
//!
//! Formats: proc(5) (mountinfo fields: `ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] -
//! FSTYPE SOURCE SUPER_OPTIONS`, with spaces and other bytes escaped as octal `\040`) and
//! cgroups(7) (`/proc/PID/cgroup` lines `HIERARCHY_ID:CONTROLLERS:PATH`, and `0::PATH` for v2).
//! Pure text parsing, so it is tested on any OS.

use serde::Serialize;

/// One mounted cgroup hierarchy, as mountinfo describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CgroupMount {
    /// `cgroup2` (v2) or `cgroup` (v1).
    pub v2: bool,
    /// Where it is mounted.
    pub mount_point: String,
    /// The cgroup that the mount shows as its root (not `/` inside a cgroup namespace or for a
    /// bind mount of a subtree).
    pub root: String,
    /// The superblock's device number `MAJ:MIN`; mounts with the same one show the same hierarchy.
    pub device: String,
    /// v1: the controllers in the super options (`cpu`, `cpuacct`, ...).
    pub controllers: Vec<String>,
    /// v1: the `name=` option (`systemd` for `name=systemd`).
    pub name: Option<String>,
}

/// One line of `/proc/PID/cgroup`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcCgroup {
    /// Hierarchy id (0 for v2).
    pub hierarchy_id: u32,
    /// Controllers of a v1 hierarchy (`name=systemd` included as written); empty for v2.
    pub controllers: Vec<String>,
    /// The cgroup path relative to the hierarchy root (as the reader's cgroup namespace sees it).
    pub path: String,
}

/// `\040`-style octal escapes of mountinfo.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (byte, octal) {
            (b'\\', Some(digits)) => {
                let value = digits.iter().fold(0u32, |v, d| v * 8 + u32::from(d - b'0'));
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 4;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The cgroup mounts in mountinfo `text`, in file order; lines that are not cgroup mounts or
/// that do not parse are skipped.
pub fn parse_mountinfo(text: &str) -> Vec<CgroupMount> {
    text.lines().filter_map(parse_mount_line).collect()
}

fn parse_mount_line(line: &str) -> Option<CgroupMount> {
    let (left, right) = line.split_once(" - ")?;
    let fields: Vec<&str> = left.split(' ').collect();
    let tail: Vec<&str> = right.split(' ').collect();
    let fstype = *tail.first()?;
    let v2 = match fstype {
        "cgroup2" => true,
        "cgroup" => false,
        _ => return None,
    };
    let device = (*fields.get(2)?).to_owned();
    let root = unescape(fields.get(3)?);
    let mount_point = unescape(fields.get(4)?);
    let mut controllers = Vec::new();
    let mut name = None;
    if !v2 {
        for option in tail.get(2).copied().unwrap_or("").split(',') {
            if let Some(n) = option.strip_prefix("name=") {
                name = Some(n.to_owned());
            } else if is_v1_controller(option) {
                controllers.push(option.to_owned());
            }
        }
    }
    Some(CgroupMount {
        v2,
        mount_point,
        root,
        device,
        controllers,
        name,
    })
}

/// Whether a v1 super option names a controller rather than a generic option (`rw`, `relatime`,
/// `noprefix`, `clone_children`, `xattr`, `release_agent=...`, `cpuset_v2_mode`, `favordynmods`).
fn is_v1_controller(option: &str) -> bool {
    const NOT_CONTROLLERS: &[&str] = &[
        "rw",
        "ro",
        "relatime",
        "noatime",
        "nosuid",
        "nodev",
        "noexec",
        "noprefix",
        "clone_children",
        "xattr",
        "none",
        "all",
        "cpuset_v2_mode",
        "favordynmods",
    ];
    !option.is_empty() && !option.contains('=') && !NOT_CONTROLLERS.contains(&option)
}

/// The lines of a `/proc/PID/cgroup` file; malformed lines are skipped.
pub fn parse_proc_cgroup(text: &str) -> Vec<ProcCgroup> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let hierarchy_id = parts.next()?.parse().ok()?;
            let controllers = parts
                .next()?
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            let path = parts.next()?.to_owned();
            Some(ProcCgroup {
                hierarchy_id,
                controllers,
                path,
            })
        })
        .collect()
}

/// The same hierarchy can be mounted several times (bind mounts, containers); keeps the first
/// mount of each superblock, preferring one that shows the hierarchy's own root.
pub fn distinct_hierarchies(mounts: &[CgroupMount]) -> Vec<CgroupMount> {
    let mut chosen: Vec<CgroupMount> = Vec::new();
    for mount in mounts {
        match chosen.iter_mut().find(|c| c.device == mount.device) {
            Some(existing) if existing.root != "/" && mount.root == "/" => {
                *existing = mount.clone()
            }
            Some(_) => {}
            None => chosen.push(mount.clone()),
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cgroup lines of this project's CI machine (Linux 6.18, hybrid layout).
    const HYBRID: &str = "\
23 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw";

    #[test]
    fn parses_a_hybrid_layout() {
        let mounts = parse_mountinfo(HYBRID);
        assert_eq!(mounts.len(), 5);
        assert_eq!(mounts[0].controllers, ["cpu"]);
        assert_eq!(mounts[3].name.as_deref(), Some("systemd"));
        assert!(mounts[3].controllers.is_empty());
        assert!(mounts[4].v2);
        assert_eq!(mounts[4].mount_point, "/sys/fs/cgroup/unified");
    }

    #[test]
    fn parses_comounted_and_escaped_mounts() {
        let text = "30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct\n\
                    31 25 0:27 /docker/abc /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n\
                    32 25 0:26 /sub /bind rw - cgroup cgroup rw,cpu,cpuacct";
        let mounts = parse_mountinfo(text);
        assert_eq!(mounts[0].controllers, ["cpu", "cpuacct"]);
        assert_eq!(mounts[1].mount_point, "/mnt/my cgroups");
        assert_eq!(mounts[1].root, "/docker/abc");
        let distinct = distinct_hierarchies(&mounts);
        assert_eq!(
            distinct.len(),
            2,
            "the bind mount of 0:26 is the same hierarchy"
        );
    }

    #[test]
    fn parses_proc_cgroup() {
        let lines = parse_proc_cgroup(
            "9:name=systemd:/\n4:memory:/process_api/fe8b\n2:cpu,cpuacct:/\n0::/\nbad line",
        );
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1].controllers, ["memory"]);
        assert_eq!(lines[1].path, "/process_api/fe8b");
        assert_eq!(lines[2].controllers, ["cpu", "cpuacct"]);
        assert_eq!(lines[3].hierarchy_id, 0);
        assert!(lines[3].controllers.is_empty());
    }
}
