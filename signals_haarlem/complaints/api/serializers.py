from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import serializers

from signals_haarlem import signalen
from signals_haarlem.api import BlankChoices

from .. import services, workflow
from .schema import OpenApiTypes, extend_schema_field
from ..models import (Cause, Complaint, ComplaintEvent, ImprovementMeasure, Letter, Norm, OmbudsmanCase,
                      TermChange)


#: A SerializerMethodField's schema for an object that may be absent (null).
NULLABLE_OBJECT = {'type': 'object', 'nullable': True}


def _user(user):
    if user is None:
        return None
    return {'id': user.pk, 'name': services.who(user), 'email': user.email}


class NormSerializer(serializers.ModelSerializer):
    group_name = serializers.CharField(source='get_group_display', read_only=True)

    class Meta:
        model = Norm
        fields = ('number', 'group', 'group_name', 'name', 'description')


class CauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cause
        fields = ('code', 'name', 'description')


class DepartmentField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field='code', queryset=signalen.get_model('Department').objects.all(), **kwargs)


class StaffField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=get_user_model().objects.filter(is_active=True), **kwargs)


class IntakeSerializer(serializers.ModelSerializer):
    """What is registered at intake (any channel)."""
    employee = StaffField(required=False, allow_null=True)
    department_concerned = DepartmentField(required=False, allow_null=True)
    received_on = serializers.DateField(required=False)
    acknowledge = serializers.BooleanField(required=False, default=False, write_only=True,
                                           help_text='Direct een ontvangstbevestiging (Awb 9:6) maken.')

    class Meta:
        model = Complaint
        fields = tuple(services.INTAKE_FIELDS) + ('acknowledge',)
        extra_kwargs = {'classification': {'required': False}}

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({f: ['Onbekend veld.'] for f in sorted(unknown)})
        return attrs


class UpdateSerializer(serializers.ModelSerializer):
    employee = StaffField(required=False, allow_null=True)
    department_concerned = DepartmentField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, write_only=True)

    class Meta:
        model = Complaint
        fields = tuple(services.EDITABLE_FIELDS) + ('reason',)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({f: ['Dit veld kan hier niet gewijzigd worden.'] for f in sorted(unknown)})
        return attrs


class ComplaintListSerializer(BlankChoices, serializers.ModelSerializer):
    state_label = serializers.CharField(read_only=True)
    handler = serializers.SerializerMethodField()
    department_concerned = serializers.SlugRelatedField(slug_field='code', read_only=True, allow_null=True)
    complainant = serializers.CharField(source='complainant_display', read_only=True)
    _links = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = ('id', 'reference', 'received_on', 'channel', 'form', 'is_formal', 'subject', 'complainant', 'state',
                  'state_label', 'handler', 'department_concerned', 'term_last_day', 'outcome', 'decided_on', '_links')

    @extend_schema_field(NULLABLE_OBJECT)
    def get_handler(self, obj):
        return _user(obj.handler)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get__links(self, obj):
        request = self.context.get('request')
        url = reverse('complaints_api:complaint-detail', args=[obj.pk])
        return {'self': {'href': request.build_absolute_uri(url) if request else url}}


class LetterSerializer(BlankChoices, serializers.ModelSerializer):
    kind_label = serializers.CharField(source='get_kind_display', read_only=True)
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = ('id', 'kind', 'kind_label', 'recipient_role', 'recipient_name', 'recipient_email', 'subject',
                  'created_at', 'mailed_at', 'mail_error', 'pdf')

    @extend_schema_field(OpenApiTypes.STR)
    def get_pdf(self, obj):
        return reverse('complaints_api:letter-pdf', args=[obj.pk])


