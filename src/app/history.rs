//! Back/forward through visited scenes, like a browser (Alt+Left / Alt+Right).
//!
//! A "place" is a scene without its position (`step`, `t`): scrubbing the timeline updates the
//! current entry instead of flooding the history, so Back returns to the previous scene at the
//! step the student left it.

use crate::scene::SceneLink;

/// How many places are remembered.
const CAPACITY: usize = 100;

/// Visited scenes with a cursor.
#[derive(Clone, Debug, Default)]
pub struct History {
    entries: Vec<SceneLink>,
    index: usize,
}

impl History {
    /// Records that `link` is being shown.
    pub fn visit(&mut self, link: SceneLink) {
        match self.entries.get_mut(self.index) {
            Some(current) if current.place() == link.place() => *current = link,
            Some(_) => {
                self.entries.truncate(self.index + 1);
                self.entries.push(link);
                if self.entries.len() > CAPACITY {
                    self.entries.remove(0);
                }
                self.index = self.entries.len() - 1;
            }
            None => {
                self.entries = vec![link];
                self.index = 0;
            }
        }
    }

    /// The previous place, moving the cursor back.
    pub fn back(&mut self) -> Option<SceneLink> {
        if self.index == 0 {
            return None;
        }
        self.index -= 1;
        self.entries.get(self.index).cloned()
    }

    /// The next place, moving the cursor forward.
    pub fn forward(&mut self) -> Option<SceneLink> {
        let next = self.entries.get(self.index + 1)?.clone();
        self.index += 1;
        Some(next)
    }

    /// The places visited, the newest first, each once.
    pub fn recent(&self) -> Vec<SceneLink> {
        let mut seen = std::collections::HashSet::new();
        self.entries
            .iter()
            .rev()
            .filter(|link| seen.insert(link.to_string()))
            .cloned()
            .collect()
    }

    /// Whether Back would do something.
    pub fn can_go_back(&self) -> bool {
        self.index > 0
    }

    /// Whether Forward would do something.
    pub fn can_go_forward(&self) -> bool {
        self.index + 1 < self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str) -> SceneLink {
        SceneLink::parse(text).unwrap()
    }

    #[test]
    fn scrubbing_updates_the_entry_and_back_returns_to_the_step_left() {
        let mut history = History::default();
        history.visit(link("overview?step=0"));
        history.visit(link("overview?step=4"));
        history.visit(link("cpu/native?program=popf&step=0"));
        assert!(history.can_go_back());
        assert_eq!(history.back(), Some(link("overview?step=4")));
        assert!(!history.can_go_back());
        assert_eq!(
            history.forward(),
            Some(link("cpu/native?program=popf&step=0"))
        );
        assert_eq!(history.forward(), None);
    }

    #[test]
    fn visiting_after_back_drops_the_forward_entries() {
        let mut history = History::default();
        for text in ["a", "b", "c"] {
            history.visit(link(text));
        }
        history.back();
        history.back();
        history.visit(link("d"));
        assert!(!history.can_go_forward());
        assert_eq!(history.back(), Some(link("a")));
    }

    #[test]
    fn capacity_is_bounded() {
        let mut history = History::default();
        for i in 0..(CAPACITY + 20) {
            history.visit(link(&format!("t{i}")));
        }
        let mut steps = 0;
        while history.back().is_some() {
            steps += 1;
        }
        assert_eq!(steps, CAPACITY - 1);
    }
}
