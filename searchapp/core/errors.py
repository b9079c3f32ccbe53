"""The errors SearchApp reports to people, each with a message written for them."""


class SearchAppError(Exception):
    """Base class: the message is meant to be shown as it is."""


class QueryError(SearchAppError):
    """The query cannot be understood; the message says what is wrong and where."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class IndexBusyError(SearchAppError):
    """Another SearchApp process is writing to the index."""


class IndexUnavailableError(SearchAppError):
    """The index cannot be opened, built or written (permissions, disk space, damage)."""


class DocumentNotFoundError(SearchAppError):
    """The requested document is not in the index."""


class UnreadableDocumentError(SearchAppError):
    """A file cannot be turned into a document; the message gives the reason."""
