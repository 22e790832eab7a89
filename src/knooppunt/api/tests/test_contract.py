"""The access contract over every endpoint of /api/v1/ (knooppunt.testing.api), and proof that
it catches an endpoint that lets another product's key in."""

import pytest

from knooppunt.testing.api import ApiAccessContract, endpoints


class TestEveryEndpoint(ApiAccessContract):
    product = "iwmo"


@pytest.mark.urls("knooppunt.api.tests.urls")
class TestProductEndpoints(ApiAccessContract):
    """A product endpoint done right passes: a key of another product gets 403."""

    product = "iwmo"

    def test_the_stand_ins_are_walked(self, api_world):
        names = {e.name for e in endpoints()}
        assert {"proef", "proef_iwmo", "ping"} <= names


@pytest.mark.urls("knooppunt.api.tests.leaky_urls")
def test_the_contract_fails_on_an_endpoint_that_lets_another_product_in(db):
    contract = ApiAccessContract()
    world = ApiAccessContract.api_world.__wrapped__(contract, db)
    keys = ApiAccessContract.foreign_keys.__wrapped__(contract, world)
    with pytest.raises(AssertionError, match="proef_lek"):
        contract.test_another_product_reaches_nothing_of_this_one(world, keys)
