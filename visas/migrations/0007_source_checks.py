"""Source checks: what `check_sources` last found at each source's web address.

The "Immigration advisers" group may view checks and change them (marking a change reviewed);
only the command creates them, and they go when their source is deleted.
"""

import django.db.models.deletion
from django.db import migrations, models

GROUP_NAME = "Immigration advisers"
CODENAMES = ["view_sourcecheck", "change_sourcecheck"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("visas")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = Permission.objects.filter(
        content_type__app_label="visas", codename__in=CODENAMES
    )
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

    dependencies = [
        ('visas', '0006_groups_restrict_delete'),
    ]

    operations = [
        migrations.CreateModel(
            name='SourceCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(help_text='The web address that was checked.', max_length=500)),
                ('status', models.CharField(choices=[('ok', 'OK'), ('changed', 'Changed since last reviewed'), ('moved', 'Moved (permanent redirect)'), ('broken', 'Broken (error from the server)'), ('unreachable', 'Unreachable (no answer)')], max_length=12)),
                ('http_status', models.PositiveSmallIntegerField(blank=True, help_text='The final HTTP status; empty when nothing answered.', null=True)),
                ('final_url', models.CharField(blank=True, help_text='Where the address led after redirects.', max_length=2000)),
                ('content_hash', models.CharField(blank=True, help_text='SHA-256 of the page as last fetched.', max_length=64)),
                ('baseline_hash', models.CharField(blank=True, help_text='SHA-256 of the page advisers know: as first fetched, or when last reviewed.', max_length=64)),
                ('detail', models.CharField(blank=True, max_length=300)),
                ('checked_at', models.DateTimeField()),
                ('status_since', models.DateTimeField(help_text='When the check first found this status.')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('reviewed_by', models.CharField(blank=True, max_length=150)),
                ('source', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='last_check', to='visas.source')),
            ],
        ),
        migrations.RunPython(grant, revoke),
    ]
