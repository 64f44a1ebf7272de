"""Complaints (Awb chapter 9): the complaint, its append-only history, letters, terms and learning.

A `Complaint` holds the *current* state of one complaint (as Signalen's Signal does); every change is
made by `services.py`, which also writes an append-only `ComplaintEvent` (who, when, from, to, why).
Letters, term changes, deadline warnings and measure updates are append-only records too.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from signals_haarlem.append_only import AppendOnly

from . import workflow


# -- reference data (fixtures, admin) ------------------------------------------------------------

class Norm(models.Model):
    """A norm of the Nationale ombudsman's Behoorlijkheidswijzer (22 norms in 4 groups)."""
    GROUPS = (('A', 'Open en duidelijk'), ('B', 'Respectvol'), ('C', 'Betrokken en oplossingsgericht'),
              ('D', 'Eerlijk en betrouwbaar'))
    number = models.PositiveSmallIntegerField('nummer', unique=True)
    group = models.CharField('groep', max_length=1, choices=GROUPS)
    name = models.CharField('naam', max_length=100)
    description = models.TextField('toelichting', blank=True, default='')
    is_active = models.BooleanField('actief', default=True)

    class Meta:
        ordering = ('number',)
        verbose_name = 'behoorlijkheidsnorm'
        verbose_name_plural = 'behoorlijkheidsnormen'

    def __str__(self):
        return f'{self.number}. {self.name}'


class Cause(models.Model):
    """Why it went wrong (one per complaint), for the learning report."""
    code = models.SlugField('code', max_length=50, unique=True)
    name = models.CharField('naam', max_length=120)
    description = models.TextField('toelichting', blank=True, default='')
    order = models.PositiveSmallIntegerField('volgorde', default=0)
    is_active = models.BooleanField('actief', default=True)

    class Meta:
        ordering = ('order', 'name')
        verbose_name = 'oorzaak'
        verbose_name_plural = 'oorzaken'

    def __str__(self):
        return self.name


class LetterTemplate(models.Model):
    """The text of a letter kind, as Django template text an admin can edit.

    The body is rendered with autoescaping off (the context holds plain text) and the result is
    escaped and turned into paragraphs, so an admin cannot put markup into a letter by accident.
    The conclusion and not-handled letters always get the ombudsman referral (Awb 9:12 lid 2,
    9:8 lid 3) from the letter layout, whatever the template says.
    """
    ACKNOWLEDGEMENT = 'acknowledgement'
    COPY = 'copy'
    EXTENSION = 'extension'
    FORWARDED = 'forwarded'
    NOT_A_COMPLAINT = 'not_a_complaint'
    NOT_HANDLED = 'not_handled'
    HEARING_INVITATION = 'hearing_invitation'
    RESOLVED = 'resolved'
    CONCLUSION = 'conclusion'
    KINDS = (
        (ACKNOWLEDGEMENT, 'Ontvangstbevestiging (Awb 9:6)'),
        (COPY, 'Afschrift aan beklaagde (Awb 9:9)'),
        (EXTENSION, 'Verdaging (Awb 9:11 lid 2)'),
        (FORWARDED, 'Doorzending naar bevoegd orgaan (Awb 2:3)'),
        (NOT_A_COMPLAINT, 'Geen klacht'),
        (NOT_HANDLED, 'Niet in behandeling (Awb 9:8)'),
        (HEARING_INVITATION, 'Uitnodiging hoorzitting (Awb 9:10)'),
        (RESOLVED, 'Bevestiging informele oplossing (Awb 9:5)'),
        (CONCLUSION, 'Afhandeling klacht (Awb 9:12)'),
    )
    #: Kinds whose letter always carries the ombudsman referral.
    WITH_REFERRAL = (NOT_HANDLED, CONCLUSION)

    kind = models.CharField('soort', max_length=32, choices=KINDS, unique=True)
    subject = models.CharField('onderwerp', max_length=200)
    body = models.TextField('tekst', help_text='Django-sjabloontekst; zie de beschikbare velden in de handleiding.')
    is_active = models.BooleanField('actief', default=True)
    updated_at = models.DateTimeField('gewijzigd', auto_now=True)
    updated_by = models.CharField('gewijzigd door', max_length=255, blank=True, default='')

    class Meta:
        ordering = ('kind',)
        verbose_name = 'briefsjabloon'
        verbose_name_plural = 'briefsjablonen'

    def __str__(self):
        return self.get_kind_display()