class EventSerializer(BlankChoices, serializers.ModelSerializer):
    summary = serializers.CharField(read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ('id', 'kind', 'summary', 'from_state', 'to_state', 'reason', 'data', 'created_by_name', 'created_at')


class MeasureSerializer(BlankChoices, serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    complaint = serializers.SlugRelatedField(slug_field='reference', read_only=True, allow_null=True)
    is_late = serializers.BooleanField(read_only=True)
    status_label = serializers.CharField(source='get_status_display', read_only=True)

    class Meta:
        model = ImprovementMeasure
        fields = ('id', 'complaint', 'description', 'owner', 'due_date', 'status', 'status_label', 'done_on',
                  'is_late', 'created_at')

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_owner(self, obj):
        return {'id': obj.owner_id, 'name': obj.owner_display}


class TermChangeSerializer(BlankChoices, serializers.ModelSerializer):
    class Meta:
        model = TermChange
        fields = ('kind', 'previous_last_day', 'new_last_day', 'weeks', 'consent_received_on', 'consent_how', 'reason',
                  'created_at')


class OmbudsmanSerializer(BlankChoices, serializers.ModelSerializer):
    class Meta:
        model = OmbudsmanCase
        fields = ('id', 'ombudsman', 'reference', 'received_on', 'status', 'outcome', 'closed_on')


class ComplaintSerializer(ComplaintListSerializer):
    # (optional addresses read as "" when unset: plain strings in the schema, not format email)
    complainant_email = serializers.CharField(read_only=True)
    representative_email = serializers.CharField(read_only=True)
    employee = serializers.SerializerMethodField()
    person_complained_about = serializers.CharField(read_only=True)
    signal = serializers.SerializerMethodField()
    norms = serializers.SlugRelatedField(slug_field='number', many=True, read_only=True)
    cause = serializers.SlugRelatedField(slug_field='code', read_only=True, allow_null=True)
    allowed_transitions = serializers.SerializerMethodField()
    not_handled_letter_due = serializers.SerializerMethodField()
    is_on_time = serializers.BooleanField(read_only=True, allow_null=True)
    letters = LetterSerializer(many=True, read_only=True)
    term_changes = TermChangeSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    ombudsman_cases = OmbudsmanSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ComplaintListSerializer.Meta.fields + tuple(
            f.name for f in Complaint._meta.concrete_fields
            if f.name not in ComplaintListSerializer.Meta.fields + ('uuid', 'created_by', 'signal', 'employee', 'cause',
                                                                     'handler', 'department_concerned')) + (
            'employee', 'person_complained_about', 'signal', 'norms', 'cause', 'allowed_transitions',
            'not_handled_letter_due', 'is_on_time', 'letters', 'term_changes', 'measures', 'ombudsman_cases')
        read_only_fields = fields

    @extend_schema_field(NULLABLE_OBJECT)
    def get_employee(self, obj):
        return _user(obj.employee)

    @extend_schema_field(NULLABLE_OBJECT)
    def get_signal(self, obj):
        if not obj.signal_id:
            return None
        return {'id': obj.signal_id, 'id_display': signalen.id_display(obj.signal_id), 'type': signalen.type_code(obj.signal),
                'backoffice_url': signal_url(obj.signal_id)}

    @extend_schema_field({'type': 'array', 'items': {'type': 'object'}})
    def get_allowed_transitions(self, obj):
        return [{'state': s, 'label': workflow.label(s), 'required': list(workflow.REQUIRED.get(s, ())),
                 'blocked': workflow.guard_errors(obj, s)} for s in workflow.allowed(obj.state)]

    @extend_schema_field({'type': 'string', 'format': 'date', 'nullable': True})
    def get_not_handled_letter_due(self, obj):
        return services.not_handled_letter_due(obj) if obj.is_formal else None


def signal_url(signal_id):
    from django.conf import settings
    base = getattr(settings, 'HAARLEM', {}).get('FRONTEND_URL', '').rstrip('/')
    return f'{base}/manage/incident/{signal_id}'


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=workflow.STATE_CHOICES)
    reason = serializers.CharField(required=False, allow_blank=True, default='')
    data = serializers.DictField(required=False, default=dict)


class AssignSerializer(serializers.Serializer):
    handler = StaffField(allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default='')


class CopySerializer(serializers.Serializer):
    sent_on = serializers.DateField(required=False)
    how = serializers.CharField(required=False, allow_blank=True, default='')
    send_letter = serializers.BooleanField(required=False, default=True)


class ExtendSerializer(serializers.Serializer):
    weeks = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)


class PostponeSerializer(serializers.Serializer):
    until = serializers.DateField()
    consent_received_on = serializers.DateField()
    consent_how = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class CommitteeSerializer(serializers.Serializer):
    advice_committee = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class LearningSerializer(serializers.Serializer):
    norms = serializers.ListField(child=serializers.IntegerField(), required=False)
    cause = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    cause_note = serializers.CharField(required=False, allow_blank=True)


class NewMeasureSerializer(serializers.Serializer):
    description = serializers.CharField()
    due_date = serializers.DateField()
    owner = StaffField(required=False, allow_null=True)
    owner_name = serializers.CharField(required=False, allow_blank=True, default='')
    department = DepartmentField(required=False, allow_null=True)


class MeasureStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ImprovementMeasure.STATUSES)
    note = serializers.CharField(required=False, allow_blank=True, default='')
    done_on = serializers.DateField(required=False)


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField()


class NewOmbudsmanSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default='')
    ombudsman = serializers.CharField(required=False, default='Nationale ombudsman')


class OmbudsmanUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OmbudsmanCase.STATUSES)
    outcome = serializers.CharField(required=False, allow_blank=True, default='')
    closed_on = serializers.DateField(required=False, allow_null=True)
