//! Deterministic generator of synthetic scenarios for the batch benchmark and for tests.
//!
//! `scenario(i)` returns the YAML text of one valid scenario (format version 1, see
//! `scenario-format.md`) with 30 information assets and 10 suppliers, each with 0–3
//! subcontractors (now and then one level deeper). The same index always gives the same
//! text, byte for byte, on every platform: the only source of variation is a small
//! xorshift PRNG seeded from the index; nothing reads the clock, the environment or a
//! `HashMap` iteration order.
//!
//! The mix is meant to make every kind of rule fire sometimes: decision dates from 2015
//! to 2026 (PUL/GDPR, 1996:627/2018:585/2021:952, Safe Harbor/Privacy Shield/DPF),
//! suppliers in Sweden, the EU, the EEA, adequacy countries and other third countries,
//! foreign parents, all access levels, security-classified and security-sensitive assets,
//! special-category data, missing and present agreements, analyses (some dated after the
//! decision), consultations, assessments and waivers — and, in a small share of cases,
//! facts left out entirely so that rules must report them as unknown. About a quarter of
//! the scenarios are *careful* (every fact stated, EU/EEA only, agreements, analyses and
//! samråd in place), so the verdicts are mixed rather than all BLOCKED, and about one in ten
//! is *concentrated* (every critical asset with one supplier, no exit agreement). Checked
//! against the standard rulebook as it stood when this was written, a corpus of 150 gave
//! 77 BLOCKED, 59 CONDITIONAL and 14 CLEAR, with every rule firing in at least one file.
//!
//! Every id is unique within a file and every reference resolves (`access[].asset`,
//! `analyses[].assets`, `assessments[].party`/`.asset`). Rule ids used in `assessments`
//! and `waivers` are taken from [`ASSESSMENT_RULES`] and [`WAIVER_RULES`]; they must exist
//! in the rulebook the corpus is checked against.
//!
//! Used as a plain module: `#[path = "generate.rs"] mod generate;` (benches and tests).
//! No dependencies besides `std`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// Number of information assets per generated scenario.
pub const ASSETS: usize = 30;
/// Number of top-level suppliers per generated scenario.
pub const SUPPLIERS: usize = 10;
/// In a *concentrated* scenario, the assets `0..CORE` are the only critical ones, and only the
/// first supplier reaches them.
const CORE: usize = 5;

/// Rule ids that `assessments[].rule` may name (must exist in the loaded rulebook).
pub const ASSESSMENT_RULES: &[&str] = &["OSL-DISCLOSURE-SECRECY-ASSESSMENT"];
/// Rule ids that `waivers[].rule` may name (must exist in the loaded rulebook). All three are
/// statutory: a waiver of them has no effect and is itself reported, which the benchmark
/// should exercise.
pub const WAIVER_RULES: &[&str] = &[
    "SSL-PERSONNEL-CLEARANCE",
    "OSL-DISCLOSURE-SECRECY-ASSESSMENT",
    "PUL-THIRD-COUNTRY-TRANSFER",
];

/// The YAML text of synthetic scenario number `index` (deterministic).
pub fn scenario(index: usize) -> String {
    Generator::new(index).build()
}

/// Like [`scenario`], with `assets` information assets and `suppliers` top-level suppliers
/// (each still with 0–3 subcontractors): a large organisation's inventory, to see that the
/// rules' work grows with the scenario and not faster (`assets` at least [`ASSETS`]).
pub fn scenario_sized(index: usize, assets: usize, suppliers: usize) -> String {
    let mut g = Generator::new(index);
    g.n_assets = assets.max(ASSETS);
    g.n_suppliers = suppliers;
    g.build()
}

/// The file name `write_corpus` uses for scenario number `index`.
pub fn file_name(index: usize) -> String {
    format!("synthetic-{index:05}.yaml")
}

/// Writes scenarios `0..n` into `dir` (created if missing) as `synthetic-00000.yaml`, ….
pub fn write_corpus(dir: &Path, n: usize) -> std::io::Result<()> {
    write_scenarios(dir, 0..n)
}

/// Writes the scenarios numbered `indices` into `dir` (created if missing).
pub fn write_scenarios(dir: &Path, indices: std::ops::Range<usize>) -> std::io::Result<()> {
    write_scenarios_sized(dir, indices, ASSETS, SUPPLIERS)
}

