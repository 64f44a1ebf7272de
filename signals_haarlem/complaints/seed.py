"""Demo data: complaints for the demo signals of type COM plus standalone complaints from other
channels, spread over the past year across every workflow state, outcome, norm, cause and measure,
so the register, the annual report and the learning report have realistic content.

Called by `manage.py seed_demo` after each batch of demo signals: `seed_demo(signals, rng, stdout)`.
Rows are written in bulk; the simulated history (events, letters, term changes) is consistent with
the workflow (every event is an allowed transition).
"""
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from signals_haarlem import signalen

from . import fixtures, letters, services, workflow
from .models import (Cause, Complaint, ComplaintEvent, ImprovementMeasure, Letter, LetterTemplate, MeasureEvent, Norm,
                     TermChange)

W = workflow
FIRST = ['Anna', 'Mohammed', 'Sanne', 'Pieter', 'Fatima', 'Kees', 'Lotte', 'Yusuf', 'Marieke', 'Daan', 'Ingrid',
         'Bram', 'Noor', 'Ahmed', 'Els', 'Joost']
LAST = ['de Vries', 'Jansen', 'Bakker', 'El Amrani', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Yilmaz',
        'van Dijk', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen']
STREETS = ['Zijlweg', 'Kleverparkweg', 'Rijksstraatweg', 'Amsterdamstraat', 'Schoterweg', 'Wilhelminastraat',
           'Leidsevaart', 'Kruisweg', 'Europaweg', 'Spaarndamseweg', 'Garenkokerskade', 'Pijlslaan']
CONDUCT = {
    'communicatie': ('Geen reactie op mijn vragen', 'Ik heb drie keer gemaild over {x} maar nooit antwoord gekregen.'),
    'bejegening': ('Onvriendelijke medewerker', 'De medewerker die over {x} belde was kortaf en onbeleefd tegen mij.'),
    'doorlooptijd': ('Het duurt veel te lang', 'Mijn melding over {x} staat al weken open zonder dat er iets gebeurt.'),
    'proces': ('Van het kastje naar de muur', 'Over {x} werd ik steeds naar een andere afdeling doorverwezen.'),
    'uitvoering': ('Werk slecht uitgevoerd', 'Na mijn melding over {x} is het werk half gedaan en is er schade.'),
    'samenwerking': ('Gemeente en Spaarnelanden wijzen naar elkaar', 'Voor {x} zegt de gemeente dat Spaarnelanden '
                                                                      'verantwoordelijk is en andersom.'),
    'systeem': ('Melding kwijtgeraakt', 'Mijn melding over {x} is volgens de medewerker niet in het systeem te vinden.'),
    'beleid': ('Niet eens met de aanpak', 'De manier waarop de gemeente met {x} omgaat vind ik onredelijk.'),
    'geen': ('Ontevreden over de afhandeling', 'Ik ben het niet eens met wat de gemeente over {x} heeft gedaan.'),
}
TOPICS = ['de kapotte lantaarnpaal', 'de volle container', 'de losliggende stoeptegels', 'mijn parkeervergunning',
          'het grofvuil', 'de boom in de straat', 'de geluidsoverlast', 'de afvalpas', 'de aanslag afvalstoffenheffing']
NORMS_FOR = {'communicatie': [2, 3, 4], 'bejegening': [7, 3, 15], 'doorlooptijd': [14, 17], 'proces': [12, 11, 21],
             'uitvoering': [22, 20], 'samenwerking': [12, 21], 'systeem': [21, 20], 'beleid': [11, 19, 9],
             'geen': []}
MEASURES = {
    'communicatie': 'Standaard terugbellen binnen twee werkdagen bij vragen over meldingen',
    'bejegening': 'Training klantvriendelijk communiceren voor het team',
    'doorlooptijd': 'Wekelijkse bewaking van openstaande meldingen ouder dan de norm',
    'proces': 'Vast aanspreekpunt voor meldingen die meerdere afdelingen raken',
    'uitvoering': 'Steekproefsgewijze controle van uitgevoerd werk',
    'samenwerking': 'Werkafspraken over overdracht met Spaarnelanden vastleggen',
    'systeem': 'Koppeling tussen meldingssysteem en planning verbeteren',
    'beleid': 'Beleidsregel evalueren met de vakafdeling',
}


def _moment(day, rng, start=8, end=17):
    return timezone.make_aware(datetime.combine(day, time(rng.randint(start, end - 1), rng.randint(0, 59))))


def _users(stdout):
    """Demo coordinator and handlers (created once, without a usable password)."""
    fixtures.load()
    User = get_user_model()
    coordinator_group = Group.objects.get(name='Klachtcoördinator')
    handler_group = Group.objects.get(name='Klachtbehandelaar')
    coordinator, created = User.objects.get_or_create(
        username='klachtcoordinator@haarlem.nl',
        defaults={'email': 'klachtcoordinator@haarlem.nl', 'first_name': 'Carla', 'last_name': 'Klaassen'})
    if created:
        coordinator.set_unusable_password()
        coordinator.save()
    coordinator.groups.add(coordinator_group)
    handlers = []
    for i, (first, last) in enumerate([('Hans', 'Hoekstra'), ('Ayla', 'Demir'), ('Wim', 'Wouters')], start=1):
        user, created = User.objects.get_or_create(
            username=f'klachtbehandelaar{i}@haarlem.nl',
            defaults={'email': f'klachtbehandelaar{i}@haarlem.nl', 'first_name': first, 'last_name': last})
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(handler_group)
        handlers.append(user)
    return coordinator, handlers


class _Sim:
    """Walks one complaint along the workflow with dates, collecting rows to write in bulk."""

    def __init__(self, complaint, rng, today, coordinator, handlers, norms, causes):
        self.c, self.rng, self.today = complaint, rng, today
        self.coordinator, self.handlers, self.norms, self.causes = coordinator, handlers, norms, causes
        self.events, self.letters, self.terms, self.measures, self.norm_ids = [], [], [], [], []
        self.day = complaint.received_on

    def later(self, lo, hi):
        return self.day + timedelta(days=self.rng.randint(lo, hi))

    def ok(self, day):
        return day <= self.today

    def step(self, to, day, user, reason='', data=None, letter=None, role=Letter.COMPLAINANT):
        c = self.c
        at = _moment(day, self.rng)
        self.events.append(ComplaintEvent(complaint=c, kind='transition', from_state=c.state, to_state=to,
                                          reason=reason, data=data or {}, created_by=user,
                                          created_by_name=services.who(user), created_at=at))
        c.state = to
        if to in W.DECIDED:
            c.decided_on = day
        if to == W.CLOSED:
            c.closed_at = at
        self.day = day
        if letter:
            self.letter(letter, role, user, at)

    def letter(self, kind, role, user, at, extra=None):
        built = letters.build(self.c, kind, role, extra=extra, user=user, at=at)
        if built is not None:
            self.letters.append(built)

    def run(self):
        c, rng = self.c, self.rng
        handler = rng.choice(self.handlers)
        cause = rng.choice(self.causes)
        scenario = rng.choices(['resolved', 'concluded', 'not_handled', 'not_a_complaint'], [34, 44, 8, 14])[0]
        if not c.is_formal and scenario == 'not_handled':
            scenario = 'resolved'
        # assignment
        assign_day = self.later(0, 2)
        if not self.ok(assign_day):
            return
        c.handler = handler
        self.events.append(ComplaintEvent(complaint=c, kind='assign', data={'to': handler.pk, 'handler': services.who(handler)},
                                          created_by=self.coordinator, created_by_name=services.who(self.coordinator),
                                          created_at=_moment(assign_day, rng)))
        if scenario == 'not_a_complaint':
            day = self.later(1, 6)
            if not self.ok(day):
                return
            classification = rng.choice(['melding', 'vraag', 'beleidsbezwaar', 'bezwaar', 'ander_orgaan'])
            c.classification, c.outcome, c.is_formal, c.term_last_day = classification, 'geen_klacht', False, None
            if classification == 'ander_orgaan':
                c.forward_to = rng.choice(['Provincie Noord-Holland', 'Belastingdienst', 'Politie Noord-Holland'])
            c.outcome_explanation = 'Het bericht is doorgezet naar de juiste plek.'
            self.step(W.NOT_A_COMPLAINT, day, self.coordinator, data={'classification': classification},
                      letter=(LetterTemplate.FORWARDED if classification == 'ander_orgaan' else LetterTemplate.NOT_A_COMPLAINT)
                      if c.form == Complaint.WRITTEN else None)
            return self.close(cause=None)
        if c.is_formal:
            day = self.later(0, 3)
            if not self.ok(day):
                return
            self.step(W.ACKNOWLEDGED, day, self.coordinator, letter=LetterTemplate.ACKNOWLEDGEMENT)
        if scenario == 'not_handled':
            day = self.later(3, 30)
            if not self.ok(day):
                return
            c.not_handled_ground = rng.choice(['a', 'b', 'c', 'd', 'lid2'])
            c.outcome, c.outcome_explanation = 'niet_behandeld', 'Zie de wettelijke grond.'
            c.term_last_day = services.not_handled_letter_due(c)
            self.step(W.NOT_HANDLED, day, self.coordinator, data={'ground': c.not_handled_ground},
                      letter=LetterTemplate.NOT_HANDLED)
            return self.close(cause=None)
        if scenario == 'resolved':
            day = self.later(1, 6)
            if not self.ok(day):
                return
            c.informal_approach = 'Telefonisch contact opgenomen met de klager om de klacht te bespreken.'
            self.step(W.INFORMAL, day, handler, data={'approach': c.informal_approach})
            day = self.later(2, 25)
            if not self.ok(day):
                return
            c.resolved_confirmed_by = c.complainant_name or 'Klager (telefonisch)'
            c.resolved_confirmed_on, c.resolved_how = day, rng.choice(['telefoon', 'email', 'gesprek'])
            c.outcome = 'opgelost'
            c.cause = cause
            if cause.code != 'geen' and rng.random() < 0.6:
                self.norm_ids += [n for n in NORMS_FOR[cause.code][:rng.randint(1, 2)]]
            self.step(W.RESOLVED, day, handler, data={'confirmed_by': c.resolved_confirmed_by},
                      letter=LetterTemplate.RESOLVED if c.is_formal else None)
            return self.close(cause)
        # the formal route (or an informal complaint handled with a judgement)
        day = self.later(1, 8)
        if not self.ok(day):
            return
        self.step(W.IN_TREATMENT, day, handler)
        if c.is_formal and (c.employee_name or c.employee_id):
            c.copy_sent_on, c.copy_sent_how = day, 'e-mail'
            self.letter(LetterTemplate.COPY, Letter.PERSON, handler, _moment(day, rng))
        if c.is_formal and rng.random() < 0.2 and c.term_last_day:
            ext_day = c.term_last_day - timedelta(days=rng.randint(2, 10))
            if self.ok(ext_day) and ext_day > self.day:
                weeks = rng.randint(2, 4)
                previous = c.term_last_day
                c.extension_weeks = weeks
                c.term_last_day = services.compute_term_last_day(c)
                self.terms.append(TermChange(complaint=c, kind=TermChange.EXTENSION, previous_last_day=previous,
                                             new_last_day=c.term_last_day, weeks=weeks, reason='Aanvullend onderzoek nodig.',
                                             created_by=handler, created_at=_moment(ext_day, rng)))
                self.events.append(ComplaintEvent(complaint=c, kind='term', reason='Aanvullend onderzoek nodig.',
                                                  data={'kind': 'verdaging', 'weeks': weeks}, created_by=handler,
                                                  created_by_name=services.who(handler), created_at=_moment(ext_day, rng)))
                for role in (Letter.COMPLAINANT, Letter.PERSON):
                    self.letter(LetterTemplate.EXTENSION, role, handler, _moment(ext_day, rng),
                                {'reden': 'Aanvullend onderzoek nodig.', 'vorige_termijn': letters.nl_date(previous)})
        if c.is_formal:
            if rng.random() < 0.65:
                day = self.later(3, 12)
                if not self.ok(day):
                    return
                c.hearing_planned_at = _moment(day + timedelta(days=10), rng, 9, 16)
                c.hearing_location = 'Stadhuis, Grote Markt 2'
                self.step(W.HEARING_INVITED, day, handler, letter=LetterTemplate.HEARING_INVITATION)
                day = day + timedelta(days=10)
                if not self.ok(day):
                    return
                c.hearing_held_on, c.hearing_report = day, 'Klager en beklaagde zijn gehoord; verslag in het dossier.'
                self.step(W.HEARING_HELD, day, handler)
            else:
                day = self.later(2, 10)
                if not self.ok(day):
                    return
                c.hearing_waived_ground = rng.choice(['b', 'c', 'a'])
                self.step(W.HEARING_WAIVED, day, handler, data={'ground': c.hearing_waived_ground})
        # decide: mostly on time, sometimes late
        target = c.term_last_day - timedelta(days=rng.randint(0, 14)) if c.term_last_day else self.later(5, 30)
        if c.term_last_day and rng.random() < 0.18:
            target = c.term_last_day + timedelta(days=rng.randint(1, 15))
        day = max(target, self.day + timedelta(days=1))
        if not self.ok(day):
            return
        judgement = rng.choices(['gegrond', 'deels_gegrond', 'ongegrond', 'geen_oordeel'], [32, 28, 32, 8])[0]
        if judgement in W.UPHELD and cause.code == 'geen':
            cause = rng.choice([x for x in self.causes if x.code != 'geen'])
        if judgement == 'ongegrond' and rng.random() < 0.6:
            cause = next(x for x in self.causes if x.code == 'geen')
        c.cause = cause
        c.judgement = c.outcome = judgement
        c.findings = 'Uit het onderzoek en de gesprekken blijkt hoe het is gegaan; zie het verslag.'
        c.conclusions = {'gegrond': 'De gemeente biedt excuses aan.', 'deels_gegrond': 'Op een deel van de klacht '
                         'heeft de klager gelijk.', 'ongegrond': 'De gemeente heeft zich behoorlijk gedragen.',
                         'geen_oordeel': 'Over wat er precies is gebeurd, zijn de lezingen te verschillend.'}[judgement]
        if judgement in W.UPHELD:
            codes = NORMS_FOR.get(cause.code) or [22]
            self.norm_ids += codes[:rng.randint(1, len(codes))]
            if rng.random() < 0.7:
                due = day + timedelta(days=rng.randint(30, 150))
                status = ImprovementMeasure.DONE if due < self.today and rng.random() < 0.6 else \
                    rng.choice([ImprovementMeasure.OPEN, ImprovementMeasure.IN_PROGRESS])
                self.measures.append(ImprovementMeasure(
                    complaint=c, department=c.department_concerned, description=MEASURES.get(cause.code, 'Werkinstructie aanpassen'),
                    owner=None, owner_name=f'Teamleider {c.department_concerned.name}' if c.department_concerned else 'Teamleider',
                    due_date=due, status=status, done_on=min(due, self.today) if status == ImprovementMeasure.DONE else None,
                    created_by=handler, created_at=_moment(day, rng)))
        self.step(W.CONCLUDED, day, handler, data={'judgement': judgement}, letter=LetterTemplate.CONCLUSION)
        return self.close(cause)

    def close(self, cause):
        day = self.later(1, 10)
        if not self.ok(day) or self.rng.random() < 0.1:
            return
        if self.c.state in (W.CONCLUDED, W.RESOLVED) and self.c.cause_id is None and cause is None:
            return
        self.step(W.CLOSED, day, self.coordinator)


def _new_complaint(rng, received_on, departments, signal=None):
    cause_code = rng.choice(list(CONDUCT))
    subject, text = CONDUCT[cause_code]
    channel = 'signalen' if signal else rng.choice(['email', 'brief', 'webformulier', 'telefoon', 'balie', 'email'])
    form = Complaint.ORAL if channel in ('telefoon', 'balie') else Complaint.WRITTEN
    anonymous = signal is None and rng.random() < 0.05
    first, last = rng.choice(FIRST), rng.choice(LAST)
    c = Complaint(channel=channel, form=form, is_anonymous=anonymous, received_on=received_on, signal=signal,
                  subject=subject, conduct_description=(signal.text if signal else text.format(x=rng.choice(TOPICS))),
                  conduct_date=received_on - timedelta(days=rng.randint(1, 20)),
                  department_concerned=rng.choice(departments) if departments else None)
    if not anonymous:
        c.complainant_name = f'{first} {last}'
        email, phone = signalen.reporter_contact(signal) if signal else ('', '')
        c.complainant_email = email or f'{first.lower()}.{last.replace(" ", "").lower()}@example.com'
        c.complainant_phone = phone or ''
        c.complainant_address = f'{rng.choice(STREETS)} {rng.randint(1, 180)}'
        c.complainant_postcode, c.complainant_city = f'20{rng.randint(11, 37)} {rng.choice("ABCDEGHJKLMN")}{rng.choice("ABCDEGHJKLMN")}', 'Haarlem'
    if rng.random() < 0.45:
        c.employee_name = f'{rng.choice(FIRST)} {rng.choice(LAST)}'
    c.is_formal = services.compute_is_formal(c)
    c.term_last_day = services.compute_term_last_day(c)
    c.created_at = _moment(received_on, rng)
    return c


@transaction.atomic
def seed_demo(signals, rng, stdout=None, standalone=None):
    today = timezone.localdate()
    coordinator, handlers = _users(stdout)
    Department = signalen.get_model('Department')
    departments = list(Department.objects.all())
    weighted = departments + [d for d in departments if d.code in ('SPL', 'EEN', 'CPX', 'KCC')] * 2
    norms = {n.number: n for n in Norm.objects.all()}
    causes = list(Cause.objects.filter(is_active=True))
    signals = list(signals)
    com = [s for s in signals if signalen.type_code(s) == 'COM']
    existing = {c.signal_id: c for c in Complaint.objects.filter(signal__in=com)}
    new = []
    for signal in com:
        if signal.pk not in existing:
            new.append(_new_complaint(rng, timezone.localdate(signal.created_at), weighted, signal))
    for _ in range(max(2, len(signals) // 8) if standalone is None else standalone):
        # about a third in the last two months, so every running state has examples
        age = rng.randint(0, 56) if rng.random() < 0.3 else rng.randint(0, 364)
        new.append(_new_complaint(rng, today - timedelta(days=age), weighted))
    new = [c for c in new if c.received_on <= today]
    by_year = {}
    for c in new:
        by_year.setdefault(c.received_on.year, []).append(c)
    for year, items in by_year.items():
        first = services._next_reference(year, len(items))
        for i, c in enumerate(sorted(items, key=lambda x: x.received_on)):
            c.reference = services.format_reference(year, first + i)
    Complaint.objects.bulk_create(new)
    new = list(Complaint.objects.filter(reference__in=[c.reference for c in new]))
    intake_events = [ComplaintEvent(complaint=c, kind='intake', to_state=W.RECEIVED, created_at=c.created_at,
                                    reason=f'Klacht geregistreerd via {c.get_channel_display().lower()}',
                                    created_by_name='Demodata') for c in new]
    # complaints the Signalen hook registered for these signals and nobody touched yet are developed too
    untouched = [c for c in existing.values() if c.state == W.RECEIVED and c.handler_id is None]
    for c in untouched:
        if not c.is_anonymous and not c.complainant_name and rng.random() < 0.8:
            c.complainant_name = f'{rng.choice(FIRST)} {rng.choice(LAST)}'
            c.complainant_address = f'{rng.choice(STREETS)} {rng.randint(1, 180)}'
        c.department_concerned = c.department_concerned or (rng.choice(weighted) if weighted else None)
    events, letter_rows, terms, measures, norm_links = list(intake_events), [], [], [], []
    complaints = new + untouched
    for c in complaints:
        sim = _Sim(c, rng, today, coordinator, handlers, norms, causes)
        sim.run()
        events += sim.events
        letter_rows += sim.letters
        terms += sim.terms
        measures += sim.measures
        norm_links += [Complaint.norms.through(complaint_id=c.pk, norm_id=norms[n].pk)
                       for n in sorted(set(sim.norm_ids)) if n in norms]
    fields = ['state', 'handler', 'classification', 'forward_to', 'is_formal', 'term_last_day', 'extension_weeks',
              'copy_sent_on', 'copy_sent_how', 'informal_approach', 'hearing_planned_at', 'hearing_location',
              'hearing_held_on', 'hearing_report', 'hearing_waived_ground', 'resolved_confirmed_by',
              'resolved_confirmed_on', 'resolved_how', 'not_handled_ground', 'outcome_explanation', 'findings',
              'judgement', 'conclusions', 'outcome', 'decided_on', 'closed_at', 'cause', 'complainant_name',
              'complainant_address', 'department_concerned']
    Complaint.objects.bulk_update(complaints, fields, batch_size=200)
    ComplaintEvent.objects.bulk_create(events, batch_size=500)
    Letter.objects.bulk_create(letter_rows, batch_size=200)
    TermChange.objects.bulk_create(terms)
    Complaint.norms.through.objects.bulk_create(norm_links, ignore_conflicts=True)
    created_measures = ImprovementMeasure.objects.bulk_create(measures)
    MeasureEvent.objects.bulk_create([MeasureEvent(measure=m, to_status=m.status, note='Demodata',
                                                   created_at=m.created_at) for m in created_measures if m.pk])
    for c in complaints:
        if c.signal_id:
            try:
                signalen.add_note(c.signal, f'Klacht {c.reference}: {W.label(c.state).lower()} (demodata).')
            except Exception:  # a demo note is not worth failing the seed for
                pass
    if stdout is not None:
        stdout.write(f'Klachten: {len(new)} nieuw, {len(untouched)} uit Signalen verder gebracht, '
                     f'{len(letter_rows)} brieven, {len(measures)} maatregelen.\n')
    return complaints
