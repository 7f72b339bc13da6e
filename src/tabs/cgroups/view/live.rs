//! "This machine": the real cgroups, read when the view first shows and on Refresh. The layout
//! (v1, v2 or hybrid) and every mounted hierarchy are listed on the left; the chosen hierarchy's
//! tree is on the right as an outline whose big subtrees start collapsed and whose processes are
//! summarised by name, so that a host with thousands of cgroups stays within the frame budget:
//! the visible rows are rebuilt only when the data, the expansion or the selection changes, and
//! only the rows that fit are drawn.

use std::collections::{BTreeMap, HashSet};

use egui::{Align2, Pos2, Rect, Sense, StrokeKind, Ui, Vec2};

use crate::draw;
use crate::tabs::cgroups::live::{
    Layout, Limit, LiveCgroup, LiveError, LiveHierarchy, LiveSystem, LiveUsage, read_system,
};
use crate::tabs::cgroups::model::{CgroupPath, CgroupVersion, Target};
use crate::theme::{Role, Theme};
use crate::units;

/// Children beyond this many start collapsed.
const AUTO_EXPAND_CHILDREN: usize = 12;

/// One visible row of the tree.
#[derive(Clone, Debug, PartialEq)]
struct LiveRow {
    depth: usize,
    path: String,
    name: String,
    children: usize,
    expanded: bool,
    processes: String,
    usage: String,
    below: String,
    is_self: bool,
}

/// The live view's state: the data read, which hierarchy is shown, what is expanded.
#[derive(Default)]
pub struct LiveState {
    system: Option<Result<LiveSystem, LiveError>>,
    select: Option<Target>,
    hierarchy: usize,
    expanded: HashSet<(usize, String)>,
    rows: Vec<LiveRow>,
    rows_valid: bool,
    first_row: usize,
    /// Files and directories that could not be read, summarised once per reading.
    unreadable: Option<String>,
}

/// `cpu,cpuacct`, `name=systemd`, or `cgroup2`: how a hierarchy is named in `select=`.
fn hierarchy_name(hierarchy: &LiveHierarchy) -> String {
    if hierarchy.version == CgroupVersion::V2 {
        return "cgroup2".to_owned();
    }
    if hierarchy.controllers.is_empty() {
        return hierarchy
            .name
            .as_ref()
            .map_or_else(|| hierarchy.mount_point.clone(), |n| format!("name={n}"));
    }
    hierarchy.controllers.join(",")
}

fn answers_to(hierarchy: &LiveHierarchy, name: Option<&str>) -> bool {
    match name {
        None => hierarchy.version == CgroupVersion::V2,
        Some(name) => {
            hierarchy.version == CgroupVersion::V1
                && (hierarchy_name(hierarchy) == name
                    || hierarchy.controllers.iter().any(|c| c == name)
                    || name
                        .strip_prefix("name=")
                        .is_some_and(|own| hierarchy.name.as_deref() == Some(own)))
        }
    }
}

impl LiveState {
    /// Sets the link's selection (the system is read later, when the view is drawn).
    pub fn select(&mut self, select: Option<Target>) {
        self.select = select;
        self.rows_valid = false;
        self.first_row = 0;
        self.apply_selection();
    }

    /// The `select=` value.
    pub fn selected(&self) -> Option<String> {
        self.select.as_ref().map(Target::to_string)
    }

    /// Reads the machine again.
    pub fn refresh(&mut self) {
        self.system = Some(read_system());
        self.unreadable = match &self.system {
            Some(Ok(system)) => unreadable_summary(system),
            _ => None,
        };
        self.rows_valid = false;
        self.apply_selection();
    }

    /// Shows the hierarchy the selection names and expands the way to its cgroup.
    fn apply_selection(&mut self) {
        let Some(Ok(system)) = &self.system else {
            return;
        };
        let wanted = match &self.select {
            Some(target) => system
                .hierarchies
                .iter()
                .position(|h| answers_to(h, target.hierarchy.as_deref())),
            None => None,
        };
        let default = || {
            let by_layout = if system.layout == Layout::Unified {
                system
                    .hierarchies
                    .iter()
                    .position(|h| h.version == CgroupVersion::V2)
            } else {
                system
                    .hierarchies
                    .iter()
                    .position(|h| h.controllers.iter().any(|c| c == "memory"))
            };
            by_layout.unwrap_or(0)
        };
        self.hierarchy = wanted.unwrap_or_else(default);
        if let Some(target) = &self.select {
            let mut path = target.path.clone();
            while let Some(parent) = path.parent() {
                self.expanded
                    .insert((self.hierarchy, parent.as_str().to_owned()));
                path = parent;
            }
        }
        self.rows_valid = false;
    }

