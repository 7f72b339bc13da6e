//! The sandbox terminal: scrollback and a prompt that runs a line on Enter.
//!
//! The prompt keeps the keyboard after Enter (its Enter key is not the "end editing" key), so the
//! next command can be typed at once; Up and Down recall earlier lines. The scrollback lays out only
//! the rows on screen: every row is one line of monospace text, wrapped beforehand to the width.
//! A static picture (an export) shows no prompt, only the newest whole rows that fit.

use egui::text::LayoutJob;
use egui::{Color32, Key, Modifiers, Rect, TextFormat, Ui, Vec2};

use crate::tabs::containers::scene::cli::CliScene;
use crate::tabs::containers::scene::terminal::{RowKind, TermRow};
use crate::theme::{Role, Theme};

/// The prompt's accessible name (the UI tests find it by this).
pub const PROMPT_NAME: &str = "docker command line";

/// The text colour and background of each kind of row; the gutter mark says the same in words.
fn row_style(theme: &Theme, kind: RowKind, current: bool) -> (Color32, Color32, Color32) {
    match kind {
        RowKind::Prompt => (
            theme.accent,
            theme.text,
            if current {
                theme.faint
            } else {
                Color32::TRANSPARENT
            },
        ),
        RowKind::Stdout => (theme.text, theme.text, Color32::TRANSPARENT),
        RowKind::Stderr => (theme.text, theme.text, theme.tint(Role::Bad)),
        RowKind::Note => (theme.text_muted, theme.text_muted, Color32::TRANSPARENT),
    }
}

fn row_job(theme: &Theme, row: &TermRow, current: bool) -> LayoutJob {
    let font = theme.mono();
    let (mark_color, text_color, background) = row_style(theme, row.kind, current);
    let mut job = LayoutJob::default();
    job.append(
        row.mark(),
        0.0,
        TextFormat {
            font_id: font.clone(),
            color: mark_color,
            background,
            ..TextFormat::default()
        },
    );
    job.append(
        &row.text,
        0.0,
        TextFormat {
            font_id: font,
            color: text_color,
            italics: row.kind == RowKind::Note,
            background,
            ..TextFormat::default()
        },
    );
    job
}

/// Draws the terminal into `rect` and runs what is typed.
pub fn terminal_ui(ui: &mut Ui, theme: &Theme, rect: Rect, scene: &mut CliScene) {
    let painter = ui.painter_at(rect);
    painter.rect(
        rect,
        6.0,
        theme.surface,
        theme.thin(),
        egui::StrokeKind::Inside,
    );
    let inner = rect.shrink(8.0);
    let mono = theme.mono();
    let (char_width, row_height) =
        ui.fonts_mut(|fonts| (fonts.glyph_width(&mono, 'm'), fonts.row_height(&mono)));
    let columns = ((inner.width() - 16.0) / char_width.max(1.0))
        .floor()
        .max(10.0) as usize;

    // Heading and legend.
    let heading = painter.text(
        inner.left_top(),
        egui::Align2::LEFT_TOP,
        "Terminal  student@sandbox:~/app",
        theme.body(),
        theme.text,
    );
    let legend = painter.text(
        egui::pos2(inner.min.x, heading.max.y + 1.0),
        egui::Align2::LEFT_TOP,
        "$ you typed   ! standard error   # sandbox note",
        theme.small(),
        theme.text_muted,
    );

    let scroll_top = legend.max.y + 4.0;
    if crate::draw::is_static_picture(ui.ctx()) {
        let rect = Rect::from_min_max(egui::pos2(inner.min.x, scroll_top), inner.max);
        static_scrollback_ui(&painter, theme, rect, scene, columns, row_height);
        return;
    }

    // The prompt at the bottom, with a warning above it when typing drops later steps.
    let prompt_height = row_height + 12.0;
    let dropped = scene.steps_after_current();
    let warning_height = if dropped > 0 {
        theme.small_size * 1.5
    } else {
        0.0
    };
    let prompt_rect = Rect::from_min_max(
        egui::pos2(inner.min.x, inner.max.y - prompt_height),
        inner.max,
    );
    let scroll_rect = Rect::from_min_max(
        egui::pos2(inner.min.x, scroll_top),
        egui::pos2(inner.max.x, prompt_rect.min.y - warning_height - 4.0),
    );
    if dropped > 0 {
        let step = scene.timeline.step() + 1;
        painter.text(
            egui::pos2(inner.min.x, prompt_rect.min.y - 2.0),
            egui::Align2::LEFT_BOTTOM,
            format!(
                "Typing continues after step {step}: the {dropped} later step{} will be dropped",
                if dropped == 1 { "" } else { "s" }
            ),
            theme.small(),
            theme.text,
        );
    }

    scrollback_ui(ui, theme, scroll_rect, scene, columns, row_height);
    prompt_ui(ui, theme, prompt_rect, scene);
}

