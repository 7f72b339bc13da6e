//! Immutable infrastructure versus patching servers in place, with the cost of a small fix.
//!
//! Immutable: servers are never changed after deployment; a change means a new image, rolled out by
//! replacing instances, which keeps every instance identical and makes scaling out (and autoscaling)
//! a matter of starting more copies. Mutable: servers are patched where they run; the fix is quick,
//! but servers that miss a patch or get hand edits drift apart ("configuration drift"). The durations
//! are illustrative assumptions (parameters), not measurements; the model computes what follows from
//! them step by step.

/// Where the ideas come from.
pub const SOURCES: [&str; 4] = [
    "Kief Morris, 'Infrastructure as Code' (O'Reilly): configuration drift, snowflake servers, immutable servers",
    "Martin Fowler, bliki 'ImmutableServer' (2013) and 'SnowflakeServer' (2012)",
    "The user's deck: pros (less management, horizontal scalability, autoscaling) and cons (small fixes need a full redeploy)",
    "All durations here are illustrative parameters, not measurements",
];

/// The model's assumptions, all adjustable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FleetParams {
    /// Servers (or container replicas) at the start.
    pub servers: usize,
    /// Replicas after scaling out.
    pub scaled_replicas: usize,
    /// Building the new image.
    pub build_secs: u32,
    /// Pushing it to the registry.
    pub push_secs: u32,
    /// Pulling and starting one new container.
    pub start_secs: u32,
    /// Waiting for its health check before the old one is stopped.
    pub health_check_secs: u32,
    /// Patching one server by hand (log in, edit, restart the service).
    pub patch_secs: u32,
    /// Requests per second one replica handles.
    pub replica_capacity_rps: u32,
    /// Fewest replicas the autoscaler keeps.
    pub min_replicas: usize,
    /// Most replicas the autoscaler starts.
    pub max_replicas: usize,
}

impl Default for FleetParams {
    fn default() -> Self {
        Self {
            servers: 4,
            scaled_replicas: 6,
            build_secs: 180,
            push_secs: 30,
            start_secs: 5,
            health_check_secs: 10,
            patch_secs: 60,
            replica_capacity_rps: 250,
            min_replicas: 2,
            max_replicas: 8,
        }
    }
}

/// One server (or container replica).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// Name (`web-1`).
    pub name: String,
    /// What it runs: an image tag for replicas, a package version for mutable servers.
    pub version: String,
    /// Changes applied in place (empty for immutable replicas).
    pub patches: Vec<String>,
    /// Whether it serves traffic now.
    pub serving: bool,
    /// Its configuration among the scenario's, numbered in order of first appearance: servers with
    /// equal fingerprints have equal numbers (see [`Server::letter`]).
    pub config: usize,
}

impl Server {
    /// A fingerprint of its configuration: servers with equal fingerprints are identical.
    pub fn fingerprint(&self) -> String {
        format!("{}+{}", self.version, self.patches.join("+"))
    }

    /// Its configuration's letter: "A", "B", ...
    pub fn letter(&self) -> char {
        char::from(b'A' + (self.config % 26) as u8)
    }
}

/// One step of a fleet scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetStep {
    /// Stable slug.
    pub slug: String,
    /// One sentence for the student.
    pub label: String,
    /// The fleet after the step.
    pub servers: Vec<Server>,
    /// Seconds this step took.
    pub step_secs: u32,
    /// Seconds since the change started.
    pub elapsed_secs: u32,
    /// Offered load, for autoscaling.
    pub load_rps: Option<u32>,
}

impl FleetStep {
    /// How many different configurations the fleet has (1 = no drift).
    pub fn distinct_configurations(&self) -> usize {
        let mut prints: Vec<String> = self.servers.iter().map(Server::fingerprint).collect();
        prints.sort();
        prints.dedup();
        prints.len()
    }
}

/// The immutable-infrastructure view's presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImmutablePreset {
    /// Build v2 and replace every replica, then scale out.
    ReplaceFleet,
    /// Patch mutable servers in place and watch them drift.
    PatchInPlace,
    /// Replicas follow the load.
    Autoscale,
}

