"""Models of the Signalen-compatible core, with upstream Signalen's names and relations.

A signal points at its *current* status, category assignment, location, reporter, priority, type
and user assignment; every earlier one stays as a row pointing back at the signal (`_signal`), so
those tables are the append-only history of each aspect. `History` adds one readable line per change
(who, when, what), which is what the backoffice's history tab shows.
"""
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from signals_haarlem.append_only import AppendOnly

from . import current, workflow
from .managers import SignalManager


def _token():
    """An unguessable token for a link in a mail (feedback form, e-mail verification)."""
    return secrets.token_urlsafe(32)


class Department(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=255)
    is_intern = models.BooleanField(default=True)
    can_direct = models.BooleanField(default=False)

    class Meta:
        ordering = ('name',)
        verbose_name = 'afdeling'
        verbose_name_plural = 'afdelingen'

    def __str__(self):
        return f'{self.code} ({self.name})'


class Category(models.Model):
    parent = models.ForeignKey('self', null=True, blank=True, on_delete=models.PROTECT, related_name='children')
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=255)
    public_name = models.CharField(max_length=255, null=True, blank=True)
    is_public_accessible = models.BooleanField(default=False)
    handling = models.CharField(max_length=20, blank=True, default='REST')
    handling_message = models.TextField(null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    icon = models.FileField(upload_to='categories/icons/', null=True, blank=True)
    configuration = models.JSONField(default=dict, blank=True)
    departments = models.ManyToManyField(Department, through='CategoryDepartment', related_name='categories',
                                         blank=True)

    class Meta:
        ordering = ('name',)
        verbose_name = 'categorie'
        verbose_name_plural = 'categorieën'
        constraints = [models.UniqueConstraint(fields=['parent', 'slug'], name='signals_category_unique_slug')]

    def __str__(self):
        return f'{self.name} ({self.parent.name})' if self.parent_id else self.name

    @property
    def is_parent(self):
        return self.parent_id is None

    def current_slo(self):
        """The newest service-level objective, or None."""
        slos = getattr(self, '_prefetched_objects_cache', {}).get('slo')
        if slos is not None:
            return max(slos, key=lambda s: (s.created_at, s.pk), default=None)
        return self.slo.order_by('-created_at', '-pk').first()


class CategoryDepartment(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.CASCADE)
    is_responsible = models.BooleanField(default=False)
    can_view = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['category', 'department'],
                                               name='signals_categorydepartment_unique')]
        verbose_name = 'afdeling van categorie'
        verbose_name_plural = 'afdelingen van categorie'


class ServiceLevelObjective(AppendOnly):
    """The service norm of a category; the newest one counts."""
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name='slo')
    n_days = models.PositiveIntegerField()
    use_calendar_days = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('-created_at',)
        verbose_name = 'servicenorm'
        verbose_name_plural = 'servicenormen'

    def __str__(self):
        unit = 'kalenderdagen' if self.use_calendar_days else 'werkdagen'
        return f'{self.n_days} {unit}'


class Source(models.Model):
    name = models.CharField(max_length=128, unique=True)
    description = models.TextField(blank=True, default='')
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    is_public = models.BooleanField(default=False)
    can_be_selected = models.BooleanField(default=True)

    class Meta:
        ordering = ('order', 'name')
        verbose_name = 'bron'
        verbose_name_plural = 'bronnen'

    def __str__(self):
        return self.name


