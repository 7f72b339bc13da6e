//! Every colour, stroke width and text size the app uses, for the light, dark and projector themes.
//!
//! Views never write a colour literal: they ask the theme for a semantic role ("hypervisor",
//! "guest kernel", "bad") and get a fill from the colour-blind-safe Okabe-Ito palette plus a text
//! colour that is guaranteed to be readable on it. The tests at the bottom check every text and
//! background pair against WCAG AA (4.5:1), so a new colour that fails cannot land.
//!
//! Colour is never the only cue: views also draw a label, a pattern or a shape, and the theme
//! offers [`Theme::dash`] patterns so that lines can differ by more than hue.

// clippy.toml disallows egui's colour constructors everywhere so that colours come from here;
// this is the one module that defines them, with the contrast tests below checking each one.
#![allow(clippy::disallowed_methods)]

use egui::{Color32, FontFamily, FontId, Stroke, TextStyle};

/// The three themes. The projector theme is high contrast with large type and thick strokes.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum ThemeKind {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on near-black.
    Dark,
    /// Black on white, large type, thick strokes: for lecture halls.
    Projector,
}

impl ThemeKind {
    /// Every theme, in menu order.
    pub const ALL: [Self; 3] = [Self::Light, Self::Dark, Self::Projector];

    /// The name used on the command line (`--theme light`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::Projector => "projector",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.slug() == slug)
    }

    /// The name shown in menus.
    pub fn title(self) -> &'static str {
        match self {
            Self::Light => "Light",
            Self::Dark => "Dark",
            Self::Projector => "Projector",
        }
    }
}

/// The Okabe-Ito palette (Okabe and Ito 2002), safe for the common forms of colour blindness.
pub mod okabe_ito {
    use egui::Color32;

    /// #E69F00
    pub const ORANGE: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
    /// #56B4E9
    pub const SKY_BLUE: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
    /// #009E73
    pub const BLUISH_GREEN: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
    /// #F0E442
    pub const YELLOW: Color32 = Color32::from_rgb(0xF0, 0xE4, 0x42);
    /// #0072B2
    pub const BLUE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
    /// #D55E00
    pub const VERMILLION: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
    /// #CC79A7
    pub const REDDISH_PURPLE: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);
}

/// What a filled shape stands for. Each role has one fill in every theme, so a student learns
/// "vermillion is the hypervisor" once and it holds on every tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// User applications and guest user code.
    App,
    /// A guest operating system kernel.
    GuestKernel,
    /// The host operating system kernel (also the shared kernel of containers).
    HostKernel,
    /// A hypervisor or VMM.
    Hypervisor,
    /// Physical hardware.
    Hardware,
    /// A container or isolated user space.
    Container,
    /// A runtime: language VM, container runtime, daemon.
    Runtime,
    /// Network, links and data in flight.
    Network,
    /// Something that went right (a delivered interrupt, a converged migration).
    Good,
    /// Something that went wrong (a lost interrupt, an OOM kill).
    Bad,
    /// A warning or a cost (throttling, a trap).
    Warn,
    /// Anything else.
    Neutral,
}

impl Role {
    /// Every role, for tests and legends.
    pub const ALL: [Self; 12] = [
        Self::App,
        Self::GuestKernel,
        Self::HostKernel,
        Self::Hypervisor,
        Self::Hardware,
        Self::Container,
        Self::Runtime,
        Self::Network,
        Self::Good,
        Self::Bad,
        Self::Warn,
        Self::Neutral,
    ];
}

