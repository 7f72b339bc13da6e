//! The app shell: tab strip, scene-link field, timeline bar, status line, keyboard, history and
//! persistence. Tabs draw their scenes; everything around them lives here.

mod automation;
mod bars;
mod commands;
mod export_dialog;
mod flashcards;
mod history;
mod presenting;
mod show_me;
mod tab_set;
mod window;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use automation::ScreenshotState;
use commands::Command;
use export_dialog::ExportDialog;
use history::History;
use tab_set::TabSet;

use crate::lecture::{Lecture, Presentation};
use crate::reviewer::browser::BrowserState;
use crate::reviewer::panel::PanelState;
use crate::reviewer::settings_ui::SettingsState;
use crate::reviewer::stats_ui::StatsState;
use crate::reviewer::{Clock, Reviewer};
use crate::scene::SceneLink;
use crate::tabs::{self, Tab};
use crate::theme::{Theme, ThemeKind};

pub use bars::SHORTCUTS;
pub use commands::{KeyContext, ReviewKeys, read_keys};
pub use flashcards::{Pane, panel_width_range};
pub use show_me::ShowMe;
pub use window::{STATE_FILE, native_options, state_file};

/// The widest texture the app asks the GPU for (see `raw_input_hook`).
const MAX_TEXTURE_SIDE: usize = 4096;

/// What survives a restart (eframe persistence).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The chosen theme.
    pub theme: ThemeKind,
    /// The UI zoom factor (Ctrl+= / Ctrl+- / Ctrl+0).
    pub zoom: f32,
    /// The scene shown when the app was closed.
    pub last_scene: Option<String>,
    /// Whether the Flashcards panel is shown.
    pub show_flashcards: bool,
    /// The deck file the student opened last; `None` for the built-in deck.
    pub deck_path: Option<PathBuf>,
    /// Whether the panel reviews all decks at once (then `deck_path` is `None`).
    pub all_decks: bool,
    /// Review scheduling: daily limits, desired retention, steps.
    pub review: crate::review::config::SchedulerConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: ThemeKind::Light,
            zoom: 1.0,
            last_scene: None,
            show_flashcards: true,
            deck_path: None,
            all_decks: false,
            review: crate::review::config::SchedulerConfig::default(),
        }
    }
}

/// Start-up choices from the command line.
#[derive(Clone, Default)]
pub struct Launch {
    /// Where review progress is kept (`--data-dir`, `VIRTSCOPE_DATA_DIR` or the platform's data
    /// folder, resolved by the binary); `None` turns progress off (tests of other parts).
    pub data_dir: Option<PathBuf>,
    /// The reviewer's clock; `None` for the system clock (tests pass a fixed time).
    pub clock: Option<Clock>,
    /// `--open LINK`: the scene to start on (wins over the last scene).
    pub open: Option<SceneLink>,
    /// `--screenshot FILE`: save a screenshot of the real window after it has drawn, then quit.
    pub screenshot: Option<PathBuf>,
    /// `--quit-after-frames N`: quit after N frames (start-up measurements).
    pub quit_after_frames: Option<u64>,
    /// `--lecture FILE`: present this lecture from its first scene.
    pub lecture: Option<Lecture>,
}

/// A message in the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    /// Whether it reports a failure.
    pub is_error: bool,
    /// The text.
    pub text: String,
}

/// The most of the scene's height a tab's controls take before they scroll.
const CONTROLS_HEIGHT_SHARE: f32 = 0.34;

