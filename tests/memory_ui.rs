//! The Memory tab driven through the real app with egui_kittest: picking modes and scenes by
//! their labels, stepping a two-dimensional walk reference by reference, exits counted under
//! shadow paging and none under EPT, the TLB, and every deck link to the tab.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use virtscope::tabs::{self, LinkStatus};

mod common;
use common::{click, harness_at, link};

#[test]
fn a_bare_link_opens_ept_on_the_tlb_miss() {
    let harness = harness_at("memory");
    assert_eq!(harness.state().active_tab_id(), "memory");
    assert_eq!(link(&harness), "memory/ept?preset=tlb-miss&step=0");
    harness.get_by_label_contains("Exits to the VMM: 0");
    harness.get_by_label("TLB entry 1: empty");
}

#[test]
fn the_two_dimensional_walk_steps_reference_by_reference() {
    // Bhargava et al., ASPLOS 2008: a 4 + 4 nested walk makes up to 24 references, the guest's
    // own entries being the 5th, 10th, 15th and 20th.
    let mut harness = harness_at("memory/ept?preset=tlb-miss&step=tlb-miss");
    harness.key_press(Key::ArrowRight);
    harness.run();
    harness.get_by_label("Walk: 1 of 24 references");
    for _ in 0..4 {
        harness.key_press(Key::ArrowRight);
        harness.run();
    }
    harness.get_by_label("Walk: 5 of 24 references");
    harness.get_by_label_contains("Step: Reference 5 of 24: the guest's own level-4 entry");
    harness.get_by_label("Walk references: 5");
    for _ in 0..19 {
        harness
            .get_by_role_and_label(Role::Button, "Next ▶")
            .click();
        harness.run();
    }
    harness.get_by_label("Walk: 24 of 24 references");
    harness.key_press(Key::ArrowRight);
    harness.run();
    harness.get_by_label_contains("TLB entry 1: 0x7f0040000000");
}

#[test]
fn shadow_paging_exits_on_every_page_table_write_and_ept_does_not() {
    // Adams and Agesen 2006: traced guest page-table writes, CR3 writes and hidden faults exit
    // under shadow paging; with EPT (Intel SDM Vol. 3C ch. 29) none does.
    let mut harness = harness_at("memory/shadow?preset=fork");
    harness.key_press(Key::End);
    harness.run();
    harness
        .get_by_label("Exits to the VMM: 13 (9 page-table writes, 2 CR3 writes, 2 hidden faults)");
    // The comparison panel: the same operations' exits in every mode.
    harness.get_by_label_contains("walk references, 13 exits  ◀ shown");
    click(&mut harness, "EPT / NPT (nested paging)");
    assert_eq!(link(&harness), "memory/ept?preset=fork&step=0");
    harness.key_press(Key::End);
    harness.run();
    harness.get_by_label("Exits to the VMM: 0");
    harness.get_by_label("Page-table writes: 9; CR3 writes: 2");
}

#[test]
fn scenes_levels_and_walk_caches_are_picked_by_their_labels() {
    let mut harness = harness_at("memory/native?preset=tlb-miss");
    click(&mut harness, "A TLB-hostile scan");
    assert_eq!(link(&harness), "memory/native?preset=scan&step=0");
    click(&mut harness, "5 levels");
    assert_eq!(link(&harness), "memory/native?preset=scan&levels=5&step=0");
    click(&mut harness, "Page-walk caches");
    assert_eq!(
        link(&harness),
        "memory/native?preset=scan&levels=5&pwc=on&step=0"
    );
    click(&mut harness, "The scan with 2 MiB pages");
    harness.key_press(Key::End);
    harness.run();
    harness.get_by_label("Reads: 32 (TLB hits 28, misses 4)");
}

#[test]
fn every_deck_link_to_the_memory_tab_is_valid() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/decks/virtualization.toml"
    ))
    .expect("the built-in deck");
    let deck =
        virtscope::deck::native::parse_native(&text, "decks/virtualization.toml").expect("parses");
    let links: Vec<String> = deck
        .cards
        .iter()
        .filter_map(|card| card.scene.clone())
        .filter(|scene| scene.starts_with("memory"))
        .collect();
    assert!(links.len() >= 5, "{} memory links", links.len());
    for link in links {
        assert_eq!(tabs::check_link(&link), LinkStatus::Valid, "{link}");
    }
}
