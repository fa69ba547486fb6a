from django.contrib import admin

from .models import Invitation, Location, Membership, Organization, Region


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "title", "is_active"]
    list_filter = ["role", "is_active", "organization"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__email", "user__full_name", "organization__name", "title"]
    autocomplete_fields = ["user", "organization"]
    filter_horizontal = ["supports"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "organization", "is_active"]
    list_filter = ["is_active", "organization"]
    list_select_related = ["region", "organization"]
    search_fields = ["name", "code", "address", "region__name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "expires_at", "sent_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "organization"]
    list_select_related = ["organization"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["token"]
