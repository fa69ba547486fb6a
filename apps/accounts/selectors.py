"""Reads about a person."""


def language_for(user):
    """The language to write to `user` in when no request says it: their own, else their organization's (their
    first active membership's), else None (the caller keeps the active language)."""
    if user is None:
        return None
    if user.language:
        return user.language
    membership = user.memberships.filter(is_active=True).select_related("organization").order_by("pk").first()
    return membership.organization.language if membership is not None else None
