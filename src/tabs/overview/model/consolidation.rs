//! Server consolidation, the benefits of virtualization as outcomes of one model: ten
//! under-used servers, each running one workload on its own OS, become VMs on a few hosts.
//!
//! Each benefit on the deck's card is a step computed here, not a sentence:
//! - different OSes on one machine: the VMs a host carries, each with its own guest OS;
//! - consolidation cuts CAPEX and OPEX: utilisation, machines, power ([`super::power`]'s server
//!   curve and the 2023 average PUE) and illustrative prices;
//! - simpler management: a VM that outgrows its host is rebalanced by a live migration
//!   (the Migration tab's pre-copy model), from one console, without stopping it;
//! - availability: a host is emptied by live migration for maintenance while its VMs run;
//! - isolation: a VM whose kernel crashes takes nothing else down, because each VM has its own
//!   kernel and memory behind the hypervisor.
//!
//! Placement is first-fit decreasing at [`super::power::HOST_TARGET_UTILISATION`], plus one spare
//! host (N+1), the headroom that lets a cluster empty or lose a host. The workloads, their loads,
//! the prices and the administration cost are illustrative; the 12-18 % utilisation they average
//! to is NRDC's (2014).

// Not yet converted to checked indexing (issue 21 stays open for it): 19 index expressions over hosts, loads and workloads.
// The rest of the crate denies `clippy::indexing_slicing` (Cargo.toml's [lints]); this module
// is the recorded debt.
#![allow(clippy::indexing_slicing)]

use super::power::{
    AVERAGE_PUE_2023, HOST_TARGET_UTILISATION, ServerPower, VIRTUALIZATION_OVERHEAD,
};
use crate::tabs::migration::model::Summary;
use crate::tabs::migration::model::cluster::{self, ClusterError};

/// Where the numbers come from, for the canvas.
pub const SOURCES: &str = "Utilisation 12-18 % (NRDC 2014); server power linear from idle = half of peak (Fan et al. 2007; Barroso and Hölzle 2007); PUE 1.58 (Uptime Institute 2023); migrations from the Migration tab's pre-copy model; workloads, prices and admin costs illustrative";

/// Price of one of the old servers, in dollars (illustrative).
pub const SERVER_PRICE_USD: f64 = 5_000.0;
/// Price of one virtualization host with the memory for several VMs (illustrative).
pub const HOST_PRICE_USD: f64 = 9_000.0;
/// Electricity price per kWh (illustrative, in the range of commercial rates).
pub const ENERGY_USD_PER_KWH: f64 = 0.12;
/// Yearly cost of keeping one physical machine (support contract, rack space, patching the
/// hardware; illustrative).
pub const ADMIN_USD_PER_MACHINE_YEAR: f64 = 1_200.0;

/// One workload: once a server of its own, then a VM.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Workload {
    /// Its name.
    pub name: &'static str,
    /// The operating system it runs on.
    pub os: &'static str,
    /// Its CPU load as a share of one server (0..1).
    pub load: f64,
    /// Guest memory in GiB.
    pub memory_gib: f64,
}

const fn workload(name: &'static str, os: &'static str, load: f64, memory_gib: f64) -> Workload {
    Workload {
        name,
        os,
        load,
        memory_gib,
    }
}

/// The ten workloads (illustrative), averaging about 13 % utilisation.
pub const WORKLOADS: [Workload; 10] = [
    workload("mail", "Windows Server", 0.12, 8.0),
    workload("web", "Linux", 0.18, 4.0),
    workload("db", "Linux", 0.25, 16.0),
    workload("files", "Windows Server", 0.08, 4.0),
    workload("erp", "Windows Server", 0.15, 8.0),
    workload("build", "Linux", 0.20, 8.0),
    workload("dns", "FreeBSD", 0.05, 1.0),
    workload("wiki", "Linux", 0.10, 2.0),
    workload("monitor", "Linux", 0.12, 4.0),
    workload("legacy", "Windows 2008", 0.06, 2.0),
];

/// A host's role in the story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostState {
    /// Runs VMs.
    Running,
    /// The N+1 spare: idle, ready to take a host's VMs.
    Spare,
    /// Emptied for maintenance.
    Maintenance,
}

