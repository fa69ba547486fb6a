from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "scope", "membership", "organization", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope"]
    list_select_related = ["membership__user", "membership__organization", "organization"]
    search_fields = ["name", "prefix", "membership__user__email"]
    autocomplete_fields = ["organization", "membership"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["prefix", "secret_hash", "last_used_at", "created_at"]
