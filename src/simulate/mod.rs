//! Cycle-time estimates: discrete-event simulation and an analytic method.
//!
//! [`prepare`] turns a model and a scenario into a compiled [`net::Net`]; [`run`] simulates
//! it (replications in parallel, deterministic for a seed whatever the thread count) and/or
//! computes the analytic estimate, and returns a [`SimReport`].
//!
//! The scenario comes from, in order: the `--scenario` JSON file (Prosimos 2.1.0 format,
//! see [`scenario`]), BPSim parameters embedded in the model (`bpsim:BPSimData`), a BIMP/QBP
//! `qbp:processSimulationInfo` block, or else the documented defaults ([`defaults`]).
//!
//! Semantics we chose where the peers differ: arrivals restricted by a calendar follow
//! Prosimos (the inter-arrival time runs in continuous time; an arrival outside the
//! calendar moves to the next open instant and the next gap counts from there), not BIMP
//! (whose arrival clock only runs while the calendar is open).
//!
//! ```
//! let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
//!   <process id="p"><startEvent id="s"/><task id="t"/><endEvent id="e"/>
//!   <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
//!   <sequenceFlow id="f2" sourceRef="t" targetRef="e"/></process></definitions>"#;
//! let model = bpmnkit::parse_str("m.bpmn", xml, &Default::default())?;
//! let prepared = bpmnkit::simulate::prepare(&model, None, None)?;
//! let options = bpmnkit::simulate::SimOptions { cases: Some(1000), ..Default::default() };
//! let report = bpmnkit::simulate::run(&prepared, &options);
//! let sim = report.simulation.expect("simulated");
//! assert_eq!(sim.cases_completed, 1000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analytic;
pub mod calendar;
pub mod compile;
pub mod defaults;
pub mod dist;
pub mod engine;
pub mod import;
pub mod net;
pub mod scenario;
pub mod stats;

use std::sync::atomic::AtomicU64;

use rayon::prelude::*;
use serde::Serialize;

pub use scenario::Scenario;
pub use stats::{ActivityKpi, ResourceKpi, SimSummary, Stat};

use crate::model::Model;

/// A simulation error: a bad scenario, option or model. `code` is `simulate::<name>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SimError {
    /// `simulate::<name>`.
    pub code: &'static str,
    /// What is wrong, naming the scenario key and element.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl SimError {
    /// A new error.
    pub fn new(code: &'static str, message: impl Into<String>) -> SimError {
        SimError {
            code,
            message: message.into(),
            help: None,
        }
    }

    /// Adds help.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> SimError {
        self.help = Some(help.into());
        self
    }
}

impl miette::Diagnostic for SimError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display + 'a>)
    }
}

/// Which estimate to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Discrete-event simulation only.
    Sim,
    /// The analytic estimate only.
    Analytic,
    /// Both, side by side.
    #[default]
    Both,
}

/// Run options (the command line's; a scenario's `simulation` block fills what is unset).
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    /// Cases per replication (default 1000, unless a horizon is given).
    pub cases: Option<u64>,
    /// Arrivals stop after this many seconds.
    pub horizon: Option<f64>,
    /// Cases left out of statistics at the start of each replication.
    pub warmup: Option<u64>,
    /// Replications (default 1).
    pub replications: Option<u32>,
    /// Seed (default 1).
    pub seed: Option<u64>,
    /// Keep the event log of the first replication.
    pub log: bool,
    /// What to compute.
    pub method: Method,
}

/// A model and scenario compiled for simulation.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The net.
    pub net: net::Net,
    /// Where the scenario came from.
    pub scenario_source: String,
    /// Defaults filled in and keys ignored.
    pub notes: Vec<String>,
    /// Run settings from the scenario.
    pub settings: scenario::RunSettings,
    /// The model's file name.
    pub model_name: String,
}

