//! The scenario as scripts see it, built once per scenario: read-only objects that share
//! their data (`Arc`), so handing `parties()` to thirty rules copies pointers, not trees.
//! Reading a property the format does not define is an error; a left-out value is `()`.

use std::fmt;
use std::sync::Arc;

use foldhash::HashMap;
use rhai::{Dynamic, EvalAltResult, ImmutableString, Position};

use crate::scenario::LoadedScenario;
use crate::scenario::model::{self, Party, name_of};

/// Every field name any object has (a getter is registered for each).
pub const FIELD_NAMES: &[&str] = &[
    "access",
    "agreements",
    "analyses",
    "assessments",
    "asset",
    "asset_name",
    "assets",
    "authority",
    "availability",
    "by",
    "categories",
    "certifications",
    "chain",
    "chain_text",
    "classification",
    "conclusion",
    "confidentiality",
    "consultations",
    "country",
    "critical_service",
    "data_subjects",
    "date",
    "decided_by",
    "decision",
    "depth",
    "expires",
    "from",
    "governance",
    "granska",
    "id",
    "integrity",
    "isms",
    "kind",
    "label",
    "level",
    "measures",
    "name",
    "organisation",
    "outcome",
    "parent",
    "parent_country",
    "participants",
    "party",
    "path",
    "personal_data",
    "protected_identities",
    "question",
    "reaches",
    "reason",
    "reference",
    "rule",
    "secrecy",
    "security_classification",
    "security_cleared",
    "security_protection_officer",
    "security_sensitive",
    "services",
    "staff",
    "stage",
    "storage",
    "subcontractors",
    "subprocessors_authorised",
    "summary",
    "suppliers",
    "title",
    "top",
    "traceability",
    "type",
    "waivers",
];

/// Marks a field name an object does not have in [`ObjInner::slots`].
const ABSENT: u8 = u8::MAX;
const _: () = assert!(FIELD_NAMES.len() < ABSENT as usize);

/// A field name, as its position in [`FIELD_NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field(u8);

impl Field {
    /// The field called `name`; through [`field!`] this runs when granska is compiled, so a
    /// name missing from [`FIELD_NAMES`] is a compile error, and building an object looks
    /// nothing up (a hash lookup per field was ~0.5 % of a batch's instructions).
    pub const fn named(name: &str) -> Field {
        let mut i = 0;
        while i < FIELD_NAMES.len() {
            if same(FIELD_NAMES[i].as_bytes(), name.as_bytes()) {
                return Field(i as u8);
            }
            i += 1;
        }
        panic!("not in FIELD_NAMES");
    }

    pub fn name(self) -> &'static str {
        FIELD_NAMES[self.0 as usize]
    }
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The [`Field`] called `$name`, found at compile time.
macro_rules! field {
    ($name:literal) => {
        const { Field::named($name) }
    };
}

/// A read-only record: a kind (for error messages) and named fields.
#[derive(Clone)]
pub struct Obj(Arc<ObjInner>);

struct ObjInner {
    kind: &'static str,
    fields: Vec<(Field, Dynamic)>,
    /// For each of [`FIELD_NAMES`], where the field is in `fields`: a getter reads a field
    /// without comparing names (scripts read hundreds of thousands of fields per scenario).
    slots: [u8; FIELD_NAMES.len()],
}

/// The position of a field name in [`FIELD_NAMES`] (a getter is registered per position).
/// Asked for every field of every object built and once per list-helper call: a hash lookup
/// instead of a binary search that compares ~7 names each time.
pub fn field_index(name: &str) -> Option<usize> {
    static POSITIONS: std::sync::OnceLock<HashMap<&'static str, usize>> =
        std::sync::OnceLock::new();
    POSITIONS
        .get_or_init(|| {
            FIELD_NAMES
                .iter()
                .enumerate()
                .map(|(i, n)| (*n, i))
                .collect()
        })
        .get(name)
        .copied()
}

impl Obj {
    pub fn new(kind: &'static str, fields: Vec<(Field, Dynamic)>) -> Obj {
        let mut slots = [ABSENT; FIELD_NAMES.len()];
        for (at, (field, _)) in fields.iter().enumerate() {
            slots[field.0 as usize] = at as u8;
        }
        Obj(Arc::new(ObjInner {
            kind,
            fields,
            slots,
        }))
    }

    /// The getter for field number `index` of [`FIELD_NAMES`].
    pub fn field(&self, index: usize) -> Result<Dynamic, Box<EvalAltResult>> {
        match self.0.slots[index] {
            ABSENT => self.property(FIELD_NAMES[index]),
            at => Ok(self.0.fields[at as usize].1.clone()),
        }
    }

