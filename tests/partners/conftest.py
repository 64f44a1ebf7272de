import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from signals_haarlem.partners.models import Partner, PartnerContact
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory, make_signal

REPORTER_EMAIL = 'jan.melder@example.com'
REPORTER_PHONE = '0612345678'

PNG = b'\x89PNG\r\n\x1a\n' + b'\x00\x00\x00\rIHDR' + b'\x00' * 200
JPEG = b'\xff\xd8\xff\xe0' + b'\x00' * 200


def png(name='foto.png', content=PNG):
    return SimpleUploadedFile(name, content, content_type='image/png')


def make_partner(code='SPL', name='Spaarnelanden NV', main_slug='afval', email='opdrachten@spaarnelanden.example',
                 **kwargs):
    department = DepartmentFactory(code=code, name=name, is_intern=False)
    partner = Partner.objects.create(name=name, code=code, department=department, email=email,
                                     domains=kwargs.pop('domains', ['afval']), **kwargs)
    if main_slug:
        from signals_haarlem import signalen
        Category = signalen.get_model('Category')
        main, _ = Category.objects.get_or_create(slug=main_slug, parent=None,
                                                 defaults={'name': main_slug.capitalize(), 'is_active': True})
        partner.categories.add(main)
    return partner


@pytest.fixture
def account_holder(db):
    return UserFactory(username='accounthouder@haarlem.nl', first_name='Anna', last_name='Accounthouder')


@pytest.fixture
def partner(db, account_holder):
    partner = make_partner(account_holder=account_holder, response_days=3, resolution_days=10)
    PartnerContact.objects.create(partner=partner, name='Piet Planner', email='planning@spaarnelanden.example',
                                  role=PartnerContact.ROLE_FORWARDS)
    PartnerContact.objects.create(partner=partner, name='Karin Klachten', email='klachten@spaarnelanden.example',
                                  role=PartnerContact.ROLE_FIGURES)
    return partner


@pytest.fixture
def other_partner(db):
    return make_partner(code='SRO', name='SRO Kennemerland', main_slug='sport', email='opdrachten@sro.example')


@pytest.fixture
def afval_category(db):
    return CategoryFactory(slug='container-vol', name='Container is vol', parent__slug='afval', parent__name='Afval')


@pytest.fixture
def signal(afval_category):
    return make_signal(afval_category, text='Container bij de Grote Markt is vol.',
                       reporter={'email': REPORTER_EMAIL, 'phone': REPORTER_PHONE})


@pytest.fixture
def staff(db):
    return UserFactory(username='behandelaar@haarlem.nl', permissions=[
        'signals.sia_read', 'signals.sia_can_view_all_categories',
        'haarlem_partners.view_partner', 'haarlem_partners.view_forward', 'haarlem_partners.add_forward',
        'haarlem_partners.withdraw_forward'])