/// The benefits, in the card's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Benefit {
    /// Several different OSes on one machine.
    DifferentOses,
    /// Fewer, busier machines: CAPEX and OPEX.
    Consolidation,
    /// Rebalancing workloads from one console.
    Management,
    /// Servicing hardware without stopping workloads.
    Availability,
    /// One VM's failure or compromise stays inside it.
    Isolation,
}

impl Benefit {
    /// In the card's order.
    pub const ALL: [Self; 5] = [
        Self::DifferentOses,
        Self::Consolidation,
        Self::Management,
        Self::Availability,
        Self::Isolation,
    ];

    /// The benefit's name.
    pub fn title(self) -> &'static str {
        match self {
            Self::DifferentOses => "Different OSes on one machine",
            Self::Consolidation => "Consolidation: CAPEX and OPEX",
            Self::Management => "Simpler management",
            Self::Availability => "Availability",
            Self::Isolation => "Isolation",
        }
    }
}

/// The consolidated cluster at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// The workloads' loads now (one grows in the management step).
    pub loads: Vec<f64>,
    /// For each host, the workloads it runs as VMs.
    pub hosts: Vec<Vec<usize>>,
    /// Each host's role.
    pub states: Vec<HostState>,
}

impl Placement {
    /// Host `host`'s utilisation, virtualization overhead included.
    pub fn utilisation(&self, host: usize) -> f64 {
        // A fold from +0.0: an empty host's sum must not print as "-0 %".
        self.hosts[host]
            .iter()
            .fold(0.0, |sum, &w| sum + self.loads[w])
            * (1.0 + VIRTUALIZATION_OVERHEAD)
    }

    /// The distinct OSes host `host`'s VMs run, sorted (none for a host that does not exist).
    pub fn oses(&self, host: usize) -> Vec<&'static str> {
        let mut oses: Vec<&'static str> = self
            .hosts
            .get(host)
            .into_iter()
            .flatten()
            .filter_map(|&w| WORKLOADS.get(w).map(|workload| workload.os))
            .collect();
        oses.sort_unstable();
        oses.dedup();
        oses
    }

    fn host_of(&self, workload: usize) -> Option<usize> {
        self.hosts.iter().position(|vms| vms.contains(&workload))
    }

    fn moved(&self, workload: usize, to: usize) -> Self {
        let mut next = self.clone();
        for vms in &mut next.hosts {
            vms.retain(|&w| w != workload);
        }
        next.hosts[to].push(workload);
        next
    }
}

/// Yearly running cost and purchase price of a set of machines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Costs {
    /// Physical machines.
    pub machines: usize,
    /// Average utilisation of the machines that run work (0..1).
    pub utilisation: f64,
    /// IT power in kW.
    pub it_kw: f64,
    /// Purchase price (CAPEX), dollars.
    pub capex_usd: f64,
    /// Electricity at the average PUE plus administration per year (OPEX), dollars.
    pub opex_usd_year: f64,
}

fn costs(utilisations: &[f64], price_usd: f64) -> Costs {
    let server = ServerPower::default();
    let it_kw: f64 = utilisations.iter().map(|&u| server.watts(u)).sum::<f64>() / 1000.0;
    let busy: Vec<f64> = utilisations.iter().copied().filter(|&u| u > 0.0).collect();
    let energy = it_kw * AVERAGE_PUE_2023 * 24.0 * 365.0 * ENERGY_USD_PER_KWH;
    Costs {
        machines: utilisations.len(),
        utilisation: busy.iter().sum::<f64>() / busy.len().max(1) as f64,
        it_kw,
        capex_usd: utilisations.len() as f64 * price_usd,
        opex_usd_year: energy + utilisations.len() as f64 * ADMIN_USD_PER_MACHINE_YEAR,
    }
}

/// The steps' slugs, in order.
pub const STEPS: [&str; 8] = [
    "before",
    "consolidate",
    "different-oses",
    "costs",
    "rebalance",
    "maintenance",
    "isolation",
    "summary",
];

/// One step of the story.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsolidationStep {
    /// Stable slug.
    pub slug: &'static str,
    /// The caption, from the model's numbers.
    pub caption: String,
    /// The benefit this step demonstrates (none for the "before" step).
    pub benefit: Option<Benefit>,
    /// The cluster (absent before consolidation).
    pub placement: Option<Placement>,
    /// A live migration under way: workload, from host, to host, the model's result.
    pub moving: Option<(usize, usize, usize, Summary)>,
    /// A VM whose kernel crashed.
    pub crashed: Option<usize>,
    /// The closing step: every benefit is shown at once.
    pub summary: bool,
}

