from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    verbose_name = 'Klachten'
    name = 'signals_haarlem.complaints'
    label = 'haarlem_complaints'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from signals_haarlem.werkplek import nav

        from . import receivers
        receivers.connect()
        nav.register('Klacht registreren', 'complaints_pages:intake', permission='haarlem_complaints.register_complaint',
                     order=30)
        nav.register('Mijn klachten', 'complaints_pages:mine', permission='haarlem_complaints.handle_complaint',
                     order=31)
        nav.register('Klachtenoverzicht', 'complaints_pages:overview',
                     permission='haarlem_complaints.coordinate_complaints', order=32)
        nav.register('Klachtenregister', 'complaints_pages:register',
                     permission='haarlem_complaints.view_complaint_register', order=33)
        nav.register('Klachtrapportages', 'complaints_pages:reports',
                     permission='haarlem_complaints.view_complaint_reports', order=34)
