//! `bpmnkit layout`: compute diagram interchange (DI) and write it into a copy of the file.

use std::path::PathBuf;

use crate::cli::args::ReadArgs;
use crate::cli::output::{OutputError, Overwrite, write_atomic};
use crate::cli::{CliError, ExitStatus, write_stdout};
use crate::model::Origin;
use crate::parse::parse_file;
use crate::render::layout::{LayoutOptions, layout, metrics, strip_di, write_di};

/// What `bpmnkit layout` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str =
    "Lay a model out automatically and write the diagram (DI) into a copy of the file";

/// Arguments of `layout`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct LayoutArgs {
    /// The model to lay out.
    pub input: PathBuf,
    /// Where to write the laid-out model (`-` for stdout).
    #[arg(short, long, value_name = "OUT", required_unless_present_any = ["in_place", "metrics"])]
    pub output: Option<PathBuf>,
    /// Overwrite the input file.
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,
    /// Draw every sub-process collapsed, with its content on a drill-down diagram.
    #[arg(long)]
    pub collapse_sub_processes: bool,
    /// Print quality figures of the input's existing DI instead (tab-separated: nodes,
    /// missing, overlaps, edges through nodes, crossings, sequence-flow crossings, bends, area, pools, lanes,
    /// message flows, nodes outside their lane).
    #[arg(long, hide = true)]
    pub metrics: bool,
    /// Write the input without its DI instead of laying it out.
    #[arg(long, hide = true)]
    pub strip_di: bool,
    /// Parser limits.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Runs `layout`.
///
/// # Errors
/// Unreadable input, an output that would overwrite the input, and write failures.
pub fn run(args: &LayoutArgs) -> Result<ExitStatus, CliError> {
    let io = |message: String| CliError::Io {
        path: args.input.display().to_string(),
        message,
    };
    let model = match parse_file(&args.input, &args.read.options()) {
        Ok(m) => m,
        Err(e) => {
            let d = super::inspect::parse_error_diagnostic(e);
            let color = crate::cli::use_color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
            eprint!("{}", crate::report::render_text(&[d], color));
            return Ok(ExitStatus::Error);
        }
    };
    if args.metrics {
        let m = metrics::measure(&model);
        write_stdout(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.0}\t{}/{}\t{}/{}\t{}/{}\t{}\n",
            m.nodes,
            m.missing_nodes,
            m.overlaps,
            m.edges_through_nodes,
            m.crossings,
            m.flow_crossings,
            m.bends,
            m.area,
            m.pools.0,
            m.pools.1,
            m.lanes.0,
            m.lanes.1,
            m.message_flows.0,
            m.message_flows.1,
            m.outside_lane
        ))?;
        return Ok(ExitStatus::Success);
    }
    // A UTF-8 byte-order mark is kept. A file in another encoding (MID Innovator and
    // Trisotech declare ISO-8859-1, Windows tools write UTF-16) is written back as UTF-8:
    // every character is kept, and the XML declaration is changed to say so.
    let (bom, transcoded): (&[u8], bool) = match model.source.origin() {
        Origin::File { utf8_bom, verbatim } => {
            (if utf8_bom { b"\xEF\xBB\xBF" } else { b"" }, !verbatim)
        }
        Origin::Text => (b"", false),
    };
    let text = if args.strip_di {
        strip_di(&model)
    } else {
        let options = LayoutOptions {
            expand_sub_processes: !args.collapse_sub_processes,
        };
        // A model with nothing to lay out (a choreography, an empty file) is not a read
        // error: say so with the code `render` uses for the same failure.
        let diagrams = layout(&model, &options).map_err(|e| {
            CliError::Render(format!("cannot lay out {}: {e}", args.input.display()))
        })?;
        let text = write_di(&model, &diagrams);
        // The process ends after writing: freeing thousands of shapes and edges one by
        // one would only cost time (as `dispose` does for the model).
        std::mem::forget(diagrams);
        text
    }
    .map_err(|e| io(e.to_string()))?;
    let text = if transcoded {
        eprintln!(
            "note: {} is not UTF-8; the laid-out model is written in UTF-8",
            args.input.display()
        );
        declare_utf8(&text)
    } else {
        text
    };
    if !args.strip_di {
        warn_unreferable(&args.input, &model);
    }
    // (the text is not copied again unless a BOM goes in front of it)
    let out = if bom.is_empty() {
        text.into_bytes()
    } else {
        let mut out = Vec::with_capacity(bom.len() + text.len());
        out.extend_from_slice(bom);
        out.extend_from_slice(text.as_bytes());
        out
    };
    let (target, overwrite) = match (&args.output, args.in_place) {
        (_, true) => (args.input.clone(), Overwrite::AllowInputs),
        (Some(p), false) if p.as_os_str() == "-" => {
            write_stdout(&String::from_utf8_lossy(&out))?;
            return Ok(ExitStatus::Success);
        }
        (Some(p), false) => (p.clone(), Overwrite::Refuse),
        (None, false) => return Err(io("no output given (-o OUT or --in-place)".to_owned())),
    };
    write_atomic(&target, &out, std::slice::from_ref(&args.input), overwrite).map_err(|e| {
        let message = match e {
            OutputError::WouldOverwriteInput(_) => {
                "refusing to overwrite the input; pass --in-place to do that".to_owned()
            }
            other => other.to_string(),
        };
        CliError::Io {
            path: target.display().to_string(),
            message,
        }
    })?;
    crate::cli::files::dispose(model, true);
    Ok(ExitStatus::Success)
}

