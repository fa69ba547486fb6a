from django.urls import path, re_path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.review, name="review"),
    # Before the period pattern, which would read "settings" as a period.
    path("settings/", views.monthly_send_settings, name="settings"),
    path("packs/<int:pk>/", views.pack_status, name="pack"),
    path("packs/<int:pk>/download/", views.pack_download, name="pack_download"),
    re_path(r"^(?P<slug>[^/]{1,40})/pack/$", views.pack_request, name="pack_request"),
    # Any text: a malformed or refused period gets the page's message, not a bare 404.
    re_path(r"^(?P<slug>[^/]{1,40})/$", views.review, name="period"),
]
