from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("visas", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalsource",
            name="url",
            field=models.URLField(
                blank=True,
                help_text="Where an adviser can read it. Leave empty only when it has no known web address (e.g. a stored copy) and say so in the note.",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="url",
            field=models.URLField(
                blank=True,
                help_text="Where an adviser can read it. Leave empty only when it has no known web address (e.g. a stored copy) and say so in the note.",
                max_length=500,
            ),
        ),
    ]
