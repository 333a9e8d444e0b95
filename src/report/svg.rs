//! The explanation graph as an SVG drawing, laid out in pure Rust (no Graphviz): a layered
//! (Sugiyama-style) layout from left to right — the decision, then the findings (a finding
//! stands left of the findings it rests on), then the facts, then the scenario elements.
//! Edges that span several columns get virtual points in the columns between, the order
//! within a column is found by barycenter sweeps that keep the order with the fewest
//! crossings, and vertical positions are pulled towards the neighbours by isotonic
//! regression (so nodes never overlap). The output is deterministic and self-contained:
//! colours and fonts are attributes, no CSS, scripts or external references.
//!
//! Two views of one explanation: [`full`] (every standing finding, fact and element:
//! `granska graph --format svg`) and [`by_rule`] (findings merged per rule, facts per name:
//! the overview in the steering-group report). Both render with [`render`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::eval::{Evaluation, FindingKind, Verdict};
use crate::explain::{Edge, Explanation, Node};
use crate::lang::Lang;
use crate::report::human::{severity_word, verdict_word};
use crate::rulebook::{Rulebook, Severity};

/// How a node looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Decision(Verdict),
    Finding(Severity),
    Fact(Option<bool>),
    Element,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub bold: bool,
    pub mono: bool,
}

impl Line {
    fn plain(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            bold: false,
            mono: false,
        }
    }
    fn bold(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            bold: true,
            mono: false,
        }
    }
    fn mono(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            bold: false,
            mono: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DNode {
    pub column: usize,
    pub tone: Tone,
    pub lines: Vec<Line>,
    /// Shown on hover (`<title>`).
    pub tooltip: String,
    /// A link target, e.g. `#rule-SSL-AGREEMENT`.
    pub href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DEdge {
    pub from: usize,
    pub to: usize,
    pub kind: Edge,
}

/// A graph ready to lay out: nodes carry their column and are listed in a sensible
/// starting order; `fixed` columns keep that order.
#[derive(Debug, Clone)]
pub struct Diagram {
    pub title: String,
    pub description: String,
    pub lang: Lang,
    pub nodes: Vec<DNode>,
    pub edges: Vec<DEdge>,
    pub fixed: BTreeSet<usize>,
}

fn t<'a>(lang: Lang, sv: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Sv { sv } else { en }
}

// ---------------------------------------------------------------------------------------
// Building diagrams from an explanation
// ---------------------------------------------------------------------------------------

/// Longest chain of "rests on" above each item: 0 for an item nothing rests on.
/// `dependents[i]` are the items that rest on `i`. Cycles are cut where they close.
fn depths(n: usize, dependents: &[Vec<usize>]) -> Vec<usize> {
    fn visit(
        i: usize,
        dependents: &[Vec<usize>],
        memo: &mut [Option<usize>],
        on_path: &mut [bool],
    ) -> usize {
        if let Some(d) = memo[i] {
            return d;
        }
        on_path[i] = true;
        let mut d = 0;
        for &j in &dependents[i] {
            if !on_path[j] {
                d = d.max(visit(j, dependents, memo, on_path) + 1);
            }
        }
        on_path[i] = false;
        memo[i] = Some(d);
        d
    }
    let mut memo = vec![None; n];
    let mut on_path = vec![false; n];
    (0..n)
        .map(|i| visit(i, dependents, &mut memo, &mut on_path))
        .collect()
}

fn decision_node(e: &Evaluation, lang: Lang) -> DNode {
    DNode {
        column: 0,
        tone: Tone::Decision(e.verdict),
        lines: vec![
            Line::plain(t(lang, "Beslutet", "The decision")),
            Line::bold(verdict_word(e.verdict, lang)),
        ],
        tooltip: format!(
            "{} — {}",
            e.title.as_deref().unwrap_or(&e.scenario_id),
            verdict_word(e.verdict, lang)
        ),
        href: None,
    }
}

fn fact_value(lang: Lang, v: Option<bool>) -> &'static str {
    match v {
        Some(true) => t(lang, "ja", "yes"),
        Some(false) => t(lang, "nej", "no"),
        None => t(lang, "okänt", "unknown"),
    }
}

fn kind_word(kind: FindingKind, lang: Lang) -> Option<&'static str> {
    match kind {
        FindingKind::Violation => None,
        FindingKind::Missing => Some(t(lang, "uppgift saknas", "not stated")),
        FindingKind::Assessment => Some(t(lang, "kräver bedömning", "needs assessment")),
    }
}

