//! Models split over several files: which process each call activity calls, and in which
//! file it is defined.
//!
//! A [`Workspace`] is the set of models one command reads together: the files given on
//! the command line, plus the files they `import` (by a `location` relative to the
//! importing file, inside its folder, ending in `.bpmn` or `.xml`; URLs are never fetched,
//! absolute paths and `..` never followed: give such files on the command line). Each member is kept as a small [`ModelIndex`]
//! (its target namespace, the processes and global tasks it defines, its call activities
//! and imports), not the whole model, so a workspace of thousands of files stays small.
//!
//! [`Workspace::calls`] resolves every call activity's `calledElement` (or Camunda 8's
//! `zeebe:calledElement processId`):
//!
//! - `prefix:Id` looks the prefix up in the caller's namespace declarations and finds `Id`
//!   among the members whose `targetNamespace` is that namespace;
//! - a plain `Id` is looked up in the caller's own file first, then in every other member
//!   (tools such as Camunda use `calledElement` as a process key across files);
//! - expressions (`${...}`, `#{...}`, `=...`) are dynamic and not resolved.
//!
//! [`Workspace::diagnostics`] turns what did not resolve into warnings on the caller's file
//! (`workspace::unresolved-call`, `workspace::ambiguous-call`,
//! `workspace::unreadable-import`).
//!
//! ```
//! use bpmnkit::workspace::{CallTarget, Workspace};
//! let callee = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
//!   id="d2" targetNamespace="urn:callee"><process id="Shipping"/></definitions>"#;
//! let caller = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
//!   xmlns:c="urn:callee" id="d1" targetNamespace="urn:caller">
//!   <process id="Main"><callActivity id="Call" calledElement="c:Shipping"/></process>
//!   </definitions>"#;
//! let mut ws = Workspace::new();
//! ws.add(&bpmnkit::parse_str("caller.bpmn", caller, &Default::default())?, None);
//! ws.add(&bpmnkit::parse_str("callee.bpmn", callee, &Default::default())?, None);
//! let calls = ws.calls();
//! assert!(matches!(calls[0].target, CallTarget::Resolved { member: 1, .. }));
//! assert!(ws.diagnostics(0).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::{Kind, Model, SourceText, Span, ZEEBE_NS};
use crate::parse::{ParseError, ParseOptions, parse_file};
use crate::report::FileDiagnostic;

/// Most files [`Workspace::load_imports`] reads (imports of imports included).
pub const MAX_IMPORTED_FILES: usize = 1_000;

/// What a workspace needs to know of one model.
#[derive(Debug, Clone, Default)]
pub struct ModelIndex {
    /// The file name as shown (the model's source name).
    pub name: String,
    /// The model's source text (shared, not copied), for diagnostics on it.
    pub source: Option<Arc<SourceText>>,
    /// The file's path, when it was read from disk (imports resolve relative to it).
    pub path: Option<PathBuf>,
    /// `definitions/@targetNamespace`.
    pub target_namespace: Option<String>,
    /// Namespace declarations of the root element, as (prefix, URI).
    pub namespaces: Vec<(String, String)>,
    /// Elements a call activity can call: processes and global tasks, as (id, name, kind).
    pub callables: Vec<Callable>,
    /// The call activities.
    pub calls: Vec<CallSite>,
    /// The `import`s.
    pub imports: Vec<ImportSite>,
}

/// A process or global task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Callable {
    /// Its id.
    pub id: String,
    /// Its name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `process`, `globalTask`, ...
    pub kind: String,
}

/// A call activity.
#[derive(Debug, Clone)]
pub struct CallSite {
    /// Its id.
    pub id: String,
    /// Its name, if any.
    pub name: Option<String>,
    /// What it calls, as written.
    pub called_element: String,
    /// Its start tag in the source.
    pub span: Span,
}

/// An `import`.
#[derive(Debug, Clone)]
pub struct ImportSite {
    /// Its `namespace`.
    pub namespace: Option<String>,
    /// Its `location`, as written.
    pub location: Option<String>,
    /// Its start tag in the source.
    pub span: Span,
}

fn is_callable(kind: &Kind) -> bool {
    matches!(kind, Kind::Process | Kind::GlobalTask)
        || kind.local_name().starts_with("global") && kind.local_name().ends_with("Task")
}

