//! Weekly calendars: when a resource works, or when cases may arrive.
//!
//! Simulated time is seconds since Monday 00:00 UTC of the start week (the first arrival
//! is at time 0, Monday 2024-01-01T00:00:00Z). A calendar is a sorted, merged list of
//! open intervals within one week, repeated every week.

/// Seconds in a week.
pub const WEEK: f64 = 7.0 * 86_400.0;

/// A weekly calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Open intervals `[from, to)` in seconds since Monday 00:00, sorted and disjoint.
    intervals: Vec<(f64, f64)>,
    /// Whether it is open all the time (the fast path).
    always: bool,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::always()
    }
}

impl Calendar {
    /// Open 24/7.
    #[must_use]
    pub fn always() -> Calendar {
        Calendar {
            intervals: vec![(0.0, WEEK)],
            always: true,
        }
    }

    /// A calendar from weekly intervals `[from, to)` in seconds since Monday 00:00
    /// (intervals may wrap past the end of the week). Intervals within one second of a
    /// day's end are extended to it, so Prosimos's `23:59:59.999` means midnight.
    #[must_use]
    pub fn from_intervals(raw: &[(f64, f64)]) -> Calendar {
        let mut v: Vec<(f64, f64)> = Vec::new();
        for &(a, b) in raw {
            let mut b = b;
            let day_end = ((b / 86_400.0).ceil()) * 86_400.0;
            if day_end - b < 1.0 {
                b = day_end;
            }
            if b <= a {
                continue;
            }
            let a = a.rem_euclid(WEEK);
            let b = a + (b - a).min(WEEK);
            if b > WEEK {
                v.push((a, WEEK));
                v.push((0.0, b - WEEK));
            } else {
                v.push((a, b));
            }
        }
        v.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut merged: Vec<(f64, f64)> = Vec::new();
        for (a, b) in v {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let always = merged.len() == 1 && merged[0].0 <= 0.0 && merged[0].1 >= WEEK;
        Calendar {
            intervals: merged,
            always,
        }
    }

    /// Whether it is open all the time.
    #[must_use]
    pub fn is_always(&self) -> bool {
        self.always
    }

    /// Whether it is never open.
    #[must_use]
    pub fn is_never(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Open seconds per week.
    #[must_use]
    pub fn open_per_week(&self) -> f64 {
        self.intervals.iter().map(|(a, b)| b - a).sum()
    }

    /// The earliest time `>= t` at which the calendar is open (`t` itself if never open).
    #[must_use]
    pub fn next_open(&self, t: f64) -> f64 {
        if self.always || self.intervals.is_empty() {
            return t;
        }
        let week = (t / WEEK).floor();
        let base = week * WEEK;
        let off = t - base;
        for &(a, b) in &self.intervals {
            if off < b {
                return base + a.max(off);
            }
        }
        base + WEEK + self.intervals[0].0
    }

    /// When `work` seconds of work started at `t` end, counting only open time.
    #[must_use]
    pub fn advance(&self, t: f64, work: f64) -> f64 {
        if self.always || self.intervals.is_empty() || work <= 0.0 {
            return t + work;
        }
        let per_week = self.open_per_week();
        let mut left = work;
        let mut now = self.next_open(t);
        // Skip whole weeks at once.
        if left > per_week {
            let weeks = (left / per_week).floor() - 1.0;
            if weeks > 0.0 {
                now += weeks * WEEK;
                left -= weeks * per_week;
            }
        }
        loop {
            let base = (now / WEEK).floor() * WEEK;
            for &(a, b) in &self.intervals {
                let off = now - base;
                if off < b {
                    let start = a.max(off);
                    let avail = b - start;
                    if left <= avail {
                        return base + start + left;
                    }
                    left -= avail;
                    now = base + b;
                }
            }
            now = base + WEEK;
        }
    }

    /// Open seconds within `[from, to)`.
    #[must_use]
    pub fn open_between(&self, from: f64, to: f64) -> f64 {
        if to <= from {
            return 0.0;
        }
        if self.always {
            return to - from;
        }
        let cum = |t: f64| {
            let w = (t / WEEK).floor();
            let off = t - w * WEEK;
            let inside: f64 = self
                .intervals
                .iter()
                .map(|&(a, b)| (off.min(b) - a).max(0.0))
                .sum();
            w * self.open_per_week() + inside
        };
        cum(to) - cum(from)
    }
}

/// Parses a Prosimos day name (`MONDAY`..`SUNDAY`, any case) into 0..7.
#[must_use]
pub fn weekday(name: &str) -> Option<u32> {
    let n = name.trim().to_ascii_uppercase();
    [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ]
    .iter()
    .position(|d| *d == n)
    .and_then(|i| u32::try_from(i).ok())
}

/// Parses `HH:MM[:SS[.fff]]` (an optional `+00:00` zone is ignored) into seconds.
#[must_use]
pub fn time_of_day(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = t.split(['+', 'Z']).next().unwrap_or(t);
    let mut parts = t.split(':');
    let h: f64 = parts.next()?.trim().parse().ok()?;
    let m: f64 = parts.next().map_or(Ok(0.0), |p| p.trim().parse()).ok()?;
    let s: f64 = parts.next().map_or(Ok(0.0), |p| p.trim().parse()).ok()?;
    if !(0.0..=24.0).contains(&h) || !(0.0..60.0).contains(&m) || !(0.0..61.0).contains(&s) {
        return None;
    }
    Some(h * 3600.0 + m * 60.0 + s)
}

/// Weekly intervals for "from day to day (inclusive), each day from `begin` to `end`".
/// An `end` at or before `begin` runs past midnight.
#[must_use]
pub fn day_range(from: u32, to: u32, begin: f64, end: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut d = from;
    loop {
        let base = f64::from(d) * 86_400.0;
        let stop = if end <= begin { end + 86_400.0 } else { end };
        out.push((base + begin, base + stop));
        if d == to {
            break;
        }
        d = (d + 1) % 7;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn nine_to_five() -> Calendar {
        Calendar::from_intervals(&day_range(0, 4, 9.0 * 3600.0, 17.0 * 3600.0))
    }

    #[test]
    fn work_is_stretched_over_closed_hours() {
        let c = nine_to_five();
        // Monday 16:00 plus 2 h of work ends Tuesday 10:00.
        assert_eq!(c.advance(16.0 * 3600.0, 7200.0), 86_400.0 + 10.0 * 3600.0);
        // Friday 16:00 plus 2 h ends Monday 10:00 of the next week.
        assert_eq!(
            c.advance(4.0 * 86_400.0 + 16.0 * 3600.0, 7200.0),
            WEEK + 10.0 * 3600.0
        );
        // 3 weeks of work (120 h) from Monday 09:00 ends Friday 17:00 of week 3.
        let end = c.advance(9.0 * 3600.0, 3.0 * 40.0 * 3600.0);
        assert_eq!(end, 2.0 * WEEK + 4.0 * 86_400.0 + 17.0 * 3600.0);
        assert_eq!(c.next_open(20.0 * 3600.0), 86_400.0 + 9.0 * 3600.0);
        assert_eq!(c.open_between(0.0, WEEK), 40.0 * 3600.0);
    }

    #[test]
    fn prosimos_full_day_is_always_open() {
        let c = Calendar::from_intervals(&day_range(0, 6, 0.0, 86_399.999));
        assert!(c.is_always());
        assert_eq!(time_of_day("23:59:59.999"), Some(86_399.999));
        assert_eq!(weekday("friday"), Some(4));
    }
}
