"""The one error hierarchy of pxl10n.

Every error a user can meet is a :class:`Pxl10nError` whose message is a single
line naming what failed and how to fix it. The CLI catches them once, prints the
message and exits with ``exit_code``; library callers catch them like any other
exception. Nothing else should escape to the user as a traceback::

    Pxl10nError                 exit 1: the work failed
    ├── ConfigError             exit 2: pxl10n.toml or options are wrong
    ├── XliffError              a file is not XLIFF we can read safely
    ├── ArchiveError            an export zip is cut off, unsafe or too big
    ├── GitError                the work tree cannot be committed to
    ├── StateError              exit 2: the state file is unreadable or conflicted
    ├── EnvironmentFault        exit 2: the machine refused a write (full disk, read-only, permissions)
    ├── BusyError               another pxl10n run holds the l10n directory
    └── PXError                 PX (or the emulator) refused or failed a call
        ├── AuthError           401/403: wrong key or missing permission
        ├── RateLimitError      429 kept coming after every retry
        ├── TransportError      network failures or 5xx after every retry
        ├── PXStatusError       any other documented PX status (400, 432-438)
        └── PXAnswerError       an answer of the wrong shape, or a listing that never ends
"""

from __future__ import annotations

from pxl10n.secrets import redact


class Pxl10nError(Exception):
    """Base of every user-facing error; ``str(err)`` is the one-line message."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        # Messages quote what PX and libraries said, which may echo the key: redact at birth.
        message, hint = redact(message), (redact(hint) if hint else hint)
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} ({hint})")


class ConfigError(Pxl10nError):
    """Configuration or usage problem: fix the file or the command line."""

    exit_code = 2


class XliffError(Pxl10nError):
    """A document is not well-formed, not XLIFF, or carries a DTD/entities."""


class ArchiveError(Pxl10nError):
    """An export zip is truncated, unsafe (path escape, bomb) or has no XLIFF."""


class GitError(Pxl10nError):
    """Committing or switching branches failed."""


class GitMissingError(GitError):
    """A git work tree but no git command to run: a setup problem, nothing done."""

    exit_code = 2


class GitNotReadyError(GitError):
    """Git cannot take the commit of a pull or push now (a merge or rebase waits for the user, or git ignores the
    files it would write): exit 2, nothing done."""

    exit_code = 2


class StateError(Pxl10nError):
    """The state file (or an open journal) must be dealt with before any sync: exit 2, nothing done."""

    exit_code = 2


class EnvironmentFault(Pxl10nError):
    """The machine, not the data, stopped the run (full disk, read-only tree, permission denied): exit 2.

    Raised at the first such fault, after the run has stopped writing; the message
    names the path, the fix, and what is already on disk (always whole and recorded).
    """

    exit_code = 2


class BusyError(Pxl10nError):
    """Another pull or push holds the l10n directory's lock past the wait."""


class PXError(Pxl10nError):
    """A PX API call failed; ``status`` is the HTTP status when there was one, ``page`` the listing page it failed on."""

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None, page: int | None = None) -> None:
        self.status = status
        self.page = page
        super().__init__(message, hint=hint)


class AuthError(PXError):
    """401/403: the key is wrong or lacks the permission the call needs."""


class RateLimitError(PXError):
    """PX kept answering 429 after all retries."""


class TransportError(PXError):
    """Connection failures or 5xx answers after all retries."""


class PXStatusError(PXError):
    """A documented PX error status (400, 432-438) or an unexpected one."""


class PXAnswerError(PXError):
    """PX answered, but not with what its API describes (wrong shape, endless pages)."""
