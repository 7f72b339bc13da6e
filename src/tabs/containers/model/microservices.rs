//! A shop as a monolith and as microservices: a request's path and latency, scaling one part, and one
//! part failing.
//!
//! In the monolith every module is a function in one process with one database; in the microservices
//! version each service is its own process with its own data, and calls between them cross the
//! network. The latencies are orders of magnitude from "Latency numbers every programmer should know"
//! (Jeff Dean; Peter Norvig's "Teach yourself programming in ten years"): a round trip inside one
//! datacenter is about 500 µs, while an in-process function call costs nanoseconds. Memory sizes and
//! the database time are illustrative assumptions.

use super::microservices_tradeoffs::Tradeoffs;

/// Where the numbers come from.
pub const SOURCES: [&str; 3] = [
    "Jeff Dean, 'Latency numbers every programmer should know' (Peter Norvig's 'Teach Yourself Programming in Ten Years' has a similar table): round trip within the same datacenter ~500,000 ns; main memory reference ~100 ns; L1 cache reference ~0.5 ns (orders of magnitude, circa 2010 hardware)",
    "In-process call cost: a few ns to well under a microsecond, taken here as 100 ns (order of a main-memory reference)",
    "Memory per module and the 1 ms database query are illustrative assumptions",
];

/// One in-process call (order of magnitude).
pub const FUNCTION_CALL_NS: u64 = 100;
/// One network round trip inside a datacenter (Dean: ~500 µs).
pub const DATACENTER_ROUND_TRIP_NS: u64 = 500_000;
/// One database query (illustrative, same in both architectures).
pub const DB_QUERY_NS: u64 = 1_000_000;

/// A module of the shop (a function group in the monolith, a service otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    /// Web front end / API gateway.
    Web,
    /// User accounts and login.
    Users,
    /// Product catalog.
    Catalog,
    /// Shopping cart.
    Cart,
    /// Orders.
    Orders,
    /// Payments.
    Payments,
}

impl Module {
    /// Every module.
    pub const ALL: &[Self] = &[
        Self::Web,
        Self::Users,
        Self::Catalog,
        Self::Cart,
        Self::Orders,
        Self::Payments,
    ];

    /// Name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Users => "users",
            Self::Catalog => "catalog",
            Self::Cart => "cart",
            Self::Orders => "orders",
            Self::Payments => "payments",
        }
    }

    /// Memory one instance needs (illustrative).
    pub fn memory_mib(self) -> u64 {
        match self {
            Self::Web => 200,
            Self::Users => 150,
            Self::Catalog => 300,
            Self::Cart => 150,
            Self::Orders => 250,
            Self::Payments => 200,
        }
    }

    /// Modules this one calls directly.
    pub fn calls(self) -> &'static [Self] {
        match self {
            Self::Web => &[],
            Self::Users | Self::Catalog | Self::Payments => &[],
            Self::Cart => &[Self::Catalog],
            Self::Orders => &[Self::Catalog, Self::Payments],
        }
    }
}

/// The two architectures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Architecture {
    /// One codebase, one process, one database.
    Monolith,
    /// One service per module, each with its own database.
    Microservices,
}

/// A kind of user request and the modules it goes through, in call order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Browse products.
    Browse,
    /// Log in.
    Login,
    /// Show the cart.
    ViewCart,
    /// Place an order.
    PlaceOrder,
}

impl Request {
    /// Every request kind.
    pub const ALL: &[Self] = &[Self::Browse, Self::Login, Self::ViewCart, Self::PlaceOrder];

    /// Name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Browse => "browse products",
            Self::Login => "log in",
            Self::ViewCart => "view cart",
            Self::PlaceOrder => "place order",
        }
    }

    /// The calls the request makes, as (caller, callee) pairs in order.
    pub fn path(self) -> Vec<(Module, Module)> {
        use Module::*;
        match self {
            Self::Browse => vec![(Web, Catalog)],
            Self::Login => vec![(Web, Users)],
            Self::ViewCart => vec![(Web, Cart), (Cart, Catalog)],
            Self::PlaceOrder => vec![
                (Web, Users),
                (Web, Cart),
                (Cart, Catalog),
                (Web, Orders),
                (Orders, Catalog),
                (Orders, Payments),
            ],
        }
    }

    /// Every module the request needs.
    pub fn modules(self) -> Vec<Module> {
        let mut modules = vec![Module::Web];
        for (_, callee) in self.path() {
            if !modules.contains(&callee) {
                modules.push(callee);
            }
        }
        modules
    }
}

