//! The memory page grid: guest memory as cells that fill up as pages cross the link.
//!
//! A VM has up to millions of pages, so each cell stands for a contiguous range of them
//! ([`page_grid_at`] aggregates) and the cell count follows the space on screen, capped at
//! [`MAX_CELLS`] so the grid stays within the frame budget whatever the memory size. Each cell
//! shows one state: not sent (empty), sent and up to date (solid), faulted in (solid with a
//! dot), dirty and due again (hatched). The model gives expected counts per range, so a range
//! whose pages are 20% dirty makes one cell in five dirty (see [`shown_state`]); the legend
//! gives the exact amounts.

use crate::units::bytes_approx;
use egui::epaint::Mesh;
use egui::{Color32, Pos2, Rect, Shape, Vec2};

use crate::tabs::migration::model::{CellState, MigrationTimeline, Mode, PAGE_SIZE_BYTES, VmState};
use crate::theme::{Role, Theme};

/// The most cells drawn, whatever the memory size and screen.
pub const MAX_CELLS: usize = 1024;

/// The widest a cell is drawn, in points.
const MAX_CELL_PX: f32 = 36.0;

/// How the grid fills its area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridLayout {
    /// Cells per row.
    pub cols: usize,
    /// Rows used.
    pub rows: usize,
    /// Side of a cell including its gap, in points.
    pub cell_px: f32,
    /// Cells drawn (each a range of pages).
    pub cells: usize,
}

/// Chooses square cells that fill `area` for `pages` pages, at least `min_cell_px` wide and at
/// most `max_cells` of them (never more cells than pages).
pub fn grid_layout(area: Vec2, pages: u64, min_cell_px: f32, max_cells: usize) -> GridLayout {
    let empty = GridLayout {
        cols: 0,
        rows: 0,
        cell_px: 0.0,
        cells: 0,
    };
    if area.x < min_cell_px || area.y < min_cell_px || pages == 0 || max_cells == 0 {
        return empty;
    }
    let wanted = pages.min(max_cells as u64) as usize;
    let mut side = (area.x * area.y / wanted as f32).sqrt().min(MAX_CELL_PX);
    loop {
        let cols = ((area.x / side).floor() as usize).max(1);
        let rows = wanted.div_ceil(cols);
        if rows as f32 * side <= area.y || side <= min_cell_px {
            break;
        }
        side *= 0.97;
    }
    let side = side.max(min_cell_px);
    let cols = ((area.x / side).floor() as usize).max(1);
    let fit_rows = ((area.y / side).floor() as usize).max(1);
    let cells = wanted.min(cols * fit_rows);
    GridLayout {
        cols,
        rows: cells.div_ceil(cols),
        cell_px: side,
        cells,
    }
}

/// The last grid sampled, kept while neither the simulation nor the position changes.
#[derive(Default)]
pub struct GridCache {
    key: Option<(u64, usize, u64, usize)>,
    cells: Vec<CellState>,
}

impl GridCache {
    /// The grid of `timeline` (the `index`-th of simulation `generation`) at `t_secs` with
    /// `count` cells, sampled only when one of them changed.
    pub fn cells(
        &mut self,
        generation: u64,
        index: usize,
        timeline: &MigrationTimeline,
        t_secs: f64,
        count: usize,
    ) -> &[CellState] {
        let key = (generation, index, t_secs.to_bits(), count);
        if self.key != Some(key) {
            self.cells = crate::tabs::migration::model::page_grid_at(timeline, t_secs, count);
            self.key = Some(key);
        }
        &self.cells
    }
}

