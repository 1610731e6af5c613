"""Reports from applicants that an item is wrong or out of date; advisers work through them."""

import django.db.models.deletion
from django.db import migrations, models

GROUP_NAME = "Immigration advisers"
CODENAMES = ["view_report", "change_report", "delete_report"]  # reports come from applicants


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("visas")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = Permission.objects.filter(content_type__app_label="visas", codename__in=CODENAMES)
    missing = sorted(set(CODENAMES) - {p.codename for p in permissions})
    if missing:
        raise RuntimeError(f"Permissions missing for the advisers group: {missing}")
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="visas", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("visas", "0007_source_checks")]

    operations = [
        migrations.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "item_kind",
                    models.CharField(
                        choices=[
                            ("criterion", "Requirement"),
                            ("points", "Points table"),
                            ("figure", "Key figure"),
                            ("caveat", "Caveat"),
                        ],
                        max_length=12,
                    ),
                ),
                ("item_id", models.PositiveIntegerField()),
                (
                    "item_text",
                    models.CharField(
                        help_text="The item as the reporter saw it (it may have changed since).",
                        max_length=500,
                    ),
                ),
                ("message", models.TextField(max_length=2000, verbose_name="what is wrong")),
                (
                    "source_url",
                    models.URLField(blank=True, max_length=500, verbose_name="source given"),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True,
                        help_text="Only to ask the reporter about the report.",
                        max_length=254,
                    ),
                ),
                (
                    "answers",
                    models.JSONField(
                        blank=True,
                        help_text="The reporter's answers, only if they chose to attach them.",
                        null=True,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("accepted", "Accepted (the content was or will be corrected)"),
                            ("rejected", "Rejected (the content is right)"),
                        ],
                        db_index=True,
                        default="new",
                        max_length=10,
                    ),
                ),
                ("adviser_note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reports",
                        to="visas.program",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        fields=["item_kind", "item_id"], name="visas_repor_item_ki_47db2b_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