fn scrollback_ui(
    ui: &mut Ui,
    theme: &Theme,
    rect: Rect,
    scene: &mut CliScene,
    columns: usize,
    row_height: f32,
) {
    let current = scene.current().map(|(step, _)| step);
    let (generation, step) = (scene.generation, scene.timeline.step());
    let rows = scene.rows(columns);
    let total = rows.len();
    // Jump to the newest output whenever it changes (a new step, or a refused line's message).
    let follow_key = (generation, step, total);
    let id = egui::Id::unique("containers-terminal-follow");
    let follow = ui.data(|data| data.get_temp::<(u64, usize, usize)>(id)) != Some(follow_key);
    ui.data_mut(|data| data.insert_temp(id, follow_key));
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        ui.spacing_mut().item_spacing = Vec2::ZERO;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("containers-terminal")
            .auto_shrink([false, false])
            .stick_to_bottom(true);
        if follow {
            area = area.vertical_scroll_offset(row_height * total as f32);
        }
        area.show_rows(ui, row_height, total, |ui, range| {
            for row in rows.get(range).into_iter().flatten() {
                let is_current = row.step.is_some() && row.step == current;
                ui.add(
                    egui::Label::new(row_job(theme, row, is_current))
                        .wrap_mode(egui::TextWrapMode::Extend),
                );
            }
        });
    });
}

/// The newest rows that fit whole in `rect`, as a terminal shows them after the last command.
fn static_scrollback_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    scene: &mut CliScene,
    columns: usize,
    row_height: f32,
) {
    let current = scene.current().map(|(step, _)| step);
    let rows = scene.rows(columns);
    let fit = (rect.height() / row_height).floor().max(0.0) as usize;
    let first = rows.len().saturating_sub(fit);
    for (offset, row) in rows.iter().skip(first).enumerate() {
        let is_current = row.step.is_some() && row.step == current;
        let galley = painter.layout_job(row_job(theme, row, is_current));
        let pos = egui::pos2(rect.min.x, rect.min.y + offset as f32 * row_height);
        painter.galley(pos, galley, theme.text);
    }
}

fn prompt_ui(ui: &mut Ui, theme: &Theme, rect: Rect, scene: &mut CliScene) {
    let id = egui::Id::unique("containers-terminal-prompt");
    let focused = ui.memory(|memory| memory.has_focus(id));
    // Up and Down recall history; take them before the text field moves its cursor.
    let (up, down, enter) = if focused {
        ui.input_mut(|input| {
            (
                input.consume_key(Modifiers::NONE, Key::ArrowUp),
                input.consume_key(Modifiers::NONE, Key::ArrowDown),
                input.key_pressed(Key::Enter),
            )
        })
    } else {
        (false, false, false)
    };
    let mut recalled = false;
    if up && let Some(line) = scene.history.older(&scene.input) {
        scene.input = line;
        recalled = true;
    }
    if down && let Some(line) = scene.history.newer() {
        scene.input = line;
        recalled = true;
    }
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        ui.horizontal_centered(|ui| {
            ui.label(
                egui::RichText::new("$")
                    .font(theme.mono())
                    .color(theme.accent),
            );
            let edit = egui::TextEdit::singleline(&mut scene.input)
                .id(id)
                .font(theme.mono())
                .desired_width(ui.available_width())
                .hint_text("type a docker command; Enter runs it")
                .return_key(None);
            let output = edit.show(ui);
            output
                .response
                .response
                .clone()
                .accessible_name(PROMPT_NAME);
            if recalled {
                let mut state = output.state;
                let end = egui::text::CCursor::new(scene.input.chars().count());
                state
                    .cursor
                    .set_char_range(Some(egui::text::CCursorRange::one(end)));
                state.store(ui.ctx(), id);
            }
        });
    });
    if enter {
        scene.run_input();
        ui.memory_mut(|memory| memory.request_focus(id));
    }
}
