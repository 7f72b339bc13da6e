//! The simulated host as a diagram: the registry, local images as stacks of read-only layers, and
//! containers standing on them, each with its own writable layer.
//!
//! Used by the sandbox (the whole host) and by the layers view (the images a build or the
//! copy-on-write preset is about). What the current command changed is marked with an accent
//! outline and a word (`↓ downloaded`, `started`, `wrote /x`), so cause and effect stay visible.

use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use super::{container_state_style, dashed_rect, tag};
use crate::draw;
use crate::draw::fit_text;
use crate::tabs::containers::docker::Container;
use crate::tabs::containers::docker::Digest;
use crate::tabs::containers::docker::Engine;
use crate::tabs::containers::docker::human_size;
use crate::tabs::containers::docker::{Event, TimedEvent};
use crate::theme::{Role, Theme};

/// The word for a container killed after ignoring the stop signal.
const KILLED: &str = "SIGKILL after grace period";

/// How much a container word says: lifecycle changes over process runs over file writes.
fn rank(word: &str) -> u8 {
    match word {
        KILLED => 5,
        "exited now" | "frozen" | "thawed" => 4,
        "started" | "new" => 3,
        "exec ran" => 2,
        _ => 1,
    }
}

/// What one command changed, read from its events.
#[derive(Default)]
pub struct Changes {
    /// Containers and the word for what happened to them (the last event wins).
    pub containers: Vec<(Digest, &'static str)>,
    /// Names of containers removed.
    pub removed: Vec<String>,
    /// Layers downloaded.
    pub downloaded: Vec<Digest>,
    /// Layers a pull found already present.
    pub reused: Vec<Digest>,
    /// Files changed in writable layers: (container, path, what).
    pub files: Vec<(Digest, String, &'static str)>,
    /// Images pulled or built, by reference.
    pub images: Vec<String>,
}

impl Changes {
    /// Reads a command's events.
    pub fn from_events(events: &[TimedEvent]) -> Self {
        let mut changes = Self::default();
        for event in events {
            let (container, word) = match &event.event {
                Event::ContainerCreated { container, .. } => (*container, "new"),
                Event::ContainerStarted { container } => (*container, "started"),
                Event::ContainerExited { container, .. } => (*container, "exited now"),
                Event::ContainerPaused { container } => (*container, "frozen"),
                Event::ContainerUnpaused { container } => (*container, "thawed"),
                Event::GracePeriodExpired { container, .. } => (*container, KILLED),
                Event::ExecRan { container, .. } => (*container, "exec ran"),
                Event::ContainerRemoved { name, .. } => {
                    changes.removed.push(name.clone());
                    continue;
                }
                Event::LayerDownloaded { layer, .. } => {
                    changes.downloaded.push(*layer);
                    continue;
                }
                Event::LayerAlreadyExists { layer } => {
                    changes.reused.push(*layer);
                    continue;
                }
                Event::CopiedUp {
                    container, path, ..
                } => {
                    changes.files.push((*container, path.clone(), "copied up"));
                    (*container, "copy-on-write")
                }
                Event::FileWritten { container, path } => {
                    changes.files.push((*container, path.clone(), "written"));
                    (*container, "wrote a file")
                }
                Event::FileDeleted { container, path } => {
                    changes.files.push((*container, path.clone(), "whiteout"));
                    (*container, "deleted a file")
                }
                Event::ImagePulled { reference, .. } => {
                    changes.images.push(reference.clone());
                    continue;
                }
                Event::ImageBuilt {
                    reference: Some(reference),
                    ..
                } => {
                    changes.images.push(reference.clone());
                    continue;
                }
                _ => continue,
            };
            match changes
                .containers
                .iter_mut()
                .find(|(id, _)| *id == container)
            {
                // The most telling word wins: a kill over the exit it causes, a start over the
                // files the starting process writes.
                Some(entry) if rank(word) >= rank(entry.1) => entry.1 = word,
                Some(_) => {}
                None => changes.containers.push((container, word)),
            }
        }
        changes
    }

    fn container_word(&self, id: &Digest) -> Option<&'static str> {
        self.containers
            .iter()
            .find(|(c, _)| c == id)
            .map(|(_, word)| *word)
    }
}

/// One column of the diagram: an image (or none, for containers whose image was removed) and
/// the containers created from it.
pub struct Column {
    /// The image id.
    pub image: Option<Digest>,
    /// Indices into the engine's containers.
    pub containers: Vec<usize>,
}

/// The columns for every local image, oldest first, with the containers of each.
pub fn columns(engine: &Engine) -> Vec<Column> {
    let mut columns: Vec<Column> = engine
        .images
        .images
        .iter()
        .map(|image| Column {
            image: Some(image.id),
            containers: Vec::new(),
        })
        .collect();
    for (index, container) in engine.containers.iter().enumerate() {
        match columns
            .iter_mut()
            .find(|column| column.image == Some(container.image_id))
        {
            Some(column) => column.containers.push(index),
            None => match columns.iter_mut().find(|column| column.image.is_none()) {
                Some(column) => column.containers.push(index),
                None => columns.push(Column {
                    image: None,
                    containers: vec![index],
                }),
            },
        }
    }
    columns
}

/// What a layer row says beside its size: a tag and its fill role, if any.
pub type LayerNote<'a> = &'a dyn Fn(&Digest) -> Option<(String, Role)>;

/// Draws image columns side by side in `rect` (at most `max_columns`; the rest are counted).
#[expect(clippy::too_many_arguments)]
pub fn columns_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    engine: &Engine,
    columns: &[Column],
    changes: &Changes,
    layer_note: LayerNote<'_>,
    list_files: bool,
) {
    let max_columns = ((rect.width() / (theme.body_size * 9.0)).floor() as usize).clamp(1, 6);
    let shown = columns.len().min(max_columns);
    let hidden = columns.len() - shown;
    let gap = theme.body_size;
    let width = ((rect.width() - gap * (shown.max(1) as f32 - 1.0)) / shown.max(1) as f32)
        .min(theme.body_size * if list_files { 60.0 } else { 30.0 });
    // One band for the containers across all columns (room for the "what changed" tags above).
    let container_height = if columns.iter().all(|column| column.containers.is_empty()) {
        0.0
    } else if list_files {
        // Room for the longest writable-layer listing, up to 45 % of the height.
        let listing = listing_height(painter, theme, engine, columns, changes, width);
        let wanted = theme.body_size * 1.3 + theme.small_size * (1.4 + 1.0 + 1.25 + 1.6) + listing;
        wanted.min(rect.height() * 0.45).max(theme.small_size * 8.0)
    } else {
        theme.small_size * 6.4
    };
    for (index, column) in columns.iter().take(shown).enumerate() {
        let area = Rect::from_min_size(
            Pos2::new(rect.min.x + index as f32 * (width + gap), rect.min.y),
            Vec2::new(width, rect.height()),
        );
        let band = Rect::from_min_size(area.min, Vec2::new(width, container_height));
        let stack = Rect::from_min_max(
            Pos2::new(
                area.min.x,
                band.max.y + if container_height > 0.0 { 6.0 } else { 0.0 },
            ),
            area.max,
        );
        if container_height > 0.0 {
            containers_ui(
                ui,
                painter,
                theme,
                band.with_min_y(band.min.y + theme.small_size * 1.6),
                engine,
                &column.containers,
                changes,
                list_files,
            );
        }
        image_ui(
            ui, painter, theme, stack, engine, column, changes, layer_note,
        );
    }
    if hidden > 0 {
        painter.text(
            rect.right_bottom(),
            Align2::RIGHT_BOTTOM,
            format!("+{hidden} more images (docker images lists them)"),
            theme.small(),
            theme.text_muted,
        );
    }
}