class Signal(models.Model):
    signal_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = models.CharField(max_length=3000)
    text_extra = models.CharField(max_length=10000, blank=True, default='')
    incident_date_start = models.DateTimeField()
    incident_date_end = models.DateTimeField(null=True, blank=True)
    operational_date = models.DateTimeField(null=True, blank=True)
    expire_date = models.DateTimeField(null=True, blank=True)
    extra_properties = models.JSONField(null=True, blank=True)
    parent = models.ForeignKey('self', null=True, blank=True, on_delete=models.PROTECT, related_name='children')
    source = models.CharField(max_length=128, default='online')
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The current record of each aspect (older ones remain, pointing back through `_signal`).
    location = models.OneToOneField('Location', null=True, on_delete=models.SET_NULL, related_name='+')
    status = models.OneToOneField('Status', null=True, on_delete=models.SET_NULL, related_name='+')
    category_assignment = models.OneToOneField('CategoryAssignment', null=True, on_delete=models.SET_NULL,
                                               related_name='+')
    reporter = models.OneToOneField('Reporter', null=True, on_delete=models.SET_NULL, related_name='+')
    priority = models.OneToOneField('Priority', null=True, on_delete=models.SET_NULL, related_name='+')
    type_assignment = models.OneToOneField('Type', null=True, on_delete=models.SET_NULL, related_name='+')
    user_assignment = models.OneToOneField('SignalUser', null=True, on_delete=models.SET_NULL, related_name='+')

    # A copy of the most-read values of the current records above, so the list's filters and count and
    # the triage's lookups read this one table instead of joining five (at 100k signals the joins, and
    # planning them, cost more than the work). save() keeps them in step with the records, in the same
    # transaction; `current.refresh()` recomputes them for rows written in bulk. Not in upstream Signalen.
    current_state = models.CharField(max_length=20, blank=True, default='', editable=False)
    current_category = models.ForeignKey('Category', null=True, on_delete=models.PROTECT, related_name='+',
                                         editable=False, db_index=False)  # indexed with the state below
    current_priority = models.CharField(max_length=10, default='normal', editable=False)
    current_type = models.CharField(max_length=3, default='SIG', editable=False)
    current_deadline = models.DateTimeField(null=True, editable=False)
    current_deadline_factor_3 = models.DateTimeField(null=True, editable=False)
    current_lon = models.FloatField(null=True, editable=False)
    current_lat = models.FloatField(null=True, editable=False)

    objects = models.Manager()
    actions = SignalManager()

    class Meta:
        ordering = ('-created_at',)
        verbose_name = 'melding'
        verbose_name_plural = 'meldingen'
        # The list's ordering by last change and its filter on source; the filters on the current state
        # (with its deadline: "te laat"), category and priority; the triage's nearby-signal box.
        indexes = [models.Index(fields=['updated_at'], name='signals_signal_updated_idx'),
                   models.Index(fields=['source'], name='signals_signal_source_idx'),
                   models.Index(fields=['current_state', 'current_deadline'], name='signals_signal_state_idx'),
                   models.Index(fields=['current_category', 'current_state'], name='signals_signal_category_idx'),
                   models.Index(fields=['current_priority', 'current_state'], name='signals_signal_priority_idx'),
                   models.Index(fields=['current_lat', 'current_lon', 'created_at'],
                                name='signals_signal_point_idx')]
        permissions = [
            ('sia_read', 'Leesrechten algemeen'),
            ('sia_write', 'Schrijfrechten algemeen'),
            ('sia_can_view_all_categories', 'Bekijk all categorieën (overschrijft categorie rechten)'),
            ('sia_can_view_contact_details', 'Inzien van contactgegevens melder'),
            ('sia_signal_create_initial', 'Melding aanmaken'),
            ('sia_signal_create_note', 'Notitie toevoegen bij melding'),
            ('sia_signal_change_status', 'Wijzigen van status van melding'),
            ('sia_signal_change_category', 'Wijzigen van categorie van melding'),
            ('sia_signal_export', 'Meldingen exporteren'),
            ('sia_signal_report', 'Rapportage beheren'),
            ('sia_split', 'Splitsen van een melding'),
        ]

    def __str__(self):
        return self.id_display

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_records = current.record_ids(instance)
        return instance

    def save(self, *args, **kwargs):
        update_fields = kwargs.get('update_fields')
        if update_fields is None or not current.SOURCES.isdisjoint(update_fields):
            current.copy(self, getattr(self, '_loaded_records', None))
            if update_fields is not None:
                kwargs['update_fields'] = {*update_fields, *current.COLUMNS}
        super().save(*args, **kwargs)
        self._loaded_records = current.record_ids(self)

    @property
    def id_display(self):
        return f'SIG-{self.pk}'

    @property
    def is_parent(self):
        return self.children.exists()

    @property
    def is_child(self):
        return self.parent_id is not None

    @property
    def category(self):
        return self.category_assignment.category if self.category_assignment_id else None