class ReferenceCounter(models.Model):
    """The last complaint number handed out per year (KL-2025-0001, ...)."""
    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = 'klachtnummerteller'


# -- the complaint -------------------------------------------------------------------------------

class Complaint(models.Model):
    CHANNELS = (('signalen', 'Melding in Signalen'), ('webformulier', 'Webformulier'), ('email', 'E-mail'),
                ('brief', 'Brief'), ('telefoon', 'Telefoon'), ('balie', 'Balie'), ('sociale_media', 'Sociale media'))
    WRITTEN, ORAL = 'schriftelijk', 'mondeling'
    FORMS = ((WRITTEN, 'Schriftelijk'), (ORAL, 'Mondeling'))
    PERSON, ORGANISATION = 'persoon', 'organisatie'
    COMPLAINANT_KINDS = ((PERSON, 'Persoon'), (ORGANISATION, 'Organisatie'))
    GEDRAGSKLACHT = 'gedragsklacht'
    CLASSIFICATIONS = (
        (GEDRAGSKLACHT, 'Klacht over gedraging'),
        ('melding', 'Melding (geen klacht)'),
        ('beleidsbezwaar', 'Bezwaar tegen beleid (geen klacht)'),
        ('bezwaar', 'Bezwaar of beroep tegen een besluit (geen klacht)'),
        ('vraag', 'Vraag of verzoek (geen klacht)'),
        ('ander_orgaan', 'Voor een ander bestuursorgaan (doorzenden, Awb 2:3)'),
    )
    GOVERNING_BODIES = (('', 'Nee'), ('college', 'College van B&W'), ('burgemeester', 'Burgemeester'),
                        ('wethouder', 'Wethouder'))

    reference = models.CharField('klachtnummer', max_length=20, unique=True, editable=False)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    signal = models.OneToOneField('signals.Signal', verbose_name='melding', null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name='haarlem_complaint')

    # Intake
    channel = models.CharField('kanaal', max_length=20, choices=CHANNELS)
    form = models.CharField('vorm', max_length=12, choices=FORMS)
    is_anonymous = models.BooleanField('anoniem', default=False)
    concerns_self = models.BooleanField('gedraging jegens klager zelf', default=True,
                                        help_text='Awb 9:4: de formele procedure geldt voor gedragingen jegens de klager.')
    is_formal = models.BooleanField('formele procedure (Awb 9:5-9:12)', default=False, editable=False)
    classification = models.CharField('classificatie', max_length=20, choices=CLASSIFICATIONS,
                                      default=GEDRAGSKLACHT)
    forward_to = models.CharField('doorgezonden aan', max_length=200, blank=True, default='')
    received_on = models.DateField('datum ontvangst', db_index=True)

    complainant_kind = models.CharField('klager is', max_length=12, choices=COMPLAINANT_KINDS, default=PERSON)
    complainant_name = models.CharField('naam klager', max_length=200, blank=True, default='')
    complainant_organisation = models.CharField('organisatie', max_length=200, blank=True, default='')
    complainant_address = models.CharField('adres', max_length=200, blank=True, default='')
    complainant_postcode = models.CharField('postcode', max_length=10, blank=True, default='')
    complainant_city = models.CharField('woonplaats', max_length=100, blank=True, default='')
    complainant_email = models.EmailField('e-mail', blank=True, default='')
    complainant_phone = models.CharField('telefoon', max_length=30, blank=True, default='')
    representative_name = models.CharField('gemachtigde', max_length=200, blank=True, default='')
    representative_email = models.EmailField('e-mail gemachtigde', blank=True, default='')
    representative_address = models.CharField('adres gemachtigde', max_length=300, blank=True, default='')

    subject = models.CharField('onderwerp', max_length=200)
    conduct_description = models.TextField('gedraging waarover geklaagd wordt')
    conduct_date = models.DateField('datum gedraging', null=True, blank=True)
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name='beklaagde medewerker', null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name='complaints_about')
    employee_name = models.CharField('naam beklaagde', max_length=200, blank=True, default='')
    about_governing_body = models.CharField(
        'klacht over bestuurder', max_length=20, choices=GOVERNING_BODIES, blank=True, default='',
        help_text='Awb 9:7 lid 2: bij een klacht over het college, de burgemeester of een wethouder '
                  'geldt de eis van een niet-betrokken behandelaar niet.')
    department_concerned = models.ForeignKey('signals.Department', verbose_name='betrokken afdeling', null=True,
                                             blank=True, on_delete=models.SET_NULL, related_name='haarlem_complaints')

    # Handling
    state = models.CharField('status', max_length=20, choices=workflow.STATE_CHOICES, default=workflow.RECEIVED,
                             db_index=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name='klachtbehandelaar', null=True, blank=True,
                                on_delete=models.PROTECT, related_name='complaints_handled')
    advice_committee = models.BooleanField('adviescommissie', default=False)
    extension_weeks = models.PositiveSmallIntegerField('verdaagd (weken)', default=0)
    postponed_until = models.DateField('uitgesteld tot (met instemming)', null=True, blank=True)
    term_last_day = models.DateField('laatste dag termijn', null=True, blank=True, db_index=True)
    copy_sent_on = models.DateField('afschrift aan beklaagde verstuurd', null=True, blank=True)
    copy_sent_how = models.CharField('afschrift verstuurd via', max_length=100, blank=True, default='')

    informal_approach = models.TextField('informele aanpak', blank=True, default='')
    hearing_planned_at = models.DateTimeField('hoorzitting gepland', null=True, blank=True)
    hearing_location = models.CharField('plaats hoorzitting', max_length=200, blank=True, default='')
    hearing_held_on = models.DateField('gehoord op', null=True, blank=True)
    hearing_report = models.TextField('verslag hoorzitting', blank=True, default='')
    hearing_waived_ground = models.CharField('horen achterwege gelaten', max_length=1, blank=True, default='',
                                             choices=workflow.HEARING_WAIVER_GROUNDS)

    resolved_confirmed_by = models.CharField('tevredenheid bevestigd door', max_length=200, blank=True, default='')
    resolved_confirmed_on = models.DateField('tevredenheid bevestigd op', null=True, blank=True)
    resolved_how = models.CharField('bevestigd via', max_length=20, blank=True, default='',
                                    choices=workflow.CONFIRMATION_METHODS)
    not_handled_ground = models.CharField('grond niet behandelen', max_length=4, blank=True, default='',
                                          choices=workflow.NOT_HANDLED_GROUNDS)
    outcome_explanation = models.TextField('toelichting afhandeling', blank=True, default='')
    findings = models.TextField('bevindingen', blank=True, default='')
    judgement = models.CharField('oordeel', max_length=20, blank=True, default='', choices=workflow.JUDGEMENTS)
    conclusions = models.TextField('conclusies', blank=True, default='')
    outcome = models.CharField('uitkomst', max_length=20, blank=True, default='', choices=workflow.OUTCOMES,
                               db_index=True)
    decided_on = models.DateField('afgehandeld op', null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField('gesloten', null=True, blank=True)

    # Learning
    norms = models.ManyToManyField(Norm, verbose_name='geschonden normen', blank=True, related_name='complaints')
    cause = models.ForeignKey(Cause, verbose_name='oorzaak', null=True, blank=True, on_delete=models.PROTECT,
                              related_name='complaints')
    cause_note = models.TextField('toelichting oorzaak', blank=True, default='')

    created_at = models.DateTimeField('geregistreerd', default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    updated_at = models.DateTimeField(auto_now=True)
    contact_removed_at = models.DateTimeField('contactgegevens verwijderd', null=True, blank=True)

    class Meta:
        ordering = ('-received_on', '-pk')
        verbose_name = 'klacht'
        verbose_name_plural = 'klachten'
        permissions = [
            ('register_complaint', 'Klachten registreren (intake)'),
            ('handle_complaint', 'Toegewezen klachten behandelen'),
            ('coordinate_complaints', 'Alle klachten inzien, toewijzen en bewaken'),
            ('view_complaint_register', 'Klachtenregister inzien en exporteren'),
            ('view_complaint_reports', 'Jaarverslag en leerrapportage klachten inzien'),
        ]
        indexes = [models.Index(fields=['state', 'term_last_day']), models.Index(fields=['handler', 'state'])]

    def __str__(self):
        return self.reference

    @property
    def is_running(self):
        return self.state in workflow.RUNNING

    @property
    def state_label(self):
        return workflow.label(self.state)

    @property
    def complainant_display(self):
        if self.is_anonymous:
            return 'Anoniem'
        parts = [p for p in (self.complainant_name, self.complainant_organisation) if p]
        return ', '.join(parts) or self.complainant_email or 'Onbekend'

    @property
    def person_complained_about(self):
        """Who the complaint is about, as shown to staff ('' if nobody in particular)."""
        if self.about_governing_body:
            return self.get_about_governing_body_display()
        if self.employee_id:
            return self.employee.get_full_name() or self.employee.email or self.employee.get_username()
        return self.employee_name

    @property
    def is_on_time(self):
        """True/False once decided (within the term?), None while running or without a term."""
        if self.term_last_day is None or self.decided_on is None:
            return None
        return self.decided_on <= self.term_last_day


class ComplaintEvent(AppendOnly):
    """One line of a complaint's history: a transition or another change (who, when, what, why)."""
    KINDS = (('intake', 'Geregistreerd'), ('transition', 'Statuswijziging'), ('assign', 'Toegewezen'),
             ('edit', 'Gegevens gewijzigd'), ('letter', 'Brief'), ('copy', 'Afschrift beklaagde'),
             ('term', 'Termijn'), ('learning', 'Leren'), ('measure', 'Verbetermaatregel'),
             ('warning', 'Termijnwaarschuwing'), ('ombudsman', 'Ombudsman'), ('note', 'Notitie'),
             ('signal', 'Melding'))
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name='events')
    kind = models.CharField(max_length=20, choices=KINDS)
    from_state = models.CharField(max_length=20, blank=True, default='')
    to_state = models.CharField(max_length=20, blank=True, default='')
    reason = models.TextField(blank=True, default='')
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    created_by_name = models.CharField(max_length=255, blank=True, default='')
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ('created_at', 'pk')
        verbose_name = 'klachtgebeurtenis'
        verbose_name_plural = 'klachtgebeurtenissen'

    def __str__(self):
        return f'{self.complaint_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}'

    @property
    def summary(self):
        if self.kind == 'transition':
            return f'{workflow.label(self.from_state)} → {workflow.label(self.to_state)}'
        return self.get_kind_display()


def letter_upload_to(instance, filename):
    return f'complaints/letters/{timezone.now():%Y/%m}/{instance.complaint.uuid.hex[:12]}-{filename}'


class Letter(AppendOnly):
    """A letter sent in the procedure: its HTML as sent, the PDF rendered from it, and the mail receipt."""
    COMPLAINANT, PERSON, REPRESENTATIVE = 'klager', 'beklaagde', 'gemachtigde'
    RECIPIENTS = ((COMPLAINANT, 'Klager'), (PERSON, 'Beklaagde'), (REPRESENTATIVE, 'Gemachtigde'))
    fill_once_fields = ('file', 'mailed_at', 'mail_error')

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name='letters')
    kind = models.CharField('soort', max_length=32, choices=LetterTemplate.KINDS)
    recipient_role = models.CharField('aan', max_length=12, choices=RECIPIENTS, default=COMPLAINANT)
    recipient_name = models.CharField('naam ontvanger', max_length=300, blank=True, default='')
    recipient_address = models.CharField('adres ontvanger', max_length=400, blank=True, default='')
    recipient_email = models.EmailField('e-mail ontvanger', blank=True, default='')
    subject = models.CharField('onderwerp', max_length=300)
    html = models.TextField('brief (HTML)')
    text = models.TextField('brief (tekst)')
    file = models.FileField('PDF', upload_to=letter_upload_to, max_length=255, blank=True, default='')
    mailed_at = models.DateTimeField('gemaild', null=True, blank=True)
    mail_error = models.CharField('fout bij mailen', max_length=500, blank=True, default='')
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('created_at', 'pk')
        verbose_name = 'brief'
        verbose_name_plural = 'brieven'

    def __str__(self):
        return f'{self.get_kind_display()} aan {self.get_recipient_role_display().lower()}'


