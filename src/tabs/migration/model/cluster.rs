//! Why VMs are migrated: a small cluster where live migration moves VMs to balance load, to empty
//! a host for maintenance, and away from hardware that is about to fail.
//!
//! The three reasons are the deck's (load balancing, maintenance, fault tolerance; Clark et al.,
//! NSDI 2005, introduce live migration for exactly these cluster-management uses). Each move is
//! simulated with this tab's pre-copy model ([`super::simulate`]) for the VM's memory and write
//! rate over QEMU's default migration bandwidth (128 MiB/s), so the times, downtimes and data
//! sent shown are the model's own. The placement rules are the simple ones a cluster manager
//! starts from: move the VM that relieves an overloaded host at the least migration cost, to the
//! least loaded host with room.
//!
//! Fault tolerance needs a warning: live migration moves a *running* VM, so it helps only while
//! the failing host still runs (rising corrected memory errors, a failing fan or power supply
//! reported by the host's health monitoring). A host that has already died cannot send its VMs'
//! memory; high-availability clustering then restarts them elsewhere from their disks, and
//! whatever was in their memory is lost.
//!
//! The VMs, their loads, sizes and write rates are illustrative.

// Not yet converted to checked indexing (issue 21 stays open for it): 33 index expressions over the hosts and VMs.
// The rest of the crate denies `clippy::indexing_slicing` (Cargo.toml's [lints]); this module
// is the recorded debt.
#![allow(clippy::indexing_slicing)]

use super::{Mode, Params, Preset, Summary, simulate};

/// A host above this CPU load is overloaded (illustrative threshold, as cluster balancers use).
pub const OVERLOAD_PCT: f64 = 80.0;

/// A VM of the cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Vm {
    /// Its name.
    pub name: &'static str,
    /// Guest memory in GiB.
    pub memory_gib: f64,
    /// Its hot working set in MiB (the pages it keeps rewriting).
    pub wss_mib: f64,
    /// How fast it writes memory, in MiB/s.
    pub dirty_mib_s: f64,
    /// Its share of one host's CPU, in percent.
    pub cpu_pct: f64,
}

/// A host's condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Running normally.
    Ok,
    /// Marked for maintenance: nothing new is placed on it and its VMs must leave.
    Maintenance,
    /// Its health monitoring reports a fault that is getting worse.
    Failing,
    /// Down.
    Failed,
}

impl Health {
    /// The word drawn on the host (colour is never the only cue).
    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "running",
            Self::Maintenance => "maintenance mode",
            Self::Failing => "⚠ failing: memory errors rising",
            Self::Failed => "✖ failed",
        }
    }
}

/// A physical host and the VMs it runs (indices into [`Cluster::vms`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Its name.
    pub name: &'static str,
    /// Its condition.
    pub health: Health,
    /// The VMs on it.
    pub vms: Vec<usize>,
}

/// The cluster at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Every VM.
    pub vms: Vec<Vm>,
    /// Every host.
    pub hosts: Vec<Host>,
}

impl Cluster {
    /// The CPU load of host `host`, in percent.
    pub fn load_pct(&self, host: usize) -> f64 {
        // A fold from +0.0: an empty host must not print as "-0 %".
        self.hosts[host]
            .vms
            .iter()
            .fold(0.0, |sum, &vm| sum + self.vms[vm].cpu_pct)
    }

    /// Where VM `vm` runs.
    pub fn host_of(&self, vm: usize) -> Option<usize> {
        self.hosts.iter().position(|host| host.vms.contains(&vm))
    }

    /// The least loaded healthy host other than `except` that has room for `cpu_pct` without
    /// going over [`OVERLOAD_PCT`].
    pub fn best_target(&self, except: usize, cpu_pct: f64) -> Option<usize> {
        (0..self.hosts.len())
            .filter(|&host| host != except && self.hosts[host].health == Health::Ok)
            .filter(|&host| self.load_pct(host) + cpu_pct <= OVERLOAD_PCT)
            .min_by(|&a, &b| self.load_pct(a).total_cmp(&self.load_pct(b)))
    }

