//! Where a case stands, the steps that move it and why one is closed: the
//! small state machine of 一打二驗 as plain data and one function.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a case stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// In, waiting to be keyed.
    Received,
    /// Keyed once, waiting for the blind verification.
    Keyed,
    /// Keying and verification differ: a vendor supervisor settles it.
    InResolution,
    /// Keying and verification agree (or were settled): waiting for the
    /// police reviewer.
    Verified,
    /// Approved and issued as a ticket.
    Ticketed,
    /// Closed without a ticket, with a reason and who decided.
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::Received,
        CaseStatus::Keyed,
        CaseStatus::InResolution,
        CaseStatus::Verified,
        CaseStatus::Ticketed,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::Keyed => "keyed",
            CaseStatus::InResolution => "in_resolution",
            CaseStatus::Verified => "verified",
            CaseStatus::Ticketed => "ticketed",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the case is still on its way (not ticketed, not closed).
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Ticketed | CaseStatus::Closed)
    }

    /// The open statuses, for queries.
    pub fn open() -> Vec<CaseStatus> {
        Self::ALL.into_iter().filter(|s| s.is_open()).collect()
    }
}

/// A step of the workflow: one person does it, and nobody does two steps
/// of the same case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 一打: every ticket field keyed from the evidence.
    Keying,
    /// 二驗: the critical fields keyed again, blind.
    Verification,
    /// A third person settles the differences against the evidence.
    Resolution,
    /// The police reviewer of the case's unit approves or sends back.
    Review,
}

impl Step {
    pub const ALL: [Step; 4] = [
        Step::Keying,
        Step::Verification,
        Step::Resolution,
        Step::Review,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Keying => "keying",
            Step::Verification => "verification",
            Step::Resolution => "resolution",
            Step::Review => "review",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The status a case waits in for this step.
    pub fn works_on(self) -> CaseStatus {
        match self {
            Step::Keying => CaseStatus::Received,
            Step::Verification => CaseStatus::Keyed,
            Step::Resolution => CaseStatus::InResolution,
            Step::Review => CaseStatus::Verified,
        }
    }
}

/// Why a case was closed without a ticket. Every case received ends as a
/// ticket or with one of these and who decided: never a silent drop.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// The same vehicle and violation as another case (reports within the
    /// merge window are one violation).
    Duplicate,
    /// The plate cannot be read on the evidence.
    PlateUnreadable,
    /// What the evidence shows is not a violation.
    NotAViolation,
    /// The Article 90 period to ticket it has ended.
    OutOfTime,
    /// A citizen report that came in after the Article 7-1 window.
    ReportTooLate,
    /// A citizen report of an article citizens may not report.
    NotReportable,
    /// An exempt vehicle (ambulance, fire engine on duty, …).
    ExemptVehicle,
    /// The plate on the evidence does not match the registered vehicle.
    RegistryMismatch,
    /// The evidence does not prove the violation.
    EvidenceInsufficient,
    Other,
}

impl CloseReason {
    pub const ALL: [CloseReason; 10] = [
        CloseReason::Duplicate,
        CloseReason::PlateUnreadable,
        CloseReason::NotAViolation,
        CloseReason::OutOfTime,
        CloseReason::ReportTooLate,
        CloseReason::NotReportable,
        CloseReason::ExemptVehicle,
        CloseReason::RegistryMismatch,
        CloseReason::EvidenceInsufficient,
        CloseReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::Duplicate => "duplicate",
            CloseReason::PlateUnreadable => "plate_unreadable",
            CloseReason::NotAViolation => "not_a_violation",
            CloseReason::OutOfTime => "out_of_time",
            CloseReason::ReportTooLate => "report_too_late",
            CloseReason::NotReportable => "not_reportable",
            CloseReason::ExemptVehicle => "exempt_vehicle",
            CloseReason::RegistryMismatch => "registry_mismatch",
            CloseReason::EvidenceInsufficient => "evidence_insufficient",
            CloseReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What a person does to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Key,
    /// The blind verification, agreeing with the keying or not.
    Verify {
        agrees: bool,
    },
    Resolve,
    Approve,
    SendBack,
    Close,
}

/// The status after `action`, or `None` when the action does not apply to
/// a case in `status`.
pub fn next(status: CaseStatus, action: Action) -> Option<CaseStatus> {
    use CaseStatus::*;
    match (status, action) {
        (Received, Action::Key) => Some(Keyed),
        (Keyed, Action::Verify { agrees: true }) => Some(Verified),
        (Keyed, Action::Verify { agrees: false }) => Some(InResolution),
        (InResolution, Action::Resolve) => Some(Verified),
        (Verified, Action::Approve) => Some(Ticketed),
        (Verified, Action::SendBack) => Some(Received),
        (s, Action::Close) if s.is_open() => Some(Closed),
        _ => None,
    }
}

crate::text_enum!(CaseStatus);
crate::text_enum!(Step);
crate::text_enum!(CloseReason);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_and_the_detour() {
        let mut s = CaseStatus::Received;
        for a in [
            Action::Key,
            Action::Verify { agrees: true },
            Action::Approve,
        ] {
            s = next(s, a).unwrap();
        }
        assert_eq!(s, CaseStatus::Ticketed);
        let s = next(CaseStatus::Keyed, Action::Verify { agrees: false }).unwrap();
        assert_eq!(s, CaseStatus::InResolution);
        assert_eq!(next(s, Action::Resolve), Some(CaseStatus::Verified));
        assert_eq!(
            next(CaseStatus::Verified, Action::SendBack),
            Some(CaseStatus::Received)
        );
    }

    #[test]
    fn nothing_skips_a_step_and_nothing_leaves_the_end() {
        assert_eq!(next(CaseStatus::Received, Action::Approve), None);
        assert_eq!(next(CaseStatus::Received, Action::Resolve), None);
        assert_eq!(next(CaseStatus::Keyed, Action::Key), None);
        assert_eq!(next(CaseStatus::InResolution, Action::Approve), None);
        for end in [CaseStatus::Ticketed, CaseStatus::Closed] {
            for a in [
                Action::Key,
                Action::Verify { agrees: true },
                Action::Resolve,
                Action::Approve,
                Action::SendBack,
                Action::Close,
            ] {
                assert_eq!(next(end, a), None, "{end:?} {a:?}");
            }
        }
        for open in CaseStatus::open() {
            assert_eq!(next(open, Action::Close), Some(CaseStatus::Closed));
        }
    }

    #[test]
    fn every_step_waits_on_the_status_its_action_leaves_from() {
        for (step, action) in [
            (Step::Keying, Action::Key),
            (Step::Verification, Action::Verify { agrees: true }),
            (Step::Resolution, Action::Resolve),
            (Step::Review, Action::Approve),
        ] {
            assert!(next(step.works_on(), action).is_some(), "{step:?}");
        }
    }

    #[test]
    fn texts_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()), Some(s));
        }
        for r in CloseReason::ALL {
            assert_eq!(CloseReason::parse(r.as_str()), Some(r));
        }
    }
}
