"""Partner organisations: the register, forwards with their answers, figures and periodic reviews.

History is append-only: `ForwardEvent`, `ReviewEvent`, `ReviewActionEvent` and `PartnerLog` are
written once; a `FigureReport` is never changed (a new delivery for the same quarter supersedes the
earlier one, which stays). The `status` fields on Forward, Review and ReviewAction are the current
state for quick queries; their events tell how they got there (who, when, why).
"""
import hashlib
import hmac
import secrets
import uuid

import django
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.append_only import AppendOnly

from . import periods


def check_constraint(condition, name):
    """A CheckConstraint on Django 4.2 (`check=`) and 5.1+ (`condition=`) alike."""
    keyword = 'condition' if django.VERSION >= (5, 1) else 'check'
    return models.CheckConstraint(name=name, **{keyword: condition})


def new_nonce():
    return secrets.token_hex(16)


# --- the register ------------------------------------------------------------------------------

class Partner(models.Model):
    CADENCE_CHOICES = ((periods.QUARTER, 'Elk kwartaal'), (periods.HALF_YEAR, 'Elk halfjaar'),
                       (periods.YEAR, 'Elk jaar'))

    name = models.CharField('naam', max_length=200, unique=True)
    code = models.CharField('code', max_length=3, unique=True,
                            help_text='Dezelfde code als de afdeling in Signalen, bijvoorbeeld SPL.')
    department = models.OneToOneField('signals.Department', verbose_name='afdeling in Signalen',
                                      on_delete=models.PROTECT, related_name='haarlem_partner')
    description = models.TextField('omschrijving', blank=True, default='')
    domains = models.JSONField('domeinen', default=list, blank=True,
                               help_text='Werkvelden, bijvoorbeeld ["afval", "reiniging", "groen"].')
    categories = models.ManyToManyField('signals.Category', verbose_name='categorieën', blank=True,
                                        related_name='haarlem_partners',
                                        help_text='Hoofdcategorieën van Signalen die de partner bedient.')
    email = models.EmailField('e-mailadres voor opdrachten', blank=True, default='')
    response_days = models.PositiveSmallIntegerField('reactienorm (werkdagen)', default=3,
                                                     validators=[MinValueValidator(1)])
    resolution_days = models.PositiveSmallIntegerField('oplosnorm (werkdagen)', default=10,
                                                       validators=[MinValueValidator(1)])
    review_cadence = models.PositiveSmallIntegerField('overlegfrequentie', choices=CADENCE_CHOICES,
                                                      default=periods.QUARTER)
    account_holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name='accounthouder', null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name='+')
    is_active = models.BooleanField('actief', default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('name',)
        verbose_name = 'partner'
        verbose_name_plural = 'partners'
        permissions = [('manage_partner_tokens', 'API-tokens van partners uitgeven en intrekken')]
        constraints = [
            check_constraint(Q(resolution_days__gte=models.F('response_days')),
                             'haarlem_partners_partner_norms_ordered'),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.domains, list) or not all(isinstance(d, str) and d.strip() for d in self.domains):
            raise ValidationError({'domains': 'Geef een lijst van werkvelden (tekst).'})
        if self.response_days and self.resolution_days and self.resolution_days < self.response_days:
            raise ValidationError({'resolution_days': 'De oplosnorm kan niet korter zijn dan de reactienorm.'})

    def contacts_for(self, role):
        """E-mail addresses for mails of `role`; the general address when no contact has that role."""
        emails = [c.email for c in self.contacts.all() if c.is_active and c.role == role and c.email]
        return emails or ([self.email] if self.email else [])


class PartnerContact(models.Model):
    ROLE_FORWARDS = 'opdrachten'
    ROLE_FIGURES = 'cijfers'
    ROLE_REVIEWS = 'overleg'
    ROLE_CHOICES = ((ROLE_FORWARDS, 'Opdrachten (doorgezette meldingen)'), (ROLE_FIGURES, 'Klachtcijfers'),
                    (ROLE_REVIEWS, 'Periodiek overleg'))

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name='contacts')
    name = models.CharField('naam', max_length=200)
    email = models.EmailField('e-mailadres')
    phone = models.CharField('telefoon', max_length=20, blank=True, default='')
    role = models.CharField('rol', max_length=20, choices=ROLE_CHOICES)
    is_active = models.BooleanField('actief', default=True)

    class Meta:
        ordering = ('partner', 'role', 'name')
        verbose_name = 'contactpersoon'
        verbose_name_plural = 'contactpersonen'

    def __str__(self):
        return f'{self.name} ({self.get_role_display()})'


