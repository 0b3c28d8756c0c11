//! Model + scenario → [`Net`], checking the scenario against the model and filling what
//! it leaves out with the documented defaults.

use std::collections::{HashMap, HashSet};

use super::calendar::{self, Calendar};
use super::dist::{Dist, Shape};
use super::net::{
    Activity, Boundary, Catch, Net, Node, NodeKind, Pool, Repeat, Scope, Throw, Trigger, Unit,
};
use super::scenario::{DistSpec, Scenario, TimePeriod};
use super::{SimError, defaults};
use crate::model::{ElementId, Kind, Model};

/// Picks the process to simulate: `wanted` by id, else the one with the most flow nodes.
///
/// # Errors
/// No process with flow nodes, or an unknown id.
pub fn pick_process(model: &Model, wanted: Option<&str>) -> Result<ElementId, SimError> {
    if let Some(id) = wanted {
        return model
            .by_id(id)
            .filter(|&p| model.el(p).kind == Kind::Process)
            .ok_or_else(|| {
                SimError::new(
                    "simulate::unknown-process",
                    format!("No process with id `{id}` in the model"),
                )
            });
    }
    model
        .processes()
        .map(|(id, _)| (id, model.flow_nodes(id).count()))
        .filter(|&(_, n)| n > 0)
        .max_by_key(|&(id, n)| (n, std::cmp::Reverse(id)))
        .map(|(id, _)| id)
        .ok_or_else(|| {
            SimError::new(
                "simulate::no-process",
                "The model has no process with flow nodes",
            )
            .with_help("simulation needs a process with a start event, tasks and an end event")
        })
}

/// Builds a distribution from a scenario entry; `key` and `element` name it in errors.
///
/// # Errors
/// Unknown names and bad parameters.
pub fn build_dist(spec: &DistSpec, key: &str, element: &str) -> Result<Dist, SimError> {
    let p = spec.values();
    let name = spec.distribution_name.trim().to_ascii_lowercase();
    let err = |msg: String| {
        SimError::new(
            "simulate::bad-distribution",
            format!("`{key}` for `{element}`: {msg}"),
        )
        .with_help("params are in seconds: fix [v]; expon [mean, min, max]; norm [mean, std, min, max]; uniform [min, max]; lognorm/gamma [mean, variance, min, max]; triang [min, mode, max]; weibull [shape, scale, min, max]; erlang [k, mean, min, max]; histogram_sampling with histogram_data")
    };
    let need = |n: usize| -> Result<(), SimError> {
        if p.len() < n {
            Err(err(format!(
                "`{}` needs at least {n} parameter(s), got {}",
                spec.distribution_name,
                p.len()
            )))
        } else if p.iter().any(|v| v.is_nan()) {
            Err(err("a parameter is not a number".to_owned()))
        } else {
            Ok(())
        }
    };
    // Optional truncation bounds at position i, i+1. A max of 0 (or below min) is read as
    // "no max": Prosimos files use it that way, and Prosimos then silently falls back to
    // a constant.
    let bounds = |i: usize| -> (f64, f64) {
        let lo = p.get(i).copied().unwrap_or(0.0).max(0.0);
        let hi = p.get(i + 1).copied().unwrap_or(f64::INFINITY);
        let hi = if hi <= lo || hi <= 0.0 {
            f64::INFINITY
        } else {
            hi
        };
        (lo, hi)
    };
    let neg = |v: f64, what: &str| -> Result<(), SimError> {
        if v < 0.0 {
            Err(err(format!("{what} is negative ({v})")))
        } else {
            Ok(())
        }
    };
    let (shape, lo, hi) = match name.as_str() {
        "fix" | "fixed" | "constant" => {
            need(1)?;
            neg(p[0], "the value")?;
            (Shape::Fixed(p[0]), 0.0, f64::INFINITY)
        }
        "expon" | "exponential" => {
            need(1)?;
            neg(p[0], "the mean")?;
            let (lo, hi) = bounds(1);
            let loc = p.get(1).copied().unwrap_or(0.0).max(0.0);
            if p[0] < loc {
                return Err(err(format!("the mean {} is below min {loc}", p[0])));
            }
            (
                Shape::Exponential {
                    loc,
                    scale: p[0] - loc,
                },
                lo,
                hi,
            )
        }
        "norm" | "normal" => {
            need(2)?;
            neg(p[1], "the standard deviation")?;
            let (lo, hi) = bounds(2);
            (
                Shape::Normal {
                    mean: p[0],
                    sd: p[1],
                },
                lo,
                hi,
            )
        }
        "uniform" => {
            need(2)?;
            neg(p[0], "min")?;
            if p[1] < p[0] {
                return Err(err(format!("max {} is below min {}", p[1], p[0])));
            }
            (Shape::Uniform { lo: p[0], hi: p[1] }, 0.0, f64::INFINITY)
        }
        "lognorm" | "lognormal" => {
            need(2)?;
            if p[0] <= 0.0 {
                return Err(err(format!("the mean must be > 0, got {}", p[0])));
            }
            neg(p[1], "the variance")?;
            let s2 = (1.0 + p[1] / (p[0] * p[0])).ln();
            let (lo, hi) = bounds(2);
            (
                Shape::LogNormal {
                    mu: p[0].ln() - s2 / 2.0,
                    sigma: s2.sqrt(),
                },
                lo,
                hi,
            )
        }
        "gamma" => {
            need(2)?;
            if p[0] <= 0.0 || p[1] <= 0.0 {
                return Err(err("gamma needs mean > 0 and variance > 0".to_owned()));
            }
            let (lo, hi) = bounds(2);
            (
                Shape::Gamma {
                    shape: p[0] * p[0] / p[1],
                    scale: p[1] / p[0],
                },
                lo,
                hi,
            )
        }
        "triang" | "triangular" => {
            need(3)?;
            neg(p[0], "min")?;
            if !(p[0] <= p[1] && p[1] <= p[2]) {
                return Err(err(format!(
                    "triang needs min <= mode <= max, got [{}, {}, {}]",
                    p[0], p[1], p[2]
                )));
            }
            (
                Shape::Triangular {
                    lo: p[0],
                    mode: p[1],
                    hi: p[2],
                },
                0.0,
                f64::INFINITY,
            )
        }
        "weibull" | "weibull_min" => {
            need(2)?;
            if p[0] <= 0.0 || p[1] <= 0.0 {
                return Err(err("Weibull needs shape > 0 and scale > 0".to_owned()));
            }
            let (lo, hi) = bounds(2);
            (
                Shape::Weibull {
                    shape: p[0],
                    scale: p[1],
                },
                lo,
                hi,
            )
        }
        "erlang" => {
            need(2)?;
            if p[0] < 1.0 || p[0].fract() != 0.0 || p[1] <= 0.0 {
                return Err(err(
                    "erlang needs an integer k >= 1 and a mean > 0".to_owned()
                ));
            }
            let (lo, hi) = bounds(2);
            (
                Shape::Gamma {
                    shape: p[0],
                    scale: p[1] / p[0],
                },
                lo,
                hi,
            )
        }
        "histogram_sampling" | "histogram" | "empirical" => {
            let Some(h) = &spec.histogram_data else {
                return Err(err(
                    "histogram_sampling needs `histogram_data` {cdf, bin_midpoints}".to_owned(),
                ));
            };
            if h.bin_midpoints.iter().any(|&m| m < 0.0) {
                return Err(err("a histogram bin midpoint is negative".to_owned()));
            }
            (
                Shape::Histogram {
                    cdf: h.cdf.clone().into_boxed_slice(),
                    mids: h.bin_midpoints.clone().into_boxed_slice(),
                },
                0.0,
                f64::INFINITY,
            )
        }
        other => {
            return Err(err(format!(
                "unknown distribution `{other}` (known: fix, expon, norm, uniform, lognorm, gamma, triang, weibull, erlang, histogram_sampling)"
            )));
        }
    };
    Dist::new(shape, lo, hi).map_err(err)
}

