"""factory-boy factories shared by every app's tests."""

import datetime

import factory
from django.utils import timezone

from knooppunt.access.models import Product, RoleGrant
from knooppunt.accounts.models import Status, User
from knooppunt.organisations.models import Agreement, EmailDomain, Organisation, OrganisationType

TEST_PASSWORD = "Voorbeeld#Sterk42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    naam = factory.Sequence(lambda n: f"Gemeente Proef {n}")
    type = OrganisationType.GEMEENTE
    gemeentecode = factory.Sequence(lambda n: f"{1000 + n % 8999:04d}")
    kvk_nummer = factory.Sequence(lambda n: f"{20000000 + n:08d}")
    woonplaats = "Proefdorp"

    @factory.post_generation
    def agreements_signed(self, create, extracted, **kwargs):
        """Signed by default; pass agreements_signed=False for an organisation behind the gate."""
        if not create or extracted is False:
            return
        for kind in self.required_agreement_kinds():
            Agreement.objects.create(
                organisation=self, kind=kind, signed_on=datetime.date(2026, 1, 1)
            )

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["iwmo", "ijw", "wlz-registertoets"]
            self.products.set(Product.objects.filter(code__in=codes))

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if create:
            for domain in extracted or []:
                EmailDomain.objects.create(organisation=self, domain=domain)


class OperatorOrganisationFactory(OrganisationFactory):
    naam = factory.Sequence(lambda n: f"Beheerorganisatie {n}")
    type = OrganisationType.OPERATOR
    gemeentecode = ""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    voorletters = "P"
    voornaam = "Piet"
    achternaam = factory.Sequence(lambda n: f"Proefpersoon{n}")
    username = factory.Sequence(lambda n: f"gebruiker{n}")
    email = factory.Sequence(lambda n: f"medewerker{n}@proef.example")
    status = Status.ACTIVE
    last_login = factory.LazyFunction(timezone.now)
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class AdministratorFactory(UserFactory):
    is_administrator = True


class OperatorUserFactory(UserFactory):
    organisation = factory.SubFactory(OperatorOrganisationFactory)


def grant(user, product_code: str, role: str, active: bool = True) -> RoleGrant:
    return RoleGrant.objects.create(
        user=user, product=Product.objects.get(code=product_code), role=role, active=active
    )


def pdf_bytes(text: str = "Ondertekend") -> bytes:
    """A small, well-formed PDF of one page (an uploaded signed agreement)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def application(organisation_type: str = OrganisationType.GEMEENTE, **fields):
    """A submitted "Aanmelden gebruikersbeheerder" request with its signed agreements."""
    import hashlib

    from knooppunt.aanmelding.models import Aanmelding, Document
    from knooppunt.organisations.models import AgreementKind

    values = {
        "organisation_type": organisation_type,
        "naam": "Gemeente Nieuwdorp",
        "kvk_nummer": "87654321",
        "gemeentecode": "0999" if organisation_type == OrganisationType.GEMEENTE else "",
        "agb_code": "" if organisation_type == OrganisationType.GEMEENTE else "73730099",
        "woonplaats": "Nieuwdorp",
        "email_domain": "nieuwdorp.nl",
        "voorletters": "L",
        "voornaam": "Lotte",
        "achternaam": "de Groot",
        "email": "lotte.degroot@nieuwdorp.nl",
        "ip_address": "192.0.2.10",
        **fields,
    }
    aanmelding = Aanmelding.objects.create(**values)
    for kind in AgreementKind.objects.filter(organisation_type=organisation_type):
        content = pdf_bytes(kind.naam)
        Document.objects.create(
            aanmelding=aanmelding,
            kind=kind,
            filename=f"{kind.code}.pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
        )
    return aanmelding
