"""Parsing an RDS answer without holding the GIL for the whole page (plain Python, no Qt).

botocore builds the XML tree of a query-protocol answer (RDS) with one ``XMLParser.feed`` of the
whole body: one C call that holds the GIL until the tree is complete. A DescribeDBClusters page
of 1,000 clusters is some 3 MB (moto ignores MaxRecords; an endpoint that pages may still answer
in large pages), and its parse held the GIL for 40-100 ms on a worker thread while the UI thread
waited to paint. :class:`SlicedQueryParser` feeds the same bytes in slices of
:data:`SLICE_BYTES`; between two slices the interpreter runs Python code again, where a thread
waiting for the GIL gets it (after ``sys.getswitchinterval()``, which this module leaves as it
is: it is process-wide). The tree, and so the parsed answer, is the same.

What follows the XML parse is botocore's walk of the tree into dicts: Python code, about a
second of a worker's CPU for 1,000 clusters and 3,000 instances, most of it members the fleet
never reads (every instance's creation time went through dateutil). While a thread runs Python
without pause the UI thread gets the GIL once per switch interval, so each Python call a paint
makes waits up to that long. So, for the calls made inside :func:`parsing_for` on this thread:

* only the members named for a structure are parsed (``keep``: the inventory's KEEP_FIELDS by
  structure name); the others were dropped after parsing anyway, so the result is the same;
* ``pause`` is called between XML slices and every :data:`PAUSE_EVERY` structures (the task's
  ``pause``: the worker steps aside while the UI thread paints, see ui/ui_first.py).

Timestamps in AWS's own form (``2024-05-01T10:00:00.123Z``) are read with
``datetime.fromisoformat`` instead of dateutil (0.15 us instead of 40 us each: 2,000 of them
were 80 ms of a 1,000-cluster page); the same instant, in UTC. Any other form goes to the
client's own timestamp parser, and a client with a parser of its own keeps it for all.

:func:`parse_in_slices` installs it on one botocore client (the client the inventory uses): the
endpoint asks its parser factory for a parser per answer. The client is shared (details, actions):
what :func:`parsing_for` sets holds for the calling thread only, and only while inside.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from botocore import parsers
from dateutil.tz import tzutc

#: Bytes per ``feed`` call: about a millisecond of expat's work each.
SLICE_BYTES = 64 * 1024
#: Structures parsed between two calls of the pause hook (a few hundred microseconds of work).
PAUSE_EVERY = 32

_local = threading.local()
#: AWS's timestamp form, read by :meth:`SlicedQueryParser._handle_timestamp` without dateutil
_AWS_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z")
_UTC = tzutc()


@contextmanager
def parsing_for(keep: Mapping[str, frozenset[str]] | None = None,
                pause: Callable[[], object] | None = None) -> Iterator[None]:
    """While inside, on this thread: answers parsed by :class:`SlicedQueryParser` keep only the
    members ``keep`` names for a structure shape (e.g. ``{"DBCluster": {...}}``; structures not
    named keep all), and ``pause`` is called between slices of the work. Nested: the inner wins."""
    before = getattr(_local, "options", None)
    _local.options = (dict(keep or {}), pause)
    try:
        yield
    finally:
        _local.options = before


class _KeptMembers:
    """A structure shape seen through a filter: its ``members`` are the kept ones, the rest of it
    (metadata, serialization, name) is the shape's own."""

    def __init__(self, shape: Any, kept: frozenset[str]) -> None:
        self._shape = shape
        self.members = {name: member for name, member in shape.members.items() if name in kept}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._shape, name)


class SlicedQueryParser(parsers.QueryParser):
    """botocore's QueryParser, with the XML fed in slices (same result, shorter GIL holds), and
    what :func:`parsing_for` asks on the calling thread: kept members only, pauses."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep, self._pause = getattr(_local, "options", None) or ({}, None)
        self._kept_shapes: dict[str, Any] = {}
        self._keep = keep
        self._structures = 0

    def _parse_xml_string_to_dom(self, xml_string: bytes) -> Any:
        if not xml_string or len(xml_string) <= SLICE_BYTES:
            return super()._parse_xml_string_to_dom(xml_string)
        try:
            parser = parsers.ETree.XMLParser(target=parsers.ETree.TreeBuilder(), encoding=self.DEFAULT_ENCODING)
            view = memoryview(xml_string)
            for start in range(0, len(view), SLICE_BYTES):
                if start and self._pause is not None:
                    self._pause()
                parser.feed(view[start:start + SLICE_BYTES])
            return parser.close()
        except parsers.XMLParseError as e:
            # botocore words the error so (its retry handler keys on the type, not the text)
            raise parsers.ResponseParserError(f"Unable to parse response ({e}), invalid XML received. "
                                              "Further retries may succeed") from e

    def _handle_timestamp(self, shape: Any, node_or_text: Any) -> Any:
        # an XML node or a header's text, as botocore's own handler takes it
        text = getattr(node_or_text, "text", node_or_text)
        if (self._timestamp_parser is parsers.DEFAULT_TIMESTAMP_PARSER and isinstance(text, str)
                and _AWS_TIMESTAMP.fullmatch(text)):
            return datetime.fromisoformat(text[:-1]).replace(tzinfo=_UTC)
        return super()._handle_timestamp(shape, node_or_text)

    def _handle_structure(self, shape: Any, node: Any) -> Any:
        if self._pause is not None:
            self._structures += 1
            if self._structures % PAUSE_EVERY == 0:
                self._pause()
        kept = self._keep.get(getattr(shape, "name", None)) if self._keep else None
        if kept is not None:
            seen = self._kept_shapes.get(shape.name)
            if seen is None or seen._shape is not shape:
                seen = self._kept_shapes[shape.name] = _KeptMembers(shape, kept)
            shape = seen
        return super()._handle_structure(shape, node)


class SlicedParserFactory(parsers.ResponseParserFactory):
    """Hands out :class:`SlicedQueryParser` for the query protocol, botocore's parsers otherwise."""

    def create_parser(self, protocol_name: str) -> Any:
        if protocol_name == "query":
            return SlicedQueryParser(**self._defaults)
        return super().create_parser(protocol_name)


def parse_in_slices(client: Any) -> bool:
    """Make ``client`` (a botocore client) parse its query-protocol answers in slices; True when
    installed (a client without a botocore endpoint, e.g. a test double, is left alone)."""
    endpoint = getattr(client, "_endpoint", None)
    current = getattr(endpoint, "_response_parser_factory", None)
    if current is None:
        return False
    if not isinstance(current, SlicedParserFactory):
        factory = SlicedParserFactory()
        factory._defaults = dict(getattr(current, "_defaults", {}))  # the session's timestamp/blob parsers
        endpoint._response_parser_factory = factory
    return True
