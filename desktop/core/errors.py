"""Errors a user can be told about.

Every error that reaches a user is a ``ClosereadError``: its message names the file or
argument and the problem, in one line. The CLI and the desktop app show the message and
nothing else; anything that is not a ``ClosereadError`` is a bug.
"""

from __future__ import annotations


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
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
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
