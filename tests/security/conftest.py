import pytest
from django.core.cache import cache

from tests.security.world import World, build_world


@pytest.fixture
def world(developer, other_developer, staff_reviewer) -> World:
    """The owner's objects, another developer and a staff member without permission."""
    cache.clear()  # allauth's rate limits and the bearer cache start at zero
    return build_world(developer, other_developer, staff_reviewer)