class SignalRecord(AppendOnly):
    """Base of every per-aspect record: belongs to one signal (`_signal`), written once."""
    created_by = models.EmailField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ('-created_at', '-pk')


class Status(SignalRecord):
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='statuses')
    state = models.CharField(max_length=20, choices=workflow.STATUS_CHOICES, default=workflow.GEMELD)
    text = models.CharField(max_length=10000, null=True, blank=True)
    user = models.EmailField(null=True, blank=True)
    target_api = models.CharField(max_length=250, null=True, blank=True)
    extra_properties = models.JSONField(null=True, blank=True)
    send_email = models.BooleanField(default=False)
    email_override = models.EmailField(null=True, blank=True)

    class Meta(SignalRecord.Meta):
        verbose_name = 'status'
        verbose_name_plural = 'statussen'
        indexes = [models.Index(fields=['state'])]

    def __str__(self):
        return workflow.label(self.state)

    @property
    def state_display(self):
        return workflow.label(self.state)


class CategoryAssignment(SignalRecord):
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='category_assignments')
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name='category_assignments')
    text = models.CharField(max_length=10000, null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    deadline_factor_3 = models.DateTimeField(null=True, blank=True)
    stored_handling_message = models.TextField(null=True, blank=True)

    class Meta(SignalRecord.Meta):
        verbose_name = 'categorietoewijzing'
        verbose_name_plural = 'categorietoewijzingen'


class Location(SignalRecord):
    """Where it is. `geometrie` is a GeoJSON Point [lon, lat]; lon and lat are kept as columns too,
    so nearby-signal lookups can use an index on the database without spatial extensions."""
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='locations')
    geometrie = models.JSONField()
    lon = models.FloatField()
    lat = models.FloatField()
    stadsdeel = models.CharField(max_length=100, null=True, blank=True)
    buurt_code = models.CharField(max_length=10, null=True, blank=True)
    area_type_code = models.CharField(max_length=256, null=True, blank=True)
    area_code = models.CharField(max_length=256, null=True, blank=True)
    area_name = models.CharField(max_length=256, null=True, blank=True)
    address = models.JSONField(null=True, blank=True)
    address_text = models.CharField(max_length=256, blank=True, default='')
    postcode = models.CharField(max_length=10, null=True, blank=True)
    extra_properties = models.JSONField(null=True, blank=True)
    bag_validated = models.BooleanField(default=False)

    class Meta(SignalRecord.Meta):
        verbose_name = 'locatie'
        verbose_name_plural = 'locaties'
        indexes = [models.Index(fields=['lat', 'lon']),
                   # the list's filters on district and area
                   models.Index(fields=['stadsdeel'], name='signals_location_stadsdeel_idx'),
                   models.Index(fields=['area_code'], name='signals_location_area_idx')]


class Reporter(SignalRecord):
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='reporters')
    email = models.EmailField(blank=True, default='')
    phone = models.CharField(max_length=17, blank=True, default='')
    sharing_allowed = models.BooleanField(default=False)
    allows_contact = models.BooleanField(default=True)
    email_anonymized = models.BooleanField(default=False)
    phone_anonymized = models.BooleanField(default=False)

    class Meta(SignalRecord.Meta):
        verbose_name = 'melder'
        verbose_name_plural = 'melders'
        indexes = [models.Index(fields=['email']), models.Index(fields=['phone'])]


class ReporterVerification(models.Model):
    """A change to a new e-mail address, waiting until the reporter confirms it through the link mailed
    there (the record of the new details exists, but is not the signal's reporter until then)."""
    reporter = models.OneToOneField(Reporter, primary_key=True, on_delete=models.CASCADE,
                                    related_name='verification')
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.EmailField(null=True, blank=True)

    class Meta:
        verbose_name = 'bevestiging e-mailadres melder'
        verbose_name_plural = 'bevestigingen e-mailadres melder'

    @property
    def is_pending(self):
        return self.verified_at is None and self.cancelled_at is None


