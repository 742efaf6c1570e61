from __future__ import annotations

from django import template
from django.http import QueryDict

from reports.apinames import api_name as _api_name

register = template.Library()


@register.filter
def api_name(slug: str) -> str:
    """The catalogue's name of an API slug ("c2bPayment" -> "C2B Single Stage")."""
    return _api_name(slug)


@register.simple_tag
def query_with(query: QueryDict, **changes) -> str:
    """The current query string with some parameters replaced (sort and page links)."""
    updated = query.copy()
    for name, value in changes.items():
        updated[name] = value
    return updated.urlencode()
