"""The settings models in the Django admin: their pages open; the settings log is read only."""
import pytest
from django.urls import reverse

from signals_haarlem.standalone.models import SettingsLog
from tests.api.test_signals_support import amsterdam  # noqa: F401  (fixture)

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


@pytest.mark.parametrize('model', ['standardanswer', 'standardanswertopic', 'feedback', 'reporterverification'])
def test_feedback_and_verification_admin(client, admin_user, amsterdam, model):
    """Admins edit the standard answers; what reporters answered and the address confirmations are
    theirs: visible, not to be added or changed."""
    from signals_haarlem.standalone.models import Feedback, Reporter, ReporterVerification
    from tests.factories import make_signal
    signal = make_signal(amsterdam.asbest)
    feedback = Feedback.objects.create(_signal=signal)
    verification = ReporterVerification.objects.create(reporter=Reporter.objects.get(_signal=signal),
                                                       expires_at=signal.created_at)
    client.force_login(admin_user)
    assert client.get(reverse(f'admin:signals_{model}_changelist')).status_code == 200
    add = client.get(reverse(f'admin:signals_{model}_add')).status_code
    assert add == (200 if model.startswith('standardanswer') else 403)
    if model == 'reporterverification':
        page = client.get(reverse(f'admin:signals_{model}_change', args=[verification.pk]))
        assert page.status_code == 200 and verification.token not in page.content.decode()  # the link stays secret
    if model == 'feedback':  # (its token is its key, as upstream's: in the admin's URL, not in the page's title)
        page = client.get(reverse(f'admin:signals_{model}_change', args=[feedback.pk])).content.decode()
        assert f'Feedback bij SIG-{signal.pk}' in page and 'name="_save"' not in page
