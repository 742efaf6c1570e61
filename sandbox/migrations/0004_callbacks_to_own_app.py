# The callback models now belong to the callbacks app (issue 12; callbacks
# 0001_initial takes them into its state with the same tables). Here they leave the
# sandbox's migration state only: the tables, their rows, indexes and constraints stay
# as they are.
#
# Their content types move with them, so the permissions granted on them (and admin log
# entries pointing at them) keep working; on a fresh database there are none yet.

from django.db import migrations

MODELS = ('callbackdelivery', 'callbacksigningsecret', 'deliveryattempt')


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        # A content type already made for the new label (post_migrate of a database
        # migrated back and forth) wins: relabelling the old one would break uniqueness.
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, 'sandbox', 'callbacks')


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, 'callbacks', 'sandbox')


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox', '0003_callbacks'),
        ('callbacks', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='DeliveryAttempt'),
                migrations.DeleteModel(name='CallbackDelivery'),
                migrations.DeleteModel(name='CallbackSigningSecret'),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