    /// The VM to move off overloaded `host`: of those whose departure brings it to the
    /// threshold or under and that fit elsewhere, the one with the least memory to copy.
    pub fn vm_to_shed(&self, host: usize) -> Option<usize> {
        let load = self.load_pct(host);
        self.hosts[host]
            .vms
            .iter()
            .copied()
            .filter(|&vm| load - self.vms[vm].cpu_pct <= OVERLOAD_PCT)
            .filter(|&vm| self.best_target(host, self.vms[vm].cpu_pct).is_some())
            .min_by(|&a, &b| self.vms[a].memory_gib.total_cmp(&self.vms[b].memory_gib))
    }

    fn moved(&self, vm: usize, to: usize) -> Self {
        let mut next = self.clone();
        for host in &mut next.hosts {
            host.vms.retain(|&other| other != vm);
        }
        next.hosts[to].vms.push(vm);
        next
    }
}

/// Why the cluster moves VMs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// An overloaded host sheds a VM to a quieter one.
    LoadBalancing,
    /// A host is emptied so it can be patched or repaired while its VMs keep running.
    Maintenance,
    /// VMs leave a host whose hardware is about to fail.
    FaultTolerance,
}

impl Reason {
    /// All three, in the deck's order.
    pub const ALL: [Self; 3] = [Self::LoadBalancing, Self::Maintenance, Self::FaultTolerance];

    /// The use case's name.
    pub fn title(self) -> &'static str {
        match self {
            Self::LoadBalancing => "Load balancing",
            Self::Maintenance => "Maintenance",
            Self::FaultTolerance => "Fault tolerance",
        }
    }

    /// The scene-link preset.
    pub fn slug(self) -> &'static str {
        match self {
            Self::LoadBalancing => "load-balancing",
            Self::Maintenance => "maintenance",
            Self::FaultTolerance => "failing-hardware",
        }
    }

    /// Parses [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.slug() == slug)
    }

    /// What the use case achieves, in a few words.
    pub fn purpose(self) -> &'static str {
        match self {
            Self::LoadBalancing => "relieve an overloaded host",
            Self::Maintenance => "service a host while its VMs keep running",
            Self::FaultTolerance => "leave hardware whose health monitoring reports faults",
        }
    }
}

/// One live migration: which VM, from where to where, and what the pre-copy model says it costs.
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// The VM.
    pub vm: usize,
    /// The source host.
    pub from: usize,
    /// The destination host.
    pub to: usize,
    /// The simulated pre-copy migration.
    pub summary: Summary,
}

/// One step of a preset.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterStep {
    /// Stable slug for `step=`.
    pub slug: String,
    /// The step's caption, from the model's numbers.
    pub caption: String,
    /// The cluster at this step.
    pub cluster: Cluster,
    /// The migration under way, if any.
    pub moving: Option<Move>,
    /// Migrations finished so far.
    pub done: Vec<Move>,
}

/// Why a preset could not be built (a VM the model cannot migrate).
pub type ClusterError = super::ParamError;

/// `1 round`, `4 rounds`.
pub fn rounds(count: u32) -> String {
    if count == 1 {
        "1 round".to_owned()
    } else {
        format!("{count} rounds")
    }
}

/// Simulates a pre-copy live migration of `vm` over QEMU's default bandwidth.
pub fn migrate(vm: &Vm) -> Result<Summary, ClusterError> {
    let mut params: Params = Preset::BusyWeb.params();
    params.set_key("memory_mib", &(vm.memory_gib * 1024.0).to_string())?;
    params.set_key("wss_mib", &vm.wss_mib.to_string())?;
    params.set_key("dirty_mib_s", &vm.dirty_mib_s.to_string())?;
    Ok(simulate(&params, Mode::PreCopy)?.summary)
}

fn vm(name: &'static str, memory_gib: f64, wss_mib: f64, dirty_mib_s: f64, cpu_pct: f64) -> Vm {
    Vm {
        name,
        memory_gib,
        wss_mib,
        dirty_mib_s,
        cpu_pct,
    }
}

