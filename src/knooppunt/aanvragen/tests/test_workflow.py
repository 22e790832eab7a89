"""The services of Wlz-aanvragen: the profile rule, the checks of the client's data, the
checklist, every status transition (allowed and refused), the deadlines with the paused clock,
the history and the status mails."""

import datetime
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from knooppunt.aanvragen import services, termijnen, workflow
from knooppunt.aanvragen.models import (
    Aanvraag,
    Bijlage,
    ChecklistItem,
    Ondertekening,
    Status,
    Wijziging,
)
from knooppunt.aanvragen.services import Onvolledig, Upload
from knooppunt.aanvragen.soorten import PROFIEL_SOORTEN, Soort
from knooppunt.access.rules import AccessRefused
from knooppunt.audit.models import AuditEvent
from knooppunt.organisations.models import AANVRAAGSOORTEN

from . import files
from .conftest import BSN, data, submitted, uploads_for

pytestmark = pytest.mark.django_db


def errors_of(exc) -> str:
    return " ".join(exc.value.messages)


# --- the profile ------------------------------------------------------------------------------


def test_the_kinds_per_profile_are_the_organisation_pages_table():
    for profile, kinds in PROFIEL_SOORTEN.items():
        labels = [str(label) for label in AANVRAAGSOORTEN[profile]]
        assert len(labels) == len(kinds)
    assert Soort.PARTNERVERBLIJF in PROFIEL_SOORTEN["volledig"]
    assert Soort.PARTNERVERBLIJF not in PROFIEL_SOORTEN["basis"]


def test_basis_may_not_submit_partnerverblijf_even_when_asked_directly(world):
    with pytest.raises(ValidationError) as exc:
        services.create_draft(world.basis_user, "partnerverblijf", data())
    assert (
        "Het profiel Basis van uw organisatie staat de aanvraagsoort Partnerverblijf niet toe"
        in errors_of(exc)
    )
    assert not Aanvraag.objects.exists()
    for soort in ("regulier", "wzd-artikel-21"):
        assert services.create_draft(world.basis_user, soort, data()).soort == soort


def test_volledig_may_submit_partnerverblijf(world):
    aanvraag = submitted(world.user, "partnerverblijf")
    assert aanvraag.status == Status.INGEDIEND


def test_an_unknown_kind_is_a_clear_error(world):
    with pytest.raises(ValidationError) as exc:
        services.create_draft(world.user, "herindicatie", data())
    assert "Kies een aanvraagsoort" in errors_of(exc)


def test_without_the_gebruiker_role_nothing_is_created(world):
    from knooppunt.access.rules import AccessRefused
    from knooppunt.testing.factories import UserFactory

    with pytest.raises(AccessRefused):
        services.create_draft(UserFactory(organisation=world.organisation), "regulier", data())


# --- the client's data ------------------------------------------------------------------------


@pytest.mark.parametrize("bsn", ["123456789", "12345678", "abcdefghi", "1234567890"])
def test_a_bsn_failing_the_11_proef_is_refused_and_nothing_saved(world, bsn):
    with pytest.raises(ValidationError) as exc:
        services.create_draft(world.user, "regulier", data(bsn=bsn), uploads_for("regulier"))
    assert exc.value.message_dict["bsn"] == [
        "Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan."
    ]
    assert not Aanvraag.objects.exists() and not Bijlage.objects.exists()


def test_the_bsn_is_stored_as_a_keyed_hash_and_encrypted(world):
    from django.db import connection

    aanvraag = services.create_draft(world.user, "regulier", data(bsn="1112 22333"))
    aanvraag.refresh_from_db()
    assert aanvraag.bsn == BSN
    assert len(aanvraag.bsn_hash) == 64 and BSN not in aanvraag.bsn_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT bsn, bsn_hash FROM aanvragen_aanvraag")
        stored, hashed = cursor.fetchone()
    assert BSN not in stored and BSN not in hashed


def test_a_date_of_birth_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.create_draft(world.user, "regulier", data(geboortedatum=tomorrow))
    assert exc.value.message_dict["geboortedatum"] == [
        "De geboortedatum kan niet in de toekomst liggen."
    ]
    assert not Aanvraag.objects.exists()


def test_a_phone_number_that_is_none_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.create_draft(world.user, "regulier", data(aanmelder_telefoon="bel me"))
    assert "telefoonnummer" in exc.value.message_dict["aanmelder_telefoon"][0]


def test_spoed_needs_a_reason_to_submit(world):
    aanvraag = services.create_draft(
        world.user,
        "regulier",
        data(spoed=True, ondertekening="ondertekend"),
        uploads_for("regulier", signed=True),
    )
    with pytest.raises(Onvolledig) as exc:
        services.submit(world.user, aanvraag)
    assert exc.value.missing == ["reden van spoed"]


