"""Who may do what with an "Aanmelden gebruikersbeheerder" request."""

from knooppunt.access.principals import Principal
from knooppunt.access.rules import rule


@rule("aanmelding.submit", anonymous=True)
def _submit(actor: Principal, obj) -> bool:
    """The form is public: an organisation without an administrator has no one to log in."""
    return True


@rule("aanmelding.review")
def _review(actor: Principal, aanmelding) -> bool:
    """The operator checks requests, reads their documents, accepts or rejects them."""
    return actor.is_operator
