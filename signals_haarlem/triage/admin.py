"""Admin for lanes, the category mapping, rules (with a dry-run before saving), areas and message
templates; decisions and SLA events are read-only history."""
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.utils.html import format_html, format_html_join

from signals_haarlem import signalen

from . import rules as rule_kinds
from . import services
from .models import Area, CategoryLane, Decision, Lane, MessageTemplate, Rule, SlaEvent


@admin.register(Lane)
class LaneAdmin(admin.ModelAdmin):
    list_display = ('name', 'code', 'department', 'formula', 'is_active', 'order')
    list_editable = ('order',)
    ordering = ('order', 'code')
    fieldsets = (
        (None, {'fields': ('code', 'name', 'order', 'department', 'is_active', 'description', 'staff_text')}),
        ('Servicenorm', {'fields': ('response_days', 'plan_days', 'resolution_days', 'resolution_basis',
                                    'calendar_days')}),
        ('Termijnbewaking', {'fields': ('warn_days', 'extension_days', 'notification_email')}),
    )

    @admin.display(description='servicenorm')
    def formula(self, obj):
        return obj.formula_text()

    def get_readonly_fields(self, request, obj=None):
        # A lane's code is how settings (the fallback lane), fixtures and links name it: fixed once made.
        return ('code',) if obj is not None else ()


@admin.register(CategoryLane)
class CategoryLaneAdmin(admin.ModelAdmin):
    list_display = ('category', 'main_category', 'lane', 'updated_by', 'updated_at')
    list_editable = ('lane',)
    list_filter = ('lane', ('category__parent', admin.RelatedOnlyFieldListFilter))
    list_select_related = ('category__parent', 'lane')
    search_fields = ('category__name', 'category__slug', 'category__parent__name')
    raw_id_fields = ('category',)
    readonly_fields = ('updated_by', 'updated_at')

    @admin.display(description='hoofdcategorie', ordering='category__parent__name')
    def main_category(self, obj):
        return obj.category.parent.name if obj.category.parent_id else '(hoofdcategorie)'

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user.get_username()
        super().save_model(request, obj, form, change)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ('name', 'code', 'updated_at')
    search_fields = ('name', 'code')


def _kinds_help():
    rows = []
    for kind in rule_kinds.all_kinds():
        params = ', '.join(f'{name}{"" if spec["required"] else "?"}' for name, spec in kind.schema().items())
        rows.append((kind.code, kind.label, kind.description, params))
    return format_html('<dl>{}</dl>', format_html_join(
        '', '<dt><code>{}</code>: {}</dt><dd>{}<br>Parameters: <code>{}</code></dd>', rows))


