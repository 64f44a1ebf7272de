"""Werkplek pages: intake, my complaints, the coordinator's overview with terms, a complaint with its
timeline, letters and measures, the register and the reports. Rules are in services.py; a refused
step comes back on the page with its field errors (status 400) and changes nothing."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from signals_haarlem.downloads import CSV, PDF, XLSX, file_response
from signals_haarlem.werkplek.mixins import WerkplekPage

from .. import letters, reports, services, workflow
from ..api.serializers import signal_url
from ..models import Complaint, ImprovementMeasure, Letter
from . import forms


class AnyComplaintRole(WerkplekPage):
    """Handlers and coordinators."""

    def has_permission(self):
        user = self.request.user
        return services.is_coordinator(user) or services.is_handler(user)


def _year(request):
    value = request.GET.get('jaar') or ''
    if value.isascii() and value.isdigit() and 1900 <= int(value) <= 2999:
        return int(value)
    return timezone.localdate().year


def _years():
    first = Complaint.objects.order_by('received_on').values_list('received_on', flat=True).first()
    this = timezone.localdate().year
    return list(range(this, (first.year if first else this) - 1, -1))


def _apply_errors(form, exc):
    errors = exc.message_dict if hasattr(exc, 'error_dict') else {'__all__': exc.messages}
    for field, messages_ in errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


class Intake(WerkplekPage, FormView):
    permission_required = services.PERM_REGISTER
    template_name = 'complaints/pages/intake.html'
    form_class = forms.IntakeForm

    def get_initial(self):
        return {'received_on': timezone.localdate(), 'form': Complaint.WRITTEN, 'channel': 'email'}

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in services.INTAKE_FIELDS if f in form.cleaned_data}
        try:
            with transaction.atomic():
                complaint = services.register_complaint(data, user=self.request.user,
                                                        acknowledge=form.cleaned_data.get('acknowledge'))
        except ValidationError as exc:
            _apply_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, f'Klacht {complaint.reference} is geregistreerd.')
        if services.can_view(self.request.user, complaint):
            return redirect('complaints_pages:detail', pk=complaint.pk)
        return redirect('complaints_pages:intake')

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MyComplaints(WerkplekPage, TemplateView):
    permission_required = services.PERM_HANDLE
    template_name = 'complaints/pages/mine.html'

    def get_context_data(self, **kwargs):
        from signals_haarlem import workdays
        qs = services.with_timeliness(Complaint.objects.filter(handler=self.request.user)) \
            .select_related('department_concerned', 'handler')
        horizon = workdays.add_workdays(timezone.localdate(), services.warn_days())
        running = list(qs.filter(state__in=workflow.RUNNING).order_by('term_last_day', 'received_on'))
        for c in running:
            c.soon = bool(c.term_last_day and not c.is_late and c.term_last_day <= horizon)
        return super().get_context_data(
            running=running,
            done=qs.exclude(state__in=workflow.RUNNING).order_by('-decided_on', '-pk')[:50],
            today=timezone.localdate(), soon=services.warn_days(), **kwargs)


class Overview(WerkplekPage, TemplateView):
    permission_required = services.PERM_COORDINATE
    template_name = 'complaints/pages/overview.html'

    def get_context_data(self, **kwargs):
        from signals_haarlem import workdays
        today = timezone.localdate()
        horizon = workdays.add_workdays(today, services.warn_days())
        qs = Complaint.objects.all()
        state, handler = self.request.GET.get('status'), self.request.GET.get('behandelaar')
        if state:
            qs = qs.filter(state=state)
        if handler == 'geen':
            qs = qs.filter(handler__isnull=True)
        elif handler:
            qs = qs.filter(handler_id=handler)
        terms = list(services.running_terms(qs, today))
        for c in terms:
            c.soon = not c.is_late and c.term_last_day <= horizon
        informal = services.with_timeliness(qs.filter(state__in=workflow.RUNNING, term_last_day__isnull=True)) \
            .select_related('handler', 'department_concerned').order_by('received_on')
        return super().get_context_data(
            terms=terms, informal=informal, today=today, handlers=services.handlers(),
            states=[(s, workflow.label(s)) for s in workflow.RUNNING_ORDER], state=state, handler=handler,
            unassigned=Complaint.objects.filter(state__in=workflow.RUNNING, handler__isnull=True).count(),
            late_count=sum(1 for c in terms if c.is_late), soon_count=sum(1 for c in terms if c.soon),
            open_measures=services.open_measures(today)[:20], **kwargs)


def _detail_context(request, complaint, bound=None):
    """Everything the detail page shows; `bound` = (action name, bound form) after a refused step."""
    user = request.user
    can_act = services.can_act(user, complaint)
    today = timezone.localdate()
    transition_forms = []
    if can_act:
        for state in workflow.allowed(complaint.state):
            form_class = forms.TRANSITION_FORMS[state]
            name = f'naar-{state}'
            form = bound[1] if bound and bound[0] == name else form_class(prefix=state)
            blocked = workflow.guard_errors(complaint, state)
            transition_forms.append({'state': state, 'label': workflow.label(state), 'form': form, 'name': name,
                                     'blocked': [m for ms in blocked.values() for m in ms],
                                     'open': bool(bound and bound[0] == name)})

    def form(name, cls, **kwargs):
        if bound and bound[0] == name:
            return bound[1]
        return cls(**kwargs)

    running = complaint.state in workflow.RUNNING
    return {
        'complaint': complaint, 'can_act': can_act, 'is_coordinator': services.is_coordinator(user), 'today': today,
        'running': running, 'transition_forms': transition_forms, 'bound_name': bound[0] if bound else '',
        'assign_form': form('toewijzen', forms.AssignForm, initial={'handler': complaint.handler_id}),
        'copy_form': form('afschrift', forms.CopyForm, initial={'sent_on': today}),
        'extend_form': form('verdagen', forms.ExtendForm),
        'postpone_form': form('uitstel', forms.PostponeForm),
        'committee_form': form('adviescommissie', forms.CommitteeForm,
                               initial={'advice_committee': not complaint.advice_committee}),
        'learning_form': form('leren', forms.LearningForm, initial={
            'norms': list(complaint.norms.all()), 'cause': complaint.cause_id, 'cause_note': complaint.cause_note}),
        'measure_form': form('maatregel', forms.MeasureForm),
        'note_form': form('notitie', forms.NoteForm),
        'ombudsman_form': form('ombudsman', forms.OmbudsmanForm, initial={'received_on': today}),
        'edit_form': form('wijzigen', forms.EditForm, instance=complaint),
        'measure_status_form': forms.MeasureStatusForm(),
        'events': complaint.events.select_related('created_by').all(),
        'letters': complaint.letters.all(),
        'measures': complaint.measures.select_related('owner').all(),
        'term_changes': complaint.term_changes.all(),
        'ombudsman_cases': complaint.ombudsman_cases.all(),
        'signal_url': signal_url(complaint.signal_id) if complaint.signal_id else '',
        'not_handled_due': services.not_handled_letter_due(complaint) if complaint.is_formal else None,
        'extension_used': complaint.term_changes.filter(kind='verdaging').exists(),
        'needs_copy': complaint.is_formal and bool(complaint.employee_id or complaint.employee_name
                                                   or complaint.about_governing_body) and not complaint.copy_sent_on,
    }


class ComplaintMixin(AnyComplaintRole):
    def get_complaint(self):
        complaint = get_object_or_404(
            Complaint.objects.select_related('handler', 'employee', 'department_concerned', 'cause', 'signal'),
            pk=self.kwargs['pk'])
        if not services.can_view(self.request.user, complaint):
            raise Http404('Klacht niet gevonden.')
        return complaint


class Detail(ComplaintMixin, TemplateView):
    template_name = 'complaints/pages/detail.html'

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_detail_context(self.request, self.get_complaint()), **kwargs)


class Action(ComplaintMixin, View):
    """POST one step from the detail page: a transition (naar-<state>) or another action."""
    http_method_names = ['post']

    def post(self, request, pk, name):
        complaint = self.get_complaint()
        if not services.can_act(request.user, complaint):
            raise Http404
        form, call = self._form_and_call(name, complaint)
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                with transaction.atomic():
                    call(form)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, self.done_message(name))
                return redirect(reverse('complaints_pages:detail', args=[complaint.pk]) + '#acties')
        complaint.refresh_from_db()
        context = _detail_context(request, complaint, bound=(name, form))
        messages.error(request, 'Dit kon niet worden verwerkt; bekijk de meldingen bij het formulier.')
        from django.template.response import TemplateResponse
        return TemplateResponse(request, Detail.template_name, context, status=400)

    @staticmethod
    def done_message(name):
        if name.startswith('naar-'):
            return f'Status gewijzigd naar: {workflow.label(name[5:])}.'
        return {'toewijzen': 'Klachtbehandelaar toegewezen.', 'afschrift': 'Afschrift aan beklaagde vastgelegd.',
                'verdagen': 'Afhandeling verdaagd; de brieven zijn gemaakt.', 'uitstel': 'Uitstel vastgelegd.',
                'adviescommissie': 'Termijn aangepast.', 'leren': 'Normen en oorzaak vastgelegd.',
                'maatregel': 'Verbetermaatregel toegevoegd.', 'notitie': 'Notitie toegevoegd.',
                'ombudsman': 'Ombudsmanzaak vastgelegd.', 'wijzigen': 'Gegevens gecorrigeerd.'}.get(name, 'Opgeslagen.')

    def _form_and_call(self, name, complaint):
        post, user = self.request.POST, self.request.user
        if name.startswith('naar-'):
            state = name[5:]
            if state not in forms.TRANSITION_FORMS:
                return None, None
            form = forms.TRANSITION_FORMS[state](post, prefix=state)

            def call(f):
                data = f.service_data() if hasattr(f, 'service_data') else {
                    k: v for k, v in f.cleaned_data.items() if k != 'reason' and v not in (None, '')}
                services.transition(complaint, state, user, reason=f.cleaned_data.get('reason', ''), data=data)
            return form, call
        if name == 'toewijzen':
            if not services.is_coordinator(user):
                return None, None
            return forms.AssignForm(post), lambda f: services.assign(complaint, f.cleaned_data['handler'], user,
                                                                     f.cleaned_data['reason'])
        if name == 'afschrift':
            return forms.CopyForm(post), lambda f: services.record_copy_sent(
                complaint, user, f.cleaned_data['sent_on'], f.cleaned_data['how'], f.cleaned_data['send_letter'])
        if name == 'verdagen':
            return forms.ExtendForm(post), lambda f: services.extend_term(complaint, f.cleaned_data['weeks'],
                                                                          f.cleaned_data['reason'], user)
        if name == 'uitstel':
            return forms.PostponeForm(post), lambda f: services.postpone_with_consent(
                complaint, f.cleaned_data['until'], f.cleaned_data['consent_received_on'], f.cleaned_data['consent_how'],
                f.cleaned_data['reason'], user)
        if name == 'adviescommissie':
            return forms.CommitteeForm(post), lambda f: services.set_advice_committee(
                complaint, f.cleaned_data['advice_committee'], f.cleaned_data['reason'], user)
        if name == 'leren':
            return forms.LearningForm(post), lambda f: services.set_learning(
                complaint, norms=[n.number for n in f.cleaned_data['norms']],
                cause=f.cleaned_data['cause'].code if f.cleaned_data['cause'] else '',
                cause_note=f.cleaned_data['cause_note'], user=user)
        if name == 'maatregel':
            return forms.MeasureForm(post), lambda f: services.add_measure(
                complaint, f.cleaned_data['description'], f.cleaned_data['due_date'],
                owner_name=f.cleaned_data['owner_name'], user=user)
        if name == 'notitie':
            return forms.NoteForm(post), lambda f: services.add_note(complaint, f.cleaned_data['text'], user)
        if name == 'ombudsman':
            return forms.OmbudsmanForm(post), lambda f: services.register_ombudsman_case(
                complaint, f.cleaned_data['received_on'], f.cleaned_data['reference'], f.cleaned_data['ombudsman'], user)
        if name == 'wijzigen':
            form = forms.EditForm(post, instance=Complaint.objects.get(pk=complaint.pk))

            def call(f):
                changes = {k: f.cleaned_data[k] for k in f.changed_data if k in services.EDITABLE_FIELDS}
                services.update_details(complaint, changes, user, reason=f.cleaned_data['reason'])
            return form, call
        return None, None


class MeasureStatus(AnyComplaintRole, View):
    http_method_names = ['post']

    def post(self, request, pk):
        measure = get_object_or_404(ImprovementMeasure.objects.select_related('complaint'), pk=pk)
        if measure.complaint_id and not services.can_act(request.user, measure.complaint):
            raise Http404
        form = forms.MeasureStatusForm(request.POST)
        back = (reverse('complaints_pages:detail', args=[measure.complaint_id]) + '#maatregelen'
                if measure.complaint_id else reverse('complaints_pages:overview'))
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.set_measure_status(measure, form.cleaned_data['status'], form.cleaned_data['note'],
                                                request.user)
                messages.success(request, 'Status van de maatregel gewijzigd.')
            except ValidationError as exc:
                messages.error(request, ' '.join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.error(request, 'Kies een geldige status.')
        return redirect(back)


class LetterPdf(AnyComplaintRole, View):
    def get(self, request, pk):
        letter = get_object_or_404(Letter.objects.select_related('complaint'), pk=pk)
        if not services.can_view(request.user, letter.complaint):
            raise Http404
        file = letters.ensure_pdf(letter)
        file.open('rb')
        return FileResponse(file, content_type='application/pdf',
                            filename=f'{letter.complaint.reference}-{letter.kind}.pdf')


class Register(WerkplekPage, TemplateView):
    permission_required = services.PERM_REGISTER_VIEW
    template_name = 'complaints/pages/register.html'

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        rows = reports.register_rows(year)
        return super().get_context_data(year=year, years=_years(), rows=rows, columns=reports.REGISTER_COLUMNS,
                                        **kwargs)


class RegisterExport(WerkplekPage, View):
    permission_required = services.PERM_REGISTER_VIEW

    def get(self, request, kind):
        year = _year(request)
        if kind == 'csv':
            return file_response(reports.register_csv(year), f'klachtenregister-{year}.csv', CSV)
        if kind == 'xlsx':
            return file_response(reports.register_xlsx(year), f'klachtenregister-{year}.xlsx', XLSX)
        if kind == 'publicatie':
            return file_response(reports.publication_csv(year), f'klachtoordelen-{year}.csv', CSV)
        raise Http404


class Reports(WerkplekPage, TemplateView):
    permission_required = services.PERM_REPORTS
    template_name = 'complaints/pages/reports.html'

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        view = self.request.GET.get('rapport', 'jaarverslag')
        report = reports.learning_report(year) if view == 'leren' else reports.annual_report(year)
        return super().get_context_data(year=year, years=_years(), view=view, r=report, **kwargs)


class ReportPdf(WerkplekPage, View):
    permission_required = services.PERM_REPORTS

    def get(self, request, kind):
        year = _year(request)
        if kind == 'jaarverslag':
            body = reports.annual_report_pdf(year)
        elif kind == 'leerrapportage':
            body = reports.learning_report_pdf(year)
        else:
            raise Http404
        return file_response(body, f'{kind}-klachten-{year}.pdf', PDF, inline=True)

