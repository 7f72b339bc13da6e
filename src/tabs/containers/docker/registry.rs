//! A stand-in for Docker Hub: a few official images with tags, layers and configs.
//!
//! The images mirror the real ones' structure (nginx, redis and python-slim are built on the same Debian
//! bookworm-slim base layer, so they share it; `nginx:alpine` shares Alpine's layer; `latest` and a
//! version tag point at the same manifest) and their configs (nginx's `STOPSIGNAL SIGQUIT`, redis's
//! `WORKDIR /data`). Layer contents are short stand-ins and the digests are computed from them, so they
//! are NOT the real images' digests. Sizes are approximately what `docker images` showed for the amd64
//! images in late 2024 ([M]: read off Docker Hub listings, rounded; illustrative only).
//!
//! Sources of the stand-in facts:
//! - docker-library/official-images Dockerfiles (nginx, redis, python, alpine, busybox, hello-world, ubuntu) for layer structure, CMD, ENTRYPOINT, STOPSIGNAL, WORKDIR, EXPOSE
//! - nginx's default index.html and hello-world's /hello output text, as shipped in those images
//! - Image sizes: Docker Hub amd64 listings, late 2024, rounded ([M], illustrative)

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use super::image::{FileEntry, HistoryEntry, Image, ImageConfig, Layer, Reference};
use super::sha256::Digest;

/// The default `PATH` every official image sets.
pub(super) const DEFAULT_PATH: &str =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// One repository tag set in the registry, resolved to an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RemoteImage {
    /// Repository (`nginx`).
    pub(crate) repo: String,
    /// Tags that point at this image (`latest`, `1.27`).
    pub(super) tags: Vec<String>,
    /// The image (id, config, history).
    pub(super) image: Image,
    /// Its layers, base first.
    pub(crate) layers: Vec<Layer>,
    /// The manifest digest (`Digest: sha256:...` in pull output).
    pub(super) manifest: Digest,
}

/// Why a pull cannot be served.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RegistryError {
    /// The repository does not exist (Docker Hub answers with "access denied" for privacy).
    #[error(
        "pull access denied for {0}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
    )]
    NoSuchRepository(String),
    /// The repository exists but not the tag.
    #[error("manifest for {0} not found: manifest unknown: manifest unknown")]
    NoSuchTag(String),
}

/// The simulated registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Registry {
    /// Every image the registry serves.
    pub(crate) images: Vec<RemoteImage>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::docker_hub()
    }
}