/// All visual tokens of one theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Which theme this is.
    pub kind: ThemeKind,
    /// Background of scene canvases (and of exports).
    pub canvas: Color32,
    /// Background of panels and controls.
    pub panel: Color32,
    /// A slightly raised surface (cards, info boxes) on the canvas.
    pub surface: Color32,
    /// Main text.
    pub text: Color32,
    /// Emphasised text (strong in card answers): the most contrast the theme has.
    pub text_strong: Color32,
    /// Secondary text; still meets 4.5:1 on every background.
    pub text_muted: Color32,
    /// Outlines of shapes: meets 3:1 against the canvas (meaningful graphics).
    pub outline: Color32,
    /// Faint decoration (grids, guides) that carries no meaning alone.
    pub faint: Color32,
    /// Selection and focus.
    pub accent: Color32,
    /// Thin strokes (outlines).
    pub stroke_thin: f32,
    /// Thick strokes (arrows, highlighted outlines).
    pub stroke_thick: f32,
    /// Body text size in points.
    pub body_size: f32,
    /// Heading text size in points.
    pub heading_size: f32,
    /// Small text size in points.
    pub small_size: f32,
    /// Monospace text size in points.
    pub mono_size: f32,
    /// The smallest text a layout may shrink to, in points: on a projector 1/50 of a 720-line
    /// image (14.4 pt), readable from the back of a room; on a screen, 10 pt.
    pub min_text_size: f32,
}

impl Theme {
    /// The tokens of `kind`.
    pub fn new(kind: ThemeKind) -> Self {
        match kind {
            ThemeKind::Light => Self {
                kind,
                canvas: Color32::WHITE,
                panel: Color32::from_rgb(0xF3, 0xF3, 0xF5),
                surface: Color32::from_rgb(0xF7, 0xF7, 0xF9),
                text: Color32::from_rgb(0x16, 0x16, 0x1A),
                text_strong: Color32::BLACK,
                text_muted: Color32::from_rgb(0x50, 0x50, 0x58),
                outline: Color32::from_rgb(0x2A, 0x2A, 0x30),
                faint: Color32::from_rgb(0xD8, 0xD8, 0xDE),
                accent: okabe_ito::BLUE,
                stroke_thin: 1.0,
                stroke_thick: 2.5,
                body_size: 14.0,
                heading_size: 19.0,
                small_size: 12.0,
                mono_size: 13.0,
                min_text_size: 10.0,
            },
            ThemeKind::Dark => Self {
                kind,
                canvas: Color32::from_rgb(0x17, 0x18, 0x1C),
                panel: Color32::from_rgb(0x22, 0x23, 0x28),
                surface: Color32::from_rgb(0x26, 0x27, 0x2D),
                text: Color32::from_rgb(0xEC, 0xEC, 0xF0),
                text_strong: Color32::WHITE,
                text_muted: Color32::from_rgb(0xAE, 0xAE, 0xB8),
                outline: Color32::from_rgb(0xC8, 0xC8, 0xD0),
                faint: Color32::from_rgb(0x3A, 0x3B, 0x42),
                accent: okabe_ito::SKY_BLUE,
                stroke_thin: 1.0,
                stroke_thick: 2.5,
                body_size: 14.0,
                heading_size: 19.0,
                small_size: 12.0,
                mono_size: 13.0,
                min_text_size: 10.0,
            },
            ThemeKind::Projector => Self {
                kind,
                canvas: Color32::WHITE,
                panel: Color32::WHITE,
                surface: Color32::WHITE,
                text: Color32::BLACK,
                text_strong: Color32::BLACK,
                text_muted: Color32::from_rgb(0x30, 0x30, 0x30),
                outline: Color32::BLACK,
                faint: Color32::from_rgb(0xB0, 0xB0, 0xB0),
                accent: okabe_ito::BLUE,
                stroke_thin: 2.0,
                stroke_thick: 4.0,
                body_size: 22.0,
                heading_size: 30.0,
                small_size: 18.0,
                mono_size: 20.0,
                min_text_size: 14.4,
            },
        }
    }

    /// The theme with text sizes and strokes scaled by `factor` (clamped to 0.5..=1), for
    /// canvases smaller than their design size: a scene exported at 640x360 shrinks its type
    /// instead of overlapping. No size goes below [`Self::min_text_size`] (small text then comes
    /// closer to body text rather than becoming unreadable).
    pub fn scaled(&self, factor: f32) -> Self {
        let factor = if factor.is_finite() {
            factor.clamp(0.5, 1.0)
        } else {
            1.0
        };
        let size = |points: f32| (points * factor).max(self.min_text_size.min(points));
        Self {
            stroke_thin: self.stroke_thin * factor.max(0.75),
            stroke_thick: self.stroke_thick * factor.max(0.75),
            body_size: size(self.body_size),
            heading_size: size(self.heading_size),
            small_size: size(self.small_size),
            mono_size: size(self.mono_size),
            ..self.clone()
        }
    }

