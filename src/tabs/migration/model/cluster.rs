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

use super::{Mode, Params, Preset, Summary, simulate};

/// A host above this CPU load is overloaded (illustrative threshold, as cluster balancers use).
pub const OVERLOAD_PCT: f64 = 80.0;

/// A VM's numbers.
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

/// One of the cluster's seven VMs. The cluster is a fixed cast, so a VM is named by a variant,
/// not by a position in a list: no id can name a VM that is not there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VmId {
    /// The web server.
    Web,
    /// The database.
    Db,
    /// The cache.
    Cache,
    /// The mail server.
    Mail,
    /// The build server.
    Build,
    /// The wiki.
    Wiki,
    /// The DNS server.
    Dns,
}

impl VmId {
    /// Every VM, in the order the cluster first places them.
    pub const ALL: [Self; 7] = [
        Self::Web,
        Self::Db,
        Self::Cache,
        Self::Mail,
        Self::Build,
        Self::Wiki,
        Self::Dns,
    ];

    /// The VM's numbers (illustrative): memory, working set, write rate, CPU share.
    pub fn vm(self) -> Vm {
        match self {
            Self::Web => vm("web", 4.0, 512.0, 40.0, 40.0),
            Self::Db => vm("db", 16.0, 2048.0, 60.0, 35.0),
            Self::Cache => vm("cache", 8.0, 1024.0, 30.0, 20.0),
            Self::Mail => vm("mail", 2.0, 64.0, 2.0, 20.0),
            Self::Build => vm("build", 4.0, 256.0, 20.0, 20.0),
            Self::Wiki => vm("wiki", 2.0, 64.0, 1.0, 10.0),
            Self::Dns => vm("dns", 1.0, 16.0, 0.5, 10.0),
        }
    }
}

/// One of the cluster's three hosts; like [`VmId`], a variant rather than an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostId {
    /// The first host (overloaded at the start).
    A,
    /// The second host (serviced in the maintenance preset).
    B,
    /// The third host (failing in the fault-tolerance preset).
    C,
}

impl HostId {
    /// Every host, left to right.
    pub const ALL: [Self; 3] = [Self::A, Self::B, Self::C];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Self::A => "host A",
            Self::B => "host B",
            Self::C => "host C",
        }
    }

    /// This host's slot of a per-host array (in [`Self::ALL`] order), taken apart by a pattern
    /// so no index can be out of range.
    fn slot<T>(self, values: &[T; 3]) -> &T {
        let [a, b, c] = values;
        match self {
            Self::A => a,
            Self::B => b,
            Self::C => c,
        }
    }

    /// This host's slot, to change (see [`Self::slot`]).
    fn slot_mut<T>(self, values: &mut [T; 3]) -> &mut T {
        let [a, b, c] = values;
        match self {
            Self::A => a,
            Self::B => b,
            Self::C => c,
        }
    }
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

/// A physical host and the VMs it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Which host.
    pub id: HostId,
    /// Its condition.
    pub health: Health,
    /// The VMs on it, in the order they arrived.
    pub vms: Vec<VmId>,
}

impl Host {
    /// Its name.
    pub fn name(&self) -> &'static str {
        self.id.name()
    }

    /// Its CPU load, in percent.
    pub fn load_pct(&self) -> f64 {
        // A fold from +0.0: an empty host must not print as "-0 %".
        self.vms.iter().fold(0.0, |sum, vm| sum + vm.vm().cpu_pct)
    }
}

/// The cluster at one moment: every host, each with its VMs. Only [`initial_cluster`] builds
/// one, and a step only moves VMs or changes a host's health, so every VM is on exactly one host.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// The hosts in [`HostId::ALL`] order.
    hosts: [Host; 3],
}

impl Cluster {
    /// Every host, left to right.
    pub fn hosts(&self) -> &[Host; 3] {
        &self.hosts
    }

    /// Host `id`.
    pub fn host(&self, id: HostId) -> &Host {
        id.slot(&self.hosts)
    }