/// Parses an ISO 8601 duration (`PT1H30M`, `P2D`, `P1W`) into seconds. Years and months
/// count as 365 and 30 days.
#[must_use]
pub fn iso_duration(text: &str) -> Option<f64> {
    let t = text.trim();
    let rest = t.strip_prefix('P').or_else(|| t.strip_prefix('p'))?;
    let mut secs = 0.0;
    let mut in_time = false;
    let mut num = String::new();
    let mut any = false;
    for ch in rest.chars() {
        match ch {
            'T' | 't' => in_time = true,
            '0'..='9' | '.' | ',' => num.push(if ch == ',' { '.' } else { ch }),
            _ => {
                let v: f64 = num.parse().ok()?;
                num.clear();
                any = true;
                let unit = match (ch.to_ascii_uppercase(), in_time) {
                    ('Y', false) => 365.0 * 86_400.0,
                    ('M', false) => 30.0 * 86_400.0,
                    ('W', false) => 7.0 * 86_400.0,
                    ('D', false) => 86_400.0,
                    ('H', true) => 3600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return None,
                };
                secs += v * unit;
            }
        }
    }
    (any && num.is_empty()).then_some(secs)
}

fn periods_calendar(periods: &[TimePeriod], key: &str, owner: &str) -> Result<Calendar, SimError> {
    let mut raw = Vec::new();
    for tp in periods {
        let bad = |what: &str, value: &str| {
            SimError::new(
                "simulate::bad-calendar",
                format!("`{key}` of `{owner}`: bad {what} `{value}`"),
            )
            .with_help("days are MONDAY..SUNDAY; times are HH:MM:SS(.fff)")
        };
        let from = calendar::weekday(&tp.from).ok_or_else(|| bad("day", &tp.from))?;
        let to = calendar::weekday(&tp.to).ok_or_else(|| bad("day", &tp.to))?;
        let begin =
            calendar::time_of_day(&tp.begin_time).ok_or_else(|| bad("time", &tp.begin_time))?;
        let end = calendar::time_of_day(&tp.end_time).ok_or_else(|| bad("time", &tp.end_time))?;
        raw.extend(calendar::day_range(from, to, begin, end));
    }
    let cal = Calendar::from_intervals(&raw);
    if cal.is_never() {
        return Err(SimError::new(
            "simulate::bad-calendar",
            format!("`{key}` of `{owner}` is never open"),
        ));
    }
    Ok(cal)
}

/// What the compiler filled in or ignored, for the report.
pub type Notes = Vec<String>;

struct Builder<'a> {
    model: &'a Model,
    sc: &'a Scenario,
    net: Net,
    notes: Notes,
    node_of: HashMap<ElementId, u32>,
    dist_cache: HashMap<String, u32>,
    resource_units: HashMap<String, (u32, u32)>,
    default_pools: HashMap<String, u32>,
    used_ids: HashSet<String>,
    /// Thrown events to resolve once every node and boundary event is known:
    /// (node, index into `Net::throws`).
    pending_throws: Vec<u32>,
}

/// Compiles a model and scenario into a net.
///
/// # Errors
/// Scenario entries that name unknown elements, probabilities that do not add up, bad
/// distributions or calendars.
pub fn compile(model: &Model, process: ElementId, sc: &Scenario) -> Result<(Net, Notes), SimError> {
    let arrival = match &sc.arrival_time_distribution {
        Some(spec) => build_dist(spec, "arrival_time_distribution", "the process")?,
        None => defaults::arrival(),
    };
    let mut b = Builder {
        model,
        sc,
        net: Net {
            nodes: Vec::new(),
            succ: Vec::new(),
            prob: Vec::new(),
            bounds: Vec::new(),
            throws: Vec::new(),
            scopes: Vec::new(),
            acts: Vec::new(),
            elig: Vec::new(),
            dists: Vec::new(),
            units: Vec::new(),
            pools: Vec::new(),
            calendars: vec![Calendar::always()],
            arrival,
            arrival_calendar: None,
            exec_limit: sc.gateway_execution_limit.unwrap_or(1000).max(1),
            process,
            process_id: model.el(process).id_str().to_owned(),
        },
        notes: Vec::new(),
        node_of: HashMap::new(),
        dist_cache: HashMap::new(),
        resource_units: HashMap::new(),
        default_pools: HashMap::new(),
        used_ids: HashSet::new(),
        pending_throws: Vec::new(),
    };
    if sc.arrival_time_distribution.is_none() {
        b.notes.push(defaults::ARRIVAL_NOTE.to_owned());
    }
    b.resources()?;
    b.scope(process)?;
    b.wire()?;
    b.check_ids()?;
    if !sc.arrival_time_calendar.is_empty() {
        let cal = periods_calendar(
            &sc.arrival_time_calendar,
            "arrival_time_calendar",
            "the process",
        )?;
        if !cal.is_always() {
            b.net.arrival_calendar = Some(cal);
        }
    }
    for key in sc.other.keys() {
        b.notes.push(format!(
            "scenario key `{key}` is not simulated and was ignored"
        ));
    }
    Ok((b.net, b.notes))
}

