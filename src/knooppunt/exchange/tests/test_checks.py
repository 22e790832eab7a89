"""Every check of the pipeline and every kind of bad input (issue 15, item 3 and "Bad input"):
each refused with its code, in Dutch, in the order of the checks, storing nothing."""

import io
import zipfile

import pytest
from django.urls import reverse

from knooppunt.exchange import services
from knooppunt.exchange.models import Message
from knooppunt.exchange.validation.pipeline import check_file
from knooppunt.organisations.models import OrganisationType
from knooppunt.testing.factories import OrganisationFactory
from knooppunt.testing.views import body

from .conftest import jw301, jw302, new_id, wmo301

pytestmark = pytest.mark.django_db


def codes(world, data, *, product="ijw", filename="bericht.xml", user=None, organisation=None):
    outcomes = services.offer(
        user or world.g_user, organisation or world.gemeente, product, filename, data
    )
    return [[f.code for f in o.findings] for o in outcomes]


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<foo>&xxe;</foo>"""


def test_a_valid_message_passes_every_check(world):
    assert codes(world, jw301()) == [[]]


def test_empty_file(world):
    assert codes(world, b"") == [["KP001"]]


def test_too_large(world, settings):
    settings.KNOOPPUNT_EXCHANGE_MAX_FILE_BYTES = 1000
    assert codes(world, jw301()) == [["KP001"]]


def test_not_xml(world):
    assert codes(world, b"%PDF-1.4 dit is geen xml") == [["KP003"]]


def test_billion_laughs_is_refused_as_such(world):
    outcomes = services.offer(world.g_user, world.gemeente, "ijw", "b.xml", BILLION_LAUGHS)
    [finding] = outcomes[0].findings
    assert finding.code == "KP004" and "billion laughs" in finding.text


def test_xxe_is_refused_as_such_and_reads_nothing(world):
    [finding] = services.offer(world.g_user, world.gemeente, "ijw", "x.xml", XXE)[0].findings
    assert finding.code == "KP004" and "XXE" in finding.text and "root:" not in finding.text


def test_any_dtd_is_refused(world):
    data = jw301().replace(
        b"?>\n", b'?>\n<!DOCTYPE Bericht SYSTEM "http://127.0.0.1:9/x.dtd">\n', 1
    )
    assert codes(world, data) == [["KP004"]]


@pytest.mark.parametrize(
    "encode",
    [
        lambda d: d.decode().replace("UTF-8", "UTF-16").encode("utf-16"),
        lambda d: d.decode().replace("UTF-8", "UTF-16").encode("utf-16-le"),
        lambda d: d.decode().replace("UTF-8", "ISO-8859-1").encode("latin-1"),
    ],
    ids=["utf-16", "utf-16-without-bom", "latin-1"],
)
def test_other_encodings_are_refused(world, encode):
    assert codes(world, encode(jw301())) == [["KP002"]]


def test_invalid_utf8_bytes_are_refused(world):
    data = jw301().replace(b"Commentaar client", b"Commentaar \xff client")
    assert codes(world, data) == [["KP003"]]


def test_unknown_message_type(world):
    assert codes(world, b"<?xml version='1.0'?><Bericht xmlns='urn:iets'/>") == [["KP005"]]


def test_a_wrong_products_message(world):
    assert codes(world, wmo301(), product="ijw") == [["KP006"]]


def test_a_wrong_version_is_not_supported(world):
    data = jw301().replace(b"/ijw/3_2/", b"/ijw/3_3/")
    [[code]] = codes(world, data)
    assert code == "KP007"
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "b.xml", data)
    assert "versie/berichttype niet ondersteund" in outcome.findings[0].text.lower()


def test_a_type_whose_schema_is_not_loaded_is_not_supported(world):
    """The iWmo 3.2 set has no retour schemas: a WMO302 is refused as not supported."""
    data = (
        jw302("X")
        .replace(b"ijw/3_2/jw302", b"iwmo/3_2/wmo302")
        .replace(b"ijw/3_2/basisschema", b"iwmo/3_2/basisschema")
        .replace(b"<jw302:BerichtCode>437", b"<jw302:BerichtCode>415")
    )
    [outcome] = services.offer(world.a_user, world.aanbieder, "iwmo", "w.xml", data)
    assert [f.code for f in outcome.findings] == ["KP007"]
    assert "WMO302" in outcome.findings[0].text


def test_a_bericht_code_that_does_not_fit_the_type(world):
    data = jw301().replace(b"<jw301:BerichtCode>436", b"<jw301:BerichtCode>414")
    assert codes(world, data) == [["KP008"]]


def test_xsd_errors_have_line_numbers_and_no_values(world):
    data = jw301().replace(
        b"<jw301:Geslacht>1</jw301:Geslacht>", b"<jw301:Geslacht>7</jw301:Geslacht>", 1
    )
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "x.xml", data)
    [finding] = outcome.findings
    line = data[: data.index(b"<jw301:Geslacht>7")].count(b"\n") + 1
    assert finding.code == "XSD" and finding.location.startswith(f"regel {line},")
    assert "Geslacht" in finding.location and "'7'" not in finding.text


def test_later_checks_are_reported_together_with_the_xsd(world):
    data = (
        jw301(afzender="0999")
        .replace(b"<jw301:Geslacht>1</jw301:Geslacht>", b"<jw301:Geslacht>7</jw301:Geslacht>", 1)
        .replace(b"999900006", b"123456789")
    )
    [found] = codes(world, data)
    assert found == ["XSD", "KP010", "CS002"]


def test_a_foreign_sender(world):
    assert codes(world, jw301(afzender="0999")) == [["KP010"]]


def test_an_unknown_receiver(world):
    assert codes(world, jw301(ontvanger="12345678")) == [["KP011"]]


def test_a_receiver_without_the_product(world):
    OrganisationFactory(
        type=OrganisationType.ZORGAANBIEDER, gemeentecode="", agb_code="11112222", products=["iwmo"]
    )
    assert codes(world, jw301(ontvanger="11112222")) == [["KP012"]]


def test_a_receiver_without_its_agreements(world):
    OrganisationFactory(
        type=OrganisationType.ZORGAANBIEDER,
        gemeentecode="",
        agb_code="11113333",
        agreements_signed=False,
    )
    assert codes(world, jw301(ontvanger="11113333")) == [["KP013"]]


def test_sending_to_oneself(world):
    other = OrganisationFactory(gemeentecode="0777")
    from .conftest import gebruiker

    user = gebruiker(other)
    data = jw301(afzender="0777", ontvanger="0777")
    # The XSD wants an AGB-code as the JW301's Ontvanger; the header check says why as well.
    assert "KP014" in codes(world, data, user=user, organisation=other)[0]


def test_a_duplicate_says_the_portal_checks_it_up_front(world):
    ident = new_id()
    assert codes(world, jw301(ident)) == [[]]
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "b.xml", jw301(ident))
    [finding] = outcome.findings
    assert (finding.code, finding.retourcode) == ("TR056", "9056")
    assert "Knooppunt controleert het al bij het aanbieden" in finding.text


def test_a_retour_must_come_from_the_headers_ontvanger(world):
    codes(world, jw301("H5"))
    data = jw302("H5", ontvanger="0999")
    assert "IV028" in codes(world, data, user=world.a_user, organisation=world.aanbieder)[0]


def test_a_retour_without_its_heen_bericht(world):
    data = jw302("ONBEKEND")
    assert codes(world, data, user=world.a_user, organisation=world.aanbieder) == [["IV028"]]


def test_the_11_proef(world):
    data = jw301().replace(b"999900006", b"123456789")
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "x.xml", data)
    [finding] = outcome.findings
    assert finding.code == "CS002" and "/Bericht/Client/Bsn" in finding.location
    assert "123456789" not in finding.text + finding.location


def test_tr018_einddatum_before_begindatum(world):
    data = jw301().replace(b"<jw301:Einddatum>2026-07-14", b"<jw301:Einddatum>2026-03-01")
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "x.xml", data)
    [finding] = outcome.findings
    assert (finding.code, finding.retourcode) == ("TR018", "0001")
    assert "ToegewezenProduct[1]/Einddatum" in finding.location


def test_tr101_a_line_twice(world):
    data = jw301("D1")
    close = b"</jw301:ToegewezenProduct>"
    line = data[data.index(b"<jw301:ToegewezenProduct>") : data.index(close) + len(close)]
    data = data.replace(line, line + line, 1)
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "x.xml", data)
    assert [(f.code, f.retourcode) for f in outcome.findings] == [("TR101", "0001")]


def test_a_filename_with_path_parts(world):
    assert codes(world, jw301(), filename="../../etc/jw301.xml") == [["KP023"]]
    assert codes(world, _zip([("map/a.xml", jw301())]), filename="b.zip") == [["KP023"]]


def test_a_zip_inside_a_zip(world):
    inner = _zip([("a.xml", jw301())])
    assert codes(world, _zip([("binnen.zip", inner), ("b.dat", inner)]), filename="b.zip") == [
        ["KP021"],
        ["KP021"],
    ]


def test_a_zip_bomb_is_bounded(world, settings):
    settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES = 1_000_000
    bomb = _zip([(f"{n}.xml", b"<a>" + b" " * 600_000 + b"</a>") for n in range(2)])
    assert len(bomb) < 10_000
    assert codes(world, bomb, filename="bom.zip") == [["KP022"]]


def test_a_zip_whose_directory_lies_about_sizes_is_still_bounded(world, settings):
    settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES = 1_000_000
    data = bytearray(_zip([("a.xml", b"<a>" + b" " * 2_000_000 + b"</a>")]))
    # Claim 10 bytes unpacked in the central directory and the local header.
    size = (2_000_007).to_bytes(4, "little")
    data = bytes(data).replace(size, (10).to_bytes(4, "little"))
    assert codes(world, data, filename="a.zip")[0][0] in ("KP022", "KP025")


def test_too_many_files_in_a_zip(world, settings):
    settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_FILES = 3
    assert codes(world, _zip([(f"{n}.xml", jw301()) for n in range(4)]), filename="a.zip") == [
        ["KP020"]
    ]


def test_a_broken_zip(world):
    assert codes(world, b"PK\x03\x04 kapot", filename="a.zip") == [["KP025"]]


def test_nothing_is_stored_for_any_refusal(world):
    for data in (b"", BILLION_LAUGHS, XXE, wmo301(), jw301(afzender="0999")):
        services.offer(world.g_user, world.gemeente, "ijw", "x.xml", data)
    assert not Message.objects.exists()


def test_the_command_line_pipeline_needs_no_organisation():
    report = check_file(jw301(afzender="0999"), "x.xml")
    assert report.ok  # the header's organisations are not checked without one


def test_every_bad_input_through_the_screen_is_a_dutch_list_never_a_500(client, world):
    client.force_login(world.g_user)
    url = reverse("exchange:upload")
    for name, data in [
        ("leeg.xml", b""),
        ("b.xml", BILLION_LAUGHS),
        ("x.xml", XXE),
        ("p.pdf", b"%PDF-1.4"),
        ("z.zip", _zip([("a.zip", _zip([("a.xml", b"<a/>")]))])),
        ("u.xml", jw301().decode().replace("UTF-8", "UTF-16").encode("utf-16")),
        ("w.xml", wmo301()),
    ]:
        response = client.post(
            url, {"product": "ijw", "actie": "aanbieden", "bestand": _upload(name, data)}
        )
        assert response.status_code in (400, 422), (name, response.status_code)
        page = body(response)
        assert "Afgekeurd" in page or "verplicht" in page.lower() or "leeg" in page, name
    assert not Message.objects.exists()


def test_the_upload_screen_checks_sends_and_reports(client, world):
    client.force_login(world.g_user)
    url = reverse("exchange:upload")
    checked = client.post(
        url, {"product": "ijw", "actie": "controleren", "bestand": _upload("a.xml", jw301("U1"))}
    )
    assert "Goedgekeurd" in body(checked) and not Message.objects.exists()
    report = client.post(
        url, {"product": "ijw", "actie": "rapport", "bestand": _upload("a.xml", b"geen xml")}
    )
    assert report["Content-Type"] == "application/xml" and b"<Fout>" in report.content
    assert b"<Code>KP003</Code>" in report.content
    sent = client.post(
        url, {"product": "ijw", "actie": "aanbieden", "bestand": _upload("a.xml", jw301("U1"))}
    )
    assert "Aangeboden" in body(sent) and Message.objects.count() == 1
    refused = client.post(
        url, {"product": "ijw", "actie": "aanbieden", "bestand": _upload("a.xml", jw301("U1"))}
    )
    assert refused.status_code == 422 and "TR056" in body(refused)
    listing = body(client.get(reverse("exchange:refusals")))
    assert "a.xml" in listing and "TR056" in listing
    from knooppunt.exchange.models import Refusal

    refusal = Refusal.objects.get()
    xml = client.get(reverse("exchange:refusal_report", args=[refusal.pk])).content
    assert b"<Rapport>" in xml and b"<Retourcode>9056</Retourcode>" in xml and b"<Locatie>" in xml


def test_an_upload_larger_than_allowed_is_refused_before_it_is_read(client, world, settings):
    settings.KNOOPPUNT_EXCHANGE_MAX_FILE_BYTES = 10
    client.force_login(world.g_user)
    response = client.post(
        reverse("exchange:upload"),
        {"product": "ijw", "actie": "aanbieden", "bestand": _upload("a.xml", b"x" * 100_000)},
    )
    assert response.status_code == 413 and "Knooppunt neemt bestanden tot" in body(response)


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_large_file_is_validated_beside_the_other_checks(world, monkeypatch):
    """Above PARALLEL_FROM the XSD runs in a thread of its own: its findings still come first,
    with the header's and the rules' after them."""
    monkeypatch.setattr("knooppunt.exchange.validation.pipeline.PARALLEL_FROM", 10)
    data = (
        jw301(afzender="0999")
        .replace(b"<jw301:Geslacht>1</jw301:Geslacht>", b"<jw301:Geslacht>7</jw301:Geslacht>", 1)
        .replace(b"999900006", b"123456789")
    )
    assert codes(world, data) == [["XSD", "KP010", "CS002"]]
