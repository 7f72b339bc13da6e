//! The native window's options, and where eframe keeps the window's state.
//!
//! eframe persists the window's size and position, egui's memory (the Flashcards panel's
//! width, open windows) and the app's [`super::Settings`] (zoom, theme, last scene) in one RON
//! file. By default it picks its own folder (`$XDG_DATA_HOME/virtscope` on Linux), so
//! `--data-dir` moved review progress but not this, and a developer's or CI's own state leaked
//! into screenshots and tests. The file lives in the data folder instead, beside the progress
//! database: one flag moves everything the app keeps.

use std::path::{Path, PathBuf};

/// The window-state file inside the data folder.
pub const STATE_FILE: &str = "app.ron";

/// Where eframe keeps the window's state for the data folder `data_dir`.
pub fn state_file(data_dir: &Path) -> PathBuf {
    data_dir.join(STATE_FILE)
}

/// The options the binary opens its window with: `viewport`, and the window's state kept in
/// `data_dir`, the resolved data folder (`--data-dir`, `VIRTSCOPE_DATA_DIR` or the platform's);
/// without one, eframe's own default (the same folder on Linux and macOS) is used.
pub fn native_options(
    viewport: egui::ViewportBuilder,
    data_dir: Option<&Path>,
) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport,
        persist_window: true,
        persistence_path: data_dir.map(state_file),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window's state went to `$XDG_DATA_HOME/virtscope/app.ron` whatever `--data-dir`
    /// said (eframe reads `persistence_path` as the file's path).
    #[test]
    fn the_window_state_lives_in_the_data_folder() {
        let viewport = egui::ViewportBuilder::default;
        let options = native_options(viewport(), Some(Path::new("/tmp/class-a")));
        assert_eq!(
            options.persistence_path.as_deref(),
            Some(Path::new("/tmp/class-a/app.ron"))
        );
        assert!(options.persist_window);
        assert_eq!(native_options(viewport(), None).persistence_path, None);
    }
}
