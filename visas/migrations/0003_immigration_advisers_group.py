"""The "Immigration advisers" group: exactly the permissions to edit visa content.

Add, change, delete and view on the content models, view on their history; nothing about
users or groups.
"""

from django.db import migrations

GROUP_NAME = "Immigration advisers"
CONTENT_MODELS = ["program", "criterion", "caveat", "keyfigure", "source"]


def codenames() -> list[str]:
    names = [
        f"{action}_{model}"
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    names += [f"view_historical{model}" for model in CONTENT_MODELS]
    return names


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("visas")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = list(codenames())
    permissions = Permission.objects.filter(content_type__app_label="visas", codename__in=wanted)
    found = {p.codename for p in permissions}
    missing = sorted(set(wanted) - found)
    if missing:
        raise RuntimeError(f"Permissions missing for the advisers group: {missing}")
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("visas", "0002_source_url_optional"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
