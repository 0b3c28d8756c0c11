//! `bpmnkit render`: one SVG per BPMN diagram, from the file's DI or the auto-layout.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::args::ReadArgs;
use crate::cli::commands::inspect::parse_error_diagnostic;
use crate::cli::{CliError, ExitStatus, use_color, write_stdout};
use crate::model::{Diagram, Model};
use crate::parse::parse_file;
use crate::report::{FileDiagnostic, render_text};

/// Where element positions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LayoutMode {
    /// The file's diagram interchange (BPMNDI); the auto-layout when the file has none.
    #[default]
    Di,
    /// Compute a fresh layout, ignoring the file's coordinates.
    Auto,
}

/// What `bpmnkit render` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str = "Draw a model's diagrams as SVG, the way bpmn.io shows them";

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct RenderArgs {
    /// The model file.
    pub model: PathBuf,
    /// Output file; `-` for stdout. With several diagrams each file name gets the diagram
    /// id as a suffix (`out-Diagram_2.svg`). Default: stdout for one diagram, else files
    /// named after MODEL next to it.
    #[arg(short, long, value_name = "OUT.svg")]
    pub output: Option<PathBuf>,
    /// Render only the diagram with this id (default: the first diagram).
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    pub diagram: Option<String>,
    /// Render every diagram of the file, one SVG each.
    #[arg(long)]
    pub all: bool,
    /// Where positions come from.
    #[arg(long, value_enum, default_value_t)]
    pub layout: LayoutMode,
    /// Parser limits.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Runs `render`.
///
/// # Errors
/// Unreadable input, unknown diagram id, unwritable output.
pub fn run(args: &RenderArgs) -> Result<ExitStatus, CliError> {
    let color = use_color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let model = match parse_file(&args.model, &args.read.options()) {
        Ok(model) => model,
        Err(err) => {
            eprint!("{}", render_text(&[parse_error_diagnostic(err)], color));
            return Ok(ExitStatus::Error);
        }
    };
    let diagrams = diagrams_for(&model, args.layout)?;
    let selected: Vec<&Diagram> = match (&args.diagram, args.all) {
        (Some(id), _) => {
            let found: Vec<&Diagram> = diagrams
                .iter()
                .filter(|d| d.id.as_deref() == Some(id.as_str()))
                .collect();
            if found.is_empty() {
                let known: Vec<&str> = diagrams.iter().filter_map(|d| d.id.as_deref()).collect();
                return Err(CliError::Render(format!(
                    "no diagram with id {id} in {} (diagrams: {})",
                    args.model.display(),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            found
        }
        (None, true) => diagrams.iter().collect(),
        (None, false) => diagrams.iter().take(1).collect(),
    };
    let several = selected.len() > 1;
    let mut problems = Vec::new();
    for (i, diagram) in selected.iter().enumerate() {
        let svg = crate::render::svg::render(&model, diagram);
        problems.extend(svg.diagnostics.into_iter().map(|d| FileDiagnostic {
            source: Arc::clone(&model.source),
            diagnostic: d,
        }));
        let suffix = diagram
            .id
            .as_deref()
            .map_or_else(|| format!("{}", i + 1), file_safe);
        match (&args.output, several) {
            (Some(out), _) if out.as_os_str() == "-" => write_stdout(&svg.text)?,
            (Some(out), false) => write_atomic(out, &args.model, &svg.text)?,
            (Some(out), true) => write_atomic(&suffixed(out, &suffix), &args.model, &svg.text)?,
            (None, false) => write_stdout(&svg.text)?,
            (None, true) => {
                write_atomic(
                    &suffixed(&args.model.with_extension("svg"), &suffix),
                    &args.model,
                    &svg.text,
                )?;
            }
        }
    }
    if !problems.is_empty() {
        eprint!("{}", render_text(&problems, color));
    }
    if diagrams.len() > 1 && !args.all && args.diagram.is_none() {
        eprintln!(
            "note: rendered diagram {} (1 of {}); use --all for every diagram or --diagram ID",
            selected
                .first()
                .and_then(|d| d.id.as_deref())
                .unwrap_or("?"),
            diagrams.len()
        );
    }
    Ok(ExitStatus::Success)
}

/// The diagrams to draw: the file's own, or a computed layout.
fn diagrams_for(model: &Model, mode: LayoutMode) -> Result<Vec<Diagram>, CliError> {
    let has_di = model.diagrams.iter().any(|d| !d.plane.shapes.is_empty());
    if mode == LayoutMode::Di && has_di {
        return Ok(model.diagrams.clone());
    }
    match crate::render::layout::layout(model, &crate::render::layout::LayoutOptions::default()) {
        Ok(diagrams) => Ok(diagrams),
        // Nothing to lay out, but the file has diagrams (empty ones): draw them as they
        // are, as a modeller shows an empty canvas.
        Err(crate::render::layout::LayoutError::Empty)
            if mode == LayoutMode::Di && !model.diagrams.is_empty() =>
        {
            Ok(model.diagrams.clone())
        }
        Err(e) => Err(CliError::Render(format!(
            "cannot lay out {}: {e}",
            model.source.name()
        ))),
    }
}

/// A diagram id made safe for a file name.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `out.svg` + `D1` -> `out-D1.svg`.
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "svg".into());
    path.with_file_name(format!("{stem}-{suffix}.{ext}"))
}

/// Writes through the shared atomic writer, never over the input model.
fn write_atomic(path: &Path, input: &Path, text: &str) -> Result<(), CliError> {
    crate::cli::output::write_atomic(
        path,
        text.as_bytes(),
        &[input.to_path_buf()],
        crate::cli::output::Overwrite::Refuse,
    )
    .map_err(|e| CliError::Render(e.to_string()))
}
