//! Validation before issue: every rule that catches a wrong ticket before it
//! reaches a citizen. Errors block; warnings need the officer's explicit
//! acknowledgement. Every bad field is reported at once.
//!
//! - `when`: the violation time, Article 90's period, §7-1's reporting
//!   window, the due date (細則 §15);
//! - `what`: the provision in force that day, who may use it, the fine
//!   against the Act's range and the 基準表, the plate against the class;
//! - `who`: the people on the notice and its signature (細則 §11).

mod what;
mod when;
mod who;

pub use when::{report_window_end, ticketing_deadline};
pub use who::under_fourteen;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::{ArticleVersion, TicketKind};
use super::input::{Crash, Recipient, Signature, Speed};
use super::plate::{self, VehicleClass};
use crate::domain::time;
use crate::error::FieldError;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Sex::Male, Sex::Female]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// A person on the ticket: the driver when stopped, the owner for camera
/// cases, a guardian for a driver under 14.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[schema(example = "王小明")]
    pub name: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    /// National ID or resident certificate number.
    #[schema(example = "A123456789")]
    pub national_id: Option<String>,
    #[schema(example = "臺南市東區大學路1號")]
    pub address: Option<String>,
}

/// The facts the rules look at.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub kind: TicketKind,
    /// UTC.
    pub violation_at: NaiveDateTime,
    /// UTC; when a citizen report reached the police.
    pub reported_at: Option<NaiveDateTime>,
    pub plate: &'a str,
    pub vehicle_class: VehicleClass,
    pub fine: i32,
    pub speed: Option<Speed>,
    pub crash: Option<Crash>,
    pub recipient: Recipient,
    pub driver: Option<&'a Person>,
    pub owner: Option<&'a Person>,
    pub guardian: Option<&'a Person>,
    pub signature: &'a Signature,
}

/// The timing rules the verdict reads: those in force on the violation
/// day (periods), and those in force on the day of issue (the due date is
/// fixed when the notice is written, 細則 §15).
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub of_violation: &'a HashMap<String, i32>,
    pub of_issue: &'a HashMap<String, i32>,
}

/// The result of the rules.
#[derive(Debug, Default)]
pub struct Verdict {
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    /// The plate as it will be printed.
    pub plate: String,
    /// 應到案日期, Taiwan local date.
    pub due_date: Option<NaiveDate>,
    /// The 基準表 amount for this class (and speed), where the table in
    /// force was read: what the notice should show.
    pub scheduled_fine: Option<i32>,
    /// The last Taiwan day on which the violation may be ticketed.
    pub ticketing_deadline: Option<NaiveDate>,
}

/// Each finding in the API's words and in the console's (zh-TW).
impl Verdict {
    fn error(
        &mut self,
        field: &str,
        code: &str,
        message: impl Into<String>,
        zh: impl Into<String>,
    ) {
        self.errors
            .push(FieldError::new(field, code, message).with_zh(zh));
    }
    fn warn(&mut self, field: &str, code: &str, message: impl Into<String>, zh: impl Into<String>) {
        self.warnings
            .push(FieldError::new(field, code, message).with_zh(zh));
    }
}

/// Judges a ticket. `article` is the version in force on the violation
/// date (`None` if the code has none then), with its citizen-report
/// listing of that date; `now` is the server's UTC clock.
pub fn judge(
    facts: &Facts<'_>,
    article_code: &str,
    article: Option<&ArticleVersion>,
    rules: Rules<'_>,
    now: NaiveDateTime,
) -> Verdict {
    let mut v = Verdict {
        plate: plate::normalise(facts.plate),
        ..Default::default()
    };
    let violation_day = time::taiwan_date(facts.violation_at);
    when::violation_time(&mut v, facts, rules.of_violation, now);
    what::provision(&mut v, facts, article_code, article, violation_day);
    what::vehicle(&mut v, facts);
    who::people(&mut v, facts, violation_day);
    who::signature(&mut v, facts);
    when::due_date(&mut v, facts, rules.of_issue, now);
    v
}

crate::text_enum!(Sex);

#[cfg(test)]
mod tests;
