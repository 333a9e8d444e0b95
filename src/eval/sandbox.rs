//! The Rhai engine rules run in, with granska's functions. Per-run state (the scenario
//! view, facts, findings of the running rule) lives in a thread-local, so one engine serves
//! every worker thread and every scenario without locks.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate};
use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position};

use super::bridge::{Obj, ScenarioView};
use super::facts::FactStore;
use super::outcome::{Finding, FindingKind};
use crate::lang::Text;
use crate::rulebook::refdata::RefData;
use crate::rulebook::{FactSubject, Rulebook, Severity, compile};

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// The running rule, as its functions need to know it.
pub struct RuleCtx {
    pub id: String,
    pub severity: Severity,
    pub needs: Vec<String>,
    /// Each fact the rule derives, with what its subjects are (asset ids, party ids or "").
    pub derives: Vec<(String, FactSubject)>,
}

/// State of one scenario's evaluation on this thread.
pub struct RunState {
    pub view: Arc<ScenarioView>,
    pub as_of: ImmutableString,
    pub rule: Arc<RuleCtx>,
    pub facts: FactStore,
    pub findings: Vec<Finding>,
}

thread_local! {
    static STATE: RefCell<Option<RunState>> = const { RefCell::new(None) };
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static BUDGET: Cell<u64> = const { Cell::new(compile::limits::MAX_OPERATIONS) };
}

/// The operations each rule run may use on the scenario being judged on this thread.
pub fn set_operation_budget(budget: u64) {
    BUDGET.with(|b| b.set(budget));
}

pub fn install(state: RunState) {
    STATE.with(|s| *s.borrow_mut() = Some(state));
}

pub fn take() -> Option<RunState> {
    STATE.with(|s| s.borrow_mut().take())
}

pub fn with_state<R>(f: impl FnOnce(&mut RunState) -> R) -> Option<R> {
    STATE.with(|s| s.borrow_mut().as_mut().map(f))
}

pub fn set_deadline(deadline: Option<Instant>) {
    DEADLINE.with(|d| d.set(deadline));
}

fn err<T>(msg: impl Into<String>) -> RhaiResult<T> {
    Err(EvalAltResult::ErrorRuntime(Dynamic::from(msg.into()), Position::NONE).into())
}

fn state<R>(f: impl FnOnce(&mut RunState) -> RhaiResult<R>) -> RhaiResult<R> {
    with_state(f).unwrap_or_else(|| err("granska functions are only available while a rule runs"))
}

fn date(s: &str) -> RhaiResult<NaiveDate> {
    crate::date::parse_iso(s).map_or_else(|| err(format!("`{s}` is not a date YYYY-MM-DD")), Ok)
}

fn tri(v: Option<bool>) -> Dynamic {
    v.map(Dynamic::from_bool).unwrap_or(Dynamic::UNIT)
}

/// Whether the running rule may read fact `name`, and the fact is reliable.
fn readable(s: &RunState, name: &str) -> RhaiResult<()> {
    if !s
        .rule
        .needs
        .iter()
        .chain(s.rule.derives.iter().map(|(d, _)| d))
        .any(|n| n == name)
    {
        return err(format!(
            "`{name}` is not in this rule's `needs`; declare it so the rule runs after the rules that derive it"
        ));
    }
    if s.facts.is_tainted(name) {
        return err(format!(
            "fact `{name}` is unreliable: a rule that derives it failed"
        ));
    }
    Ok(())
}

/// The fact store, for a function that reads fact `name` for many subjects at once.
pub(super) fn with_facts<R>(
    name: &str,
    f: impl FnOnce(&FactStore) -> RhaiResult<R>,
) -> RhaiResult<R> {
    state(|s| {
        readable(s, name)?;
        f(&s.facts)
    })
}

