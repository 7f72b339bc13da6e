//! What the app takes from `assets/` at run time, and the id that ties the installed files
//! together: the desktop entry, the AppStream metainfo and the icons are all named after
//! [`APP_ID`], and the window reports it so that desktops match the window to its entry.

use std::sync::Arc;

/// The reverse-DNS application id (freedesktop desktop entry and AppStream component id).
pub const APP_ID: &str = "io.github.virtscope.virtscope";

/// The 128 px icon, embedded so the binary needs no files beside it.
const WINDOW_ICON_PNG: &[u8] =
    include_bytes!("../assets/icons/hicolor/128x128/apps/io.github.virtscope.virtscope.png");

/// The window's icon (taskbars and window switchers scale it down).
pub fn window_icon() -> Result<Arc<egui::IconData>, image::ImageError> {
    eframe::icon_data::from_png_bytes(WINDOW_ICON_PNG).map(Arc::new)
}