impl ImmutablePreset {
    /// Every preset.
    pub const ALL: &[Self] = &[Self::ReplaceFleet, Self::PatchInPlace, Self::Autoscale];

    /// Scene-link slug.
    pub fn slug(self) -> &'static str {
        match self {
            Self::ReplaceFleet => "replace-fleet",
            Self::PatchInPlace => "patch-in-place",
            Self::Autoscale => "autoscale",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::ReplaceFleet => "Immutable: build a new image, replace the fleet",
            Self::PatchInPlace => "Mutable: patch servers in place",
            Self::Autoscale => "Immutable replicas and autoscaling",
        }
    }

    /// Runs the scenario.
    pub fn steps(self, params: &FleetParams) -> Vec<FleetStep> {
        let mut steps = match self {
            Self::ReplaceFleet => replace_fleet(params),
            Self::PatchInPlace => patch_in_place(params),
            Self::Autoscale => autoscale(params),
        };
        number_configurations(&mut steps);
        steps
    }
}

/// Numbers every server's configuration in order of first appearance across the scenario.
fn number_configurations(steps: &mut [FleetStep]) {
    let mut prints: Vec<String> = Vec::new();
    for server in steps.iter_mut().flat_map(|step| &mut step.servers) {
        let print = server.fingerprint();
        server.config = match prints.iter().position(|known| *known == print) {
            Some(index) => index,
            None => {
                prints.push(print);
                prints.len() - 1
            }
        };
    }
}

fn replica(index: usize, version: &str) -> Server {
    Server {
        name: format!("web-{index}"),
        version: version.to_owned(),
        patches: Vec::new(),
        serving: true,
        config: 0,
    }
}

/// Records a step.
#[derive(Default)]
struct Recorder {
    steps: Vec<FleetStep>,
    elapsed_secs: u32,
}

impl Recorder {
    fn push(
        &mut self,
        slug: String,
        label: String,
        servers: &[Server],
        step_secs: u32,
        load_rps: Option<u32>,
    ) {
        self.elapsed_secs += step_secs;
        self.steps.push(FleetStep {
            slug,
            label,
            servers: servers.to_vec(),
            step_secs,
            elapsed_secs: self.elapsed_secs,
            load_rps,
        });
    }
}

/// The immutable rollout: build, push, replace one by one, scale out.
fn replace_fleet(params: &FleetParams) -> Vec<FleetStep> {
    let mut fleet: Vec<Server> = (1..=params.servers).map(|i| replica(i, "app:v1")).collect();
    let mut rec = Recorder::default();
    rec.push(
        "start".into(),
        format!(
            "{} replicas run containers of the same image app:v1, so they are identical.",
            params.servers
        ),
        &fleet,
        0,
        None,
    );
    rec.push(
        "build".into(),
        format!(
            "Even a one-line fix means building a new image, app:v2 ({} s here).",
            params.build_secs
        ),
        &fleet,
        params.build_secs,
        None,
    );
    rec.push(
        "push".into(),
        format!(
            "The image is pushed to the registry so every server can pull the same bytes ({} s).",
            params.push_secs
        ),
        &fleet,
        params.push_secs,
        None,
    );
    let per_replica = params.start_secs + params.health_check_secs;
    for index in 0..fleet.len() {
        let number = index + 1;
        if let Some(server) = fleet.get_mut(index) {
            *server = replica(number, "app:v2");
        }
        rec.push(
            format!("replace-{number}"),
            format!(
                "web-{number} is replaced: a v2 container starts, passes its health check, then the v1 container is removed ({per_replica} s); nothing is edited in place."
            ),
            &fleet,
            per_replica,
            None,
        );
    }
    let before = fleet.len();
    for index in before..params.scaled_replicas.max(before) {
        fleet.push(replica(index + 1, "app:v2"));
    }
    rec.push(
        "scale-out".into(),
        format!(
            "Scaling out is starting more copies of the same image: {} more replicas in {} s, identical to the others.",
            fleet.len() - before,
            params.start_secs
        ),
        &fleet,
        params.start_secs,
        None,
    );
    let total = rec.elapsed_secs;
    let patching = params.patch_secs * params.servers as u32;
    rec.push(
        "done".into(),
        format!(
            "The fix took {total} s end to end versus about {patching} s of hand patching, but every replica is known to be identical."
        ),
        &fleet,
        0,
        None,
    );
    rec.steps
}

