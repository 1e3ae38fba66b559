"""The Python client's side of python-client-bench.ts: a review of N spans as a pandas DataFrame (5 metadata
columns, the values patchOf gives in patch-workload.ts), read alone, then sent by ``log_metadata`` to the final
response. Prints one JSON line: the times in seconds and the response's counts."""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from spanpatch import Client
from spanpatch._frame import read_frame


def review_frame(rows: int) -> pd.DataFrame:
    index = np.arange(rows)
    return pd.DataFrame(
        {
            "context.span_id": [format(n + 1, "016x") for n in range(rows)],
            "attributes.metadata.reviewed": "true",
            "attributes.metadata.reviewer": np.where(index % 3 == 0, "ana", "sam"),
            "attributes.metadata.quality": index % 5,
            "attributes.metadata.confidence": 0.5 + (index % 100) / 1000 + 0.0001,
            "attributes.metadata.note": [f"reviewed in batch {n // 5000}" for n in range(rows)],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    frame = review_frame(args.rows)

    started = time.perf_counter()
    read = read_frame(frame)
    read_seconds = time.perf_counter() - started
    if len(read.spans) != args.rows:
        raise SystemExit(f"read {len(read.spans)} spans of {args.rows} rows")

    started = time.perf_counter()
    response = Client(url=args.url).log_metadata(dataframe=frame, project_name=args.project)
    total_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "read_seconds": read_seconds,
                "total_seconds": total_seconds,
                "spans_updated": response.spans_updated,
                "spans_failed": response.spans_failed,
            }
        )
    )


if __name__ == "__main__":
    main()
