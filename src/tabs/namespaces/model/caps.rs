//! Who may do what: capabilities in user namespaces and user ID mapping.
//!
//! Every privileged namespace operation comes down to one question, "does this process hold
//! CAP_SYS_ADMIN (or CAP_NET_ADMIN, CAP_SYS_TIME) in that user namespace?". The answer follows
//! the three rules of user_namespaces(7), "Capabilities", in the order the kernel's
//! `cap_capable()` walks them. Capabilities are all-or-nothing here: a process either has a full
//! effective set in its own user namespace or none (a simplification; real sets are per capability).

use super::world::{NsData, NsId, Process, UidMap, World};

/// The credentials a capability check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Creds {
    /// The user namespace the process is a member of.
    pub user_ns: NsId,
    /// Effective user ID, as the initial user namespace sees it.
    pub uid: u32,
    /// Whether it holds a full effective capability set in `user_ns`.
    pub caps: bool,
}

impl Creds {
    /// The credentials of a process.
    pub fn of(process: &Process) -> Self {
        Self {
            user_ns: process.ns(super::ns_type::NsType::User),
            uid: process.uid,
            caps: process.caps,
        }
    }
}

impl World {
    /// Whether `creds` hold capabilities in user namespace `target` (user_namespaces(7)):
    /// 1. a member has them if its effective set has them;
    /// 2. having them in a namespace gives them in every descendant;
    /// 3. a process in the parent whose euid is the namespace's owner has them all.
    pub fn has_cap(&self, creds: Creds, target: NsId) -> bool {
        let Some(own_level) = self.namespace(creds.user_ns).map(|ns| ns.level) else {
            return false;
        };
        let mut cursor = target;
        loop {
            if cursor == creds.user_ns {
                return creds.caps;
            }
            let Some(namespace) = self.namespace(cursor) else {
                return false;
            };
            if namespace.level <= own_level {
                return false;
            }
            let Some(parent) = namespace.parent else {
                return false;
            };
            if let NsData::User { owner_uid, .. } = namespace.data
                && parent == creds.user_ns
                && owner_uid == creds.uid
            {
                return true;
            }
            cursor = parent;
        }
    }

    /// The user namespace that owns namespace `id` (a user namespace owns itself here, which is
    /// what the checks on it need).
    pub fn owning_user_ns(&self, id: NsId) -> Option<NsId> {
        let namespace = self.namespace(id)?;
        match namespace.data {
            NsData::User { .. } => Some(id),
            _ => namespace.owner,
        }
    }

    /// The user ID that kuid `uid` has inside user namespace `user_ns`, or None if unmapped
    /// (shown as [`super::world::OVERFLOW_UID`]).
    pub fn uid_in(&self, uid: u32, user_ns: NsId) -> Option<u32> {
        match self.namespace(user_ns)?.data {
            NsData::User {
                uid_map: UidMap::Identity,
                ..
            } => Some(uid),
            NsData::User {
                uid_map: UidMap::RootIs { kuid },
                ..
            } => (kuid == uid).then_some(0),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ns_type::NsType;
    use super::*;

    /// A world with a user namespace created by uid 1000 (child of the initial one) and a
    /// grandchild created by the same user from inside it.
    fn nested() -> (World, NsId, NsId) {
        let mut world = World::boot("host");
        let initial = NsId::initial(NsType::User);
        let child = world.add_namespace(
            Some(initial),
            initial,
            1,
            100,
            NsData::User {
                owner_uid: 1000,
                uid_map: UidMap::RootIs { kuid: 1000 },
            },
        );
        let grandchild = world.add_namespace(
            Some(child),
            child,
            2,
            101,
            NsData::User {
                owner_uid: 1000,
                uid_map: UidMap::RootIs { kuid: 1000 },
            },
        );
        (world, child, grandchild)
    }

    #[test]
    fn member_with_effective_caps_has_them_and_in_descendants() {
        let (world, child, grandchild) = nested();
        let root = Creds {
            user_ns: NsId::initial(NsType::User),
            uid: 0,
            caps: true,
        };
        assert!(world.has_cap(root, NsId::initial(NsType::User)));
        assert!(world.has_cap(root, child), "rule 2: descendants");
        assert!(world.has_cap(root, grandchild));
    }

    #[test]
    fn capabilities_never_reach_parent_namespaces() {
        let (world, child, _) = nested();
        let inside = Creds {
            user_ns: child,
            uid: 1000,
            caps: true,
        };
        assert!(world.has_cap(inside, child));
        assert!(!world.has_cap(inside, NsId::initial(NsType::User)));
    }

    #[test]
    fn owner_in_parent_namespace_has_all_caps_without_effective_set() {
        let (world, child, grandchild) = nested();
        let unprivileged_owner = Creds {
            user_ns: NsId::initial(NsType::User),
            uid: 1000,
            caps: false,
        };
        assert!(world.has_cap(unprivileged_owner, child), "rule 3");
        assert!(
            world.has_cap(unprivileged_owner, grandchild),
            "rule 3 then 2"
        );
        assert!(!world.has_cap(unprivileged_owner, NsId::initial(NsType::User)));
        let other_user = Creds {
            uid: 1001,
            ..unprivileged_owner
        };
        assert!(!world.has_cap(other_user, child));
    }

    #[test]
    fn uid_mapping_shows_root_inside_and_overflow_for_others() {
        let (world, child, _) = nested();
        assert_eq!(world.uid_in(1000, child), Some(0));
        assert_eq!(world.uid_in(0, child), None);
        assert_eq!(world.uid_in(1000, NsId::initial(NsType::User)), Some(1000));
    }
}
