//! The layout audit: reads the text a scene (or the whole window) painted and finds what a reader
//! could not read whole: text cut by the canvas or its clip rectangle, texts drawn over each
//! other, text elided or replaced by a "more" marker, and text too small for a projector.
//!
//! It works on epaint's shapes, exactly what the window, SVG and PNG show, so it checks every
//! scene without a screen. Each text's rows are measured by their glyph meshes (the ink, not the
//! line box), so two lines that merely touch do not count as overlapping. The test suite runs it
//! on every listed scene (`tests/layout_audit.rs`); [`audit_scenes`] is also the quick way to
//! check one scene while changing its layout.

use std::fmt;

use egui::emath::{Rot2, TSTransform};
use egui::epaint::ClippedShape;
use egui::{Rect, Shape};

use super::capture::VECTOR_PIXELS_PER_POINT;
use super::{Capturer, ExportError, ExportOptions};
use crate::scene::SceneLink;

/// How far (points) ink may pass a boundary or another text before it counts: glyph quads carry
/// a texel of padding around the ink.
pub const TOLERANCE_PTS: f32 = 1.0;

/// One text as painted: its rows' ink, where it may paint, and how it was set.
#[derive(Clone, Debug)]
pub struct PaintedText {
    /// The text (for elided text, the whole text before it was cut).
    pub text: String,
    /// Each row with visible glyphs.
    pub rows: Vec<InkRow>,
    /// The clip rectangle it was painted with.
    pub clip: Rect,
    /// The smallest font size (points) among its visible characters.
    pub size_pts: f32,
    /// Whether egui cut it with `…` to fit a width or a number of rows.
    pub elided: bool,
}

impl PaintedText {
    /// The bounding box of all its rows.
    pub fn ink(&self) -> Rect {
        self.rows
            .iter()
            .fold(Rect::NOTHING, |all, row| all.union(row.ink))
    }
}

/// One row of a text: the box around its ink and each glyph's box, in canvas points.
#[derive(Clone, Debug)]
pub struct InkRow {
    /// The union of the glyphs.
    pub ink: Rect,
    /// Each visible glyph's rasterized box (the ink plus at most a texel of anti-aliasing).
    pub glyphs: Vec<Rect>,
}

impl InkRow {
    /// Where the ink of two rows meets (glyph by glyph), if anywhere by more than the tolerance.
    fn meets(&self, other: &Self) -> Option<Rect> {
        let area = self.ink.intersect(other.ink);
        if area.width() <= TOLERANCE_PTS || area.height() <= TOLERANCE_PTS {
            return None;
        }
        self.glyphs
            .iter()
            .filter(|glyph| glyph.intersects(area))
            .find_map(|glyph| {
                other.glyphs.iter().find_map(|theirs| {
                    let meet = glyph.intersect(*theirs);
                    (meet.width() > TOLERANCE_PTS && meet.height() > TOLERANCE_PTS).then_some(meet)
                })
            })
    }
}

/// Every text in `shapes` with visible glyphs, in paint order.
pub fn painted_texts(shapes: &[ClippedShape]) -> Vec<PaintedText> {
    let mut texts = Vec::new();
    for clipped in shapes {
        collect(
            &clipped.shape,
            clipped.clip_rect,
            clipped.transform_after_tessellation,
            &mut texts,
        );
    }
    texts
}

fn collect(shape: &Shape, clip: Rect, transform: TSTransform, texts: &mut Vec<PaintedText>) {
    match shape {
        Shape::Vec(shapes) => {
            for shape in shapes {
                collect(shape, clip, transform, texts);
            }
        }
        Shape::Text(text) => {
            let galley = &text.galley;
            let visible = text.opacity_factor > 0.0
                && galley.rows.iter().any(|row| !row.visuals.mesh.is_empty());
            if !visible {
                return;
            }
            let rotation = Rot2::from_angle(text.angle);
            let rows = galley
                .rows
                .iter()
                .filter(|row| !row.visuals.mesh.is_empty())
                .filter_map(|row| {
                    let origin = text.pos + rotation * row.pos.to_vec2();
                    let place = |rect: Rect| {
                        let rect = if text.angle == 0.0 {
                            rect
                        } else {
                            rect.rotate_bb(rotation)
                        };
                        transform * rect.translate(origin.to_vec2())
                    };
                    let glyphs: Vec<Rect> = row
                        .glyphs
                        .iter()
                        .filter(|glyph| !glyph.uv_rect.is_nothing() && !glyph.chr.is_whitespace())
                        .map(|glyph| {
                            let min = glyph.pos + glyph.uv_rect.offset;
                            place(Rect::from_min_size(min, glyph.uv_rect.size))
                        })
                        .collect();
                    let ink = glyphs.iter().fold(Rect::NOTHING, |all, g| all.union(*g));
                    ink.is_positive().then_some(InkRow { ink, glyphs })
                })
                .collect::<Vec<_>>();
            if rows.is_empty() {
                return;
            }
            let size_pts = galley
                .job
                .sections
                .iter()
                .filter(|section| {
                    galley
                        .job
                        .text
                        .get(section.byte_range.start.0..section.byte_range.end.0)
                        .is_some_and(|part| part.chars().any(|c| !c.is_whitespace()))
                })
                .map(|section| section.format.font_id.size * transform.scaling)
                .fold(f32::INFINITY, f32::min);
            texts.push(PaintedText {
                text: galley.job.text.clone(),
                rows,
                clip: transform * clip,
                size_pts,
                elided: galley.elided,
            });
        }
        _ => {}
    }
}

