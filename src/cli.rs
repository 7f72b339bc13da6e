//! The command line: the GUI by default, plus headless subcommands.
//!
//! Parsing lives in the library so the subcommands can be tested; `main.rs` only maps errors to
//! one line on stderr and exit code 2.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::deck;
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

    /// Present a lecture script: full screen, PageDown walks through its scenes.
    #[arg(long, value_name = "FILE")]
    pub lecture: Option<PathBuf>,

    /// Start on a practice question of a quiz family (`virtscope quiz --list`), its scene open:
    /// FAMILY for a new one, FAMILY:SEED for the instance of that seed (as `virtscope quiz`
    /// prints it).
    #[arg(long, value_name = "FAMILY[:SEED]")]
    pub practise: Option<String>,

    /// Where review progress is kept (default: $VIRTSCOPE_DATA_DIR, else the platform's data
    /// folder, e.g. ~/.local/share/virtscope).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,

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

    /// Check, import and export flashcard decks.
    #[command(subcommand)]
    Deck(DeckCommand),

    /// Questions the models check: list the families, or print one instance with its answer.
    Quiz(crate::quiz::cli::QuizArgs),

    /// Print what this machine really has, as JSON (the live views' data).
    Inspect {
        /// What to inspect.
        #[arg(value_enum)]
        what: InspectTarget,
        /// Print JSON (the only output format; the flag is accepted for clarity).
        #[arg(long)]
        json: bool,
    },
}

/// What `virtscope inspect` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InspectTarget {
    /// Every namespace and process, from /proc (like `lsns -J`).
    Namespaces,
    /// The cgroup layout (v1, v2 or hybrid) and every cgroup with its processes and limits.
    Cgroups,
}

/// `virtscope deck ...`.
#[derive(Debug, Subcommand)]
pub enum DeckCommand {
    /// Validate a deck (schema, ids, sides, scene links, what each scene paints) and print a summary.
    Check {
        /// A deck file, or `builtin` for the built-in deck.
        deck: String,
    },
    /// Convert a deck (an Anki package, virtscope TOML, Anki text or plain questions and
    /// answers) to virtscope TOML. A package's media go into OUT.media/ beside the deck, and its
    /// FSRS scheduling into the review progress in the data folder.
    Import {
        /// The file to read.
        file: PathBuf,
        /// Where to write the virtscope deck.
        #[arg(short, long, value_name = "OUT.toml")]
        output: PathBuf,
        /// The input format (apkg, native, anki, seed); guessed from the name and content if
        /// omitted.
        #[arg(long)]
        format: Option<String>,
    },
    /// Write a deck in another format.
    Export {
        /// A deck file, or `builtin` for the built-in deck.
        deck: String,
        /// Where to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The output format: apkg (an Anki package), anki (Anki text) or native; by default
        /// from the output's extension (.apkg, .toml), else anki.
        #[arg(long)]
        format: Option<String>,
    },
    /// Print today's due counts from the saved review progress.
    Stats {
        /// A deck file, or `builtin` for the built-in deck.
        #[arg(default_value = "builtin")]
        deck: String,
    },
}

/// `virtscope export LINK -o FILE`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The scene link to render (with -o), or the folder for --lecture.
    #[arg(value_name = "LINK|DIR")]
    pub target: Option<String>,

    /// Output file; its extension (.svg, .png or .gif) picks the format.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write every scene `virtscope scenes` lists into DIR as SVG and PNG (2x unless --scale).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "lecture"])]
    pub all: Option<PathBuf>,

    /// Write a lecture's scenes in order into the folder given as the target, with an
    /// index.html handout.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub lecture: Option<PathBuf>,

    /// Write an animated GIF (same as a .gif file name).
    #[arg(long)]
    pub gif: bool,

    /// GIF: first step (number or slug) or time in seconds; default the start.
    #[arg(long, value_name = "STEP")]
    pub from: Option<String>,

    /// GIF: last step (number or slug) or time in seconds; default the end.
    #[arg(long, value_name = "STEP")]
    pub to: Option<String>,

    /// GIF: frames per second.
    #[arg(long, default_value_t = 10.0)]
    pub fps: f32,

    /// Canvas width in points.
    #[arg(long, default_value_t = 1280.0)]
    pub width: f32,

    /// Canvas height in points.
    #[arg(long, default_value_t = 720.0)]
    pub height: f32,

    /// Pixels per point for PNG output (2 or 4 for slides); default 1, or 2 for --all/--lecture.
    #[arg(long)]
    pub scale: Option<f32>,

    /// Theme: light, dark or projector.
    #[arg(long, default_value = "light")]
    pub theme: String,

    /// Leave the background transparent.
    #[arg(long)]
    pub transparent: bool,

    /// SVG: draw text as glyph outlines, for tools that ignore fonts in SVG (text is no longer
    /// selectable; the default keeps real text with its fonts embedded).
    #[arg(long)]
    pub text_outlines: bool,
}

