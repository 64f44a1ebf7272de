"""Periodic reviews: the dossier (checked against counts made directly from the data), planning,
reminders, the meeting record and actions followed up to done."""
import random
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from signals_haarlem import signalen, workdays
from signals_haarlem.partners import fixtures, periods, reviews, seed
from signals_haarlem.partners.models import (FigureReport, Forward, ForwardAnswer, Partner, PartnerLog, Review,
                                             ReviewAction, ReviewActionEvent, ReviewEvent)
from tests.factories import CategoryFactory, UserFactory, make_signal

pytestmark = pytest.mark.django_db

TZ = workdays.TIME_ZONE


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)), TZ)


@pytest.fixture
def seeded_quarter(db):
    """The register from the fixtures and ~120 demo signals in the last quarter, seeded."""
    subs = [CategoryFactory(slug='container-vol', parent__slug='afval', parent__name='Afval'),
            CategoryFactory(slug='veegvuil', parent__slug='schoon', parent__name='Schoon'),
            CategoryFactory(slug='lantaarnpaal', parent__slug='wegen-verkeer-straatmeubilair', parent__name='Wegen')]
    fixtures.load()
    quarter = periods.period_of(timezone.localdate()).previous()
    rng = random.Random(4)
    signals = []
    for i in range(70):
        day = quarter.start + timedelta(days=rng.randint(0, (quarter.end - quarter.start).days))
        signal = make_signal(rng.choice(subs), created_at=at(day, rng.randint(7, 20)))
        if rng.random() < 0.6:
            signalen.set_status(signal, 'o', 'Afgehandeld')
        elif rng.random() < 0.3:
            signalen.set_status(signal, 'b', 'In behandeling')
        signals.append(signal)
    Signal = signalen.get_model('Signal')
    fresh = list(Signal.objects.filter(pk__in=[s.pk for s in signals]).order_by('created_at'))
    seed.seed_demo(fresh, random.Random(1), StringIO())
    return quarter


def direct_counts(partner, quarter, now):
    start, end = at(quarter.start, 0), at(quarter.end_exclusive, 0)
    forwards = Forward.objects.filter(partner=partner, forwarded_at__gte=start, forwarded_at__lt=end)
    answers = ForwardAnswer.objects.filter(forward__in=forwards)
    counted = forwards.exclude(status='withdrawn')
    measured = answers.count() + counted.filter(status='expired').count() + \
        counted.filter(status='open', response_due__lte=now).count()
    return {
        'total': forwards.count(),
        'answered': answers.count(),
        'answered_on_time': answers.filter(response_on_time=True).count(),
        'answered_late': answers.filter(response_on_time=False).count(),
        'resolved': answers.filter(resolved=True).count(),
        'resolved_on_time': answers.filter(resolved=True, resolution_on_time=True).count(),
        'expired': forwards.filter(status='expired').count(),
        'withdrawn': forwards.filter(status='withdrawn').count(),
        'open': forwards.filter(status='open').count(),
        'open_late': forwards.filter(status='open', response_due__lte=now).count(),
        'measured': measured,
    }