    /// The largest of `points` and the smallest legible size (for text a layout shrinks to fit).
    pub fn legible(&self, points: f32) -> f32 {
        points.max(self.min_text_size)
    }

    /// [`Self::scaled`] so that content designed for `design` (in points, at this theme's sizes)
    /// fits in `available`.
    pub fn fit(&self, available: egui::Vec2, design: egui::Vec2) -> Self {
        self.scaled((available.x / design.x).min(available.y / design.y))
    }

    /// Whether text is light on dark.
    pub fn is_dark(&self) -> bool {
        self.kind == ThemeKind::Dark
    }

    /// The fill for a role.
    pub fn fill(&self, role: Role) -> Color32 {
        use okabe_ito::*;
        let neutral = if self.is_dark() {
            Color32::from_rgb(0x5A, 0x5B, 0x63)
        } else {
            Color32::from_rgb(0xCF, 0xCF, 0xD6)
        };
        match role {
            Role::App => SKY_BLUE,
            Role::GuestKernel => BLUE,
            Role::HostKernel => ORANGE,
            Role::Hypervisor => VERMILLION,
            Role::Hardware | Role::Neutral => neutral,
            Role::Container => BLUISH_GREEN,
            Role::Runtime => REDDISH_PURPLE,
            Role::Network => YELLOW,
            Role::Good => BLUISH_GREEN,
            Role::Bad => VERMILLION,
            Role::Warn => ORANGE,
        }
    }

    /// A paler version of a role's fill, for large areas behind text.
    pub fn tint(&self, role: Role) -> Color32 {
        let fill = self.fill(role);
        let base = self.canvas;
        let mix = if self.is_dark() { 0.35 } else { 0.28 };
        lerp_color(base, fill, mix)
    }

    /// The text colour (black or white) that reads best on `background`.
    pub fn text_on(&self, background: Color32) -> Color32 {
        let on_dark = Color32::WHITE;
        let on_light = Color32::from_rgb(0x10, 0x10, 0x12);
        if contrast_ratio(on_dark, background) >= contrast_ratio(on_light, background) {
            on_dark
        } else {
            on_light
        }
    }

    /// Pen ink for drawing over scenes while presenting: magenta, the strongest text colour
    /// (black, or white on the dark canvas) and purple. None of them is a role's fill, so ink
    /// stays visible over any box and is never mistaken for one (a blue stroke read as the guest
    /// kernel's); they also differ in lightness for colour-blind viewers.
    pub fn ink(&self, index: usize) -> Color32 {
        let ink = if self.is_dark() {
            [
                Color32::from_rgb(0xFF, 0x5C, 0xB8),
                self.text_strong,
                Color32::from_rgb(0xB9, 0xA0, 0xFF),
            ]
        } else {
            [
                Color32::from_rgb(0xC2, 0x00, 0x7A),
                self.text_strong,
                Color32::from_rgb(0x5E, 0x3C, 0x99),
            ]
        };
        ink.get(index % ink.len())
            .copied()
            .unwrap_or(self.text_strong)
    }

    /// The laser pointer's colour.
    pub fn laser(&self) -> Color32 {
        okabe_ito::VERMILLION
    }

    /// A blanked screen while presenting (`B` black, `W` white).
    pub fn blank_screen(black: bool) -> Color32 {
        if black {
            Color32::BLACK
        } else {
            Color32::WHITE
        }
    }

    /// A thin outline stroke.
    pub fn thin(&self) -> Stroke {
        Stroke::new(self.stroke_thin, self.outline)
    }

    /// A thick stroke in `color`.
    pub fn thick(&self, color: Color32) -> Stroke {
        Stroke::new(self.stroke_thick, color)
    }

    /// A strong line colour for a role on the canvas: the fill itself where it reaches 3:1
    /// (WCAG for meaningful graphics), otherwise the outline colour.
    pub fn line(&self, role: Role) -> Color32 {
        let fill = self.fill(role);
        if contrast_ratio(fill, self.canvas) >= 3.0 {
            fill
        } else {
            self.outline
        }
    }

