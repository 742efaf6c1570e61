"""The objects the security tests aim at: an owner's report, Go Live request, callback
delivery and API key, another developer, and a staff member without any permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts import keys
from accounts.models import GatewayKeypair, User
from callbacks.models import CallbackDelivery
from callbacks.signing import get_signing_secret
from golive import services as golive_services
from golive.models import ConformanceRequirement, GoLiveRequest, ReceiverCheck
from reports.models import Report
from sandbox.models import Mandate, Transaction
from tests.golive.helpers import ready_report


@dataclass
class World:
    owner: User
    other: User
    staff: User
    report: Report
    golive_request: GoLiveRequest
    delivery: CallbackDelivery
    keypair: GatewayKeypair
    group: Group
    signing_secret: str
    transaction: Transaction
    mandate: Mandate
    conformance_requirement: ConformanceRequirement
    receiver_check: ReceiverCheck


def build_world(owner: User, other: User, staff: User) -> World:
    report = ready_report(owner)
    golive_request = golive_services.submit_request(owner, report_public_id=str(report.public_id))
    now = timezone.now()
    delivery = CallbackDelivery.objects.create(
        user=owner,
        operation="c2bPayment",
        conversation_id="owner-conversation",
        url="https://receiver.example.com/cb",
        payload={"input_ResultCode": "INS-0", "input_TransactionID": "OWNERTX0001"},
        max_attempts=8,
        next_attempt_at=now,
    )
    # Every developer of the world has a signing secret and a live page of their own.
    get_signing_secret(other)
    return World(
        conformance_requirement=ConformanceRequirement.objects.create(
            market="vodafoneGHA", item="reversal", required=True
        ),
        receiver_check=ReceiverCheck.objects.create(
            application=owner.api_key.application, url="https://receiver.example.com/cb"
        ),
        owner=owner,
        other=other,
        staff=staff,
        report=report,
        golive_request=golive_request,
        delivery=delivery,
        keypair=keys.current_keypair(),
        group=Group.objects.create(name="Security test group"),
        signing_secret=get_signing_secret(owner).secret,
        transaction=Transaction.objects.create(
            api_key=owner.api_key,
            user=owner,
            operation="c2bPayment",
            market="vodafoneGHA",
            third_party_conversation_id="owner-tpcid",
            dedupe_key="owner-dedupe",
            amount=10,
        ),
        mandate=Mandate.objects.create(
            api_key=owner.api_key,
            user=owner,
            market="vodafoneGHA",
            mandate_id="OWNERMANDATE",
            third_party_reference="owner-ref",
            third_party_conversation_id="owner-tpcid",
            msisdn="000000000001",
            msisdn_token="owner-token",
        ),
    )


def walk_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the project's URLconf, as the concatenated pattern strings."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append(prefix + str(pattern.pattern))
    return routes


def client_for(role: str, world: World, **kwargs) -> Client:
    """A test client signed in as one of the world's callers ("anonymous": signed out)."""
    client = Client(**kwargs)
    users = {"anonymous": None, "other": world.other, "staff": world.staff, "owner": world.owner}
    if users[role] is not None:
        client.force_login(users[role])
    return client
