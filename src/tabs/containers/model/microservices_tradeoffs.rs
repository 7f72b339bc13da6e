//! The shop's microservices judged: their design principles, their pros and their cons, each
//! shown as an outcome of the shop's model rather than as a sentence.
//!
//! Every list item is one step: the diagram marks what the item is about (a service deployed
//! alone, a database swapped behind an API, a slow service timing its callers out, an order saved
//! while its payment failed) and the list beside it gives the model's number for every item, the
//! current one emphasised. The principles follow the deck (modularity and independence, hiding
//! implementation details, automation; as in Newman, "Building Microservices", O'Reilly 2015);
//! the cons include the ones the deck names (complexity, operational and communication overhead,
//! slow network calls, diversity) and two it implies: failures cascading through synchronous
//! calls, and data kept consistent across services without one transaction (a saga with a
//! compensating step; Garcia-Molina and Salem, "Sagas", SIGMOD 1987).
//!
//! Languages, version numbers, the 1 s call timeout and the 3 s slow response are illustrative;
//! latencies and memory come from [`super::microservices`].

use super::microservices::{
    Architecture, DATACENTER_ROUND_TRIP_NS, FUNCTION_CALL_NS, MicroStep, Module, Request,
    format_ns, memory_to_scale_mib, surviving_requests,
};

/// How long a caller waits for a synchronous call before giving up (illustrative).
pub const CALL_TIMEOUT_MS: u64 = 1_000;
/// How long the slow service takes to answer in the cascade (illustrative).
pub const SLOW_RESPONSE_MS: u64 = 3_000;

/// What the operations team runs per deployable unit: a build pipeline, monitoring, log
/// collection and an entry in service discovery (the "overhead: operations, service discovery"
/// of the deck's cons).
pub const OPERATED_PER_UNIT: [&str; 4] = [
    "build pipeline",
    "monitoring",
    "log collection",
    "service discovery entry",
];

/// Which list a preset walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tradeoffs {
    /// The three design principles.
    Principles,
    /// The pros.
    Pros,
    /// The cons.
    Cons,
}

impl Module {
    /// The language the service is written in (illustrative, for the polyglot step).
    pub fn language(self) -> &'static str {
        match self {
            Self::Web => "TypeScript",
            Self::Users => "Java",
            Self::Catalog => "Go",
            Self::Cart => "Python",
            Self::Orders => "Java",
            Self::Payments => "Rust",
        }
    }

    /// Releases so far (illustrative, for the evolutionary-design step).
    pub fn version(self) -> u32 {
        match self {
            Self::Web => 41,
            Self::Users => 7,
            Self::Catalog => 23,
            Self::Cart => 12,
            Self::Orders => 16,
            Self::Payments => 5,
        }
    }
}

