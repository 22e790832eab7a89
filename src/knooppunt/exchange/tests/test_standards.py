"""Standards as data: the registry, schema sets per release from a configurable directory, and
the console's "Standaarden" page."""

import shutil

import pytest
from django.test import Client

from knooppunt.exchange.standards import registry, schemas
from knooppunt.exchange.validation.pipeline import check_file
from knooppunt.testing.factories import OperatorUserFactory, UserFactory

from .conftest import jw301


def test_the_registry_maps_namespace_and_bericht_code():
    found = registry.lookup("http://www.istandaarden.nl/ijw/3_2/jw301/schema", 436)
    assert (found.product, found.name, found.direction) == ("ijw", "JW301", "heen")
    assert found.answered_by().name == "JW302"
    assert registry.lookup("http://www.istandaarden.nl/ijw/3_2/jw301/schema", 414) is None
    assert registry.lookup("http://www.istandaarden.nl/iwmo/3_2/wmo302/schema", 415).is_retour


def test_the_default_set_is_the_packaged_32_without_iwmo_retours():
    sets = {(s.product, s.release): s for s in schemas.schema_sets()}
    assert set(sets) == {("iwmo", "3.2"), ("ijw", "3.2")}
    assert [t.name for t in sets[("iwmo", "3.2")].missing()] == [
        "WMO302",
        "WMO306",
        "WMO308",
        "WMO316",
        "WMO318",
        "WMO320",
        "WMO325",
    ]
    assert sets[("ijw", "3.2")].missing() == []


def test_a_release_is_added_beside_32_from_a_configured_directory(settings, tmp_path):
    """A 3.3 set in another directory: a 3.3 JW301 is then supported, 3.2 still is."""
    folder = tmp_path / "ijw-3.3"
    folder.mkdir()
    for name in ("JW301.xsd", "basisschema.xsd"):
        text = (schemas.DEFAULT_DIR / "ijw-3.2" / name).read_text(encoding="utf-8")
        text = text.replace("/ijw/3_2/", "/ijw/3_3/")
        if name == "JW301.xsd":  # the subversion the 3.3 schema fixes
            head, _, tail = text.partition('name="BerichtSubversie"')
            tail = tail.replace('<xs:pattern value="2"/>', '<xs:pattern value="3"/>', 1)
            text = head + 'name="BerichtSubversie"' + tail
        (folder / name).write_text(text, encoding="utf-8")
    data = (
        jw301()
        .replace(b"/ijw/3_2/", b"/ijw/3_3/")
        .replace(b"<jw301:BerichtSubversie>2", b"<jw301:BerichtSubversie>3")
    )
    assert check_file(data, "a.xml").findings[0].code == "KP007"
    settings.KNOOPPUNT_ISTANDAARDEN_DIRS = [str(schemas.DEFAULT_DIR), str(tmp_path)]
    schemas.forget()
    assert schemas.supported_releases("ijw") == ["3.2", "3.3"]
    assert check_file(data, "a.xml").ok
    assert check_file(jw301(), "b.xml").ok
    shutil.rmtree(folder)


@pytest.mark.django_db
def test_the_console_lists_what_is_loaded():
    client = Client()
    client.force_login(OperatorUserFactory())
    page = client.get("/operator/exchange/standardspage/").content.decode()
    assert "iWmo 3.2" in page and "iJw 3.2" in page and "JW325" in page
    assert "versie/berichttype niet ondersteund" in page and "WMO302" in page
    other = Client()
    other.force_login(UserFactory())
    assert other.get("/operator/exchange/standardspage/").status_code in (302, 404)
