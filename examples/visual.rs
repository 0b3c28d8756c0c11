//! Rasterises SVGs with resvg, for `bench/visual.sh`.
//!
//! ```text
//! cargo run --release --example visual -- png IN.svg OUT.png
//! cargo run --release --example visual -- compare OURS.svg THEIRS.svg SHEET.png
//! ```
//! `compare` places both drawings on one canvas aligned by their viewBoxes (user units =
//! pixels), writes a contact sheet (bpmnkit | bpmn-js | difference) and prints the mean
//! absolute pixel difference (0-255, over RGB on white) of the aligned images.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    missing_docs
)]

use resvg::tiny_skia::{Color, Pixmap, PixmapPaint, Transform};
use resvg::usvg;

fn options() -> usvg::Options<'static> {
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    // fontdb does not read fontconfig's aliases: map the generic family (bpmn-js asks for
    // "Arial, sans-serif") to the metric-compatible Liberation Sans, as Chromium does.
    opt.fontdb_mut().set_sans_serif_family("Liberation Sans");
    opt
}

/// The `viewBox` of the root element, as (x, y, w, h).
fn view_box(svg: &str) -> (f64, f64, f64, f64) {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(svg, opts).expect("SVG parses as XML");
    let root = doc.root_element();
    let vb: Vec<f64> = root
        .attribute("viewBox")
        .unwrap_or("0 0 100 100")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap_or(0.0))
        .collect();
    (vb[0], vb[1], vb[2], vb[3])
}

fn raster(
    svg: &str,
    opt: &usvg::Options<'_>,
    vb: (f64, f64, f64, f64),
    canvas: (f64, f64, u32, u32),
) -> Pixmap {
    let tree = usvg::Tree::from_str(svg, opt).expect("resvg reads the SVG");
    let (cx, cy, cw, ch) = canvas;
    let mut pix = Pixmap::new(cw, ch).unwrap();
    pix.fill(Color::WHITE);
    // The tree's size is the SVG's width/height; scale so that one user unit = one pixel.
    let size = tree.size();
    let sx = vb.2 as f32 / size.width();
    let sy = vb.3 as f32 / size.height();
    let t = Transform::from_translate((vb.0 - cx) as f32, (vb.1 - cy) as f32).pre_scale(sx, sy);
    resvg::render(&tree, t, &mut pix.as_mut());
    pix
}

fn label(text: &str, width: u32, opt: &usvg::Options<'_>) -> Pixmap {
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="28"><rect width="100%" height="100%" fill="#eee"/><text x="8" y="19" font-family="Liberation Sans, Arial" font-size="15" fill="#333">{text}</text></svg>"##
    );
    let tree = usvg::Tree::from_str(&svg, opt).unwrap();
    let mut pix = Pixmap::new(width, 28).unwrap();
    resvg::render(&tree, Transform::identity(), &mut pix.as_mut());
    pix
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = options();
    match args.first().map(String::as_str) {
        Some("png") => {
            let svg = std::fs::read_to_string(&args[1]).unwrap();
            let vb = view_box(&svg);
            let (w, h) = (vb.2.ceil().max(1.0) as u32, vb.3.ceil().max(1.0) as u32);
            let pix = raster(&svg, &opt, vb, (vb.0, vb.1, w, h));
            pix.save_png(&args[2]).unwrap();
        }
        Some("compare") => {
            let ours = std::fs::read_to_string(&args[1]).unwrap();
            let theirs = std::fs::read_to_string(&args[2]).unwrap();
            let (a, b) = (view_box(&ours), view_box(&theirs));
            let x0 = a.0.min(b.0);
            let y0 = a.1.min(b.1);
            let x1 = (a.0 + a.2).max(b.0 + b.2);
            let y1 = (a.1 + a.3).max(b.1 + b.3);
            let (w, h) = (
                ((x1 - x0).ceil() as u32).clamp(1, 8000),
                ((y1 - y0).ceil() as u32).clamp(1, 8000),
            );
            let pa = raster(&ours, &opt, a, (x0, y0, w, h));
            let pb = raster(&theirs, &opt, b, (x0, y0, w, h));
            let mut diff = Pixmap::new(w, h).unwrap();
            let mut total: u64 = 0;
            {
                let (da, db) = (pa.data(), pb.data());
                let dd = diff.data_mut();
                for i in (0..da.len()).step_by(4) {
                    let d: u32 = (0..3)
                        .map(|c| u32::from(da[i + c].abs_diff(db[i + c])))
                        .sum();
                    total += u64::from(d);
                    // Grey where both agree, red where only bpmnkit draws, blue where only bpmn-js does.
                    let la = u32::from(da[i]) + u32::from(da[i + 1]) + u32::from(da[i + 2]);
                    let lb = u32::from(db[i]) + u32::from(db[i + 1]) + u32::from(db[i + 2]);
                    let (r, g, bl) = if d < 90 {
                        let v = (255 - (255 * 3 - la.min(lb)) / 6) as u8;
                        (v, v, v)
                    } else if la < lb {
                        (220, 40, 40)
                    } else {
                        (40, 80, 230)
                    };
                    dd[i] = r;
                    dd[i + 1] = g;
                    dd[i + 2] = bl;
                    dd[i + 3] = 255;
                }
            }
            let mean = total as f64 / (f64::from(w) * f64::from(h) * 3.0);
            let gap = 12;
            let sheet_w = w * 3 + gap * 2;
            let mut sheet = Pixmap::new(sheet_w, h + 28).unwrap();
            sheet.fill(Color::from_rgba8(200, 200, 200, 255));
            let paint = PixmapPaint::default();
            let name = std::path::Path::new(&args[1])
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            for (i, (pix, title)) in [
                (&pa, format!("bpmnkit: {name}")),
                (&pb, "bpmn-js 18.31.1".to_owned()),
                (
                    &diff,
                    format!("difference (red: only bpmnkit, blue: only bpmn-js) mean {mean:.2}"),
                ),
            ]
            .into_iter()
            .enumerate()
            {
                let x = (i as u32 * (w + gap)) as i32;
                sheet.draw_pixmap(
                    x,
                    0,
                    label(&title, w, &opt).as_ref(),
                    &paint,
                    Transform::identity(),
                    None,
                );
                sheet.draw_pixmap(x, 28, pix.as_ref(), &paint, Transform::identity(), None);
            }
            sheet.save_png(&args[3]).unwrap();
            println!("{mean:.3}");
        }
        Some("crop") => {
            // crop SHEET.png X Y W H OUT.png: a detail of a contact sheet, for inspection.
            let pix = Pixmap::load_png(&args[1]).unwrap();
            let n: Vec<u32> = args[2..6].iter().map(|a| a.parse().unwrap()).collect();
            let (w, h) = (n[2].min(pix.width() - n[0]), n[3].min(pix.height() - n[1]));
            let mut out = Pixmap::new(w, h).unwrap();
            out.draw_pixmap(
                -(n[0] as i32),
                -(n[1] as i32),
                pix.as_ref(),
                &PixmapPaint::default(),
                Transform::identity(),
                None,
            );
            out.save_png(&args[6]).unwrap();
        }
        _ => {
            eprintln!(
                "usage: visual png IN.svg OUT.png | visual compare OURS.svg THEIRS.svg SHEET.png"
            );
            std::process::exit(2);
        }
    }
}
