//! Helpers shared by the model's unit tests: small worlds and script runners.

use super::errno::{Errno, Failure};
use super::spawn::Effects;
use super::text::parse_op;
use super::world::World;

/// systemd (1) and a root shell (100) in the initial namespaces; next host PID 200.
pub fn root_host() -> World {
    World::boot("host")
        .with_process(1, 0, "systemd", 0)
        .with_process(100, 1, "bash", 0)
        .with_next_pid(200)
}

/// systemd (1) and a shell of uid 1000 (100); next host PID 200.
pub fn user_host() -> World {
    World::boot("host")
        .with_process(1, 0, "systemd", 0)
        .with_process(100, 1, "bash", 1000)
        .with_next_pid(200)
}

/// Applies one operation in text form; panics if it does not parse.
pub fn try_op(world: &World, text: &str) -> Result<(World, Effects), Failure> {
    let op = parse_op(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    world.apply(&op)
}

/// Applies operations (separated by `;`) that must all succeed.
pub fn run(world: &World, script: &str) -> World {
    script
        .split(';')
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .fold(world.clone(), |current, text| {
            match try_op(&current, text) {
                Ok((next, _)) => next,
                Err(failure) => panic!("{text}: {failure}"),
            }
        })
}

/// The errno of an operation that must fail with one; the world must be unchanged.
pub fn errno_of(world: &World, text: &str) -> Errno {
    match try_op(world, text) {
        Ok(_) => panic!("{text} succeeded"),
        Err(failure) => failure
            .errno_value()
            .unwrap_or_else(|| panic!("{text}: no errno: {failure}")),
    }
}
