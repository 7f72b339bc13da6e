//! The command line: the GUI by default, plus headless subcommands.
//!
//! Parsing lives in the library so the subcommands can be tested; `main.rs` only maps errors to
//! one line on stderr and exit code 2.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::{self, ExportOptions};
use crate::scene::SceneLink;
use crate::tabs;
use crate::theme::ThemeKind;

/// virtscope: interactive models of virtualization and containers, with flashcards.
#[derive(Debug, Parser)]
#[command(name = "virtscope", version, about, long_about = None)]
pub struct Cli {
    /// Start the app on this scene link, e.g. `cpu/trap-emulate?program=popf&step=3`.
    #[arg(long, value_name = "LINK", global = false)]
    pub open: Option<String>,

    /// Save a screenshot of the real window to FILE once it has drawn, then quit (CI smoke test).
    #[arg(long, value_name = "FILE", hide = true)]
    pub screenshot: Option<PathBuf>,

    /// Quit after N frames (start-up measurement).
    #[arg(long, value_name = "N", hide = true)]
    pub quit_after_frames: Option<u64>,

    /// A subcommand; without one the app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every scene link the tabs offer (their presets and steps), one a line.
    Scenes,

    /// Render a scene to an SVG or PNG file without a window.
    Export(ExportArgs),
}

/// `virtscope export LINK -o FILE`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The scene link to render.
    pub link: String,

    /// Output file; its extension (.svg or .png) picks the format.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Canvas width in points.
    #[arg(long, default_value_t = 1280.0)]
    pub width: f32,

    /// Canvas height in points.
    #[arg(long, default_value_t = 720.0)]
    pub height: f32,

    /// Pixels per point for PNG output (2 or 4 for slides).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,

    /// Theme: light, dark or projector.
    #[arg(long, default_value = "light")]
    pub theme: String,

    /// Leave the background transparent.
    #[arg(long)]
    pub transparent: bool,
}

/// A headless command failed; the message is one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

/// Runs a headless subcommand, writing its normal output to `out`.
pub fn run(command: &Command, out: &mut impl std::io::Write) -> Result<(), CliError> {
    match command {
        Command::Scenes => {
            for link in tabs::all_scenes() {
                writeln!(out, "{link}").map_err(|err| CliError(err.to_string()))?;
            }
            Ok(())
        }
        Command::Export(args) => {
            let link = SceneLink::parse(&args.link).map_err(|err| CliError(err.to_string()))?;
            let theme = ThemeKind::from_slug(&args.theme).ok_or_else(|| {
                CliError(format!(
                    "unknown theme {:?} (themes: light, dark, projector)",
                    args.theme
                ))
            })?;
            let options = ExportOptions {
                width: args.width,
                height: args.height,
                scale: args.scale,
                theme,
                transparent: args.transparent,
            };
            export::export_file(&link, &args.output, &options)
                .map_err(|err| CliError(err.to_string()))?;
            writeln!(out, "wrote {}", args.output.display())
                .map_err(|err| CliError(err.to_string()))
        }
    }
}

/// Checks a `--open` link before the window opens, so a typo is one error line, not a window.
pub fn parse_open_link(text: &str) -> Result<SceneLink, CliError> {
    let link = SceneLink::parse(text).map_err(|err| CliError(err.to_string()))?;
    tabs::open_fresh(&link).map_err(|err| CliError(err.to_string()))?;
    Ok(link)
}
