import json

import django
from django import forms

from signals_haarlem import signalen

from .. import rules as rule_kinds
from ..models import Area, Lane, Rule


class AccessibleForm(forms.Form):
    """Inputs point at their help text and error (aria-describedby); Django 5 does this itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if django.VERSION < (5, 0):
            for name, field in self.fields.items():
                if field.help_text:
                    field.widget.attrs.setdefault('aria-describedby', f'{self[name].auto_id}_helptext')

    def add_error(self, field, error):
        super().add_error(field, error)
        if django.VERSION < (5, 2) and field in self.fields:
            widget = self.fields[field].widget
            ids = [widget.attrs.get('aria-describedby', ''), f'{self[field].auto_id}_error']
            widget.attrs['aria-describedby'] = ' '.join(i for i in ids if i)
            widget.attrs['aria-invalid'] = 'true'


class RetriageForm(AccessibleForm):
    lane = forms.ModelChoiceField(Lane.objects.filter(is_active=True).order_by('order', 'code'), to_field_name='code',
                                  label='Nieuwe baan', empty_label=None)
    reason = forms.CharField(label='Reden', max_length=1000, widget=forms.Textarea(attrs={'rows': 3}),
                             help_text='Verplicht. De reden komt in de geschiedenis van de melding.')

    def __init__(self, *args, current_lane=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_lane is not None and not self.is_bound:
            self.initial.setdefault('lane', current_lane.code)


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label='Reden', max_length=1000, widget=forms.Textarea(attrs={'rows': 2}),
                             help_text='Verplicht. Daarna beslist de automatische triage weer.')


class AgreedDateForm(AccessibleForm):
    date = forms.DateField(label='Afgesproken afhandeldatum', widget=forms.DateInput(attrs={'type': 'date'}),
                           input_formats=['%Y-%m-%d', '%d-%m-%Y'])
    reason = forms.CharField(label='Toelichting', max_length=1000, widget=forms.Textarea(attrs={'rows': 2}),
                             help_text='Verplicht. Bijvoorbeeld: wat u met de melder heeft afgesproken.')


def category_choices():
    """[('', 'Alle categorieën'), (main name, [(path, name), ...]), ...] for a grouped select."""
    mains, subs = [], {}
    for category in signalen.categories().values():
        if category.parent_id:
            subs.setdefault(category.parent_id, []).append((category.path, category.name))
        else:
            mains.append(category)
    choices = [('', 'Alle categorieën')]
    for main in mains:
        choices.append((main.name, [(main.slug, f'{main.name} (alle)')] + subs.get(main.pk, [])))
    return choices


class QueueFilterForm(forms.Form):
    te_laat = forms.BooleanField(label='Alleen te laat', required=False)
    binnen = forms.IntegerField(label='Termijn binnen (werkdagen)', required=False, min_value=0, max_value=365)
    categorie = forms.ChoiceField(label='Categorie', required=False)
    gebied = forms.ModelChoiceField(Area.objects.order_by('name'), to_field_name='code', label='Gebied',
                                    required=False, empty_label='Alle gebieden')
    handmatig = forms.ChoiceField(label='Baan gekozen', required=False,
                                  choices=[('', 'Automatisch en handmatig'), ('ja', 'Alleen handmatig'),
                                           ('nee', 'Alleen automatisch')])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['categorie'].choices = category_choices()

    def category(self):
        value = self.cleaned_data.get('categorie')
        if not value:
            return None
        Category = signalen.get_model('Category')
        if '/' in value:
            main, sub = value.split('/', 1)
            return Category.objects.filter(parent__slug=main, slug=sub).first()
        return Category.objects.filter(parent__isnull=True, slug=value).first()


class DryRunForm(AccessibleForm):
    limit = forms.IntegerField(label='Aantal laatste meldingen', min_value=1, max_value=5000, initial=500)
    only_open = forms.BooleanField(label='Alleen openstaande meldingen', required=False)
    rules = forms.ModelMultipleChoiceField(Rule.objects.select_related('lane').order_by('order', 'pk'), required=False,
                                           widget=forms.CheckboxSelectMultiple, label='Regels die meedoen')
    new_name = forms.CharField(label='Naam', max_length=100, required=False)
    new_kind = forms.ChoiceField(label='Soort', required=False)
    new_lane = forms.ModelChoiceField(Lane.objects.filter(is_active=True).order_by('order'), to_field_name='code',
                                      label='Naar baan', required=False)
    new_order = forms.IntegerField(label='Volgorde', required=False, min_value=0, initial=100)
    new_params = forms.CharField(label='Parameters (JSON)', required=False, widget=forms.Textarea(attrs={'rows': 4}),
                                 help_text='Bijvoorbeeld {"min_count": 3, "radius_m": 50, "days": 30}.')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['new_kind'].choices = [('', '(geen nieuwe regel)')] + rule_kinds.kind_choices()
        if not self.is_bound:
            self.initial['rules'] = [rule.pk for rule in Rule.objects.filter(is_active=True)]

    def clean(self):
        data = super().clean()
        self.new_rule = None
        if data.get('new_kind'):
            if not data.get('new_lane'):
                self.add_error('new_lane', 'Kies de baan van de nieuwe regel.')
            raw = (data.get('new_params') or '').strip() or '{}'
            try:
                params = json.loads(raw)
            except ValueError:
                self.add_error('new_params', 'Dit is geen geldige JSON.')
                return data
            kind = rule_kinds.get_kind(data['new_kind'])
            try:
                params = kind.validate(params)
            except rule_kinds.ParamsError as exc:
                self.add_error('new_params', exc.flat())
                return data
            if data.get('new_lane'):
                self.new_rule = Rule(name=data.get('new_name') or 'Nieuwe regel', kind=kind.code, params=params,
                                     lane=data['new_lane'], order=data.get('new_order') or 0)
        return data

    def proposed_rules(self):
        rules = list(self.cleaned_data.get('rules') or [])
        if self.new_rule is not None:
            rules.append(self.new_rule)
        return sorted(rules, key=lambda rule: (rule.order, rule.pk is None, rule.pk or 0))
