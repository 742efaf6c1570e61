"""Writing and reading saved reports. Go Live uses `latest_report` and `report_rows`."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import ApiKey, Application, User
from reports import queries, rollup
from reports.models import Report
from reports.queries import Selection
from sandbox.models import ApiCall


def generate_report(user: User, *, selection: Selection) -> Report:
    """Roll the key's settled calls up, summarise the selected calls and save the report
    ("every Generate is saved").

    The roll-up is the named write step (reports.rollup), in its own transaction so the
    key's mark is locked only while it writes; beat runs the same step every 5 minutes,
    so here it normally adds the last few minutes. The summary itself only reads.
    """
    if selection.api_key.user_id != user.pk:
        # Views only offer the user's own keys; this guards every other caller.
        raise PermissionError("a report may only cover the user's own API key")
    if selection.application is not None and selection.application.user_id != user.pk:
        raise PermissionError("a report may only cover the user's own application")
    for key in selection.keys:
        rollup.roll_up(key)
    selection = replace(selection, until=timezone.now())
    # One INSERT: the summary's reads need no transaction (slots before the mark and the
    # raw calls after it never change once written).
    return Report.objects.create(
        user=user,
        api_key=selection.api_key,
        date_from=selection.date_from,
        date_to=selection.date_to,
        filters=selection.filters(),
        calls_until=selection.until,
        summary=queries.summarize(selection),
    )


def selection_of(report: Report) -> Selection:
    """The selection a saved report was generated from (same key, days, filters, zone)."""
    filters = report.filters or {}
    application = None
    if filters.get("application"):
        # The report's own key belongs to the application it was filed under.
        application = report.api_key.application
    return Selection(
        api_key=report.api_key,
        date_from=report.date_from,
        date_to=report.date_to,
        tz=queries.zone(filters.get("timezone")),
        operation=filters.get("operation", ""),
        outcome=filters.get("outcome", ""),
        result_code=filters.get("result_code", ""),
        until=report.calls_until,
        application=application,
    )


def latest_report(user: User) -> Report | None:
    """The developer's most recently generated report (what Go Live sends), or None."""
    return recent_reports(user).first()


def recent_reports(user: User) -> QuerySet[Report]:
    # Served by the reports_report_user_created index.
    return (
        Report.objects.filter(user=user)
        .select_related("api_key", "api_key__application")
        .order_by("-created_at")
    )


def report_rows(report: Report, *, limit: int = 100, sort: str = queries.DEFAULT_SORT) -> list:
    """The first `limit` calls of a saved report as rows for reports.columns (newest
    first by default). For Go Live's copy of the table."""
    return list(queries.table_rows(selection_of(report), sort=sort)[:limit])


def keys_of(user: User) -> QuerySet[ApiKey]:
    """The user's keys, the active ones first, then retired keys newest first."""
    return (
        ApiKey.objects.filter(user=user)
        .select_related("application")
        .order_by(F("retired_at").desc(nulls_first=True), "-created_at")
    )


def default_key(keys: QuerySet[ApiKey]) -> ApiKey | None:
    """The key a new report selects: the one with the most recent sandbox call (after Go
    Live the current key may be a live one, or a renewed one with no call yet: a report of
    it would be empty), else the first active key (keys_of lists them first)."""
    latest = ApiCall.objects.filter(api_key=OuterRef("pk")).order_by("-created_at")
    with_calls = keys.annotate(last_call=Subquery(latest.values("created_at")[:1])).filter(
        last_call__isnull=False
    )
    chosen = with_calls.order_by("-last_call").first()
    return chosen or next((k for k in keys if k.is_active), None)


def applications_of(user: User) -> QuerySet[Application]:
    """The user's applications, Default first, then oldest first."""
    return Application.objects.filter(user=user).order_by("-is_default", "created_at")


def grouped_keys(keys) -> list[tuple[Application, list[ApiKey]]]:
    """Keys grouped by application (Default first, then by name), each group's keys in
    the order given: what the key selectors show as <optgroup>s."""
    groups: dict[int, tuple[Application, list[ApiKey]]] = {}
    for key in keys:
        groups.setdefault(key.application_id, (key.application, []))[1].append(key)
    return sorted(groups.values(), key=lambda g: (not g[0].is_default, g[0].name.lower()))