    /// The CPU load of host `host`, in percent.
    pub fn load_pct(&self, host: HostId) -> f64 {
        self.host(host).load_pct()
    }

    /// Where VM `vm` runs.
    pub fn host_of(&self, vm: VmId) -> Option<HostId> {
        self.hosts
            .iter()
            .find(|host| host.vms.contains(&vm))
            .map(|host| host.id)
    }

    /// The least loaded healthy host other than `except` that has room for `cpu_pct` without
    /// going over [`OVERLOAD_PCT`].
    pub fn best_target(&self, except: HostId, cpu_pct: f64) -> Option<HostId> {
        self.hosts
            .iter()
            .filter(|host| host.id != except && host.health == Health::Ok)
            .filter(|host| host.load_pct() + cpu_pct <= OVERLOAD_PCT)
            .min_by(|a, b| a.load_pct().total_cmp(&b.load_pct()))
            .map(|host| host.id)
    }

    /// The VM to move off overloaded `host`: of those whose departure brings it to the
    /// threshold or under and that fit elsewhere, the one with the least memory to copy.
    pub fn vm_to_shed(&self, host: HostId) -> Option<VmId> {
        let host = self.host(host);
        let load = host.load_pct();
        host.vms
            .iter()
            .copied()
            .filter(|vm| load - vm.vm().cpu_pct <= OVERLOAD_PCT)
            .filter(|vm| self.best_target(host.id, vm.vm().cpu_pct).is_some())
            .min_by(|a, b| a.vm().memory_gib.total_cmp(&b.vm().memory_gib))
    }

    /// The most loaded host (the last of equals, as `max_by` picks).
    fn busiest(&self) -> HostId {
        self.hosts
            .iter()
            .max_by(|a, b| a.load_pct().total_cmp(&b.load_pct()))
            .map_or(HostId::A, |host| host.id)
    }

    /// The least loaded host (the first of equals, as `min_by` picks).
    fn quietest(&self) -> HostId {
        self.hosts
            .iter()
            .min_by(|a, b| a.load_pct().total_cmp(&b.load_pct()))
            .map_or(HostId::A, |host| host.id)
    }

    fn moved(&self, vm: VmId, to: HostId) -> Self {
        let mut next = self.clone();
        for host in &mut next.hosts {
            host.vms.retain(|&other| other != vm);
        }
        to.slot_mut(&mut next.hosts).vms.push(vm);
        next
    }