/// The page states a method can show, with their legend words and roles.
fn states(mode: Mode) -> &'static [PageState] {
    match mode {
        Mode::Cold => &[PageState::NotSent, PageState::Sent],
        Mode::PreCopy => &[PageState::NotSent, PageState::Sent, PageState::Dirty],
        Mode::PostCopy => &[PageState::NotSent, PageState::Sent, PageState::Faulted],
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PageState {
    NotSent,
    Sent,
    Dirty,
    Faulted,
}

impl PageState {
    const ALL: [Self; 4] = [Self::NotSent, Self::Sent, Self::Dirty, Self::Faulted];

    fn word(self, mode: Mode) -> &'static str {
        match (self, mode) {
            (Self::NotSent, Mode::PostCopy) => "Only on the source",
            (Self::NotSent, _) => "Not sent yet",
            (Self::Sent, Mode::PostCopy) => "Pushed",
            (Self::Sent, _) => "Sent, up to date",
            (Self::Dirty, _) => "Dirty: re-send",
            (Self::Faulted, _) => "Faulted in on demand",
        }
    }

    fn pages(self, state: &VmState) -> f64 {
        match self {
            Self::NotSent => state.pages.not_sent,
            Self::Sent => state.pages.sent_clean,
            Self::Dirty => state.pages.dirty,
            Self::Faulted => state.pages.faulted_in,
        }
    }
}

/// Paints `cells` into `rect` laid out by `layout`; returns the rectangle used.
///
/// The whole grid is one mesh of axis-aligned quads (a faint background that shows between
/// the cells, a quad per cell for its state, the state's mark, and a dark border around
/// working-set cells), grouped by colour: a thousand cells cost one shape, no anti-aliasing
/// feathers, and export writes one SVG path per colour.
pub fn grid_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    layout: &GridLayout,
    cells: &[CellState],
    mark_hot: bool,
) -> Rect {
    let cols = layout.cols.max(1);
    let gap = if layout.cell_px >= 6.0 { 1.0 } else { 0.0 };
    let origin = rect.min.round();
    let cell_rect = |i: usize| {
        let (row, col) = (i / cols, i % cols);
        let min = origin + Vec2::new(col as f32, row as f32) * layout.cell_px;
        Rect::from_min_max(
            min.round(),
            (min + Vec2::splat(layout.cell_px - gap)).round(),
        )
    };
    let shown: Vec<(PageState, bool)> = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| (shown_state(cell, i), mark_hot && cell.hot_pages > 0))
        .collect();
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(cells.len() * 6);
    mesh.reserve_triangles(cells.len() * 3);
    // The faint borders are the background showing between cells: one quad for the full rows
    // and one for the last, partial row. Working-set cells get their own dark border.
    let full_rows = cells.len() / cols;
    let size = |cols: usize, rows: usize| {
        Vec2::new(cols as f32, rows as f32) * layout.cell_px - Vec2::splat(gap)
    };
    if full_rows > 0 {
        mesh.add_colored_rect(
            Rect::from_min_size(origin, size(cols, full_rows)),
            theme.faint,
        );
    }
    if !cells.len().is_multiple_of(cols) {
        let min = origin + Vec2::new(0.0, full_rows as f32 * layout.cell_px);
        mesh.add_colored_rect(
            Rect::from_min_size(min, size(cells.len() % cols, 1)),
            theme.faint,
        );
    }
    let (outline, outline_width) = border(theme, true);
    let inner = |i: usize, hot: bool| {
        if hot {
            cell_rect(i).shrink(outline_width)
        } else {
            cell_rect(i)
        }
    };
    for (i, _) in shown.iter().enumerate().filter(|(_, s)| s.1) {
        mesh.add_colored_rect(cell_rect(i), outline);
    }
    for state in PageState::ALL {
        let fill = state_fill(theme, state);
        for (i, (shown_state, hot)) in shown.iter().enumerate() {
            if *shown_state == state {
                mesh.add_colored_rect(inner(i, *hot), fill);
            }
        }
    }
    for (i, (state, hot)) in shown.iter().enumerate() {
        add_mark(&mut mesh, inner(i, *hot), *state, theme);
    }
    painter.add(Shape::mesh(mesh));
    Rect::from_min_size(
        origin,
        Vec2::new(
            layout.cols as f32 * layout.cell_px,
            layout.rows as f32 * layout.cell_px,
        ),
    )
}

/// The border of a cell: strong for working-set pages, faint otherwise.
fn border(theme: &Theme, hot: bool) -> (Color32, f32) {
    if hot {
        (theme.outline, theme.stroke_thin.max(1.0))
    } else {
        (theme.faint, 1.0)
    }
}

