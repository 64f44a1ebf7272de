"""What the search index holds: the documents of signals and complaints (never a reporter's contact
details), the index mappings and analyzers, and the queries built for a search text and filters."""
import datetime
import json

import pytest
from django.contrib.auth.models import Group

from signals_haarlem import signalen
from signals_haarlem.complaints import fixtures as complaint_fixtures
from signals_haarlem.complaints import services as complaint_services
from signals_haarlem.search import elastic
from signals_haarlem.search.documents import ComplaintDocument, SignalDocument
from signals_haarlem.triage import engine
from signals_haarlem.triage import fixtures as triage_fixtures
from tests.factories import (CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory, address,
                             make_signal)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_ruleset():
    engine.clear_cache()
    yield
    engine.clear_cache()


def _signal_document(pk):
    signal = signalen.with_current_records().get(pk=pk)
    from signals_haarlem.search.elastic import _triage
    lane, areas = _triage(pk)
    return SignalDocument.from_signal(signal, lane=lane, areas=areas)


def test_signal_document_shape_with_triage_lane_and_without_contact_details(run_on_commit):
    triage_fixtures.load_lanes()
    category = CategoryFactory(slug='lantaarnpaal-kapot', name='Lantaarnpaal kapot',
                               parent=MainCategoryFactory(slug='wegen', name='Wegen, verkeer, straatmeubilair'))
    signal = run_on_commit(make_signal, category, text='Lantaarnpaal knippert al een week',
                           address=address('Grote Markt', 2, '2011 RD'), type_code='SIG',
                           reporter={'email': 'melder@example.com', 'phone': '0612345678'})
    signalen.set_status(signal, 'b', 'In behandeling')

    doc = _signal_document(signal.pk).to_dict(include_meta=True)

    assert doc['_index'] == 'haarlem-signals' and doc['_id'] == signal.pk
    assert doc['_source'] == {
        'id': signal.pk, 'id_display': f'SIG-{signal.pk}', 'text': ['Lantaarnpaal knippert al een week'],
        'category': ['Lantaarnpaal kapot', 'Wegen, verkeer, straatmeubilair'], 'category_id': category.pk,
        'state': 'b', 'address_text': 'Grote Markt 2 2011 RD Haarlem', 'created_at': signal.created_at,
        'type': 'SIG', 'lane': 'eenvoudig',  # the triage fallback lane decided it
    }
    assert 'melder@example.com' not in str(doc) and '0612345678' not in str(doc)


def test_signal_without_triage_decision_has_no_lane():
    signal = make_signal(CategoryFactory(), text='Losse stoeptegel')
    source = _signal_document(signal.pk).to_dict()
    assert 'lane' not in source  # empty values are left out of the document
    assert source['state'] == 'm' and source['type'] == 'SIG'


def test_areas_from_triage_and_location_once_each():
    signal = make_signal(CategoryFactory())
    Location = signalen.get_model('Location')
    Location.objects.filter(pk=signal.location_id).update(**signalen.stadsdeel_fields('schalkwijk', 'Schalkwijk'))
    signal = signalen.with_current_records().get(pk=signal.pk)
    assert SignalDocument.from_signal(signal, areas=['s01']).to_dict()['area'] == ['s01', 'schalkwijk']
    assert SignalDocument.from_signal(signal).to_dict()['area'] == ['schalkwijk']


def test_signal_index_mapping_and_dutch_analyzer():
    body = SignalDocument._index.to_dict()
    analysis = body['settings']['analysis']
    assert analysis['analyzer']['haarlem_dutch'] == {
        'type': 'custom', 'tokenizer': 'standard',
        'filter': ['lowercase', 'asciifolding', 'haarlem_dutch_stop', 'haarlem_dutch_stemmer']}
    assert analysis['filter']['haarlem_dutch_stemmer'] == {'type': 'stemmer', 'language': 'dutch'}
    assert analysis['filter']['haarlem_dutch_stop'] == {'type': 'stop', 'stopwords': '_dutch_'}
    assert analysis['normalizer']['haarlem_lower'] == {'type': 'custom', 'filter': ['lowercase']}
    properties = body['mappings']['properties']
    assert properties['text'] == {'type': 'text', 'analyzer': 'haarlem_dutch'}
    assert properties['address_text'] == {'type': 'text', 'analyzer': 'haarlem_plain'}
    assert properties['category'] == {'type': 'text', 'analyzer': 'haarlem_plain',
                                      'fields': {'raw': {'type': 'keyword'}}}
    assert {name: properties[name]['type'] for name in ('state', 'lane', 'type', 'area')} == dict.fromkeys(
        ('state', 'lane', 'type', 'area'), 'keyword')
    assert properties['area']['normalizer'] == 'haarlem_lower'
    assert properties['created_at'] == {'type': 'date'}
    assert set(properties) == {'id', 'id_display', 'text', 'category', 'category_id', 'state', 'address_text', 'area',
                               'created_at', 'type', 'lane'}  # no reporter, no e-mail, no phone


