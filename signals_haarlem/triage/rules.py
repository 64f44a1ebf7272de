"""Rule kinds: a small registry of classes, each a condition with a schema for its parameters.

A triage `Rule` (models.py) stores a kind code, parameters (JSON) and a target lane. The kind says
what the parameters mean, validates them (when the rule is saved: model clean and API serializer)
and decides whether a signal matches, with the reason in Dutch words:

    @rules.register
    class SourceKind(rules.RuleKind):
        code = 'source'
        label = 'Bron'
        class Params(rules.BaseParams):
            sources = serializers.ListField(child=serializers.CharField(), min_length=1)
        def match(self, facts, params):
            if facts.source in params['sources']:
                return f'Bron is {facts.source}'

Every kind accepts an optional `categories` scope (a list of category paths, "afval" or
"afval/container-is-vol"): the rule only applies to signals in those categories. The scope is checked
before the condition, so a rule that needs the database costs nothing for signals outside its scope.
"""
from __future__ import annotations

import re
import unicodedata

from rest_framework import serializers

from signals_haarlem import signalen

from .geo import GeometryError, Shape

_registry: dict[str, 'RuleKind'] = {}


def register(kind_class):
    """Register a RuleKind subclass (usable as a class decorator)."""
    kind = kind_class()
    if not kind.code:
        raise ValueError(f'{kind_class.__name__} has no code')
    _registry[kind.code] = kind
    return kind_class


def get_kind(code):
    """The registered kind with this code, or None."""
    return _registry.get(code)


def all_kinds():
    return list(_registry.values())


def kind_choices():
    return [(kind.code, kind.label) for kind in _registry.values()]


class ParamsError(Exception):
    """Parameters did not validate; `errors` maps field names to lists of Dutch messages."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors

    def flat(self):
        """The errors as a list of "field: message" strings."""
        return list(_flatten(self.errors))


def _flatten(errors, prefix=''):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, f'{prefix}{key}: ' if key != 'non_field_errors' else prefix)
    elif isinstance(errors, (list, tuple)):
        for item in errors:
            yield from _flatten(item, prefix)
    else:
        yield f'{prefix}{errors}'


def normalise_text(text):
    """Lower case without accents, so "Gevaarlijk" and "gevaarlijk" and "café"/"cafe" match."""
    text = unicodedata.normalize('NFKD', text or '').casefold()
    return ''.join(ch for ch in text if not unicodedata.combining(ch))


def category_path(category):
    """'main/sub' for a sub category, 'main' for a main category."""
    if category is None:
        return ''
    parent = category.parent if category.parent_id else None
    return f'{parent.slug}/{category.slug}' if parent is not None else category.slug


class CategoryPathsField(serializers.ListField):
    """A list of category paths ("afval" or "afval/container-is-vol") that must exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault('child', serializers.CharField(max_length=201))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        paths = super().to_internal_value(data)
        paths = sorted({path.strip().strip('/') for path in paths if path.strip().strip('/')})
        known = known_category_paths()
        unknown = [path for path in paths if path not in known]
        if unknown:
            raise serializers.ValidationError(f'Onbekende categorie(ën): {", ".join(unknown)}.')
        return paths


def known_category_paths():
    from signals_haarlem import signalen
    Category = signalen.get_model('Category')
    paths = set()
    for slug, parent_slug in Category.objects.values_list('slug', 'parent__slug'):
        paths.add(f'{parent_slug}/{slug}' if parent_slug else slug)
    return paths


class BaseParams(serializers.Serializer):
    """Parameters every kind has. Unknown keys are refused (typos would silently do nothing)."""
    categories = CategoryPathsField(required=False, default=list, label='Alleen voor categorieën',
                                    help_text='Leeg: alle categorieën. Hoofdcategorie ("afval") of '
                                              'subcategorie ("afval/container-is-vol").')

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ['Onbekende parameter.'] for key in unknown})
        return super().to_internal_value(data)


