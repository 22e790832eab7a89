"""The API's outer layer, first in MIDDLEWARE: for every request under /api/ it reads (or makes)
the B3 trace, puts the trace id on the request (the audit trail reads `request.trace_id`),
returns the trace headers, and makes sure that no answer is an HTML page: whatever Django itself
answers there (a 400 for a bad Host, a 500 from a middleware) becomes problem details."""

from __future__ import annotations

import logging

from django.conf import settings

from . import problems, tracing

logger = logging.getLogger(__name__)


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.KNOOPPUNT_API_PREFIX

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        try:
            trace = tracing.from_headers(
                request.headers.get(tracing.TRACE_HEADER), request.headers.get(tracing.SPAN_HEADER)
            )
        except tracing.InvalidTraceHeader as exc:
            trace = tracing.from_headers(None, None)
            request.trace_id = trace.trace_id
            response = problems.problem_response(
                request,
                problems.TRACE,
                detail=str(problems.TRACE.description),
                errors=[problems.FieldError(str(problems.TRACE.description), header=exc.header)],
            )
        else:
            request.trace_id = trace.trace_id
            try:
                response = self.get_response(request)
            except Exception:  # a middleware's bug: still an answer in the API's own format
                logger.exception("API request failed outside the view")
                response = problems.problem_response(request, problems.SERVER_ERROR)
            response = self._as_problem(request, response)
        response[tracing.TRACE_HEADER] = trace.trace_id
        response[tracing.SPAN_HEADER] = trace.span_id
        return response

    def _as_problem(self, request, response):
        if response.status_code < 400:
            return response
        content_type = response.get("Content-Type", "")
        if content_type.startswith((problems.CONTENT_TYPE, "application/json")):
            return response
        kind = {
            400: problems.BAD_REQUEST,
            401: problems.NOT_AUTHENTICATED,
            403: problems.FORBIDDEN,
            404: problems.NOT_FOUND,
            405: problems.METHOD,
            413: problems.TOO_LARGE,
            429: problems.THROTTLED,
            503: problems.UNAVAILABLE,
        }.get(response.status_code)
        if kind is None:
            kind = problems.BAD_REQUEST if response.status_code < 500 else problems.SERVER_ERROR
        headers = {
            name: response[name]
            for name in ("Allow", "Retry-After", "WWW-Authenticate")
            if response.has_header(name)
        }
        return problems.problem_response(
            request, kind, status=response.status_code, headers=headers
        )
