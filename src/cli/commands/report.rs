//! `bpmnkit report`: one self-contained HTML page per model (diagram, findings, soundness,
//! simulation KPIs), and an index page when given several models or a directory.
//!
//! Exit codes: 0 no finding at error level; 1 a finding at error level (lint, governance or
//! an unsound process); 2 a model could not be read or the output could not be written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::cli::args::ReadArgs;
use crate::cli::commands::inspect::parse_error_diagnostic;
use crate::cli::{CliError, ExitStatus, files, use_color};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Category;
use crate::lint::config::Config;
use crate::model::{Diagram, Model};
use crate::parse::parse_file;
use crate::report::html::{
    self, ActivityTimes, Finding, ModelStatus, PropertyState, ReportInput, ResourceUse,
    SimulationKpis, Source, UnitVerdict, Verdict,
};
use crate::report::render_text;
use crate::simulate::{Scenario, SimOptions};
use crate::verify::{Check, VerifyOptions, verify_model};

/// What `bpmnkit report` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str =
    "Write a self-contained HTML report: diagram, findings, soundness, simulation KPIs";

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct ReportArgs {
    /// Model files or directories (walked for *.bpmn and BPMN *.xml).
    #[arg(required = true, value_name = "MODEL")]
    pub paths: Vec<PathBuf>,
    /// Output: a file (`report.html`) for one model, or a directory (`DIR/`) that gets one
    /// page per model and `index.html`. Default: `<model>.html` in the current directory
    /// for one model, `bpmnkit-report/` for several models or a directory.
    #[arg(short, long, value_name = "FILE|DIR/")]
    pub output: Option<PathBuf>,
    /// Scenario for the simulation (Prosimos JSON, as `bpmnkit simulate --scenario`).
    /// Without it: simulation parameters in the model, else the documented defaults (the
    /// page says which).
    #[arg(long, value_name = "S")]
    pub scenario: Option<PathBuf>,
    /// Simulated cases per model.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub cases: u64,
    /// Random seed of the simulation.
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    pub seed: u64,
    /// Leave the simulation out.
    #[arg(long)]
    pub no_simulation: bool,
    /// Lint config (`.bpmnlintrc` JSON). Default: the nearest `.bpmnlintrc` above each
    /// model, else `bpmnlint:recommended`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Most states explored per process by the soundness check.
    #[arg(long, value_name = "N", default_value_t = crate::verify::DEFAULT_MAX_STATES)]
    pub max_states: usize,
    /// Parser limits.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Lint findings of the rules the config turns on for this file, tagged lint or
/// governance by the rule's category.
fn lint_findings(model: &Model, config: &Config) -> Vec<Finding> {
    let active = config.rules_for(Path::new(model.source.name()));
    let rules: Vec<_> = active
        .iter()
        .map(|a| (a.rule, a.severity, a.options.as_ref()))
        .collect();
    crate::lint::run_with_options(model, &rules)
        .into_iter()
        .map(|d| {
            let name = d.code.strip_prefix("lint::").unwrap_or(&d.code);
            let governance = crate::lint::config::find_rule(name)
                .is_some_and(|r| r.meta().category == Category::Governance);
            Finding {
                diagnostic: d,
                source: if governance {
                    Source::Governance
                } else {
                    Source::Lint
                },
                witness: false,
            }
        })
        .collect()
}

/// The lint config for a model: the one given, else the nearest `.bpmnlintrc` above the
/// model, else `bpmnlint:recommended`.
///
/// # Errors
/// A `.bpmnlintrc` that cannot be read or is invalid.
fn config_for(path: &Path, given: Option<&Config>) -> Result<Config, CliError> {
    if let Some(c) = given {
        return Ok(c.clone());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    match crate::lint::config::find_upward(&dir) {
        Some(rc) => Config::load(&rc).map_err(|e| CliError::Io {
            path: rc.display().to_string(),
            message: e.to_string(),
        }),
        None => Ok(Config::builtin_default()),
    }
}

fn property_state(c: Check) -> Option<PropertyState> {
    match c {
        Check::Holds => Some(PropertyState::Holds),
        Check::Violated => Some(PropertyState::Violated),
        Check::Unknown => Some(PropertyState::Unknown),
        Check::NotApplicable => None,
    }
}

/// Soundness verdicts per unit, and the verify findings (appended to `findings`).
fn soundness(model: &Model, max_states: usize, findings: &mut Vec<Finding>) -> Vec<UnitVerdict> {
    let report = verify_model(
        model,
        &VerifyOptions {
            max_states,
            ..VerifyOptions::default()
        },
    );
    let first = findings.len();
    let mut scope_of = Vec::new();
    for (f, d) in report.findings.iter().zip(&report.diagnostics) {
        scope_of.push(f.scope.clone());
        findings.push(Finding {
            witness: d.labels.iter().any(|l| l.element_id.is_some()),
            diagnostic: d.clone(),
            source: Source::Verify,
        });
    }
    report
        .units
        .iter()
        .map(|u| {
            let kind = serde_json::to_value(u.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let how = match u.decision {
                crate::verify::Decision::Structural => {
                    format!("decided structurally ({} fragments)", u.fragments)
                }
                crate::verify::Decision::Symbolic => "decided by symbolic execution".to_owned(),
                crate::verify::Decision::StateSpace => format!("{} states explored", u.states),
            };
            let p = &u.properties;
            let properties = [
                ("option to complete", p.option_to_complete),
                ("proper completion", p.proper_completion),
                ("no lack of synchronisation", p.safeness),
                ("no dead activities", p.no_dead_activities),
                ("no message deadlock", p.no_message_deadlock),
            ]
            .into_iter()
            .filter_map(|(n, c)| property_state(c).map(|s| (n.to_owned(), s)))
            .collect();
            let scope = u.scopes.first().cloned().unwrap_or_default();
            UnitVerdict {
                name: u.names.join(" + "),
                kind,
                verdict: match u.verdict {
                    crate::verify::Verdict::Sound => Verdict::Sound,
                    crate::verify::Verdict::Unknown => Verdict::Unknown,
                    crate::verify::Verdict::Unsound => Verdict::Unsound,
                },
                how,
                properties,
                findings: scope_of
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s == scope)
                    .map(|(i, _)| first + i)
                    .collect(),
            }
        })
        .collect()
}

/// The diagrams to draw: the file's own when it has coordinates, else the auto-layout's
/// (and a note saying so).
fn diagrams_of(model: &Model) -> (Vec<Diagram>, Option<Diagnostic>) {
    let own: Vec<Diagram> = model
        .diagrams
        .iter()
        .filter(|d| !d.plane.shapes.is_empty() || !d.plane.edges.is_empty())
        .cloned()
        .collect();
    if !own.is_empty() {
        return (own, None);
    }
    match crate::render::layout::layout(model, &crate::render::layout::LayoutOptions::default()) {
        Ok(diagrams) => (
            diagrams,
            Some(Diagnostic::new(
                "render::auto-layout",
                Severity::Info,
                "The file has no diagram coordinates (BPMNDI); the diagram shown is laid out automatically",
            )
            .with_help("save the model from a modelling tool, or run bpmnkit layout, to keep a layout")),
        ),
        Err(e) => (Vec::new(), Some(Diagnostic::new("render::no-diagram", Severity::Info, e.to_string()))),
    }
}

/// What the page shows besides the model itself.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// State budget of the soundness check.
    pub max_states: usize,
    /// The lint config (`None`: the nearest `.bpmnlintrc`, else `bpmnlint:recommended`).
    pub config: Option<Config>,
    /// Simulate, with this scenario (or the model's own parameters or the defaults).
    pub simulate: Option<SimulateWith>,
}

/// How to simulate.
#[derive(Debug, Clone, Default)]
pub struct SimulateWith {
    /// The scenario and where it came from.
    pub scenario: Option<(Scenario, String)>,
    /// Cases.
    pub cases: u64,
    /// Seed.
    pub seed: u64,
}

/// Simulates the model and the analytic estimate, keeping every case's cycle time for
/// the histogram.
///
/// # Errors
/// The simulator's message when the model cannot be simulated.
fn simulation(model: &Model, with: &SimulateWith) -> Result<SimulationKpis, String> {
    use crate::simulate::{analytic, engine, replication_seed, stats};
    let prepared =
        crate::simulate::prepare(model, with.scenario.as_ref().map(|s| s.0.clone()), None)
            .map_err(|e| e.message)?;
    let options = SimOptions {
        cases: Some(with.cases),
        seed: Some(with.seed),
        ..SimOptions::default()
    };
    let settings = crate::simulate::settings(&prepared, &options);
    let net = &prepared.net;
    let reps: Vec<engine::RepResult> = (0..settings.replications)
        .map(|r| {
            let spec = engine::RunSpec {
                cases: settings.cases,
                horizon: settings.horizon_s,
                warmup: settings.warmup,
                seed: replication_seed(settings.seed, r),
                log: false,
                unlimited: false,
            };
            engine::run(net, &spec, None)
        })
        .collect();
    let cycle_times_s: Vec<f64> = reps.iter().flat_map(|r| r.cycle.iter().copied()).collect();
    let summary = stats::summarise(net, reps);
    let estimate = analytic::estimate(net, settings.seed);
    let mut notes = prepared.notes.clone();
    notes.extend(stats::compare(net, &summary, &estimate));
    let analytic_mean_s = estimate
        .cycle_mean_with_queueing
        .unwrap_or(estimate.cycle_time.mean);
    notes.push(format!(
        "Analytic estimate ({}{}): contention-free mean {}, with queueing {}",
        estimate.method,
        if estimate.approximate {
            ", approximate"
        } else {
            ""
        },
        html::duration(estimate.cycle_time.mean),
        estimate.cycle_mean_with_queueing.map_or_else(
            || "not available (a pool is overloaded)".to_owned(),
            html::duration
        )
    ));
    Ok(SimulationKpis {
        scenario: with
            .scenario
            .as_ref()
            .map_or_else(|| prepared.scenario_source.clone(), |s| s.1.clone()),
        process: model
            .by_id(&net.process_id)
            .and_then(|p| model.el(p).label())
            .map_or_else(|| net.process_id.clone(), str::to_owned),
        cycle_times_s,
        cases_stuck: summary.cases_stuck,
        cases_failed: summary.cases_failed,
        analytic_mean_s: Some(analytic_mean_s),
        activities: summary
            .activities
            .iter()
            .map(|a| ActivityTimes {
                id: a.id.clone(),
                name: a.name.clone(),
                count: a.count,
                waiting_mean_s: a.waiting_mean,
                processing_mean_s: a.processing_mean,
            })
            .collect(),
        resources: summary
            .resources
            .iter()
            .map(|r| ResourceUse {
                name: r.name.clone(),
                units: r.units,
                utilisation: r.utilisation,
            })
            .collect(),
        notes,
    })
}

/// Builds the page of one parsed model.
///
/// # Errors
/// An invalid lint config.
pub fn page_for(model: &Model, options: &PageOptions) -> Result<html::Page, CliError> {
    let config = config_for(Path::new(model.source.name()), options.config.as_ref())?;
    let mut findings: Vec<Finding> = model
        .diagnostics
        .iter()
        .map(|d| Finding {
            diagnostic: d.clone(),
            source: Source::Parse,
            witness: false,
        })
        .collect();
    findings.extend(lint_findings(model, &config));
    let (diagrams, note) = diagrams_of(model);
    findings.extend(note.map(|d| Finding {
        diagnostic: d,
        source: Source::Render,
        witness: false,
    }));
    let units = soundness(model, options.max_states, &mut findings);
    let mut input = ReportInput::new(model, diagrams);
    if let Some(with) = &options.simulate {
        match simulation(model, with) {
            Ok(kpis) => input.simulation = Some(kpis),
            Err(why) => findings.push(Finding {
                diagnostic: Diagnostic::new(
                    "simulate::not-simulated",
                    Severity::Info,
                    format!("Not simulated: {why}"),
                ),
                source: Source::Simulate,
                witness: false,
            }),
        }
    }
    input.findings = findings;
    input.soundness = Some(units);
    Ok(html::render(&input))
}

/// Where pages go.
enum Target {
    /// One model, one file.
    File(PathBuf),
    /// A directory with a page per model and `index.html`.
    Dir(PathBuf),
}

fn target(args: &ReportArgs, models: &[PathBuf]) -> Result<Target, CliError> {
    let several = models.len() > 1 || args.paths.iter().any(|p| p.is_dir());
    match &args.output {
        Some(out) => {
            let text = out.to_string_lossy();
            if out.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
                Ok(Target::Dir(out.clone()))
            } else if several {
                Err(CliError::Render(format!(
                    "{} models need an output directory: -o {}/",
                    models.len(),
                    out.display()
                )))
            } else {
                Ok(Target::File(out.clone()))
            }
        }
        None if several => Ok(Target::Dir(PathBuf::from("bpmnkit-report"))),
        None => {
            let stem = models
                .first()
                .and_then(|m| m.file_stem())
                .map_or_else(|| "report".to_owned(), |s| s.to_string_lossy().into_owned());
            Ok(Target::File(PathBuf::from(format!("{stem}.html"))))
        }
    }
}

