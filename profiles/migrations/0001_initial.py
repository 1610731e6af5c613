from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Questionnaire",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("answers", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="Result",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=64, unique=True)),
                ("answers", models.JSONField(help_text="The answers evaluated (for a re-check with new rules).")),
                ("snapshot", models.JSONField(help_text="The evaluation of every program, as shown.")),
                ("revisions", models.JSONField(help_text="Program slug -> revision evaluated.")),
                ("priorities", models.JSONField(blank=True, default=list)),
                ("evaluated_on", models.DateField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("last_viewed_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