/// [`write_scenarios`] with [`scenario_sized`]'s sizes.
pub fn write_scenarios_sized(
    dir: &Path,
    indices: std::ops::Range<usize>,
    assets: usize,
    suppliers: usize,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for i in indices {
        std::fs::write(dir.join(file_name(i)), scenario_sized(i, assets, suppliers))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// PRNG: xorshift64* seeded through splitmix64, so neighbouring indices differ widely.
// ---------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() >> 11) as i64 % (hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indices of `0..n`, in ascending order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            idx.swap(i, j);
        }
        let mut out = idx[..k].to_vec();
        out.sort_unstable();
        out
    }
}

// ---------------------------------------------------------------------------------------
// Dates: days since 1970-01-01 <-> YYYY-MM-DD (proleptic Gregorian, H. Hinnant's algorithm).
// ---------------------------------------------------------------------------------------

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = (if y >= 0 { y } else { y - 399 }) / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = (if z >= 0 { z } else { z - 146_096 }) / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------------------
// Reference vocabulary (names only; no legal judgement lives here).
// ---------------------------------------------------------------------------------------

const EU: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES",
];
const EEA: &[&str] = &["NO", "IS", "LI"];
/// Countries with (at some time) a Commission adequacy decision.
const ADEQUATE: &[&str] = &[
    "CH", "GB", "JP", "KR", "NZ", "IL", "CA", "UY", "AR", "AD", "BR",
];
/// Other third countries.
const THIRD: &[&str] = &[
    "US", "IN", "RS", "CN", "UA", "TR", "PH", "VN", "ZA", "RU", "MY", "EG",
];

const ORG_TYPES: &[&str] = &[
    "municipality",
    "region",
    "municipal_company",
    "state_agency",
];
const DECISION_KINDS: &[&str] = &[
    "outsourcing",
    "cloud_service",
    "change_of_supplier",
    "extension",
];
const STAGES: &[&str] = &["planning", "procurement", "contract", "operation"];
const PARTICIPANTS: &[&str] = &[
    "management",
    "it",
    "procurement",
    "security",
    "information_security",
    "legal",
    "data_protection",
];
const CATEGORIES: &[&str] = &[
    "ordinary",
    "personal_identity_number",
    "criminal_offences",
    "racial_or_ethnic_origin",
    "political_opinions",
    "religious_or_philosophical_beliefs",
    "trade_union_membership",
    "genetic",
    "biometric",
    "health",
    "sex_life_or_sexual_orientation",
];
const SECRECY: &[&str] = &[
    "OSL 15:2",
    "OSL 18:8",
    "OSL 21:3",
    "OSL 22:1",
    "OSL 23:2",
    "OSL 25:1",
    "OSL 26:1",
    "OSL 31:16",
    "OSL 39:3",
    "OSL 40:5",
];
const SERVICES: &[&str] = &[
    "operations",
    "hosting",
    "storage",
    "backup",
    "service_desk",
    "support",
    "development",
    "maintenance",
    "network",
    "security_operations",
    "saas",
    "consulting",
];
const LEVELS: &[&str] = &["none", "metadata", "read", "write", "admin"];
const CERTIFICATIONS: &[&str] = &[
    "dpf",
    "privacy_shield",
    "safe_harbor",
    "iso_27001",
    "iso_27017",
    "iso_27018",
    "iso_27701",
    "soc2",
    "c5",
];
const MEASURES: &[&str] = &[
    "encryption_at_rest",
    "encryption_in_transit",
    "customer_managed_keys",
    "mfa",
    "access_logging",
    "backup_offsite",
    "second_site",
    "pseudonymisation",
    "network_segmentation",
    "vulnerability_management",
    "incident_response",
];
const ANALYSES: &[&str] = &[
    "security_protection_analysis",
    "special_security_assessment",
    "information_classification",
    "risk_analysis",
    "dpia",
    "secrecy_assessment",
    "transfer_impact_assessment",
    "continuity_plan",
    "exit_plan",
];
const AUTHORITIES: &[&str] = &[
    "sakerhetspolisen",
    "forsvarsmakten",
    "lansstyrelsen",
    "imy",
    "other",
];
const CONSULTATION_KINDS: &[&str] = &[
    "consultation",
    "notification",
    "prior_consultation",
    "advice",
];
const OUTCOMES: &[&str] = &[
    "no_objection",
    "conditions",
    "objection",
    "stop",
    "prohibition",
    "pending",
];

