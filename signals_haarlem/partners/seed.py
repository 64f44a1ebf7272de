"""Demo data of the partners app (`manage.py seed_demo N` calls `seed_demo()` after each batch).

For a share of the demo signals in categories a partner serves:
- open signals are forwarded through the services (status `forward to external`); older ones were
  answered (status `closure requested`) or let their link expire, some got reminders;
- closed signals get the forward they had in the past, answered, written in bulk (their Signalen
  history is already complete, so it is not touched).
Answer times follow the partner's norm: most within it, a tail beyond. Then, once per partner: its
own complaint figures for the last four quarters, and the last two reviews, held, with agreed actions
(some done, some late). Demo reviews' dossiers are refreshed after every batch so they count all signals.
"""
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from signals_haarlem import signalen, workdays

from . import periods, reviews, services
from .models import FigureReport, Forward, ForwardAnswer, ForwardEvent, Partner, Review, ReviewAction

SEED_USER = 'demodata@haarlem.nl'
SHARE = 0.3
MAX_LIVE_PER_BATCH = 60  # forwards of open signals go through Signal.actions; keep bulk runs fast
_SKIP = (ValidationError, signalen.ConcurrentUpdate)

ANSWERS = [
    'Container geleegd en omgeving schoongemaakt.', 'Zwerfvuil opgeruimd.', 'Boom gesnoeid, takken afgevoerd.',
    'Bestrating hersteld.', 'Afvalbak vervangen.', 'Gecontroleerd: geen probleem aangetroffen ter plaatse.',
    'Ingepland voor de volgende ronde; tijdelijk afgezet.', 'Grofvuil opgehaald.', 'Onkruid verwijderd.',
]
INSTRUCTIONS = ['Graag oppakken binnen de afgesproken termijn.', 'Melder geeft aan dat dit vaker voorkomt.',
                'Graag foto na afloop meesturen.', 'Spoed: gevaarlijke situatie volgens melder.']
THEMES = ['Afvalinzameling', 'Bejegening', 'Communicatie', 'Parkeren', 'Groenonderhoud', 'Wachttijd', 'Reiniging']


def _answer_delay(rng, partner):
    """Working days until the answer: mostly within the norm, a tail beyond it."""
    roll = rng.random()
    if roll < 0.72:
        return rng.randint(0, max(0, partner.response_days - 1))
    if roll < 0.92:
        return partner.response_days + rng.randint(0, 3)
    return partner.response_days + rng.randint(4, 10)


def _answer_moment(rng, forwarded_at, days):
    if days == 0:
        return forwarded_at + timedelta(hours=rng.uniform(1, 6))
    day = workdays.add_workdays(forwarded_at, days)
    return timezone.make_aware(datetime.combine(day, time(0)), workdays.TIME_ZONE) \
        + timedelta(hours=rng.uniform(8, 17))


def _partners_by_main_category():
    result = {}
    for partner in Partner.objects.filter(is_active=True).prefetch_related('categories'):
        for category in partner.categories.all():
            result.setdefault(category.pk, partner)
    return result


def seed_demo(signals, rng, stdout=None):
    now = timezone.now()
    if not Partner.objects.exists():
        from . import fixtures
        fixtures.load()
    by_category = _partners_by_main_category()
    live, historical = [], []
    for signal in signals:
        main = signalen.main_category_of(signal)
        partner = by_category.get(main.pk) if main else None
        if partner is None or rng.random() >= SHARE:
            continue
        state = signalen.current_state(signal)
        if state == 'o':
            historical.append((signal, partner))
        elif state not in signalen.CLOSED_STATES and len(live) < MAX_LIVE_PER_BATCH:
            live.append((signal, partner))
    made = _historical(historical, rng, now) + _live(live, rng, now)
    services.expire_forwards(now)
    _figures(rng, now)
    _reviews(rng, now)
    if stdout is not None and made:
        stdout.write(f'partners: {made} forwards')
    return made