/// The whole application.
pub struct VirtscopeApp {
    tabs: TabSet,
    settings: Settings,
    theme: Theme,
    applied_theme: Option<ThemeKind>,
    history: History,
    link_text: String,
    link_field_id: egui::Id,
    status: Option<Status>,
    show_shortcuts: bool,
    launch: Launch,
    frames: u64,
    screenshot: Arc<Mutex<ScreenshotState>>,
    reviewer: Reviewer,
    panel: PanelState,
    browser: BrowserState,
    editor: crate::reviewer::editor::EditorState,
    stats: StatsState,
    review_settings: SettingsState,
    pane: Pane,
    presentation: Presentation,
    export_dialog: ExportDialog,
    /// The scene's rectangle (controls and canvas) in the last frame: a click there gives the
    /// scene the keyboard.
    scene_rect: egui::Rect,
    show_me: Option<ShowMe>,
    /// The Flashcards panel's rectangle in the last frame, when shown.
    panel_rect: Option<egui::Rect>,
    /// The tab and view shown in the last frame: a frame that switches view is laid out twice.
    shown_view: Option<(usize, Option<String>)>,
    /// The screens, in points, when the platform lists them (for the presenter window).
    monitors: Vec<egui::Rect>,
}

impl VirtscopeApp {
    /// Builds the app from persisted settings and the command line; `launch.open` wins over the
    /// last scene. A last scene that no longer opens is ignored with a status message.
    pub fn new(settings: Settings, launch: Launch) -> Self {
        let clock = launch
            .clock
            .clone()
            .unwrap_or_else(crate::reviewer::system_clock);
        let mut reviewer = Reviewer::new(
            clock,
            launch.data_dir.as_deref(),
            settings.deck_path.as_deref(),
            settings.review.clone(),
        );
        if settings.all_decks {
            reviewer.open_all_decks();
        }
        let pane = if settings.show_flashcards && reviewer.is_reviewing() {
            Pane::Flashcards
        } else {
            Pane::Scene
        };
        let mut app = Self {
            tabs: TabSet::registered(),
            theme: Theme::new(settings.theme),
            settings,
            applied_theme: None,
            history: History::default(),
            link_text: String::new(),
            link_field_id: egui::Id::unique("scene-link-field"),
            status: None,
            show_shortcuts: false,
            launch,
            frames: 0,
            screenshot: Arc::default(),
            reviewer,
            panel: PanelState::default(),
            browser: BrowserState::default(),
            editor: crate::reviewer::editor::EditorState::default(),
            stats: StatsState::default(),
            review_settings: SettingsState::default(),
            pane,
            presentation: Presentation::default(),
            export_dialog: ExportDialog::default(),
            show_me: None,
            scene_rect: egui::Rect::NOTHING,
            panel_rect: None,
            shown_view: None,
            monitors: Vec::new(),
        };
        let start = app.launch.open.clone().or_else(|| {
            let text = app.settings.last_scene.clone()?;
            SceneLink::parse(&text).ok()
        });
        if let Some(link) = start {
            app.open_link(&link);
        }
        app
    }

    /// Creates the app inside eframe, restoring persisted settings.
    pub fn from_creation_context(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        let settings = cc
            .storage
            .and_then(|storage| eframe::get_value::<Settings>(storage, eframe::APP_KEY))
            .unwrap_or_default();
        Self::new(settings, launch)
    }

    /// The tab on screen.
    fn tab(&self) -> &dyn Tab {
        self.tabs.shown()
    }

    /// The tab on screen, to change.
    fn tab_mut(&mut self) -> &mut dyn Tab {
        self.tabs.shown_mut()
    }

