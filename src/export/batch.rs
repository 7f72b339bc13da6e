//! Batch export: every scene `virtscope scenes` lists, or a lecture's scenes in order as a
//! handout, each as SVG and PNG, named after its link. Scenes are split over all cores; each
//! worker reuses one egui context per tab so fonts and layouts are prepared once. A scene that
//! fails to draw is reported by its link and the batch goes on with the others; only a folder
//! that cannot be written stops it.

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
    /// The scenes that could not be drawn, in scene order, with why; every other scene was
    /// written.
    pub failed: Vec<SceneFailure>,
}

/// A scene a batch could not export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SceneFailure {
    /// The scene's link.
    pub link: SceneLink,
    /// Why, in one line.
    pub error: String,
}

impl std::fmt::Display for SceneFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.link, self.error)
    }
}

/// What one worker did: files and failures, each with its scene's place in the batch, and the
/// characters its SVGs drew in each font.
#[derive(Default)]
struct PartReport {
    files: Vec<(usize, PathBuf)>,
    failed: Vec<(usize, SceneFailure)>,
    used: UsedChars,
}

/// What one scene's export wrote: its SVG and PNG, and the characters the SVG drew per font.
type SceneFiles = ([PathBuf; 2], UsedChars);

/// Writes one scene's files into a folder.
type ExportScene =
    fn(&mut Capturers, &str, &SceneLink, &Path, &ExportOptions) -> Result<SceneFiles, ExportError>;

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
    run_batch(scenes, dir, options, export_scene)
}

/// Runs `export` for each scene on all cores and gathers what they wrote and what failed.
fn run_batch(
    scenes: &[(String, SceneLink)],
    dir: &Path,
    options: &ExportOptions,
    export: ExportScene,
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
    let results: Vec<Result<PartReport, ExportError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| export_part(scenes, &next, dir, options, export)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|payload| {
                    Err(ExportError::Panicked(super::capture::panic_message(
                        payload.as_ref(),
                    )))
                })
            })
            .collect()
    });
    let (mut files, mut failed, mut used) = (Vec::new(), Vec::new(), UsedChars::new());
    for result in results {
        let part = result?;
        files.extend(part.files);
        failed.extend(part.failed);
        merge_used(&mut used, part.used);
    }
    files.sort();
    failed.sort_by_key(|(index, _)| *index);
    if matches!(options.text, TextMode::Linked { .. }) {
        files.extend(
            write_shared_fonts(dir, &used)?
                .into_iter()
                .map(|path| (usize::MAX, path)),
        );
    }
    // One flush of the folder for the whole batch instead of one per file.
    crate::files::sync_dir(dir).map_err(|source| ExportError::Io {
        path: dir.to_owned(),
        source,
    })?;
    Ok(BatchReport {
        files: files.into_iter().map(|(_, path)| path).collect(),
        failed: failed.into_iter().map(|(_, failure)| failure).collect(),
    })
}

fn merge_used(into: &mut UsedChars, from: UsedChars) {
    for (family, set) in from {
        into.entry(family).or_default().extend(set);
    }
}

/// Writes `dir/fonts/FAMILY.ttf` for each font the batch used, subsetted to its characters.
fn write_shared_fonts(dir: &Path, used: &UsedChars) -> Result<Vec<PathBuf>, ExportError> {
    let fonts = dir.join(FONTS_DIR);
    std::fs::create_dir_all(&fonts).map_err(|source| ExportError::Io {
        path: fonts.clone(),
        source,
    })?;
    let mut written = Vec::new();
    for (family, bytes) in FontBook::new().subsets_for(used) {
        let path = fonts.join(format!("{family}.ttf"));
        crate::files::write_atomic_fast(&path, |file| file.write_all(&bytes)).map_err(
            |source| ExportError::Io {
                path: path.clone(),
                source,
            },
        )?;
        written.push(path);
    }
    crate::files::sync_dir(&fonts).map_err(|source| ExportError::Io {
        path: fonts.clone(),
        source,
    })?;
    Ok(written)
}

/// Capturers a worker reuses for every scene of a tab. At the vector layout's density (2x, the
/// default) one painting gives both files; at another scale the SVG is painted separately.
#[derive(Default)]
struct Capturers {
    raster: Option<Capturer>,
    vector: Option<Capturer>,
}