/// The engine with the sandbox from `rulebook::compile` plus the rule API.
pub fn engine(rulebook: &Rulebook) -> Engine {
    let mut engine = compile::base_engine();
    engine.register_global_module(rulebook.lib.clone());
    engine.register_type_with_name::<Obj>("Object");
    engine.register_indexer_get(|o: &mut Obj, prop: &str| o.property(prop));
    // A getter per field name: without it Rhai first looks for a getter, builds an error,
    // then falls back to the indexer — five times the cost of a read. The indexer remains
    // for the error on a property that does not exist.
    for (index, name) in super::bridge::FIELD_NAMES.iter().enumerate() {
        engine.register_get(name, move |o: &mut Obj| o.field(index));
    }
    // Membership of a text in a list of texts, natively (Rhai's generic `contains` calls `==`
    // as a script-level function per element).
    engine.register_fn("contains", |list: &mut Array, item: ImmutableString| {
        list.iter()
            .any(|x| x.read_lock::<ImmutableString>().is_some_and(|s| *s == item))
    });
    super::lists::register(&mut engine);
    engine.register_fn("to_string", |o: &mut Obj| o.to_string());
    engine.register_fn("to_debug", |o: &mut Obj| format!("{o:?}"));
    // Rhai calls this after every operation; the limits are looked at every 1,024th, so
    // that the other calls cost a test and a return. A rule stops within 1,024 operations of
    // its budget (at least 1,000,000).
    engine.on_progress(|ops| {
        if ops % 1024 != 0 {
            return None;
        }
        let budget = BUDGET.with(Cell::get);
        if ops > budget {
            return Some(Dynamic::from(format!(
                "too many operations (limit {budget} for a scenario of this size)"
            )));
        }
        if let Some(deadline) = DEADLINE.with(Cell::get)
            && Instant::now() > deadline
        {
            return Some(Dynamic::from(format!(
                "time limit of {} ms exceeded",
                compile::limits::MAX_MILLIS
            )));
        }
        None
    });

    // Scenario data.
    engine.register_fn("scenario", || state(|s| Ok(s.view.root.clone())));
    engine.register_fn("org", || state(|s| Ok(s.view.org.clone())));
    engine.register_fn("decision", || state(|s| Ok(s.view.decision.clone())));
    engine.register_fn("governance", || state(|s| Ok(s.view.governance.clone())));
    engine.register_fn("assets", || state(|s| Ok(s.view.assets.clone())));
    engine.register_fn("parties", || state(|s| Ok(s.view.parties.clone())));
    engine.register_fn("analyses", || state(|s| Ok(s.view.analyses.clone())));
    engine.register_fn("consultations", || {
        state(|s| Ok(s.view.consultations.clone()))
    });
    engine.register_fn("assessments", || state(|s| Ok(s.view.assessments.clone())));
    engine.register_fn("waivers", || state(|s| Ok(s.view.waivers.clone())));
    engine.register_fn("as_of", || state(|s| Ok(s.as_of.clone())));
    engine.register_fn("asset", |id: &str| {
        state(|s| Ok(s.view.asset_by_id.get(id).cloned().unwrap_or(Dynamic::UNIT)))
    });
    engine.register_fn("asset_name", |id: ImmutableString| {
        state(|s| {
            Ok(s.view
                .asset_name_by_id
                .get(id.as_str())
                .cloned()
                .unwrap_or_else(|| id.into()))
        })
    });
    engine.register_fn("party", |id: &str| {
        state(|s| Ok(s.view.party_by_id.get(id).cloned().unwrap_or(Dynamic::UNIT)))
    });

    // Rulebook metadata and reference data (captured once; shared by all threads).
    let infos: Arc<HashMap<String, Dynamic>> = Arc::new(
        rulebook
            .rules
            .iter()
            .map(|r| {
                let info = serde_json::json!({
                    "id": r.meta.id, "title": r.meta.title, "severity": r.meta.severity,
                    "waivable": r.meta.waivable,
                    "in_force": { "from": r.meta.in_force.from, "to": r.meta.in_force.to },
                    "requirement": r.meta.requirement,
                    "citations": r.meta.citations, "area": r.area,
                });
                (
                    r.meta.id.clone(),
                    rhai::serde::to_dynamic(info).unwrap_or(Dynamic::UNIT),
                )
            })
            .collect(),
    );
    engine.register_fn("rule_info", move |id: &str| {
        infos.get(id).cloned().unwrap_or(Dynamic::UNIT)
    });
    let data: Arc<RefData> = rulebook.data.clone();
    let d1 = data.clone();
    engine.register_fn(
        "lookup",
        move |set: &str, key: &str, on: &str| -> RhaiResult<Dynamic> {
            date(on)?;
            if !d1.has_set(set) {
                return err(format!(
                    "no reference data set `{set}` (known: {})",
                    d1.set_names().join(", ")
                ));
            }
            Ok(d1
                .lookup(set, key, on)
                .map(|e| e.value.clone())
                .unwrap_or(Dynamic::UNIT))
        },
    );
    let d3 = data.clone();
    engine.register_fn(
        "not_listed",
        move |codes: &mut Array, set: &str, on: &str| -> RhaiResult<Array> {
            date(on)?;
            if !d3.has_set(set) {
                return err(format!("no reference data set `{set}`"));
            }
            let mut out = Array::new();
            for code in codes.iter() {
                let Some(key) = code.read_lock::<ImmutableString>() else {
                    return err(format!(
                        "`not_listed` looks up texts, not {}",
                        code.type_name()
                    ));
                };
                if d3.lookup(set, key.as_str(), on).is_none() {
                    out.push(code.clone());
                }
            }
            Ok(out)
        },
    );
    let d2 = data;
    engine.register_fn(
        "lookup_all",
        move |set: &str, key: &str| -> RhaiResult<Array> {
            if !d2.has_set(set) {
                return err(format!("no reference data set `{set}`"));
            }
            Ok(d2
                .entries(set, key)
                .map(|v| v.iter().map(|e| e.value.clone()).collect())
                .unwrap_or_default())
        },
    );

    // Dates.
    engine.register_fn("is_date", |s: &str| crate::date::parse_iso(s).is_some());
    engine.register_fn("add_days", |d: &str, n: i64| -> RhaiResult<String> {
        let d = date(d)?;
        let r = d.checked_add_signed(chrono::Duration::days(n));
        r.map(|x| x.to_string())
            .map_or_else(|| err("date out of range"), Ok)
    });
    engine.register_fn("add_years", |d: &str, n: i64| -> RhaiResult<String> {
        let d = date(d)?;
        let months = Months::new((n.unsigned_abs() * 12).min(u32::MAX as u64) as u32);
        let r = if n >= 0 {
            d.checked_add_months(months)
        } else {
            d.checked_sub_months(months)
        };
        r.map(|x| x.to_string())
            .map_or_else(|| err("date out of range"), Ok)
    });
    engine.register_fn("days_between", |a: &str, b: &str| -> RhaiResult<i64> {
        Ok((date(b)? - date(a)?).num_days())
    });
    engine.register_fn("year_of", |d: &str| -> RhaiResult<i64> {
        Ok(date(d)?.year() as i64)
    });

    // Facts.
    engine.register_fn("derive", |name: &str, subject: &str, value: Dynamic| {
        state(|s| {
            let Some((_, about)) = s.rule.derives.iter().find(|(d, _)| d == name) else {
                return err(format!("`{name}` is not in this rule's `derives`"));
            };
            // A fact about a subject that is not one (a name for an id, a party for an asset)
            // would be read as unknown by every rule that asks about the real subject.
            let known = match about {
                FactSubject::Asset => s.view.asset_by_id.contains_key(subject),
                FactSubject::Party => s.view.party_by_id.contains_key(subject),
                FactSubject::Scenario => subject.is_empty(),
            };
            if !known {
                return err(match about {
                    FactSubject::Asset => format!("fact `{name}` is about assets; `{subject}` is not an asset id"),
                    FactSubject::Party => format!("fact `{name}` is about parties; `{subject}` is not a party id"),
                    FactSubject::Scenario => format!("fact `{name}` is about the scenario as a whole: its subject is \"\", not `{subject}`"),
                });
            }
            let v = if value.is_unit() {
                None
            } else {
                Some(value.as_bool().or_else(|_| {
                    err(format!(
                        "a fact is true, false or (); got {}",
                        value.type_name()
                    ))
                })?)
            };
            let rule = s.rule.clone(); // the context, not its id: no copy per fact
            s.facts.set(name, subject, v, &rule.id);
            Ok(())
        })
    });
    engine.register_fn("fact", |name: &str, subject: &str| {
        state(|s| {
            readable(s, name)?;
            Ok(tri(s.facts.get(name, subject)))
        })
    });
    engine.register_fn("fact", |name: &str| {
        state(|s| {
            readable(s, name)?;
            Ok(tri(s.facts.any(name)))
        })
    });
    engine.register_fn("subjects", |name: &str| {
        state(|s| {
            readable(s, name)?;
            Ok(s.facts
                .subjects(name, Some(true))
                .into_iter()
                .map(Dynamic::from)
                .collect::<Array>())
        })
    });
    engine.register_fn("unknown_subjects", |name: &str| {
        state(|s| {
            readable(s, name)?;
            Ok(s.facts
                .subjects(name, None)
                .into_iter()
                .map(Dynamic::from)
                .collect::<Array>())
        })
    });

    // Findings and assessments.
    engine.register_fn("finding", |path: &str, opts: Map| {
        state(|s| emit(s, path, opts, FindingKind::Violation))
    });
    engine.register_fn("ask", |path: &str, opts: Map| {
        state(|s| emit(s, path, opts, FindingKind::Assessment))
    });
    engine.register_fn("assessment", |subject: &str| {
        state(|s| {
            let rule = &s.rule.id;
            let found = s.view.loaded.scenario.assessments.iter().rev().find(|a| {
                &a.rule == rule
                    && match (&a.party, &a.asset) {
                        (None, None) => subject.is_empty(),
                        (p, x) => p.as_deref() == Some(subject) || x.as_deref() == Some(subject),
                    }
            });
            Ok(found
                .map(|a| {
                    Dynamic::from(ImmutableString::from(crate::scenario::model::name_of(
                        &a.conclusion,
                    )))
                })
                .unwrap_or(Dynamic::UNIT))
        })
    });
    engine
}

