//! The eight namespace types and sets of them (the `CLONE_NEW*` flag masks of clone/unshare/setns).
//!
//! One enum drives the type filter of the tab, the flag names shown beside every operation, the
//! `unshare`/`nsenter` options of the equivalent shell commands and the `/proc/PID/ns/<type>`
//! names, so these can never disagree.

use serde::Serialize;

/// A Linux namespace type. Order is the tab's filter order; the lowercase variant names are the
/// slugs (`mnt`, `pid`, ...) and also the link names in `/proc/PID/ns/`.
///
/// Facts: domain.md section 2 (namespaces(7), man-pages 6.03).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NsType {
    /// Mount namespace.
    Mnt,
    /// PID namespace.
    Pid,
    /// Network namespace.
    Net,
    /// System V IPC and POSIX message queue namespace.
    Ipc,
    /// UTS (hostname) namespace.
    Uts,
    /// User namespace.
    User,
    /// Cgroup namespace.
    Cgroup,
    /// Time namespace.
    Time,
}

impl NsType {
    /// Every type, in filter order.
    pub const ALL: &'static [Self] = &[
        Self::Mnt,
        Self::Pid,
        Self::Net,
        Self::Ipc,
        Self::Uts,
        Self::User,
        Self::Cgroup,
        Self::Time,
    ];

    /// The id used in scene links (`filter=net`) and the name of the `/proc/PID/ns/` link.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Mnt => "mnt",
            Self::Pid => "pid",
            Self::Net => "net",
            Self::Ipc => "ipc",
            Self::Uts => "uts",
            Self::User => "user",
            Self::Cgroup => "cgroup",
            Self::Time => "time",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.slug() == slug)
    }

    /// A short human name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Mnt => "Mount",
            Self::Pid => "PID",
            Self::Net => "Network",
            Self::Ipc => "IPC",
            Self::Uts => "UTS",
            Self::User => "User",
            Self::Cgroup => "Cgroup",
            Self::Time => "Time",
        }
    }

    /// The flag that creates this type with clone(2)/unshare(2) and selects it in setns(2).
    pub fn clone_flag(self) -> &'static str {
        match self {
            Self::Mnt => "CLONE_NEWNS",
            Self::Pid => "CLONE_NEWPID",
            Self::Net => "CLONE_NEWNET",
            Self::Ipc => "CLONE_NEWIPC",
            Self::Uts => "CLONE_NEWUTS",
            Self::User => "CLONE_NEWUSER",
            Self::Cgroup => "CLONE_NEWCGROUP",
            Self::Time => "CLONE_NEWTIME",
        }
    }

    /// The kernel version that introduced the type (domain.md section 2).
    pub fn since_kernel(self) -> &'static str {
        match self {
            Self::Mnt => "2.4.19",
            Self::Uts | Self::Ipc => "2.6.19",
            Self::Pid | Self::Net => "2.6.24",
            Self::User => "2.6.23",
            Self::Cgroup => "4.6",
            Self::Time => "5.6",
        }
    }

    /// A caveat to [`Self::since_kernel`], where domain.md gives one.
    pub fn since_note(self) -> Option<&'static str> {
        match self {
            Self::Net => Some("complete about 2.6.29"),
            Self::User => Some("usable and unprivileged since 3.8"),
            _ => None,
        }
    }

    /// One line on what the type isolates (namespaces(7)).
    pub fn description(self) -> &'static str {
        match self {
            Self::Mnt => "Mount points: the file tree a process sees",
            Self::Pid => {
                "Process IDs: a process sees only its own PID namespace and its descendants"
            }
            Self::Net => "Network devices, addresses, routes, firewall rules and ports",
            Self::Ipc => "System V IPC objects and POSIX message queues",
            Self::Uts => "Hostname and NIS domain name",
            Self::User => "User and group IDs, and the capabilities that go with them",
            Self::Cgroup => "The cgroup root directory a process sees",
            Self::Time => "Offsets of the monotonic and boot-time clocks",
        }
    }

    /// Whether namespaces of this type form a tree (only PID and user do; namespaces(7),
    /// `NS_GET_PARENT` returns EINVAL for the others).
    pub fn is_hierarchical(self) -> bool {
        matches!(self, Self::Pid | Self::User)
    }

    /// The long option of `unshare(1)` that creates this type.
    pub fn unshare_option(self) -> &'static str {
        match self {
            Self::Mnt => "--mount",
            Self::Pid => "--pid",
            Self::Net => "--net",
            Self::Ipc => "--ipc",
            Self::Uts => "--uts",
            Self::User => "--user",
            Self::Cgroup => "--cgroup",
            Self::Time => "--time",
        }
    }

    /// The short option of `nsenter(1)` that enters this type of the target process.
    pub fn nsenter_option(self) -> &'static str {
        match self {
            Self::Mnt => "-m",
            Self::Pid => "-p",
            Self::Net => "-n",
            Self::Ipc => "-i",
            Self::Uts => "-u",
            Self::User => "-U",
            Self::Cgroup => "-C",
            Self::Time => "-T",
        }
    }

    /// This type's slot of a per-type array (in [`NsType::index`] order). The array is taken
    /// apart by a pattern, so no index can be out of range.
    pub fn slot<T>(self, values: &[T; 8]) -> &T {
        let [mnt, pid, net, ipc, uts, user, cgroup, time] = values;
        match self {
            Self::Mnt => mnt,
            Self::Pid => pid,
            Self::Net => net,
            Self::Ipc => ipc,
            Self::Uts => uts,
            Self::User => user,
            Self::Cgroup => cgroup,
            Self::Time => time,
        }
    }

    /// This type's slot of a per-type array, to change (see [`NsType::slot`]).
    pub fn slot_mut<T>(self, values: &mut [T; 8]) -> &mut T {
        let [mnt, pid, net, ipc, uts, user, cgroup, time] = values;
        match self {
            Self::Mnt => mnt,
            Self::Pid => pid,
            Self::Net => net,
            Self::Ipc => ipc,
            Self::Uts => uts,
            Self::User => user,
            Self::Cgroup => cgroup,
            Self::Time => time,
        }
    }

    /// Position in [`Self::ALL`], used to index per-type arrays.
    pub fn index(self) -> usize {
        match self {
            Self::Mnt => 0,
            Self::Pid => 1,
            Self::Net => 2,
            Self::Ipc => 3,
            Self::Uts => 4,
            Self::User => 5,
            Self::Cgroup => 6,
            Self::Time => 7,
        }
    }

    fn bit(self) -> u8 {
        1 << self.index()
    }
}

