"""Triage: lanes with service formulas, the category mapping, override rules and decisions.

- `Lane`: eenvoudig, complex, maatwerk (admins may change them): the team (a Signalen Department)
  and the service formula (norms for response, plan and resolution).
- `CategoryLane`: each category's default lane; unmapped categories fall back to
  settings.HAARLEM['TRIAGE_FALLBACK_LANE'].
- `Rule`: ordered overrides, first match wins; `kind` names a registered rule kind (rules.py)
  that validates `params`.
- `Decision`: one record per triage, append-only: lane, the rule or mapping that decided, the
  reason in words, who decided and the deadlines that follow.
- `SignalLane`: per signal the current decision and what the queues need (kept in the same
  transaction as each decision; it is a denormalised pointer, the decisions are the history).
- `SlaEvent`: append-only marks of late / nearly late deadlines and of informing the reporter.
- `MessageTemplate`: the editable texts of the mails the SLA task sends.
"""
from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.append_only import AppendOnly

from . import rules as rule_kinds
from .geo import GeometryError, Shape


#: The queue order of a signal without a deadline: after all others.
NO_DUE = datetime(9999, 12, 31, tzinfo=dt_timezone.utc)


def no_control_characters(value):
    """Text staff type (names, descriptions): no control characters (besides line breaks and tabs), which
    no screen shows and Excel refuses."""
    if any(ord(ch) < 32 and ch not in '\n\r\t' or 0x7f <= ord(ch) < 0xa0 for ch in value or ''):
        raise ValidationError('Gebruik geen stuurtekens (onzichtbare tekens) in deze tekst.', code='control')


def at_most_days(limit):
    return MaxValueValidator(limit, f'Hoogstens {limit} dagen.')


