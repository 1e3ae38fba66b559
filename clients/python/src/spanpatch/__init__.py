"""Spanpatch's Python client: the Arize SDK's ``log_metadata`` call, sent through a Spanpatch server.

The one line that changes in the SDK's own example is the import::

    from spanpatch import Client

    client = Client(space_id=SPACE_ID, api_key=API_KEY)  # server: SPANPATCH_URL, else http://127.0.0.1:8787
    response = client.log_metadata(dataframe=df, project_name="demo", validate=True, verbose=True)
    response.spans_updated, response["errors"]

Pull spans, tag them in pandas, send them back::

    df = client.get_spans("demo", filter={"kinds": ["LLM"]})
    df["attributes.metadata.reviewed"] = True
    client.log_metadata(dataframe=df, project_name="demo")
"""

from .client import DEFAULT_URL, Client, SpansClient, __version__
from .errors import (
    AuthenticationError,
    InvalidResponseError,
    NotFoundError,
    Problem,
    ProjectNotFoundError,
    RequestRejectedError,
    ServerError,
    ServerUnreachableError,
    SpanpatchError,
    SubmissionNotFoundError,
    ValidationError,
)
from .response import MetadataResponse, SpanError

__all__ = [
    "DEFAULT_URL",
    "AuthenticationError",
    "Client",
    "InvalidResponseError",
    "MetadataResponse",
    "NotFoundError",
    "Problem",
    "ProjectNotFoundError",
    "RequestRejectedError",
    "ServerError",
    "ServerUnreachableError",
    "SpanError",
    "SpanpatchError",
    "SpansClient",
    "SubmissionNotFoundError",
    "ValidationError",
    "__version__",
]