/// The whole story, computed once.
#[derive(Clone, Debug, PartialEq)]
pub struct Consolidation {
    /// Costs of the ten servers.
    pub before: Costs,
    /// Costs of the hosts (spare included).
    pub after: Costs,
    /// The steps.
    pub steps: Vec<ConsolidationStep>,
}

/// First-fit decreasing of `loads` onto hosts filled to `target`, then one spare host.
pub fn place(loads: &[f64], target: f64) -> Placement {
    // (workload, load), biggest first; the sort is stable, so equal loads keep their order.
    let mut order: Vec<(usize, f64)> = loads.iter().copied().enumerate().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    // Each host's VMs with the sum of their loads, added in placement order.
    let mut filled: Vec<(Vec<usize>, f64)> = Vec::new();
    let fits = |sum: f64, load: f64| (sum + load) * (1.0 + VIRTUALIZATION_OVERHEAD) <= target;
    for (w, load) in order {
        match filled.iter_mut().find(|(_, sum)| fits(*sum, load)) {
            Some((vms, sum)) => {
                vms.push(w);
                *sum += load;
            }
            None => filled.push((vec![w], load)),
        }
    }
    let mut hosts: Vec<Vec<usize>> = filled.into_iter().map(|(vms, _)| vms).collect();
    let mut states = vec![HostState::Running; hosts.len()];
    hosts.push(Vec::new());
    states.push(HostState::Spare);
    Placement {
        loads: loads.to_vec(),
        hosts,
        states,
    }
}

/// Simulates moving `workload` live (the Migration tab's pre-copy model; writes are assumed
/// modest: a quarter of its memory is its working set, rewritten at 10 MiB/s).
fn migrate(workload: &Workload) -> Result<Summary, ClusterError> {
    cluster::migrate(&cluster::Vm {
        name: workload.name,
        memory_gib: workload.memory_gib,
        wss_mib: workload.memory_gib * 1024.0 / 4.0,
        dirty_mib_s: 10.0,
        cpu_pct: workload.load * 100.0,
    })
}

