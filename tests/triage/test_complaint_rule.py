"""A complaint about a report puts the report with Team Maatwerk (DOMAIN: "a complaint linked to the
report"): the rule kind 'complaint', and the re-triage when a complaint is registered about a signal."""
import datetime

import pytest
from django.core.management import call_command

from signals_haarlem.complaints import services as complaints
from signals_haarlem.complaints import workflow as complaint_workflow
from signals_haarlem.triage import services
from signals_haarlem.triage.models import Decision, SignalLane
from tests.factories import make_signal

from .test_rules import rule

pytestmark = pytest.mark.django_db

INTAKE = {'channel': 'brief', 'form': 'schriftelijk', 'received_on': datetime.date(2025, 3, 3),
          'complainant_name': 'Petra de Vries', 'complainant_address': 'Zijlweg 12',
          'subject': 'Container al weken niet geleegd', 'conduct_date': datetime.date(2025, 2, 27),
          'conduct_description': 'Mijn melding over de container werd steeds afgesloten zonder dat er iets gebeurde.'}


def test_the_rule_matches_a_complaint_about_the_signal_and_optionally_type_com(lanes, container_vol):
    rule(lanes, 'complaint', {'include_type': True}, lane='maatwerk')
    plain, about, com = make_signal(container_vol), make_signal(container_vol), make_signal(container_vol,
                                                                                             type_code='COM')
    complaint = complaints.register_complaint(dict(INTAKE), signal=about, strict=False)
    assert services.decide(plain).lane.code == 'eenvoudig'
    outcome = services.decide(about)
    assert outcome.lane.code == 'maatwerk'
    assert outcome.reason.endswith(f': Er is een klacht ingediend over deze melding ({complaint.reference})')
    assert services.decide(com).reason.endswith(': De melding is een klacht')
    # a complaint that turned out to be none does not count
    complaints.transition(complaint, complaint_workflow.NOT_A_COMPLAINT,
                          data={'classification': 'melding', 'explanation': 'Dit is een melding.'})
    assert services.decide(about).lane.code == 'eenvoudig'


def test_registering_a_complaint_about_a_signal_moves_it_to_maatwerk(container_vol, run_on_commit):
    call_command('load_haarlem_fixtures', verbosity=0)  # the starter rules, among them this one
    signal = make_signal(container_vol)
    services.triage_signal(signal)
    assert SignalLane.objects.get(pk=signal.pk).lane.code == 'eenvoudig'
    run_on_commit(complaints.register_complaint, dict(INTAKE), signal=signal, strict=False)
    state = SignalLane.objects.select_related('lane', 'decision__rule').get(pk=signal.pk)
    assert state.lane.code == 'maatwerk' and state.decision.rule.name == 'Klacht ingediend over de melding'
    assert Decision.objects.filter(signal_id=signal.pk).first().trigger == 'complaint'