impl Builder<'_> {
    fn resources(&mut self) -> Result<(), SimError> {
        let mut cal_ids: HashMap<&str, u32> = HashMap::new();
        for c in &self.sc.resource_calendars {
            let cal = periods_calendar(&c.time_periods, "resource_calendars", &c.id)?;
            let idx = u32::try_from(self.net.calendars.len()).unwrap_or(u32::MAX);
            self.net.calendars.push(cal);
            if cal_ids.insert(&c.id, idx).is_some() {
                return Err(SimError::new(
                    "simulate::duplicate-id",
                    format!("`resource_calendars` lists calendar `{}` twice", c.id),
                ));
            }
        }
        for profile in &self.sc.resource_profiles {
            for r in &profile.resource_list {
                let calendar = match r.calendar.as_deref() {
                    None | Some("") => 0,
                    Some(id) => *cal_ids.get(id).ok_or_else(|| {
                        SimError::new(
                            "simulate::unknown-id",
                            format!(
                                "`resource_profiles` resource `{}` uses calendar `{id}`, which `resource_calendars` does not define",
                                r.id
                            ),
                        )
                    })?,
                };
                if r.cost_per_hour < 0.0 || !r.cost_per_hour.is_finite() {
                    return Err(SimError::new(
                        "simulate::bad-value",
                        format!(
                            "`cost_per_hour` of resource `{}` is negative or not a number",
                            r.id
                        ),
                    ));
                }
                if r.amount == 0 {
                    self.notes.push(format!("resource `{}` has amount 0", r.id));
                }
                let name = r.name.clone().unwrap_or_else(|| r.id.clone());
                let range =
                    self.add_pool(&r.id, &name, r.amount, calendar, r.cost_per_hour / 3600.0);
                if self.resource_units.insert(r.id.clone(), range).is_some() {
                    return Err(SimError::new(
                        "simulate::duplicate-id",
                        format!("`resource_profiles` lists resource `{}` twice", r.id),
                    ));
                }
            }
        }
        Ok(())
    }

    fn add_pool(
        &mut self,
        id: &str,
        name: &str,
        amount: u32,
        calendar: u32,
        cost_per_s: f64,
    ) -> (u32, u32) {
        let pool = u32::try_from(self.net.pools.len()).unwrap_or(u32::MAX);
        let first = u32::try_from(self.net.units.len()).unwrap_or(u32::MAX);
        for i in 0..amount {
            self.net.units.push(Unit {
                name: if amount == 1 {
                    name.to_owned()
                } else {
                    format!("{name}_{i}")
                },
                calendar,
                cost_per_s,
                pool,
            });
        }
        let range = (first, first + amount);
        self.net.pools.push(Pool {
            id: id.to_owned(),
            name: name.to_owned(),
            units: range,
        });
        range
    }

    fn dist(&mut self, spec: &DistSpec, key: &str, element: &str) -> Result<u32, SimError> {
        let d = build_dist(spec, key, element)?;
        Ok(self.push_dist(d))
    }

    fn push_dist(&mut self, d: Dist) -> u32 {
        let key = format!("{:?}", d);
        if let Some(&i) = self.dist_cache.get(&key) {
            return i;
        }
        let i = u32::try_from(self.net.dists.len()).unwrap_or(u32::MAX);
        self.net.dists.push(d);
        self.dist_cache.insert(key, i);
        i
    }

    fn event_dist(&mut self, el: ElementId, is_timer_default: bool) -> Result<u32, SimError> {
        let id = self.model.el(el).id_str().to_owned();
        if let Some(e) = self.sc.event_distribution.iter().find(|e| e.event_id == id) {
            self.used_ids.insert(format!("event:{id}"));
            return self.dist(&e.distribution.clone(), "event_distribution", &id);
        }
        // A timer's own duration from the model.
        let timer = self
            .model
            .event_definitions(el)
            .find(|(_, d)| d.kind == Kind::TimerEventDefinition)
            .map(|(t, _)| t);
        if let Some(t) = timer {
            let text = self
                .model
                .children(t)
                .find(|(_, c)| matches!(c.kind, Kind::TimeDuration | Kind::TimeCycle))
                .and_then(|(_, c)| c.text.as_deref())
                .and_then(|s| {
                    // R3/PT10M cycles: the period.
                    s.rsplit('/').next().and_then(iso_duration)
                });
            if let Some(secs) = text {
                return Ok(self.push_dist(Dist::fixed(secs)));
            }
        }
        if is_timer_default || timer.is_some() {
            Ok(self.push_dist(defaults::timer()))
        } else {
            Ok(self.push_dist(defaults::message_wait()))
        }
    }

    fn scope(&mut self, scope_el: ElementId) -> Result<u32, SimError> {
        let scope = u32::try_from(self.net.scopes.len()).unwrap_or(u32::MAX);
        self.net.scopes.push(Scope::default());
        let mut local = 0u32;
        let mut slots = 0u32;
        let mut event_subs = Vec::new();
        let els: Vec<ElementId> = self.model.flow_nodes(scope_el).map(|(id, _)| id).collect();
        for &el in &els {
            let e = self.model.el(el);
            let is_event_sub =
                e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false);
            if is_event_sub && !self.catches_thrown(el) {
                self.notes.push(format!(
                    "event sub-process {} is not simulated (only error and escalation start events are)",
                    e.id_str()
                ));
                continue;
            }
            if e.bool_attr("isForCompensation").unwrap_or(false) {
                continue;
            }
            let n_in = u32::try_from(e.links.incoming.len()).unwrap_or(0);
            let thrown = thrown_def(self.model, el).is_some();
            let kind = match &e.kind {
                Kind::StartEvent => NodeKind::Start,
                Kind::EndEvent | Kind::IntermediateThrowEvent if thrown => {
                    let throw = u32::try_from(self.net.throws.len()).unwrap_or(u32::MAX);
                    self.net.throws.push(Throw {
                        catch: Catch::Ignored,
                        ends: e.kind == Kind::EndEvent,
                    });
                    NodeKind::Throw { throw }
                }
                Kind::EndEvent => {
                    if self
                        .model
                        .event_definitions(el)
                        .any(|(_, d)| d.kind == Kind::TerminateEventDefinition)
                    {
                        NodeKind::Terminate
                    } else {
                        NodeKind::End
                    }
                }
                Kind::IntermediateCatchEvent => {
                    if crate::graph::is_link_catch(self.model, el) {
                        NodeKind::Pass
                    } else {
                        NodeKind::Catch {
                            dist: self.event_dist(el, false)?,
                        }
                    }
                }
                Kind::ExclusiveGateway | Kind::ComplexGateway => NodeKind::Xor,
                Kind::ParallelGateway => {
                    slots += 1;
                    NodeKind::And { slot: slots - 1 }
                }
                Kind::InclusiveGateway => {
                    slots += 1;
                    NodeKind::Or { slot: slots - 1 }
                }
                Kind::EventBasedGateway => NodeKind::EventGw,
                k if k.is_sub_process() => {
                    let act = self.activity(el, false)?;
                    let inner = self.scope(el)?;
                    NodeKind::Sub { act, scope: inner }
                }
                k if k.is_activity() => {
                    let act = self.activity(el, true)?;
                    NodeKind::Task { act }
                }
                _ => NodeKind::Pass,
            };
            let repeat = self.repeat(el)?;
            let idx = u32::try_from(self.net.nodes.len()).unwrap_or(u32::MAX);
            self.node_of.insert(el, idx);
            if is_event_sub {
                event_subs.push(idx);
            }
            if thrown {
                self.pending_throws.push(idx);
            }
            self.net.nodes.push(Node {
                kind,
                scope,
                local,
                out: (0, 0),
                n_in,
                bounds: (0, 0),
                repeat,
                limit_slot: None,
                element: el,
            });
            local += 1;
        }
        let s = &mut self.net.scopes[scope as usize];
        s.n_nodes = local;
        s.n_slots = slots;
        s.event_subs = event_subs;
        Ok(scope)
    }

    fn repeat(&mut self, el: ElementId) -> Result<Repeat, SimError> {
        let Some((lc, lce)) = self.model.loop_characteristics(el) else {
            return Ok(Repeat::Once);
        };
        let id = self.model.el(el).id_str().to_owned();
        if lce.kind == Kind::StandardLoopCharacteristics {
            let p = match self
                .sc
                .loop_probabilities
                .iter()
                .find(|x| x.element_id == id)
            {
                Some(x) => {
                    self.used_ids.insert(format!("loop:{id}"));
                    check_prob(x.value, "loop_probabilities", &id)?
                }
                None => {
                    self.notes.push(format!("loop of `{id}`: no `loop_probabilities` entry, repeats with probability {}", defaults::LOOP_P));
                    defaults::LOOP_P
                }
            };
            let max = lce
                .attr("loopMaximum")
                .and_then(|m| m.trim().parse::<u32>().ok())
                .filter(|&m| m > 0)
                .unwrap_or(self.net.exec_limit);
            return Ok(Repeat::Loop { p, max });
        }
        let n = match self.sc.multi_instance.iter().find(|x| x.activity_id == id) {
            Some(x) => {
                self.used_ids.insert(format!("mi:{id}"));
                x.instances
            }
            None => self
                .model
                .children(lc)
                .find(|(_, c)| c.kind == Kind::LoopCardinality)
                .and_then(|(_, c)| c.text.as_deref())
                .and_then(|t| t.trim().parse::<u32>().ok())
                .unwrap_or_else(|| {
                    self.notes.push(format!(
                        "multi-instance `{id}`: no instance count, runs {} instances",
                        defaults::MI_COUNT
                    ));
                    defaults::MI_COUNT
                }),
        };
        Ok(if lce.bool_attr("isSequential").unwrap_or(false) {
            Repeat::Sequential(n)
        } else {
            Repeat::Parallel(n)
        })
    }

    fn activity(&mut self, el: ElementId, is_task: bool) -> Result<u32, SimError> {
        let e = self.model.el(el);
        let id = e.id_str().to_owned();
        let name = e.label().map_or_else(|| id.clone(), str::to_owned);
        let first = u32::try_from(self.net.elig.len()).unwrap_or(u32::MAX);
        if is_task {
            let entry = self
                .sc
                .task_resource_distribution
                .iter()
                .find(|t| t.task_id == id)
                .cloned();
            match entry {
                Some(t) => {
                    self.used_ids.insert(format!("task:{id}"));
                    for r in &t.resources {
                        let Some(&(a, b)) = self.resource_units.get(&r.resource_id) else {
                            return Err(SimError::new(
                                "simulate::unknown-id",
                                format!("`task_resource_distribution` of task `{id}` names resource `{}`, which `resource_profiles` does not define", r.resource_id),
                            )
                            .with_help("use an `id` from a `resource_list` entry"));
                        };
                        let d = self.dist(&r.distribution, "task_resource_distribution", &id)?;
                        for u in a..b {
                            self.net.elig.push((u, d));
                        }
                    }
                    if t.resources.is_empty() {
                        return Err(SimError::new(
                            "simulate::no-resource",
                            format!(
                                "`task_resource_distribution` of task `{id}` lists no resources"
                            ),
                        ));
                    }
                }
                None => {
                    let pool = self.default_pool(el);
                    let d = self.push_dist(defaults::task());
                    let (a, b) = self.net.pools[pool as usize].units;
                    for u in a..b {
                        self.net.elig.push((u, d));
                    }
                    if !self.sc.task_resource_distribution.is_empty() {
                        self.notes.push(format!("task `{id}` has no `task_resource_distribution` entry: default duration and pool"));
                    }
                }
            }
        }
        let last = u32::try_from(self.net.elig.len()).unwrap_or(u32::MAX);
        let act = u32::try_from(self.net.acts.len()).unwrap_or(u32::MAX);
        self.net.acts.push(Activity {
            name,
            id,
            elig: (first, last),
            is_task,
        });
        Ok(act)
    }

    /// The default pool of a task: one per innermost lane (or one for the process), sized
    /// by [`defaults::pool_size`].
    fn default_pool(&mut self, el: ElementId) -> u32 {
        let lane = self.model.el(el).links.lanes.last().copied();
        let (key, name, members) = match lane {
            Some(l) => {
                let le = self.model.el(l);
                let name = le
                    .label()
                    .map_or_else(|| le.id_str().to_owned(), str::to_owned);
                let n = le
                    .links
                    .flow_nodes
                    .iter()
                    .filter(|&&f| self.model.el(f).kind.is_activity())
                    .count();
                (format!("lane:{}", le.id_str()), name, n)
            }
            None => {
                let n = self
                    .model
                    .iter()
                    .filter(|(_, e)| e.kind.is_task() || e.kind == Kind::CallActivity)
                    .count();
                ("default".to_owned(), "default".to_owned(), n)
            }
        };
        if let Some(&p) = self.default_pools.get(&key) {
            return p;
        }
        let amount = defaults::pool_size(members);
        self.add_pool(&key, &name, amount, 0, defaults::COST_PER_HOUR / 3600.0);
        let p = u32::try_from(self.net.pools.len() - 1).unwrap_or(0);
        self.default_pools.insert(key, p);
        p
    }

    fn wire(&mut self) -> Result<(), SimError> {
        let model = self.model;
        // Link throw → catch by link name, per scope.
        let n_nodes = self.net.nodes.len();
        for i in 0..n_nodes {
            let el = self.net.nodes[i].element;
            let e = model.el(el);
            let first = u32::try_from(self.net.succ.len()).unwrap_or(u32::MAX);
            let mut targets: Vec<(u32, ElementId)> = e
                .links
                .outgoing
                .iter()
                .filter_map(|&f| {
                    let t = model.el(f).links.target?;
                    self.node_of.get(&t).map(|&n| (n, f))
                })
                .collect();
            if e.kind == Kind::IntermediateThrowEvent {
                let catch = crate::graph::link_target(model, el).and_then(|c| self.node_of.get(&c));
                if let Some(&j) = catch {
                    targets.push((j, el));
                }
            }
            let probs = self.probabilities(i, &targets)?;
            for ((t, _), p) in targets.iter().zip(probs) {
                self.net.succ.push(*t);
                self.net.prob.push(p);
            }
            let last = u32::try_from(self.net.succ.len()).unwrap_or(u32::MAX);
            self.net.nodes[i].out = (first, last);
        }
        // Boundary events.
        let mut thrown_bounds: Vec<(u32, ElementId)> = Vec::new();
        for i in 0..n_nodes {
            let el = self.net.nodes[i].element;
            let first = u32::try_from(self.net.bounds.len()).unwrap_or(u32::MAX);
            let is_sub = matches!(self.net.nodes[i].kind, NodeKind::Sub { .. });
            for &b in &model.el(el).links.boundary_events.clone() {
                let Some(&bn) = self.node_of.get(&b) else {
                    continue;
                };
                let be = model.el(b);
                let interrupting = be.bool_attr("cancelActivity").unwrap_or(true);
                let defs: Vec<Kind> = model
                    .event_definitions(b)
                    .map(|(_, d)| d.kind.clone())
                    .collect();
                let bid = be.id_str().to_owned();
                if defs.contains(&Kind::CompensateEventDefinition) {
                    continue;
                }
                // An embedded sub-process's content is all in the model: what its error,
                // escalation and cancel boundary events catch can only be thrown inside
                // it, so they fire when that happens, not by chance (resolved below).
                if is_sub && caught_kind(&defs).is_some() {
                    let bi = u32::try_from(self.net.bounds.len()).unwrap_or(u32::MAX);
                    thrown_bounds.push((bi, b));
                    self.net.bounds.push(Boundary {
                        node: bn,
                        interrupting: interrupting
                            || !defs.contains(&Kind::EscalationEventDefinition),
                        trigger: Trigger::Thrown,
                    });
                    continue;
                }
                let trigger = if defs.contains(&Kind::TimerEventDefinition)
                    || self.sc.event_distribution.iter().any(|e| e.event_id == bid)
                        && !self
                            .sc
                            .boundary_event_probabilities
                            .iter()
                            .any(|x| x.element_id == bid)
                {
                    Trigger::Timer(self.event_dist(b, true)?)
                } else {
                    let p = match self
                        .sc
                        .boundary_event_probabilities
                        .iter()
                        .find(|x| x.element_id == bid)
                    {
                        Some(x) => {
                            self.used_ids.insert(format!("boundary:{bid}"));
                            check_prob(x.value, "boundary_event_probabilities", &bid)?
                        }
                        None => {
                            self.notes.push(format!("boundary event `{bid}`: no `boundary_event_probabilities` entry, fires with probability {}", defaults::BOUNDARY_P));
                            defaults::BOUNDARY_P
                        }
                    };
                    let dist = if is_sub {
                        self.event_dist(b, false)?
                    } else {
                        0
                    };
                    Trigger::Chance {
                        p,
                        dist,
                        at_end: defs.contains(&Kind::ErrorEventDefinition),
                    }
                };
                self.net.bounds.push(Boundary {
                    node: bn,
                    interrupting,
                    trigger,
                });
            }
            let last = u32::try_from(self.net.bounds.len()).unwrap_or(u32::MAX);
            self.net.nodes[i].bounds = (first, last);
        }
        self.resolve_throws(&thrown_bounds)?;
        // Scope starts, OR-join upstream sets, loop guards.
        for s in 0..self.net.scopes.len() {
            let members: Vec<u32> = (0..self.net.nodes.len())
                .filter(|&i| self.net.nodes[i].scope as usize == s)
                .map(|i| u32::try_from(i).unwrap_or(0))
                .collect();
            let none_starts: Vec<u32> = members
                .iter()
                .copied()
                .filter(|&n| {
                    let el = self.net.nodes[n as usize].element;
                    self.net.nodes[n as usize].kind == NodeKind::Start
                        && model.event_definitions(el).next().is_none()
                })
                .collect();
            let starts = if let Some(&first) = none_starts.first() {
                vec![first]
            } else if let Some(&first) = members
                .iter()
                .find(|&&n| self.net.nodes[n as usize].kind == NodeKind::Start)
            {
                vec![first]
            } else {
                // No start event: every node without incoming flows that is not a boundary
                // event or an event sub-process.
                members
                    .iter()
                    .copied()
                    .filter(|&n| {
                        let node = &self.net.nodes[n as usize];
                        node.n_in == 0
                            && model.el(node.element).kind != Kind::BoundaryEvent
                            && !self.net.scopes[s].event_subs.contains(&n)
                    })
                    .collect()
            };
            if starts.is_empty() && s == 0 {
                return Err(SimError::new(
                    "simulate::no-start",
                    format!(
                        "{} has no start event and no node without incoming flows",
                        model.describe(self.scope_element(s))
                    ),
                ));
            }
            self.net.scopes[s].starts = starts;
            // Predecessor lists within the scope.
            let mut preds: HashMap<u32, Vec<u32>> = HashMap::new();
            for &n in &members {
                for &t in self.net.out(n) {
                    preds.entry(t).or_default().push(n);
                }
                let (a, b) = self.net.nodes[n as usize].bounds;
                for bi in a..b {
                    preds
                        .entry(self.net.bounds[bi as usize].node)
                        .or_default()
                        .push(n);
                }
            }
            let words = (self.net.scopes[s].n_nodes as usize).div_ceil(64);
            let mut or_joins = Vec::new();
            for &n in &members {
                if matches!(self.net.nodes[n as usize].kind, NodeKind::Or { .. })
                    && self.net.nodes[n as usize].n_in > 1
                {
                    let mut bits = vec![0u64; words];
                    let mut stack: Vec<u32> = preds.get(&n).cloned().unwrap_or_default();
                    while let Some(m) = stack.pop() {
                        if m == n {
                            continue;
                        }
                        let l = self.net.nodes[m as usize].local as usize;
                        if bits[l / 64] & (1 << (l % 64)) != 0 {
                            continue;
                        }
                        bits[l / 64] |= 1 << (l % 64);
                        stack.extend(preds.get(&m).into_iter().flatten().copied());
                    }
                    or_joins.push((n, bits));
                }
            }
            self.net.scopes[s].or_joins = or_joins;
            // Loop guards: split gateways that can reach themselves.
            let mut limits = 0;
            for &n in &members {
                let node = &self.net.nodes[n as usize];
                if matches!(node.kind, NodeKind::Xor | NodeKind::Or { .. })
                    && node.out.1 - node.out.0 > 1
                    && self.reaches_itself(n)
                {
                    self.net.nodes[n as usize].limit_slot = Some(limits);
                    limits += 1;
                }
            }
            // A cycle without a split (a task that flows back into the join before it)
            // never ends by itself: guard one node of each such cycle too, or a case spins
            // forever and the run never returns.
            // The strongly connected components of the unguarded nodes are exactly the
            // unguarded cycles: guard the first node of each and repeat, as a guard may
            // leave a smaller cycle behind (linear per round, one round per nesting level).
            loop {
                let guarded = |n: u32| self.net.nodes[n as usize].limit_slot.is_some();
                let mut g =
                    petgraph::graphmap::DiGraphMap::<u32, (), std::hash::RandomState>::new();
                for &n in members.iter().filter(|&&n| !guarded(n)) {
                    g.add_node(n);
                }
                for &n in members.iter().filter(|&&n| !guarded(n)) {
                    let (a, b) = self.net.nodes[n as usize].bounds;
                    let bounds = (a..b).map(|bi| self.net.bounds[bi as usize].node);
                    for m in self.net.out(n).iter().copied().chain(bounds) {
                        if g.contains_node(m) {
                            g.add_edge(n, m, ());
                        }
                    }
                }
                let mut added = false;
                for scc in petgraph::algo::tarjan_scc(&g) {
                    let Some(&first) = scc.iter().min() else {
                        continue;
                    };
                    if scc.len() > 1 || g.contains_edge(first, first) {
                        self.net.nodes[first as usize].limit_slot = Some(limits);
                        limits += 1;
                        added = true;
                    }
                }
                if !added {
                    break;
                }
            }
            self.net.scopes[s].n_limits = limits;
        }
        Ok(())
    }

    /// Whether an event sub-process starts with an error or escalation start event, the
    /// kinds the simulation triggers (by the events thrown in its scope).
    fn catches_thrown(&self, esp: ElementId) -> bool {
        self.model.flow_nodes(esp).any(|(id, e)| {
            e.kind == Kind::StartEvent && {
                let defs: Vec<Kind> = self
                    .model
                    .event_definitions(id)
                    .map(|(_, d)| d.kind.clone())
                    .collect();
                matches!(
                    caught_kind(&defs),
                    Some(Kind::ErrorEventDefinition | Kind::EscalationEventDefinition)
                )
            }
        })
    }

    /// Resolves who catches each thrown error, escalation and cancel event, by BPMN's
    /// rules: from the thrower's scope outwards, in each scope first an event
    /// sub-process whose start event matches, then a matching boundary event of the
    /// sub-process that is the scope. A catch with no `errorRef`/`escalationRef` catches
    /// any; one with a reference only the same error or escalation (or code). Cancel
    /// end events go to the cancel boundary event of their transaction. Error and
    /// escalation events thrown inside an event sub-process skip the event
    /// sub-processes of its scope (they would catch their own throw).
    fn resolve_throws(&mut self, thrown_bounds: &[(u32, ElementId)]) -> Result<(), SimError> {
        let model = self.model;
        let mut host_of = vec![u32::MAX; self.net.scopes.len()];
        for (i, n) in self.net.nodes.iter().enumerate() {
            if let NodeKind::Sub { scope, .. } = n.kind {
                host_of[scope as usize] = u32::try_from(i).unwrap_or(u32::MAX);
            }
        }
        let mut caught = vec![false; self.net.bounds.len()];
        for &node in &self.pending_throws.clone() {
            let NodeKind::Throw { throw } = self.net.nodes[node as usize].kind else {
                continue;
            };
            let el = self.net.nodes[node as usize].element;
            let Some((kind, reference)) = thrown_def(model, el) else {
                continue;
            };
            let mut scope = self.net.nodes[node as usize].scope;
            let mut skip_event_subs = false;
            let catch = loop {
                if !skip_event_subs && kind != Kind::CancelEventDefinition {
                    let subs = self.net.scopes[scope as usize].event_subs.clone();
                    let found = best_match(
                        model,
                        &kind,
                        reference.as_deref(),
                        subs.iter()
                            .filter_map(|&esp| {
                                let esp_el = self.net.nodes[esp as usize].element;
                                model
                                    .flow_nodes(esp_el)
                                    .find(|(_, e)| e.kind == Kind::StartEvent)
                                    .map(|(start, e)| {
                                        (esp, start, e.bool_attr("isInterrupting").unwrap_or(true))
                                    })
                            })
                            .map(|(esp, start, int)| ((esp, int), start)),
                    );
                    if let Some((esp, int)) = found {
                        break Catch::EventSub {
                            node: esp,
                            interrupting: int || kind == Kind::ErrorEventDefinition,
                        };
                    }
                }
                let host = host_of[scope as usize];
                if scope == 0 || host == u32::MAX {
                    break if kind == Kind::ErrorEventDefinition {
                        Catch::Uncaught
                    } else {
                        Catch::Ignored
                    };
                }
                let (a, b) = self.net.nodes[host as usize].bounds;
                let found = best_match(
                    model,
                    &kind,
                    reference.as_deref(),
                    (a..b)
                        .filter(|bi| self.net.bounds[*bi as usize].trigger == Trigger::Thrown)
                        .map(|bi| {
                            (
                                bi,
                                self.net.nodes[self.net.bounds[bi as usize].node as usize].element,
                            )
                        }),
                );
                if let Some(bi) = found {
                    caught[bi as usize] = true;
                    break Catch::Boundary { host, bound: bi };
                }
                let host_el = model.el(self.net.nodes[host as usize].element);
                if kind == Kind::CancelEventDefinition && host_el.kind == Kind::Transaction {
                    break Catch::Ignored;
                }
                skip_event_subs = self.net.scopes[self.net.nodes[host as usize].scope as usize]
                    .event_subs
                    .contains(&host);
                scope = self.net.nodes[host as usize].scope;
            };
            let id = model.el(el).id_str();
            match catch {
                Catch::Uncaught => self.notes.push(format!(
                    "error end event `{id}`: nothing catches its error, so a case that reaches it ends there as failed"
                )),
                Catch::Ignored => self.notes.push(format!(
                    "`{id}`: nothing catches what it throws, so it has no effect"
                )),
                _ => {}
            }
            self.net.throws[throw as usize].catch = catch;
        }
        // Catching boundary events that nothing throws to: a scenario probability keeps
        // the old chance trigger (the user asked for it), otherwise they never fire.
        for &(bi, b) in thrown_bounds {
            let bid = model.el(b).id_str().to_owned();
            let entry = self
                .sc
                .boundary_event_probabilities
                .iter()
                .find(|x| x.element_id == bid)
                .map(|x| x.value);
            if let Some(v) = entry {
                self.used_ids.insert(format!("boundary:{bid}"));
                if caught[bi as usize] {
                    self.notes.push(format!("boundary event `{bid}` fires when an event thrown inside its sub-process reaches it; its `boundary_event_probabilities` entry is ignored"));
                } else {
                    let p = check_prob(v, "boundary_event_probabilities", &bid)?;
                    let dist = self.event_dist(b, false)?;
                    let is_error = model
                        .event_definitions(b)
                        .any(|(_, d)| d.kind == Kind::ErrorEventDefinition);
                    self.net.bounds[bi as usize].trigger = Trigger::Chance {
                        p,
                        dist,
                        at_end: is_error,
                    };
                }
            } else if !caught[bi as usize] {
                self.notes.push(format!(
                    "boundary event `{bid}`: no event thrown inside its sub-process reaches it (none is thrown, or an event sub-process catches it first), so it never fires"
                ));
            }
        }
        Ok(())
    }

    fn scope_element(&self, s: usize) -> ElementId {
        if s == 0 {
            return self.net.process;
        }
        self.net
            .nodes
            .iter()
            .find(|n| matches!(n.kind, NodeKind::Sub { scope, .. } if scope as usize == s))
            .map_or(self.net.process, |n| n.element)
    }

    fn reaches_itself(&self, n: u32) -> bool {
        let mut seen = HashSet::new();
        let mut stack: Vec<u32> = self.net.out(n).to_vec();
        while let Some(m) = stack.pop() {
            if m == n {
                return true;
            }
            if seen.insert(m) {
                stack.extend_from_slice(self.net.out(m));
                let (a, b) = self.net.nodes[m as usize].bounds;
                for bi in a..b {
                    stack.push(self.net.bounds[bi as usize].node);
                }
            }
        }
        false
    }

    /// Flow probabilities of node `i`: cumulative for XOR splits, independent for OR.
    fn probabilities(
        &mut self,
        i: usize,
        targets: &[(u32, ElementId)],
    ) -> Result<Vec<f64>, SimError> {
        let node = &self.net.nodes[i];
        let is_xor = node.kind == NodeKind::Xor;
        let is_or = matches!(node.kind, NodeKind::Or { .. });
        let gid = self.model.el(node.element).id_str().to_owned();
        let entry = self
            .sc
            .gateway_branching_probabilities
            .iter()
            .find(|g| g.gateway_id == gid);
        if !(is_xor || is_or) || targets.len() < 2 {
            if entry.is_some() {
                self.used_ids.insert(format!("gateway:{gid}"));
            }
            return Ok(vec![1.0; targets.len()]);
        }
        let mut given: Vec<Option<f64>> = vec![None; targets.len()];
        if let Some(g) = entry {
            self.used_ids.insert(format!("gateway:{gid}"));
            for p in &g.probabilities {
                let Some(pos) = targets
                    .iter()
                    .position(|(_, f)| self.model.el(*f).id_str() == p.path_id)
                else {
                    return Err(SimError::new(
                        "simulate::unknown-id",
                        format!("`gateway_branching_probabilities` of gateway `{gid}` names flow `{}`, which is not an outgoing flow of it", p.path_id),
                    )
                    .with_help(format!(
                        "outgoing flows of `{gid}`: {}",
                        targets.iter().map(|(_, f)| self.model.el(*f).id_str()).collect::<Vec<_>>().join(", ")
                    )));
                };
                if let Some(v) = p.value {
                    check_prob(
                        v,
                        "gateway_branching_probabilities",
                        &format!("{gid}/{}", p.path_id),
                    )?;
                }
                given[pos] = p.value;
            }
        } else {
            self.notes.push(format!(
                "gateway `{gid}`: no `gateway_branching_probabilities` entry, {}",
                if is_xor {
                    "equal branch probabilities"
                } else {
                    "each branch taken with probability 0.5"
                }
            ));
        }
        if is_or {
            return Ok(given
                .iter()
                .map(|g| g.unwrap_or(defaults::OR_BRANCH_P))
                .collect());
        }
        let sum_given: f64 = given.iter().flatten().sum();
        let n_missing = given.iter().filter(|g| g.is_none()).count();
        if n_missing == 0 && (sum_given - 1.0).abs() > 1e-3 {
            return Err(SimError::new(
                "simulate::bad-probabilities",
                format!("`gateway_branching_probabilities` of gateway `{gid}` add up to {sum_given}, not 1"),
            )
            .with_help("make the values of the gateway's flows sum to 1, or leave some out to share the rest"));
        }
        if sum_given > 1.0 + 1e-3 {
            return Err(SimError::new(
                "simulate::bad-probabilities",
                format!(
                    "`gateway_branching_probabilities` of gateway `{gid}` add up to {sum_given}, more than 1"
                ),
            ));
        }
        #[allow(clippy::cast_precision_loss)]
        let share = if n_missing > 0 {
            (1.0 - sum_given).max(0.0) / n_missing as f64
        } else {
            0.0
        };
        let vals: Vec<f64> = given.iter().map(|g| g.unwrap_or(share)).collect();
        let total: f64 = vals.iter().sum();
        let mut acc = 0.0;
        Ok(vals
            .iter()
            .map(|v| {
                acc += if total > 0.0 { v / total } else { 0.0 };
                acc
            })
            .collect())
    }

    fn check_ids(&mut self) -> Result<(), SimError> {
        let model = self.model;
        let exists = |id: &str, ok: &dyn Fn(&Kind) -> bool| {
            model.by_id(id).is_some_and(|e| ok(&model.el(e).kind))
        };
        for t in &self.sc.task_resource_distribution {
            if !exists(&t.task_id, &|k| k.is_activity()) {
                return Err(unknown(
                    "task_resource_distribution",
                    "task_id",
                    &t.task_id,
                    "task",
                ));
            }
        }
        for g in &self.sc.gateway_branching_probabilities {
            if !exists(&g.gateway_id, &Kind::is_gateway) {
                return Err(unknown(
                    "gateway_branching_probabilities",
                    "gateway_id",
                    &g.gateway_id,
                    "gateway",
                ));
            }
        }
        for e in &self.sc.event_distribution {
            if !exists(&e.event_id, &Kind::is_event) {
                return Err(unknown(
                    "event_distribution",
                    "event_id",
                    &e.event_id,
                    "event",
                ));
            }
        }
        for b in &self.sc.boundary_event_probabilities {
            if !exists(&b.element_id, &|k| *k == Kind::BoundaryEvent) {
                return Err(unknown(
                    "boundary_event_probabilities",
                    "element_id",
                    &b.element_id,
                    "boundary event",
                ));
            }
        }
        for l in &self.sc.loop_probabilities {
            if !exists(&l.element_id, &Kind::is_activity) {
                return Err(unknown(
                    "loop_probabilities",
                    "element_id",
                    &l.element_id,
                    "activity",
                ));
            }
        }
        for m in &self.sc.multi_instance {
            if !exists(&m.activity_id, &Kind::is_activity) {
                return Err(unknown(
                    "multi_instance",
                    "activity_id",
                    &m.activity_id,
                    "activity",
                ));
            }
        }
        for t in &self.sc.task_resource_distribution {
            if !self.used_ids.contains(&format!("task:{}", t.task_id)) {
                self.notes.push(format!("task `{}` is not in the simulated process; its `task_resource_distribution` entry is unused", t.task_id));
            }
        }
        Ok(())
    }
}