/// The story for [`WORKLOADS`].
pub fn consolidation() -> Result<Consolidation, ClusterError> {
    let loads: Vec<f64> = WORKLOADS.iter().map(|w| w.load).collect();
    let before = costs(&loads, SERVER_PRICE_USD);
    let placed = place(&loads, HOST_TARGET_UTILISATION);
    let utilisations: Vec<f64> = (0..placed.hosts.len())
        .map(|h| placed.utilisation(h))
        .collect();
    let after = costs(&utilisations, HOST_PRICE_USD);
    let running = placed.hosts.len() - 1;
    let spare = placed.hosts.len() - 1;
    let mut steps = vec![
        ConsolidationStep {
            slug: STEPS[0],
            caption: format!(
                "{} servers, one workload and one OS each, average {:.0} % busy: {} machines to buy, power and look after",
                before.machines,
                before.utilisation * 100.0,
                before.machines
            ),
            benefit: None,
            placement: None,
            moving: None,
            crashed: None,
            summary: false,
        },
        ConsolidationStep {
            slug: STEPS[1],
            caption: format!(
                "The same workloads as VMs on {running} hosts filled to at most {:.0} %, plus 1 spare: {} machines instead of {}, the busy ones at {:.0} % instead of {:.0} %",
                HOST_TARGET_UTILISATION * 100.0,
                after.machines,
                before.machines,
                after.utilisation * 100.0,
                before.utilisation * 100.0
            ),
            benefit: Some(Benefit::Consolidation),
            placement: Some(placed.clone()),
            moving: None,
            crashed: None,
            summary: false,
        },
    ];
    let mixed = (0..running)
        .max_by_key(|&h| placed.oses(h).len())
        .unwrap_or(0);
    let oses = placed.oses(mixed);
    steps.push(ConsolidationStep {
        slug: STEPS[2],
        caption: format!(
            "Host {} runs {} side by side: each VM boots its own OS and kernel on the same hardware",
            mixed + 1,
            oses.join(", ")
        ),
        benefit: Some(Benefit::DifferentOses),
        placement: Some(placed.clone()),
        moving: None,
        crashed: None,
        summary: false,
    });
    steps.push(ConsolidationStep {
        slug: STEPS[3],
        caption: format!(
            "Hardware (CAPEX) ${:.0}k → ${:.0}k; power at PUE {AVERAGE_PUE_2023} and upkeep (OPEX) ${:.1}k → ${:.1}k a year",
            before.capex_usd / 1000.0,
            after.capex_usd / 1000.0,
            before.opex_usd_year / 1000.0,
            after.opex_usd_year / 1000.0
        ),
        benefit: Some(Benefit::Consolidation),
        placement: Some(placed.clone()),
        moving: None,
        crashed: None,
        summary: false,
    });

    // Management: the busiest host's biggest VM grows past the target; the smallest VM that
    // brings the host back under it moves live to the least loaded running host.
    let busiest = (0..running)
        .max_by(|&a, &b| placed.utilisation(a).total_cmp(&placed.utilisation(b)))
        .unwrap_or(0);
    let grower = placed.hosts[busiest]
        .iter()
        .copied()
        .max_by(|&a, &b| loads[a].total_cmp(&loads[b]))
        .unwrap_or(0);
    let mut grown = placed.clone();
    grown.loads[grower] += 0.2;
    let quietest = (0..running)
        .filter(|&h| h != busiest)
        .min_by(|&a, &b| grown.utilisation(a).total_cmp(&grown.utilisation(b)))
        .unwrap_or(spare);
    let shed = grown.hosts[busiest]
        .iter()
        .copied()
        .filter(|&w| w != grower)
        .min_by(|&a, &b| WORKLOADS[a].memory_gib.total_cmp(&WORKLOADS[b].memory_gib))
        .unwrap_or(grower);
    let summary = migrate(&WORKLOADS[shed])?;
    steps.push(ConsolidationStep {
        slug: STEPS[4],
        caption: format!(
            "{} grows and host {} reaches {:.0} %: from one console, {} moves live to host {} in {} with a {} pause",
            WORKLOADS[grower].name,
            busiest + 1,
            grown.utilisation(busiest) * 100.0,
            WORKLOADS[shed].name,
            quietest + 1,
            cluster_secs(summary.total_secs),
            cluster_secs(summary.downtime_secs)
        ),
        benefit: Some(Benefit::Management),
        placement: Some(grown.clone()),
        moving: Some((shed, busiest, quietest, summary)),
        crashed: None,
        summary: false,
    });
    let balanced = grown.moved(shed, quietest);

    // Availability: a host is emptied onto the spare for maintenance.
    let serviced = (0..running)
        .find(|&h| h != busiest && h != quietest)
        .unwrap_or(0);
    let mut maintenance = balanced.clone();
    let mut total_secs = 0.0;
    let mut worst_pause: f64 = 0.0;
    for w in balanced.hosts[serviced].clone() {
        let summary = migrate(&WORKLOADS[w])?;
        total_secs += summary.total_secs;
        worst_pause = worst_pause.max(summary.downtime_secs);
        maintenance = maintenance.moved(w, spare);
    }
    maintenance.states[serviced] = HostState::Maintenance;
    maintenance.states[spare] = HostState::Running;
    steps.push(ConsolidationStep {
        slug: STEPS[5],
        caption: format!(
            "Host {} needs new firmware: its {} VMs move live to the spare in {}, none paused over {}, and it is serviced while they run",
            serviced + 1,
            balanced.hosts[serviced].len(),
            cluster_secs(total_secs),
            cluster_secs(worst_pause)
        ),
        benefit: Some(Benefit::Availability),
        placement: Some(maintenance.clone()),
        moving: None,
        crashed: None,
        summary: false,
    });

    // Isolation: the legacy VM's kernel crashes; its neighbours keep running.
    let legacy = WORKLOADS
        .iter()
        .position(|w| w.name == "legacy")
        .unwrap_or(0);
    let host = maintenance.host_of(legacy).unwrap_or(0);
    let neighbours = maintenance.hosts[host].len().saturating_sub(1);
    let isolation_placement = maintenance.clone();
    steps.push(ConsolidationStep {
        slug: STEPS[6],
        caption: format!(
            "The legacy VM's kernel crashes: its {neighbours} neighbours on host {} keep running, because each VM has its own kernel and memory behind the hypervisor",
            host + 1
        ),
        benefit: Some(Benefit::Isolation),
        placement: Some(maintenance),
        moving: None,
        crashed: Some(legacy),
        summary: false,
    });
    steps.push(ConsolidationStep {
        slug: STEPS[7],
        caption: format!(
            "Five benefits, each an outcome above: {} OSes on one host, {} machines instead of {}, a live rebalance, a host serviced without downtime, a crash kept inside its VM",
            oses.len(),
            after.machines,
            before.machines
        ),
        benefit: None,
        placement: Some(isolation_placement),
        moving: None,
        crashed: Some(legacy),
        summary: true,
    });
    Ok(Consolidation {
        before,
        after,
        steps,
    })
}

