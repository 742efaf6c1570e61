"""Every developer gets a Default application holding their keys and their Asynchronous
Response URL (the seed's "API key assigned to your profile"); nothing is lost."""

from django.db import migrations


def make_default_applications(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Application = apps.get_model("accounts", "Application")
    ApiKey = apps.get_model("accounts", "ApiKey")
    for user in User.objects.all().iterator():
        application, _ = Application.objects.get_or_create(
            user=user,
            is_default=True,
            defaults={"name": "Default", "async_response_url": user.async_response_url},
        )
        ApiKey.objects.filter(user=user).update(application=application)


def copy_urls_back(apps, schema_editor):
    Application = apps.get_model("accounts", "Application")
    User = apps.get_model("accounts", "User")
    for application in Application.objects.filter(is_default=True).iterator():
        User.objects.filter(pk=application.user_id).update(
            async_response_url=application.async_response_url
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_application")]

    operations = [migrations.RunPython(make_default_applications, copy_urls_back)]
