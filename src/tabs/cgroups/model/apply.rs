//! The kernel's rules for each operation: what succeeds, and which errno a refusal returns.
//!
//! Every check cites the kernel function it mirrors (Linux 6.x). A failed operation leaves the
//! state untouched, exactly like a failed system call. Checked on a 6.18 machine where possible
//! (rmdir of a cgroup with children or processes: EBUSY, not ENOTEMPTY; writing a missing file:
//! EACCES from the shell's O_CREAT; `+name` of an unknown controller: EINVAL; of an unavailable
//! one: ENOENT; mounting an attached controller in a second v1 hierarchy: EBUSY).

use super::controller::{Controller, ControllerSet, V2Kind};
use super::errno::{Errno, OpError};
use super::limits::{self, LimitFile, LimitValue};
use super::op::{Op, Target};
use super::path::CgroupPath;
use super::state::{Cgroup, Hierarchy, HierarchyKind, Pid, Process, State};
use super::version::CgroupVersion;

fn list(pids: &[Pid]) -> String {
    pids.iter()
        .map(Pid::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl State {
    /// Hierarchy `h`, an index [`State::find_hierarchy`] or [`State::hierarchy_of`] returned.
    fn tree(&self, h: usize) -> Result<&Hierarchy, OpError> {
        self.hierarchies.get(h).ok_or_else(|| missing_hierarchy(h))
    }

    /// Hierarchy `h`, to change (see [`State::tree`]).
    fn tree_mut(&mut self, h: usize) -> Result<&mut Hierarchy, OpError> {
        self.hierarchies
            .get_mut(h)
            .ok_or_else(|| missing_hierarchy(h))
    }

    /// Applies `op`; on failure the state is unchanged and the error carries the errno.
    pub fn apply(&mut self, op: &Op) -> Result<(), OpError> {
        match op {
            Op::Mkdir(target) => self.mkdir(target),
            Op::Rmdir(target) => self.rmdir(target),
            Op::Move { pid, to } => self.move_process(*pid, to),
            Op::Enable {
                target,
                controllers,
            } => self.enable(target, controllers),
            Op::Disable {
                target,
                controllers,
            } => self.disable(target, controllers),
            Op::Set {
                target,
                file,
                value,
            } => self.set(target, file, value),
            Op::Fork { parent, comm } => self.fork(*parent, comm.as_deref()),
            Op::Exit { pid } => self.exit(*pid),
            Op::Mount { options } => self.mount(options),
            Op::Load { pid, workload } => {
                let process = self
                    .processes
                    .get_mut(pid)
                    .ok_or_else(|| no_process(*pid))?;
                process.workload = workload.clone();
                Ok(())
            }
        }
    }

    /// Resolves the hierarchy and checks that the cgroup exists (opening a file in a missing
    /// directory is ENOENT).
    fn existing(&self, target: &Target) -> Result<usize, OpError> {
        let h = self.find_hierarchy(target.hierarchy.as_deref())?;
        if self.tree(h)?.contains(&target.path) {
            Ok(h)
        } else {
            Err(OpError::kernel(
                Errno::Enoent,
                format!("There is no cgroup {target}: create it with mkdir first."),
            ))
        }
    }

    /// `cgroup_mkdir` via kernfs: EEXIST for a taken name, ENOENT for a missing parent.
    fn mkdir(&mut self, target: &Target) -> Result<(), OpError> {
        let h = self.find_hierarchy(target.hierarchy.as_deref())?;
        let tree = self.tree(h)?;
        let path = &target.path;
        let Some(parent) = path.parent() else {
            return Err(OpError::kernel(
                Errno::Eexist,
                "The root cgroup always exists: it is the hierarchy's mount point.",
            ));
        };
        if tree.contains(path) {
            return Err(OpError::kernel(
                Errno::Eexist,
                format!("The cgroup {target} already exists."),
            ));
        }
        if !tree.contains(&parent) {
            return Err(OpError::kernel(
                Errno::Enoent,
                format!(
                    "The parent {parent} does not exist: cgroups are created one level at a time."
                ),
            ));
        }
        let name = path.name();
        let is_file_name =
            name.starts_with("cgroup.") || LimitFile::ALL.iter().any(|f| f.file_name() == name);
        if is_file_name {
            return Err(OpError::kernel(
                Errno::Eexist,
                format!(
                    "{name} is the name of an interface file in {parent}, so the directory cannot be created."
                ),
            ));
        }
        self.tree_mut(h)?
            .cgroups
            .insert(path.clone(), Cgroup::default());
        Ok(())
    }

    /// `cgroup_destroy_locked`: EBUSY while populated, then EBUSY while it has children.
    fn rmdir(&mut self, target: &Target) -> Result<(), OpError> {
        let h = self.existing(target)?;
        let path = &target.path;
        if path.is_root() {
            return Err(OpError::kernel(
                Errno::Ebusy,
                "The root cgroup is the mount point of the hierarchy and cannot be removed.",
            ));
        }
        if self.is_populated(h, path) {
            let pids: Vec<Pid> = self
                .processes
                .values()
                .filter(|p| p.cgroups.get(h).is_some_and(|c| c.is_within(path)))
                .map(|p| p.pid)
                .collect();
            return Err(OpError::kernel(
                Errno::Ebusy,
                format!(
                    "{target} still contains processes ({}); move them out or let them exit first.",
                    list(&pids)
                ),
            ));
        }
        if !self.tree(h)?.children(path).is_empty() {
            return Err(OpError::kernel(
                Errno::Ebusy,
                format!(
                    "{target} still has child cgroups; remove them first (the kernel answers EBUSY here, not ENOTEMPTY)."
                ),
            ));
        }
        self.tree_mut(h)?.cgroups.remove(path);
        Ok(())
    }

    /// `__cgroup_procs_write`: ESRCH for an unknown pid; on v2 `cgroup_migrate_vet_dst` applies
    /// the no-internal-process rule unless the cgroup can be a thread root.
    fn move_process(&mut self, pid: Pid, to: &Target) -> Result<(), OpError> {
        let h = self.existing(to)?;
        if !self.processes.contains_key(&pid) {
            return Err(OpError::kernel(
                Errno::Esrch,
                format!("There is no process {pid}."),
            ));
        }
        let path = &to.path;
        if self.tree(h)?.is_v2() && !self.can_be_thread_root(h, path) {
            let enabled = self
                .tree(h)?
                .get(path)
                .map_or(ControllerSet::EMPTY, |c| c.subtree_control);
            if !enabled.is_empty() {
                return Err(OpError::kernel(
                    Errno::Ebusy,
                    format!(
                        "{path} enables {} for its children, so by the no-internal-processes rule it cannot hold processes; move the process into a leaf cgroup instead.",
                        enabled.join(CgroupVersion::V2, " ")
                    ),
                ));
            }
        }
        let slot = (self.processes.get_mut(&pid)).and_then(|process| process.cgroups.get_mut(h));
        if let Some(slot) = slot {
            *slot = path.clone();
        }
        Ok(())
    }

    /// Parses `+name`/`-name` words like `cgroup_subtree_control_write`: v1-only and unknown names
    /// are EINVAL. Also checks that this is v2 and the cgroup exists.
    fn subtree_target(
        &self,
        target: &Target,
        names: &[String],
    ) -> Result<(usize, Vec<Controller>), OpError> {
        let h = self.find_hierarchy(target.hierarchy.as_deref())?;
        if !self.tree(h)?.is_v2() {
            return Err(OpError::kernel(
                Errno::Eacces,
                "cgroup.subtree_control exists only in cgroup v2; in v1 a controller is attached by mounting a hierarchy with it.",
            ));
        }
        let h = self.existing(target)?;
        let mut controllers = Vec::new();
        for name in names {
            match Controller::from_name(name) {
                Some(c) if c.v2_name() == name && c.v2_kind() != V2Kind::V1Only => {
                    controllers.push(c);
                }
                _ => {
                    return Err(OpError::kernel(
                        Errno::Einval,
                        format!(
                            "{name} is not a cgroup v2 controller, so cgroup.subtree_control rejects the write."
                        ),
                    ));
                }
            }
        }
        controllers.sort();
        Ok((h, controllers))
    }

    /// `cgroup_subtree_control_write` with `+`: ENOENT unless the controller is in this cgroup's
    /// `cgroup.controllers`; `cgroup_vet_subtree_control_enable`: EBUSY when a non-root cgroup with
    /// processes would hand out domain controllers (threaded ones are fine while it could still
    /// become a thread root).
    fn enable(&mut self, target: &Target, names: &[String]) -> Result<(), OpError> {
        let (h, controllers) = self.subtree_target(target, names)?;
        let path = &target.path;
        let available = self.controllers(h, path);
        let current = self
            .tree(h)?
            .get(path)
            .map_or(ControllerSet::EMPTY, |c| c.subtree_control);
        let mut enable = ControllerSet::EMPTY;
        for c in controllers {
            if current.contains(c) {
                continue;
            }
            if !available.contains(c) {
                let why = match path.parent() {
                    Some(parent) => format!(
                        "its parent {parent} must first enable {0} in its own cgroup.subtree_control (controllers are enabled top-down)",
                        c.v2_name()
                    ),
                    None => "this hierarchy does not offer it".to_owned(),
                };
                return Err(OpError::kernel(
                    Errno::Enoent,
                    format!(
                        "{} is not in {path}'s cgroup.controllers: {why}.",
                        c.v2_name()
                    ),
                ));
            }
            enable = enable.with(c);
        }
        if enable.is_empty() {
            return Ok(());
        }
        let own = self.procs(h, path);
        let exempt = path.is_root() || (!enable.has_domain() && self.can_be_thread_root(h, path));
        if !exempt && !own.is_empty() {
            return Err(OpError::kernel(
                Errno::Ebusy,
                format!(
                    "{path} holds processes ({}), and a non-root cgroup that hands {} to its children may not hold processes itself (no internal processes); move them into a child first.",
                    list(&own),
                    enable.join(CgroupVersion::V2, " ")
                ),
            ));
        }
        if let Some(cgroup) = self.tree_mut(h)?.cgroups.get_mut(path) {
            cgroup.subtree_control = cgroup.subtree_control.union(enable);
        }
        Ok(())
    }

    /// `cgroup_subtree_control_write` with `-`: EBUSY while a child still enables the controller
    /// for its own children. Disabling destroys the children's css, so their limits reset.
    fn disable(&mut self, target: &Target, names: &[String]) -> Result<(), OpError> {
        let (h, controllers) = self.subtree_target(target, names)?;
        let path = &target.path;
        let tree = self.tree(h)?;
        let current = tree
            .get(path)
            .map_or(ControllerSet::EMPTY, |c| c.subtree_control);
        let children = tree.children(path);
        let mut disable = ControllerSet::EMPTY;
        for c in controllers {
            if !current.contains(c) {
                continue;
            }
            let busy = children.iter().find(|child| {
                tree.get(child)
                    .is_some_and(|cg| cg.subtree_control.contains(c))
            });
            if let Some(child) = busy {
                return Err(OpError::kernel(
                    Errno::Ebusy,
                    format!(
                        "{child} still enables {0} for its own children; disable it there first (controllers are disabled bottom-up).",
                        c.v2_name()
                    ),
                ));
            }
            disable = disable.with(c);
        }
        let tree = self.tree_mut(h)?;
        for child in &children {
            if let Some(cgroup) = tree.cgroups.get_mut(child) {
                for c in disable.iter() {
                    cgroup.limits.reset(c);
                }
            }
        }
        if let Some(cgroup) = tree.cgroups.get_mut(path) {
            for c in disable.iter() {
                cgroup.subtree_control = cgroup.subtree_control.without(c);
            }
        }
        Ok(())
    }

    /// A write to a limit file: EACCES when the file is absent (the shell's `>` cannot create it
    /// in cgroupfs), then the file's own parser, then v1's parent-quota rule.
    fn set(&mut self, target: &Target, file_name: &str, value: &str) -> Result<(), OpError> {
        let h = self.existing(target)?;
        let path = &target.path;
        let dir = target.dir(self);
        let Some(file) = LimitFile::from_file_name(file_name, self.version) else {
            return Err(OpError::kernel(
                Errno::Eacces,
                format!(
                    "{dir} has no file {file_name} in {}, and cgroupfs does not let the shell create files (Permission denied).",
                    self.version.title()
                ),
            ));
        };
        if !self.has_file(h, path, file) {
            return Err(OpError::kernel(
                Errno::Eacces,
                self.missing_file_reason(h, path, file),
            ));
        }
        let current = self
            .tree(h)?
            .get(path)
            .map(|c| c.limits.clone())
            .unwrap_or_default();
        let parsed = limits::parse_write(file, value, &current, path.is_root(), &self.devices)?;
        if let (LimitValue::CpuBandwidth { .. }, false) = (&parsed, self.tree(h)?.is_v2()) {
            self.check_v1_quota(h, path, &parsed)?;
        }
        if let Some(cgroup) = self.tree_mut(h)?.cgroups.get_mut(path) {
            cgroup.limits.apply(&parsed);
        }
        Ok(())
    }

    fn missing_file_reason(&self, h: usize, path: &CgroupPath, file: LimitFile) -> String {
        let name = file.file_name();
        let controller = file.controller().name(self.version);
        let tree = self.hierarchies.get(h);
        if let Some(tree) =
            tree.filter(|t| !t.is_v2() && !t.v1_controllers().contains(file.controller()))
        {
            return format!(
                "The {} hierarchy has no {controller} controller attached, so {name} does not exist here (the shell reports Permission denied).",
                tree.mount_name()
            );
        }
        if path.is_root() {
            return format!(
                "The root cgroup has no {name}: limits are set on child cgroups (the shell reports Permission denied)."
            );
        }
        format!(
            "{path} has no {name} because its parent does not enable {controller} in cgroup.subtree_control (the shell reports Permission denied)."
        )
    }

    /// `tg_cfs_schedulable_down` on v1: no cgroup's quota/period ratio may exceed its nearest
    /// limited ancestor's (`to_ratio` is `quota << 20 / period`). v2 just takes the minimum.
    fn check_v1_quota(
        &self,
        h: usize,
        changed: &CgroupPath,
        value: &LimitValue,
    ) -> Result<(), OpError> {
        let LimitValue::CpuBandwidth {
            quota_usec,
            period_usec,
        } = value
        else {
            return Ok(());
        };
        let ratio = |quota: Option<u64>, period: u64| {
            quota.map(|q| (u128::from(q) << 20) / u128::from(period.max(1)))
        };
        let tree = self.tree(h)?;
        let mut effective: Vec<(CgroupPath, Option<u128>)> = Vec::new();
        for (path, cgroup) in tree.cgroups() {
            let own = if path == changed {
                ratio(*quota_usec, *period_usec)
            } else {
                ratio(cgroup.limits.cpu_quota_usec, cgroup.limits.cpu_period_usec)
            };
            let parent_ratio = path.parent().and_then(|parent| {
                effective
                    .iter()
                    .find(|(p, _)| *p == parent)
                    .and_then(|(_, r)| *r)
            });
            let hierarchical = match (own, parent_ratio) {
                (Some(own), Some(parent)) if !path.is_root() && own > parent => {
                    return Err(OpError::kernel(
                        Errno::Einval,
                        format!(
                            "In cgroup v1 a child's CPU quota may not exceed its parent's: {path} would get more CPU per period than {} allows.",
                            path.parent().unwrap_or_else(CgroupPath::root)
                        ),
                    ));
                }
                (None, parent) => parent,
                (own, _) => own,
            };
            effective.push((
                path.clone(),
                if path.is_root() { None } else { hierarchical },
            ));
        }
        Ok(())
    }

    /// `pids_can_fork`: EAGAIN when any limited ancestor-or-self would exceed `pids.max`.
    fn fork(&mut self, parent: Pid, comm: Option<&str>) -> Result<(), OpError> {
        let Some(process) = self.processes.get(&parent) else {
            return Err(no_process(parent));
        };
        if let Some(h) = self.hierarchy_of(Controller::Pids) {
            let mut path = process.cgroups.get(h).cloned();
            while let Some(current) = path {
                if current.is_root() {
                    break;
                }
                let limit = self
                    .tree(h)?
                    .get(&current)
                    .and_then(|c| c.limits.pids_max)
                    .filter(|_| self.has_controller(h, &current, Controller::Pids));
                if let Some(max) = limit {
                    let tasks = self.task_count(h, &current);
                    if tasks + 1 > max {
                        return Err(OpError::kernel(
                            Errno::Eagain,
                            format!(
                                "fork() fails with EAGAIN: {current} already holds {tasks} tasks and its pids.max is {max}."
                            ),
                        ));
                    }
                }
                path = current.parent();
            }
        }
        let child = Process {
            pid: self.next_pid(),
            comm: comm.map_or_else(|| process.comm.clone(), str::to_owned),
            cgroups: process.cgroups.clone(),
            workload: process.workload.clone(),
        };
        self.processes.insert(child.pid, child);
        Ok(())
    }

    fn exit(&mut self, pid: Pid) -> Result<(), OpError> {
        if pid == 1 {
            return Err(OpError::model(
                "The model keeps PID 1: if init exits, the kernel panics (\"Attempted to kill init!\").",
            ));
        }
        self.processes
            .remove(&pid)
            .map(|_| ())
            .ok_or_else(|| no_process(pid))
    }

    /// `cgroup1_get_tree`: mounting the same controller set again reuses the hierarchy; any
    /// controller already attached elsewhere is EBUSY (`rebind_subsystems`).
    fn mount(&mut self, options: &[String]) -> Result<(), OpError> {
        if self.version == CgroupVersion::V2 {
            return Err(OpError::model(
                "mount adds v1 hierarchies; a pure v2 system has exactly one unified hierarchy.",
            ));
        }
        let mut controllers = ControllerSet::EMPTY;
        let mut name = None;
        for option in options {
            if let Some(n) = option.strip_prefix("name=") {
                name = Some(n.to_owned());
            } else if let Some(c) = Controller::from_name(option).filter(|c| c.v1_name() == option)
            {
                controllers = controllers.with(c);
            } else {
                return Err(OpError::kernel(
                    Errno::Einval,
                    format!("{option} is not a v1 controller or a name= option."),
                ));
            }
        }
        if controllers.is_empty() && name.is_none() {
            return Err(OpError::model(
                "Name at least one controller or a name= option.",
            ));
        }
        let kind = HierarchyKind::V1 { controllers, name };
        if self.hierarchies.iter().any(|h| h.kind == kind) {
            return Ok(());
        }
        for tree in &self.hierarchies {
            let shared = tree.v1_controllers().intersection(controllers);
            if let Some(c) = shared.iter().next() {
                return Err(OpError::kernel(
                    Errno::Ebusy,
                    format!(
                        "{} is already attached to the {} hierarchy, and a controller can be attached to at most one hierarchy.",
                        c.v1_name(),
                        tree.mount_name()
                    ),
                ));
            }
        }
        self.hierarchies.push(Hierarchy::new(kind));
        for process in self.processes.values_mut() {
            process.cgroups.push(CgroupPath::root());
        }
        Ok(())
    }
}

fn no_process(pid: Pid) -> OpError {
    OpError::model(format!("There is no process {pid} in this scene."))
}

/// An index that names no mounted hierarchy: a model error, since indices come from the state.
fn missing_hierarchy(h: usize) -> OpError {
    OpError::model(format!("No hierarchy number {h} is mounted."))
}

#[cfg(test)]
mod tests {
    use super::super::workload::Workload;
    use super::*;

    fn t(text: &str) -> Target {
        match text.split_once(":/") {
            Some((h, rest)) => Target::v1(h, CgroupPath::parse(&format!("/{rest}")).unwrap()),
            None => Target::v2(CgroupPath::parse(text).unwrap()),
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn errno(state: &mut State, op: Op) -> Option<Errno> {
        let before = state.clone();
        let result = state.apply(&op);
        match result {
            Ok(()) => None,
            Err(error) => {
                assert_eq!(*state, before, "a failed {op:?} must not change the state");
                Some(error.errno.unwrap_or(Errno::Einval))
            }
        }
    }

    fn ok(state: &mut State, op: Op) {
        if let Err(error) = state.apply(&op) {
            panic!("{op:?} failed: {error}");
        }
    }

    fn v2_with_app() -> State {
        let mut state = State::default_for(CgroupVersion::V2)
            .with_process(500, "web", Workload::idle())
            .with_process(501, "db", Workload::idle());
        ok(
            &mut state,
            Op::Enable {
                target: t("/"),
                controllers: names(&["cpu", "memory", "pids"]),
            },
        );
        ok(&mut state, Op::Mkdir(t("/app")));
        state
    }

    #[test]
    fn mkdir_and_rmdir_errnos() {
        let mut state = v2_with_app();
        assert_eq!(errno(&mut state, Op::Mkdir(t("/app"))), Some(Errno::Eexist));
        assert_eq!(errno(&mut state, Op::Mkdir(t("/x/y"))), Some(Errno::Enoent));
        assert_eq!(errno(&mut state, Op::Mkdir(t("/"))), Some(Errno::Eexist));
        assert_eq!(
            errno(&mut state, Op::Mkdir(t("/app/cgroup.procs"))),
            Some(Errno::Eexist)
        );
        ok(&mut state, Op::Mkdir(t("/app/web")));
        // A cgroup with a child: EBUSY (checked on Linux 6.18), not ENOTEMPTY.
        assert_eq!(errno(&mut state, Op::Rmdir(t("/app"))), Some(Errno::Ebusy));
        ok(
            &mut state,
            Op::Move {
                pid: 500,
                to: t("/app/web"),
            },
        );
        assert_eq!(
            errno(&mut state, Op::Rmdir(t("/app/web"))),
            Some(Errno::Ebusy)
        );
        ok(&mut state, Op::Exit { pid: 500 });
        ok(&mut state, Op::Rmdir(t("/app/web")));
        ok(&mut state, Op::Rmdir(t("/app")));
        assert_eq!(errno(&mut state, Op::Rmdir(t("/app"))), Some(Errno::Enoent));
        assert_eq!(errno(&mut state, Op::Rmdir(t("/"))), Some(Errno::Ebusy));
    }

    #[test]
    fn controllers_are_enabled_top_down() {
        let mut state = v2_with_app();
        ok(&mut state, Op::Mkdir(t("/app/web")));
        // /app has not enabled memory for its children, so /app/web cannot pass it on.
        let enable_web = Op::Enable {
            target: t("/app/web"),
            controllers: names(&["memory"]),
        };
        assert_eq!(errno(&mut state, enable_web.clone()), Some(Errno::Enoent));
        ok(
            &mut state,
            Op::Enable {
                target: t("/app"),
                controllers: names(&["memory"]),
            },
        );
        ok(&mut state, enable_web);
        // Disabling fails while a child still enables it.
        let disable_app = Op::Disable {
            target: t("/app"),
            controllers: names(&["memory"]),
        };
        assert_eq!(errno(&mut state, disable_app.clone()), Some(Errno::Ebusy));
        ok(
            &mut state,
            Op::Disable {
                target: t("/app/web"),
                controllers: names(&["memory"]),
            },
        );
        ok(&mut state, disable_app);
    }

    #[test]
    fn unknown_and_v1_only_controllers_are_einval() {
        let mut state = v2_with_app();
        for name in ["bogus", "cpuacct", "blkio", "devices"] {
            let op = Op::Enable {
                target: t("/"),
                controllers: names(&[name]),
            };
            assert_eq!(errno(&mut state, op), Some(Errno::Einval), "{name}");
        }
        let perf = Op::Enable {
            target: t("/"),
            controllers: names(&["perf_event"]),
        };
        assert_eq!(errno(&mut state, perf), Some(Errno::Enoent));
    }

    #[test]
    fn no_internal_processes_both_ways() {
        let mut state = v2_with_app();
        ok(
            &mut state,
            Op::Move {
                pid: 500,
                to: t("/app"),
            },
        );
        ok(&mut state, Op::Mkdir(t("/app/web")));
        // Enabling a domain controller in a non-root cgroup with processes: EBUSY.
        let enable = Op::Enable {
            target: t("/app"),
            controllers: names(&["memory"]),
        };
        assert_eq!(errno(&mut state, enable.clone()), Some(Errno::Ebusy));
        // A threaded controller is fine while /app could still become a thread root.
        ok(
            &mut state,
            Op::Enable {
                target: t("/app"),
                controllers: names(&["cpu"]),
            },
        );
        ok(
            &mut state,
            Op::Move {
                pid: 500,
                to: t("/app/web"),
            },
        );
        ok(&mut state, enable);
        // Writing a pid into a cgroup with domain controllers enabled: EBUSY.
        assert_eq!(
            errno(
                &mut state,
                Op::Move {
                    pid: 501,
                    to: t("/app")
                }
            ),
            Some(Errno::Ebusy)
        );
        // The root is exempt from the rule.
        ok(
            &mut state,
            Op::Move {
                pid: 501,
                to: t("/"),
            },
        );
        assert_eq!(
            errno(
                &mut state,
                Op::Move {
                    pid: 999,
                    to: t("/app/web")
                }
            ),
            Some(Errno::Esrch)
        );
    }

    #[test]
    fn threaded_only_cgroup_with_populated_child_refuses_processes() {
        let mut state = v2_with_app();
        ok(&mut state, Op::Mkdir(t("/app/web")));
        ok(
            &mut state,
            Op::Enable {
                target: t("/app"),
                controllers: names(&["cpu"]),
            },
        );
        ok(
            &mut state,
            Op::Move {
                pid: 500,
                to: t("/app/web"),
            },
        );
        // /app has a populated child, so it can no longer become a thread root.
        assert_eq!(
            errno(
                &mut state,
                Op::Move {
                    pid: 501,
                    to: t("/app")
                }
            ),
            Some(Errno::Ebusy)
        );
    }

    #[test]
    fn limit_files_exist_only_where_the_controller_is() {
        let mut state = v2_with_app();
        let set = |file: &str, value: &str| Op::Set {
            target: t("/app"),
            file: file.to_owned(),
            value: value.to_owned(),
        };
        ok(&mut state, set("cpu.max", "50000 100000"));
        ok(&mut state, set("memory.max", "256M"));
        // io is not enabled in the root's subtree_control: no io.max in /app.
        assert_eq!(
            errno(&mut state, set("io.max", "8:0 rbps=1")),
            Some(Errno::Eacces)
        );
        assert_eq!(
            errno(&mut state, set("cpu.shares", "512")),
            Some(Errno::Eacces)
        );
        assert_eq!(
            errno(&mut state, set("cpu.weight", "0")),
            Some(Errno::Erange)
        );
        let root = Op::Set {
            target: t("/"),
            file: "cpu.max".to_owned(),
            value: "max".to_owned(),
        };
        assert_eq!(errno(&mut state, root), Some(Errno::Eacces));
        // Disabling cpu destroys /app's cpu state; re-enabling starts from the defaults.
        ok(
            &mut state,
            Op::Disable {
                target: t("/"),
                controllers: names(&["cpu"]),
            },
        );
        ok(
            &mut state,
            Op::Enable {
                target: t("/"),
                controllers: names(&["cpu"]),
            },
        );
        let app = state.hierarchies()[0]
            .get(&CgroupPath::parse("/app").unwrap())
            .unwrap();
        assert_eq!(app.limits.read(LimitFile::CpuMax), "max 100000");
        assert_eq!(app.limits.read(LimitFile::MemoryMax), "268435456");
    }

    #[test]
    fn pids_max_refuses_fork_exactly_at_the_limit() {
        let mut state = v2_with_app();
        ok(
            &mut state,
            Op::Set {
                target: t("/app"),
                file: "pids.max".to_owned(),
                value: "3".to_owned(),
            },
        );
        ok(
            &mut state,
            Op::Move {
                pid: 500,
                to: t("/app"),
            },
        );
        ok(
            &mut state,
            Op::Fork {
                parent: 500,
                comm: None,
            },
        );
        ok(
            &mut state,
            Op::Fork {
                parent: 500,
                comm: None,
            },
        );
        assert_eq!(state.task_count(0, &CgroupPath::parse("/app").unwrap()), 3);
        assert_eq!(
            errno(
                &mut state,
                Op::Fork {
                    parent: 500,
                    comm: None
                }
            ),
            Some(Errno::Eagain)
        );
        // Moving a process in may exceed the limit (pids_can_attach never fails).
        ok(
            &mut state,
            Op::Move {
                pid: 501,
                to: t("/app"),
            },
        );
        assert_eq!(state.task_count(0, &CgroupPath::parse("/app").unwrap()), 4);
    }

    #[test]
    fn v1_moves_are_per_hierarchy() {
        let mut state = State::default_for(CgroupVersion::V1);
        ok(&mut state, Op::Mkdir(t("cpu:/db")));
        ok(
            &mut state,
            Op::Move {
                pid: 100,
                to: t("cpu:/db"),
            },
        );
        let process = state.process(100).unwrap();
        assert_eq!(process.cgroups[0].as_str(), "/db");
        assert!(process.cgroups[1..].iter().all(CgroupPath::is_root));
        // v1 has no no-internal-process rule and no subtree_control file.
        ok(&mut state, Op::Mkdir(t("cpu:/db/child")));
        ok(
            &mut state,
            Op::Move {
                pid: 1,
                to: t("cpu:/db"),
            },
        );
        let enable = Op::Enable {
            target: t("cpu:/db"),
            controllers: names(&["cpu"]),
        };
        assert_eq!(errno(&mut state, enable), Some(Errno::Eacces));
        assert!(state.apply(&Op::Mkdir(t("/loose"))).is_err());
    }

    #[test]
    fn v1_controller_attaches_to_one_hierarchy() {
        let mut state = State::default_for(CgroupVersion::V1);
        let mount = |opts: &[&str]| Op::Mount {
            options: names(opts),
        };
        assert_eq!(
            errno(&mut state, mount(&["cpu", "memory"])),
            Some(Errno::Ebusy)
        );
        assert_eq!(errno(&mut state, mount(&["cpu"])), Some(Errno::Ebusy));
        ok(&mut state, mount(&["cpu", "cpuacct"]));
        assert_eq!(state.hierarchies().len(), 4);
        ok(&mut state, mount(&["freezer"]));
        assert_eq!(state.hierarchies().len(), 5);
        assert!(state.processes().all(|p| p.cgroups.len() == 5));
    }

    #[test]
    fn v1_quota_may_not_exceed_parent() {
        let mut state = State::default_for(CgroupVersion::V1);
        ok(&mut state, Op::Mkdir(t("cpu:/a")));
        ok(&mut state, Op::Mkdir(t("cpu:/a/b")));
        let set = |target: &str, file: &str, value: &str| Op::Set {
            target: t(target),
            file: file.to_owned(),
            value: value.to_owned(),
        };
        ok(&mut state, set("cpu:/a", "cpu.cfs_quota_us", "50000"));
        assert_eq!(
            errno(&mut state, set("cpu:/a/b", "cpu.cfs_quota_us", "60000")),
            Some(Errno::Einval)
        );
        ok(&mut state, set("cpu:/a/b", "cpu.cfs_quota_us", "40000"));
        // Lowering the parent below its child is refused too.
        assert_eq!(
            errno(&mut state, set("cpu:/a", "cpu.cfs_quota_us", "30000")),
            Some(Errno::Einval)
        );
        assert_eq!(
            errno(&mut state, set("cpu:/", "cpu.shares", "512")),
            Some(Errno::Einval)
        );
        assert_eq!(
            errno(&mut state, set("memory:/a", "cpu.shares", "512")),
            Some(Errno::Enoent)
        );
    }
}
