"""Admin for the partner register. Records that are history (events, answers, figures, logs) are
shown read-only; tokens are issued through the API (their secret is shown once) and revoked here."""
from django.contrib import admin, messages
from django.utils import timezone

from .models import (FigureReport, Forward, ForwardAnswer, ForwardEvent, Partner, PartnerContact, PartnerLog,
                     PartnerToken, Review, ReviewAction, ReviewActionEvent, ReviewEvent)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 1


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ('name', 'code', 'department', 'response_days', 'resolution_days', 'review_cadence',
                    'account_holder', 'is_active')
    list_filter = ('is_active', 'review_cadence')
    search_fields = ('name', 'code')
    filter_horizontal = ('categories',)
    inlines = [ContactInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == 'categories':
            from signals_haarlem import signalen
            kwargs['queryset'] = signalen.get_model('Category').objects.filter(parent__isnull=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    list_display = ('partner', 'name', 'key_id', 'created_at', 'expires_at', 'revoked_at', 'last_used_at')
    list_filter = ('partner',)
    readonly_fields = ('partner', 'name', 'key_id', 'created_at', 'created_by', 'expires_at', 'revoked_at',
                       'revoked_by', 'last_used_at')
    exclude = ('key_hash',)
    actions = ['revoke']

    def has_add_permission(self, request):
        return False  # issued through the API, which shows the secret once

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description='Geselecteerde tokens intrekken', permissions=['change'])
    def revoke(self, request, queryset):
        who = request.user.email or request.user.username
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=who)
        for token in queryset:
            PartnerLog.objects.create(partner=token.partner, kind=PartnerLog.TOKEN_REVOKED, who=who,
                                      detail=token.key_id)
        messages.success(request, f'{count} token(s) ingetrokken.')


class ForwardEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ForwardEvent
    extra = 0
    fields = ('kind', 'at', 'who', 'workdays_elapsed', 'norm_days', 'on_time', 'detail')
    readonly_fields = fields


@admin.register(Forward)
class ForwardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ('subject_display', 'partner', 'status', 'forwarded_at', 'response_due', 'answered_at',
                    'reminders_sent')
    list_filter = ('status', 'partner', 'via')
    date_hierarchy = 'forwarded_at'
    exclude = ('nonce',)
    inlines = [ForwardEventInline]
    list_select_related = ('partner', 'signal')


@admin.register(ForwardAnswer)
class ForwardAnswerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ('forward', 'answered_at', 'answered_by', 'via', 'workdays_taken', 'response_on_time', 'resolved')
    list_filter = ('via', 'response_on_time', 'resolved')


@admin.register(FigureReport)
class FigureReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ('partner', 'period_start', 'received', 'handled', 'handled_on_time', 'delivered_at',
                    'delivered_by', 'via')
    list_filter = ('partner', 'via')


class ReviewEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ReviewEvent
    extra = 0
    readonly_fields = ('kind', 'at', 'who', 'detail')


class ReviewActionInline(admin.TabularInline):
    model = ReviewAction
    extra = 0
    fields = ('description', 'owner', 'owner_side', 'due_date', 'status')
    readonly_fields = ('status',)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ('partner', 'period_start', 'period_months', 'planned_date', 'status', 'held_on')
    list_filter = ('status', 'partner')
    readonly_fields = ('status', 'dossier_generated_at', 'reminder_sent_at', 'created_at')
    inlines = [ReviewActionInline, ReviewEventInline]


class ActionEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ReviewActionEvent
    extra = 0
    readonly_fields = ('from_status', 'to_status', 'at', 'who', 'note')


@admin.register(ReviewAction)
class ReviewActionAdmin(admin.ModelAdmin):
    list_display = ('description', 'partner', 'owner', 'due_date', 'status')
    list_filter = ('status', 'partner')
    readonly_fields = ('status', 'done_at', 'last_chased_at', 'chase_count', 'created_at', 'created_by')
    inlines = [ActionEventInline]


@admin.register(PartnerLog)
class PartnerLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ('partner', 'kind', 'at', 'who', 'detail')
    list_filter = ('kind', 'partner')