class TermChange(AppendOnly):
    """A change of the 9:11 term: the one extension (max 4 weeks), a postponement with the
    complainant's written consent, or the advice committee switched on or off."""
    EXTENSION, CONSENT, COMMITTEE = 'verdaging', 'instemming', 'adviescommissie'
    KINDS = ((EXTENSION, 'Verdaging (max. 4 weken)'), (CONSENT, 'Uitstel met schriftelijke instemming klager'),
             (COMMITTEE, 'Adviescommissie'))
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name='term_changes')
    kind = models.CharField(max_length=20, choices=KINDS)
    previous_last_day = models.DateField(null=True, blank=True)
    new_last_day = models.DateField()
    weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    consent_received_on = models.DateField(null=True, blank=True)
    consent_how = models.CharField(max_length=20, blank=True, default='', choices=workflow.WRITTEN_CONSENT_METHODS)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('created_at', 'pk')
        verbose_name = 'termijnwijziging'
        verbose_name_plural = 'termijnwijzigingen'
        constraints = [models.UniqueConstraint(fields=['complaint'], condition=models.Q(kind='verdaging'),
                                               name='haarlem_complaints_one_extension')]


class DeadlineWarning(AppendOnly):
    """A warning mail about a term, sent once per complaint, kind and term end."""
    SOON, EXPIRED = 'bijna', 'verlopen'
    KINDS = ((SOON, 'Termijn verloopt bijna'), (EXPIRED, 'Termijn verlopen'))
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name='deadline_warnings')
    kind = models.CharField(max_length=10, choices=KINDS)
    term_last_day = models.DateField()
    recipients = models.TextField(blank=True, default='')
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('sent_at',)
        verbose_name = 'termijnwaarschuwing'
        verbose_name_plural = 'termijnwaarschuwingen'
        constraints = [models.UniqueConstraint(fields=['complaint', 'kind', 'term_last_day'],
                                               name='haarlem_complaints_warning_once')]


