//! Batch export: every scene `virtscope scenes` lists, or a lecture's scenes in order as a
//! handout, each as SVG and PNG, named after its link. Scenes are split over all cores; each
//! worker reuses one egui context per tab so fonts and layouts are prepared once.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::capture::VECTOR_PIXELS_PER_POINT;
use super::fonts::FontBook;
use super::svg::{TextMode, UsedChars};
use super::{Capturer, ExportError, ExportOptions, png, svg};
use crate::lecture::Lecture;
use crate::scene::SceneLink;

/// A file name (without extension) for a link: `cpu_trap-emulate_program-popf_step-3`.
pub fn file_stem(link: &SceneLink) -> String {
    let mut stem = link.tab.clone();
    if let Some(view) = &link.view {
        stem.push('_');
        stem.push_str(view);
    }
    for (key, value) in &link.params {
        stem.push('_');
        stem.push_str(key);
        stem.push('-');
        stem.push_str(value);
    }
    let mut safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if safe.len() > 120 {
        let hash = crate::deck::model::fnv1a_64(stem.as_bytes());
        safe.truncate(100);
        let _ = write!(safe, "-{hash:016x}");
    }
    safe
}

/// What a batch wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Files written, in scene order (SVG then PNG for each scene), then shared font files.
    pub files: Vec<PathBuf>,
}

/// The folder, inside a batch's folder, that holds the fonts its SVGs share.
pub const FONTS_DIR: &str = "fonts";

/// Writes SVG and PNG (at `options.scale`) of each `(stem, link)` into `dir`. With
/// [`TextMode::Linked`], the SVGs share font files in `dir/fonts/`, each subsetted once to the
/// characters of the whole batch, instead of embedding a copy each.
fn export_scenes(
    scenes: &[(String, SceneLink)],
    dir: &Path,
    options: &ExportOptions,
) -> Result<BatchReport, ExportError> {
    options.validate()?;
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    // Workers take the next scene as they finish one, so a worker with heavy scenes does not
    // leave the others idle at the end; neighbouring scenes share a tab, so capturers get reused.
    let next = std::sync::atomic::AtomicUsize::new(0);
    type Part = Result<(Vec<(usize, PathBuf)>, UsedChars), ExportError>;
    let results: Vec<Part> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| export_part(scenes, &next, dir, options)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(ExportError::Render("an export worker crashed".to_owned()))
                })
            })
            .collect()
    });
    let mut files = Vec::new();
    let mut used = UsedChars::new();
    for result in results {
        let (part, chars) = result?;
        files.extend(part);
        for (family, set) in chars {
            used.entry(family).or_default().extend(set);
        }
    }
    files.sort();
    if matches!(options.text, TextMode::Linked { .. }) {
        let fonts = dir.join(FONTS_DIR);
        std::fs::create_dir_all(&fonts).map_err(|source| ExportError::Io {
            path: fonts.clone(),
            source,
        })?;
        for (family, bytes) in FontBook::new().subsets_for(&used) {
            let path = fonts.join(format!("{family}.ttf"));
            crate::files::write_atomic_fast(&path, |file| file.write_all(&bytes)).map_err(
                |source| ExportError::Io {
                    path: path.clone(),
                    source,
                },
            )?;
            files.push((usize::MAX, path));
        }
        crate::files::sync_dir(&fonts).map_err(|source| ExportError::Io {
            path: fonts.clone(),
            source,
        })?;
    }
    // One flush of the folder for the whole batch instead of one per file.
    crate::files::sync_dir(dir).map_err(|source| ExportError::Io {
        path: dir.to_owned(),
        source,
    })?;
    Ok(BatchReport {
        files: files.into_iter().map(|(_, path)| path).collect(),
    })
}

fn export_part(
    scenes: &[(String, SceneLink)],
    next: &std::sync::atomic::AtomicUsize,
    dir: &Path,
    options: &ExportOptions,
) -> Result<(Vec<(usize, PathBuf)>, UsedChars), ExportError> {
    let mut files = Vec::new();
    let mut used = UsedChars::new();
    // Reused for every scene of a tab. At the vector layout's density (2x, the default) one
    // painting gives both files; at another scale the SVG is painted separately.
    let mut capturer: Option<Capturer> = None;
    let mut vector: Option<Capturer> = None;
    let shared = options.scale == VECTOR_PIXELS_PER_POINT;
    loop {
        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some((stem, link)) = scenes.get(index) else {
            return Ok((files, used));
        };
        let raster = reuse(&mut capturer, link, options, options.scale)?;
        let (picture, image) = if shared {
            raster.picture_and_image(None)?
        } else {
            let image = raster.image(None)?;
            let picture = reuse(&mut vector, link, options, VECTOR_PIXELS_PER_POINT)?.picture(None);
            (picture, image)
        };
        let document = svg::render_with(&picture, &options.text);
        for (family, set) in document.used {
            used.entry(family).or_default().extend(set);
        }
        let svg_text = document.text;
        let svg_path = dir.join(format!("{stem}.svg"));
        let png_path = dir.join(format!("{stem}.png"));
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| ExportError::Io { path, source }
        };
        crate::files::write_atomic_fast(&svg_path, |file| file.write_all(svg_text.as_bytes()))
            .map_err(io(&svg_path))?;
        crate::files::write_atomic_fast(&png_path, |file| png::encode(&image, file))
            .map_err(io(&png_path))?;
        files.push((2 * index, svg_path));
        files.push((2 * index + 1, png_path));
    }
}

