//! The Export dialog (Ctrl+E): the current scene as SVG, PNG or GIF, at 1x/2x/4x, in any theme,
//! with a transparent or solid background. It calls the same code as `virtscope export`, on a
//! background thread so a long GIF never freezes the window, and writes through a temporary file.
//!
//! An export is a picture of its own, not a copy of the window: it defaults to the CLI's
//! 1280x720-point canvas (a slide) whatever the window's size or the Flashcards panel's width,
//! and the scene lays itself out for that canvas. Other sizes are a choice away.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{RichText, Ui};

use crate::export::batch::file_stem;
use crate::export::gif::GifOptions;
use crate::export::{ExportError, ExportOptions, Format, export_file};
use crate::scene::SceneLink;
use crate::theme::{Theme, ThemeKind};

/// Canvas sizes offered with one click (points): the CLI's default slide, full HD, 4:3.
const SIZES: [(&str, [f32; 2]); 3] = [
    ("1280x720", [1280.0, 720.0]),
    ("1920x1080", [1920.0, 1080.0]),
    ("1024x768", [1024.0, 768.0]),
];

/// The dialog's state.
pub struct ExportDialog {
    /// Whether the window is open.
    pub open: bool,
    format: Format,
    scale: f32,
    theme: ThemeKind,
    transparent: bool,
    outlines: bool,
    width: f32,
    height: f32,
    from: String,
    to: String,
    fps: f32,
    path_text: String,
    job: Option<Receiver<Result<PathBuf, ExportError>>>,
    /// The last result, shown under the buttons.
    pub message: Option<String>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        Self {
            open: false,
            format: Format::Png,
            scale: 2.0,
            theme: ThemeKind::Light,
            transparent: false,
            outlines: false,
            width: ExportOptions::default().width,
            height: ExportOptions::default().height,
            from: String::new(),
            to: String::new(),
            fps: 10.0,
            path_text: String::new(),
            job: None,
            message: None,
        }
    }
}

impl ExportDialog {
    /// Opens the dialog in the app's theme; the size stays what the student chose last (the
    /// CLI's 1280x720 points at first), never the window's.
    pub fn show(&mut self, theme: ThemeKind) {
        self.open = true;
        self.theme = theme;
        self.message = None;
    }

