"""Werkplek pages: lane overview and queues, a signal's triage with re-triage, and the rule dry-run."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.views.generic import TemplateView

from signals_haarlem import signalen
from signals_haarlem.werkplek.mixins import WerkplekPage

from .. import deadlines, services
from ..models import Decision, Lane, Rule, SignalLane, SlaEvent
from .forms import AgreedDateForm, DryRunForm, QueueFilterForm, ReasonForm, RetriageForm

PAGE_SIZE = 50


def _lanes():
    return list(Lane.objects.filter(is_active=True).select_related('department').order_by('order', 'code'))


class TriagePage(WerkplekPage, TemplateView):
    permission_required = 'haarlem_triage.view_decision'
    section = ''

    def dispatch(self, request, *args, **kwargs):
        # Staff pages are Dutch, also for a browser that asks for English (LocaleMiddleware): form
        # errors and dates included. The response is rendered inside the override.
        with translation.override('nl'):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, 'render') and not response.is_rendered:
                response.render()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault('lanes', _lanes())
        context['section'] = self.section
        context['can_see_rules'] = self.request.user.has_perm('haarlem_triage.view_rule')
        return context


class OverviewView(TriagePage):
    template_name = 'triage/overview.html'
    section = 'overview'

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = services.lane_counts(user=self.request.user)
        mine = {d.pk for d in signalen.user_departments(self.request.user)}
        context['rows'] = [{'lane': lane, 'counts': counts.get(lane.pk, {}), 'mine': lane.department_id in mine}
                           for lane in context['lanes']]
        return context


def _due_info(due_at, now):
    if due_at is None:
        return {'label': 'Geen termijn', 'status': 'none'}
    if due_at <= now:
        late = deadlines.working_days_late(due_at, now)
        words = f'{late} werkdag{"en" if late != 1 else ""} te laat' if late else 'te laat'
        return {'label': words.capitalize(), 'status': 'late'}
    if due_at <= deadlines.end_of_day(timezone.localdate(now)):
        return {'label': 'Vandaag', 'status': 'soon'}
    return {'label': 'Op tijd', 'status': 'ok'}


class QueueView(TriagePage):
    template_name = 'triage/queue.html'

    def get_context_data(self, **kwargs):
        lane = get_object_or_404(Lane, code=self.kwargs['code'])
        self.section = lane.code
        context = super().get_context_data(**kwargs)
        form = QueueFilterForm(self.request.GET or None)
        filters = services.QueueFilters()
        if form.is_bound and form.is_valid():
            handmatig = form.cleaned_data.get('handmatig')
            filters = services.QueueFilters(
                overdue=form.cleaned_data.get('te_laat') or False, due_within=form.cleaned_data.get('binnen'),
                category=form.category(), area=form.cleaned_data.get('gebied'),
                manual={'ja': True, 'nee': False}.get(handmatig))
        now = timezone.now()
        paginator = Paginator(services.queue(lane, filters, now=now, user=self.request.user), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get('pagina'))
        labels = dict(signalen.workflow.STATUS_CHOICES)
        rows = []
        for item in page.object_list:
            rows.append({'item': item, 'due': _due_info(item.due_at, now), 'state': labels.get(item.state, item.state),
                         'due_day': deadlines.last_day(item.due_at),
                         'category': services.queue_category(item),
                         'address': signalen.address_text(item.signal)})
        query = self.request.GET.copy()
        query.pop('pagina', None)
        context.update(lane=lane, form=form, page=page, rows=rows, querystring=query.urlencode(),
                       filtered=any(v for k, v in self.request.GET.items() if k != 'pagina'))
        return context


def _visible_or_404(request, signal_id):
    """A signal the user may see in Signalen (as its own API decides), or 404."""
    queryset = signalen.visible_signals(request.user, signalen.get_model('Signal').objects.filter(pk=signal_id))
    signal = signalen.with_current_records(queryset).first()
    if signal is None:
        raise Http404('Deze melding bestaat niet.')
    return signal


def _signal_context(request, signal_id, forms=None):
    signal = _visible_or_404(request, signal_id)
    state = SignalLane.objects.select_related('lane__department', 'area').filter(signal_id=signal_id).first()
    decisions = list(Decision.objects.filter(signal_id=signal_id).select_related('lane'))
    events = list(SlaEvent.objects.filter(signal_id=signal_id))
    now = timezone.now()
    forms = forms or {}
    user = request.user
    current = decisions[0] if decisions else None
    terms = []
    if current is not None and state is not None:
        for label, due, met in (('Reactie', current.response_due, state.responded_at),
                                ('Plan', current.plan_due, state.planned_at),
                                ('Afhandeling', current.resolution_due, state.resolved_at)):
            if due is None:
                continue
            if met:
                on_time = met < due
                status = {'label': 'Gehaald' if on_time else 'Te laat gehaald', 'status': 'ok' if on_time else 'late'}
            elif not state.is_open:
                status = {'label': 'Gesloten', 'status': 'none'}
            else:
                status = _due_info(due, now)
            terms.append({'label': label, 'day': deadlines.last_day(due), 'met': met, 'status': status})
    labels = dict(signalen.workflow.STATUS_CHOICES)
    can_retriage = user.has_perm('haarlem_triage.retriage')
    can_agree = (user.has_perm('haarlem_triage.set_agreed_date') and state is not None
                 and state.lane.resolution_basis == Lane.BASIS_AGREED)
    frontend = getattr(settings, 'HAARLEM', {}).get('FRONTEND_URL', '').rstrip('/')
    return {
        'backoffice_url': f'{frontend}/manage/incident/{signal.pk}' if frontend else '',
        'signal': signal, 'state': state, 'decisions': decisions, 'events': events, 'terms': terms,
        'current': current, 'category': signalen.category_of(signal), 'address': signalen.address_text(signal),
        'status_label': labels.get(signalen.current_state(signal), signalen.current_state(signal)),
        'can_retriage': can_retriage, 'can_agree': can_agree, 'feedback': signalen.feedback_of(signal),
        'retriage_form': forms.get('retriage') or (RetriageForm(current_lane=state.lane if state else None)
                                                   if can_retriage else None),
        'release_form': forms.get('release') or (ReasonForm() if can_retriage and state and state.is_manual else None),
        'agreed_form': forms.get('agreed') or (AgreedDateForm() if can_agree else None),
    }


class SignalView(TriagePage):
    template_name = 'triage/signal.html'

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_signal_context(self.request, self.kwargs['pk']))
        return context


class _SignalActionView(TriagePage):
    """POST-only: validate the form, call the service, redirect with a message (or show the errors)."""
    template_name = 'triage/signal.html'
    http_method_names = ['post']
    form_class = None
    form_key = ''
    success = ''

    def post(self, request, pk):
        _visible_or_404(request, pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(pk, form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except (DatabaseError, signalen.ConcurrentUpdate) as exc:
                if not signalen.is_concurrent_update(exc):
                    raise
                form.add_error(None, 'De melding wordt op dit moment door iemand anders gewijzigd. '
                                     'Probeer het opnieuw.')
            if not form.errors:
                messages.success(request, self.success)
                return redirect(reverse('triage_pages:signal', args=[pk]))
        context = self.get_context_data()
        context.update(_signal_context(request, pk, {self.form_key: form}))
        context['form_errors'] = True
        return self.render_to_response(context, status=400)


class RetriageView(_SignalActionView):
    permission_required = ('haarlem_triage.view_decision', 'haarlem_triage.retriage')
    form_class = RetriageForm
    form_key = 'retriage'
    success = 'De melding is in de nieuwe baan geplaatst. Deze baan blijft staan tot iemand hem loslaat.'

    def act(self, pk, data):
        services.retriage(pk, data['lane'], data['reason'], self.request.user)


class ReleaseView(_SignalActionView):
    permission_required = ('haarlem_triage.view_decision', 'haarlem_triage.retriage')
    form_class = ReasonForm
    form_key = 'release'
    success = 'De handmatige baan is losgelaten; de automatische triage heeft opnieuw beslist.'

    def act(self, pk, data):
        services.release(pk, data['reason'], self.request.user)


class AgreedDateView(_SignalActionView):
    permission_required = ('haarlem_triage.view_decision', 'haarlem_triage.set_agreed_date')
    form_class = AgreedDateForm
    form_key = 'agreed'
    success = 'De afgesproken afhandeldatum is vastgelegd.'

    def act(self, pk, data):
        services.set_agreed_date(pk, data['date'], data['reason'], self.request.user)


class RulesView(TriagePage):
    """The rules in order, and the dry-run: which of the last N signals would change lane."""
    permission_required = 'haarlem_triage.view_rule'
    template_name = 'triage/rules.html'
    section = 'rules'

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['rules'] = list(Rule.objects.select_related('lane').order_by('order', 'pk'))
        context['can_dry_run'] = self.request.user.has_perm('haarlem_triage.dryrun_rule')
        context.setdefault('form', DryRunForm())
        from .. import rules as rule_kinds
        context['kinds'] = rule_kinds.all_kinds()
        return context

    def post(self, request):
        if not request.user.has_perm('haarlem_triage.dryrun_rule'):
            from django.core.exceptions import PermissionDenied
            raise PermissionDenied('U mag regels niet proefdraaien.')
        form = DryRunForm(request.POST)
        context = self.get_context_data(form=form)
        if not form.is_valid():
            return self.render_to_response(context, status=400)
        result = services.dry_run(form.proposed_rules(), limit=form.cleaned_data['limit'],
                                  only_open=form.cleaned_data['only_open'])
        context['result'] = result
        context['moves'] = result.move_rows()
        context['hits'] = result.hits.most_common()
        context['changes'] = [{'change': c, 'category': signalen.category_of(c.signal)} for c in result.changes[:200]]
        return self.render_to_response(context)
