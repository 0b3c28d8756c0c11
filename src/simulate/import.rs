//! Scenarios embedded in a model: BPSim (`bpsim:BPSimData`, from Signavio, Trisotech,
//! ADONIS, jBPM) and BIMP/QBP (`qbp:processSimulationInfo`), converted to a [`Scenario`].

use std::collections::BTreeMap;

use super::SimError;
use super::compile::iso_duration;
use super::scenario::{
    DistSpec, GatewayBranching, HistogramData, PathProbability, Resource, ResourceCalendar,
    ResourceProfile, RunSettings, Scenario, TaskResource, TaskResources, TimePeriod,
};
use crate::model::{ElementId, Model, XmlNode};

/// Finds an embedded scenario: BPSim first, then QBP. Returns the scenario, a description
/// of its source and notes.
///
/// # Errors
/// An embedded scenario with values that cannot be read.
pub fn embedded(
    model: &Model,
    process: ElementId,
) -> Result<Option<(Scenario, String, Vec<String>)>, SimError> {
    let _ = process;
    if let Some(node) = find(model, "BPSimData") {
        return bpsim(model, node).map(Some);
    }
    if let Some(node) = find(model, "processSimulationInfo") {
        return qbp(model, node).map(|s| {
            Some((
                s,
                "BIMP/QBP parameters in the model (qbp:processSimulationInfo)".to_owned(),
                Vec::new(),
            ))
        });
    }
    Ok(None)
}

fn find<'a>(model: &'a Model, local: &str) -> Option<&'a XmlNode> {
    model
        .elements
        .iter()
        .flat_map(|e| e.raw.iter())
        .flat_map(XmlNode::descendants)
        .find(|n| &*n.local == local)
}

fn child<'a>(n: &'a XmlNode, local: &str) -> Option<&'a XmlNode> {
    n.children.iter().find(|c| &*c.local == local)
}

fn children<'a>(n: &'a XmlNode, local: &'a str) -> impl Iterator<Item = &'a XmlNode> + 'a {
    n.children.iter().filter(move |c| &*c.local == local)
}

fn num(n: &XmlNode, attr: &str) -> Option<f64> {
    n.attr(None, attr).and_then(|v| v.trim().parse().ok())
}

fn bad(what: String) -> SimError {
    SimError::new("simulate::bad-scenario", what)
}

// ---------------------------------------------------------------- QBP

fn qbp_dist(n: &XmlNode, owner: &str) -> Result<DistSpec, SimError> {
    let ty = n.attr(None, "type").unwrap_or("FIXED").to_ascii_uppercase();
    let mean = num(n, "mean").unwrap_or(0.0);
    let a1 = num(n, "arg1").unwrap_or(0.0);
    let a2 = num(n, "arg2").unwrap_or(0.0);
    Ok(match ty.as_str() {
        "FIXED" => DistSpec::new("fix", &[mean]),
        "EXPONENTIAL" => DistSpec::new("expon", &[a1, 0.0]),
        "NORMAL" => DistSpec::new("norm", &[mean, a1, 0.0]),
        "UNIFORM" => DistSpec::new("uniform", &[a1, a2]),
        "GAMMA" => DistSpec::new("gamma", &[mean, a1, 0.0]),
        "LOGNORMAL" => DistSpec::new("lognorm", &[mean, a1, 0.0]),
        "TRIANGULAR" => DistSpec::new("triang", &[a1, mean, a2]),
        other => {
            return Err(bad(format!(
                "qbp:processSimulationInfo: distribution type `{other}` of `{owner}` is not supported"
            )));
        }
    })
}

