//! Timestamps as fixed-width UTC RFC 3339 text (`2026-11-27T14:06:19.123Z`), so SQL
//! string comparison orders them correctly.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// The storage format for every timestamp.
const FORMAT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Formats a moment in the storage format.
pub fn format(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(FORMAT)
        .unwrap_or_default()
}

/// Now, in the storage format.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// The moment `seconds` from now, in the storage format (lease expiries, retry times).
pub fn from_now(seconds: f64) -> String {
    format(OffsetDateTime::now_utc() + time::Duration::seconds_f64(seconds))
}

/// Parses a client-supplied RFC 3339 timestamp (any offset) into the storage format.
pub fn parse(text: &str) -> Option<String> {
    OffsetDateTime::parse(text, &Rfc3339).ok().map(format)
}

/// Reads a stored timestamp back as a moment.
pub fn instant(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// Whole seconds from `now` until `later` (at least 1: what `Retry-After` says).
pub fn seconds_until(later: OffsetDateTime, now: OffsetDateTime) -> u64 {
    let seconds = (later - now).as_seconds_f64().ceil();
    if seconds < 1.0 {
        1
    } else {
        seconds as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_offsets_to_utc() {
        assert_eq!(
            parse("2026-01-02T03:04:05+02:00").unwrap(),
            "2026-01-02T01:04:05.000Z"
        );
        assert!(parse("yesterday").is_none());
        assert_eq!(now().len(), 24);
    }
}