def _historical(pairs, rng, now):
    """Answered forwards of signals that are closed already (bulk)."""
    if not pairs:
        return 0
    forwards, answers = [], []
    for signal, partner in pairs:
        forwarded_at = signal.created_at + timedelta(hours=rng.uniform(0.5, 20))
        days = _answer_delay(rng, partner)
        answered_at = _answer_moment(rng, forwarded_at, days)
        if answered_at >= now:
            continue
        forward = Forward(partner=partner, signal=signal, instruction=rng.choice(INSTRUCTIONS), status=Forward.ANSWERED,
                          via=Forward.VIA_SEED, forwarded_at=forwarded_at, forwarded_by=SEED_USER,
                          response_due=workdays.deadline(forwarded_at, partner.response_days),
                          resolution_due=workdays.deadline(forwarded_at, partner.resolution_days),
                          link_expires_at=forwarded_at + timedelta(days=services.links.forward_link_days()),
                          nonce='', answered_at=answered_at)
        resolved = rng.random() < 0.88
        forwards.append(forward)
        answers.append((answered_at, resolved, workdays.workdays_between(forwarded_at, answered_at)))
    Forward.objects.bulk_create(forwards)
    answer_rows, events = [], []
    for forward, (answered_at, resolved, taken) in zip(forwards, answers):
        on_time = answered_at < forward.response_due
        answer_rows.append(ForwardAnswer(
            forward=forward, text=rng.choice(ANSWERS), resolved=resolved, answered_at=answered_at,
            answered_by=f'Medewerker {forward.partner.name}', via=ForwardAnswer.VIA_LINK, workdays_taken=taken,
            response_on_time=on_time, resolution_on_time=(answered_at < forward.resolution_due) if resolved else None))
        events.append(ForwardEvent(forward=forward, kind=ForwardEvent.FORWARDED, at=forward.forwarded_at,
                                   who=SEED_USER, detail=forward.instruction, workdays_elapsed=0,
                                   norm_days=forward.partner.response_days))
        events.append(ForwardEvent(forward=forward, kind=ForwardEvent.ANSWERED, at=answered_at,
                                   who=f'Medewerker {forward.partner.name}', workdays_elapsed=taken,
                                   norm_days=forward.partner.response_days, on_time=on_time))
    ForwardAnswer.objects.bulk_create(answer_rows)
    ForwardEvent.objects.bulk_create(events)
    return len(forwards)


def _live(pairs, rng, now):
    """Forwards of open signals, through the services (the signal's status follows)."""
    made = 0
    for signal, partner in pairs:
        forwarded_at = min(signal.created_at + timedelta(hours=rng.uniform(0.5, 30)), now - timedelta(minutes=5))
        try:
            with transaction.atomic():
                forward = services.forward_signal(signal, partner, rng.choice(INSTRUCTIONS), user=SEED_USER,
                                                  via=Forward.VIA_SEED, now=forwarded_at, send=False)
        except _SKIP:
            continue  # a state that cannot be forwarded (e.g. on hold)
        made += 1
        expired = forward.link_expires_at <= now
        answered_at = _answer_moment(rng, forwarded_at, _answer_delay(rng, partner))
        answer = answered_at < min(now, forward.link_expires_at) and rng.random() < (0.85 if expired else 0.6)
        if not answer and forward.response_due < now:
            moment = forward.response_due + timedelta(hours=9)
            if moment < min(now, forward.link_expires_at):
                services.remind_forward(forward, now=moment, send=False)
        if answer:
            try:
                with transaction.atomic():
                    services.answer_forward(forward, rng.choice(ANSWERS), resolved=rng.random() < 0.85,
                                            answered_by=f'Medewerker {partner.name}', now=answered_at)
            except ValidationError:
                pass
    return made


