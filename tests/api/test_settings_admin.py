"""The settings models in the Django admin: their pages open; the settings log is read only."""
import pytest
from django.urls import reverse

from signals_haarlem.standalone.models import SettingsLog

MODELS = ['storedsignalfilter', 'statusmessagetemplate', 'question', 'areatype', 'area', 'categorynote', 'settingslog']


@pytest.mark.parametrize('model', MODELS)
def test_admin_pages_open(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f'admin:signals_{model}_changelist')).status_code == 200
    add = client.get(reverse(f'admin:signals_{model}_add'))
    assert add.status_code == (403 if model == 'settingslog' else 200)


def test_settings_log_cannot_be_changed_in_the_admin(client, admin_user):
    log = SettingsLog.objects.create(kind='category', object_pk=1, data={'name': 'X'}, who='a@haarlem.nl')
    client.force_login(admin_user)
    url = reverse('admin:signals_settingslog_change', args=[log.pk])
    assert client.get(url).status_code == 200  # visible
    client.post(url, {'kind': 'user', 'object_pk': 2, 'action': 'update', 'data': '{}', 'who': 'x'})
    log.refresh_from_db()
    assert log.kind == 'category'
    assert client.post(reverse('admin:signals_settingslog_delete', args=[log.pk]), {'post': 'yes'}).status_code == 403
    assert SettingsLog.objects.filter(pk=log.pk).exists()
