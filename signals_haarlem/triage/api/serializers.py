from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework import serializers

from signals_haarlem import signalen

from .. import deadlines, services
from .. import rules as rule_kinds
from ..models import Area, Decision, Lane, Rule, SignalLane, SlaEvent, fallback_lane_code
from ..rules import category_path


class LaneSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field='code', allow_null=True, required=False,
                                              queryset=signalen.get_model('Department').objects.all())
    formula = serializers.CharField(source='formula_text', read_only=True)

    class Meta:
        model = Lane
        fields = ('code', 'name', 'order', 'department', 'description', 'staff_text', 'response_days', 'plan_days',
                  'resolution_days', 'resolution_basis', 'calendar_days', 'warn_days', 'extension_days',
                  'notification_email', 'is_active', 'formula', 'updated_at')
        read_only_fields = ('updated_at',)

    def validate_code(self, value):
        # A lane's code is how settings (the fallback lane), fixtures and links name it: fixed once made.
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError('De code van een bestaande baan kan niet veranderen.')
        return value

    def validate_is_active(self, value):
        # Every signal without a lane of its own falls back to this lane: it must stay.
        if self.instance is not None and not value and self.instance.code == fallback_lane_code():
            raise serializers.ValidationError('Dit is de terugvalbaan (HAARLEM_TRIAGE_FALLBACK_LANE): die blijft actief.')
        return value

    def validate(self, attrs):
        basis = attrs.get('resolution_basis', getattr(self.instance, 'resolution_basis', Lane.BASIS_CATEGORY))
        days = attrs.get('resolution_days', getattr(self.instance, 'resolution_days', None))
        if basis in (Lane.BASIS_LANE, Lane.BASIS_AGREED) and days is None:
            raise serializers.ValidationError({'resolution_days': ['Geef een afhandeltermijn voor deze baan.']})
        return attrs


class RuleSerializer(serializers.ModelSerializer):
    lane = serializers.SlugRelatedField(slug_field='code', queryset=Lane.objects.all())
    kind = serializers.CharField(max_length=32)
    params = serializers.JSONField(required=False)
    kind_label = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)

    class Meta:
        model = Rule
        fields = ('id', 'name', 'description', 'kind', 'kind_label', 'params', 'summary', 'lane', 'order', 'is_active',
                  'created_at', 'updated_at', 'updated_by')
        read_only_fields = ('created_at', 'updated_at', 'updated_by')

    def validate_kind(self, value):
        if rule_kinds.get_kind(value) is None:
            raise serializers.ValidationError(
                f'Onbekende soort regel. Kies uit: {", ".join(code for code, _ in rule_kinds.kind_choices())}.')
        return value

    def validate(self, attrs):
        kind = rule_kinds.get_kind(attrs.get('kind', getattr(self.instance, 'kind', None)))
        params = attrs.get('params', getattr(self.instance, 'params', None) or {})
        try:
            attrs['params'] = kind.validate(params)
        except rule_kinds.ParamsError as exc:
            raise serializers.ValidationError({'params': exc.errors}) from None
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data['kind_label'] = instance.kind_label()
        data['summary'] = instance.summary()
        return data


class DryRunRuleSerializer(RuleSerializer):
    """A rule as proposed (maybe unsaved) for a dry-run; `id` names the saved rule it stands for."""
    id = serializers.IntegerField(required=False, allow_null=True)

    class Meta(RuleSerializer.Meta):
        fields = ('id', 'name', 'kind', 'params', 'lane', 'order', 'is_active')

    def to_rule(self, data):
        return Rule(pk=data.get('id'), name=data['name'], kind=data['kind'], params=data['params'],
                    lane=data['lane'], order=data.get('order', 100), is_active=data.get('is_active', True))


class DryRunSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=5000, default=500)
    only_open = serializers.BooleanField(default=False)
    rules = DryRunRuleSerializer(many=True, required=False,
                                 help_text='De voorgestelde regelset (alle regels, in volgorde). Leeg: de opgeslagen '
                                           'actieve regels.')

    def proposed_rules(self):
        items = self.validated_data.get('rules')
        if items is None:
            return None
        child = self.fields['rules'].child
        rules = [child.to_rule(item) for item in items if item.get('is_active', True)]
        return sorted(rules, key=lambda r: r.order)


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ('code', 'name', 'geometry', 'updated_at')
        read_only_fields = ('updated_at',)

    def validate_geometry(self, value):
        from ..geo import GeometryError, Shape
        try:
            Shape(value)
        except GeometryError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value


