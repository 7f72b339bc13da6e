//! Draws the power view: the facility's power at each stage as segmented bars (IT equipment,
//! cooling, power distribution losses, fixed overhead), PUE worked out from them, and where that
//! PUE sits between the ideal, hyperscale operators and the industry's averages.
//!
//! Stages not reached yet are drawn as empty outlines, so stepping reveals what consolidation
//! does; every number on the canvas comes from [`PowerModel`].

use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use crate::draw;
use crate::tabs::overview::model::power::{
    AVERAGE_PUE_2007, AVERAGE_PUE_2023, HYPERSCALE_PUE, PowerBreakdown, PowerModel, PowerStage,
};
use crate::tabs::overview::scene::{PowerScene, power_sources};
use crate::theme::{Role, Theme};

/// The four parts of a facility's power: name, role (colour), value and what it is.
fn parts(power: PowerBreakdown) -> [(&'static str, Role, f64, &'static str); 4] {
    [
        (
            "IT equipment",
            Role::App,
            power.it_kw,
            "servers, storage, network: the useful load",
        ),
        (
            "Cooling",
            Role::Container,
            power.cooling_kw,
            "chillers, CRAC units, fans and pumps, growing with the IT heat",
        ),
        (
            "Power distribution losses",
            Role::Warn,
            power.distribution_kw,
            "lost in UPS, transformers and PDUs on the way",
        ),
        (
            "Fixed overhead",
            Role::Neutral,
            power.fixed_kw,
            "UPS no-load losses, minimum fan and pump power, lighting",
        ),
    ]
}

/// `361 kW`, or `1.2 MW` for big facilities.
pub fn format_kw(kw: f64) -> String {
    if kw >= 10_000.0 {
        format!("{:.1} MW", kw / 1000.0)
    } else if kw >= 10.0 {
        format!("{kw:.0} kW")
    } else {
        format!("{kw:.1} kW")
    }
}

/// The sliders: the fleet and the facility.
pub fn controls_ui(ui: &mut Ui, scene: &mut PowerScene) {
    let (mut fleet, mut facility) = (scene.model.fleet, scene.model.facility);
    let mut util = fleet.utilisation * 100.0;
    let mut loss = facility.distribution_loss * 100.0;
    let mut changed = false;
    // Each name, slider and value is one group as wide as its widest value needs, so the
    // wrapping row breaks between groups and never pushes a value past the edge.
    let mut slider = |ui: &mut Ui, name: &str, widest: &str, slider: egui::Slider<'_>| {
        let text_width = |text: &str| {
            let font = egui::TextStyle::Body.resolve(ui.style());
            ui.painter()
                .layout_no_wrap(text.to_owned(), font, egui::Color32::PLACEHOLDER)
                .size()
                .x
        };
        let spacing = ui.spacing();
        let value_width =
            (text_width(widest) + 2.0 * spacing.button_padding.x).max(spacing.interact_size.x);
        let width =
            text_width(name) + spacing.slider_width + value_width + 3.0 * spacing.item_spacing.x;
        let height = spacing.interact_size.y;
        ui.allocate_ui_with_layout(
            egui::vec2(width, height),
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                ui.set_min_width(width);
                let label = ui.label(name);
                changed |= ui.add(slider).labelled_by(label.id).changed();
            },
        );
    };
    slider(
        ui,
        "Servers",
        "10000",
        egui::Slider::new(&mut fleet.servers, 10..=10_000).logarithmic(true),
    );
    slider(
        ui,
        "Utilisation %",
        "100",
        egui::Slider::new(&mut util, 1.0..=100.0).step_by(1.0),
    );
    slider(
        ui,
        "Cooling kW per IT kW",
        "1.50",
        egui::Slider::new(&mut facility.cooling_per_it, 0.0..=1.5).step_by(0.01),
    );
    slider(
        ui,
        "Distribution loss %",
        "20.0",
        egui::Slider::new(&mut loss, 0.0..=20.0).step_by(0.5),
    );
    slider(
        ui,
        "Fixed overhead kW",
        "1000",
        egui::Slider::new(&mut facility.fixed_kw, 0.0..=1000.0).step_by(1.0),
    );
    if changed {
        fleet.utilisation = util / 100.0;
        facility.distribution_loss = loss / 100.0;
        scene.set_params(fleet, facility);
    }
}

