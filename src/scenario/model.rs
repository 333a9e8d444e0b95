//! The scenario format, version 1 (`scenario-format.md`) as Rust types. These types are the
//! single definition: serde reads them, schemars turns them into the JSON Schema that both
//! validates input (all errors at once, with spans) and serves editors (`granska schema`).
//!
//! `Option` means "may be left out", and left out means *unknown*, never false.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const COUNTRY: &str = r"^[A-Z]{2}$";
pub const DATE: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
pub const ID: &str = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$";

/// One outsourcing proposal and the decision to be taken on it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "granska scenario, format version 1")]
pub struct Scenario {
    /// Format version; must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub granska: u32,
    /// Identifier of the proposal.
    #[schemars(pattern(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"))]
    pub id: String,
    pub title: Option<String>,
    pub organisation: Organisation,
    pub decision: Decision,
    pub governance: Option<Governance>,
    /// The information assets (map them first: SKL recommendation 1).
    #[serde(default)]
    pub assets: Vec<Asset>,
    #[serde(default)]
    pub suppliers: Vec<Party>,
    #[serde(default)]
    pub analyses: Vec<Analysis>,
    #[serde(default)]
    pub consultations: Vec<Consultation>,
    #[serde(default)]
    pub assessments: Vec<Assessment>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The name findings use for it; not empty, not only spaces.
    #[schemars(pattern(r"\S"))]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OrganisationType,
    /// A säkerhetsskyddschef is appointed.
    pub security_protection_officer: Option<bool>,
    /// An information security management system (LIS, ISO/IEC 27001) is in place.
    pub isms: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationType {
    Municipality,
    Region,
    MunicipalCompany,
    StateAgency,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub kind: DecisionKind,
    pub stage: Stage,
    /// The law in force on this date applies (unless `--as-of`).
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: String,
    pub decided_by: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Outsourcing,
    CloudService,
    ChangeOfSupplier,
    Extension,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Planning,
    Procurement,
    Contract,
    Operation,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// Who took part in preparing the decision.
    pub participants: Option<Vec<Participant>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Participant {
    Management,
    It,
    Procurement,
    Security,
    InformationSecurity,
    Legal,
    DataProtection,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    #[schemars(pattern(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"))]
    pub id: String,
    /// The name findings use for it; not empty, not only spaces.
    #[schemars(pattern(r"\S"))]
    pub name: String,
    pub classification: Option<Classification>,
    /// Secrecy provisions that cover the information, e.g. "OSL 21:3"; `[]` = none.
    pub secrecy: Option<Vec<String>>,
    pub personal_data: Option<PersonalData>,
    pub security_classification: Option<SecurityClassification>,
    /// Part of säkerhetskänslig verksamhet.
    pub security_sensitive: Option<bool>,
    /// Must keep working in a crisis.
    pub critical_service: Option<bool>,
}

/// KLASSA consequence levels: 0 none, 1 moderate, 2 significant, 3 serious, 4 extremely serious.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    #[schemars(range(min = 0, max = 4))]
    pub confidentiality: Option<u8>,
    #[schemars(range(min = 0, max = 4))]
    pub integrity: Option<u8>,
    #[schemars(range(min = 0, max = 4))]
    pub availability: Option<u8>,
    #[schemars(range(min = 0, max = 4))]
    pub traceability: Option<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    /// `[]` = the asset holds no personal data.
    pub categories: Option<Vec<DataCategory>>,
    /// Skyddade personuppgifter are in the data.
    pub protected_identities: Option<bool>,
    pub data_subjects: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    Ordinary,
    PersonalIdentityNumber,
    CriminalOffences,
    RacialOrEthnicOrigin,
    PoliticalOpinions,
    ReligiousOrPhilosophicalBeliefs,
    TradeUnionMembership,
    Genetic,
    Biometric,
    Health,
    SexLifeOrSexualOrientation,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecurityClassification {
    None,
    BegransatHemlig,
    Konfidentiell,
    Hemlig,
    KvalificeratHemlig,
}

/// A supplier or a subcontractor at any depth.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    #[schemars(pattern(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"))]
    pub id: String,
    /// The name findings use for it; not empty, not only spaces.
    #[schemars(pattern(r"\S"))]
    pub name: String,
    /// Where the legal entity is established (ISO 3166-1 alpha-2).
    #[schemars(pattern(r"^[A-Z]{2}$"))]
    pub country: Option<String>,
    /// Jurisdiction of the ultimate owner, if different.
    #[schemars(pattern(r"^[A-Z]{2}$"))]
    pub parent_country: Option<String>,
    #[serde(default)]
    pub services: Vec<Service>,
    pub access: Option<Vec<Access>>,
    pub staff: Option<Staff>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub agreements: Vec<Agreement>,
    /// The controller has authorised the subcontractors below.
    pub subprocessors_authorised: Option<bool>,
    #[serde(default)]
    pub subcontractors: Vec<Party>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Operations,
    Hosting,
    Storage,
    Backup,
    ServiceDesk,
    Support,
    Development,
    Maintenance,
    Network,
    SecurityOperations,
    Saas,
    Consulting,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// An asset id.
    pub asset: String,
    pub level: Option<AccessLevel>,
    /// Countries staff access it from.
    #[schemars(inner(pattern(r"^[A-Z]{2}$")))]
    pub from: Option<Vec<String>>,
    /// Countries where it is stored.
    #[schemars(inner(pattern(r"^[A-Z]{2}$")))]
    pub storage: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    None,
    Metadata,
    Read,
    Write,
    Admin,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    /// All staff with access are säkerhetsprövade and placed in säkerhetsklass.
    pub security_cleared: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Certification {
    Dpf,
    PrivacyShield,
    SafeHarbor,
    #[serde(rename = "iso_27001")]
    Iso27001,
    #[serde(rename = "iso_27017")]
    Iso27017,
    #[serde(rename = "iso_27018")]
    Iso27018,
    #[serde(rename = "iso_27701")]
    Iso27701,
    Soc2,
    C5,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    EncryptionAtRest,
    EncryptionInTransit,
    CustomerManagedKeys,
    Mfa,
    AccessLogging,
    BackupOffsite,
    SecondSite,
    Pseudonymisation,
    NetworkSegmentation,
    VulnerabilityManagement,
    IncidentResponse,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub kind: AgreementKind,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: Option<String>,
    /// Säkerhetsskyddsavtal level.
    #[schemars(range(min = 1, max = 3))]
    pub level: Option<u8>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    /// Personuppgiftsbiträdesavtal.
    DataProcessing,
    /// Tystnadsplikt / sekretessförbindelse.
    Confidentiality,
    /// Säkerhetsskyddsavtal.
    SecurityProtection,
    TransferScc,
    TransferBcr,
    /// Exit plan and return of data.
    Exit,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    pub kind: AnalysisKind,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: Option<String>,
    /// Asset ids covered; left out = all assets.
    pub assets: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    SecurityProtectionAnalysis,
    SpecialSecurityAssessment,
    InformationClassification,
    RiskAnalysis,
    Dpia,
    SecrecyAssessment,
    TransferImpactAssessment,
    ContinuityPlan,
    ExitPlan,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    pub authority: Authority,
    pub kind: ConsultationKind,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: Option<String>,
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    Sakerhetspolisen,
    Forsvarsmakten,
    Lansstyrelsen,
    Imy,
    Other,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationKind {
    Consultation,
    Notification,
    PriorConsultation,
    Advice,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    NoObjection,
    Conditions,
    Objection,
    Stop,
    Prohibition,
    Pending,
}

/// A legal judgement a rule asked for, recorded by a person.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The rule that asked.
    pub rule: String,
    /// The party it concerns, if the rule asked per party.
    pub party: Option<String>,
    /// The asset it concerns, if the rule asked per asset.
    pub asset: Option<String>,
    pub question: Option<String>,
    pub conclusion: Conclusion,
    /// Who made the assessment; not empty, not only spaces.
    #[schemars(pattern(r"\S"))]
    pub by: String,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: String,
    /// Where the reasoning is recorded (diarienummer).
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Compliant,
    NotCompliant,
}

/// A decision to accept a finding. Only recommendations can be waived.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: String,
    // A waiver that says neither why nor who answers for it is the unexplained deviation
    // granska exists to catch.
    /// Why the finding is accepted; not empty, not only spaces.
    #[schemars(pattern(r"\S"))]
    pub reason: String,
    /// Who decided: the person or body that answers for it; not empty, not only spaces.
    #[schemars(pattern(r"\S"))]
    pub decided_by: String,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: String,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub expires: String,
}

/// snake_case name of a serde enum value, as written in YAML and seen by rules.
pub fn name_of<T: Serialize>(value: &T) -> &'static str {
    serde_variant::to_variant_name(value).unwrap_or("")
}