#[expect(clippy::too_many_arguments)]
fn image_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    stack: Rect,
    engine: &Engine,
    column: &Column,
    changes: &Changes,
    layer_note: LayerNote<'_>,
) {
    let image = column.image.and_then(|id| engine.images.get(&id));
    let Some(image) = image else {
        painter.text(
            stack.center_top(),
            Align2::CENTER_TOP,
            "image removed (rmi -f)",
            theme.small(),
            theme.text_muted,
        );
        return;
    };
    let tags = engine.images.tags_of(&image.id);
    let name = tags
        .first()
        .cloned()
        .unwrap_or_else(|| format!("<none> {}", image.id.short()));
    let layers = engine.images.layers_of(image);
    let size = human_size(engine.images.size_of(image), 3);
    let pulled_now = tags.iter().any(|t| changes.images.contains(t));
    let users = match column.containers.len() {
        0 => String::new(),
        1 => " · under 1 container".to_owned(),
        n => format!(" · shared by {n} containers"),
    };
    // The summary wraps in a narrow column rather than being cut.
    let summary = format!("{} read-only layers · {size}{users}", layers.len());
    let summary_height = draw::text_height(painter, &summary, theme.small(), stack.width() - 10.0);
    let heading_height = theme.body_size * 1.5 + summary_height + 2.0;
    let heading = Rect::from_min_size(stack.min, Vec2::new(stack.width(), heading_height));
    let label = format!(
        "image {name}: {} read-only layers, {size}{users}{}",
        layers.len(),
        match tags.as_slice() {
            [_, others @ ..] if !others.is_empty() => {
                format!(" (also tagged {})", others.join(", "))
            }
            _ => String::new(),
        }
    );
    draw::hit_region(
        ui,
        heading,
        egui::Id::unique(("containers-image", image.id.short())),
        &label,
    );
    let heading_stroke = if pulled_now {
        theme.thick(theme.accent)
    } else {
        theme.thin()
    };
    painter.rect(
        heading,
        4.0,
        theme.tint(Role::Container),
        heading_stroke,
        egui::StrokeKind::Inside,
    );
    // An untagged image is named by its id, cut like `docker images` cuts ids.
    let title = draw::excerpt(
        painter,
        heading.left_top() + Vec2::new(5.0, 2.0),
        Align2::LEFT_TOP,
        &format!("image {name}"),
        theme.body(),
        theme.text,
        heading.width() - 10.0,
    );
    draw::text_wrapped(
        painter,
        Pos2::new(heading.min.x + 5.0, title.max.y),
        &summary,
        theme.small(),
        theme.text,
        heading.width() - 10.0,
    );

    // The layers, newest on top: two lines per layer when there is room, else one.
    let area = Rect::from_min_max(Pos2::new(stack.min.x, heading.max.y + 3.0), stack.max);
    let one_line = theme.small_size * 1.55;
    let two_lines = theme.small_size * 3.0;
    let row_height = if area.height() >= two_lines * layers.len() as f32 {
        two_lines
    } else {
        one_line
    };
    let fits = ((area.height() / row_height).floor() as usize).max(1);
    let (shown, folded) = if layers.len() > fits {
        (
            fits.saturating_sub(1),
            layers.len() - fits.saturating_sub(1),
        )
    } else {
        (layers.len(), 0)
    };
    let mut y = area.min.y;
    for (depth, layer) in layers.iter().rev().take(shown).enumerate() {
        let row = Rect::from_min_size(
            Pos2::new(area.min.x, y),
            Vec2::new(area.width(), row_height - 2.0),
        );
        y += row_height;
        let notes = layer_row_ui(
            painter,
            theme,
            row,
            engine,
            layer,
            changes,
            layer_note,
            row_height == two_lines,
        );
        let label = format!(
            "layer {} of {name}: {} {}{}",
            layers.len() - depth,
            human_size(layer.size_bytes, 3),
            short_instruction(&layer.created_by),
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            }
        );
        draw::hit_region(
            ui,
            row,
            egui::Id::unique(("containers-layer", image.id.short(), layer.diff_id.short())),
            &label,
        );
    }
    if folded > 0 {
        let row = Rect::from_min_size(
            Pos2::new(area.min.x, y),
            Vec2::new(area.width(), one_line - 2.0),
        );
        dashed_rect(painter, row, theme.thin(), theme.dash(2));
        fit_text(
            painter,
            Pos2::new(row.min.x + 4.0, row.center().y),
            Align2::LEFT_CENTER,
            &format!("+{folded} lower layers"),
            theme.small(),
            theme.text,
            row.width() - 8.0,
        );
    }
}

