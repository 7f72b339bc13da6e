//! The shared playback bar: start, step back, play/pause, step forward, end, a scrubbable track
//! with the named steps as ticks (hover one for its caption), the speed, and the current step's
//! caption as text (scenes paint it too, for exports; this label is what screen readers read).
//! While a quiz question's scene hides what lies ahead ([`Timeline::ahead_hidden`]), the bar
//! shows only the marks passed and not the end, so its ticks cannot be counted for the answer.

use egui::{Pos2, Rect, Sense, Stroke, Ui, Vec2};

use crate::theme::Theme;
use crate::timeline::{SPEEDS, Timeline};

/// Draws the bar for `timeline` and applies what the user does to it.
pub fn bar_ui(ui: &mut Ui, timeline: &mut Timeline, theme: &Theme) {
    ui.horizontal(|ui| {
        if ui
            .button("⏮ Start")
            .on_hover_text("Jump to the start (Home)")
            .clicked()
        {
            timeline.to_start();
        }
        if ui
            .button("◀ Back")
            .on_hover_text("Previous step (Left)")
            .clicked()
        {
            timeline.step_back();
        }
        let play_label = if timeline.is_playing() {
            "⏸ Pause"
        } else {
            "▶ Play"
        };
        if ui
            .button(play_label)
            .on_hover_text("Play or pause (Space)")
            .clicked()
        {
            timeline.toggle_play();
        }
        if ui
            .button("Next ▶")
            .on_hover_text("Next step (Right)")
            .clicked()
        {
            timeline.step_forward();
        }
        if ui
            .button("End ⏭")
            .on_hover_text("Jump to the end (End)")
            .clicked()
        {
            timeline.to_end();
        }
        egui::ComboBox::from_label("speed")
            .selected_text(format!("{}x", timeline.speed()))
            .width(theme.body_size * 4.0)
            .show_ui(ui, |ui| {
                for speed in SPEEDS {
                    let selected = timeline.speed() == speed;
                    if ui.selectable_label(selected, format!("{speed}x")).clicked() {
                        timeline.set_speed(speed);
                    }
                }
            })
            .response
            .on_hover_text("Playback speed ([ slower, ] faster)");
        // As wide as the text will ever be ("12.0 s of 30.0 s" at the end), so the bar does not
        // shift while the position changes.
        let last = timeline.marks().len().max(1);
        let widest = match (timeline.unit(), timeline.ahead_hidden()) {
            (crate::timeline::Unit::Steps, false) => format!("Step {last} of {last}"),
            (crate::timeline::Unit::Steps, true) => format!("Step {last}"),
            (crate::timeline::Unit::Seconds, false) => {
                format!("{0:.1} s of {0:.1} s", timeline.end())
            }
            (crate::timeline::Unit::Seconds, true) => format!("{:.1} s", timeline.end()),
        };
        let font = egui::TextStyle::Body.resolve(ui.style());
        let width = ui
            .painter()
            .layout_no_wrap(widest, font, theme.text)
            .size()
            .x;
        ui.allocate_ui_with_layout(
            Vec2::new(width, ui.spacing().interact_size.y),
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                ui.set_min_width(width);
                ui.label(timeline.position_text());
            },
        );
        track_ui(ui, timeline, theme);
    });
    if let Some(caption) = timeline.caption() {
        ui.label(egui::RichText::new(caption).color(theme.text_muted));
    }
}

/// The scrub track: click or drag anywhere to seek; ticks mark the named steps.
fn track_ui(ui: &mut Ui, timeline: &mut Timeline, theme: &Theme) {
    let height = theme.body_size * 1.6;
    let width = ui.available_width().max(80.0);
    let (rect, response) =
        ui.allocate_exact_size(Vec2::new(width, height), Sense::click_and_drag());
    let end = timeline.end();
    response
        .widget_info(|| egui::WidgetInfo::slider(true, timeline.position(), "Timeline position"));
    // The handle is a circle centred on the track's ends at the extremes: inset the track by its
    // radius and stroke, so the handle is never cut at the window's edge.
    let handle_radius = 7.0;
    let inset = handle_radius + theme.stroke_thick;
    let track = Rect::from_min_max(
        Pos2::new(rect.min.x + inset, rect.center().y - 3.0),
        Pos2::new(rect.max.x - inset, rect.center().y + 3.0),
    );
    let x_of = |position: f64| {
        if end <= 0.0 {
            track.min.x
        } else {
            track.min.x + (position / end) as f32 * track.width()
        }
    };
    if let Some(pointer) = response.interact_pointer_pos()
        && (response.dragged() || response.clicked())
        && end > 0.0
    {
        let fraction = ((pointer.x - track.min.x) / track.width()).clamp(0.0, 1.0);
        let mut target = f64::from(fraction) * end;
        if timeline.unit() == crate::timeline::Unit::Steps {
            target = target.round();
        }
        timeline.seek(target);
    }

    let painter = ui.painter_at(rect);
    painter.rect(
        track,
        3.0,
        theme.faint,
        theme.thin(),
        egui::StrokeKind::Middle,
    );
    let done = Rect::from_min_max(track.min, Pos2::new(x_of(timeline.position()), track.max.y));
    painter.rect_filled(done, 3.0, theme.accent);
    let mut hovered_mark = None;
    for (i, mark) in timeline.visible_marks().iter().enumerate() {
        let x = x_of(mark.at);
        painter.line_segment(
            [
                Pos2::new(x, track.min.y - 5.0),
                Pos2::new(x, track.max.y + 5.0),
            ],
            Stroke::new(theme.stroke_thin, theme.outline),
        );
        if let Some(hover) = response.hover_pos()
            && (hover.x - x).abs() < 5.0
        {
            hovered_mark = Some(i);
        }
    }
    let handle = Pos2::new(x_of(timeline.position()), track.center().y);
    painter.circle(
        handle,
        handle_radius,
        theme.canvas,
        Stroke::new(theme.stroke_thick, theme.accent),
    );
    // Hover texts are tooltips: nothing is painted over the track itself.
    if let Some(mark) = hovered_mark.and_then(|i| timeline.visible_marks().get(i)) {
        response.on_hover_text(format!("{}: {}", mark.slug, mark.label));
    }
}