    /// Field number `index` of [`FIELD_NAMES`], if this object has it.
    pub fn slot(&self, index: usize) -> Option<&Dynamic> {
        match self.0.slots.get(index) {
            Some(&at) if at != ABSENT => self.0.fields.get(at as usize).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Dynamic> {
        self.0
            .fields
            .iter()
            .find(|(k, _)| k.name() == name)
            .map(|(_, v)| v)
    }

    /// The property getter scripts use: unknown properties are errors, never `()`.
    pub fn property(&self, name: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        match self.get(name) {
            Some(v) => Ok(v.clone()),
            None => {
                let known: Vec<&str> = self.0.fields.iter().map(|(k, _)| k.name()).collect();
                let hint = crate::diag::did_you_mean(name, known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("; it has: {}", known.join(", ")));
                Err(EvalAltResult::ErrorRuntime(
                    format!("{} has no property `{name}`{hint}", self.0.kind).into(),
                    Position::NONE,
                )
                .into())
            }
        }
    }
}

impl fmt::Display for Obj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self
            .get("id")
            .and_then(|v| v.clone().into_immutable_string().ok())
        {
            Some(id) => write!(f, "{} {id}", self.0.kind),
            None => write!(f, "{}", self.0.kind),
        }
    }
}

impl fmt::Debug for Obj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{{", self.0.kind)?;
        for (i, (k, v)) in self.0.fields.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{}: {v:?}", k.name())?;
        }
        write!(f, "}}")
    }
}

/// Everything scripts can read about one scenario.
pub struct ScenarioView {
    pub loaded: Arc<LoadedScenario>,
    pub root: Dynamic,
    pub org: Dynamic,
    pub decision: Dynamic,
    pub governance: Dynamic,
    pub assets: Dynamic,
    pub parties: Dynamic,
    pub analyses: Dynamic,
    pub consultations: Dynamic,
    pub assessments: Dynamic,
    pub waivers: Dynamic,
    pub asset_by_id: HashMap<String, Dynamic>,
    /// Asset names by id, for messages.
    pub asset_name_by_id: HashMap<String, Dynamic>,
    pub party_by_id: HashMap<String, Dynamic>,
    /// Path of each asset and party id (facts and findings point there).
    pub path_of_id: HashMap<String, String>,
}

fn s(v: &str) -> Dynamic {
    Dynamic::from(ImmutableString::from(v))
}
fn opt_s(v: &Option<String>) -> Dynamic {
    v.as_deref().map(s).unwrap_or(Dynamic::UNIT)
}
fn opt_b(v: Option<bool>) -> Dynamic {
    v.map(Dynamic::from_bool).unwrap_or(Dynamic::UNIT)
}
fn opt_i<T: Into<i64>>(v: Option<T>) -> Dynamic {
    v.map(|x| Dynamic::from_int(x.into()))
        .unwrap_or(Dynamic::UNIT)
}
thread_local! {
    /// The names of enum values (`admin`, `SE` is not one): a scenario names each hundreds of
    /// times, and a shared text costs a reference count where a new one costs an allocation.
    static NAMES: std::cell::RefCell<HashMap<&'static str, ImmutableString>> =
        std::cell::RefCell::new(HashMap::default());
}

fn name<T: serde::Serialize>(v: &T) -> Dynamic {
    let text = name_of(v);
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        Dynamic::from(names.entry(text).or_insert_with(|| text.into()).clone())
    })
}

/// Country codes as shared texts, made once per scenario: an access entry names one or two,
/// and a scenario ~30 different ones (validated codes) in ~300 places.
#[derive(Default)]
struct Codes<'a>(HashMap<&'a str, Dynamic>);

impl<'a> Codes<'a> {
    fn list(&mut self, codes: &'a [String]) -> Dynamic {
        Dynamic::from_array(
            (codes.iter())
                .map(|c| self.0.entry(c).or_insert_with(|| s(c)).clone())
                .collect(),
        )
    }
}
fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> Dynamic {
    Dynamic::from_array(items.into_iter().map(|x| s(x)).collect())
}
fn names<T: serde::Serialize>(items: &[T]) -> Dynamic {
    Dynamic::from_array(items.iter().map(name).collect())
}
fn list(items: Vec<Obj>) -> Dynamic {
    Dynamic::from_array(items.into_iter().map(Dynamic::from).collect())
}