impl ModelIndex {
    /// Indexes a model; `path` is where it was read from, if from disk.
    #[must_use]
    pub fn of(model: &Model, path: Option<&Path>) -> ModelIndex {
        let root = model.el(model.root());
        let mut index = ModelIndex {
            name: model.source.name().to_owned(),
            source: Some(Arc::clone(&model.source)),
            path: path.map(Path::to_path_buf),
            target_namespace: root
                .attr("targetNamespace")
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            namespaces: model
                .namespaces
                .iter()
                .map(|(p, u)| (p.to_string(), u.to_string()))
                .collect(),
            ..ModelIndex::default()
        };
        for (id, e) in model.iter() {
            if is_callable(&e.kind) {
                if let Some(eid) = &e.id {
                    index.callables.push(Callable {
                        id: eid.to_string(),
                        name: e.name.as_deref().map(str::to_owned),
                        kind: e.kind.local_name().to_owned(),
                    });
                }
            } else if e.kind == Kind::CallActivity {
                let zeebe = || {
                    model
                        .extensions(id)
                        .flat_map(|x| x.descendants())
                        .find(|x| x.ns.as_deref() == Some(ZEEBE_NS) && &*x.local == "calledElement")
                        .and_then(|x| x.attr(None, "processId"))
                        .map(str::to_owned)
                };
                let called = e.attr("calledElement").map(str::to_owned).or_else(zeebe);
                if let Some(called) = called
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                {
                    index.calls.push(CallSite {
                        id: e.id_str().to_owned(),
                        name: e.name.as_deref().map(str::to_owned),
                        called_element: called,
                        span: e.span,
                    });
                }
            } else if e.kind == Kind::Import {
                index.imports.push(ImportSite {
                    namespace: e.attr("namespace").map(|s| s.trim().to_owned()),
                    location: e.attr("location").map(|s| s.trim().to_owned()),
                    span: e.span,
                });
            }
        }
        index
    }

    fn callable(&self, id: &str) -> Option<&Callable> {
        self.callables.iter().find(|c| c.id == id)
    }

    fn namespace_of(&self, prefix: &str) -> Option<&str> {
        self.namespaces
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
    }

    /// The file an import's location names, relative to this model's file; `None` for
    /// URLs, when this model has no path, and (models are untrusted input) for locations
    /// that leave the model's folder: absolute paths and `..` components are not followed,
    /// and only `.bpmn` and `.xml` files are read.
    fn import_path(&self, location: &str) -> Option<PathBuf> {
        if location.is_empty() || location.contains("://") {
            return None;
        }
        let rel = Path::new(location);
        let inside = rel.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !inside || !matches!(ext.as_deref(), Some("bpmn" | "bpmn2" | "xml")) {
            return None;
        }
        let dir = self.path.as_deref()?.parent()?;
        Some(dir.join(location))
    }
}

/// How a member came into the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Given by the caller (on the command line).
    Given,
    /// Read because the member with this index imports it.
    Imported {
        /// The importing member.
        by: usize,
    },
}

/// One model of a workspace.
#[derive(Debug, Clone)]
pub struct Member {
    /// What the workspace knows of it.
    pub index: ModelIndex,
    /// How it came in.
    pub origin: Origin,
}

/// Where a call activity's `calledElement` leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallTarget {
    /// Found: the member (possibly the caller itself) and the callable's id.
    Resolved {
        /// Index of the member that defines it.
        member: usize,
        /// The callable's id.
        id: String,
        /// Other members that define a callable of the same id (the first one wins).
        others: Vec<usize>,
    },
    /// An expression evaluated at run time: not resolved.
    Dynamic,
    /// Not found; why, in words.
    Unresolved(String),
}

/// One call activity and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLink {
    /// The caller's member index.
    pub caller: usize,
    /// Index into the caller's [`ModelIndex::calls`].
    pub call: usize,
    /// Where it leads.
    pub target: CallTarget,
}

/// The set of models read together (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// The members, given ones first in the order given, then imported ones.
    pub members: Vec<Member>,
    /// Problems met while loading imports, as (importing member, diagnostic).
    problems: Vec<(usize, Diagnostic)>,
}

impl Workspace {
    /// An empty workspace.
    #[must_use]
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Adds a model given by the caller; returns its member index.
    pub fn add(&mut self, model: &Model, path: Option<&Path>) -> usize {
        self.members.push(Member {
            index: ModelIndex::of(model, path),
            origin: Origin::Given,
        });
        self.members.len() - 1
    }

    /// Adds an already indexed model given by the caller; returns its member index.
    pub fn add_index(&mut self, index: ModelIndex) -> usize {
        self.members.push(Member {
            index,
            origin: Origin::Given,
        });
        self.members.len() - 1
    }

