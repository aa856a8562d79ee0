"""Parsing an RDS answer without holding the GIL for the whole page (plain Python, no Qt).

botocore builds the XML tree of a query-protocol answer (RDS) with one ``XMLParser.feed`` of the
whole body: one C call that holds the GIL until the tree is complete. A DescribeDBClusters page
of 1,000 clusters is some 3 MB (moto ignores MaxRecords; an endpoint that pages may still answer
in large pages), and its parse held the GIL for 40-100 ms on a worker thread while the UI thread
waited to paint. :class:`SlicedQueryParser` feeds the same bytes in slices of
:data:`SLICE_BYTES`; between two slices the interpreter runs Python code again, where a thread
waiting for the GIL gets it (after ``sys.getswitchinterval()``, which this module leaves as it
is: it is process-wide). The tree, and so the parsed answer, is the same.

:func:`parse_in_slices` installs it on one botocore client (the client the inventory uses): the
endpoint asks its parser factory for a parser per answer.
"""

from __future__ import annotations

from typing import Any

from botocore import parsers

#: Bytes per ``feed`` call: about a millisecond of expat's work each.
SLICE_BYTES = 64 * 1024


class SlicedQueryParser(parsers.QueryParser):
    """botocore's QueryParser, with the XML fed in slices (same result, shorter GIL holds)."""

    def _parse_xml_string_to_dom(self, xml_string: bytes) -> Any:
        if not xml_string or len(xml_string) <= SLICE_BYTES:
            return super()._parse_xml_string_to_dom(xml_string)
        try:
            parser = parsers.ETree.XMLParser(target=parsers.ETree.TreeBuilder(), encoding=self.DEFAULT_ENCODING)
            view = memoryview(xml_string)
            for start in range(0, len(view), SLICE_BYTES):
                parser.feed(view[start:start + SLICE_BYTES])
            return parser.close()
        except parsers.XMLParseError as e:
            # botocore words the error so (its retry handler keys on the type, not the text)
            raise parsers.ResponseParserError(f"Unable to parse response ({e}), invalid XML received. "
                                              "Further retries may succeed") from e


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
