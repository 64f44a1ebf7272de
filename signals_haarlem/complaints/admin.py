"""Admin: reference data (norms, causes) and the letter templates are edited here. Complaints and
their history are read-only here: every change goes through services.py (the werkplek or the API),
so the rules of Awb chapter 9 and the append-only history are never skipped."""
from django.contrib import admin
from django.utils.html import escape, format_html, linebreaks

from .models import (Cause, Complaint, ComplaintEvent, ImprovementMeasure, Letter, LetterTemplate, Norm,
                     OmbudsmanCase)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Norm)
class NormAdmin(admin.ModelAdmin):
    list_display = ('number', 'group', 'name', 'is_active')
    list_filter = ('group', 'is_active')
    search_fields = ('name',)


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ('name', 'code', 'order', 'is_active')
    list_editable = ('order', 'is_active')


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ('kind', 'subject', 'is_active', 'updated_at', 'updated_by')
    readonly_fields = ('fields_help', 'updated_at', 'updated_by')
    fields = ('kind', 'subject', 'body', 'is_active', 'fields_help', 'updated_at', 'updated_by')

    @admin.display(description='Beschikbare velden')
    def fields_help(self, obj):
        names = sorted(['klachtnummer', 'datum_ontvangst', 'datum_brief', 'naam_klager', 'aan', 'aanhef', 'onderwerp',
                        'gedraging', 'datum_gedraging', 'afdeling', 'beklaagde', 'behandelaar', 'termijn',
                        'termijn_weken', 'verdaging_weken', 'vorige_termijn', 'reden', 'hoorzitting',
                        'hoorzitting_plaats', 'grond', 'toelichting', 'bevindingen', 'oordeel', 'conclusies',
                        'maatregelen', 'doorgezonden_aan', 'classificatie', 'ombudsman'])
        note = ('Gebruik {{ veld }}. De verwijzing naar de Nationale ombudsman staat altijd onder de brieven '
                '"Afhandeling klacht" en "Niet in behandeling" (Awb 9:12 lid 2, 9:8).')
        return format_html('<p>{}</p><p><code>{}</code></p>', note, ', '.join(names))

    def save_model(self, request, obj, form, change):
        obj.updated_by = getattr(request.user, 'email', '') or request.user.get_username()
        super().save_model(request, obj, form, change)


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ('created_at', 'kind', 'from_state', 'to_state', 'reason', 'created_by_name')
    readonly_fields = fields


class LetterInline(ReadOnlyInline):
    model = Letter
    fields = ('created_at', 'kind', 'recipient_role', 'recipient_name', 'mailed_at')
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ('reference', 'received_on', 'state', 'outcome', 'handler', 'department_concerned', 'term_last_day')
    list_filter = ('state', 'outcome', 'form', 'is_formal', 'channel')
    search_fields = ('reference',)
    date_hierarchy = 'received_on'
    list_select_related = ('handler', 'department_concerned')
    inlines = (EventInline, LetterInline)
    exclude = ('norms',)


@admin.register(ImprovementMeasure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ('description', 'complaint', 'owner_name', 'due_date', 'status')
    list_filter = ('status',)


@admin.register(OmbudsmanCase)
class OmbudsmanCaseAdmin(ReadOnlyAdmin):
    list_display = ('complaint', 'ombudsman', 'reference', 'received_on', 'status')


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ('complaint', 'kind', 'recipient_role', 'created_at', 'mailed_at')
    list_filter = ('kind',)
    readonly_fields = ('preview',)

    @admin.display(description='Brief')
    def preview(self, obj):
        return format_html('<div>{}</div>', linebreaks(escape(obj.text)))
