//! Export: run a scene's UI in a headless egui context and turn what it painted into SVG or PNG.
//!
//! There is one path from a scene to a file, used by `virtscope export` and by the app's export
//! dialog alike: [`capture`] renders the scene's canvas with no window and no GPU and keeps the
//! epaint shapes; [`svg::to_svg`] writes them as SVG with real `<text>` (per-glyph positions from
//! egui's galleys, fonts subsetted and embedded); PNG and GIF frames come from `raster`, which
//! fills egui's own tessellated meshes on the CPU with glyphs rasterized at the export's pixel
//! density, so a 2x or 4x PNG is crisp. The export tests draw the SVG with resvg and check it
//! shows the same picture as the PNG.

pub mod audit;
pub mod batch;
mod capture;
mod fonts;
pub mod gif;
mod glyphs;
pub mod png;
mod raster;
mod subset;
pub mod svg;

use std::io::Write;
use std::path::{Path, PathBuf};

#[cfg(test)]
pub(crate) use capture::projector_texts;
pub use capture::{Capturer, Picture, VECTOR_PIXELS_PER_POINT, capture, render};

use crate::scene::{LinkError, SceneLink};
use crate::theme::ThemeKind;

/// The file formats export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics with real text.
    Svg,
    /// A raster image.
    Png,
    /// An animation of a step or time range.
    Gif,
}

impl Format {
    /// The format for a file name's extension (`.svg`, `.png`, any case).
    pub fn from_path(path: &Path) -> Result<Self, ExportError> {
        let extension = path
            .extension()
            .and_then(|ext| ext.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("svg") => Ok(Self::Svg),
            Some("png") => Ok(Self::Png),
            Some("gif") => Ok(Self::Gif),
            _ => Err(ExportError::UnknownFormat(path.to_owned())),
        }
    }
}

/// How to export.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// Width of the scene's canvas in points.
    pub width: f32,
    /// Height of the scene's canvas in points.
    pub height: f32,
    /// Pixels per point for PNG (2 or 4 for slides).
    pub scale: f32,
    /// The theme to draw in.
    pub theme: ThemeKind,
    /// Leave the background transparent.
    pub transparent: bool,
    /// How SVG text carries its fonts (embedded by default; outlines for tools without fonts).
    pub text: svg::TextMode,
}

impl Default for ExportOptions {
    /// The CLI's and the dialog's default: a 1280x720-point canvas (a 720p slide), light theme.
    fn default() -> Self {
        Self {
            width: 1280.0,
            height: 720.0,
            scale: 1.0,
            theme: ThemeKind::Light,
            transparent: false,
            text: svg::TextMode::Embedded,
        }
    }
}

impl ExportOptions {
    /// Checks the sizes; the error names the bad value.
    pub fn validate(&self) -> Result<(), ExportError> {
        let in_range =
            |value: f32, min: f32, max: f32| value.is_finite() && (min..=max).contains(&value);
        if !in_range(self.width, 64.0, 8192.0) || !in_range(self.height, 64.0, 8192.0) {
            return Err(ExportError::BadOption(format!(
                "size {}x{} points: width and height must be between 64 and 8192",
                self.width, self.height
            )));
        }
        if !in_range(self.scale, 0.25, 8.0) {
            return Err(ExportError::BadOption(format!(
                "scale {}: must be between 0.25 and 8",
                self.scale
            )));
        }
        let pixels = f64::from(self.width * self.scale) * f64::from(self.height * self.scale);
        if pixels > 100e6 {
            return Err(ExportError::BadOption(format!(
                "{:.0}x{:.0} pixels is more than the 100 megapixel limit",
                self.width * self.scale,
                self.height * self.scale
            )));
        }
        Ok(())
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file name does not end in a known format.
    #[error("unknown export format for {0:?}: use a .svg, .png or .gif file name")]
    UnknownFormat(PathBuf),

    /// The scene link is wrong.
    #[error(transparent)]
    Link(#[from] LinkError),

    /// An option is out of range.
    #[error("bad export option: {0}")]
    BadOption(String),

    /// Writing the file failed.
    #[error("cannot write {path:?}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },

    /// The rasterizer could not read the SVG (a bug: the SVG writer produced something invalid).
    #[error("cannot rasterize the scene: {0}")]
    Render(String),

    /// The scene's drawing code panicked (a bug in virtscope, reported instead of crashing).
    #[error("the scene failed to draw (a bug in virtscope): {0}")]
    Panicked(String),
}

/// Renders `link` and writes it to `path` in the format its extension names (a `.gif` animates
/// the range in `animation`).
pub fn export_file(
    link: &SceneLink,
    path: &Path,
    options: &ExportOptions,
    animation: &gif::GifOptions,
) -> Result<(), ExportError> {
    let format = Format::from_path(path)?;
    options.validate()?;
    let io_error = |source| ExportError::Io {
        path: path.to_owned(),
        source,
    };
    let bytes = match format {
        Format::Svg => svg::render_with(&capture(link, options)?, &options.text)
            .text
            .into_bytes(),
        Format::Png => {
            let image = render(link, options)?;
            let mut bytes = Vec::new();
            png::encode(&image, &mut bytes).map_err(io_error)?;
            bytes
        }
        Format::Gif => {
            let mut bytes = Vec::new();
            gif::write_gif(link, options, animation, &mut bytes)?;
            bytes
        }
    };
    crate::files::write_atomic(path, |file| file.write_all(&bytes)).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/b.SVG")).unwrap(),
            Format::Svg
        );
        assert_eq!(Format::from_path(Path::new("b.png")).unwrap(), Format::Png);
        assert_eq!(Format::from_path(Path::new("b.gif")).unwrap(), Format::Gif);
        let err = Format::from_path(Path::new("b.jpg"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("b.jpg") && err.contains(".svg, .png or .gif"),
            "{err}"
        );
        assert!(Format::from_path(Path::new("noext")).is_err());
    }

    #[test]
    fn options_are_range_checked() {
        assert!(ExportOptions::default().validate().is_ok());
        let wide = ExportOptions {
            width: 10.0,
            ..ExportOptions::default()
        };
        assert!(
            wide.validate()
                .unwrap_err()
                .to_string()
                .contains("between 64 and 8192")
        );
        let huge = ExportOptions {
            width: 8000.0,
            height: 8000.0,
            scale: 4.0,
            ..ExportOptions::default()
        };
        assert!(
            huge.validate()
                .unwrap_err()
                .to_string()
                .contains("megapixel")
        );
        let nan = ExportOptions {
            scale: f32::NAN,
            ..ExportOptions::default()
        };
        assert!(nan.validate().is_err());
    }

    #[test]
    fn an_unwritable_folder_is_an_io_error_naming_the_path() {
        let link = SceneLink::parse("overview").unwrap();
        let path = Path::new("/nonexistent-folder/x.svg");
        let err =
            export_file(&link, path, &ExportOptions::default(), &Default::default()).unwrap_err();
        assert!(matches!(err, ExportError::Io { .. }), "{err}");
        assert!(
            err.to_string().contains("/nonexistent-folder/x.svg"),
            "{err}"
        );
    }
}
