//! The rule API as data: every function the sandbox registers for rules (`sandbox.rs`) and
//! every object a rule can read (`bridge.rs`), with its documentation and an example.
//! `rules defs` turns this table into the Rhai definitions file editors read
//! (`rules/granska.d.rhai`) and into `docs/helper-api.md`; the tests below check it against
//! the engine, so the documentation cannot drift from what rules can call. It is engine API,
//! not law: no rule id, act or country appears here.

use std::fmt::Write;

/// One function rules can call.
pub struct FnDoc {
    pub name: &'static str,
    /// `(name, type)`; types as in Rhai definition files: `String`, `int`, `bool`, `Map`,
    /// `Array`, `?` (any value, often `()` for unknown), or an object type below.
    pub params: &'static [(&'static str, &'static str)],
    pub returns: &'static str,
    pub group: &'static str,
    pub doc: &'static str,
    pub example: &'static str,
}

/// One kind of read-only object from the scenario.
pub struct TypeDoc {
    /// The name used in definitions (`Party`).
    pub name: &'static str,
    /// The kind the engine gives it in error messages (`party`).
    pub kind: &'static str,
    pub doc: &'static str,
    /// `(property, type, doc)`.
    pub fields: &'static [(&'static str, &'static str, &'static str)],
}

pub const GROUPS: &[(&str, &str)] = &[
    (
        "Scenario data",
        "Read-only views of the scenario being judged. A value the scenario left out reads as `()`: unknown, never `false` or `[]`.",
    ),
    (
        "Dates",
        "Dates are strings `\"YYYY-MM-DD\"`; compare them with `<`, `<=`, `>`, `>=`. A string that is not a real date is an error.",
    ),
    (
        "Rulebook and reference data",
        "Metadata of loaded rules, and the dated reference data in `rules/data/*.yaml`.",
    ),
    (
        "Facts",
        "Named conclusions about an asset, a party or the whole scenario (`\"\"`): `true`, `false` or `()` (unknown). A rule may only derive the facts in its `derives` and read those in its `needs` (or `derives`).",
    ),
    (
        "Findings and assessments",
        "What a rule reports. A finding's path must exist in the scenario; it is shown on that line.",
    ),
    ("Objects", "Every scenario object can be printed."),
    (
        "Lists",
        "Filters and joins that rules need for every party and access entry, done natively (a loop in Rhai costs tens of operations per item). A field an item does not have is an error, as when a script reads it.",
    ),
];

