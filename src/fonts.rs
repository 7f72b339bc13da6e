//! The fonts the app draws with: egui's built-in fonts, with Hack added as a fallback for the
//! proportional family because Ubuntu Light has no arrows or geometric shapes (→ ● ▸).
//!
//! The app, the headless export and the tests all install exactly these definitions, so what is
//! exported is what the window shows, on any machine (no system fonts are consulted).

use egui::{FontDefinitions, FontFamily};

/// The font definitions every egui context of the app uses.
pub fn definitions() -> FontDefinitions {
    let mut definitions = FontDefinitions::default();
    if let Some(proportional) = definitions.families.get_mut(&FontFamily::Proportional) {
        let after_primary = 1.min(proportional.len());
        proportional.insert(after_primary, "Hack".to_owned());
    }
    definitions
}

/// Installs [`definitions`] into `ctx`.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_text_falls_back_to_hack_then_emoji() {
        let definitions = definitions();
        let proportional = &definitions.families[&FontFamily::Proportional];
        assert_eq!(proportional[0], "Ubuntu-Light");
        assert_eq!(proportional[1], "Hack");
        assert!(proportional.iter().any(|name| name == "NotoEmoji-Regular"));
        for name in proportional {
            assert!(definitions.font_data.contains_key(name), "{name} has data");
        }
    }
}