/// Every standing finding, the facts they rest on and the scenario elements they concern.
pub fn full(x: &Explanation, e: &Evaluation, rulebook: &Rulebook, lang: Lang) -> Diagram {
    let g = &x.graph;
    // Findings in evaluation order, with their depth.
    let mut findings: Vec<(usize, NodeIndex)> = x.findings.iter().map(|(i, n)| (*i, *n)).collect();
    findings.sort_by(|a, b| {
        e.findings[a.0]
            .sort_key()
            .cmp(&e.findings[b.0].sort_key())
            .then(a.0.cmp(&b.0))
    });
    let pos: HashMap<NodeIndex, usize> = findings
        .iter()
        .enumerate()
        .map(|(k, (_, n))| (*n, k))
        .collect();
    let mut dependents = vec![Vec::new(); findings.len()];
    for edge in g.edge_references().filter(|r| *r.weight() == Edge::Because) {
        if let (Some(&from), Some(&to)) = (pos.get(&edge.source()), pos.get(&edge.target())) {
            dependents[to].push(from);
        }
    }
    let depth = depths(findings.len(), &dependents);
    let max_depth = depth.iter().copied().max().unwrap_or(0);

    let mut facts: Vec<NodeIndex> = g
        .node_indices()
        .filter(|n| matches!(g[*n], Node::Fact { .. }))
        .collect();
    facts.sort_by_key(|n| match &g[*n] {
        Node::Fact { name, subject, .. } => (name.clone(), subject.clone()),
        _ => Default::default(),
    });
    let mut elements: Vec<NodeIndex> = g
        .node_indices()
        .filter(|n| matches!(g[*n], Node::Element { .. }))
        .collect();
    elements.sort_by_key(|n| match &g[*n] {
        Node::Element { path, line } => (*line, path.clone()),
        _ => Default::default(),
    });
    let fact_col = max_depth + 2;
    let element_col = if facts.is_empty() {
        fact_col
    } else {
        fact_col + 1
    };

    let mut nodes = vec![decision_node(e, lang)];
    let mut index: HashMap<NodeIndex, usize> = HashMap::from([(x.decision, 0)]);
    for (k, (i, n)) in findings.iter().enumerate() {
        let f = &e.findings[*i];
        let mut sev = severity_word(f.severity, lang).to_string();
        if let Some(w) = kind_word(f.kind, lang) {
            sev = format!("{sev} · {w}");
        }
        index.insert(*n, nodes.len());
        nodes.push(DNode {
            column: 1 + depth[k],
            tone: Tone::Finding(f.severity),
            lines: vec![
                Line::bold(f.rule.clone()),
                Line::plain(sev),
                Line::mono(format!("{}:{}", short_path(&f.path), f.line)),
            ],
            tooltip: format!(
                "{} [{}] {}\n{}:{} {}",
                f.rule,
                severity_word(f.severity, lang),
                f.message.get(lang),
                e.file,
                f.line,
                f.path
            ),
            href: None,
        });
    }
    for n in &facts {
        if let Node::Fact {
            name,
            subject,
            value,
            derived_by,
        } = &g[*n]
        {
            let text = rulebook
                .facts
                .get(name)
                .map(|d| d.text().get(lang).to_string())
                .unwrap_or_default();
            let mut lines = vec![Line::bold(name.clone())];
            if !subject.is_empty() {
                lines.push(Line::mono(subject.clone()));
            }
            lines.push(Line::plain(format!("= {}", fact_value(lang, *value))));
            index.insert(*n, nodes.len());
            nodes.push(DNode {
                column: fact_col,
                tone: Tone::Fact(*value),
                lines,
                tooltip: format!(
                    "{name} ({subject}) = {}: {text} [{} {derived_by}]",
                    fact_value(lang, *value),
                    t(lang, "härlett av", "derived by")
                ),
                href: None,
            });
        }
    }
    for n in &elements {
        if let Node::Element { path, line } = &g[*n] {
            index.insert(*n, nodes.len());
            nodes.push(DNode {
                column: element_col,
                tone: Tone::Element,
                lines: vec![
                    Line::mono(short_path(path)),
                    Line::plain(format!("{} {line}", t(lang, "rad", "line"))),
                ],
                tooltip: format!(
                    "{}:{line} {}",
                    e.file,
                    if path.is_empty() { "<scenario>" } else { path }
                ),
                href: None,
            });
        }
    }
    let mut edges: Vec<DEdge> = g
        .edge_references()
        .filter_map(|r| {
            Some(DEdge {
                from: *index.get(&r.source())?,
                to: *index.get(&r.target())?,
                kind: *r.weight(),
            })
        })
        .collect();
    edges.sort_by_key(|d| (d.from, d.to));
    edges.dedup_by_key(|d| (d.from, d.to));
    Diagram {
        title: format!("{}: {}", t(lang, "Beroendegraf", "Dependency graph"), e.title.as_deref().unwrap_or(&e.scenario_id)),
        description: t(
            lang,
            "Beslutet till vänster; varje fynd som står, faktauppgifterna det vilar på och raderna i underlaget det gäller.",
            "The decision on the left; every standing finding, the facts it rests on and the lines of the proposal it concerns.",
        )
        .to_string(),
        lang,
        nodes,
        edges,
        fixed: BTreeSet::from([element_col]),
    }
}