/// The cluster load balancing starts from: host A overloaded, C quiet.
pub fn initial_cluster() -> Cluster {
    let host = |name, vms: Vec<usize>| Host {
        name,
        health: Health::Ok,
        vms,
    };
    Cluster {
        vms: vec![
            vm("web", 4.0, 512.0, 40.0, 40.0),
            vm("db", 16.0, 2048.0, 60.0, 35.0),
            vm("cache", 8.0, 1024.0, 30.0, 20.0),
            vm("mail", 2.0, 64.0, 2.0, 20.0),
            vm("build", 4.0, 256.0, 20.0, 20.0),
            vm("wiki", 2.0, 64.0, 1.0, 10.0),
            vm("dns", 1.0, 16.0, 0.5, 10.0),
        ],
        hosts: vec![
            host("host A", vec![0, 1, 2]),
            host("host B", vec![3, 4]),
            host("host C", vec![5, 6]),
        ],
    }
}

/// What the preset for `reason` achieved, from its last step, in a line: the model's outcome
/// of each use case.
pub fn outcome(reason: Reason) -> Result<String, ClusterError> {
    let steps = steps(reason)?;
    let (Some(first), Some(last)) = (steps.first(), steps.last()) else {
        return Ok(String::new());
    };
    let pauses = last
        .done
        .iter()
        .map(|change| change.summary.downtime_secs)
        .fold(0.0, f64::max);
    Ok(match reason {
        Reason::LoadBalancing => {
            let host = (0..first.cluster.hosts.len())
                .max_by(|&a, &b| {
                    first
                        .cluster
                        .load_pct(a)
                        .total_cmp(&first.cluster.load_pct(b))
                })
                .unwrap_or(0);
            format!(
                "{} {:.0} % → {:.0} % CPU, paused {}",
                first.cluster.hosts[host].name,
                first.cluster.load_pct(host),
                last.cluster.load_pct(host),
                crate::units::duration_secs(pauses)
            )
        }
        Reason::Maintenance | Reason::FaultTolerance => {
            let host = last
                .cluster
                .hosts
                .iter()
                .position(|h| h.health != Health::Ok)
                .unwrap_or(0);
            format!(
                "{} emptied by {} migrations, no VM lost, paused ≤ {}",
                last.cluster.hosts[host].name,
                last.done.len(),
                crate::units::duration_secs(pauses)
            )
        }
    })
}

/// The steps of the preset for `reason`.
pub fn steps(reason: Reason) -> Result<Vec<ClusterStep>, ClusterError> {
    let balancing = load_balancing(initial_cluster())?;
    // Maintenance and failures come to the balanced cluster.
    let balanced = balancing
        .last()
        .map_or_else(initial_cluster, |step| step.cluster.clone());
    match reason {
        Reason::LoadBalancing => Ok(balancing),
        Reason::Maintenance => evacuation(balanced, 1, Health::Maintenance),
        Reason::FaultTolerance => evacuation(balanced, 2, Health::Failing),
    }
}

fn step(
    slug: &str,
    caption: String,
    cluster: &Cluster,
    moving: Option<Move>,
    done: &[Move],
) -> ClusterStep {
    ClusterStep {
        slug: slug.to_owned(),
        caption,
        cluster: cluster.clone(),
        moving,
        done: done.to_vec(),
    }
}

/// `4.0 GiB web`-style names with the model's numbers.
fn describe_move(cluster: &Cluster, change: &Move) -> String {
    let vm = &cluster.vms[change.vm];
    format!(
        "{} ({} GiB) moves live from {} to {}: pre-copy takes {} in {} and sends {}; the VM is paused for only {}",
        vm.name,
        vm.memory_gib,
        cluster.hosts[change.from].name,
        cluster.hosts[change.to].name,
        crate::units::duration_secs(change.summary.total_secs),
        rounds(change.summary.rounds),
        crate::units::bytes_approx(change.summary.total_bytes),
        crate::units::duration_secs(change.summary.downtime_secs)
    )
}