class PartnerToken(models.Model):
    """An API token of a partner: only its own forwards and figures. Stored as a hash; shown once."""
    PREFIX = 'hpt'

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name='tokens')
    name = models.CharField('omschrijving', max_length=100)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=254, blank=True, default='')
    expires_at = models.DateTimeField('verloopt op', null=True, blank=True)
    revoked_at = models.DateTimeField('ingetrokken op', null=True, blank=True)
    revoked_by = models.CharField(max_length=254, blank=True, default='')
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ('-created_at',)
        verbose_name = 'API-token van partner'
        verbose_name_plural = 'API-tokens van partners'

    def __str__(self):
        return f'{self.partner.code} · {self.name} ({self.key_id})'

    @staticmethod
    def hash(secret):
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, partner, name, created_by='', expires_at=None):
        """A new token; returns (token, plaintext). The plaintext is not stored and shown only now."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(partner=partner, name=name, key_id=key_id, key_hash=cls.hash(secret),
                                   created_by=created_by, expires_at=expires_at)
        return token, f'{cls.PREFIX}_{key_id}_{secret}'

    @classmethod
    def parse(cls, plaintext):
        """(key_id, secret) of a token string, or None."""
        parts = (plaintext or '').split('_', 2)
        if len(parts) != 3 or parts[0] != cls.PREFIX or not parts[1] or not parts[2]:
            return None
        return parts[1], parts[2]

    def matches(self, secret):
        return hmac.compare_digest(self.key_hash, self.hash(secret))

    @property
    def is_valid(self):
        now = timezone.now()
        return (self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
                and self.partner.is_active)


# --- forwards --------------------------------------------------------------------------------

class Forward(models.Model):
    """A job forwarded to a partner (Signalen's "forward to external"), answered once through a
    signed link or the partner API. Its subject is either a signal or a complaint (for the partner's
    response), never both."""
    OPEN = 'open'
    ANSWERED = 'answered'
    EXPIRED = 'expired'
    WITHDRAWN = 'withdrawn'
    STATUS_CHOICES = ((OPEN, 'Open'), (ANSWERED, 'Beantwoord'), (EXPIRED, 'Verlopen'), (WITHDRAWN, 'Ingetrokken'))

    VIA_WERKPLEK = 'werkplek'
    VIA_API = 'api'
    VIA_BACKOFFICE = 'backoffice'
    VIA_SEED = 'demo'
    VIA_CHOICES = ((VIA_WERKPLEK, 'Werkplek'), (VIA_API, 'API'), (VIA_BACKOFFICE, 'Signalen-backoffice'),
                   (VIA_SEED, 'Demodata'))

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name='forwards')
    signal = models.ForeignKey('signals.Signal', null=True, blank=True, on_delete=models.PROTECT,
                               related_name='haarlem_partner_forwards')
    complaint = models.ForeignKey('haarlem_complaints.Complaint', null=True, blank=True, on_delete=models.PROTECT,
                                  related_name='haarlem_partner_forwards')
    instruction = models.TextField('toelichting voor de partner', max_length=3000)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=OPEN, db_index=True)
    via = models.CharField(max_length=12, choices=VIA_CHOICES, default=VIA_WERKPLEK)
    forwarded_at = models.DateTimeField(default=timezone.now, db_index=True)
    forwarded_by = models.CharField(max_length=254, blank=True, default='')
    response_due = models.DateTimeField('reactie uiterlijk')
    resolution_due = models.DateTimeField('opgelost uiterlijk')
    link_expires_at = models.DateTimeField('link geldig tot')
    # The link carries this nonce; clearing it (answer, withdrawal, expiry) makes every link refused.
    nonce = models.CharField(max_length=32, blank=True, default=new_nonce, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # The Signalen Status this forward set (to tell our own status changes from the backoffice's).
    signal_status_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ('-forwarded_at', '-pk')
        verbose_name = 'doorzetting naar partner'
        verbose_name_plural = 'doorzettingen naar partners'
        permissions = [('withdraw_forward', 'Doorzetting naar partner intrekken')]
        constraints = [
            check_constraint(Q(signal__isnull=False, complaint__isnull=True)
                             | Q(signal__isnull=True, complaint__isnull=False), 'haarlem_partners_forward_one_subject'),
            models.UniqueConstraint(fields=['signal'], condition=Q(status='open'),
                                    name='haarlem_partners_one_open_forward_per_signal'),
            models.UniqueConstraint(fields=['complaint'], condition=Q(status='open'),
                                    name='haarlem_partners_one_open_forward_per_complaint'),
        ]
        indexes = [models.Index(fields=['partner', 'forwarded_at'])]

    def __str__(self):
        return f'{self.subject_display} → {self.partner.code}'

    @property
    def subject_display(self):
        if self.signal_id:
            return signalen.id_display(self.signal_id)
        return f'klacht {self.complaint.reference}' if self.complaint_id else f'doorzetting {self.pk}'

    @property
    def is_complaint(self):
        return self.complaint_id is not None

    @property
    def is_open(self):
        return self.status == self.OPEN

    def is_late(self, now=None):
        """Open past its response norm, or answered after it."""
        now = now or timezone.now()
        moment = self.answered_at or now
        return moment >= self.response_due


class ForwardEvent(AppendOnly):
    """What happened to a forward, with its timing against the agreed norm."""
    FORWARDED = 'forwarded'
    REMINDED = 'reminded'
    ANSWERED = 'answered'
    EXPIRED = 'expired'
    WITHDRAWN = 'withdrawn'
    MAIL_FAILED = 'mail_failed'
    KIND_CHOICES = ((FORWARDED, 'Doorgezet'), (REMINDED, 'Herinnering gestuurd'), (ANSWERED, 'Beantwoord'),
                    (EXPIRED, 'Link verlopen'), (WITHDRAWN, 'Ingetrokken'), (MAIL_FAILED, 'Mail niet verstuurd'))

    forward = models.ForeignKey(Forward, on_delete=models.CASCADE, related_name='events')
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    who = models.CharField(max_length=254, blank=True, default='')
    detail = models.TextField(blank=True, default='')
    workdays_elapsed = models.IntegerField('werkdagen sinds doorzetten', null=True, blank=True)
    norm_days = models.PositiveSmallIntegerField('norm (werkdagen)', null=True, blank=True)
    on_time = models.BooleanField('binnen de norm', null=True, blank=True)

    class Meta:
        ordering = ('at', 'pk')
        verbose_name = 'gebeurtenis bij doorzetting'
        verbose_name_plural = 'gebeurtenissen bij doorzettingen'


class ForwardAnswer(AppendOnly):
    """The partner's one answer to a forward."""
    VIA_LINK = 'link'
    VIA_API = 'api'
    VIA_CHOICES = ((VIA_LINK, 'Partnerpagina'), (VIA_API, 'API'))

    forward = models.OneToOneField(Forward, on_delete=models.CASCADE, related_name='answer')
    text = models.TextField('reactie', max_length=5000)
    resolved = models.BooleanField('opgelost', default=True)
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.CharField('beantwoord door', max_length=254)
    via = models.CharField(max_length=8, choices=VIA_CHOICES)
    workdays_taken = models.IntegerField('werkdagen')
    response_on_time = models.BooleanField('reactie binnen de norm')
    resolution_on_time = models.BooleanField('opgelost binnen de norm', null=True, blank=True)

    class Meta:
        verbose_name = 'reactie van partner'
        verbose_name_plural = 'reacties van partners'


def photo_upload_to(instance, filename):
    return f'partners/answers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{_extension(instance.mimetype)}'


def _extension(mimetype):
    return {'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'image/webp': '.webp',
            'image/heic': '.heic', 'image/bmp': '.bmp'}.get(mimetype, '')


class ForwardPhoto(AppendOnly):
    answer = models.ForeignKey(ForwardAnswer, on_delete=models.CASCADE, related_name='photos')
    file = models.FileField(upload_to=photo_upload_to, max_length=255)
    mimetype = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=100, blank=True, default='')

    class Meta:
        ordering = ('pk',)
        verbose_name = 'foto bij reactie'
        verbose_name_plural = "foto's bij reacties"


