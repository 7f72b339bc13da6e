//! The `virtscope` binary: the desktop app, or a headless subcommand.

use std::process::ExitCode;

use clap::Parser as _;
use virtscope::app::{Launch, VirtscopeApp};
use virtscope::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(command) = &cli.command {
        let mut out = StdoutUntilClosed(std::io::stdout().lock());
        return match cli::run(&cli, command, &mut out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => fail(&err),
        };
    }
    let open = match cli.open.as_deref().map(cli::parse_open_link).transpose() {
        Ok(open) => open,
        Err(err) => return fail(&err),
    };
    let lecture = match cli
        .lecture
        .as_deref()
        .map(virtscope::lecture::script::load)
        .transpose()
    {
        Ok(lecture) => lecture,
        Err(err) => return fail(&err),
    };
    let practise = match cli.practise.as_deref().map(cli::parse_practise).transpose() {
        Ok(practise) => practise,
        Err(err) => return fail(&err),
    };
    let data_dir = match cli::data_dir(cli.data_dir.as_deref()) {
        Ok(dir) => Some(dir),
        Err(err) => {
            eprintln!("virtscope: warning: review progress is off: {err}");
            None
        }
    };
    let launch = Launch {
        lecture,
        data_dir,
        clock: None,
        open,
        screenshot: cli.screenshot,
        quit_after_frames: cli.quit_after_frames,
    };
    match run_gui(launch, practise) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&format_args!("{err:#}")),
    }
}

/// Standard output that ends the program quietly when the reader goes away (`virtscope scenes |
/// head`), as command-line tools do, instead of reporting a broken pipe.
struct StdoutUntilClosed<W>(W);

impl<W: std::io::Write> std::io::Write for StdoutUntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).inspect_err(exit_if_closed)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().inspect_err(exit_if_closed)
    }
}

fn exit_if_closed(err: &std::io::Error) {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
}

fn fail(err: &impl std::fmt::Display) -> ExitCode {
    eprintln!("virtscope: error: {err}");
    ExitCode::from(2)
}

fn run_gui(
    launch: Launch,
    practise: Option<(&'static virtscope::quiz::Family, Option<u64>)>,
) -> anyhow::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("virtscope")
        .with_app_id(virtscope::assets::APP_ID)
        .with_inner_size([1440.0, 900.0])
        .with_min_inner_size([800.0, 520.0]);
    match virtscope::assets::window_icon() {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(err) => eprintln!("virtscope: warning: the window icon is unusable: {err}"),
    }
    let options = virtscope::app::native_options(viewport, launch.data_dir.as_deref());
    eframe::run_native(
        "virtscope",
        options,
        Box::new(move |cc| {
            let mut app = VirtscopeApp::from_creation_context(cc, launch);
            if let Some((family, seed)) = practise {
                app.practise(family, seed)?;
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|err| anyhow::anyhow!("cannot open the window: {err}"))
}