pub const FUNCTIONS: &[FnDoc] = &[
    FnDoc {
        name: "scenario",
        params: &[],
        returns: "Scenario",
        group: "Scenario data",
        doc: "The whole scenario.",
        example: "let s = scenario();\nif s.title == () {\n    // the proposal has no title\n}",
    },
    FnDoc {
        name: "org",
        params: &[],
        returns: "Organisation",
        group: "Scenario data",
        doc: "The organisation taking the decision (`organisation:`).",
        example: "if org().isms == false {\n    // stated: no ISMS\n}",
    },
    FnDoc {
        name: "decision",
        params: &[],
        returns: "Decision",
        group: "Scenario data",
        doc: "The decision to be taken (`decision:`).",
        example: "let early = decision().stage == \"planning\" || decision().stage == \"procurement\";",
    },
    FnDoc {
        name: "governance",
        params: &[],
        returns: "?",
        group: "Scenario data",
        doc: "Who prepared the decision (`governance:`), or `()` when left out.",
        example: "let g = governance();\nlet known = g != () && g.participants != ();",
    },
    FnDoc {
        name: "assets",
        params: &[],
        returns: "Array",
        group: "Scenario data",
        doc: "Every information asset (`Asset`), in file order.",
        example: "for asset in assets() {\n    if asset.classification == () {\n        // not classified\n    }\n}",
    },
    FnDoc {
        name: "asset",
        params: &[("id", "String")],
        returns: "?",
        group: "Scenario data",
        doc: "The asset with this id, or `()`.",
        example: "for party in parties() {\n    for a in party.access ?? [] {\n        let held = asset(a.asset);\n    }\n}",
    },
    FnDoc {
        name: "asset_name",
        params: &[("id", "String")],
        returns: "String",
        group: "Scenario data",
        doc: "The name of the asset with this id, for messages; the id itself if there is no such asset.",
        example: "for id in subjects(\"secret_information\") {\n    let name = asset_name(id);\n}",
    },
    FnDoc {
        name: "parties",
        params: &[],
        returns: "Array",
        group: "Scenario data",
        doc: "Every supplier and subcontractor at any depth (`Party`), in file order, depth first.",
        example: "for party in parties() {\n    if party.depth > 0 {\n        // a subcontractor of party.parent\n    }\n}",
    },
    FnDoc {
        name: "party",
        params: &[("id", "String")],
        returns: "?",
        group: "Scenario data",
        doc: "The supplier or subcontractor with this id, or `()`.",
        example: "for p in parties() {\n    let top = party(p.top);\n}",
    },
    FnDoc {
        name: "analyses",
        params: &[],
        returns: "Array",
        group: "Scenario data",
        doc: "The analyses made before the decision (`Analysis`); `[]` when none is stated.",
        example: "let risk = analyses().filter(|a| a.kind == \"risk_analysis\");",
    },
    FnDoc {
        name: "consultations",
        params: &[],
        returns: "Array",
        group: "Scenario data",
        doc: "Consultations with and notifications to authorities (`Consultation`); `[]` when none is stated.",
        example: "for c in consultations() {\n    if c.outcome == \"pending\" {\n        // not concluded\n    }\n}",
    },
    FnDoc {
        name: "assessments",
        params: &[],
        returns: "Array",
        group: "Scenario data",
        doc: "Every recorded legal assessment (`Assessment`), for any rule. To read this rule's own answer, use `assessment(subject)`.",
        example: "let answered = assessments().len();",
    },
    FnDoc {
        name: "waivers",
        params: &[],
        returns: "Array",
        group: "Scenario data",
        doc: "Every waiver in the scenario (`Waiver`). The engine applies them; a rule reads them only to report on them.",
        example: "for w in waivers() {\n    if w.expires < as_of() {\n        // expired\n    }\n}",
    },
    FnDoc {
        name: "as_of",
        params: &[],
        returns: "String",
        group: "Dates",
        doc: "The date the law is applied as of: `decision.date`, or `--as-of`.",
        example: "let late = as_of() >= \"2021-12-01\";",
    },
    FnDoc {
        name: "is_date",
        params: &[("s", "String")],
        returns: "bool",
        group: "Dates",
        doc: "Whether `s` is a real calendar date `YYYY-MM-DD`.",
        example: "let ok = is_date(\"2020-02-29\");   // true; \"2019-02-29\" is false",
    },
    FnDoc {
        name: "add_days",
        params: &[("date", "String"), ("n", "int")],
        returns: "String",
        group: "Dates",
        doc: "The date `n` days after `date` (before it when `n` is negative).",
        example: "let day_before = add_days(as_of(), -1);",
    },
    FnDoc {
        name: "add_years",
        params: &[("date", "String"), ("n", "int")],
        returns: "String",
        group: "Dates",
        doc: "The same day `n` years later (earlier when negative); 29 February becomes 28 February in a common year.",
        example: "let due = add_years(\"2020-02-29\", 1);   // \"2021-02-28\"",
    },
    FnDoc {
        name: "days_between",
        params: &[("a", "String"), ("b", "String")],
        returns: "int",
        group: "Dates",
        doc: "Days from `a` to `b`; negative when `b` is earlier.",
        example: "for a in analyses() {\n    if a.date != () && days_between(a.date, as_of()) > 730 {\n        // older than two years\n    }\n}",
    },
    FnDoc {
        name: "year_of",
        params: &[("date", "String")],
        returns: "int",
        group: "Dates",
        doc: "The year of a date.",
        example: "let year = year_of(as_of());",
    },
    FnDoc {
        name: "rule_info",
        params: &[("id", "String")],
        returns: "?",
        group: "Rulebook and reference data",
        doc: "Metadata of any loaded rule, as a map: `id`, `title` (`sv`, `en`), `severity`, `waivable`, `in_force` (`from`, `to`), `requirement` (or `()`), `citations` (each `act`, `ref`, `title`, `url`, `unverified`, `note`), `area`; `()` if there is no such rule.",
        example: "for w in waivers() {\n    let r = rule_info(w.rule);\n    if r != () && !r.waivable {\n        // a waiver of a statute has no effect\n    }\n}",
    },
    FnDoc {
        name: "lookup",
        params: &[("set", "String"), ("key", "String"), ("date", "String")],
        returns: "?",
        group: "Rulebook and reference data",
        doc: "The entry of reference data set `set` (the `id` of a `data/*.yaml` file) for `key` in force on `date` (`from` ≤ date ≤ `to`), as a map with all its fields, or `()`. An unknown set is an error.",
        example: "for party in parties() {\n    if party.country != () {\n        let inside = lookup(\"eu_eea\", party.country, as_of()) != ();\n    }\n}",
    },
    FnDoc {
        name: "lookup_all",
        params: &[("set", "String"), ("key", "String")],
        returns: "Array",
        group: "Rulebook and reference data",
        doc: "Every entry of `set` for `key`, whatever its dates, in file order.",
        example: "let periods = lookup_all(\"eu_eea\", \"SE\").len();",
    },
    FnDoc {
        name: "where_eq",
        params: &[("list", "Array"), ("field", "String"), ("value", "?")],
        returns: "Array",
        group: "Lists",
        doc: "The objects (or maps) of `list` whose `field` equals `value`, in order. `()` as `value` keeps those that leave the field out.",
        example: "for party in parties() {\n    if party.access != () {\n        let admins = party.access.where_eq(\"level\", \"admin\");\n    }\n}",
    },
    FnDoc {
        name: "where_ne",
        params: &[("list", "Array"), ("field", "String"), ("value", "?")],
        returns: "Array",
        group: "Lists",
        doc: "The objects (or maps) of `list` whose `field` does not equal `value`, in order: `where_ne(\"level\", \"none\")` keeps a level that is not stated, as `level != \"none\"` does.",
        example: "for party in parties() {\n    if party.access != () {\n        let reaching = party.access.where_ne(\"level\", \"none\");\n    }\n}",
    },
    FnDoc {
        name: "where_in",
        params: &[("list", "Array"), ("field", "String"), ("values", "Array")],
        returns: "Array",
        group: "Lists",
        doc: "The objects (or maps) of `list` whose `field` equals one of `values`, in order; `()` in `values` keeps the items where `field` is not stated.",
        example: "for party in parties() {\n    if party.access != () {\n        let privileged = party.access.where_in(\"level\", [\"admin\", \"write\"]);\n    }\n}",
    },
    FnDoc {
        name: "where_not_in",
        params: &[("list", "Array"), ("field", "String"), ("values", "Array")],
        returns: "Array",
        group: "Lists",
        doc: "The objects (or maps) of `list` whose `field` equals none of `values`, in order.",
        example: "for party in parties() {\n    if party.access != () {\n        let reaching = party.access.where_not_in(\"level\", [\"none\"]);\n    }\n}",
    },
    FnDoc {
        name: "where_any_in",
        params: &[("list", "Array"), ("field", "String"), ("values", "Array")],
        returns: "Array",
        group: "Lists",
        doc: "The objects (or maps) of `list` whose list `field` holds at least one of `values`, in order; an unstated list (`()`) holds nothing.",
        example: "let reaching_us = parties().gather(\"access\").where_any_in(\"from\", [\"US\", \"CN\"]);",
    },
    FnDoc {
        name: "values_of",
        params: &[("map", "Map"), ("keys", "Array")],
        returns: "Array",
        group: "Lists",
        doc: "The values of `map` under `keys`, in the order of `keys` (repeats kept). A key the map does not have is an error, as when a script reads it.",
        example: "let names = #{ mfa: \"multi-factor authentication\", logging: \"access logging\" };\nlet text = names.values_of([\"logging\", \"mfa\"]).join(\", \");",
    },
    FnDoc {
        name: "where_fact",
        params: &[("list", "Array"), ("field", "String"), ("fact", "String")],
        returns: "Array",
        group: "Lists",
        doc: "The objects of `list` whose `field` names a subject for which fact `fact` is `true` (unknown and false are left out). The fact must be in this rule's `needs`, as for `fact`.",
        example: "for party in parties() {\n    if party.access != () {\n        let secret = party.access.where_fact(\"asset\", \"secret_information\");\n    }\n}",
    },
    FnDoc {
        name: "group_by",
        params: &[("list", "Array"), ("field", "String")],
        returns: "Map",
        group: "Lists",
        doc: "The objects of `list` grouped by the text in `field`: a map from each text to the objects that have it, in their order in `list` (those whose `field` is `()` are left out). One pass, where picking each key's objects out with `where_eq` walks the whole list once per key. Read a key that may have no objects with `groups.get(key) ?? []`.",
        example: "let by_party = parties().gather(\"access\").group_by(\"party\");\nfor p in parties() {\n    let entries = by_party.get(p.id) ?? [];\n}",
    },
    FnDoc {
        name: "pluck",
        params: &[("list", "Array"), ("field", "String")],
        returns: "Array",
        group: "Lists",
        doc: "`field` of each object of `list`, in order.",
        example: "let ids = assets().pluck(\"id\");",
    },
    FnDoc {
        name: "gather",
        params: &[("list", "Array"), ("field", "String")],
        returns: "Array",
        group: "Lists",
        doc: "The lists in `field` of each object of `list`, one after the other; objects that leave the field out (`()`) add nothing.",
        example: "for party in parties() {\n    if party.access != () {\n        let countries = party.access.gather(\"from\").distinct();\n    }\n}",
    },
    FnDoc {
        name: "distinct",
        params: &[("list", "Array")],
        returns: "Array",
        group: "Lists",
        doc: "`list` without repeats (texts, numbers, booleans), each kept where it first appears.",
        example: "let kinds = analyses().pluck(\"kind\").distinct();",
    },
    FnDoc {
        name: "except",
        params: &[("list", "Array"), ("others", "Array")],
        returns: "Array",
        group: "Lists",
        doc: "The items of `list` that are not in `others`, in order (repeats kept).",
        example: "for party in parties() {\n    let lacking = [\"mfa\", \"access_logging\"].except(party.measures);\n}",
    },
    FnDoc {
        name: "join",
        params: &[("list", "Array"), ("separator", "String")],
        returns: "String",
        group: "Lists",
        doc: "The items of `list` as text, with `separator` between them.",
        example: "let names = assets().pluck(\"name\").join(\", \");",
    },
    FnDoc {
        name: "first_with_any",
        params: &[("list", "Array"), ("field", "String"), ("values", "Array")],
        returns: "?",
        group: "Lists",
        doc: "The first object of `list` whose list `field` holds any of `values`, or `()`.",
        example: "for party in parties() {\n    if party.access != () {\n        let entry = party.access.first_with_any(\"storage\", [\"US\", \"CN\"]);\n    }\n}",
    },
    FnDoc {
        name: "not_listed",
        params: &[("codes", "Array"), ("set", "String"), ("date", "String")],
        returns: "Array",
        group: "Rulebook and reference data",
        doc: "The codes of `codes` for which `lookup(set, code, date)` is `()`, in order: one call instead of a loop of lookups.",
        example: "for party in parties() {\n    if party.access != () {\n        let third = party.access.gather(\"storage\").distinct().not_listed(\"eu_eea\", as_of());\n    }\n}",
    },
    FnDoc {
        name: "derive",
        params: &[("name", "String"), ("subject", "String"), ("value", "?")],
        returns: "()",
        group: "Facts",
        doc: "Record fact `name` about `subject` (an asset id, a party id, or `\"\"` for the scenario) as `true`, `false` or `()`. The fact must be in this rule's `derives`, and the subject of the kind its facts.yaml entry names (an id that is not one is an error). When several rules derive one fact, true wins over unknown, and unknown over false.",
        example: "for asset in assets() {\n    let pd = asset.personal_data;\n    let value = if pd == () || pd.categories == () { () } else { pd.categories.len() > 0 };\n    derive(\"personal_data\", asset.id, value);\n}",
    },
    FnDoc {
        name: "fact",
        params: &[("name", "String"), ("subject", "String")],
        returns: "?",
        group: "Facts",
        doc: "The value of fact `name` for `subject`: `true`, `false`, or `()` when unknown or never derived. The fact must be in this rule's `needs` (or `derives`); reading a fact whose deriving rule failed, or that no rule in force on the date derives, is an error.",
        example: "for asset in assets() {\n    if fact(\"personal_data\", asset.id) == true {\n        // …\n    }\n}",
    },
    FnDoc {
        name: "fact",
        params: &[("name", "String")],
        returns: "?",
        group: "Facts",
        doc: "Fact `name` over all subjects: `true` if it is true for any, else `()` if it is unknown for any, else `false`.",
        example: "if fact(\"personal_data\") == () {\n    // some asset does not say whether it holds personal data\n}",
    },
    FnDoc {
        name: "subjects",
        params: &[("name", "String")],
        returns: "Array",
        group: "Facts",
        doc: "The subjects (ids) for which fact `name` is `true`.",
        example: "let holders = subjects(\"personal_data\");",
    },
    FnDoc {
        name: "unknown_subjects",
        params: &[("name", "String")],
        returns: "Array",
        group: "Facts",
        doc: "The subjects (ids) for which fact `name` is unknown.",
        example: "for id in unknown_subjects(\"personal_data\") {\n    // ask for asset(id).personal_data\n}",
    },
    FnDoc {
        name: "finding",
        params: &[("path", "String"), ("options", "Map")],
        returns: "()",
        group: "Findings and assessments",
        doc: "Report a finding of this rule at scenario path `path` (`\"\"` is the whole file). Options: `sv` and `en` (the message, both required), `because` (facts and rule ids it rests on), `severity` (never above the rule's), `kind` (`violation`, the default, `missing` or `assessment`), `subject` (the asset or party id it is about). A path may name a field that was left out, if its parent or grandparent exists.",
        example: "for party in parties() {\n    if party.staff == () {\n        finding(party.path + \".staff.security_cleared\", #{\n            sv: `Ange om personalen hos ${party.name} är säkerhetsprövad.`,\n            en: `State whether the staff at ${party.name} are security vetted.`,\n            kind: \"missing\",\n            subject: party.id,\n        });\n    }\n}",
    },
    FnDoc {
        name: "ask",
        params: &[("path", "String"), ("options", "Map")],
        returns: "()",
        group: "Findings and assessments",
        doc: "Ask for a legal assessment: a finding of kind `assessment`, severity `major` (or lower if given), with a `question` map `#{ sv: …, en: … }` besides the options of `finding`. The scenario answers it under `assessments:` (`rule`, `party` or `asset`, `conclusion`, `by`, `date`).",
        example: "for party in parties() {\n    if assessment(party.id) == () {\n        ask(party.path, #{\n            subject: party.id,\n            question: #{ sv: \"Är utlämnandet lämpligt?\", en: \"Is the disclosure appropriate?\" },\n            sv: \"Bedömning saknas.\",\n            en: \"No assessment is recorded.\",\n        });\n    }\n}",
    },
    FnDoc {
        name: "assessment",
        params: &[("subject", "String")],
        returns: "?",
        group: "Findings and assessments",
        doc: "This rule's recorded answer about `subject` (a party or asset id; `\"\"` for an answer that names neither): `\"compliant\"`, `\"not_compliant\"`, or `()` when none is recorded. The last matching entry counts.",
        example: "let answer = assessment(\"\");\nif answer == \"not_compliant\" {\n    // the recorded judgement says the arrangement is unlawful\n}",
    },
    FnDoc {
        name: "to_string",
        params: &[("object", "Object")],
        returns: "String",
        group: "Objects",
        doc: "A short name for a scenario object: its kind and id (`party ibm-rs`); used by string interpolation.",
        example: "for party in parties() {\n    let name = `${party}`;   // \"party ibm-rs\"\n}",
    },
    FnDoc {
        name: "to_debug",
        params: &[("object", "Object")],
        returns: "String",
        group: "Objects",
        doc: "Every property of a scenario object, for debugging (`print` and `debug` go nowhere in the sandbox).",
        example: "let everything = decision().to_debug();",
    },
    FnDoc {
        name: "contains",
        params: &[("list", "Array"), ("text", "String")],
        returns: "bool",
        group: "Objects",
        doc: "Whether a list of texts holds `text` (also what `text in list` does). The same as Rhai's own `contains`, but done natively: rules search country and id lists in inner loops.",
        example: "for party in parties() {\n    if party.certifications.contains(\"dpf\") {\n        // certified under the Data Privacy Framework\n    }\n}",
    },
];

