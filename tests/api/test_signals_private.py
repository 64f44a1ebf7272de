"""Private endpoints besides PATCH: create and split, history, attachments, children, context,
geography, e-mail preview, PDF, CSV, reports and search."""
import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from signals_haarlem.standalone.models import Attachment, History, Signal
from tests.api.test_signals_support import (  # noqa: F401  (fixtures)
    ALL_WRITE, LIST, amsterdam, client_for, counts, detail_url, private_body, staff,
)
from tests.factories import address, make_signal

pytestmark = pytest.mark.django_db

PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
PDF = b'%PDF-1.4\n' + b'0' * 64


def upload(client, signal, name='foto.png', content=PNG):
    return client.post(f'{LIST}{signal.pk}/attachments/', {'signal_id': signal.pk,
                                                          'file': SimpleUploadedFile(name, content)},
                       format='multipart')


# -- create ---------------------------------------------------------------------------------------

def test_create_with_priority_type_and_notes(admin_client_api, amsterdam):
    body = private_body(priority={'priority': 'high'}, type={'code': 'COM'}, notes=[{'text': 'Telefonisch gemeld'}],
                        text_extra='Melder belt vaker')
    response = admin_client_api.post(LIST, body, format='json')
    assert response.status_code == 201, response.content
    data = response.json()
    assert data['priority']['priority'] == 'high' and data['type']['code'] == 'COM'
    assert data['notes'][0] == {'text': 'Telefonisch gemeld', 'created_by': 'admin@haarlem.nl'}
    signal = Signal.objects.get(pk=data['id'])
    assert (signal.source, signal.text_extra) == ('Telefoon', 'Melder belt vaker')
    assert signal.status.user == 'admin@haarlem.nl'


@pytest.mark.parametrize('changes,field', [
    ({'source': None}, 'source'),
    ({'source': 'Onbekend'}, 'source'),
    ({'source': 'Oud kanaal'}, 'source'),  # not active
    ({'source': 'Webformulier'}, 'source'),  # public: for residents only
    ({'status': {'state': 'b'}}, 'status'),
    ({'routing_departments': [{'id': 1}]}, 'routing_departments'),
    ({'reporter': None}, 'reporter'),
    ({'priority': {'priority': 'x'}}, 'priority'),
    ({'location': {'geometrie': {'type': 'Point', 'coordinates': [100, 10]}}}, 'location'),
    ({'parent': 999999}, 'parent'),
])
def test_bad_private_creates_are_400_and_write_nothing(admin_client_api, amsterdam, changes, field):
    body = private_body()
    for key, value in changes.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    before = counts()
    response = admin_client_api.post(LIST, body, format='json')
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert counts() == before


def test_bulk_create_is_all_or_nothing(admin_client_api, amsterdam):
    before = counts()
    response = admin_client_api.post(LIST, [private_body(), private_body(text='')], format='json')
    assert response.status_code == 400
    errors = response.json()
    assert errors[0] == {} and 'text' in errors[1]
    assert counts() == before
    response = admin_client_api.post(LIST, [private_body(), private_body(text='Tweede')], format='json')
    assert response.status_code == 201 and len(response.json()) == 2


# -- split ----------------------------------------------------------------------------------------

def _child(parent, category='/signals/v1/public/terms/categories/afval/sub_categories/bedrijfsafval', **extra):
    body = {'parent': parent.pk, 'text': 'Deelmelding', 'category': {'category_url': f'http://testserver{category}'},
            'priority': {'priority': 'normal'}, 'type': {'code': 'SIG'},
            'incident_date_start': parent.incident_date_start.isoformat(),
            'location': {'geometrie': parent.location.geometrie},
            'reporter': {'email': '*****', 'phone': '*****', 'sharing_allowed': False}, 'source': parent.source}
    body.update(extra)
    return body