/// The overview: one node per rule with standing findings, one per fact name.
/// Rule nodes link to `#rule-<ID>`.
pub fn by_rule(x: &Explanation, e: &Evaluation, rulebook: &Rulebook, lang: Lang) -> Diagram {
    let g = &x.graph;
    // Rules in evaluation order of their first standing finding.
    let mut rules: Vec<String> = Vec::new();
    let mut of_rule: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut standing: Vec<usize> = x.findings.keys().copied().collect();
    standing.sort_by(|a, b| {
        e.findings[*a]
            .sort_key()
            .cmp(&e.findings[*b].sort_key())
            .then(a.cmp(b))
    });
    for i in &standing {
        let r = &e.findings[*i].rule;
        if !of_rule.contains_key(r) {
            rules.push(r.clone());
        }
        of_rule.entry(r.clone()).or_default().push(*i);
    }
    let rule_pos: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(k, r)| (r.as_str(), k))
        .collect();
    let rule_of_node = |n: NodeIndex| match g[n] {
        Node::Finding(i) => rule_pos.get(e.findings[i].rule.as_str()).copied(),
        _ => None,
    };
    let mut to_decision: BTreeMap<usize, Edge> = BTreeMap::new();
    let mut rests: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut fact_names: BTreeMap<String, Vec<(String, Option<bool>)>> = BTreeMap::new();
    let mut on_fact: BTreeSet<(usize, String)> = BTreeSet::new();
    for r in g.edge_references() {
        let Some(a) = rule_of_node(r.source()) else {
            continue;
        };
        match (&g[r.target()], r.weight()) {
            (Node::Decision, w @ (Edge::Blocks | Edge::Conditions)) => {
                let entry = to_decision.entry(a).or_insert(*w);
                if *w == Edge::Blocks {
                    *entry = Edge::Blocks;
                }
            }
            (Node::Finding(_), Edge::Because) => {
                if let Some(b) = rule_of_node(r.target())
                    && a != b
                {
                    rests.insert((a, b));
                }
            }
            (
                Node::Fact {
                    name,
                    subject,
                    value,
                    ..
                },
                Edge::Because,
            ) => {
                let subjects = fact_names.entry(name.clone()).or_default();
                if !subjects.iter().any(|(s, _)| s == subject) {
                    subjects.push((subject.clone(), *value));
                }
                on_fact.insert((a, name.clone()));
            }
            _ => {}
        }
    }
    let mut dependents = vec![Vec::new(); rules.len()];
    for (a, b) in &rests {
        dependents[*b].push(*a);
    }
    let depth = depths(rules.len(), &dependents);
    let fact_col = depth.iter().copied().max().unwrap_or(0) + 2;

    let mut nodes = vec![decision_node(e, lang)];
    for (k, rule) in rules.iter().enumerate() {
        let list = &of_rule[rule];
        let worst = list
            .iter()
            .map(|i| e.findings[*i].severity)
            .min()
            .unwrap_or(Severity::Info);
        let mut counts: Vec<String> = Vec::new();
        for s in [
            Severity::Blocker,
            Severity::Major,
            Severity::Minor,
            Severity::Info,
        ] {
            let n = list
                .iter()
                .filter(|i| e.findings[**i].severity == s)
                .count();
            if n > 0 {
                counts.push(format!("{} ×{n}", severity_word(s, lang)));
            }
        }
        let title = rulebook
            .rule(rule)
            .map(|r| r.meta.title.get(lang).to_string())
            .unwrap_or_default();
        let mut lines = vec![Line::bold(rule.clone())];
        lines.extend(wrap(&title, 36, 3).into_iter().map(Line::plain));
        lines.push(Line::plain(counts.join(", ")));
        nodes.push(DNode {
            column: 1 + depth[k],
            tone: Tone::Finding(worst),
            lines,
            tooltip: format!("{rule}: {title} ({})", counts.join(", ")),
            href: Some(format!("#rule-{rule}")),
        });
    }
    let first_fact = nodes.len();
    let names: Vec<&String> = fact_names.keys().collect();
    for name in &names {
        let subjects = &fact_names[*name];
        let text = rulebook
            .facts
            .get(*name)
            .map(|d| d.text().get(lang).to_string())
            .unwrap_or_default();
        let value = if subjects.iter().all(|(_, v)| *v == Some(true)) {
            Some(true)
        } else if subjects.iter().all(|(_, v)| *v == Some(false)) {
            Some(false)
        } else {
            None
        };
        let mut lines = vec![Line::bold((*name).clone())];
        lines.extend(wrap(&text, 34, 2).into_iter().map(Line::plain));
        let named: Vec<&str> = subjects
            .iter()
            .map(|(s, _)| s.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        if !named.is_empty() {
            lines.push(Line::plain(format!(
                "{} {}",
                t(lang, "gäller", "for"),
                count_list(&named, lang)
            )));
        }
        nodes.push(DNode {
            column: fact_col,
            tone: Tone::Fact(value),
            lines,
            tooltip: format!("{name}: {text} — {}", named.join(", ")),
            href: None,
        });
    }
    let mut edges = Vec::new();
    for (a, w) in &to_decision {
        edges.push(DEdge {
            from: 1 + a,
            to: 0,
            kind: *w,
        });
    }
    for (a, b) in &rests {
        edges.push(DEdge {
            from: 1 + a,
            to: 1 + b,
            kind: Edge::Because,
        });
    }
    for (a, name) in &on_fact {
        let k = names.iter().position(|n| *n == name).expect("collected");
        edges.push(DEdge {
            from: 1 + a,
            to: first_fact + k,
            kind: Edge::Because,
        });
    }
    Diagram {
        title: format!("{}: {}", t(lang, "Översikt per regel", "Overview by rule"), e.title.as_deref().unwrap_or(&e.scenario_id)),
        description: t(
            lang,
            "Beslutet till vänster; reglerna vars fynd står, med antal per allvarlighetsgrad, och de faktauppgifter de vilar på.",
            "The decision on the left; the rules with standing findings, with counts per severity, and the facts they rest on.",
        )
        .to_string(),
        lang,
        nodes,
        edges,
        fixed: BTreeSet::new(),
    }
}

