"""The "Immigration advisers" group may edit the exchange rates (and see their history)."""

from django.db import migrations

GROUP_NAME = "Immigration advisers"
NEW_MODELS = ["exchangerate"]


def codenames() -> list[str]:
    names = [
        f"{action}_{model}" for model in NEW_MODELS for action in ("add", "change", "delete", "view")
    ]
    names += [f"view_historical{model}" for model in NEW_MODELS]
    return names


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("visas")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = Permission.objects.filter(
        content_type__app_label="visas", codename__in=codenames()
    )
    missing = sorted(set(codenames()) - {p.codename for p in permissions})
    if missing:
        raise RuntimeError(f"Permissions missing for the advisers group: {missing}")
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="visas", codename__in=codenames())
        )


class Migration(migrations.Migration):
    dependencies = [("visas", "0012_exchange_rates")]

    operations = [migrations.RunPython(grant, revoke)]