def test_split_creates_children_with_the_parents_reporter(admin_client_api, amsterdam):
    parent = make_signal(amsterdam.asbest, reporter={'email': 'melder@example.com', 'phone': '0612345678'})
    response = admin_client_api.post(LIST, [_child(parent), _child(parent, text='Tweede deel')], format='json')
    assert response.status_code == 201, response.content
    children = response.json()
    assert [c['has_parent'] for c in children] == [True, True]
    child = Signal.objects.get(pk=children[0]['id'])
    assert child.parent_id == parent.pk
    assert (child.reporter.email, child.reporter.phone) == ('melder@example.com', '0612345678')
    assert child.category_assignment.category == amsterdam.bedrijfsafval
    assert History.objects.filter(_signal=parent, what='CHILD_SIGNAL_CREATED').exists()

    detail = admin_client_api.get(detail_url(parent)).json()
    assert [c['href'] for c in detail['_links']['sia:children']] == [
        f'http://testserver{LIST}{c["id"]}' for c in children]
    assert admin_client_api.get(detail_url(child)).json()['_links']['sia:parent']['href'] == \
        f'http://testserver{LIST}{parent.pk}'
    listed = admin_client_api.get(f'{LIST}{parent.pk}/children/').json()
    assert listed['count'] == 2
    assert set(listed['results'][0]) == {'_links', 'id', 'status', 'category', 'updated_at', 'can_view_signal'}
    assert listed['results'][0]['category']['sub_slug'] == 'bedrijfsafval'


def test_split_copies_chosen_attachments_of_the_parent(admin_client_api, amsterdam):
    parent = make_signal(amsterdam.asbest)
    href = upload(admin_client_api, parent).json()['_links']['self']['href']
    response = admin_client_api.post(LIST, [_child(parent, attachments=[href])], format='json')
    assert response.status_code == 201, response.content
    child = Signal.objects.get(pk=response.json()[0]['id'])
    copy = Attachment.objects.get(_signal=child)
    assert copy.is_image and copy.file.read() == PNG


def test_split_refusals_write_nothing(admin_client_api, amsterdam):
    parent, other = make_signal(amsterdam.asbest), make_signal(amsterdam.asbest)
    child = Signal.objects.get(pk=admin_client_api.post(LIST, [_child(parent)], format='json').json()[0]['id'])
    other_attachment = upload(admin_client_api, other).json()['_links']['self']['href']
    before = counts()
    cases = [
        [_child(parent), _child(other)],  # two parents
        [_child(child)],  # a child cannot be split
        [_child(parent) for _ in range(10)],  # more than 10 children in all
        [_child(parent, attachments=[other_attachment])],  # not the parent's attachment
        [_child(parent, category='/signals/v1/public/terms/categories/afval/sub_categories/oud')],
        [],
    ]
    for body in cases:
        assert admin_client_api.post(LIST, body, format='json').status_code == 400, body
    assert counts() == before


def test_split_needs_the_split_permission(amsterdam):
    parent = make_signal(amsterdam.asbest)
    client = client_for(staff([amsterdam.tho], [p for p in ALL_WRITE if p != 'signals.sia_split']))
    assert client.post(LIST, [_child(parent)], format='json').status_code == 403


def test_children_of_a_signal_without_children_or_of_a_child(admin_client_api, amsterdam):
    parent = make_signal(amsterdam.asbest)
    assert admin_client_api.get(f'{LIST}{parent.pk}/children/').status_code == 404
    child_id = admin_client_api.post(LIST, [_child(parent)], format='json').json()[0]['id']
    assert admin_client_api.get(f'{LIST}{child_id}/children/').status_code == 404


# -- history --------------------------------------------------------------------------------------

def test_history_filtered_by_what(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest)
    Signal.actions.update_status({'state': 'b', 'text': 'Opgepakt', 'user': 'x@haarlem.nl'}, signal)
    Signal.actions.create_note({'text': 'Notitie'}, signal)
    history = admin_client_api.get(f'{LIST}{signal.pk}/history', {'what': 'UPDATE_STATUS'}).json()
    assert [h['action'] for h in history] == ['Status gewijzigd naar: In behandeling', 'Status gewijzigd naar: Gemeld']
    assert history[0]['who'] == 'x@haarlem.nl' and history[0]['_signal'] == signal.pk
    assert history[0]['identifier'] == f'UPDATE_STATUS_{signal.status_id}'


# -- attachments ----------------------------------------------------------------------------------