/// What the audit holds a picture to.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// The canvas (or window) in points: no text may pass it.
    pub canvas: Rect,
    /// The smallest font size allowed, in points (a projector's 1/50 of the canvas height).
    pub min_text_pts: Option<f32>,
}

impl Rules {
    /// A canvas of `width` x `height` points; on a projector text must be at least 1/50 of its
    /// height (14.4 pt on a 720-line projector), the readable minimum from the back of a room.
    pub fn for_canvas(width: f32, height: f32, projector: bool) -> Self {
        Self {
            canvas: Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height)),
            min_text_pts: projector.then_some(height / 50.0),
        }
    }
}

/// One thing a reader could not read whole.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Text passes the canvas or its clip rectangle.
    Clipped {
        /// The text.
        text: String,
        /// Its ink.
        ink: Rect,
        /// The rectangle it passes.
        bound: Rect,
    },
    /// Two texts are painted over each other.
    Overlap {
        /// The first text painted.
        first: String,
        /// The text painted over it.
        second: String,
        /// Where they meet.
        area: Rect,
    },
    /// Text cut with `…`, or a bare marker standing for hidden content (`▼`, `…`).
    Elided {
        /// The text.
        text: String,
        /// Where.
        ink: Rect,
    },
    /// Text under the minimum size.
    TooSmall {
        /// The text.
        text: String,
        /// Its size in points.
        size_pts: f32,
        /// The minimum.
        min_pts: f32,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Clipped { text, ink, bound } => write!(
                f,
                "clipped: {:?} at {} passes {}",
                short(text),
                rect_text(*ink),
                rect_text(*bound)
            ),
            Self::Overlap {
                first,
                second,
                area,
            } => write!(
                f,
                "overlap: {:?} over {:?} at {}",
                short(second),
                short(first),
                rect_text(*area)
            ),
            Self::Elided { text, ink } => {
                write!(f, "elided: {:?} at {}", short(text), rect_text(*ink))
            }
            Self::TooSmall {
                text,
                size_pts,
                min_pts,
            } => write!(
                f,
                "too small: {:?} at {size_pts:.1} pt (minimum {min_pts:.1} pt)",
                short(text)
            ),
        }
    }
}

impl Problem {
    /// A short name of the kind, for counts.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Clipped { .. } => "clipped",
            Self::Overlap { .. } => "overlap",
            Self::Elided { .. } => "elided",
            Self::TooSmall { .. } => "too small",
        }
    }
}

fn short(text: &str) -> String {
    let one_line = text.replace('\n', "⏎");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(60).collect::<String>())
    } else {
        one_line
    }
}

fn rect_text(rect: Rect) -> String {
    format!(
        "({:.0},{:.0})-({:.0},{:.0})",
        rect.min.x, rect.min.y, rect.max.x, rect.max.y
    )
}

/// What one picture's audit found.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    /// Texts checked.
    pub texts: usize,
    /// Everything found, in paint order.
    pub problems: Vec<Problem>,
    /// The smallest text and its size in points.
    pub smallest: Option<(String, f32)>,
}

impl Audit {
    /// How many problems of `kind` ([`Problem::kind`]).
    pub fn count(&self, kind: &str) -> usize {
        self.problems.iter().filter(|p| p.kind() == kind).count()
    }
}

/// Markers that stand for content a live window scrolls to, which a static picture must not
/// need: a bare arrow or ellipsis. A note that says what is left out ("… 3 more processes",
/// "lines 4–9 of 15") is an excerpt a picture may show where it has no room.
fn is_more_marker(text: &str) -> bool {
    matches!(text.trim(), "▲" | "▼" | "…")
}

