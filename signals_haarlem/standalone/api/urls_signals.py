"""The signal endpoints of the Signalen v1 API, mounted at /signals/v1/.

Paths accept an optional trailing slash, as upstream's (the frontend uses both forms).
"""
from django.urls import re_path

from . import reporter_links_views as reporter_links
from . import signals_exports as exports
from . import signals_public_views as public
from . import signals_views as private

ID = r'(?P<pk>\d{1,18})'
SLUG = r'(?P<slug>[-\w]+)'
UUID = r'(?P<uuid>[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})'

urlpatterns = [
    # public
    re_path(r'^public/terms/categories/?$', public.PublicCategoryList.as_view(), name='signals-v1-public-categories'),
    re_path(rf'^public/terms/categories/{SLUG}/?$', public.PublicCategoryDetail.as_view(),
            name='signals-v1-public-category'),
    re_path(rf'^public/terms/categories/{SLUG}/sub_categories/?$', public.PublicSubCategoryList.as_view(),
            name='signals-v1-public-sub-categories'),
    re_path(rf'^public/terms/categories/{SLUG}/sub_categories/(?P<sub_slug>[-\w]+)/?$',
            public.PublicSubCategoryDetail.as_view(), name='signals-v1-public-sub-category'),
    re_path(r'^public/signals/?$', public.PublicSignalCreate.as_view(), name='signals-v1-public-signals'),
    re_path(r'^public/signals/geography/?$', public.PublicSignalGeography.as_view(),
            name='signals-v1-public-geography'),
    re_path(rf'^public/signals/{UUID}/?$', public.PublicSignalDetail.as_view(), name='signals-v1-public-signal'),
    re_path(rf'^public/signals/{UUID}/attachments/?$', public.PublicSignalAttachments.as_view(),
            name='signals-v1-public-signal-attachments'),
    re_path(r'^public/feedback/forms/(?P<token>[-\w]{1,120})/?$', reporter_links.FeedbackForm.as_view(),
            name='signals-v1-public-feedback-form'),
    re_path(r'^public/feedback/standard_answers/?$', reporter_links.StandardAnswers.as_view(),
            name='signals-v1-public-feedback-standard-answers'),
    re_path(r'^public/reporter/verify-email/?$', reporter_links.ReporterEmailVerification.as_view(),
            name='signals-v1-public-reporter-verify-email'),

    # private
    re_path(r'^private/signals/?$', private.SignalList.as_view(), name='signals-v1-private-signals'),
    re_path(r'^private/signals/geography/?$', private.SignalGeography.as_view(),
            name='signals-v1-private-geography'),
    re_path(rf'^private/signals/{ID}/?$', private.SignalDetail.as_view(), name='signals-v1-private-signal'),
    re_path(rf'^private/signals/{ID}/history/?$', private.SignalHistory.as_view(),
            name='signals-v1-private-signal-history'),
    re_path(rf'^private/signals/{ID}/attachments/?$', private.SignalAttachments.as_view(),
            name='signals-v1-private-signal-attachments'),
    re_path(rf'^private/signals/{ID}/attachments/(?P<attachment_pk>\d{{1,18}})/?$',
            private.SignalAttachmentDetail.as_view(), name='signals-v1-private-signal-attachment'),
    re_path(rf'^private/signals/{ID}/children/?$', private.SignalChildren.as_view(),
            name='signals-v1-private-signal-children'),
    re_path(rf'^private/signals/{ID}/context/?$', private.SignalContext.as_view(),
            name='signals-v1-private-signal-context'),
    re_path(rf'^private/signals/{ID}/context/reporter/?$', private.SignalContextReporter.as_view(),
            name='signals-v1-private-signal-context-reporter'),
    re_path(rf'^private/signals/{ID}/context/near/geography/?$', private.SignalContextNearGeography.as_view(),
            name='signals-v1-private-signal-context-near-geography'),
    re_path(rf'^private/signals/{ID}/reporters/?$', private.SignalReporters.as_view(),
            name='signals-v1-private-signal-reporters'),
    re_path(rf'^private/signals/{ID}/reporters/(?P<reporter_pk>\d{{1,18}})/cancel/?$',
            private.SignalReporterCancel.as_view(), name='signals-v1-private-signal-reporter-cancel'),
    re_path(rf'^private/signals/{ID}/email/preview/?$', private.SignalEmailPreview.as_view(),
            name='signals-v1-private-signal-email-preview'),
    re_path(rf'^private/signals/{ID}/pdf/?$', exports.SignalPdf.as_view(), name='signals-v1-private-signal-pdf'),
    re_path(r'^private/csv/?$', exports.SignalCsv.as_view(), name='signals-v1-private-csv'),
    re_path(r'^private/reports/signals/open/?$', exports.ReportOpenSignals.as_view(),
            name='signals-v1-private-report-open'),
    re_path(r'^private/reports/signals/reopen-requested/?$', exports.ReportReopenRequested.as_view(),
            name='signals-v1-private-report-reopen-requested'),
    re_path(r'^private/search/?$', private.SignalSearch.as_view(), name='signals-v1-private-search'),
]