def test_a_representative_needs_a_name_and_relationship(world):
    aanvraag = services.create_draft(
        world.user, "regulier", data(ondertekenaar="vertegenwoordiger"), uploads_for("regulier")
    )
    with pytest.raises(Onvolledig) as exc:
        services.submit(world.user, aanvraag)
    assert exc.value.missing == [
        "naam van de vertegenwoordiger",
        "relatie van de vertegenwoordiger tot de cliënt",
    ]
    services.update_draft(
        world.user,
        aanvraag,
        data(
            ondertekenaar="vertegenwoordiger",
            vertegenwoordiger_naam="M. de Vries",
            vertegenwoordiger_relatie="Dochter (mentor)",
        ),
    )
    assert services.submit(world.user, aanvraag).status == Status.INGEDIEND


def test_the_date_only_where_the_kind_has_one_and_needed_where_required(world):
    aanvraag = services.create_draft(
        world.user, "wzd-artikel-21", data(gewenste_datum=None), uploads_for("wzd-artikel-21")
    )
    with pytest.raises(Onvolledig) as exc:
        services.submit(world.user, aanvraag)
    assert exc.value.missing == ["opnamedatum"]
    regulier = services.create_draft(
        world.user, "regulier", data(gewenste_datum=None), uploads_for("regulier")
    )
    assert services.submit(world.user, regulier).status == Status.INGEDIEND


# --- the checklist ----------------------------------------------------------------------------


def test_a_concept_lists_everything_missing(world):
    aanvraag = services.create_draft(world.user, "wzd-artikel-21", {})
    assert workflow.missing(aanvraag) == [
        "BSN van de cliënt",
        "voorletters van de cliënt",
        "achternaam van de cliënt",
        "geboortedatum van de cliënt",
        "opnamedatum",
        "functie van de aanmelder",
        "telefoonnummer van de aanmelder",
        "bijlage: Medische informatie",
        "bijlage: Wzd-verklaring (artikel 21)",
    ]
    with pytest.raises(Onvolledig) as exc:
        services.submit(world.user, aanvraag)
    assert "De aanvraag is nog niet compleet. Er ontbreekt: BSN van de cliënt;" in errors_of(exc)
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.CONCEPT


@pytest.mark.parametrize(
    "soort,needed",
    [
        ("regulier", ["Medische informatie"]),
        ("wzd-artikel-21", ["Medische informatie", "Wzd-verklaring (artikel 21)"]),
        ("partnerverblijf", ["Verklaring partnerverblijf"]),
    ],
)
def test_each_kind_needs_its_checklist(world, soort, needed):
    aanvraag = services.create_draft(world.user, soort, data())
    assert workflow.missing(aanvraag) == [f"bijlage: {n}" for n in needed]


def test_the_checklist_is_data_the_operator_changes(world):
    from knooppunt.aanvragen.models import BijlageSoort

    item = ChecklistItem.objects.get(soort="regulier", bijlagesoort__code="medische-informatie")
    item.verplicht = False
    services.save_checklist_item(world.operator, item, ["verplicht"])
    extra = ChecklistItem(soort="regulier", bijlagesoort=BijlageSoort.objects.get(code="overig"))
    services.save_checklist_item(world.operator, extra, [])
    aanvraag = services.create_draft(world.user, "regulier", data())
    assert workflow.missing(aanvraag) == ["bijlage: Overige bijlage"]
    assert AuditEvent.objects.filter(action="aanvragen.checklist_changed").count() == 2


def test_signed_needs_the_signed_form(world):
    aanvraag = services.create_draft(
        world.user, "regulier", data(ondertekening="ondertekend"), uploads_for("regulier")
    )
    assert workflow.missing(aanvraag) == ["bijlage: Ondertekend aanvraagformulier"]


def test_uploading_the_signed_form_marks_it_signed(world):
    aanvraag = services.create_draft(
        world.user, "regulier", data(), uploads_for("regulier", signed=True)
    )
    assert aanvraag.ondertekening == Ondertekening.ONDERTEKEND
    assert workflow.has_signature(aanvraag)


def test_at_most_the_configured_number_of_attachments(world, settings):
    settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN = 2
    aanvraag = services.create_draft(world.user, "regulier", data(), uploads_for("regulier"))
    more = [Upload("overig", files.upload(f"o{n}.png", files.png())) for n in range(2)]
    with pytest.raises(ValidationError) as exc:
        services.update_draft(world.user, aanvraag, data(), more)
    assert "ten hoogste 2 bijlagen. Er zijn er al 1 en u voegt er 2 toe" in errors_of(exc)
    assert aanvraag.bijlagen.count() == 1


