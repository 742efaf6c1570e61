"""What a developer's latest report proves, and the snapshot that Go Live sends.

Go Live reads reports and the sandbox call log (DESIGN.md, dependency direction); it
never writes them. A report's rows come from reports.services (same key, local days and
filters as the Reports page), so what staff review is what the developer saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.keys import default_application
from accounts.models import Application
from reports import columns
from reports import services as reports_services
from reports.apinames import api_choices, api_name
from reports.models import Report
from sandbox.models import ApiCall

# The seed's three APIs: a developer goes live once each has worked at least once.
# Keys are catalogue slugs as stored in ApiCall.operation.
REQUIRED_OPERATIONS: dict[str, str] = {
    "c2bPayment": "C2B",
    "reversal": "Reversal",
    "queryTransactionStatus": "Query Transaction Status",
}
# The snapshot keeps at most this many rows (newest first) so a request stays small
# enough to render in the admin; the summary still covers every call of the report.
SNAPSHOT_ROW_LIMIT = 500


def reports_for(user, application: Application | None = None) -> QuerySet[Report]:
    """The developer's saved reports over one of the application's keys (default: the
    Default application), newest first: the ones Go Live's confirmation may send."""
    application = application or default_application(user)
    return reports_services.recent_reports(user).filter(api_key__application=application)


def latest_report(user, application: Application | None = None) -> Report | None:
    """The most recently generated report over one of the application's keys: what the
    confirmation page offers first."""
    return reports_for(user, application).first()


def report_calls(report: Report) -> QuerySet[ApiCall]:
    """The report's rows, selected exactly as the Reports page selects them."""
    return reports_services.selection_of(report).calls()


def per_operation(calls: QuerySet[ApiCall]) -> dict[str, dict[str, int]]:
    """{operation: {"calls": n, "successes": n}}, counted by the database."""
    rows = (
        calls.order_by()
        .values("operation")
        .annotate(calls=Count("id"), successes=Count("id", filter=Q(is_success=True)))
    )
    return {r["operation"]: {"calls": r["calls"], "successes": r["successes"]} for r in rows}


@dataclass
class Readiness:
    """Whether the developer may press "Go Live!", and if not, exactly why."""

    report: Report | None
    operations: dict[str, dict[str, int]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def is_ready(self) -> bool:
        return self.report is not None and not self.missing


def check_readiness(
    user, application: Application | None = None, report: Report | None = None
) -> Readiness:
    """Readiness with `report` (one of `reports_for`), else with the latest report."""
    chosen = report is not None  # else the latest report, named as such below
    report = report or latest_report(user, application)
    if report is None:
        return Readiness(
            report=None,
            missing=[
                _(
                    "You have not generated a report on a key of this application yet: "
                    "generate one on the Reports page."
                )
            ],
        )
    operations = per_operation(report_calls(report))
    if not any(o["successes"] for o in operations.values()):
        needed = ", ".join(REQUIRED_OPERATIONS.values())
        missing = [
            (
                _(
                    "This report holds no successful call: make successful %(needed)s "
                    "calls in the sandbox, then generate a new report."
                )
                if chosen
                else _(
                    "Your latest report holds no successful call: make successful %(needed)s "
                    "calls in the sandbox, then generate a new report."
                )
            )
            % {"needed": needed}
        ]
    else:
        missing = [
            (
                _("This report has no successful %(label)s call (%(slug)s).")
                if chosen
                else _("Your latest report has no successful %(label)s call (%(slug)s).")
            )
            % {"label": label, "slug": slug}
            for slug, label in REQUIRED_OPERATIONS.items()
            if not operations.get(slug, {}).get("successes")
        ]
    return Readiness(report=report, operations=operations, missing=missing)


# A snapshot row: its stored name -> the column of reports.columns it holds. The names
# predate reports.columns and stay as they are, because stored snapshots never change and
# the review page reads both; the values are the Reports page's own.
SNAPSHOT_COLUMNS = {
    "created_at": "time",
    "operation": "api",
    "api_name": "api_name",
    "market": "market",
    "result_code": "result_code",
    "result_desc": "result_desc",
    "http_status": "http_status",
    "is_success": "success",
    "amount": "amount",
    "transaction_id": "transaction_id",
    "latency_ms": "latency_ms",
}


def _row(row: dict, tz) -> dict:
    """A table row of the report as plain JSON, its time in the report's timezone."""
    return {name: columns.BY_KEY[key].plain_of(row, tz) for name, key in SNAPSHOT_COLUMNS.items()}


def account_details(user) -> dict:
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "phone_number": user.phone_number or "",
        "company": user.company,
        "country": user.country,
        "timezone": user.timezone,
        "async_response_url": default_application(user).async_response_url,
        "date_joined": user.date_joined.strftime("%Y-%m-%d"),
    }


def application_settings(application: Application) -> dict:
    """The application's settings as staff review them (and the developer sees them once
    live), as plain JSON. Snapshots taken before applications existed have none."""

    def text(value) -> str:
        return "" if value is None else str(value)

    return {
        "name": application.name,
        "version": application.version,
        "description": application.description,
        "async_response_url": application.async_response_url,
        "session_lifetime_seconds": application.session_lifetime_seconds,
        "trusted_sources": list(application.trusted_sources or []),
        "disabled_apis": list(application.disabled_apis or []),
        # The products as names, so the record reads the same after the catalogue changes.
        "enabled_apis": [
            name for slug, name in api_choices() if slug not in (application.disabled_apis or [])
        ],
        "limit_single_value": text(application.limit_single_value),
        "limit_session_count": text(application.limit_session_count),
        "limit_session_value": text(application.limit_session_value),
        "limit_customer_daily_count": text(application.limit_customer_daily_count),
        "limit_customer_daily_value": text(application.limit_customer_daily_value),
        "usage_start": application.usage_start.strftime("%H:%M") if application.usage_start else "",
        "usage_end": application.usage_end.strftime("%H:%M") if application.usage_end else "",
        "usage_timezone": application.usage_timezone,
        "strict_mode": application.strict_mode,
    }


def build_snapshot(user, report: Report) -> dict:
    """Everything staff review, as plain JSON: it never changes after submission."""
    tz = reports_services.selection_of(report).tz
    calls = report_calls(report)
    total = calls.count()
    rows = [_row(r, tz) for r in reports_services.report_rows(report, limit=SNAPSHOT_ROW_LIMIT)]
    return {
        "account": account_details(user),
        "application": application_settings(report.api_key.application),
        "report": {
            "public_id": str(report.public_id),
            "date_from": report.date_from.isoformat(),
            "date_to": report.date_to.isoformat(),
            "timezone": str(tz),
            "api_key_last4": report.api_key.last4,
            "filters": report.filters or {},
            "generated_at": report.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
            "summary": report.summary or {},
            "operations": {
                slug: {**counts, "name": api_name(slug)}
                for slug, counts in per_operation(calls).items()
            },
            "rows_total": total,
            "rows_included": len(rows),
        },
        "rows": rows,
    }
