//! The live view: the real cgroups of this machine, read from `/proc` and the mounted cgroup
//! filesystems, for the tab's "this machine" view and `virtscope inspect cgroups --json`.
//!
//! Why a separate reader: the model teaches the rules, this shows that real systems follow them,
//! including the layouts textbooks skip (the hybrid layout of the project's CI machines: v1
//! controllers under `/sys/fs/cgroup/<ctrl>` plus a cgroup2 tree at `/sys/fs/cgroup/unified`
//! that offers only what no v1 hierarchy holds). The mounts come from `/proc/self/mountinfo`
//! (each superblock once), the placement of this process from `/proc/self/cgroup`, and each
//! tree from a directory walk. Reading only: the reader never writes to cgroupfs. Linux only;
//! elsewhere [`read_system`] returns [`LiveError::Unsupported`].

pub mod mountinfo;
pub mod types;
mod walk;

pub use mountinfo::{CgroupMount, ProcCgroup, parse_mountinfo, parse_proc_cgroup};
pub use types::{
    Layout, Limit, LiveCgroup, LiveHierarchy, LiveProcess, LiveSystem, LiveUsage, Unreadable,
};

use std::path::Path;

use super::model::CgroupVersion;
use mountinfo::distinct_hierarchies;
use walk::Walk;

/// Why the live view cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// Not Linux.
    #[error("cgroups exist only on Linux; this is {os}")]
    Unsupported {
        /// `std::env::consts::OS`.
        os: &'static str,
    },
    /// `/proc/self/mountinfo` could not be read (is /proc mounted?).
    #[error("cannot read {path}: {source}")]
    Mountinfo {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Reads this machine's cgroups.
#[cfg(target_os = "linux")]
pub fn read_system() -> Result<LiveSystem, LiveError> {
    let path = "/proc/self/mountinfo";
    let mountinfo = std::fs::read_to_string(path).map_err(|source| LiveError::Mountinfo {
        path: path.to_owned(),
        source,
    })?;
    let mut unreadable = Vec::new();
    let self_cgroup = match std::fs::read_to_string("/proc/self/cgroup") {
        Ok(text) => text,
        Err(error) => {
            unreadable.push(Unreadable {
                path: "/proc/self/cgroup".to_owned(),
                error: error.to_string(),
            });
            String::new()
        }
    };
    let mut comm_of = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .ok()
            .map(|c| c.trim_end().to_owned())
    };
    let mut system = read_from(&mountinfo, &self_cgroup, &mut comm_of);
    system.unreadable.extend(unreadable);
    Ok(system)
}

/// Reads this machine's cgroups (not available: this is not Linux).
#[cfg(not(target_os = "linux"))]
pub fn read_system() -> Result<LiveSystem, LiveError> {
    Err(LiveError::Unsupported {
        os: std::env::consts::OS,
    })
}

/// Builds the live view from the text of a mountinfo file and a `/proc/PID/cgroup` file,
/// walking the mount points it names; `comm_of` looks up process names.
pub fn read_from(
    mountinfo_text: &str,
    self_cgroup_text: &str,
    comm_of: &mut dyn FnMut(u32) -> Option<String>,
) -> LiveSystem {
    let mounts = distinct_hierarchies(&parse_mountinfo(mountinfo_text));
    let self_cgroup = parse_proc_cgroup(self_cgroup_text);
    let has_v1 = mounts.iter().any(|m| !m.v2);
    let has_v2 = mounts.iter().any(|m| m.v2);
    let layout = match (has_v1, has_v2) {
        (true, true) => Layout::Hybrid,
        (true, false) => Layout::Legacy,
        (false, true) => Layout::Unified,
        (false, false) => Layout::None,
    };
    let hierarchies = mounts
        .iter()
        .map(|mount| read_hierarchy(mount, &self_cgroup, comm_of))
        .collect();
    LiveSystem {
        layout,
        layout_description: layout.describe(),
        hierarchies,
        self_cgroup,
        unreadable: Vec::new(),
    }
}

fn read_hierarchy(
    mount: &CgroupMount,
    self_cgroup: &[ProcCgroup],
    comm_of: &mut dyn FnMut(u32) -> Option<String>,
) -> LiveHierarchy {
    let mut walk = Walk {
        comm_of,
        count: 0,
        truncated: false,
    };
    let root = walk.cgroup(Path::new(&mount.mount_point), "/");
    let hierarchy_id = if mount.v2 {
        self_cgroup
            .iter()
            .find(|line| line.hierarchy_id == 0)
            .map(|line| line.hierarchy_id)
    } else {
        let mut own: Vec<String> = mount.controllers.clone();
        if let Some(name) = &mount.name {
            own.push(format!("name={name}"));
        }
        own.sort();
        self_cgroup
            .iter()
            .find(|line| {
                let mut theirs = line.controllers.clone();
                theirs.sort();
                line.hierarchy_id != 0 && theirs == own
            })
            .map(|line| line.hierarchy_id)
    };
    let controllers = if mount.v2 {
        root.controllers.clone().unwrap_or_default()
    } else {
        mount.controllers.clone()
    };
    LiveHierarchy {
        version: if mount.v2 {
            CgroupVersion::V2
        } else {
            CgroupVersion::V1
        },
        mount_point: mount.mount_point.clone(),
        mount_root: mount.root.clone(),
        controllers,
        name: mount.name.clone(),
        hierarchy_id,
        cgroup_count: walk.count,
        truncated: walk.truncated,
        root,
    }
}

#[cfg(test)]
mod tests;