    /// The id of the active tab.
    pub fn active_tab_id(&self) -> &'static str {
        self.tab().id()
    }

    /// The link of what is shown now.
    pub fn current_link(&self) -> SceneLink {
        self.tab().link()
    }

    /// The status line's message, if any.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// The Flashcards panel's rectangle in the last frame, when shown.
    pub fn flashcards_panel_rect(&self) -> Option<egui::Rect> {
        self.panel_rect
    }

    /// Whether the export dialog is writing a file.
    pub fn is_exporting(&self) -> bool {
        self.export_dialog.is_busy()
    }

    /// The settings as they would be saved now.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Opens a scene link: switches to its tab and shows the scene. A bad link changes nothing
    /// and is reported in the status line.
    pub fn open_link(&mut self, link: &SceneLink) {
        let Some((index, tab)) = self.tabs.find_mut(&link.tab) else {
            self.report_error(format!(
                "Cannot open {link}: unknown tab {:?} (known tabs: {})",
                link.tab,
                tabs::known_ids()
            ));
            return;
        };
        match tab.open(link) {
            Ok(()) => {
                self.tabs.select(index);
                self.status = None;
            }
            Err(err) => self.report_error(format!("Cannot open {link}: {err}")),
        }
    }

    fn report_error(&mut self, text: String) {
        self.status = Some(Status {
            is_error: true,
            text,
        });
    }

    fn apply(&mut self, command: Command, ctx: &egui::Context) {
        let timeline = self.tab_mut().timeline();
        match command {
            Command::SwitchTab(index) => {
                self.tabs.select(index);
            }
            Command::Back => {
                if let Some(link) = self.history.back() {
                    self.open_link(&link);
                }
            }
            Command::Forward => {
                if let Some(link) = self.history.forward() {
                    self.open_link(&link);
                }
            }
            Command::FocusLink => ctx.memory_mut(|memory| memory.request_focus(self.link_field_id)),
            Command::PlayPause => timeline.into_iter().for_each(|t| t.toggle_play()),
            Command::StepForward => timeline.into_iter().for_each(|t| t.step_forward()),
            Command::StepBack => timeline.into_iter().for_each(|t| t.step_back()),
            Command::ToStart => timeline.into_iter().for_each(|t| t.to_start()),
            Command::ToEnd => timeline.into_iter().for_each(|t| t.to_end()),
            Command::Faster => timeline.into_iter().for_each(|t| t.faster()),
            Command::Slower => timeline.into_iter().for_each(|t| t.slower()),
            Command::Present => self.start_presentation(ctx, None),
            Command::ExportDialog => self.export_dialog.show(self.settings.theme),
            Command::CloseWindow => self.close_frontmost_window(ctx),
            Command::CycleFocus
            | Command::ToggleFlashcards
            | Command::Browse
            | Command::Reveal
            | Command::Grade(_)
            | Command::Undo
            | Command::ShowMe
            | Command::AddCard
            | Command::EditCard => self.apply_flashcard_command(&command),
        }
    }

    /// Draws one frame into `ui` (the whole window). Separate from [`eframe::App::ui`] so that
    /// tests drive it headlessly.
    pub fn ui_content(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if let Some(lecture) = self.launch.lecture.take() {
            self.start_presentation(&ctx, Some(lecture));
        }
        self.apply_settings(&ctx);
        if self.presentation.active {
            self.presenting_ui(ui, &ctx);
        } else {
            self.desktop_ui(ui, &ctx);
        }
        self.advance(&ctx);
        if let Some(wait) = self.reviewer.checkpoint_when_idle() {
            ctx.request_repaint_after(wait);
        }
        self.lay_out_again_after_a_switch(&ctx);
        self.history.visit(self.current_link());
        if !ctx.text_edit_focused() {
            self.link_text = self.current_link().to_string();
        }
        self.frames += 1;
        self.automation(&ctx);
    }

    /// The normal window: menus, tab strip, timeline bar, Flashcards panel, the scene.
    fn desktop_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let keys = KeyContext {
            tab_count: self.tabs.len(),
            review: self.review_keys(),
            window_open: self.frontmost_window(ctx).is_some(),
            card_editor_open: self.editor.open,
        };
        let commands = read_keys(ctx, keys);
        // A click gives the keyboard to the pane it lands in (not a click in a window over it);
        // the panel's "Show me" below then hands it to the scene.
        let pressed_at = ctx.input(|input| {
            input
                .pointer
                .any_pressed()
                .then(|| input.pointer.interact_pos())
                .flatten()
        });
        if let Some(pos) = pressed_at
            && ctx
                .layer_id_at(pos)
                .is_none_or(|layer| layer.order == egui::Order::Background)
        {
            if self.panel_rect.is_some_and(|rect| rect.contains(pos)) {
                self.pane = Pane::Flashcards;
            } else if self.scene_rect.contains(pos) {
                self.pane = Pane::Scene;
            }
        }

        self.top_bar_ui(ui);
        self.bottom_bar_ui(ui);
        self.panel_rect = self.flashcards_panel_ui(ui);
        self.scene_ui(ui, true);
        self.shortcuts_window(ctx);
        self.flashcard_windows(ctx);
        let theme = self.theme.clone();
        let link = self.current_link();
        self.export_dialog.window(ctx, &theme, &link);
        for command in commands {
            self.apply(command, ctx);
        }
    }

    /// The open windows by title, with a way to close each (Esc closes the frontmost).
    fn windows(&mut self) -> [(&'static str, &mut bool); 6] {
        [
            ("Keyboard shortcuts", &mut self.show_shortcuts),
            ("Browse cards", &mut self.browser.open),
            ("Statistics", &mut self.stats.open),
            ("Review settings", &mut self.review_settings.open),
            ("Export scene", &mut self.export_dialog.open),
            (crate::reviewer::editor::WINDOW_TITLE, &mut self.editor.open),
        ]
    }

    /// The title of the frontmost open window: the one egui paints on top, else the last listed.
    fn frontmost_window(&mut self, ctx: &egui::Context) -> Option<&'static str> {
        let top = ctx.memory(|memory| memory.areas().top_layer_id(egui::Order::Middle));
        let open: Vec<&'static str> = self
            .windows()
            .into_iter()
            .filter(|(_, open)| **open)
            .map(|(title, _)| title)
            .collect();
        open.iter()
            .copied()
            .find(|title| top.is_some_and(|layer| layer.id == crate::dialog::window_id(title)))
            .or_else(|| open.last().copied())
    }

    /// Closes the frontmost window (Esc).
    fn close_frontmost_window(&mut self, ctx: &egui::Context) {
        if let Some(front) = self.frontmost_window(ctx) {
            for (title, open) in self.windows() {
                if title == front {
                    *open = false;
                }
            }
        }
    }

    /// Presentation mode: the scene alone (controls only when asked), the overlay, the
    /// presenter window; keys are the clicker's.
    fn presenting_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let keys = presenting::read_present_keys(ctx);
        if self.presentation.show_controls {
            self.bottom_bar_ui(ui);
        }
        let scene_rect = self.scene_ui(ui, self.presentation.show_controls);
        self.presentation_overlay_ui(ctx, scene_rect);
        for key in keys {
            self.apply_present_key(key, ctx);
        }
    }

    /// The active tab's controls (optional) and canvas; returns the scene's rectangle (controls
    /// and canvas).
    fn scene_ui(&mut self, ui: &mut egui::Ui, with_controls: bool) -> egui::Rect {
        let rect = egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(self.theme.canvas))
            .show(ui, |ui| {
                let theme = self.theme.clone();
                if with_controls {
                    // The scene comes first: controls that wrap into many rows (a 1280x720
                    // projector, the Flashcards panel open) scroll within a third of the height
                    // rather than push the canvas, and what a quiz asks to click, off screen.
                    let most =
                        (ui.available_height() * CONTROLS_HEIGHT_SHARE).max(theme.body_size * 3.0);
                    let tab = self.tab_mut();
                    egui::Frame::NONE
                        .fill(theme.panel)
                        .inner_margin(egui::Margin::symmetric(8, 4))
                        .show(ui, |ui| {
                            egui::ScrollArea::vertical()
                                .id_salt("scene-controls")
                                .max_height(most)
                                .show(ui, |ui| tab.controls_ui(ui, &theme));
                        });
                    self.show_me_strip_ui(ui, &theme);
                }
                let canvas = ui.available_rect_before_wrap();
                let first_shape = Self::shapes_painted(ui);
                self.tab_mut().canvas_ui(ui, &theme);
                if with_controls {
                    self.show_me_emphasis_ui(ui, &theme, canvas, first_shape);
                }
            });
        self.scene_rect = rect.response.rect;
        if let Some(link) = self.tab_mut().take_open_request() {
            self.open_link(&link);
        }
        rect.response.rect
    }

    /// egui sizes panels from the previous frame, so the first frame of another view (a timeline
    /// bar of another height, other controls) would be drawn with the old sizes until the next
    /// input. A frame that switched view asks egui to run its pass again with the new sizes.
    fn lay_out_again_after_a_switch(&mut self, ctx: &egui::Context) {
        let link = self.current_link();
        let view = Some((self.tabs.shown_index(), link.view.clone()));
        if self.shown_view != view {
            if self.shown_view.is_some() {
                ctx.request_discard("the scene's view changed");
            }
            self.shown_view = view;
        }
    }

    fn apply_settings(&mut self, ctx: &egui::Context) {
        if self.applied_theme.is_none() {
            crate::fonts::install(ctx);
            ctx.set_zoom_factor(self.settings.zoom.clamp(0.5, 3.0));
        } else {
            // A zoom change (menu or Ctrl+=) takes effect at the end of a pass; read it back here.
            self.settings.zoom = ctx.zoom_factor();
        }
        // Presenting uses the projector theme without changing the saved choice.
        let wanted = if self.presentation.active {
            ThemeKind::Projector
        } else {
            self.settings.theme
        };
        if self.applied_theme != Some(wanted) {
            self.theme = Theme::new(wanted);
            self.theme.apply(ctx);
            self.applied_theme = Some(wanted);
        }
    }

    /// Whether the active scene is moving (a playing timeline or a tab's own animation).
    pub fn is_animating(&mut self) -> bool {
        let tab = self.tab_mut();
        tab.is_animating() || tab.timeline().is_some_and(|t| t.is_playing())
    }

    /// Moves a playing timeline and asks for the next frame only while something moves.
    fn advance(&mut self, ctx: &egui::Context) {
        let dt = f64::from(ctx.input(|input| input.stable_dt).min(0.1));
        if let Some(timeline) = self.tab_mut().timeline() {
            timeline.advance(dt);
        }
        if self.is_animating() {
            ctx.request_repaint();
        }
    }
}

