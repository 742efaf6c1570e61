"""Staff review of Go Live requests in the Django admin.

Requests are read-only records here: nobody edits a snapshot. Reviewers (the
"review_golive" permission) open one, which marks it "in review", read the snapshot
(account details, summary, chart, table) and approve it or reject it with a reason on an
intermediate page. Decisions go through golive.services, which checks the permission
again, records who decided and when, and adds the decision to the developer's security
events.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from golive import evidence, services
from golive.forms import ChangesForm, CommentForm, RejectForm, RevokeForm
from golive.models import ConformanceRequirement, GoLiveRequest, ReceiverCheck


@admin.register(GoLiveRequest)
class GoLiveRequestAdmin(admin.ModelAdmin):
    # The queue: oldest first, with how long each has waited.
    list_display = (
        "user",
        "application",
        "company",
        "status",
        "submitted_at",
        "time_in_review",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "submitted_at", "decided_at")
    actions = ("renew_live_key_now", "renew_live_key_with_overlap")
    date_hierarchy = "submitted_at"
    search_fields = ("user__username", "user__email", "user__company", "application__name")
    list_select_related = ("user", "decided_by", "application")
    ordering = ("submitted_at",)
    fields = (
        "user",
        "application",
        "status",
        "submitted_at",
        "review_started_at",
        "decided_by",
        "decided_at",
        "reason",
        "withdrawn_at",
        "changes_requested",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
        "live_key",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ("golive/admin.css",)}

    @admin.display(description="time in review")
    def time_in_review(self, obj: GoLiveRequest) -> str:
        end = obj.decided_at or obj.withdrawn_at or timezone.now()
        return timesince(obj.submitted_at, end)

    @admin.display(description="company", ordering="user__company")
    def company(self, obj: GoLiveRequest) -> str:
        return obj.user.company

    @admin.display(description="live API key")
    def live_key(self, obj: GoLiveRequest) -> str:
        # Staff see which key was issued, never its plaintext.
        return f"…{obj.live_api_key.last4}" if obj.live_api_key else "—"

    # --- Staff renewal of a live key (approved requests) ---------------------------------

    def has_review_permission(self, request: HttpRequest) -> bool:
        return services.can_review(request.user)

    def _renew(self, request: AuthenticatedHttpRequest, queryset, *, overlap: timedelta) -> None:
        # One renewal per application, however many of its requests were selected.
        approved = queryset.filter(status=GoLiveRequest.Status.APPROVED).select_related(
            "application", "application__user"
        )
        applications = {r.application_id: r.application for r in approved}
        for application in applications.values():
            try:
                key, _old = services.renew_live_key(application, by=request.user, overlap=overlap)
            except services.GoLiveError as error:
                messages.error(request, f"{application}: {error}")
            else:
                messages.success(
                    request,
                    _("%(application)s: new live key …%(last4)s.")
                    % {"application": application, "last4": key.last4},
                )
        if not applications:
            messages.warning(request, _("No approved request selected: nothing was renewed."))

    @admin.action(
        description="Renew the live API key now (the old one stops at once)",
        permissions=["review"],
    )
    def renew_live_key_now(self, request, queryset) -> None:
        self._renew(request, queryset, overlap=timedelta(0))

    @admin.action(
        description="Renew the live API key (the old one works 24 more hours)",
        permissions=["review"],
    )
    def renew_live_key_with_overlap(self, request, queryset) -> None:
        self._renew(request, queryset, overlap=timedelta(hours=24))

    # --- Permissions: reviewers read; nobody adds, edits or deletes a request here ----

    def has_module_permission(self, request: HttpRequest) -> bool:
        return services.can_review(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return services.can_review(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # --- Review pages -----------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/approve/", wrap(self.approve_view), name="golive_request_approve"
            ),
            path("<path:object_id>/reject/", wrap(self.reject_view), name="golive_request_reject"),
            path(
                "<path:object_id>/request-changes/",
                wrap(self.changes_view),
                name="golive_request_changes",
            ),
            path("<path:object_id>/revoke/", wrap(self.revoke_view), name="golive_request_revoke"),
            path(
                "<path:object_id>/comment/", wrap(self.comment_view), name="golive_request_comment"
            ),
            *super().get_urls(),
        ]

    def _base_url(self, request: HttpRequest) -> str:
        return request.build_absolute_uri("/")

    def _change_url(self, obj: GoLiveRequest) -> str:
        return reverse("admin:golive_goliverequest_change", args=[obj.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "GET" and self.has_view_permission(request, obj):
            obj = services.start_review(obj, by=request.user, base_url=self._base_url(request))
        extra_context = {
            **(extra_context or {}),
            "snapshot": obj.snapshot if obj else {},
            # The settings as they are now (the snapshot holds them as sent).
            "application_now": evidence.application_settings(obj.application) if obj else None,
            "can_decide": obj is not None and obj.is_open and services.can_review(request.user),
            "can_revoke": obj is not None
            and obj.status == GoLiveRequest.Status.APPROVED
            and services.can_review(request.user),
            "can_comment": obj is not None and services.can_review(request.user),
            "comments": obj.comments.select_related("author") if obj else [],
            "comment_form": CommentForm(),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _for_decision(self, request: HttpRequest, object_id: str) -> GoLiveRequest:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such Go Live request."))
        if not services.can_review(request.user):
            raise PermissionDenied(_("Only Go Live reviewers can decide requests."))
        return obj

    def approve_view(self, request: AuthenticatedHttpRequest, object_id: str) -> HttpResponse:
        """GET: the confirmation step ("This issues a live key and locks the
        application"). POST: approve."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self._for_decision(request, object_id)
        if request.method == "GET":
            if not obj.is_open:
                messages.error(
                    request,
                    _("This request is already %(status)s.")
                    % {"status": obj.get_status_display().lower()},
                )
                return redirect(self._change_url(obj))
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": _("Approve %(name)s?") % {"name": obj.application.name},
                "change_url": self._change_url(obj),
            }
            return TemplateResponse(
                request, "admin/golive/goliverequest/approve_confirm.html", context
            )
        try:
            services.approve_request(obj, by=request.user, base_url=self._base_url(request))
        except services.GoLiveError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Approved: %(user)s is live and has a live API key.") % {"user": obj.user},
            )
        return redirect(self._change_url(obj))

    def reject_view(self, request: AuthenticatedHttpRequest, object_id: str) -> HttpResponse:
        obj = self._for_decision(request, object_id)
        if not obj.is_open:
            messages.error(
                request,
                _("This request is already %(status)s.")
                % {"status": obj.get_status_display().lower()},
            )
            return redirect(self._change_url(obj))
        form = RejectForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.reject_request(
                        obj,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        base_url=self._base_url(request),
                    )
                except services.GoLiveError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request, _("Rejected: %(user)s was told why.") % {"user": obj.user}
                    )
                return redirect(self._change_url(obj))
            messages.error(request, _("The request was not rejected: give a reason."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "title": _("Reject the Go Live request of %(user)s") % {"user": obj.user},
            "change_url": self._change_url(obj),
        }
        return TemplateResponse(request, "admin/golive/goliverequest/reject.html", context)

    def _reason_page(self, request, obj, form, *, title, action, explanation, field):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "field": form[field],
            "title": title,
            "action": action,
            "explanation": explanation,
            "change_url": self._change_url(obj),
        }
        return TemplateResponse(request, "admin/golive/goliverequest/reason_form.html", context)

    def _decide_with_form(self, request, obj, form, *, decide, success: str, page: dict):
        """A decision that needs a text (request changes, revoke): POST with a valid form
        runs `decide(cleaned_data)` and goes back to the request; otherwise the form page."""
        if request.method == "POST" and form.is_valid():
            try:
                decide(form.cleaned_data)
            except services.GoLiveError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, success)
            return redirect(self._change_url(obj))
        return self._reason_page(request, obj, form, **page)

    def changes_view(self, request, object_id: str) -> HttpResponse:
        obj = self._for_decision(request, object_id)
        if not obj.is_open:
            messages.error(
                request,
                _("This request is already %(status)s.")
                % {"status": obj.get_status_display().lower()},
            )
            return redirect(self._change_url(obj))
        return self._decide_with_form(
            request,
            obj,
            ChangesForm(request.POST or None),
            decide=lambda data: services.request_changes(
                obj, by=request.user, changes=data["changes"], base_url=self._base_url(request)
            ),
            success=f"Changes requested: {obj.user} was told what to fix.",
            page={
                "title": _("Request changes to the Go Live request of %(user)s")
                % {"user": obj.user},
                "action": "Send back for changes",
                "explanation": "The request goes back to the developer with this list; they "
                "fix it and send a new request with a newer report and a fresh conformance run.",
                "field": "changes",
            },
        )

    def revoke_view(self, request, object_id: str) -> HttpResponse:
        obj = self._for_decision(request, object_id)
        return self._decide_with_form(
            request,
            obj,
            RevokeForm(request.POST or None),
            decide=lambda data: services.revoke_request(
                obj, by=request.user, reason=data["reason"], base_url=self._base_url(request)
            ),
            success=f"Revoked: the live key of {obj.application} stopped.",
            page={
                "title": _("Revoke the live access of %(name)s") % {"name": obj.application.name},
                "action": "Revoke live access",
                "explanation": "The application's live API key stops working at once. The "
                "application stays locked; the developer is emailed the reason and can send a "
                "new request.",
                "field": "reason",
            },
        )

    def comment_view(self, request, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._for_decision(request, object_id)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.add_comment(
                    obj,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    base_url=self._base_url(request),
                )
            except services.GoLiveError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Your message was sent to the developer."))
        else:
            messages.error(request, _("Write a message first."))
        return redirect(self._change_url(obj) + "#golive-thread")


@admin.register(ConformanceRequirement)
class ConformanceRequirementAdmin(admin.ModelAdmin):
    """Which conformance items (docs/golive.md) a market requires; no row: required."""

    list_display = ("market", "item", "required")
    list_filter = ("market", "required")
    list_editable = ("required",)
    ordering = ("market", "item")


@admin.register(ReceiverCheck)
class ReceiverCheckAdmin(admin.ModelAdmin):
    list_display = ("application", "url", "passed", "created_at")
    list_filter = ("passed",)
    readonly_fields = ("application", "url", "passed", "evidence", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
