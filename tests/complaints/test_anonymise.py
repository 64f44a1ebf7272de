"""The publication export removes personal details of complainants and employees."""

from django.utils import timezone

from signals_haarlem.complaints import reports, services, workflow
from signals_haarlem.complaints.anonymise import Anonymiser

from .conftest import move

TEXT = ('Mevrouw Petra de Vries (Zijlweg 12, 2013 DE Haarlem, tel. 06-12345678, petra.devries@example.com, '
        'BSN 123456782, IBAN NL91 ABNA 0417 1643 00) klaagt dat Jan Jansen van het KCC haar op 3 maart uitlachte. '
        'De heer Jansen ontkent. Ook collega dhr. P. van der Berg was erbij; bel +31 23 511 5115.')


def test_patterns_and_names_are_removed():
    clean = Anonymiser({'Petra de Vries', 'de Vries', 'Jan Jansen', 'Jansen'})(TEXT)
    for secret in ('Petra', 'Vries', 'Zijlweg 12', '2013 DE', '06-12345678', 'petra.devries@example.com', '123456782',
                   'NL91', 'Jansen', 'van der Berg', '511 5115'):
        assert secret not in clean, (secret, clean)
    assert 'KCC' in clean and '3 maart' in clean and 'uitlachte' in clean
    assert '[naam]' in clean and '[telefoonnummer]' in clean and '[adres]' in clean and '[e-mailadres]' in clean


def test_publication_export_is_anonymised(make_complaint, coordinator, handler, employee):
    complaint = make_complaint(employee=employee, conduct_description=TEXT)
    services.assign(complaint, handler, coordinator)
    services.record_copy_sent(complaint, handler, sent_on='2025-03-04')
    move(complaint, [workflow.ACKNOWLEDGED, workflow.IN_TREATMENT, workflow.HEARING_WAIVED], handler)
    services.transition(complaint, workflow.CONCLUDED, handler, data={
        'findings': 'Hans Handelaar sprak Jan Jansen en mevrouw De Vries; zij woont op de Zijlweg 12.',
        'judgement': 'gegrond', 'norms': [7], 'cause': 'bejegening',
        'conclusions': 'Excuses aan mevrouw De Vries.'})
    year = timezone.localdate().year
    data = reports.publication_csv(year).decode('utf-8-sig')
    assert complaint.reference in data and 'Gegrond' in data and 'Fatsoenlijke bejegening' in data
    for secret in ('Petra', 'Vries', 'Jansen', 'Handelaar', 'Zijlweg', '06-12345678', 'example.com', '123456782'):
        assert secret not in data, secret


def test_unconcluded_complaints_are_not_published(make_complaint, coordinator):
    complaint = make_complaint()
    services.transition(complaint, workflow.NOT_HANDLED, coordinator, data={'ground': 'b', 'explanation': 'Oud.'})
    assert reports.publication_rows(timezone.localdate().year) == []
