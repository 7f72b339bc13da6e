//! The layout audit over every scene `virtscope scenes` lists: at 1280x720 in the projector theme
//! (text at least 1/50 of the canvas height) and at 1920x1080 in the light theme, plus the whole
//! window at 1440x900 beside the Flashcards panel on one scene per view. Nothing may be clipped,
//! overlap, be elided or (on the projector) be too small; each configuration prints its counts.
//!
//! Check some scenes only while working on them: `VIRTSCOPE_AUDIT=cpu/cost cargo test --test
//! layout_audit` audits the links containing any of the comma-separated words.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::Instant;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::export::ExportOptions;
use virtscope::export::audit::{
    Audit, PaintedText, Rules, audit_scenes, audit_texts, painted_texts,
};
use virtscope::scene::SceneLink;
use virtscope::theme::ThemeKind;

mod common;

/// The listed scenes, narrowed by `VIRTSCOPE_AUDIT` when set.
fn scenes() -> Vec<SceneLink> {
    let filter = std::env::var("VIRTSCOPE_AUDIT").unwrap_or_default();
    let words: Vec<&str> = filter.split(',').filter(|w| !w.is_empty()).collect();
    virtscope::tabs::all_scenes()
        .into_iter()
        .filter(|link| {
            let text = link.to_string();
            words.is_empty() || words.iter().any(|word| text.contains(word))
        })
        .collect()
}

/// Prints the audit's counts and every problem with its scene; fails if there is any.
fn report(name: &str, results: &[(String, Audit)], errors: &[String], started: Instant) {
    let mut counts: BTreeMap<&str, usize> = ["clipped", "overlap", "elided", "too small"]
        .into_iter()
        .map(|kind| (kind, 0))
        .collect();
    let mut lines = Vec::new();
    let mut smallest: Option<(f32, String, String)> = None;
    let texts: usize = results.iter().map(|(_, audit)| audit.texts).sum();
    for (link, audit) in results {
        for problem in &audit.problems {
            *counts.entry(problem.kind()).or_default() += 1;
            lines.push(format!("  {link}: {problem}"));
        }
        if let Some((text, size)) = &audit.smallest
            && smallest.as_ref().is_none_or(|(min, ..)| size < min)
        {
            smallest = Some((*size, text.clone(), link.clone()));
        }
    }
    let counts_text: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "layout audit, {name}: {} scenes, {texts} texts; {}; smallest text {}; {:.1} s",
        results.len(),
        counts_text.join(", "),
        smallest
            .as_ref()
            .map_or("none".to_owned(), |(size, text, link)| {
                format!("{size:.1} pt ({text:?} in {link})")
            }),
        started.elapsed().as_secs_f64()
    );
    for line in &lines {
        println!("{line}");
    }
    for error in errors {
        println!("  {error}");
    }
    assert!(
        lines.is_empty() && errors.is_empty(),
        "layout audit, {name}: {} problems and {} scenes that did not paint (listed above)",
        lines.len(),
        errors.len()
    );
}

fn audit_all(name: &str, options: &ExportOptions) {
    let started = Instant::now();
    let links = scenes();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for (link, audit) in audit_scenes(&links, options) {
        match audit {
            Ok(audit) => results.push((link.to_string(), audit)),
            Err(err) => errors.push(format!("{link}: {err}")),
        }
    }
    report(name, &results, &errors, started);
}

#[test]
fn every_scene_fits_a_1280x720_projector() {
    audit_all(
        "1280x720 projector",
        &ExportOptions {
            width: 1280.0,
            height: 720.0,
            theme: ThemeKind::Projector,
            ..ExportOptions::default()
        },
    );
}

#[test]
fn every_scene_fits_1920x1080_in_the_light_theme() {
    audit_all(
        "1920x1080 light",
        &ExportOptions {
            width: 1920.0,
            height: 1080.0,
            theme: ThemeKind::Light,
            ..ExportOptions::default()
        },
    );
}

/// One scene per view: the first listed link of each tab/view (migration's modes are views of
/// their own: different lanes and charts).
fn one_scene_per_view() -> Vec<SceneLink> {
    let mut seen = Vec::new();
    let mut links = Vec::new();
    for link in scenes() {
        let mut view = format!("{}/{}", link.tab, link.view.as_deref().unwrap_or(""));
        if link.tab == "migration" {
            view.push_str(link.get("mode").unwrap_or(""));
        }
        if !seen.contains(&view) {
            seen.push(view);
            links.push(link);
        }
    }
    links
}

