"""Team Monitoring no longer sees every category: the role "Monitoring" loses "see all categories", and
the team sees signals through the categories it is listed at (every one but Klacht, fixtures/categories.json;
run `manage.py load_haarlem_fixtures` after this migration). Complaint data is for the complaint roles.
Only the role of that name, as the fixtures made it; nothing else changes, and going back restores it."""
from django.db import migrations

ROLE = 'Monitoring'
PERMISSION = ('signals', 'sia_can_view_all_categories')


def _permission(apps):
    Permission = apps.get_model('auth', 'Permission')
    return Permission.objects.filter(content_type__app_label=PERMISSION[0], codename=PERMISSION[1]).first()


def forwards(apps, schema_editor):
    permission = _permission(apps)
    if permission is not None:
        for group in apps.get_model('auth', 'Group').objects.filter(name=ROLE):
            group.permissions.remove(permission)


def backwards(apps, schema_editor):
    permission = _permission(apps)
    if permission is not None:
        for group in apps.get_model('auth', 'Group').objects.filter(name=ROLE):
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ('haarlem_complaints', '0002_contact_removed_at'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