fn load_balancing(start: Cluster) -> Result<Vec<ClusterStep>, ClusterError> {
    let overloaded = (0..start.hosts.len())
        .max_by(|&a, &b| start.load_pct(a).total_cmp(&start.load_pct(b)))
        .unwrap_or(0);
    let mut steps = vec![step(
        "overloaded",
        format!(
            "{} runs at {:.0} % CPU, over the {:.0} % threshold: its VMs slow each other down while {} idles at {:.0} %",
            start.hosts[overloaded].name,
            start.load_pct(overloaded),
            OVERLOAD_PCT,
            start.hosts[2].name,
            start.load_pct(2)
        ),
        &start,
        None,
        &[],
    )];
    let Some(vm) = start.vm_to_shed(overloaded) else {
        return Ok(steps);
    };
    let Some(to) = start.best_target(overloaded, start.vms[vm].cpu_pct) else {
        return Ok(steps);
    };
    let change = Move {
        vm,
        from: overloaded,
        to,
        summary: migrate(&start.vms[vm])?,
    };
    steps.push(step(
        "choose",
        format!(
            "The balancer picks {}: moving it brings {} under {:.0} % with the least memory to copy ({} GiB), to the least loaded host, {}",
            start.vms[vm].name,
            start.hosts[overloaded].name,
            OVERLOAD_PCT,
            start.vms[vm].memory_gib,
            start.hosts[to].name
        ),
        &start,
        None,
        &[],
    ));
    steps.push(step(
        "migrate",
        describe_move(&start, &change),
        &start,
        Some(change.clone()),
        &[],
    ));
    let after = start.moved(vm, to);
    let loads: Vec<String> = (0..after.hosts.len())
        .map(|host| format!("{} {:.0} %", after.hosts[host].name, after.load_pct(host)))
        .collect();
    steps.push(step(
        "balanced",
        format!(
            "Balanced: {}; every host is under {:.0} % and no VM was stopped",
            loads.join(", "),
            OVERLOAD_PCT
        ),
        &after,
        None,
        &[change],
    ));
    Ok(steps)
}

