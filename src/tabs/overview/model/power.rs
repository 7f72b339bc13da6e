//! Data-centre power: what servers draw at their utilisation, what the facility adds around them
//! (cooling, power distribution losses, fixed overhead), PUE, and what consolidating the servers
//! onto fewer virtualization hosts does to both.
//!
//! Pure arithmetic, no egui. The facts behind the formulas and the defaults:
//! - PUE = total facility power / IT equipment power (The Green Grid, "Green Grid Metrics:
//!   Describing Datacenter Power Efficiency", 2007; standardised as ISO/IEC 30134-2:2016).
//!   1.0 would mean every watt reaches the IT equipment.
//! - The industry's average annual PUE was 1.58 in 2023 and 1.55 in 2022 (Uptime Institute
//!   Global Data Center Survey 2023); it was about 2.5 in 2007; hyperscale operators report
//!   about 1.1 (Google's fleet-wide trailing twelve-month PUE, google.com/about/datacenters).
//! - A server's power grows roughly linearly with utilisation, from its idle power to its peak:
//!   P(u) = P_idle + (P_peak - P_idle) * u (Fan, Weber and Barroso, "Power Provisioning for a
//!   Warehouse-sized Computer", ISCA 2007), and an idle server draws about half its peak power
//!   (Barroso and Hölzle, "The Case for Energy-Proportional Computing", IEEE Computer 2007).
//! - Typical servers run at 12-18 % of capacity (NRDC, "Data Center Efficiency Assessment",
//!   2014); Barroso and Hölzle found servers mostly between 10 and 50 %.
//! - Virtualization costs a few percent (Barham et al., "Xen and the Art of Virtualization",
//!   SOSP 2003: "at most a few percent"); modelled as 5 % more CPU work per consolidated server.
//!
//! Illustrative, chosen to land near the 2023 average PUE: the 200 W idle / 400 W peak server,
//! the split of the facility's overhead into cooling (0.35 kW per kW of IT), distribution losses
//! (6 % of what passes through the UPS and PDUs) and fixed overhead (30 kW), and the 60 %
//! utilisation a consolidated host is filled to.

/// Where the numbers come from, for the canvas.
pub const SOURCES: &[&str] = &[
    "PUE = total facility power / IT equipment power (The Green Grid 2007; ISO/IEC 30134-2)",
    "average PUE 1.58 in 2023 (Uptime Institute Global Data Center Survey 2023); about 1.1 at hyperscale (Google fleet)",
    "server power linear in utilisation, idle about half of peak (Fan, Weber, Barroso ISCA 2007; Barroso and Hölzle 2007)",
    "servers typically 12-18 % utilised (NRDC 2014)",
    "the overhead split, server wattage and 60 % host target are illustrative",
];

/// Average annual PUE of the industry in 2023 (Uptime Institute survey 2023).
pub const AVERAGE_PUE_2023: f64 = 1.58;
/// Average PUE around 2007 (Uptime Institute, as quoted with its 2018 survey).
pub const AVERAGE_PUE_2007: f64 = 2.5;
/// What hyperscale operators report (Google's fleet-wide trailing twelve-month PUE).
pub const HYPERSCALE_PUE: f64 = 1.1;

/// CPU work added by running a server's load in a VM (Barham et al. 2003: a few percent).
pub const VIRTUALIZATION_OVERHEAD: f64 = 0.05;

/// A server model: power at idle and at full load, in watts (illustrative, idle = half of peak
/// as Barroso and Hölzle measured).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServerPower {
    /// Power with nothing to do.
    pub idle_w: f64,
    /// Power at 100 % utilisation.
    pub peak_w: f64,
}

impl Default for ServerPower {
    fn default() -> Self {
        Self {
            idle_w: 200.0,
            peak_w: 400.0,
        }
    }
}