/// A set of namespace types: the `CLONE_NEW*` part of a flags argument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NsTypeSet(u8);

impl NsTypeSet {
    /// No types.
    pub const EMPTY: Self = Self(0);

    /// A set of the given types.
    pub fn of(kinds: &[NsType]) -> Self {
        kinds.iter().fold(Self::EMPTY, |set, kind| set.with(*kind))
    }

    /// This set plus `kind`.
    pub fn with(self, kind: NsType) -> Self {
        Self(self.0 | kind.bit())
    }

    /// This set minus `kind`.
    pub fn without(self, kind: NsType) -> Self {
        Self(self.0 & !kind.bit())
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: NsType) -> bool {
        self.0 & kind.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The types in filter order.
    pub fn iter(self) -> impl Iterator<Item = NsType> {
        NsType::ALL
            .iter()
            .copied()
            .filter(move |kind| self.contains(*kind))
    }

    /// The flags as C would write them: `CLONE_NEWPID | CLONE_NEWNS`, or `0` when empty.
    pub fn clone_flags(self) -> String {
        if self.is_empty() {
            return "0".to_owned();
        }
        self.iter()
            .map(NsType::clone_flag)
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// Comma-separated slugs (`mnt,pid`), the form the script text uses.
    pub fn slugs(self) -> String {
        self.iter().map(NsType::slug).collect::<Vec<_>>().join(",")
    }

    /// The `unshare(1)` options for the set, space-separated.
    pub fn unshare_options(self) -> String {
        self.iter()
            .map(NsType::unshare_option)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `nsenter(1)` options for the set, space-separated.
    pub fn nsenter_options(self) -> String {
        self.iter()
            .map(NsType::nsenter_option)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_types_slot_is_the_one_at_its_index() {
        let mut values: [usize; 8] = std::array::from_fn(|i| i);
        for &kind in super::NsType::ALL {
            assert_eq!(*kind.slot(&values), kind.index(), "{kind:?}");
            *kind.slot_mut(&mut values) += 100;
            assert_eq!(values[kind.index()], kind.index() + 100, "{kind:?}");
        }
    }

    use super::*;

    #[test]
    fn slugs_round_trip_and_index_matches_all_order() {
        for (position, kind) in NsType::ALL.iter().enumerate() {
            assert_eq!(NsType::from_slug(kind.slug()), Some(*kind));
            assert_eq!(kind.index(), position);
        }
        assert_eq!(NsType::from_slug("mount"), None);
        assert_eq!(NsType::ALL.len(), 8, "namespaces(7) lists eight types");
    }

    #[test]
    fn serde_names_are_the_slugs() {
        for kind in NsType::ALL {
            let json = serde_json::to_string(kind).expect("serializes");
            assert_eq!(json, format!("\"{}\"", kind.slug()));
        }
    }

    #[test]
    fn versions_follow_domain_reference() {
        assert_eq!(NsType::Mnt.since_kernel(), "2.4.19");
        assert_eq!(NsType::Cgroup.since_kernel(), "4.6");
        assert_eq!(NsType::Time.since_kernel(), "5.6");
        assert_eq!(NsType::Mnt.clone_flag(), "CLONE_NEWNS");
        let hierarchical: Vec<_> = NsType::ALL
            .iter()
            .filter(|kind| kind.is_hierarchical())
            .collect();
        assert_eq!(hierarchical, [&NsType::Pid, &NsType::User]);
    }

    #[test]
    fn set_operations_and_rendering() {
        let set = NsTypeSet::of(&[NsType::Net, NsType::Mnt]);
        assert!(set.contains(NsType::Mnt) && set.contains(NsType::Net));
        assert!(!set.contains(NsType::Pid));
        assert_eq!(set.slugs(), "mnt,net");
        assert_eq!(set.clone_flags(), "CLONE_NEWNS | CLONE_NEWNET");
        assert_eq!(set.unshare_options(), "--mount --net");
        assert_eq!(set.nsenter_options(), "-m -n");
        assert_eq!(set.without(NsType::Mnt).slugs(), "net");
        assert_eq!(NsTypeSet::EMPTY.clone_flags(), "0");
    }
}
