//! The scenario format: Prosimos 2.1.0's JSON parameters, plus a few bpmnkit keys.
//!
//! A Prosimos/Simod parameter file loads unchanged. Keys we do not simulate
//! (`batch_processing`, `prioritisation_rules`, `multitask`, ...) are kept in
//! [`Scenario::other`] and reported as ignored. Everything is optional: what a scenario
//! leaves out is filled with the documented defaults (see [`super::defaults`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::SimError;

/// A simulation scenario (Prosimos 2.1.0 JSON, extended).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Scenario {
    /// Resource pools. Each `resource_list` entry with `amount: n` becomes n unit
    /// resources `id_0..id_{n-1}` (`id` itself when n = 1).
    #[serde(default)]
    pub resource_profiles: Vec<ResourceProfile>,
    /// Weekly calendars referenced by resources.
    #[serde(default)]
    pub resource_calendars: Vec<ResourceCalendar>,
    /// Inter-arrival time distribution (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_time_distribution: Option<DistSpec>,
    /// When cases may arrive. An arrival that falls outside is moved to the next open
    /// instant, and the next inter-arrival time counts from there (Prosimos's semantics).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrival_time_calendar: Vec<TimePeriod>,
    /// Branch probabilities of exclusive and inclusive splits, by outgoing sequence flow.
    #[serde(default)]
    pub gateway_branching_probabilities: Vec<GatewayBranching>,
    /// Durations per (task, resource): who can do a task and how long they take.
    #[serde(default)]
    pub task_resource_distribution: Vec<TaskResources>,
    /// Durations of intermediate catch events, event-based-gateway targets and boundary
    /// events (time until the timer fires or the message arrives).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_distribution: Vec<EventDistribution>,
    /// How often one gateway may run in one case before the loop is left (default 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_execution_limit: Option<u32>,
    /// bpmnkit: probability that a non-timer boundary event (message, error, escalation,
    /// signal, conditional) fires during one execution of its activity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundary_event_probabilities: Vec<ElementProbability>,
    /// bpmnkit: probability that an activity with standard loop characteristics runs again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loop_probabilities: Vec<ElementProbability>,
    /// bpmnkit: number of instances of a multi-instance activity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub multi_instance: Vec<MultiInstance>,
    /// bpmnkit: run settings (the command line overrides them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<RunSettings>,
    /// Keys this simulator does not use (kept so they can be reported).
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// A resource pool (Prosimos "resource profile").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceProfile {
    /// Pool id.
    pub id: String,
    /// Pool name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resources of the pool.
    pub resource_list: Vec<Resource>,
}

/// A resource (type) of a pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Resource {
    /// Resource id, referenced by `task_resource_distribution`.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Cost per busy hour.
    #[serde(default)]
    pub cost_per_hour: f64,
    /// How many identical unit resources this entry stands for.
    #[serde(default = "one")]
    pub amount: u32,
    /// Calendar id (`resource_calendars`); absent = 24/7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Tasks this resource is assigned to (informational; `task_resource_distribution`
    /// decides).
    #[serde(
        default,
        rename = "assignedTasks",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub assigned_tasks: Vec<String>,
}

fn one() -> u32 {
    1
}

/// A weekly calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceCalendar {
    /// Calendar id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Open periods.
    pub time_periods: Vec<TimePeriod>,
}

/// "From day to day (inclusive), from begin time to end time each day".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TimePeriod {
    /// First day, `MONDAY`..`SUNDAY`.
    pub from: String,
    /// Last day, `MONDAY`..`SUNDAY`.
    pub to: String,
    /// `HH:MM:SS[.fff]`.
    #[serde(rename = "beginTime")]
    pub begin_time: String,
    /// `HH:MM:SS[.fff]`; `23:59:59.999` means midnight.
    #[serde(rename = "endTime")]
    pub end_time: String,
}

