//! `simulate`: known answers from the shared corpus and our own fixtures, determinism,
//! scenario errors, the scenario schema and the samples.

use std::path::{Path, PathBuf};

use bpmnkit::simulate::{self, Method, Prepared, Scenario, SimOptions, SimReport};

use crate::common::{corpus, root};

fn sim_dir() -> PathBuf {
    corpus().join("simulation")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/simulate").join(name)
}

fn prepare(model: &Path, scenario: Option<&Path>) -> Prepared {
    let model = bpmnkit::parse_file(model, &Default::default()).unwrap();
    let scenario =
        scenario.map(|p| Scenario::from_json(&std::fs::read_to_string(p).unwrap()).unwrap());
    simulate::prepare(&model, scenario, None).unwrap()
}

fn run(p: &Prepared, cases: u64, reps: u32, method: Method) -> SimReport {
    simulate::run(
        p,
        &SimOptions {
            cases: Some(cases),
            replications: Some(reps),
            seed: Some(42),
            method,
            ..Default::default()
        },
    )
}

fn expected() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(sim_dir().join("expected.json")).unwrap())
        .unwrap()
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got}, want {want} ± {:.1}%",
        rel * 100.0
    );
}

#[test]
fn xor_case_matches_the_analytic_answer() {
    let exp = &expected()["xor_no_queue"];
    let p = prepare(
        &sim_dir().join("xor_no_queue.bpmn"),
        Some(&sim_dir().join("xor_no_queue.json")),
    );
    let r = run(&p, 50_000, 4, Method::Both);
    let s = r.simulation.unwrap();
    close(
        "mean",
        s.cycle_time.mean,
        exp["cycle_mean_s"].as_f64().unwrap(),
        0.02,
    );
    close(
        "median",
        s.cycle_time.median,
        exp["cycle_median_s"].as_f64().unwrap(),
        0.02,
    );
    close(
        "p95",
        s.cycle_time.p95,
        exp["cycle_p95_s"].as_f64().unwrap(),
        0.02,
    );
    assert!(
        s.waiting_time.mean < 1.0,
        "no queueing expected, got {}",
        s.waiting_time.mean
    );
    // The analytic method is exact here (block-structured): within 1%.
    let a = r.analytic.unwrap();
    assert!(!a.approximate);
    close(
        "analytic mean",
        a.cycle_time.mean,
        exp["cycle_mean_s"].as_f64().unwrap(),
        0.01,
    );
    close(
        "analytic sd",
        a.cycle_sd,
        exp["cycle_sd_s"].as_f64().unwrap(),
        0.01,
    );
    close(
        "analytic median",
        a.cycle_time.median,
        exp["cycle_median_s"].as_f64().unwrap(),
        0.01,
    );
    close(
        "analytic p95",
        a.cycle_time.p95,
        exp["cycle_p95_s"].as_f64().unwrap(),
        0.01,
    );
}

#[test]
fn qbp_twin_scenario_is_read_from_the_model() {
    let exp = &expected()["xor_no_queue"];
    let p = prepare(&sim_dir().join("xor_no_queue_qbp.bpmn"), None);
    assert!(p.scenario_source.contains("QBP"), "{}", p.scenario_source);
    let r = run(&p, 20_000, 2, Method::Sim);
    close(
        "mean",
        r.simulation.unwrap().cycle_time.mean,
        exp["cycle_mean_s"].as_f64().unwrap(),
        0.02,
    );
}

#[test]
fn mm1_and_mm2_match_queueing_theory() {
    // ρ = 0.8 has high variance: 8 replications × 50,000 cases keep the mean within ~2%.
    for (name, json) in [
        ("mm1_rho08", "mm1_rho08.json"),
        ("mm2_rho08", "mm2_rho08.json"),
    ] {
        let exp = &expected()[name];
        let p = prepare(
            &sim_dir().join("single_task.bpmn"),
            Some(&sim_dir().join(json)),
        );
        let r = run(&p, 50_000, 8, Method::Both);
        let s = r.simulation.unwrap();
        close(
            &format!("{name} W"),
            s.cycle_time.mean,
            exp["cycle_mean_s"].as_f64().unwrap(),
            0.05,
        );
        close(
            &format!("{name} Wq"),
            s.waiting_time.mean,
            exp["waiting_mean_s"].as_f64().unwrap(),
            0.05,
        );
        // The queueing estimate is exact for M/M/c.
        let a = r.analytic.unwrap();
        let q = &a.queueing[0];
        assert_eq!(q.model, "M/M/c");
        close(
            &format!("{name} Erlang C"),
            q.waiting_mean_s.unwrap(),
            exp["waiting_mean_s"].as_f64().unwrap(),
            0.01,
        );
        close(
            &format!("{name} W estimate"),
            a.cycle_mean_with_queueing.unwrap(),
            exp["cycle_mean_s"].as_f64().unwrap(),
            0.01,
        );
    }
}