/// A headless command failed; the message is one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

/// Reads `--practise FAMILY[:SEED]`: the family, and the seed when given. A given seed's
/// instance is generated here, so a question that cannot be made is reported before the window
/// opens.
pub fn parse_practise(text: &str) -> Result<(&'static crate::quiz::Family, Option<u64>), CliError> {
    let (id, seed) = match text.split_once(':') {
        Some((id, seed)) => {
            let seed = seed.parse::<u64>().map_err(|_| {
                CliError(format!(
                    "--practise {text}: the seed after ':' must be a whole number"
                ))
            })?;
            (id, Some(seed))
        }
        None => (text, None),
    };
    let family = crate::quiz::family(id).map_err(|err| CliError(err.to_string()))?;
    if let Some(seed) = seed {
        family
            .instance(seed)
            .map_err(|err| CliError(err.to_string()))?;
    }
    Ok((family, seed))
}

/// The review-progress folder: `--data-dir`, else `VIRTSCOPE_DATA_DIR`, else the platform's.
pub fn data_dir(explicit: Option<&std::path::Path>) -> Result<PathBuf, CliError> {
    let env = std::env::var_os(crate::review::store::DATA_DIR_ENV);
    crate::review::store::resolve_data_dir(explicit, env.as_deref())
        .map_err(|err| CliError(err.to_string()))
}

/// Runs a headless subcommand, writing its normal output to `out`.
pub fn run(cli: &Cli, command: &Command, out: &mut impl std::io::Write) -> Result<(), CliError> {
    match command {
        Command::Scenes => {
            for link in tabs::all_scenes() {
                writeln!(out, "{link}").map_err(|err| CliError(err.to_string()))?;
            }
            Ok(())
        }
        Command::Export(args) => run_export(args, out),
        Command::Deck(command) => run_deck(cli, command, out),
        Command::Quiz(args) => {
            crate::quiz::cli::run(args, out).map_err(|err| CliError(err.to_string()))
        }
        Command::Inspect { what, .. } => {
            let json = match what {
                InspectTarget::Namespaces => crate::tabs::namespaces::inspect_json(),
                InspectTarget::Cgroups => crate::tabs::cgroups::inspect_json(),
            }
            .map_err(|err| CliError(err.to_string()))?;
            writeln!(out, "{json}").map_err(|err| CliError(err.to_string()))
        }
    }
}

fn run_export(args: &ExportArgs, out: &mut impl std::io::Write) -> Result<(), CliError> {
    let theme = ThemeKind::from_slug(&args.theme).ok_or_else(|| {
        CliError(format!(
            "unknown theme {:?} (themes: light, dark, projector)",
            args.theme
        ))
    })?;
    let batch = args.all.is_some() || args.lecture.is_some();
    let options = ExportOptions {
        width: args.width,
        height: args.height,
        scale: args.scale.unwrap_or(if batch { 2.0 } else { 1.0 }),
        theme,
        transparent: args.transparent,
        text: if args.text_outlines {
            export::svg::TextMode::Outlines
        } else {
            export::svg::TextMode::Embedded
        },
    };
    let failed = |err: export::ExportError| CliError(err.to_string());
    let io = |err: std::io::Error| CliError(err.to_string());
    if let Some(dir) = &args.all {
        let report = export::batch::export_all(dir, &options).map_err(failed)?;
        return batch_outcome(&report, &dir.display().to_string(), out);
    }
    if let Some(file) = &args.lecture {
        let dir = args.target.as_deref().ok_or_else(|| {
            CliError(
                "--lecture FILE needs the output folder: virtscope export --lecture FILE DIR"
                    .to_owned(),
            )
        })?;
        let lecture =
            crate::lecture::script::load(file).map_err(|err| CliError(err.to_string()))?;
        let report = export::batch::export_lecture(&lecture, std::path::Path::new(dir), &options)
            .map_err(failed)?;
        return batch_outcome(&report, dir, out);
    }
    let (Some(target), Some(output)) = (&args.target, &args.output) else {
        return Err(CliError(
            "export needs a scene link and -o FILE (or --all DIR, or --lecture FILE DIR)"
                .to_owned(),
        ));
    };
    let link = SceneLink::parse(target).map_err(|err| CliError(err.to_string()))?;
    let animation = export::gif::GifOptions {
        from: args.from.clone(),
        to: args.to.clone(),
        fps: args.fps,
    };
    let output = if args.gif && export::Format::from_path(output).ok() != Some(export::Format::Gif)
    {
        output.with_extension("gif")
    } else {
        output.clone()
    };
    export::export_file(&link, &output, &options, &animation).map_err(failed)?;
    writeln!(out, "wrote {}", output.display()).map_err(io)
}