const ORG_NAMES: &[&str] = &[
    "Norrvikens",
    "Åsbacka",
    "Lindåsa",
    "Storå",
    "Bergsjö",
    "Västerdal",
    "Ådalens",
    "Norrhav",
    "Sjöbo",
    "Mellanby",
    "Granträsk",
    "Hälleforsa",
    "Kustvik",
    "Ekdala",
    "Östermalma",
];
const AGENCIES: &[&str] = &[
    "Myndigheten för geografisk information",
    "Statens registerverk",
    "Trafikdataverket",
    "Myndigheten för digital förvaltning i norr",
    "Statens tillståndsnämnd",
    "Fordonsregisterverket",
];
const ASSET_NAMES: &[(&str, &str)] = &[
    ("ekonomi", "Ekonomisystem och leverantörsreskontra"),
    ("lon", "Lön och personaladministration"),
    ("diarium", "Diarium och ärendehantering"),
    ("epost", "E-post och kalender"),
    ("socialtjanst", "Personakter inom socialtjänsten"),
    ("elevhalsa", "Elevhälsans journaler"),
    ("skolplattform", "Skolplattform med betyg och frånvaro"),
    ("journal", "Patientjournal"),
    ("pacs", "Röntgen- och bildarkiv"),
    ("bygglov", "Bygglovsärenden"),
    ("fastighet", "Fastighetsregister med ägaruppgifter"),
    ("fordon", "Fordonsregister"),
    ("korkort", "Körkortsregister"),
    ("scada", "Styr- och övervakningssystem"),
    ("natverk", "Nätverk och brandväggar"),
    ("katalog", "Katalogtjänst och behörigheter"),
    ("arkiv", "E-arkiv"),
    ("webb", "Extern webbplats"),
    ("intranat", "Intranät"),
    ("geodata", "Skyddade geodata"),
    ("beredskap", "Krisledning och beredskapsplaner"),
    ("bistand", "Ekonomiskt bistånd"),
    ("overformyndare", "Överförmyndarärenden"),
    ("vard-omsorg", "Vård- och omsorgsdokumentation"),
    ("telefoni", "Telefoni och kontaktcenter"),
    ("tillstand", "Tillståndsregister"),
    ("upphandling", "Upphandlingsdokumentation"),
    ("statistik", "Verksamhetsstatistik"),
    ("vatten", "Vattenverkens processdata"),
    ("passage", "Passagesystem och larm"),
];
const SUPPLIER_STEMS: &[&str] = &[
    "Nordisk Drift",
    "Molnpartner",
    "Driftcentralen",
    "Datahallen",
    "Säker IT",
    "Infra Norden",
    "Kommundata",
    "Lagringsbolaget",
    "Supportlinjen",
    "Systemförvaltarna",
    "Nätdrift",
    "Arkivtjänst",
    "Vårddata",
    "Automationsdrift",
    "Hostingbolaget",
];

// ---------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------

struct Asset {
    id: String,
    /// security_classification konfidentiell or higher.
    classified: bool,
    /// security_sensitive stated true (or classified).
    sensitive: bool,
}

