"""The custom User: email is the login, stored lowercased; personal time zone."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_project_uses_the_custom_user_with_email_as_login():
    # then
    assert get_user_model() is User
    assert (User.USERNAME_FIELD, User.EMAIL_FIELD, User.REQUIRED_FIELDS) == ("email", "email", [])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Kim.Lee@EXAMPLE.com", "kim.lee@example.com"),
        ("KIM@Example.COM", "kim@example.com"),
        ("kim@example.com", "kim@example.com"),
    ],
)
def test_create_user_lowercases_the_email(typed, stored):
    # when
    user = User.objects.create_user(typed, password="Sturdy-pass-4821")

    # then
    assert User.objects.get(pk=user.pk).email == stored


def test_create_user_stores_a_hashed_password_and_no_staff_rights():
    # when
    user = User.objects.create_user("kim@example.com", password="Sturdy-pass-4821", full_name="Kim Lee")

    # then
    stored = User.objects.get(pk=user.pk)
    assert stored.password != "Sturdy-pass-4821"
    assert stored.check_password("Sturdy-pass-4821") is True
    assert (stored.full_name, stored.is_active, stored.is_staff, stored.is_superuser) == ("Kim Lee", True, False, False)


def test_create_user_without_a_password_cannot_log_in_with_one():
    # when
    user = User.objects.create_user("kim@example.com")

    # then
    assert user.has_usable_password() is False


@pytest.mark.parametrize("email", ["", None])
def test_create_user_needs_an_email(email):
    # when
    with pytest.raises(ValueError, match=r"^Users need an email address$"):
        User.objects.create_user(email, password="Sturdy-pass-4821")

    # then
    assert User.objects.count() == 0


def test_create_superuser_has_staff_and_superuser_rights_whatever_is_passed():
    # when
    user = User.objects.create_superuser("Boss@Example.com", password="Sturdy-pass-4821", is_staff=False)

    # then
    stored = User.objects.get(pk=user.pk)
    assert (stored.email, stored.is_staff, stored.is_superuser) == ("boss@example.com", True, True)


def test_the_email_is_unique():
    # given
    UserFactory(email="kim@example.com")

    # when
    with pytest.raises(ValidationError) as excinfo:
        User(email="kim@example.com", password="x").full_clean()

    # then
    assert excinfo.value.message_dict == {"email": ["User with this Email address already exists."]}


def test_model_backend_authenticates_by_email():
    # given
    user = UserFactory(email="kim@example.com")

    # when
    authenticated = authenticate(email="kim@example.com", password=PASSWORD)
    wrong = authenticate(email="kim@example.com", password="wrong")

    # then
    assert (authenticated, wrong) == (user, None)


@pytest.mark.parametrize(
    ("full_name", "text", "full", "short"),
    [
        ("Kim Lee", "Kim Lee", "Kim Lee", "Kim"),
        ("", "kim.lee@example.com", "kim.lee@example.com", "kim.lee"),
    ],
)
def test_names_fall_back_to_the_email(full_name, text, full, short):
    # given
    user = UserFactory.build(email="kim.lee@example.com", full_name=full_name)

    # then
    assert (str(user), user.get_full_name(), user.get_short_name()) == (text, full, short)


@pytest.mark.parametrize(
    ("time_zone", "errors"),
    [
        ("", None),
        ("Europe/Oslo", None),
        ("Mars/Olympus", {"time_zone": ["'Mars/Olympus' is not a known time zone (e.g. Europe/Oslo)."]}),
    ],
)
def test_the_personal_time_zone_must_be_known_or_blank(time_zone, errors):
    # given
    user = UserFactory(time_zone=time_zone)

    # when
    try:
        user.full_clean()
        found = None
    except ValidationError as exc:
        found = exc.message_dict

    # then
    assert found == errors


def test_full_clean_lowercases_the_email_and_then_checks_it_is_unique():
    # given
    UserFactory(email="kim@example.com")
    user = User(email="New.Person@EXAMPLE.com")
    taken = User(email="KIM@Example.com")

    # when
    user.full_clean(exclude=["password"])
    with pytest.raises(ValidationError) as excinfo:
        taken.full_clean(exclude=["password"])

    # then
    assert user.email == "new.person@example.com"
    assert excinfo.value.message_dict == {"email": ["User with this Email address already exists."]}