/// One hop of a request with its cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    /// Caller.
    pub from: Module,
    /// Callee.
    pub to: Module,
    /// Cost of the call itself (function call or network round trip).
    pub call_ns: u64,
    /// The callee's database query.
    pub db_ns: u64,
}

/// The hops of `request` under `architecture`.
pub fn hops(request: Request, architecture: Architecture) -> Vec<Hop> {
    let call_ns = match architecture {
        Architecture::Monolith => FUNCTION_CALL_NS,
        Architecture::Microservices => DATACENTER_ROUND_TRIP_NS,
    };
    request
        .path()
        .into_iter()
        .map(|(from, to)| Hop {
            from,
            to,
            call_ns,
            db_ns: DB_QUERY_NS,
        })
        .collect()
}

/// Total latency of a request, calls plus queries (sequential calls).
pub fn latency_ns(request: Request, architecture: Architecture) -> u64 {
    hops(request, architecture)
        .iter()
        .map(|hop| hop.call_ns + hop.db_ns)
        .sum()
}

/// Memory to give `module` `replicas` instances: the monolith replicates everything, microservices
/// replicate only that service. Returns MiB for the whole deployment.
pub fn memory_to_scale_mib(module: Module, replicas: u64, architecture: Architecture) -> u64 {
    let all: u64 = Module::ALL.iter().map(|m| m.memory_mib()).sum();
    match architecture {
        Architecture::Monolith => replicas * all,
        Architecture::Microservices => all + replicas.saturating_sub(1) * module.memory_mib(),
    }
}

/// Which requests still work when `failed` is down.
pub fn surviving_requests(failed: Module, architecture: Architecture) -> Vec<(Request, bool)> {
    Request::ALL
        .iter()
        .map(|request| {
            let works = match architecture {
                // One process: a crash in any module (an unhandled error, running out of memory)
                // takes the whole process, and every request, down.
                Architecture::Monolith => false,
                Architecture::Microservices => !request.modules().contains(&failed),
            };
            (*request, works)
        })
        .collect()
}

/// One step of a preset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MicroStep {
    /// Stable slug.
    pub slug: String,
    /// One sentence for the student.
    pub label: String,
    /// The architecture drawn.
    pub architecture: Architecture,
    /// The hop highlighted, if any.
    pub hop: Option<Hop>,
    /// Latency accumulated so far on the request path.
    pub elapsed_ns: u64,
    /// Instances per module.
    pub replicas: Vec<(Module, u64)>,
    /// The module that is down, if any.
    pub failed: Option<Module>,
    /// Words shown on modules at this step (a version, a language, "✖ timed out").
    pub badges: Vec<(Module, String)>,
    /// Calls drawn between modules besides the request's path (every dependency).
    pub edges: Vec<(Module, Module)>,
    /// The item of the preset's list (principle, pro or con) this step demonstrates.
    pub item: Option<usize>,
    /// The services the step is about, outlined.
    pub focus: Vec<Module>,
}

impl MicroStep {
    /// A step of one instance per module, nothing failed, highlighted or badged, at 0 ns.
    pub(super) fn plain(slug: &str, label: String, architecture: Architecture) -> Self {
        Self {
            slug: slug.to_owned(),
            label,
            architecture,
            hop: None,
            elapsed_ns: 0,
            replicas: single_replicas(),
            failed: None,
            badges: Vec::new(),
            edges: Vec::new(),
            item: None,
            focus: Vec::new(),
        }
    }
}

/// The microservices view's presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MicroPreset {
    /// A request through the monolith.
    Monolith,
    /// The same request through microservices.
    Microservices,
    /// Scaling the catalog alone.
    ScaleOne,
    /// The payments service failing.
    ServiceFails,
    /// The three design principles, one step each.
    Principles,
    /// The pros, one step each.
    Pros,
    /// The cons, one step each.
    Cons,
}

impl MicroPreset {
    /// Every preset.
    pub const ALL: &[Self] = &[
        Self::Monolith,
        Self::Microservices,
        Self::ScaleOne,
        Self::ServiceFails,
        Self::Principles,
        Self::Pros,
        Self::Cons,
    ];