impl ServerPower {
    /// Power at `utilisation` (0..=1), linear between idle and peak.
    pub fn watts(self, utilisation: f64) -> f64 {
        self.idle_w + (self.peak_w - self.idle_w) * utilisation.clamp(0.0, 1.0)
    }
}

/// Servers that each run one workload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fleet {
    /// How many.
    pub servers: u32,
    /// Their average utilisation (0..=1).
    pub utilisation: f64,
}

/// The same workloads as VMs on fewer hosts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Consolidated {
    /// Hosts needed to carry the load at the target utilisation.
    pub hosts: u32,
    /// Their utilisation, virtualization overhead included.
    pub utilisation: f64,
}

/// The utilisation hosts are filled to: headroom for peaks and for taking over a failed host's
/// VMs (illustrative).
pub const HOST_TARGET_UTILISATION: f64 = 0.6;

impl Fleet {
    /// The work to do, in servers at 100 %.
    pub fn load(self) -> f64 {
        f64::from(self.servers) * self.utilisation
    }

    /// IT power of the fleet, in kW.
    pub fn it_kw(self, server: ServerPower) -> f64 {
        f64::from(self.servers) * server.watts(self.utilisation) / 1000.0
    }

    /// The fleet's workloads as VMs on as few hosts as keep each at or under `target`
    /// utilisation (with the virtualization overhead).
    pub fn consolidate(self, target: f64) -> Consolidated {
        let load = self.load() * (1.0 + VIRTUALIZATION_OVERHEAD);
        let hosts = (load / target.clamp(0.05, 1.0)).ceil().max(1.0);
        // At most one host per server: consolidation never adds machines.
        let hosts = hosts.min(f64::from(self.servers.max(1)));
        Consolidated {
            hosts: hosts as u32,
            utilisation: (load / hosts).min(1.0),
        }
    }
}

impl Consolidated {
    /// IT power of the hosts, in kW.
    pub fn it_kw(self, server: ServerPower) -> f64 {
        f64::from(self.hosts) * server.watts(self.utilisation) / 1000.0
    }
}

/// The facility around the IT equipment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Facility {
    /// Cooling power per kW of IT heat removed (chillers, CRAC units, fans and pumps that scale
    /// with the load).
    pub cooling_per_it: f64,
    /// Share of the power passing through the UPS, transformers and PDUs that they lose (0..1).
    pub distribution_loss: f64,
    /// Overhead that does not follow the load, in kW: UPS no-load losses, fans and pumps at their
    /// minimum, lighting, security.
    pub fixed_kw: f64,
}

impl Default for Facility {
    fn default() -> Self {
        Self {
            cooling_per_it: 0.35,
            distribution_loss: 0.06,
            fixed_kw: 30.0,
        }
    }
}

/// A facility's power at one IT load, in kW, and its PUE.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerBreakdown {
    /// The IT equipment (servers).
    pub it_kw: f64,
    /// Cooling.
    pub cooling_kw: f64,
    /// Power distribution losses (UPS, transformers, PDUs).
    pub distribution_kw: f64,
    /// Fixed overhead.
    pub fixed_kw: f64,
}

impl PowerBreakdown {
    /// Everything the facility draws from the grid.
    pub fn total_kw(self) -> f64 {
        self.it_kw + self.cooling_kw + self.distribution_kw + self.fixed_kw
    }

    /// Everything that is not IT.
    pub fn overhead_kw(self) -> f64 {
        self.total_kw() - self.it_kw
    }

    /// Total facility power / IT equipment power.
    pub fn pue(self) -> f64 {
        if self.it_kw > 0.0 {
            self.total_kw() / self.it_kw
        } else {
            f64::INFINITY
        }
    }
}