    /// Whether an export is running (the app keeps drawing to show progress).
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    fn extension(&self) -> &'static str {
        match self.format {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Gif => "gif",
        }
    }

    fn start(&mut self, link: &SceneLink, path: PathBuf) {
        let options = ExportOptions {
            width: self.width,
            height: self.height,
            scale: self.scale,
            theme: self.theme,
            transparent: self.transparent,
            text: if self.outlines {
                crate::export::svg::TextMode::Outlines
            } else {
                crate::export::svg::TextMode::Embedded
            },
        };
        let animation = GifOptions {
            from: Some(self.from.trim().to_owned()).filter(|s| !s.is_empty()),
            to: Some(self.to.trim().to_owned()).filter(|s| !s.is_empty()),
            fps: self.fps,
        };
        let link = link.clone();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // The message names the file by its full path: a relative path is relative to a
            // working directory the student never chose.
            let full = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            let result = export_file(&link, &full, &options, &animation).map(|()| full);
            sender.send(result).ok();
        });
        self.job = Some(receiver);
        self.message = Some("Exporting…".to_owned());
    }

    fn poll(&mut self) {
        let Some(job) = &self.job else {
            return;
        };
        match job.try_recv() {
            Ok(Ok(path)) => {
                self.message = Some(format!("Wrote {}", path.display()));
                self.job = None;
            }
            Ok(Err(message)) => {
                self.message = Some(format!("Export failed: {message}"));
                self.job = None;
            }
            Err(TryRecvError::Disconnected) => {
                self.message = Some("Export failed: the export thread stopped".to_owned());
                self.job = None;
            }
            Err(TryRecvError::Empty) => {}
        }
    }

    /// Draws the dialog (when open) for the scene `link`.
    pub fn window(&mut self, ctx: &egui::Context, theme: &Theme, link: &SceneLink) {
        self.poll();
        if self.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let mut open = self.open;
        crate::dialog::centered_window(ctx, "Export scene")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| self.dialog_ui(ui, theme, link));
        self.open = open;
    }

    fn dialog_ui(&mut self, ui: &mut Ui, theme: &Theme, link: &SceneLink) {
        ui.label(RichText::new(link.to_string()).monospace());
        egui::Grid::new("export-options")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Format");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.format, Format::Svg, "SVG");
                    ui.radio_value(&mut self.format, Format::Png, "PNG");
                    ui.radio_value(&mut self.format, Format::Gif, "GIF");
                });
                ui.end_row();
                ui.label("Scale");
                ui.horizontal(|ui| {
                    for scale in [1.0, 2.0, 4.0] {
                        ui.radio_value(&mut self.scale, scale, format!("{scale}x"));
                    }
                });
                ui.end_row();
                ui.label("Theme");
                ui.horizontal(|ui| {
                    for kind in ThemeKind::ALL {
                        ui.radio_value(&mut self.theme, kind, kind.title());
                    }
                });
                ui.end_row();
                ui.label("Background");
                ui.checkbox(&mut self.transparent, "Transparent");
                ui.end_row();
                if self.format == Format::Svg {
                    ui.label("Text");
                    ui.checkbox(
                        &mut self.outlines,
                        "As outlines (for tools without SVG fonts)",
                    )
                    .on_hover_text(
                        "Draws every letter as a shape: it looks the same everywhere but can \
                             no longer be selected or edited. Real text with embedded fonts is the \
                             default.",
                    );
                    ui.end_row();
                }
                ui.label("Size (points)");
                ui.horizontal(|ui| {
                    for (label, [width, height]) in SIZES {
                        if ui
                            .selectable_label(self.width == width && self.height == height, label)
                            .clicked()
                        {
                            self.width = width;
                            self.height = height;
                        }
                    }
                    ui.add(
                        egui::DragValue::new(&mut self.width)
                            .range(64.0..=8192.0)
                            .prefix("w "),
                    );
                    ui.add(
                        egui::DragValue::new(&mut self.height)
                            .range(64.0..=8192.0)
                            .prefix("h "),
                    );
                });
                ui.end_row();
                if self.format == Format::Gif {
                    ui.label("Animate");
                    ui.horizontal(|ui| {
                        ui.label("from");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.from)
                                .hint_text("start")
                                .desired_width(60.0),
                        );
                        ui.label("to");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.to)
                                .hint_text("end")
                                .desired_width(60.0),
                        );
                        ui.add(
                            egui::DragValue::new(&mut self.fps)
                                .range(1.0..=50.0)
                                .suffix(" fps"),
                        );
                    });
                    ui.end_row();
                }
            });
        ui.separator();
        let busy = self.is_busy();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!busy, egui::Button::new("Save as…"))
                .clicked()
            {
                let picked = rfd::FileDialog::new()
                    .set_title("Export scene")
                    .set_file_name(format!("{}.{}", file_stem(link), self.extension()))
                    .add_filter(self.extension().to_uppercase(), &[self.extension()])
                    .save_file();
                match picked {
                    Some(path) => self.start(link, path),
                    None => {
                        self.message = Some(
                            "No file was chosen. If no dialog appeared, this system has no file \
                             chooser (xdg-desktop-portal or zenity): type the file's path in the \
                             Path field and press Export."
                                .to_owned(),
                        );
                    }
                }
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Path");
            if self.path_text.is_empty() {
                self.path_text = format!("{}.{}", file_stem(link), self.extension());
            }
            ui.add(
                egui::TextEdit::singleline(&mut self.path_text)
                    .hint_text("folder/name.png (relative to the folder the app started in)")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
            if ui.add_enabled(!busy, egui::Button::new("Export")).clicked() {
                // The chosen format wins over whatever extension was typed.
                let mut path = PathBuf::from(self.path_text.trim());
                path.set_extension(self.extension());
                self.path_text = path.display().to_string();
                self.start(link, path);
            }
        });
        if busy {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Exporting…");
            });
        } else if let Some(message) = &self.message {
            ui.label(RichText::new(message).color(theme.text));
        }
    }
}