pub const TYPES: &[TypeDoc] = &[
    TypeDoc {
        name: "Scenario",
        kind: "scenario",
        doc: "The whole scenario (`scenario()`).",
        fields: &[
            ("granska", "int", "Format version (1)."),
            ("id", "String", "The proposal's id."),
            ("title", "?", "Its title, or `()`."),
            ("organisation", "Organisation", "Same as `org()`."),
            ("decision", "Decision", "Same as `decision()`."),
            ("governance", "?", "Same as `governance()`."),
            ("assets", "Array", "Same as `assets()`."),
            (
                "suppliers",
                "Array",
                "The top-level suppliers only (`Party`); `parties()` gives every party at any depth.",
            ),
            ("analyses", "Array", "Same as `analyses()`."),
            ("consultations", "Array", "Same as `consultations()`."),
            ("assessments", "Array", "Same as `assessments()`."),
            ("waivers", "Array", "Same as `waivers()`."),
            ("path", "String", "`\"\"`: the whole file."),
        ],
    },
    TypeDoc {
        name: "Organisation",
        kind: "organisation",
        doc: "`organisation:` — who takes the decision.",
        fields: &[
            ("name", "String", "Its name."),
            (
                "type",
                "String",
                "`municipality`, `region`, `municipal_company` or `state_agency`.",
            ),
            (
                "security_protection_officer",
                "?",
                "Whether a säkerhetsskyddschef is appointed: `true`, `false` or `()`.",
            ),
            (
                "isms",
                "?",
                "Whether an ISMS (LIS) is in place: `true`, `false` or `()`.",
            ),
            ("path", "String", "`\"organisation\"`."),
        ],
    },
    TypeDoc {
        name: "Decision",
        kind: "decision",
        doc: "`decision:` — the decision to be taken.",
        fields: &[
            (
                "kind",
                "String",
                "`outsourcing`, `cloud_service`, `change_of_supplier` or `extension`.",
            ),
            (
                "stage",
                "String",
                "`planning`, `procurement`, `contract` or `operation`.",
            ),
            (
                "date",
                "String",
                "The decision date; the law of this date applies unless `--as-of`.",
            ),
            ("decided_by", "?", "Who decides, or `()`."),
            ("summary", "?", "A summary, or `()`."),
            ("path", "String", "`\"decision\"`."),
        ],
    },
    TypeDoc {
        name: "Governance",
        kind: "governance",
        doc: "`governance:` — who prepared the decision.",
        fields: &[
            (
                "participants",
                "?",
                "Array of `management`, `it`, `procurement`, `security`, `information_security`, `legal`, `data_protection`; `()` when left out.",
            ),
            ("path", "String", "`\"governance\"`."),
        ],
    },
    TypeDoc {
        name: "Asset",
        kind: "asset",
        doc: "An information asset (`assets[i]`).",
        fields: &[
            ("id", "String", "Its id."),
            ("name", "String", "Its name."),
            (
                "classification",
                "?",
                "A `Classification`, or `()` when left out.",
            ),
            (
                "secrecy",
                "?",
                "Array of the secrecy provisions that cover it (`[]` = none), or `()`.",
            ),
            (
                "personal_data",
                "?",
                "A `PersonalData`, or `()` when left out.",
            ),
            (
                "security_classification",
                "?",
                "`none`, `begransat_hemlig`, `konfidentiell`, `hemlig`, `kvalificerat_hemlig`, or `()`.",
            ),
            ("security_sensitive", "?", "`true`, `false` or `()`."),
            ("critical_service", "?", "`true`, `false` or `()`."),
            (
                "access",
                "Array",
                "Every `Access` entry, of any party, that reaches this asset; `[]` when none does.",
            ),
            ("path", "String", "`\"assets[i]\"`."),
        ],
    },
    TypeDoc {
        name: "Classification",
        kind: "classification",
        doc: "An asset's KLASSA-style levels, each 0–4 or `()`.",
        fields: &[
            ("confidentiality", "?", "0–4 or `()`."),
            ("integrity", "?", "0–4 or `()`."),
            ("availability", "?", "0–4 or `()`."),
            ("traceability", "?", "0–4 or `()`."),
            ("path", "String", "`\"assets[i].classification\"`."),
        ],
    },
    TypeDoc {
        name: "PersonalData",
        kind: "personal_data",
        doc: "What personal data an asset holds.",
        fields: &[
            (
                "categories",
                "?",
                "Array of data categories (`[]` = no personal data), or `()`.",
            ),
            ("protected_identities", "?", "`true`, `false` or `()`."),
            ("data_subjects", "?", "How many people, or `()`."),
            ("path", "String", "`\"assets[i].personal_data\"`."),
        ],
    },
    TypeDoc {
        name: "Party",
        kind: "party",
        doc: "A supplier or subcontractor at any depth (`parties()`).",
        fields: &[
            ("id", "String", "Its id."),
            ("name", "String", "Its name."),
            (
                "country",
                "?",
                "Where it is established (ISO 3166-1 alpha-2), or `()`.",
            ),
            (
                "parent_country",
                "?",
                "Jurisdiction of its ultimate owner, or `()`.",
            ),
            (
                "services",
                "Array",
                "What it delivers (`operations`, `hosting`, …); `[]` when none is stated.",
            ),
            ("access", "?", "Array of `Access`, or `()` when left out."),
            ("staff", "?", "A `Staff`, or `()` when left out."),
            (
                "certifications",
                "Array",
                "Its certifications (`iso_27001`, `dpf`, …); `[]` when none is stated.",
            ),
            (
                "measures",
                "Array",
                "Its security measures (`mfa`, `encryption_at_rest`, …); `[]` when none is stated.",
            ),
            (
                "agreements",
                "Array",
                "Array of `Agreement`; `[]` when none is stated.",
            ),
            (
                "subprocessors_authorised",
                "?",
                "Whether the organisation authorised its subcontractors: `true`, `false` or `()`.",
            ),
            (
                "subcontractors",
                "Array",
                "The ids of its direct subcontractors.",
            ),
            ("path", "String", "`\"suppliers[0].subcontractors[1]\"`."),
            (
                "chain",
                "Array",
                "Ids from the top supplier down to this party.",
            ),
            ("chain_text", "String", "The chain joined with ` › `."),
            (
                "label",
                "String",
                "How messages name it: `\"IBM Svenska AB (ibm-se › ibm-rs)\"` (name and chain).",
            ),
            (
                "depth",
                "int",
                "0 for a supplier, 1 for its subcontractor, …",
            ),
            (
                "parent",
                "?",
                "The id of the party that engages it, or `()` for a supplier.",
            ),
            ("top", "String", "The id of its top supplier."),
            (
                "reaches",
                "Array",
                "The ids of the assets its staff can reach: access at any level but `none` (an unstated level counts).",
            ),
        ],
    },
    TypeDoc {
        name: "Access",
        kind: "access",
        doc: "What a party reaches (`party.access[i]`, and `asset.access` from the other side).",
        fields: &[
            (
                "party",
                "String",
                "The id of the party that has this access.",
            ),
            ("asset", "String", "The asset id."),
            (
                "asset_name",
                "String",
                "The asset's name, for messages (its id if no asset has that id).",
            ),
            (
                "level",
                "?",
                "`none`, `metadata`, `read`, `write`, `admin`, or `()`.",
            ),
            (
                "from",
                "?",
                "Array of the countries staff reach it from, or `()`.",
            ),
            (
                "storage",
                "?",
                "Array of the countries where it is stored, or `()`.",
            ),
            ("path", "String", "`\"suppliers[0].access[0]\"`."),
        ],
    },
    TypeDoc {
        name: "Staff",
        kind: "staff",
        doc: "A party's staff.",
        fields: &[
            (
                "security_cleared",
                "?",
                "Whether all staff with access are security vetted and placed in a security class: `true`, `false` or `()`.",
            ),
            ("path", "String", "`\"suppliers[0].staff\"`."),
        ],
    },
    TypeDoc {
        name: "Agreement",
        kind: "agreement",
        doc: "An agreement with a party (`party.agreements[i]`).",
        fields: &[
            (
                "kind",
                "String",
                "`data_processing`, `confidentiality`, `security_protection`, `transfer_scc`, `transfer_bcr` or `exit`.",
            ),
            ("date", "?", "When it was concluded, or `()`."),
            (
                "level",
                "?",
                "Level 1–3 of a security protection agreement, or `()`.",
            ),
            ("path", "String", "`\"suppliers[0].agreements[0]\"`."),
        ],
    },
    TypeDoc {
        name: "Analysis",
        kind: "analysis",
        doc: "An analysis made before the decision (`analyses()`).",
        fields: &[
            (
                "kind",
                "String",
                "`risk_analysis`, `dpia`, `security_protection_analysis`, … (see the scenario format).",
            ),
            ("date", "?", "When it was made, or `()`."),
            (
                "assets",
                "?",
                "Array of the asset ids it covers, or `()` = all assets.",
            ),
            ("path", "String", "`\"analyses[i]\"`."),
        ],
    },
    TypeDoc {
        name: "Consultation",
        kind: "consultation",
        doc: "A consultation with or notification to an authority (`consultations()`).",
        fields: &[
            (
                "authority",
                "String",
                "The authority (see the scenario format).",
            ),
            (
                "kind",
                "String",
                "`consultation`, `notification`, `prior_consultation` or `advice`.",
            ),
            ("date", "?", "Its date, or `()`."),
            (
                "outcome",
                "?",
                "`no_objection`, `conditions`, `objection`, `stop`, `prohibition`, `pending`, or `()`.",
            ),
            ("path", "String", "`\"consultations[i]\"`."),
        ],
    },
    TypeDoc {
        name: "Assessment",
        kind: "assessment",
        doc: "A recorded legal assessment (`assessments()`).",
        fields: &[
            ("rule", "String", "The rule that asked."),
            ("party", "?", "The party it concerns, or `()`."),
            ("asset", "?", "The asset it concerns, or `()`."),
            ("question", "?", "The question as recorded, or `()`."),
            ("conclusion", "String", "`compliant` or `not_compliant`."),
            ("by", "String", "Who made it."),
            ("date", "String", "When."),
            (
                "reference",
                "?",
                "Where the reasoning is kept (diarienummer), or `()`.",
            ),
            ("path", "String", "`\"assessments[i]\"`."),
        ],
    },
    TypeDoc {
        name: "Waiver",
        kind: "waiver",
        doc: "A decision to accept the findings of a rule (`waivers()`).",
        fields: &[
            ("rule", "String", "The waived rule."),
            ("reason", "String", "Why."),
            ("decided_by", "String", "Who decided."),
            ("date", "String", "When."),
            ("expires", "String", "Until when (inclusive)."),
            ("path", "String", "`\"waivers[i]\"`."),
        ],
    },
];

