"""Errors a user can hit, one class per meaning, each message saying what to do next.

The UI and the CLI catch `PsycollmError` and show its message; anything else is a bug
and is logged with its traceback (never shown to the browser).
"""

from __future__ import annotations


class PsycollmError(Exception):
    """Base class: the message is meant for the user, not the developer."""


class ConfigError(PsycollmError):
    """A setting has a wrong name, type or value."""


class BackendUnavailable(PsycollmError):
    """The model server cannot be reached (down, wrong URL, killed mid-stream)."""


class BackendError(PsycollmError):
    """The backend answered, but with an error (bad request, model not served, auth)."""


class ModelNotFound(PsycollmError):
    """A model name is neither in the registry, nor a local folder, nor usable from a hub."""


class GenerationCancelled(PsycollmError):
    """Generation stopped because the user pressed stop (not an error for the user)."""


class IndexMissing(PsycollmError):
    """The knowledge-base index is missing or corrupt: rebuild it with `psycollm kb build`."""


class InputRejected(PsycollmError):
    """User input is not accepted as it is (empty, too long, not text); nothing was lost."""


class DocumentUnreadable(PsycollmError):
    """A knowledge-base file cannot be ingested (bad front matter, unreadable PDF, bad JSON line)."""


class StorageError(PsycollmError):
    """The database could not be read or written (locked, full, unreachable); nothing was changed."""


class NotAllowed(PsycollmError):
    """The user is not logged in, lacks the role, or asked for someone else's data."""


class DatasetInvalid(PsycollmError):
    """A data file (SFT conversations, DPO preference pairs, a labelled evaluation set) is missing or malformed; the
    message names the file, the line and what is wrong."""