#[test]
fn mm1_cycle_time_is_exponential() {
    let exp = &expected()["mm1_rho08"];
    let p = prepare(
        &sim_dir().join("single_task.bpmn"),
        Some(&sim_dir().join("mm1_rho08.json")),
    );
    let s = run(&p, 50_000, 8, Method::Sim).simulation.unwrap();
    close(
        "median",
        s.cycle_time.median,
        exp["cycle_median_s"].as_f64().unwrap(),
        0.05,
    );
    close(
        "p95",
        s.cycle_time.p95,
        exp["cycle_p95_s"].as_f64().unwrap(),
        0.05,
    );
}

#[test]
fn and_join_waits_for_the_slower_branch() {
    // E[max(Exp(600), Exp(1200))] = 600 + 1200 − 600·1200/1800 = 1400.
    let p = prepare(
        &fixture("and_join.bpmn"),
        Some(&fixture("and_join.scenario.json")),
    );
    let r = run(&p, 50_000, 2, Method::Both);
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 1400.0, 0.02);
    // Processing is the union of the parallel busy intervals, never their sum.
    close("processing", s.processing_time.mean, 1400.0, 0.02);
    assert!(s.waiting_time.mean < 1.0);
    // Cost: only A's resource costs 36/h, A takes 600 s on average → 6 per case.
    close("cost", s.cost.mean, 6.0, 0.02);
    let a = r.analytic.unwrap();
    close("analytic", a.cycle_time.mean, 1400.0, 0.01);
    // Median of the max: F(t) = (1 − e^{−t/600})(1 − e^{−t/1200}) = 0.5.
    let f = |t: f64| (1.0 - (-t / 600.0).exp()) * (1.0 - (-t / 1200.0).exp());
    let (mut lo, mut hi) = (0.0, 20_000.0);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if f(mid) < 0.5 { lo = mid } else { hi = mid }
    }
    close("analytic median", a.cycle_time.median, lo, 0.01);
}

#[test]
fn loop_repeats_a_geometric_number_of_times() {
    // 100 s per iteration, repeated with probability 0.6: mean 250, median 200.
    let p = prepare(&fixture("loop.bpmn"), Some(&fixture("loop.scenario.json")));
    let r = run(&p, 50_000, 2, Method::Both);
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 250.0, 0.02);
    assert_eq!(s.cycle_time.median, 200.0);
    close("executions", s.activities[0].count, 2.5 * 50_000.0, 0.02);
    let a = r.analytic.unwrap();
    assert!(!a.approximate);
    close("analytic mean", a.cycle_time.mean, 250.0, 0.01);
    close("analytic visits", a.visits[0].1, 2.5, 1e-9);
}

#[test]
fn calendar_stops_work_outside_office_hours() {
    // A case arrives every midnight; the clerk works Mon–Fri 9–17, 1 h per case.
    // Steady week: Mon 12 h (after Sat+Sun backlog), Tue–Fri 10 h, Sat 58 h, Sun 35 h;
    // the very first Monday has no backlog (10 h).
    let p = prepare(
        &fixture("calendar.bpmn"),
        Some(&fixture("calendar.scenario.json")),
    );
    let r = run(&p, 700, 1, Method::Both);
    let s = r.simulation.unwrap();
    let want = (145.0 * 100.0 - 2.0) * 3600.0 / 700.0;
    assert!(
        (s.cycle_time.mean - want).abs() < 1e-6,
        "{} vs {want}",
        s.cycle_time.mean
    );
    assert_eq!(s.cycle_time.max, 58.0 * 3600.0);
    // Utilisation counts available (calendar) time only: 5 h of work per 40 h week.
    close("utilisation", s.resources[0].utilisation, 7.0 / 40.0, 0.02);
    assert!(
        r.comparison.iter().any(|c| c.contains("calendars")),
        "{:?}",
        r.comparison
    );
}