/// Empties host `host`, marked `health` (maintenance or failing), one VM at a time, each to the
/// least loaded host with room; the failing host then fails.
fn evacuation(
    mut cluster: Cluster,
    host: usize,
    health: Health,
) -> Result<Vec<ClusterStep>, ClusterError> {
    cluster.hosts[host].health = health;
    let name = cluster.hosts[host].name;
    let count = cluster.hosts[host].vms.len();
    let first = match health {
        Health::Failing => format!(
            "{name}'s health monitoring reports rising corrected memory errors, a sign its memory will fail: its {count} VMs must leave while it still runs"
        ),
        _ => format!(
            "{name} needs a firmware update and a reboot: in maintenance mode it takes no new VMs, and its {count} VMs must leave first"
        ),
    };
    let slug = match health {
        Health::Failing => "warning",
        _ => "drain",
    };
    let mut steps = vec![step(slug, first, &cluster, None, &[])];
    let mut done: Vec<Move> = Vec::new();
    let mut index = 0;
    // Largest first, so the big VMs find room while there is most of it.
    let mut order = cluster.hosts[host].vms.clone();
    order.sort_by(|&a, &b| cluster.vms[b].cpu_pct.total_cmp(&cluster.vms[a].cpu_pct));
    for vm in order {
        let Some(to) = cluster.best_target(host, cluster.vms[vm].cpu_pct) else {
            continue;
        };
        index += 1;
        let change = Move {
            vm,
            from: host,
            to,
            summary: migrate(&cluster.vms[vm])?,
        };
        steps.push(step(
            &format!("migrate-{index}"),
            describe_move(&cluster, &change),
            &cluster,
            Some(change.clone()),
            &done,
        ));
        cluster = cluster.moved(vm, to);
        done.push(change);
    }
    let total: f64 = done.iter().map(|change| change.summary.total_secs).sum();
    let worst = done
        .iter()
        .map(|change| change.summary.downtime_secs)
        .fold(0.0, f64::max);
    let left = cluster.hosts[host].vms.len();
    match health {
        Health::Failing => {
            steps.push(step(
                "evacuated",
                format!(
                    "{name} is empty after {} of migrations; no VM paused longer than {}",
                    crate::units::duration_secs(total),
                    crate::units::duration_secs(worst)
                ),
                &cluster,
                None,
                &done,
            ));
            cluster.hosts[host].health = Health::Failed;
            steps.push(step(
                "failed",
                format!(
                    "{name} fails with {} on it. Had it died first, live migration could not have helped: its VMs would restart elsewhere from their disks, losing what was in memory",
                    if left == 0 { "no VM".to_owned() } else { format!("{left} VMs") }
                ),
                &cluster,
                None,
                &done,
            ));
        }
        _ => steps.push(step(
            "empty",
            format!(
                "{name} is empty after {} of migrations and can be rebooted; its VMs kept running throughout (no pause longer than {})",
                crate::units::duration_secs(total),
                crate::units::duration_secs(worst)
            ),
            &cluster,
            None,
            &done,
        )),
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_balancing_moves_the_cheapest_vm_that_relieves_the_host() {
        let steps = steps(Reason::LoadBalancing).unwrap();
        let slugs: Vec<&str> = steps.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs, ["overloaded", "choose", "migrate", "balanced"]);
        let start = &steps[0].cluster;
        assert!(start.load_pct(0) > OVERLOAD_PCT);
        let change = steps[2].moving.clone().unwrap();
        assert_eq!(
            start.vms[change.vm].name, "web",
            "4 GiB: cheaper than db or cache"
        );
        assert_eq!(
            start.hosts[change.to].name, "host C",
            "the least loaded host"
        );
        let end = &steps[3].cluster;
        for host in 0..end.hosts.len() {
            assert!(end.load_pct(host) <= OVERLOAD_PCT, "{host}");
        }
        let total_before: f64 = (0..3).map(|h| start.load_pct(h)).sum();
        let total_after: f64 = (0..3).map(|h| end.load_pct(h)).sum();
        assert_eq!(total_before, total_after, "the work is moved, not dropped");
    }

    /// Each move's numbers are the pre-copy model's for that VM: a live migration, so the pause
    /// is a small fraction of the copy (Clark et al.: tens to hundreds of ms).
    #[test]
    fn each_move_is_a_simulated_live_migration() {
        let steps = steps(Reason::LoadBalancing).unwrap();
        let change = steps[2].moving.clone().unwrap();
        let vm = &steps[0].cluster.vms[change.vm];
        assert_eq!(change.summary, migrate(vm).unwrap());
        assert_eq!(change.summary.mode, Mode::PreCopy);
        assert!(change.summary.downtime_secs < 1.0, "{:?}", change.summary);
        assert!(change.summary.total_secs > 10.0 * change.summary.downtime_secs);
        assert!(change.summary.total_bytes >= vm.memory_gib * 1024.0 * 1024.0 * 1024.0);
    }

    #[test]
    fn maintenance_empties_the_host_and_keeps_every_vm() {
        let steps = steps(Reason::Maintenance).unwrap();
        let end = &steps.last().unwrap().cluster;
        assert_eq!(steps.last().unwrap().slug, "empty");
        assert!(end.hosts[1].vms.is_empty());
        assert_eq!(end.hosts[1].health, Health::Maintenance);
        let placed: usize = end.hosts.iter().map(|h| h.vms.len()).sum();
        assert_eq!(placed, end.vms.len());
        for host in 0..end.hosts.len() {
            assert!(end.load_pct(host) <= OVERLOAD_PCT.max(end.load_pct(0)));
        }
        assert_eq!(steps.last().unwrap().done.len(), 2);
    }

    #[test]
    fn a_failing_host_is_evacuated_before_it_fails() {
        let steps = steps(Reason::FaultTolerance).unwrap();
        let slugs: Vec<&str> = steps.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs.first(), Some(&"warning"));
        assert_eq!(slugs.last(), Some(&"failed"));
        let failed = &steps.last().unwrap().cluster;
        assert_eq!(failed.hosts[2].health, Health::Failed);
        assert!(
            failed.hosts[2].vms.is_empty(),
            "no VM was on it when it failed"
        );
        let placed: usize = failed.hosts.iter().map(|h| h.vms.len()).sum();
        assert_eq!(placed, failed.vms.len());
    }

    #[test]
    fn slugs_round_trip() {
        for reason in Reason::ALL {
            assert_eq!(Reason::from_slug(reason.slug()), Some(reason));
        }
    }
}