/// Says what a batch wrote and names each scene it could not draw; any failure is an error (exit
/// code 2) after the other scenes were written.
fn batch_outcome(
    report: &export::batch::BatchReport,
    dir: &str,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    let io = |err: std::io::Error| CliError(err.to_string());
    writeln!(out, "wrote {} files into {dir}", report.files.len()).map_err(io)?;
    for failure in &report.failed {
        writeln!(out, "not exported: {failure}").map_err(io)?;
    }
    match report.failed.len() {
        0 => Ok(()),
        count => Err(CliError(format!(
            "{count} scene{} could not be exported (named above); the others were written",
            if count == 1 { "" } else { "s" }
        ))),
    }
}

fn load_deck(name: &str) -> Result<(deck::Deck, Vec<deck::Warning>), CliError> {
    if name == "builtin" {
        let deck = deck::builtin().map_err(|err| CliError(err.to_string()))?;
        return Ok((deck, Vec::new()));
    }
    let imported = deck::load_file(std::path::Path::new(name), None)
        .map_err(|err| CliError(err.to_string()))?;
    Ok((imported.deck, imported.warnings))
}

fn run_deck(
    cli: &Cli,
    command: &DeckCommand,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    let io = |err: std::io::Error| CliError(err.to_string());
    match command {
        DeckCommand::Check { deck } => {
            let (deck, warnings) = load_deck(deck)?;
            for warning in &warnings {
                writeln!(out, "{warning}").map_err(io)?;
            }
            let report = deck::check_with_scenes(&deck);
            writeln!(out, "{report}").map_err(io)?;
            if report.is_ok() {
                Ok(())
            } else {
                Err(CliError(format!(
                    "{} has {} errors",
                    report.source,
                    report.error_count()
                )))
            }
        }
        DeckCommand::Import {
            file,
            output,
            format,
        } if format.as_deref() == Some("apkg") || (format.is_none() && deck::is_apkg(file)) => {
            import_apkg(cli, file, output, out)
        }
        DeckCommand::Import {
            file,
            output,
            format,
        } => {
            let format = format
                .as_deref()
                .map(|slug| {
                    deck::Format::from_slug(slug).ok_or_else(|| {
                        CliError(format!(
                            "unknown deck format {slug:?} (formats: apkg, native, anki, seed)"
                        ))
                    })
                })
                .transpose()?;
            let imported =
                deck::load_file(file, format).map_err(|err| CliError(err.to_string()))?;
            for warning in &imported.warnings {
                writeln!(out, "{warning}").map_err(io)?;
            }
            deck::save_file(&imported.deck, output, deck::ExportFormat::Native)
                .map_err(|err| CliError(err.to_string()))?;
            let count = imported.deck.cards.len();
            writeln!(out, "wrote {} ({count} cards)", output.display()).map_err(io)
        }
        DeckCommand::Export {
            deck,
            output,
            format,
        } => {
            let extension = output
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            let slug = format
                .clone()
                .unwrap_or_else(|| match extension.as_deref() {
                    Some("apkg") => "apkg".to_owned(),
                    Some("toml") => "native".to_owned(),
                    _ => "anki".to_owned(),
                });
            if slug == "apkg" {
                return export_apkg(deck, output, out);
            }
            let format = deck::ExportFormat::from_slug(&slug).ok_or_else(|| {
                CliError(format!(
                    "unknown export format {slug:?} (formats: apkg, anki, native)"
                ))
            })?;
            let (deck, _) = load_deck(deck)?;
            deck::save_file(&deck, output, format).map_err(|err| CliError(err.to_string()))?;
            let count = deck.cards.len();
            writeln!(out, "wrote {} ({count} cards)", output.display()).map_err(io)
        }
        DeckCommand::Stats { deck } => {
            let (deck, _) = load_deck(deck)?;
            let dir = data_dir(cli.data_dir.as_deref())?;
            let now = crate::reviewer::system_clock()();
            let opened = crate::review::store::Store::open(&dir, now)
                .map_err(|err| CliError(err.to_string()))?;
            if let Some(recovery) = &opened.recovery {
                writeln!(out, "{recovery}").map_err(io)?;
            }
            let mut store = opened.store;
            let ids: Vec<&str> = deck.cards.iter().map(|card| card.id.as_str()).collect();
            store
                .sync_deck(&deck.meta.id, &ids)
                .map_err(|err| CliError(err.to_string()))?;
            let offset = crate::review::store::local_utc_offset_secs(now).unwrap_or(0);
            let config = crate::review::config::SchedulerConfig::default();
            let clock = crate::review::scheduler::Scheduler::new(config, offset)
                .map_err(|err| CliError(err.to_string()))?
                .clock();
            let counts = store
                .due_counts(&deck.meta.id, clock, now)
                .map_err(|err| CliError(err.to_string()))?;
            writeln!(out, "{} ({})", deck.meta.name, dir.display()).map_err(io)?;
            writeln!(out, "{counts}").map_err(io)
        }
    }
}