    /// Reads the files that members import (relative `location`s that exist and are not
    /// members already), and their imports in turn, up to [`MAX_IMPORTED_FILES`]. A file
    /// that exists but cannot be read becomes a `workspace::unreadable-import` warning on
    /// the importer; a missing one is left to the parser's `parse::unresolved-import`.
    pub fn load_imports(&mut self, options: &ParseOptions) {
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let mut seen: HashSet<PathBuf> = self
            .members
            .iter()
            .filter_map(|m| m.index.path.as_deref().map(canon))
            .collect();
        let mut next = 0;
        let mut loaded = 0;
        while next < self.members.len() {
            let wanted: Vec<(PathBuf, Span)> = self.members[next]
                .index
                .imports
                .iter()
                .filter_map(|i| {
                    let p = self.members[next]
                        .index
                        .import_path(i.location.as_deref()?)?;
                    Some((p, i.span))
                })
                .collect();
            for (path, span) in wanted {
                if !path.is_file() || !seen.insert(canon(&path)) {
                    continue;
                }
                if loaded >= MAX_IMPORTED_FILES {
                    self.problems.push((
                        next,
                        Diagnostic::warning(
                            "workspace::unreadable-import",
                            format!(
                                "Imported file \"{}\" is not read: more than {MAX_IMPORTED_FILES} files are imported",
                                path.display()
                            ),
                        )
                        .with_span(span),
                    ));
                    continue;
                }
                loaded += 1;
                match parse_file(&path, options) {
                    Ok(model) => self.members.push(Member {
                        index: ModelIndex {
                            source: None,
                            ..ModelIndex::of(&model, Some(&path))
                        },
                        origin: Origin::Imported { by: next },
                    }),
                    Err(err) => {
                        let why = match &err {
                            ParseError::Invalid { diagnostic, .. } => diagnostic.message.clone(),
                            ParseError::Io { source, .. } => source.to_string(),
                        };
                        self.problems.push((
                            next,
                            Diagnostic::warning(
                                "workspace::unreadable-import",
                                format!("Imported file \"{}\" cannot be read: {why}", path.display()),
                            )
                            .with_span(span)
                            .with_span_label("imported here")
                            .with_help(format!(
                                "run `bpmnkit inspect {}` for details; calls into it are not resolved",
                                path.display()
                            )),
                        ));
                    }
                }
            }
            next += 1;
        }
    }

    /// Resolves every call activity of every member.
    #[must_use]
    pub fn calls(&self) -> Vec<CallLink> {
        let mut out = Vec::new();
        for (caller, m) in self.members.iter().enumerate() {
            for (call, site) in m.index.calls.iter().enumerate() {
                out.push(CallLink {
                    caller,
                    call,
                    target: self.resolve(caller, &site.called_element),
                });
            }
        }
        out
    }