fn cluster_secs(secs: f64) -> String {
    crate::units::duration_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workloads_average_what_nrdc_measured() {
        let average = WORKLOADS.iter().map(|w| w.load).sum::<f64>() / WORKLOADS.len() as f64;
        assert!((0.12..=0.18).contains(&average), "{average}");
    }

    #[test]
    fn placement_keeps_every_workload_under_the_target_with_one_spare() {
        let loads: Vec<f64> = WORKLOADS.iter().map(|w| w.load).collect();
        let placed = place(&loads, HOST_TARGET_UTILISATION);
        let mut all: Vec<usize> = placed.hosts.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..WORKLOADS.len()).collect::<Vec<_>>());
        for host in 0..placed.hosts.len() {
            assert!(placed.utilisation(host) <= HOST_TARGET_UTILISATION + 1e-9);
        }
        assert_eq!(placed.states.last(), Some(&HostState::Spare));
        assert!(placed.hosts.last().is_some_and(Vec::is_empty));
        assert_eq!(
            placed.hosts.len(),
            4,
            "3 hosts carry 1.31 servers of work, plus a spare"
        );
    }

    #[test]
    fn consolidation_cuts_machines_power_capex_and_opex() {
        let story = consolidation().unwrap();
        assert!(story.after.machines < story.before.machines);
        assert!(story.after.utilisation > 3.0 * story.before.utilisation);
        assert!(story.after.it_kw < story.before.it_kw);
        assert!(story.after.capex_usd < story.before.capex_usd);
        assert!(story.after.opex_usd_year < story.before.opex_usd_year);
    }

    #[test]
    fn each_benefit_has_its_step_in_the_card_s_order_of_slugs() {
        let story = consolidation().unwrap();
        let slugs: Vec<&str> = story.steps.iter().map(|s| s.slug).collect();
        assert_eq!(slugs, STEPS);
        for benefit in Benefit::ALL {
            assert!(
                story.steps.iter().any(|s| s.benefit == Some(benefit)),
                "{benefit:?}"
            );
        }
    }

    #[test]
    fn rebalancing_and_maintenance_move_vms_without_losing_any() {
        let story = consolidation().unwrap();
        let rebalance = &story.steps[4];
        let (_, from, to, summary) = rebalance.moving.clone().unwrap();
        assert_ne!(from, to);
        assert!(summary.downtime_secs < 1.0, "a live migration: {summary:?}");
        let maintenance = story.steps[5].placement.clone().unwrap();
        let serviced = maintenance
            .states
            .iter()
            .position(|s| *s == HostState::Maintenance)
            .unwrap();
        assert!(maintenance.hosts[serviced].is_empty());
        assert_eq!(
            maintenance.hosts.iter().map(Vec::len).sum::<usize>(),
            WORKLOADS.len()
        );
    }

    #[test]
    fn one_host_runs_several_different_oses_and_a_crash_stays_in_its_vm() {
        let story = consolidation().unwrap();
        assert!(
            story.steps[2].caption.contains(','),
            "{}",
            story.steps[2].caption
        );
        let crash = &story.steps[6];
        let crashed = crash.crashed.unwrap();
        let placement = crash.placement.clone().unwrap();
        let host = placement.host_of(crashed).unwrap();
        assert!(
            placement.hosts[host].len() > 1,
            "it has neighbours to keep running"
        );
    }
}
