"""Fixtures for the accounts tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request activates its person's language for the thread and nothing deactivates it: a test that asked
    for a Norwegian page would leave the next test's messages in Norwegian."""
    yield
    translation.activate("en")
