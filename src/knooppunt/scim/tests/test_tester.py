"""scim2-tester, the python-scim project's compliance checker, against the live server with a
token: every check must be SUCCESS, and the CRUD and PATCH checks must really have run (the
tester stops without a word after a failed discovery)."""

import collections
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from knooppunt.organisations.models import Organisation
from knooppunt.scim import services
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCIM2 = Path(sys.executable).with_name("scim2")


def test_scim2_tester_is_all_green(live_server):
    # An organisation without e-mail domains: the tester invents addresses at random domains.
    organisation = OrganisationFactory(naam="Gemeente Tester")
    admin = AdministratorFactory(organisation=organisation)
    _token, secret = services.issue_token(admin, organisation, name="scim2-tester")
    run = subprocess.run(
        [str(SCIM2), "--url", f"{live_server.url}/scim/v2", "test"],
        env={**os.environ, "SCIM_CLI_HEADERS": f"Authorization: Bearer {secret}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    Path(os.environ.get("SCIM_TESTER_LOG", "/dev/null")).write_text(output)
    results = re.findall(r"^([A-Z]+) (\w+)$", run.stdout, re.MULTILINE)
    failures = [line for line in run.stdout.splitlines() if re.match(r"^(?!SUCCESS )[A-Z]+ ", line)]
    assert run.returncode == 0, output[-6000:]
    assert not failures, output[-6000:]
    assert {status for status, _check in results} == {"SUCCESS"}
    by_check = collections.Counter(check for _status, check in results)
    # Two resource types (User, Group), each with every CRUD check...
    for check in (
        "object_creation",
        "object_query",
        "object_query_without_id",
        "object_replacement",
        "object_deletion",
    ):
        assert by_check[check] == 2, (check, output[-3000:])
    # ...attribute selection on GET by id, list and /.search (two results each)...
    for check in (
        "object_query_with_attributes",
        "object_list_with_attributes",
        "search_with_attributes",
    ):
        assert by_check[check] == 4, (check, output[-3000:])
    # ...and PATCH on every attribute the schemas publish.
    # Add and remove: the optional attributes (User: externalId, phoneNumbers, the extension
    # and its uziNummer; Group: externalId, members); replace also the required ones.
    assert by_check["check_add_attribute"] == 6, output[-3000:]
    assert by_check["check_remove_attribute"] == 6, output[-3000:]
    assert by_check["check_replace_attribute"] == 10, output[-3000:]
    assert len(results) == 72, output[-3000:]
    assert Organisation.objects.filter(pk=organisation.pk).exists()
