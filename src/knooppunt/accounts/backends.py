"""Password authentication for the login page."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

User = get_user_model()


class PasswordBackend(ModelBackend):
    """Django's password check for every status, so the login service can tell a person who knows
    the password that the account is expired or deactivated (and nobody else). Sessions, through
    `get_user`, only ever load active users: a deactivated user's session ends at once."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # The manager's get_by_natural_key normalises the name (usernames.normalise_login_name).
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        return True

    def get_user(self, user_id):
        try:
            user = User.objects.get_with_organisation(user_id)
        except User.DoesNotExist:
            return None
        return user if user.is_active else None