fn qbp(model: &Model, info: &XmlNode) -> Result<Scenario, SimError> {
    let mut sc = Scenario::default();
    if let Some(tts) = child(info, "timetables") {
        for tt in children(tts, "timetable") {
            let id = tt.attr(None, "id").unwrap_or("").to_owned();
            let mut periods = Vec::new();
            for rules in children(tt, "rules") {
                for r in children(rules, "rule") {
                    periods.push(TimePeriod {
                        from: r.attr(None, "fromWeekDay").unwrap_or("MONDAY").to_owned(),
                        to: r.attr(None, "toWeekDay").unwrap_or("SUNDAY").to_owned(),
                        begin_time: r.attr(None, "fromTime").unwrap_or("00:00:00").to_owned(),
                        end_time: r.attr(None, "toTime").unwrap_or("23:59:59.999").to_owned(),
                    });
                }
            }
            sc.resource_calendars.push(ResourceCalendar {
                id,
                name: tt.attr(None, "name").map(str::to_owned),
                time_periods: periods,
            });
        }
    }
    if let Some(a) = child(info, "arrivalRateDistribution") {
        sc.arrival_time_distribution = Some(qbp_dist(a, "arrivalRateDistribution")?);
    }
    if let Some(rs) = child(info, "resources") {
        for r in children(rs, "resource") {
            let id = r.attr(None, "id").unwrap_or("").to_owned();
            sc.resource_profiles.push(ResourceProfile {
                id: format!("pool_{id}"),
                name: r.attr(None, "name").map(str::to_owned),
                resource_list: vec![Resource {
                    id: id.clone(),
                    name: r.attr(None, "name").map(str::to_owned),
                    cost_per_hour: num(r, "costPerHour").unwrap_or(0.0),
                    amount: num(r, "totalAmount").map_or(1, |v| {
                        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                        let n = v.max(0.0) as u32;
                        n
                    }),
                    calendar: r.attr(None, "timetableId").map(str::to_owned),
                    assigned_tasks: Vec::new(),
                }],
            });
        }
    }
    if let Some(els) = child(info, "elements") {
        for e in children(els, "element") {
            let id = e.attr(None, "elementId").unwrap_or("").to_owned();
            let dist = match child(e, "durationDistribution") {
                Some(d) => qbp_dist(d, &id)?,
                None => DistSpec::new("fix", &[0.0]),
            };
            let mut resources = Vec::new();
            if let Some(ids) = child(e, "resourceIds") {
                for r in children(ids, "resourceId") {
                    if let Some(t) = r.text.as_deref() {
                        resources.push(TaskResource {
                            resource_id: t.trim().to_owned(),
                            distribution: dist.clone(),
                        });
                    }
                }
            }
            sc.task_resource_distribution.push(TaskResources {
                task_id: id,
                resources,
            });
        }
    }
    if let Some(flows) = child(info, "sequenceFlows") {
        let mut by_gw: BTreeMap<String, Vec<PathProbability>> = BTreeMap::new();
        for f in children(flows, "sequenceFlow") {
            let id = f.attr(None, "elementId").unwrap_or("");
            let gw = model
                .by_id(id)
                .and_then(|fe| model.el(fe).links.source)
                .map(|s| model.el(s).id_str().to_owned());
            if let Some(gw) = gw {
                by_gw.entry(gw).or_default().push(PathProbability {
                    path_id: id.to_owned(),
                    value: num(f, "executionProbability"),
                });
            }
        }
        sc.gateway_branching_probabilities = by_gw
            .into_iter()
            .map(|(gateway_id, probabilities)| GatewayBranching {
                gateway_id,
                probabilities,
            })
            .collect();
    }
    sc.simulation = Some(RunSettings {
        cases: num(info, "processInstances").map(|v| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = v.max(0.0) as u64;
            n
        }),
        ..RunSettings::default()
    });
    Ok(sc)
}

// ---------------------------------------------------------------- BPSim

fn unit_seconds(unit: &str) -> f64 {
    match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "hour" | "h" => 3600.0,
        "day" => 86_400.0,
        "year" => 365.0 * 86_400.0,
        _ => 60.0, // "min", BPSim's default base time unit
    }
}

