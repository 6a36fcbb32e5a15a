//! Who: the people a notice must name (細則 §11 I) and its signature.
//!
//! - On the spot: the driver (name, sex, birth date, address, ID number)
//!   and the vehicle's owner (name, address) where known.
//! - Without stopping (逕行): the registered owner with an address, since
//!   the notice is mailed there.
//! - A driver under 14: the legal representative's or guardian's name, ID
//!   number and address, to whom the notice is served.
//! - A refused signature: the reason and when the notice was handed over;
//!   a refusal to take it: the reason (it counts as received).

use chrono::{Datelike, NaiveDate};

use super::{Facts, Person, Sex, Verdict};
use crate::tickets::input::{Recipient, SignatureStatus};
use crate::tickets::national_id::{self, IdError, IdKind};

/// Age in whole years on `day`.
fn age_on(born: NaiveDate, day: NaiveDate) -> i32 {
    day.year() - born.year() - i32::from((day.month(), day.day()) < (born.month(), born.day()))
}

/// Whether the driver was under 14 on the violation day (the notice then
/// goes to the guardian too).
pub fn under_fourteen(driver: Option<&Person>, day: NaiveDate) -> bool {
    driver
        .and_then(|d| d.birth_date)
        .is_some_and(|born| born <= day && age_on(born, day) < 14)
}

fn required(v: &mut Verdict, field: &str, value: Option<&str>, en: &str, zh: &str) {
    if value.is_none_or(|s| s.trim().is_empty()) {
        v.error(field, "required", en, zh);
    }
}

pub(super) fn people(v: &mut Verdict, facts: &Facts<'_>, day: NaiveDate) {
    match (facts.kind.driver_stopped(), facts.recipient) {
        (true, _) if facts.driver.is_none() => v.error(
            "driver",
            "required",
            "the driver was stopped: record who",
            "已攔停駕駛人：請填駕駛人",
        ),
        (false, Recipient::Driver) => v.error(
            "recipient",
            "not_stopped",
            "nobody was stopped: the notice goes to the registered owner",
            "未攔停：通知單應寄送車主",
        ),
        _ => {}
    }
    if facts.recipient == Recipient::Owner {
        match facts.owner {
            None => v.error(
                "owner",
                "required",
                "the notice goes to the registered owner: record who",
                "被通知人為車主：請填車主",
            ),
            Some(o) => required(
                v,
                "owner.address",
                o.address.as_deref(),
                "the notice is mailed to the owner's address",
                "通知單寄送車主地址：請填地址",
            ),
        }
    }
    for (field, person) in [
        ("driver", facts.driver),
        ("owner", facts.owner),
        ("guardian", facts.guardian),
    ] {
        if let Some(p) = person {
            check_person(v, field, p, day);
        }
    }
    if under_fourteen(facts.driver, day) {
        match facts.guardian {
            None => v.error(
                "guardian",
                "required",
                "the driver is under 14: record the legal representative or guardian",
                "駕駛人未滿十四歲：請填法定代理人或監護人",
            ),
            Some(g) => {
                required(
                    v,
                    "guardian.national_id",
                    g.national_id.as_deref(),
                    "the guardian's ID number",
                    "請填法定代理人身分證號",
                );
                required(
                    v,
                    "guardian.address",
                    g.address.as_deref(),
                    "the guardian's address",
                    "請填法定代理人地址",
                );
            }
        }
    }
}

pub(super) fn signature(v: &mut Verdict, facts: &Facts<'_>) {
    let s = facts.signature;
    let reason = s.reason.as_deref();
    match (facts.kind.driver_stopped(), s.status) {
        (true, SignatureStatus::NotApplicable) => v.error(
            "signature.status",
            "required",
            "the stopped driver signs, refuses to sign, or refuses to take the notice",
            "當場舉發：請記簽收、拒簽或拒收",
        ),
        (false, SignatureStatus::NotApplicable) | (true, SignatureStatus::Obtained) => {}
        (false, _) => v.error(
            "signature.status",
            "not_stopped",
            "nobody was stopped to sign",
            "未攔停：無人簽收",
        ),
        (true, SignatureStatus::Refused) => {
            required(
                v,
                "signature.reason",
                reason,
                "a refused signature needs the reason",
                "拒簽須填事由",
            );
            if s.handed_over_at.is_none() {
                v.error(
                    "signature.handed_over_at",
                    "required",
                    "record when the notice was handed over",
                    "拒簽仍應交付通知聯：請填交付時間",
                );
            }
        }
        (true, SignatureStatus::ReceiptRefused) => {
            required(
                v,
                "signature.reason",
                reason,
                "a refusal to take the notice needs the reason",
                "拒收須填事由",
            );
        }
    }
}

fn check_person(v: &mut Verdict, field: &str, p: &Person, violation_day: NaiveDate) {
    if p.name.trim().is_empty() {
        v.error(
            &format!("{field}.name"),
            "required",
            "the name is required",
            "請填姓名",
        );
    }
    if let Some(id) = &p.national_id {
        match national_id::check(id) {
            Err(IdError::Format) => v.error(
                &format!("{field}.national_id"),
                "format",
                "not an ID or resident certificate number",
                "不是身分證或居留證號碼",
            ),
            Err(IdError::CheckDigit) => v.error(
                &format!("{field}.national_id"),
                "check_digit",
                "the check digit does not match: a typo?",
                "檢查碼不符：是否打錯？",
            ),
            Ok(kind) => {
                let second = id.trim().chars().nth(1).unwrap_or(' ').to_ascii_uppercase();
                let id_sex = match (kind, second) {
                    (IdKind::NationalId, '1')
                    | (IdKind::ResidentNew, '8')
                    | (IdKind::ResidentOld, 'A' | 'C') => Some(Sex::Male),
                    (IdKind::NationalId, '2')
                    | (IdKind::ResidentNew, '9')
                    | (IdKind::ResidentOld, 'B' | 'D') => Some(Sex::Female),
                    _ => None,
                };
                if let (Some(s), Some(from_id)) = (p.sex, id_sex)
                    && s != from_id
                {
                    v.warn(
                        &format!("{field}.sex"),
                        "sex_mismatch",
                        "the ID number says otherwise",
                        "與身分證號碼所示性別不符",
                    );
                }
            }
        }
    }
    if let Some(born) = p.birth_date {
        if born > violation_day {
            v.error(
                &format!("{field}.birth_date"),
                "in_future",
                "born after the violation",
                "出生日期在違規之後",
            );
        } else {
            let age = age_on(born, violation_day);
            if age > 100 || (field == "driver" && age < 10) {
                v.warn(
                    &format!("{field}.birth_date"),
                    "unusual_age",
                    format!("{age} years old: check the birth date"),
                    format!("{age} 歲：請確認出生日期"),
                );
            }
        }
    }
}
