import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_default_applications")]

    operations = [
        migrations.AlterField(
            model_name="apikey",
            name="application",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_keys",
                to="accounts.application",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="apikey", name="accounts_apikey_one_active_per_env"
        ),
        migrations.AddConstraint(
            model_name="apikey",
            constraint=models.UniqueConstraint(
                condition=models.Q(("retired_at__isnull", True)),
                fields=("application", "environment"),
                name="accounts_apikey_one_active_per_app_env",
            ),
        ),
        migrations.RemoveField(model_name="user", name="async_response_url"),
    ]