/// Mutable servers patched in place, with a missed patch and a hand edit.
fn patch_in_place(params: &FleetParams) -> Vec<FleetStep> {
    let mut fleet: Vec<Server> = (1..=params.servers)
        .map(|i| Server {
            name: format!("server-{i}"),
            version: "app 1.0".to_owned(),
            patches: Vec::new(),
            serving: true,
            config: 0,
        })
        .collect();
    let mut rec = Recorder::default();
    rec.push(
        "start".into(),
        format!(
            "{} servers were installed the same way and run app 1.0.",
            params.servers
        ),
        &fleet,
        0,
        None,
    );
    // The third server is down for maintenance during the rollout and misses the hotfix.
    let missed = 2.min(fleet.len().saturating_sub(1));
    for index in 0..fleet.len() {
        let slug = format!("patch-{}", index + 1);
        let Some(server) = fleet.get_mut(index) else {
            continue;
        };
        if index == missed {
            let text = format!(
                "{} is down for maintenance and misses the hotfix; nobody notices.",
                server.name
            );
            rec.push(slug, text, &fleet, 0, None);
            continue;
        }
        server.patches.push("hotfix-1".to_owned());
        let text = format!(
            "An operator logs in to {} and applies hotfix-1 in place ({} s): quick, and no image build.",
            server.name, params.patch_secs
        );
        rec.push(slug, text, &fleet, params.patch_secs, None);
    }
    // The second server, or the only one.
    let edited = 1.min(fleet.len().saturating_sub(1));
    if let Some(server) = fleet.get_mut(edited) {
        server.patches.push("hand-edited nginx.conf".to_owned());
        let text = format!(
            "While debugging, someone edits nginx.conf by hand on {} only.",
            server.name
        );
        rec.push("manual-edit".into(), text, &fleet, params.patch_secs, None);
    }
    if let Some(first) = fleet.first_mut() {
        first.patches.push("os-update 2025-01".to_owned());
    }
    if let Some(last) = fleet.last_mut() {
        last.patches.push("os-update 2025-02".to_owned());
    }
    rec.push(
        "os-update".into(),
        "Unattended OS updates ran on two servers at different times, so their packages differ too.".to_owned(),
        &fleet,
        0,
        None,
    );
    let step = rec.steps.last().cloned();
    let distinct = step.map_or(0, |s| s.distinct_configurations());
    rec.push(
        "drift".into(),
        format!(
            "The {} servers now have {distinct} different configurations (configuration drift): a bug may appear on one server only, and rebuilding any of them exactly is guesswork.",
            fleet.len()
        ),
        &fleet,
        0,
        None,
    );
    rec.steps
}

/// The load curve of the autoscale scenario (requests per second at each step).
pub const LOAD_CURVE_RPS: [u32; 7] = [300, 450, 900, 1600, 1900, 800, 350];

/// Replicas needed for a load: ceil(load / capacity) within [min, max].
pub fn replicas_for(load_rps: u32, params: &FleetParams) -> usize {
    let needed = load_rps.div_ceil(params.replica_capacity_rps.max(1)) as usize;
    needed.clamp(
        params.min_replicas,
        params.max_replicas.max(params.min_replicas),
    )
}