/// A page file name for a model, unique within the directory.
fn page_name(model: &Path, used: &mut HashSet<String>) -> String {
    let stem: String = model
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".to_owned())
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("{stem}.html");
    let mut n = 2;
    while name == "index.html" || !used.insert(name.clone()) {
        name = format!("{stem}-{n}.html");
        n += 1;
    }
    name
}

/// Runs `report`.
///
/// # Errors
/// Paths that do not exist or hold no model, and output failures.
pub fn run(args: &ReportArgs) -> Result<ExitStatus, CliError> {
    let models = files::collect(&args.paths)?;
    let target = target(args, &models)?;
    let color = use_color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let options = args.read.options();
    let mut status = ExitStatus::Success;
    let mut statuses = Vec::new();
    let mut used = HashSet::new();
    let scenario = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| CliError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            let scenario = Scenario::from_json(&text).map_err(|e| CliError::Io {
                path: path.display().to_string(),
                message: e.message,
            })?;
            Some((scenario, path.display().to_string()))
        }
        None => None,
    };
    let config = match &args.config {
        Some(path) => Some(Config::load(path).map_err(|e| CliError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?),
        None => None,
    };
    let page_options = PageOptions {
        config,
        max_states: args.max_states,
        simulate: if args.no_simulation {
            None
        } else {
            Some(SimulateWith {
                scenario,
                cases: args.cases,
                seed: args.seed,
            })
        },
    };
    if let Target::Dir(dir) = &target {
        std::fs::create_dir_all(dir).map_err(|e| CliError::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
    }
    for path in &models {
        let model = match parse_file(path, &options) {
            Ok(model) => model,
            Err(err) => {
                let d = parse_error_diagnostic(err);
                eprint!("{}", render_text(std::slice::from_ref(&d), color));
                status = ExitStatus::Error;
                statuses.push(ModelStatus {
                    file: path.display().to_string(),
                    unreadable: Some(d.diagnostic.message.clone()),
                    ..ModelStatus::default()
                });
                continue;
            }
        };
        let page = page_for(&model, &page_options)?;
        if page.status.errors > 0 {
            status = status.max(ExitStatus::Findings);
        }
        let out = match &target {
            Target::File(f) => f.clone(),
            Target::Dir(dir) => dir.join(page_name(path, &mut used)),
        };
        write_atomic(&out, &models, &page.html)?;
        let mut st = page.status;
        st.href = out.file_name().map(|n| n.to_string_lossy().into_owned());
        eprintln!(
            "{}: {} errors, {} warnings{} -> {}",
            path.display(),
            st.errors,
            st.warnings,
            st.verdict
                .map_or_else(String::new, |v| format!(", {}", v.as_str())),
            out.display()
        );
        statuses.push(st);
    }
    if let Target::Dir(dir) = &target {
        let index = dir.join("index.html");
        let generator = format!("bpmnkit {}", env!("CARGO_PKG_VERSION"));
        write_atomic(&index, &models, &html::index(&statuses, &generator))?;
        eprintln!("index -> {}", index.display());
    }
    Ok(status)
}

/// Writes through the shared atomic writer; never over an input model.
fn write_atomic(path: &Path, inputs: &[PathBuf], text: &str) -> Result<(), CliError> {
    crate::cli::output::write_atomic(
        path,
        text.as_bytes(),
        inputs,
        crate::cli::output::Overwrite::Refuse,
    )
    .map_err(|e| CliError::Render(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_are_unique_and_never_the_index() {
        let mut used = HashSet::new();
        assert_eq!(page_name(Path::new("a/x.bpmn"), &mut used), "x.html");
        assert_eq!(page_name(Path::new("b/x.bpmn"), &mut used), "x-2.html");
        assert_eq!(
            page_name(Path::new("index.bpmn"), &mut used),
            "index-2.html"
        );
        assert_eq!(
            page_name(Path::new("we ird<.bpmn"), &mut used),
            "we_ird_.html"
        );
    }
}