/// A distribution, Prosimos style: a name and positional parameters (seconds).
///
/// | name | params |
/// |---|---|
/// | `fix` | value |
/// | `expon` | mean, optional min, optional max (shifted by min, as Prosimos) |
/// | `norm` | mean, std, optional min, optional max |
/// | `uniform` | min, max |
/// | `lognorm` | mean, variance, optional min, optional max |
/// | `gamma` | mean, variance, optional min, optional max |
/// | `triang` | min, mode, max |
/// | `weibull` | shape, scale, optional min, optional max |
/// | `erlang` | k, mean, optional min, optional max |
/// | `histogram_sampling` | none: `histogram_data` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DistSpec {
    /// The distribution's name.
    pub distribution_name: String,
    /// Its parameters, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub distribution_params: Vec<Param>,
    /// For `histogram_sampling`: the empirical distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram_data: Option<HistogramData>,
}

impl DistSpec {
    /// A distribution from a name and plain parameters.
    #[must_use]
    pub fn new(name: &str, params: &[f64]) -> DistSpec {
        DistSpec {
            distribution_name: name.to_owned(),
            distribution_params: params.iter().map(|&v| Param::Value { value: v }).collect(),
            histogram_data: None,
        }
    }

    /// The parameter values.
    #[must_use]
    pub fn values(&self) -> Vec<f64> {
        self.distribution_params.iter().map(Param::value).collect()
    }
}

/// One parameter: `{"value": x}` (Prosimos 2.x) or a bare number (older files).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Param {
    /// `{"value": x}`.
    Value {
        /// The value.
        value: f64,
    },
    /// A bare number.
    Number(f64),
}

impl Param {
    /// The number.
    #[must_use]
    pub fn value(&self) -> f64 {
        match self {
            Param::Value { value } | Param::Number(value) => *value,
        }
    }
}

/// An empirical distribution: cumulative probabilities per bin and the bins' midpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HistogramData {
    /// Cumulative probability up to each bin, ascending, ending at 1.
    pub cdf: Vec<f64>,
    /// The value each bin stands for.
    pub bin_midpoints: Vec<f64>,
}

/// Branch probabilities of one gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GatewayBranching {
    /// The gateway's id.
    pub gateway_id: String,
    /// One entry per outgoing sequence flow.
    pub probabilities: Vec<PathProbability>,
}

/// Probability of one outgoing flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PathProbability {
    /// The sequence flow's id.
    pub path_id: String,
    /// Probability; flows without one share what the others leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// Who performs a task and how long each takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskResources {
    /// The task's id.
    pub task_id: String,
    /// One entry per resource that can do it.
    pub resources: Vec<TaskResource>,
}

/// Duration of a task when one resource does it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskResource {
    /// A `resource_list` id.
    pub resource_id: String,
    /// The duration.
    #[serde(flatten)]
    pub distribution: DistSpec,
}

/// Duration of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EventDistribution {
    /// The event's id.
    pub event_id: String,
    /// The duration.
    #[serde(flatten)]
    pub distribution: DistSpec,
}

/// A probability attached to one element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ElementProbability {
    /// The element's id.
    pub element_id: String,
    /// Probability in [0, 1].
    pub value: f64,
}

/// The instance count of a multi-instance activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MultiInstance {
    /// The activity's id.
    pub activity_id: String,
    /// How many instances run.
    pub instances: u32,
}

/// Run settings carried by a scenario (from BPSim, QBP or written by hand).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunSettings {
    /// Cases per replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<u64>,
    /// Arrivals stop after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_s: Option<f64>,
    /// Cases left out of the statistics at the start of each replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup: Option<u64>,
    /// Replications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
    /// Seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Scenario {
    /// Reads a scenario from JSON text.
    ///
    /// # Errors
    /// Malformed JSON, or values of the wrong type (the message names the line and key).
    pub fn from_json(text: &str) -> Result<Scenario, SimError> {
        serde_json::from_str(text).map_err(|e| {
            SimError::new(
                "simulate::bad-scenario",
                format!("The scenario is not valid: {e}"),
            )
            .with_help("see schemas/scenario.schema.json for the format")
        })
    }

    /// The JSON Schema of the scenario format.
    #[must_use]
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Scenario)).unwrap_or(serde_json::Value::Null)
    }
}
