"""The partners at a glance (werkplek overview, API and the monitoring team): one row per partner."""
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from .models import Forward, Partner, Review, ReviewAction

ON_TIME_WINDOW_DAYS = 90


def overview_rows(today=None, now=None):
    """One row per partner: on-time share (last 90 days), open forwards, late actions, next review."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    since = now - timedelta(days=ON_TIME_WINDOW_DAYS)
    recent = Q(forwards__forwarded_at__gte=since)
    next_review = Review.objects.filter(partner=OuterRef('pk'), status=Review.PLANNED) \
        .order_by('planned_date').values('planned_date')[:1]
    partners = Partner.objects.annotate(
        open_forwards=Count('forwards', filter=Q(forwards__status=Forward.OPEN), distinct=True),
        open_late=Count('forwards', filter=Q(forwards__status=Forward.OPEN, forwards__response_due__lte=now),
                        distinct=True),
        answered_on_time=Count('forwards', filter=recent & Q(forwards__answer__response_on_time=True), distinct=True),
        measured=Count('forwards', filter=recent & (
            Q(forwards__status__in=(Forward.ANSWERED, Forward.EXPIRED))
            | Q(forwards__status=Forward.OPEN, forwards__response_due__lte=now)), distinct=True),
        next_review=Subquery(next_review),
    ).order_by('-is_active', 'name')
    late_actions = dict(ReviewAction.objects.filter(status__in=ReviewAction.UNFINISHED, due_date__lt=today)
                        .values_list('partner').annotate(n=Count('pk')).values_list('partner', 'n'))
    rows = []
    for partner in partners:
        share = partner.answered_on_time / partner.measured if partner.measured else None
        rows.append({'partner': partner, 'on_time_share': share, 'measured': partner.measured,
                     'open_forwards': partner.open_forwards, 'open_late': partner.open_late,
                     'late_actions': late_actions.get(partner.pk, 0), 'next_review': partner.next_review})
    return rows
