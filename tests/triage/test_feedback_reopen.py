"""From an unhappy reporter to Team Maatwerk: the reporter answers the feedback form of a closed signal
with a reason that asks to reopen it, and the triage's starter rule "Verzoek tot heropenen" moves the
signal to the maatwerk lane (repeated dissatisfaction is a person, not a job)."""
import pytest
from django.core.management import call_command

from signals_haarlem import signalen
from signals_haarlem.triage import services
from signals_haarlem.triage.models import SignalLane
from tests.factories import make_signal

pytestmark = pytest.mark.django_db


def test_unhappy_feedback_moves_the_signal_to_maatwerk(api_client, container_vol, run_on_commit):
    call_command('load_haarlem_fixtures', verbosity=0)  # the starter rules and the standard answers
    signal = make_signal(container_vol, reporter={'email': 'bewoner@example.com', 'phone': ''})
    services.triage_signal(signal)
    assert SignalLane.objects.get(pk=signal.pk).lane.code == 'eenvoudig'
    run_on_commit(signalen.set_status, signal, 'o', 'De container is geleegd.', send_email=True)
    feedback = signalen.get_model('Feedback').objects.get(_signal=signal)

    response = run_on_commit(api_client.put, f'/signals/v1/public/feedback/forms/{feedback.token}',
                             {'is_satisfied': False, 'text_list': ['Het probleem is niet opgelost.']}, format='json')
    assert response.status_code == 200
    state = SignalLane.objects.select_related('lane', 'decision__rule').get(pk=signal.pk)
    assert signalen.current_state(signal.__class__.objects.get(pk=signal.pk)) == 'reopen requested'
    assert state.lane.code == 'maatwerk' and state.decision.rule.name == 'Verzoek tot heropenen'
    assert state.is_open