/// One read-only layer: size, instruction, and tags (downloaded, reused, the build's mark,
/// shared); returns the tags' words.
#[expect(clippy::too_many_arguments)]
fn layer_row_ui(
    painter: &egui::Painter,
    theme: &Theme,
    row: Rect,
    engine: &Engine,
    layer: &crate::tabs::containers::docker::Layer,
    changes: &Changes,
    layer_note: LayerNote<'_>,
    two_lines: bool,
) -> Vec<String> {
    let users = engine.images.layer_users(&layer.diff_id);
    let downloaded = changes.downloaded.contains(&layer.diff_id);
    let reused = changes.reused.contains(&layer.diff_id);
    let fill = if users > 1 {
        theme.fill(Role::Container)
    } else {
        theme.tint(Role::Container)
    };
    let stroke = if downloaded || reused {
        Stroke::new(theme.stroke_thick, theme.accent)
    } else {
        theme.thin()
    };
    painter.rect(row, 2.0, fill, stroke, egui::StrokeKind::Inside);
    let color = theme.text_on(fill);
    let mut notes: Vec<(String, egui::Color32)> = Vec::new();
    if downloaded {
        notes.push(("↓ downloaded".to_owned(), theme.accent));
    }
    if reused {
        notes.push(("✔ already here".to_owned(), theme.accent));
    }
    if let Some((text, role)) = layer_note(&layer.diff_id) {
        notes.push((text, theme.fill(role)));
    }
    if users > 1 {
        notes.push((format!("shared ×{users}"), theme.surface));
    }
    let text = format!(
        "{} {}",
        human_size(layer.size_bytes, 3),
        short_instruction(&layer.created_by)
    );
    let (text_y, tags_y) = if two_lines {
        (
            row.min.y + row.height() * 0.27,
            row.min.y + row.height() * 0.73,
        )
    } else {
        (row.center().y, row.center().y)
    };
    // Tags from the right edge; on one line they leave the text at least a third of the row.
    let mut right = row.max.x - 3.0;
    let limit = if two_lines {
        row.min.x + 3.0
    } else {
        row.min.x + row.width() * 0.35
    };
    for (note, fill) in &notes {
        let galley_width = painter
            .layout_no_wrap(note.clone(), theme.small(), theme.text)
            .size()
            .x;
        let left = right - galley_width - theme.small_size * 0.7;
        if left < limit {
            break;
        }
        tag(painter, theme, Pos2::new(left, tags_y), note, *fill);
        right = left - 3.0;
    }
    let text_right = if two_lines { row.max.x - 3.0 } else { right };
    // The layer's CREATED BY is cut where the box ends, as `docker history` cuts it.
    draw::excerpt(
        painter,
        Pos2::new(row.min.x + 4.0, text_y),
        Align2::LEFT_CENTER,
        &text,
        theme.small(),
        color,
        text_right - row.min.x - 6.0,
    );
    notes.into_iter().map(|(note, _)| note).collect()
}