    /// Dash patterns (dash, gap) in points that tell lines apart without colour.
    pub fn dash(&self, index: usize) -> (f32, f32) {
        const DASHES: [(f32, f32); 4] = [(1000.0, 0.0), (8.0, 4.0), (3.0, 3.0), (12.0, 3.0)];
        let [solid, ..] = DASHES;
        DASHES.get(index % DASHES.len()).copied().unwrap_or(solid)
    }

    /// Body text.
    pub fn body(&self) -> FontId {
        FontId::new(self.body_size, FontFamily::Proportional)
    }

    /// Headings on canvases.
    pub fn heading(&self) -> FontId {
        FontId::new(self.heading_size, FontFamily::Proportional)
    }

    /// Small annotations.
    pub fn small(&self) -> FontId {
        FontId::new(self.small_size, FontFamily::Proportional)
    }

    /// Code and instruction listings.
    pub fn mono(&self) -> FontId {
        FontId::new(self.mono_size, FontFamily::Monospace)
    }

    /// Every (name, text, background) pair the app draws text with; the tests check them all.
    pub fn text_pairs(&self) -> Vec<(String, Color32, Color32)> {
        let mut pairs = Vec::new();
        for (bg_name, bg) in [
            ("canvas", self.canvas),
            ("panel", self.panel),
            ("surface", self.surface),
        ] {
            pairs.push((format!("text on {bg_name}"), self.text, bg));
            pairs.push((format!("strong text on {bg_name}"), self.text_strong, bg));
            pairs.push((format!("muted text on {bg_name}"), self.text_muted, bg));
        }
        for role in Role::ALL {
            let fill = self.fill(role);
            pairs.push((format!("text on {role:?} fill"), self.text_on(fill), fill));
            let tint = self.tint(role);
            pairs.push((format!("text on {role:?} tint"), self.text, tint));
        }
        pairs.push((
            "text on accent".to_owned(),
            self.text_on(self.accent),
            self.accent,
        ));
        pairs
    }

    /// Applies the theme to an egui context: visuals and text sizes.
    pub fn apply(&self, ctx: &egui::Context) {
        let egui_theme = if self.is_dark() {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        };
        ctx.set_theme(egui_theme);
        ctx.set_style_of(egui_theme, self.style());
        crate::draw::set_min_text_size(ctx, self.min_text_size);
    }

    /// The egui style of this theme.
    pub fn style(&self) -> egui::Style {
        let mut style = egui::Style::default();
        let mut visuals = if self.is_dark() {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        };
        visuals.override_text_color = Some(self.text);
        visuals.panel_fill = self.panel;
        visuals.window_fill = self.panel;
        visuals.extreme_bg_color = self.canvas;
        visuals.faint_bg_color = self.surface;
        visuals.hyperlink_color = if self.is_dark() {
            okabe_ito::SKY_BLUE
        } else {
            okabe_ito::BLUE
        };
        visuals.selection.bg_fill = self.accent;
        visuals.selection.stroke = Stroke::new(self.stroke_thin, self.text_on(self.accent));
        if self.kind == ThemeKind::Projector {
            for widget in [
                &mut visuals.widgets.inactive,
                &mut visuals.widgets.hovered,
                &mut visuals.widgets.active,
                &mut visuals.widgets.noninteractive,
            ] {
                widget.bg_stroke = Stroke::new(self.stroke_thin, self.outline);
                widget.fg_stroke = Stroke::new(self.stroke_thin, self.text);
            }
        }
        style.visuals = visuals;
        style.text_styles = [
            (TextStyle::Small, self.small()),
            (TextStyle::Body, self.body()),
            (TextStyle::Button, self.body()),
            (TextStyle::Heading, self.heading()),
            (TextStyle::Monospace, self.mono()),
        ]
        .into();
        if self.kind == ThemeKind::Projector {
            style.spacing.item_spacing = egui::vec2(10.0, 6.0);
            style.spacing.button_padding = egui::vec2(8.0, 4.0);
            style.spacing.interact_size.y = 30.0;
        }
        style
    }
}