class ImprovementMeasure(models.Model):
    """An improvement the organisation takes on after a complaint, tracked to done."""
    OPEN, IN_PROGRESS, DONE, CANCELLED = 'open', 'in_uitvoering', 'gereed', 'vervallen'
    STATUSES = ((OPEN, 'Open'), (IN_PROGRESS, 'In uitvoering'), (DONE, 'Gereed'), (CANCELLED, 'Vervallen'))
    FINISHED = (DONE, CANCELLED)

    complaint = models.ForeignKey(Complaint, verbose_name='klacht', null=True, blank=True,
                                  on_delete=models.PROTECT, related_name='measures')
    department = models.ForeignKey('signals.Department', verbose_name='afdeling', null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name='+')
    description = models.TextField('maatregel')
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name='eigenaar', null=True, blank=True,
                              on_delete=models.SET_NULL, related_name='complaint_measures')
    owner_name = models.CharField('eigenaar (naam)', max_length=200, blank=True, default='')
    due_date = models.DateField('gereed vóór')
    status = models.CharField('status', max_length=20, choices=STATUSES, default=OPEN, db_index=True)
    done_on = models.DateField('gereed op', null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('due_date', 'pk')
        verbose_name = 'verbetermaatregel'
        verbose_name_plural = 'verbetermaatregelen'

    def __str__(self):
        return self.description[:60]

    @property
    def owner_display(self):
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.email or self.owner.get_username()
        return self.owner_name

    @property
    def is_late(self):
        return self.status not in self.FINISHED and self.due_date < timezone.localdate()


class MeasureEvent(AppendOnly):
    """A status change of an improvement measure (who, when, from, to, note)."""
    measure = models.ForeignKey(ImprovementMeasure, on_delete=models.CASCADE, related_name='events')
    from_status = models.CharField(max_length=20, blank=True, default='')
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True, default='')
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name='+')
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('created_at', 'pk')


class OmbudsmanCase(models.Model):
    """The ombudsman's follow-up of a complaint (Awb 9:18 ff.); changes are logged as complaint events."""
    STATUSES = (('ontvangen', 'Verzoek ontvangen'), ('in_onderzoek', 'In onderzoek'),
                ('interventie', 'Interventie'), ('rapport', 'Rapport uitgebracht'), ('afgesloten', 'Afgesloten'))
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name='ombudsman_cases')
    ombudsman = models.CharField('ombudsman', max_length=100, default='Nationale ombudsman')
    reference = models.CharField('kenmerk ombudsman', max_length=100, blank=True, default='')
    received_on = models.DateField('ontvangen op')
    status = models.CharField('status', max_length=20, choices=STATUSES, default='ontvangen')
    outcome = models.TextField('uitkomst', blank=True, default='')
    closed_on = models.DateField('afgesloten op', null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('received_on', 'pk')
        verbose_name = 'ombudsmanzaak'
        verbose_name_plural = 'ombudsmanzaken'