fn signature(f: &FnDoc) -> String {
    let params: Vec<String> = f.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    // Rhai's own definition files leave out `-> ()`.
    let returns = if f.returns == "()" {
        String::new()
    } else {
        format!(" -> {}", f.returns)
    };
    format!("{}({}){returns}", f.name, params.join(", "))
}

fn doc_comment(out: &mut String, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            let _ = writeln!(out, "/// {line}");
        }
    }
}

/// The Rhai definitions file (`.d.rhai`) that the Rhai language server reads.
pub fn definitions() -> String {
    let mut out = String::from(
        "// granska's rule API for editors (the Rhai language server reads `.d.rhai` files).\n\
         // Generated by `granska rules defs -o rules/granska.d.rhai` from src/eval/api_docs.rs; do not edit.\n\
         // A value documented as `?` is often `()`: unknown, never the same as false or [].\n\n\
         module static;\n",
    );
    for (group, about) in GROUPS {
        let _ = writeln!(out, "\n// ---- {group} ----\n// {about}");
        for f in FUNCTIONS.iter().filter(|f| f.group == *group) {
            out.push('\n');
            doc_comment(
                &mut out,
                &format!("{}\n\n# Example\n\n```rhai\n{}\n```", f.doc, f.example),
            );
            let _ = writeln!(out, "fn {};", signature(f));
        }
    }
    out.push_str("\n// ---- The scenario as rules see it: read-only objects ----\n// Reading a property not listed here is an error.\n");
    for t in TYPES {
        let _ = writeln!(out, "\n// {} — {}", t.name, t.doc);
        for (field, ty, doc) in t.fields {
            doc_comment(&mut out, doc);
            let _ = writeln!(out, "fn get {field}(this: {}) -> {ty};", t.name);
        }
    }
    out
}

