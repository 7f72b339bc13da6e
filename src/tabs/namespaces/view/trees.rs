//! The namespace trees: per type, one chip per namespace (its short id, member count and a
//! remark), PID and user namespaces on one row per level with lines to their parents.

use std::collections::BTreeMap;

use egui::{Align2, Color32, Painter, Pos2, Rect, Stroke, Ui, Vec2};

use super::chips::{self, Emphasis};
use super::picture::{NsBlock, NsNode, short_id};
use crate::draw;
use crate::tabs::namespaces::model::NsId;
use crate::theme::Theme;

/// Roughly the height the trees need (ignoring wrapped rows).
pub fn height(theme: &Theme, blocks: &[NsBlock]) -> f32 {
    let chip_height = theme.small_size * 1.4;
    let line = chip_height + theme.small_size * 0.5;
    let level_gap = theme.small_size * 0.5;
    // One row per nesting level, and a gap above each level below the first; a little slack per
    // row for a level whose chips wrap.
    let rows_height: f32 = blocks
        .iter()
        .map(|block| {
            let mut levels: Vec<u32> = block.nodes.iter().map(|node| node.level).collect();
            levels.sort_unstable();
            levels.dedup();
            let rows = levels.len().max(1) as f32;
            rows * (line + theme.small_size * 0.2) + (rows - 1.0) * level_gap
        })
        .sum();
    let intro = if blocks.len() == 1 {
        theme.small_size * 4.0
    } else {
        0.0
    };
    // The heading may wrap to two lines in a narrow column.
    theme.small_size * 2.8 + intro + rows_height + 8.0
}

fn chip_text(node: &NsNode) -> String {
    match &node.note {
        Some(note) => format!("{} ({}) {note}", short_id(node.id), node.nprocs),
        None => format!("{} ({})", short_id(node.id), node.nprocs),
    }
}

/// Draws every block into `rect`; returns the PID to select when a namespace was clicked.
pub fn trees_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    blocks: &[NsBlock],
) -> Option<u32> {
    let painter = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let small = theme.small();
    let chip_height = theme.small_size * 1.4;
    let line = chip_height + theme.small_size * 0.5;
    let level_gap = theme.small_size * 0.5;
    let label_width = painter
        .layout_no_wrap("cgroup".to_owned(), small.clone(), Color32::PLACEHOLDER)
        .size()
        .x
        + 10.0;
    let chips_x = rect.min.x + label_width;
    let mut y = rect.min.y;
    y = draw::text_wrapped(
        &painter,
        Pos2::new(rect.min.x, y),
        "Namespaces: last 4 digits of the inode (member processes)",
        small.clone(),
        theme.text_muted,
        rect.width(),
    )
    .max
    .y + theme.small_size * 0.4;
    let mut clicked = None;
    for block in blocks {
        if blocks.len() == 1 {
            let kind = block.kind;
            let intro = format!(
                "{} namespaces ({}, Linux {}): {}",
                kind.title(),
                kind.clone_flag(),
                kind.since_kernel(),
                kind.description()
            );
            let used = draw::text_wrapped(
                &painter,
                Pos2::new(rect.min.x, y),
                &intro,
                small.clone(),
                theme.text,
                rect.width(),
            );
            y = used.max.y + 6.0;
        }
        painter.text(
            Pos2::new(rect.min.x, y + chip_height / 2.0),
            Align2::LEFT_CENTER,
            block.kind.slug(),
            small.clone(),
            theme.text,
        );
        let mut placed: BTreeMap<NsId, Rect> = BTreeMap::new();
        let mut level_rows: BTreeMap<u32, (f32, f32)> = BTreeMap::new();
        let mut next_row_y = y;
        for node in &block.nodes {
            let level = if block.kind.is_hierarchical() {
                node.level
            } else {
                0
            };
            let text = chip_text(node);
            let width = chips::chip_width(&painter, &chips::chip_label(&text, node.new), &small)
                .min(rect.max.x - chips_x)
                .max(1.0);
            let (row_y, x) = match level_rows.get(&level) {
                Some((row_y, x)) if x + width <= rect.max.x => (*row_y, *x),
                Some(_) | None => {
                    let row_y = if level > 0 && !level_rows.contains_key(&level) {
                        next_row_y + level_gap
                    } else {
                        next_row_y
                    };
                    next_row_y = row_y + line;
                    (row_y, chips_x)
                }
            };
            let indent = if x == chips_x {
                level as f32 * theme.small_size * 0.8
            } else {
                0.0
            };
            let chip_rect =
                Rect::from_min_size(Pos2::new(x + indent, row_y), Vec2::new(width, chip_height));
            level_rows.insert(level, (row_y, chip_rect.max.x + 4.0));
            if let Some(parent) = node.parent.and_then(|parent| placed.get(&parent)) {
                // An elbow: down from the parent, along a bus between the rows, down to the child.
                let bus_y = chip_rect.min.y - level_gap * 0.8;
                let from_x = parent.min.x + theme.small_size * 0.6;
                let to_x = chip_rect.min.x + theme.small_size * 0.6;
                let stroke = Stroke::new(theme.stroke_thin, theme.outline);
                painter.line_segment(
                    [Pos2::new(from_x, parent.max.y), Pos2::new(from_x, bus_y)],
                    stroke,
                );
                painter.line_segment([Pos2::new(from_x, bus_y), Pos2::new(to_x, bus_y)], stroke);
                painter.line_segment(
                    [Pos2::new(to_x, bus_y), Pos2::new(to_x, chip_rect.min.y)],
                    stroke,
                );
            }
            placed.insert(node.id, chip_rect);
            chips::chip(
                &painter,
                theme,
                chip_rect,
                chips::slot_fill(theme, node.slot),
                &text,
                Emphasis {
                    new: node.new,
                    selected: node.of_selected,
                },
            );
            let response = draw::hit_region(
                ui,
                chip_rect,
                egui::Id::unique(("ns-node", node.id.0)),
                &node.label,
            );
            if response.clicked() {
                clicked = node.first_member;
            }
            response.on_hover_text(&node.detail);
        }
        y = next_row_y.max(y + line) + 2.0;
        if y > rect.max.y {
            break;
        }
    }
    clicked
}