/// Take a text option out of a finding's map: the map is the script's own copy, so the
/// message is moved, not copied (a scenario can have hundreds of findings).
fn text_field(opts: &mut Map, key: &str) -> RhaiResult<Option<String>> {
    match opts.remove(key) {
        None => Ok(None),
        Some(v) => match v.into_immutable_string() {
            Ok(text) => Ok(Some(text.into_owned())),
            Err(type_name) => err(format!("`{key}` must be a string, got {type_name}")),
        },
    }
}

/// Record a finding of the running rule after checking what the script passed.
fn emit(s: &mut RunState, path: &str, mut opts: Map, default_kind: FindingKind) -> RhaiResult<()> {
    const KEYS: &[&str] = &[
        "sv", "en", "because", "severity", "kind", "subject", "question",
    ];
    if let Some(k) = opts.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return err(format!(
            "unknown finding option `{k}` (known: {})",
            KEYS.join(", ")
        ));
    }
    let (Some(sv), Some(en)) = (text_field(&mut opts, "sv")?, text_field(&mut opts, "en")?) else {
        return err("a finding needs a message in both `sv` and `en`");
    };
    let kind = match text_field(&mut opts, "kind")? {
        Some(k) => {
            FindingKind::parse(&k).map_or_else(|| err(format!("unknown finding kind `{k}`")), Ok)?
        }
        None => default_kind,
    };
    let max = s.rule.severity;
    let cap = if kind == FindingKind::Violation {
        max
    } else {
        max.max(Severity::Major)
    };
    let severity = match text_field(&mut opts, "severity")? {
        Some(x) => {
            let sev =
                Severity::parse(&x).map_or_else(|| err(format!("unknown severity `{x}`")), Ok)?;
            if sev < max {
                return err(format!(
                    "severity `{x}` is above this rule's `{}`",
                    max.as_str()
                ));
            }
            sev
        }
        None => cap,
    };
    let question = match opts.remove("question") {
        None => None,
        Some(q) => match q.try_cast::<Map>() {
            Some(mut m) => match (text_field(&mut m, "sv")?, text_field(&mut m, "en")?) {
                (Some(sv), Some(en)) => Some(Text::new(sv, en)),
                _ => return err("`question` needs `sv` and `en`"),
            },
            None => return err("`question` must be a map #{ sv: …, en: … }"),
        },
    };
    if kind == FindingKind::Assessment && question.is_none() {
        return err("an assessment finding needs a `question` #{ sv: …, en: … }");
    }
    let because = match opts.remove("because") {
        None => Vec::new(),
        Some(v) => match v.try_cast::<Array>() {
            Some(a) => a
                .into_iter()
                .map(|x| {
                    x.into_string()
                        .or_else(|t| err(format!("`because` holds strings, got {t}")))
                })
                .collect::<RhaiResult<_>>()?,
            None => return err("`because` must be an array of fact names and rule ids"),
        },
    };
    let subject = text_field(&mut opts, "subject")?;
    let loaded = &s.view.loaded;
    // A finding may name a field that was left out (`…staff.security_cleared`), so a path
    // counts if it or one of its two nearest ancestors exists; a typo further up fails.
    let Some(span) = loaded.spans.label_span_near(path, 2) else {
        return err(format!("no path `{path}` in the scenario"));
    };
    let (line, column) = loaded.file.line_col(span.start);
    s.findings.push(Finding {
        rule: s.rule.id.clone(),
        severity,
        kind,
        message: Text::new(sv, en),
        question,
        path: path.to_string(),
        line,
        column,
        because,
        subject,
        waived_by: None,
    });
    Ok(())
}
