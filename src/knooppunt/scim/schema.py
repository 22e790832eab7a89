"""What the SCIM service publishes about itself (RFC 7643, RFC 7644 section 4): the User and
Group resources as Knooppunt keeps them, described with scim2-models.

The schemas name only the attributes a Knooppunt user really has (RFC 7643 lets a service
provider support a subset): a client that reads them (scim2-tester, Okta) sends nothing we would
drop. Attributes whose values follow a rule of ours carry `canonicalValues` that show the form
we store: the tussenvoegsels, a mobile number as we normalise it (+316...), nine digits of an
UZI-nummer. They are suggestions in the sense of RFC 7643 section 7; the rules of
accounts.fields decide what is accepted.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    Returned,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models import ResourceType as ResourceTypeModel
from scim2_models import Schema as SchemaModel
from scim2_models import ServiceProviderConfig as ServiceProviderConfigModel

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
EXTENSION_SCHEMA = "urn:ietf:params:scim:schemas:extension:knooppunt:2.0:User"

# The largest page a list answers (ServiceProviderConfig filter.maxResults) and the default.
MAX_RESULTS = 1000
DEFAULT_COUNT = 100
# The largest request body read (bigger: 413).
MAX_PAYLOAD = 1024 * 1024

TUSSENVOEGSELS = [
    "van",
    "de",
    "van der",
    "van den",
    "van de",
    "den",
    "der",
    "ter",
    "te",
    "het",
    "'t",
    "in 't",
    "op de",
    "van 't",
    "el",
    "la",
    "le",
]


class Name(ComplexAttribute):
    given_name: Annotated[str | None, Required.true] = Field(
        None, description="Voornaam; de voorletters worden ervan afgeleid."
    )
    family_name: Annotated[str | None, Required.true] = Field(None, description="Achternaam.")
    middle_name: str | None = Field(None, description="Tussenvoegsel.", examples=TUSSENVOEGSELS)


class Email(ComplexAttribute):
    value: Annotated[str | None, Required.true] = Field(
        None,
        description=(
            "Persoonlijk werk-e-mailadres binnen de e-maildomeinen van de organisatie; "
            "uniek onder de gebruikers die niet verwijderd zijn."
        ),
    )
    type: str | None = Field(None, examples=["work"])


class PhoneNumber(ComplexAttribute):
    value: Annotated[str | None, Required.true] = Field(
        None,
        description="Nederlands mobiel nummer voor de verificatiecode per SMS.",
        examples=["+31612345678"],
    )
    type: str | None = Field(None, examples=["mobile"])


class KnooppuntUser(Extension):
    """Wat Knooppunt verder van een gebruiker bijhoudt."""

    __schema__ = URN(EXTENSION_SCHEMA)

    uzi_nummer: str | None = Field(
        None,
        description=(
            "Het UZI-nummer (9 cijfers) uit de brief van het UZI-register, niet het pasnummer."
        ),
        examples=["123456789"],
    )


class User(Resource[Any]):
    """Een gebruiker van de organisatie."""

    __schema__ = URN(USER_SCHEMA)

    # Not required from a client: Knooppunt makes the login name (SPEC 3); it is always returned.
    user_name: Annotated[
        str | None, Mutability.read_only, Required.false, Uniqueness.server, Returned.always
    ] = Field(
        None,
        description=(
            "De inlognaam, door Knooppunt gemaakt (voorletter en achternaam); een userName van "
            "de client wordt bewaard als externalId als die geen externalId meestuurt."
        ),
    )
    name: Annotated[Name | None, Required.true] = None
    emails: Annotated[list[Email] | None, Required.true] = None
    phone_numbers: list[PhoneNumber] | None = None
    # Required: a user of ours is always either active or not (a removal would leave it
    # undefined). A client that leaves it out of a creation gets an active user.
    active: Annotated[bool | None, Required.true] = Field(
        None,
        description=(
            "Uit: gedeactiveerd (de rollen worden inactief); aan: weer actief, zonder de "
            "rollen. Weggelaten bij het aanmaken: actief."
        ),
    )


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference[User] | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    type: Annotated[str | None, Mutability.immutable] = Field(None, examples=["User"])


class Group(Resource[Any]):
    """Een productrol van de organisatie (zoals "iWmo Gebruiker"), of een eigen groep van de
    client die geen rechten geeft."""

    __schema__ = URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None


UserResource = User[KnooppuntUser]  # type: ignore[type-arg]


def service_provider_config(base_url: str) -> ServiceProviderConfigModel:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=MAX_PAYLOAD),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer-token",
                description=(
                    "Een token van de pagina Koppelingen van het gebruikersbeheer, "
                    "in de kop Authorization: Bearer <token>."
                ),
                primary=True,
            )
        ],
    )


def resource_types() -> list[ResourceTypeModel]:
    return [
        ResourceType.model_validate(
            {
                "id": "User",
                "name": "User",
                "endpoint": "/Users",
                "description": "Gebruikers van de organisatie",
                "schema": USER_SCHEMA,
                "schemaExtensions": [{"schema": EXTENSION_SCHEMA, "required": False}],
            }
        ),
        ResourceType.model_validate(
            {
                "id": "Group",
                "name": "Group",
                "endpoint": "/Groups",
                "description": "Productrollen van de organisatie en eigen groepen van de client",
                "schema": GROUP_SCHEMA,
            }
        ),
    ]


def schemas() -> list[SchemaModel]:
    return [
        User.to_schema(),
        KnooppuntUser.to_schema(),
        Group.to_schema(),
        ServiceProviderConfigModel.to_schema(),
        ResourceTypeModel.to_schema(),
        SchemaModel.to_schema(),
    ]