impl Facility {
    /// The facility's power at `it_kw` of IT load. Distribution losses apply to everything that
    /// passes through the UPS and PDUs (IT, cooling and the fixed load).
    pub fn power(self, it_kw: f64) -> PowerBreakdown {
        let cooling_kw = self.cooling_per_it * it_kw;
        let through = it_kw + cooling_kw + self.fixed_kw;
        let distribution_kw = through * self.distribution_loss / (1.0 - self.distribution_loss);
        PowerBreakdown {
            it_kw,
            cooling_kw,
            distribution_kw,
            fixed_kw: self.fixed_kw,
        }
    }

    /// The same facility rebuilt for a smaller load: its fixed overhead shrinks in proportion
    /// (smaller UPS, fewer cooling units running).
    pub fn right_sized(self, from_it_kw: f64, to_it_kw: f64) -> Self {
        let scale = if from_it_kw > 0.0 {
            (to_it_kw / from_it_kw).clamp(0.0, 1.0)
        } else {
            1.0
        };
        Self {
            fixed_kw: self.fixed_kw * scale,
            ..self
        }
    }
}

/// The power scene's three moments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerStage {
    /// The fleet as it is: one workload per server.
    Before,
    /// The workloads consolidated onto fewer hosts, in the same facility.
    Consolidated,
    /// The facility's fixed overhead scaled down to the new load.
    RightSized,
}

impl PowerStage {
    /// In order.
    pub const ALL: [Self; 3] = [Self::Before, Self::Consolidated, Self::RightSized];

    /// The step slug.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Before => "before",
            Self::Consolidated => "consolidated",
            Self::RightSized => "right-sized",
        }
    }

    /// The bar's name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Before => "Before: one workload per server",
            Self::Consolidated => "Consolidated onto VM hosts",
            Self::RightSized => "Facility right-sized",
        }
    }
}

/// Everything the power scene draws, for one set of parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerModel {
    /// The servers.
    pub fleet: Fleet,
    /// Their power curve.
    pub server: ServerPower,
    /// The facility.
    pub facility: Facility,
    /// The fleet consolidated.
    pub consolidated: Consolidated,
}

impl PowerModel {
    /// The model for `fleet` in `facility`, consolidated to [`HOST_TARGET_UTILISATION`].
    pub fn new(fleet: Fleet, facility: Facility) -> Self {
        Self {
            fleet,
            server: ServerPower::default(),
            facility,
            consolidated: fleet.consolidate(HOST_TARGET_UTILISATION),
        }
    }

    /// The power at `stage`.
    pub fn at(&self, stage: PowerStage) -> PowerBreakdown {
        let before = self.fleet.it_kw(self.server);
        let after = self.consolidated.it_kw(self.server);
        match stage {
            PowerStage::Before => self.facility.power(before),
            PowerStage::Consolidated => self.facility.power(after),
            PowerStage::RightSized => self.facility.right_sized(before, after).power(after),
        }
    }