/// Every distinct call between services the shop's requests make.
pub fn dependencies() -> Vec<(Module, Module)> {
    let mut edges: Vec<(Module, Module)> = Request::ALL
        .iter()
        .flat_map(|request| request.path())
        .collect();
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// The services that call `module` directly.
pub fn callers(module: Module) -> Vec<Module> {
    dependencies()
        .into_iter()
        .filter(|(_, callee)| *callee == module)
        .map(|(caller, _)| caller)
        .collect()
}

/// Distinct languages across the services.
pub fn languages() -> Vec<&'static str> {
    let mut all: Vec<&str> = Module::ALL.iter().map(|m| m.language()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// One item of a list: its name and the model's outcome for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// As the deck names it.
    pub title: &'static str,
    /// What the model shows, with its numbers.
    pub outcome: String,
    /// The step's slug.
    pub slug: &'static str,
}

fn item(slug: &'static str, title: &'static str, outcome: String) -> Item {
    Item {
        title,
        outcome,
        slug,
    }
}

/// The items of `list`, each with the model's outcome.
pub fn items(list: Tradeoffs) -> Vec<Item> {
    let services = Module::ALL.len();
    let monolith_mib = memory_to_scale_mib(Module::Catalog, 1, Architecture::Monolith);
    match list {
        Tradeoffs::Principles => vec![
            item(
                "modularity",
                "Modularity and independence",
                format!(
                    "cart v2 deployed alone: 1 of {services} services restarted, the other {} kept serving",
                    services - 1
                ),
            ),
            item(
                "hide-details",
                "Hide implementation details",
                format!(
                    "catalog swapped its database behind its API: its {} callers changed nothing",
                    callers(Module::Catalog).len()
                ),
            ),
            item(
                "automation",
                "Automation",
                format!("{services} pipelines build, test and deploy each service on every change"),
            ),
        ],
        Tradeoffs::Pros => vec![
            item(
                "polyglot",
                "Polyglot architecture",
                format!("{} languages across {services} services", languages().len()),
            ),
            item(
                "evolutionary",
                "Evolutionary design",
                format!(
                    "each service released at its own pace: {} to {} releases",
                    Module::ALL.iter().map(|m| m.version()).min().unwrap_or(0),
                    Module::ALL.iter().map(|m| m.version()).max().unwrap_or(0)
                ),
            ),
            item(
                "replaceable",
                "Replaceable architecture",
                "payments rewritten and swapped in behind the same API".to_owned(),
            ),
            item(
                "selective-scaling",
                "Selective scalability",
                format!(
                    "4 catalogs: {} MiB instead of {} MiB for 4 whole monoliths",
                    memory_to_scale_mib(Module::Catalog, 4, Architecture::Microservices),
                    memory_to_scale_mib(Module::Catalog, 4, Architecture::Monolith)
                ),
            ),
            item(
                "small-services",
                "Small, simple, lightweight services",
                format!(
                    "{} to {} MiB each, against {monolith_mib} MiB for the monolith",
                    Module::ALL
                        .iter()
                        .map(|m| m.memory_mib())
                        .min()
                        .unwrap_or(0),
                    Module::ALL
                        .iter()
                        .map(|m| m.memory_mib())
                        .max()
                        .unwrap_or(0)
                ),
            ),
        ],
        Tradeoffs::Cons => {
            let request = Request::PlaceOrder;
            let calls = request.path().len() as u64;
            let broken = surviving_requests(Module::Catalog, Architecture::Microservices)
                .iter()
                .filter(|(_, works)| !works)
                .count();
            vec![
                item(
                    "complexity",
                    "High overall complexity (\"Death Star\")",
                    format!(
                        "{} network dependencies among {services} services",
                        dependencies().len()
                    ),
                ),
                item(
                    "cascade",
                    "Failures cascade through synchronous calls",
                    format!(
                        "catalog slow: {broken} of {} requests time out",
                        Request::ALL.len()
                    ),
                ),
                item(
                    "chattiness",
                    "Slow, chatty calls",
                    format!(
                        "\"{}\": {calls} calls, {} on the network vs {} in-process",
                        request.name(),
                        format_ns(calls * DATACENTER_ROUND_TRIP_NS),
                        format_ns(calls * FUNCTION_CALL_NS)
                    ),
                ),
                item(
                    "consistency",
                    "Data consistency across services",
                    "order saved, payment failed: a saga must cancel the order".to_owned(),
                ),
                item(
                    "operations",
                    "Operational overhead",
                    format!(
                        "{} things to run instead of {}",
                        services * OPERATED_PER_UNIT.len(),
                        OPERATED_PER_UNIT.len()
                    ),
                ),
                item(
                    "diversity",
                    "Diversity of languages and databases",
                    format!(
                        "{} runtimes and {services} databases to patch and back up",
                        languages().len()
                    ),
                ),
            ]
        }
    }
}

fn base(slug: &str, label: String, index: usize) -> MicroStep {
    MicroStep {
        item: Some(index),
        ..MicroStep::plain(slug, label, Architecture::Microservices)
    }
}

fn everyone(badge: impl Fn(Module) -> String) -> Vec<(Module, String)> {
    Module::ALL.iter().map(|m| (*m, badge(*m))).collect()
}

/// The steps of `list`: one per item.
pub fn steps(list: Tradeoffs) -> Vec<MicroStep> {
    items(list)
        .iter()
        .enumerate()
        .map(|(index, item)| step(index, item))
        .collect()
}

fn step(index: usize, item: &Item) -> MicroStep {
    let mut step = base(
        item.slug,
        format!("{}: {}", item.title, item.outcome),
        index,
    );
    match item.slug {
        "modularity" => {
            step.focus = vec![Module::Cart];
            step.badges = everyone(|m| {
                if m == Module::Cart {
                    "v2 deployed alone".to_owned()
                } else {
                    "✔ kept serving".to_owned()
                }
            });
        }
        "hide-details" => {
            step.focus = vec![Module::Catalog];
            step.badges = vec![(Module::Catalog, "new database, same API".to_owned())];
            step.badges.extend(
                callers(Module::Catalog)
                    .into_iter()
                    .map(|m| (m, "caller: unchanged".to_owned())),
            );
            step.edges = callers(Module::Catalog)
                .into_iter()
                .map(|m| (m, Module::Catalog))
                .collect();
        }
        "automation" => step.badges = everyone(|_| "pipeline: build ✔ test ✔ deploy ✔".to_owned()),
        "polyglot" => step.badges = everyone(|m| m.language().to_owned()),
        "evolutionary" => step.badges = everyone(|m| format!("release {}", m.version())),
        "replaceable" => {
            step.focus = vec![Module::Payments];
            step.badges = vec![(Module::Payments, "rewritten, same API".to_owned())];
            step.edges = callers(Module::Payments)
                .into_iter()
                .map(|m| (m, Module::Payments))
                .collect();
        }
        "selective-scaling" => {
            step.focus = vec![Module::Catalog];
            step.replicas = Module::ALL
                .iter()
                .map(|m| (*m, if *m == Module::Catalog { 4 } else { 1 }))
                .collect();
        }
        "small-services" => step.badges = everyone(|m| format!("{} MiB", m.memory_mib())),
        "complexity" => step.edges = dependencies(),
        "cascade" => {
            let slow = Module::Catalog;
            step.focus = vec![slow];
            step.badges = vec![(slow, format!("⏱ answers in {} s", SLOW_RESPONSE_MS / 1000))];
            step.badges.extend(
                callers(slow)
                    .into_iter()
                    .map(|m| (m, format!("✖ timed out after {} s", CALL_TIMEOUT_MS / 1000))),
            );
            step.edges = callers(slow).into_iter().map(|m| (m, slow)).collect();
        }
        "chattiness" => step.edges = Request::PlaceOrder.path(),
        "consistency" => {
            step.focus = vec![Module::Orders, Module::Payments];
            step.badges = vec![
                (Module::Orders, "order #1 saved → cancelled".to_owned()),
                (Module::Payments, "✖ charge failed".to_owned()),
            ];
            step.edges = vec![(Module::Orders, Module::Payments)];
            step.failed = Some(Module::Payments);
        }
        "operations" => {
            step.badges = everyone(|_| format!("{} to run", OPERATED_PER_UNIT.len()));
        }
        "diversity" => step.badges = everyone(|m| format!("{} + own database", m.language())),
        _ => {}
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_has_the_deck_s_items_and_one_step_each() {
        assert_eq!(items(Tradeoffs::Principles).len(), 3);
        assert_eq!(items(Tradeoffs::Pros).len(), 5);
        assert!(items(Tradeoffs::Cons).len() >= 4);
        for list in [Tradeoffs::Principles, Tradeoffs::Pros, Tradeoffs::Cons] {
            let steps = steps(list);
            assert_eq!(steps.len(), items(list).len());
            for (index, step) in steps.iter().enumerate() {
                assert_eq!(step.item, Some(index));
                assert_eq!(step.architecture, Architecture::Microservices);
            }
        }
    }

    #[test]
    fn dependencies_come_from_the_requests_and_catalog_has_callers() {
        let edges = dependencies();
        assert!(edges.contains(&(Module::Orders, Module::Payments)));
        assert!(!edges.iter().any(|(a, b)| a == b));
        let mut callers = callers(Module::Catalog);
        callers.sort_unstable();
        assert_eq!(callers, [Module::Web, Module::Cart, Module::Orders]);
    }

    /// A slow catalog behind synchronous calls fails every request that needs it: the same
    /// requests as a catalog that is down.
    #[test]
    fn a_slow_service_times_out_every_request_that_calls_it() {
        const { assert!(SLOW_RESPONSE_MS > CALL_TIMEOUT_MS) };
        let cascade = steps(Tradeoffs::Cons)
            .into_iter()
            .find(|s| s.slug == "cascade")
            .unwrap();
        let timed_out = cascade
            .badges
            .iter()
            .filter(|(_, b)| b.contains("timed out"))
            .count();
        assert_eq!(timed_out, super::callers(Module::Catalog).len());
        let outcome = items(Tradeoffs::Cons)
            .into_iter()
            .find(|i| i.slug == "cascade")
            .unwrap()
            .outcome;
        assert!(outcome.contains("3 of 4"), "{outcome}");
    }

    #[test]
    fn the_pros_numbers_are_the_model_s() {
        let pros = items(Tradeoffs::Pros);
        assert!(
            pros[0].outcome.starts_with("5 languages"),
            "{}",
            pros[0].outcome
        );
        assert!(
            pros[3].outcome.contains("2150 MiB instead of 5000 MiB"),
            "{}",
            pros[3].outcome
        );
        assert!(pros[4].outcome.contains("1250 MiB"), "{}", pros[4].outcome);
    }
}