class Lane(models.Model):
    BASIS_LANE = 'lane'
    BASIS_CATEGORY = 'category'
    BASIS_LONGEST = 'longest'
    BASIS_AGREED = 'agreed'
    MAX_DAYS = 365  # a service norm of more than a year is a typing error
    BASIS_CHOICES = (
        (BASIS_LANE, 'Norm van de baan'),
        (BASIS_CATEGORY, 'Norm van de categorie (anders die van de baan)'),
        (BASIS_LONGEST, 'De langste van categorie en baan'),
        (BASIS_AGREED, 'Afgesproken met de melder (tot dan de norm van de baan)'),
    )

    code = models.SlugField('code', max_length=32, unique=True)
    name = models.CharField('naam', max_length=100, validators=[no_control_characters])
    order = models.PositiveSmallIntegerField('volgorde', default=0, validators=[MaxValueValidator(1000)])
    department = models.ForeignKey('signals.Department', verbose_name='team', null=True, blank=True,
                                   on_delete=models.PROTECT, related_name='+',
                                   help_text='Wordt de routeringsafdeling van meldingen in deze baan.')
    description = models.TextField('wat hoort in deze baan', blank=True, validators=[no_control_characters])
    staff_text = models.TextField('tekst voor medewerkers', blank=True, validators=[no_control_characters],
                                  help_text='Getoond bij de wachtrij en bij elke melding in deze baan.')
    response_days = models.PositiveSmallIntegerField('reactie binnen (dagen)', null=True, blank=True,
                                                     validators=[at_most_days(MAX_DAYS)],
                                                     help_text='Eerste contact of eerste actie; leeg: geen norm.')
    plan_days = models.PositiveSmallIntegerField('plan binnen (dagen)', null=True, blank=True,
                                                 validators=[at_most_days(MAX_DAYS)],
                                                 help_text='Alleen waar een plan nodig is (complex); leeg: geen.')
    resolution_days = models.PositiveSmallIntegerField('afhandeling binnen (dagen)', null=True, blank=True,
                                                       validators=[at_most_days(MAX_DAYS)])
    resolution_basis = models.CharField('afhandeltermijn volgens', max_length=16, choices=BASIS_CHOICES,
                                        default=BASIS_CATEGORY)
    calendar_days = models.BooleanField('kalenderdagen', default=False,
                                        help_text='Uit: werkdagen (zonder weekend, feestdagen en sluitingsdagen).')
    warn_days = models.PositiveSmallIntegerField(
        'bijna te laat (werkdagen vooraf)', default=1, validators=[at_most_days(60)],
        help_text='Zoveel werkdagen voor de afhandeltermijn geldt een melding als bijna te laat.')
    extension_days = models.PositiveSmallIntegerField(
        'nieuwe verwachte datum (werkdagen extra)', default=5, validators=[at_most_days(MAX_DAYS)],
        help_text='Dreigt de afhandeltermijn te verlopen, dan krijgt de melder een nieuwe verwachte datum: '
                  'zoveel werkdagen na de oorspronkelijke termijn.')
    notification_email = models.EmailField('e-mailadres van het team', blank=True,
                                           help_text='Leeg: de medewerkers van het team krijgen de meldingen.')
    is_active = models.BooleanField('actief', default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('order', 'code')
        verbose_name = 'baan'
        verbose_name_plural = 'banen'

    def __str__(self):
        return self.name

    def formula_text(self):
        """The service formula in words, e.g. "reactie binnen 3 werkdagen, plan binnen 10 werkdagen, ..."."""
        unit = 'kalenderdagen' if self.calendar_days else 'werkdagen'
        unit1 = 'kalenderdag' if self.calendar_days else 'werkdag'
        parts = []
        if self.response_days is not None:
            parts.append(f'reactie binnen {self.response_days} {unit1 if self.response_days == 1 else unit}')
        if self.plan_days is not None:
            parts.append(f'plan binnen {self.plan_days} {unit1 if self.plan_days == 1 else unit}')
        days = f'{self.resolution_days} {unit1 if self.resolution_days == 1 else unit}' \
            if self.resolution_days is not None else None
        if self.resolution_basis == self.BASIS_AGREED:
            parts.append('afhandeldatum afgesproken met de melder' + (f' (tot dan {days})' if days else ''))
        elif self.resolution_basis == self.BASIS_CATEGORY:
            parts.append('afgehandeld binnen de norm van de categorie' + (f' (anders {days})' if days else ''))
        elif self.resolution_basis == self.BASIS_LONGEST:
            parts.append('afgehandeld binnen de norm van de categorie' + (f' of {days}, de langste' if days else ''))
        elif days:
            parts.append(f'afgehandeld binnen {days}')
        return ', '.join(parts)


class CategoryLane(models.Model):
    """The default lane of a category. A sub category without a row uses its main category's row."""
    category = models.OneToOneField('signals.Category', verbose_name='categorie', on_delete=models.CASCADE,
                                    related_name='+')
    lane = models.ForeignKey(Lane, verbose_name='baan', on_delete=models.PROTECT, related_name='category_lanes')
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField('gewijzigd door', max_length=255, blank=True)

    class Meta:
        verbose_name = 'standaardbaan van categorie'
        verbose_name_plural = 'standaardbanen van categorieën'

    def __str__(self):
        return f'{self.category}: {self.lane}'


class Area(models.Model):
    """A named area (GeoJSON polygon) for area rules and the queues' area filter."""
    code = models.SlugField('code', max_length=50, unique=True)
    name = models.CharField('naam', max_length=100)
    geometry = models.JSONField('polygoon (GeoJSON)', help_text='Polygon of MultiPolygon, lengte-/breedtegraden.')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('name',)
        verbose_name = 'gebied'
        verbose_name_plural = 'gebieden'

    def __str__(self):
        return self.name

    def clean(self):
        try:
            Shape(self.geometry)
        except GeometryError as exc:
            raise ValidationError({'geometry': [str(exc)]}) from None

    def shape(self):
        return Shape(self.geometry)


class Rule(models.Model):
    name = models.CharField('naam', max_length=100)
    description = models.TextField('toelichting', blank=True)
    kind = models.CharField('soort', max_length=32, help_text='Zie de lijst van soorten regels.')
    params = models.JSONField('parameters', default=dict, blank=True)
    lane = models.ForeignKey(Lane, verbose_name='baan', on_delete=models.PROTECT, related_name='rules')
    order = models.PositiveIntegerField('volgorde', default=100,
                                        help_text='Laag eerst; de eerste regel die past, telt.')
    is_active = models.BooleanField('actief', default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField('gewijzigd door', max_length=255, blank=True)

    class Meta:
        ordering = ('order', 'pk')
        verbose_name = 'triageregel'
        verbose_name_plural = 'triageregels'
        permissions = [('dryrun_rule', 'Triageregels proefdraaien')]
        indexes = [models.Index(fields=['is_active', 'order'], name='haarlem_tri_rule_order')]

    def __str__(self):
        return self.name

    @property
    def kind_obj(self):
        return rule_kinds.get_kind(self.kind)

    def kind_label(self):
        kind = self.kind_obj
        return kind.label if kind else f'Onbekende soort "{self.kind}"'

    def summary(self):
        kind = self.kind_obj
        return kind.summary(self.params or {}) if kind else self.kind_label()

    def clean(self):
        kind = self.kind_obj
        if kind is None:
            raise ValidationError({'kind': [f'Onbekende soort regel: "{self.kind}". Kies uit: '
                                            f'{", ".join(code for code, _ in rule_kinds.kind_choices())}.']})
        try:
            self.params = kind.validate(self.params)
        except rule_kinds.ParamsError as exc:
            raise ValidationError({'params': exc.flat()}) from None

    def snapshot(self):
        return {'id': self.pk, 'name': self.name, 'kind': self.kind, 'params': self.params, 'order': self.order}


class Decision(AppendOnly):
    """One triage decision. The newest decision of a signal is its current lane."""
    BASIS_RULE = 'rule'
    BASIS_CATEGORY = 'category'
    BASIS_FALLBACK = 'fallback'
    BASIS_STAFF = 'staff'
    BASIS_CHOICES = ((BASIS_RULE, 'Regel'), (BASIS_CATEGORY, 'Standaardbaan van de categorie'),
                     (BASIS_FALLBACK, 'Terugvalbaan'), (BASIS_STAFF, 'Medewerker'))

    TRIGGER_CHOICES = (
        ('create', 'Nieuwe melding'),
        ('category', 'Categorie gewijzigd'),
        ('location', 'Locatie gewijzigd'),
        ('type', 'Type gewijzigd'),
        ('priority', 'Urgentie gewijzigd'),
        ('reopen', 'Verzoek tot heropenen'),
        ('child', 'Deelmelding toegevoegd'),
        ('complaint', 'Klacht ingediend'),
        ('reconcile', 'Controle op ontbrekende triage'),
        ('retriage_open', 'Opnieuw triëren na regelwijziging'),
        ('staff', 'Handmatig door medewerker'),
        ('release', 'Handmatige baan losgelaten'),
        ('agreed_date', 'Afhandeldatum afgesproken'),
        ('seed', 'Demogegevens'),
    )

    signal = models.ForeignKey('signals.Signal', verbose_name='melding', on_delete=models.CASCADE, related_name='+')
    lane = models.ForeignKey(Lane, verbose_name='baan', on_delete=models.PROTECT, related_name='decisions')
    basis = models.CharField('op grond van', max_length=16, choices=BASIS_CHOICES)
    rule = models.ForeignKey(Rule, verbose_name='regel', null=True, blank=True, on_delete=models.PROTECT,
                             related_name='decisions')
    rule_snapshot = models.JSONField('regel zoals die toen was', null=True, blank=True)
    reason = models.TextField('reden')
    trigger = models.CharField('aanleiding', max_length=16, choices=TRIGGER_CHOICES)
    is_manual = models.BooleanField('handmatig', default=False,
                                    help_text='Een handmatige baan blijft staan tot een medewerker hem loslaat.')
    created_by = models.CharField('door', max_length=255, null=True, blank=True, help_text='Leeg: het systeem.')
    created_at = models.DateTimeField('moment', default=timezone.now)
    clock_start = models.DateTimeField('termijnen lopen vanaf')
    response_due = models.DateTimeField('reactie uiterlijk', null=True, blank=True)
    plan_due = models.DateTimeField('plan uiterlijk', null=True, blank=True)
    resolution_due = models.DateTimeField('afgehandeld uiterlijk', null=True, blank=True)
    resolution_agreed = models.BooleanField('afhandeldatum afgesproken met melder', default=False)

    class Meta:
        ordering = ('-created_at', '-pk')
        verbose_name = 'triagebesluit'
        verbose_name_plural = 'triagebesluiten'
        indexes = [models.Index(fields=['signal', '-created_at'], name='haarlem_tri_signal_created')]
        permissions = [
            ('retriage', 'Meldingen handmatig in een andere baan plaatsen of loslaten'),
            ('set_agreed_date', 'Met de melder afgesproken afhandeldatum vastleggen'),
        ]

    def __str__(self):
        return f'{self.lane} ({self.get_basis_display()})'

    @property
    def decided_by(self):
        return self.created_by or 'Systeem'

    # The deadlines are exclusive ends (00:00 after the last day, see signals_haarlem.workdays); people
    # read the last day on which something is still on time.
    @property
    def response_last_day(self):
        return _last_day(self.response_due)

    @property
    def plan_last_day(self):
        return _last_day(self.plan_due)

    @property
    def resolution_last_day(self):
        return _last_day(self.resolution_due)


class SignalLane(models.Model):
    """Per signal: the current decision and the figures the queues filter and order by.

    Written in the same transaction as each decision (services.py) and by the status receiver
    (responded/planned/resolved). Not history: the decisions and SLA events are."""
    DUE_CHOICES = (('response', 'Reactie'), ('plan', 'Plan'), ('resolution', 'Afhandeling'))

    signal = models.OneToOneField('signals.Signal', primary_key=True, on_delete=models.CASCADE,
                                  related_name='haarlem_triage')
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name='+')
    lane = models.ForeignKey(Lane, on_delete=models.PROTECT, related_name='+')
    is_manual = models.BooleanField(default=False)
    category = models.ForeignKey('signals.Category', null=True, on_delete=models.SET_NULL, related_name='+')
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name='+')
    state = models.CharField(max_length=20, blank=True)
    is_open = models.BooleanField(default=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    due_kind = models.CharField(max_length=16, blank=True, choices=DUE_CHOICES)
    # due_at, or a far-future moment when there is none: the queues filter and order on this column, so
    # that an index serves them on every database (NULLS LAST cannot use an index on SQLite).
    queue_order = models.DateTimeField(default=NO_DUE, editable=False)
    expected_at = models.DateField('nieuwe verwachte datum (aan melder)', null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = 'huidige baan van melding'
        verbose_name_plural = 'huidige banen van meldingen'
        indexes = [
            # Partial: Django writes `is_open=True` as `WHERE is_open`, which a plain index column
            # cannot serve; this index is exactly the open signals, in queue order per lane.
            models.Index(fields=['lane', 'queue_order', 'signal'], condition=models.Q(is_open=True),
                         name='haarlem_tri_queue_open'),
            models.Index(fields=['is_open', 'due_at'], name='haarlem_tri_open_due'),
        ]

    def __str__(self):
        return f'{signalen.id_display(self.signal_id)}: {self.lane}'

    def save(self, *args, **kwargs):
        self.queue_order = self.due_at or NO_DUE
        if kwargs.get('update_fields') is not None and 'due_at' in kwargs['update_fields']:
            kwargs['update_fields'] = {*kwargs['update_fields'], 'queue_order'}
        super().save(*args, **kwargs)


class SlaEvent(AppendOnly):
    """A mark that a deadline of a decision is late or nearly late, or that the reporter was told a new
    expected date. At most one of each kind per decision: the team is notified once."""
    KIND_CHOICES = (
        ('response_late', 'Reactietermijn verstreken'),
        ('plan_late', 'Plantermijn verstreken'),
        ('resolution_nearly_late', 'Afhandeltermijn bijna verstreken'),
        ('resolution_late', 'Afhandeltermijn verstreken'),
        ('reporter_informed', 'Melder geïnformeerd over nieuwe verwachte datum'),
    )

    signal = models.ForeignKey('signals.Signal', on_delete=models.CASCADE, related_name='+')
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name='sla_events')
    kind = models.CharField('soort', max_length=32, choices=KIND_CHOICES)
    due = models.DateTimeField('termijn', null=True, blank=True)
    expected_at = models.DateField('nieuwe verwachte datum', null=True, blank=True)
    text = models.TextField('tekst', blank=True)
    created_at = models.DateTimeField('moment', default=timezone.now)

    class Meta:
        ordering = ('-created_at', '-pk')
        verbose_name = 'termijnsignalering'
        verbose_name_plural = 'termijnsignaleringen'
        constraints = [models.UniqueConstraint(fields=['decision', 'kind'], name='haarlem_tri_sla_once')]
        indexes = [models.Index(fields=['signal', '-created_at'], name='haarlem_tri_sla_signal')]

    def __str__(self):
        return self.get_kind_display()


class MessageTemplate(models.Model):
    """An editable mail text (Django template syntax), e.g. the message to a reporter whose deadline
    will be missed. Variables are listed per key in VARIABLES."""
    REPORTER_DELAY = 'reporter_delay'
    TEAM_DIGEST = 'team_digest'
    KEY_CHOICES = ((REPORTER_DELAY, 'Melder: afhandeling duurt langer'),
                   (TEAM_DIGEST, 'Team: meldingen (bijna) te laat'))
    VARIABLES = {
        REPORTER_DELAY: 'melding (SIG-123), categorie, gemeld_op, oorspronkelijke_datum, nieuwe_datum, baan, team',
        TEAM_DIGEST: 'baan, team, regels (lijst met melding, categorie, soort, termijn, link), aantal',
    }

    key = models.CharField('bericht', max_length=32, unique=True, choices=KEY_CHOICES)
    subject = models.CharField('onderwerp', max_length=200)
    body = models.TextField('tekst')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = 'berichtsjabloon'
        verbose_name_plural = 'berichtsjablonen'

    def __str__(self):
        return self.get_key_display()

    def clean(self):
        for field in ('subject', 'body'):
            try:
                Template(getattr(self, field))
            except TemplateSyntaxError as exc:
                raise ValidationError({field: [f'Fout in het sjabloon: {exc}']}) from None

    def render(self, context):
        """(subject, body) with `context` filled in; plain text, no HTML escaping."""
        ctx = Context(context, autoescape=False)
        subject = ' '.join(Template(self.subject).render(ctx).split())
        return subject, Template(self.body).render(ctx).strip() + '\n'


def _last_day(deadline):
    from datetime import timedelta

    from signals_haarlem.workdays import TIME_ZONE
    return (deadline.astimezone(TIME_ZONE) - timedelta(days=1)).date() if deadline else None


def fallback_lane_code():
    return getattr(settings, 'HAARLEM', {}).get('TRIAGE_FALLBACK_LANE', 'eenvoudig')
