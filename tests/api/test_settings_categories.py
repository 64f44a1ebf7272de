"""`/private/categories/`: the list the backoffice loads at start, detail, PATCH, history, icon, and
the standard texts per status."""
import io

import pytest
from django.contrib.auth.models import Permission

from signals_haarlem.standalone.models import (
    Category, CategoryNote, ServiceLevelObjective, SettingsLog, StatusMessageTemplate,
)
from tests.conftest import bearer
from tests.factories import CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory

LIST = '/signals/v1/private/categories/'
BASE = 'http://testserver/signals/v1/'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'


def detail(category):
    return f'{LIST.rstrip("/")}/{category.pk}'


@pytest.fixture
def tree(db):
    afval = MainCategoryFactory(slug='afval', name='Afval', configuration={'show_children_in_filter': True})
    een = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    CategoryFactory(parent=afval, slug='container-vol', name='Container is vol', n_days=3, departments=[een],
                    public_name='Volle container', description='Vol is vol')


def test_list_has_what_the_frontend_reads(admin_client_api, tree):
    afval = Category.objects.get(slug='afval')
    container = Category.objects.get(slug='container-vol')
    spl = DepartmentFactory(code='SPL')
    from signals_haarlem.standalone.models import CategoryDepartment
    CategoryDepartment.objects.create(category=container, department=spl, is_responsible=False, can_view=True)

    response = admin_client_api.get(LIST, {'page_size': 1000})

    assert response.status_code == 200
    data = response.json()
    assert data['count'] == 2
    by_slug = {c['slug']: c for c in data['results']}
    main, sub = by_slug['afval'], by_slug['container-vol']
    for item in (main, sub):
        assert {'id', 'name', 'slug', 'is_active', '_links', 'departments', 'sla', 'description', 'handling_message',
                'is_public_accessible', 'public_name', 'icon', 'configuration', 'note', '_display'} <= set(item)
    assert main['_links']['self'] == {'href': f'{BASE}private/categories/{afval.pk}',
                                      'public': f'{BASE}public/terms/categories/afval'}
    assert 'sia:parent' not in main['_links']
    assert main['configuration']['show_children_in_filter'] is True
    assert sub['_links']['self']['public'] == f'{BASE}public/terms/categories/afval/sub_categories/container-vol'
    assert sub['_links']['sia:parent'] == {'href': f'{BASE}private/categories/{afval.pk}',
                                           'public': f'{BASE}public/terms/categories/afval'}
    assert sub['configuration']['show_children_in_filter'] is False
    assert sub['sla'] == {'n_days': 3, 'use_calendar_days': False}
    assert main['sla'] == {'n_days': None, 'use_calendar_days': False}
    assert sub['departments'] == [
        {'id': container.departments.get(code='EEN').pk, 'code': 'EEN', 'name': 'Team Eenvoudig', 'is_intern': True,
         'is_responsible': True, 'can_view': True},
        {'id': spl.pk, 'code': 'SPL', 'name': spl.name, 'is_intern': True, 'is_responsible': False,
         'can_view': True}]
    assert sub['public_name'] == 'Volle container'
    assert sub['icon'] is None
    assert sub['_display'] == 'Container is vol (Afval)'


def test_list_links_follow_the_request_host(api_client, tree, admin_user):
    response = api_client.get(LIST, HTTP_HOST='meldingen.haarlem.nl', **bearer(admin_user))
    sub = [c for c in response.json()['results'] if c['slug'] == 'container-vol'][0]
    assert sub['_links']['self']['public'] == \
        'http://meldingen.haarlem.nl/signals/v1/public/terms/categories/afval/sub_categories/container-vol'


def test_newest_service_level_objective_counts(admin_client_api, tree):
    container = Category.objects.get(slug='container-vol')
    ServiceLevelObjective.objects.create(category=container, n_days=10, use_calendar_days=True)
    assert admin_client_api.get(detail(container)).json()['sla'] == {'n_days': 10, 'use_calendar_days': True}


