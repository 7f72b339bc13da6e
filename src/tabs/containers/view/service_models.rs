//! The service-models view: who manages each layer under on-premises, IaaS, OS-level
//! virtualization (containers) and PaaS, as a table filled and worded per cell.
//!
//! "You" cells are filled, "Provider" cells are plain, "Shared" cells are half filled, and every
//! cell also says its word, so the table reads without colour. Clicking a cell explains it (and
//! puts it in the link as `select=`).

use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use super::{captioned_canvas, text_in_rect};
use crate::draw;
use crate::draw::fit_text;
use crate::tabs::containers::model::service_models::{
    Manager, SOURCES, ServiceModel, StackLayer, cell, differences, user_managed_halves,
};
use crate::tabs::containers::scene::service_models::ServiceScene;
use crate::theme::{Role, Theme};

/// The comparison picker and a button to clear the selection.
pub fn controls_ui(ui: &mut Ui, scene: &mut ServiceScene) {
    ui.label("Compare containers with");
    for model in [
        ServiceModel::Iaas,
        ServiceModel::Paas,
        ServiceModel::OnPremises,
    ] {
        if ui
            .selectable_label(scene.compare == Some(model), short_name(model))
            .clicked()
        {
            scene.compare = if scene.compare == Some(model) {
                None
            } else {
                Some(model)
            };
        }
    }
    ui.separator();
    ui.label("Click a cell to see why it is managed that way.");
    if scene.select.is_some() && ui.button("Clear selection").clicked() {
        scene.select = None;
    }
}

/// A model's name for the comparison lines.
fn short_name(model: ServiceModel) -> &'static str {
    match model {
        ServiceModel::OnPremises => "On-premises",
        ServiceModel::Iaas => "IaaS",
        ServiceModel::OsLevel => "Containers",
        ServiceModel::Paas => "PaaS",
    }
}

fn word(manager: Manager) -> &'static str {
    match manager {
        Manager::User => "You",
        Manager::Provider => "Provider",
        Manager::Shared => "Shared",
    }
}

