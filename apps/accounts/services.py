from django.db import transaction


@transaction.atomic
def user_update_profile(*, user, full_name, time_zone="", language=None):
    """Name, time zone and language ("" follows the organization's; None leaves it as it is)."""
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    update_fields = ["full_name", "time_zone"]
    if language is not None:
        user.language = language
        update_fields.append("language")
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save(update_fields=update_fields)
    return user