/// A BPSim parameter value: a distribution or a constant, scaled to seconds.
fn bpsim_value(param: &XmlNode, unit: f64, owner: &str) -> Result<DistSpec, SimError> {
    let Some(v) = param.children.first() else {
        return Err(bad(format!(
            "BPSim parameter `{}` of `{owner}` has no value",
            param.local
        )));
    };
    let a = |name: &str| num(v, name).unwrap_or(0.0) * unit;
    Ok(match &*v.local {
        "NumericParameter" | "FloatingParameter" => DistSpec::new("fix", &[a("value")]),
        "DurationParameter" => {
            let s = v
                .attr(None, "value")
                .and_then(iso_duration)
                .ok_or_else(|| {
                    bad(format!(
                        "BPSim DurationParameter of `{owner}` is not an ISO 8601 duration"
                    ))
                })?;
            DistSpec::new("fix", &[s])
        }
        "NormalDistribution" => DistSpec::new("norm", &[a("mean"), a("standardDeviation"), 0.0]),
        "TruncatedNormalDistribution" => DistSpec::new(
            "norm",
            &[a("mean"), a("standardDeviation"), a("min"), a("max")],
        ),
        "UniformDistribution" => DistSpec::new("uniform", &[a("min"), a("max")]),
        "NegativeExponentialDistribution" | "ExponentialDistribution" => {
            DistSpec::new("expon", &[a("mean"), 0.0])
        }
        "PoissonDistribution" => DistSpec::new("expon", &[a("mean"), 0.0]),
        "TriangularDistribution" => DistSpec::new("triang", &[a("min"), a("mode"), a("max")]),
        "LogNormalDistribution" => {
            let sd = a("standardDeviation");
            DistSpec::new("lognorm", &[a("mean"), sd * sd, 0.0])
        }
        "GammaDistribution" => {
            let k = num(v, "shape").unwrap_or(1.0);
            let theta = a("scale");
            DistSpec::new("gamma", &[k * theta, k * theta * theta, 0.0])
        }
        "ErlangDistribution" => DistSpec::new("erlang", &[num(v, "k").unwrap_or(1.0), a("mean")]),
        "WeibullDistribution" => {
            DistSpec::new("weibull", &[num(v, "shape").unwrap_or(1.0), a("scale")])
        }
        "UserDistribution" => {
            let mut pts: Vec<(f64, f64)> = Vec::new();
            for dp in children(v, "UserDistributionDataPoint") {
                let p = num(dp, "probability").unwrap_or(0.0);
                let val = dp
                    .children
                    .first()
                    .and_then(|c| num(c, "value"))
                    .unwrap_or(0.0)
                    * unit;
                pts.push((val, p));
            }
            pts.sort_by(|x, y| x.0.total_cmp(&y.0));
            let mut acc = 0.0;
            let cdf = pts
                .iter()
                .map(|(_, p)| {
                    acc += p;
                    acc
                })
                .collect();
            DistSpec {
                distribution_name: "histogram_sampling".to_owned(),
                distribution_params: Vec::new(),
                histogram_data: Some(HistogramData {
                    cdf,
                    bin_midpoints: pts.iter().map(|x| x.0).collect(),
                }),
            }
        }
        other => {
            return Err(bad(format!(
                "BPSim value `{other}` of `{owner}` is not supported"
            )));
        }
    })
}

fn fixed_value(spec: &DistSpec) -> Option<f64> {
    (spec.distribution_name == "fix")
        .then(|| spec.values().first().copied())
        .flatten()
}

