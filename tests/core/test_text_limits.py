"""No silent truncation: no text box renders `maxlength` (a browser would cut a paste and the cut text would be
saved); the limit travels as `data-max` for the counter, and the server refuses with the field's message while
the box keeps every character."""

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.engagements.models import Engagement

pytestmark = pytest.mark.django_db

MAXLENGTH = re.compile(r"<(?:input|textarea)\b[^>]*\bmaxlength\b", re.IGNORECASE)


def test_the_log_form_renders_its_limits_as_data_max_and_never_maxlength(client_for, executive):
    content = client_for(executive).get(reverse("engagements:log")).content.decode()

    assert MAXLENGTH.findall(content) == []
    assert re.search(r'<textarea name="learning_text"[^>]*data-max="5000"', content)
    assert re.search(r'<textarea name="learning_quote"[^>]*data-max="2000"', content)


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_allauth_forms_render_no_maxlength(client, url_name):
    content = client.get(reverse(url_name)).content.decode()

    assert MAXLENGTH.findall(content) == []


def test_admin_forms_render_no_maxlength(client, admin_user):
    client.force_login(admin_user)

    content = client.get(reverse("admin:organizations_location_add")).content.decode()

    assert MAXLENGTH.findall(content) == []
    assert 'data-max="150"' in content


def test_a_learning_over_the_limit_is_refused_with_the_message_and_kept_whole(client_for, executive):
    text = "x" * 10_000
    data = {
        "client_uuid": str(uuid.uuid4()),
        "leader": executive.pk,
        "kind": "store_visit",
        "location": "",
        "duration": "30",
        "started_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "customer_type": "external",
        "learning_kind": "observation",
        "learning_text": text,
    }

    response = client_for(executive).post(reverse("engagements:log"), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["learning_text"] == [
        "Ensure this value has at most 5000 characters (it has 10000)."
    ]
    assert f">\n{text}</textarea>" in content
    assert html.escape("Ensure this value has at most 5000 characters (it has 10000).") in content
    assert Engagement.objects.count() == 0
