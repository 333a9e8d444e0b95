//! The order rules run in: a rule that needs a fact runs after every rule that derives it.
//! A cycle is a rulebook error that names every rule in it.

use std::collections::HashMap;

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::DiGraph;

/// Indices into `rules` in evaluation order, or the cycles (each a list of indices).
/// `needs[i]` and `derives[i]` are the facts of rule `i`; rules are given sorted by id so
/// that the order is deterministic.
pub fn evaluation_order(
    needs: &[Vec<String>],
    derives: &[Vec<String>],
) -> Result<Vec<usize>, Vec<Vec<usize>>> {
    let n = needs.len();
    let mut graph = DiGraph::<usize, ()>::with_capacity(n, n * 2);
    let nodes: Vec<_> = (0..n).map(|i| graph.add_node(i)).collect();
    let mut derivers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, ds) in derives.iter().enumerate() {
        for d in ds {
            derivers.entry(d.as_str()).or_default().push(i);
        }
    }
    for (reader, ns) in needs.iter().enumerate() {
        for fact in ns {
            for &writer in derivers.get(fact.as_str()).into_iter().flatten() {
                graph.update_edge(nodes[writer], nodes[reader], ());
            }
        }
    }
    match toposort(&graph, None) {
        Ok(order) => Ok(order.into_iter().map(|ix| graph[ix]).collect()),
        Err(_) => {
            let cycles = tarjan_scc(&graph)
                .into_iter()
                .filter(|scc| scc.len() > 1 || graph.contains_edge(scc[0], scc[0]))
                .map(|scc| {
                    let mut ids: Vec<usize> = scc.into_iter().map(|ix| graph[ix]).collect();
                    ids.sort();
                    ids
                })
                .collect();
            Err(cycles)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn derivers_run_before_readers() {
        let needs = vec![v(&["b"]), v(&[]), v(&["a"])];
        let derives = vec![v(&[]), v(&["a"]), v(&["b"])];
        let order = evaluation_order(&needs, &derives).unwrap();
        let pos = |i| order.iter().position(|&x| x == i).unwrap();
        assert!(pos(1) < pos(2));
        assert!(pos(2) < pos(0));
    }

    #[test]
    fn a_cycle_names_every_rule() {
        let needs = vec![v(&["c"]), v(&["a"]), v(&["b"]), v(&[])];
        let derives = vec![v(&["a"]), v(&["b"]), v(&["c"]), v(&[])];
        let cycles = evaluation_order(&needs, &derives).unwrap_err();
        assert_eq!(cycles, vec![vec![0, 1, 2]]);
    }
}
