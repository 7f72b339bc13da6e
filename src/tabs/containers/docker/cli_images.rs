//! Image commands: `images`, `pull`, `rmi`, `build`, `history`, `tag`, `push`.

use super::builder::{self, BuildOptions};
use super::cli::{Context, daemon_error};
use super::cli_containers::pull_lines;
use super::container::LogStream;
use super::engine_images::RmiLine;
use super::flags::Parsed;
use super::humanize::{ago, ellipsis, human_size};
use super::image::{Reference, parse_reference};
use super::output::{Output, Stream, table};
use super::workspace::HOME_DIR;

/// `docker images [REPOSITORY[:TAG]]`.
pub(super) fn images(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let engine = &*context.engine;
    let filter = parsed.positionals.first().map(String::as_str);
    let mut images: Vec<_> = engine.images.images.iter().collect();
    images.sort_by_key(|image| std::cmp::Reverse(image.created_ms));
    let no_trunc = parsed.on("no-trunc");
    let mut rows = Vec::new();
    for image in images {
        let tags = engine.images.tags_of(&image.id);
        let entries: Vec<(String, String)> = if tags.is_empty() {
            vec![("<none>".to_owned(), "<none>".to_owned())]
        } else {
            tags.iter()
                .map(|t| {
                    let (repo, tag) = t.rsplit_once(':').unwrap_or((t, "latest"));
                    (repo.to_owned(), tag.to_owned())
                })
                .collect()
        };
        for (repo, tag) in entries {
            let wanted = match filter {
                None => true,
                Some(f) if f.contains(':') => format!("{repo}:{tag}") == f,
                Some(f) => repo == f,
            };
            if !wanted {
                continue;
            }
            let id = if no_trunc {
                image.id.to_string()
            } else {
                image.id.short()
            };
            let age_ms = (engine.now_ms as i64 - image.created_ms).max(0) as u64;
            rows.push(vec![
                repo,
                tag,
                id,
                ago(age_ms),
                human_size(engine.images.size_of(image), 3),
            ]);
        }
    }
    if parsed.on("quiet") {
        let mut seen = Vec::new();
        for row in rows {
            if let [_, _, id, ..] = row.as_slice()
                && !seen.contains(id)
            {
                output.out(id.clone());
                seen.push(id.clone());
            }
        }
        return output;
    }
    for line in table(&["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], &rows) {
        output.out(line);
    }
    output
}

/// The image `docker pull` and `docker push` name (their one argument), after printing
/// `Using default tag: latest` when it has no tag; `None` when it does not parse, with the error
/// printed and status 1.
fn named_reference<'p>(parsed: &'p Parsed, output: &mut Output) -> Option<(&'p String, Reference)> {
    // `run` has checked the argument count against the spec; the `None` is a guard.
    let name = parsed.positionals.first()?;
    match parse_reference(name) {
        Ok(reference) => {
            if !reference.explicit_tag {
                output.out("Using default tag: latest");
            }
            Some((name, reference))
        }
        Err(error) => {
            output.err(error.to_string());
            output.exit_code = 1;
            None
        }
    }
}

/// `docker pull`.
pub(crate) fn pull(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let Some((name, reference)) = named_reference(parsed, &mut output) else {
        return output;
    };
    let mut lines = Output::default();
    match pull_lines(context.engine, name, &mut lines) {
        Ok(()) => {
            if parsed.on("quiet") {
                lines.lines.clear();
            }
            output.extend(lines);
            output.out(format!(
                "docker.io/{}:{}",
                reference.remote_path(),
                reference.tag
            ));
        }
        Err(error) => daemon_error(&mut output, error),
    }
    output
}

/// `docker rmi [-f]`.
pub(super) fn rmi(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    for name in &parsed.positionals {
        match context.engine.remove_image(name, parsed.on("force")) {
            Ok(lines) => {
                for line in lines {
                    output.out(match line {
                        RmiLine::Untagged(reference) => format!("Untagged: {reference}"),
                        RmiLine::Deleted(digest) => format!("Deleted: {digest}"),
                    });
                }
            }
            Err(error) => daemon_error(&mut output, error),
        }
    }
    output
}