    /// Where `called` (a `calledElement` of member `caller`) leads.
    #[must_use]
    pub fn resolve(&self, caller: usize, called: &str) -> CallTarget {
        let Some(me) = self.members.get(caller).map(|m| &m.index) else {
            return CallTarget::Unresolved("the caller is not a member".to_owned());
        };
        if called.contains("${") || called.contains("#{") || called.starts_with('=') {
            return CallTarget::Dynamic;
        }
        let found = |ids: Vec<usize>, id: &str| -> Option<CallTarget> {
            let (&first, rest) = ids.split_first()?;
            Some(CallTarget::Resolved {
                member: first,
                id: id.to_owned(),
                others: rest.to_vec(),
            })
        };
        if let Some((prefix, local)) = called.split_once(':') {
            let Some(ns) = me.namespace_of(prefix) else {
                return CallTarget::Unresolved(format!(
                    "the prefix `{prefix}` is not declared in this file"
                ));
            };
            // The caller's own namespace first, then the others in member order.
            let mut ids: Vec<usize> = self
                .members
                .iter()
                .enumerate()
                .filter(|(_, m)| {
                    m.index.target_namespace.as_deref() == Some(ns)
                        && m.index.callable(local).is_some()
                })
                .map(|(i, _)| i)
                .collect();
            ids.sort_by_key(|&i| i != caller);
            if let Some(t) = found(ids, local) {
                return t;
            }
            let defines_ns = self
                .members
                .iter()
                .filter(|m| m.index.target_namespace.as_deref() == Some(ns))
                .map(|m| m.index.name.as_str())
                .collect::<Vec<_>>();
            if !defines_ns.is_empty() {
                return CallTarget::Unresolved(format!(
                    "no process or global task `{local}` in namespace {ns} (read from {})",
                    defines_ns.join(", ")
                ));
            }
            let import = me
                .imports
                .iter()
                .find(|i| i.namespace.as_deref() == Some(ns));
            return CallTarget::Unresolved(match import.and_then(|i| i.location.as_deref()) {
                Some(loc) if loc.contains("://") => {
                    format!("namespace {ns} is imported from {loc}, a URL, which is never fetched")
                }
                Some(loc) if me.path.is_some() && me.import_path(loc).is_none() => format!(
                    "namespace {ns} is imported from \"{loc}\", which is outside this file's folder or not a .bpmn/.xml file, and not followed: give it on the command line"
                ),
                Some(loc) => format!(
                    "namespace {ns} is imported from \"{loc}\", which is not found next to this file"
                ),
                None => {
                    format!("no file read has targetNamespace {ns}, and this file imports none")
                }
            });
        }
        let mut ids: Vec<usize> = self
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.index.callable(called).is_some())
            .map(|(i, _)| i)
            .collect();
        ids.sort_by_key(|&i| i != caller);
        if let Some(t) = found(ids, called) {
            return t;
        }
        let others = self.members.len() - 1;
        CallTarget::Unresolved(if others == 0 {
            format!("no process or global task `{called}` in this file")
        } else {
            format!(
                "no process or global task `{called}` in this file nor in the {others} other file{} read with it",
                if others == 1 { "" } else { "s" }
            )
        })
    }

    /// Problems of member `member` that only the workspace sees: calls that lead nowhere or
    /// to several files, and imports that exist but cannot be read.
    #[must_use]
    pub fn diagnostics(&self, member: usize) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .problems
            .iter()
            .filter(|(m, _)| *m == member)
            .map(|(_, d)| d.clone())
            .collect();
        let Some(me) = self.members.get(member) else {
            return out;
        };
        for site in &me.index.calls {
            let what = match &site.name {
                Some(n) => format!("Call activity \"{n}\""),
                None => format!("Call activity `{}`", site.id),
            };
            match self.resolve(member, &site.called_element) {
                CallTarget::Unresolved(why) => out.push(
                    Diagnostic::warning(
                        "workspace::unresolved-call",
                        format!(
                            "{what} calls `{}`, which is not found: {why}",
                            site.called_element
                        ),
                    )
                    .with_span(site.span)
                    .with_span_label("not found")
                    .with_element(&site.id)
                    .with_help(
                        "give the file that defines it on the same command line, or `import` it with a location relative to this file",
                    ),
                ),
                CallTarget::Resolved { member: m, others, .. } if !others.is_empty() => {
                    let mut files: Vec<&str> = vec![self.members[m].index.name.as_str()];
                    files.extend(others.iter().map(|&o| self.members[o].index.name.as_str()));
                    out.push(
                        Diagnostic::warning(
                            "workspace::ambiguous-call",
                            format!(
                                "{what} calls `{}`, which {} files define: {}",
                                site.called_element,
                                files.len(),
                                files.join(", ")
                            ),
                        )
                        .with_span(site.span)
                        .with_span_label(format!("resolved to the one in {}", files[0]))
                        .with_element(&site.id)
                        .with_help("qualify it with the namespace prefix of the file meant"),
                    );
                }
                _ => {}
            }
        }
        out
    }

    /// Where each call activity of member `member` leads, for reports.
    #[must_use]
    pub fn call_report(&self, member: usize) -> Vec<CallReport> {
        let Some(me) = self.members.get(member) else {
            return Vec::new();
        };
        me.index
            .calls
            .iter()
            .map(|site| {
                let target = self.resolve(member, &site.called_element);
                let (file, process, kind, status) = match &target {
                    CallTarget::Resolved { member: m, id, .. } => {
                        let idx = &self.members[*m].index;
                        (
                            Some(idx.name.clone()),
                            Some(id.clone()),
                            idx.callable(id).map(|c| c.kind.clone()),
                            if *m == member { "local" } else { "resolved" },
                        )
                    }
                    CallTarget::Dynamic => (None, None, None, "dynamic"),
                    CallTarget::Unresolved(_) => (None, None, None, "unresolved"),
                };
                CallReport {
                    call: site.id.clone(),
                    name: site.name.clone(),
                    called_element: site.called_element.clone(),
                    status,
                    file,
                    id: process,
                    kind,
                    reason: match target {
                        CallTarget::Unresolved(why) => Some(why),
                        _ => None,
                    },
                    verdict: None,
                }
            })
            .collect()
    }
}