/// `RUN pip install ...` from a history entry (drops the `/bin/sh -c #(nop)` noise).
pub fn short_instruction(created_by: &str) -> String {
    let text = created_by
        .trim_start_matches("/bin/sh -c #(nop) ")
        .trim_start_matches("/bin/sh -c ")
        .trim();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[expect(clippy::too_many_arguments)]
fn containers_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    engine: &Engine,
    indices: &[usize],
    changes: &Changes,
    list_files: bool,
) {
    if indices.is_empty() {
        painter.text(
            rect.center_bottom() - Vec2::new(0.0, 2.0),
            Align2::CENTER_BOTTOM,
            "no containers of this image",
            theme.small(),
            theme.text_muted,
        );
        return;
    }
    let max_shown = ((rect.width() / (theme.small_size * 6.5)).floor() as usize).clamp(1, 4);
    let shown = indices.len().min(max_shown);
    let extra = indices.len() - shown;
    let slots = shown + usize::from(extra > 0);
    let gap = 4.0;
    let width = (rect.width() - gap * (slots as f32 - 1.0)) / slots as f32;
    for (slot, index) in indices.iter().take(shown).enumerate() {
        let Some(container) = engine.containers.get(*index) else {
            continue;
        };
        let area = Rect::from_min_size(
            Pos2::new(rect.min.x + slot as f32 * (width + gap), rect.min.y),
            Vec2::new(width, rect.height()),
        );
        container_ui(ui, painter, theme, area, container, changes, list_files);
    }
    if extra > 0 {
        let area = Rect::from_min_size(
            Pos2::new(rect.min.x + shown as f32 * (width + gap), rect.min.y),
            Vec2::new(width, rect.height()),
        );
        dashed_rect(painter, area, theme.thin(), theme.dash(2));
        draw::text_centered(
            painter,
            area,
            &format!("+{extra} more"),
            theme.small(),
            theme.text,
        );
    }
}

