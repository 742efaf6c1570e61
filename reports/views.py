from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from reports import columns, csvexport, queries, services
from reports.asynccompletion import async_completion
from reports.forms import ReportForm, initial_for
from reports.models import Report

PAGE_SIZE = 50


def get_report_for_user(user, public_id) -> Report:
    """The user's own report, or 404 (another developer's report does not exist for them)."""
    return get_object_or_404(
        Report.objects.select_related("api_key", "api_key__application"),
        user=user,
        public_id=public_id,
    )


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportForm(user=request.user)
    return render(request, "reports/report_index.html", _page_context(request, form))


@login_required
@require_POST
def generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Generate": a POST (it saves a report) that redirects to the report's own page,
    a bookmarkable GET. Invalid input shows the form again and saves nothing."""
    form = ReportForm(request.POST, user=request.user)
    if not form.is_valid():
        context = _page_context(request, form)
        return render(request, "reports/report_index.html", context, status=400)
    report = services.generate_report(request.user, selection=form.selection())
    return redirect("reports:report-detail", public_id=report.public_id)


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    report = get_report_for_user(request.user, public_id)
    selection = services.selection_of(report)
    sort = queries.parse_sort(request.GET.get("sort"))
    paginator = Paginator(queries.table_rows(selection, sort=sort), PAGE_SIZE)
    if report.calls_until is not None:
        # A report covers the calls logged before it was generated, so its saved count
        # is the table's count: no COUNT(*) over a million rows per page view.
        paginator.count = report.summary.get("calls", 0)
    page = paginator.get_page(request.GET.get("page"))
    form = ReportForm(user=request.user, initial=initial_for(report))
    context = _page_context(request, form) | {
        "report": report,
        "selection": selection,
        "page": page,
        "rows": [columns.table_row(row, selection.tz) for row in page],
        "sort": sort,
        "columns": _columns(sort),
        "chart_data": _chart_data(report),
    }
    context["async_completion"] = async_completion(selection)
    return render(request, "reports/report_detail.html", context)


@login_required
@require_GET
def export_csv(request: HttpRequest, public_id) -> StreamingHttpResponse:
    report = get_report_for_user(request.user, public_id)
    return csvexport.csv_response(services.selection_of(report))


def _columns(sort: str) -> list[dict]:
    """Headings with their sort link: a click sorts ascending, a second click descending."""
    current, descending = sort.lstrip("-"), sort.startswith("-")
    headings = []
    for column in columns.TABLE:
        key = column.sort or None
        is_current = key == current
        headings.append(
            {
                "label": column.label,
                "key": key,
                "next": f"-{key}" if is_current and not descending else key,
                "aria_sort": (
                    ("descending" if descending else "ascending") if is_current else None
                ),
            }
        )
    return headings


def _chart_data(report: Report) -> dict:
    summary = report.summary
    return {
        "per_day": summary.get("per_day", []),
        "p50": summary.get("latency_p50_ms"),
        "p95": summary.get("latency_p95_ms"),
        "date_from": report.date_from.isoformat(),
        "date_to": report.date_to.isoformat(),
    }


def _page_context(request: AuthenticatedHttpRequest, form: ReportForm) -> dict:
    return {"form": form, "recent_reports": services.recent_reports(request.user)[:10]}
