"""Shared set-up for the signal API tests (imported by the test_signals_* modules; holds no tests).

The contract examples use Amsterdam category slugs and a "Telefoon" source; `amsterdam` creates
them. Coordinates in the examples lie in Amsterdam, inside the default bounding box.
"""
import json
from pathlib import Path

import pytest
from django.conf import settings

from signals_haarlem.standalone.models import Signal, Source
from tests.conftest import bearer
from tests.factories import CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory

EXAMPLES = Path(settings.BASE_DIR).parent / 'shared' / 'signalen-contract' / 'examples'
HANDLING = ('We laten u binnen 3 werkdagen weten wat we hebben gedaan. En anders hoort u wanneer wij uw melding '
            'kunnen oppakken.\nWe houden u op de hoogte via e-mail.')
AMSTERDAM = (4.90022563, 52.36768424)
LIST = '/signals/v1/private/signals/'

ALL_WRITE = ('signals.sia_read', 'signals.sia_write', 'signals.sia_signal_create_initial',
             'signals.sia_signal_create_note', 'signals.sia_signal_change_status',
             'signals.sia_signal_change_category', 'signals.sia_split')


def example(name):
    return json.loads((EXAMPLES / name).read_text())


def detail_url(signal_or_pk):
    return f'{LIST}{getattr(signal_or_pk, "pk", signal_or_pk)}'


class Amsterdam:
    """The categories, departments and source the contract examples refer to."""

    def __init__(self):
        self.tho = DepartmentFactory(code='THO', name='THOR')
        self.asc = DepartmentFactory(code='ASC', name='Actie Service Centrum')
        self.aeg = DepartmentFactory(code='AEG', name='Afval en Grondstoffen')
        self.stw = DepartmentFactory(code='STW', name='Stadswerken')
        afval = MainCategoryFactory(slug='afval', name='Afval', is_public_accessible=False)
        self.asbest = CategoryFactory(parent=afval, slug='asbest-accu', name='Asbest / accu', handling='A3DMC',
                                      handling_message=HANDLING, departments=[self.tho], n_days=3)
        self.bedrijfsafval = CategoryFactory(parent=afval, slug='bedrijfsafval', name='Bedrijfsafval',
                                             handling='A3DMC', handling_message=HANDLING,
                                             departments=[self.asc, self.aeg], n_days=3)
        wegen = MainCategoryFactory(slug='wegen-verkeer-straatmeubilair', name='Wegen, verkeer, straatmeubilair')
        self.put = CategoryFactory(parent=wegen, slug='put-riolering-verstopt', name='Put / riolering verstopt',
                                   handling='A3WMC', handling_message='Binnen 5 werkdagen.', departments=[self.stw],
                                   n_days=5)
        overig = MainCategoryFactory(slug='overig', name='Overig')
        self.overig = CategoryFactory(parent=overig, slug='overig', name='Overig', handling_message='We kijken ernaar.',
                                      departments=[self.asc], n_days=5)
        self.inactive = CategoryFactory(parent=afval, slug='oud', name='Oude categorie', is_active=False)
        self.telefoon = Source.objects.create(name='Telefoon', is_active=True, is_public=False)
        Source.objects.create(name='Oud kanaal', is_active=False, is_public=False)
        Source.objects.create(name='Webformulier', is_active=True, is_public=True)


@pytest.fixture
def amsterdam(db):
    return Amsterdam()


def staff(departments=(), permissions=ALL_WRITE, username=None):
    kwargs = {'departments': list(departments), 'permissions': list(permissions)}
    if username:
        kwargs['username'] = username
    return UserFactory(**kwargs)


def client_for(user):
    from rest_framework.test import APIClient
    client = APIClient()
    client.credentials(**bearer(user))
    return client


def public_body(category_path='/signals/v1/public/terms/categories/afval/sub_categories/asbest-accu', **extra):
    body = {
        'text': 'Er ligt al dagen een grote berg afval naast de container.',
        'location': {'geometrie': {'type': 'Point', 'coordinates': list(AMSTERDAM)}},
        'category': {'sub_category': category_path},
        'reporter': {},
        'incident_date_start': '2026-11-28T10:00:00+01:00',
    }
    body.update(extra)
    return body


def private_body(**extra):
    body = {
        'text': 'Losliggende stoeptegel',
        'location': {'geometrie': {'type': 'Point', 'coordinates': [4.8952, 52.3702]}},
        'category': {'sub_category': '/signals/v1/public/terms/categories/wegen-verkeer-straatmeubilair/'
                                     'sub_categories/put-riolering-verstopt'},
        'reporter': {'email': 'melder@example.com'},
        'incident_date_start': '2026-11-28T09:30:00+01:00',
        'source': 'Telefoon',
    }
    body.update(extra)
    return body


def counts():
    """Row counts of everything a refused request must leave alone."""
    from signals_haarlem.standalone import models as m
    return {model.__name__: model.objects.count() for model in (
        m.Signal, m.Status, m.CategoryAssignment, m.Location, m.Reporter, m.Priority, m.Type, m.Note, m.SignalUser,
        m.SignalDepartments, m.Attachment, m.History)}


# -- shape comparison -----------------------------------------------------------------------------

def merge_examples(values):
    """One shape from several example values: null anywhere makes the place nullable."""
    values = list(values)
    if any(v is None for v in values):
        return None
    first = values[0]
    if isinstance(first, dict):
        keys = set().union(*(v.keys() for v in values))
        return {k: merge_examples([v[k] for v in values if k in v]) for k in keys}
    if isinstance(first, list):
        items = [item for v in values for item in v]
        return [merge_examples(items)] if items else []
    return first


def shape_errors(ours, example, path='$'):
    """Differences in keys and JSON types between `ours` and `example` (the example's null: nullable)."""
    if example is None:
        return []
    if isinstance(example, dict):
        if not isinstance(ours, dict):
            return [f'{path}: expected an object, got {type(ours).__name__}']
        errors = []
        missing, extra = set(example) - set(ours), set(ours) - set(example)
        if missing or extra:
            errors.append(f'{path}: keys differ: missing {sorted(missing)}, extra {sorted(extra)}')
        for key in set(example) & set(ours):
            errors += shape_errors(ours[key], example[key], f'{path}.{key}')
        return errors
    if isinstance(example, list):
        if not isinstance(ours, list):
            return [f'{path}: expected an array, got {type(ours).__name__}']
        if not example:
            return []
        shape = merge_examples(example)
        return [e for i, item in enumerate(ours) for e in shape_errors(item, shape, f'{path}[{i}]')]
    if isinstance(example, bool):
        return [] if isinstance(ours, bool) else [f'{path}: expected a boolean, got {ours!r}']
    if isinstance(example, (int, float)):
        ok = isinstance(ours, (int, float)) and not isinstance(ours, bool)
        return [] if ok else [f'{path}: expected a number, got {ours!r}']
    if isinstance(example, str):
        return [] if isinstance(ours, str) else [f'{path}: expected a string, got {ours!r}']
    return [f'{path}: unexpected example value {example!r}']


def assert_same_shape(ours, example):
    errors = shape_errors(ours, example)
    assert not errors, '\n'.join(errors)


def create_public(client, body=None):
    response = client.post('/signals/v1/public/signals/', body or public_body(), format='json')
    assert response.status_code == 201, response.content
    return Signal.objects.get(pk=response.json()['id'])
