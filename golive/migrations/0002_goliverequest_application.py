import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_application_owns_keys"),
        ("golive", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="goliverequest",
            name="application",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="golive_requests",
                to="accounts.application",
            ),
        ),
    ]
