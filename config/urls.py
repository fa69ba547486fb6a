from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

from apps.core.views import healthz, service_worker
from apps.engagements.views import home

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = gettext_lazy("Gemba administration")

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("sw.js", service_worker, name="service_worker"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the switcher before login
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("org/", include("apps.organizations.urls")),
    path("", include("apps.engagements.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("schedule/", include("apps.scheduling.urls")),
    path("", include("apps.insights.urls")),
    path("dashboards/", include("apps.dashboards.urls")),
    path("review/", include("apps.reviews.urls")),
    path("api/", include("apps.api.urls")),
    path("admin/", admin.site.urls),
]
