"""Test data built through the same paths production uses (`Signal.actions` for signals)."""
import itertools
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from signals_haarlem import signalen

_seq = itertools.count(1)

# Points in Haarlem (lon, lat).
GROTE_MARKT = (4.6368, 52.3812)
STATION = (4.6365, 52.3874)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = signalen.get_model('Department')
        django_get_or_create = ('code',)

    code = factory.Sequence(lambda n: f'D{n:02d}')
    name = factory.LazyAttribute(lambda o: f'Afdeling {o.code}')
    is_intern = True
    can_direct = False


class MainCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = signalen.get_model('Category')
        django_get_or_create = ('slug', 'parent')
        skip_postgeneration_save = True

    parent = None
    slug = factory.Sequence(lambda n: f'hoofd-{n}')
    name = factory.LazyAttribute(lambda o: o.slug.replace('-', ' ').capitalize())
    is_active = True
    is_public_accessible = True

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        """Signalen may hold this category already (upstream's migrations load Amsterdam's tree, with
        slugs like 'afval' and 'boom'): make it the category the test describes."""
        category = super()._get_or_create(model_class, *args, **kwargs)
        changed = [name for name, value in kwargs.items()
                   if name not in ('slug', 'parent') and getattr(category, name) != value]
        for name in changed:
            setattr(category, name, kwargs[name])
        if changed:
            category.save(update_fields=changed)
        return category


class CategoryFactory(MainCategoryFactory):
    """A sub category with a service norm (n_days working days) and optionally departments."""
    parent = factory.SubFactory(MainCategoryFactory)
    slug = factory.Sequence(lambda n: f'sub-{n}')
    handling_message = 'We pakken uw melding binnen 3 werkdagen op.'

    @factory.post_generation
    def n_days(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            signalen.get_model('ServiceLevelObjective').objects.create(
                category=obj, n_days=3 if extracted is None else extracted, use_calendar_days=False)

    @factory.post_generation
    def departments(obj, create, extracted, **kwargs):
        if create and extracted:
            CategoryDepartment = signalen.get_model('CategoryDepartment')
            CategoryDepartment.objects.filter(category=obj).delete()
            for department in extracted:
                CategoryDepartment.objects.create(category=obj, department=department, is_responsible=True,
                                                  can_view=True)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ('username',)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f'medewerker{n}@haarlem.nl')
    email = factory.LazyAttribute(lambda o: o.username)
    is_active = True

    @factory.post_generation
    def departments(obj, create, extracted, **kwargs):
        if create:
            Profile = signalen.get_model('Profile')
            profile, _ = Profile.objects.get_or_create(user=obj)
            if extracted:
                profile.departments.set(extracted)

    @factory.post_generation
    def permissions(obj, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Permission
            for codename in extracted:
                app_label, _, code = codename.rpartition('.')
                qs = Permission.objects.filter(codename=code)
                if app_label:
                    qs = qs.filter(content_type__app_label=app_label)
                obj.user_permissions.add(*qs)


def make_signal(category=None, text='Er ligt afval naast de container.', point=GROTE_MARKT, reporter=None,
                created_at=None, type_code='SIG', priority='normal', source='online', state=None, user=None,
                parent=None, address=None):
    """A signal created with Signal.actions.create_initial (and optionally moved to `state`). `address`
    as the frontend sends it: {'openbare_ruimte', 'huisnummer', 'postcode', 'woonplaats'}."""
    category = category or CategoryFactory()
    signal_data = {'text': text, 'incident_date_start': created_at or timezone.now(), 'source': source}
    if created_at is not None:
        signal_data['created_at'] = created_at
    if parent is not None:
        signal_data['parent'] = parent
    signal = signalen.get_model('Signal').actions.create_initial(
        signal_data,
        _location(point, address),
        {'state': 'm', 'user': user},
        {'category': category, 'created_by': user},
        reporter if reporter is not None else {'email': f'melder{next(_seq)}@example.com', 'phone': '0612345678'},
        {'priority': priority},
        {'name': type_code},
    )
    if created_at is not None and signalen.UPSTREAM:
        # Upstream's Signal.created_at is auto_now_add: date the report back afterwards, as its imports do.
        signalen.get_model('Signal').objects.filter(pk=signal.pk).update(created_at=created_at)
        signal.created_at = created_at
    if state and state != 'm':
        signalen.set_status(signal, state, 'Tekst bij status', user=user)
    return signal


def _location(point, address):
    location = {'geometrie': signalen.point(*point)}
    if address:
        location['address'] = address
        if not signalen.UPSTREAM:  # upstream's Location writes its address_text itself, in this form
            location['address_text'] = ' '.join(str(address[key]) for key in
                                                ('openbare_ruimte', 'huisnummer', 'postcode', 'woonplaats')
                                                if address.get(key))
    return location


def address(street, number, postcode='', city='Haarlem'):
    return {'openbare_ruimte': street, 'huisnummer': number, 'postcode': postcode, 'woonplaats': city}


def refuse_contact(signal):
    """The reporter no longer wants to be contacted: on the standalone core a reporter record that says
    so; in upstream Signalen a submitted feedback form that says so (upstream reads it from there)."""
    if signalen.UPSTREAM:
        signalen.get_model('Feedback').objects.create(_signal=signal, submitted_at=timezone.now(),
                                                       is_satisfied=False, allows_contact=False)
    else:
        email, phone = signalen.reporter_contact(signal)
        signalen.actions().update_reporter({'email': email, 'phone': phone, 'allows_contact': False}, signal)
    return signal


def days_ago(n):
    return timezone.now() - timedelta(days=n)
