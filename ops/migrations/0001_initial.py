"""Heartbeat moves here from the portal package (which is no app any more).

The table keeps its name (`portal_heartbeat`) and its rows: the state gains the model,
and the database is only touched when the table does not exist yet, i.e. on a database
created after the move (portal's old migration no longer runs there).
"""

from django.db import migrations, models


def create_table_if_missing(apps, schema_editor):
    heartbeat = apps.get_model("ops", "Heartbeat")
    if heartbeat._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(heartbeat)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Heartbeat",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=50, unique=True)),
                        ("seen_at", models.DateTimeField()),
                    ],
                    options={"db_table": "portal_heartbeat"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(create_table_if_missing, migrations.RunPython.noop),
    ]