    fn set_hierarchy(&mut self, index: usize, name: String) {
        self.hierarchy = index;
        self.select = Some(Target {
            hierarchy: (name != "cgroup2").then_some(name),
            path: CgroupPath::root(),
        });
        self.first_row = 0;
        self.rows_valid = false;
    }

    fn rebuild_rows(&mut self) {
        self.rows.clear();
        self.rows_valid = true;
        let Some(Ok(system)) = &self.system else {
            return;
        };
        let Some(hierarchy) = system.hierarchies.get(self.hierarchy) else {
            return;
        };
        let own = hierarchy.hierarchy_id.and_then(|id| {
            system
                .self_cgroup
                .iter()
                .find(|line| line.hierarchy_id == id)
                .map(|line| line.path.clone())
        });
        let mut stack = vec![(&hierarchy.root, 0usize)];
        while let Some((cgroup, depth)) = stack.pop() {
            let key = (self.hierarchy, cgroup.path.clone());
            let expanded = depth == 0
                || self.expanded.contains(&key)
                || (own
                    .as_deref()
                    .is_some_and(|own| is_ancestor(&cgroup.path, own))
                    && cgroup.children.len() <= AUTO_EXPAND_CHILDREN);
            self.rows.push(row(cgroup, depth, expanded, own.as_deref()));
            if expanded {
                for child in cgroup.children.iter().rev() {
                    stack.push((child, depth + 1));
                }
            }
        }
    }
}

/// Whether `path` is `own` or above it.
fn is_ancestor(path: &str, own: &str) -> bool {
    path == "/" || own == path || own.starts_with(&format!("{path}/"))
}

fn row(cgroup: &LiveCgroup, depth: usize, expanded: bool, own: Option<&str>) -> LiveRow {
    let name = if cgroup.path == "/" {
        "/".to_owned()
    } else {
        cgroup.path.rsplit('/').next().unwrap_or("").to_owned()
    };
    let below = if expanded || cgroup.children.is_empty() {
        String::new()
    } else {
        let descendants = cgroup.descendants();
        let processes: usize = descendants.iter().map(|c| c.processes.len()).sum();
        format!(
            "{} cgroups and {processes} processes below (click to open)",
            descendants.len() - 1
        )
    };
    LiveRow {
        depth,
        path: cgroup.path.clone(),
        name,
        children: cgroup.children.len(),
        expanded,
        processes: summarize_processes(cgroup),
        usage: usage_text(&cgroup.usage),
        below,
        is_self: own == Some(cgroup.path.as_str()),
    }
}

/// `3 processes: 2× bash, sshd`.
fn summarize_processes(cgroup: &LiveCgroup) -> String {
    if cgroup.processes.is_empty() {
        return String::new();
    }
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    for process in &cgroup.processes {
        *by_name
            .entry(process.comm.as_deref().unwrap_or("?"))
            .or_default() += 1;
    }
    let mut names: Vec<(&str, usize)> = by_name.into_iter().collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = names
        .iter()
        .take(5)
        .map(|(name, count)| {
            if *count > 1 {
                format!("{count}× {name}")
            } else {
                (*name).to_owned()
            }
        })
        .collect();
    let more = names.len().saturating_sub(5);
    let count = cgroup.processes.len();
    format!(
        "{count} process{}: {}{}",
        if count == 1 { "" } else { "es" },
        shown.join(", "),
        if more > 0 {
            format!(", +{more} more names")
        } else {
            String::new()
        }
    )
}

fn limit_text(limit: Limit, bytes: bool) -> String {
    match limit {
        Limit::Max => "max".to_owned(),
        Limit::Value(value) if bytes => units::bytes(value),
        Limit::Value(value) => value.to_string(),
    }
}

