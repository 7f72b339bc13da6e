//! What a process does in the resource simulation: burn CPU or sleep, grow its memory, fork.
//!
//! A workload is a few numbers per process so that a preset (or a `load` step of a custom scene)
//! can describe a leak, a fork bomb or a job that goes idle halfway without any code.

use serde::Serialize;

use super::units::{bytes_suffix, secs_text};

/// A process's behaviour in the simulation. The default is an idle process that never grows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Workload {
    /// Whether the process wants a whole CPU during its busy window.
    pub cpu_busy: bool,
    /// Start of the busy window in simulated seconds.
    pub busy_from_secs: f64,
    /// End of the busy window (exclusive); `None` means until the end.
    pub busy_until_secs: Option<f64>,
    /// Anonymous memory it allocates per second (not reclaimable without swap).
    pub anon_bytes_per_sec: u64,
    /// Page cache it fills per second (reclaimable).
    pub cache_bytes_per_sec: u64,
    /// Anonymous memory it holds at the start.
    pub initial_anon_bytes: u64,
    /// It forks a copy of itself this often (the child inherits the workload).
    pub fork_every_secs: Option<f64>,
}

impl Default for Workload {
    fn default() -> Self {
        Self::idle()
    }
}

impl Workload {
    /// A sleeping process.
    pub fn idle() -> Self {
        Self {
            cpu_busy: false,
            busy_from_secs: 0.0,
            busy_until_secs: None,
            anon_bytes_per_sec: 0,
            cache_bytes_per_sec: 0,
            initial_anon_bytes: 0,
            fork_every_secs: None,
        }
    }

    /// A CPU-bound process that runs for the whole simulation.
    pub fn busy() -> Self {
        Self {
            cpu_busy: true,
            ..Self::idle()
        }
    }

    /// This workload, busy only until `secs`.
    pub fn until(self, secs: f64) -> Self {
        Self {
            busy_until_secs: Some(secs),
            ..self
        }
    }

    /// This workload, leaking `bytes_per_sec` of anonymous memory.
    pub fn leaking(self, bytes_per_sec: u64) -> Self {
        Self {
            anon_bytes_per_sec: bytes_per_sec,
            ..self
        }
    }

    /// This workload, filling `bytes_per_sec` of page cache.
    pub fn caching(self, bytes_per_sec: u64) -> Self {
        Self {
            cache_bytes_per_sec: bytes_per_sec,
            ..self
        }
    }

    /// This workload, starting with `bytes` of anonymous memory.
    pub fn holding(self, bytes: u64) -> Self {
        Self {
            initial_anon_bytes: bytes,
            ..self
        }
    }

    /// This workload, forking every `secs`.
    pub fn forking(self, secs: f64) -> Self {
        Self {
            fork_every_secs: Some(secs),
            ..self
        }
    }

    /// Whether the process wants CPU at `secs`.
    pub fn busy_at(&self, secs: f64) -> bool {
        self.cpu_busy
            && secs >= self.busy_from_secs
            && self.busy_until_secs.is_none_or(|until| secs < until)
    }

    /// The `key=value` words of the text form (`busy until=5s anon=10M/s`).
    pub fn words(&self) -> Vec<String> {
        let mut words = vec![if self.cpu_busy { "busy" } else { "idle" }.to_owned()];
        if self.busy_from_secs != 0.0 {
            words.push(format!("from={}s", secs_text(self.busy_from_secs)));
        }
        if let Some(until) = self.busy_until_secs {
            words.push(format!("until={}s", secs_text(until)));
        }
        if self.anon_bytes_per_sec != 0 {
            words.push(format!("anon={}/s", bytes_suffix(self.anon_bytes_per_sec)));
        }
        if self.cache_bytes_per_sec != 0 {
            words.push(format!(
                "cache={}/s",
                bytes_suffix(self.cache_bytes_per_sec)
            ));
        }
        if self.initial_anon_bytes != 0 {
            words.push(format!("rss={}", bytes_suffix(self.initial_anon_bytes)));
        }
        if let Some(every) = self.fork_every_secs {
            words.push(format!("fork={}s", secs_text(every)));
        }
        words
    }

    /// A short description for step labels: "busy until 5 s, leaking 10M/s".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.cpu_busy, self.busy_until_secs) {
            (false, _) => parts.push("idle".to_owned()),
            (true, None) if self.busy_from_secs == 0.0 => parts.push("CPU-bound".to_owned()),
            (true, until) => parts.push(format!(
                "CPU-bound from {} s{}",
                secs_text(self.busy_from_secs),
                until.map_or(String::new(), |u| format!(" until {} s", secs_text(u)))
            )),
        }
        if self.anon_bytes_per_sec != 0 {
            parts.push(format!(
                "leaking {}B/s",
                bytes_suffix(self.anon_bytes_per_sec)
            ));
        }
        if self.cache_bytes_per_sec != 0 {
            parts.push(format!(
                "filling {}B/s of page cache",
                bytes_suffix(self.cache_bytes_per_sec)
            ));
        }
        if let Some(every) = self.fork_every_secs {
            parts.push(format!("forking every {} s", secs_text(every)));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_window() {
        let load = Workload::busy().until(5.0);
        assert!(load.busy_at(0.0));
        assert!(load.busy_at(4.999));
        assert!(!load.busy_at(5.0));
        assert!(!Workload::idle().busy_at(1.0));
        assert_eq!(load.describe(), "CPU-bound from 0 s until 5 s");
        assert_eq!(
            Workload::busy().leaking(10 << 20).words(),
            ["busy", "anon=10M/s"]
        );
    }
}