def test_list_query_count_does_not_grow_with_categories(admin_client_api, tree, django_assert_max_num_queries):
    for i in range(20):
        CategoryFactory(parent=Category.objects.get(slug='afval'), departments=[DepartmentFactory()])
    with django_assert_max_num_queries(12):
        assert admin_client_api.get(LIST, {'page_size': 1000}).json()['count'] == 22


def test_patch_only_dirty_fields_as_the_frontend_sends_them(admin_client_api, tree):
    container = Category.objects.get(slug='container-vol')
    response = admin_client_api.patch(detail(container), {
        'name': 'Container vol', 'is_active': 'true', 'new_sla': {'n_days': '5', 'use_calendar_days': False},
        'note': 'Overleg met Spaarnelanden', 'handling_message': 'Binnen 5 werkdagen geleegd.',
        'standard_texts': [],  # the form may send it; it is not ours to store here
    }, format='json')
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data['name'] == 'Container vol'
    assert data['sla'] == {'n_days': 5, 'use_calendar_days': False}
    assert data['note'] == 'Overleg met Spaarnelanden'
    assert data['description'] == 'Vol is vol'  # untouched
    container.refresh_from_db()
    assert container.name == 'Container vol'
    assert container.slo.count() == 2  # appended, the old one kept
    assert CategoryNote.objects.get(category=container).text == 'Overleg met Spaarnelanden'


def test_same_sla_adds_no_record(admin_client_api, tree):
    container = Category.objects.get(slug='container-vol')
    admin_client_api.patch(detail(container), {'new_sla': {'n_days': 3, 'use_calendar_days': False}}, format='json')
    assert container.slo.count() == 1


def test_main_category_configuration(admin_client_api, tree):
    afval = Category.objects.get(slug='afval')
    response = admin_client_api.patch(detail(afval), {'configuration': {'show_children_in_filter': False}},
                                      format='json')
    assert response.status_code == 200
    assert response.json()['configuration']['show_children_in_filter'] is False
    afval.refresh_from_db()
    assert afval.configuration == {'show_children_in_filter': False}


def test_history_records_each_change(admin_client_api, tree, admin_user):
    container = Category.objects.get(slug='container-vol')
    admin_client_api.patch(detail(container), {'name': 'Container vol'}, format='json')
    admin_client_api.patch(detail(container), {'is_active': False, 'new_sla': {'n_days': 4,
                                                                               'use_calendar_days': True}},
                           format='json')
    admin_client_api.patch(detail(container), {'name': 'Container vol'}, format='json')  # no change: no record

    history = admin_client_api.get(detail(container) + '/history').json()

    assert len(history) == 2
    newest, oldest = history
    assert set(newest) == {'identifier', 'when', 'what', 'action', 'description', 'who', '_category'}
    assert newest['who'] == admin_user.email
    assert newest['what'] == 'UPDATE_CATEGORY'
    assert 'Status gewijzigd naar:\n Inactief' in newest['action']
    assert 'Afhandeltermijn gewijzigd naar:\n 4 kalenderdagen' in newest['action']
    assert oldest['action'] == 'Naam gewijzigd naar:\n Container vol'
    assert admin_client_api.get(f'{LIST}999999/history').status_code == 404


@pytest.mark.parametrize('body, field', [
    ({'name': ''}, 'name'),
    ({'name': '   '}, 'name'),
    ({'new_sla': {'n_days': 0, 'use_calendar_days': False}}, 'new_sla'),
    ({'new_sla': {'n_days': 'drie', 'use_calendar_days': False}}, 'new_sla'),
    ({'new_sla': {'use_calendar_days': True}}, 'new_sla'),
    ({'new_sla': {'n_days': 400, 'use_calendar_days': True}}, 'new_sla'),
    ({'is_active': 'misschien'}, 'is_active'),
    ({'configuration': {'show_children_in_filter': 'soms'}}, 'configuration'),
    ({'configuration': 'aan'}, 'configuration'),
])
def test_bad_patch_is_400_and_changes_nothing(admin_client_api, tree, body, field):
    container = Category.objects.get(slug='container-vol')
    body = {'handling_message': 'Dit mag niet blijven staan', 'note': 'ook niet', **body}
    response = admin_client_api.patch(detail(container), body, format='json')
    assert response.status_code == 400
    assert field in response.json()
    container.refresh_from_db()
    assert container.handling_message != 'Dit mag niet blijven staan'
    assert container.slo.count() == 1
    assert not CategoryNote.objects.exists()
    assert not SettingsLog.objects.exists()