/// `docs/helper-api.md`: every function with an example, and every object's properties.
pub fn markdown() -> String {
    let mut out = String::from(
        "<!-- Generated by `granska rules defs -o docs/helper-api.md` from src/eval/api_docs.rs. Do not edit. -->\n\n\
         # The rule API\n\n\
         Every function a rule can call, and every property of the scenario objects it can read. \
         Besides these, rules have Rhai's core language (strings, arrays, maps, `for`, `if`, closures) \
         and the shared functions in `rules/lib/`. There is no clock, file, network or environment.\n\n\
         Editors that use the Rhai language server get completion and these texts from \
         `rules/granska.d.rhai` (the same table, as a definitions file).\n\n",
    );
    for (group, _) in GROUPS {
        let _ = writeln!(
            out,
            "- [{group}](#{})",
            group.to_lowercase().replace(' ', "-")
        );
    }
    out.push_str("- [The scenario objects](#the-scenario-objects)\n");
    for (group, about) in GROUPS {
        let _ = writeln!(out, "\n## {group}\n\n{about}");
        for f in FUNCTIONS.iter().filter(|f| f.group == *group) {
            let _ = writeln!(
                out,
                "\n### `{}`\n\n{}\n\n```rhai\n{}\n```",
                signature(f),
                f.doc,
                f.example
            );
        }
    }
    out.push_str("\n## The scenario objects\n\nRead-only. A property not listed here is an error (a typo fails loudly). `?` means the value may be `()`: left out of the scenario, unknown.\n");
    for t in TYPES {
        let _ = writeln!(
            out,
            "\n### {}\n\n{}\n\n| property | type | |\n|---|---|---|",
            t.name, t.doc
        );
        for (field, ty, doc) in t.fields {
            let _ = writeln!(out, "| `{field}` | `{ty}` | {} |", doc.replace('|', "\\|"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use super::*;
    use crate::eval::bridge::{Obj, ScenarioView};
    use crate::rulebook::{Rulebook, Tree};

    fn rulebook() -> Rulebook {
        Rulebook::load(&[Tree::Builtin]).expect("the built-in rulebook loads")
    }

    /// Every `register_fn("name"` in sandbox.rs has an entry, and every entry is registered.
    #[test]
    fn table_names_every_registered_function() {
        let source = concat!(include_str!("sandbox.rs"), include_str!("lists.rs"));
        let re = regex::Regex::new(r#"register_fn\(\s*"(\w+)""#).unwrap();
        let registered: BTreeSet<&str> = re
            .captures_iter(source)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        let documented: BTreeSet<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
        assert_eq!(
            registered, documented,
            "src/eval/api_docs.rs and the functions registered in sandbox.rs differ"
        );
        for f in FUNCTIONS {
            assert!(
                GROUPS.iter().any(|(g, _)| *g == f.group),
                "{} has an unknown group",
                f.name
            );
        }
    }

    /// Each documented signature resolves to a registered function: called outside a rule run
    /// it may fail, but never with "function not found".
    #[test]
    fn documented_signatures_exist() {
        let rb = rulebook();
        let engine = crate::eval::sandbox::engine(&rb);
        for f in FUNCTIONS {
            let args: Vec<&str> = f
                .params
                .iter()
                .map(|(_, t)| match *t {
                    "String" => "\"2020-01-01\"",
                    "int" => "1",
                    "Map" => "#{}",
                    "Array" => "[]",
                    "Object" => "0",
                    _ => "()",
                })
                .collect();
            if f.params.iter().any(|(_, t)| *t == "Object") {
                continue; // needs a scenario object; covered by objects_have_the_documented_properties
            }
            let call = format!("{}({})", f.name, args.join(", "));
            if let Err(e) = engine.eval::<rhai::Dynamic>(&call) {
                assert!(
                    !matches!(*e, rhai::EvalAltResult::ErrorFunctionNotFound(..)),
                    "`{call}` is documented but not registered: {e}"
                );
            }
        }
    }

    /// Every example compiles in the sandbox (strict variables: no undefined names).
    #[test]
    fn examples_compile() {
        let engine = crate::rulebook::compile::base_engine();
        for f in FUNCTIONS {
            engine
                .compile(f.example)
                .unwrap_or_else(|e| panic!("example of {}: {e}\n{}", f.name, f.example));
        }
    }

    /// An object's kind and property names, as the engine reports them to a script that
    /// reads a property that does not exist.
    fn shape(o: &Obj) -> (String, BTreeSet<String>) {
        let kind = format!("{o:?}").split('{').next().unwrap_or("").to_string();
        let msg = o
            .clone()
            .property("zzzzzzzzzzzz")
            .expect_err("unknown properties are errors")
            .to_string();
        let list = msg
            .split("it has: ")
            .nth(1)
            .unwrap_or_else(|| panic!("no property list in `{msg}`"));
        (
            kind,
            list.split(", ").map(|s| s.trim().to_string()).collect(),
        )
    }

    fn collect(d: &rhai::Dynamic, out: &mut std::collections::BTreeMap<String, BTreeSet<String>>) {
        if let Some(o) = d.clone().try_cast::<Obj>() {
            let (kind, fields) = shape(&o);
            for f in &fields {
                if let Some(v) = o.get(f) {
                    collect(v, out);
                }
            }
            out.insert(kind, fields);
        } else if let Some(a) = d.clone().try_cast::<rhai::Array>() {
            a.iter().for_each(|x| collect(x, out));
        }
    }

    /// The objects scripts read have exactly the documented properties.
    #[test]
    fn objects_have_the_documented_properties() {
        let rb = rulebook();
        let mut shapes = std::collections::BTreeMap::new();
        // The worked scenarios, plus one with the parts they may all leave out.
        let rule = rb.rules[0].meta.id.clone();
        let extra = format!(
            "granska: 1\nid: x\norganisation: {{ name: K, type: municipality }}\n\
             decision: {{ kind: outsourcing, stage: planning, date: 2024-01-01 }}\n\
             assets: [{{ id: a, name: A }}]\nsuppliers: [{{ id: s, name: S, access: [{{ asset: a }}] }}]\n\
             assessments: [{{ rule: {rule}, party: s, conclusion: compliant, by: B, date: 2024-01-01 }}]\n\
             waivers: [{{ rule: {rule}, reason: R, decided_by: B, date: 2024-01-01, expires: 2024-12-31 }}]\n"
        );
        let mut inputs = crate::rulebook::discover::builtin_scenarios();
        inputs.push(("extra.yaml".into(), extra.into_bytes()));
        for (name, bytes) in inputs {
            let text = String::from_utf8(bytes).expect("UTF-8");
            let file = Arc::new(crate::source::SourceFile::new(name.clone(), &name, text));
            let loaded =
                crate::scenario::load_source(file, &rb).unwrap_or_else(|_| panic!("{name} loads"));
            let view = ScenarioView::build(Arc::new(loaded));
            collect(&view.root, &mut shapes);
            collect(&view.parties, &mut shapes);
        }
        for t in TYPES {
            let documented: BTreeSet<String> = t.fields.iter().map(|f| f.0.to_string()).collect();
            let actual = shapes.get(t.kind).unwrap_or_else(|| {
                panic!(
                    "no worked scenario has a `{}` object; extend the test",
                    t.kind
                )
            });
            assert_eq!(
                actual, &documented,
                "properties of {} (`{}`)",
                t.name, t.kind
            );
        }
        let undocumented: Vec<&String> = shapes
            .keys()
            .filter(|k| !TYPES.iter().any(|t| t.kind == k.as_str()))
            .collect();
        assert!(
            undocumented.is_empty(),
            "object kinds not in api_docs.rs: {undocumented:?}"
        );
    }

    #[test]
    fn generated_files_mention_every_function() {
        let defs = definitions();
        let md = markdown();
        for f in FUNCTIONS {
            assert!(
                defs.contains(&format!("fn {};", signature(f))),
                "{}",
                f.name
            );
            assert!(
                md.contains(&format!("### `{}`", signature(f))),
                "{}",
                f.name
            );
        }
    }
}