/// The capturer in `slot` showing `link`: reopened when it paints the same tab, new otherwise.
pub(super) fn reuse<'a>(
    slot: &'a mut Option<Capturer>,
    link: &SceneLink,
    options: &ExportOptions,
    pixels_per_point: f32,
) -> Result<&'a mut Capturer, ExportError> {
    match slot {
        Some(capturer) if capturer.tab_id() == link.tab => {
            capturer.reopen(link)?;
        }
        _ => *slot = Some(Capturer::new(link, options, pixels_per_point)?),
    }
    slot.as_mut()
        .ok_or_else(|| ExportError::Render("no capturer".to_owned()))
}

/// `virtscope export --all DIR`: every scene of every registered tab. Unless text is drawn as
/// outlines, the SVGs link one shared copy of each font in `DIR/fonts/` (hundreds of pictures
/// would otherwise each embed the same fonts).
pub fn export_all(dir: &Path, options: &ExportOptions) -> Result<BatchReport, ExportError> {
    let scenes: Vec<(String, SceneLink)> = crate::tabs::all_scenes()
        .into_iter()
        .map(|link| (file_stem(&link), link))
        .collect();
    let mut options = options.clone();
    if options.text == TextMode::Embedded {
        options.text = TextMode::Linked {
            prefix: format!("{FONTS_DIR}/"),
        };
    }
    export_scenes(&scenes, dir, &options)
}

/// `virtscope export --lecture FILE DIR`: the lecture's scenes in order (`01-...`), plus an
/// `index.html` handout with each picture and its speaker notes.
pub fn export_lecture(
    lecture: &Lecture,
    dir: &Path,
    options: &ExportOptions,
) -> Result<BatchReport, ExportError> {
    let width = lecture.slides.len().to_string().len().max(2);
    let scenes: Vec<(String, SceneLink)> = lecture
        .slides
        .iter()
        .enumerate()
        .map(|(i, slide)| {
            let stem = format!("{:0width$}-{}", i + 1, file_stem(&slide.link));
            (stem, slide.link.clone())
        })
        .collect();
    let mut report = export_scenes(&scenes, dir, options)?;
    let mut html = String::new();
    let title = escape_html(&lecture.title);
    let _ = writeln!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}}img{{width:100%;border:1px solid #888}}code{{background:#eee}}</style></head><body>\n<h1>{title}</h1>"
    );
    for ((stem, link), slide) in scenes.iter().zip(&lecture.slides) {
        let _ = writeln!(
            html,
            "<section><h2>{}</h2><p><code>{}</code></p><img src=\"{stem}.svg\" alt=\"{}\">{}</section>",
            escape_html(&link.tab),
            escape_html(&link.to_string()),
            escape_html(&link.to_string()),
            crate::lecture::presenter::paragraphs(&slide.notes)
                .iter()
                .map(|paragraph| format!("<p>{}</p>", escape_html(paragraph)))
                .collect::<String>()
        );
    }
    html.push_str("</body></html>\n");
    let index = dir.join("index.html");
    crate::files::write_atomic(&index, |file| file.write_all(html.as_bytes())).map_err(
        |source| ExportError::Io {
            path: index.clone(),
            source,
        },
    )?;
    report.files.push(index);
    Ok(report)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe_and_distinct() {
        let a = file_stem(&SceneLink::parse("overview?select=type2.host-os&step=3").unwrap());
        assert_eq!(a, "overview_select-type2.host-os_step-3");
        let b = file_stem(&SceneLink::parse("containers/cli?script=docker%20ps%2Fx").unwrap());
        assert_eq!(b, "containers_cli_script-docker-ps-x");
        let long = "x".repeat(300);
        let c = file_stem(&SceneLink::parse(&format!("overview?a={long}")).unwrap());
        assert!(c.len() <= 120 && c.contains('-'));
    }

    #[test]
    fn a_lecture_handout_has_numbered_files_and_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let lecture = crate::lecture::script::parse(
            "= Demo\noverview?step=0\n  The <start>.\noverview?step=1\n",
            "demo.txt",
            "demo",
        )
        .unwrap();
        let options = ExportOptions {
            width: 320.0,
            height: 200.0,
            ..ExportOptions::default()
        };
        let report = export_lecture(&lecture, dir.path(), &options).unwrap();
        assert_eq!(report.files.len(), 5);
        assert!(dir.path().join("01-overview_step-0.svg").exists());
        assert!(dir.path().join("02-overview_step-1.png").exists());
        let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert!(html.contains("<h1>Demo</h1>") && html.contains("The &lt;start&gt;."));
    }

    #[test]
    fn a_batch_shares_its_fonts() {
        let dir = tempfile::tempdir().unwrap();
        let scenes: Vec<(String, SceneLink)> = ["overview?step=0", "cpu/native?program=popf"]
            .iter()
            .map(|text| {
                let link = SceneLink::parse(text).unwrap();
                (file_stem(&link), link)
            })
            .collect();
        let options = ExportOptions {
            width: 640.0,
            height: 360.0,
            text: TextMode::Linked {
                prefix: "fonts/".to_owned(),
            },
            ..ExportOptions::default()
        };
        let report = export_scenes(&scenes, dir.path(), &options).unwrap();
        let hack = dir.path().join("fonts/vs-Hack.ttf");
        assert!(report.files.contains(&hack), "{:?}", report.files);
        let svg = std::fs::read_to_string(dir.path().join("overview_step-0.svg")).unwrap();
        assert!(
            svg.contains(r#"src:url("fonts/vs-Ubuntu-Light.ttf")"#),
            "links its fonts"
        );
        assert!(!svg.contains("base64"), "embeds none");
        assert!(std::fs::metadata(hack).unwrap().len() > 1000);
    }

    #[test]
    fn an_unwritable_folder_is_reported() {
        let options = ExportOptions::default();
        let err = export_all(Path::new("/proc/virtscope-cannot-write"), &options).unwrap_err();
        assert!(
            err.to_string().contains("/proc/virtscope-cannot-write"),
            "{err}"
        );
    }
}