def test_private_attachments_upload_list_patch_delete(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest)
    response = upload(admin_client_api, signal, 'brief.pdf', PDF)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created['is_image'], created['created_by'], created['public']) == (False, 'admin@haarlem.nl', False)
    href = created['_links']['self']['href']
    assert href.startswith(f'http://testserver{LIST}{signal.pk}/attachments/')
    assert created['location'].startswith('http://testserver/media/attachments/')

    listed = admin_client_api.get(f'{LIST}{signal.pk}/attachments').json()
    assert listed['count'] == 1 and listed['results'][0]['_links']['self']['href'] == href
    assert admin_client_api.get(detail_url(signal)).json()['has_attachments'] is True
    assert admin_client_api.get(detail_url(signal)).json()['attachments'] == [href]

    path = href.replace('http://testserver', '')
    response = admin_client_api.patch(path, {'public': True, 'caption': 'Brief van de melder'}, format='json')
    assert response.status_code == 200
    assert (response.json()['public'], response.json()['caption']) == (True, 'Brief van de melder')
    assert admin_client_api.patch(path, {'public': 'misschien'}, format='json').status_code == 400

    response = admin_client_api.delete(path)
    assert response.status_code == 204
    assert not Attachment.objects.filter(_signal=signal).exists()
    assert History.objects.filter(_signal=signal, what='DELETE_ATTACHMENT').exists()
    assert admin_client_api.get(path).status_code == 404


def test_only_the_uploader_deletes_an_attachment(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest)
    path = upload(admin_client_api, signal).json()['_links']['self']['href'].replace('http://testserver', '')
    client = client_for(staff([amsterdam.tho]))
    assert client.delete(path).status_code == 403
    assert Attachment.objects.filter(_signal=signal).exists()


def test_private_upload_is_checked_by_content(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest)
    before = counts()
    response = upload(admin_client_api, signal, 'foto.jpg', b'MZ\x90\x00 not an image')
    assert response.status_code == 400 and 'file' in response.json()
    assert counts() == before


# -- context, geography ---------------------------------------------------------------------------

def test_context_counts_nearby_signals_and_the_reporters_signals(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest, point=(4.6368, 52.3812), reporter={'email': 'vaak@example.com'})
    make_signal(amsterdam.asbest, point=(4.6369, 52.3812))  # ~7 m away
    make_signal(amsterdam.asbest, point=(4.6500, 52.3812))  # ~900 m away
    make_signal(amsterdam.put, point=(4.6368, 52.3812))  # other category
    old = make_signal(amsterdam.asbest, point=(4.6368, 52.3812), reporter={'email': 'vaak@example.com'},
                      created_at=timezone.now() - timedelta(weeks=20))
    Signal.actions.update_status({'state': 'o', 'text': 'Klaar'}, old)
    context = admin_client_api.get(f'{LIST}{signal.pk}/context').json()
    assert context['near'] == {'signal_count': 1}
    assert context['reporter'] == {'signal_count': 2, 'open_count': 1, 'positive_count': 0, 'negative_count': 0}
    anonymous = make_signal(amsterdam.asbest, reporter={})
    assert admin_client_api.get(f'{LIST}{anonymous.pk}/context').json()['reporter'] is None


def test_private_geography_uses_the_list_filters(admin_client_api, amsterdam):
    a = make_signal(amsterdam.asbest, state='b')
    make_signal(amsterdam.asbest)
    response = admin_client_api.get(f'{LIST}geography', {'status': 'b'})
    assert response.status_code == 200
    body = response.json()
    assert body['type'] == 'FeatureCollection' and response['X-Total-Count'] == '1'
    assert body['features'][0]['properties']['id'] == a.pk
    assert body['features'][0]['properties']['status'] == {'state': 'b', 'state_display': 'In behandeling'}
    assert admin_client_api.get(f'{LIST}geography', {'status': 'weg'}).status_code == 400
    paged = admin_client_api.get(f'{LIST}geography', {'page_size': 1, 'geopage': 1})
    assert len(paged.json()['features']) == 1 and 'rel="next"' in paged['Link']


# -- e-mail preview, PDF --------------------------------------------------------------------------

def test_email_preview(admin_client_api, amsterdam, mailoutbox):
    signal = make_signal(amsterdam.asbest)
    response = admin_client_api.post(f'{LIST}{signal.pk}/email/preview',
                                     {'status': 'o', 'text': 'Het afval is opgehaald <b>vandaag</b>.'}, format='json')
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {'subject', 'html'}
    assert signal.id_display in body['subject']
    assert 'Het afval is opgehaald &lt;b&gt;vandaag&lt;/b&gt;.' in body['html']
    assert mailoutbox == []
    assert admin_client_api.post(f'{LIST}{signal.pk}/email/preview', {'status': 'x'}, format='json').status_code == 400


