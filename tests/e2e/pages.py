"""Every page of the site, for the browser walks (long text, axe-core).

The list is derived from the URL classification `tests/test_tenancy.py` keeps complete against the URL resolver
(its `test_every_project_url_is_classified` fails for a URL added without an entry), so a new page is walked
here without anyone remembering to add it.
"""

from django.urls import reverse

from tests.test_tenancy import (
    OBJECT_FOR_URL,
    OTHER_KWARGS,
    POST_ONLY,
    URLS_WITH_PERIOD,
    URLS_WITHOUT_OBJECT_ID,
    this_period,
)

# Not pages: JSON, JavaScript, CSV and calendar files.
NOT_HTML = {
    "healthz",
    "service_worker",
    "insights:score_template",
    "scheduling:session_ics",
    "reviews:pack_download",
    "api:schema",
    # Swagger UI: a third party's page (English only, its own markup), loaded from this site's static files.
    "api:docs",
}
# allauth's pages linked from the account menu (the rest of allauth is for anonymous visitors, below).
ACCOUNT_PAGES = ["account_email", "account_change_password", "mfa_index"]
ANONYMOUS_PAGES = ["account_login", "account_signup", "account_reset_password"]


def member_pages(objects):
    """(url name, path) of every HTML page a member can open with GET, naming `objects[kind]` where a URL
    takes an id."""
    pages = []
    for name in sorted(URLS_WITHOUT_OBJECT_ID - POST_ONLY - NOT_HTML):
        pages.append((name, reverse(name)))
    for name, kind in sorted(OBJECT_FOR_URL.items()):
        if name in POST_ONLY or name in NOT_HTML:
            continue
        other = {arg: objects[other_kind].pk for arg, other_kind in OTHER_KWARGS.get(name, {}).items()}
        pages.append((name, reverse(name, kwargs={"pk": objects[kind].pk, **other})))
    pages += [(name, reverse(name, kwargs={"slug": this_period()})) for name in sorted(URLS_WITH_PERIOD)]
    pages += [(name, reverse(name)) for name in ACCOUNT_PAGES]
    return pages


def anonymous_pages():
    return [(name, reverse(name)) for name in ANONYMOUS_PAGES]
