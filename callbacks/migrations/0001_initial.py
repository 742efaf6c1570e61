# The callback models move here from the sandbox app (issue 12) with their tables: this
# migration creates them in the migration state only. The tables were created by
# sandbox 0003_callbacks and keep their names (db_table), as do their indexes and
# constraints, so no database operation runs and no row is copied.
# sandbox 0004_callbacks_to_own_app removes them from the sandbox's state.

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('sandbox', '0003_callbacks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='CallbackDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('operation', models.CharField(help_text='catalogue slug of the API', max_length=50)),
                ('conversation_id', models.CharField(blank=True, max_length=40)),
                ('url', models.URLField(max_length=500)),
                ('payload', models.JSONField(default=dict)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('delivered', 'Delivered'), ('failed', 'Failed')], default='pending', max_length=10)),
                ('attempt_count', models.PositiveSmallIntegerField(default=0)),
                ('max_attempts', models.PositiveSmallIntegerField()),
                ('next_attempt_at', models.DateTimeField()),
                ('claimed_until', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.CharField(blank=True, max_length=500)),
                ('acknowledged_code', models.CharField(blank=True, help_text="output_ResponseCode of the listener's answer", max_length=40)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('delivered_at', models.DateTimeField(blank=True, null=True)),
                ('api_call', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='callback_deliveries', to='sandbox.apicall')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='callback_deliveries', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'callback deliveries',
                'db_table': 'sandbox_callbackdelivery',
                'indexes': [
                    models.Index(fields=['status', 'next_attempt_at'], name='sandbox_cbdelivery_sweep'),
                    models.Index(fields=['user', '-created_at'], name='sandbox_cbdelivery_user'),
                ],
            },
        ),
        migrations.CreateModel(
            name='CallbackSigningSecret',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('secret_encrypted', models.TextField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('rotated_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='callback_signing_secret', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'callback signing secret',
                'db_table': 'sandbox_callbacksigningsecret',
            },
        ),
        migrations.CreateModel(
            name='DeliveryAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('url', models.URLField(max_length=500)),
                ('started_at', models.DateTimeField()),
                ('duration_ms', models.FloatField(default=0)),
                ('http_status', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('is_success', models.BooleanField(default=False)),
                ('error', models.CharField(blank=True, max_length=500)),
                ('response_excerpt', models.TextField(blank=True)),
                ('delivery', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='callbacks.callbackdelivery')),
            ],
            options={
                'ordering': ['delivery', 'number'],
                'db_table': 'sandbox_deliveryattempt',
                'constraints': [
                    models.UniqueConstraint(fields=('delivery', 'number'), name='sandbox_deliveryattempt_unique_number'),
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
