from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("team/", views.team, name="team"),
    path("targets/", views.targets, name="targets"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("sessions/<int:pk>/move/", views.session_move, name="session_move"),
    path("sessions/<int:pk>/skip/", views.session_skip, name="session_skip"),
    path("sessions/<int:pk>/log/", views.session_log, name="session_log"),
    path("sessions/<int:pk>/session.ics", views.session_ics, name="session_ics"),
    path("calendar/", views.calendar, name="calendar"),
    path("feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
