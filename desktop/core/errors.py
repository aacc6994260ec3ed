"""Errors a user can be told about.

Every error that reaches a user is a ``ClosereadError``: its message names the file or
argument and the problem, in one line. The CLI and the desktop app show the message and
nothing else; anything that is not a ``ClosereadError`` is a bug.
"""

from __future__ import annotations

import os


def readable(value: object) -> str:
    """``value`` (a path, an argument) as text that can always be printed and stored.

    On POSIX a file name or argument that is not UTF-8 reaches Python with its bad bytes
    as lone surrogates ("surrogateescape"), which no UTF-8 stream or database accepts;
    they are shown as ``\\xff`` escapes instead, so the user still recognises the name.
    """
    text = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if _only_escaped(text) else text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _only_escaped(text: str) -> bool:
    """True when every surrogate in ``text`` stands for one undecodable byte."""
    return all(not "\ud800" <= c <= "\udfff" or "\udc80" <= c <= "\udcff" for c in text)


class ClosereadError(Exception):
    """Base class of every error a user is shown."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- input files -------------------------------------------------------------------------


class ImportFileError(ClosereadError):
    """A file cannot be imported; the message names the file."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{readable(path)}: {problem}")
        self.path = readable(path)
        self.problem = problem


class EmptyFileError(ImportFileError):
    pass


class BinaryFileError(ImportFileError):
    pass


class UndecodableFileError(ImportFileError):
    pass


class FileTooLargeError(ImportFileError):
    pass


class NoArticleTextError(ImportFileError):
    pass


class UnsupportedFormatError(ImportFileError):
    pass


class ControlCharacterError(ImportFileError):
    """A text holds a NUL or another control character where none can be."""


class NotATextEncodingError(UndecodableFileError):
    """A page declares a charset that is a Python codec but not a text encoding (hex,
    rot13, zlib…): decoding with it would run a transformation, not read text."""


class NestingTooDeepError(ImportFileError):
    """A page or document nests its elements deeper than can be read whole."""


class NumberTooLargeError(ImportFileError):
    """A number in a file has more digits than any offset or count can need."""


class DecompressionBombError(ImportFileError):
    """A compressed file unpacks to far more than it weighs, or than may be read."""


class TooManyValuesError(ImportFileError):
    """A JSON file holds far more values (objects, lists, strings, numbers) than its size
    can hold in a file of its kind: parsed, they would take many times its size."""


class InvalidTextError(ImportFileError):
    """Text in a file that cannot be stored: a lone UTF-16 surrogate from a JSON escape."""


class FetchError(ImportFileError):
    """A link cannot be imported: an invalid or refused url, an HTTP error, a timeout, an
    unreachable host, an answer too big or of a type that is not an article. The message
    names the url."""


# --- the library -------------------------------------------------------------------------


class DatabaseError(ClosereadError):
    """The library file cannot be used as asked."""


class SchemaTooNewError(DatabaseError):
    pass


class DatabaseReadOnlyError(DatabaseError):
    pass


class DatabaseLockedError(DatabaseError):
    pass


class NotADatabaseError(DatabaseError):
    pass


class ForeignDatabaseError(DatabaseError):
    """An SQLite file with another program's tables, given as the library."""


class DatabaseFolderReadOnlyError(DatabaseReadOnlyError):
    """The library's folder is read-only: SQLite's WAL needs it for its -wal and -shm."""


# --- lookups -----------------------------------------------------------------------------


class NotFoundError(ClosereadError):
    pass


class ArticleNotFoundError(NotFoundError):
    pass


class AmbiguousArticleError(NotFoundError):
    pass


class AnnotationNotFoundError(NotFoundError):
    pass


class UnknownTagError(NotFoundError):
    pass


class UnknownTagSetError(NotFoundError):
    pass


# --- edits -------------------------------------------------------------------------------


class InvalidArgumentError(ClosereadError):
    """An argument is malformed: a bad regex, an empty name, a bad colour."""


class InvalidEnvironmentError(InvalidArgumentError):
    """An environment variable Closeread reads holds a value it cannot use."""


class PatternTimeoutError(InvalidArgumentError):
    """A regular expression took longer than its time limit (it backtracks too much)."""


class OutputError(ClosereadError):
    """Standard output cannot be written (a full disk, a closed terminal)."""


class TagExistsError(ClosereadError):
    pass


class TagInUseError(ClosereadError):
    pass


class SelectionError(ClosereadError):
    """A passage cannot be selected as asked."""


class OffsetError(SelectionError):
    pass


class QuoteNotFoundError(SelectionError):
    pass


class AmbiguousQuoteError(SelectionError):
    def __init__(self, message: str, count: int) -> None:
        super().__init__(message)
        self.count = count
