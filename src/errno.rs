//! The Linux error numbers the simulated kernels return: one type for the cgroups and the
//! namespaces models, so an errno reads the same on every tab and in every quiz.
//!
//! Students meet these as a shell's "write error: Device or resource busy", so each errno carries
//! its symbolic name, its number and the C library's message. Sources:
//! - numbers: the generic Linux values, `include/uapi/asm-generic/errno-base.h` (1-34), which
//!   x86-64 and arm64 share;
//! - messages: glibc's `strerror()` texts (what a shell prints), as listed in errno(3);
//! - meanings: errno(3), and for each call the ERRORS section of its man page: write(2) on
//!   cgroupfs files as cgroups(7) and the kernel's `Documentation/admin-guide/cgroup-v2.rst`
//!   describe it, mkdir(2), rmdir(2), fork(2), clone(2), unshare(2), setns(2), kill(2).
//!
//! Each model lists the errnos it can return (`tabs::cgroups::model::ERRNOS`,
//! `tabs::namespaces::model::ERRNOS`): quiz distractors are an errno's neighbours in that list.

use std::fmt;

use serde::Serialize;

/// A Linux errno that a simulated system call returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Errno {
    /// EPERM (1), "Operation not permitted": the caller lacks the privilege the operation needs
    /// (unshare(2), setns(2) without `CAP_SYS_ADMIN` in the owning user namespace).
    Eperm,
    /// ENOENT (2), "No such file or directory": the path does not exist (a cgroup, or an
    /// interface file of a controller that is not enabled there).
    Enoent,
    /// ESRCH (3), "No such process": no process has the PID given (a PID written to
    /// `cgroup.procs`, kill(2), setns(2) on a process that exited).
    Esrch,
    /// EAGAIN (11), "Resource temporarily unavailable": fork(2)/clone(2) refused by a limit
    /// (`pids.max`, or `RLIMIT_NPROC`).
    Eagain,
    /// ENOMEM (12), "Cannot allocate memory": besides real exhaustion, fork(2)/clone(2) into a
    /// PID namespace whose init has exited.
    Enomem,
    /// EACCES (13), "Permission denied": creating a file the filesystem does not allow (the
    /// shell's `>` on a name cgroupfs does not have).
    Eacces,
    /// EBUSY (16), "Device or resource busy": a rule forbids the change while the object is in
    /// use (a cgroup v2 "no internal processes" conflict, rmdir(2) of a populated cgroup).
    Ebusy,
    /// EEXIST (17), "File exists": mkdir(2) of a name that is already taken.
    Eexist,
    /// ENODEV (19), "No such device": the device named does not exist or is not a whole disk
    /// (`io.max`).
    Enodev,
    /// EINVAL (22), "Invalid argument": a malformed value or one outside the kernel's accepted
    /// bounds; an invalid flag combination for clone(2), unshare(2) or setns(2).
    Einval,
    /// ENOSPC (28), "No space left on device": for namespaces, the nesting limit of PID or user
    /// namespaces (32 levels, pid_namespaces(7), user_namespaces(7)) is reached: clone(2) and
    /// unshare(2) return it for PID namespaces since Linux 3.7 and for user namespaces since
    /// 4.9 (EUSERS before).
    Enospc,
    /// ERANGE (34), "Numerical result out of range": a number outside the allowed range (e.g.
    /// `cpu.weight` outside 1..=10000).
    Erange,
}

impl Errno {
    /// The symbolic name, e.g. `"EBUSY"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Eperm => "EPERM",
            Self::Enoent => "ENOENT",
            Self::Esrch => "ESRCH",
            Self::Eagain => "EAGAIN",
            Self::Enomem => "ENOMEM",
            Self::Eacces => "EACCES",
            Self::Ebusy => "EBUSY",
            Self::Eexist => "EEXIST",
            Self::Enodev => "ENODEV",
            Self::Einval => "EINVAL",
            Self::Enospc => "ENOSPC",
            Self::Erange => "ERANGE",
        }
    }

    /// The number the system call returns negated (asm-generic/errno-base.h).
    pub fn number(self) -> i32 {
        match self {
            Self::Eperm => 1,
            Self::Enoent => 2,
            Self::Esrch => 3,
            Self::Eagain => 11,
            Self::Enomem => 12,
            Self::Eacces => 13,
            Self::Ebusy => 16,
            Self::Eexist => 17,
            Self::Enodev => 19,
            Self::Einval => 22,
            Self::Enospc => 28,
            Self::Erange => 34,
        }
    }

    /// The message `strerror()` prints (glibc), which is what the shell shows.
    pub fn message(self) -> &'static str {
        match self {
            Self::Eperm => "Operation not permitted",
            Self::Enoent => "No such file or directory",
            Self::Esrch => "No such process",
            Self::Eagain => "Resource temporarily unavailable",
            Self::Enomem => "Cannot allocate memory",
            Self::Eacces => "Permission denied",
            Self::Ebusy => "Device or resource busy",
            Self::Eexist => "File exists",
            Self::Enodev => "No such device",
            Self::Einval => "Invalid argument",
            Self::Enospc => "No space left on device",
            Self::Erange => "Numerical result out of range",
        }
    }

    /// The lower-case name used in step slugs, e.g. `"ebusy"`.
    pub fn slug(self) -> String {
        self.name().to_ascii_lowercase()
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, to check the tables against each other.
    const EVERY: [Errno; 12] = [
        Errno::Eperm,
        Errno::Enoent,
        Errno::Esrch,
        Errno::Eagain,
        Errno::Enomem,
        Errno::Eacces,
        Errno::Ebusy,
        Errno::Eexist,
        Errno::Enodev,
        Errno::Einval,
        Errno::Enospc,
        Errno::Erange,
    ];

    #[test]
    fn numbers_match_asm_generic_errno_base() {
        // include/uapi/asm-generic/errno-base.h
        let expected = [
            ("EPERM", 1),
            ("ENOENT", 2),
            ("ESRCH", 3),
            ("EAGAIN", 11),
            ("ENOMEM", 12),
            ("EACCES", 13),
            ("EBUSY", 16),
            ("EEXIST", 17),
            ("ENODEV", 19),
            ("EINVAL", 22),
            ("ENOSPC", 28),
            ("ERANGE", 34),
        ];
        let actual: Vec<(&str, i32)> = EVERY.iter().map(|e| (e.name(), e.number())).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn display_slug_and_messages() {
        assert_eq!(Errno::Ebusy.to_string(), "EBUSY (Device or resource busy)");
        assert_eq!(Errno::Enoent.slug(), "enoent");
        // glibc's strerror texts as errno(3) lists them.
        assert_eq!(Errno::Eagain.message(), "Resource temporarily unavailable");
        assert_eq!(Errno::Enospc.message(), "No space left on device");
    }

    #[test]
    fn to_the_libc_values_of_this_platform() {
        #[cfg(target_os = "linux")]
        for (errno, libc_value) in [
            (Errno::Eperm, libc::EPERM),
            (Errno::Eagain, libc::EAGAIN),
            (Errno::Enomem, libc::ENOMEM),
            (Errno::Einval, libc::EINVAL),
            (Errno::Enospc, libc::ENOSPC),
            (Errno::Erange, libc::ERANGE),
        ] {
            assert_eq!(errno.number(), libc_value, "{errno}");
        }
    }
}
