import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("golive", "0003_requests_to_default_application")]

    operations = [
        migrations.AlterField(
            model_name="goliverequest",
            name="application",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="golive_requests",
                to="accounts.application",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="goliverequest",
            name="golive_goliverequest_one_open_per_user",
        ),
        migrations.AddConstraint(
            model_name="goliverequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["submitted", "in_review"])),
                fields=("application",),
                name="golive_goliverequest_one_open_per_app",
            ),
        ),
        migrations.AddIndex(
            model_name="goliverequest",
            index=models.Index(
                fields=["application", "-submitted_at"], name="golive_request_app_sub"
            ),
        ),
    ]
