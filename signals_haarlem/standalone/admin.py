"""Django admin for the standalone core: admins configure categories, their service norms and
departments here as well as in the backoffice. Signals themselves are read-only here: every change
goes through `Signal.actions`, so history and hooks are never skipped."""
from django.contrib import admin

from . import models


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceLevelObjectiveInline(admin.TabularInline):
    model = models.ServiceLevelObjective
    extra = 1
    can_delete = False
    fields = ('n_days', 'use_calendar_days', 'created_at')
    readonly_fields = ('created_at',)

    def has_change_permission(self, request, obj=None):
        return False  # a new norm is a new record; the newest counts


class CategoryDepartmentInline(admin.TabularInline):
    model = models.CategoryDepartment
    extra = 1
    autocomplete_fields = ('department',)


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ('name', 'slug', 'parent', 'is_active', 'is_public_accessible')
    list_filter = ('is_active', 'is_public_accessible', ('parent', admin.RelatedOnlyFieldListFilter))
    search_fields = ('name', 'slug', 'public_name')
    inlines = (ServiceLevelObjectiveInline, CategoryDepartmentInline)
    list_select_related = ('parent',)


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ('code', 'name', 'is_intern', 'can_direct')
    search_fields = ('code', 'name')
    list_filter = ('is_intern', 'can_direct')


@admin.register(models.ServiceLevelObjective)
class ServiceLevelObjectiveAdmin(admin.ModelAdmin):
    list_display = ('category', 'n_days', 'use_calendar_days', 'created_at')
    list_select_related = ('category', 'category__parent')
    readonly_fields = ('created_at',)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ('name', 'order', 'is_active', 'is_public', 'can_be_selected')
    list_editable = ('order', 'is_active', 'can_be_selected')


class StatusInline(ReadOnlyInline):
    model = models.Status
    fk_name = '_signal'
    fields = ('state', 'text', 'user', 'created_at')


class NoteInline(ReadOnlyInline):
    model = models.Note
    fk_name = '_signal'
    fields = ('text', 'created_by', 'created_at')


class HistoryInline(ReadOnlyInline):
    model = models.History
    fk_name = '_signal'
    fields = ('when', 'who', 'action', 'description')