class RuleKind:
    """Base of the rule kinds. Subclasses set code, label, Params and implement match()."""
    code = ''
    label = ''
    description = ''
    #: True if match() queries the database (shown to admins; such rules are best scoped).
    uses_database = False
    Params = BaseParams

    def validate(self, params):
        """Cleaned parameters, or raise ParamsError."""
        serializer = self.Params(data=params if params is not None else {})
        if not serializer.is_valid():
            raise ParamsError(_plain(serializer.errors))
        return dict(serializer.validated_data)

    def compile(self, params, context=None):
        """Turn validated parameters into what match() uses (precomputed once per rule set).
        `context` holds what the rule set loaded once, e.g. {'areas': {code: (name, Shape)}}."""
        return params

    def match(self, facts, compiled):
        """The reason (Dutch) if the signal matches, else None."""
        raise NotImplementedError

    def summary(self, params):
        """A short Dutch description of the rule's condition, for lists."""
        return self.label

    def hint(self, compiled):
        """What the facts may fetch once for all rules of this kind: ('name', value) or None."""
        return None

    def schema(self):
        """A description of the parameters (for the API's list of kinds and the admin)."""
        fields = {}
        for name, field in self.Params().fields.items():
            fields[name] = {'type': _field_type(field), 'required': field.required, 'label': str(field.label or name),
                            'help_text': str(field.help_text or '')}
            if getattr(field, 'choices', None):
                fields[name]['choices'] = list(field.choices)
            elif isinstance(field, serializers.ListField) and getattr(field.child, 'choices', None):
                fields[name]['choices'] = list(field.child.choices)
            if field.default is not serializers.empty and not callable(field.default):
                fields[name]['default'] = field.default
        return fields