def test_reading_needs_staff_changing_needs_change_category(api_client, tree):
    container = Category.objects.get(slug='container-vol')
    outsider = UserFactory(username='burger@example.com')
    staff = UserFactory(username='medewerker@haarlem.nl', is_staff=True)
    beheerder = UserFactory(username='beheer@haarlem.nl', permissions=['signals.sia_read', 'signals.change_category'])

    assert api_client.get(LIST).status_code == 401
    assert api_client.get(LIST, **bearer(outsider)).status_code == 403
    assert api_client.get(LIST, **bearer(staff)).status_code == 200
    assert api_client.patch(detail(container), {'name': 'X'}, format='json', **bearer(staff)).status_code == 403
    response = api_client.patch(detail(container), {'name': 'X'}, format='json', **bearer(beheerder))
    assert response.status_code == 200
    assert api_client.put(detail(container), {'name': 'X'}, format='json', **bearer(beheerder)).status_code == 405


# -- icon -------------------------------------------------------------------------------------------------

def _upload(name, content):
    f = io.BytesIO(content)
    f.name = name
    return f


def test_icon_upload_png_and_delete(admin_client_api, tree):
    container = Category.objects.get(slug='container-vol')
    url = detail(container) + '/icon'
    response = admin_client_api.put(url, {'signal_id': container.pk, 'icon': _upload('icoon.png', PNG)},
                                    format='multipart')
    assert response.status_code == 200, response.json()
    assert response.json()['icon'].startswith('http://testserver/media/categories/icons/')
    container.refresh_from_db()
    assert container.icon.read() == PNG

    response = admin_client_api.delete(url)
    assert response.status_code == 200
    assert response.json()['icon'] is None
    container.refresh_from_db()
    assert not container.icon
    actions = [entry['action'] for entry in admin_client_api.get(detail(container) + '/history').json()]
    assert actions[0] == 'Icoon verwijderd'
    assert actions[1].startswith('Icoon gewijzigd naar:')


def test_icon_svg_is_accepted(admin_client_api, tree):
    container = Category.objects.get(slug='container-vol')
    response = admin_client_api.put(detail(container) + '/icon', {'icon': _upload('icoon.svg', SVG)},
                                    format='multipart')
    assert response.status_code == 200
    assert response.json()['icon'].endswith('.svg')