fn bpsim(model: &Model, data: &XmlNode) -> Result<(Scenario, String, Vec<String>), SimError> {
    let mut notes = Vec::new();
    let scenarios: Vec<&XmlNode> = children(data, "Scenario").collect();
    let Some(scn) = scenarios.first() else {
        return Err(bad("bpsim:BPSimData has no Scenario".to_owned()));
    };
    if scenarios.len() > 1 {
        notes.push(format!(
            "BPSim: {} scenarios in the model; simulating the first (`{}`)",
            scenarios.len(),
            scn.attr(None, "id").unwrap_or("")
        ));
    }
    let mut sc = Scenario::default();
    let mut run = RunSettings::default();
    let mut unit = 60.0;
    if let Some(sp) = child(scn, "ScenarioParameters") {
        unit = unit_seconds(sp.attr(None, "baseTimeUnit").unwrap_or("min"));
        run.replications = num(sp, "replication").map(|v| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = v.max(1.0) as u32;
            n
        });
        run.seed = sp.attr(None, "seed").and_then(|s| s.trim().parse().ok());
        if let Some(d) = child(sp, "Duration") {
            run.horizon_s = fixed_value(&bpsim_value(d, unit, "ScenarioParameters/Duration")?);
        }
        if let Some(w) = child(sp, "Warmup") {
            if let Some(v) = fixed_value(&bpsim_value(w, unit, "ScenarioParameters/Warmup")?) {
                notes.push(format!("BPSim warm-up of {v} s read as that many cases' worth is not supported; warm-up ignored"));
            }
        }
    }
    let mut by_gw: BTreeMap<String, Vec<PathProbability>> = BTreeMap::new();
    for ep in children(scn, "ElementParameters") {
        let id = ep.attr(None, "elementRef").unwrap_or("").to_owned();
        let mut quantity = None;
        let mut cost = 0.0;
        let mut duration = None;
        for group in &ep.children {
            for p in &group.children {
                match (&*group.local, &*p.local) {
                    ("TimeParameters", "ProcessingTime") => {
                        duration = Some(bpsim_value(p, unit, &id)?)
                    }
                    ("ControlParameters", "InterTriggerTimer") => {
                        sc.arrival_time_distribution = Some(bpsim_value(p, unit, &id)?);
                    }
                    ("ControlParameters", "TriggerCount") => {
                        run.cases = fixed_value(&bpsim_value(p, 1.0, &id)?).map(|v| {
                            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                            let n = v.max(0.0) as u64;
                            n
                        });
                    }
                    ("ControlParameters", "Probability") => {
                        let v = fixed_value(&bpsim_value(p, 1.0, &id)?);
                        let gw = model
                            .by_id(&id)
                            .and_then(|f| model.el(f).links.source)
                            .map(|s| model.el(s).id_str().to_owned())
                            .ok_or_else(|| bad(format!("BPSim Probability on `{id}`, which is not a sequence flow of the model")))?;
                        by_gw.entry(gw).or_default().push(PathProbability {
                            path_id: id.clone(),
                            value: v,
                        });
                    }
                    ("ResourceParameters", "Quantity") => {
                        quantity = fixed_value(&bpsim_value(p, 1.0, &id)?)
                    }
                    ("CostParameters", "UnitCost") => {
                        cost =
                            fixed_value(&bpsim_value(p, 1.0, &id)?).unwrap_or(0.0) * 3600.0 / unit;
                    }
                    (g, name) => notes.push(format!("BPSim {g}/{name} of `{id}` is not simulated")),
                }
            }
        }
        let is_activity = model
            .by_id(&id)
            .is_some_and(|e| model.el(e).kind.is_activity());
        if duration.is_some() && !is_activity {
            // jBPM's process modeler writes a ProcessingTime (mean 0) for start events;
            // only activities take time in the simulation.
            notes.push(format!(
                "BPSim ProcessingTime of `{id}` is not simulated: it is not an activity of the model"
            ));
            duration = None;
        }
        if let Some(d) = duration {
            let rid = format!("bpsim_{id}");
            // jBPM's process modeler writes Quantity 0 when none was entered: a pool of no
            // resources would stall every case, so read it as unset.
            let quantity = quantity.filter(|q| *q >= 1.0);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let amount = quantity.map_or(1, |q| q as u32);
            if quantity.is_none() {
                notes.push(format!(
                    "BPSim: task `{id}` has no Quantity of at least 1; one resource assumed"
                ));
            }
            sc.resource_profiles.push(ResourceProfile {
                id: format!("pool_{rid}"),
                name: Some(
                    model
                        .by_id(&id)
                        .and_then(|e| model.el(e).label())
                        .unwrap_or(&id)
                        .to_owned(),
                ),
                resource_list: vec![Resource {
                    id: rid.clone(),
                    name: None,
                    cost_per_hour: cost,
                    amount,
                    calendar: None,
                    assigned_tasks: vec![id.clone()],
                }],
            });
            sc.task_resource_distribution.push(TaskResources {
                task_id: id,
                resources: vec![TaskResource {
                    resource_id: rid,
                    distribution: d,
                }],
            });
        }
    }
    sc.gateway_branching_probabilities = by_gw
        .into_iter()
        .map(|(gateway_id, probabilities)| GatewayBranching {
            gateway_id,
            probabilities,
        })
        .collect();
    sc.simulation = Some(run);
    let name = scn
        .attr(None, "name")
        .or_else(|| scn.attr(None, "id"))
        .unwrap_or("");
    Ok((sc, format!("BPSim scenario `{name}` in the model"), notes))
}
