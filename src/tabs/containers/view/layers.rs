//! The images-and-layers view: a Dockerfile editor beside the layer stacks it produces.
//!
//! Each Dockerfile line is marked with what the last build did with it (taken from the cache, or
//! run again) and the layer it made carries the same mark, so editing a line and rebuilding shows
//! which layers the cache keeps. Containers stand on the shared read-only layers with their own
//! writable layer, listing the files copy-on-write put there.

use egui::{Align2, Key, Modifiers, Pos2, Rect, Ui, Vec2};

use super::host::{self, Changes};
use super::{captioned_canvas, split_h, step_caption, tag};
use crate::draw;
use crate::draw::fit_text;
use crate::tabs::containers::docker::LayersPreset;
use crate::tabs::containers::docker::human_size;
use crate::tabs::containers::scene::layers::{BuildSource, BuildSummary, LayersScene};
use crate::theme::{Role, Theme};

/// The editor's accessible name.
pub const EDITOR_NAME: &str = "Dockerfile editor";

/// Preset picker, Rebuild and Undo edit.
pub fn controls_ui(ui: &mut Ui, scene: &mut LayersScene) {
    ui.label("Preset");
    for preset in LayersPreset::ALL {
        let selected = scene.preset == *preset && scene.dockerfile.is_none();
        if ui
            .selectable_label(selected, preset.slug())
            .on_hover_text(preset.title())
            .clicked()
            && scene.preset != *preset
        {
            let link = crate::tabs::containers::link::view_link(
                crate::tabs::containers::model::View::Layers,
            )
            .with("preset", preset.slug());
            if let Ok(fresh) = LayersScene::from_link(&link) {
                *scene = fresh;
            }
        }
    }
    if scene.preset == LayersPreset::CopyOnWrite {
        return;
    }
    ui.separator();
    let dirty = scene.draft_is_dirty();
    let label = if dirty {
        "🔨 Rebuild (edited)"
    } else {
        "🔨 Rebuild"
    };
    if ui
        .button(label)
        .on_hover_text(
            "docker build -t myapp . with the editor's Dockerfile (Ctrl+Enter in the editor)",
        )
        .clicked()
    {
        scene.rebuild();
    }
    if (scene.dockerfile.is_some() || dirty)
        && ui
            .button("Undo edit")
            .on_hover_text("Back to the preset's Dockerfile")
            .clicked()
    {
        scene.reset_edit();
    }
}

/// Draws the view.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &mut LayersScene) {
    scene.sync_draft();
    let title = format!("Images and layers: {}", scene.preset.title());
    let caption = caption(scene);
    let (painter, body) = captioned_canvas(ui, theme, &title, &caption);
    let (left, right) = split_h(body, 0.42, 14.0);

    if scene.preset == LayersPreset::CopyOnWrite {
        command_ui(&painter, theme, left, scene);
    } else {
        let editor_height = (left.height() * 0.58).max(theme.mono_size * 8.0);
        let editor = Rect::from_min_size(left.min, Vec2::new(left.width(), editor_height));
        let below = Rect::from_min_max(Pos2::new(left.min.x, editor.max.y + 8.0), left.max);
        editor_ui(ui, theme, editor, scene);
        command_ui(&painter, theme, below, scene);
    }
    stacks_ui(ui, &painter, theme, right, scene);
}

fn caption(scene: &mut LayersScene) -> String {
    let step = scene.timeline.step();
    let (_, build, _) = scene.frame();
    match build {
        Some(build) if build.source == BuildSource::Edited => {
            let cached: Vec<String> = build
                .lines
                .iter()
                .filter(|l| l.cached)
                .map(|l| l.line.to_string())
                .collect();
            let ran: Vec<String> = build
                .lines
                .iter()
                .filter(|l| !l.cached)
                .map(|l| l.line.to_string())
                .collect();
            let mut text = format!("Your edited Dockerfile, built after step {}: ", step + 1);
            let lines = |list: &[String]| {
                format!(
                    "line{} {}",
                    if list.len() == 1 { "" } else { "s" },
                    list.join(", ")
                )
            };
            if cached.is_empty() {
                text.push_str("nothing came from the cache");
            } else {
                text.push_str(&format!("{} from the cache", lines(&cached)));
            }
            if !ran.is_empty() {
                text.push_str(&format!("; {} rebuilt", lines(&ran)));
            }
            if let Some((_, error)) = &build.error {
                text.push_str(&format!("; the build failed: {error}"));
            }
            text.push('.');
            text
        }
        _ => step_caption(&scene.timeline).to_owned(),
    }
}