impl ScenarioView {
    pub fn build(loaded: Arc<LoadedScenario>) -> ScenarioView {
        let sc = &loaded.scenario;
        let org = Dynamic::from(Obj::new(
            "organisation",
            vec![
                (field!("name"), s(&sc.organisation.name)),
                (field!("type"), name(&sc.organisation.kind)),
                (
                    field!("security_protection_officer"),
                    opt_b(sc.organisation.security_protection_officer),
                ),
                (field!("isms"), opt_b(sc.organisation.isms)),
                (field!("path"), s("organisation")),
            ],
        ));
        let decision = Dynamic::from(Obj::new(
            "decision",
            vec![
                (field!("kind"), name(&sc.decision.kind)),
                (field!("stage"), name(&sc.decision.stage)),
                (field!("date"), s(&sc.decision.date)),
                (field!("decided_by"), opt_s(&sc.decision.decided_by)),
                (field!("summary"), opt_s(&sc.decision.summary)),
                (field!("path"), s("decision")),
            ],
        ));
        let governance = match &sc.governance {
            Some(g) => Dynamic::from(Obj::new(
                "governance",
                vec![
                    (
                        field!("participants"),
                        g.participants
                            .as_ref()
                            .map(|p| names(p))
                            .unwrap_or(Dynamic::UNIT),
                    ),
                    (field!("path"), s("governance")),
                ],
            )),
            None => Dynamic::UNIT,
        };

        let mut path_of_id = HashMap::default();
        let mut codes = Codes::default();
        let mut flat = Vec::new();
        flatten(&sc.suppliers, "suppliers", &[], &mut flat);
        let mut party_by_id = HashMap::default();
        let mut top_level = Vec::new();
        // Access entries by asset id, so rules can ask "who reaches this asset" without
        // walking every party's list (the index is built once per scenario).
        let mut access_by_asset: HashMap<String, Vec<Dynamic>> = HashMap::default();
        let asset_name_by_id: HashMap<String, Dynamic> = sc
            .assets
            .iter()
            .map(|a| (a.id.clone(), s(&a.name)))
            .collect();
        let parties: Vec<Obj> = flat
            .iter()
            .map(|fp| {
                let (obj, entries) = party(fp, &asset_name_by_id, &mut codes);
                for (asset_id, entry) in entries {
                    access_by_asset
                        .entry(asset_id)
                        .or_default()
                        .push(Dynamic::from(entry));
                }
                path_of_id.insert(fp.party.id.clone(), fp.path.clone());
                party_by_id.insert(fp.party.id.clone(), Dynamic::from(obj.clone()));
                if fp.chain.len() == 1 {
                    top_level.push(obj.clone());
                }
                obj
            })
            .collect();

        let mut asset_by_id = HashMap::default();
        let assets: Vec<Obj> = sc
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let path = format!("assets[{i}]");
                let reached = access_by_asset.remove(&a.id).unwrap_or_default();
                let obj = asset(a, &path, Dynamic::from_array(reached));
                path_of_id.insert(a.id.clone(), path);
                asset_by_id.insert(a.id.clone(), Dynamic::from(obj.clone()));
                obj
            })
            .collect();

        let analyses: Vec<Obj> = sc
            .analyses
            .iter()
            .enumerate()
            .map(|(i, a)| {
                Obj::new(
                    "analysis",
                    vec![
                        (field!("kind"), name(&a.kind)),
                        (field!("date"), opt_s(&a.date)),
                        (
                            field!("assets"),
                            a.assets.as_ref().map(strings).unwrap_or(Dynamic::UNIT),
                        ),
                        (field!("path"), s(&format!("analyses[{i}]"))),
                    ],
                )
            })
            .collect();
        let consultations: Vec<Obj> = sc
            .consultations
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Obj::new(
                    "consultation",
                    vec![
                        (field!("authority"), name(&c.authority)),
                        (field!("kind"), name(&c.kind)),
                        (field!("date"), opt_s(&c.date)),
                        (
                            field!("outcome"),
                            c.outcome.as_ref().map(name).unwrap_or(Dynamic::UNIT),
                        ),
                        (field!("path"), s(&format!("consultations[{i}]"))),
                    ],
                )
            })
            .collect();
        let assessments: Vec<Obj> = sc
            .assessments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                Obj::new(
                    "assessment",
                    vec![
                        (field!("rule"), s(&a.rule)),
                        (field!("party"), opt_s(&a.party)),
                        (field!("asset"), opt_s(&a.asset)),
                        (field!("question"), opt_s(&a.question)),
                        (field!("conclusion"), name(&a.conclusion)),
                        (field!("by"), s(&a.by)),
                        (field!("date"), s(&a.date)),
                        (field!("reference"), opt_s(&a.reference)),
                        (field!("path"), s(&format!("assessments[{i}]"))),
                    ],
                )
            })
            .collect();
        let waivers: Vec<Obj> = sc
            .waivers
            .iter()
            .enumerate()
            .map(|(i, w)| {
                Obj::new(
                    "waiver",
                    vec![
                        (field!("rule"), s(&w.rule)),
                        (field!("reason"), s(&w.reason)),
                        (field!("decided_by"), s(&w.decided_by)),
                        (field!("date"), s(&w.date)),
                        (field!("expires"), s(&w.expires)),
                        (field!("path"), s(&format!("waivers[{i}]"))),
                    ],
                )
            })
            .collect();

        let assets = list(assets);
        let parties = list(parties);
        let analyses = list(analyses);
        let consultations = list(consultations);
        let assessments = list(assessments);
        let waivers = list(waivers);
        let root = Dynamic::from(Obj::new(
            "scenario",
            vec![
                (field!("granska"), Dynamic::from_int(sc.granska as i64)),
                (field!("id"), s(&sc.id)),
                (field!("title"), opt_s(&sc.title)),
                (field!("organisation"), org.clone()),
                (field!("decision"), decision.clone()),
                (field!("governance"), governance.clone()),
                (field!("assets"), assets.clone()),
                (field!("suppliers"), list(top_level)),
                (field!("analyses"), analyses.clone()),
                (field!("consultations"), consultations.clone()),
                (field!("assessments"), assessments.clone()),
                (field!("waivers"), waivers.clone()),
                (field!("path"), s("")),
            ],
        ));
        ScenarioView {
            loaded,
            root,
            org,
            decision,
            governance,
            assets,
            parties,
            analyses,
            consultations,
            assessments,
            waivers,
            asset_by_id,
            asset_name_by_id,
            party_by_id,
            path_of_id,
        }
    }
}

