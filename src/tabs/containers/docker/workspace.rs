//! The student's directory on the simulated host: a Dockerfile, the app, a compose file.
//!
//! `docker build .` sends this directory to the daemon as the build context, and `docker compose up`
//! reads `compose.yaml` from it. The sandbox shell can show (`ls`, `cat`) and edit (`echo ... > file`)
//! it, so a student can change `app.py` and watch which build steps the layer cache keeps.

use std::collections::BTreeMap;

use serde::Serialize;

/// The directory the sandbox shell starts in (its base name is compose's default project name).
pub(super) const HOME_DIR: &str = "/home/student/app";

/// The example Dockerfile.
pub(crate) const DEFAULT_DOCKERFILE: &str = "FROM python:3.13-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app.py .
EXPOSE 5000
CMD [\"python\", \"app.py\"]
";

/// The example application: a tiny HTTP server from the standard library.
pub(super) const DEFAULT_APP_PY: &str =
    "from http.server import HTTPServer, SimpleHTTPRequestHandler

print(\"serving on port 5000\", flush=True)
HTTPServer((\"\", 5000), SimpleHTTPRequestHandler).serve_forever()
";

/// The example requirements.
pub(super) const DEFAULT_REQUIREMENTS: &str = "requests==2.32.3\n";

/// The example compose file: a web server, a cache, and a worker that ignores SIGTERM.
pub(super) const DEFAULT_COMPOSE: &str = "services:
  web:
    image: nginx:latest
    ports:
      - \"8080:80\"
    depends_on:
      - cache
  cache:
    image: redis:7.4
  worker:
    image: alpine:3.21
    command: sleep infinity
    environment:
      - QUEUE=jobs
    depends_on:
      - cache
";

/// A flat directory of text files (no sub-directories: enough for a build context).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Workspace {
    /// File name -> content.
    pub(crate) files: BTreeMap<String, String>,
}

impl Default for Workspace {
    fn default() -> Self {
        Self {
            files: BTreeMap::from([
                ("Dockerfile".to_owned(), DEFAULT_DOCKERFILE.to_owned()),
                ("app.py".to_owned(), DEFAULT_APP_PY.to_owned()),
                (
                    "requirements.txt".to_owned(),
                    DEFAULT_REQUIREMENTS.to_owned(),
                ),
                ("compose.yaml".to_owned(), DEFAULT_COMPOSE.to_owned()),
            ]),
        }
    }
}

/// Why a file name cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WorkspaceError {
    /// Paths with directories are not modelled.
    #[error("{0}: only files directly in {HOME_DIR} exist in this sandbox")]
    NotFlat(String),
    /// No such file.
    #[error("{0}: No such file or directory")]
    Missing(String),
    /// The workspace's size bound.
    #[error("{0}: the sandbox keeps files under 64 KiB")]
    TooLarge(String),
}

/// Largest file the workspace keeps.
pub(super) const MAX_FILE_BYTES: usize = 64 * 1024;

impl Workspace {
    /// Maps `name`, `./name` or `/home/student/app/name` to a file name.
    pub(crate) fn resolve(&self, path: &str) -> Result<String, WorkspaceError> {
        let home_prefix = format!("{HOME_DIR}/");
        let name = path
            .strip_prefix(&home_prefix)
            .or_else(|| path.strip_prefix("./"))
            .unwrap_or(path);
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Err(WorkspaceError::NotFlat(path.to_owned()));
        }
        Ok(name.to_owned())
    }

    /// Reads a file.
    pub(super) fn read(&self, path: &str) -> Result<&str, WorkspaceError> {
        let name = self.resolve(path)?;
        self.files
            .get(&name)
            .map(String::as_str)
            .ok_or_else(|| WorkspaceError::Missing(path.to_owned()))
    }

    /// Writes (or appends to) a file.
    pub(super) fn write(
        &mut self,
        path: &str,
        text: &str,
        append: bool,
    ) -> Result<(), WorkspaceError> {
        let name = self.resolve(path)?;
        let entry = self.files.entry(name).or_default();
        let new_len = if append {
            entry.len() + text.len()
        } else {
            text.len()
        };
        if new_len > MAX_FILE_BYTES {
            return Err(WorkspaceError::TooLarge(path.to_owned()));
        }
        if !append {
            entry.clear();
        }
        entry.push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_to_flat_names() {
        let mut workspace = Workspace::default();
        assert!(workspace.read("./Dockerfile").is_ok());
        assert!(workspace.read("/home/student/app/app.py").is_ok());
        assert_eq!(
            workspace.read("nope"),
            Err(WorkspaceError::Missing("nope".into()))
        );
        assert!(matches!(
            workspace.write("a/b", "x", false),
            Err(WorkspaceError::NotFlat(_))
        ));
        workspace.write("notes.txt", "a\n", false).unwrap();
        workspace.write("notes.txt", "b\n", true).unwrap();
        assert_eq!(workspace.read("notes.txt").unwrap(), "a\nb\n");
        let big = "x".repeat(MAX_FILE_BYTES + 1);
        assert!(matches!(
            workspace.write("big", &big, false),
            Err(WorkspaceError::TooLarge(_))
        ));
    }
}