def _figures(rng, now):
    """Each partner's own complaint figures for the last four quarters (once)."""
    quarter = periods.period_of(timezone.localdate(now)).previous()
    quarters = [quarter]
    for _ in range(3):
        quarters.append(quarters[-1].previous())
    have = set(FigureReport.objects.values_list('partner_id', 'period_start'))
    rows = []
    for partner in Partner.objects.filter(is_active=True):
        size = 60 if partner.code == 'SPL' else rng.randint(5, 25)
        for q in quarters:
            if (partner.pk, q.start) in have:
                continue
            received = max(0, int(rng.gauss(size, size / 5)))
            handled = max(0, received + rng.randint(-3, 3))
            on_time = int(handled * rng.uniform(0.65, 0.95))
            founded = int(handled * rng.uniform(0.1, 0.3))
            partly = int(handled * rng.uniform(0.05, 0.15))
            no_judgement = int(handled * rng.uniform(0, 0.1))
            unfounded = max(0, handled - founded - partly - no_judgement - rng.randint(0, 2))
            themes = rng.sample(THEMES, 3)
            rows.append(FigureReport(
                partner=partner, period_start=q.start, received=received, handled=handled, handled_on_time=on_time,
                founded=founded, partly_founded=partly, unfounded=unfounded, no_judgement=no_judgement,
                resolved_informally=int(received * rng.uniform(0.1, 0.3)),
                themes=[{'theme': t, 'count': max(1, received // (i + 3))} for i, t in enumerate(themes)],
                delivered_at=timezone.make_aware(datetime.combine(
                    workdays.add_workdays(q.end, rng.randint(3, 12)), time(10)), workdays.TIME_ZONE),
                delivered_by=f'Klachtencoördinator {partner.name}', via=FigureReport.VIA_SEED))
    FigureReport.objects.bulk_create(rows)


ACTIONS = [('Terugkoppeling aan melders verbeteren: altijd foto na afloop.', 'partner'),
           ('Reactietermijn bij spoedmeldingen naar 1 werkdag.', 'partner'),
           ('Klachtcijfers voortaan per thema aanleveren.', 'partner'),
           ('Gemeente deelt maandelijks de te late doorzettingen.', 'gemeente'),
           ('Werkafspraak over meldingen bij ondergrondse containers vastleggen.', 'gemeente')]


def _reviews(rng, now):
    """The last two reviews of each partner: held, with a record and actions. Dossiers kept current."""
    today = timezone.localdate(now)
    for partner in Partner.objects.filter(is_active=True):
        last = periods.period_of(today, partner.review_cadence).previous()
        for period in (last.previous(), last):
            review = Review.objects.filter(partner=partner, period_start=period.start,
                                           period_months=period.months).first()
            if review is not None:
                if review.events.filter(who=SEED_USER).exists():
                    review.dossier = reviews.build_dossier(partner, period, now)
                    review.save(update_fields=['dossier'])
                continue
            planned = workdays.add_workdays(period.end, reviews.MEETING_AFTER_WORKDAYS)
            review, _ = reviews.plan_review(partner, period, user=SEED_USER, planned_date=planned)
            if planned > today:
                continue
            reviews.record_meeting(review, f'Besproken: de doorgezette meldingen en de klachtcijfers over het '
                                           f'{period.label}. De partner licht de te late reacties toe.', planned,
                                   attendees=f'Accounthouder gemeente Haarlem, teamleider {partner.name}',
                                   user=SEED_USER)
            for index, (text, side) in enumerate(rng.sample(ACTIONS, 2)):
                due = planned + timedelta(days=rng.randint(20, 60))
                action = reviews.add_action(review, text, 'Teamleider' if side == 'partner' else 'Accounthouder',
                                            due, owner_side=side, user=SEED_USER)
                if due < today and index == 0:
                    reviews.set_action_status(action, ReviewAction.DONE, SEED_USER, 'Afgerond')
    reviews.plan_reviews(today)