    /// The step captions, built from the model's numbers.
    pub fn caption(&self, stage: PowerStage) -> String {
        let before = self.at(PowerStage::Before);
        let now = self.at(stage);
        match stage {
            PowerStage::Before => format!(
                "{} servers at {:.0} % utilisation draw {:.0} kW; the facility adds {:.0} kW of cooling, distribution losses and fixed overhead",
                self.fleet.servers,
                self.fleet.utilisation * 100.0,
                before.it_kw,
                before.overhead_kw()
            ),
            PowerStage::Consolidated => format!(
                "The same work on {} hosts at {:.0} %: IT power falls to {:.0} kW and the total to {:.0} kW, but the fixed overhead stays, so PUE rises from {:.2} to {:.2}",
                self.consolidated.hosts,
                self.consolidated.utilisation * 100.0,
                now.it_kw,
                now.total_kw(),
                before.pue(),
                now.pue()
            ),
            PowerStage::RightSized => format!(
                "Scaling the facility's fixed overhead down to the new load brings PUE back to {:.2}, with {:.0} kW in all ({:.0} % less than before)",
                now.pue(),
                now.total_kw(),
                (1.0 - now.total_kw() / before.total_kw()) * 100.0
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_model() -> PowerModel {
        PowerModel::new(
            Fleet {
                servers: 1000,
                utilisation: 0.15,
            },
            Facility::default(),
        )
    }

    #[test]
    fn pue_is_total_over_it_and_one_only_without_overhead() {
        let ideal = Facility {
            cooling_per_it: 0.0,
            distribution_loss: 0.0,
            fixed_kw: 0.0,
        };
        assert_eq!(ideal.power(100.0).pue(), 1.0);
        let power = Facility::default().power(200.0);
        assert!((power.pue() - power.total_kw() / 200.0).abs() < 1e-12);
        assert!(power.pue() > 1.0);
        // Losses are a share of what passes through: 6 % of the input is lost.
        let through = power.it_kw + power.cooling_kw + power.fixed_kw;
        let input = through + power.distribution_kw;
        assert!((power.distribution_kw / input - 0.06).abs() < 1e-12);
    }

    /// The defaults land on the industry's 2023 average (Uptime Institute: 1.58), within 0.05.
    #[test]
    fn the_default_facility_is_near_the_2023_average_pue() {
        let pue = default_model().at(PowerStage::Before).pue();
        assert!((pue - AVERAGE_PUE_2023).abs() < 0.05, "{pue}");
    }

    /// Servers draw about half their peak when idle (Barroso and Hölzle 2007), linearly more with
    /// load (Fan et al. 2007).
    #[test]
    fn server_power_is_linear_from_half_of_peak() {
        let server = ServerPower::default();
        assert_eq!(server.watts(0.0), server.peak_w / 2.0);
        assert_eq!(server.watts(1.0), server.peak_w);
        assert_eq!(server.watts(0.5), (server.idle_w + server.peak_w) / 2.0);
    }

    #[test]
    fn consolidation_carries_the_same_work_on_fewer_hosts_for_less_power() {
        let model = default_model();
        let fleet = model.fleet;
        let hosts = model.consolidated;
        assert_eq!(hosts.hosts, 263, "1000 x 15 % x 1.05 / 60 % rounded up");
        assert!(hosts.utilisation <= HOST_TARGET_UTILISATION + 1e-12);
        let work = f64::from(hosts.hosts) * hosts.utilisation;
        assert!((work - fleet.load() * (1.0 + VIRTUALIZATION_OVERHEAD)).abs() < 1e-9);
        let before = model.at(PowerStage::Before);
        let after = model.at(PowerStage::Consolidated);
        assert!(after.it_kw < before.it_kw / 2.0, "{after:?} vs {before:?}");
        assert!(after.total_kw() < before.total_kw());
    }

    /// The lesson of the scene: PUE measures the facility, not the work. Consolidation cuts the
    /// energy but leaves the fixed overhead, so PUE gets worse until the facility is right-sized.
    #[test]
    fn consolidation_raises_pue_until_the_facility_is_right_sized() {
        let model = default_model();
        let before = model.at(PowerStage::Before).pue();
        let consolidated = model.at(PowerStage::Consolidated).pue();
        let right_sized = model.at(PowerStage::RightSized).pue();
        assert!(consolidated > before, "{consolidated} > {before}");
        assert!(
            (right_sized - before).abs() < 1e-9,
            "{right_sized} = {before}"
        );
        assert!(
            model.at(PowerStage::RightSized).total_kw()
                < model.at(PowerStage::Consolidated).total_kw()
        );
    }

    #[test]
    fn consolidation_never_adds_machines() {
        let busy = Fleet {
            servers: 3,
            utilisation: 0.95,
        };
        let result = busy.consolidate(HOST_TARGET_UTILISATION);
        assert_eq!(result.hosts, 3);
        assert!(result.utilisation <= 1.0);
        let one = Fleet {
            servers: 1,
            utilisation: 0.01,
        };
        assert_eq!(one.consolidate(HOST_TARGET_UTILISATION).hosts, 1);
    }
}