#[test]
fn boundary_timer_interrupts_long_tasks() {
    // T ~ Exp(3600), timer 1800: E[cycle] = 3600 (1 − e^−0.5) + 600 e^−0.5.
    let p = prepare(
        &fixture("boundary_timer.bpmn"),
        Some(&fixture("boundary_timer.scenario.json")),
    );
    let r = run(&p, 50_000, 2, Method::Sim);
    let s = r.simulation.unwrap();
    let e = (-0.5f64).exp();
    close(
        "mean",
        s.cycle_time.mean,
        3600.0 * (1.0 - e) + 600.0 * e,
        0.02,
    );
    let escalate = s.activities.iter().find(|a| a.id == "E").unwrap();
    close("escalations", escalate.count, 50_000.0 * e, 0.02);
    // The interrupted task never runs past the timer.
    let work = s.activities.iter().find(|a| a.id == "T").unwrap();
    close("work", work.processing_mean, 3600.0 * (1.0 - e), 0.02);
}

#[test]
fn same_seed_gives_identical_output_whatever_the_thread_count() {
    let p = prepare(
        &sim_dir().join("single_task.bpmn"),
        Some(&sim_dir().join("mm2_rho08.json")),
    );
    let once = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool.install(|| run(&p, 5_000, 5, Method::Both));
        serde_json::to_string(&r).unwrap()
    };
    let a = once(1);
    assert_eq!(a, once(2));
    assert_eq!(a, once(3));
    let other = simulate::run(
        &p,
        &SimOptions {
            cases: Some(5_000),
            replications: Some(5),
            seed: Some(43),
            ..Default::default()
        },
    );
    assert_ne!(a, serde_json::to_string(&other).unwrap());
}

fn scenario_error(model: &Path, json: &str) -> simulate::SimError {
    let model = bpmnkit::parse_file(model, &Default::default()).unwrap();
    let sc = Scenario::from_json(json);
    match sc {
        Err(e) => e,
        Ok(sc) => simulate::prepare(&model, Some(sc), None).unwrap_err(),
    }
}

#[test]
fn bad_scenarios_name_the_key_and_element() {
    let m = sim_dir().join("xor_no_queue.bpmn");
    let e = scenario_error(
        &m,
        r#"{"task_resource_distribution": [{"task_id": "Nope", "resources": []}]}"#,
    );
    assert_eq!(e.code, "simulate::unknown-id");
    assert!(
        e.message.contains("task_resource_distribution") && e.message.contains("Nope"),
        "{}",
        e.message
    );

    let e = scenario_error(
        &m,
        r#"{"gateway_branching_probabilities": [{"gateway_id": "split", "probabilities": [{"path_id": "f_split_b", "value": 0.5}, {"path_id": "f_split_c", "value": 0.4}]}]}"#,
    );
    assert_eq!(e.code, "simulate::bad-probabilities");
    assert!(
        e.message.contains("split") && e.message.contains("0.9"),
        "{}",
        e.message
    );

    let e = scenario_error(
        &m,
        r#"{"resource_profiles": [{"id": "p", "resource_list": [{"id": "r"}]}], "task_resource_distribution": [{"task_id": "A", "resources": [{"resource_id": "r", "distribution_name": "fix", "distribution_params": [{"value": -5}]}]}]}"#,
    );
    assert_eq!(e.code, "simulate::bad-distribution");
    assert!(
        e.message.contains("`A`") && e.message.contains("negative"),
        "{}",
        e.message
    );

    let e = scenario_error(
        &m,
        r#"{"task_resource_distribution": [{"task_id": "A", "resources": [{"resource_id": "ghost", "distribution_name": "fix", "distribution_params": [{"value": 5}]}]}]}"#,
    );
    assert_eq!(e.code, "simulate::unknown-id");
    assert!(e.message.contains("ghost"), "{}", e.message);

    let e = scenario_error(
        &m,
        r#"{"arrival_time_distribution": {"distribution_name": "zipf", "distribution_params": []}}"#,
    );
    assert_eq!(e.code, "simulate::bad-distribution");

    let e = scenario_error(&m, r#"{"resource_profiles": 3}"#);
    assert_eq!(e.code, "simulate::bad-scenario");
}

#[test]
fn any_model_simulates_with_the_default_scenario() {
    for path in crate::common::bpmn_files(&corpus().join("simulation")) {
        let model = bpmnkit::parse_file(&path, &Default::default()).unwrap();
        let p = simulate::prepare(&model, None, None).unwrap();
        let r = run(&p, 200, 1, Method::Both);
        assert_eq!(
            r.simulation.unwrap().cases_completed,
            200,
            "{}",
            path.display()
        );
    }
}

#[test]
fn scenario_schema_is_up_to_date() {
    let path = root().join("schemas/scenario.schema.json");
    let want = serde_json::to_string_pretty(&Scenario::json_schema()).unwrap() + "\n";
    if std::env::var_os("BPMNKIT_UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "schemas/scenario.schema.json is stale: run BPMNKIT_UPDATE_SCHEMAS=1 cargo test scenario_schema"
    );
}

#[test]
fn corpus_scenarios_validate_against_the_schema_types() {
    for f in ["xor_no_queue.json", "mm1_rho08.json", "mm2_rho08.json"] {
        let sc = Scenario::from_json(&std::fs::read_to_string(sim_dir().join(f)).unwrap()).unwrap();
        assert!(sc.other.is_empty(), "{f}: {:?}", sc.other.keys());
    }
}

#[test]
fn samples_ship_a_scenario_and_simulate() {
    // The top-level samples; samples/flawed/ holds deliberately broken models for lint.
    let mut models: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "bpmn"))
        .collect();
    models.sort();
    assert!(!models.is_empty());
    for model in models {
        let scenario = model.with_extension("scenario.json");
        assert!(
            scenario.exists(),
            "{} has no {}",
            model.display(),
            scenario.display()
        );
        let p = prepare(&model, Some(&scenario));
        let r = run(&p, 2_000, 1, Method::Both);
        let s = r.simulation.unwrap();
        assert_eq!(s.cases_completed, 2_000, "{}", model.display());
        assert_eq!(s.cases_stuck, 0, "{}", model.display());
    }
}

