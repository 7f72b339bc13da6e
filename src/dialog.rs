//! Where dialog windows appear. egui puts a new window at the top-left corner, over the menu bar;
//! every dialog here opens centred on the window instead, where the user is looking.

/// A window titled `title` that first opens centred in the app; the user can still move it.
pub fn centered_window<'open>(ctx: &egui::Context, title: &str) -> egui::Window<'open> {
    egui::Window::new(title.to_owned())
        .id(window_id(title))
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
}

/// The id egui gives the window titled `title` (its area's id), to find which window is in front.
pub fn window_id(title: &str) -> egui::Id {
    egui::Id::unique(title)
}