def _plain(errors):
    """DRF's ErrorDetail objects as plain strings (JSON- and template-friendly)."""
    if isinstance(errors, dict):
        return {key: _plain(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [_plain(item) for item in errors]
    return str(errors)


def _field_type(field):
    if isinstance(field, serializers.ListField):
        return 'list'
    if isinstance(field, serializers.BooleanField):
        return 'boolean'
    if isinstance(field, serializers.IntegerField):
        return 'integer'
    if isinstance(field, serializers.ChoiceField):
        return 'choice'
    if isinstance(field, serializers.JSONField):
        return 'geojson'
    return 'string'


# -- the kinds ------------------------------------------------------------------------------------

@register
class CategoryKind(RuleKind):
    code = 'category'
    label = 'Categorie'
    description = 'De melding valt in een van de gekozen (hoofd)categorieën.'

    class Params(BaseParams):
        categories = CategoryPathsField(
            min_length=1, label='Categorieën',
            help_text='Hoofdcategorie ("afval") of subcategorie ("afval/container-is-vol").')

    def match(self, facts, compiled):
        # The scope check (engine) already required the category to be in `categories`.
        return f'Categorie {facts.category_name} valt onder deze regel'

    def summary(self, params):
        return 'Categorie: ' + ', '.join(params.get('categories', []))


TYPE_LABELS = {'SIG': 'Melding', 'REQ': 'Aanvraag', 'QUE': 'Vraag', 'COM': 'Klacht', 'MAI': 'Groot onderhoud',
               'PRJ': 'Projectverzoek'}
PRIORITY_LABELS = {'low': 'Laag', 'normal': 'Normaal', 'high': 'Hoog'}


@register
class TypeKind(RuleKind):
    code = 'type'
    label = 'Type melding'
    description = 'Het type van de melding is een van de gekozen types (bijvoorbeeld Klacht).'

    class Params(BaseParams):
        types = serializers.ListField(child=serializers.ChoiceField(choices=list(TYPE_LABELS.items())),
                                      min_length=1, label='Types')

    def compile(self, params, context=None):
        return {**params, 'types': frozenset(params['types'])}

    def match(self, facts, compiled):
        if facts.type_code in compiled['types']:
            return f'Type is {TYPE_LABELS.get(facts.type_code, facts.type_code)}'
        return None

    def summary(self, params):
        return 'Type: ' + ', '.join(TYPE_LABELS.get(t, t) for t in params.get('types', []))


@register
class PriorityKind(RuleKind):
    code = 'priority'
    label = 'Urgentie'
    description = 'De urgentie van de melding is een van de gekozen waarden.'

    class Params(BaseParams):
        priorities = serializers.ListField(child=serializers.ChoiceField(choices=list(PRIORITY_LABELS.items())),
                                           min_length=1, label='Urgenties')

    def compile(self, params, context=None):
        return {**params, 'priorities': frozenset(params['priorities'])}

    def match(self, facts, compiled):
        if facts.priority in compiled['priorities']:
            return f'Urgentie is {PRIORITY_LABELS.get(facts.priority, facts.priority)}'
        return None

    def summary(self, params):
        return 'Urgentie: ' + ', '.join(PRIORITY_LABELS.get(p, p) for p in params.get('priorities', []))


@register
class KeywordsKind(RuleKind):
    code = 'keywords'
    label = 'Trefwoorden'
    description = ('De tekst van de melding bevat een (of alle) trefwoord(en); hoofdletters en accenten tellen '
                   'niet. Een * aan het eind van een woord staat voor "begint met" (kind* vindt kinderen).')

    class Params(BaseParams):
        keywords = serializers.ListField(child=serializers.CharField(min_length=2, max_length=100), min_length=1,
                                         max_length=200, label='Trefwoorden')
        match = serializers.ChoiceField(choices=[('any', 'Een van de woorden'), ('all', 'Alle woorden')],
                                        default='any', label='Wanneer')
        whole_words = serializers.BooleanField(default=True, label='Alleen hele woorden')

    def validate(self, params):
        cleaned = super().validate(params)
        words = []
        for word in cleaned['keywords']:
            word = ' '.join(word.split())
            if not word.rstrip('*'):
                raise ParamsError({'keywords': ['Een trefwoord mag niet alleen uit * bestaan.']})
            if word not in words:
                words.append(word)
        cleaned['keywords'] = words
        return cleaned

    def compile(self, params, context=None):
        patterns = []
        for word in params['keywords']:
            prefix = word.endswith('*')
            body = re.escape(normalise_text(word.rstrip('*')))
            if params.get('whole_words', True):
                pattern = r'(?<!\w)' + body + (r'' if prefix else r'(?!\w)')
            else:
                pattern = body
            patterns.append((word, re.compile(pattern)))
        combined = re.compile('|'.join(f'(?:{p.pattern})' for _, p in patterns))
        return {**params, 'patterns': patterns, 'combined': combined}

    def match(self, facts, compiled):
        text = facts.normalised_text
        if compiled['match'] == 'all':
            if all(pattern.search(text) for _, pattern in compiled['patterns']):
                return 'Tekst bevat ' + ' en '.join(f'"{word}"' for word, _ in compiled['patterns'])
            return None
        if not compiled['combined'].search(text):
            return None
        found = [word for word, pattern in compiled['patterns'] if pattern.search(text)]
        return 'Tekst bevat ' + ', '.join(f'"{word}"' for word in found)

    def summary(self, params):
        joiner = ' en ' if params.get('match') == 'all' else ' of '
        return 'Tekst bevat ' + joiner.join(f'"{w}"' for w in params.get('keywords', []))


class GeoJSONField(serializers.JSONField):
    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        try:
            Shape(data)
        except GeometryError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return data


@register
class AreaKind(RuleKind):
    code = 'area'
    label = 'Gebied'
    description = ('De locatie van de melding ligt in een gebied: een GeoJSON-polygoon in de regel zelf, of een '
                   'gebied uit de lijst van gebieden (code).')

    class Params(BaseParams):
        geometry = GeoJSONField(required=False, label='Polygoon (GeoJSON)',
                                help_text='Polygon of MultiPolygon in lengte-/breedtegraden (WGS84).')
        area = serializers.SlugField(required=False, label='Gebied (code)')
        name = serializers.CharField(required=False, max_length=100, label='Naam van het gebied')

        def validate(self, attrs):
            if bool(attrs.get('geometry')) == bool(attrs.get('area')):
                raise serializers.ValidationError('Geef een polygoon of een gebied, niet allebei en niet geen.')
            if attrs.get('area'):
                from .models import Area
                if not Area.objects.filter(code=attrs['area']).exists():
                    raise serializers.ValidationError({'area': [f'Onbekend gebied: {attrs["area"]}.']})
            return attrs

    def compile(self, params, context=None):
        if params.get('area'):
            area = (context or {}).get('areas', {}).get(params['area'])
            if area is None:  # deleted since the rule was saved: matches nothing
                return {**params, 'shape': None, 'label': params.get('name') or params['area']}
            return {**params, 'shape': area[1], 'label': params.get('name') or area[0]}
        return {**params, 'shape': Shape(params['geometry']), 'label': params.get('name') or 'van de regel'}

    def match(self, facts, compiled):
        shape = compiled['shape']
        if shape is None or facts.point is None:
            return None
        if shape.contains(*facts.point):
            return f'Locatie ligt in gebied {compiled["label"]}'
        return None

    def summary(self, params):
        return f'Locatie in gebied {params.get("name") or params.get("area") or "(polygoon)"}'


@register
class RepeatSpotKind(RuleKind):
    code = 'repeat_spot'
    label = 'Herhaalde meldingen op één plek'
    description = ('Er zijn N of meer meldingen (deze meegeteld) binnen R meter, gedaan in de D dagen voor deze '
                   'melding of daarna; standaard alleen openstaande meldingen van dezelfde categorie.')
    uses_database = True

    class Params(BaseParams):
        min_count = serializers.IntegerField(min_value=2, max_value=1000, default=3, label='Aantal meldingen (N)')
        radius_m = serializers.IntegerField(min_value=1, max_value=2000, default=50, label='Straal in meters (R)')
        days = serializers.IntegerField(min_value=1, max_value=366, default=30, label='Periode in dagen (D)')
        same_category = serializers.BooleanField(default=True, label='Alleen dezelfde categorie')
        open_only = serializers.BooleanField(default=True, label='Alleen openstaande meldingen')

    def match(self, facts, compiled):
        if facts.point is None:
            return None
        others = facts.nearby(compiled['radius_m'], compiled['days'], compiled['same_category'],
                              compiled['open_only'])
        count = len(others) + 1
        if count >= compiled['min_count']:
            return self._words(count, compiled)
        return None

    def hint(self, compiled):
        return ('nearby', (compiled['radius_m'], compiled['days'], not compiled['same_category'],
                           not compiled['open_only']))

    @staticmethod
    def _words(count, params):
        same = ' van dezelfde categorie' if params.get('same_category', True) else ''
        return f'{count} meldingen{same} binnen {params["radius_m"]} m in {params["days"]} dagen'

    def summary(self, params):
        return 'Minstens ' + self._words(params.get('min_count', 3), params)


@register
class RepeatReporterKind(RuleKind):
    code = 'repeat_reporter'
    label = 'Herhaalde melder of verzoek tot heropenen'
    description = ('Dezelfde melder (e-mailadres of telefoonnummer) deed N of meer meldingen in D dagen (deze '
                   'meegeteld), of er is gevraagd de melding te heropenen.')
    uses_database = True
    REOPEN_STATES = ('reopen requested', 'reopened')

    class Params(BaseParams):
        min_count = serializers.IntegerField(min_value=2, max_value=1000, required=False, allow_null=True,
                                             default=None, label='Aantal meldingen (N)')
        days = serializers.IntegerField(min_value=1, max_value=366, default=30, label='Periode in dagen (D)')
        reopen_request = serializers.BooleanField(default=False, label='Ook bij een verzoek tot heropenen')

        def validate(self, attrs):
            if not attrs.get('min_count') and not attrs.get('reopen_request'):
                raise serializers.ValidationError(
                    'Geef een aantal meldingen, of kies "verzoek tot heropenen", of allebei.')
            return attrs

    def match(self, facts, compiled):
        if compiled.get('reopen_request') and facts.had_state(self.REOPEN_STATES):
            return 'De melder vroeg om de melding te heropenen'
        if compiled.get('min_count'):
            count = len(facts.same_reporter(compiled['days'])) + 1
            if count >= compiled['min_count']:
                return f'Dezelfde melder deed {count} meldingen in {compiled["days"]} dagen'
        return None

    def hint(self, compiled):
        return ('reporter', compiled['days']) if compiled.get('min_count') else None

    def summary(self, params):
        parts = []
        if params.get('min_count'):
            parts.append(f'melder met minstens {params["min_count"]} meldingen in {params.get("days", 30)} dagen')
        if params.get('reopen_request'):
            parts.append('verzoek tot heropenen')
        return ' of '.join(parts).capitalize()


@register
class ParentChildKind(RuleKind):
    code = 'parent_child'
    label = 'Hoofd- en deelmeldingen'
    description = 'De melding is een hoofdmelding met deelmeldingen, of een deelmelding.'
    uses_database = True

    class Params(BaseParams):
        role = serializers.ChoiceField(choices=[('parent', 'Hoofdmelding met deelmeldingen'), ('child', 'Deelmelding'),
                                                ('either', 'Een van beide')], default='parent', label='Soort')
        min_children = serializers.IntegerField(min_value=1, max_value=100, default=1,
                                                label='Minimaal aantal deelmeldingen (hoofdmelding)')

    def match(self, facts, compiled):
        role = compiled['role']
        if role in ('child', 'either') and facts.parent_id:
            return f'Deelmelding van {signalen.id_display(facts.parent_id)}'
        if role in ('parent', 'either') and not facts.parent_id:
            children = facts.children_count()
            if children >= compiled['min_children']:
                return f'Hoofdmelding met {children} deelmelding{"en" if children != 1 else ""}'
        return None

    def summary(self, params):
        role = params.get('role', 'parent')
        if role == 'child':
            return 'Deelmelding'
        text = f'Hoofdmelding met minstens {params.get("min_children", 1)} deelmelding(en)'
        return text + (' of deelmelding' if role == 'either' else '')


@register
class ComplaintKind(RuleKind):
    code = 'complaint'
    label = 'Klacht over de melding'
    description = ('Er is een klacht ingediend over deze melding (in de klachtprocedure), of de melding is zelf '
                   'een klacht (type Klacht).')
    uses_database = True

    class Params(BaseParams):
        include_type = serializers.BooleanField(default=True, label='Ook meldingen van het type Klacht')

    def match(self, facts, compiled):
        if compiled['include_type'] and facts.type_code == 'COM':
            return 'De melding is een klacht'
        reference = facts.complaint()
        if reference:
            return f'Er is een klacht ingediend over deze melding ({reference})'
        return None

    def summary(self, params):
        return 'Klacht over de melding' + (' of melding van het type Klacht' if params.get('include_type', True) else '')