def test_dossier_of_seeded_quarter_matches_the_data(seeded_quarter):
    quarter = seeded_quarter
    partner = Partner.objects.get(code='SPL')
    now = timezone.now()
    dossier = reviews.build_dossier(partner, quarter, now)
    expected = direct_counts(partner, quarter, now)
    assert expected['total'] > 10 and expected['answered'] > 5  # the seed really made data
    for key, value in expected.items():
        assert dossier['forwards'][key] == value, key
    assert dossier['forwards']['on_time_share'] == round(expected['answered_on_time'] / expected['measured'], 3)
    # Forwards only for signals in categories Spaarnelanden serves (afval, schoon), never for street lighting.
    lighting = 'wegen-verkeer-straatmeubilair'
    assert not Forward.objects.filter(signal__category_assignment__category__parent__slug=lighting).exists()
    # The partner's own figures: the seeded delivery of that quarter, as stored.
    report = FigureReport.objects.get(partner=partner, period_start=quarter.start)
    assert dossier['figures']['totals']['received'] == report.received
    assert dossier['figures']['totals']['handled_on_time'] == report.handled_on_time
    assert dossier['figures']['missing'] == []
    previous = FigureReport.objects.get(partner=partner, period_start=quarter.previous().start)
    assert dossier['change']['figures_received'] == report.received - previous.received
    # Open agreements: every unfinished action of the partner.
    assert len(dossier['open_agreements']) == ReviewAction.objects.filter(
        partner=partner, status__in=ReviewAction.UNFINISHED).count()
    # The held demo review of that quarter carries the same numbers.
    review = Review.objects.get(partner=partner, period_start=quarter.start)
    assert review.status == 'held' or review.planned_date > timezone.localdate()
    assert review.dossier['forwards']['total'] == expected['total']
    # The seed is consistent with Signalen: each forward's signal is in the matching state.
    for forward in Forward.objects.filter(via='demo').exclude(signal_status_id=None).select_related('signal'):
        state = forward.signal.status.state
        if forward.status == 'answered':
            assert state == 'closure requested'
        elif forward.status in ('open', 'expired'):
            assert state == 'forward to external'
    for answer in ForwardAnswer.objects.select_related('forward'):
        assert answer.response_on_time == (answer.answered_at < answer.forward.response_due)


def test_dossier_without_complaints_app_says_so(partner, monkeypatch, client):
    monkeypatch.setattr(reviews, '_complaints_function', lambda: None)
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'))
    reviews.generate_dossier(review)
    review.refresh_from_db()
    assert review.dossier['complaints'] is None
    user = UserFactory(username='acc@haarlem.nl', permissions=['haarlem_partners.view_review'])
    client.force_login(user)
    html = client.get(f'/werkplek/partners/overleg/{review.pk}/').content.decode()
    assert 'Geen klachtgegevens' in html


def test_dossier_uses_complaints_when_available(partner, monkeypatch):
    calls = []

    def fake(department, start, end):
        calls.append((department, start, end))
        return [{'outcome': 'gegrond', 'on_time': True, 'is_late': False},
                {'outcome': 'ongegrond', 'on_time': False, 'is_late': True},
                {'outcome': '', 'on_time': None, 'is_late': False}]
    monkeypatch.setattr(reviews, '_complaints_function', lambda: fake)
    quarter = periods.parse('2025-K1')
    stats = reviews.complaint_stats(partner, quarter)
    assert calls == [(partner.department, date(2025, 1, 1), date(2025, 3, 31))]
    assert (stats['total'], stats['on_time'], stats['late'], stats['undecided']) == (3, 1, 1, 1)
    assert stats['outcomes'] == {'Nog geen uitkomst': 1, 'Gegrond': 1, 'Ongegrond': 1}


def test_plan_reviews_by_cadence_and_remind_account_holder(partner, account_holder,
                                                           django_capture_on_commit_callbacks):
    today = date(2025, 5, 14)
    planned = reviews.plan_reviews(today)
    assert {(r.period.code) for r in planned} == {'2025-K1', '2025-K2'}
    assert reviews.plan_reviews(today) == []  # idempotent
    k1 = Review.objects.get(partner=partner, period_start=date(2025, 1, 1))
    assert k1.planned_date == workdays.add_workdays(date(2025, 3, 31), reviews.MEETING_AFTER_WORKDAYS)
    assert k1.dossier is not None  # the period is over: dossier made
    k2 = Review.objects.get(partner=partner, period_start=date(2025, 4, 1))
    assert k2.dossier is None
    # Half-yearly partner: one review per half year.
    partner.review_cadence = 6
    partner.save()
    Review.objects.all().delete()
    assert {r.period.code for r in reviews.plan_reviews(today)} == {'2024-H2', '2025-H1'}
    # Reminder a few working days before the meeting, once.
    review = Review.objects.get(period_start=date(2025, 1, 1))
    Review.objects.filter(pk=review.pk).update(planned_date=date(2025, 5, 19))
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews.remind_account_holders(date(2025, 5, 1)) == []  # too early
        assert len(reviews.remind_account_holders(date(2025, 5, 14))) == 1
        assert reviews.remind_account_holders(date(2025, 5, 15)) == []
    assert [m.to for m in mail.outbox] == [[account_holder.email]]
    assert '/werkplek/partners/overleg/' in mail.outbox[0].body
    assert ReviewEvent.objects.filter(kind='reminded').count() == 1


