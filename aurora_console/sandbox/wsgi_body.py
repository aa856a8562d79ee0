"""The request body as the sandbox's WSGI layers in front of moto read it.

A layer (Performance Insights, the RDS log files, CloudTrail's event history) looks at a request
before moto does and either answers it or passes it on; a body it read must then be readable
again by the next layer, so :func:`read_body` puts it back.
"""

from __future__ import annotations

import io
import urllib.parse
from typing import Any


def read_body(environ: dict[str, Any]) -> bytes:
    """The request's body (``CONTENT_LENGTH`` bytes), left readable again for the next layer."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


def query_params(raw: bytes) -> dict[str, str] | None:
    """The parameters of an AWS Query API body (``Action=...&Name=value``; a repeated name keeps
    its last value); None when the body is not UTF-8 (not a request a layer answers)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return {k: v[-1] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}