# --- figures ---------------------------------------------------------------------------------

class FiguresRequest(models.Model):
    """A request to a partner for its figures of one quarter, with the signed link's nonce."""
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name='figures_requests')
    period_start = models.DateField()
    requested_at = models.DateTimeField(default=timezone.now)
    link_expires_at = models.DateTimeField()
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ('-period_start', 'partner')
        verbose_name = 'uitvraag klachtcijfers'
        verbose_name_plural = 'uitvragen klachtcijfers'
        constraints = [models.UniqueConstraint(fields=['partner', 'period_start'],
                                               name='haarlem_partners_one_request_per_quarter')]

    @property
    def period(self):
        return periods.period_of(self.period_start, periods.QUARTER)


class FigureReport(AppendOnly):
    """A partner's own complaint-handling figures for one quarter. The newest delivery counts."""
    VIA_FORM = 'form'
    VIA_CSV = 'csv'
    VIA_API = 'api'
    VIA_SEED = 'demo'
    VIA_CHOICES = ((VIA_FORM, 'Formulier op partnerpagina'), (VIA_CSV, 'CSV-bestand'), (VIA_API, 'API'),
                   (VIA_SEED, 'Demodata'))

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name='figures')
    period_start = models.DateField('kwartaal (eerste dag)', db_index=True)
    received = models.PositiveIntegerField('ontvangen klachten')
    handled = models.PositiveIntegerField('afgehandelde klachten')
    handled_on_time = models.PositiveIntegerField('waarvan tijdig afgehandeld')
    founded = models.PositiveIntegerField('gegrond', default=0)
    partly_founded = models.PositiveIntegerField('deels gegrond', default=0)
    unfounded = models.PositiveIntegerField('ongegrond', default=0)
    no_judgement = models.PositiveIntegerField('geen oordeel', default=0)
    resolved_informally = models.PositiveIntegerField('informeel opgelost', default=0)
    themes = models.JSONField('hoofdthema\'s', default=list, blank=True)
    remarks = models.TextField('toelichting', blank=True, default='')
    delivered_at = models.DateTimeField(default=timezone.now)
    delivered_by = models.CharField('aangeleverd door', max_length=254)
    via = models.CharField(max_length=8, choices=VIA_CHOICES)

    class Meta:
        ordering = ('-period_start', '-delivered_at', '-pk')
        verbose_name = 'klachtcijfers van partner'
        verbose_name_plural = 'klachtcijfers van partners'
        constraints = [
            check_constraint(Q(handled_on_time__lte=models.F('handled')),
                             'haarlem_partners_figures_on_time_le_handled'),
        ]

    @property
    def period(self):
        return periods.period_of(self.period_start, periods.QUARTER)

    @property
    def outcomes_total(self):
        return self.founded + self.partly_founded + self.unfounded + self.no_judgement