# --- transitions ------------------------------------------------------------------------------


def _at(world, status):
    """An application of world.user brought to `status` through the services."""
    if status == Status.CONCEPT:
        return services.create_draft(
            world.user,
            "regulier",
            data(ondertekening="ondertekend"),
            uploads_for("regulier", signed=True),
        )
    aanvraag = submitted(world.user)
    if status == Status.INGEDIEND:
        return aanvraag
    if status == Status.INGETROKKEN:
        return services.withdraw(world.user, aanvraag, "Cliënt overleden")
    aanvraag = services.confirm_receipt(world.operator, aanvraag)
    if status == Status.ONTVANGEN:
        return aanvraag
    if status == Status.OPGESCHORT:
        return services.suspend(world.operator, aanvraag, "Brief ontbreekt", ["overig"])
    aanvraag = services.start_assessment(world.operator, aanvraag)
    if status == Status.IN_BEHANDELING:
        return aanvraag
    return services.decide(world.operator, aanvraag, "toegekend", timezone.localdate())


def _steps(world):
    today = timezone.localdate()
    return {
        "submit": lambda a: services.submit(world.user, a),
        "confirm_receipt": lambda a: services.confirm_receipt(world.operator, a),
        "start_assessment": lambda a: services.start_assessment(world.operator, a),
        "suspend": lambda a: services.suspend(world.operator, a, "Reden", ["handtekening"]),
        "supplement": lambda a: services.supplement(
            world.user, a, [Upload("overig", files.upload("brief.pdf", files.pdf()))]
        ),
        "decide": lambda a: services.decide(world.operator, a, "afgewezen", today),
        "withdraw": lambda a: services.withdraw(world.user, a, "Niet meer nodig"),
    }


ALLOWED = {
    "submit": {Status.CONCEPT: Status.INGEDIEND},
    "confirm_receipt": {Status.INGEDIEND: Status.ONTVANGEN},
    "start_assessment": {Status.ONTVANGEN: Status.IN_BEHANDELING},
    "suspend": {Status.ONTVANGEN: Status.OPGESCHORT, Status.IN_BEHANDELING: Status.OPGESCHORT},
    "supplement": {Status.OPGESCHORT: Status.ONTVANGEN},
    "decide": {Status.IN_BEHANDELING: Status.BESLUIT},
    "withdraw": {
        Status.INGEDIEND: Status.INGETROKKEN,
        Status.ONTVANGEN: Status.INGETROKKEN,
        Status.IN_BEHANDELING: Status.INGETROKKEN,
        Status.OPGESCHORT: Status.INGETROKKEN,
    },
}
STATUSES = [
    Status.CONCEPT,
    Status.INGEDIEND,
    Status.ONTVANGEN,
    Status.IN_BEHANDELING,
    Status.OPGESCHORT,
    Status.BESLUIT,
    Status.INGETROKKEN,
]


@pytest.mark.parametrize("step,status", list(itertools.product(ALLOWED, STATUSES)))
def test_every_transition_allowed_or_refused(world, step, status):
    aanvraag = _at(world, status)
    assert aanvraag.status == status
    history = aanvraag.historie.count()
    expected = ALLOWED[step].get(status)
    operator_step = step in ("confirm_receipt", "start_assessment", "suspend", "decide")
    if expected is None and status == Status.CONCEPT and operator_step:
        with pytest.raises(AccessRefused):  # a concept is the submitter's alone: a 404
            _steps(world)[step](aanvraag)
    elif expected is None:
        with pytest.raises(ValidationError) as exc:
            _steps(world)[step](aanvraag)
        label = Status(status).label
        assert f"kan niet bij een aanvraag met de status {label}; dat kan alleen" in (
            errors_of(exc)
        )
        aanvraag.refresh_from_db()
        assert aanvraag.status == status
        assert aanvraag.historie.count() == history
    else:
        result = _steps(world)[step](aanvraag)
        assert result.status == expected
        line = result.historie.last()
        assert (line.van_status, line.naar_status) == (status, expected)


def test_deciding_too_early_and_withdrawing_after_the_decision_say_why(world):
    with pytest.raises(ValidationError) as exc:
        services.decide(world.operator, _at(world, Status.ONTVANGEN), "toegekend", None)
    assert errors_of(exc) == (
        "Een besluit nemen kan niet bij een aanvraag met de status Ontvangen; dat kan alleen bij "
        "de status In behandeling."
    )
    with pytest.raises(ValidationError) as exc:
        services.withdraw(world.user, _at(world, Status.BESLUIT), "Toch niet")
    assert errors_of(exc) == (
        "Intrekken kan niet bij een aanvraag met de status Besluit; dat kan alleen bij de "
        "statussen Ingediend, Ontvangen, In behandeling of Opgeschort."
    )