fn asset(a: &model::Asset, path: &str, access: Dynamic) -> Obj {
    let classification = match &a.classification {
        Some(c) => Dynamic::from(Obj::new(
            "classification",
            vec![
                (field!("confidentiality"), opt_i(c.confidentiality)),
                (field!("integrity"), opt_i(c.integrity)),
                (field!("availability"), opt_i(c.availability)),
                (field!("traceability"), opt_i(c.traceability)),
                (field!("path"), s(&format!("{path}.classification"))),
            ],
        )),
        None => Dynamic::UNIT,
    };
    let personal_data = match &a.personal_data {
        Some(p) => Dynamic::from(Obj::new(
            "personal_data",
            vec![
                (
                    field!("categories"),
                    p.categories
                        .as_ref()
                        .map(|c| names(c))
                        .unwrap_or(Dynamic::UNIT),
                ),
                (
                    field!("protected_identities"),
                    opt_b(p.protected_identities),
                ),
                (
                    field!("data_subjects"),
                    p.data_subjects
                        .map(|n| Dynamic::from_int(n.min(i64::MAX as u64) as i64))
                        .unwrap_or(Dynamic::UNIT),
                ),
                (field!("path"), s(&format!("{path}.personal_data"))),
            ],
        )),
        None => Dynamic::UNIT,
    };
    Obj::new(
        "asset",
        vec![
            (field!("id"), s(&a.id)),
            (field!("name"), s(&a.name)),
            (field!("classification"), classification),
            (
                field!("secrecy"),
                a.secrecy.as_ref().map(strings).unwrap_or(Dynamic::UNIT),
            ),
            (field!("personal_data"), personal_data),
            (
                field!("security_classification"),
                a.security_classification
                    .as_ref()
                    .map(name)
                    .unwrap_or(Dynamic::UNIT),
            ),
            (field!("security_sensitive"), opt_b(a.security_sensitive)),
            (field!("critical_service"), opt_b(a.critical_service)),
            (field!("access"), access),
            (field!("path"), s(path)),
        ],
    )
}

struct FlatParty<'a> {
    party: &'a Party,
    path: String,
    chain: Vec<String>,
}

fn flatten<'a>(list: &'a [Party], base: &str, chain: &[String], out: &mut Vec<FlatParty<'a>>) {
    for (i, p) in list.iter().enumerate() {
        let path = format!("{base}[{i}]");
        let mut here = chain.to_vec();
        here.push(p.id.clone());
        out.push(FlatParty {
            party: p,
            path: path.clone(),
            chain: here.clone(),
        });
        flatten(
            &p.subcontractors,
            &format!("{path}.subcontractors"),
            &here,
            out,
        );
    }
}

