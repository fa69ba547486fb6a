"""The benchmark's URLconf (bench/log_settings.py): the baseline views in front of the whole site."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/insert/", views.baseline_insert, name="bench_insert"),
    path("bench/page/", views.baseline_page, name="bench_page"),
    path("", include("config.urls")),
]
