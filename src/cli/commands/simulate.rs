//! `bpmnkit simulate`: cycle-time estimates by simulation and analytically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::cli::args::{Format, ReadArgs};
use crate::cli::commands::inspect::parse_error_diagnostic;
use crate::cli::{CliError, ExitStatus, use_color, write_stdout};
use crate::parse::parse_file;
use crate::report::render_text;
use crate::simulate::{self, Method, Scenario, SimError, SimOptions, SimReport, Stat};

/// Which estimate to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum MethodArg {
    /// Discrete-event simulation.
    Sim,
    /// Analytic estimate from the model's structure (no contention) plus queueing.
    Analytic,
    /// Both, side by side.
    #[default]
    Both,
}

/// What `bpmnkit simulate` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str = "Estimate cycle times: discrete-event simulation and an analytic estimate";

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct SimulateArgs {
    /// The model file.
    pub model: PathBuf,
    /// Scenario JSON (Prosimos 2.1.0 format; see schemas/scenario.schema.json). Without
    /// it: BPSim or QBP parameters in the model, else the documented defaults.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Cases per replication [default: 1000].
    #[arg(long, value_name = "N", conflicts_with = "horizon")]
    pub cases: Option<u64>,
    /// Stop arrivals after this simulated time (`30d`, `12h`, `90m`, `3600s`, `P30D`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub horizon: Option<f64>,
    /// Cases left out of the statistics at the start of each replication.
    #[arg(long, value_name = "N")]
    pub warmup: Option<u64>,
    /// Independent replications (run in parallel) [default: 1].
    #[arg(long, value_name = "R")]
    pub replications: Option<u32>,
    /// Random seed [default: 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Write the event log of the first replication as CSV (case_id, activity,
    /// enable_time, start_time, end_time, resource).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// What to compute.
    #[arg(long, value_enum, default_value_t)]
    pub method: MethodArg,
    /// The process to simulate (default: the one with the most flow nodes).
    #[arg(long, value_name = "ID")]
    pub process: Option<String>,
    /// Worker threads for replications (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Parser limits.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Parses `30d`, `12h`, `90m`, `45s`, a bare number of seconds, or ISO 8601 `P…`.
///
/// # Errors
/// Anything else.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.starts_with(['P', 'p']) {
        return simulate::compile::iso_duration(t)
            .ok_or_else(|| format!("`{t}` is not an ISO 8601 duration"));
    }
    let (num, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len()));
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{t}` is not a duration (e.g. 30d, 12h, 90m, 3600s)"))?;
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        other => return Err(format!("unknown unit `{other}` (use s, m, h, d, w)")),
    };
    if v <= 0.0 {
        return Err("the horizon must be positive".to_owned());
    }
    Ok(v * scale)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Runs `simulate`.
///
/// # Errors
/// Unreadable scenario, bad scenario, output failures.
pub fn run(args: &SimulateArgs) -> Result<ExitStatus, CliError> {
    let model = match parse_file(&args.model, &args.read.options()) {
        Ok(m) => m,
        Err(err) => {
            let color = use_color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
            eprint!("{}", render_text(&[parse_error_diagnostic(err)], color));
            return Ok(ExitStatus::Error);
        }
    };
    if let Some(log) = &args.log {
        let inputs = [Some(&args.model), args.scenario.as_ref()];
        if inputs.iter().flatten().any(|p| same_file(p, log)) {
            return Err(SimError::new(
                "simulate::log-overwrites-input",
                format!("--log {} would overwrite an input file", log.display()),
            )
            .into());
        }
    }
    let scenario = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| CliError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            Some(Scenario::from_json(&text).map_err(|e| SimError {
                message: format!("{}: {}", path.display(), e.message),
                ..e
            })?)
        }
        None => None,
    };
    let prepared = simulate::prepare(&model, scenario, args.process.as_deref())?;
    let options = SimOptions {
        cases: args.cases,
        horizon: args.horizon,
        warmup: args.warmup,
        replications: args.replications,
        seed: args.seed,
        log: args.log.is_some(),
        method: match args.method {
            MethodArg::Sim => Method::Sim,
            MethodArg::Analytic => Method::Analytic,
            MethodArg::Both => Method::Both,
        },
    };
    let settings = simulate::settings(&prepared, &options);
    let started = Instant::now();
    let report = run_pool(args.threads, || {
        run_with_bar(&prepared, &options, &settings)
    })?;
    let elapsed = started.elapsed();
    if let Some(path) = &args.log {
        // Neither the model nor the scenario is ever written over.
        let mut inputs = vec![args.model.clone()];
        inputs.extend(args.scenario.clone());
        write_log(path, &inputs, &prepared.net, &report)?;
    }
    match args.format {
        Format::Json => write_stdout(&(serde_json::to_string_pretty(&report)? + "\n"))?,
        Format::Text => write_stdout(&text_report(&report))?,
    }
    if let Some(sim) = &report.simulation {
        #[allow(clippy::cast_precision_loss)]
        let rate = sim.cases_completed as f64 / elapsed.as_secs_f64().max(1e-9);
        eprintln!(
            "simulated {} cases ({} events) in {:.2} s: {:.0} cases/s",
            sim.cases_completed,
            sim.events,
            elapsed.as_secs_f64(),
            rate
        );
    }
    let stuck = report
        .simulation
        .as_ref()
        .is_some_and(|s| s.cases_stuck > 0);
    Ok(if stuck {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn run_pool<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T, CliError> {
    match threads {
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(|e| CliError::Output(std::io::Error::other(e.to_string())))?;
            Ok(pool.install(f))
        }
        None => Ok(f()),
    }
}

fn run_with_bar(
    prepared: &simulate::Prepared,
    options: &SimOptions,
    settings: &simulate::Settings,
) -> SimReport {
    let total = settings
        .cases
        .saturating_mul(u64::from(settings.replications));
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    if !terminal
        || total < 200_000
        || settings.cases == u64::MAX
        || options.method == Method::Analytic
    {
        return simulate::run(prepared, options);
    }
    let done = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            // Show the bar only if the run lasts more than half a second.
            let t0 = Instant::now();
            while !finished.load(Ordering::Relaxed) && t0.elapsed() < Duration::from_millis(500) {
                std::thread::sleep(Duration::from_millis(20));
            }
            if finished.load(Ordering::Relaxed) {
                return;
            }
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} cases, {per_sec}, eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            while !finished.load(Ordering::Relaxed) {
                bar.set_position(done.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let r = simulate::run_with_progress(prepared, options, Some(&done));
        finished.store(true, Ordering::Relaxed);
        r
    })
}

/// Seconds as a human duration.
#[must_use]
pub fn human(s: f64) -> String {
    let a = s.abs();
    if a < 120.0 {
        format!("{s:.1} s")
    } else if a < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else if a < 172_800.0 {
        format!("{:.2} h", s / 3600.0)
    } else {
        format!("{:.2} d", s / 86_400.0)
    }
}

fn stat_row(out: &mut String, label: &str, s: &Stat, time: bool) {
    let f = |v: f64| if time { human(v) } else { format!("{v:.2}") };
    let ci = s
        .ci95
        .map_or_else(|| "-".to_owned(), |c| format!("±{}", f(c)));
    let _ = writeln!(
        out,
        "  {label:<11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}",
        f(s.mean),
        ci,
        f(s.median),
        f(s.p90),
        f(s.p95),
        f(s.max)
    );
}

/// The text report.
#[must_use]
pub fn text_report(r: &SimReport) -> String {
    let mut out = String::new();
    let st = &r.settings;
    let _ = writeln!(
        out,
        "{} (process {}), scenario: {}",
        r.model, r.process, r.scenario
    );
    let cases = if st.cases == u64::MAX {
        format!(
            "cases arriving within {}",
            human(st.horizon_s.unwrap_or(0.0))
        )
    } else {
        format!("{} cases", st.cases)
    };
    let _ = writeln!(
        out,
        "{} replication{} x {cases}, warm-up {}, seed {}",
        st.replications,
        if st.replications == 1 { "" } else { "s" },
        st.warmup,
        st.seed
    );
    if let Some(s) = &r.simulation {
        let _ = writeln!(
            out,
            "\nSimulation ({} cases completed, {} counted, {} events)",
            s.cases_completed, s.cases_counted, s.events
        );
        let _ = writeln!(
            out,
            "  {:<11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}",
            "per case", "mean", "95% CI", "median", "p90", "p95", "max"
        );
        stat_row(&mut out, "cycle", &s.cycle_time, true);
        stat_row(&mut out, "processing", &s.processing_time, true);
        stat_row(&mut out, "waiting", &s.waiting_time, true);
        stat_row(&mut out, "idle", &s.idle_time, true);
        stat_row(&mut out, "cost", &s.cost, false);
        let _ = writeln!(
            out,
            "  throughput  {:.2} cases/day over {}",
            s.throughput_per_day,
            human(s.span_s)
        );
        if s.cases_stuck > 0 {
            let _ = writeln!(
                out,
                "  warning: {} cases got stuck at a join that could never fire",
                s.cases_stuck
            );
        }
        if s.cases_failed > 0 {
            let _ = writeln!(
                out,
                "  {} cases ended by an error that nothing caught (failed; counted above)",
                s.cases_failed
            );
        }
        if s.loop_limit_hits > 0 {
            let _ = writeln!(
                out,
                "  warning: the gateway execution limit forced {} loop exits",
                s.loop_limit_hits
            );
        }
        let _ = writeln!(
            out,
            "\n  {:<32} {:>10} {:>12} {:>12} {:>12}",
            "activity", "count", "waiting", "processing", "cost"
        );
        for a in &s.activities {
            if a.count == 0.0 {
                continue;
            }
            let _ = writeln!(
                out,
                "  {:<32} {:>10.1} {:>12} {:>12} {:>12.2}",
                truncate(&a.name, 32),
                a.count,
                human(a.waiting_mean),
                human(a.processing_mean),
                a.cost
            );
        }
        let _ = writeln!(
            out,
            "\n  {:<32} {:>6} {:>12} {:>10} {:>12} {:>12}",
            "resource", "units", "utilisation", "tasks", "busy", "cost"
        );
        for p in &s.resources {
            let _ = writeln!(
                out,
                "  {:<32} {:>6} {:>11.1}% {:>10.1} {:>12} {:>12.2}",
                truncate(&p.name, 32),
                p.units,
                p.utilisation * 100.0,
                p.tasks,
                human(p.busy_hours * 3600.0),
                p.cost
            );
        }
    }
    if let Some(a) = &r.analytic {
        let _ = writeln!(out, "\nAnalytic estimate ({}): {}", a.method, a.note);
        let _ = writeln!(
            out,
            "  {:<11} {:>11} {:>11} {:>11} {:>11} {:>11}",
            "", "mean", "sd", "median", "p90", "p95"
        );
        let _ = writeln!(
            out,
            "  {:<11} {:>11} {:>11} {:>11} {:>11} {:>11}",
            "cycle",
            human(a.cycle_time.mean),
            human(a.cycle_sd),
            human(a.cycle_time.median),
            human(a.cycle_time.p90),
            human(a.cycle_time.p95)
        );
        for q in &a.queueing {
            let _ = writeln!(
                out,
                "  queue {:<26} {} x{}: utilisation {:.1}%, mean wait {}",
                truncate(&q.pool, 26),
                q.model,
                q.servers,
                q.utilisation * 100.0,
                q.waiting_mean_s
                    .map_or_else(|| "unbounded (overloaded)".to_owned(), human)
            );
        }
        if let Some(w) = a.cycle_mean_with_queueing {
            let _ = writeln!(out, "  mean cycle time with queueing: {}", human(w));
        }
    }
    if !r.comparison.is_empty() {
        let _ = writeln!(out, "\nWhy simulation and analytic estimate differ:");
        for c in &r.comparison {
            let _ = writeln!(out, "  - {c}");
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\nNotes:");
        for n in r.notes.iter().take(12) {
            let _ = writeln!(out, "  - {n}");
        }
        if r.notes.len() > 12 {
            let _ = writeln!(
                out,
                "  - ... and {} more (see --format json)",
                r.notes.len() - 12
            );
        }
    }
    out
}

/// A table cell of at most `n` characters on one line (names may hold line breaks).
fn truncate(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        s
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// ISO 8601 UTC timestamp of a simulation time (0 = Monday 2024-01-01T00:00:00Z).
#[must_use]
pub fn timestamp(t: f64) -> String {
    // 2024-01-01 is day 19723 since 1970-01-01.
    #[allow(clippy::cast_possible_truncation)]
    let ms_total = (t * 1000.0).round() as i64;
    let days = ms_total.div_euclid(86_400_000) + 19_723;
    let ms = ms_total.rem_euclid(86_400_000);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Writes the event log atomically (temp file + rename), never over an input.
fn write_log(
    path: &Path,
    inputs: &[std::path::PathBuf],
    net: &simulate::net::Net,
    report: &SimReport,
) -> Result<(), CliError> {
    let names: Vec<String> = net.acts.iter().map(|a| csv_field(&a.name)).collect();
    let units: Vec<String> = net.units.iter().map(|u| csv_field(&u.name)).collect();
    let mut rows = report.log.clone();
    rows.sort_by(|a, b| {
        a.case
            .cmp(&b.case)
            .then(a.start.total_cmp(&b.start))
            .then(a.end.total_cmp(&b.end))
    });
    crate::cli::output::write_atomic_with(
        path,
        inputs,
        crate::cli::output::Overwrite::Refuse,
        |w| {
            writeln!(
                w,
                "case_id,activity,enable_time,start_time,end_time,resource"
            )?;
            for r in &rows {
                writeln!(
                    w,
                    "{},{},{},{},{},{}",
                    r.case,
                    names[r.act as usize],
                    timestamp(r.enable),
                    timestamp(r.start),
                    timestamp(r.end),
                    if r.unit == u32::MAX {
                        ""
                    } else {
                        &units[r.unit as usize]
                    }
                )?;
            }
            Ok(())
        },
    )
    .map_err(|e| CliError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_start_on_monday_2024() {
        assert_eq!(timestamp(0.0), "2024-01-01T00:00:00.000Z");
        assert_eq!(
            timestamp(86_400.0 * 60.0 + 3661.5),
            "2024-03-01T01:01:01.500Z"
        );
        assert_eq!(parse_duration("30d"), Ok(2_592_000.0));
        assert_eq!(parse_duration("PT1H"), Ok(3600.0));
        assert!(parse_duration("3 parsecs").is_err());
    }
}