/// Draws the view.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &PowerScene) {
    let model = &scene.model;
    let stage = scene.stage();
    let canvas = draw::split_canvas(
        ui,
        theme,
        "Data-centre power and PUE",
        &model.caption(stage),
        &power_sources(),
        0.58,
    );
    let (painter, theme) = (&canvas.painter, &canvas.theme);
    bars_ui(ui, painter, theme, canvas.main, model, stage);
    pue_ui(painter, theme, canvas.side, model, stage);
}

/// One bar per stage, all on the scale of the largest total, with a legend.
fn bars_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    model: &PowerModel,
    stage: PowerStage,
) {
    let largest = PowerStage::ALL
        .iter()
        .map(|s| model.at(*s).total_kw())
        .fold(0.0, f64::max)
        .max(1e-9);
    let heading = draw::fit_text(
        painter,
        rect.min,
        Align2::LEFT_TOP,
        "Facility power from the grid, by where it goes",
        theme.body(),
        theme.text,
        rect.width(),
    );
    let legend_height = theme.small_size * 3.2;
    let rows = Rect::from_min_max(
        Pos2::new(rect.min.x, heading.max.y + 8.0),
        Pos2::new(rect.max.x, rect.max.y - legend_height),
    );
    let row_height = (rows.height() / PowerStage::ALL.len() as f32).min(theme.body_size * 6.0);
    let reached = PowerStage::ALL
        .iter()
        .position(|s| *s == stage)
        .unwrap_or(0);
    for (index, this) in PowerStage::ALL.iter().enumerate() {
        let top = rows.min.y + index as f32 * row_height;
        let current = *this == stage;
        let power = model.at(*this);
        let label = format!("{}{}", if current { "▶ " } else { "" }, this.title());
        let label_rect = draw::fit_text(
            painter,
            Pos2::new(rows.min.x, top),
            Align2::LEFT_TOP,
            &label,
            theme.body(),
            theme.text,
            rows.width(),
        );
        let bar_top = label_rect.max.y + 4.0;
        let bar_height = (row_height - (bar_top - top) - theme.small_size * 1.6 - 10.0)
            .clamp(theme.small_size * 1.2, theme.body_size * 2.6);
        let total_label = theme.small_size * 9.0;
        let full = (rows.width() - total_label).max(10.0);
        let bar_rect = Rect::from_min_size(
            Pos2::new(rows.min.x, bar_top),
            Vec2::new(full * (power.total_kw() / largest) as f32, bar_height),
        );
        if index > reached {
            // Not reached yet: an empty outline of the same size.
            draw::dashed_rect(
                painter,
                bar_rect,
                Stroke::new(theme.stroke_thin, theme.text_muted),
                theme.dash(2),
            );
            painter.text(
                bar_rect.left_center() + Vec2::new(6.0, 0.0),
                Align2::LEFT_CENTER,
                "next step",
                theme.small(),
                theme.text_muted,
            );
            continue;
        }
        let mut x = bar_rect.min.x;
        for (_, role, kw, _) in parts(power) {
            let width = full * (kw / largest) as f32;
            let segment = Rect::from_min_size(Pos2::new(x, bar_top), Vec2::new(width, bar_height));
            painter.rect_filled(segment, 0.0, theme.fill(role));
            let text = format_kw(kw);
            let galley = painter.layout_no_wrap(text.clone(), theme.small(), theme.text);
            if galley.size().x + 6.0 < width {
                painter.text(
                    segment.center(),
                    Align2::CENTER_CENTER,
                    text,
                    theme.small(),
                    theme.text_on(theme.fill(role)),
                );
            }
            x += width;
        }
        let stroke = if current {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        painter.rect_stroke(bar_rect, 2.0, stroke, egui::StrokeKind::Outside);
        draw::hit_region(
            ui,
            bar_rect,
            egui::Id::unique(("power-bar", index)),
            &format!(
                "{}: {} in all, PUE {:.2}",
                this.title(),
                format_kw(power.total_kw()),
                power.pue()
            ),
        );
        painter.text(
            Pos2::new(bar_rect.max.x + 8.0, bar_rect.center().y),
            Align2::LEFT_CENTER,
            format!("{} · PUE {:.2}", format_kw(power.total_kw()), power.pue()),
            theme.small(),
            theme.text,
        );
        painter.text(
            Pos2::new(rows.min.x, bar_rect.max.y + 3.0),
            Align2::LEFT_TOP,
            fleet_line(model, *this),
            theme.small(),
            theme.text_muted,
        );
    }
    // Legend: a swatch and the name of each part.
    let mut x = rect.min.x;
    let y = rect.max.y - legend_height * 0.5;
    let y = y.min(rows.min.y + row_height * PowerStage::ALL.len() as f32 + legend_height * 0.5);
    for (name, role, _, _) in parts(model.at(stage)) {
        let swatch = swatch_ui(
            painter,
            theme,
            Pos2::new(x, y - theme.small_size * 0.5),
            role,
        );
        let text_rect = painter.text(
            Pos2::new(swatch.max.x + 4.0, y),
            Align2::LEFT_CENTER,
            name,
            theme.small(),
            theme.text,
        );
        x = text_rect.max.x + theme.small_size;
    }
}

/// A legend swatch of `role`'s fill with its top-left corner at `at`; returns its rectangle.
fn swatch_ui(painter: &egui::Painter, theme: &Theme, at: Pos2, role: Role) -> Rect {
    let swatch = Rect::from_min_size(at, Vec2::splat(theme.small_size));
    painter.rect(
        swatch,
        2.0,
        theme.fill(role),
        theme.thin(),
        egui::StrokeKind::Inside,
    );
    swatch
}

/// What the IT equipment is at a stage.
fn fleet_line(model: &PowerModel, stage: PowerStage) -> String {
    match stage {
        PowerStage::Before => format!(
            "{} servers at {:.0} % utilisation, {:.0} W each",
            model.fleet.servers,
            model.fleet.utilisation * 100.0,
            model.server.watts(model.fleet.utilisation)
        ),
        PowerStage::Consolidated | PowerStage::RightSized => format!(
            "{} VM hosts at {:.0} % utilisation, {:.0} W each",
            model.consolidated.hosts,
            model.consolidated.utilisation * 100.0,
            model.server.watts(model.consolidated.utilisation)
        ),
    }
}

/// PUE worked out, and where it sits on a scale of published values.
fn pue_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    model: &PowerModel,
    stage: PowerStage,
) {
    let inner = draw::surface(painter, theme, rect, 10.0);
    let power = model.at(stage);
    let mut y = inner.min.y;
    let mut line = |text: &str, font: egui::FontId, color| {
        let used = draw::text_wrapped(
            painter,
            Pos2::new(inner.min.x, y),
            text,
            font,
            color,
            inner.width(),
        );
        y = used.max.y + 4.0;
    };
    line(
        "PUE = total facility power / IT equipment power",
        theme.body(),
        theme.text,
    );
    line(
        &format!(
            "= {} / {}",
            format_kw(power.total_kw()),
            format_kw(power.it_kw)
        ),
        theme.body(),
        theme.text,
    );
    line(
        &format!(
            "= 1 + non-IT / IT = 1 + {:.2}",
            power.overhead_kw() / power.it_kw
        ),
        theme.small(),
        theme.text_muted,
    );
    let big = egui::FontId::proportional(theme.heading_size * 1.6);
    line(&format!("PUE {:.2}", power.pue()), big, theme.text);
    line(
        "1.0 would mean every watt reaches the IT equipment; lower is better",
        theme.small(),
        theme.text_muted,
    );

    // The scale: 1.0 to 2.6 with the published reference points and this facility.
    let scale_top = y + theme.small_size * 2.4;
    let scale = Rect::from_min_max(
        Pos2::new(inner.min.x + 6.0, scale_top),
        Pos2::new(inner.max.x - 6.0, scale_top + 6.0),
    );
    if scale.max.y + theme.small_size * 5.0 > inner.max.y {
        return;
    }
    let (low, high) = (1.0, 2.6);
    let x_of = |pue: f64| {
        scale.min.x + scale.width() * ((pue.clamp(low, high) - low) / (high - low)) as f32
    };
    painter.rect_filled(scale, 3.0, theme.faint);
    let marks = [
        (1.0, "1.0 ideal"),
        (HYPERSCALE_PUE, "≈1.1 hyperscale"),
        (AVERAGE_PUE_2023, "1.58 average 2023"),
        (AVERAGE_PUE_2007, "2.5 in 2007"),
    ];
    for (index, (pue, text)) in marks.iter().enumerate() {
        let x = x_of(*pue);
        painter.line_segment(
            [
                Pos2::new(x, scale.min.y - 4.0),
                Pos2::new(x, scale.max.y + 4.0),
            ],
            Stroke::new(theme.stroke_thin, theme.outline),
        );
        // Alternate above and below so neighbouring labels do not collide.
        let (pos, align) = if index % 2 == 0 {
            (Pos2::new(x, scale.max.y + 6.0), Align2::CENTER_TOP)
        } else {
            (Pos2::new(x, scale.min.y - 6.0), Align2::CENTER_BOTTOM)
        };
        // Keep every label inside the scale's extent.
        let galley = painter.layout_no_wrap((*text).to_owned(), theme.small(), theme.text);
        let half = galley.size().x / 2.0;
        let x = draw::clamp_into(x, inner.min.x + half, inner.max.x - half);
        let rect = align.anchor_size(Pos2::new(x, pos.y), galley.size());
        painter.galley(rect.min, galley, theme.text);
    }
    let here = x_of(power.pue());
    let tip = Pos2::new(here, scale.max.y + theme.small_size * 1.6);
    painter.add(egui::Shape::convex_polygon(
        vec![tip, tip + Vec2::new(-7.0, 12.0), tip + Vec2::new(7.0, 12.0)],
        theme.accent,
        Stroke::NONE,
    ));
    let here_label = painter.text(
        tip + Vec2::new(0.0, 14.0),
        Align2::CENTER_TOP,
        format!("this facility {:.2}", power.pue()),
        theme.small(),
        theme.text,
    );

    // Where the power goes at this step, part by part.
    let mut y = here_label.max.y + theme.small_size * 1.2;
    for (name, role, kw, what) in parts(power) {
        if y + theme.small_size * 2.6 > inner.max.y {
            break;
        }
        let swatch = swatch_ui(painter, theme, Pos2::new(inner.min.x, y + 2.0), role);
        let head = draw::fit_text(
            painter,
            Pos2::new(swatch.max.x + 6.0, y),
            Align2::LEFT_TOP,
            &format!(
                "{name}: {} ({:.0} %)",
                format_kw(kw),
                kw / power.total_kw() * 100.0
            ),
            theme.small(),
            theme.text,
            inner.max.x - swatch.max.x - 6.0,
        );
        draw::fit_text(
            painter,
            Pos2::new(swatch.max.x + 6.0, head.max.y),
            Align2::LEFT_TOP,
            what,
            theme.small(),
            theme.text_muted,
            inner.max.x - swatch.max.x - 6.0,
        );
        y = head.max.y + theme.small_size * 1.7;
    }
}
