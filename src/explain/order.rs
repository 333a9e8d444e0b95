//! Root findings and the order to fix things: a finding that others rest on comes first,
//! because fixing it removes or changes them.

use std::collections::BTreeSet;

use petgraph::Direction;
use petgraph::visit::EdgeRef;

use super::{Edge, Explanation, Node};
use crate::eval::Evaluation;

/// Findings (indices) that rest on no other finding, most severe first.
pub fn roots(x: &Explanation, e: &Evaluation) -> Vec<usize> {
    let mut out: Vec<usize> = x
        .findings
        .iter()
        .filter(|(_, n)| rests_on(x, **n).next().is_none())
        .map(|(i, _)| *i)
        .collect();
    out.sort_by(|a, b| e.findings[*a].sort_key().cmp(&e.findings[*b].sort_key()));
    out
}

/// The findings a finding rests on.
pub fn rests_on(
    x: &Explanation,
    n: petgraph::graph::NodeIndex,
) -> impl Iterator<Item = usize> + '_ {
    x.graph
        .edges_directed(n, Direction::Outgoing)
        .filter(|edge| *edge.weight() == Edge::Because)
        .filter_map(|edge| match x.graph[edge.target()] {
            Node::Finding(j) => Some(j),
            _ => None,
        })
}

/// The findings that rest on `i`, directly or not.
pub fn followers(x: &Explanation, i: usize) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![x.findings[&i]];
    while let Some(n) = stack.pop() {
        for edge in x
            .graph
            .edges_directed(n, Direction::Incoming)
            .filter(|e| *e.weight() == Edge::Because)
        {
            if let Node::Finding(j) = x.graph[edge.source()]
                && seen.insert(j)
            {
                stack.push(edge.source());
            }
        }
    }
    seen.into_iter().collect()
}

/// Every standing finding in an order where each comes after what it rests on; among
/// equals, most severe first, then rule id and path. Cycles fall back to that sort.
pub fn remediation(x: &Explanation, e: &Evaluation) -> Vec<usize> {
    let mut remaining: Vec<usize> = x.findings.keys().copied().collect();
    remaining.sort_by(|a, b| e.findings[*a].sort_key().cmp(&e.findings[*b].sort_key()));
    let mut done: BTreeSet<usize> = BTreeSet::new();
    let mut out = Vec::new();
    while !remaining.is_empty() {
        let pick = remaining
            .iter()
            .position(|i| rests_on(x, x.findings[i]).all(|j| done.contains(&j)))
            .unwrap_or(0);
        let i = remaining.remove(pick);
        done.insert(i);
        out.push(i);
    }
    out
}
