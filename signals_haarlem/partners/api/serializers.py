from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from signals_haarlem import signalen

from .. import periods
from ..models import (FigureReport, Forward, Partner, PartnerContact, PartnerToken, Review, ReviewAction,
                      ReviewActionEvent)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerContact
        fields = ('id', 'name', 'email', 'phone', 'role', 'is_active')


class PartnerSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field='code',
                                              queryset=signalen.get_model('Department').objects.all())
    categories = serializers.SlugRelatedField(slug_field='slug', many=True, required=False,
                                              queryset=signalen.get_model('Category').objects.filter(
                                                  parent__isnull=True))
    contacts = ContactSerializer(many=True, required=False)
    account_holder = serializers.SlugRelatedField(slug_field='email', required=False, allow_null=True,
                                                  queryset=get_user_model().objects.filter(is_active=True))

    class Meta:
        model = Partner
        fields = ('id', 'name', 'code', 'department', 'description', 'domains', 'categories', 'email',
                  'response_days', 'resolution_days', 'review_cadence', 'account_holder', 'is_active', 'contacts',
                  'created_at', 'updated_at')
        read_only_fields = ('created_at', 'updated_at')

    def validate_domains(self, value):
        if not isinstance(value, list) or not all(isinstance(d, str) and d.strip() for d in value):
            raise serializers.ValidationError('Geef een lijst van werkvelden (tekst).')
        return [d.strip() for d in value]

    def validate(self, attrs):
        response = attrs.get('response_days', getattr(self.instance, 'response_days', None))
        resolution = attrs.get('resolution_days', getattr(self.instance, 'resolution_days', None))
        if response and resolution and resolution < response:
            raise serializers.ValidationError({'resolution_days': ['De oplosnorm kan niet korter zijn dan de '
                                                                   'reactienorm.']})
        department = attrs.get('department')
        if department is not None:
            other = Partner.objects.filter(department=department).exclude(pk=getattr(self.instance, 'pk', None))
            if other.exists():
                raise serializers.ValidationError({'department': ['Deze afdeling hoort al bij een andere partner.']})
        return attrs

    def _save_contacts(self, partner, contacts):
        if contacts is None:
            return
        partner.contacts.all().delete()
        PartnerContact.objects.bulk_create([PartnerContact(partner=partner, **c) for c in contacts])

    @transaction.atomic
    def create(self, validated_data):
        contacts = validated_data.pop('contacts', None)
        categories = validated_data.pop('categories', [])
        partner = Partner.objects.create(**validated_data)
        partner.categories.set(categories)
        self._save_contacts(partner, contacts)
        return partner

    @transaction.atomic
    def update(self, instance, validated_data):
        contacts = validated_data.pop('contacts', None)
        categories = validated_data.pop('categories', None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        instance.save()
        if categories is not None:
            instance.categories.set(categories)
        self._save_contacts(instance, contacts)
        return instance


class TokenSerializer(serializers.ModelSerializer):
    #: The longest a token may be issued for (a partner's system gets a new one in time).
    MAX_LIFETIME = timedelta(days=5 * 366)

    class Meta:
        model = PartnerToken
        fields = ('id', 'name', 'key_id', 'created_at', 'created_by', 'expires_at', 'revoked_at', 'last_used_at')
        read_only_fields = ('key_id', 'created_at', 'created_by', 'revoked_at', 'last_used_at')

    def validate_expires_at(self, value):
        if value is None:
            return None
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError('Kies een moment in de toekomst.')
        if value > now + self.MAX_LIFETIME:
            raise serializers.ValidationError('Een token is hoogstens vijf jaar geldig; kies een eerder moment.')
        return value


def _complaints():
    from django.apps import apps
    try:
        return apps.get_model('haarlem_complaints', 'Complaint').objects.all()
    except LookupError:
        return Forward.objects.none()


class WithdrawSerializer(serializers.Serializer):
    """The body of a withdrawal: an object with an optional reason."""
    reason = serializers.CharField(required=False, allow_blank=True, default='', max_length=1000)


class ForwardSerializer(serializers.ModelSerializer):
    """Staff view of a forward (no reporter details either: staff see those in Signalen)."""
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())
    signal = serializers.PrimaryKeyRelatedField(queryset=signalen.get_model('Signal').objects.all(), required=False,
                                                allow_null=True)
    complaint = serializers.PrimaryKeyRelatedField(queryset=_complaints(), required=False, allow_null=True)
    signal_display = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = Forward
        fields = ('id', 'uuid', 'partner', 'signal', 'complaint', 'signal_display', 'instruction', 'status', 'via',
                  'forwarded_at', 'forwarded_by', 'response_due', 'resolution_due', 'link_expires_at',
                  'answered_at', 'closed_at', 'reminders_sent', 'answer', 'events')
        read_only_fields = ('uuid', 'status', 'via', 'forwarded_at', 'forwarded_by', 'response_due',
                            'resolution_due', 'link_expires_at', 'answered_at', 'closed_at', 'reminders_sent')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get('request')
        if request is not None:  # a signal the user may not see in Signalen is as unknown as a missing one
            self.fields['signal'].queryset = signalen.visible_signals(request.user)

    def get_signal_display(self, obj) -> str:
        return obj.subject_display

    def validate(self, attrs):
        if bool(attrs.get('signal')) == bool(attrs.get('complaint')):
            raise serializers.ValidationError({'signal': ['Geef een melding of een klacht op (één van beide).']})
        return attrs

    def get_answer(self, obj) -> dict | None:
        answer = getattr(obj, 'answer', None) if obj.status == Forward.ANSWERED else None
        if answer is None:
            return None
        return {'text': answer.text, 'resolved': answer.resolved, 'answered_at': answer.answered_at,
                'answered_by': answer.answered_by, 'via': answer.via, 'workdays_taken': answer.workdays_taken,
                'response_on_time': answer.response_on_time, 'resolution_on_time': answer.resolution_on_time,
                'photos': [{'mimetype': p.mimetype, 'size': p.size} for p in answer.photos.all()]}

    def get_events(self, obj) -> list[dict]:
        return [{'kind': e.kind, 'at': e.at, 'who': e.who, 'detail': e.detail, 'workdays_elapsed': e.workdays_elapsed,
                 'norm_days': e.norm_days, 'on_time': e.on_time} for e in obj.events.all()]


