//! Property tests: random operation sequences never break the structural invariants that the
//! kernel guarantees, whichever operations fail.

use proptest::prelude::*;

use super::controller::ControllerSet;
use super::op::{Op, Target};
use super::path::CgroupPath;
use super::state::State;
use super::version::CgroupVersion;

const PATHS: &[&str] = &["/", "/a", "/b", "/a/x", "/a/y", "/a/x/z"];
const CONTROLLERS: &[&str] = &["cpu", "memory", "pids", "io", "bogus"];
const V1_NAMES: &[&str] = &["cpu", "memory", "pids", "blkio"];

fn target(v1: bool, hierarchy: usize, path: usize) -> Target {
    let path = CgroupPath::parse(PATHS[path % PATHS.len()]).unwrap_or_else(|_| CgroupPath::root());
    if v1 {
        Target::v1(V1_NAMES[hierarchy % V1_NAMES.len()], path)
    } else {
        Target::v2(path)
    }
}

fn op_strategy(v1: bool) -> impl Strategy<Value = Op> {
    let t = (0usize..4, 0usize..PATHS.len()).prop_map(move |(h, p)| target(v1, h, p));
    let names = proptest::collection::vec(0usize..CONTROLLERS.len(), 1..3).prop_map(|list| {
        list.iter()
            .map(|i| CONTROLLERS[*i].to_owned())
            .collect::<Vec<_>>()
    });
    let pid = prop_oneof![Just(1u32), Just(100u32), 101u32..106];
    prop_oneof![
        t.clone().prop_map(Op::Mkdir),
        t.clone().prop_map(Op::Rmdir),
        (pid.clone(), t.clone()).prop_map(|(pid, to)| Op::Move { pid, to }),
        (t.clone(), names.clone()).prop_map(|(target, controllers)| Op::Enable {
            target,
            controllers
        }),
        (t.clone(), names).prop_map(|(target, controllers)| Op::Disable {
            target,
            controllers
        }),
        (t, 0u32..4).prop_map(|(target, max)| Op::Set {
            target,
            file: "pids.max".to_owned(),
            value: max.to_string(),
        }),
        pid.clone()
            .prop_map(|parent| Op::Fork { parent, comm: None }),
        pid.prop_map(|pid| Op::Exit { pid }),
        proptest::sample::select(vec!["cpu", "freezer", "memory,cpuacct", "name=x"]).prop_map(
            |o| Op::Mount {
                options: o.split(',').map(str::to_owned).collect()
            }
        ),
    ]
}

fn check_invariants(state: &State) -> Result<(), TestCaseError> {
    for process in state.processes() {
        prop_assert_eq!(process.cgroups.len(), state.hierarchies().len());
        for (h, path) in process.cgroups.iter().enumerate() {
            prop_assert!(
                state.hierarchies()[h].contains(path),
                "pid {} in missing {}",
                process.pid,
                path
            );
        }
    }
    let mut attached = ControllerSet::EMPTY;
    for (h, tree) in state.hierarchies().iter().enumerate() {
        prop_assert!(tree.contains(&CgroupPath::root()));
        let own = tree.v1_controllers();
        prop_assert!(
            attached.intersection(own).is_empty(),
            "a controller in two hierarchies"
        );
        attached = attached.union(own);
        for (path, cgroup) in tree.cgroups() {
            if let Some(parent) = path.parent() {
                prop_assert!(tree.contains(&parent), "{} has no parent", path);
            }
            if tree.is_v2() {
                let available = state.controllers(h, path);
                prop_assert_eq!(
                    cgroup.subtree_control.intersection(available),
                    cgroup.subtree_control
                );
                if !path.is_root() && cgroup.subtree_control.has_domain() {
                    prop_assert!(
                        state.procs(h, path).is_empty(),
                        "internal process in {}",
                        path
                    );
                }
            }
        }
    }
    Ok(())
}

fn run(version: CgroupVersion, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut state = State::default_for(version);
    for op in ops {
        let before = state.clone();
        if state.apply(op).is_err() {
            prop_assert_eq!(&state, &before, "failed {} changed the state", op);
        }
        check_invariants(&state)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(super::proptest_config(96))]

    #[test]
    fn v2_invariants_hold(ops in proptest::collection::vec(op_strategy(false), 0..40)) {
        run(CgroupVersion::V2, &ops)?;
    }

    #[test]
    fn v1_invariants_hold(ops in proptest::collection::vec(op_strategy(true), 0..40)) {
        run(CgroupVersion::V1, &ops)?;
    }
}