/// Checks `texts` against `rules`. Texts in `excerpts` (machine strings a scene cuts on purpose,
/// as their tool does: [`crate::draw::excerpt`]) may be elided.
pub fn audit_texts(
    texts: &[PaintedText],
    rules: &Rules,
    excerpts: &std::collections::BTreeSet<String>,
) -> Audit {
    let mut audit = Audit {
        texts: texts.len(),
        ..Audit::default()
    };
    for text in texts {
        let ink = text.ink();
        for bound in [rules.canvas, text.clip] {
            if !bound.expand(TOLERANCE_PTS).contains_rect(ink) {
                audit.problems.push(Problem::Clipped {
                    text: text.text.clone(),
                    ink,
                    bound,
                });
                break;
            }
        }
        if (text.elided && !excerpts.contains(&text.text)) || is_more_marker(&text.text) {
            audit.problems.push(Problem::Elided {
                text: text.text.clone(),
                ink,
            });
        }
        if let Some(min_pts) = rules.min_text_pts
            && text.size_pts < min_pts - 0.05
        {
            audit.problems.push(Problem::TooSmall {
                text: text.text.clone(),
                size_pts: text.size_pts,
                min_pts,
            });
        }
        if audit
            .smallest
            .as_ref()
            .is_none_or(|(_, size)| text.size_pts < *size)
        {
            audit.smallest = Some((text.text.clone(), text.size_pts));
        }
    }
    overlaps(texts, &mut audit.problems);
    audit
}

/// Pairs of texts whose ink meets by more than the tolerance both ways. Rows are swept in order
/// of their left edge, so a picture of a thousand texts costs little more than sorting them.
fn overlaps(texts: &[PaintedText], problems: &mut Vec<Problem>) {
    // Ink outside a text's clip rectangle is not painted: clip each row first.
    let mut rows: Vec<(usize, InkRow)> = texts
        .iter()
        .enumerate()
        .flat_map(|(index, text)| {
            text.rows.iter().map(move |row| {
                let glyphs = row
                    .glyphs
                    .iter()
                    .map(|glyph| glyph.intersect(text.clip))
                    .filter(|glyph| glyph.is_positive())
                    .collect();
                let ink = row.ink.intersect(text.clip);
                (index, InkRow { ink, glyphs })
            })
        })
        .filter(|(_, row)| row.ink.is_positive())
        .collect();
    rows.sort_by(|a, b| a.1.ink.min.x.total_cmp(&b.1.ink.min.x));
    let mut found: Vec<(usize, usize, Rect)> = Vec::new();
    let mut pairs = std::collections::HashSet::new();
    for (i, (a, row_a)) in rows.iter().enumerate() {
        for (b, row_b) in rows.iter().skip(i + 1) {
            if row_b.ink.min.x >= row_a.ink.max.x - TOLERANCE_PTS {
                break;
            }
            if a == b {
                continue;
            }
            let pair = (*a.min(b), *a.max(b));
            if pairs.contains(&pair) {
                continue;
            }
            if let Some(area) = row_a.meets(row_b) {
                pairs.insert(pair);
                found.push((pair.0, pair.1, area));
            }
        }
    }
    found.sort_by_key(|(first, second, _)| (*first, *second));
    problems.extend(found.into_iter().filter_map(|(first, second, area)| {
        Some(Problem::Overlap {
            first: texts.get(first)?.text.clone(),
            second: texts.get(second)?.text.clone(),
            area,
        })
    }));
}