/// A party object and its access entries (by asset id). `asset_names` gives each entry the
/// name of its asset, which nearly every message about access needs.
fn party<'a>(
    fp: &FlatParty<'a>,
    asset_names: &HashMap<String, Dynamic>,
    codes: &mut Codes<'a>,
) -> (Obj, Vec<(String, Obj)>) {
    let p = fp.party;
    let path = &fp.path;
    let party_id = s(&p.id);
    let mut entries = Vec::new();
    let access = p.access.as_ref().map(|list_| {
        list(
            list_
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let entry = Obj::new(
                        "access",
                        vec![
                            (field!("party"), party_id.clone()),
                            (field!("asset"), s(&a.asset)),
                            (
                                field!("asset_name"),
                                asset_names
                                    .get(&a.asset)
                                    .cloned()
                                    .unwrap_or_else(|| s(&a.asset)),
                            ),
                            (
                                field!("level"),
                                a.level.as_ref().map(name).unwrap_or(Dynamic::UNIT),
                            ),
                            (
                                field!("from"),
                                (a.from.as_deref())
                                    .map(|c| codes.list(c))
                                    .unwrap_or(Dynamic::UNIT),
                            ),
                            (
                                field!("storage"),
                                (a.storage.as_deref())
                                    .map(|c| codes.list(c))
                                    .unwrap_or(Dynamic::UNIT),
                            ),
                            (field!("path"), s(&format!("{path}.access[{i}]"))),
                        ],
                    );
                    entries.push((a.asset.clone(), entry.clone()));
                    entry
                })
                .collect(),
        )
    });
    // Assets whose data the party's staff can reach (any level but `none`; unknown counts).
    let reaches: Vec<&String> = p
        .access
        .iter()
        .flatten()
        .filter(|a| !matches!(a.level, Some(model::AccessLevel::None)))
        .map(|a| &a.asset)
        .collect();
    let staff = p.staff.as_ref().map(|st| {
        Dynamic::from(Obj::new(
            "staff",
            vec![
                (field!("security_cleared"), opt_b(st.security_cleared)),
                (field!("path"), s(&format!("{path}.staff"))),
            ],
        ))
    });
    let agreements = p
        .agreements
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Obj::new(
                "agreement",
                vec![
                    (field!("kind"), name(&a.kind)),
                    (field!("date"), opt_s(&a.date)),
                    (field!("level"), opt_i(a.level)),
                    (field!("path"), s(&format!("{path}.agreements[{i}]"))),
                ],
            )
        })
        .collect();
    let n = fp.chain.len();
    let chain_text = fp.chain.join(" › ");
    let obj = Obj::new(
        "party",
        vec![
            (field!("id"), party_id),
            (field!("name"), s(&p.name)),
            (field!("country"), opt_s(&p.country)),
            (field!("parent_country"), opt_s(&p.parent_country)),
            (field!("services"), names(&p.services)),
            (field!("access"), access.unwrap_or(Dynamic::UNIT)),
            (field!("staff"), staff.unwrap_or(Dynamic::UNIT)),
            (field!("certifications"), names(&p.certifications)),
            (field!("measures"), names(&p.measures)),
            (field!("agreements"), list(agreements)),
            (
                field!("subprocessors_authorised"),
                opt_b(p.subprocessors_authorised),
            ),
            (
                field!("subcontractors"),
                strings(p.subcontractors.iter().map(|c| &c.id)),
            ),
            (field!("path"), s(path)),
            (field!("chain"), strings(&fp.chain)),
            (field!("label"), s(&format!("{} ({chain_text})", p.name))),
            (field!("chain_text"), s(&chain_text)),
            (field!("depth"), Dynamic::from_int((n - 1) as i64)),
            (
                field!("parent"),
                if n >= 2 {
                    s(&fp.chain[n - 2])
                } else {
                    Dynamic::UNIT
                },
            ),
            (field!("top"), s(&fp.chain[0])),
            (field!("reaches"), strings(reaches)),
        ],
    );
    (obj, entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_sorted_and_unique_for_binary_search() {
        assert!(FIELD_NAMES.windows(2).all(|w| w[0] < w[1]));
        let obj = Obj::new(
            "party",
            vec![(field!("id"), s("ibm-se")), (field!("name"), s("IBM"))],
        );
        let name = field_index("name").unwrap();
        assert_eq!(obj.field(name).unwrap().to_string(), "IBM");
        let err = obj.field(field_index("country").unwrap()).unwrap_err();
        assert!(
            err.to_string().contains("party has no property `country`"),
            "{err}"
        );
    }
}