/// Mixes `a` and `b`: 0 gives `a`, 1 gives `b` (opaque colours, in sRGB space).
pub fn lerp_color(a: Color32, b: Color32, t: f32) -> Color32 {
    let t = t.clamp(0.0, 1.0);
    let mix = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
}

/// WCAG 2 relative luminance of an opaque colour.
pub fn relative_luminance(color: Color32) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.r()) + 0.7152 * channel(color.g()) + 0.0722 * channel(color.b())
}

/// WCAG 2 contrast ratio between two opaque colours (1 to 21).
pub fn contrast_ratio(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_known_values() {
        assert!((contrast_ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 1e-9);
        // The explainer reference: on white only Okabe-Ito blue reaches 4.5:1 as text.
        assert!(contrast_ratio(okabe_ito::BLUE, Color32::WHITE) >= 4.5);
        for weak in [okabe_ito::ORANGE, okabe_ito::SKY_BLUE, okabe_ito::YELLOW] {
            assert!(contrast_ratio(weak, Color32::WHITE) < 3.0);
        }
    }

    #[test]
    fn every_text_pair_meets_wcag_aa_in_every_theme() {
        for kind in ThemeKind::ALL {
            let theme = Theme::new(kind);
            for (name, fg, bg) in theme.text_pairs() {
                let ratio = contrast_ratio(fg, bg);
                assert!(ratio >= 4.5, "{kind:?}: {name} is only {ratio:.2}:1");
            }
        }
    }

    #[test]
    fn outlines_and_role_lines_meet_3_to_1_on_the_canvas() {
        for kind in ThemeKind::ALL {
            let theme = Theme::new(kind);
            assert!(
                contrast_ratio(theme.outline, theme.canvas) >= 3.0,
                "{kind:?}"
            );
            for role in Role::ALL {
                let ratio = contrast_ratio(theme.line(role), theme.canvas);
                assert!(ratio >= 3.0, "{kind:?} {role:?} line {ratio:.2}");
            }
        }
    }

    #[test]
    fn projector_is_larger_and_thicker() {
        let light = Theme::new(ThemeKind::Light);
        let projector = Theme::new(ThemeKind::Projector);
        assert!(projector.body_size >= 20.0, "20 pt minimum on projectors");
        assert!(projector.body_size > light.body_size);
        assert!(projector.stroke_thick > light.stroke_thick);
    }

    #[test]
    fn fitting_shrinks_type_for_small_canvases_only() {
        let theme = Theme::new(ThemeKind::Light);
        let design = egui::vec2(1200.0, 680.0);
        assert_eq!(theme.fit(egui::vec2(1920.0, 1080.0), design), theme);
        let small = theme.fit(egui::vec2(900.0, 510.0), design);
        assert!((small.body_size - theme.body_size * 0.75).abs() < 1e-4);
        assert!(
            theme.scaled(0.1).body_size >= theme.body_size * 0.5,
            "never below half"
        );
        let projector = Theme::new(ThemeKind::Projector).scaled(0.5);
        assert_eq!(
            projector.small_size, projector.min_text_size,
            "never below the legible minimum"
        );
        assert_eq!(projector.body_size, 14.4);
    }

    #[test]
    fn slugs_round_trip() {
        for kind in ThemeKind::ALL {
            assert_eq!(ThemeKind::from_slug(kind.slug()), Some(kind));
        }
        assert_eq!(ThemeKind::from_slug("sepia"), None);
    }

    #[test]
    fn pen_ink_is_no_role_fill_and_reads_on_the_canvas() {
        for kind in ThemeKind::ALL {
            let theme = Theme::new(kind);
            for index in 0..crate::lecture::PEN_COLOURS {
                let ink = theme.ink(index);
                assert!(
                    Role::ALL.iter().all(|role| theme.fill(*role) != ink),
                    "{kind:?} pen {index} is a role's fill"
                );
                assert!(
                    contrast_ratio(ink, theme.canvas) >= 3.0,
                    "{kind:?} pen {index} on the canvas"
                );
            }
        }
    }
}