fn container_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    container: &Container,
    changes: &Changes,
    list_files: bool,
) {
    let (fill, word) = container_state_style(theme, container.state);
    let state_word = match container.state {
        crate::tabs::containers::docker::ContainerState::Exited => {
            format!("{word} ({})", container.exit_code)
        }
        _ => word.to_owned(),
    };
    let changed = changes.container_word(&container.id);
    let label = format!(
        "container {}: {} (image {})",
        container.name,
        container.state.docker_name(),
        container.image_ref
    );
    draw::hit_region(
        ui,
        rect,
        egui::Id::unique(("containers-container", container.id.short())),
        &label,
    );
    // The container box: name and state.
    let box_height = theme.body_size * 1.45 + theme.small_size * 1.5;
    let top = Rect::from_min_size(rect.min, Vec2::new(rect.width(), box_height));
    let stroke = if changed.is_some() {
        theme.thick(theme.accent)
    } else {
        theme.thin()
    };
    painter.rect(top, 4.0, fill, stroke, egui::StrokeKind::Inside);
    let color = theme.text_on(fill);
    fit_text(
        painter,
        top.left_top() + Vec2::new(4.0, 2.0),
        Align2::LEFT_TOP,
        &container.name,
        theme.body(),
        color,
        top.width() - 8.0,
    );
    fit_text(
        painter,
        top.left_bottom() + Vec2::new(4.0, -2.0),
        Align2::LEFT_BOTTOM,
        &state_word,
        theme.small(),
        color,
        top.width() - 8.0,
    );
    if let Some(word) = changed {
        tag(
            painter,
            theme,
            Pos2::new(top.min.x + 2.0, top.min.y - theme.small_size * 0.75),
            word,
            theme.accent,
        );
    }
    // Its writable layer, dashed: it exists as long as the container does.
    let writable = Rect::from_min_max(Pos2::new(rect.min.x, top.max.y + 2.0), rect.max);
    painter.rect_filled(writable, 2.0, theme.surface);
    dashed_rect(
        painter,
        writable,
        Stroke::new(theme.stroke_thin, theme.outline),
        theme.dash(2),
    );
    let entries = container.upper.len();
    let summary = format!(
        "writable: {entries} change{} · {}",
        if entries == 1 { "" } else { "s" },
        human_size(container.writable_bytes(), 3)
    );
    let inner = writable.shrink2(Vec2::new(4.0, 2.0));
    let summary_rect = fit_text(
        painter,
        inner.min,
        Align2::LEFT_TOP,
        &summary,
        theme.small(),
        theme.text,
        inner.width(),
    );
    if !list_files {
        return;
    }
    let files: Vec<String> = container
        .upper
        .iter()
        .map(|(path, entry)| {
            let what = changes
                .files
                .iter()
                .find(|(c, p, _)| *c == container.id && p == path)
                .map_or(String::new(), |(_, _, what)| format!(" ({what} now)"));
            let kind = match entry {
                crate::tabs::containers::docker::FileEntry::Whiteout => "whiteout",
                _ => "file",
            };
            format!("{kind} {path}{what}")
        })
        .collect();
    draw::hit_region(
        ui,
        writable,
        egui::Id::unique(("containers-writable", container.id.short())),
        &format!("writable layer of {}: {}", container.name, files.join(", ")),
    );
    let mut y = summary_rect.max.y + 2.0;
    let lines = file_lines(container, changes);
    let count = lines.len();
    for (index, (text, changed_now)) in lines.into_iter().enumerate() {
        let color = if changed_now {
            theme.accent
        } else {
            theme.text
        };
        // A long path wraps onto a second row rather than losing its end.
        let galley = painter.layout(text, theme.small(), color, inner.width());
        if y + galley.size().y > inner.max.y {
            fit_text(
                painter,
                Pos2::new(inner.min.x, y),
                Align2::LEFT_TOP,
                &format!("… {} more", count - index),
                theme.small(),
                theme.text,
                inner.width(),
            );
            break;
        }
        y += galley.size().y;
        painter.galley(Pos2::new(inner.min.x, y - galley.size().y), galley, color);
    }
}

