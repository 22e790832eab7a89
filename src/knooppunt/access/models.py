"""The product catalogue and the role grants (user, product, role, active) of SPEC 4."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductCode(models.TextChoices):
    IWMO = "iwmo", "iWmo"
    IJW = "ijw", "iJw"
    WLZ_REGISTERTOETS = "wlz-registertoets", "Wlz-Registertoets"
    WLZ_AANVRAGEN = "wlz-aanvragen", "Wlz-aanvragen"


class Role(models.TextChoices):
    GEBRUIKER = "gebruiker", _("Gebruiker")
    PRODUCTBEHEERDER = "productbeheerder", _("Productbeheerder")


class Product(models.Model):
    """One of the four products; the rows are created by a data migration."""

    code = models.CharField(_("code"), max_length=30, choices=ProductCode.choices, unique=True)
    naam = models.CharField(_("naam"), max_length=100)
    has_productbeheerder = models.BooleanField(_("heeft productbeheerder"), default=True)
    volgorde = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("producten")
        ordering = ["volgorde"]

    def __str__(self) -> str:
        return self.naam

    def roles(self) -> list[Role]:
        if self.has_productbeheerder:
            return [Role.GEBRUIKER, Role.PRODUCTBEHEERDER]
        return [Role.GEBRUIKER]


class RoleGrant(models.Model):
    """A user's role for a product. Deactivation keeps the row with active=False (SPEC 3)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("actief"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        constraints = [
            models.UniqueConstraint(fields=["user", "product", "role"], name="one_grant_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.get_role_display()}"