def test_pdf(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest)
    response = admin_client_api.get(f'{LIST}{signal.pk}/pdf')
    assert response.status_code == 200
    assert response['Content-Type'] == 'application/pdf'
    assert response.content.startswith(b'%PDF')
    assert f'{signal.id_display}.pdf' in response['Content-Disposition']


def test_pdf_shows_reporter_details_only_with_the_right(amsterdam, monkeypatch):
    rendered = []

    class FakeHTML:
        def __init__(self, string):
            rendered.append(string)

        def write_pdf(self):
            return b'%PDF-fake'

    import weasyprint
    monkeypatch.setattr(weasyprint, 'HTML', FakeHTML)
    signal = make_signal(amsterdam.asbest, reporter={'email': 'melder@example.com', 'phone': '0612345678'})
    client_for(staff([amsterdam.tho])).get(f'{LIST}{signal.pk}/pdf')
    client_for(staff([amsterdam.tho], (*ALL_WRITE, 'signals.sia_can_view_contact_details'))).get(f'{LIST}{signal.pk}/pdf')
    without, with_right = rendered
    assert 'melder@example.com' not in without and '0612345678' not in without
    assert 'melder@example.com' in with_right and '0612345678' in with_right


# -- CSV, reports, search -------------------------------------------------------------------------

def _csv(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b''.join(response.streaming_content).decode('utf-8-sig'))))


def test_csv_export_of_the_filtered_list(amsterdam):
    make_signal(amsterdam.asbest, text='=HYPERLINK("http://evil")', reporter={'email': 'melder@example.com'})
    make_signal(amsterdam.put, state='b')
    client = client_for(staff([amsterdam.tho, amsterdam.stw], (*ALL_WRITE, 'signals.sia_signal_export')))
    rows = _csv(client.get('/signals/v1/private/csv'))
    assert len(rows) == 2
    assert 'reporter_email' not in rows[0]
    assert {r['sub_category'] for r in rows} == {'asbest-accu', 'put-riolering-verstopt'}
    assert next(r for r in rows if r['sub_category'] == 'asbest-accu')['text'].startswith("'=HYPERLINK")
    assert [r['status'] for r in _csv(client.get('/signals/v1/private/csv', {'status': 'b'}))] == ['b']
    assert client.get('/signals/v1/private/csv', {'priority': 'x'}).status_code == 400


def test_csv_has_contact_details_with_the_right(admin_client_api, amsterdam):
    make_signal(amsterdam.asbest, reporter={'email': 'melder@example.com'})
    rows = _csv(admin_client_api.get('/signals/v1/private/csv'))
    assert rows[0]['reporter_email'] == 'melder@example.com'


def test_report_open_signals_per_category(admin_client_api, amsterdam):
    for category in (amsterdam.asbest, amsterdam.asbest, amsterdam.put):
        make_signal(category)
    closed = make_signal(amsterdam.put)
    Signal.actions.update_status({'state': 'o', 'text': 'Klaar'}, closed)
    body = admin_client_api.get('/signals/v1/private/reports/signals/open').json()
    assert body['total_signal_count'] == 3
    assert body['results'] == [
        {'category': {'name': 'Asbest / accu', 'departments': ['THO']}, 'signal_count': 2},
        {'category': {'name': 'Put / riolering verstopt', 'departments': ['STW']}, 'signal_count': 1}]
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    yesterday = (timezone.now() - timedelta(days=1)).isoformat()
    assert admin_client_api.get('/signals/v1/private/reports/signals/open',
                                {'end': yesterday}).json()['total_signal_count'] == 0
    assert admin_client_api.get('/signals/v1/private/reports/signals/open',
                                {'start': yesterday, 'end': tomorrow}).json()['total_signal_count'] == 3
    assert admin_client_api.get('/signals/v1/private/reports/signals/open', {'end': 'x'}).status_code == 400


def test_report_reopen_requested(admin_client_api, amsterdam):
    waiting = make_signal(amsterdam.asbest)
    Signal.actions.update_status({'state': 'o', 'text': 'Klaar'}, waiting)
    Signal.actions.update_status({'state': 'reopen requested', 'text': 'Niet tevreden'}, waiting)
    make_signal(amsterdam.asbest)
    body = admin_client_api.get('/signals/v1/private/reports/signals/reopen-requested').json()
    assert body == {'total_signal_count': 1, 'results': [
        {'category': {'name': 'Asbest / accu', 'departments': ['THO']}, 'signal_count': 1}]}


