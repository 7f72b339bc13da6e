//! Draws a card side's light Markdown (paragraphs, lists, emphasis, inline code, code blocks)
//! with the theme's fonts and colours.

use egui::text::{LayoutJob, TextFormat};
use egui::{FontId, Ui};

use crate::deck::markdown::{self, Block, Inline};
use crate::theme::Theme;

/// Draws `text` (a card side) at `size` points.
pub fn markdown_ui(ui: &mut Ui, theme: &Theme, text: &str, size: f32) {
    for block in markdown::parse(text) {
        match block {
            Block::Paragraph(inlines) => {
                ui.label(job(theme, &inlines, size, ui.available_width()));
            }
            Block::List { start, items } => {
                for (i, item) in items.iter().enumerate() {
                    let marker = match start {
                        Some(first) => format!("{}.", first + i as u64),
                        None => "•".to_owned(),
                    };
                    ui.horizontal_top(|ui| {
                        ui.label(
                            egui::RichText::new(marker)
                                .size(size)
                                .color(theme.text_muted),
                        );
                        ui.label(job(theme, item, size, ui.available_width()));
                    });
                }
            }
            Block::CodeBlock { code, .. } => {
                egui::Frame::NONE
                    .fill(theme.surface)
                    .stroke(theme.thin())
                    .inner_margin(6)
                    .corner_radius(4)
                    .show(ui, |ui| {
                        ui.label(
                            egui::RichText::new(code)
                                .font(FontId::monospace(size * 0.92))
                                .color(theme.text),
                        );
                    });
            }
        }
        ui.add_space(size * 0.3);
    }
}

fn job(theme: &Theme, inlines: &[Inline], size: f32, width: f32) -> LayoutJob {
    let mut job = LayoutJob {
        wrap: egui::text::TextWrapping {
            max_width: width,
            ..Default::default()
        },
        ..Default::default()
    };
    let plain = TextFormat {
        font_id: FontId::proportional(size),
        color: theme.text,
        ..Default::default()
    };
    for inline in inlines {
        match inline {
            Inline::Text(text) => job.append(text, 0.0, plain.clone()),
            Inline::Emphasis(text) => job.append(
                text,
                0.0,
                TextFormat {
                    italics: true,
                    ..plain.clone()
                },
            ),
            // egui's built-in fonts have no bold face: strong text is underlined, at full contrast.
            Inline::Strong(text) => job.append(
                text,
                0.0,
                TextFormat {
                    color: theme.text_strong,
                    underline: egui::Stroke::new(1.0, theme.text),
                    ..plain.clone()
                },
            ),
            Inline::Code(text) => job.append(
                text,
                0.0,
                TextFormat {
                    font_id: FontId::monospace(size * 0.92),
                    background: theme.surface,
                    ..plain.clone()
                },
            ),
            Inline::LineBreak => job.append("\n", 0.0, plain.clone()),
            Inline::Image { alt, .. } => job.append(&format!("[{alt}]"), 0.0, plain.clone()),
        }
    }
    job
}
