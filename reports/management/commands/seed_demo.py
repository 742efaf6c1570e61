"""`manage.py seed_demo`: a demo developer with a month of varied sandbox traffic.

The traffic is written straight to the call log with bulk_create (no HTTP), so that a
fresh `make run` shows living reports: weekday and weekend rhythm, a bad day, every kind
of outcome, sync and async calls, and a key renewed halfway (its calls stay reachable by
choosing the retired key). The developer has two applications: "Default" (the key of My
Profile) and "Payout service", with its own key, limits and a fortnight of payouts.
Idempotent: running it again replaces the demo's calls with a
month ending now and leaves one demo developer.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

import catalog
from accounts import keys, services
from accounts.models import ApiKey, Application, User
from reports import rollup
from sandbox.models import ApiCall

USERNAME = "demo"
PASSWORD = "demo-portal-2026"  # noqa: S105 - printed on purpose: a local demo account
EMAIL = "demo@example.com"
PHONE = "+233200000001"
DAYS = 30

# (API slug, weight): the seed's APIs dominate, as in a real integration.
MIX = (
    ("c2bPayment", 50),
    ("queryTransactionStatus", 18),
    ("reversal", 8),
    ("b2cPayment", 8),
    ("getSession", 8),
    ("queryBeneficiaryName", 4),
    ("b2bPayment", 4),
)
# The second application: a payout service, mostly B2C.
PAYOUT_APPLICATION = "Payout service"
PAYOUT_DAYS = 14
PAYOUT_MIX = (("b2cPayment", 70), ("queryTransactionStatus", 20), ("getSession", 10))
MARKETS = (("vodafoneGHA", 60), ("vodacomTZN", 25), ("vodacomLES", 15))
# Failures a developer typically meets while integrating, if the API can answer them.
PAID = {"c2bPayment", "b2cPayment", "b2bPayment", "reversal"}
FAILURES = ("INS-10", "INS-2051", "INS-15", "INS-9", "INS-6", "INS-2006", "INS-20", "INS-23")


class Command(BaseCommand):
    help = "Create (or refresh) the demo developer and a month of sandbox calls."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="random seed (same traffic)")

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])
        with transaction.atomic():
            user = _demo_user()
            old_key, new_key = _keys(user)
            ApiCall.objects.filter(user=user).delete()
            payout_key = _payout_key(user)
            calls = list(_traffic(rng, user, old_key, new_key))
            calls += list(_payout_traffic(rng, payout_key))
            ApiCall.objects.bulk_create(calls, batch_size=1000)
            # The calls were written with past timestamps: roll them up afresh.
            for key in (old_key, new_key, payout_key):
                rollup.reset(key)
        self.stdout.write(
            f"Demo developer ready: username {USERNAME!r}, password {PASSWORD!r} "
            f"({len(calls)} calls over the last {DAYS} days; key …{old_key.last4} retired "
            f"halfway, key …{new_key.last4} active; application {PAYOUT_APPLICATION!r} with "
            f"key …{payout_key.last4}). Sign in and open Reports."
        )


def _demo_user() -> User:
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user, _ = services.create_activated_developer(
            username=USERNAME, email=EMAIL, phone_number=PHONE, password=PASSWORD
        )
    user.company, user.country, user.timezone = "Demo Shop", "Ghana", "Africa/Accra"
    user.save(update_fields=["company", "country", "timezone"])
    return user


def _keys(user: User) -> tuple[ApiKey, ApiKey]:
    """A key used for the first half of the month, then renewed: (retired, active)."""
    now = timezone.now()
    halfway = now - timedelta(days=DAYS // 2)
    sandbox = ApiKey.objects.filter(user=user, environment="sandbox", application__is_default=True)
    retired = sandbox.filter(retired_at__isnull=False).order_by("created_at").first()
    active = keys.active_api_key(user)
    if active is None:
        raise CommandError(f"{user} has no active sandbox key.")
    if retired is None:
        retired = active
        active, _ = services.renew_api_key(user)
    # Back-date the history so that the key selector shows a believable month.
    ApiKey.objects.filter(pk=retired.pk).update(
        created_at=now - timedelta(days=DAYS + 5), retired_at=halfway
    )
    ApiKey.objects.filter(pk=active.pk).update(created_at=halfway)
    retired.refresh_from_db()
    active.refresh_from_db()
    return retired, active


def _payout_key(user: User) -> ApiKey:
    """The second application's current key (the application made on the first run)."""
    application = Application.objects.filter(user=user, name=PAYOUT_APPLICATION).first()
    if application is None:
        application, _ = services.create_application(
            user, name=PAYOUT_APPLICATION, version="1.0", description="Salaries paid by B2C."
        )
        application.limit_single_value = Decimal("5000")
        application.limit_customer_daily_count = 5
        application.save(update_fields=["limit_single_value", "limit_customer_daily_count"])
    key = keys.active_api_key(user, application=application)
    if key is None:
        key, _ = services.renew_api_key(user, application=application)
    ApiKey.objects.filter(pk=key.pk).update(created_at=timezone.now() - timedelta(days=DAYS))
    key.refresh_from_db()
    return key