/// The editor with each line's build status in a gutter on its right.
fn editor_ui(ui: &mut Ui, theme: &Theme, rect: Rect, scene: &mut LayersScene) {
    let painter = ui.painter_at(rect);
    let dirty = scene.draft_is_dirty();
    let heading = if dirty {
        "Dockerfile (edited: Rebuild to build it)"
    } else {
        "Dockerfile"
    };
    let inner = super::panel(&painter, theme, rect, heading);
    let gutter = theme.small_size * 9.0;
    let edit_rect = Rect::from_min_max(inner.min, Pos2::new(inner.max.x - gutter, inner.max.y));
    let id = egui::Id::unique("containers-dockerfile-editor");
    let focused = ui.memory(|memory| memory.has_focus(id));
    let rebuild =
        focused && ui.input_mut(|input| input.consume_key(Modifiers::COMMAND, Key::Enter));
    let output = ui
        .scope_builder(egui::UiBuilder::new().max_rect(edit_rect), |ui| {
            egui::ScrollArea::vertical()
                .id_salt("containers-dockerfile-scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    egui::TextEdit::multiline(&mut scene.draft)
                        .id(id)
                        .code_editor()
                        .font(theme.mono())
                        .desired_width(edit_rect.width())
                        .desired_rows(8)
                        .show(ui)
                })
                .inner
        })
        .inner;
    output
        .response
        .response
        .clone()
        .accessible_name(EDITOR_NAME);
    if output.response.changed() {
        scene.draft_edited = true;
    }
    if rebuild {
        scene.rebuild();
    }
    if dirty {
        return;
    }
    // Line marks: which build line each row is, and what the build did with it.
    let (_, build, _) = scene.frame();
    let Some(build) = build else {
        return;
    };
    let mut line = 1;
    let mut starts_line = true;
    for row in &output.galley.rows {
        if starts_line {
            let y = output.galley_pos.y + row.rect().center().y;
            if y > edit_rect.min.y && y < edit_rect.max.y {
                line_mark_ui(
                    &painter,
                    theme,
                    Pos2::new(edit_rect.max.x + 4.0, y),
                    build,
                    line,
                );
            }
        }
        starts_line = row.ends_with_newline;
        if row.ends_with_newline {
            line += 1;
        }
    }
}

fn line_mark_ui(
    painter: &egui::Painter,
    theme: &Theme,
    pos: Pos2,
    build: &BuildSummary,
    line: usize,
) {
    if let Some((Some(error_line), _)) = &build.error
        && *error_line == line
    {
        tag(painter, theme, pos, "✖ error", theme.fill(Role::Bad));
        return;
    }
    let Some(entry) = build.line(line) else {
        if build
            .dockerfile
            .lines()
            .nth(line - 1)
            .is_some_and(|text| text.trim_start().to_ascii_uppercase().starts_with("FROM "))
        {
            tag(painter, theme, pos, "base image", theme.fill(Role::Neutral));
        }
        return;
    };
    let layer = if entry.layer.is_some() { " +layer" } else { "" };
    if entry.cached {
        tag(
            painter,
            theme,
            pos,
            &format!("✔ cached{layer}"),
            theme.fill(Role::Good),
        );
    } else {
        tag(
            painter,
            theme,
            pos,
            &format!("↻ rebuilt{layer}"),
            theme.fill(Role::Warn),
        );
    }
}

/// The session's terminal up to the step (its last rows), or the rebuild's summary.
fn command_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, scene: &mut LayersScene) {
    let edited = scene.dockerfile.is_some();
    let row = theme.mono_size * 1.3;
    if edited {
        let (_, build, _) = scene.frame();
        let mut lines: Vec<String> = Vec::new();
        if let Some(build) = build {
            lines.push(format!(
                "Sending build context to Docker daemon  {}",
                human_size(build.context_bytes, 3)
            ));
            for entry in &build.lines {
                lines.push(format!(
                    "line {} {}: {}",
                    entry.line,
                    entry.instruction,
                    if entry.cached {
                        "---> Using cache"
                    } else {
                        "rebuilt (ran again)"
                    }
                ));
            }
            if let Some((_, error)) = &build.error {
                lines.push(format!("! {error}"));
            }
        }
        let inner = super::panel(
            painter,
            theme,
            rect,
            "$ docker build -t myapp .  (your edit)",
        );
        let mut y = inner.min.y;
        for line in lines {
            if y + row > inner.max.y {
                break;
            }
            fit_text(
                painter,
                Pos2::new(inner.min.x, y),
                Align2::LEFT_TOP,
                &line,
                theme.mono(),
                theme.text,
                inner.width(),
            );
            y += row;
        }
        return;
    }
    let inner = super::panel(
        painter,
        theme,
        rect,
        "Terminal (the preset's commands so far)",
    );
    let columns = ((inner.width() / (theme.mono_size * 0.62)).floor() as usize).max(10);
    let step = scene.timeline.step();
    let rows = scene.terminal_rows(columns);
    let fits = ((inner.height() / row).floor() as usize).max(1);
    let mut y = inner.min.y;
    for term_row in rows.iter().skip(rows.len().saturating_sub(fits)) {
        let current = term_row.step == Some(step);
        let color = if current {
            theme.text
        } else {
            theme.text_muted
        };
        fit_text(
            painter,
            Pos2::new(inner.min.x, y),
            Align2::LEFT_TOP,
            &format!("{}{}", term_row.mark(), term_row.text),
            theme.mono(),
            color,
            inner.width(),
        );
        y += row;
    }
}

/// The image stacks (newest first) with each built layer's mark, and the containers on them.
fn stacks_ui(ui: &Ui, painter: &egui::Painter, theme: &Theme, rect: Rect, scene: &mut LayersScene) {
    let (engine, build, events) = scene.frame();
    let changes = Changes::from_events(events);
    let mut columns = host::columns(engine);
    columns.reverse();
    let heading =
        "Layer stacks: read-only image layers, newest on top; containers add a writable layer";
    let inner = super::panel(painter, theme, rect, heading);
    if columns.is_empty() {
        draw::text_centered(
            painter,
            inner,
            "No images yet: docker build makes one layer per RUN, COPY and ADD.",
            theme.body(),
            theme.text_muted,
        );
        return;
    }
    let note = |digest: &_| -> Option<(String, Role)> {
        let entry = build?.layer(digest)?;
        Some(if entry.cached {
            (format!("line {} cached", entry.line), Role::Good)
        } else {
            (format!("line {} rebuilt", entry.line), Role::Warn)
        })
    };
    host::columns_ui(
        ui, painter, theme, inner, engine, &columns, &changes, &note, true,
    );
}
