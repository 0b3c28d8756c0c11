//! KPIs over replications: summary statistics with 95% confidence intervals, per
//! activity and per resource figures, and the comparison with the analytic estimate.

use serde::Serialize;

use super::analytic::Analytic;
use super::engine::RepResult;
use super::net::Net;

/// A summary of one per-case measure. Each figure is the mean over replications of that
/// figure within a replication; `ci95` is the half-width of the 95% confidence interval of
/// the mean across replications (Student t; absent with one replication).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Stat {
    /// Mean.
    pub mean: f64,
    /// Half-width of the 95% confidence interval of the mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<f64>,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Maximum (over all replications).
    pub max: f64,
}

/// Per-activity figures (means per execution).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ActivityKpi {
    /// XML id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Executions per replication.
    pub count: f64,
    /// Mean waiting for a resource (s).
    pub waiting_mean: f64,
    /// Mean processing (s).
    pub processing_mean: f64,
    /// Total cost per replication.
    pub cost: f64,
}

/// Per-pool figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResourceKpi {
    /// Resource id in the scenario.
    pub id: String,
    /// Name.
    pub name: String,
    /// Units.
    pub units: u32,
    /// Busy time / available (calendar) time over the run.
    pub utilisation: f64,
    /// Tasks done per replication.
    pub tasks: f64,
    /// Busy hours per replication.
    pub busy_hours: f64,
    /// Cost per replication.
    pub cost: f64,
}

/// Simulation results.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SimSummary {
    /// Cases that completed, over all replications.
    pub cases_completed: u64,
    /// Cases counted in the statistics (after warm-up).
    pub cases_counted: u64,
    /// Cases that got stuck at a join that could never fire.
    #[serde(skip_serializing_if = "is_zero")]
    pub cases_stuck: u64,
    /// Cases ended by an error that nothing caught (failed cases; they are among the
    /// completed cases and in the statistics, with the time they ended).
    #[serde(skip_serializing_if = "is_zero")]
    pub cases_failed: u64,
    /// Loop exits forced by the gateway execution limit.
    #[serde(skip_serializing_if = "is_zero")]
    pub loop_limit_hits: u64,
    /// Events processed, over all replications.
    pub events: u64,
    /// Cycle time (arrival to completion), s.
    pub cycle_time: Stat,
    /// Processing time (union of task executions, so parallel work is not counted twice), s.
    pub processing_time: Stat,
    /// Waiting time for resources while nothing of the case is processed, s.
    pub waiting_time: Stat,
    /// Idle time: neither processed nor waiting for a resource (timers, messages), s.
    pub idle_time: Stat,
    /// Resource cost per case.
    pub cost: Stat,
    /// Completed cases per day (from first arrival to last completion).
    pub throughput_per_day: f64,
    /// Simulated span of a replication, s.
    pub span_s: f64,
    /// Per activity.
    pub activities: Vec<ActivityKpi>,
    /// Per resource pool.
    pub resources: Vec<ResourceKpi>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Percentile with linear interpolation between order statistics (numpy's default) of a
/// sorted slice.
#[must_use]
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let pos = q * (sorted.len() - 1) as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let frac = pos - pos.floor();
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// Student t quantile 0.975 for `df` degrees of freedom.
#[must_use]
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        f64::NAN
    } else if df <= 30 {
        T[df - 1]
    } else {
        1.96 + 2.4 / df as f64
    }
}