/// The fill of a page state: none (the canvas) for pages not sent yet.
fn state_fill(theme: &Theme, state: PageState) -> Color32 {
    match state {
        PageState::NotSent => theme.canvas,
        PageState::Sent => theme.fill(Role::Good),
        PageState::Dirty => theme.fill(Role::Warn),
        PageState::Faulted => theme.fill(Role::Runtime),
    }
}

/// The mark that tells a state apart without colour: a diagonal for dirty pages, a dot for
/// faulted-in pages.
fn add_mark(mesh: &mut Mesh, inner: Rect, state: PageState, theme: &Theme) {
    if inner.height() < 3.0 {
        return;
    }
    let color = theme.text_on(state_fill(theme, state));
    match state {
        PageState::Dirty => {
            let w = theme.stroke_thin.max(1.0);
            let base = mesh.vertices.len() as u32;
            for pos in [
                Pos2::new(inner.left(), inner.bottom() - w),
                Pos2::new(inner.left() + w, inner.bottom()),
                Pos2::new(inner.right(), inner.top() + w),
                Pos2::new(inner.right() - w, inner.top()),
            ] {
                mesh.colored_vertex(pos, color);
            }
            mesh.add_triangle(base, base + 1, base + 2);
            mesh.add_triangle(base, base + 2, base + 3);
        }
        PageState::Faulted => {
            let dot = (inner.height() * 0.4).max(2.0).round();
            mesh.add_colored_rect(
                Rect::from_center_size(inner.center(), Vec2::splat(dot)),
                color,
            );
        }
        PageState::NotSent | PageState::Sent => {}
    }
}

/// The state a cell shows: its pages' states in proportion, spread over the cells by a fixed
/// per-cell threshold (ordered dithering). A cell whose pages are 20% dirty shows "dirty" for
/// one cell in five; as fractions change, each cell changes state once, without flicker.
fn shown_state(cell: &CellState, index: usize) -> PageState {
    let threshold = unit_hash(index as u64) * cell.pages as f64;
    let mut bound = cell.not_sent as f64;
    for (count, state) in [
        (0, PageState::NotSent),
        (cell.dirty, PageState::Dirty),
        (cell.faulted_in, PageState::Faulted),
    ] {
        bound += count as f64;
        if threshold < bound {
            return state;
        }
    }
    PageState::Sent
}