/// `docker build [-t TAG] [-f FILE] [--no-cache] PATH`.
pub(crate) fn build(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    // `run` has checked the argument count against the spec; the `else` is a guard.
    let Some(path) = parsed.positionals.first() else {
        return output;
    };
    if path != "." && path != "./" && path != HOME_DIR {
        output.err(format!(
            "unable to prepare context: path \"{path}\" not found"
        ));
        output.exit_code = 1;
        return output;
    }
    let options = BuildOptions {
        tags: parsed.all("tag").to_vec(),
        dockerfile: parsed
            .last("file")
            .map(|f| f.strip_prefix("./").unwrap_or(f).to_owned())
            .unwrap_or_else(|| "Dockerfile".to_owned()),
        no_cache: parsed.on("no-cache"),
    };
    let report = builder::build(context.engine, context.workspace, &options);
    if parsed.on("quiet") {
        if let Some(image) = report.image {
            output.out(image.to_string());
        }
    } else {
        for (stream, text) in report.lines {
            let stream = match stream {
                LogStream::Stdout => Stream::Stdout,
                LogStream::Stderr => Stream::Stderr,
            };
            output.push(stream, text);
        }
    }
    if report.error.is_some() {
        output.exit_code = 1;
    }
    output
}

/// `docker history`.
pub(super) fn history(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let engine = &*context.engine;
    // `run` has checked the argument count against the spec; the `else` is a guard.
    let Some(name) = parsed.positionals.first() else {
        return output;
    };
    let Some(image) = engine.images.lookup(name) else {
        let shown = parse_reference(name).map_or(name.clone(), |r| r.full());
        daemon_error(&mut output, format!("No such image: {shown}"));
        return output;
    };
    let no_trunc = parsed.on("no-trunc");
    let rows: Vec<Vec<String>> = image
        .history
        .iter()
        .rev()
        .enumerate()
        .map(|(index, entry)| {
            let id = if index == 0 {
                image.id.short()
            } else {
                entry
                    .step_image
                    .map_or("<missing>".to_owned(), |id| id.short())
            };
            let created_by = if no_trunc {
                entry.created_by.clone()
            } else {
                ellipsis(&entry.created_by, 45)
            };
            let comment = if entry.created_by.contains("# buildkit") {
                "buildkit.dockerfile.v0"
            } else {
                ""
            };
            let age_ms = (engine.now_ms as i64 - entry.created_ms).max(0) as u64;
            vec![
                id,
                ago(age_ms),
                created_by,
                human_size(entry.size_bytes, 3),
                comment.to_owned(),
            ]
        })
        .collect();
    if parsed.on("quiet") {
        for row in rows {
            if let Some(id) = row.into_iter().next() {
                output.out(id);
            }
        }
        return output;
    }
    for line in table(
        &["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"],
        &rows,
    ) {
        output.out(line);
    }
    output
}

/// `docker tag SOURCE TARGET`.
pub(super) fn tag(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    // `run` has checked the argument count against the spec; the `else` is a guard.
    let [source, target] = parsed.positionals.as_slice() else {
        return output;
    };
    let Some(id) = context.engine.images.lookup(source).map(|i| i.id) else {
        let shown = parse_reference(source).map_or(source.clone(), |r| r.full());
        daemon_error(&mut output, format!("No such image: {shown}"));
        return output;
    };
    match parse_reference(target) {
        Ok(reference) => {
            context.engine.images.tag(&reference.full(), id);
        }
        Err(error) => {
            output.err(format!(
                "Error parsing reference: \"{target}\" is not a valid repository/tag: {error}"
            ));
            output.exit_code = 1;
        }
    }
    output
}

/// `docker push`: shows what would be uploaded, then the registry's refusal (no login).
pub(super) fn push(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let Some((_, reference)) = named_reference(parsed, &mut output) else {
        return output;
    };
    let Some(image) = context
        .engine
        .images
        .tags
        .get(&reference.full())
        .and_then(|id| context.engine.images.get(id))
    else {
        output.err(format!(
            "An image does not exist locally with the tag: {}",
            reference.repo
        ));
        output.exit_code = 1;
        return output;
    };
    output.out(format!(
        "The push refers to repository [docker.io/{}]",
        reference.remote_path()
    ));
    for layer in image.layers.iter().rev() {
        output.out(format!("{}: Preparing", layer.short()));
    }
    output.err("denied: requested access to the resource is denied");
    output.note(
        "(sandbox) pushing needs `docker login` and a repository you own. What is pushed is the image (its layers and config), never a container",
    );
    output.exit_code = 1;
    output
}