class Priority(SignalRecord):
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='priorities')
    PRIORITY_LOW = 'low'
    PRIORITY_NORMAL = 'normal'
    PRIORITY_HIGH = 'high'
    PRIORITY_CHOICES = ((PRIORITY_LOW, 'Laag'), (PRIORITY_NORMAL, 'Normaal'), (PRIORITY_HIGH, 'Hoog'))
    priority = models.CharField(max_length=10, choices=PRIORITY_CHOICES, default=PRIORITY_NORMAL)

    class Meta(SignalRecord.Meta):
        verbose_name = 'urgentie'
        verbose_name_plural = 'urgenties'


class Type(SignalRecord):
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='types')
    SIGNAL = 'SIG'
    REQUEST = 'REQ'
    QUESTION = 'QUE'
    COMPLAINT = 'COM'
    MAINTENANCE = 'MAI'
    PROJECT = 'PRJ'
    CHOICES = ((SIGNAL, 'Melding'), (REQUEST, 'Aanvraag'), (QUESTION, 'Vraag'), (COMPLAINT, 'Klacht'),
               (MAINTENANCE, 'Groot onderhoud'), (PROJECT, 'Projectverzoek'))
    name = models.CharField(max_length=3, choices=CHOICES, default=SIGNAL)

    class Meta(SignalRecord.Meta):
        verbose_name = 'type'
        verbose_name_plural = 'types'


class SignalUser(SignalRecord):
    """Assignment of a signal to a user (None: unassigned)."""
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='user_assignments')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name='+')

    class Meta(SignalRecord.Meta):
        verbose_name = 'toegewezen medewerker'
        verbose_name_plural = 'toegewezen medewerkers'


class Note(SignalRecord):
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='notes')
    text = models.CharField(max_length=3000)

    class Meta(SignalRecord.Meta):
        verbose_name = 'notitie'
        verbose_name_plural = 'notities'


class SignalDepartments(models.Model):
    """The departments directing or routed to a signal (the current set; changes are in History)."""
    REL_DIRECTING = 'directing'
    REL_ROUTING = 'routing'
    REL_CHOICES = ((REL_DIRECTING, 'Regie'), (REL_ROUTING, 'Routering'))

    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='signal_departments')
    relation_type = models.CharField(max_length=20, choices=REL_CHOICES)
    departments = models.ManyToManyField(Department, blank=True, related_name='+')
    created_by = models.EmailField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['_signal', 'relation_type'],
                                               name='signals_signaldepartments_unique')]
        verbose_name = 'afdelingen van melding'
        verbose_name_plural = 'afdelingen van meldingen'


def attachment_upload_to(instance, filename):
    # The name a user gave is never trusted as a path: only its final part, made safe, is kept.
    from django.utils.text import get_valid_filename
    import os
    base = get_valid_filename(os.path.basename(filename.replace('\\', '/'))) or 'bijlage'
    return f'attachments/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex[:12]}-{base[-100:]}'


class Attachment(models.Model):
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='attachments')
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    mimetype = models.CharField(max_length=100)
    is_image = models.BooleanField(default=False)
    public = models.BooleanField(default=False)
    caption = models.CharField(max_length=1000, null=True, blank=True)
    created_by = models.EmailField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('created_at', 'pk')
        verbose_name = 'bijlage'
        verbose_name_plural = 'bijlagen'


class History(AppendOnly):
    """One line per change of a signal, as the backoffice's history tab shows it."""
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='history')
    what = models.CharField(max_length=64)
    object_pk = models.BigIntegerField(null=True)
    action = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    who = models.CharField(max_length=255, null=True, blank=True)
    when = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('-when', '-pk')
        verbose_name = 'historie'
        verbose_name_plural = 'historie'
        indexes = [models.Index(fields=['_signal', '-when'])]

    @property
    def identifier(self):
        return f'{self.what}_{self.object_pk or self.pk}'


