//! Cgroup paths such as `/system.slice/docker-1234.scope`, relative to a hierarchy's root.
//!
//! Paths are kept normalized (a leading `/`, no empty, `.` or `..` components, no trailing `/`)
//! so that two spellings of the same cgroup compare equal. Names may contain any character except
//! `/`, whitespace and `;`, which the text form of operations uses as separators.

use serde::{Serialize, Serializer};

/// A normalized cgroup path; `/` is the hierarchy's root.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CgroupPath(String);

/// Why a path is not a valid cgroup path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path does not start with `/`.
    #[error("cgroup path {0:?} must start with '/'")]
    NotAbsolute(String),
    /// A component is `.` or `..`, or contains whitespace or `;`.
    #[error("cgroup path {path:?} has an invalid component {component:?}")]
    BadComponent {
        /// The whole path.
        path: String,
        /// The offending component.
        component: String,
    },
}

impl CgroupPath {
    /// The root of a hierarchy.
    pub fn root() -> Self {
        Self("/".to_owned())
    }

    /// Parses and normalizes `text`; repeated and trailing slashes are dropped.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        if !text.starts_with('/') {
            return Err(PathError::NotAbsolute(text.to_owned()));
        }
        let mut normalized = String::new();
        for component in text.split('/').filter(|c| !c.is_empty()) {
            let bad = component == "."
                || component == ".."
                || component.chars().any(|ch| ch.is_whitespace() || ch == ';');
            if bad {
                return Err(PathError::BadComponent {
                    path: text.to_owned(),
                    component: component.to_owned(),
                });
            }
            normalized.push('/');
            normalized.push_str(component);
        }
        if normalized.is_empty() {
            normalized.push('/');
        }
        Ok(Self(normalized))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the hierarchy's root.
    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }

    /// The parent cgroup, or `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        if self.is_root() {
            return None;
        }
        let cut = self.0.rfind('/').unwrap_or(0);
        if cut == 0 {
            Some(Self::root())
        } else {
            Some(Self(self.0[..cut].to_owned()))
        }
    }

    /// The last component (`""` for the root).
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or("")
    }

    /// The child called `name`.
    pub fn join(&self, name: &str) -> Self {
        if self.is_root() {
            Self(format!("/{name}"))
        } else {
            Self(format!("{}/{name}", self.0))
        }
    }

    /// Whether `self` is `other` or lies below it.
    pub fn is_within(&self, other: &Self) -> bool {
        other.is_root()
            || self == other
            || (self.0.starts_with(&other.0) && self.0.as_bytes().get(other.0.len()) == Some(&b'/'))
    }

    /// Number of components (0 for the root).
    pub fn depth(&self) -> usize {
        self.components().count()
    }

    /// The components from the root down.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|c| !c.is_empty())
    }
}

impl std::fmt::Display for CgroupPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CgroupPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalizes_and_navigates() {
        let path = CgroupPath::parse("//system.slice//docker-1.scope/").unwrap();
        assert_eq!(path.as_str(), "/system.slice/docker-1.scope");
        assert_eq!(path.name(), "docker-1.scope");
        assert_eq!(path.parent().unwrap().as_str(), "/system.slice");
        assert_eq!(path.parent().unwrap().parent(), Some(CgroupPath::root()));
        assert_eq!(CgroupPath::root().parent(), None);
        assert_eq!(path.depth(), 2);
    }

    #[test]
    fn rejects_bad_paths() {
        assert!(matches!(
            CgroupPath::parse("app"),
            Err(PathError::NotAbsolute(_))
        ));
        assert!(matches!(
            CgroupPath::parse("/a/../b"),
            Err(PathError::BadComponent { .. })
        ));
        assert!(matches!(
            CgroupPath::parse("/a b"),
            Err(PathError::BadComponent { .. })
        ));
    }

    #[test]
    fn within_respects_component_boundaries() {
        let a = CgroupPath::parse("/a").unwrap();
        assert!(CgroupPath::parse("/a/b").unwrap().is_within(&a));
        assert!(!CgroupPath::parse("/ab").unwrap().is_within(&a));
        assert!(a.is_within(&CgroupPath::root()));
    }

    proptest! {
        #![proptest_config(super::super::proptest_config(64))]

        #[test]
        fn join_then_parent_is_identity(names in proptest::collection::vec("[a-z0-9][a-z0-9._-]{0,7}", 0..5)) {
            let mut path = CgroupPath::root();
            for name in &names {
                let child = path.join(name);
                prop_assert_eq!(child.parent(), Some(path.clone()));
                prop_assert_eq!(CgroupPath::parse(child.as_str()).unwrap(), child.clone());
                path = child;
            }
            prop_assert_eq!(path.depth(), names.len());
        }
    }
}
