"""B3 trace headers, as the iWlz network uses them: `X-B3-TraceId` (16 or 32 lower-case hex
digits) and `X-B3-SpanId` (16). A call that brings them gets them back, and its audit events carry
the trace id; a call without them gets new ones, so that every call can be traced."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

TRACE_HEADER = "X-B3-TraceId"
SPAN_HEADER = "X-B3-SpanId"
_TRACE_RE = re.compile(r"^(?:[0-9a-f]{16}|[0-9a-f]{32})$")
_SPAN_RE = re.compile(r"^[0-9a-f]{16}$")
TRACE_PATTERN = _TRACE_RE.pattern
SPAN_PATTERN = _SPAN_RE.pattern
_ZERO = re.compile(r"^0+$")


class InvalidTraceHeader(ValueError):
    def __init__(self, header: str):
        super().__init__(header)
        self.header = header


@dataclass(frozen=True)
class Trace:
    trace_id: str
    span_id: str


def from_headers(trace_id: str | None, span_id: str | None) -> Trace:
    """The call's trace: the given ids when they are valid B3 ids, new ones when absent (or all
    zeros, which B3 calls invalid but which match the documented pattern). A malformed one is
    refused (InvalidTraceHeader): a 400 says so, rather than breaking the integrator's trace."""
    if trace_id is not None:
        trace_id = trace_id.strip()
        if not _TRACE_RE.match(trace_id):
            raise InvalidTraceHeader(TRACE_HEADER)
    if span_id is not None:
        span_id = span_id.strip()
        if not _SPAN_RE.match(span_id):
            raise InvalidTraceHeader(SPAN_HEADER)
    if trace_id and _ZERO.match(trace_id):
        trace_id = None
    if span_id and _ZERO.match(span_id):
        span_id = None
    return Trace(trace_id or secrets.token_hex(16), span_id or secrets.token_hex(8))
