//! "This machine": when the live data is read (once when the view first draws, then only on
//! Refresh), and the filter, selection and page that the link and the controls change.

use std::time::Instant;

use egui::Ui;

use super::live::{LiveScene, live_canvas_ui};
use super::live_summary::{LiveSummary, RowRef};
use super::toolbar::{filter_ui, mode_ui};
use crate::scene::SceneLink;
use crate::tabs::namespaces::link;
use crate::tabs::namespaces::live::{LiveError, read_live};
use crate::tabs::namespaces::model::NsType;
use crate::theme::Theme;

/// The live view's state.
#[derive(Default)]
pub struct LiveState {
    /// Show only this type.
    pub filter: Option<NsType>,
    /// The selected PID.
    pub select: Option<u32>,
    /// The page of the namespace list.
    pub page: usize,
    rows_per_page: usize,
    data: Option<Result<LiveSummary, LiveError>>,
    read_ms: f64,
    rows: Vec<RowRef>,
}

impl LiveState {
    /// The canonical link.
    pub fn link(&self) -> SceneLink {
        link::print_live(self.filter, self.select)
    }

    /// Shows a link's filter and selection (keeps the data already read).
    pub fn open(&mut self, filter: Option<NsType>, select: Option<u32>) {
        self.filter = filter;
        self.select = select;
        self.page = 0;
        self.update_rows();
    }

    /// Reads this machine's namespaces now.
    pub fn refresh(&mut self) {
        let started = Instant::now();
        let result = read_live().map(|snapshot| LiveSummary::of(snapshot, std::process::id()));
        self.read_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.data = Some(result);
        self.update_rows();
    }

    fn update_rows(&mut self) {
        self.rows = match &self.data {
            Some(Ok(summary)) => summary.rows(self.filter),
            _ => Vec::new(),
        };
    }

    fn pages(&self) -> usize {
        self.rows.len().div_ceil(self.rows_per_page.max(1)).max(1)
    }

    fn set_filter(&mut self, filter: Option<NsType>) {
        self.filter = filter;
        self.page = 0;
        self.update_rows();
    }

    /// The controls; returns true when the student switched back to the simulator.
    pub fn controls_ui(&mut self, ui: &mut Ui) -> bool {
        let mut to_sim = false;
        ui.horizontal_wrapped(|ui| {
            to_sim = mode_ui(ui, true) == Some(false);
            ui.separator();
            if ui
                .button("⟳ Refresh")
                .on_hover_text("Read /proc again (the view never reads on its own)")
                .clicked()
            {
                self.refresh();
            }
            if let Some(filter) = filter_ui(ui, self.filter) {
                self.set_filter(filter);
            }
            let pages = self.pages();
            if ui
                .add_enabled(self.page > 0, egui::Button::new("◀ Previous page"))
                .clicked()
            {
                self.page = self.page.saturating_sub(1);
            }
            if ui
                .add_enabled(self.page + 1 < pages, egui::Button::new("Next page ▶"))
                .clicked()
            {
                self.page += 1;
            }
            if ui
                .add_enabled(self.select.is_some(), egui::Button::new("Clear selection"))
                .clicked()
            {
                self.select = None;
            }
        });
        to_sim
    }

    /// The canvas; reads the data the first time it is drawn.
    pub fn canvas_ui(&mut self, ui: &mut Ui, theme: &Theme) {
        if self.data.is_none() {
            self.refresh();
        }
        // `refresh` always leaves a result.
        let Some(data) = &self.data else {
            return;
        };
        let input = live_canvas_ui(
            ui,
            theme,
            &LiveScene {
                data: data.as_ref(),
                read_ms: self.read_ms,
                rows: &self.rows,
                filter: self.filter,
                select: self.select,
                page: self.page,
            },
        );
        self.rows_per_page = input.rows_per_page.max(1);
        self.page = self.page.min(self.pages() - 1);
        if input.page_delta > 0 && self.page + 1 < self.pages() {
            self.page += 1;
        } else if input.page_delta < 0 {
            self.page = self.page.saturating_sub(1);
        }
        if let Some(pid) = input.select {
            self.select = Some(pid);
        }
        if let Some(filter) = input.filter {
            self.set_filter(filter);
        }
    }
}