@admin.register(models.Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ('id', 'created_at', 'status', 'category_assignment', 'source')
    list_select_related = ('status', 'category_assignment__category')
    search_fields = ('id', 'text')
    date_hierarchy = 'created_at'
    inlines = (StatusInline, NoteInline, HistoryInline)
    readonly_fields = [f.name for f in models.Signal._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ('_signal', 'file', 'mimetype', 'public', 'created_at')
    readonly_fields = ('_signal', 'file', 'mimetype', 'is_image', 'created_by', 'created_at')
    list_select_related = ('_signal',)


class AppendOnlyAdmin(admin.ModelAdmin):
    """History-like records: visible to admins, never edited or deleted."""
    list_select_related = ('_signal',)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (models.Status, models.CategoryAssignment, models.Location, models.Reporter, models.Priority,
              models.Type, models.Note, models.SignalUser, models.History):
    admin.site.register(model, AppendOnlyAdmin)


@admin.register(models.SignalDepartments)
class SignalDepartmentsAdmin(AppendOnlyAdmin):
    list_display = ('_signal', 'relation_type', 'updated_at')


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ('user', 'created_at')
    filter_horizontal = ('departments',)
    search_fields = ('user__username', 'user__email')


@admin.register(models.MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    """Texts of the mails to reporters; without a row for a key the built-in default text is used."""
    list_display = ('key', 'subject', 'is_active', 'updated_at')
    list_filter = ('is_active',)
    search_fields = ('key', 'subject', 'body')


# -- feedback from reporters (KTO) ----------------------------------------------------------------------

@admin.register(models.StandardAnswerTopic)
class StandardAnswerTopicAdmin(admin.ModelAdmin):
    list_display = ('name', 'description', 'order')
    list_editable = ('order',)


@admin.register(models.StandardAnswer)
class StandardAnswerAdmin(admin.ModelAdmin):
    """The answers a reporter picks on the feedback form; which unhappy ones ask to reopen the signal."""
    list_display = ('text', 'is_satisfied', 'reopens_when_unhappy', 'open_answer', 'topic', 'order', 'is_visible')
    list_filter = ('is_satisfied', 'is_visible', 'reopens_when_unhappy', 'topic')
    list_editable = ('order', 'is_visible')
    search_fields = ('text',)


@admin.register(models.Feedback)
class FeedbackAdmin(AppendOnlyAdmin):
    """What reporters answered (read only: it is theirs)."""
    list_display = ('_signal', 'created_at', 'submitted_at', 'is_satisfied', 'allows_contact')
    list_filter = ('is_satisfied', 'allows_contact')
    date_hierarchy = 'created_at'
    raw_id_fields = ('_signal',)
    readonly_fields = ('token', '_signal', 'created_at', 'submitted_at', 'is_satisfied', 'allows_contact', 'text',
                       'text_list', 'text_extra')


@admin.register(models.ReporterVerification)
class ReporterVerificationAdmin(AppendOnlyAdmin):
    """New reporter e-mail addresses waiting for (or given) the reporter's confirmation (read only)."""
    list_display = ('reporter', 'created_by', 'created_at', 'expires_at', 'verified_at', 'cancelled_at')
    list_select_related = ('reporter',)
    date_hierarchy = 'created_at'
    readonly_fields = ('reporter', 'created_by', 'created_at', 'expires_at', 'verified_at', 'cancelled_at')
    exclude = ('token',)


# -- settings of the backoffice ------------------------------------------------------------------------

@admin.register(models.StoredSignalFilter)
class StoredSignalFilterAdmin(admin.ModelAdmin):
    list_display = ('name', 'created_by', 'refresh', 'show_on_overview', 'created_at')
    list_select_related = ('created_by',)
    search_fields = ('name', 'created_by__username')
    raw_id_fields = ('created_by',)


@admin.register(models.StatusMessageTemplate)
class StatusMessageTemplateAdmin(admin.ModelAdmin):
    list_display = ('category', 'state', 'order', 'title', 'is_active')
    list_filter = ('state', 'is_active')
    list_select_related = ('category', 'category__parent')
    search_fields = ('title', 'text', 'category__name')
    autocomplete_fields = ('category',)


class CategoryQuestionInline(admin.TabularInline):
    model = models.CategoryQuestion
    extra = 1
    autocomplete_fields = ('category',)


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ('key', 'field_type', 'required', 'created_at')
    list_filter = ('field_type', 'required')
    search_fields = ('key',)
    inlines = (CategoryQuestionInline,)


class AreaInline(admin.TabularInline):
    model = models.Area
    extra = 1


@admin.register(models.AreaType)
class AreaTypeAdmin(admin.ModelAdmin):
    list_display = ('code', 'name')
    search_fields = ('code', 'name')
    inlines = (AreaInline,)


@admin.register(models.Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ('name', 'code', 'area_type')
    list_filter = ('area_type',)
    search_fields = ('name', 'code')


@admin.register(models.CategoryNote)
class CategoryNoteAdmin(admin.ModelAdmin):
    list_display = ('category', 'updated_at')
    list_select_related = ('category', 'category__parent')
    autocomplete_fields = ('category',)


@admin.register(models.SettingsLog)
class SettingsLogAdmin(AppendOnlyAdmin):
    """The history of settings changes (categories, departments, users, roles): read only."""
    list_display = ('when', 'kind', 'object_pk', 'action', 'who')
    list_filter = ('kind', 'action')
    list_select_related = False
    search_fields = ('who',)
    date_hierarchy = 'when'


# -- users: an administrator does not switch their own account off ------------------------------------

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402


class UserAdmin(DjangoUserAdmin):
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None or obj.pk != request.user.pk or 'is_active' not in form.base_fields:
            return form

        class OwnAccountForm(form):
            def clean_is_active(self):
                if not self.cleaned_data.get('is_active'):
                    raise ValidationError('U kunt uw eigen account niet op inactief zetten.')
                return True
        return OwnAccountForm


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)