# --- reviews ---------------------------------------------------------------------------------

class Review(models.Model):
    """A periodic review with a partner: the dossier (made automatically), the meeting and its record."""
    PLANNED = 'planned'
    HELD = 'held'
    CANCELLED = 'cancelled'
    STATUS_CHOICES = ((PLANNED, 'Gepland'), (HELD, 'Gehouden'), (CANCELLED, 'Vervallen'))

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name='reviews')
    period_start = models.DateField('periode (eerste dag)')
    period_months = models.PositiveSmallIntegerField(default=periods.QUARTER)
    planned_date = models.DateField('datum overleg', null=True, blank=True)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=PLANNED, db_index=True)
    dossier = models.JSONField(null=True, blank=True, editable=False)
    dossier_generated_at = models.DateTimeField(null=True, blank=True, editable=False)
    meeting_record = models.TextField('verslag', blank=True, default='')
    attendees = models.TextField('aanwezigen', blank=True, default='')
    held_on = models.DateField('gehouden op', null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('-period_start', 'partner')
        verbose_name = 'periodiek overleg'
        verbose_name_plural = 'periodieke overleggen'
        permissions = [('record_review', 'Verslag van periodiek overleg vastleggen')]
        constraints = [models.UniqueConstraint(fields=['partner', 'period_start', 'period_months'],
                                               name='haarlem_partners_one_review_per_period')]

    def __str__(self):
        return f'{self.partner} · {self.period.label}'

    @property
    def period(self):
        return periods.Period(self.period_start, self.period_months)


class ReviewEvent(AppendOnly):
    PLANNED = 'planned'
    DOSSIER = 'dossier'
    REMINDED = 'reminded'
    RECORDED = 'recorded'
    RESCHEDULED = 'rescheduled'
    CANCELLED = 'cancelled'
    KIND_CHOICES = ((PLANNED, 'Gepland'), (DOSSIER, 'Dossier opgesteld'), (REMINDED, 'Herinnering accounthouder'),
                    (RECORDED, 'Verslag vastgelegd'), (RESCHEDULED, 'Verplaatst'), (CANCELLED, 'Vervallen'))

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name='events')
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    who = models.CharField(max_length=254, blank=True, default='')
    detail = models.TextField(blank=True, default='')

    class Meta:
        ordering = ('at', 'pk')
        verbose_name = 'gebeurtenis bij overleg'
        verbose_name_plural = 'gebeurtenissen bij overleggen'