fn export_part(
    scenes: &[(String, SceneLink)],
    next: &std::sync::atomic::AtomicUsize,
    dir: &Path,
    options: &ExportOptions,
    export: ExportScene,
) -> Result<PartReport, ExportError> {
    let mut report = PartReport::default();
    let mut capturers = Capturers::default();
    loop {
        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some((stem, link)) = scenes.get(index) else {
            return Ok(report);
        };
        // Painting catches a scene's own panics; this also catches one in the SVG writer or the
        // rasterizer, after which the worker starts over with fresh capturers.
        let exported = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            export(&mut capturers, stem, link, dir, options)
        }))
        .unwrap_or_else(|payload| {
            capturers = Capturers::default();
            Err(ExportError::Panicked(super::capture::panic_message(
                payload.as_ref(),
            )))
        });
        match exported {
            Ok(([svg_path, png_path], used)) => {
                report.files.push((2 * index, svg_path));
                report.files.push((2 * index + 1, png_path));
                merge_used(&mut report.used, used);
            }
            Err(err @ ExportError::Io { .. }) => return Err(err),
            Err(err) => report.failed.push((
                index,
                SceneFailure {
                    link: link.clone(),
                    error: err.to_string(),
                },
            )),
        }
    }
}

/// Paints one scene and writes its SVG and PNG; returns their paths and the SVG's characters.
fn export_scene(
    capturers: &mut Capturers,
    stem: &str,
    link: &SceneLink,
    dir: &Path,
    options: &ExportOptions,
) -> Result<SceneFiles, ExportError> {
    let raster = reuse(&mut capturers.raster, link, options, options.scale)?;
    let (picture, image) = if options.scale == VECTOR_PIXELS_PER_POINT {
        raster.picture_and_image(None)?
    } else {
        let image = raster.image(None)?;
        let vector = reuse(
            &mut capturers.vector,
            link,
            options,
            VECTOR_PIXELS_PER_POINT,
        )?;
        (vector.picture(None)?, image)
    };
    let document = svg::render_with(&picture, &options.text);
    let svg_path = dir.join(format!("{stem}.svg"));
    let png_path = dir.join(format!("{stem}.png"));
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ExportError::Io { path, source }
    };
    crate::files::write_atomic_fast(&svg_path, |file| file.write_all(document.text.as_bytes()))
        .map_err(io(&svg_path))?;
    crate::files::write_atomic_fast(&png_path, |file| png::encode(&image, file))
        .map_err(io(&png_path))?;
    Ok(([svg_path, png_path], document.used))
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

    /// A scene that panics or fails is named in the report and every other scene is written
    /// (before, a panic ended the batch with "an export worker crashed" and a partial folder).
    #[test]
    fn a_failing_scene_is_reported_and_the_batch_goes_on() {
        fn export_or_fail(
            capturers: &mut Capturers,
            stem: &str,
            link: &SceneLink,
            dir: &Path,
            options: &ExportOptions,
        ) -> Result<SceneFiles, ExportError> {
            match link.get("step") {
                Some("1") => panic!("min > max"),
                Some("2") => Err(ExportError::Render("no pixels".to_owned())),
                _ => export_scene(capturers, stem, link, dir, options),
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let scenes: Vec<(String, SceneLink)> = (0..5)
            .map(|step| {
                let link = SceneLink::parse(&format!("overview?step={step}")).unwrap();
                (file_stem(&link), link)
            })
            .collect();
        let options = ExportOptions {
            width: 160.0,
            height: 120.0,
            ..ExportOptions::default()
        };
        let report = run_batch(&scenes, dir.path(), &options, export_or_fail).unwrap();
        assert_eq!(report.files.len(), 6, "{report:?}");
        for step in [0, 3, 4] {
            assert!(
                dir.path()
                    .join(format!("overview_step-{step}.png"))
                    .exists()
            );
        }
        let failed: Vec<String> = report.failed.iter().map(ToString::to_string).collect();
        assert_eq!(failed.len(), 2, "{failed:?}");
        assert!(
            failed[0].starts_with("overview?step=1: ") && failed[0].contains("min > max"),
            "{failed:?}"
        );
        assert!(failed[1].starts_with("overview?step=2: "), "{failed:?}");
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
