import pytest

from tests.support import fresh_api


@pytest.fixture
def api():
    with fresh_api() as a:
        yield a
