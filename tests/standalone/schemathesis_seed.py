"""Run inside the server's environment (manage.py shell) before schemathesis: demo data, a superuser with
a bearer token, a partner token, and the ids of existing objects per path parameter (for
schemathesis_hooks.py). Prints them as one JSON object."""
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from signals_haarlem.complaints.models import Complaint, ImprovementMeasure, Letter, OmbudsmanCase
from signals_haarlem.monitoring.services import FIGURES
from signals_haarlem.partners.models import FigureReport, Forward, Partner, PartnerToken, Review, ReviewAction
from signals_haarlem.standalone.auth import issue_token
from signals_haarlem.standalone.models import (
    Attachment, Category, Department, Feedback, Reporter, Signal, Source, StoredSignalFilter,
)
from signals_haarlem.triage.models import Area, Lane, Rule

#: Far above the ids the generator likes, so generated PATCHes on users/{id} meet other accounts.
SUPERUSER_PK = 987654321


def first(queryset, field='pk'):
    row = queryset.order_by('pk').values_list(field, flat=True).first()
    return str(row) if field not in ('pk', 'id') and row is not None else row


def main():
    call_command('seed_demo', '150', '--seed', '3', '--no-progress', verbosity=0)
    User = get_user_model()
    superuser = User.objects.create(id=SUPERUSER_PK, username='schemathesis@haarlem.nl',
                                    email='schemathesis@haarlem.nl', is_staff=True, is_superuser=True)
    StoredSignalFilter.objects.create(created_by=superuser, name='Mijn filter', options={'status': ['m']})
    partner = Partner.objects.filter(forwards__isnull=False).order_by('pk').first() or Partner.objects.first()
    _, partner_token = PartnerToken.issue(partner, 'schemathesis')
    spare, _ = PartnerToken.issue(partner, 'reserve')  # the one the staff run may revoke
    sub = Category.objects.filter(parent__isnull=False, is_active=True).order_by('pk').first()
    known = {
        'complaints/id': first(Complaint.objects), 'letters/id': first(Letter.objects),
        'measures/id': first(ImprovementMeasure.objects), 'ombudsman/id': first(OmbudsmanCase.objects),
        'figures/key': sorted(FIGURES)[0], 'figures/id': first(FigureReport.objects),
        'actions/id': first(ReviewAction.objects), 'reviews/id': first(Review.objects),
        'forwards/id': first(Forward.objects), 'forwards/uuid': first(partner.forwards, 'uuid'),
        'register/id': partner.pk, 'tokens/token_id': spare.pk,
        'areas/code': first(Area.objects, 'code'), 'lanes/code': first(Lane.objects, 'code'),
        'queues/code': first(Lane.objects, 'code'), 'rules/id': first(Rule.objects),
        'categories/id': sub.pk, 'categories/slug': sub.parent.slug, 'sub_categories/sub_slug': sub.slug,
        'signals/id': first(Signal.objects), 'signals/uuid': first(Signal.objects, 'signal_id'),
        'attachments/attachment_pk': first(Attachment.objects), 'reporters/reporter_pk': first(Reporter.objects),
        'departments/id': first(Department.objects), 'sources/id': first(Source.objects),
        'filters/id': first(StoredSignalFilter.objects), 'users/id': first(User.objects.exclude(pk=SUPERUSER_PK)),
        'roles/id': first(Group.objects), 'permissions/id': first(Permission.objects),
        'forms/token': first(Feedback.objects, 'token'),
    }
    print(json.dumps({'token': issue_token(superuser), 'partner_token': partner_token,
                      'known': {key: value for key, value in known.items() if value is not None}}))