def test_the_operator_never_sees_a_concept(world):
    from knooppunt.access.rules import AccessRefused

    with pytest.raises(AccessRefused):
        services.confirm_receipt(world.operator, _at(world, Status.CONCEPT))


def test_another_organisation_cannot_touch_it(world):
    from knooppunt.access.rules import AccessRefused

    aanvraag = _at(world, Status.INGEDIEND)
    for call in (
        lambda: services.withdraw(world.other_user, aanvraag, "x"),
        lambda: services.record_opened(world.other_user, aanvraag),
        lambda: services.confirm_receipt(world.other_user, aanvraag),
    ):
        with pytest.raises(AccessRefused):
            call()


def test_assessment_needs_the_signature(world):
    aanvraag = services.confirm_receipt(world.operator, submitted(world.user, signed=False))
    with pytest.raises(ValidationError) as exc:
        services.start_assessment(world.operator, aanvraag)
    assert "De handtekening van de aanvrager ontbreekt nog" in errors_of(exc)


def test_a_decision_needs_an_outcome_and_a_date_not_in_the_future(world):
    aanvraag = _at(world, Status.IN_BEHANDELING)
    with pytest.raises(ValidationError) as exc:
        services.decide(world.operator, aanvraag, "misschien", None)
    assert set(exc.value.message_dict) == {"uitkomst", "besluitdatum"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.decide(world.operator, aanvraag, "toegekend", tomorrow)
    assert exc.value.message_dict["besluitdatum"] == [
        "De besluitdatum kan niet in de toekomst liggen."
    ]


def test_suspending_needs_a_reason_and_what_is_needed(world):
    aanvraag = _at(world, Status.ONTVANGEN)
    with pytest.raises(ValidationError) as exc:
        services.suspend(world.operator, aanvraag, "", ["handtekening"])
    assert "reden" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.suspend(world.operator, aanvraag, "Brief", [])
    assert "nodig" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.suspend(world.operator, aanvraag, "Brief", ["onzin"])


def test_supplementing_resumes_only_with_what_was_asked(world):
    aanvraag = services.confirm_receipt(world.operator, submitted(world.user, signed=False))
    aanvraag = services.suspend(world.operator, aanvraag, "Zonder handtekening", ["handtekening"])
    with pytest.raises(ValidationError) as exc:
        services.supplement(
            world.user, aanvraag, [Upload("overig", files.upload("brief.pdf", files.pdf()))]
        )
    assert "Er ontbreekt nog: de handtekening" in errors_of(exc)
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.OPGESCHORT and aanvraag.bijlagen.count() == 1
    aanvraag = services.supplement(
        world.user,
        aanvraag,
        [Upload("ondertekening", files.upload("getekend.jpg", files.jpeg()))],
        "Getekend door de dochter",
    )
    assert aanvraag.status == Status.ONTVANGEN
    assert aanvraag.ondertekening == Ondertekening.ONDERTEKEND
    assert services.start_assessment(world.operator, aanvraag).status == Status.IN_BEHANDELING


# --- deadlines --------------------------------------------------------------------------------


def test_the_decision_is_due_in_6_weeks_or_2_when_spoed(world):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        regular = submitted(world.user)
        urgent = submitted(world.user, spoed=True, spoed_reden="Mantelzorger valt weg")
    assert regular.termijn_tot == datetime.datetime(2026, 4, 13, 10, 0, tzinfo=datetime.UTC)
    assert urgent.termijn_tot == datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)


def test_receipt_within_3_werkdagen_skips_weekend_and_holidays(world):
    # Thursday 2 April 2026: Goede Vrijdag is a werkdag under the Algemene termijnenwet,
    # Tweede Paasdag (6 April) is not.
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC)):
        aanvraag = submitted(world.user)
    local = timezone.localtime(aanvraag.ontvangst_uiterlijk)
    assert local.date() == datetime.date(2026, 4, 8)  # Fri 3, (Mon 6 holiday), Tue 7, Wed 8
    with time_machine.travel(datetime.datetime(2026, 4, 9, 9, 0, tzinfo=datetime.UTC)):
        assert termijnen.termijn(aanvraag).receipt_late
        assert Aanvraag.objects.filter(termijnen.late_q()).count() == 1
        services.confirm_receipt(world.operator, aanvraag)
        aanvraag.refresh_from_db()
        assert not termijnen.termijn(aanvraag).receipt_late