/// Paints each of `links` with `options` and audits it (projector rules when the theme is the
/// projector's); scenes are shared over the machine's cores, each worker reusing one egui context
/// per tab. Results come back in the order of `links`.
pub fn audit_scenes(
    links: &[SceneLink],
    options: &ExportOptions,
) -> Vec<(SceneLink, Result<Audit, ExportError>)> {
    let rules = Rules::for_canvas(
        options.width,
        options.height,
        options.theme == crate::theme::ThemeKind::Projector,
    );
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<Audit, ExportError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    let mut capturer: Option<Capturer> = None;
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(link) = links.get(index) else {
                            return done;
                        };
                        // A scene that panics is reported as that scene's failure; its
                        // capturer is dropped, as it may be half way through a frame.
                        let audit = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            super::batch::reuse(
                                &mut capturer,
                                link,
                                options,
                                VECTOR_PIXELS_PER_POINT,
                            )
                            .and_then(|capturer| capturer.picture(None))
                            .map(|picture| {
                                audit_texts(
                                    &painted_texts(&picture.shapes),
                                    &rules,
                                    &picture.excerpts,
                                )
                            })
                        }))
                        .unwrap_or_else(|_| {
                            capturer = None;
                            Err(ExportError::Render(format!("painting {link} panicked")))
                        });
                        done.push((index, audit));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results
        .into_iter()
        .filter_map(|(index, audit)| Some((links.get(index)?.clone(), audit)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Color32, FontId, Pos2, vec2};

    /// The shapes of one headless frame that paints `texts` (position, text, size).
    fn paint(texts: &[(Pos2, &str, f32)]) -> Vec<ClippedShape> {
        let ctx = egui::Context::default();
        let mut input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(400.0, 200.0))),
            ..Default::default()
        };
        input.max_texture_side = Some(4096);
        let mut shapes = Vec::new();
        for _ in 0..2 {
            let mut output = ctx.run_ui(input.clone(), |ui| {
                let painter = ui.painter();
                for (pos, text, size) in texts {
                    painter.text(
                        *pos,
                        egui::Align2::LEFT_TOP,
                        *text,
                        FontId::proportional(*size),
                        Color32::BLACK,
                    );
                }
            });
            output.textures_delta.clear();
            shapes = output.shapes;
        }
        shapes
    }

    fn rules() -> Rules {
        Rules::for_canvas(400.0, 200.0, true)
    }

    #[test]
    fn separate_texts_pass() {
        let shapes = paint(&[
            (Pos2::new(10.0, 10.0), "Guest kernel", 20.0),
            (Pos2::new(10.0, 40.0), "Hypervisor", 20.0),
        ]);
        let audit = audit_texts(&painted_texts(&shapes), &rules(), &Default::default());
        assert_eq!(audit.texts, 2);
        assert!(audit.problems.is_empty(), "{:?}", audit.problems);
        assert_eq!(audit.smallest.map(|(_, size)| size), Some(20.0));
    }

    #[test]
    fn overlapping_texts_are_found_once() {
        let shapes = paint(&[
            (Pos2::new(10.0, 10.0), "OOM kill", 20.0),
            (Pos2::new(30.0, 14.0), "memory.max = 200 MiB", 20.0),
        ]);
        let audit = audit_texts(&painted_texts(&shapes), &rules(), &Default::default());
        assert_eq!(audit.count("overlap"), 1, "{:?}", audit.problems);
        let message = audit.problems[0].to_string();
        assert!(
            message.contains("memory.max") && message.contains("OOM kill"),
            "{message}"
        );
    }

    #[test]
    fn text_past_the_canvas_is_clipped() {
        let shapes = paint(&[(Pos2::new(330.0, 10.0), "Instructions", 20.0)]);
        let audit = audit_texts(&painted_texts(&shapes), &rules(), &Default::default());
        assert_eq!(audit.count("clipped"), 1, "{:?}", audit.problems);
    }

    #[test]
    fn small_text_and_more_markers_are_reported() {
        let shapes = paint(&[
            (Pos2::new(10.0, 10.0), "tiny", 3.0),
            (Pos2::new(10.0, 100.0), "▼", 20.0),
        ]);
        let audit = audit_texts(&painted_texts(&shapes), &rules(), &Default::default());
        assert_eq!(audit.count("too small"), 1, "{:?}", audit.problems);
        assert_eq!(audit.count("elided"), 1, "{:?}", audit.problems);
        assert_eq!(
            audit.smallest.map(|(text, _)| text),
            Some("tiny".to_owned())
        );
    }

    #[test]
    fn elided_galleys_are_reported() {
        let ctx = egui::Context::default();
        let input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(400.0, 200.0))),
            ..Default::default()
        };
        let mut shapes = Vec::new();
        for _ in 0..2 {
            let mut output = ctx.run_ui(input.clone(), |ui| {
                let painter = ui.painter();
                crate::draw::fit_text(
                    painter,
                    Pos2::new(10.0, 10.0),
                    egui::Align2::LEFT_TOP,
                    "Translation cache: empty (nothing translated yet)",
                    FontId::proportional(20.0),
                    Color32::BLACK,
                    120.0,
                );
            });
            output.textures_delta.clear();
            shapes = output.shapes;
        }
        let audit = audit_texts(&painted_texts(&shapes), &rules(), &Default::default());
        assert_eq!(audit.count("elided"), 1, "{:?}", audit.problems);
    }
}
