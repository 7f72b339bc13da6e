//! For each group, the list of its ancestors-or-self that carry a limit, nearest first.
//!
//! Charging memory or a new task walks only these groups, so unlimited parts of the tree cost
//! one array lookup per charge. Stored flat (CSR) to avoid per-step allocation.

use super::layout::{Layout, NONE};

/// Limited ancestors-or-self of every group.
pub struct Chains {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Chains {
    /// Builds the chains for the groups of `hierarchy`, where `limited(g)` says whether group `g`
    /// has a limit.
    pub fn new(layout: &Layout, hierarchy: Option<usize>, limited: impl Fn(usize) -> bool) -> Self {
        let mut start = Vec::with_capacity(layout.len() + 1);
        let mut items = Vec::new();
        start.push(0);
        for g in 0..layout.len() {
            if hierarchy == Some(layout.hierarchy[g] as usize) {
                let mut node = g as u32;
                while node != NONE {
                    if limited(node as usize) {
                        items.push(node);
                    }
                    node = layout.parent[node as usize];
                }
            }
            start.push(items.len() as u32);
        }
        Self { start, items }
    }

    /// The limited ancestors-or-self of `g`, nearest first.
    pub fn of(&self, g: u32) -> &[u32] {
        if g == NONE {
            return &[];
        }
        let g = g as usize;
        &self.items[self.start[g] as usize..self.start[g + 1] as usize]
    }
}
