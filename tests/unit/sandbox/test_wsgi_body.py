"""The request body as the sandbox's WSGI layers read it (sandbox/wsgi_body.py)."""

from __future__ import annotations

import io
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.sandbox.wsgi_body import query_params, read_body

pytestmark = pytest.mark.unit


def test_a_body_read_by_one_layer_is_read_whole_again_by_the_next():
    body = b"Action=DescribeDBLogFiles&DBInstanceIdentifier=blog-1"
    environ = {"CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body + b"trailing bytes not in the body")}
    assert read_body(environ) == body
    assert read_body(environ) == body  # moto, after the layer, reads the same body
    assert read_body({"CONTENT_LENGTH": "", "wsgi.input": io.BytesIO(b"x")}) == b""


def test_query_params_keep_the_last_value_and_blank_ones_and_refuse_what_is_not_utf8():
    assert query_params(b"Action=A&Marker=&Action=B") == {"Action": "B", "Marker": ""}
    assert query_params(b"\xff\xfe") is None


@given(st.dictionaries(st.text(min_size=1), st.text()))
def test_query_params_read_back_what_urlencode_wrote(params):
    assert query_params(urllib.parse.urlencode(params).encode("utf-8")) == params