class PartnerJobSerializer(serializers.Serializer):
    """The partner's view of a job: built from services.job_for_partner only."""
    id = serializers.CharField()
    kind = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    category = serializers.CharField()
    main_category = serializers.CharField()
    text = serializers.CharField()
    text_extra = serializers.CharField()
    instruction = serializers.CharField()
    address = serializers.CharField()
    coordinates = serializers.DictField(allow_null=True)
    incident_date = serializers.DateTimeField(allow_null=True)
    forwarded_at = serializers.DateTimeField()
    response_due = serializers.DateTimeField()
    resolution_due = serializers.DateTimeField()
    link_expires_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True)
    resolved = serializers.BooleanField(default=True)
    answered_by = serializers.CharField(max_length=254, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class FigureReportSerializer(serializers.ModelSerializer):
    partner = serializers.SlugRelatedField(slug_field='code', read_only=True)
    period = serializers.SerializerMethodField()

    class Meta:
        model = FigureReport
        fields = ('id', 'partner', 'period', 'received', 'handled', 'handled_on_time', 'founded', 'partly_founded',
                  'unfounded', 'no_judgement', 'resolved_informally', 'themes', 'remarks', 'delivered_at',
                  'delivered_by', 'via')

    def get_period(self, obj) -> str:
        return obj.period.code


class ActionSerializer(serializers.ModelSerializer):
    partner = serializers.SlugRelatedField(slug_field='code', read_only=True)
    late = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = ReviewAction
        fields = ('id', 'review', 'partner', 'description', 'owner', 'owner_side', 'owner_email', 'due_date',
                  'status', 'late', 'created_at', 'created_by', 'done_at', 'chase_count', 'events')
        read_only_fields = ('status', 'created_at', 'created_by', 'done_at', 'chase_count')

    def get_late(self, obj) -> bool:
        return obj.is_late()

    def get_events(self, obj) -> list[dict]:
        events = obj.events.all() if isinstance(obj, ReviewAction) else ReviewActionEvent.objects.none()
        return [{'from': e.from_status, 'to': e.to_status, 'at': e.at, 'who': e.who, 'note': e.note} for e in events]


class ReviewSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())
    period = serializers.CharField(write_only=True)
    period_code = serializers.SerializerMethodField()
    period_label = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ('id', 'partner', 'period', 'period_code', 'period_label', 'planned_date', 'status', 'dossier',
                  'dossier_generated_at', 'meeting_record', 'attendees', 'held_on', 'created_at')
        read_only_fields = ('status', 'dossier', 'dossier_generated_at', 'meeting_record', 'attendees', 'held_on',
                            'created_at')

    def get_period_code(self, obj) -> str:
        return obj.period.code

    def get_period_label(self, obj) -> str:
        return obj.period.label

    def validate(self, attrs):
        try:
            attrs['period'] = periods.parse(attrs['period'], months=attrs['partner'].review_cadence)
        except periods.PeriodError as exc:
            raise serializers.ValidationError({'period': [str(exc)]})
        if Review.objects.filter(partner=attrs['partner'], period_start=attrs['period'].start,
                                 period_months=attrs['period'].months).exists():
            raise serializers.ValidationError({'period': ['Voor deze partner en periode is al een overleg gepland.']})
        return attrs


class RecordSerializer(serializers.Serializer):
    meeting_record = serializers.CharField(allow_blank=True)
    attendees = serializers.CharField(required=False, allow_blank=True, default='')
    held_on = serializers.DateField()


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReviewAction.STATUS_CHOICES)
    note = serializers.CharField(required=False, allow_blank=True, default='', max_length=2000)
