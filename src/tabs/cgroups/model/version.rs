//! Which cgroup interface a scene uses: v1 (several hierarchies) or v2 (one unified tree).

use serde::Serialize;

/// The cgroup version of a scene; the scene link key is `version=1|2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CgroupVersion {
    /// cgroup v1 (Linux 2.6.24): independent hierarchies, one per set of controllers.
    V1,
    /// cgroup v2 (official in Linux 4.5): a single unified hierarchy.
    V2,
}

impl CgroupVersion {
    /// Both versions, v1 first.
    pub const ALL: &'static [Self] = &[Self::V1, Self::V2];

    /// The link value: `"1"` or `"2"`.
    pub fn slug(self) -> &'static str {
        match self {
            Self::V1 => "1",
            Self::V2 => "2",
        }
    }

    /// Parses a link value (`"1"` or `"2"`).
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.slug() == slug)
    }

    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::V1 => "cgroup v1",
            Self::V2 => "cgroup v2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for v in CgroupVersion::ALL {
            assert_eq!(CgroupVersion::from_slug(v.slug()), Some(*v));
        }
        assert_eq!(CgroupVersion::from_slug("3"), None);
    }
}