/// Mean and 95% CI half-width of a list of replication values.
#[must_use]
pub fn mean_ci(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len();
    if n == 0 {
        return (0.0, None);
    }
    #[allow(clippy::cast_precision_loss)]
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    if n < 2 {
        return (mean, None);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    (mean, Some(t975(n - 1) * (var / nf).sqrt()))
}

fn stat(per_rep: &mut [Vec<f64>]) -> Stat {
    let mut means = Vec::new();
    let (mut med, mut p90, mut p95, mut max) = (0.0, 0.0, 0.0, 0.0f64);
    let mut counted = 0.0;
    for v in per_rep.iter_mut() {
        if v.is_empty() {
            continue;
        }
        v.sort_unstable_by(f64::total_cmp);
        #[allow(clippy::cast_precision_loss)]
        means.push(v.iter().sum::<f64>() / v.len() as f64);
        med += percentile(v, 0.5);
        p90 += percentile(v, 0.9);
        p95 += percentile(v, 0.95);
        max = max.max(v[v.len() - 1]);
        counted += 1.0;
    }
    let (mean, ci95) = mean_ci(&means);
    if counted == 0.0 {
        return Stat::default();
    }
    Stat {
        mean,
        ci95,
        median: med / counted,
        p90: p90 / counted,
        p95: p95 / counted,
        max,
    }
}

/// Summarises replications.
#[must_use]
pub fn summarise(net: &Net, mut reps: Vec<RepResult>) -> SimSummary {
    #[allow(clippy::cast_precision_loss)]
    let r = reps.len().max(1) as f64;
    let mut take =
        |f: fn(&mut RepResult) -> Vec<f64>| -> Vec<Vec<f64>> { reps.iter_mut().map(f).collect() };
    let mut cycle = take(|x| std::mem::take(&mut x.cycle));
    let mut processing = take(|x| std::mem::take(&mut x.processing));
    let mut waiting = take(|x| std::mem::take(&mut x.waiting));
    let mut idle = take(|x| std::mem::take(&mut x.idle));
    let mut cost = take(|x| std::mem::take(&mut x.cost));
    let cases_counted = cycle.iter().map(|v| v.len() as u64).sum();
    let cycle_time = stat(&mut cycle);
    let processing_time = stat(&mut processing);
    let waiting_time = stat(&mut waiting);
    let idle_time = stat(&mut idle);
    let cost = stat(&mut cost);
    let mut activities = Vec::new();
    for (i, a) in net.acts.iter().enumerate() {
        let count: u64 = reps.iter().map(|x| x.act_count[i]).sum();
        let wait: f64 = reps.iter().map(|x| x.act_wait[i]).sum();
        let proc_: f64 = reps.iter().map(|x| x.act_proc[i]).sum();
        let c: f64 = reps.iter().map(|x| x.act_cost[i]).sum();
        #[allow(clippy::cast_precision_loss)]
        let n = count.max(1) as f64;
        #[allow(clippy::cast_precision_loss)]
        activities.push(ActivityKpi {
            id: a.id.clone(),
            name: a.name.clone(),
            count: count as f64 / r,
            waiting_mean: wait / n,
            processing_mean: proc_ / n,
            cost: c / r,
        });
    }
    let mut resources = Vec::new();
    for p in &net.pools {
        let (a, b) = p.units;
        let (mut busy, mut avail, mut tasks, mut c) = (0.0, 0.0, 0u64, 0.0);
        for x in &reps {
            for u in a..b {
                let unit = &net.units[u as usize];
                busy += x.unit_busy[u as usize];
                c += x.unit_busy[u as usize] * unit.cost_per_s;
                tasks += x.unit_tasks[u as usize];
                avail +=
                    net.calendars[unit.calendar as usize].open_between(x.first_arrival, x.last_end);
            }
        }
        #[allow(clippy::cast_precision_loss)]
        resources.push(ResourceKpi {
            id: p.id.clone(),
            name: p.name.clone(),
            units: b - a,
            utilisation: if avail > 0.0 { busy / avail } else { 0.0 },
            tasks: tasks as f64 / r,
            busy_hours: busy / 3600.0 / r,
            cost: c / r,
        });
    }
    let span: f64 = reps
        .iter()
        .map(|x| x.last_end - x.first_arrival)
        .sum::<f64>()
        / r;
    let completed: u64 = reps.iter().map(|x| x.completed).sum();
    #[allow(clippy::cast_precision_loss)]
    let throughput = if span > 0.0 {
        completed as f64 / r / (span / 86_400.0)
    } else {
        0.0
    };
    SimSummary {
        cases_completed: completed,
        cases_counted,
        cases_stuck: reps.iter().map(|x| x.stuck).sum(),
        cases_failed: reps.iter().map(|x| x.failed).sum(),
        loop_limit_hits: reps.iter().map(|x| x.limited).sum(),
        events: reps.iter().map(|x| x.events).sum(),
        cycle_time,
        processing_time,
        waiting_time,
        idle_time,
        cost,
        throughput_per_day: throughput,
        span_s: span,
        activities,
        resources,
    }
}

/// Explains a large gap between simulated and analytic mean cycle time.
#[must_use]
pub fn compare(net: &Net, sim: &SimSummary, an: &Analytic) -> Vec<String> {
    let mut out = Vec::new();
    let a = an.cycle_time.mean;
    let s = sim.cycle_time.mean;
    if a <= 0.0 || s <= 0.0 {
        return out;
    }
    let gap = (s - a) / a;
    if gap.abs() < 0.05 {
        return out;
    }
    out.push(format!(
        "simulated mean cycle time is {:+.0}% from the contention-free analytic estimate",
        gap * 100.0
    ));
    if sim.waiting_time.mean > 0.05 * s {
        let worst = sim
            .resources
            .iter()
            .max_by(|x, y| x.utilisation.total_cmp(&y.utilisation));
        let extra = worst.map_or(String::new(), |w| {
            format!(
                "; busiest pool `{}` is {:.0}% utilised",
                w.name,
                w.utilisation * 100.0
            )
        });
        out.push(format!(
            "resource contention: cases wait {:.0} s on average for resources ({:.0}% of the cycle){extra}",
            sim.waiting_time.mean,
            100.0 * sim.waiting_time.mean / s
        ));
    }
    if let Some(q) = an.cycle_mean_with_queueing {
        out.push(format!(
            "the queueing estimate (analytic cycle time plus M/M/c or M/G/c waits per pool) is {:.0} s, {:+.0}% from the simulation",
            q,
            (s - q) / q * 100.0
        ));
    }
    if net.calendars.iter().any(|c| !c.is_always()) || net.arrival_calendar.is_some() {
        let min_open = net
            .calendars
            .iter()
            .filter(|c| !c.is_always())
            .map(super::calendar::Calendar::open_per_week)
            .fold(f64::INFINITY, f64::min);
        if min_open.is_finite() {
            out.push(format!(
                "calendars: some resources work only {:.0} h a week, so work stops outside their hours (the analytic method assumes 24/7)",
                min_open / 3600.0
            ));
        } else {
            out.push("calendars: arrivals are restricted to a calendar".to_owned());
        }
    }
    for q in &an.queueing {
        if q.utilisation >= 1.0 {
            out.push(format!(
                "pool `{}` is overloaded (utilisation {:.2} >= 1): its queue grows with the run, so the simulated times depend on the number of cases",
                q.pool, q.utilisation
            ));
        }
    }
    if sim.idle_time.mean > 0.05 * s && an.approximate {
        out.push(
            "the model is not block-structured, so the analytic figure is itself approximate"
                .to_owned(),
        );
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.5), 2.5);
        assert_eq!(percentile(&v, 1.0), 4.0);
        let (m, ci) = mean_ci(&[1.0, 3.0]);
        assert_eq!(m, 2.0);
        assert!((ci.unwrap() - 12.706).abs() < 1e-9);
    }
}
