from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("me/", views.executive, name="executive"),
    path("team/", views.team, name="team"),
    path("board/", views.board, name="board"),
]