/// One instruction of an image's (upstream) Dockerfile: a layer or a config-only step.
enum Step {
    Layer(Layer),
    Meta(&'static str),
}

/// Builds a file map; a size of 0 means "the content's length".
fn files(entries: &[(&str, &str, u64)]) -> BTreeMap<String, FileEntry> {
    entries
        .iter()
        .map(|(path, content, size_bytes)| {
            let size_bytes = if *size_bytes == 0 {
                content.len() as u64
            } else {
                *size_bytes
            };
            (
                (*path).to_owned(),
                FileEntry::File {
                    content: (*content).to_owned(),
                    size_bytes,
                },
            )
        })
        .collect()
}

const ELF: &str = "\u{7f}ELF 64-bit LSB executable (stand-in for the real binary)";

const NGINX_INDEX_HTML: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

/// `/etc/nginx/conf.d/default.conf` as packaged (IPv4 only until the entrypoint edits it).
pub(super) const NGINX_DEFAULT_CONF: &str = "server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
";

/// The text `/hello` prints (hello-world image).
pub(super) const HELLO_WORLD_OUTPUT: &str = "
Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the \"hello-world\" image from the Docker Hub.
    (amd64)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 $ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/
";

/// Debian userland binaries present in the Debian-based images (no `ps`: slim images lack procps).
fn debian_userland(os_release: &str) -> BTreeMap<String, FileEntry> {
    files(&[
        ("/bin/bash", ELF, 1_265_648),
        ("/bin/sh", ELF, 125_560),
        ("/bin/ls", ELF, 151_344),
        ("/bin/cat", ELF, 44_016),
        ("/bin/echo", ELF, 35_664),
        ("/bin/sleep", ELF, 35_728),
        ("/bin/hostname", ELF, 22_760),
        ("/bin/mkdir", ELF, 72_992),
        ("/bin/rm", ELF, 72_704),
        ("/bin/touch", ELF, 97_152),
        ("/bin/pwd", ELF, 39_824),
        ("/usr/bin/env", ELF, 48_536),
        ("/usr/bin/id", ELF, 48_152),
        ("/usr/bin/whoami", ELF, 35_696),
        ("/usr/bin/apt-get", ELF, 18_744),
        ("/etc/os-release", os_release, 0),
        (
            "/etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
            0,
        ),
        ("/etc/debian_version", "12.8\n", 0),
    ])
}

const DEBIAN_OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"
NAME=\"Debian GNU/Linux\"
VERSION_ID=\"12\"
VERSION=\"12 (bookworm)\"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL=\"https://www.debian.org/\"
SUPPORT_URL=\"https://www.debian.org/support\"
BUG_REPORT_URL=\"https://bugs.debian.org/\"
";

/// debian:bookworm-slim's single layer, the shared base of nginx, redis and python-slim.
fn debian_slim_layer() -> Layer {
    Layer::new(
        "# debian.sh --arch 'amd64' out/ 'bookworm' '@1734912000'",
        debian_userland(DEBIAN_OS_RELEASE),
        74_800_000,
    )
}

/// debian:bookworm (not slim), the base of the full python image.
fn debian_full_layer() -> Layer {
    let mut tree = debian_userland(DEBIAN_OS_RELEASE);
    tree.extend(files(&[("/bin/ps", ELF, 137_688)]));
    Layer::new(
        "# debian.sh --arch 'amd64' out/ 'bookworm' '@1734912000' (full)",
        tree,
        117_500_000,
    )
}

/// Busybox applets as the Alpine and busybox images ship them.
fn busybox_applets() -> BTreeMap<String, FileEntry> {
    let mut tree = files(&[("/bin/busybox", ELF, 808_712)]);
    for applet in [
        "/bin/sh",
        "/bin/ls",
        "/bin/cat",
        "/bin/echo",
        "/bin/sleep",
        "/bin/hostname",
        "/bin/mkdir",
        "/bin/rm",
        "/bin/touch",
        "/bin/ps",
        "/bin/pwd",
        "/usr/bin/env",
        "/usr/bin/id",
        "/usr/bin/whoami",
    ] {
        tree.insert(
            applet.to_owned(),
            FileEntry::File {
                content: "-> /bin/busybox".to_owned(),
                size_bytes: 12,
            },
        );
    }
    tree
}

fn alpine_layer(version: &str, size_bytes: u64) -> Layer {
    let mut tree = busybox_applets();
    let os_release = format!(
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID={version}\nPRETTY_NAME=\"Alpine Linux v{}\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
        version.rsplit_once('.').map_or(version, |(minor, _)| minor)
    );
    tree.extend(files(&[
        ("/etc/os-release", &os_release, 0),
        ("/etc/alpine-release", &format!("{version}\n"), 0),
        ("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0),
        ("/sbin/apk", ELF, 241_000),
    ]));
    Layer::new(
        &format!("ADD alpine-minirootfs-{version}-x86_64.tar.gz / # buildkit"),
        tree,
        size_bytes,
    )
}

fn nginx_script_layers() -> Vec<Step> {
    [
        ("docker-entrypoint.sh", "/docker-entrypoint.sh", 1_620),
        (
            "10-listen-on-ipv6-by-default.sh",
            "/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            2_125,
        ),
        (
            "15-local-resolvers.envsh",
            "/docker-entrypoint.d/15-local-resolvers.envsh",
            389,
        ),
        (
            "20-envsubst-on-templates.sh",
            "/docker-entrypoint.d/20-envsubst-on-templates.sh",
            3_018,
        ),
        (
            "30-tune-worker-processes.sh",
            "/docker-entrypoint.d/30-tune-worker-processes.sh",
            4_617,
        ),
    ]
    .into_iter()
    .map(|(source, target, size)| {
        Step::Layer(Layer::new(
            &format!("COPY {source} {target} # buildkit"),
            files(&[(
                target,
                "#!/bin/sh\n# (stand-in for the real script)\n",
                size,
            )]),
            size,
        ))
    })
    .collect()
}

fn nginx_tree(created_by: &str, size_bytes: u64) -> Layer {
    Layer::new(
        created_by,
        files(&[
            ("/usr/sbin/nginx", ELF, 1_449_328),
            (
                "/etc/nginx/nginx.conf",
                "user  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n    sendfile        on;\n    keepalive_timeout  65;\n    include /etc/nginx/conf.d/*.conf;\n}\n",
                0,
            ),
            ("/etc/nginx/conf.d/default.conf", NGINX_DEFAULT_CONF, 0),
            (
                "/etc/nginx/mime.types",
                "types {\n    text/html  html htm shtml;\n    text/css   css;\n}\n",
                5_349,
            ),
            ("/usr/share/nginx/html/index.html", NGINX_INDEX_HTML, 0),
            (
                "/usr/share/nginx/html/50x.html",
                "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n",
                497,
            ),
            ("/var/log/nginx/access.log", "-> /dev/stdout", 11),
            ("/var/log/nginx/error.log", "-> /dev/stderr", 11),
        ]),
        size_bytes,
    )
}

fn nginx_meta() -> Vec<Step> {
    vec![
        Step::Meta("ENTRYPOINT [\"/docker-entrypoint.sh\"]"),
        Step::Meta("EXPOSE map[80/tcp:{}]"),
        Step::Meta("STOPSIGNAL SIGQUIT"),
        Step::Meta("CMD [\"nginx\" \"-g\" \"daemon off;\"]"),
    ]
}

fn nginx_config(version_env: &str) -> ImageConfig {
    ImageConfig {
        entrypoint: vec!["/docker-entrypoint.sh".into()],
        cmd: vec!["nginx".into(), "-g".into(), "daemon off;".into()],
        env: vec![
            DEFAULT_PATH.into(),
            version_env.into(),
            "NJS_VERSION=0.8.7".into(),
            "PKG_RELEASE=1~bookworm".into(),
        ],
        exposed_ports: vec!["80/tcp".into()],
        labels: BTreeMap::from([(
            "maintainer".into(),
            "NGINX Docker Maintainers <docker-maint@nginx.com>".into(),
        )]),
        stop_signal: "SIGQUIT".into(),
        ..ImageConfig::default()
    }
}

fn simple_config(cmd: &[&str], extra_env: &[&str]) -> ImageConfig {
    let mut env = vec![DEFAULT_PATH.to_owned()];
    env.extend(extra_env.iter().map(|e| (*e).to_owned()));
    ImageConfig {
        cmd: cmd.iter().map(|c| (*c).to_owned()).collect(),
        env,
        ..ImageConfig::default()
    }
}

/// Assembles a remote image from its steps.
fn assemble(
    repo: &str,
    tags: &[&str],
    steps: Vec<Step>,
    config: ImageConfig,
    days_old: i64,
) -> RemoteImage {
    let created_ms = -days_old * 86_400_000;
    let mut layers = Vec::new();
    let mut history = Vec::new();
    for step in steps {
        match step {
            Step::Layer(layer) => {
                history.push(HistoryEntry {
                    created_by: layer.created_by.clone(),
                    size_bytes: layer.size_bytes,
                    empty_layer: false,
                    created_ms,
                    step_image: None,
                });
                layers.push(layer);
            }
            Step::Meta(created_by) => history.push(HistoryEntry {
                created_by: created_by.to_owned(),
                size_bytes: 0,
                empty_layer: true,
                created_ms,
                step_image: None,
            }),
        }
    }
    let diff_ids: Vec<Digest> = layers.iter().map(|layer| layer.diff_id).collect();
    let id = Image::compute_id(&config, &diff_ids, &history, created_ms);
    let manifest = Digest::of_parts(&[b"manifest", id.hex().as_bytes()]);
    RemoteImage {
        repo: repo.to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        image: Image {
            id,
            layers: diff_ids,
            config,
            history,
            created_ms,
            parent: None,
            repo_digest: Some(manifest),
        },
        layers,
        manifest,
    }
}

impl Registry {
    /// The one "Docker Hub" every engine shares: it never changes, and building it (every
    /// layer's content hashed) costs more than a whole short session, so it is built once.
    pub(super) fn shared() -> Arc<Self> {
        static HUB: OnceLock<Arc<Registry>> = OnceLock::new();
        Arc::clone(HUB.get_or_init(|| Arc::new(Registry::docker_hub())))
    }

    /// The images the sandbox's "Docker Hub" serves.
    pub(crate) fn docker_hub() -> Self {
        let mut images = Vec::new();

        images.push(assemble(
            "hello-world",
            &["latest"],
            vec![
                Step::Layer(Layer::new(
                    "COPY hello / # buildkit",
                    files(&[("/hello", HELLO_WORLD_OUTPUT, 13_256)]),
                    13_256,
                )),
                Step::Meta("CMD [\"/hello\"]"),
            ],
            simple_config(&["/hello"], &[]),
            600,
        ));

        images.push(assemble(
            "busybox",
            &["latest", "1.37"],
            vec![
                Step::Layer(Layer::new(
                    "BusyBox 1.37.0 (glibc), Debian 12",
                    busybox_applets(),
                    4_270_000,
                )),
                Step::Meta("CMD [\"sh\"]"),
            ],
            simple_config(&["sh"], &[]),
            90,
        ));

        for (tags, version, size, days) in [
            (&["latest", "3.21"][..], "3.21.0", 7_830_000, 30),
            (&["3.20"][..], "3.20.3", 7_800_000, 120),
        ] {
            images.push(assemble(
                "alpine",
                tags,
                vec![
                    Step::Layer(alpine_layer(version, size)),
                    Step::Meta("CMD [\"/bin/sh\"]"),
                ],
                simple_config(&["/bin/sh"], &[]),
                days,
            ));
        }

        images.push(assemble(
            "ubuntu",
            &["latest", "24.04"],
            vec![
                Step::Meta("ARG RELEASE"),
                Step::Meta("LABEL org.opencontainers.image.ref.name=ubuntu"),
                Step::Layer(Layer::new(
                    "ADD file:ubuntu-noble-oci-amd64-root.tar.gz in /",
                    debian_userland("PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\n"),
                    78_100_000,
                )),
                Step::Meta("CMD [\"/bin/bash\"]"),
            ],
            simple_config(&["/bin/bash"], &[]),
            40,
        ));

        let mut nginx_steps = vec![Step::Layer(debian_slim_layer())];
        nginx_steps.push(Step::Layer(nginx_tree(
            "RUN /bin/sh -c set -x && groupadd --system --gid 101 nginx && ... apt-get install nginx=${NGINX_VERSION}-${PKG_RELEASE} # buildkit",
            112_400_000,
        )));
        nginx_steps.extend(nginx_script_layers());
        nginx_steps.extend(nginx_meta());
        images.push(assemble(
            "nginx",
            &["latest", "1.27"],
            nginx_steps,
            nginx_config("NGINX_VERSION=1.27.3"),
            14,
        ));

        let mut nginx_alpine_steps = vec![Step::Layer(alpine_layer("3.21.0", 7_830_000))];
        nginx_alpine_steps.push(Step::Layer(nginx_tree(
            "RUN /bin/sh -c set -x && addgroup -g 101 -S nginx && ... apk add nginx=${NGINX_VERSION}-r${PKG_RELEASE} # buildkit",
            40_000_000,
        )));
        nginx_alpine_steps.extend(nginx_script_layers());
        nginx_alpine_steps.extend(nginx_meta());
        let mut alpine_config = nginx_config("NGINX_VERSION=1.27.3");
        alpine_config.env.retain(|e| !e.starts_with("PKG_RELEASE"));
        images.push(assemble(
            "nginx",
            &["alpine", "1.27-alpine"],
            nginx_alpine_steps,
            alpine_config,
            14,
        ));

        images.push(assemble(
            "redis",
            &["latest", "7.4"],
            vec![
                Step::Layer(debian_slim_layer()),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -eux; groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis # buildkit",
                    files(&[("/etc/group", "root:x:0:\nredis:x:999:\n", 0)]),
                    4_100,
                )),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -eux; apt-get install -y --no-install-recommends tzdata; gosu ... # buildkit",
                    files(&[("/usr/local/bin/gosu", ELF, 2_260_000)]),
                    4_100_000,
                )),
                Step::Meta("ENV REDIS_VERSION=7.4.1"),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -eux; ... make -C /usr/src/redis ... # buildkit",
                    files(&[
                        ("/usr/local/bin/redis-server", ELF, 17_900_000),
                        ("/usr/local/bin/redis-cli", ELF, 9_100_000),
                    ]),
                    38_100_000,
                )),
                Step::Meta("WORKDIR /data"),
                Step::Layer(Layer::new(
                    "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
                    files(&[(
                        "/usr/local/bin/docker-entrypoint.sh",
                        "#!/bin/sh\nset -e\n# (stand-in for the real script)\nexec \"$@\"\n",
                        2_600,
                    )]),
                    2_600,
                )),
                Step::Meta("ENTRYPOINT [\"docker-entrypoint.sh\"]"),
                Step::Meta("EXPOSE map[6379/tcp:{}]"),
                Step::Meta("CMD [\"redis-server\"]"),
            ],
            ImageConfig {
                entrypoint: vec!["docker-entrypoint.sh".into()],
                cmd: vec!["redis-server".into()],
                env: vec![DEFAULT_PATH.into(), "REDIS_VERSION=7.4.1".into()],
                workdir: "/data".into(),
                exposed_ports: vec!["6379/tcp".into()],
                ..ImageConfig::default()
            },
            21,
        ));

        let python_env = ["LANG=C.UTF-8", "PYTHON_VERSION=3.13.1"];
        let python_files = || {
            files(&[
                ("/usr/local/bin/python3", ELF, 14_472),
                ("/usr/local/bin/python", "-> python3", 7),
                ("/usr/local/bin/pip", "#!/usr/local/bin/python3\n", 230),
                ("/usr/local/lib/libpython3.13.so.1.0", ELF, 24_000_000),
            ])
        };
        images.push(assemble(
            "python",
            &["3.13-slim", "slim"],
            vec![
                Step::Layer(debian_slim_layer()),
                Step::Meta("ENV LANG=C.UTF-8"),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates netbase tzdata # buildkit",
                    files(&[("/etc/ssl/certs/ca-certificates.crt", "(certificates)", 213_000)]),
                    3_500_000,
                )),
                Step::Meta("ENV PYTHON_VERSION=3.13.1"),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -eux; ... ./configure --enable-optimizations ... make install # buildkit (slim)",
                    python_files(),
                    41_300_000,
                )),
                Step::Meta("CMD [\"python3\"]"),
            ],
            simple_config(&["python3"], &python_env),
            20,
        ));
        images.push(assemble(
            "python",
            &["latest", "3.13"],
            vec![
                Step::Layer(debian_full_layer()),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -eux; apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase wget # buildkit",
                    files(&[("/usr/bin/curl", ELF, 289_000)]),
                    24_100_000,
                )),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c apt-get install -y --no-install-recommends git mercurial openssh-client subversion procps # buildkit",
                    files(&[("/usr/bin/git", ELF, 4_100_000)]),
                    64_400_000,
                )),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -ex; apt-get install -y --no-install-recommends autoconf automake gcc make ... # buildkit",
                    files(&[("/usr/bin/gcc", ELF, 1_200_000)]),
                    587_600_000,
                )),
                Step::Meta("ENV LANG=C.UTF-8"),
                Step::Meta("ENV PYTHON_VERSION=3.13.1"),
                Step::Layer(Layer::new(
                    "RUN /bin/sh -c set -eux; ... ./configure --enable-optimizations ... make install # buildkit",
                    python_files(),
                    226_400_000,
                )),
                Step::Meta("CMD [\"python3\"]"),
            ],
            simple_config(&["python3"], &python_env),
            20,
        ));

        Self { images }
    }

    /// Resolves `repo:tag` as a registry would.
    pub(crate) fn resolve(&self, reference: &Reference) -> Result<&RemoteImage, RegistryError> {
        let mut repo_exists = false;
        for remote in &self.images {
            if remote.repo == reference.repo {
                repo_exists = true;
                if remote.tags.contains(&reference.tag) {
                    return Ok(remote);
                }
            }
        }
        if repo_exists {
            Err(RegistryError::NoSuchTag(reference.full()))
        } else {
            Err(RegistryError::NoSuchRepository(reference.repo.clone()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::image::parse_reference;
    use super::*;

    fn resolve(text: &str) -> Result<RemoteImage, RegistryError> {
        Registry::docker_hub()
            .resolve(&parse_reference(text).unwrap())
            .cloned()
    }

    #[test]
    fn tags_are_pointers_to_one_image() {
        assert_eq!(
            resolve("nginx").unwrap().image.id,
            resolve("nginx:1.27").unwrap().image.id
        );
        assert_ne!(
            resolve("nginx").unwrap().image.id,
            resolve("nginx:alpine").unwrap().image.id
        );
    }

    #[test]
    fn debian_based_images_share_their_base_layer() {
        let nginx = resolve("nginx").unwrap();
        let redis = resolve("redis").unwrap();
        let python_slim = resolve("python:3.13-slim").unwrap();
        assert_eq!(nginx.layers[0].diff_id, redis.layers[0].diff_id);
        assert_eq!(nginx.layers[0].diff_id, python_slim.layers[0].diff_id);
        let alpine = resolve("alpine").unwrap();
        let nginx_alpine = resolve("nginx:alpine").unwrap();
        assert_eq!(alpine.layers[0].diff_id, nginx_alpine.layers[0].diff_id);
    }

    #[test]
    fn nginx_has_seven_layers_and_stops_with_sigquit() {
        let nginx = resolve("nginx").unwrap();
        assert_eq!(nginx.layers.len(), 7);
        assert_eq!(nginx.image.config.stop_signal, "SIGQUIT");
        assert_eq!(nginx.image.config.cmd, ["nginx", "-g", "daemon off;"]);
    }

    #[test]
    fn unknown_names_give_registry_errors() {
        assert_eq!(
            resolve("nosuchimage"),
            Err(RegistryError::NoSuchRepository("nosuchimage".into()))
        );
        assert_eq!(
            resolve("nginx:9.9"),
            Err(RegistryError::NoSuchTag("nginx:9.9".into()))
        );
    }
}