class ReviewAction(models.Model):
    """An agreement made in a review: who does what by when, followed up to done."""
    OPEN = 'open'
    IN_PROGRESS = 'in_progress'
    DONE = 'done'
    CANCELLED = 'cancelled'
    STATUS_CHOICES = ((OPEN, 'Open'), (IN_PROGRESS, 'In uitvoering'), (DONE, 'Gereed'), (CANCELLED, 'Vervallen'))
    UNFINISHED = (OPEN, IN_PROGRESS)

    SIDE_MUNICIPALITY = 'gemeente'
    SIDE_PARTNER = 'partner'
    SIDE_CHOICES = ((SIDE_MUNICIPALITY, 'Gemeente'), (SIDE_PARTNER, 'Partner'))

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name='actions')
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name='actions')
    description = models.TextField('afspraak', max_length=2000)
    owner = models.CharField('eigenaar', max_length=200)
    owner_side = models.CharField('namens', max_length=10, choices=SIDE_CHOICES, default=SIDE_PARTNER)
    owner_email = models.EmailField('e-mailadres eigenaar', blank=True, default='')
    due_date = models.DateField('uiterlijk')
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=254, blank=True, default='')
    done_at = models.DateTimeField(null=True, blank=True)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ('due_date', 'pk')
        verbose_name = 'afspraak uit overleg'
        verbose_name_plural = 'afspraken uit overleggen'

    def __str__(self):
        return self.description[:60]

    def is_late(self, today=None):
        return self.status in self.UNFINISHED and self.due_date < (today or timezone.localdate())


class ReviewActionEvent(AppendOnly):
    action = models.ForeignKey(ReviewAction, on_delete=models.CASCADE, related_name='events')
    from_status = models.CharField(max_length=12, blank=True, default='')
    to_status = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)
    who = models.CharField(max_length=254, blank=True, default='')
    note = models.TextField(blank=True, default='')

    class Meta:
        ordering = ('at', 'pk')
        verbose_name = 'statuswijziging van afspraak'
        verbose_name_plural = 'statuswijzigingen van afspraken'


class PartnerLog(AppendOnly):
    """Everything else that happened with a partner: figure requests and reminders, chased actions,
    tokens issued or revoked, register changes. Also keeps the periodic tasks from repeating themselves."""
    FIGURES_REQUESTED = 'figures_requested'
    FIGURES_REMINDED = 'figures_reminded'
    FIGURES_DELIVERED = 'figures_delivered'
    ACTION_CHASED = 'action_chased'
    TOKEN_ISSUED = 'token_issued'
    TOKEN_REVOKED = 'token_revoked'
    KIND_CHOICES = ((FIGURES_REQUESTED, 'Klachtcijfers opgevraagd'), (FIGURES_REMINDED, 'Herinnering klachtcijfers'),
                    (FIGURES_DELIVERED, 'Klachtcijfers aangeleverd'), (ACTION_CHASED, 'Afspraak gerappelleerd'),
                    (TOKEN_ISSUED, 'API-token uitgegeven'), (TOKEN_REVOKED, 'API-token ingetrokken'))

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name='log')
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    who = models.CharField(max_length=254, blank=True, default='')
    detail = models.TextField(blank=True, default='')

    class Meta:
        ordering = ('-at', '-pk')
        verbose_name = 'logregel partner'
        verbose_name_plural = 'logboek partners'