/// A well-mixed number in [0, 1) for `index` (SplitMix64's finaliser).
fn unit_hash(index: u64) -> f64 {
    let mut z = index.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// A legend swatch: one cell in one state, as the grid draws it.
fn paint_swatch(painter: &egui::Painter, rect: Rect, state: PageState, hot: bool, theme: &Theme) {
    let (color, width) = border(theme, hot);
    let mut mesh = Mesh::default();
    mesh.add_colored_rect(rect, color);
    mesh.add_colored_rect(rect.shrink(width), state_fill(theme, state));
    add_mark(&mut mesh, rect.shrink(width), state, theme);
    painter.add(Shape::mesh(mesh));
}

/// The grid's legend (a swatch and the amount for each state) and its scale, from `pos`
/// within `width`; returns the height used.
#[expect(clippy::too_many_arguments)]
pub fn legend_ui(
    painter: &egui::Painter,
    theme: &Theme,
    pos: Pos2,
    width: f32,
    timeline: &MigrationTimeline,
    state: &VmState,
    layout: &GridLayout,
    mark_hot: bool,
) -> f32 {
    let line = theme.small_size * 1.5;
    let swatch = Vec2::splat(theme.small_size * 1.1);
    let mut x = pos.x;
    let mut y = pos.y;
    let mut shapes = Vec::new();
    let mut items: Vec<(Option<PageState>, String)> = states(timeline.mode)
        .iter()
        .map(|s| {
            let bytes = s.pages(state) * PAGE_SIZE_BYTES as f64;
            (
                Some(*s),
                format!("{}: {}", s.word(timeline.mode), bytes_approx(bytes)),
            )
        })
        .collect();
    if mark_hot {
        items.push((None, "Strong outline: working set".to_owned()));
    }
    for (item, text) in items {
        let galley = painter.layout_no_wrap(text, theme.small(), theme.text);
        let item_width = swatch.x + 6.0 + galley.size().x + 14.0;
        if x > pos.x && x + item_width > pos.x + width {
            x = pos.x;
            y += line;
        }
        let rect = Rect::from_min_size(Pos2::new(x, y + (line - swatch.y) / 2.0), swatch);
        paint_swatch(
            painter,
            rect,
            item.unwrap_or(PageState::NotSent),
            item.is_none(),
            theme,
        );
        shapes.push(Shape::galley(
            Pos2::new(rect.right() + 6.0, y + (line - galley.size().y) / 2.0),
            galley,
            theme.text,
        ));
        x += item_width;
    }
    painter.extend(shapes);
    y += line;
    let pages = timeline.params.memory_pages();
    let per_cell = pages as f64 / layout.cells.max(1) as f64;
    let scale = format!(
        "{} of memory in {pages} pages of 4 KiB; each cell stands for about {:.0} pages ({}); cells take each state in proportion to the pages in it",
        bytes_approx((pages * PAGE_SIZE_BYTES) as f64),
        per_cell,
        bytes_approx(per_cell * PAGE_SIZE_BYTES as f64),
    );
    let rect = crate::draw::text_wrapped(
        painter,
        Pos2::new(pos.x, y),
        &scale,
        theme.small(),
        theme.text_muted,
        width,
    );
    rect.bottom() - pos.y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_fills_the_area_without_overflowing() {
        for (w, h, pages) in [
            (560.0, 300.0, 1_048_576),
            (900.0, 420.0, 16 * 1_048_576 * 4),
            (300.0, 120.0, 16_384),
            (500.0, 300.0, 40),
            (1800.0, 900.0, 1 << 24),
        ] {
            let layout = grid_layout(Vec2::new(w, h), pages, 6.0, MAX_CELLS);
            assert!(layout.cells <= MAX_CELLS, "{layout:?}");
            assert!(layout.cells as u64 <= pages);
            assert!(
                layout.cols as f32 * layout.cell_px <= w + 0.01,
                "{layout:?}"
            );
            assert!(
                layout.rows as f32 * layout.cell_px <= h + 0.01,
                "{layout:?}"
            );
            assert!(layout.cell_px >= 6.0);
            assert_eq!(layout.rows, layout.cells.div_ceil(layout.cols));
        }
        // Few pages: one cell per page, big cells.
        let layout = grid_layout(Vec2::new(500.0, 300.0), 40, 6.0, MAX_CELLS);
        assert_eq!(layout.cells, 40);
        assert!(layout.cell_px > 30.0);
        // A big area still gets most of the cap, a tiny one fewer, bigger-than-minimum cells.
        let big = grid_layout(Vec2::new(900.0, 420.0), 1 << 24, 6.0, MAX_CELLS);
        assert!(big.cells > MAX_CELLS * 3 / 4, "{big:?}");
        let tiny = grid_layout(Vec2::new(60.0, 30.0), 1 << 24, 6.0, MAX_CELLS);
        assert!(tiny.cells <= 50 && tiny.cells > 0, "{tiny:?}");
        assert_eq!(
            grid_layout(Vec2::new(3.0, 300.0), 100, 6.0, MAX_CELLS).cells,
            0
        );
    }

    #[test]
    fn cells_show_states_in_proportion_and_pure_cells_exactly() {
        let cell = CellState {
            pages: 100,
            not_sent: 10,
            sent_clean: 70,
            dirty: 20,
            ..CellState::default()
        };
        let shown: Vec<PageState> = (0..10_000).map(|i| shown_state(&cell, i)).collect();
        let share = |state| shown.iter().filter(|s| **s == state).count() as f64 / 10_000.0;
        assert!((share(PageState::NotSent) - 0.1).abs() < 0.02);
        assert!((share(PageState::Dirty) - 0.2).abs() < 0.02);
        assert!((share(PageState::Sent) - 0.7).abs() < 0.02);
        let sent = CellState {
            pages: 100,
            sent_clean: 100,
            ..CellState::default()
        };
        assert!((0..500).all(|i| shown_state(&sent, i) == PageState::Sent));
        let fresh = CellState {
            pages: 100,
            not_sent: 100,
            ..CellState::default()
        };
        assert!((0..500).all(|i| shown_state(&fresh, i) == PageState::NotSent));
    }
}