/// The usage and limits a cgroup's files show.
fn usage_text(usage: &LiveUsage) -> String {
    let mut parts = Vec::new();
    if let Some(bytes) = usage.memory_bytes {
        let mut part = format!("memory {}", units::bytes(bytes));
        if let Some(max) = usage.memory_max.filter(|m| *m != Limit::Max) {
            part.push_str(&format!(" / max {}", limit_text(max, true)));
        }
        if let Some(high) = usage.memory_high.filter(|h| *h != Limit::Max) {
            part.push_str(&format!(" (high {})", limit_text(high, true)));
        }
        parts.push(part);
    }
    if let Some(current) = usage.pids_current {
        let mut part = format!("tasks {current}");
        if let Some(max) = usage.pids_max.filter(|m| *m != Limit::Max) {
            part.push_str(&format!(" / max {}", limit_text(max, false)));
        }
        parts.push(part);
    }
    if let Some(max) = &usage.cpu_max {
        parts.push(format!("cpu.max {max}"));
    }
    if let Some(weight) = usage.cpu_weight {
        parts.push(format!("cpu.weight {weight}"));
    }
    if let Some(quota) = usage.cpu_quota_usec.filter(|q| *q >= 0) {
        parts.push(format!(
            "quota {quota} µs per {} µs",
            usage.cpu_period_usec.unwrap_or(100_000)
        ));
    }
    if let Some(shares) = usage.cpu_shares {
        parts.push(format!("cpu.shares {shares}"));
    }
    parts.join(" · ")
}

/// The live view's controls: Refresh, and expanding or collapsing the whole tree.
pub fn controls_ui(ui: &mut Ui, live: &mut LiveState) {
    if ui
        .button("Refresh")
        .on_hover_text("Read /proc and /sys/fs/cgroup again")
        .clicked()
    {
        live.refresh();
    }
    if ui.button("Collapse all").clicked() {
        live.expanded.clear();
        live.first_row = 0;
        live.rows_valid = false;
    }
}

/// Draws the live view, reading the machine the first time.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, live: &mut LiveState) {
    if live.system.is_none() {
        live.refresh();
    }
    if !live.rows_valid {
        live.rebuild_rows();
    }
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let system = match &live.system {
        Some(Ok(system)) => system,
        Some(Err(err)) => {
            draw::caption(
                &painter,
                theme,
                rect,
                "This machine's cgroups",
                &err.to_string(),
            );
            return;
        }
        None => return,
    };
    let layout = match system.layout {
        Layout::Unified => "v2 (unified)",
        Layout::Legacy => "v1 (legacy)",
        Layout::Hybrid => "hybrid (v1 + v2)",
        Layout::None => "none",
    };
    let title = format!("This machine's cgroups · layout: {layout}");
    let body = draw::caption(&painter, theme, rect, &title, system.layout_description);
    let body = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, body.max.y - 8.0),
    );
    draw::hit_region(
        ui,
        Rect::from_min_max(rect.min, Pos2::new(rect.max.x, body.min.y)),
        egui::Id::unique("cgroups-live-layout"),
        &format!("Layout: {layout}"),
    );
    let footer_height = if live.unreadable.is_some() {
        theme.small_size * 2.8
    } else {
        0.0
    };
    let main = Rect::from_min_max(body.min, Pos2::new(body.max.x, body.max.y - footer_height));
    let list_width = (main.width() * 0.3).clamp(theme.body_size * 14.0, theme.body_size * 24.0);
    let list = Rect::from_min_max(main.min, Pos2::new(main.min.x + list_width, main.max.y));
    let tree = Rect::from_min_max(
        Pos2::new(list.max.x + theme.body_size, main.min.y),
        main.max,
    );
    let clicked = hierarchies_ui(ui, &painter, theme, list, system, live.hierarchy);
    if let Some((index, name)) = clicked {
        live.set_hierarchy(index, name);
    }
    let hierarchy_name = match &live.system {
        Some(Ok(system)) => system.hierarchies.get(live.hierarchy).map(hierarchy_name),
        _ => None,
    };
    if !live.rows_valid {
        live.rebuild_rows();
    }
    tree_ui(ui, &painter, theme, tree, live, hierarchy_name);
    if let Some(text) = &live.unreadable {
        let footer = Rect::from_min_max(Pos2::new(body.min.x, main.max.y + 4.0), body.max);
        let clip = painter.with_clip_rect(footer.intersect(painter.clip_rect()));
        draw::text_wrapped(
            &clip,
            footer.min,
            text,
            theme.small(),
            theme.text_muted,
            footer.width(),
        );
    }
}

/// `Could not read 3 items: PATH (error); ...`, or `None` when everything was readable.
fn unreadable_summary(system: &LiveSystem) -> Option<String> {
    let all: Vec<String> = system
        .unreadable
        .iter()
        .chain(system.hierarchies.iter().flat_map(|h| {
            h.root
                .descendants()
                .into_iter()
                .flat_map(|c| c.unreadable.iter())
        }))
        .map(|u| format!("{} ({})", u.path, u.error))
        .collect();
    if all.is_empty() {
        return None;
    }
    Some(format!(
        "Could not read {} item{}: {}",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        all.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
    ))
}