class Profile(models.Model):
    """A staff member's profile: the departments they belong to (which categories they may see)."""
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='profile')
    departments = models.ManyToManyField(Department, blank=True, related_name='profiles')
    note = models.TextField(null=True, blank=True)
    notification_on_user_assignment = models.BooleanField(default=False)
    notification_on_department_assignment = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = 'profiel'
        verbose_name_plural = 'profielen'


# -- Settings of the backoffice (/instellingen) -------------------------------------------------------


class StoredSignalFilter(models.Model):
    """A filter a staff member saved on the signals list ("Mijn filters")."""
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='signal_filters')
    name = models.CharField(max_length=255)
    options = models.JSONField(default=dict, blank=True)
    refresh = models.BooleanField(default=False)
    show_on_overview = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('-created_at', '-pk')
        verbose_name = 'opgeslagen filter'
        verbose_name_plural = 'opgeslagen filters'

    def __str__(self):
        return self.name


class CategoryNote(models.Model):
    """The internal note an admin keeps with a category (the backoffice's "Notitie" field)."""
    category = models.OneToOneField(Category, on_delete=models.CASCADE, related_name='settings_note')
    text = models.TextField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = 'notitie bij categorie'
        verbose_name_plural = 'notities bij categorieën'


class StatusMessageTemplate(models.Model):
    """A standard text staff can pick when they give a signal of this category this status."""
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name='status_message_templates')
    state = models.CharField(max_length=20, choices=workflow.STATUS_CHOICES)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=255)
    text = models.TextField(max_length=3000)
    is_active = models.BooleanField(default=True)
    created_by = models.EmailField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('category', 'state', 'order', 'pk')
        verbose_name = 'standaardtekst'
        verbose_name_plural = 'standaardteksten'
        permissions = [('sia_statusmessagetemplate_write', 'Wijzigen van standaardteksten')]
        indexes = [models.Index(fields=['category', 'state', 'order'])]

    def __str__(self):
        return self.title


class Question(models.Model):
    """An extra question of the citizen form, asked for the categories it is linked to."""
    FIELD_TYPE_CHOICES = (
        ('plain_text', 'Tekst (alleen tonen)'),
        ('text_input', 'Tekstveld'),
        ('multi_text_input', 'Meerdere tekstvelden'),
        ('textarea_input', 'Tekstvak'),
        ('checkbox_input', 'Aankruisvakjes'),
        ('radio_input', 'Keuzerondjes'),
        ('select_input', 'Keuzelijst'),
        ('asset_selector', 'Object op de kaart'),
        ('location_selector', 'Locatie op de kaart'),
    )
    key = models.SlugField(max_length=255, unique=True)
    field_type = models.CharField(max_length=32, choices=FIELD_TYPE_CHOICES)
    meta = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    categories = models.ManyToManyField(Category, through='CategoryQuestion', related_name='questions', blank=True)

    class Meta:
        ordering = ('key',)
        verbose_name = 'vraag'
        verbose_name_plural = 'vragen'

    def __str__(self):
        return self.key


class CategoryQuestion(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    question = models.ForeignKey(Question, on_delete=models.CASCADE)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ('order', 'pk')
        constraints = [models.UniqueConstraint(fields=['category', 'question'], name='signals_categoryquestion_unique')]
        verbose_name = 'vraag bij categorie'
        verbose_name_plural = 'vragen bij categorie'


class AreaType(models.Model):
    """A kind of area (e.g. `wijk`, `stadsdeel`) the signals list can filter on."""
    code = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default='')

    class Meta:
        ordering = ('name',)
        verbose_name = 'gebiedstype'
        verbose_name_plural = 'gebiedstypen'

    def __str__(self):
        return self.name


class Area(models.Model):
    area_type = models.ForeignKey(AreaType, on_delete=models.CASCADE, related_name='areas')
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=255)

    class Meta:
        ordering = ('name',)
        constraints = [models.UniqueConstraint(fields=['area_type', 'code'], name='signals_area_unique_code')]
        verbose_name = 'gebied'
        verbose_name_plural = 'gebieden'

    def __str__(self):
        return f'{self.name} ({self.area_type.code})'


