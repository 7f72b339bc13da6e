//! Binary translation's translation cache at a step: its blocks, hits and misses, the block
//! the kernel lane shows outlined.

use egui::{Align2, Painter, Pos2, Rect, Ui, Vec2};

use crate::draw;
use crate::tabs::cpu::scene::RunData;
use crate::tabs::cpu::view::label_region;
use crate::theme::Theme;

/// The translation cache at a step (binary translation only).
pub fn cache_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &RunData,
    step_index: usize,
    prefix: &str,
) -> f32 {
    let blocks = data.trace.blocks_at(step_index);
    let counters = data
        .trace
        .step(step_index)
        .map(|step| step.state.counters)
        .unwrap_or_default();
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let heading = format!(
        "Translation cache: {} block(s), {} hit(s), {} miss(es)",
        blocks.len(),
        counters.tc_hits,
        counters.tc_misses()
    );
    let heading_rect = draw::text_wrapped(
        &clipped,
        rect.min,
        &heading,
        theme.body(),
        theme.text,
        rect.width(),
    );
    label_region(ui, heading_rect, (prefix, "cache"), || {
        format!("{prefix}{heading}")
    });
    let mut y = heading_rect.max.y + 2.0;
    let shown = data
        .shown_block
        .get(step_index)
        .copied()
        .flatten()
        .map(|(block, _)| block);
    let row_height = theme.small_size * 1.5;
    for (index, block) in blocks.iter().enumerate() {
        let start = crate::tabs::cpu::view::block_start_name(data, block.guest_start);
        let rewritten = block
            .ops
            .iter()
            .filter(|op| op.kind != crate::tabs::cpu::model::bt::OpKind::Ident)
            .count();
        let text = format!(
            "#{index} at {start}: {} instructions, {rewritten} rewritten",
            block.ops.len()
        );
        let row = Rect::from_min_size(
            Pos2::new(rect.min.x, y),
            Vec2::new(rect.width(), row_height),
        );
        let stroke = if shown == Some(index) {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        clipped.rect(row, 3.0, theme.surface, stroke, egui::StrokeKind::Inside);
        clipped.text(
            Pos2::new(row.min.x + 6.0, row.center().y),
            Align2::LEFT_CENTER,
            &text,
            theme.small(),
            theme.text,
        );
        y += row_height + 2.0;
    }
    if blocks.is_empty() {
        let empty = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            "Empty: each kernel block is translated on first use.",
            theme.small(),
            theme.text_muted,
            rect.width(),
        );
        y = empty.max.y;
    }
    y
}
