//! The text of the hierarchy drawing, computed once per step: one column per hierarchy, one row
//! per cgroup in depth-first order, with the interface files worth showing and the processes
//! as chips. Pure data (no egui), so the drawing code only measures and paints.

use crate::tabs::cgroups::link::NodeRef;
use crate::tabs::cgroups::model::{CgroupPath, CgroupVersion, LimitFile, Pid, State};

/// Names longer than this are shortened in the middle (`docker-3f4e1b2a9c8d…3e2f.scope`).
const MAX_NAME_CHARS: usize = 30;

/// A process in a cgroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    /// Its pid.
    pub pid: Pid,
    /// `400 postgres`.
    pub text: String,
    /// `postgres (400)`, for accessible labels and captions.
    pub name: String,
}

/// One cgroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Which cgroup.
    pub node: NodeRef,
    /// 0 for the root.
    pub depth: usize,
    /// The parent's index in the column's rows.
    pub parent: Option<usize>,
    /// `/` or the last path component, shortened if long.
    pub name: String,
    /// Small lines under the name: v2 `cgroup.controllers` and `cgroup.subtree_control`, then
    /// limit files whose value differs from the default.
    pub files: Vec<String>,
    /// Processes directly in the cgroup (`cgroup.procs`).
    pub chips: Vec<Chip>,
}

/// One hierarchy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Index into the state's hierarchies.
    pub hierarchy: usize,
    /// `cpu,cpuacct` or `unified hierarchy (cgroup2)`.
    pub title: String,
    /// Its mount point.
    pub mount_dir: String,
    /// The cgroups, parents first.
    pub rows: Vec<Row>,
}

/// Every hierarchy of one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outline {
    /// v1 or v2.
    pub version: CgroupVersion,
    /// One per hierarchy.
    pub columns: Vec<Column>,
}

impl Outline {
    /// The outline of `state`.
    pub fn new(state: &State) -> Self {
        let columns = state
            .hierarchies()
            .iter()
            .enumerate()
            .map(|(h, tree)| {
                let mut rows = Vec::new();
                let mut stack = vec![(CgroupPath::root(), 0, None)];
                while let Some((path, depth, parent)) = stack.pop() {
                    let index = rows.len();
                    let mut children = tree.children(&path);
                    children.sort_by(|a, b| b.cmp(a));
                    stack.extend(children.into_iter().map(|c| (c, depth + 1, Some(index))));
                    rows.push(row(state, h, path, depth, parent));
                }
                let title = if tree.is_v2() {
                    "unified hierarchy (cgroup2)".to_owned()
                } else {
                    tree.mount_name()
                };
                Column {
                    hierarchy: h,
                    title,
                    mount_dir: tree.mount_dir(),
                    rows,
                }
            })
            .collect();
        Self {
            version: state.version(),
            columns,
        }
    }
}

fn row(
    state: &State,
    hierarchy: usize,
    path: CgroupPath,
    depth: usize,
    parent: Option<usize>,
) -> Row {
    let mut files = Vec::new();
    if state.version() == CgroupVersion::V2 {
        let controllers = state.controllers(hierarchy, &path);
        files.push(format!(
            "cgroup.controllers: {}",
            none_if_empty(controllers.join(CgroupVersion::V2, " "))
        ));
        let subtree = state
            .hierarchies()
            .get(hierarchy)
            .and_then(|tree| tree.get(&path))
            .map(|cgroup| cgroup.subtree_control)
            .unwrap_or_default();
        files.push(format!(
            "cgroup.subtree_control: {}",
            none_if_empty(subtree.join(CgroupVersion::V2, " "))
        ));
    }
    if let Some(cgroup) = state
        .hierarchies()
        .get(hierarchy)
        .and_then(|t| t.get(&path))
    {
        for file in LimitFile::ALL {
            if !state.has_file(hierarchy, &path, *file) {
                continue;
            }
            let value = cgroup.limits.read(*file);
            if value != file.default_text() {
                files.push(format!(
                    "{} {}",
                    file.file_name(),
                    value.replace('\n', "; ")
                ));
            }
        }
    }
    let chips = state
        .procs(hierarchy, &path)
        .into_iter()
        .map(|pid| {
            let comm = state.process(pid).map_or("?", |p| p.comm.as_str());
            Chip {
                pid,
                text: format!("{pid} {comm}"),
                name: format!("{comm} ({pid})"),
            }
        })
        .collect();
    Row {
        name: short_name(&path),
        node: NodeRef { hierarchy, path },
        depth,
        parent,
        files,
        chips,
    }
}

fn none_if_empty(text: String) -> String {
    if text.is_empty() {
        "(none)".to_owned()
    } else {
        text
    }
}

/// The last component of `path` (`/` for the root), shortened in the middle when long.
pub fn short_name(path: &CgroupPath) -> String {
    if path.is_root() {
        return "/".to_owned();
    }
    let name = path.name();
    let count = name.chars().count();
    if count <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let head: String = name.chars().take(MAX_NAME_CHARS - 8).collect();
    let tail: String = name.chars().skip(count - 7).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::cgroups::link::SceneKey;
    use crate::tabs::cgroups::model::Preset;

    #[test]
    fn v1_columns_show_each_process_once_per_hierarchy() {
        let trace = SceneKey::preset(Preset::V1Hierarchies, CgroupVersion::V1)
            .scene()
            .trace();
        let outline = Outline::new(trace.final_state());
        assert_eq!(
            outline.columns.len(),
            trace.final_state().hierarchies().len()
        );
        for column in &outline.columns {
            let postgres = column
                .rows
                .iter()
                .flat_map(|row| &row.chips)
                .filter(|chip| chip.pid == 400)
                .count();
            assert_eq!(postgres, 1, "{}", column.title);
        }
        let cpu = &outline.columns[0];
        assert_eq!(cpu.title, "cpu,cpuacct");
        let db = &cpu.rows[1];
        assert_eq!((db.name.as_str(), db.depth, db.parent), ("db", 1, Some(0)));
        assert_eq!(db.files, ["cpu.shares 2048"]);
    }

    #[test]
    fn v2_rows_list_controller_files_in_depth_first_order() {
        let trace = SceneKey::preset(Preset::V2Rules, CgroupVersion::V2)
            .scene()
            .trace();
        let outline = Outline::new(trace.state(8));
        let rows = &outline.columns[0].rows;
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names[..3], ["/", "app", "web"]);
        assert_eq!(rows[2].files[0], "cgroup.controllers: memory");
        assert_eq!(rows[2].files[1], "cgroup.subtree_control: (none)");
        assert_eq!(rows[2].files[2], "memory.max 104857600");
        assert_eq!(rows[1].files[1], "cgroup.subtree_control: memory");
        assert_eq!(rows[2].node.path.as_str(), "/app/web");
    }

    #[test]
    fn long_names_are_shortened_in_the_middle() {
        let path = CgroupPath::parse(&format!("/docker-{}.scope", "a".repeat(64))).unwrap();
        let short = short_name(&path);
        assert_eq!(short.chars().count(), MAX_NAME_CHARS);
        assert!(
            short.starts_with("docker-aaa") && short.ends_with("a.scope"),
            "{short}"
        );
    }
}
