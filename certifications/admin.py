from django.contrib import admin

from certifications.exports.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who has a feed and whether it is revoked; the token hash is left out (useless to a reader)."""

    list_display = ["user", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email"]
    exclude = ["token_hash"]
    readonly_fields = ["user", "created_at"]
