//! Docker-style container names (`adjective_surname`) and ids, chosen deterministically.
//!
//! Docker names unnamed containers from two word lists in `pkg/namesgenerator` (adjectives and notable
//! scientists and hackers), and refuses `boring_wozniak` ("Steve Wozniak is not boring"). The sandbox
//! uses a subset of those lists and a seeded hash instead of a random number, so a replayed script
//! always produces the same names and ids.

use super::sha256::Digest;

/// Adjectives from moby's `pkg/namesgenerator/names-generator.go` (a subset).
const ADJECTIVES: &[&str] = &[
    "admiring",
    "adoring",
    "affectionate",
    "amazing",
    "awesome",
    "beautiful",
    "blissful",
    "bold",
    "boring",
    "brave",
    "busy",
    "charming",
    "clever",
    "compassionate",
    "confident",
    "cool",
    "dazzling",
    "determined",
    "dreamy",
    "eager",
    "ecstatic",
    "elastic",
    "elegant",
    "eloquent",
    "epic",
    "festive",
    "focused",
    "friendly",
    "funny",
    "gallant",
    "gifted",
    "goofy",
    "gracious",
    "happy",
    "hopeful",
    "jolly",
    "jovial",
    "keen",
    "kind",
    "laughing",
    "loving",
    "lucid",
    "magical",
    "modest",
    "nifty",
    "nostalgic",
    "optimistic",
    "peaceful",
    "pensive",
    "practical",
    "quirky",
    "relaxed",
    "serene",
    "sharp",
    "sleepy",
    "stoic",
    "sweet",
    "tender",
    "trusting",
    "upbeat",
    "vibrant",
    "vigilant",
    "wizardly",
    "wonderful",
    "youthful",
    "zealous",
    "zen",
];

/// Surnames from the same file (a subset).
const SURNAMES: &[&str] = &[
    "albattani",
    "allen",
    "archimedes",
    "babbage",
    "bardeen",
    "bartik",
    "bell",
    "bhabha",
    "bohr",
    "booth",
    "brahmagupta",
    "carson",
    "chandrasekhar",
    "curie",
    "darwin",
    "dijkstra",
    "einstein",
    "elion",
    "engelbart",
    "euclid",
    "euler",
    "fermat",
    "fermi",
    "feynman",
    "franklin",
    "galileo",
    "goldberg",
    "goldwasser",
    "goodall",
    "hamilton",
    "hawking",
    "hodgkin",
    "hopper",
    "hypatia",
    "jackson",
    "jennings",
    "johnson",
    "kalam",
    "kepler",
    "knuth",
    "lamarr",
    "lamport",
    "liskov",
    "lovelace",
    "matsumoto",
    "maxwell",
    "mccarthy",
    "meitner",
    "mirzakhani",
    "noether",
    "noyce",
    "pascal",
    "pasteur",
    "poincare",
    "ramanujan",
    "ritchie",
    "shannon",
    "shockley",
    "tesla",
    "thompson",
    "torvalds",
    "turing",
    "wescoff",
    "wilson",
    "wozniak",
    "wright",
    "yalow",
];

/// A deterministic container name for the `counter`-th container of a sandbox seeded with `seed`,
/// avoiding names for which `taken` returns true.
pub(super) fn container_name(seed: u64, counter: u64, taken: impl Fn(&str) -> bool) -> String {
    let mut attempt = 0u64;
    loop {
        let digest = Digest::of_parts(&[
            b"name",
            &seed.to_be_bytes(),
            &counter.to_be_bytes(),
            &attempt.to_be_bytes(),
        ]);
        let value = digest.seed();
        // In range: a value modulo a list's length is below that length, and both lists are
        // non-empty constants.
        #[allow(clippy::indexing_slicing)]
        let (adjective, surname) = (
            ADJECTIVES[(value % ADJECTIVES.len() as u64) as usize],
            SURNAMES[((value >> 32) % SURNAMES.len() as u64) as usize],
        );
        let name = format!("{adjective}_{surname}");
        // Docker appends a digit after collisions; after a few attempts do the same to end the loop.
        let name = if attempt >= 8 {
            format!("{name}{}", attempt - 7)
        } else {
            name
        };
        if name != "boring_wozniak" && !taken(&name) {
            return name;
        }
        attempt += 1;
    }
}

/// A deterministic 64-hex object id (container, network) for the `counter`-th object of a kind.
pub(super) fn object_id(kind: &str, seed: u64, counter: u64) -> Digest {
    Digest::of_parts(&[kind.as_bytes(), &seed.to_be_bytes(), &counter.to_be_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deterministic_and_well_formed() {
        let a = container_name(7, 1, |_| false);
        let b = container_name(7, 1, |_| false);
        assert_eq!(a, b);
        let (adjective, surname) = a.split_once('_').unwrap();
        assert!(ADJECTIVES.contains(&adjective));
        assert!(SURNAMES.contains(&surname));
    }

    #[test]
    fn taken_names_are_skipped_even_if_all_collide() {
        let first = container_name(7, 1, |_| false);
        let second = container_name(7, 1, |name| name == first);
        assert_ne!(first, second);
        let fallback = container_name(7, 1, |name| !name.ends_with(char::is_numeric));
        assert!(fallback.ends_with(char::is_numeric));
    }

    #[test]
    fn ids_differ_by_counter_and_kind() {
        assert_ne!(object_id("container", 1, 1), object_id("container", 1, 2));
        assert_ne!(object_id("container", 1, 1), object_id("network", 1, 1));
    }
}
