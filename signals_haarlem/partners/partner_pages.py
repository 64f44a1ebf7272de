"""The partner's own pages behind a signed link (no login): answer a forwarded job, deliver figures.

Links are single-purpose (salted per purpose), expire, and are refused once used or revoked, with a
clear Dutch page (403 tampered, 410 expired/used). The pages use their own minimal layout, are never
cached or indexed, and send no Referer to other sites (the link is the key).
"""
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.views import View

from . import figures, links, services
from .models import FigureReport, ForwardAnswer

app_name = 'partner_pages'


def _private(response):
    response['Cache-Control'] = 'no-store, private'
    response['Referrer-Policy'] = 'same-origin'  # no-referrer would make the form's Origin "null" (CSRF)
    response['X-Robots-Tag'] = 'noindex, nofollow'
    return response


def refused(request, exc):
    return _private(render(request, 'partners/partner/refused.html', {'title': exc.title, 'message': exc.message},
                           status=exc.status))


class DutchView(View):
    def dispatch(self, request, *args, **kwargs):
        with translation.override('nl'):
            return super().dispatch(request, *args, **kwargs)


class ForwardPage(DutchView):
    def get(self, request, token):
        try:
            forward = links.resolve_forward(token)
        except links.LinkRefused as exc:
            return refused(request, exc)
        return self.page(request, forward)

    def page(self, request, forward, errors=None, data=None, status=200):
        context = {'forward': forward, 'job': services.job_for_partner(forward), 'partner': forward.partner,
                   'errors': errors or {}, 'data': data or {}, 'max_photos': services.MAX_PHOTOS,
                   'max_mb': services.max_photo_bytes() // (1024 * 1024)}
        return _private(render(request, 'partners/partner/forward.html', context, status=status))

    def post(self, request, token):
        try:
            forward = links.resolve_forward(token)
        except links.LinkRefused as exc:
            return refused(request, exc)
        resolved = request.POST.get('resolved')
        try:
            if resolved not in ('ja', 'nee'):
                # Report every problem at once: the other fields are checked too.
                errors = {'resolved': ['Geef aan of het probleem is opgelost.']}
                try:
                    services.validate_answer(request.POST.get('text'), request.FILES.getlist('photos'))
                except ValidationError as exc:
                    errors = {**exc.message_dict, **errors}
                raise ValidationError(errors)
            services.answer_forward(forward, request.POST.get('text'), request.FILES.getlist('photos'),
                                    resolved=resolved == 'ja', answered_by=request.POST.get('answered_by', ''),
                                    via=ForwardAnswer.VIA_LINK, token=token)
        except links.LinkRefused as exc:
            return refused(request, exc)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, 'error_dict') else {'text': exc.messages}
            if resolved not in ('ja', 'nee'):
                errors.setdefault('resolved', ['Geef aan of het probleem is opgelost.'])
            return self.page(request, forward, errors, request.POST, status=400)
        return _private(render(request, 'partners/partner/thanks.html', {'partner': forward.partner,
                                                                         'job': services.job_for_partner(forward)}))


FIELDS = [(column, label) for column, _, label, _ in figures.NUMBER_FIELDS]


class FiguresPage(DutchView):
    def get(self, request, token):
        try:
            request_ = links.resolve_figures_request(token)
        except links.LinkRefused as exc:
            return refused(request, exc)
        return self.page(request, request_)

    def page(self, request, figures_request, errors=None, data=None, status=200, saved=None):
        period = figures_request.period
        current = figures.current_reports([figures_request.partner_id], [period.start]) \
            .get((figures_request.partner_id, period.start))
        context = {'partner': figures_request.partner, 'period': period, 'fields': FIELDS, 'errors': errors or {},
                   'data': data or {}, 'current': current, 'saved': saved}
        return _private(render(request, 'partners/partner/figures.html', context, status=status))

    def post(self, request, token):
        try:
            figures_request = links.resolve_figures_request(token)
        except links.LinkRefused as exc:
            return refused(request, exc)
        data = {key: request.POST.get(key, '') for key in [c for c, _ in FIELDS] + ['themas', 'toelichting']}
        data['periode'] = figures_request.period.code  # the link is for one quarter only
        name = (request.POST.get('delivered_by') or '').strip()
        try:
            if not name:
                raise ValidationError({'delivered_by': ['Vul uw naam in.']})
            report = figures.deliver(data, f'{name} ({figures_request.partner.name})', FigureReport.VIA_FORM,
                                     partner=figures_request.partner)
        except ValidationError as exc:
            return self.page(request, figures_request, exc.message_dict, request.POST, status=400)
        return self.page(request, figures_request, saved=report)


urlpatterns = [
    path('opdracht/<str:token>/', ForwardPage.as_view(), name='forward'),
    path('cijfers/<str:token>/', FiguresPage.as_view(), name='figures'),
]

