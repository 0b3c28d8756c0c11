//! `bpmnkit/activity-naming` (ours).

use serde::Deserialize;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::Pattern;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags an activity whose name is not in verb-object form ("Check invoice", "Send
    /// quote to customer"). By default a name must have at least `minWords` words (2) and
    /// start with a verb from a built-in list of about 440 business verbs (plus
    /// `extraVerbs`); a verb with a prefix such as `re-` or `pre-` counts, and for a gerund
    /// ("Checking invoice") the help suggests the imperative. With `pattern` set, the name
    /// must match that regular expression instead. Unnamed activities are left to
    /// `label-required`. A word that is both a noun and a verb passes the verb test
    /// ("Invoice approval" reads as the verb *invoice*); teams that want stricter names set
    /// `pattern`.
    ///
    /// Options: `minWords`, `extraVerbs` (list of words), `pattern` (a regular expression).
    ///
    /// ## Why is this bad?
    /// Verb-object labels are the most consistently recommended modelling guideline
    /// (Mendling, Reijers and van der Aalst's *Seven Process Modeling Guidelines*): they say
    /// what is done to what, read the same in every diagram and make models searchable.
    /// "Processing" or "Invoice" leave the reader guessing what the step does.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="a" name="Supplier selection"/>
    /// ```
    /// ```xml,valid
    /// <task id="a" name="Select supplier"/>
    /// ```
    BpmnkitActivityNaming { name: "bpmnkit/activity-naming", category: Governance, source: None, options: ActivityNamingOptions }
}

/// Options of `bpmnkit/activity-naming`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ActivityNamingOptions {
    /// Fewest words a name must have (default 2: a verb and an object).
    pub min_words: usize,
    /// Verbs accepted besides the built-in list (any case).
    pub extra_verbs: Vec<String>,
    /// A regular expression names must match; replaces the verb check when set.
    pub pattern: Option<Pattern>,
}

impl Default for ActivityNamingOptions {
    fn default() -> Self {
        ActivityNamingOptions {
            min_words: 2,
            extra_verbs: Vec::new(),
            pattern: None,
        }
    }
}

