"""Werkplek pages: partner overview, partner detail, forwards, the review dossier (also as PDF)."""
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views import View
from django.views.generic import DetailView, TemplateView

from signals_haarlem import signalen
from signals_haarlem.ids import parse_id
from signals_haarlem.werkplek.mixins import WerkplekPage as BasePage

from .. import figures, periods, reviews, services
from ..overview import ON_TIME_WINDOW_DAYS, overview_rows
from ..models import Forward, ForwardPhoto, Partner, Review, ReviewAction



class WerkplekPage(BasePage):
    """A werkplek page of this app, always in Dutch (dates and months too, whatever the browser asks)."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override('nl'):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, 'render') and not response.is_rendered:
                response.render()
            return response


class OverviewView(WerkplekPage, TemplateView):
    permission_required = 'haarlem_partners.view_partner'
    template_name = 'partners/overview.html'

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), 'rows': overview_rows(),
                'window_days': ON_TIME_WINDOW_DAYS}


class PartnerDetailView(WerkplekPage, DetailView):
    permission_required = 'haarlem_partners.view_partner'
    template_name = 'partners/partner_detail.html'
    model = Partner
    context_object_name = 'partner'

    def get_queryset(self):
        return Partner.objects.select_related('department', 'account_holder').prefetch_related('categories',
                                                                                              'contacts')

    def get_context_data(self, **kwargs):
        partner = self.object
        now = timezone.now()
        user = self.request.user
        quarter = periods.period_of(timezone.localdate())
        quarters = [quarter.previous()]
        for _ in range(3):
            quarters.append(quarters[-1].previous())
        reports = figures.current_reports([partner.pk], [q.start for q in quarters])
        context = super().get_context_data(**kwargs)
        context.update({
            'open_forwards': services.visible_forwards(user, partner.forwards.filter(status=Forward.OPEN))
            .select_related('signal', 'complaint').order_by('response_due'),
            'recent_forwards': services.visible_forwards(user, partner.forwards.exclude(status=Forward.OPEN))
            .select_related('signal', 'complaint', 'answer').order_by('-forwarded_at')[:20],
            'figure_rows': [(q, reports.get((partner.pk, q.start))) for q in quarters],
            'reviews': partner.reviews.order_by('-period_start')[:8],
            'actions': partner.actions.filter(status__in=ReviewAction.UNFINISHED).select_related('review'),
            'tokens': partner.tokens.all() if user.has_perm('haarlem_partners.manage_partner_tokens') else None,
            'can_forward': user.has_perm('haarlem_partners.add_forward'),
            'can_forward_complaints': (user.has_perm('haarlem_partners.add_forward')
                                       and services.can_see_complaints(user)),
            'can_upload': user.has_perm('haarlem_partners.add_figurereport'),
            'now': now, 'today': timezone.localdate(),
            'form_errors': kwargs.get('form_errors'), 'form_data': kwargs.get('form_data') or {},
            'csv_errors': kwargs.get('csv_errors'),
        })
        return context


class ForwardCreateView(WerkplekPage, View):
    """Forward a signal (by its number) to this partner."""
    permission_required = 'haarlem_partners.add_forward'

    def post(self, request, pk):
        partner = get_object_or_404(Partner, pk=pk)
        instruction = request.POST.get('instruction', '')
        errors = {}
        complaint_ref = (request.POST.get('complaint') or '').strip()
        if complaint_ref:
            complaint = _complaint(complaint_ref)
            if complaint is None or not services.can_see_complaints(request.user, complaint):
                errors['complaint'] = ['Onbekend klachtnummer.']
            else:
                subject = f'Klacht {complaint.reference}'
                try:
                    forward = services.forward_complaint(complaint, partner, instruction, user=request.user)
                except ValidationError as exc:
                    errors = exc.message_dict
        else:
            raw = (request.POST.get('signal') or '').strip().upper().removeprefix('SIG-')
            # only a signal the user may see in Signalen
            signal_pk = parse_id(raw)
            signal = signalen.visible_signals(request.user).filter(pk=signal_pk).first() if signal_pk else None
            if signal is None:
                errors['signal'] = ['Onbekend meldingnummer.']
            else:
                subject = signalen.id_display(signal)
                try:
                    forward = services.forward_signal(signal, partner, instruction, user=request.user)
                except ValidationError as exc:
                    errors = exc.message_dict
        if errors:
            view = PartnerDetailView()
            view.setup(request, pk=pk)
            view.object = view.get_object()
            context = view.get_context_data(form_errors=errors, form_data=request.POST)
            return view.render_to_response(context, status=400)
        messages.success(request, f'{subject} is doorgezet naar {partner.name}. De partner krijgt een '
                                  f'e-mail met een link die {services.links.forward_link_days()} dagen geldig is.')
        return redirect('partners_pages:forward', pk=forward.pk)


def _complaint(reference):
    from django.apps import apps
    try:
        Complaint = apps.get_model('haarlem_complaints', 'Complaint')
    except LookupError:
        return None
    return Complaint.objects.filter(reference__iexact=reference).first()


class FiguresUploadView(WerkplekPage, View):
    permission_required = 'haarlem_partners.add_figurereport'

    def post(self, request, pk):
        partner = get_object_or_404(Partner, pk=pk)
        upload = request.FILES.get('file')
        try:
            if upload is None:
                raise figures.FiguresRejected([{'regel': 0, 'fouten': {'bestand': ['Kies een CSV-bestand.']}}])
            reports = figures.import_csv(upload, request.user.email or request.user.username)
        except figures.FiguresRejected as exc:
            view = PartnerDetailView()
            view.setup(request, pk=pk)
            view.object = view.get_object()
            return view.render_to_response(view.get_context_data(csv_errors=exc.lines), status=400)
        messages.success(request, f'{len(reports)} regel(s) met klachtcijfers opgeslagen.')
        return redirect('partners_pages:partner', pk=partner.pk)


class ForwardDetailView(WerkplekPage, DetailView):
    permission_required = 'haarlem_partners.view_forward'
    template_name = 'partners/forward_detail.html'
    context_object_name = 'forward'

    def get_queryset(self):
        return services.visible_forwards(self.request.user, Forward.objects.select_related(
            'partner', 'signal', 'complaint').prefetch_related('events'))

    def get_context_data(self, **kwargs):
        forward = self.object
        answer = getattr(forward, 'answer', None) if forward.status == Forward.ANSWERED else None
        return {**super().get_context_data(**kwargs), 'answer': answer,
                'photos': answer.photos.all() if answer else [],
                'job': services.job_for_partner(forward),
                'can_withdraw': forward.is_open and self.request.user.has_perm('haarlem_partners.withdraw_forward')}


class ForwardWithdrawView(WerkplekPage, View):
    permission_required = 'haarlem_partners.withdraw_forward'

    def post(self, request, pk):
        forward = get_object_or_404(Forward, pk=pk)
        try:
            services.withdraw_forward(forward, request.user, request.POST.get('reason', ''))
            messages.success(request, 'De doorzetting is ingetrokken; de link werkt niet meer.')
        except ValidationError as exc:
            messages.error(request, ' '.join(exc.messages))
        return redirect('partners_pages:forward', pk=pk)


class PhotoView(WerkplekPage, View):
    permission_required = 'haarlem_partners.view_forward'

    def get(self, request, pk):
        photo = get_object_or_404(ForwardPhoto, pk=pk)
        try:
            handle = default_storage.open(photo.file.name, 'rb')
        except (FileNotFoundError, OSError):
            raise Http404('Foto niet gevonden.')
        return FileResponse(handle, content_type=photo.mimetype)


# --- reviews -------------------------------------------------------------------------------

def dossier_context(review):
    dossier = review.dossier or reviews.build_dossier(review.partner, review.period)
    return {'review': review, 'partner': review.partner, 'dossier': dossier,
            'live': review.dossier is None,
            'actions': review.actions.order_by('due_date', 'pk'),
            'events': review.events.all()}


def render_dossier_pdf(review, request=None):
    from weasyprint import HTML
    html = render_to_string('partners/review_pdf.html', dossier_context(review), request=request)
    base = request.build_absolute_uri('/') if request is not None else None
    return HTML(string=html, base_url=base).write_pdf()


class ReviewView(WerkplekPage, DetailView):
    permission_required = 'haarlem_partners.view_review'
    template_name = 'partners/review.html'
    context_object_name = 'review'

    def get_queryset(self):
        return Review.objects.select_related('partner', 'partner__account_holder')

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(dossier_context(self.object))
        context.update({
            'can_record': user.has_perm('haarlem_partners.record_review'),
            'can_refresh': user.has_perm('haarlem_partners.change_review') and self.object.status == Review.PLANNED,
            'can_add_action': user.has_perm('haarlem_partners.add_reviewaction'),
            'can_change_action': user.has_perm('haarlem_partners.change_reviewaction'),
            'action_statuses': ReviewAction.STATUS_CHOICES, 'sides': ReviewAction.SIDE_CHOICES,
            'errors': kwargs.get('errors') or {}, 'data': kwargs.get('data') or {},
            'today': timezone.localdate(),
        })
        return context

    def render_errors(self, request, pk, errors):
        self.setup(request, pk=pk)
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(errors=errors, data=request.POST), status=400)


class ReviewPdfView(WerkplekPage, View):
    permission_required = 'haarlem_partners.view_review'

    def get(self, request, pk):
        review = get_object_or_404(Review.objects.select_related('partner'), pk=pk)
        name = f'overleg-{review.partner.code.lower()}-{review.period.code}.pdf'
        return HttpResponse(render_dossier_pdf(review, request), content_type='application/pdf',
                            headers={'Content-Disposition': f'inline; filename="{name}"'})


class ReviewDossierView(WerkplekPage, View):
    permission_required = 'haarlem_partners.change_review'

    def post(self, request, pk):
        review = get_object_or_404(Review, pk=pk)
        try:
            reviews.generate_dossier(review, request.user)
            messages.success(request, 'Het dossier is bijgewerkt met de gegevens van nu.')
        except ValidationError as exc:
            messages.error(request, ' '.join(exc.messages))
        return redirect('partners_pages:review', pk=pk)


def _date(value):
    try:
        return date.fromisoformat((value or '').strip())
    except ValueError:
        return None


class ReviewRecordView(WerkplekPage, View):
    permission_required = 'haarlem_partners.record_review'

    def post(self, request, pk):
        review = get_object_or_404(Review, pk=pk)
        held_on = _date(request.POST.get('held_on'))
        try:
            reviews.record_meeting(review, request.POST.get('meeting_record'), held_on,
                                   request.POST.get('attendees', ''), user=request.user)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, 'error_dict') else {'meeting_record': exc.messages}
            if request.POST.get('held_on') and held_on is None:
                errors['held_on'] = ['Geen geldige datum.']
            return ReviewView().render_errors(request, pk, errors)
        messages.success(request, 'Het verslag is vastgelegd.')
        return redirect('partners_pages:review', pk=pk)


class ActionCreateView(WerkplekPage, View):
    permission_required = 'haarlem_partners.add_reviewaction'

    def post(self, request, pk):
        review = get_object_or_404(Review, pk=pk)
        try:
            reviews.add_action(review, request.POST.get('description'), request.POST.get('owner'),
                               _date(request.POST.get('due_date')), request.POST.get('owner_side', 'partner'),
                               request.POST.get('owner_email', ''), user=request.user)
        except ValidationError as exc:
            return ReviewView().render_errors(request, pk, {f'action_{k}': v for k, v in exc.message_dict.items()})
        messages.success(request, 'De afspraak is toegevoegd.')
        return redirect(reverse('partners_pages:review', args=[pk]) + '#afspraken')


class ActionStatusView(WerkplekPage, View):
    permission_required = 'haarlem_partners.change_reviewaction'

    def post(self, request, pk):
        action = get_object_or_404(ReviewAction, pk=pk)
        try:
            reviews.set_action_status(action, request.POST.get('status'), request.user, request.POST.get('note', ''))
            messages.success(request, 'De status van de afspraak is bijgewerkt.')
        except ValidationError as exc:
            messages.error(request, ' '.join(exc.messages))
        target = request.POST.get('next') or reverse('partners_pages:review', args=[action.review_id])
        if not target.startswith('/werkplek/'):
            raise PermissionDenied
        return redirect(target)