/// `deck import x.apkg -o deck.toml`: the package is read and checked whole, then its media are
/// copied beside the deck, then the deck is written, then Anki's scheduling goes into the
/// progress store (a store that cannot be opened is a warning: the deck is still imported).
fn import_apkg(
    cli: &Cli,
    file: &std::path::Path,
    output: &std::path::Path,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    let io = |err: std::io::Error| CliError(err.to_string());
    let failed = |err: deck::DeckError| CliError(err.to_string());
    let mut import = deck::read_apkg(file, output).map_err(failed)?;
    for warning in &import.imported.warnings {
        writeln!(out, "{warning}").map_err(io)?;
    }
    let deck_dir = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let media = import.write_media(&deck_dir).map_err(failed)?;
    let deck = &import.imported.deck;
    deck::save_file(deck, output, deck::ExportFormat::Native).map_err(failed)?;
    writeln!(
        out,
        "wrote {} ({} cards; {media} media files in {})",
        output.display(),
        deck.cards.len(),
        deck_dir.join(&import.media_folder_name).display()
    )
    .map_err(io)?;
    if import.progress.is_empty() {
        return Ok(());
    }
    match store_anki_progress(cli, &import) {
        Ok(line) => writeln!(out, "{line}").map_err(io),
        Err(problem) => writeln!(
            out,
            "{}: warning: Anki's scheduling was not kept: {problem}",
            file.display()
        )
        .map_err(io),
    }
}

/// Why Anki's scheduling could not be kept in the progress store (the import itself is written).
#[derive(Debug, thiserror::Error)]
enum ProgressImportError {
    /// No data folder could be found.
    #[error(transparent)]
    DataDir(#[from] CliError),
    /// The progress store could not be opened or written.
    #[error(transparent)]
    Store(#[from] crate::review::error::StoreError),
}

fn store_anki_progress(
    cli: &Cli,
    import: &deck::apkg::ApkgImport,
) -> Result<String, ProgressImportError> {
    let dir = data_dir(cli.data_dir.as_deref())?;
    let now = crate::reviewer::system_clock()();
    let mut store = crate::review::store::Store::open(&dir, now)?.store;
    let offset = crate::review::store::local_utc_offset_secs(now).unwrap_or(0);
    let scheduler = crate::review::scheduler::Scheduler::with_defaults(offset);
    let deck = &import.imported.deck;
    let ids: Vec<&str> = deck.cards.iter().map(|card| card.id.as_str()).collect();
    let summary = store.import_anki_progress(&scheduler, &deck.meta.id, &ids, &import.progress)?;
    Ok(format!(
        "kept Anki's scheduling in {}: {} cards with FSRS memory states, {} suspended, {} already studied here left as they were",
        dir.display(),
        summary.scheduled,
        summary.suspended,
        summary.kept
    ))
}

/// `deck export DECK -o x.apkg`: images are read from the deck file's folder.
fn export_apkg(
    name: &str,
    output: &std::path::Path,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    let io = |err: std::io::Error| CliError(err.to_string());
    let (deck, _) = load_deck(name)?;
    let deck_dir = (name != "builtin").then(|| {
        std::path::Path::new(name)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    });
    let now = crate::reviewer::system_clock()();
    let report = deck::apkg::export_apkg(&deck, deck_dir.as_deref(), output, now)
        .map_err(|err| CliError(err.to_string()))?;
    for warning in &report.warnings {
        writeln!(out, "{name}: warning: {warning}").map_err(io)?;
    }
    writeln!(
        out,
        "wrote {} ({} notes, {} media files)",
        output.display(),
        report.notes,
        report.media
    )
    .map_err(io)
}

/// Checks a `--open` link before the window opens, so a typo is one error line, not a window.
pub fn parse_open_link(text: &str) -> Result<SceneLink, CliError> {
    let link = SceneLink::parse(text).map_err(|err| CliError(err.to_string()))?;
    tabs::open_fresh(&link).map_err(|err| CliError(err.to_string()))?;
    Ok(link)
}