@pytest.mark.parametrize('name, content', [
    ('icoon.png', b'MZ\x90\x00 this is an exe'),
    ('icoon.svg', b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ('icoon.svg', b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="1"/></svg>'),
    ('icoon.svg', b'<svg><a href="javascript:alert(1)"><circle r="1"/></a></svg>'),
    ('icoon.svg', b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'),
    ('icoon.png', b''),
    ('icoon.png', PNG + b'\x00' * (300 * 1024)),
    ('icoon.html', b'<html><body>hoi</body></html>'),
])
def test_bad_icons_are_refused(admin_client_api, tree, name, content):
    container = Category.objects.get(slug='container-vol')
    response = admin_client_api.put(detail(container) + '/icon', {'icon': _upload(name, content)},
                                    format='multipart')
    assert response.status_code == 400
    assert 'icon' in response.json()
    container.refresh_from_db()
    assert not container.icon
    assert not SettingsLog.objects.exists()


def test_icon_without_file_is_400(admin_client_api, tree):
    container = Category.objects.get(slug='container-vol')
    response = admin_client_api.put(detail(container) + '/icon', {}, format='multipart')
    assert response.status_code == 400
    assert 'icon' in response.json()


def test_icon_needs_change_category(api_client, tree):
    container = Category.objects.get(slug='container-vol')
    staff = UserFactory(is_staff=True)
    response = api_client.put(detail(container) + '/icon', {'icon': _upload('i.png', PNG)}, format='multipart',
                              **bearer(staff))
    assert response.status_code == 403


# -- standard texts (status-message templates, v1) ---------------------------------------------------------

TEMPLATES = '/signals/v1/private/terms/categories/afval/sub_categories/container-vol/status-message-templates'


def test_standard_texts_post_replaces_the_set_and_get_returns_it(admin_client_api, tree):
    body = [
        {'state': 'o', 'templates': [{'title': 'Geleegd', 'text': 'De container is geleegd.'},
                                     {'title': 'Niet vol', 'text': 'De container was niet vol.'}]},
        {'state': 'b', 'templates': [{'title': 'Opgepakt', 'text': 'We gaan ermee aan de slag.'}]},
    ]
    response = admin_client_api.post(TEMPLATES, body, format='json')
    assert response.status_code == 200, response.json()
    got = admin_client_api.get(TEMPLATES).json()
    assert got == response.json()
    by_state = {item['state']: item['templates'] for item in got}
    assert [t['title'] for t in by_state['o']] == ['Geleegd', 'Niet vol']
    assert by_state['b'] == [{'title': 'Opgepakt', 'text': 'We gaan ermee aan de slag.', 'is_active': True}]

    admin_client_api.post(TEMPLATES, [{'state': 'o', 'templates': [{'title': 'Kort', 'text': 'Klaar.'}]}],
                          format='json')
    assert admin_client_api.get(TEMPLATES).json() == [
        {'state': 'o', 'templates': [{'title': 'Kort', 'text': 'Klaar.', 'is_active': True}]}]


def test_standard_texts_of_a_main_category(admin_client_api, tree):
    url = '/signals/v1/private/terms/categories/afval/status-message-templates'
    assert admin_client_api.post(url, [{'state': 'a', 'templates': [{'title': 'T', 'text': 'X'}]}],
                                 format='json').status_code == 200
    assert admin_client_api.get(url).json()[0]['state'] == 'a'


@pytest.mark.parametrize('body', [
    {'state': 'o', 'templates': []},
    [{'state': 'onbekend', 'templates': [{'title': 'T', 'text': 'X'}]}],
    [{'state': 'o', 'templates': [{'title': '', 'text': 'X'}]}],
    [{'state': 'o', 'templates': [{'title': 'T'}]}],
    [{'state': 'o', 'templates': [{'title': 'T', 'text': 'X'}]}, {'state': 'o', 'templates': []}],
    [{'state': 'o', 'templates': [{'title': f'T{i}', 'text': 'X'} for i in range(16)]}],
    [{'templates': []}],
])
def test_bad_standard_texts_are_refused_and_the_old_set_stays(admin_client_api, tree, body):
    container = Category.objects.get(slug='container-vol')
    StatusMessageTemplate.objects.create(category=container, state='o', title='Bestaand', text='Blijft')
    response = admin_client_api.post(TEMPLATES, body, format='json')
    assert response.status_code == 400
    assert list(StatusMessageTemplate.objects.values_list('title', flat=True)) == ['Bestaand']


def test_standard_texts_unknown_category_is_404(admin_client_api, tree):
    url = '/signals/v1/private/terms/categories/afval/sub_categories/bestaat-niet/status-message-templates'
    assert admin_client_api.get(url).status_code == 404


def test_standard_texts_need_their_permission_to_change(api_client, tree):
    staff = UserFactory(is_staff=True)
    body = [{'state': 'o', 'templates': [{'title': 'T', 'text': 'X'}]}]
    assert api_client.get(TEMPLATES, **bearer(staff)).status_code == 200
    assert api_client.post(TEMPLATES, body, format='json', **bearer(staff)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename='sia_statusmessagetemplate_write'))
    assert api_client.post(TEMPLATES, body, format='json', **bearer(staff)).status_code == 200