    /// Scene-link slug.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Monolith => "monolith",
            Self::Microservices => "microservices",
            Self::ScaleOne => "scale-one",
            Self::ServiceFails => "service-fails",
            Self::Principles => "principles",
            Self::Pros => "pros",
            Self::Cons => "cons",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Monolith => "A request through a monolith",
            Self::Microservices => "The same request through microservices",
            Self::ScaleOne => "Scaling one part",
            Self::ServiceFails => "One part fails",
            Self::Principles => "Design principles of microservices",
            Self::Pros => "Pros of microservices",
            Self::Cons => "Cons of microservices",
        }
    }

    /// The steps of this preset.
    pub fn steps(self) -> Vec<MicroStep> {
        match self {
            Self::Monolith => request_walk(Architecture::Monolith),
            Self::Microservices => request_walk(Architecture::Microservices),
            Self::ScaleOne => scale_one(),
            Self::ServiceFails => service_fails(),
            Self::Principles => super::microservices_tradeoffs::steps(Tradeoffs::Principles),
            Self::Pros => super::microservices_tradeoffs::steps(Tradeoffs::Pros),
            Self::Cons => super::microservices_tradeoffs::steps(Tradeoffs::Cons),
        }
    }

    /// The list a principles, pros or cons preset walks.
    pub fn tradeoffs(self) -> Option<Tradeoffs> {
        match self {
            Self::Principles => Some(Tradeoffs::Principles),
            Self::Pros => Some(Tradeoffs::Pros),
            Self::Cons => Some(Tradeoffs::Cons),
            _ => None,
        }
    }
}

fn single_replicas() -> Vec<(Module, u64)> {
    Module::ALL.iter().map(|m| (*m, 1)).collect()
}

/// Formats nanoseconds with a sensible unit.
pub fn format_ns(ns: u64) -> String {
    if ns >= 1_000_000 {
        format!("{:.1} ms", ns as f64 / 1e6)
    } else if ns >= 1_000 {
        format!("{:.1} µs", ns as f64 / 1e3)
    } else {
        format!("{ns} ns")
    }
}

fn request_walk(architecture: Architecture) -> Vec<MicroStep> {
    let request = Request::PlaceOrder;
    let overview = match architecture {
        Architecture::Monolith => {
            "One codebase, one process and one shared database on one host: every module is a function call away."
        }
        Architecture::Microservices => {
            "Each module is a separate service with its own database; services talk over the network (HTTP or RPC)."
        }
    };
    let mut steps = vec![MicroStep::plain("overview", overview.into(), architecture)];
    let mut elapsed = 0;
    for (index, hop) in hops(request, architecture).into_iter().enumerate() {
        elapsed += hop.call_ns + hop.db_ns;
        let kind = match architecture {
            Architecture::Monolith => "a function call",
            Architecture::Microservices => "a network round trip",
        };
        let label = format!(
            "{} calls {}: {kind} of about {} plus a {} database query.",
            hop.from.name(),
            hop.to.name(),
            format_ns(hop.call_ns),
            format_ns(hop.db_ns)
        );
        steps.push(MicroStep {
            hop: Some(hop),
            elapsed_ns: elapsed,
            ..MicroStep::plain(&format!("hop-{}", index + 1), label, architecture)
        });
    }
    let monolith = latency_ns(request, Architecture::Monolith);
    let micro = latency_ns(request, Architecture::Microservices);
    let calls = request.path().len();
    let label = format!(
        "Placing an order takes about {} as a monolith and {} as microservices: the {calls} calls cost {} in-process but {} over the network.",
        format_ns(monolith),
        format_ns(micro),
        format_ns(calls as u64 * FUNCTION_CALL_NS),
        format_ns(calls as u64 * DATACENTER_ROUND_TRIP_NS)
    );
    steps.push(MicroStep {
        elapsed_ns: elapsed,
        ..MicroStep::plain("total", label, architecture)
    });
    steps
}

fn scale_one() -> Vec<MicroStep> {
    let hot = Module::Catalog;
    let replicas = 4;
    let scaled = |architecture| -> Vec<(Module, u64)> {
        Module::ALL
            .iter()
            .map(|m| {
                let count = match architecture {
                    Architecture::Monolith => replicas,
                    Architecture::Microservices if *m == hot => replicas,
                    Architecture::Microservices => 1,
                };
                (*m, count)
            })
            .collect()
    };
    let monolith_mib = memory_to_scale_mib(hot, replicas, Architecture::Monolith);
    let micro_mib = memory_to_scale_mib(hot, replicas, Architecture::Microservices);
    let step = |slug: &str, label: String, architecture, replicas| MicroStep {
        replicas,
        ..MicroStep::plain(slug, label, architecture)
    };
    vec![
        step(
            "load",
            "A sale sends four times the usual traffic to the catalog; the other modules are not busier.".into(),
            Architecture::Microservices,
            single_replicas(),
        ),
        step(
            "scale-monolith",
            format!(
                "The monolith can only be copied whole: {replicas} copies of everything need {monolith_mib} MiB."
            ),
            Architecture::Monolith,
            scaled(Architecture::Monolith),
        ),
        step(
            "scale-service",
            format!(
                "With microservices only the catalog gets {replicas} instances: {micro_mib} MiB for the whole shop."
            ),
            Architecture::Microservices,
            scaled(Architecture::Microservices),
        ),
    ]
}

