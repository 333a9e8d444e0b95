//! Dates as every file and option writes them: `YYYY-MM-DD`, nothing else.

use chrono::NaiveDate;

/// `YYYY-MM-DD` as a calendar date; `None` for another layout or a day the calendar does not
/// have (`2024-02-30`). chrono's `parse_from_str` reads its format string again on every call
/// (~1,100 instructions, some 200 calls per scenario: dates in the file, and every reference-data
/// lookup a rule makes); the fixed layout is read here and the calendar left to chrono.
pub fn parse_iso(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_calendar_dates_in_the_one_layout() {
        assert_eq!(
            parse_iso("2015-04-21"),
            NaiveDate::from_ymd_opt(2015, 4, 21)
        );
        assert_eq!(
            parse_iso("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2015-13-01",
            "2015-00-10",
            "2015-04-00",
            "2015-4-21",
            "2015-04-1",
            "+2015-04-21",
            " 2015-04-2",
            "2015/04/21",
            "2015-04-21 ",
            "20150421",
            "２015-04-21",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad:?}");
        }
    }

    /// The same answers as chrono's own parser, wherever that one keeps to the layout.
    #[test]
    fn agrees_with_chrono_on_well_formed_text() {
        for y in [1, 1900, 1999, 2000, 2018, 2100, 9999] {
            for m in 0..=13 {
                for d in [0, 1, 28, 29, 30, 31, 32] {
                    let text = format!("{y:04}-{m:02}-{d:02}");
                    let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
                    assert_eq!(parse_iso(&text), chrono, "{text}");
                }
            }
        }
    }
}