class RuleForm(forms.ModelForm):
    kind = forms.ChoiceField(label='Soort', choices=())
    params = forms.JSONField(label='Parameters (JSON)', required=False, initial=dict,
                             widget=forms.Textarea(attrs={'rows': 6, 'cols': 80, 'style': 'font-family: monospace'}))

    class Meta:
        model = Rule
        fields = ('name', 'description', 'kind', 'params', 'lane', 'order', 'is_active')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['kind'].choices = rule_kinds.kind_choices()
        self.fields['params'].help_text = _kinds_help()

    def clean_params(self):
        return self.cleaned_data.get('params') or {}


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ('order', 'name', 'kind_display', 'condition', 'lane', 'is_active', 'updated_at')
    list_display_links = ('name',)
    list_editable = ('order', 'is_active')
    list_filter = ('lane', 'is_active', 'kind')
    ordering = ('order', 'pk')
    search_fields = ('name', 'description')
    actions = ['dry_run_selected']
    change_form_template = 'admin/haarlem_triage/rule/change_form.html'

    @admin.display(description='soort')
    def kind_display(self, obj):
        return obj.kind_label()

    @admin.display(description='voorwaarde')
    def condition(self, obj):
        return obj.summary()

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user.get_username()
        super().save_model(request, obj, form, change)

    def has_dry_run_permission(self, request):
        return request.user.has_perm('haarlem_triage.dryrun_rule')

    @admin.action(description='Proefdraaien met alleen de geselecteerde regels', permissions=['dry_run'])
    def dry_run_selected(self, request, queryset):
        result = services.dry_run(list(queryset.order_by('order', 'pk')), limit=500)
        moves = '; '.join(f'{a} → {b}: {n}' for a, b, n in result.move_rows()) or 'geen'
        self.message_user(request, f'Proef op de laatste {result.total} meldingen: {len(result.changes)} wisselen van '
                                   f'baan ({moves}); {result.manual} handmatig.', messages.INFO)

    def changeform_view(self, request, object_id=None, form_url='', extra_context=None):
        if request.method == 'POST' and '_dryrun' in request.POST:
            return self._dry_run_view(request, object_id, form_url)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _dry_run_view(self, request, object_id, form_url):
        """Validate the form, run the rule set with this (unsaved) rule in it, show the change form again."""
        from django.core.exceptions import PermissionDenied
        if not self.has_dry_run_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        ModelForm = self.get_form(request, obj, change=obj is not None)
        form = ModelForm(request.POST, request.FILES, instance=obj)
        result = None
        try:
            limit = max(1, min(int(request.POST.get('_dryrun_limit') or 500), 5000))
        except ValueError:
            limit = 500
        if form.is_valid():
            candidate = form.save(commit=False)  # not saved: only used in memory
            rules = [rule for rule in Rule.objects.filter(is_active=True) if rule.pk != candidate.pk]
            if candidate.is_active:
                rules.append(candidate)
            rules.sort(key=lambda rule: (rule.order, rule.pk is None, rule.pk or 0))
            result = services.dry_run(rules, limit=limit)
        fieldsets = self.get_fieldsets(request, obj)
        admin_form = helpers.AdminForm(form, list(fieldsets), {}, self.get_readonly_fields(request, obj),
                                       model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            'title': 'Regel proefdraaien', 'subtitle': None, 'adminform': admin_form, 'object_id': object_id,
            'original': obj, 'is_popup': False, 'to_field': None, 'media': self.media + admin_form.media,
            'inline_admin_formsets': [], 'errors': helpers.AdminErrorList(form, []),
            'preserved_filters': self.get_preserved_filters(request),
            'dry_run': result, 'dry_run_moves': result.move_rows() if result else [], 'dry_run_limit': limit,
            'dry_run_hits': result.hits.most_common() if result else [],
        }
        return self.render_change_form(request, context, add=obj is None, change=obj is not None, obj=obj,
                                       form_url=form_url)

    def render_change_form(self, request, context, *args, **kwargs):
        context.setdefault('can_dry_run', self.has_dry_run_permission(request))
        context.setdefault('dry_run_limit', 500)
        return super().render_change_form(request, context, *args, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History: visible, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ('created_at', 'signal_display', 'lane', 'basis', 'reason', 'trigger', 'is_manual', 'decided_by')
    list_filter = ('lane', 'basis', 'trigger', 'is_manual')
    list_select_related = ('lane',)
    date_hierarchy = 'created_at'
    search_fields = ('=signal__id', 'reason', 'created_by')
    readonly_fields = ('rule_snapshot_pretty',)
    exclude = ('rule_snapshot',)

    @admin.display(description='melding', ordering='signal_id')
    def signal_display(self, obj):
        return signalen.id_display(obj.signal_id)

    @admin.display(description='regel zoals die toen was')
    def rule_snapshot_pretty(self, obj):
        return json.dumps(obj.rule_snapshot, ensure_ascii=False, indent=1) if obj.rule_snapshot else '–'


@admin.register(SlaEvent)
class SlaEventAdmin(ReadOnlyAdmin):
    list_display = ('created_at', 'signal_display', 'kind', 'due', 'expected_at')
    list_filter = ('kind',)
    date_hierarchy = 'created_at'
    search_fields = ('=signal__id',)

    @admin.display(description='melding', ordering='signal_id')
    def signal_display(self, obj):
        return signalen.id_display(obj.signal_id)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ('key', 'subject', 'updated_at')
    readonly_fields = ('variables',)
    fields = ('key', 'variables', 'subject', 'body')

    @admin.display(description='beschikbare variabelen')
    def variables(self, obj):
        if obj is None or not obj.key:
            return 'Kies eerst het bericht.'
        return MessageTemplate.VARIABLES.get(obj.key, '')