    fn with_health(mut self, host: HostId, health: Health) -> Self {
        host.slot_mut(&mut self.hosts).health = health;
        self
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
    pub vm: VmId,
    /// The source host.
    pub from: HostId,
    /// The destination host.
    pub to: HostId,
    /// The simulated pre-copy migration.
    pub summary: Summary,
}

impl Move {
    /// `vm` moving live from `from` to `to`, as the pre-copy model simulates it.
    fn simulated(vm: VmId, from: HostId, to: HostId) -> Result<Self, ClusterError> {
        Ok(Self {
            vm,
            from,
            to,
            summary: migrate(&vm.vm())?,
        })
    }
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
    let host = |id, vms: Vec<VmId>| Host {
        id,
        health: Health::Ok,
        vms,
    };
    Cluster {
        hosts: [
            host(HostId::A, vec![VmId::Web, VmId::Db, VmId::Cache]),
            host(HostId::B, vec![VmId::Mail, VmId::Build]),
            host(HostId::C, vec![VmId::Wiki, VmId::Dns]),
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
            let host = first.cluster.busiest();
            format!(
                "{} {:.0} % → {:.0} % CPU, paused {}",
                host.name(),
                first.cluster.load_pct(host),
                last.cluster.load_pct(host),
                crate::units::duration_secs(pauses)
            )
        }
        Reason::Maintenance | Reason::FaultTolerance => {
            let host = last
                .cluster
                .hosts()
                .iter()
                .find(|h| h.health != Health::Ok)
                .map_or(HostId::A, |h| h.id);
            format!(
                "{} emptied by {} migrations, no VM lost, paused ≤ {}",
                host.name(),
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
        Reason::Maintenance => evacuation(balanced, HostId::B, Health::Maintenance),
        Reason::FaultTolerance => evacuation(balanced, HostId::C, Health::Failing),
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
fn describe_move(change: &Move) -> String {
    let vm = change.vm.vm();
    format!(
        "{} ({} GiB) moves live from {} to {}: pre-copy takes {} in {} and sends {}; the VM is paused for only {}",
        vm.name,
        vm.memory_gib,
        change.from.name(),
        change.to.name(),
        crate::units::duration_secs(change.summary.total_secs),
        rounds(change.summary.rounds),
        crate::units::bytes_approx(change.summary.total_bytes),
        crate::units::duration_secs(change.summary.downtime_secs)
    )
}

fn load_balancing(start: Cluster) -> Result<Vec<ClusterStep>, ClusterError> {
    let overloaded = start.busiest();
    let idle = start.quietest();
    let mut steps = vec![step(
        "overloaded",
        format!(
            "{} runs at {:.0} % CPU, over the {:.0} % threshold: its VMs slow each other down while {} idles at {:.0} %",
            overloaded.name(),
            start.load_pct(overloaded),
            OVERLOAD_PCT,
            idle.name(),
            start.load_pct(idle)
        ),
        &start,
        None,
        &[],
    )];
    let Some(vm) = start.vm_to_shed(overloaded) else {
        return Ok(steps);
    };
    let Some(to) = start.best_target(overloaded, vm.vm().cpu_pct) else {
        return Ok(steps);
    };
    let change = Move::simulated(vm, overloaded, to)?;
    steps.push(step(
        "choose",
        format!(
            "The balancer picks {}: moving it brings {} under {:.0} % with the least memory to copy ({} GiB), to the least loaded host, {}",
            vm.vm().name,
            overloaded.name(),
            OVERLOAD_PCT,
            vm.vm().memory_gib,
            to.name()
        ),
        &start,
        None,
        &[],
    ));
    steps.push(step(
        "migrate",
        describe_move(&change),
        &start,
        Some(change.clone()),
        &[],
    ));
    let after = start.moved(vm, to);
    let loads: Vec<String> = after
        .hosts()
        .iter()
        .map(|host| format!("{} {:.0} %", host.name(), host.load_pct()))
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
    cluster: Cluster,
    host: HostId,
    health: Health,
) -> Result<Vec<ClusterStep>, ClusterError> {
    let mut cluster = cluster.with_health(host, health);
    let name = host.name();
    let count = cluster.host(host).vms.len();
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
    let mut order = cluster.host(host).vms.clone();
    order.sort_by(|a, b| b.vm().cpu_pct.total_cmp(&a.vm().cpu_pct));
    for vm in order {
        let Some(to) = cluster.best_target(host, vm.vm().cpu_pct) else {
            continue;
        };
        index += 1;
        let change = Move::simulated(vm, host, to)?;
        steps.push(step(
            &format!("migrate-{index}"),
            describe_move(&change),
            &cluster,
            Some(change.clone()),
            &done,
        ));
        cluster = cluster.moved(vm, to);
        done.push(change);
    }
    let total: f64 = done.iter().map(|change| change.summary.total_secs).sum();
    let worst = crate::units::duration_secs(
        done.iter()
            .map(|change| change.summary.downtime_secs)
            .fold(0.0, f64::max),
    );
    let emptied = format!(
        "{name} is empty after {} of migrations",
        crate::units::duration_secs(total)
    );
    let left = cluster.host(host).vms.len();
    match health {
        Health::Failing => {
            steps.push(step(
                "evacuated",
                format!("{emptied}; no VM paused longer than {worst}"),
                &cluster,
                None,
                &done,
            ));
            let cluster = cluster.with_health(host, Health::Failed);
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
                "{emptied} and can be rebooted; its VMs kept running throughout (no pause longer than {worst})"
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
        assert!(start.load_pct(HostId::A) > OVERLOAD_PCT);
        assert!(steps[0].caption.contains("host C idles at 20 %"));
        let change = steps[2].moving.clone().unwrap();
        assert_eq!(change.vm, VmId::Web, "4 GiB: cheaper than db or cache");
        assert_eq!(change.to, HostId::C, "the least loaded host");
        let end = &steps[3].cluster;
        for host in end.hosts() {
            assert!(host.load_pct() <= OVERLOAD_PCT, "{host:?}");
        }
        let total = |cluster: &Cluster| -> f64 { cluster.hosts().iter().map(Host::load_pct).sum() };
        assert_eq!(total(start), total(end), "the work is moved, not dropped");
    }

    /// Each move's numbers are the pre-copy model's for that VM: a live migration, so the pause
    /// is a small fraction of the copy (Clark et al.: tens to hundreds of ms).
    #[test]
    fn each_move_is_a_simulated_live_migration() {
        let steps = steps(Reason::LoadBalancing).unwrap();
        let change = steps[2].moving.clone().unwrap();
        let vm = change.vm.vm();
        assert_eq!(change.summary, migrate(&vm).unwrap());
        assert_eq!(change.summary.mode, Mode::PreCopy);
        assert!(change.summary.downtime_secs < 1.0, "{:?}", change.summary);
        assert!(change.summary.total_secs > 10.0 * change.summary.downtime_secs);
        assert!(change.summary.total_bytes >= vm.memory_gib * 1024.0 * 1024.0 * 1024.0);
    }

    /// Every VM is on exactly one host at every step of every preset.
    #[test]
    fn no_step_loses_or_doubles_a_vm() {
        for reason in Reason::ALL {
            for step in steps(reason).unwrap() {
                let mut placed: Vec<VmId> = step
                    .cluster
                    .hosts()
                    .iter()
                    .flat_map(|h| h.vms.iter().copied())
                    .collect();
                placed.sort_by_key(|vm| VmId::ALL.iter().position(|other| other == vm));
                assert_eq!(placed, VmId::ALL, "{reason:?} {}", step.slug);
                for host in step.cluster.hosts() {
                    assert_eq!(step.cluster.host(host.id), host, "hosts in HostId order");
                }
            }
        }
    }

    #[test]
    fn maintenance_empties_the_host_and_keeps_every_vm() {
        let steps = steps(Reason::Maintenance).unwrap();
        let end = &steps.last().unwrap().cluster;
        assert_eq!(steps.last().unwrap().slug, "empty");
        assert!(end.host(HostId::B).vms.is_empty());
        assert_eq!(end.host(HostId::B).health, Health::Maintenance);
        let limit = OVERLOAD_PCT.max(end.load_pct(HostId::A));
        for host in end.hosts() {
            assert!(host.load_pct() <= limit);
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
        assert_eq!(failed.host(HostId::C).health, Health::Failed);
        assert!(
            failed.host(HostId::C).vms.is_empty(),
            "no VM was on it when it failed"
        );
        assert_eq!(failed.host_of(VmId::Wiki).map(HostId::name), Some("host A"));
    }

    #[test]
    fn outcomes_name_the_host_each_use_case_relieved() {
        assert!(
            outcome(Reason::LoadBalancing)
                .unwrap()
                .starts_with("host A 95 % → 55 % CPU")
        );
        assert!(
            outcome(Reason::Maintenance)
                .unwrap()
                .starts_with("host B emptied by 2 migrations")
        );
        assert!(
            outcome(Reason::FaultTolerance)
                .unwrap()
                .starts_with("host C emptied by 3 migrations")
        );
    }

    #[test]
    fn slugs_round_trip() {
        for reason in Reason::ALL {
            assert_eq!(Reason::from_slug(reason.slug()), Some(reason));
        }
    }
}