/// For commands that read several files: builds the workspace of the files read
/// (`Some` index), loads their imports, and appends each file's workspace diagnostics to
/// its list (kept in source order).
pub fn add_diagnostics(
    files: &mut [(Vec<FileDiagnostic>, Option<ModelIndex>)],
    options: &ParseOptions,
) -> Workspace {
    let mut ws = Workspace::new();
    let mut slot = Vec::new();
    for (i, (_, index)) in files.iter().enumerate() {
        if let Some(index) = index {
            ws.add_index(index.clone());
            slot.push(i);
        }
    }
    ws.load_imports(options);
    for (member, &i) in slot.iter().enumerate() {
        let Some(source) = ws.members[member].index.source.clone() else {
            continue;
        };
        let extra = ws.diagnostics(member);
        if extra.is_empty() {
            continue;
        }
        let list = &mut files[i].0;
        list.extend(extra.into_iter().map(|diagnostic| FileDiagnostic {
            source: Arc::clone(&source),
            diagnostic,
        }));
        list.sort_by_key(|d| d.diagnostic.span.map(|s| s.start));
    }
    ws
}

/// One call activity in a report: what it calls and where that was found.
#[derive(Debug, Clone, Serialize)]
pub struct CallReport {
    /// The call activity's id.
    pub call: String,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `calledElement` as written.
    pub called_element: String,
    /// `local` (same file), `resolved` (another file), `dynamic` (an expression) or
    /// `unresolved`.
    pub status: &'static str,
    /// The file that defines the callee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The callee's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The callee's element type (`process`, `globalTask`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Why it did not resolve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The callee's verdict, when the command verified it (`verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<crate::verify::Verdict>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str, body: &str, ns: &str) -> Model {
        let xml = format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:o="urn:other" id="d" targetNamespace="{ns}">{body}</definitions>"#
        );
        crate::parse_str(name, &xml, &ParseOptions::default()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn local_first_then_other_files_then_unresolved() {
        let a = model(
            "a.bpmn",
            r#"<process id="P"><callActivity id="c1" calledElement="P"/><callActivity id="c2" calledElement="Q"/><callActivity id="c3" calledElement="R"/><callActivity id="c4" calledElement="${x}"/></process>"#,
            "urn:a",
        );
        let b = model("b.bpmn", r#"<process id="Q"/><process id="P"/>"#, "urn:b");
        let mut ws = Workspace::new();
        ws.add(&a, None);
        ws.add(&b, None);
        let t: Vec<CallTarget> = ws.calls().into_iter().map(|c| c.target).collect();
        assert_eq!(
            t[0],
            CallTarget::Resolved {
                member: 0,
                id: "P".into(),
                others: vec![1]
            }
        );
        assert_eq!(
            t[1],
            CallTarget::Resolved {
                member: 1,
                id: "Q".into(),
                others: vec![]
            }
        );
        assert!(matches!(&t[2], CallTarget::Unresolved(w) if w.contains("1 other file")));
        assert_eq!(t[3], CallTarget::Dynamic);
        let d = ws.diagnostics(0);
        let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
        // The local P shadows b's P: ambiguous, with the local one chosen.
        assert_eq!(
            codes,
            ["workspace::ambiguous-call", "workspace::unresolved-call"]
        );
        assert_eq!(d[1].element_id.as_deref(), Some("c3"));
    }

    #[test]
    fn prefixed_names_resolve_by_target_namespace_only() {
        let a = model(
            "a.bpmn",
            r#"<process id="P"><callActivity id="c1" calledElement="o:Q"/><callActivity id="c2" calledElement="x:Q"/></process>"#,
            "urn:a",
        );
        let wrong_ns = model("b.bpmn", r#"<process id="Q"/>"#, "urn:b");
        let right_ns = model("c.bpmn", r#"<globalTask id="Q"/>"#, "urn:other");
        let mut ws = Workspace::new();
        ws.add(&a, None);
        ws.add(&wrong_ns, None);
        assert!(
            matches!(&ws.resolve(0, "o:Q"), CallTarget::Unresolved(w) if w.contains("urn:other"))
        );
        ws.add(&right_ns, None);
        assert_eq!(
            ws.resolve(0, "o:Q"),
            CallTarget::Resolved {
                member: 2,
                id: "Q".into(),
                others: vec![]
            }
        );
        assert!(matches!(&ws.resolve(0, "x:Q"), CallTarget::Unresolved(w) if w.contains("`x`")));
        let report = ws.call_report(0);
        assert_eq!(report[0].file.as_deref(), Some("c.bpmn"));
        assert_eq!(report[0].kind.as_deref(), Some("globalTask"));
    }
}