/// Draws the table; clicking a cell selects it (clicking it again clears it).
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &mut ServiceScene) {
    let caption = match scene.compare {
        Some(model) => format!(
            "OS-level virtualization against {}: the rows marked ≠ differ, explained below",
            short_name(model)
        ),
        None => "Filled cells with \"You\" are yours to install, patch and secure; \"Provider\" cells are the platform's. Containers share the host kernel, so the operating system is split.".to_owned(),
    };
    let (painter, body) = captioned_canvas(
        ui,
        theme,
        "Who manages what: on-premises, IaaS, OS-level virtualization and PaaS",
        &caption,
    );
    let compared: Vec<StackLayer> = scene.compare.map(differences).unwrap_or_default();
    let comparing = !compared.is_empty() && scene.select.is_none();
    // A picture cannot be clicked: without a selected cell or a comparison it has no
    // explanation box.
    let explains = comparing || scene.select.is_some() || !draw::is_static_picture(ui.ctx());
    let info_height = if comparing {
        theme.small_size * 1.45 * (2 * compared.len()) as f32 + 16.0
    } else if explains {
        theme.body_size * 3.6
    } else {
        0.0
    };
    let [nist, kernel] = SOURCES;
    let sources = format!("Sources: {nist}; {kernel}");
    let sources_height = draw::text_height(&painter, &sources, theme.small(), body.width());
    let table = Rect::from_min_max(
        body.min,
        Pos2::new(body.max.x, body.max.y - info_height - sources_height - 16.0),
    );
    let header_height = theme.body_size * 2.8;
    let footer_height = theme.body_size * 1.6;
    let label_width = (table.width() * 0.16).max(theme.body_size * 7.0);
    let columns = ServiceModel::ALL.len() as f32;
    let col_width = (table.width() - label_width) / columns;
    let rows = StackLayer::ALL.len() as f32;
    let row_height = (table.height() - header_height - footer_height) / rows;

    for (col, model) in ServiceModel::ALL.iter().enumerate() {
        let x = table.min.x + label_width + col as f32 * col_width;
        let header = Rect::from_min_size(
            Pos2::new(x, table.min.y),
            Vec2::new(col_width, header_height),
        );
        draw::text_centered(&painter, header, model.title(), theme.body(), theme.text);
        let halves = user_managed_halves(*model);
        let count = if halves.is_multiple_of(2) {
            format!("you manage {} of 7", halves / 2)
        } else {
            format!("you manage {}½ of 7", halves / 2)
        };
        painter.text(
            Pos2::new(header.center().x, table.max.y),
            Align2::CENTER_BOTTOM,
            count,
            theme.body(),
            theme.text,
        );
    }
    let mut clicked = None;
    // Top row is the data, bottom row the hardware, as stacks are drawn.
    for (row, layer) in StackLayer::ALL.iter().rev().enumerate() {
        let y = table.min.y + header_height + row as f32 * row_height;
        let label_rect = Rect::from_min_size(
            Pos2::new(table.min.x, y),
            Vec2::new(label_width, row_height),
        );
        let differs = compared.contains(layer);
        fit_text(
            &painter,
            label_rect.left_center(),
            Align2::LEFT_CENTER,
            &if differs {
                format!("≠ {}", layer.title())
            } else {
                layer.title().to_owned()
            },
            theme.body(),
            theme.text,
            label_width - 6.0,
        );
        for (col, model) in ServiceModel::ALL.iter().enumerate() {
            let cell_rect = Rect::from_min_size(
                Pos2::new(table.min.x + label_width + col as f32 * col_width, y),
                Vec2::new(col_width, row_height),
            )
            .shrink(2.0);
            let info = cell(*model, *layer);
            let selected = scene.select == Some((*model, *layer));
            let label = format!(
                "{} / {}: {}",
                model.title(),
                layer.title(),
                word(info.manager)
            );
            let response = draw::hit_region(
                ui,
                cell_rect,
                egui::Id::unique(("containers-service-cell", col, row)),
                &label,
            );
            if response.clicked() {
                clicked = Some((*model, *layer));
            }
            cell_ui(
                &painter,
                theme,
                cell_rect,
                info.manager,
                selected || response.hovered(),
            );
            if selected {
                painter.rect_stroke(
                    cell_rect.expand(2.0),
                    4.0,
                    theme.thick(theme.accent),
                    egui::StrokeKind::Outside,
                );
            }
        }
    }
    // The two compared columns, outlined from heading to footer.
    if let Some(other) = scene.compare {
        for model in [ServiceModel::OsLevel, other] {
            let Some(col) = ServiceModel::ALL.iter().position(|m| *m == model) else {
                continue;
            };
            let x = table.min.x + label_width + col as f32 * col_width;
            painter.rect_stroke(
                Rect::from_min_max(
                    Pos2::new(x + 1.0, table.min.y + 1.0),
                    Pos2::new(x + col_width - 1.0, table.max.y + 4.0),
                ),
                6.0,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
        }
    }
    if let Some(picked) = clicked {
        scene.select = if scene.select == Some(picked) {
            None
        } else {
            Some(picked)
        };
    }

    draw::text_wrapped(
        &painter,
        Pos2::new(body.min.x, body.max.y - sources_height),
        &sources,
        theme.small(),
        theme.text_muted,
        body.width(),
    );
    if !explains {
        return;
    }
    // The explanation of the selected cell.
    let info_rect = Rect::from_min_max(
        Pos2::new(body.min.x, table.max.y + 8.0),
        Pos2::new(body.max.x, table.max.y + 8.0 + info_height),
    );
    painter.rect(
        info_rect,
        6.0,
        theme.surface,
        theme.thin(),
        egui::StrokeKind::Inside,
    );
    let text = match scene.select {
        Some((model, layer)) => {
            let info = cell(model, layer);
            format!(
                "{} · {}: {}, because {}.",
                model.title(),
                layer.title(),
                word(info.manager),
                info.note
            )
        }
        None if !compared.is_empty() => String::new(),
        None => "Click a cell to see why it is managed that way.".to_owned(),
    };
    if let (Some(other), true) = (scene.compare, text.is_empty()) {
        comparison_ui(&painter, theme, info_rect.shrink(8.0), other, &compared);
    }
    let inner = info_rect.shrink(8.0);
    text_in_rect(&painter, inner, &text, theme.body(), theme.text);
}

/// For each differing layer: who manages it under `other` and under OS-level virtualization,
/// and why.
fn comparison_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    other: ServiceModel,
    layers: &[StackLayer],
) {
    let mut y = rect.min.y;
    let line = theme.small_size * 1.45;
    for layer in layers {
        for model in [other, ServiceModel::OsLevel] {
            let info = cell(model, *layer);
            let prefix = if model == other {
                format!("≠ {}: ", layer.title())
            } else {
                "     ".to_owned()
            };
            fit_text(
                painter,
                Pos2::new(rect.min.x, y),
                Align2::LEFT_TOP,
                &format!(
                    "{prefix}{} {}: {}",
                    short_name(model),
                    word(info.manager),
                    info.note
                ),
                theme.small(),
                theme.text,
                rect.width(),
            );
            y += line;
        }
    }
}

/// A cell: "You" filled, "Provider" plain, "Shared" half filled; the word is always written.
fn cell_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, manager: Manager, hot: bool) {
    let user_fill = theme.fill(Role::App);
    let stroke = if hot {
        Stroke::new(theme.stroke_thick, theme.outline)
    } else {
        theme.thin()
    };
    let (text_rect, fill) = match manager {
        Manager::User => {
            painter.rect(rect, 4.0, user_fill, stroke, egui::StrokeKind::Inside);
            (rect, user_fill)
        }
        Manager::Provider => {
            painter.rect(rect, 4.0, theme.surface, stroke, egui::StrokeKind::Inside);
            (rect, theme.surface)
        }
        Manager::Shared => {
            painter.rect(rect, 4.0, theme.surface, stroke, egui::StrokeKind::Inside);
            let half = Rect::from_min_max(rect.min, Pos2::new(rect.center().x, rect.max.y));
            painter.rect_filled(half.shrink(1.0), 3.0, user_fill);
            (half, user_fill)
        }
    };
    let color = theme.text_on(fill);
    if manager == Manager::Shared {
        // Left half: the image's userland (yours); right half: the host's kernel (provider's).
        let right = Rect::from_min_max(Pos2::new(rect.center().x, rect.min.y), rect.max);
        draw::labelled_box(
            painter,
            theme,
            text_rect.shrink(1.0),
            fill,
            Stroke::NONE,
            "Shared",
            Some("userland: you"),
        );
        draw::text_centered(
            painter,
            right,
            "kernel: provider",
            theme.small(),
            theme.text,
        );
    } else {
        draw::text_centered(painter, text_rect, word(manager), theme.body(), color);
    }
}
