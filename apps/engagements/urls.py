from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("log/", views.log, name="log"),
    path("mine/", views.my_time, name="my_time"),
    path("feed/", views.feed, name="feed"),
    path("engagements/<int:pk>/", views.detail, name="detail"),
    path("engagements/<int:pk>/edit/", views.edit, name="edit"),
    path("engagements/<int:pk>/delete/", views.delete, name="delete"),
    path("engagements/<int:pk>/learnings/", views.learning_add, name="learning_add"),
    path("learnings/<int:pk>/edit/", views.learning_edit, name="learning_edit"),
    path("learnings/<int:pk>/delete/", views.learning_delete, name="learning_delete"),
    path("participants/<int:pk>/minutes/", views.participant_minutes, name="participant_minutes"),
]
