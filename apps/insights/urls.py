from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    # What we learned, and themes
    path("learned/", views.learning_feed, name="learning_feed"),
    path("learned/<int:pk>/", views.learning_detail, name="learning_detail"),
    path("learned/<int:pk>/themes/", views.learning_themes, name="learning_themes"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/new/", views.theme_create, name="theme_create"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path("themes/<int:pk>/merge/", views.theme_merge, name="theme_merge"),
    path("themes/<int:pk>/delete/", views.theme_delete, name="theme_delete"),
    # Actions and pilots
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:pk>/notes/", views.action_note, name="action_note"),
    path("actions/<int:pk>/learnings/", views.action_learning_add, name="action_learning_add"),
    path(
        "actions/<int:pk>/learnings/<int:learning_pk>/remove/",
        views.action_learning_remove,
        name="action_learning_remove",
    ),
    path("actions/<int:pk>/pilot/", views.pilot_create, name="pilot_create"),
    path("pilots/", views.pilot_list, name="pilot_list"),
    path("pilots/<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("pilots/<int:pk>/edit/", views.pilot_edit, name="pilot_edit"),
    # Customer scores
    path("scores/", views.score_list, name="score_list"),
    path("scores/new/", views.score_create, name="score_create"),
    path("scores/import/", views.score_import, name="score_import"),
    path("scores/template.csv", views.score_template, name="score_template"),
    path("scores/<int:pk>/edit/", views.score_edit, name="score_edit"),
    path("scores/<int:pk>/delete/", views.score_delete, name="score_delete"),
]
