from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("new/", views.organization_create, name="create"),
    path("switch/", views.organization_switch, name="switch"),
    path("settings/", views.organization_settings, name="settings"),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("locations/", views.location_list, name="locations"),
    path("locations/new/", views.location_edit, name="location_create"),
    path("locations/<int:pk>/", views.location_edit, name="location_edit"),
]