def _payout_traffic(rng: random.Random, key: ApiKey):
    now = timezone.now()
    for day in range(PAYOUT_DAYS):
        day_start = now - timedelta(days=PAYOUT_DAYS - day)
        for _ in range(rng.randint(5, 20)):
            at = day_start + timedelta(seconds=rng.uniform(0, 86400))
            yield _call(rng, key, at, failed=rng.random() < 0.1, mix=PAYOUT_MIX)


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _traffic(rng: random.Random, user: User, old_key: ApiKey, new_key: ApiKey):
    now = timezone.now()
    start = now - timedelta(days=DAYS)
    bad_day = rng.randrange(3, DAYS - 3)
    for day in range(DAYS + 1):
        day_start = start + timedelta(days=day)
        weekend = day_start.weekday() >= 5
        volume = rng.randint(15, 35) if weekend else rng.randint(60, 140)
        failure_rate = 0.45 if day == bad_day else rng.uniform(0.06, 0.18)
        for _ in range(volume):
            at = day_start + timedelta(seconds=rng.uniform(0, 86400))
            if at > now:
                continue
            key = old_key if at < new_key.created_at else new_key
            yield _call(rng, key, at, failed=rng.random() < failure_rate)


def _call(rng: random.Random, key: ApiKey, at, *, failed: bool, mix=MIX) -> ApiCall:
    slug = _weighted(rng, mix)
    api = catalog.get_api(slug)
    if api is None:
        raise CommandError(f"MIX names {slug}, which the catalogue does not have.")
    market = _weighted(rng, [(m, w) for m, w in MARKETS if m in api.markets] or MARKETS)
    codes = {rc.code: rc for rc in api.result_codes}
    failures = [codes[c] for c in FAILURES if c in codes]
    result = rng.choice(failures) if failed and failures else None
    code = result.code if result else "INS-0"
    desc = result.description if result else "Request processed successfully"
    status = result.http_status if result else api.success_status
    is_async = api.supports_async and at.day % 3 == 0 and rng.random() < 0.5
    amount = Decimal(rng.choice((1, 5, 10, 25, 50, 100, 250))) if api.slug in PAID else None
    msisdn = f"{rng.choice(('233', '255', '266'))}{rng.randint(200000000, 599999999)}"
    transaction_id = "" if result else f"{rng.getrandbits(48):012X}"
    conversation_id = uuid.UUID(int=rng.getrandbits(128)).hex
    third_party = f"demo{rng.getrandbits(40):x}"
    latency = rng.lognormvariate(3.4, 0.45) * (3 if code == "INS-9" else 1)
    return ApiCall.build(
        api_key=key,
        operation=api.slug,
        market=market,
        method=api.method,
        path=f"/sandbox/ipg/v2/{market}/{api.path}",
        request_body={"input_ThirdPartyConversationID": third_party},
        response_body={
            "output_ResponseCode": code,
            "output_ResponseDesc": desc,
            "output_ConversationID": conversation_id,
            "output_TransactionID": transaction_id or "N/A",
            "output_ThirdPartyConversationID": third_party,
        },
        http_status=status,
        latency_ms=round(latency, 1),
        is_async=is_async,
        amount=amount,
        msisdn=msisdn if api.slug != "getSession" else "",
        third_party_conversation_id=third_party,
        created_at=at,
    )
