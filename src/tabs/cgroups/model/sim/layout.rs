//! Flattens a structural [`State`] into the index arrays the simulation runs on.
//!
//! Every cgroup of every hierarchy becomes a *group* with an index; groups are numbered in
//! depth-first preorder per hierarchy, so a subtree is the contiguous range
//! `g..subtree_end[g]` and a parent always comes before its children. For each simulated
//! controller (cpu, memory, pids) the layout records which hierarchy carries it and, per group,
//! the nearest ancestor-or-self where the controller has state (its *css*): in v2 a cgroup whose
//! parent does not enable `memory` is accounted to the nearest ancestor that has it.

use std::collections::HashMap;

use super::super::controller::Controller;
use super::super::path::CgroupPath;
use super::super::state::{Cgroup, State};
use super::super::version::CgroupVersion;

/// Marks "no group" in index arrays.
pub const NONE: u32 = u32::MAX;

/// The static structure of a simulated system.
pub struct Layout {
    /// Version of the state.
    pub version: CgroupVersion,
    /// Hierarchy index of each group.
    pub hierarchy: Vec<u32>,
    /// Path of each group.
    pub path: Vec<CgroupPath>,
    /// Parent group, or [`NONE`] for a hierarchy root.
    pub parent: Vec<u32>,
    /// One past the last group of each group's subtree.
    pub subtree_end: Vec<u32>,
    /// The cgroup data of each group.
    pub cgroup: Vec<Cgroup>,
    /// The hierarchy that carries cpu, memory and pids (`None` if not mounted in v1).
    pub cpu_hierarchy: Option<usize>,
    /// See `cpu_hierarchy`.
    pub memory_hierarchy: Option<usize>,
    /// See `cpu_hierarchy`.
    pub pids_hierarchy: Option<usize>,
    /// Per group: the nearest ancestor-or-self with cpu state, or [`NONE`] outside the cpu tree.
    pub cpu_css: Vec<u32>,
    /// Per group: the nearest ancestor-or-self with memory state.
    pub memory_css: Vec<u32>,
    /// Per group: the nearest ancestor-or-self with pids state.
    pub pids_css: Vec<u32>,
    /// First group of each hierarchy (its root).
    pub roots: Vec<u32>,
    index: HashMap<(usize, CgroupPath), u32>,
}

impl Layout {
    /// Builds the layout of `state`.
    pub fn new(state: &State) -> Self {
        let mut layout = Self {
            version: state.version(),
            hierarchy: Vec::new(),
            path: Vec::new(),
            parent: Vec::new(),
            subtree_end: Vec::new(),
            cgroup: Vec::new(),
            cpu_hierarchy: state.hierarchy_of(Controller::Cpu),
            memory_hierarchy: state.hierarchy_of(Controller::Memory),
            pids_hierarchy: state.hierarchy_of(Controller::Pids),
            cpu_css: Vec::new(),
            memory_css: Vec::new(),
            pids_css: Vec::new(),
            roots: Vec::new(),
            index: HashMap::new(),
        };
        for (h, tree) in state.hierarchies().iter().enumerate() {
            layout.roots.push(layout.len() as u32);
            let mut stack = vec![(CgroupPath::root(), NONE)];
            while let Some((path, parent)) = stack.pop() {
                let index = layout.len() as u32;
                layout.hierarchy.push(h as u32);
                layout.parent.push(parent);
                layout.subtree_end.push(index + 1);
                layout
                    .cgroup
                    .push(tree.get(&path).cloned().unwrap_or_default());
                let mut children = tree.children(&path);
                // Reverse so that popping visits children in name order.
                children.sort_by(|a, b| b.cmp(a));
                for child in children {
                    stack.push((child, index));
                }
                layout.path.push(path);
            }
        }
        // Subtree ends: walk backwards, extending each parent's range over its children.
        for g in (0..layout.len()).rev() {
            let parent = layout.parent[g];
            if parent != NONE {
                let end = layout.subtree_end[g];
                let slot = &mut layout.subtree_end[parent as usize];
                *slot = (*slot).max(end);
            }
        }
        layout.index = (0..layout.len())
            .map(|g| {
                (
                    (layout.hierarchy[g] as usize, layout.path[g].clone()),
                    g as u32,
                )
            })
            .collect();
        layout.cpu_css = layout.css_of(state, layout.cpu_hierarchy, Controller::Cpu);
        layout.memory_css = layout.css_of(state, layout.memory_hierarchy, Controller::Memory);
        layout.pids_css = layout.css_of(state, layout.pids_hierarchy, Controller::Pids);
        layout
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Whether `g` lies in the subtree of `ancestor`.
    pub fn within(&self, g: u32, ancestor: u32) -> bool {
        g >= ancestor && g < self.subtree_end[ancestor as usize]
    }

    /// The group of `path` in hierarchy `h`.
    pub fn group_of(&self, h: usize, path: &CgroupPath) -> u32 {
        self.index.get(&(h, path.clone())).copied().unwrap_or(NONE)
    }

    fn css_of(&self, state: &State, hierarchy: Option<usize>, controller: Controller) -> Vec<u32> {
        let mut css = vec![NONE; self.len()];
        let Some(h) = hierarchy else {
            return css;
        };
        for g in 0..self.len() {
            if self.hierarchy[g] as usize != h {
                continue;
            }
            let own = self.parent[g] == NONE || state.has_controller(h, &self.path[g], controller);
            css[g] = if own {
                g as u32
            } else {
                css[self.parent[g] as usize]
            };
        }
        css
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::op::Op;
    use super::super::super::text::parse_ops;
    use super::*;

    fn apply_all(state: &mut State, text: &str) {
        for op in parse_ops(text).unwrap() {
            let op: Op = op;
            state.apply(&op).unwrap();
        }
    }

    #[test]
    fn preorder_subtrees_are_contiguous() {
        let mut state = State::default_for(CgroupVersion::V2);
        apply_all(
            &mut state,
            "enable / memory; mkdir /a; mkdir /a-x; mkdir /a/b; mkdir /a/b/c; mkdir /z",
        );
        let layout = Layout::new(&state);
        let names: Vec<&str> = layout.path.iter().map(CgroupPath::as_str).collect();
        assert_eq!(names, ["/", "/a", "/a/b", "/a/b/c", "/a-x", "/z"]);
        assert_eq!(layout.subtree_end, [6, 4, 4, 4, 5, 6]);
        assert!(layout.within(3, 1));
        assert!(!layout.within(4, 1));
        // /a/b has no memory of its own (/a does not enable it), so it is charged to /a.
        assert_eq!(layout.memory_css, [0, 1, 1, 1, 4, 5]);
    }

    #[test]
    fn v1_hierarchies_get_their_own_ranges() {
        let mut state = State::default_for(CgroupVersion::V1);
        apply_all(&mut state, "mkdir cpu:/db; mkdir memory:/web");
        let layout = Layout::new(&state);
        assert_eq!(layout.roots, [0, 2, 4, 5]);
        assert_eq!(layout.cpu_hierarchy, Some(0));
        assert_eq!(layout.memory_css[3], 3);
        assert_eq!(layout.cpu_css[3], NONE);
        assert_eq!(layout.group_of(1, &CgroupPath::parse("/web").unwrap()), 3);
    }
}
