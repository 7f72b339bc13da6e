//! Batch export: every scene `virtscope scenes` lists, or a lecture's scenes in order as a
//! handout, each as SVG and PNG, named after its link. Scenes are split over all cores; each
//! worker reuses one egui context per tab so fonts and layouts are prepared once.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
    /// Files written, in scene order (SVG then PNG for each scene).
    pub files: Vec<PathBuf>,
}

/// Writes SVG and PNG (at `options.scale`) of each `(stem, link)` into `dir`.
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
    let chunk = scenes.len().div_ceil(workers).max(1);
    let results: Vec<Result<Vec<PathBuf>, ExportError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = scenes
            .chunks(chunk)
            .map(|part| scope.spawn(move || export_part(part, dir, options)))
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
    let mut report = BatchReport::default();
    for result in results {
        report.files.extend(result?);
    }
    Ok(report)
}

fn export_part(
    scenes: &[(String, SceneLink)],
    dir: &Path,
    options: &ExportOptions,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut files = Vec::with_capacity(scenes.len() * 2);
    // One capturer for the SVG (points) and one for the PNG (pixels at the scale), each reused
    // for every scene of a tab.
    let mut capturers: Option<(Capturer, Capturer)> = None;
    for (stem, link) in scenes {
        let (vector, raster) = match &mut capturers {
            Some((vector, raster)) if vector.tab_id() == link.tab => {
                vector.reopen(link)?;
                raster.reopen(link)?;
                (vector, raster)
            }
            _ => {
                let pair = (
                    Capturer::new(link, options, 1.0)?,
                    Capturer::new(link, options, options.scale)?,
                );
                let (vector, raster) = capturers.insert(pair);
                (vector, raster)
            }
        };
        let svg_text = svg::to_svg(&vector.picture(None));
        let image = raster.image(None)?;
        let svg_path = dir.join(format!("{stem}.svg"));
        let png_path = dir.join(format!("{stem}.png"));
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| ExportError::Io { path, source }
        };
        crate::files::write_atomic(&svg_path, |file| file.write_all(svg_text.as_bytes()))
            .map_err(io(&svg_path))?;
        crate::files::write_atomic(&png_path, |file| png::encode(&image, file))
            .map_err(io(&png_path))?;
        files.push(svg_path);
        files.push(png_path);
    }
    Ok(files)
}

/// `virtscope export --all DIR`: every scene of every registered tab.
pub fn export_all(dir: &Path, options: &ExportOptions) -> Result<BatchReport, ExportError> {
    let scenes: Vec<(String, SceneLink)> = crate::tabs::all_scenes()
        .into_iter()
        .map(|link| (file_stem(&link), link))
        .collect();
    export_scenes(&scenes, dir, options)
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
            "<section><h2>{}</h2><p><code>{}</code></p><img src=\"{stem}.svg\" alt=\"{}\"><p>{}</p></section>",
            escape_html(&link.tab),
            escape_html(&link.to_string()),
            escape_html(&link.to_string()),
            escape_html(&slide.notes).replace('\n', "<br>")
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
    fn an_unwritable_folder_is_reported() {
        let options = ExportOptions::default();
        let err = export_all(Path::new("/proc/virtscope-cannot-write"), &options).unwrap_err();
        assert!(
            err.to_string().contains("/proc/virtscope-cannot-write"),
            "{err}"
        );
    }
}