class CategoryLaneSerializer(serializers.Serializer):
    """A category with its own default lane (if any) and the lane that applies."""
    id = serializers.IntegerField(read_only=True)
    slug = serializers.SerializerMethodField()
    name = serializers.CharField(read_only=True)
    is_main = serializers.SerializerMethodField()
    lane = serializers.SerializerMethodField()
    effective_lane = serializers.SerializerMethodField()
    effective_basis = serializers.SerializerMethodField()

    def _lanes(self, obj):
        mapping, lanes, fallback = self.context['mapping'], self.context['lanes'], self.context['fallback']
        own = lanes.get(mapping.get(obj.pk))
        if own is not None:
            return own, own, 'categorie'
        parent = lanes.get(mapping.get(obj.parent_id)) if obj.parent_id else None
        if parent is not None:
            return None, parent, 'hoofdcategorie'
        return None, fallback, 'terugvalbaan'

    def get_slug(self, obj) -> str:
        return category_path(obj)

    def get_is_main(self, obj) -> bool:
        return obj.parent_id is None

    def get_lane(self, obj) -> str | None:
        own = self._lanes(obj)[0]
        return own.code if own else None

    def get_effective_lane(self, obj) -> str | None:
        lane = self._lanes(obj)[1]
        return lane.code if lane else None

    def get_effective_basis(self, obj) -> str:
        return self._lanes(obj)[2]


class CategoryLaneWriteSerializer(serializers.Serializer):
    lane = serializers.SlugRelatedField(slug_field='code', queryset=Lane.objects.filter(is_active=True))


def _label(choices, value):
    return dict(choices).get(value, value)


class DecisionSerializer(serializers.ModelSerializer):
    lane = serializers.SlugRelatedField(slug_field='code', read_only=True)
    lane_name = serializers.CharField(source='lane.name', read_only=True)
    basis_display = serializers.CharField(source='get_basis_display', read_only=True)
    trigger_display = serializers.CharField(source='get_trigger_display', read_only=True)
    rule = serializers.SerializerMethodField()
    decided_by = serializers.CharField(read_only=True)
    response_last_day = serializers.DateField(read_only=True, help_text='Laatste dag waarop de reactie op tijd is.')
    plan_last_day = serializers.DateField(read_only=True)
    resolution_last_day = serializers.DateField(read_only=True)

    class Meta:
        model = Decision
        fields = ('id', 'lane', 'lane_name', 'basis', 'basis_display', 'rule', 'reason', 'trigger', 'trigger_display',
                  'is_manual', 'decided_by', 'created_at', 'clock_start', 'response_due', 'response_last_day',
                  'plan_due', 'plan_last_day', 'resolution_due', 'resolution_last_day', 'resolution_agreed')

    def get_rule(self, obj) -> dict | None:
        if obj.rule_snapshot:
            return {'id': obj.rule_snapshot.get('id'), 'name': obj.rule_snapshot.get('name'),
                    'kind': obj.rule_snapshot.get('kind'), 'params': obj.rule_snapshot.get('params')}
        return None


class SlaEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source='get_kind_display', read_only=True)

    class Meta:
        model = SlaEvent
        fields = ('kind', 'kind_display', 'due', 'expected_at', 'created_at', 'decision')


def _signal_links(request, signal_id):
    links = {}
    for name, view in (('self', 'triage_api:signal'), ('werkplek', 'triage_pages:signal')):
        try:
            url = reverse(view, args=[signal_id])
        except NoReverseMatch:
            continue
        links[name] = {'href': request.build_absolute_uri(url) if request else url}
    return links


