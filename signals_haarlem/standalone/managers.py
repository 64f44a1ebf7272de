"""`Signal.actions`: the one place where signals are created and changed, and the hooks it sends.

Every action runs in one transaction, locks the signal row (`select_for_update(nowait=True)`: a
concurrent change fails at once with ConcurrentUpdate instead of waiting), writes a new record for
what changed plus a History line, and sends the hook of the same name after commit with
`send_robust` (a failing receiver is logged and cannot undo or block the change). The methods take
the same data dicts as upstream Signalen's manager, so the boundary's functions stay thin.
"""
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.dispatch import Signal as DjangoSignal

from signals_haarlem import workdays

from . import workflow

logger = logging.getLogger(__name__)

# The hooks, as upstream's `signals.apps.signals.managers`. All carry `signal_obj`.
create_initial = DjangoSignal()
create_child = DjangoSignal()  # declared for compatibility; never sent (as upstream)
add_attachment = DjangoSignal()  # attachment
update_location = DjangoSignal()  # location, prev_location
update_status = DjangoSignal()  # status, prev_status
update_category_assignment = DjangoSignal()  # category_assignment, prev_category_assignment
update_reporter = DjangoSignal()  # reporter, prev_reporter
update_priority = DjangoSignal()  # priority, prev_priority
create_note = DjangoSignal()  # note
update_type = DjangoSignal()  # type, prev_type
update_user_assignment = DjangoSignal()  # user_assignment, prev_user_assignment
update_signal_departments = DjangoSignal()  # signal_departments (+ prev_signal_departments on routing)

SYSTEM = None  # `who` of changes made by the system; shown as "Signalen systeem"


class ConcurrentUpdate(Exception):
    """Another change to the same signal is in progress; try again."""


def _send(hook, **kwargs):
    """Send `hook` after the current transaction commits; log receivers that fail."""
    from .managers import SignalManager

    def send():
        for receiver, result in hook.send_robust(sender=SignalManager, **kwargs):
            if isinstance(result, Exception):
                logger.error('Receiver %r of a Signalen hook failed for signal %s: %r',
                             receiver, getattr(kwargs.get('signal_obj'), 'pk', None), result,
                             exc_info=(type(result), result, result.__traceback__))
    transaction.on_commit(send)


def _raise(errors):
    if errors:
        raise ValidationError(errors)


