//! `--screenshot` and `--quit-after-frames`: CI's smoke test saves a picture of the real window,
//! the start-up benchmark quits after a number of frames.

use std::sync::Arc;

use super::VirtscopeApp;

impl VirtscopeApp {
    /// Closes the window after the frames asked for; saves the screenshot asked for once three
    /// frames have drawn, then closes the window.
    pub(super) fn automation(&mut self, ctx: &egui::Context) {
        if let Some(limit) = self.launch.quit_after_frames
            && self.frames >= limit
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let Some(path) = self.launch.screenshot.clone() else {
            return;
        };
        let mut state = self
            .screenshot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*state {
            ScreenshotState::Idle if self.frames >= 3 => {
                *state = ScreenshotState::Requested;
                let shared = Arc::clone(&self.screenshot);
                let waker = ctx.clone();
                ctx.request_screenshot(move |image| {
                    let result = save_color_image(&image, &path);
                    *shared
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) =
                        ScreenshotState::Done(result);
                    waker.request_repaint();
                });
            }
            ScreenshotState::Idle => ctx.request_repaint(),
            ScreenshotState::Requested => {}
            ScreenshotState::Done(result) => {
                if let Err(err) = result {
                    eprintln!("virtscope: screenshot failed: {err}");
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }
}

/// Progress of a `--screenshot` request: the window callback fills it in.
#[derive(Default)]
pub(super) enum ScreenshotState {
    #[default]
    Idle,
    Requested,
    Done(Result<(), ScreenshotError>),
}

/// Why `--screenshot` could not save the window's picture.
#[derive(Debug, thiserror::Error)]
pub(super) enum ScreenshotError {
    #[error("screenshot has the wrong size")]
    WrongSize,
    #[error("{}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

fn save_color_image(
    image: &egui::ColorImage,
    path: &std::path::Path,
) -> Result<(), ScreenshotError> {
    let [width, height] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(width as u32, height as u32, bytes)
        .ok_or(ScreenshotError::WrongSize)?;
    crate::files::write_atomic(path, |file| {
        buffer
            .write_to(file, image::ImageFormat::Png)
            .map_err(std::io::Error::other)
    })
    .map_err(|source| ScreenshotError::Write {
        path: path.to_owned(),
        source,
    })
}
