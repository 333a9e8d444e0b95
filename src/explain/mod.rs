//! The explanation graph of one evaluation (petgraph): the decision, the standing findings,
//! the facts they rest on and the scenario elements they concern, joined by `blocks`,
//! `conditions`, `because` and `concerns` edges. From it: the why-tree, the root findings
//! and a remediation order. Explaining never changes the evaluation.

pub mod order;
pub mod render;

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::eval::Evaluation;
use crate::rulebook::Severity;
use crate::scenario::LoadedScenario;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Decision,
    /// Index into `Evaluation::findings`.
    Finding(usize),
    Fact {
        name: String,
        subject: String,
        value: Option<bool>,
        derived_by: String,
    },
    Element {
        path: String,
        line: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// A blocker stands in the way of the decision.
    Blocks,
    /// A major finding is a condition of the decision.
    Conditions,
    /// A finding rests on a fact or another finding.
    Because,
    /// A finding or fact is about a scenario element.
    Concerns,
}

impl Edge {
    pub fn as_str(self) -> &'static str {
        match self {
            Edge::Blocks => "blocks",
            Edge::Conditions => "conditions",
            Edge::Because => "because",
            Edge::Concerns => "concerns",
        }
    }
}

pub struct Explanation {
    pub graph: DiGraph<Node, Edge>,
    pub decision: NodeIndex,
    /// Node of each standing finding, by index into `Evaluation::findings`.
    pub findings: HashMap<usize, NodeIndex>,
}

pub fn build(e: &Evaluation, loaded: &LoadedScenario) -> Explanation {
    let mut graph = DiGraph::new();
    let decision = graph.add_node(Node::Decision);
    let mut elements: HashMap<String, NodeIndex> = HashMap::new();
    let mut facts: HashMap<(String, String), NodeIndex> = HashMap::new();
    let mut findings = HashMap::new();
    let path_of_id = ids_to_paths(loaded);

    let mut element = |graph: &mut DiGraph<Node, Edge>, path: &str| -> NodeIndex {
        *elements.entry(path.to_string()).or_insert_with(|| {
            let (line, _) = loaded.file.line_col(loaded.spans.label_span(path).start);
            graph.add_node(Node::Element {
                path: path.to_string(),
                line,
            })
        })
    };

    for (i, f) in e.findings.iter().enumerate().filter(|(_, f)| f.stands()) {
        let n = graph.add_node(Node::Finding(i));
        findings.insert(i, n);
        match f.severity {
            Severity::Blocker => {
                graph.add_edge(n, decision, Edge::Blocks);
            }
            Severity::Major => {
                graph.add_edge(n, decision, Edge::Conditions);
            }
            _ => {}
        }
        let el = element(&mut graph, &f.path);
        graph.add_edge(n, el, Edge::Concerns);
    }

    for (i, f) in e.findings.iter().enumerate().filter(|(_, f)| f.stands()) {
        let n = findings[&i];
        for reason in &f.because {
            let known: Vec<_> = e.facts.iter().filter(|v| &v.name == reason).collect();
            if !known.is_empty() {
                // The fact for this finding's subject if there is one, else every true subject.
                let chosen: Vec<_> = match f.subject.as_deref() {
                    Some(s) if known.iter().any(|v| v.subject == s) => {
                        known.into_iter().filter(|v| v.subject == s).collect()
                    }
                    _ => known
                        .into_iter()
                        .filter(|v| v.value == Some(true))
                        .collect(),
                };
                for v in chosen {
                    let key = (v.name.clone(), v.subject.clone());
                    let fact = match facts.get(&key) {
                        Some(&x) => x,
                        None => {
                            let x = graph.add_node(Node::Fact {
                                name: v.name.clone(),
                                subject: v.subject.clone(),
                                value: v.value,
                                derived_by: v.derived_by.clone(),
                            });
                            if let Some(path) = path_of_id.get(&v.subject) {
                                let el = element(&mut graph, path);
                                graph.add_edge(x, el, Edge::Concerns);
                            }
                            facts.insert(key, x);
                            x
                        }
                    };
                    graph.update_edge(n, fact, Edge::Because);
                }
            } else {
                // A rule id: rest on that rule's standing findings (same subject if possible).
                let others: Vec<usize> = e
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(j, g)| *j != i && g.stands() && &g.rule == reason)
                    .map(|(j, _)| j)
                    .collect();
                let same: Vec<usize> = others
                    .iter()
                    .copied()
                    .filter(|&j| f.subject.is_some() && e.findings[j].subject == f.subject)
                    .collect();
                for j in if same.is_empty() { others } else { same } {
                    graph.update_edge(n, findings[&j], Edge::Because);
                }
            }
        }
    }
    Explanation {
        graph,
        decision,
        findings,
    }
}

fn ids_to_paths(loaded: &LoadedScenario) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (i, a) in loaded.scenario.assets.iter().enumerate() {
        out.insert(a.id.clone(), format!("assets[{i}]"));
    }
    let mut parties = Vec::new();
    crate::scenario::validate::collect_parties(
        &loaded.scenario.suppliers,
        "suppliers",
        &mut parties,
    );
    for (path, p) in parties {
        out.insert(p.id.clone(), path);
    }
    out.insert(String::new(), String::new());
    out
}