def test_the_clock_pauses_while_suspended(world):
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        aanvraag = services.confirm_receipt(world.operator, submitted(world.user, signed=False))
        due = aanvraag.termijn_tot
        traveller.shift(datetime.timedelta(days=10))
        aanvraag = services.suspend(world.operator, aanvraag, "Handtekening", ["handtekening"])
        traveller.shift(datetime.timedelta(days=40))  # past the original deadline
        state = termijnen.termijn(aanvraag)
        assert state.paused and not state.late
        assert state.deadline == due + datetime.timedelta(days=40)
        assert state.days_left == 32  # 42 - 10: the days left when it stopped
        assert not Aanvraag.objects.filter(termijnen.late_q()).exists()
        aanvraag = services.supplement(
            world.user, aanvraag, [Upload("ondertekening", files.upload("h.png", files.png()))]
        )
        assert aanvraag.termijn_tot == due + datetime.timedelta(days=40)
        assert aanvraag.opgeschort_duur == datetime.timedelta(days=40)
        traveller.shift(datetime.timedelta(days=33))
        aanvraag.refresh_from_db()
        assert termijnen.termijn(aanvraag).late
        assert Aanvraag.objects.filter(termijnen.late_q()).get() == aanvraag


def test_a_decision_after_the_deadline_is_marked_late(world):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)) as t:
        aanvraag = _at(world, Status.IN_BEHANDELING)
        t.shift(datetime.timedelta(weeks=7))
        assert termijnen.termijn(aanvraag).late
        aanvraag = services.decide(world.operator, aanvraag, "toegekend", timezone.localdate())
        state = termijnen.termijn(aanvraag)
        assert state.decided_late and not state.late


# --- history and mails ------------------------------------------------------------------------


def test_every_change_is_in_the_history_with_who_when_and_comment(world):
    aanvraag = _at(world, Status.BESLUIT)
    lines = list(aanvraag.historie.values_list("van_status", "naar_status", "door"))
    assert lines == [
        ("concept", "ingediend", world.user.username),
        ("ingediend", "ontvangen", "ciz"),
        ("ontvangen", "in_behandeling", "ciz"),
        ("in_behandeling", "besluit", "ciz"),
    ]
    assert Wijziging.objects.filter(aanvraag=aanvraag, opmerking="Toegekend").exists()
    events = AuditEvent.objects.filter(object_id=str(aanvraag.pk))
    actions = set(events.values_list("action", flat=True))
    assert {
        "aanvragen.submitted",
        "aanvragen.receipt_confirmed",
        "aanvragen.assessment_started",
        "aanvragen.decided",
    } <= actions


def test_each_status_change_mails_the_notification_addresses_without_personal_data(
    world, mail_outbox, monkeypatch
):
    from knooppunt.aanvragen import meldingen

    monkeypatch.setattr(
        meldingen, "addresses", lambda organisation_id: ["wlz@eigen.example", "team@eigen.example"]
    )
    aanvraag = _at(world, Status.ONTVANGEN)
    services.suspend(world.operator, aanvraag, "De handtekening van J. de Vries", ["handtekening"])
    mails = mail_outbox.to("wlz@eigen.example")
    # One mail per change; mails sent within one clock tick of the file system carry the same
    # time, so their order in the outbox is not theirs.
    assert sorted(m.subject for m in mails) == [
        f"Aanvraag ({aanvraag.pk}): Ingediend",
        f"Aanvraag ({aanvraag.pk}): Ontvangen",
        f"Aanvraag ({aanvraag.pk}): Opgeschort",
    ]
    assert len(mail_outbox.to("team@eigen.example")) == 3
    for mail in mails:
        for personal in (BSN, "Vries", "1940", "J. de", "Valt vaak"):
            assert personal not in mail.body and personal not in mail.subject
        assert f"/aanvragen/{aanvraag.pk}/" in mail.body


def test_without_products_app_the_organisation_address_stands_in(world):
    from django.apps import apps

    from knooppunt.aanvragen import meldingen

    if apps.is_installed("knooppunt.products"):
        from knooppunt.access.models import Product
        from knooppunt.products.models import NotificationAddress  # type: ignore

        NotificationAddress.objects.create(
            organisation=world.organisation,
            product=Product.objects.get(code="wlz-aanvragen"),
            email="wlz@eigen.example",
        )
        assert meldingen.addresses(world.organisation.pk) == ["wlz@eigen.example"]
    else:
        assert meldingen.addresses(world.organisation.pk) == ["meldingen@eigen.example"]
    assert meldingen.addresses(world.basis_organisation.pk) == []