/// The list of mounted hierarchies; returns the one clicked (index and `select=` name).
fn hierarchies_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    system: &LiveSystem,
    shown: usize,
) -> Option<(usize, String)> {
    let clip = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let mut clicked = None;
    let mut y = rect.min.y;
    for (index, hierarchy) in system.hierarchies.iter().enumerate() {
        let name = hierarchy_name(hierarchy);
        let version = if hierarchy.version == CgroupVersion::V2 {
            "v2"
        } else {
            "v1"
        };
        let own = hierarchy.hierarchy_id.and_then(|id| {
            system
                .self_cgroup
                .iter()
                .find(|line| line.hierarchy_id == id)
        });
        let first = format!(
            "{version} · {name} · {} cgroup{}{}",
            hierarchy.cgroup_count,
            if hierarchy.cgroup_count == 1 { "" } else { "s" },
            if hierarchy.truncated {
                " (stopped early)"
            } else {
                ""
            }
        );
        let second = match own {
            Some(line) => format!("{} · virtscope in {}", hierarchy.mount_point, line.path),
            None => hierarchy.mount_point.clone(),
        };
        let pad = 4.0;
        let first_galley =
            painter.layout(first, theme.small(), theme.text, rect.width() - 2.0 * pad);
        let second_galley = painter.layout(
            second,
            theme.small(),
            theme.text_muted,
            rect.width() - 2.0 * pad,
        );
        let height = first_galley.size().y + second_galley.size().y + 2.0 * pad;
        let row = Rect::from_min_size(Pos2::new(rect.min.x, y), Vec2::new(rect.width(), height));
        if row.max.y > rect.max.y {
            let hidden = system.hierarchies.len() - index;
            clip.text(
                Pos2::new(rect.min.x, rect.max.y),
                Align2::LEFT_BOTTOM,
                format!("… {hidden} more hierarchies"),
                theme.small(),
                theme.text_muted,
            );
            break;
        }
        let selected = index == shown;
        let stroke = if selected {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        let fill = if selected {
            theme.tint(Role::Container)
        } else {
            theme.surface
        };
        clip.rect(row, 4.0, fill, stroke, StrokeKind::Inside);
        let first_height = first_galley.size().y;
        clip.galley(row.min + Vec2::splat(pad), first_galley, theme.text);
        clip.galley(
            row.min + Vec2::new(pad, pad + first_height),
            second_galley,
            theme.text_muted,
        );
        let label = format!("hierarchy {version} {name}");
        if draw::hit_region(ui, row, egui::Id::unique(("cgroups-live-h", index)), &label).clicked()
        {
            clicked = Some((index, name));
        }
        y = row.max.y + 4.0;
    }
    clicked
}

/// A row's usage, processes and what lies below it, in one line of words.
fn row_details(row: &LiveRow) -> String {
    [&row.usage, &row.processes, &row.below]
        .into_iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ")
}

fn tree_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    live: &mut LiveState,
    hierarchy_name: Option<String>,
) {
    let clip = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let indent = theme.body_size * 1.2;
    let pad = 3.0;
    // Every row is as tall as the longest details need (up to four lines), measured in the
    // widest row's width minus the deepest indent, so no row's text is cut at its bottom.
    let details_width = (rect.width()
        - 2.0 * pad
        - live.rows.iter().map(|row| row.depth).max().unwrap_or(0) as f32 * indent)
        .max(10.0);
    let details_height = live
        .rows
        .iter()
        .map(|row| draw::text_height(painter, &row_details(row), theme.small(), details_width))
        .fold(
            draw::text_height(painter, "Ag", theme.small(), details_width),
            f32::max,
        )
        .min(draw::text_height(
            painter,
            "A\nA\nA\nA",
            theme.small(),
            details_width,
        ));
    let row_height = pad + theme.body_size * 1.25 + details_height + pad + 4.0;
    let visible = ((rect.height() - theme.small_size * 1.6) / row_height)
        .floor()
        .max(1.0) as usize;
    let total = live.rows.len();
    if ui.rect_contains_pointer(rect) {
        let scroll = ui.input(|input| input.smooth_scroll_delta.y);
        if scroll.abs() > 0.0 {
            let rows = (scroll / row_height).round() as i64;
            let first = live.first_row as i64 - rows;
            live.first_row = first.clamp(0, total.saturating_sub(visible) as i64) as usize;
        }
    }
    live.first_row = live.first_row.min(total.saturating_sub(visible));
    let selected_path = live.select.as_ref().map(|t| t.path.as_str().to_owned());
    let mut toggle = None;
    let end = (live.first_row + visible).min(total);
    let shown = live.rows.get(live.first_row..end).unwrap_or_default();
    for (slot, row) in shown.iter().enumerate() {
        let y = rect.min.y + slot as f32 * row_height;
        let left = rect.min.x + row.depth as f32 * indent;
        let row_rect = Rect::from_min_size(
            Pos2::new(left, y),
            Vec2::new(rect.max.x - left, row_height - 4.0),
        );
        let selected = selected_path.as_deref() == Some(row.path.as_str());
        let stroke = if selected {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        let fill = if row.is_self {
            theme.tint(Role::App)
        } else {
            theme.surface
        };
        clip.rect(row_rect, 4.0, fill, stroke, StrokeKind::Inside);
        let marker = match (row.children, row.expanded) {
            (0, _) => "·",
            (_, true) => "▾",
            (_, false) => "▸",
        };
        let mut head = format!("{marker} {}", row.name);
        if row.is_self {
            head.push_str("   ◀ virtscope is here");
        }
        let width = row_rect.width() - 2.0 * pad;
        let text_clip = clip.with_clip_rect(row_rect.intersect(clip.clip_rect()));
        text_clip.text(
            row_rect.min + Vec2::splat(pad),
            Align2::LEFT_TOP,
            head,
            theme.body(),
            theme.text,
        );
        let galley = painter.layout(
            row_details(row),
            theme.small(),
            theme.text_muted,
            width.max(10.0),
        );
        text_clip.galley(
            row_rect.min + Vec2::new(pad, pad + theme.body_size * 1.25),
            galley,
            theme.text_muted,
        );
        let label = format!("live cgroup {}", row.path);
        let id = egui::Id::unique(("cgroups-live-row", live.hierarchy, row.path.as_str()));
        if draw::hit_region(ui, row_rect, id, &label).clicked() {
            toggle = Some((row.path.clone(), row.children > 0 && row.depth > 0));
        }
    }
    if total > visible {
        clip.text(
            Pos2::new(rect.max.x, rect.max.y),
            Align2::RIGHT_BOTTOM,
            format!(
                "rows {}–{} of {total} (scroll for more)",
                live.first_row + 1,
                end
            ),
            theme.small(),
            theme.text_muted,
        );
    }
    if let Some((path, can_toggle)) = toggle {
        if can_toggle {
            let key = (live.hierarchy, path.clone());
            if !live.expanded.remove(&key) {
                live.expanded.insert(key);
            }
        }
        let name = hierarchy_name.filter(|name| name != "cgroup2");
        live.select = Target::parse(&path).ok().map(|target| Target {
            hierarchy: name,
            path: target.path,
        });
        live.rows_valid = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::cgroups::live::{LiveProcess, read_from};

    #[test]
    fn processes_are_summarised_by_name() {
        let process = |pid, comm: &str| LiveProcess {
            pid,
            comm: Some(comm.to_owned()),
        };
        let cgroup = LiveCgroup {
            path: "/".to_owned(),
            processes: vec![process(1, "bash"), process(2, "bash"), process(3, "sshd")],
            controllers: None,
            subtree_control: None,
            usage: LiveUsage {
                memory_bytes: Some(3 << 20),
                memory_max: Some(Limit::Value(256 << 20)),
                pids_current: Some(3),
                pids_max: Some(Limit::Max),
                ..LiveUsage::default()
            },
            unreadable: Vec::new(),
            children: Vec::new(),
        };
        assert_eq!(summarize_processes(&cgroup), "3 processes: 2× bash, sshd");
        assert_eq!(
            usage_text(&cgroup.usage),
            "memory 3 MiB / max 256 MiB · tasks 3"
        );
    }

    #[test]
    fn selection_picks_the_hierarchy_and_expands_the_way() {
        let mountinfo = "31 23 0:28 / /nonexistent/cpu rw - cgroup cgroup rw,cpu\n\
                         32 23 0:29 / /nonexistent/memory rw - cgroup cgroup rw,memory\n";
        let system = read_from(mountinfo, "2:memory:/a/b\n1:cpu:/\n", &mut |_| None);
        let mut live = LiveState {
            system: Some(Ok(system)),
            ..LiveState::default()
        };
        live.select(Some(Target::parse("memory:/a/b").unwrap()));
        assert_eq!(live.hierarchy, 1);
        assert!(live.expanded.contains(&(1, "/a".to_owned())));
        assert_eq!(live.selected().as_deref(), Some("memory:/a/b"));
        live.select(None);
        assert_eq!(live.hierarchy, 1, "memory is the default hierarchy");
        live.rebuild_rows();
        assert_eq!(live.rows.len(), 1, "only the root of an unreadable mount");
    }
}