/// Compiles a model with a scenario (or the one embedded in the model, or the defaults).
///
/// # Errors
/// A bad scenario or a model without a simulable process.
pub fn prepare(
    model: &Model,
    scenario: Option<Scenario>,
    process: Option<&str>,
) -> Result<Prepared, SimError> {
    let process = compile::pick_process(model, process)?;
    let (scenario, source, mut notes) = match scenario {
        Some(s) => (s, "scenario file".to_owned(), Vec::new()),
        None => match import::embedded(model, process)? {
            Some((s, source, notes)) => (s, source, notes),
            None => (
                Scenario::default(),
                "defaults (no scenario given)".to_owned(),
                Vec::new(),
            ),
        },
    };
    let (net, more) = compile::compile(model, process, &scenario)?;
    notes.extend(more);
    Ok(Prepared {
        net,
        scenario_source: source,
        notes,
        settings: scenario.simulation.clone().unwrap_or_default(),
        model_name: model.source.name().to_string(),
    })
}

/// What was run.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Cases per replication (upper bound when a horizon is set).
    pub cases: u64,
    /// Horizon in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub horizon_s: Option<f64>,
    /// Warm-up cases per replication.
    pub warmup: u64,
    /// Replications.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
}

/// The result of `simulate`.
#[derive(Debug, Clone, Serialize)]
pub struct SimReport {
    /// Model file.
    pub model: String,
    /// Simulated process id.
    pub process: String,
    /// Where the scenario came from.
    pub scenario: String,
    /// Defaults used and keys ignored.
    pub notes: Vec<String>,
    /// Run settings.
    pub settings: Settings,
    /// Simulation results.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulation: Option<SimSummary>,
    /// Analytic estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytic: Option<analytic::Analytic>,
    /// Why simulation and analytic estimate differ, when they do.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparison: Vec<String>,
    /// The event log of the first replication (not serialised).
    #[serde(skip)]
    pub log: Vec<engine::LogRow>,
}

/// Seed of replication `r`: splitmix64 of the base seed and the index, so replications are
/// independent and the same whatever thread runs them.
#[must_use]
pub fn replication_seed(seed: u64, r: u32) -> u64 {
    let mut z = seed ^ (u64::from(r) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Resolves options against the scenario's run settings.
#[must_use]
pub fn settings(prepared: &Prepared, options: &SimOptions) -> Settings {
    let s = &prepared.settings;
    let horizon = options.horizon.or(s.horizon_s);
    let default_cases = if horizon.is_some() { u64::MAX } else { 1000 };
    Settings {
        cases: options.cases.or(s.cases).unwrap_or(default_cases),
        horizon_s: horizon,
        warmup: options.warmup.or(s.warmup).unwrap_or(0),
        replications: options.replications.or(s.replications).unwrap_or(1).max(1),
        seed: options.seed.or(s.seed).unwrap_or(1),
    }
}

/// Runs the simulation and/or the analytic method.
#[must_use]
pub fn run(prepared: &Prepared, options: &SimOptions) -> SimReport {
    run_with_progress(prepared, options, None)
}

/// [`run`], advancing `progress` by completed cases.
#[must_use]
pub fn run_with_progress(
    prepared: &Prepared,
    options: &SimOptions,
    progress: Option<&AtomicU64>,
) -> SimReport {
    let net = &prepared.net;
    let settings = settings(prepared, options);
    let mut log = Vec::new();
    let simulation = if options.method == Method::Analytic {
        None
    } else {
        let reps: Vec<engine::RepResult> = (0..settings.replications)
            .into_par_iter()
            .map(|r| {
                let spec = engine::RunSpec {
                    cases: settings.cases,
                    horizon: settings.horizon_s,
                    warmup: settings.warmup,
                    seed: replication_seed(settings.seed, r),
                    log: options.log && r == 0,
                    unlimited: false,
                };
                engine::run(net, &spec, progress)
            })
            .collect();
        let mut reps = reps;
        if let Some(first) = reps.first_mut() {
            log = std::mem::take(&mut first.log);
        }
        Some(stats::summarise(net, reps))
    };
    let analytic = if options.method == Method::Sim {
        None
    } else {
        Some(analytic::estimate(net, settings.seed))
    };
    let comparison = match (&simulation, &analytic) {
        (Some(s), Some(a)) => stats::compare(net, s, a),
        _ => Vec::new(),
    };
    let process_el = net.process;
    SimReport {
        model: prepared.model_name.clone(),
        process: net.process_id.clone(),
        scenario: prepared.scenario_source.clone(),
        notes: prepared.notes.clone(),
        settings,
        simulation,
        analytic,
        comparison,
        log: {
            let _ = process_el;
            log
        },
    }
}
