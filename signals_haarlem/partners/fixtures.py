"""Haarlem's partner register (`manage.py load_haarlem_fixtures` calls `load()`). Idempotent.

A partner that exists already is left as an administrator may have changed it; only an empty set of
categories is filled (categories may be loaded after the partners on a first run). The e-mail
addresses are placeholders (`.example`): the administrator enters the real ones.
"""
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from signals_haarlem import signalen

from . import periods
from .models import Partner

PARTNERS = [
    {'code': 'SPL', 'name': 'Spaarnelanden NV', 'department': 'Spaarnelanden',
     'description': 'Overheids-NV van Haarlem (90%) en Zandvoort: afvalinzameling en reiniging, groen en spelen, '
                    'parkeren, coördinatie van meldingen, bestrating en wagenpark.',
     'domains': ['afval en reiniging', 'groen en spelen', 'parkeren', 'coördinatie meldingen', 'bestrating',
                 'wagenpark'],
     'categories': ['afval', 'schoon', 'openbaar-groen-en-water', 'groen-en-water'],
     'email': 'meldingen@spaarnelanden.example', 'response_days': 3, 'resolution_days': 10,
     'cadence': periods.QUARTER},
    {'code': 'SRO', 'name': 'SRO Kennemerland', 'department': 'SRO Kennemerland',
     'description': 'Sportaccommodaties en, sinds 2023, de gemeentelijke vastgoedportefeuille.',
     'domains': ['sportaccommodaties', 'gemeentelijk vastgoed'], 'categories': [],
     'email': 'meldingen@sro.example', 'response_days': 5, 'resolution_days': 20, 'cadence': periods.QUARTER},
    {'code': 'CCS', 'name': 'Cocensus', 'department': 'Cocensus',
     'description': 'Gemeentelijke belastingen: WOZ, aanslagen, bezwaren en invordering.',
     'domains': ['WOZ', 'belastingaanslagen', 'bezwaren', 'invordering'], 'categories': [],
     'email': 'klantcontact@cocensus.example', 'response_days': 5, 'resolution_days': 30,
     'cadence': periods.HALF_YEAR},
    {'code': 'SPW', 'name': 'Spaarne Werkt', 'department': 'Spaarne Werkt',
     'description': 'Participatiebedrijf (opvolger van Paswerk).',
     'domains': ['participatie', 'werk en re-integratie'], 'categories': [],
     'email': 'info@spaarnewerkt.example', 'response_days': 5, 'resolution_days': 20, 'cadence': periods.HALF_YEAR},
    {'code': 'HEF', 'name': 'Haarlem Effect', 'department': 'Haarlem Effect',
     'description': 'Welzijnsorganisatie van de sociale basis.',
     'domains': ['welzijn', 'sociale basis'], 'categories': [],
     'email': 'info@haarlemeffect.example', 'response_days': 5, 'resolution_days': 20, 'cadence': periods.HALF_YEAR},
    {'code': 'DCK', 'name': 'DOCK Haarlem', 'department': 'DOCK Haarlem',
     'description': 'Welzijnsorganisatie van de sociale basis.',
     'domains': ['welzijn', 'sociale basis', 'buurtwerk'], 'categories': [],
     'email': 'haarlem@dock.example', 'response_days': 5, 'resolution_days': 20, 'cadence': periods.HALF_YEAR},
]

P = 'haarlem_partners.'
#: Suggested roles for this app (Django groups). The project's roles.json may grant more.
GROUPS = {
    'Partners: accounthouder': [
        'view_partner', 'view_partnercontact', 'view_forward', 'add_forward', 'withdraw_forward',
        'view_figurereport', 'add_figurereport', 'view_review', 'add_review', 'change_review', 'record_review',
        'view_reviewaction', 'add_reviewaction', 'change_reviewaction'],
    'Partners: doorzetten': ['view_partner', 'view_forward', 'add_forward', 'withdraw_forward'],
    'Partners: inzien': ['view_partner', 'view_partnercontact', 'view_forward', 'view_figurereport', 'view_review',
                         'view_reviewaction'],
    'Partners: beheer': [
        'view_partner', 'add_partner', 'change_partner', 'delete_partner', 'view_partnercontact',
        'add_partnercontact', 'change_partnercontact', 'delete_partnercontact', 'manage_partner_tokens',
        'view_partnertoken'],
}


def load(stdout=None):
    Department = signalen.get_model('Department')
    Category = signalen.get_model('Category')
    created = linked = 0
    with transaction.atomic():
        for spec in PARTNERS:
            department, _ = Department.objects.get_or_create(
                code=spec['code'], defaults={'name': spec['department'], 'is_intern': False, 'can_direct': False})
            partner, was_created = Partner.objects.get_or_create(code=spec['code'], defaults={
                'name': spec['name'], 'department': department, 'description': spec['description'],
                'domains': spec['domains'], 'email': spec['email'], 'response_days': spec['response_days'],
                'resolution_days': spec['resolution_days'], 'review_cadence': spec['cadence']})
            created += was_created
            if spec['categories'] and not partner.categories.exists():
                found = list(Category.objects.filter(parent__isnull=True, slug__in=spec['categories']))
                partner.categories.add(*found)
                linked += len(found)
        for name, codenames in GROUPS.items():
            group, _ = Group.objects.get_or_create(name=name)
            wanted = set(Permission.objects.filter(content_type__app_label='haarlem_partners', codename__in=codenames))
            missing = wanted - set(group.permissions.all())
            if missing:
                group.permissions.add(*missing)
    result = {'partners created': created, 'present': len(PARTNERS) - created, 'categories linked': linked}
    if stdout is not None:
        stdout.write(', '.join(f'{k}: {v}' for k, v in result.items()))
    return result