def test_index_names_follow_the_prefix_setting(settings):
    from signals_haarlem.search.documents import index_name
    settings.ELASTICSEARCH_INDEX_PREFIX = 'haarlem-acc'
    assert index_name('signals') == 'haarlem-acc-signals'


def test_complaint_document_shape():
    complaint_fixtures.load()
    department = DepartmentFactory(code='SPL', name='Spaarnelanden', is_intern=False)
    complaint = complaint_services.register_complaint({
        'channel': 'brief', 'form': 'schriftelijk', 'received_on': datetime.date(2025, 3, 3),
        'complainant_name': 'Petra de Vries', 'complainant_email': 'petra@example.com',
        'complainant_address': 'Zijlweg 12', 'complainant_postcode': '2013 DE', 'complainant_city': 'Haarlem',
        'subject': 'Onvriendelijk behandeld aan de balie', 'conduct_description': 'De medewerker was onbeleefd.',
        'conduct_date': datetime.date(2025, 2, 27), 'department_concerned': department})

    doc = ComplaintDocument.from_complaint(complaint).to_dict(include_meta=True)

    assert doc['_index'] == 'haarlem-complaints' and doc['_id'] == complaint.pk
    assert doc['_source'] == {
        'id': complaint.pk, 'reference': complaint.reference, 'summary': 'Onvriendelijk behandeld aan de balie',
        'text': 'De medewerker was onbeleefd.', 'state': 'ontvangen', 'department': 'SPL',
        'received_on': datetime.date(2025, 3, 3)}
    assert 'petra' not in str(doc).lower() and 'Zijlweg' not in str(doc)
    properties = ComplaintDocument._index.to_dict()['mappings']['properties']
    assert properties['summary']['analyzer'] == properties['text']['analyzer'] == 'haarlem_dutch'
    assert properties['reference'] == {'type': 'keyword', 'normalizer': 'haarlem_lower'}


# -- queries --------------------------------------------------------------------------------------

def _word(word, fields):
    return {'multi_match': {'query': word, 'fields': list(fields), 'zero_terms_query': 'all'}}


def test_signal_query_every_word_must_match_with_filters(settings):
    settings.ELASTICSEARCH_MAX_RESULTS = 200
    filters = {'state': ['m', 'b'], 'lane': ['complex'], 'type': []}
    body = elastic.signal_search('accu  vijver', filters=filters).to_dict()
    fields = ['id_display^5', 'text', 'category^2', 'address_text^2']
    assert body == {
        'query': {'bool': {'must': [_word('accu', fields), _word('vijver', fields)],
                           'filter': [{'terms': {'state': ['m', 'b']}}, {'terms': {'lane': ['complex']}}]}},
        'sort': ['_score', {'created_at': {'order': 'desc'}}],
        '_source': False, 'size': 200,
    }
    json.dumps(body)  # serialisable as sent


def test_signal_query_caps_the_words_and_refuses_unknown_filters():
    body = elastic.signal_search(' '.join(f'w{n}' for n in range(20))).to_dict()
    assert len(body['query']['bool']['must']) == elastic.MAX_WORDS
    with pytest.raises(ValueError):
        elastic.signal_search('x', filters={'reporter_email': ['a@example.com']})


def _role(username, group):
    user = UserFactory(username=username)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def test_complaint_query_follows_the_users_complaint_rights():
    complaint_fixtures.load()
    coordinator = _role('coordinator@haarlem.nl', 'Klachtcoördinator')
    handler = _role('behandelaar@haarlem.nl', 'Klachtbehandelaar')
    outsider = _role('kcc@haarlem.nl', None)
    fields = ['reference^5', 'summary^2', 'text']

    assert elastic.complaint_search('balie', coordinator).to_dict()['query'] == {
        'bool': {'must': [_word('balie', fields)]}}
    assert elastic.complaint_search('balie', handler, limit=10).to_dict() == {
        'query': {'bool': {'must': [_word('balie', fields)], 'filter': [{'term': {'handler_id': handler.pk}}]}},
        'sort': ['_score', {'received_on': {'order': 'desc'}}], '_source': False, 'size': 10}
    assert elastic.complaint_search('balie', outsider) is None
