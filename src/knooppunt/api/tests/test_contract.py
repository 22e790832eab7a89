"""The access contract over every endpoint of /api/v1/ (knooppunt.testing.api)."""

from knooppunt.testing.api import ApiAccessContract


class TestEveryEndpoint(ApiAccessContract):
    product = "iwmo"
