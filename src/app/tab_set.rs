//! The app's tabs in strip order and the one on screen.
//!
//! Why a type of its own: the shell reaches the shown tab many times a frame, and an index into a
//! list would need a proof, at every use, that it is in range. Here the shown tab is held apart
//! from the others (the tabs before it, it, the tabs after it), so reaching it takes no index at
//! all, and the set cannot be empty: it is built from a first tab and the rest, and an empty
//! [`tabs::REGISTRY`] stops the build (a `const` evaluation error) instead of the app at start-up.

use crate::tabs::{self, Tab, TabFactory};

/// The first registered tab's factory and the others'.
const FIRST_AND_REST: (TabFactory, &[(&str, TabFactory)]) = match tabs::REGISTRY {
    [(_, first), rest @ ..] => (*first, rest),
    [] => panic!("tabs::REGISTRY lists no tab: the app needs one to show"),
};

/// Every tab of the app, one of them shown.
pub struct TabSet {
    /// The tabs left of the shown one, in strip order.
    before: Vec<Box<dyn Tab>>,
    /// The tab on screen.
    shown: Box<dyn Tab>,
    /// The tabs right of the shown one, nearest last (so moving right pops).
    after: Vec<Box<dyn Tab>>,
}

impl TabSet {
    /// `first` shown, then `rest` in strip order.
    pub fn new(first: Box<dyn Tab>, rest: Vec<Box<dyn Tab>>) -> Self {
        let mut after = rest;
        after.reverse();
        Self {
            before: Vec::new(),
            shown: first,
            after,
        }
    }

    /// One fresh tab of each registered kind, the first shown.
    pub fn registered() -> Self {
        let (first, rest) = FIRST_AND_REST;
        Self::new(first(), rest.iter().map(|(_, make)| make()).collect())
    }

    /// The tab on screen.
    pub fn shown(&self) -> &dyn Tab {
        self.shown.as_ref()
    }

    /// The tab on screen, to change.
    pub fn shown_mut(&mut self) -> &mut dyn Tab {
        self.shown.as_mut()
    }

    /// The shown tab's place in the strip (0 for the first).
    pub fn shown_index(&self) -> usize {
        self.before.len()
    }

    /// How many tabs there are.
    pub fn len(&self) -> usize {
        self.before.len() + 1 + self.after.len()
    }

    /// The tabs in strip order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Tab> {
        let before = self.before.iter().map(AsRef::as_ref);
        let after = self.after.iter().rev().map(AsRef::as_ref);
        before.chain(std::iter::once(self.shown())).chain(after)
    }

    /// The tab with id `id` and its place in the strip, to change (its scene is opened before
    /// it is shown, so a bad link leaves the screen as it was).
    pub fn find_mut(&mut self, id: &str) -> Option<(usize, &mut dyn Tab)> {
        let before = self.before.iter_mut().map(AsMut::as_mut);
        let after = self.after.iter_mut().rev().map(AsMut::as_mut);
        let all = before
            .chain(std::iter::once(self.shown.as_mut()))
            .chain(after);
        let (index, tab) = all.enumerate().find(|(_, tab)| tab.id() == id)?;
        Some((index, tab))
    }

    /// Shows the tab at `index` in the strip; an index past the end changes nothing (false).
    pub fn select(&mut self, index: usize) -> bool {
        if index >= self.len() {
            return false;
        }
        while self.before.len() > index
            && let Some(left) = self.before.pop()
        {
            self.after.push(std::mem::replace(&mut self.shown, left));
        }
        while self.before.len() < index
            && let Some(right) = self.after.pop()
        {
            self.before.push(std::mem::replace(&mut self.shown, right));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(set: &TabSet) -> Vec<&'static str> {
        set.iter().map(|tab| tab.id()).collect()
    }

    #[test]
    fn every_registered_tab_is_there_in_strip_order_the_first_shown() {
        let set = TabSet::registered();
        let registered: Vec<&str> = tabs::REGISTRY.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids(&set), registered);
        assert_eq!(set.len(), registered.len());
        assert_eq!(set.shown_index(), 0);
        assert_eq!(set.shown().id(), registered[0]);
    }

    #[test]
    fn selecting_moves_the_shown_tab_and_keeps_the_order() {
        let mut set = TabSet::registered();
        let order = ids(&set);
        for index in [3, 1, order.len() - 1, 0, 2] {
            assert!(set.select(index));
            assert_eq!(set.shown_index(), index);
            assert_eq!(set.shown().id(), order[index]);
            assert_eq!(ids(&set), order, "the strip keeps its order");
        }
        assert!(!set.select(order.len()), "past the end");
        assert_eq!(set.shown_index(), 2, "and nothing changed");
    }

    #[test]
    fn tabs_are_found_by_id_wherever_they_are() {
        let mut set = TabSet::registered();
        set.select(2);
        let order = ids(&set);
        for (index, id) in order.iter().enumerate() {
            let (found, tab) = set.find_mut(id).expect("registered");
            assert_eq!((found, tab.id()), (index, *id));
        }
        assert!(set.find_mut("nope").is_none());
    }
}
