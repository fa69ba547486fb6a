from django.db import transaction


@transaction.atomic
def user_update_profile(*, user, full_name, time_zone=""):
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save(update_fields=["full_name", "time_zone"])
    return user