/// Verbs that start activity names in business processes (lower case, sorted).
pub const VERBS: &[&str] = &[
    "accept",
    "access",
    "accompany",
    "accrue",
    "acknowledge",
    "acquire",
    "activate",
    "add",
    "adjust",
    "administer",
    "admit",
    "adopt",
    "advertise",
    "advise",
    "aggregate",
    "agree",
    "alert",
    "align",
    "allocate",
    "allow",
    "amend",
    "analyse",
    "analyze",
    "annotate",
    "announce",
    "anonymise",
    "anonymize",
    "answer",
    "apply",
    "appoint",
    "appraise",
    "approve",
    "archive",
    "arrange",
    "ask",
    "assemble",
    "assess",
    "assign",
    "assist",
    "attach",
    "attend",
    "audit",
    "authenticate",
    "authorise",
    "authorize",
    "automate",
    "award",
    "back",
    "balance",
    "bill",
    "block",
    "book",
    "brief",
    "bring",
    "budget",
    "build",
    "buy",
    "calculate",
    "calibrate",
    "call",
    "cancel",
    "capture",
    "carry",
    "catalogue",
    "categorise",
    "categorize",
    "certify",
    "chair",
    "change",
    "charge",
    "chase",
    "check",
    "choose",
    "claim",
    "clarify",
    "classify",
    "clean",
    "cleanse",
    "clear",
    "close",
    "coach",
    "code",
    "collate",
    "collect",
    "combine",
    "comment",
    "commission",
    "commit",
    "communicate",
    "compare",
    "compensate",
    "compile",
    "complete",
    "comply",
    "compose",
    "compute",
    "conclude",
    "conduct",
    "configure",
    "confirm",
    "connect",
    "consider",
    "consolidate",
    "consult",
    "contact",
    "continue",
    "contract",
    "convert",
    "coordinate",
    "copy",
    "correct",
    "cost",
    "count",
    "cover",
    "create",
    "credit",
    "cross",
    "debit",
    "debrief",
    "decide",
    "declare",
    "decline",
    "decommission",
    "decrypt",
    "define",
    "delegate",
    "delete",
    "deliver",
    "demonstrate",
    "deny",
    "deploy",
    "deprovision",
    "describe",
    "design",
    "destroy",
    "detect",
    "determine",
    "develop",
    "diagnose",
    "dial",
    "digitise",
    "digitize",
    "disburse",
    "discard",
    "discharge",
    "disclose",
    "discuss",
    "dismiss",
    "dispatch",
    "display",
    "dispose",
    "distribute",
    "do",
    "document",
    "download",
    "draft",
    "draw",
    "drive",
    "drop",
    "edit",
    "educate",
    "email",
    "enable",
    "encrypt",
    "end",
    "endorse",
    "enforce",
    "engage",
    "enquire",
    "enrich",
    "enrol",
    "enroll",
    "ensure",
    "enter",
    "escalate",
    "establish",
    "estimate",
    "evaluate",
    "examine",
    "exchange",
    "execute",
    "expedite",
    "explain",
    "export",
    "extend",
    "extract",
    "fax",
    "fetch",
    "file",
    "fill",
    "filter",
    "finalise",
    "finalize",
    "find",
    "finish",
    "fix",
    "flag",
    "follow",
    "forecast",
    "format",
    "forward",
    "fulfil",
    "fulfill",
    "fund",
    "gather",
    "generate",
    "get",
    "give",
    "grade",
    "grant",
    "greet",
    "guide",
    "halt",
    "hand",
    "handle",
    "hire",
    "hold",
    "host",
    "identify",
    "implement",
    "import",
    "improve",
    "inform",
    "initiate",
    "inspect",
    "install",
    "instruct",
    "insure",
    "integrate",
    "interview",
    "introduce",
    "investigate",
    "invite",
    "invoice",
    "issue",
    "join",
    "judge",
    "justify",
    "keep",
    "label",
    "launch",
    "lead",
    "lease",
    "list",
    "load",
    "locate",
    "lock",
    "log",
    "look",
    "mail",
    "maintain",
    "make",
    "manage",
    "map",
    "mark",
    "match",
    "measure",
    "meet",
    "merge",
    "message",
    "migrate",
    "mitigate",
    "model",
    "modify",
    "monitor",
    "move",
    "negotiate",
    "nominate",
    "note",
    "notify",
    "obtain",
    "offboard",
    "offer",
    "onboard",
    "open",
    "operate",
    "optimise",
    "optimize",
    "order",
    "organise",
    "organize",
    "outline",
    "outsource",
    "pack",
    "package",
    "pass",
    "pause",
    "pay",
    "perform",
    "pick",
    "place",
    "plan",
    "post",
    "postpone",
    "predict",
    "prefill",
    "prepare",
    "present",
    "price",
    "print",
    "prioritise",
    "prioritize",
    "process",
    "procure",
    "produce",
    "profile",
    "promote",
    "propose",
    "protect",
    "provide",
    "provision",
    "publish",
    "purchase",
    "pursue",
    "put",
    "qualify",
    "query",
    "queue",
    "quote",
    "raise",
    "rank",
    "rate",
    "read",
    "reallocate",
    "reassign",
    "receive",
    "recommend",
    "reconcile",
    "record",
    "recover",
    "recruit",
    "redirect",
    "reduce",
    "refer",
    "refund",
    "register",
    "reimburse",
    "reject",
    "release",
    "remind",
    "remove",
    "renew",
    "repair",
    "replace",
    "reply",
    "report",
    "request",
    "require",
    "reschedule",
    "reserve",
    "reset",
    "resolve",
    "respond",
    "restart",
    "restore",
    "resubmit",
    "resume",
    "retain",
    "retire",
    "retrieve",
    "return",
    "revert",
    "review",
    "revise",
    "revoke",
    "reward",
    "route",
    "run",
    "sample",
    "save",
    "scan",
    "schedule",
    "score",
    "screen",
    "search",
    "secure",
    "select",
    "sell",
    "send",
    "set",
    "settle",
    "share",
    "ship",
    "show",
    "sign",
    "simulate",
    "sort",
    "source",
    "specify",
    "split",
    "staff",
    "stage",
    "start",
    "stock",
    "stop",
    "store",
    "submit",
    "suggest",
    "summarise",
    "summarize",
    "supply",
    "support",
    "survey",
    "suspend",
    "switch",
    "sync",
    "synchronise",
    "synchronize",
    "tag",
    "take",
    "terminate",
    "test",
    "track",
    "trade",
    "train",
    "transcribe",
    "transfer",
    "transform",
    "translate",
    "transmit",
    "transport",
    "triage",
    "trigger",
    "unblock",
    "unlock",
    "update",
    "upgrade",
    "upload",
    "use",
    "validate",
    "value",
    "verify",
    "vet",
    "visit",
    "void",
    "vote",
    "wait",
    "waive",
    "warn",
    "weigh",
    "welcome",
    "withdraw",
    "write",
];

/// Prefixes a verb may carry (`re-check`, `precheck`, `co-sign`).
const PREFIXES: &[&str] = &[
    "re", "pre", "co", "auto", "cross", "double", "over", "under", "un", "up",
];

fn is_verb(word: &str, extra: &[String]) -> bool {
    let known = |w: &str| {
        VERBS.binary_search(&w).is_ok() || extra.iter().any(|x| x.eq_ignore_ascii_case(w))
    };
    if known(word) {
        return true;
    }
    if let Some((_, last)) = word.rsplit_once('-') {
        if known(last) {
            return true;
        }
    }
    PREFIXES.iter().any(|p| {
        word.strip_prefix(p)
            .map(|rest| rest.trim_start_matches('-'))
            .is_some_and(|rest| rest.len() > 2 && known(rest))
    })
}

