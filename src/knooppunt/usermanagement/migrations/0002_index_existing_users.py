from django.db import migrations


def index_existing_users(apps, schema_editor):
    from knooppunt.usermanagement.search import index_values

    User = apps.get_model("accounts", "User")
    UserSearchIndex = apps.get_model("usermanagement", "UserSearchIndex")
    batch = []
    for user in User.objects.filter(search_index__isnull=True).iterator(chunk_size=1000):
        batch.append(UserSearchIndex(user_id=user.pk, **index_values(user)))
        if len(batch) >= 1000:
            UserSearchIndex.objects.bulk_create(batch)
            batch = []
    UserSearchIndex.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("usermanagement", "0001_search_index")]

    operations = [migrations.RunPython(index_existing_users, migrations.RunPython.noop)]