/// Rewrites the `encoding` of the XML declaration to `UTF-8` (text without a declaration,
/// or without an encoding in it, is UTF-8 already).
fn declare_utf8(text: &str) -> String {
    let Some(decl_end) = text.starts_with("<?xml").then(|| text.find("?>")).flatten() else {
        return text.to_owned();
    };
    let decl = &text[..decl_end];
    let Some(at) = decl.find("encoding") else {
        return text.to_owned();
    };
    let rest = &decl[at..];
    let Some(open) = rest.find(['"', '\'']) else {
        return text.to_owned();
    };
    let quote = &rest[open..=open];
    let Some(close) = rest[open + 1..].find(quote) else {
        return text.to_owned();
    };
    let (start, end) = (at + open + 1, at + open + 1 + close);
    format!("{}UTF-8{}", &text[..start], &text[end..])
}

/// DI refers to elements by id: flow nodes and connections without one cannot be drawn
/// from the written file. Says so on stderr instead of dropping them silently.
fn warn_unreferable(input: &std::path::Path, model: &crate::model::Model) {
    let (mut nodes, mut flows) = (0usize, 0usize);
    for (_, e) in model.iter() {
        if e.id.is_some() {
            continue;
        }
        match e.kind {
            crate::model::Kind::SequenceFlow
            | crate::model::Kind::MessageFlow
            | crate::model::Kind::Association => flows += 1,
            ref k if k.is_flow_node() => nodes += 1,
            _ => {}
        }
    }
    if nodes + flows > 0 {
        eprintln!(
            "warning: {}: {nodes} flow node(s) and {flows} flow(s) have no id; diagram \
             interchange refers to elements by id, so the written diagram cannot show them \
             (give them ids to draw them)",
            input.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::declare_utf8;

    #[test]
    fn the_declaration_is_changed_to_utf8() {
        assert_eq!(
            declare_utf8(
                "<?xml version=\"1.0\" encoding=\"iso-8859-1\" standalone=\"yes\"?>\n<a/>"
            ),
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<a/>"
        );
        assert_eq!(
            declare_utf8("<?xml version='1.0' encoding='MacRoman'?><a/>"),
            "<?xml version='1.0' encoding='UTF-8'?><a/>"
        );
        assert_eq!(
            declare_utf8("<?xml version=\"1.0\"?><a/>"),
            "<?xml version=\"1.0\"?><a/>"
        );
        assert_eq!(declare_utf8("<a/>"), "<a/>");
    }
}
