"""The exceptions of the Spanpatch client.

Every exception the client raises on purpose is a :class:`SpanpatchError`. Catch the subclasses to tell what
went wrong; each message names the server and says what to do::

    SpanpatchError
    ├── ValidationError          the dataframe cannot be sent as it is (also a ValueError)
    ├── ServerUnreachableError   no answer from the server (also a ConnectionError)
    ├── AuthenticationError      no API key, a wrong one, or a read-only one (also a PermissionError)
    ├── NotFoundError            (also a LookupError)
    │   ├── ProjectNotFoundError
    │   └── SubmissionNotFoundError
    ├── RequestRejectedError     the server refused the request (a 4xx answer)
    ├── ServerError              the server failed (a 5xx answer, after the retries)
    └── InvalidResponseError     the server answered, but not as Spanpatch's API says
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .response import MetadataResponse


class SpanpatchError(Exception):
    """Base of the exceptions the Spanpatch client raises.

    Attributes:
        server: The server's base URL, when the error came from a request.
        status: The HTTP status the server answered, or None when there was no answer.
        code: The server's error code (``project_not_found``, ``forbidden``, …), or None.
        response: For ``log_metadata``: what was applied before the error stopped the call (the batches the
            server answered), as a :class:`MetadataResponse`; None when nothing was sent.
    """

    server: str | None
    status: int | None
    code: str | None
    response: MetadataResponse | None

    def __init__(
        self,
        message: str,
        *,
        server: str | None = None,
        status: int | None = None,
        code: str | None = None,
        response: MetadataResponse | None = None,
    ) -> None:
        super().__init__(message)
        self.server = server
        self.status = status
        self.code = code
        self.response = response


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dataframe: where it is and what it is.

    Attributes:
        row: The row's index label in the dataframe (its position for a list of rows), or None when the problem
            is a whole column's.
        column: The column's name, or None when the problem is the whole row's (a merged patch too large).
        message: What is wrong, in words.
    """

    row: object | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ValidationError(SpanpatchError, ValueError):
    """The dataframe cannot be sent as it is; nothing was sent.

    A ``ValueError``, as the Arize SDK raises for the same dataframes.

    Attributes:
        problems: Every problem found, each with its row and column.
        rows: The index labels of the rows with a problem, in order, without repeats: ``df.loc[error.rows]``
            shows them.
    """

    problems: list[Problem]
    rows: list[object]

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)
        rows: list[object] = []
        seen: set[object] = set()
        for problem in self.problems:
            if problem.row is None:
                continue
            try:
                if problem.row in seen:
                    continue
                seen.add(problem.row)
            except TypeError:  # an unhashable index label
                pass
            rows.append(problem.row)
        self.rows = rows


class ServerUnreachableError(SpanpatchError, ConnectionError):
    """No answer from the server: it is not running there, the address is wrong, or it took too long."""


class AuthenticationError(SpanpatchError, PermissionError):
    """The server needs an API key, refused the one given, or the key may only read."""


class NotFoundError(SpanpatchError, LookupError):
    """The server has no such thing (a project, a submission)."""


class ProjectNotFoundError(NotFoundError):
    """The server has no project of that name."""


class SubmissionNotFoundError(NotFoundError):
    """The server has no submission with that ID."""


class RequestRejectedError(SpanpatchError):
    """The server refused the request (a 4xx answer), e.g. a submission already reverted or a malformed filter."""


class ServerError(SpanpatchError):
    """The server failed to answer the request (a 5xx answer), after the retries."""


class InvalidResponseError(SpanpatchError):
    """The server answered, but not as Spanpatch's API says: not JSON, or counts that contradict the request."""