fn service_fails() -> Vec<MicroStep> {
    let failed = Module::Payments;
    let describe = |architecture| {
        let results = surviving_requests(failed, architecture);
        let working: Vec<&str> = results
            .iter()
            .filter(|(_, works)| *works)
            .map(|(r, _)| r.name())
            .collect();
        let broken: Vec<&str> = results
            .iter()
            .filter(|(_, works)| !*works)
            .map(|(r, _)| r.name())
            .collect();
        (working, broken)
    };
    let (_, monolith_broken) = describe(Architecture::Monolith);
    let (micro_working, micro_broken) = describe(Architecture::Microservices);
    let step = |slug: &str, label: String, architecture| MicroStep {
        failed: Some(failed),
        ..MicroStep::plain(slug, label, architecture)
    };
    vec![
        step(
            "monolith-fails",
            format!(
                "A bug in the payments code crashes the monolith's single process, so every request fails: {}.",
                monolith_broken.join(", ")
            ),
            Architecture::Monolith,
        ),
        step(
            "service-fails",
            format!(
                "The payments service crashes alone: {} fail, while {} keep working.",
                micro_broken.join(", "),
                micro_working.join(", ")
            ),
            Architecture::Microservices,
        ),
    ]
}

impl super::stepped::SteppedPreset for MicroPreset {
    type Step = MicroStep;
    const VIEW: super::View = super::View::Microservices;
    const DEFAULT: Self = Self::Monolith;

    fn presets() -> &'static [Self] {
        Self::ALL
    }

    fn preset_slug(self) -> &'static str {
        self.slug()
    }

    fn preset_title(self) -> &'static str {
        self.title()
    }

    fn run(self) -> Vec<MicroStep> {
        self.steps()
    }

    fn mark(step: &MicroStep) -> (String, String) {
        (step.slug.clone(), step.label.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_calls_dominate_the_microservice_path() {
        let calls = Request::PlaceOrder.path().len() as u64;
        let monolith = latency_ns(Request::PlaceOrder, Architecture::Monolith);
        let micro = latency_ns(Request::PlaceOrder, Architecture::Microservices);
        assert_eq!(
            micro - monolith,
            calls * (DATACENTER_ROUND_TRIP_NS - FUNCTION_CALL_NS)
        );
    }

    #[test]
    fn scaling_one_service_costs_only_that_service() {
        let all: u64 = Module::ALL.iter().map(|m| m.memory_mib()).sum();
        assert_eq!(
            memory_to_scale_mib(Module::Catalog, 4, Architecture::Monolith),
            4 * all
        );
        assert_eq!(
            memory_to_scale_mib(Module::Catalog, 4, Architecture::Microservices),
            all + 3 * Module::Catalog.memory_mib()
        );
    }

    #[test]
    fn failures_take_down_only_dependent_requests() {
        let micro = surviving_requests(Module::Payments, Architecture::Microservices);
        let works = |request| micro.iter().find(|(r, _)| *r == request).map(|(_, w)| *w);
        assert_eq!(works(Request::PlaceOrder), Some(false));
        assert_eq!(works(Request::Browse), Some(true));
        assert_eq!(works(Request::Login), Some(true));
        let catalog_down = surviving_requests(Module::Catalog, Architecture::Microservices);
        assert!(catalog_down.iter().filter(|(_, w)| !w).count() == 3);
        assert!(
            surviving_requests(Module::Payments, Architecture::Monolith)
                .iter()
                .all(|(_, w)| !w)
        );
    }

    #[test]
    fn presets_have_unique_slugs() {
        for preset in MicroPreset::ALL {
            assert_eq!(MicroPreset::from_slug(preset.slug()), Some(*preset));
            let steps = preset.steps();
            let mut slugs: Vec<&str> = steps.iter().map(|s| s.slug.as_str()).collect();
            slugs.sort_unstable();
            slugs.dedup();
            assert_eq!(slugs.len(), steps.len());
        }
        let total = MicroPreset::Microservices.steps().last().cloned().unwrap();
        assert_eq!(
            total.elapsed_ns,
            latency_ns(Request::PlaceOrder, Architecture::Microservices)
        );
    }
}