def test_search(admin_client_api, amsterdam):
    a = make_signal(amsterdam.asbest, text='Accu gedumpt bij de vijver', address=address('Zijlweg', 12))
    b = make_signal(amsterdam.put, text='Put verstopt')

    def found(q):
        response = admin_client_api.get('/signals/v1/private/search', {'q': q})
        assert response.status_code == 200
        return [r['id'] for r in response.json()['results']]

    assert found(f'SIG-{a.pk}') == [a.pk]
    assert found(str(b.pk)) == [b.pk]
    assert found('vijver') == [a.pk]
    assert found('zijlweg') == [a.pk]
    assert found('riolering') == [b.pk]  # category name
    assert found('accu vijver') == [a.pk]  # every word must match
    assert found('') == []
    assert found('niets-te-vinden') == []


# -- reporters, context details -------------------------------------------------------------------

def test_reporters_list_and_new_contact_details(admin_client_api, amsterdam):
    """Same address, new phone and sharing: in effect at once (a new address waits for the reporter's
    confirmation: tests/api/test_reporter_verification.py)."""
    signal = make_signal(amsterdam.asbest, reporter={'email': 'oud@example.com', 'phone': '0611111111'})
    response = admin_client_api.post(f'{LIST}{signal.pk}/reporters', {'email': 'oud@example.com', 'phone': '',
                                                                       'sharing_allowed': True}, format='json')
    assert response.status_code == 201, response.content
    assert response.json()['email'] == 'oud@example.com' and response.json()['state'] == 'approved'
    signal.refresh_from_db()
    assert signal.reporter.phone == '' and signal.reporter.sharing_allowed is True
    listed = admin_client_api.get(f'{LIST}{signal.pk}/reporters').json()
    assert listed['count'] == 2
    assert [(r['phone'], r['state']) for r in listed['results']] == [('', 'approved'), ('0611111111', 'approved')]
    assert set(listed['results'][0]) == {'id', 'email', 'phone', 'allows_contact', 'sharing_allowed', 'state',
                                         'created_at', 'updated_at'}
    assert History.objects.filter(_signal=signal, what='UPDATE_REPORTER').exists()
    rid = listed['results'][0]['id']
    assert admin_client_api.post(f'{LIST}{signal.pk}/reporters/{rid}/cancel').status_code == 400  # not waiting
    assert admin_client_api.post(f'{LIST}{signal.pk}/reporters/999999/cancel').status_code == 404


def test_reporters_masked_and_changes_need_contact_rights(amsterdam):
    signal = make_signal(amsterdam.asbest, reporter={'email': 'oud@example.com'})
    client = client_for(staff([amsterdam.tho]))
    assert client.get(f'{LIST}{signal.pk}/reporters').json()['results'][0]['email'] == '*****'
    before = counts()
    assert client.post(f'{LIST}{signal.pk}/reporters', {'email': 'x@example.com', 'sharing_allowed': False},
                       format='json').status_code == 403
    assert counts() == before


def test_bad_reporter_is_400_and_writes_nothing(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest)
    before = counts()
    response = admin_client_api.post(f'{LIST}{signal.pk}/reporters', {'email': 'geen-email'}, format='json')
    assert response.status_code == 400 and 'email' in response.json()
    assert counts() == before


def test_context_reporter_and_near_geography(admin_client_api, amsterdam):
    signal = make_signal(amsterdam.asbest, point=(4.6368, 52.3812), reporter={'email': 'vaak@example.com'})
    other = make_signal(amsterdam.put, reporter={'email': 'vaak@example.com'})
    make_signal(amsterdam.asbest, point=(4.66, 52.39), reporter={'email': 'ander@example.com'})
    near = make_signal(amsterdam.asbest, point=(4.6369, 52.3812))
    body = admin_client_api.get(f'{LIST}{signal.pk}/context/reporter').json()
    assert body['count'] == 2 and {r['id'] for r in body['results']} == {signal.pk, other.pk}
    assert set(body['results'][0]) == {'id', 'created_at', 'category', 'status', 'feedback', 'can_view_signal',
                                       'has_children'}
    geo = admin_client_api.get(f'{LIST}{signal.pk}/context/near/geography').json()
    assert [f['properties']['id'] for f in geo['features']] == [near.pk]
