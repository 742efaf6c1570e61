import copy

import pytest
from django.core.cache import cache
from django.db import transaction

from tests import factories
from tests.security.world import World, build_world


@pytest.fixture
def world(developer, other_developer, staff_reviewer) -> World:
    """The owner's objects, another developer and a staff member without permission."""
    cache.clear()  # allauth's rate limits and the bearer cache start at zero
    return build_world(developer, other_developer, staff_reviewer)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, _test_private_key):
    """One world for a whole module, built inside a transaction that is rolled back after
    the module's last test, as Django's TestCase.setUpTestData does: each test runs in a
    savepoint inside it (pytest-django's `db`), so what a test changes is undone before
    the next one. Only for modules whose tests all use `db`, never `transactional_db`
    (its flush would empty the world): `shared_world` checks."""
    from accounts import keys

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "_generate_private_key", lambda: _test_private_key)
        with transaction.atomic():
            yield build_world(
                factories.DeveloperFactory(username="dev"),
                factories.DeveloperFactory(username="otherdev"),
                factories.UserFactory(username="reviewer", is_staff=True),
            )
            transaction.set_rollback(True)


@pytest.fixture
def shared_world(request, _module_world, db) -> World:
    """The module's world (`_module_world`), for modules with hundreds of tests on it.

    A deep copy: a test that changes an object in memory does not change the next test's."""
    assert "transactional_db" not in request.fixturenames, "a shared world needs `db`"
    cache.clear()
    return copy.deepcopy(_module_world)
