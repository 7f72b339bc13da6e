//! Stopping and removing containers: the stop signal and its grace period, `kill`, the cgroup
//! freezer (`pause`), exits, and removal with the layers no one uses any more.
//!
//! What a process does with a signal (a handler, or PID 1 ignoring SIGTERM without one) is
//! [`program::react`]; here the daemon delivers it and keeps the clock and the events.

use super::container::{ContainerState, LifecycleError};
use super::engine::{Engine, HOST_CPUS};
use super::errors::DaemonError;
use super::events::Event;
use super::program::{self, Reaction, Signal};
use super::sha256::Digest;

impl Engine {
    /// The main process of `id` exited with `exit_code` now.
    pub(super) fn exit_container(&mut self, id: &Digest, exit_code: i32) {
        let now = self.now_ms;
        let Some(container) = self.container_mut(id) else {
            return;
        };
        let Ok(state) = container.state.exit() else {
            return;
        };
        container.state = state;
        container.exit_code = exit_code;
        container.finished_ms = Some(now);
        container.deadline_ms = None;
        container.ip.clear();
        let auto_remove = container.auto_remove;
        self.emit(Event::ContainerExited {
            container: *id,
            exit_code,
        });
        if auto_remove {
            self.delete_container(id);
        }
    }

    /// Removes container `id` and then the layers no image or container uses.
    fn delete_container(&mut self, id: &Digest) {
        let Some(index) = self.containers.iter().position(|c| c.id == *id) else {
            return;
        };
        // `index` was just found in `containers`, so `remove` cannot panic.
        let container = self.containers.remove(index);
        self.emit(Event::ContainerRemoved {
            container: container.id,
            name: container.name,
        });
        let pinned = self.pinned_layers();
        for layer in self.images.collect_layers(&pinned) {
            self.emit(Event::LayerDeleted { layer });
        }
    }

    /// Delivers `signal` to a container with a process; returns how the process reacted.
    fn deliver(&mut self, id: &Digest, signal: Signal) -> Reaction {
        let Some(container) = self.container_mut(id) else {
            return Reaction::Ignored;
        };
        let behaviour = container.behaviour;
        if container.state == ContainerState::Paused {
            // The daemon thaws a paused container after signalling it, so the signal is delivered.
            container.state = ContainerState::Running;
            self.emit(Event::ContainerUnpaused { container: *id });
        }
        let reaction = program::react(behaviour, signal);
        self.emit(Event::SignalSent {
            container: *id,
            signal: signal.name().to_owned(),
            handled: reaction != Reaction::Ignored,
        });
        let lines = program::signal_logs(behaviour, signal, self.now_ms, HOST_CPUS);
        self.append_logs(id, lines);
        reaction
    }

    /// `docker stop [-t N]`: the stop signal, up to `timeout_secs` of grace, then SIGKILL.
    pub(super) fn stop(&mut self, key: &str, timeout_secs: u64) -> Result<(), DaemonError> {
        let container = self.find_container(key)?;
        if !container.state.has_process() {
            return Ok(());
        }
        let id = container.id;
        let signal = Signal::parse(&container.stop_signal).unwrap_or(Signal::Term);
        let grace_ms = timeout_secs.saturating_mul(1000);
        match self.deliver(&id, signal) {
            Reaction::Killed => self.exit_container(&id, 128 + Signal::Kill.number()),
            Reaction::Exits {
                exit_code,
                after_ms,
            } if after_ms <= grace_ms => {
                self.advance(after_ms);
                self.exit_container(&id, exit_code);
            }
            _ => {
                self.advance(grace_ms);
                let still_running = self.container(&id).is_some_and(|c| c.state.has_process());
                if still_running {
                    self.emit(Event::GracePeriodExpired {
                        container: id,
                        grace_secs: timeout_secs,
                    });
                    self.deliver(&id, Signal::Kill);
                    self.exit_container(&id, 128 + Signal::Kill.number());
                }
            }
        }
        Ok(())
    }

    /// `docker kill [-s SIGNAL]`.
    pub(super) fn kill(&mut self, key: &str, signal: Signal) -> Result<(), DaemonError> {
        let container = self.find_container(key)?;
        if !container.state.has_process() {
            return Err(DaemonError::KillNotRunning {
                name: key.to_owned(),
                id: container.id.hex(),
            });
        }
        let id = container.id;
        match self.deliver(&id, signal) {
            Reaction::Killed => self.exit_container(&id, 128 + Signal::Kill.number()),
            Reaction::Exits {
                exit_code,
                after_ms,
            } => {
                self.advance(after_ms);
                self.exit_container(&id, exit_code);
            }
            Reaction::Reloads | Reaction::Ignored => {}
        }
        Ok(())
    }

    /// `docker pause` (cgroup freezer).
    pub(super) fn pause(&mut self, key: &str) -> Result<(), DaemonError> {
        let container = self.find_container_mut(key)?;
        let id = container.id;
        container.state = container.state.pause().map_err(|error| match error {
            LifecycleError::AlreadyPaused => DaemonError::AlreadyPaused(id.hex()),
            _ => DaemonError::NotRunning(id.hex()),
        })?;
        self.emit(Event::ContainerPaused { container: id });
        Ok(())
    }