/// The imperative for a gerund whose stem is a known verb ("checking" -> "check").
fn imperative_of(gerund: &str, extra: &[String]) -> Option<String> {
    let stem = gerund.strip_suffix("ing")?;
    let mut candidates = vec![stem.to_owned(), format!("{stem}e")];
    let bytes = stem.as_bytes();
    if bytes.len() >= 2 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] {
        candidates.push(stem[..stem.len() - 1].to_owned());
    }
    candidates.into_iter().find(|c| is_verb(c, extra))
}

impl BpmnkitActivityNaming {
    /// Checks with explicit options.
    pub fn check_with(
        &self,
        cx: &LintContext<'_>,
        options: &ActivityNamingOptions,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !e.kind.is_activity() {
                continue;
            }
            let Some(name) = e.label() else { continue };
            if let Some(pattern) = &options.pattern {
                if !pattern.is_match(name) {
                    out.push(
                        cx.report(
                            &Self::META,
                            id,
                            format!(
                                "The name of {} does not follow the naming convention",
                                model.describe(id)
                            ),
                        )
                        .with_span_label("name does not match the configured pattern")
                        .with_help(format!("rename it to match `{}`", pattern.as_str())),
                    );
                }
                continue;
            }
            let words: Vec<&str> = name.split_whitespace().collect();
            let first = words
                .first()
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                        .to_lowercase()
                })
                .unwrap_or_default();
            let verb = is_verb(&first, &options.extra_verbs);
            let problem = if !verb {
                Some("does not start with a verb")
            } else if words.len() < options.min_words {
                Some("names no object")
            } else {
                None
            };
            let Some(problem) = problem else { continue };
            let help = match imperative_of(&first, &options.extra_verbs) {
                Some(imp) => {
                    let rest = words.get(1..).unwrap_or_default().join(" ");
                    if rest.is_empty() {
                        format!(
                            "use the imperative and name the object: \"{} <object>\"",
                            capitalise(&imp)
                        )
                    } else {
                        format!(
                            "use the imperative, verb then object: \"{} {rest}\"",
                            capitalise(&imp)
                        )
                    }
                }
                None if verb => "add what it acts on, e.g. \"Check invoice\"".to_owned(),
                None => "name it verb then object, e.g. \"Check invoice\"; add project verbs with `extraVerbs`".to_owned(),
            };
            out.push(
                cx.report(
                    &Self::META,
                    id,
                    format!("The name of {} {problem}", model.describe(id)),
                )
                .with_span_label("not a verb-object name")
                .with_help(help),
            );
        }
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl Rule for BpmnkitActivityNaming {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        self.check_with(cx, &cx.options::<ActivityNamingOptions>(), out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitActivityNaming).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<Diagnostic> {
        run(body, |cx, out| BpmnkitActivityNaming.check(cx, out))
    }

    #[test]
    fn verbs_are_sorted_and_unique() {
        assert!(
            VERBS.windows(2).all(|w| w[0] < w[1]),
            "VERBS must stay sorted for binary search"
        );
    }

    #[test]
    fn pass() {
        for name in [
            "Check invoice",
            "Send quote to customer",
            "Re-check order",
            "Pre-approve loan",
            "Sign off email content",
            "set up IT workplace",
            "Hand over to collection agency",
        ] {
            let body = format!(r#"<task id="a" name="{name}"/>"#);
            assert!(check(&body).is_empty(), "{name}");
        }
        // Events and gateways are not activities.
        assert!(check(r#"<startEvent id="s" name="Order received"/>"#).is_empty());
    }

    #[test]
    fn fail() {
        let d = check(
            r#"<task id="a" name="Processing"/><userTask id="b" name="Supplier selection"/><task id="c" name="Check"/><task id="d" name="Checking invoice"/>"#,
        );
        assert_eq!(ids(&d), ["a", "b", "c", "d"]);
        assert_eq!(
            d[0].help.as_deref(),
            Some(r#"use the imperative and name the object: "Process <object>""#)
        );
        assert_eq!(
            d[3].help.as_deref(),
            Some(r#"use the imperative, verb then object: "Check invoice""#)
        );
    }

    #[test]
    fn options() {
        let body =
            r#"<task id="a" name="Onboard employee"/><task id="b" name="Frobnicate widget"/>"#;
        let o: ActivityNamingOptions =
            serde_json::from_str(r#"{"extraVerbs": ["Frobnicate"]}"#).unwrap();
        assert!(
            run(body, |cx, out| BpmnkitActivityNaming
                .check_with(cx, &o, out))
            .is_empty()
        );
        let o: ActivityNamingOptions =
            serde_json::from_str(r#"{"pattern": "^[A-Z][a-z]+ [a-z]+$"}"#).unwrap();
        assert_eq!(
            ids(&run(body, |cx, out| BpmnkitActivityNaming
                .check_with(cx, &o, out))),
            Vec::<String>::new()
        );
        let o: ActivityNamingOptions = serde_json::from_str(r#"{"pattern": "^Onboard"}"#).unwrap();
        assert_eq!(
            ids(&run(body, |cx, out| BpmnkitActivityNaming
                .check_with(cx, &o, out))),
            ["b"]
        );
        assert!(serde_json::from_str::<ActivityNamingOptions>(r#"{"verbs": []}"#).is_err());
    }
}