/// The screens the window system knows, in points (egui cannot list them; winit can).
fn monitors(frame: &eframe::Frame) -> Vec<egui::Rect> {
    let Some(window) = frame.winit_window() else {
        return Vec::new();
    };
    window
        .available_monitors()
        .map(|monitor| {
            let scale = monitor.scale_factor().max(0.1) as f32;
            let position = monitor.position();
            let size = monitor.size();
            egui::Rect::from_min_size(
                egui::pos2(position.x as f32, position.y as f32) / scale,
                egui::vec2(size.width as f32, size.height as f32) / scale,
            )
        })
        .collect()
}

impl eframe::App for VirtscopeApp {
    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        // egui makes its glyph atlas as wide as the largest texture the GPU takes: 16384 texels on
        // Mesa's software rasterizer, 4 bytes a texel on the CPU and again in the driver. The app
        // needs no texture wider than 4096 (exports are rasterized on the CPU); capping the side
        // saved 3-4 MiB of resident memory at start-up (BENCHMARKS.md).
        raw_input.max_texture_side = raw_input
            .max_texture_side
            .map(|side| side.min(MAX_TEXTURE_SIDE));
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if self.presentation.active && self.monitors.is_empty() {
            self.monitors = monitors(frame);
        }
        self.ui_content(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.last_scene = Some(self.current_link().to_string());
        self.settings.deck_path = self.reviewer.deck_path().map(ToOwned::to_owned);
        self.settings.all_decks = self.reviewer.is_all_decks();
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}