class SignalManager(models.Manager):

    # -- helpers ---------------------------------------------------------------------------------

    def _model(self, name):
        return self.model._meta.apps.get_model('signals', name)

    def _lock(self, signal):
        try:
            return self.model.objects.select_for_update(nowait=True).get(pk=signal.pk)
        except DatabaseError as exc:
            raise ConcurrentUpdate(f'Signal {signal.pk} is being changed by someone else.') from exc

    def _history(self, signal, what, obj, action, description=None, who=SYSTEM):
        self._model('History').objects.create(_signal=signal, what=what, object_pk=getattr(obj, 'pk', None),
                                              action=action, description=description, who=who)

    def _refresh_instance(self, signal, locked):
        """Copy the locked row's state onto the caller's instance so it sees the change."""
        for field in locked._meta.concrete_fields:
            setattr(signal, field.attname, getattr(locked, field.attname))
        signal._state.fields_cache = dict(locked._state.fields_cache)

    # -- record builders (no locking, no hooks; the public actions wrap them) ------------------

    def _location(self, data, signal):
        data = dict(data)
        geometrie = data.pop('geometrie', None)
        lon, lat = _point(geometrie)
        allowed = {f.name for f in self._model('Location')._meta.concrete_fields} - {'id', '_signal', 'lon', 'lat'}
        extra = {k: v for k, v in data.items() if k in allowed}
        location = self._model('Location').objects.create(
            _signal=signal, geometrie={'type': 'Point', 'coordinates': [lon, lat]}, lon=lon, lat=lat, **extra)
        if location.address_text:
            description = location.address_text
        else:
            description = f'Locatie is gepind op de kaart\n{lon}, {lat}'
        self._history(signal, 'UPDATE_LOCATION', location, 'Locatie gewijzigd naar:', description,
                      who=location.created_by)
        return location

    def _status(self, data, signal, prev_state):
        state = data.get('state')
        _raise(workflow.transition_errors(prev_state, state, data.get('text')))
        status = self._model('Status').objects.create(
            _signal=signal, state=state, text=data.get('text') or None, user=data.get('user') or None,
            target_api=data.get('target_api') or None, extra_properties=data.get('extra_properties'),
            send_email=bool(data.get('send_email', False)), email_override=data.get('email_override') or None,
            created_by=data.get('user') or None)
        self._history(signal, 'UPDATE_STATUS', status, f'Status gewijzigd naar: {workflow.label(state)}',
                      status.text, who=status.user)
        return status

    def _category_assignment(self, data, signal):
        category = data['category']
        if category.parent_id is None:
            raise ValidationError({'sub_category': ['Kies een subcategorie, geen hoofdcategorie.']})
        if not category.is_active:
            raise ValidationError({'sub_category': ['Deze categorie is niet actief.']})
        slo = category.current_slo()
        deadline = deadline_factor_3 = None
        if slo is not None:
            start = signal.created_at
            deadline = workdays.deadline(start, slo.n_days, slo.use_calendar_days)
            deadline_factor_3 = workdays.deadline(start, 3 * slo.n_days, slo.use_calendar_days)
        assignment = self._model('CategoryAssignment').objects.create(
            _signal=signal, category=category, text=data.get('text') or None,
            created_by=data.get('created_by') or None, deadline=deadline, deadline_factor_3=deadline_factor_3,
            stored_handling_message=category.handling_message)
        self._history(signal, 'UPDATE_CATEGORY_ASSIGNMENT', assignment,
                      f'Categorie gewijzigd naar: {category.name}', assignment.text, who=assignment.created_by)
        return assignment

    def _reporter(self, data, signal):
        reporter = self._model('Reporter').objects.create(
            _signal=signal, email=data.get('email') or '', phone=data.get('phone') or '',
            sharing_allowed=bool(data.get('sharing_allowed', False)),
            allows_contact=bool(data.get('allows_contact', True)), created_by=data.get('created_by') or None)
        return reporter

    def _priority(self, data, signal):
        value = data.get('priority')
        Priority = self._model('Priority')
        if value not in dict(Priority.PRIORITY_CHOICES):
            raise ValidationError({'priority': [f'"{value}" is not a valid choice.']})
        priority = Priority.objects.create(_signal=signal, priority=value, created_by=data.get('created_by') or None)
        self._history(signal, 'UPDATE_PRIORITY', priority,
                      f'Urgentie gewijzigd naar: {priority.get_priority_display()}', who=priority.created_by)
        return priority

    def _type(self, data, signal):
        name = data.get('name') or data.get('code')
        Type = self._model('Type')
        if name not in dict(Type.CHOICES):
            raise ValidationError({'code': [f'"{name}" is not a valid choice.']})
        type_ = Type.objects.create(_signal=signal, name=name, created_by=data.get('created_by') or None)
        self._history(signal, 'UPDATE_TYPE_ASSIGNMENT', type_, f'Type gewijzigd naar: {type_.get_name_display()}',
                      who=type_.created_by)
        return type_

    def _note(self, data, signal):
        text = (data.get('text') or '').strip()
        if not text:
            raise ValidationError({'text': ['Dit veld is vereist.']})
        note = self._model('Note').objects.create(_signal=signal, text=text, created_by=data.get('created_by') or None)
        self._history(signal, 'CREATE_NOTE', note, 'Notitie toegevoegd:', text, who=note.created_by)
        return note

    def _user_assignment(self, data, signal):
        user = data.get('user')
        if isinstance(user, dict):
            email = user.get('email')
            user = None
            if email:
                User = signal._meta.apps.get_model(*_user_model_label())
                user = User.objects.filter(email__iexact=email, is_active=True).first()
                if user is None:
                    raise ValidationError({'assigned_user_email': [f'Geen actieve gebruiker met e-mail {email}.']})
        assignment = self._model('SignalUser').objects.create(_signal=signal, user=user,
                                                              created_by=data.get('created_by') or None)
        action = f'Melding toegewezen aan {user.email}' if user else 'Melding niet meer toegewezen aan behandelaar.'
        self._history(signal, 'UPDATE_USER_ASSIGNMENT', assignment, action, who=assignment.created_by)
        return assignment

    def _departments(self, data, signal):
        SignalDepartments = self._model('SignalDepartments')
        Department = self._model('Department')
        relation_type = data['relation_type']
        ids = []
        for item in data.get('departments') or []:
            ids.append(item.pk if isinstance(item, Department) else (item.get('id') if isinstance(item, dict) else item))
        departments = list(Department.objects.filter(pk__in=ids))
        missing = set(ids) - {d.pk for d in departments}
        if missing:
            raise ValidationError({f'{relation_type}_departments': [f'Onbekende afdeling(en): {sorted(missing)}.']})
        current, _ = SignalDepartments.objects.get_or_create(
            _signal=signal, relation_type=relation_type, defaults={'created_by': data.get('created_by')})
        prev_ids = sorted(current.departments.values_list('pk', flat=True))
        current.departments.set(departments)
        current.created_by = data.get('created_by') or current.created_by
        current.save()
        names = ', '.join(sorted(d.name for d in departments)) or '(geen)'
        if relation_type == SignalDepartments.REL_ROUTING:
            what, action = 'UPDATE_ROUTING_ASSIGNMENT', f'Routering: afdeling/afdelingen gewijzigd naar: {names}'
        else:
            what, action = 'UPDATE_DIRECTING_DEPARTMENTS_ASSIGNMENT', f'Regie gewijzigd naar: {names}'
        self._history(signal, what, current, action, who=data.get('created_by') or None)
        return current, prev_ids

    # -- public actions ------------------------------------------------------------------------

    def create_initial(self, signal_data, location_data, status_data, category_assignment_data, reporter_data,
                       priority_data=None, type_data=None, session=None):
        """Create a new signal with all its first records; sends `create_initial`."""
        with transaction.atomic():
            signal = self._create(signal_data, location_data, status_data, category_assignment_data,
                                  reporter_data, priority_data, type_data)
            _send(create_initial, signal_obj=signal)
        return signal

    def _create(self, signal_data, location_data, status_data, category_assignment_data, reporter_data,
                priority_data, type_data):
        status_data = {'state': workflow.GEMELD, **(status_data or {})}
        _raise(workflow.transition_errors(workflow.LEEG, status_data['state'], status_data.get('text')))
        signal = self.model.objects.create(**signal_data)
        signal.location = self._location(location_data, signal)
        signal.status = self._status(status_data, signal, workflow.LEEG)
        signal.category_assignment = self._category_assignment(category_assignment_data, signal)
        category = signal.category_assignment.category
        if category.handling_message:
            self._history(signal, 'UPDATE_SLA', signal.category_assignment, 'Servicebelofte:',
                          category.handling_message)
        signal.reporter = self._reporter(reporter_data or {}, signal)
        signal.priority = self._priority(priority_data or {'priority': 'normal'}, signal)
        signal.type_assignment = self._type(type_data or {'name': 'SIG'}, signal)
        signal.save()
        return signal

    def split(self, split_data, signal, user=None):
        """Create child signals of `signal` (a list of dicts as for create_initial) and note it."""
        from .workflow import GESPLITST  # noqa: F401  (children replace the historical "split" state)
        with transaction.atomic():
            parent = self._lock(signal)
            if parent.parent_id is not None:
                raise ValidationError({'parent': ['Een deelmelding kan niet opnieuw gesplitst worden.']})
            children = []
            for item in split_data:
                child = self._create({**item['signal_data'], 'parent': parent}, item['location_data'],
                                     {'state': workflow.GEMELD, 'user': user}, item['category_assignment_data'],
                                     item['reporter_data'], item.get('priority_data'), item.get('type_data'))
                children.append(child)
            self._history(parent, 'CHILD_SIGNAL_CREATED', None,
                          f'Melding gesplitst in {len(children)} deelmelding(en)',
                          ', '.join(c.id_display for c in children), who=user)
            parent.save(update_fields=['updated_at'])
            for child in children:
                _send(create_initial, signal_obj=child)
        return children

    def _single(self, signal, build, hook, record_field=None, kw=None):
        """Run one change under lock; `build(locked)` returns (new_record, prev_record)."""
        with transaction.atomic():
            locked = self._lock(signal)
            record, prev = build(locked)
            if record_field:
                setattr(locked, record_field, record)
            locked.save()
            if hook is not None:
                _send(hook, signal_obj=locked, **{kw: record, f'prev_{kw}': prev})
        self._refresh_instance(signal, locked)
        return record

    def update_location(self, data, signal):
        return self._single(signal, lambda s: (self._location(data, s), s.location), update_location,
                            'location', 'location')

    def update_status(self, data, signal):
        return self._single(signal, lambda s: (self._status(data, s, s.status.state if s.status_id else ''),
                                               s.status), update_status, 'status', 'status')

    def update_category_assignment(self, data, signal):
        def build(s):
            prev = s.category_assignment
            if prev is not None and prev.category_id == data['category'].pk:
                return prev, prev  # no real change: no record, no hook
            return self._category_assignment(data, s), prev
        with transaction.atomic():
            locked = self._lock(signal)
            record, prev = build(locked)
            if record is not prev:
                locked.category_assignment = record
                locked.save()
                _send(update_category_assignment, signal_obj=locked, category_assignment=record,
                      prev_category_assignment=prev)
        self._refresh_instance(signal, locked)
        return record

    def update_reporter(self, data, signal):
        def build(s):
            reporter = self._reporter(data, s)
            self._history(s, 'UPDATE_REPORTER', reporter, 'Contactgegevens melder gewijzigd',
                          who=data.get('created_by'))
            return reporter, s.reporter
        return self._single(signal, build, update_reporter, 'reporter', 'reporter')

    def propose_reporter(self, data, signal, note):
        """New contact details that take effect only when approved (approve_reporter): the record and a
        history line `note`, no hook; returns the Reporter."""
        with transaction.atomic():
            locked = self._lock(signal)
            reporter = self._reporter(data, locked)
            self._history(locked, 'REPORTER_VERIFICATION', reporter, note, who=data.get('created_by'))
            locked.save(update_fields=['updated_at'])
        return reporter

    def approve_reporter(self, reporter, signal, who=None):
        """Make a proposed reporter record the signal's reporter (sends update_reporter)."""
        def build(s):
            if reporter._signal_id != s.pk:
                raise ValidationError({'reporter': ['Deze melder hoort niet bij deze melding.']})
            self._history(s, 'UPDATE_REPORTER', reporter, 'Contactgegevens melder gewijzigd',
                          'Het nieuwe e-mailadres is bevestigd door de melder.', who=who)
            return reporter, s.reporter
        return self._single(signal, build, update_reporter, 'reporter', 'reporter')

    def note_reporter(self, reporter, signal, note, who=None):
        """A history line about a proposed reporter record (e.g. the change was cancelled)."""
        with transaction.atomic():
            locked = self._lock(signal)
            self._history(locked, 'REPORTER_VERIFICATION', reporter, note, who=who)
            locked.save(update_fields=['updated_at'])

    def update_priority(self, data, signal):
        return self._single(signal, lambda s: (self._priority(data, s), s.priority), update_priority,
                            'priority', 'priority')

    def update_type(self, data, signal):
        return self._single(signal, lambda s: (self._type(data, s), s.type_assignment), update_type,
                            'type_assignment', 'type')

    def update_user_assignment(self, data, signal):
        return self._single(signal, lambda s: (self._user_assignment(data, s), s.user_assignment),
                            update_user_assignment, 'user_assignment', 'user_assignment')

    def create_note(self, data, signal):
        with transaction.atomic():
            locked = self._lock(signal)
            note = self._note(data, locked)
            locked.save(update_fields=['updated_at'])
            _send(create_note, signal_obj=locked, note=note)
        self._refresh_instance(signal, locked)
        return note

    def update_signal_departments(self, data, signal):
        """data: {'relation_type': 'routing'|'directing', 'departments': [{'id': ..}|Department], 'created_by'}"""
        with transaction.atomic():
            locked = self._lock(signal)
            current, prev_ids = self._departments(data, locked)
            locked.save(update_fields=['updated_at'])
            kwargs = {'signal_departments': current}
            if current.relation_type == current.REL_ROUTING:
                kwargs['prev_signal_departments'] = prev_ids
            _send(update_signal_departments, signal_obj=locked, **kwargs)
        self._refresh_instance(signal, locked)
        return current

    def update_routing_departments(self, data, signal):
        return self.update_signal_departments({**data, 'relation_type': 'routing'}, signal)

    def add_attachment(self, file, signal, created_by=None, public=False, caption=None, max_bytes=None):
        """Store an uploaded file on the signal after checking it by content; sends `add_attachment`."""
        from django.conf import settings

        from signals_haarlem.uploads import check_upload, name_for_content, safe_filename
        limit = max_bytes or getattr(settings, 'SIGNALS_MAX_UPLOAD_BYTES', 20 * 1024 * 1024)
        mimetype, is_image = check_upload(file, limit)
        file.name = name_for_content(safe_filename(file.name), mimetype)
        with transaction.atomic():
            locked = self._lock(signal)
            attachment = self._model('Attachment').objects.create(
                _signal=locked, file=file, mimetype=mimetype, is_image=is_image, created_by=created_by,
                public=public, caption=caption)
            self._history(locked, 'ADD_ATTACHMENT', attachment, 'Bijlage toegevoegd:', file.name, who=created_by)
            locked.save(update_fields=['updated_at'])
            _send(add_attachment, signal_obj=locked, attachment=attachment)
        return attachment

    def update_multiple(self, data, signal):
        """Apply several changes in one transaction; hooks go out after commit, in this order.

        data keys: location, category_assignment, reporter, priority, type, status, notes (list),
        user_assignment, routing_assignment, directing_departments_assignment.
        """
        with transaction.atomic():
            locked = self._lock(signal)
            hooks = []
            if 'location' in data:
                prev = locked.location
                locked.location = self._location(data['location'], locked)
                hooks.append((update_location, {'location': locked.location, 'prev_location': prev}))
            if 'category_assignment' in data:
                prev = locked.category_assignment
                if prev is None or prev.category_id != data['category_assignment']['category'].pk:
                    locked.category_assignment = self._category_assignment(data['category_assignment'], locked)
                    hooks.append((update_category_assignment, {'category_assignment': locked.category_assignment,
                                                               'prev_category_assignment': prev}))
            if 'reporter' in data:
                prev = locked.reporter
                locked.reporter = self._reporter(data['reporter'], locked)
                self._history(locked, 'UPDATE_REPORTER', locked.reporter, 'Contactgegevens melder gewijzigd',
                              who=data['reporter'].get('created_by'))
                hooks.append((update_reporter, {'reporter': locked.reporter, 'prev_reporter': prev}))
            if 'priority' in data:
                prev = locked.priority
                locked.priority = self._priority(data['priority'], locked)
                hooks.append((update_priority, {'priority': locked.priority, 'prev_priority': prev}))
            if 'type' in data:
                prev = locked.type_assignment
                locked.type_assignment = self._type(data['type'], locked)
                hooks.append((update_type, {'type': locked.type_assignment, 'prev_type': prev}))
            if 'status' in data:
                prev = locked.status
                locked.status = self._status(data['status'], locked, prev.state if prev else '')
                hooks.append((update_status, {'status': locked.status, 'prev_status': prev}))
            for note_data in data.get('notes') or []:
                hooks.append((create_note, {'note': self._note(note_data, locked)}))
            if 'user_assignment' in data:
                prev = locked.user_assignment
                locked.user_assignment = self._user_assignment(data['user_assignment'], locked)
                hooks.append((update_user_assignment, {'user_assignment': locked.user_assignment,
                                                       'prev_user_assignment': prev}))
            for key, relation in (('routing_assignment', 'routing'), ('directing_departments_assignment', 'directing')):
                if key in data:
                    current, prev_ids = self._departments({**data[key], 'relation_type': relation}, locked)
                    kwargs = {'signal_departments': current}
                    if relation == 'routing':
                        kwargs['prev_signal_departments'] = prev_ids
                    hooks.append((update_signal_departments, kwargs))
            locked.save()
            for hook, kwargs in hooks:
                _send(hook, signal_obj=locked, **kwargs)
        self._refresh_instance(signal, locked)
        return locked


def _user_model_label():
    from django.conf import settings
    return settings.AUTH_USER_MODEL.split('.')


def _point(geometrie):
    """(lon, lat) from a GeoJSON Point; a clear field error otherwise."""
    try:
        if geometrie.get('type') != 'Point':
            raise ValueError
        lon, lat = (float(c) for c in geometrie['coordinates'])
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ValidationError({'geometrie': ['Geef een GeoJSON Point met coördinaten [lengtegraad, breedtegraad].']})
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError({'geometrie': ['Coördinaten buiten bereik.']})
    return lon, lat