fn unknown(key: &str, field: &str, id: &str, what: &str) -> SimError {
    SimError::new(
        "simulate::unknown-id",
        format!("`{key}` names {what} `{id}` (`{field}`), which the model does not have"),
    )
    .with_help(format!("use the id of a {what} of the model"))
}

fn check_prob(v: f64, key: &str, id: &str) -> Result<f64, SimError> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(SimError::new(
            "simulate::bad-probabilities",
            format!("`{key}` of `{id}` is {v}, not a probability in [0, 1]"),
        ))
    }
}

/// The kind of event an event (its definitions) catches or throws, among error,
/// escalation and cancel.
fn caught_kind(defs: &[Kind]) -> Option<Kind> {
    defs.iter()
        .find(|k| {
            matches!(
                k,
                Kind::ErrorEventDefinition
                    | Kind::EscalationEventDefinition
                    | Kind::CancelEventDefinition
            )
        })
        .cloned()
}

/// What an end or intermediate throw event throws: the kind and the `errorRef` or
/// `escalationRef`. Error and cancel only end events throw; escalation also
/// intermediate throw events.
fn thrown_def(model: &Model, el: ElementId) -> Option<(Kind, Option<String>)> {
    let e = model.el(el);
    if !matches!(e.kind, Kind::EndEvent | Kind::IntermediateThrowEvent) {
        return None;
    }
    model.event_definitions(el).find_map(|(_, d)| {
        let ok = match d.kind {
            Kind::ErrorEventDefinition | Kind::CancelEventDefinition => e.kind == Kind::EndEvent,
            Kind::EscalationEventDefinition => true,
            _ => false,
        };
        ok.then(|| (d.kind.clone(), event_ref(d)))
    })
}

