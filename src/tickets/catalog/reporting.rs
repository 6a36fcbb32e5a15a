//! What citizens may report (§7-1 I), by provision and day: the list in
//! force on the violation day decides, as catalog data.

use chrono::NaiveDate;

use super::{Listing, ReportingList, in_force};

/// The list in force on `day`, if the catalog has one.
pub fn list_on(lists: &[ReportingList], day: NaiveDate) -> Option<&ReportingList> {
    lists
        .iter()
        .find(|l| in_force(l.effective_from, l.effective_to, day))
}

/// Whether `code` is on `list`, with the sources that say so.
pub fn listing(list: &ReportingList, code: &str) -> Option<Listing> {
    list.codes.iter().find(|c| c.code == code).map(|c| Listing {
        status: c.status,
        cites: c.cites.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::catalog::{ListedCode, Status};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn list(from: &str, to: Option<&str>, codes: &[&str]) -> ReportingList {
        ReportingList {
            effective_from: d(from),
            effective_to: to.map(d),
            amendment: "test".into(),
            cites: vec![],
            codes: codes
                .iter()
                .map(|c| ListedCode {
                    code: (*c).into(),
                    status: Status::Unconfirmed,
                    cites: vec![],
                })
                .collect(),
            note: None,
        }
    }

    /// §7-1 as amended 2024-05-29, in force 2024-06-30: a scooter rider's
    /// handheld phone (§31-1 II) left the list; a car driver's (§31-1 I)
    /// stayed.
    #[test]
    fn the_list_of_the_violation_day_decides() {
        let lists = vec![
            list("2023-06-30", Some("2024-06-29"), &["31.1-1", "31.1-2"]),
            list("2024-06-30", None, &["31.1-1"]),
        ];
        let before = list_on(&lists, d("2024-06-29")).unwrap();
        let after = list_on(&lists, d("2024-06-30")).unwrap();
        assert!(listing(before, "31.1-2").is_some());
        assert!(listing(after, "31.1-2").is_none());
        assert!(listing(after, "31.1-1").is_some());
        assert!(list_on(&lists, d("2023-06-29")).is_none());
    }
}
