from django.contrib import admin

from .models import ClosureDay


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ('date', 'reason')
    date_hierarchy = 'date'
    search_fields = ('reason',)