    /// `docker unpause`; a process whose time ran out while frozen exits now.
    pub(super) fn unpause(&mut self, key: &str) -> Result<(), DaemonError> {
        let now = self.now_ms;
        let container = self.find_container_mut(key)?;
        let id = container.id;
        container.state = container
            .state
            .unpause()
            .map_err(|_| DaemonError::NotPaused(id.hex()))?;
        let overdue = container.deadline_ms.is_some_and(|d| d <= now);
        self.emit(Event::ContainerUnpaused { container: id });
        if overdue {
            self.exit_container(&id, 0);
        }
        Ok(())
    }

    /// `docker rm [-f]`.
    pub(super) fn remove(&mut self, key: &str, force: bool) -> Result<(), DaemonError> {
        let container = self.find_container(key)?;
        let id = container.id;
        if container.state.has_process() {
            if !force {
                return Err(DaemonError::RemoveRunning(container.name.clone()));
            }
            let auto_remove = container.auto_remove;
            self.deliver(&id, Signal::Kill);
            self.exit_container(&id, 128 + Signal::Kill.number());
            if auto_remove {
                return Ok(());
            }
        }
        self.delete_container(&id);
        Ok(())
    }

    /// `docker container prune -f`: removes every container without a process; returns the ids
    /// and the bytes of writable layers freed.
    pub(super) fn prune_containers(&mut self) -> (Vec<Digest>, u64) {
        let stopped: Vec<(Digest, u64)> = self
            .containers
            .iter()
            .filter(|c| !c.state.has_process())
            .map(|c| (c.id, c.writable_bytes()))
            .collect();
        for (id, _) in &stopped {
            self.delete_container(id);
        }
        let freed = stopped.iter().map(|(_, bytes)| bytes).sum();
        (stopped.into_iter().map(|(id, _)| id).collect(), freed)
    }
}

#[cfg(test)]
mod tests {
    use super::super::engine::DEFAULT_STOP_TIMEOUT_SECS;
    use super::super::engine::tests::{engine_with, run};
    use super::*;

    #[test]
    fn stop_is_fast_for_handlers_and_waits_the_grace_period_for_pid1_without_one() {
        let mut engine = engine_with(&["nginx", "alpine"]);
        run(&mut engine, "nginx", "web", &[]);
        run(&mut engine, "alpine", "sleeper", &["sleep", "1000"]);
        let before = engine.now_ms;
        engine.stop("web", DEFAULT_STOP_TIMEOUT_SECS).unwrap();
        let nginx_stop_ms = engine.now_ms - before;
        assert!(nginx_stop_ms < 1_000);
        let web = engine.find_container("web").unwrap();
        assert_eq!((web.state, web.exit_code), (ContainerState::Exited, 0));

        let before = engine.now_ms;
        engine.stop("sleeper", DEFAULT_STOP_TIMEOUT_SECS).unwrap();
        assert_eq!(engine.now_ms - before, 10_000);
        let sleeper = engine.find_container("sleeper").unwrap();
        assert_eq!(
            (sleeper.state, sleeper.exit_code),
            (ContainerState::Exited, 137)
        );
        let events = engine.take_events();
        assert!(
            events
                .iter()
                .any(|e| matches!(e.event, Event::GracePeriodExpired { grace_secs: 10, .. }))
        );
    }

    #[test]
    fn stop_timeout_flag_shortens_the_grace_period_and_natural_exit_wins() {
        let mut engine = engine_with(&["alpine"]);
        run(&mut engine, "alpine", "aa", &["sleep", "1000"]);
        let before = engine.now_ms;
        engine.stop("aa", 2).unwrap();
        assert_eq!(engine.now_ms - before, 2_000);
        run(&mut engine, "alpine", "bb", &["sleep", "3"]);
        engine.stop("bb", 10).unwrap();
        let b = engine.find_container("bb").unwrap();
        assert_eq!(
            b.exit_code, 0,
            "sleep 3 ends by itself inside the 10 s grace period"
        );
    }

    #[test]
    fn rm_refuses_running_containers_unless_forced() {
        let mut engine = engine_with(&["nginx"]);
        run(&mut engine, "nginx", "web", &[]);
        assert_eq!(
            engine.remove("web", false),
            Err(DaemonError::RemoveRunning("web".into()))
        );
        engine.remove("web", true).unwrap();
        assert!(engine.containers.is_empty());
        assert_eq!(
            engine.remove("web", false),
            Err(DaemonError::NoSuchContainer("web".into()))
        );
    }

    #[test]
    fn pause_unpause_and_errors() {
        let mut engine = engine_with(&["alpine"]);
        run(&mut engine, "alpine", "box", &["sleep", "100"]);
        engine.pause("box").unwrap();
        assert!(matches!(
            engine.pause("box"),
            Err(DaemonError::AlreadyPaused(_))
        ));
        assert!(matches!(
            engine.exec("box", &["ls".into()], &[], None),
            Err(DaemonError::ExecPaused(_))
        ));
        assert_eq!(engine.start("box"), Err(DaemonError::StartPaused));
        engine.unpause("box").unwrap();
        assert!(matches!(
            engine.unpause("box"),
            Err(DaemonError::NotPaused(_))
        ));
    }
}