struct Generator {
    index: usize,
    rng: Rng,
    out: String,
    decision_day: i64,
    /// About a quarter of the scenarios are *careful*: every fact stated, EU/EEA only,
    /// agreements and analyses in place. They keep the verdicts varied (not everything is
    /// BLOCKED) and exercise the "nothing to report" paths of the rules.
    careful: bool,
    /// About one in ten scenarios put every critical asset (the first [`CORE`]) with the first
    /// supplier and nobody else, without an exit agreement: supplier concentration.
    concentrated: bool,
    org_kind: &'static str,
    assets: Vec<Asset>,
    party_ids: Vec<String>,
    /// How many assets and top-level suppliers to write.
    n_assets: usize,
    n_suppliers: usize,
}

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML flow list of plain scalars (our vocabulary never needs quoting; note that
/// country codes such as `NO` are written plain on purpose: YAML 1.2 reads them as strings).
fn flow(items: &[&str]) -> String {
    format!("[{}]", items.join(", "))
}

impl Generator {
    fn new(index: usize) -> Self {
        let mut rng = Rng::new(index as u64);
        let careful = rng.chance(25);
        let concentrated = rng.chance(10);
        Generator {
            index,
            rng,
            out: String::with_capacity(24 * 1024),
            decision_day: 0,
            careful,
            concentrated,
            org_kind: "municipality",
            assets: Vec::new(),
            party_ids: Vec::new(),
            n_assets: ASSETS,
            n_suppliers: SUPPLIERS,
        }
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// Whether to leave an optional fact out (never in a careful scenario).
    fn omit(&mut self, percent: u32) -> bool {
        !self.careful && self.rng.chance(percent)
    }

    /// A country for a party or an access list: mostly Sweden, then EU, EEA, adequacy, other.
    #[allow(clippy::explicit_auto_deref)] // the arms must agree on &'static str
    fn country(&mut self) -> &'static str {
        if self.careful {
            return match self.rng.below(100) {
                0..=69 => "SE",
                70..=94 => *self.rng.pick(EU),
                _ => *self.rng.pick(EEA),
            };
        }
        match self.rng.below(100) {
            0..=49 => "SE",
            50..=71 => *self.rng.pick(EU),
            72..=76 => *self.rng.pick(EEA),
            77..=86 => *self.rng.pick(ADEQUATE),
            _ => *self.rng.pick(THIRD),
        }
    }

    /// A date `lo..=hi` days before the decision (negative = after the decision).
    fn day_before(&mut self, lo: i64, hi: i64) -> String {
        let back = self.rng.range(lo, hi);
        date(self.decision_day - back)
    }

    fn build(mut self) -> String {
        let i = self.index;
        // Decision date: 2015-01-01 ..= 2026-12-31.
        let first = days_from_civil(2015, 1, 1);
        let last = days_from_civil(2026, 12, 31);
        self.decision_day = self.rng.range(first, last);

        let profile = if self.careful { "careful" } else { "mixed" };
        let _ = writeln!(
            self.out,
            "# Synthetic scenario {i} ({profile}) generated by benches/generate.rs (deterministic)."
        );
        self.line("granska: 1");
        let _ = writeln!(self.out, "id: synthetic-{i:05}");
        let _ = writeln!(
            self.out,
            "title: {}",
            q(&format!("Syntetiskt utkontrakteringsförslag nr {i}"))
        );

        self.organisation();
        self.decision();
        self.governance();
        self.assets();
        self.suppliers();
        self.analyses();
        self.consultations();
        self.assessments();
        self.waivers();
        self.out
    }

    fn organisation(&mut self) {
        let kind = *self.rng.pick(ORG_TYPES);
        self.org_kind = kind;
        let name = match kind {
            "municipality" => format!("{} kommun", self.rng.pick(ORG_NAMES)),
            "region" => format!("Region {}", self.rng.pick(ORG_NAMES).trim_end_matches('s')),
            "municipal_company" => format!(
                "{} Energi och Vatten AB",
                self.rng.pick(ORG_NAMES).trim_end_matches('s')
            ),
            _ => self.rng.pick(AGENCIES).to_string(),
        };
        self.line("organisation:");
        let _ = writeln!(self.out, "  name: {}", q(&name));
        let _ = writeln!(self.out, "  type: {kind}");
        if !self.omit(8) {
            let v = self.careful || self.rng.chance(75);
            let _ = writeln!(self.out, "  security_protection_officer: {v}");
        }
        if !self.omit(8) {
            let v = self.careful || self.rng.chance(55);
            let _ = writeln!(self.out, "  isms: {v}");
        }
    }

    fn decision(&mut self) {
        let kind = *self.rng.pick(DECISION_KINDS);
        let stage = *self.rng.pick(STAGES);
        let day = date(self.decision_day);
        self.line("decision:");
        let _ = writeln!(self.out, "  kind: {kind}");
        let _ = writeln!(self.out, "  stage: {stage}");
        let _ = writeln!(self.out, "  date: {day}");
        let by = *self.rng.pick(&[
            "Kommunstyrelsen",
            "Regionstyrelsen",
            "Generaldirektör",
            "Styrelsen",
            "Förvaltningschef",
        ]);
        let _ = writeln!(self.out, "  decided_by: {}", q(by));
        let _ = writeln!(
            self.out,
            "  summary: {}",
            q("Syntetiskt förslag om drift av IT-tjänster med underleverantörer.")
        );
    }

    fn governance(&mut self) {
        if self.omit(5) {
            return; // left out: unknown who took part
        }
        let mut chosen = vec!["management"];
        for p in &PARTICIPANTS[1..] {
            if self.careful || self.rng.chance(60) {
                chosen.push(p);
            }
        }
        self.line("governance:");
        let _ = writeln!(self.out, "  participants: {}", flow(&chosen));
    }

    fn assets(&mut self) {
        self.line("assets:");
        for n in 0..self.n_assets {
            let (stem, name) = ASSET_NAMES[n % ASSET_NAMES.len()];
            let id = format!("a{:02}-{stem}", n + 1);
            let _ = writeln!(self.out, "  - id: {id}");
            let _ = writeln!(self.out, "    name: {}", q(name));

            if !self.omit(6) {
                self.line("    classification:");
                for aspect in [
                    "confidentiality",
                    "integrity",
                    "availability",
                    "traceability",
                ] {
                    if self.omit(3) {
                        continue; // one aspect left out now and then
                    }
                    let mut v = self.rng.below(5);
                    if self.concentrated && n >= CORE && aspect == "availability" {
                        v = v.min(2); // not critical
                    }
                    let _ = writeln!(self.out, "      {aspect}: {v}");
                }
            }

            // Security classification first: it shapes secrecy and sensitivity.
            let sc = match self.rng.below(100) {
                0..=69 => "none",
                70..=77 => "begransat_hemlig",
                78..=89 => "konfidentiell",
                90..=96 => "hemlig",
                _ => "kvalificerat_hemlig",
            };
            let classified = matches!(sc, "konfidentiell" | "hemlig" | "kvalificerat_hemlig");

            if !self.omit(6) {
                let k = if sc != "none" {
                    1 + self.rng.below(2)
                } else {
                    self.rng.below(3)
                };
                let mut picks: Vec<&str> = self
                    .rng
                    .sample(SECRECY.len(), k)
                    .into_iter()
                    .map(|j| SECRECY[j])
                    .collect();
                if sc != "none" && !picks.contains(&"OSL 15:2") {
                    picks.push("OSL 15:2");
                }
                let quoted: Vec<String> = picks.iter().map(|s| q(s)).collect();
                let _ = writeln!(self.out, "    secrecy: [{}]", quoted.join(", "));
            }

            match self.rng.below(100) {
                0..=5 if !self.careful => {} // personal_data left out: unknown
                0..=29 => self.line("    personal_data: { categories: [] }"),
                _ => {
                    let mut cats = vec!["ordinary"];
                    if self.rng.chance(70) {
                        cats.push("personal_identity_number");
                    }
                    for c in &CATEGORIES[2..] {
                        let p = if *c == "health" || *c == "criminal_offences" {
                            20
                        } else {
                            3
                        };
                        if self.rng.chance(p) {
                            cats.push(c);
                        }
                    }
                    self.line("    personal_data:");
                    let _ = writeln!(self.out, "      categories: {}", flow(&cats));
                    if !self.omit(5) {
                        let v = self.rng.chance(25);
                        let _ = writeln!(self.out, "      protected_identities: {v}");
                    }
                    if !self.omit(10) {
                        let v = match self.rng.below(4) {
                            0 => self.rng.range(10, 999),
                            1 => self.rng.range(1_000, 99_999),
                            2 => self.rng.range(100_000, 999_999),
                            _ => self.rng.range(1_000_000, 10_000_000),
                        };
                        let _ = writeln!(self.out, "      data_subjects: {v}");
                    }
                }
            }

            if !self.omit(5) {
                let _ = writeln!(self.out, "    security_classification: {sc}");
            }
            let mut sensitive = sc != "none";
            if !self.omit(6) {
                sensitive = sensitive || self.rng.chance(8);
                let _ = writeln!(self.out, "    security_sensitive: {sensitive}");
            }
            if !self.omit(6) || self.concentrated {
                let v = if self.concentrated {
                    n < CORE
                } else {
                    self.rng.chance(25)
                };
                let _ = writeln!(self.out, "    critical_service: {v}");
            }
            self.assets.push(Asset {
                id,
                classified,
                sensitive,
            });
        }
    }

    fn suppliers(&mut self) {
        self.line("suppliers:");
        for s in 0..self.n_suppliers {
            let id = format!("s{:02}", s + 1);
            self.party(&id, 0, 1);
        }
    }

    /// One party at `depth` (0 = supplier), written with `indent` levels of list nesting.
    fn party(&mut self, id: &str, depth: usize, indent: usize) {
        let pad = "  ".repeat(indent * 2 - 1); // the "- " line
        let ind = "  ".repeat(indent * 2); // fields
        self.party_ids.push(id.to_string());

        let country = self.country();
        let stem = *self.rng.pick(SUPPLIER_STEMS);
        let suffix = match country {
            "SE" => "AB",
            "DE" | "AT" | "CH" => "GmbH",
            "NL" => "B.V.",
            "FI" => "Oy",
            "NO" | "DK" => "AS",
            "US" => "Inc.",
            "GB" | "IE" | "IN" => "Ltd",
            _ => "S.A.",
        };
        let _ = writeln!(self.out, "{pad}- id: {id}");
        let _ = writeln!(
            self.out,
            "{ind}name: {}",
            q(&format!("{stem} {suffix} ({id})"))
        );
        if !self.omit(3) {
            let _ = writeln!(self.out, "{ind}country: {country}");
        }
        if self.rng.chance(22) {
            let parent = if self.careful {
                *self.rng.pick(&["SE", "FI", "DE", "NO", "DK", "NL"])
            } else {
                *self
                    .rng
                    .pick(&["US", "US", "US", "CN", "GB", "IN", "DE", "FR", "SE", "JP"])
            };
            if parent != country {
                let _ = writeln!(self.out, "{ind}parent_country: {parent}");
            }
        }
        let k = 1 + self.rng.below(3);
        let services: Vec<&str> = self
            .rng
            .sample(SERVICES.len(), k)
            .into_iter()
            .map(|j| SERVICES[j])
            .collect();
        let _ = writeln!(self.out, "{ind}services: {}", flow(&services));

        // Access: 1–6 distinct assets (sometimes left out entirely = unknown).
        let mut reaches_sensitive = false;
        if !self.omit(3) {
            let k = 1 + self.rng.below(6);
            let mut picks = self.rng.sample(self.n_assets, k);
            if self.careful && country != "SE" {
                // A careful organisation keeps security-sensitive assets with Swedish parties.
                picks.retain(|&a| !self.assets[a].sensitive);
            }
            if self.concentrated {
                if id == "s01" {
                    for a in 0..CORE {
                        if !picks.contains(&a) {
                            picks.push(a);
                        }
                    }
                    picks.sort_unstable();
                } else if !id.starts_with("s01-") {
                    picks.retain(|&a| a >= CORE);
                }
            }
            if picks.is_empty() {
                // Nothing left to reach: say so explicitly (an empty list, not "unknown").
                let _ = writeln!(self.out, "{ind}access: []");
            } else {
                let _ = writeln!(self.out, "{ind}access:");
            }
            for a in picks {
                let asset = self.assets[a].id.clone();
                reaches_sensitive |= self.assets[a].sensitive;
                let mut fields = vec![format!("asset: {asset}")];
                if !self.omit(4) {
                    fields.push(format!("level: {}", self.rng.pick(LEVELS)));
                }
                if !self.omit(6) {
                    let mut from = vec![country];
                    if self.rng.chance(15) {
                        let c = self.country();
                        if !from.contains(&c) {
                            from.push(c);
                        }
                    }
                    fields.push(format!("from: {}", flow(&from)));
                }
                if !self.omit(6) {
                    let home = self.rng.chance(70) || (self.careful && self.assets[a].sensitive);
                    let mut storage = vec![if home { "SE" } else { self.country() }];
                    if self.rng.chance(20) && !(self.careful && self.assets[a].sensitive) {
                        let c = self.country();
                        if !storage.contains(&c) {
                            storage.push(c);
                        }
                    }
                    fields.push(format!("storage: {}", flow(&storage)));
                }
                let _ = writeln!(self.out, "{ind}  - {{ {} }}", fields.join(", "));
            }
        }

        if !self.omit(8) {
            let v = if self.careful {
                reaches_sensitive
            } else {
                self.rng.chance(35)
            };
            let _ = writeln!(self.out, "{ind}staff: {{ security_cleared: {v} }}");
        }
        if self.rng.chance(60) {
            let k = 1 + self.rng.below(2);
            let certs: Vec<&str> = self
                .rng
                .sample(CERTIFICATIONS.len(), k)
                .into_iter()
                .map(|j| CERTIFICATIONS[j])
                .collect();
            let _ = writeln!(self.out, "{ind}certifications: {}", flow(&certs));
        }
        if self.careful {
            // The basic set (the first seven) plus some of the rest.
            let mut ms: Vec<&str> = MEASURES[..7].to_vec();
            for m in &MEASURES[7..] {
                if self.rng.chance(50) {
                    ms.push(m);
                }
            }
            let _ = writeln!(self.out, "{ind}measures: {}", flow(&ms));
        } else if self.rng.chance(80) {
            let k = self.rng.below(7);
            let ms: Vec<&str> = self
                .rng
                .sample(MEASURES.len(), k)
                .into_iter()
                .map(|j| MEASURES[j])
                .collect();
            let _ = writeln!(self.out, "{ind}measures: {}", flow(&ms));
        }

        // Agreements: dated around the decision (mostly before it, sometimes after).
        let mut agreements: Vec<String> = Vec::new();
        let menu: [(&str, u32); 6] = if self.careful {
            [
                ("data_processing", 100),
                ("confidentiality", 100),
                (
                    "security_protection",
                    if reaches_sensitive { 100 } else { 0 },
                ),
                ("transfer_scc", 0),
                ("transfer_bcr", 0),
                ("exit", 90),
            ]
        } else {
            [
                ("data_processing", 75),
                ("confidentiality", 65),
                ("security_protection", 18),
                ("transfer_scc", 15),
                ("transfer_bcr", 3),
                ("exit", 35),
            ]
        };
        for (kind, p) in menu {
            if !self.rng.chance(p) || (self.concentrated && id == "s01" && kind == "exit") {
                continue;
            }
            let mut fields = vec![format!("kind: {kind}")];
            if !self.omit(5) {
                let d = if self.careful {
                    self.day_before(1, 300)
                } else {
                    self.day_before(-60, 400)
                };
                fields.push(format!("date: {d}"));
            }
            if kind == "security_protection" && !self.omit(10) {
                fields.push(format!("level: {}", 1 + self.rng.below(3)));
            }
            agreements.push(format!("{{ {} }}", fields.join(", ")));
        }
        if !agreements.is_empty() {
            let _ = writeln!(self.out, "{ind}agreements:");
            for a in agreements {
                let _ = writeln!(self.out, "{ind}  - {a}");
            }
        }

        // Subcontractors: 0–3 below a supplier, rarely one more level.
        let subs = match depth {
            0 => self.rng.below(4),
            1 => usize::from(self.rng.chance(8)),
            _ => 0,
        };
        if subs > 0 {
            if !self.omit(10) {
                let v = self.careful || self.rng.chance(60);
                let _ = writeln!(self.out, "{ind}subprocessors_authorised: {v}");
            }
            let _ = writeln!(self.out, "{ind}subcontractors:");
            for u in 0..subs {
                let sub_id = format!("{id}-u{}", u + 1);
                self.party(&sub_id, depth + 1, indent + 1);
            }
        }
    }

    fn analyses(&mut self) {
        let mut rows: Vec<String> = Vec::new();
        for kind in ANALYSES {
            let p = match *kind {
                _ if self.careful => 100,
                "risk_analysis" | "information_classification" => 70,
                "special_security_assessment" | "transfer_impact_assessment" => 25,
                _ => 50,
            };
            if !self.rng.chance(p) {
                continue;
            }
            let mut fields = vec![format!("kind: {kind}")];
            if !self.omit(4) {
                // Mostly before the decision; 10 % after it (too late to count).
                let late = !self.careful && self.rng.chance(10);
                let d = if late {
                    self.day_before(-200, -1)
                } else {
                    self.day_before(1, if self.careful { 700 } else { 1200 })
                };
                fields.push(format!("date: {d}"));
            }
            if !self.careful && self.rng.chance(20) {
                let k = 1 + self.rng.below(8);
                let ids: Vec<String> = self
                    .rng
                    .sample(self.n_assets, k)
                    .into_iter()
                    .map(|j| self.assets[j].id.clone())
                    .collect();
                fields.push(format!("assets: [{}]", ids.join(", ")));
            }
            rows.push(format!("{{ {} }}", fields.join(", ")));
        }
        if !rows.is_empty() {
            self.line("analyses:");
            for r in rows {
                let _ = writeln!(self.out, "  - {r}");
            }
        }
    }

    fn consultations(&mut self) {
        let mut rows: Vec<String> = Vec::new();
        if self.careful {
            // A careful operator has notified and consulted its supervisory authority.
            let authority = if self.org_kind == "state_agency" {
                "sakerhetspolisen"
            } else {
                "lansstyrelsen"
            };
            let n = self.day_before(400, 1500);
            rows.push(format!(
                "{{ authority: {authority}, kind: notification, date: {n}, outcome: no_objection }}"
            ));
            let d = self.day_before(10, 200);
            rows.push(format!(
                "{{ authority: {authority}, kind: consultation, date: {d}, outcome: no_objection }}"
            ));
        } else {
            let n = match self.rng.below(10) {
                0..=5 => 0,
                6..=8 => 1,
                _ => 2,
            };
            for _ in 0..n {
                let authority = *self.rng.pick(AUTHORITIES);
                let kind = *self.rng.pick(CONSULTATION_KINDS);
                let mut fields = vec![format!("authority: {authority}"), format!("kind: {kind}")];
                if !self.rng.chance(5) {
                    let d = self.day_before(-90, 300);
                    fields.push(format!("date: {d}"));
                }
                if !self.rng.chance(10) {
                    fields.push(format!("outcome: {}", self.rng.pick(OUTCOMES)));
                }
                rows.push(format!("{{ {} }}", fields.join(", ")));
            }
        }
        if !rows.is_empty() {
            self.line("consultations:");
            for r in rows {
                let _ = writeln!(self.out, "  - {r}");
            }
        }
    }

    fn assessments(&mut self) {
        if ASSESSMENT_RULES.is_empty() || !(self.careful || self.rng.chance(30)) {
            return;
        }
        // Careful scenarios answer the question for every party; others for one to three.
        let picks = if self.careful {
            (0..self.party_ids.len()).collect()
        } else {
            let n = 1 + self.rng.below(3);
            self.rng.sample(self.party_ids.len(), n)
        };
        self.line("assessments:");
        for j in picks {
            let rule = *self.rng.pick(ASSESSMENT_RULES);
            let party = self.party_ids[j].clone();
            let conclusion = if self.careful || self.rng.chance(65) {
                "compliant"
            } else {
                "not_compliant"
            };
            let d = self.day_before(1, 120);
            let _ = writeln!(self.out, "  - rule: {rule}");
            let _ = writeln!(self.out, "    party: {party}");
            let _ = writeln!(self.out, "    conclusion: {conclusion}");
            let _ = writeln!(self.out, "    by: {}", q("Förvaltningsjurist"));
            let _ = writeln!(self.out, "    date: {d}");
            let _ = writeln!(
                self.out,
                "    reference: {}",
                q(&format!("Dnr {}/{:04}", &d[..4], j + 100))
            );
        }
    }

    fn waivers(&mut self) {
        if WAIVER_RULES.is_empty() || self.careful || !self.rng.chance(15) {
            return;
        }
        let n = 1 + self.rng.below(2);
        let picks = self.rng.sample(WAIVER_RULES.len(), n);
        self.line("waivers:");
        for j in picks {
            // Decided up to a year before the decision (or shortly after); the expiry is
            // 1–36 months after the waiver, so now and then it has already passed.
            let waived = self.decision_day - self.rng.range(-30, 365);
            let d = date(waived);
            let exp = date(waived + self.rng.range(30, 1095));
            let _ = writeln!(self.out, "  - rule: {}", WAIVER_RULES[j]);
            let _ = writeln!(
                self.out,
                "    reason: {}",
                q("Avsteg för att hålla tidplanen")
            );
            let _ = writeln!(self.out, "    decided_by: {}", q("Förvaltningschef"));
            let _ = writeln!(self.out, "    date: {d}");
            let _ = writeln!(self.out, "    expires: {exp}");
        }
    }
}