#[test]
fn cli_writes_a_csv_event_log() {
    let dir = std::env::temp_dir().join(format!("bpmnkit-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("events.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
        .args(["simulate"])
        .arg(fixture("and_join.bpmn"))
        .arg("--scenario")
        .arg(fixture("and_join.scenario.json"))
        .args(["--cases", "10", "--format", "json", "--log"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["simulation"]["cases_completed"], 10);
    let csv = std::fs::read_to_string(&log).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("case_id,activity,enable_time,start_time,end_time,resource")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 20);
    // Both branches of case 0 are enabled and start at the first arrival.
    for row in &rows[..2] {
        assert!(row.starts_with("0,"), "{row}");
        assert!(
            row.contains(",2024-01-01T00:00:00.000Z,2024-01-01T00:00:00.000Z,"),
            "{row}"
        );
    }
    // Refuses to overwrite the model.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
        .args(["simulate"])
        .arg(fixture("and_join.bpmn"))
        .arg("--log")
        .arg(fixture("and_join.bpmn"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn horizon_stops_arrivals() {
    // One arrival a day at 00:00; a 10-day horizon admits days 0..=10.
    let p = prepare(
        &fixture("calendar.bpmn"),
        Some(&fixture("calendar.scenario.json")),
    );
    let r = simulate::run(
        &p,
        &SimOptions {
            horizon: Some(10.0 * 86_400.0),
            method: Method::Sim,
            ..Default::default()
        },
    );
    assert_eq!(r.simulation.unwrap().cases_completed, 11);
}

/// Executions of an activity per replication (0 when it never ran).
fn count(s: &simulate::SimSummary, id: &str) -> f64 {
    s.activities
        .iter()
        .find(|a| a.id == id)
        .map_or(0.0, |a| a.count)
}

fn thrown_case(name: &str) -> SimReport {
    let p = prepare(
        &fixture(&format!("{name}.bpmn")),
        Some(&fixture(&format!("{name}.scenario.json"))),
    );
    run(&p, 20_000, 1, Method::Both)
}

#[test]
fn error_end_event_leaves_the_sub_process_by_its_error_boundary() {
    // 30% of the cases reach the sub-process's error end event: they leave by the
    // boundary event catching that error (100 + 1000 s), the others finish it (350 s).
    let r = thrown_case("error_boundary");
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 0.7 * 350.0 + 0.3 * 1100.0, 0.02);
    assert_eq!(s.cycle_time.max, 1100.0);
    close("handled", count(&s, "H"), 0.3 * 20_000.0, 0.04);
    close("shipped", count(&s, "C"), 0.7 * 20_000.0, 0.04);
    // The boundary event for another error never fires, and nothing fires by chance.
    assert_eq!(count(&s, "X"), 0.0);
    assert_eq!(s.cases_failed, 0);
    // Computed on the grid, not sampled: the error end event is an exclusive exit.
    let a = r.analytic.unwrap();
    assert!(!a.approximate, "{}", a.note);
    close("analytic", a.cycle_time.mean, 575.0, 0.005);
    close("analytic p95", a.cycle_time.p95, 1100.0, 0.005);
    assert!(
        !r.notes.iter().any(|n| n.contains("probability 0.1")),
        "{:?}",
        r.notes
    );
}

#[test]
fn escalation_fires_a_non_interrupting_boundary_and_the_sub_process_goes_on() {
    // 40% escalate at 100 s: the manager is notified (1000 s) while the sub-process and
    // the shipping go on, so those cases take 1100 s; the others 350 s.
    let r = thrown_case("escalation");
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 0.6 * 350.0 + 0.4 * 1100.0, 0.02);
    close("notified", count(&s, "N"), 0.4 * 20_000.0, 0.04);
    assert_eq!(count(&s, "B"), 20_000.0);
    assert_eq!(count(&s, "C"), 20_000.0);
    close("analytic", r.analytic.unwrap().cycle_time.mean, 650.0, 0.02);
}

#[test]
fn cancel_end_event_leaves_the_transaction_by_its_cancel_boundary() {
    let r = thrown_case("transaction_cancel");
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 0.75 * 350.0 + 0.25 * 600.0, 0.02);
    close("refunds", count(&s, "R"), 0.25 * 20_000.0, 0.04);
    close("shipped", count(&s, "C"), 0.75 * 20_000.0, 0.04);
    let a = r.analytic.unwrap();
    assert!(!a.approximate, "{}", a.note);
    close("analytic", a.cycle_time.mean, 412.5, 0.005);
}

#[test]
fn uncaught_error_ends_the_case_as_failed() {
    // 20% of the cases hit an error nothing catches at 300 s and end there.
    let r = thrown_case("uncaught_error");
    let s = r.simulation.unwrap();
    assert_eq!(s.cases_completed, 20_000);
    close("failed", s.cases_failed as f64, 0.2 * 20_000.0, 0.04);
    close("mean", s.cycle_time.mean, 0.8 * 350.0 + 0.2 * 300.0, 0.01);
    assert_eq!(count(&s, "C"), 20_000.0 - s.cases_failed as f64);
    // The analytic estimate samples the engine without contention, and says so.
    let a = r.analytic.unwrap();
    assert!(
        a.approximate && a.note.contains("error end event nothing catches"),
        "{}",
        a.note
    );
    close("analytic", a.cycle_time.mean, 340.0, 0.01);
}

#[test]
fn event_sub_process_catches_the_error_before_the_boundary_does() {
    // The error start event of the event sub-process in the same scope wins over the
    // sub-process's catch-all boundary: the repair runs (400 s) and the sub-process then
    // completes normally, so shipping follows.
    let r = thrown_case("event_subprocess");
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 0.7 * 350.0 + 0.3 * 550.0, 0.02);
    close("repairs", count(&s, "F"), 0.3 * 20_000.0, 0.04);
    assert_eq!(count(&s, "H"), 0.0);
    assert_eq!(count(&s, "C"), 20_000.0);
    close("analytic", r.analytic.unwrap().cycle_time.mean, 410.0, 0.02);
}

#[test]
fn error_without_a_catch_in_its_sub_process_propagates_outwards() {
    // The inner sub-process has no boundary event: the outer one's catch-all catches it.
    let r = thrown_case("error_propagation");
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 0.5 * 350.0 + 0.5 * 400.0, 0.02);
    close("handled", count(&s, "H"), 0.5 * 20_000.0, 0.04);
    close("continued", count(&s, "B"), 0.5 * 20_000.0, 0.04);
    assert_eq!(s.cases_failed, 0);
    close("analytic", r.analytic.unwrap().cycle_time.mean, 375.0, 0.02);
}

#[test]
fn interrupting_event_sub_process_keeps_the_sub_process_boundary_timer() {
    // The event sub-process replaces the rest of the sub-process, not the sub-process:
    // its 450 s timer still interrupts the repair that would have run to 500 s.
    let r = thrown_case("event_subprocess_timer");
    let s = r.simulation.unwrap();
    close("mean", s.cycle_time.mean, 0.7 * 350.0 + 0.3 * 460.0, 0.02);
    close("timeouts", count(&s, "T"), 0.3 * 20_000.0, 0.04);
    assert_eq!(s.cycle_time.max, 460.0);
    assert_eq!(count(&s, "H"), 0.0);
}