/// Replicas follow the load; every new one is a copy of the same image.
fn autoscale(params: &FleetParams) -> Vec<FleetStep> {
    let mut fleet: Vec<Server> = (1..=params.min_replicas)
        .map(|i| replica(i, "app:v2"))
        .collect();
    let mut rec = Recorder::default();
    for (index, load) in LOAD_CURVE_RPS.iter().enumerate() {
        let target = replicas_for(*load, params);
        let before = fleet.len();
        if target > before {
            for i in before..target {
                fleet.push(replica(i + 1, "app:v2"));
            }
        } else {
            fleet.truncate(target);
        }
        let change = match target.cmp(&before) {
            std::cmp::Ordering::Greater => format!(
                "the autoscaler starts {} replicas from the same image ({} s each, in parallel)",
                target - before,
                params.start_secs
            ),
            std::cmp::Ordering::Less => format!(
                "the autoscaler removes {} replicas; nothing on them needs saving",
                before - target
            ),
            std::cmp::Ordering::Equal => "the replica count stays".to_owned(),
        };
        let step_secs = if target > before {
            params.start_secs
        } else {
            0
        };
        rec.push(
            format!("load-{}", index + 1),
            format!(
                "Load is {load} requests/s and one replica handles {}, so {target} replicas are needed: {change}.",
                params.replica_capacity_rps
            ),
            &fleet,
            step_secs,
            Some(*load),
        );
    }
    rec.steps
}

/// The cost of one small fix: (immutable rebuild and rollout, patching in place), in seconds.
pub fn small_fix_cost_secs(params: &FleetParams) -> (u32, u32) {
    let immutable = params.build_secs
        + params.push_secs
        + params.servers as u32 * (params.start_secs + params.health_check_secs);
    let in_place = params.servers as u32 * params.patch_secs;
    (immutable, in_place)
}

impl super::stepped::SteppedPreset for ImmutablePreset {
    type Step = FleetStep;
    const VIEW: super::View = super::View::Immutable;
    const DEFAULT: Self = Self::ReplaceFleet;

    fn presets() -> &'static [Self] {
        Self::ALL
    }

    fn preset_slug(self) -> &'static str {
        self.slug()
    }

    fn preset_title(self) -> &'static str {
        self.title()
    }

    fn run(self) -> Vec<FleetStep> {
        self.steps(&FleetParams::default())
    }

    fn mark(step: &FleetStep) -> (String, String) {
        (step.slug.clone(), step.label.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_fleet_never_drifts_and_costs_a_full_rollout() {
        let params = FleetParams::default();
        let steps = ImmutablePreset::ReplaceFleet.steps(&params);
        for step in &steps {
            // During the rollout there are at most two versions, never hand-made variants.
            assert!(step.distinct_configurations() <= 2, "{}", step.slug);
            assert!(step.servers.iter().all(|s| s.patches.is_empty()));
        }
        let last = steps.last().unwrap();
        assert_eq!(last.distinct_configurations(), 1);
        assert_eq!(last.servers.len(), params.scaled_replicas);
        let (immutable, in_place) = small_fix_cost_secs(&params);
        assert_eq!(immutable, 180 + 30 + 4 * 15);
        assert_eq!(in_place, 4 * 60);
        let rollout_end = steps.iter().find(|s| s.slug == "replace-4").unwrap();
        assert_eq!(rollout_end.elapsed_secs, immutable);
    }

    #[test]
    fn patching_in_place_drifts() {
        let steps = ImmutablePreset::PatchInPlace.steps(&FleetParams::default());
        assert_eq!(steps.first().unwrap().distinct_configurations(), 1);
        let drift = steps.iter().find(|s| s.slug == "drift").unwrap();
        assert_eq!(drift.distinct_configurations(), 4);
    }

    #[test]
    fn autoscaler_follows_the_ceiling_rule() {
        let params = FleetParams::default();
        assert_eq!(replicas_for(0, &params), 2);
        assert_eq!(replicas_for(251, &params), 2);
        assert_eq!(replicas_for(900, &params), 4);
        assert_eq!(replicas_for(10_000, &params), 8);
        for step in ImmutablePreset::Autoscale.steps(&params) {
            let load = step.load_rps.unwrap();
            assert_eq!(step.servers.len(), replicas_for(load, &params));
            assert_eq!(step.distinct_configurations(), 1);
        }
        for preset in ImmutablePreset::ALL {
            assert_eq!(ImmutablePreset::from_slug(preset.slug()), Some(*preset));
        }
    }
}
