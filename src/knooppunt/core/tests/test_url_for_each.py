"""A URL reversed once for a whole list (core.http.url_for_each)."""

from django.urls import reverse

from knooppunt.core.http import url_for_each


def test_a_url_reversed_once_for_a_list_is_the_url_of_each_id():
    delete = url_for_each("usermanagement:user_delete", "?terug=lijst")
    for pk in (1, 42, 987654321, 10**12):
        assert delete(pk) == reverse("usermanagement:user_delete", args=[pk]) + "?terug=lijst"