/// `a, b, c` or `a, b +3`.
fn count_list(items: &[&str], lang: Lang) -> String {
    if items.len() <= 2 {
        items.join(", ")
    } else {
        format!(
            "{}, {} {} {}",
            items[0],
            items[1],
            t(lang, "och", "and"),
            items.len() - 2
        ) + t(lang, " till", " more")
    }
}

/// Long scenario paths shortened in the middle for a node label.
fn short_path(path: &str) -> String {
    if path.is_empty() {
        return "<scenario>".into();
    }
    let p = path.replace("subcontractors", "sub");
    if p.chars().count() <= 34 {
        p
    } else {
        format!(
            "…{}",
            p.chars().skip(p.chars().count() - 33).collect::<String>()
        )
    }
}

/// Words wrapped to lines of at most `width` characters; at most `max_lines`, the last
/// one cut with an ellipsis.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let len = cur.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        let cut: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", cut.trim_end());
    }
    lines
        .into_iter()
        .map(|l| {
            if l.chars().count() > width {
                format!("{}…", l.chars().take(width - 1).collect::<String>())
            } else {
                l
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------

const FONT: f64 = 12.0;
const LINE: f64 = 15.0;
const PAD_X: f64 = 9.0;
const PAD_Y: f64 = 7.0;
const GAP_X: f64 = 72.0;
const SEP: f64 = 12.0;
const SEP_VIRTUAL: f64 = 5.0;
const MARGIN: f64 = 16.0;
const MIN_W: f64 = 110.0;
const MAX_W: f64 = 290.0;

/// Estimated width of a line of text (no font metrics: typical glyph widths of sans-serif
/// fonts in em, a little generous so that text stays inside its box).
fn text_width(line: &Line) -> f64 {
    let size = if line.mono { 11.0 } else { FONT };
    if line.mono {
        return line.text.chars().count() as f64 * size * 0.62;
    }
    let em: f64 = line
        .text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.3,
            'f' | 'r' | 't' | '(' | ')' | '[' | ']' | '-' => 0.4,
            'm' | 'w' | 'M' | 'W' => 0.9,
            c if c.is_ascii_uppercase() => 0.74,
            c if c.is_ascii_digit() => 0.6,
            _ => 0.61,
        })
        .sum();
    em * size * if line.bold { 1.08 } else { 1.0 }
}

/// A point of the layout: a real node or a virtual point of a long edge.
#[derive(Debug, Clone)]
struct Slot {
    column: usize,
    height: f64,
    virtual_: bool,
    y: f64,
}

struct Layout {
    slots: Vec<Slot>,
    /// Per column, slot ids top to bottom.
    order: Vec<Vec<usize>>,
    col_x: Vec<f64>,
    col_w: Vec<f64>,
    /// Per diagram edge: the slots it passes, left to right.
    chains: Vec<Vec<usize>>,
    width: f64,
    height: f64,
}

fn node_height(n: &DNode) -> f64 {
    n.lines.len().max(1) as f64 * LINE + 2.0 * PAD_Y
}

fn layout(d: &Diagram, top: f64) -> Layout {
    let columns = d.nodes.iter().map(|n| n.column).max().map_or(1, |c| c + 1);
    let mut slots: Vec<Slot> = d
        .nodes
        .iter()
        .map(|n| Slot {
            column: n.column,
            height: node_height(n),
            virtual_: false,
            y: 0.0,
        })
        .collect();
    let mut chains = Vec::new();
    for edge in &d.edges {
        let (a, b) = (edge.from, edge.to);
        let (ca, cb) = (d.nodes[a].column, d.nodes[b].column);
        let (left, right) = if ca <= cb { (a, b) } else { (b, a) };
        let (cl, cr) = (ca.min(cb), ca.max(cb));
        let mut chain = vec![left];
        for c in cl + 1..cr {
            slots.push(Slot {
                column: c,
                height: 2.0,
                virtual_: true,
                y: 0.0,
            });
            chain.push(slots.len() - 1);
        }
        chain.push(right);
        chains.push(chain);
    }
    // Neighbours across adjacent columns.
    let mut left_of: Vec<Vec<usize>> = vec![Vec::new(); slots.len()];
    let mut right_of: Vec<Vec<usize>> = vec![Vec::new(); slots.len()];
    for chain in &chains {
        for w in chain.windows(2) {
            if slots[w[0]].column + 1 == slots[w[1]].column {
                right_of[w[0]].push(w[1]);
                left_of[w[1]].push(w[0]);
            }
        }
    }
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for (i, s) in slots.iter().enumerate() {
        order[s.column].push(i);
    }

    // Order within columns: barycenter sweeps, keeping the best.
    let crossings = |order: &[Vec<usize>]| -> usize {
        let mut pos = vec![0usize; slots.len()];
        for col in order {
            for (k, s) in col.iter().enumerate() {
                pos[*s] = k;
            }
        }
        let mut total = 0;
        for col in order {
            let mut segs: Vec<(usize, usize)> = Vec::new();
            for s in col {
                for r in &right_of[*s] {
                    segs.push((pos[*s], pos[*r]));
                }
            }
            for i in 0..segs.len() {
                for j in i + 1..segs.len() {
                    let (a, b) = (segs[i], segs[j]);
                    if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                        total += 1;
                    }
                }
            }
        }
        total
    };
    let sort_by = |order: &mut Vec<Vec<usize>>, col: usize, neigh: &[Vec<usize>]| {
        let mut pos = vec![0f64; slots.len()];
        for c in order.iter() {
            for (k, s) in c.iter().enumerate() {
                pos[*s] = k as f64;
            }
        }
        let mut keyed: Vec<(f64, usize)> = order[col]
            .iter()
            .map(|s| {
                let n = &neigh[*s];
                let key = if n.is_empty() {
                    pos[*s]
                } else {
                    n.iter().map(|m| pos[*m]).sum::<f64>() / n.len() as f64
                };
                (key, *s)
            })
            .collect();
        // Stable: equal keys keep their order.
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        order[col] = keyed.into_iter().map(|(_, s)| s).collect();
    };
    let mut best = order.clone();
    let mut best_cross = crossings(&order);
    for _ in 0..8 {
        for col in 1..columns {
            if !d.fixed.contains(&col) {
                sort_by(&mut order, col, &left_of);
            }
        }
        for col in (0..columns.saturating_sub(1)).rev() {
            if !d.fixed.contains(&col) {
                sort_by(&mut order, col, &right_of);
            }
        }
        let c = crossings(&order);
        if c < best_cross {
            best_cross = c;
            best = order.clone();
        }
        if c == 0 {
            break;
        }
    }
    let order = best;

    // Column widths and x.
    let mut col_w = vec![MIN_W; columns];
    for n in &d.nodes {
        // Wrapped text fits MAX_W; a bold line (an identifier) is never cut.
        let text = n
            .lines
            .iter()
            .map(text_width)
            .fold(0.0, f64::max)
            .min(MAX_W);
        let ids = n
            .lines
            .iter()
            .filter(|l| l.bold)
            .map(text_width)
            .fold(0.0, f64::max);
        col_w[n.column] = col_w[n.column].max(text.max(ids) + 2.0 * PAD_X + 4.0);
    }
    // Gaps widen with the number of edges between two columns, so that bundles of curves
    // spread out instead of running along the node borders.
    let mut between = vec![0usize; columns];
    for chain in &chains {
        for w in chain.windows(2) {
            let c = slots[w[0]].column.min(slots[w[1]].column);
            between[c] += 1;
        }
    }
    let mut col_x = vec![MARGIN; columns];
    for c in 1..columns {
        let gap = (GAP_X + 2.0 * between[c - 1] as f64).min(GAP_X * 2.5);
        col_x[c] = col_x[c - 1] + col_w[c - 1] + gap;
    }

    // Vertical positions: stacked, then pulled towards neighbours.
    let sep = |a: &Slot, b: &Slot| {
        if a.virtual_ || b.virtual_ {
            SEP_VIRTUAL
        } else {
            SEP
        }
    };
    for col in &order {
        let mut y = 0.0;
        for (k, s) in col.iter().enumerate() {
            if k > 0 {
                y += sep(&slots[col[k - 1]], &slots[*s]);
            }
            slots[*s].y = y + slots[*s].height / 2.0;
            y += slots[*s].height;
        }
    }
    // Centre shorter columns against the tallest.
    let extent = |slots: &[Slot], col: &[usize]| -> f64 {
        col.last()
            .map_or(0.0, |l| slots[*l].y + slots[*l].height / 2.0)
    };
    let tallest = order.iter().map(|c| extent(&slots, c)).fold(0.0, f64::max);
    for col in &order {
        let shift = (tallest - extent(&slots, col)) / 2.0;
        for s in col {
            slots[*s].y += shift;
        }
    }
    for round in 0..12 {
        let cols: Vec<usize> = if round % 2 == 0 {
            (0..columns).collect()
        } else {
            (0..columns).rev().collect()
        };
        for c in cols {
            let ids = &order[c];
            if ids.is_empty() {
                continue;
            }
            // Target centre per slot: the mean of its neighbours; a slot without any
            // neighbour has no wish of its own and packs against the slot before it.
            let mut target: Vec<Option<f64>> = Vec::with_capacity(ids.len());
            let mut weight = Vec::with_capacity(ids.len());
            for s in ids {
                let neigh: Vec<usize> = left_of[*s]
                    .iter()
                    .chain(right_of[*s].iter())
                    .copied()
                    .collect();
                if neigh.is_empty() {
                    target.push(None);
                    weight.push(0.2);
                } else {
                    target.push(Some(
                        neigh.iter().map(|m| slots[*m].y).sum::<f64>() / neigh.len() as f64,
                    ));
                    weight.push(if slots[*s].virtual_ { 0.6 } else { 1.0 });
                }
            }
            let mut offset = vec![0.0; ids.len()];
            for k in 1..ids.len() {
                let (a, b) = (&slots[ids[k - 1]], &slots[ids[k]]);
                offset[k] = offset[k - 1] + (a.height + b.height) / 2.0 + sep(a, b);
            }
            let mut z: Vec<Option<f64>> = target
                .iter()
                .zip(&offset)
                .map(|(t, o)| t.map(|t| t - o))
                .collect();
            for k in 1..z.len() {
                if z[k].is_none() {
                    z[k] = z[k - 1];
                }
            }
            for k in (0..z.len().saturating_sub(1)).rev() {
                if z[k].is_none() {
                    z[k] = z[k + 1];
                }
            }
            let z: Vec<f64> = z
                .iter()
                .enumerate()
                .map(|(k, v)| v.unwrap_or(slots[ids[k]].y - offset[k]))
                .collect();
            let fitted = isotonic(&z, &weight);
            for (k, s) in ids.iter().enumerate() {
                slots[*s].y = fitted[k] + offset[k];
            }
        }
    }
    // Move everything below the header.
    let min_top = slots
        .iter()
        .map(|s| s.y - s.height / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = top - if min_top.is_finite() { min_top } else { 0.0 };
    for s in &mut slots {
        s.y += shift;
    }
    let bottom = slots
        .iter()
        .map(|s| s.y + s.height / 2.0)
        .fold(top, f64::max);
    let width = col_x[columns - 1] + col_w[columns - 1] + MARGIN;
    Layout {
        slots,
        order,
        col_x,
        col_w,
        chains,
        width,
        height: bottom + MARGIN,
    }
}

/// Weighted least squares fit of `z` by a non-decreasing sequence (pool adjacent violators).
fn isotonic(z: &[f64], w: &[f64]) -> Vec<f64> {
    // Blocks of (value, weight, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(z.len());
    for (v, wt) in z.iter().zip(w) {
        blocks.push((*v, *wt, 1));
        while blocks.len() > 1 {
            let n = blocks.len();
            if blocks[n - 2].0 <= blocks[n - 1].0 {
                break;
            }
            let (b, a) = (blocks.pop().expect("n>1"), blocks.pop().expect("n>1"));
            let wt = a.1 + b.1;
            blocks.push(((a.0 * a.1 + b.0 * b.1) / wt, wt, a.2 + b.2));
        }
    }
    blocks
        .into_iter()
        .flat_map(|(v, _, n)| std::iter::repeat_n(v, n))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

const SANS: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif";
const MONO: &str = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

/// Escape text for XML/HTML (content and attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// (fill, stroke, text colour) of a node. Text colours keep a contrast of at least 4.5:1.
fn colours(tone: Tone) -> (&'static str, &'static str, &'static str) {
    match tone {
        Tone::Decision(Verdict::Blocked) => ("#a4161a", "#6e0e11", "#ffffff"),
        Tone::Decision(Verdict::Conditional) => ("#ffd27a", "#8a5300", "#1f1300"),
        Tone::Decision(Verdict::Clear) => ("#1b6e2a", "#0f4219", "#ffffff"),
        Tone::Decision(Verdict::Incomplete) => ("#4a4a4a", "#222222", "#ffffff"),
        Tone::Finding(Severity::Blocker) => ("#fde7e7", "#a4161a", "#3b0a0b"),
        Tone::Finding(Severity::Major) => ("#fff1d6", "#a15c00", "#3a2300"),
        Tone::Finding(Severity::Minor) => ("#e7f0fb", "#1d4e89", "#0d2440"),
        Tone::Finding(Severity::Info) => ("#f0f0f0", "#5a5a5a", "#222222"),
        Tone::Fact(Some(false)) => ("#f4f4f4", "#6b6b6b", "#222222"),
        Tone::Fact(_) => ("#f1eefc", "#5b4b9a", "#1e1640"),
        Tone::Element => ("#ffffff", "#6b6b6b", "#222222"),
    }
}

fn edge_style(kind: Edge) -> (&'static str, f64, Option<&'static str>, &'static str) {
    // (colour, width, dash, marker id suffix)
    match kind {
        Edge::Blocks => ("#a4161a", 2.4, None, "blocks"),
        Edge::Conditions => ("#a15c00", 1.8, Some("8 4"), "conditions"),
        Edge::Because => ("#3d3d3d", 1.3, None, "because"),
        Edge::Concerns => ("#8a8a8a", 1.1, Some("2 3"), "concerns"),
    }
}

fn edge_word(kind: Edge, lang: Lang) -> &'static str {
    match kind {
        Edge::Blocks => t(lang, "hindrar beslutet", "blocks the decision"),
        Edge::Conditions => t(lang, "villkorar beslutet", "conditions the decision"),
        Edge::Because => t(lang, "vilar på", "rests on"),
        Edge::Concerns => t(lang, "gäller raden", "concerns the line"),
    }
}

fn shape(out: &mut String, tone: Tone, x: f64, y: f64, w: f64, h: f64) {
    let (fill, stroke, _) = colours(tone);
    match tone {
        Tone::Decision(_) => {
            let c = 10.0;
            let _ = write!(
                out,
                r#"<polygon points="{},{} {},{} {},{} {},{} {},{} {},{} {},{} {},{}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>"#,
                x + c,
                y,
                x + w - c,
                y,
                x + w,
                y + c,
                x + w,
                y + h - c,
                x + w - c,
                y + h,
                x + c,
                y + h,
                x,
                y + h - c,
                x,
                y + c
            );
        }
        Tone::Finding(s) => {
            let width = if s == Severity::Blocker { 2.0 } else { 1.4 };
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="4" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/><rect x="{x:.1}" y="{y:.1}" width="6" height="{h:.1}" rx="2" fill="{stroke}"/>"#
            );
        }
        Tone::Fact(_) => {
            let r = (h / 2.0).min(18.0);
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="{r:.1}" fill="{fill}" stroke="{stroke}" stroke-width="1.3"/>"#
            );
        }
        Tone::Element => {
            let f = 9.0;
            let _ = write!(
                out,
                r#"<path d="M{x:.1},{y:.1} H{:.1} L{:.1},{:.1} V{:.1} H{x:.1} Z" fill="{fill}" stroke="{stroke}" stroke-width="1.1"/><path d="M{:.1},{y:.1} V{:.1} H{:.1}" fill="none" stroke="{stroke}" stroke-width="1.1"/>"#,
                x + w - f,
                x + w,
                y + f,
                y + h,
                x + w - f,
                y + f,
                x + w
            );
        }
    }
}

