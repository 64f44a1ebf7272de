"""Receivers of the standalone core's own hooks (mail to the reporter lives in `mail.py`)."""
from . import mail, managers

managers.create_initial.connect(mail.on_create_initial, dispatch_uid='signals_mail_create_initial')
managers.update_status.connect(mail.on_update_status, dispatch_uid='signals_mail_update_status')
