//! Overview families: where one disk write goes next, and how many protection boundaries it
//! crosses, in each of the six stacks of `tabs::overview::model`.
//!
//! The stacks' layers and hops carry their sources in the Overview model (Popek and Goldberg,
//! Barham et al. 2003, the Intel SDM, the Xen docs; domain.md section 1). Distractors are the
//! other stacks' answers to the same question.

use super::{Dice, Family, GenError, Instance, Pick, choices, link};
use crate::scene::SceneLink;
use crate::tabs::overview::model::{LayerKind, Stack, StackKind, stack};

/// "Where does the disk write go next?"
pub const NEXT_HOP: Family = Family {
    id: "overview.next-hop",
    tab: "overview",
    title: "Where does the disk write go next in this stack, and by what mechanism?",
    cards: &[
        "bare-metal-virtualization",
        "hosted-virtualization",
        "what-is-os-level-virtualization",
    ],
    generate: next_hop,
};

/// "How many protection boundaries does the write cross?"
pub const CROSSINGS: Family = Family {
    id: "overview.crossings",
    tab: "overview",
    title: "How many protection boundaries does one disk write cross in this stack?",
    cards: &[
        "what-is-virtualization",
        "hosted-virtualization",
        "pros-of-os-level-virtualization",
    ],
    generate: crossings,
};

/// The Overview link of a stack at a step.
pub(crate) fn overview_link(kind: StackKind, step: usize) -> Result<SceneLink, GenError> {
    link(&format!("overview?select={}&step={step}", kind.slug()))
}

/// Hop `index` of a stack in words: "Hypervisor (VM exit)".
pub(crate) fn hop_words(stack: &Stack, index: usize) -> Option<String> {
    let hop = stack.hops.get(index)?;
    let to = stack.layers.get(hop.to)?;
    Some(format!("{} ({})", to.title, hop.mechanism))
}

/// Hop `index` of a stack in words, with the kind of layer it reaches.
fn hop_target(stack: &Stack, index: usize) -> Option<(String, LayerKind)> {
    let hop = stack.hops.get(index)?;
    Some((hop_words(stack, index)?, stack.layers.get(hop.to)?.kind))
}

fn next_hop(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(NEXT_HOP.id, seed);
    let kind = dice.pick(&StackKind::ALL).unwrap_or(StackKind::Type2);
    let asked = stack(kind);
    let index = dice.index(asked.hops.len());
    let answer = hop_words(&asked, index).ok_or(GenError::Missing("hop at this index"))?;
    let hop = asked
        .hops
        .get(index)
        .ok_or(GenError::Missing("hop at this index"))?;
    let from_layer = asked
        .layers
        .get(hop.from)
        .ok_or(GenError::Missing("layer the hop leaves"))?;
    let from = from_layer.title;
    // Each choice with the layer it reaches: the asked stack's own hops, or another stack's hop
    // at the same index.
    let mut targets: Vec<(String, LayerKind)> = StackKind::ALL
        .iter()
        .filter(|other| **other != kind)
        .filter_map(|other| hop_target(&stack(*other), index))
        .collect();
    targets.extend((0..asked.hops.len()).filter_map(|other| hop_target(&asked, other)));
    // A distractor to the answer's own layer would make a click on that layer ambiguous, and
    // one to the layer the write is at cannot be its next hop (a hop leaves its layer).
    let answer_layer = hop_target(&asked, index).map(|(_, to)| to);
    targets.retain(|(words, to)| {
        *words == answer || (Some(*to) != answer_layer && *to != from_layer.kind)
    });
    let distractors: Vec<String> = targets.iter().map(|(words, _)| words.clone()).collect();
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    // Clicking a layer of the asked stack picks the choice that goes to a layer of that kind;
    // a choice about a layer this stack does not have is not in the picture.
    let values = choices
        .iter()
        .map(|choice| {
            let (_, to) = targets.iter().find(|(words, _)| words == choice)?;
            asked
                .layers
                .iter()
                .any(|layer| layer.kind == *to)
                .then(|| format!("{}.{}", kind.slug(), to.slug()))
        })
        .collect();
    Ok(Instance {
        family: NEXT_HOP.id,
        seed,
        question: format!(
            "{}: an application writes to disk. The write has reached {from}. Where does it go \
             next, and how?",
            kind.title()
        ),
        choices,
        answer: answer_index,
        explanation: hop.text.to_owned(),
        at: overview_link(kind, index)?,
        why: overview_link(kind, index + 1)?,
        pick: Some(Pick {
            key: "select",
            values,
            what: "the layer the write reaches next, in this stack",
        }),
    })
}

fn crossings(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(CROSSINGS.id, seed);
    let kind = dice.pick(&StackKind::ALL).unwrap_or(StackKind::Type2);
    let count = |kind: StackKind| {
        let stack = stack(kind);
        stack.crossings_after(stack.hops.len())
    };
    let answer = count(kind);
    let mut distractors: Vec<String> = StackKind::ALL
        .iter()
        .map(|other| count(*other).to_string())
        .collect();
    distractors.extend([answer + 1, answer.saturating_sub(1)].map(|n| n.to_string()));
    let (choices, answer_index) = choices(&mut dice, answer.to_string(), distractors)?;
    let all: Vec<String> = StackKind::ALL
        .iter()
        .map(|other| format!("{} {}", other.title(), count(*other)))
        .collect();
    let hops = stack(kind).hops.len();
    Ok(Instance {
        family: CROSSINGS.id,
        seed,
        question: format!(
            "{}: an application writes to disk and the write returns. How many protection \
             boundaries (user | kernel, guest | hypervisor) does it cross on the way, counting \
             each crossing?",
            kind.title()
        ),
        choices,
        answer: answer_index,
        explanation: format!(
            "Counting the hops that change privilege: {}. A container's write is as short as a \
             native one; a hosted hypervisor's crosses the most.",
            all.join(", ")
        ),
        at: overview_link(kind, 0)?,
        why: overview_link(kind, hops + 1)?,
        pick: None,
    })
}