fn text_lines(out: &mut String, n: &DNode, x: f64, y: f64, w: f64) {
    let (_, _, colour) = colours(n.tone);
    let left = if matches!(n.tone, Tone::Finding(_)) {
        x + PAD_X + 4.0
    } else {
        x + PAD_X
    };
    let centred = matches!(n.tone, Tone::Decision(_));
    let room = w - 2.0 * PAD_X - 4.0;
    for (k, line) in n.lines.iter().enumerate() {
        let baseline = y + PAD_Y + LINE * k as f64 + FONT;
        // Cut a line that would overflow its box.
        let mut text = line.text.clone();
        while text.chars().count() > 4
            && text_width(&Line {
                text: text.clone(),
                ..line.clone()
            }) > room + 0.5
        {
            let keep = text.chars().count() - 2;
            text = format!(
                "{}…",
                text.chars().take(keep).collect::<String>().trim_end()
            );
        }
        let weight = if line.bold {
            r#" font-weight="700""#
        } else {
            ""
        };
        let family = if line.mono {
            format!(r#" font-family="{MONO}" font-size="11""#)
        } else {
            String::new()
        };
        let (tx, anchor) = if centred {
            (x + w / 2.0, r#" text-anchor="middle""#)
        } else {
            (left, "")
        };
        let _ = write!(
            out,
            r#"<text x="{tx:.1}" y="{baseline:.1}" fill="{colour}"{weight}{family}{anchor}>{}</text>"#,
            esc(&text)
        );
    }
}

/// The SVG document (also valid inline in HTML). `id` prefixes the element ids so that
/// several drawings can share one page.
pub fn render(d: &Diagram, id: &str) -> String {
    let lang = d.lang;
    let header = 58.0;
    let l = layout(d, header);
    let width = l.width.max(640.0);
    let height = l.height;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="graph" id="{id}" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{SANS}" font-size="{FONT}">"#
    );
    let _ = write!(
        out,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(&d.title),
        esc(&d.description)
    );
    out.push_str("<defs>");
    for kind in [
        Edge::Blocks,
        Edge::Conditions,
        Edge::Because,
        Edge::Concerns,
    ] {
        let (colour, w, _, name) = edge_style(kind);
        let size = (6.0 + 2.0 * w).round();
        let _ = write!(
            out,
            r#"<marker id="{id}-arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="{size}" markerHeight="{size}" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>"#
        );
    }
    out.push_str("</defs>");
    let _ = write!(
        out,
        r##"<rect x="0" y="0" width="{width:.0}" height="{height:.0}" fill="#ffffff"/>"##
    );
    legend(&mut out, lang, id);

    // Edges under nodes.
    out.push_str(r#"<g fill="none">"#);
    for (edge, chain) in d.edges.iter().zip(&l.chains) {
        let (colour, stroke_w, dash, name) = edge_style(edge.kind);
        let mut points: Vec<(f64, f64)> = Vec::new();
        for (k, s) in chain.iter().enumerate() {
            let slot = &l.slots[*s];
            let (x0, w) = node_box(d, &l, *s);
            if slot.virtual_ {
                points.push((x0, slot.y));
                points.push((x0 + w, slot.y));
            } else {
                // Leave the left node on its right side, enter the right node on its left.
                points.push(if k == 0 {
                    (x0 + w, slot.y)
                } else {
                    (x0, slot.y)
                });
            }
        }
        let same_column = chain.len() == 2 && l.slots[chain[0]].column == l.slots[chain[1]].column;
        if edge.from != chain[0] {
            points.reverse();
        }
        let mut path = String::new();
        if same_column {
            // An arc on the right side of the column.
            let (a, b) = (&l.slots[edge.from], &l.slots[edge.to]);
            let x = l.col_x[a.column] + l.col_w[a.column];
            let bulge = x + GAP_X * 0.45;
            let _ = write!(
                path,
                "M{x:.1},{:.1} C{bulge:.1},{:.1} {bulge:.1},{:.1} {x:.1},{:.1}",
                a.y, a.y, b.y, b.y
            );
        } else {
            let _ = write!(path, "M{:.1},{:.1}", points[0].0, points[0].1);
            for w in points.windows(2) {
                let ((x1, y1), (x2, y2)) = (w[0], w[1]);
                if (y1 - y2).abs() < 0.5 {
                    let _ = write!(path, " L{x2:.1},{y2:.1}");
                } else {
                    let mx = (x1 + x2) / 2.0;
                    let _ = write!(path, " C{mx:.1},{y1:.1} {mx:.1},{y2:.1} {x2:.1},{y2:.1}");
                }
            }
        }
        let dash = dash
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<path d="{path}" stroke="{colour}" stroke-width="{stroke_w}"{dash} marker-end="url(#{id}-arrow-{name})"><title>{}</title></path>"#,
            esc(edge_word(edge.kind, lang))
        );
    }
    out.push_str("</g>");

    // Nodes.
    for col in &l.order {
        for s in col {
            let Some(n) = d.nodes.get(*s) else { continue };
            let slot = &l.slots[*s];
            let (x, w) = node_box(d, &l, *s);
            let y = slot.y - slot.height / 2.0;
            match &n.href {
                Some(h) => {
                    let _ = write!(out, r#"<a href="{}" class="node">"#, esc(h));
                }
                None => out.push_str(r#"<g class="node">"#),
            }
            let _ = write!(out, "<title>{}</title>", esc(&n.tooltip));
            shape(&mut out, n.tone, x, y, w, slot.height);
            text_lines(&mut out, n, x, y, w);
            out.push_str(if n.href.is_some() { "</a>" } else { "</g>" });
        }
    }
    out.push_str("</svg>");
    out
}

/// Left edge and width of a slot: real nodes fill their column, except the decision, which
/// is as wide as its text and centred.
fn node_box(d: &Diagram, l: &Layout, s: usize) -> (f64, f64) {
    let slot = &l.slots[s];
    let (x, cw) = (l.col_x[slot.column], l.col_w[slot.column]);
    match d.nodes.get(s) {
        Some(n) if matches!(n.tone, Tone::Decision(_)) => {
            let w =
                (n.lines.iter().map(text_width).fold(0.0, f64::max) + 2.0 * PAD_X + 12.0).min(cw);
            (x + (cw - w) / 2.0, w)
        }
        _ => (x, cw),
    }
}

fn legend(out: &mut String, lang: Lang, id: &str) {
    let y = 14.0;
    let mut x = MARGIN;
    out.push_str(r#"<g class="legend" font-size="11">"#);
    for (tone, label) in [
        (
            Tone::Finding(Severity::Blocker),
            severity_word(Severity::Blocker, lang),
        ),
        (
            Tone::Finding(Severity::Major),
            severity_word(Severity::Major, lang),
        ),
        (
            Tone::Finding(Severity::Minor),
            severity_word(Severity::Minor, lang),
        ),
        (Tone::Fact(Some(true)), t(lang, "faktauppgift", "fact")),
        (
            Tone::Element,
            t(lang, "rad i underlaget", "line of the proposal"),
        ),
    ] {
        shape(out, tone, x, y, 26.0, 14.0);
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" fill="#222222">{}</text>"##,
            x + 32.0,
            y + 11.0,
            esc(label)
        );
        x += 32.0 + label.chars().count() as f64 * 6.3 + 18.0;
    }
    let y2 = y + 26.0;
    let mut x = MARGIN;
    for kind in [
        Edge::Blocks,
        Edge::Conditions,
        Edge::Because,
        Edge::Concerns,
    ] {
        let (colour, w, dash, name) = edge_style(kind);
        let dash = dash
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<path d="M{x:.1},{:.1} H{:.1}" stroke="{colour}" stroke-width="{w}"{dash} fill="none" marker-end="url(#{id}-arrow-{name})"/>"#,
            y2 + 5.0,
            x + 34.0
        );
        let label = edge_word(kind, lang);
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" fill="#222222">{}</text>"##,
            x + 42.0,
            y2 + 9.0,
            esc(label)
        );
        x += 42.0 + label.chars().count() as f64 * 6.3 + 18.0;
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_keeps_order() {
        assert_eq!(
            isotonic(&[1.0, 3.0, 2.0], &[1.0, 1.0, 1.0]),
            vec![1.0, 2.5, 2.5]
        );
        assert_eq!(
            isotonic(&[3.0, 2.0, 1.0], &[1.0, 1.0, 1.0]),
            vec![2.0, 2.0, 2.0]
        );
    }

    #[test]
    fn wrap_cuts_long_text() {
        assert_eq!(wrap("a bb ccc dddd", 6, 2), vec!["a bb", "ccc…"]);
        assert_eq!(wrap("", 6, 2), Vec::<String>::new());
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<script>"a"&'b'</script>"#),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;"
        );
    }
}