class SettingsLog(AppendOnly):
    """The append-only history of settings objects (categories, departments, users, roles):
    one record per change with who, when and which fields changed to what."""
    KIND_CHOICES = (('category', 'categorie'), ('department', 'afdeling'), ('user', 'gebruiker'), ('role', 'rol'))
    ACTION_CHOICES = (('create', 'aangemaakt'), ('update', 'gewijzigd'), ('delete', 'verwijderd'))
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    object_pk = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=ACTION_CHOICES, default='update')
    data = models.JSONField(default=dict)
    who = models.CharField(max_length=255, null=True, blank=True)
    when = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ('-when', '-pk')
        verbose_name = 'wijziging van instelling'
        verbose_name_plural = 'wijzigingen van instellingen'
        indexes = [models.Index(fields=['kind', 'object_pk', '-when'])]

    def __str__(self):
        return f'{self.get_action_display()} {self.kind} {self.object_pk}'


class MailTemplate(models.Model):
    """The text of a mail to the reporter, editable by an admin (Django template language).

    Without a row for a key, the default text in templates/signals/mail/ is used. `key` is
    'signal_created', 'status_changed' (any status mail) or 'status_changed:<state>' (one state).
    """
    key = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=255)
    body = models.TextField(help_text='Platte tekst met Django-sjabloontaal, bijv. {{ signal_id }}, {{ text }}, '
                                      '{{ status_text }}, {{ handling_message }}.')
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('key',)
        verbose_name = 'e-mailsjabloon'
        verbose_name_plural = 'e-mailsjablonen'

    def __str__(self):
        return self.key


# -- Feedback from the reporter (KTO: klanttevredenheidsonderzoek) -----------------------------------



class StandardAnswerTopic(models.Model):
    """A heading the feedback form groups standard answers under."""
    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(max_length=1000)
    order = models.IntegerField(default=0)

    class Meta:
        ordering = ('order', 'name')
        verbose_name = 'onderwerp van standaardantwoorden'
        verbose_name_plural = 'onderwerpen van standaardantwoorden'

    def __str__(self):
        return self.name


class StandardAnswer(models.Model):
    """An answer the reporter can pick on the feedback form ("Waarom bent u (on)tevreden?")."""
    is_visible = models.BooleanField('zichtbaar', default=True)
    is_satisfied = models.BooleanField('bij tevreden', default=True)
    reopens_when_unhappy = models.BooleanField(
        'vraagt heropenen aan', default=False,
        help_text='Een ontevreden melder met dit antwoord zet de melding op "verzoek tot heropenen".')
    open_answer = models.BooleanField(
        'open antwoord', default=False,
        help_text='De melder typt zelf een antwoord (deze tekst is de voorzet); dat vraagt altijd heropenen aan.')
    text = models.TextField(max_length=1000, unique=True)
    order = models.IntegerField(default=0)
    topic = models.ForeignKey(StandardAnswerTopic, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ('order', '-pk')
        verbose_name = 'standaardantwoord'
        verbose_name_plural = 'standaardantwoorden'

    def __str__(self):
        return f'{"tevreden" if self.is_satisfied else "ontevreden"}: {self.text}'


class Feedback(models.Model):
    """A request for the reporter's feedback, made when the signal is closed with a mail to the reporter;
    filled out once through the link in that mail, within FEEDBACK_EXPECTED_WITHIN_N_DAYS days."""
    token = models.CharField(max_length=120, primary_key=True, default=_token, editable=False)
    _signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name='feedback')
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    submitted_at = models.DateTimeField(null=True, editable=False)
    is_satisfied = models.BooleanField(null=True)
    allows_contact = models.BooleanField(default=False)
    text = models.TextField(max_length=1000, null=True, blank=True)
    text_list = models.JSONField(null=True, blank=True)
    text_extra = models.TextField(max_length=1000, null=True, blank=True)

    class Meta:
        ordering = ('_signal', '-created_at')
        verbose_name = 'feedback van de melder'
        verbose_name_plural = 'feedback van melders'

    def __str__(self):
        return f'Feedback bij SIG-{self._signal_id}'