class QueueItemSerializer(serializers.ModelSerializer):
    """A signal in a lane's queue (from SignalLane, with everything joined in one query)."""
    signal = serializers.SerializerMethodField()
    lane = serializers.SlugRelatedField(slug_field='code', read_only=True)
    area = serializers.SlugRelatedField(slug_field='code', read_only=True, allow_null=True)
    reason = serializers.CharField(source='decision.reason', read_only=True)
    rule = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    workdays_late = serializers.SerializerMethodField()
    due_last_day = serializers.SerializerMethodField()
    due_kind_display = serializers.CharField(source='get_due_kind_display', read_only=True)
    _links = serializers.SerializerMethodField()

    class Meta:
        model = SignalLane
        fields = ('_links', 'signal', 'lane', 'is_manual', 'due_at', 'due_last_day', 'due_kind', 'due_kind_display',
                  'overdue', 'workdays_late', 'reason', 'rule', 'area', 'responded_at', 'expected_at')

    def _now(self):
        return self.context.setdefault('now', timezone.now())

    def get_signal(self, obj) -> dict:
        signal = obj.signal
        category = services.queue_category(obj)
        return {'id': signal.pk, 'id_display': signalen.id_display(signal), 'created_at': signal.created_at,
                'state': obj.state, 'state_display': _label(signalen.workflow.STATUS_CHOICES, obj.state),
                'category': {'slug': category.path, 'name': category.name} if category else None,
                'address': signalen.address_text(signal)}

    def get_rule(self, obj) -> dict | None:
        return obj.decision.rule_snapshot.get('name') if obj.decision.rule_snapshot else None

    def get_overdue(self, obj) -> bool:
        return obj.due_at is not None and obj.due_at <= self._now()

    def get_due_last_day(self, obj) -> str | None:
        day = deadlines.last_day(obj.due_at)
        return day.isoformat() if day else None

    def get_workdays_late(self, obj) -> int:
        return deadlines.working_days_late(obj.due_at, self._now())

    def get__links(self, obj) -> dict:
        return _signal_links(self.context.get('request'), obj.signal_id)


class SignalTriageSerializer(serializers.Serializer):
    """A signal's triage: the current lane and figures, the decisions (newest first) and SLA events."""

    def to_representation(self, instance):
        state, decisions, events = instance['state'], instance['decisions'], instance['events']
        now = timezone.now()
        current = None
        if state is not None:
            current = {
                'lane': state.lane.code, 'lane_name': state.lane.name, 'is_manual': state.is_manual,
                'is_open': state.is_open, 'state': state.state, 'due_at': state.due_at, 'due_kind': state.due_kind,
                'overdue': state.due_at is not None and state.due_at <= now,
                'workdays_late': deadlines.working_days_late(state.due_at, now),
                'responded_at': state.responded_at, 'planned_at': state.planned_at, 'resolved_at': state.resolved_at,
                'expected_at': state.expected_at, 'area': state.area.code if state.area_id else None,
            }
        return {
            '_links': _signal_links(self.context.get('request'), instance['signal_id']),
            'signal': {'id': instance['signal_id'], 'id_display': signalen.id_display(instance['signal_id'])},
            'current': current,
            'decisions': DecisionSerializer(decisions, many=True).data,
            'sla_events': SlaEventSerializer(events, many=True).data,
        }


class RetriageSerializer(serializers.Serializer):
    lane = serializers.SlugRelatedField(slug_field='code', queryset=Lane.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=1000, allow_blank=False, trim_whitespace=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=False, trim_whitespace=True)


class AgreedDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=1000, allow_blank=False, trim_whitespace=True)

    def validate_date(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError('Kies een datum vanaf vandaag.')
        return value


class QueueFilterSerializer(serializers.Serializer):
    overdue = serializers.BooleanField(required=False, default=False)
    due_within = serializers.IntegerField(required=False, min_value=0, max_value=365, allow_null=True, default=None)
    category = serializers.CharField(required=False, allow_blank=True)
    area = serializers.SlugRelatedField(slug_field='code', queryset=Area.objects.all(), required=False,
                                        allow_null=True, default=None)
    manual = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_category(self, value):
        if not value:
            return None
        category = signalen.find_category(value)
        if category is None:
            raise serializers.ValidationError('Onbekende categorie.')
        return category

    def filters(self):
        from ..services import QueueFilters
        data = self.validated_data
        return QueueFilters(overdue=data.get('overdue', False), due_within=data.get('due_within'),
                            category=data.get('category'), area=data.get('area'), manual=data.get('manual'))