fn event_ref(d: &crate::model::Element) -> Option<String> {
    d.attr("errorRef")
        .or_else(|| d.attr("escalationRef"))
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// The code of a referenced `error` (`errorCode`) or `escalation` (`escalationCode`).
fn event_code(model: &Model, reference: &str) -> Option<String> {
    let e = model.el(model.by_id(reference)?);
    e.attr("errorCode")
        .or_else(|| e.attr("escalationCode"))
        .map(str::to_owned)
}

/// The first candidate whose event catches a throw of `kind` with `reference`: one
/// that names the same error/escalation (or one with the same code) first, else one
/// that catches any.
fn best_match<T: Copy>(
    model: &Model,
    kind: &Kind,
    reference: Option<&str>,
    candidates: impl Iterator<Item = (T, ElementId)>,
) -> Option<T> {
    let mut any = None;
    for (t, ev) in candidates {
        for (_, d) in model.event_definitions(ev) {
            if d.kind != *kind {
                continue;
            }
            match (event_ref(d), reference) {
                (None, _) => {
                    if any.is_none() {
                        any = Some(t);
                    }
                }
                (Some(c), Some(r)) => {
                    if c == r
                        || event_code(model, &c).is_some_and(|x| Some(x) == event_code(model, r))
                    {
                        return Some(t);
                    }
                }
                (Some(_), None) => {}
            }
        }
    }
    any
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::iso_duration;

    #[test]
    fn iso_durations() {
        assert_eq!(iso_duration("PT1H30M"), Some(5400.0));
        assert_eq!(iso_duration("P2D"), Some(172_800.0));
        assert_eq!(iso_duration("PT0.5S"), Some(0.5));
        assert_eq!(iso_duration("1H"), None);
        assert_eq!(iso_duration("P"), None);
    }
}