#[test]
fn the_window_at_1440x900_beside_the_flashcards_panel() {
    let started = Instant::now();
    let size = egui::vec2(1440.0, 900.0);
    let rules = Rules::for_canvas(size.x, size.y, false);
    let data = tempfile::tempdir().expect("a temporary folder");
    let launch = Launch {
        data_dir: Some(data.path().to_owned()),
        clock: Some(std::sync::Arc::new(|| 1_741_600_800)),
        ..Launch::default()
    };
    let app = VirtscopeApp::new(Settings::default(), launch);
    let mut harness = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut VirtscopeApp| app.ui_content(ui), app);
    harness.run();
    let mut results = Vec::new();
    for link in one_scene_per_view() {
        virtscope::draw::take_excerpts(&harness.ctx);
        harness.state_mut().open_link(&link);
        harness.run();
        let excerpts = virtscope::draw::take_excerpts(&harness.ctx);
        let audit = audit_texts(&painted_texts(&harness.output().shapes), &rules, &excerpts);
        results.push((link.to_string(), audit));
    }
    // The card's answer in the panel, then each window over the scene (only the window's own
    // texts: what it covers is hidden, not overlapped).
    harness.key_press(egui::Key::Space);
    harness.run();
    let excerpts = virtscope::draw::take_excerpts(&harness.ctx);
    let audit = audit_texts(&painted_texts(&harness.output().shapes), &rules, &excerpts);
    results.push(("the panel with the answer shown".to_owned(), audit));
    let windows: [(&str, egui::Key, egui::Modifiers); 5] = [
        ("Browse cards", egui::Key::B, egui::Modifiers::COMMAND),
        ("Export scene", egui::Key::E, egui::Modifiers::COMMAND),
        ("Statistics", egui::Key::B, egui::Modifiers::COMMAND),
        ("Review settings", egui::Key::B, egui::Modifiers::COMMAND),
        ("Keyboard shortcuts", egui::Key::B, egui::Modifiers::COMMAND),
    ];
    for (title, key, modifiers) in windows {
        match title {
            "Statistics" => harness.get_by_label("Statistics…").click(),
            "Review settings" => harness.get_by_label("Settings…").click(),
            "Keyboard shortcuts" => {
                harness.get_by_label("Help").click();
                harness.run();
                harness.get_by_label("Keyboard shortcuts").click();
            }
            _ => harness.key_press_modifiers(modifiers, key),
        }
        harness.run();
        results.push((
            format!("the {title} window"),
            window_audit(&harness, title, title, &rules),
        ));
        harness.key_press(egui::Key::Escape);
        harness.run();
    }
    // The card editor, known as one window whatever its title says.
    for (title, key) in [("Add card", egui::Key::A), ("Edit card", egui::Key::E)] {
        harness.key_press(key);
        harness.run();
        results.push((
            format!("the {title} window"),
            window_audit(
                &harness,
                title,
                virtscope::reviewer::editor::WINDOW_TITLE,
                &rules,
            ),
        ));
        harness.key_press(egui::Key::Escape);
        harness.run();
    }
    report(
        "1440x900 window with the Flashcards panel",
        &results,
        &[],
        started,
    );
}

/// The audit of the window titled `title` (known to egui by `id_title`): its texts are those painted after its title (windows
/// paint over the scene) inside its area. A row a scrolling list cuts at its edge is part of a
/// live list; what must not happen is text passing the window itself.
fn window_audit(
    harness: &Harness<'_, VirtscopeApp>,
    title: &str,
    id_title: &str,
    rules: &Rules,
) -> Audit {
    let area = harness
        .ctx
        .memory(|memory| memory.area_rect(virtscope::dialog::window_id(id_title)))
        .unwrap_or_else(|| panic!("the {title} window is open"));
    let painted = painted_texts(&harness.output().shapes);
    let first = painted
        .iter()
        .rposition(|text| text.text == title)
        .unwrap_or_else(|| panic!("the {title} window has its title"));
    let texts: Vec<PaintedText> = painted[first..]
        .iter()
        .filter(|text| area.expand(1.0).contains_rect(text.clip))
        .map(|text| {
            let mut text = text.clone();
            for row in &mut text.rows {
                row.glyphs.retain(|glyph| glyph.intersects(text.clip));
                for glyph in &mut row.glyphs {
                    *glyph = glyph.intersect(text.clip);
                }
                row.ink = row.ink.intersect(text.clip);
            }
            text.rows.retain(|row| !row.glyphs.is_empty());
            text.clip = area;
            text
        })
        .filter(|text| !text.rows.is_empty())
        .collect();
    let excerpts = virtscope::draw::take_excerpts(&harness.ctx);
    audit_texts(&texts, rules, &excerpts)
}
