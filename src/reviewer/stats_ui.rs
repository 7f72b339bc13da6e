//! The statistics window: reviews per day, the 30-day due forecast, true retention from the
//! review log and the distribution of memory stability, with egui_plot.
//!
//! The numbers are read from the store when the window opens or on Refresh, never per frame.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::{ProgressError, Reviewer};
use crate::review::stats::{DayReviews, Retention, StabilityBucket};
use crate::theme::{Role, Theme};

/// How many days the history and the forecast cover.
const DAYS: u32 = 30;

/// What the window shows, read once.
struct Snapshot {
    reviews: Vec<DayReviews>,
    forecast: Vec<u32>,
    retention: Retention,
    stability: Vec<StabilityBucket>,
}

/// The statistics window's state.
#[derive(Default)]
pub struct StatsState {
    /// Whether the window is open.
    pub open: bool,
    snapshot: Option<Result<Snapshot, ProgressError>>,
}

impl StatsState {
    /// Forgets the numbers so they are read again.
    pub fn invalidate(&mut self) {
        self.snapshot = None;
    }
}

fn read(reviewer: &Reviewer) -> Result<Snapshot, ProgressError> {
    let store = reviewer.store_to_read()?;
    let deck = &reviewer.deck().meta.id;
    let clock = reviewer.scheduler().clock();
    let now = reviewer.now_secs();
    Ok(Snapshot {
        reviews: store.reviews_per_day(deck, clock, now, DAYS)?,
        forecast: store.due_forecast(deck, clock, now, DAYS)?,
        retention: store.retention(deck, clock, now, 365)?,
        stability: store.stability_histogram(deck)?,
    })
}

/// Draws the window if it is open.
pub fn stats_window(
    ctx: &egui::Context,
    theme: &Theme,
    reviewer: &Reviewer,
    state: &mut StatsState,
) {
    if !state.open {
        return;
    }
    if state.snapshot.is_none() {
        state.snapshot = Some(read(reviewer));
    }
    let mut open = state.open;
    let mut refresh = false;
    crate::dialog::centered_window(ctx, "Statistics")
        .open(&mut open)
        .default_size([760.0, 560.0])
        .show(ctx, |ui| {
            if ui.button("Refresh").clicked() {
                refresh = true;
            }
            match &state.snapshot {
                Some(Ok(snapshot)) => snapshot_ui(ui, theme, snapshot),
                Some(Err(err)) => {
                    ui.label(format!("Statistics are unavailable: {err}"));
                }
                None => {}
            }
        });
    if refresh {
        state.snapshot = None;
    }
    state.open = open;
}

fn snapshot_ui(ui: &mut Ui, theme: &Theme, snapshot: &Snapshot) {
    let retention_text = match snapshot.retention.true_retention() {
        Some(rate) => format!(
            "True retention (last 365 days): {:.1} %  ·  young {} / {}  ·  mature {} / {}",
            rate * 100.0,
            snapshot.retention.young_passed,
            snapshot.retention.young_total,
            snapshot.retention.mature_passed,
            snapshot.retention.mature_total
        ),
        None => "True retention: no review-card answers yet".to_owned(),
    };
    ui.label(RichText::new(retention_text).strong());
    // Three charts, each with a heading above and its axis names: about four rows of text each.
    let text_row = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let height = ((ui.available_height() - 12.0 * text_row) / 3.0).max(110.0);

    ui.label("Answers per day, last 30 days (today on the right)");
    let reviews = [
        ("Learning", Role::App, 0usize),
        ("Review", Role::Good, 1),
        ("Relearning", Role::Bad, 2),
    ];
    let mut charts: Vec<BarChart> = Vec::new();
    // Headroom above the tallest day, and the legend in the top-left corner (the oldest days):
    // today's bar, on the right, is the one a student looks for.
    let tallest = snapshot
        .reviews
        .iter()
        .map(|day| day.learning + day.review + day.relearning)
        .max()
        .unwrap_or(0);
    for (name, role, kind) in reviews {
        let bars = snapshot
            .reviews
            .iter()
            .map(|day| {
                let value = [day.learning, day.review, day.relearning]
                    .get(kind)
                    .copied()
                    .unwrap_or_default();
                Bar::new(f64::from(day.day_offset), f64::from(value)).width(0.8)
            })
            .collect();
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(name, bars)
            .color(theme.fill(role))
            .stack_on(&refs);
        charts.push(chart);
    }
    Plot::new("reviews-per-day")
        .height(height)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .include_y(f64::from(tallest.max(1)) * 1.6)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_label("day (0 = today)")
        .y_axis_label("answers")
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });

    ui.label("Due cards, next 30 days (today on the left, overdue included)");
    let forecast = snapshot
        .forecast
        .iter()
        .enumerate()
        .map(|(day, count)| Bar::new(day as f64, f64::from(*count)).width(0.8))
        .collect();
    Plot::new("due-forecast")
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_label("days from today")
        .y_axis_label("cards due")
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("Due", forecast).color(theme.fill(Role::Warn)));
        });

    ui.label("Memory stability: how many days until recall drops to 90 %");
    let stability = snapshot
        .stability
        .iter()
        .enumerate()
        .map(|(i, bucket)| {
            let name = match bucket.upper_days {
                Some(upper) => format!("{}–{} d", bucket.lower_days, upper),
                None => format!("≥ {} d", bucket.lower_days),
            };
            Bar::new(i as f64, f64::from(bucket.cards))
                .width(0.8)
                .name(name)
        })
        .collect();
    Plot::new("stability")
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_label("bucket (hover for days)")
        .y_axis_label("cards")
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("Cards", stability).color(theme.fill(Role::GuestKernel)));
        });
}