/// A container's writable-layer entries as the diagram lists them, and whether this step
/// changed each.
fn file_lines(container: &Container, changes: &Changes) -> Vec<(String, bool)> {
    container
        .upper
        .iter()
        .map(|(path, entry)| {
            let whiteout = matches!(entry, crate::tabs::containers::docker::FileEntry::Whiteout);
            let what = changes
                .files
                .iter()
                .find(|(c, p, _)| *c == container.id && p == path)
                .map(|(_, _, what)| *what);
            let mark = if whiteout { "✖ whiteout" } else { "✏ file" };
            match what {
                Some(what) => (format!("{mark} {path}  ← {what} now"), true),
                None => (format!("{mark} {path}"), false),
            }
        })
        .collect()
}

/// The height the longest writable-layer listing of `columns` takes, wrapped in boxes of a
/// column's width shared by its containers.
fn listing_height(
    painter: &egui::Painter,
    theme: &Theme,
    engine: &Engine,
    columns: &[Column],
    changes: &Changes,
    column_width: f32,
) -> f32 {
    columns
        .iter()
        .flat_map(|column| {
            let boxes = column.containers.len().clamp(1, 4) as f32;
            let width = (column_width - 4.0 * (boxes - 1.0)) / boxes - 8.0;
            column
                .containers
                .iter()
                .filter_map(|index| engine.containers.get(*index))
                .map(move |container| {
                    file_lines(container, changes)
                        .iter()
                        .map(|(text, _)| draw::text_height(painter, text, theme.small(), width))
                        .sum::<f32>()
                })
        })
        .fold(0.0, f32::max)
}

/// The registry's repositories as chips; pulled ones say so.
pub fn registry_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, engine: &Engine) {
    let inner = super::panel(
        painter,
        theme,
        rect,
        "Registry (Docker Hub): images to pull",
    );
    let mut x = inner.min.x;
    let y = inner.min.y + theme.small_size * 0.8;
    let mut repos: Vec<&str> = Vec::new();
    for remote in &engine.registry.images {
        if !repos.contains(&remote.repo.as_str()) {
            repos.push(&remote.repo);
        }
    }
    for repo in repos {
        let local = engine
            .images
            .tags
            .keys()
            .any(|tag| tag.rsplit_once(':').is_some_and(|(name, _)| name == repo));
        let text = if local {
            format!("{repo} ✔ local")
        } else {
            repo.to_owned()
        };
        let width = painter
            .layout_no_wrap(text.clone(), theme.small(), theme.text)
            .size()
            .x
            + theme.small_size;
        if x + width > inner.max.x {
            break;
        }
        let fill = if local {
            theme.fill(Role::Network)
        } else {
            theme.surface
        };
        tag(painter, theme, Pos2::new(x, y), &text, fill);
        x += width + 6.0;
    }
}
