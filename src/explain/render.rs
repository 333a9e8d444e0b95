//! The explanation as text (a why-tree with the remediation order) and as a graph
//! (Graphviz dot, Mermaid).

use std::fmt::Write;

use petgraph::Direction;
use petgraph::visit::EdgeRef;

use super::{Edge, Explanation, Node, order};
use crate::eval::Evaluation;
use crate::lang::Lang;
use crate::report::human::{severity_word, verdict_word};
use crate::rulebook::Rulebook;

fn t<'a>(lang: Lang, sv: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Sv { sv } else { en }
}

fn finding_line(e: &Evaluation, i: usize, lang: Lang) -> String {
    let f = &e.findings[i];
    format!(
        "[{}] {} — {} ({}:{})",
        severity_word(f.severity, lang),
        f.rule,
        f.message.get(lang),
        e.file,
        f.line
    )
}

/// The why-tree from the decision down, then roots and remediation order.
/// `only` limits the tree to one finding.
pub fn text(
    x: &Explanation,
    e: &Evaluation,
    rulebook: &Rulebook,
    lang: Lang,
    only: Option<usize>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} — {} ({} {})",
        t(lang, "Beslut", "Decision"),
        e.title.as_deref().unwrap_or(&e.scenario_id),
        verdict_word(e.verdict, lang),
        t(lang, "gällande rätt", "law as of"),
        e.as_of
    );
    let mut tops: Vec<(usize, Edge)> = x
        .graph
        .edges_directed(x.decision, Direction::Incoming)
        .filter_map(|edge| match x.graph[edge.source()] {
            Node::Finding(i) => Some((i, *edge.weight())),
            _ => None,
        })
        .collect();
    tops.sort_by(|a, b| e.findings[a.0].sort_key().cmp(&e.findings[b.0].sort_key()));
    if let Some(one) = only {
        tops = vec![(one, Edge::Because)];
    }
    for (n, (i, edge)) in tops.iter().enumerate() {
        let last = n + 1 == tops.len();
        let verb = match edge {
            Edge::Blocks => t(lang, "hindrar", "blocks"),
            Edge::Conditions => t(lang, "villkorar", "conditions"),
            _ => "",
        };
        let _ = writeln!(
            out,
            "{}{}{}",
            if last { "└─ " } else { "├─ " },
            if verb.is_empty() {
                String::new()
            } else {
                format!("{verb}: ")
            },
            finding_line(e, *i, lang)
        );
        subtree(
            x,
            e,
            rulebook,
            lang,
            x.findings[i],
            if last { "   " } else { "│  " },
            &mut out,
            0,
        );
    }
    if only.is_none() {
        let roots = order::roots(x, e);
        if !roots.is_empty() {
            let _ = writeln!(
                out,
                "\n{}",
                t(
                    lang,
                    "Åtgärda först (rotorsaker):",
                    "Fix these first (root findings):"
                )
            );
            for (n, i) in roots.iter().enumerate() {
                let _ = writeln!(out, "  {}. {}", n + 1, finding_line(e, *i, lang));
                let follow = order::followers(x, *i);
                if !follow.is_empty() {
                    let ids: Vec<String> = follow
                        .iter()
                        .map(|j| format!("{} ({})", e.findings[*j].rule, e.findings[*j].path))
                        .collect();
                    let _ = writeln!(
                        out,
                        "     {} {}",
                        t(lang, "följer av detta:", "these follow from it:"),
                        ids.join(", ")
                    );
                }
            }
        }
        let plan = order::remediation(x, e);
        if !plan.is_empty() {
            let _ = writeln!(
                out,
                "\n{}",
                t(lang, "Åtgärdsordning:", "Remediation order:")
            );
            for (n, i) in plan.iter().enumerate() {
                let f = &e.findings[*i];
                let help = rulebook
                    .rule(&f.rule)
                    .and_then(|r| r.meta.help.as_ref())
                    .map(|h| h.get(lang).to_string())
                    .unwrap_or_default();
                let _ = writeln!(out, "  {}. {} {} — {}", n + 1, f.rule, f.path, help);
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn subtree(
    x: &Explanation,
    e: &Evaluation,
    rulebook: &Rulebook,
    lang: Lang,
    n: petgraph::graph::NodeIndex,
    prefix: &str,
    out: &mut String,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let mut children: Vec<_> = x
        .graph
        .edges_directed(n, Direction::Outgoing)
        .map(|edge| (edge.target(), *edge.weight()))
        .collect();
    children.sort_by_key(|(c, w)| (*w != Edge::Because, c.index()));
    for (k, (child, weight)) in children.iter().enumerate() {
        let last = k + 1 == children.len();
        let branch = if last { "└─ " } else { "├─ " };
        let label = match (&x.graph[*child], weight) {
            (Node::Finding(j), _) => format!(
                "{} {}",
                t(lang, "eftersom", "because"),
                finding_line(e, *j, lang)
            ),
            (
                Node::Fact {
                    name,
                    subject,
                    value,
                    derived_by,
                },
                _,
            ) => {
                let text = rulebook
                    .facts
                    .get(name)
                    .map(|d| d.text().get(lang).to_string())
                    .unwrap_or_default();
                let v = match value {
                    Some(true) => t(lang, "ja", "yes"),
                    Some(false) => t(lang, "nej", "no"),
                    None => t(lang, "okänt", "unknown"),
                };
                let subject = if subject.is_empty() {
                    String::new()
                } else {
                    format!(" ({subject})")
                };
                format!(
                    "{} {name}{subject} = {v}: {text} [{} {derived_by}]",
                    t(lang, "eftersom", "because"),
                    t(lang, "härlett av", "derived by")
                )
            }
            (Node::Element { path, line }, _) => {
                format!(
                    "{} {} ({}:{line})",
                    t(lang, "rör", "concerns"),
                    if path.is_empty() { "<scenario>" } else { path },
                    e.file
                )
            }
            (Node::Decision, _) => continue,
        };
        let _ = writeln!(out, "{prefix}{branch}{label}");
        let next = format!("{prefix}{}", if last { "   " } else { "│  " });
        subtree(x, e, rulebook, lang, *child, &next, out, depth + 1);
    }
}

fn node_label(
    x: &Explanation,
    e: &Evaluation,
    n: petgraph::graph::NodeIndex,
    lang: Lang,
) -> String {
    match &x.graph[n] {
        Node::Decision => format!("{}: {}", t(lang, "Beslut", "Decision"), e.verdict.as_str()),
        Node::Finding(i) => {
            let f = &e.findings[*i];
            format!(
                "{} [{}]\\n{}",
                f.rule,
                f.severity.as_str(),
                if f.path.is_empty() {
                    "<scenario>"
                } else {
                    &f.path
                }
            )
        }
        Node::Fact { name, subject, .. } => {
            if subject.is_empty() {
                name.clone()
            } else {
                format!("{name}\\n({subject})")
            }
        }
        Node::Element { path, line } => format!(
            "{} :{line}",
            if path.is_empty() { "<scenario>" } else { path }
        ),
    }
}

pub fn dot(x: &Explanation, e: &Evaluation, lang: Lang) -> String {
    let mut out =
        String::from("digraph granska {\n  rankdir=RL;\n  node [fontname=\"Helvetica\"];\n");
    for n in x.graph.node_indices() {
        let shape = match x.graph[n] {
            Node::Decision => "doubleoctagon",
            Node::Finding(_) => "box",
            Node::Fact { .. } => "ellipse",
            Node::Element { .. } => "note",
        };
        let label = node_label(x, e, n, lang).replace('"', "\\\"");
        let _ = writeln!(out, "  n{} [shape={shape}, label=\"{label}\"];", n.index());
    }
    for edge in x.graph.edge_references() {
        let _ = writeln!(
            out,
            "  n{} -> n{} [label=\"{}\"];",
            edge.source().index(),
            edge.target().index(),
            edge.weight().as_str()
        );
    }
    out.push_str("}\n");
    out
}

pub fn mermaid(x: &Explanation, e: &Evaluation, lang: Lang) -> String {
    let mut out = String::from("flowchart RL\n");
    for n in x.graph.node_indices() {
        let label = node_label(x, e, n, lang)
            .replace("\\n", "<br/>")
            .replace('"', "'");
        let (open, close) = match x.graph[n] {
            Node::Decision => ("{{", "}}"),
            Node::Finding(_) => ("[", "]"),
            Node::Fact { .. } => ("([", "])"),
            Node::Element { .. } => ("[/", "/]"),
        };
        let _ = writeln!(out, "  n{}{open}\"{label}\"{close}", n.index());
    }
    for edge in x.graph.edge_references() {
        let _ = writeln!(
            out,
            "  n{} -->|{}| n{}",
            edge.source().index(),
            edge.weight().as_str(),
            edge.target().index()
        );
    }
    out
}