def test_record_meeting_freezes_dossier_and_actions_followed_to_done(partner, account_holder):
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'))
    with pytest.raises(ValidationError) as exc:
        reviews.record_meeting(review, '', None)
    assert set(exc.value.message_dict) == {'meeting_record', 'held_on'}
    review = reviews.record_meeting(review, 'Besproken: te late reacties.', date(2025, 4, 20), 'Anna, Piet',
                                    user=account_holder)
    assert review.status == 'held' and review.dossier is not None
    with pytest.raises(ValidationError):
        reviews.generate_dossier(review)
    action = reviews.add_action(review, 'Foto na afloop', 'Piet', date(2025, 5, 1), owner_email='piet@spl.example',
                                user=account_holder)
    assert action.is_late(date(2025, 5, 2)) and not action.is_late(date(2025, 5, 1))
    reviews.set_action_status(action, 'in_progress', account_holder, 'Gestart')
    reviews.set_action_status(action, 'done', account_holder, 'Klaar')
    action.refresh_from_db()
    assert action.status == 'done' and action.done_at is not None and not action.is_late(date(2026, 1, 1))
    assert list(ReviewActionEvent.objects.filter(action=action).values_list('from_status', 'to_status')) == [
        ('', 'open'), ('open', 'in_progress'), ('in_progress', 'done')]
    with pytest.raises(ValidationError):
        reviews.set_action_status(action, 'cancelled')


def test_late_actions_chased_every_few_workdays(partner, account_holder, django_capture_on_commit_callbacks):
    review, _ = reviews.plan_review(partner, periods.parse('2025-K1'))
    late = reviews.add_action(review, 'Rapportage per thema', 'Piet', date(2025, 5, 1), owner_email='piet@spl.example')
    reviews.add_action(review, 'Nog niet over de datum', 'Piet', date(2025, 6, 1))
    done = reviews.add_action(review, 'Al gedaan', 'Piet', date(2025, 4, 1))
    reviews.set_action_status(done, 'done')
    now = at(date(2025, 5, 6))
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews.chase_late_actions(date(2025, 5, 6), now=now) == [late]
    assert sorted(mail.outbox[0].to) == sorted(['piet@spl.example', account_holder.email])
    assert reviews.chase_late_actions(date(2025, 5, 7), now=now + timedelta(days=1)) == []
    assert len(reviews.chase_late_actions(date(2025, 5, 14), now=now + timedelta(days=8))) == 1
    assert PartnerLog.objects.filter(kind='action_chased').count() == 2


def test_fixtures_load_is_idempotent(db):
    CategoryFactory(slug='container-vol', parent__slug='afval', parent__name='Afval')
    first = fixtures.load()
    assert first['partners created'] == 6
    spl = Partner.objects.get(code='SPL')
    assert spl.department.code == 'SPL' and not spl.department.is_intern
    # the categories of the register that this Signalen has (upstream's migrations make more of them)
    mains = set(signalen.get_model('Category').objects.filter(parent=None).values_list('slug', flat=True))
    assert sorted(c.slug for c in spl.categories.all()) == sorted(
        {'afval', 'schoon', 'openbaar-groen-en-water', 'groen-en-water'} & mains)
    assert 'afval' in mains
    assert set(Partner.objects.values_list('code', flat=True)) == {'SPL', 'SRO', 'CCS', 'SPW', 'HEF', 'DCK'}
    from django.contrib.auth.models import Group
    snapshot = (list(Partner.objects.values()), list(Group.objects.values_list('name', 'permissions')))
    second = fixtures.load()
    assert second['partners created'] == 0 and second['categories linked'] == 0
    assert snapshot == (list(Partner.objects.values()), list(Group.objects.values_list('name', 'permissions')))
    assert Group.objects.get(name='Partners: accounthouder').permissions.filter(codename='record_review').exists()
