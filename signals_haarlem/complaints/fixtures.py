"""Reference data of the complaints app, loaded by `manage.py load_haarlem_fixtures` (idempotent):
the 22 norms of the Behoorlijkheidswijzer, default causes, default letter templates and the two
roles (Django groups) with their permissions. Running it twice changes nothing; letter templates an
admin has edited are never overwritten.
"""
from django.db import transaction

NORMS = [
    # (number, group, name, description)
    (1, 'A', 'Transparant', 'De overheid is open en voorspelbaar en informeert uit zichzelf over haar werkwijze.'),
    (2, 'A', 'Goede informatieverstrekking', 'De overheid geeft tijdig, juist en volledig informatie, zo nodig op maat.'),
    (3, 'A', 'Luisteren naar de burger', 'De overheid luistert echt en laat merken dat zij de burger begrijpt.'),
    (4, 'A', 'Goede motivering', 'De overheid legt haar beslissingen begrijpelijk uit.'),
    (5, 'B', 'Respecteren van grondrechten', 'De overheid respecteert de grondrechten van de burger.'),
    (6, 'B', 'Bevorderen van actieve deelname door de burger', 'De overheid betrekt de burger bij wat hem aangaat.'),
    (7, 'B', 'Fatsoenlijke bejegening', 'De overheid bejegent de burger beleefd, respectvol en behulpzaam.'),
    (8, 'B', 'Fair play', 'De overheid geeft de burger de gelegenheid om zijn procedurele kansen te benutten.'),
    (9, 'B', 'Evenredigheid', 'De overheid kiest geen middelen die zwaarder zijn dan nodig.'),
    (10, 'B', 'Bijzondere zorg', 'De overheid heeft extra aandacht voor burgers die dat nodig hebben.'),
    (11, 'C', 'Maatwerk', 'De overheid past regels niet blind toe maar kijkt naar de situatie van de burger.'),
    (12, 'C', 'Samenwerking', 'Overheidsinstanties werken samen en verwijzen de burger niet van het kastje naar de muur.'),
    (13, 'C', 'Coulante opstelling', 'De overheid stelt zich coulant op en erkent gemaakte fouten.'),
    (14, 'C', 'Voortvarendheid', 'De overheid handelt snel en doelgericht en houdt zich aan termijnen.'),
    (15, 'C', 'De-escalatie', 'De overheid voorkomt dat conflicten uit de hand lopen.'),
    (16, 'D', 'Integriteit', 'De overheid handelt eerlijk en oprecht, zonder oneigenlijke belangen.'),
    (17, 'D', 'Betrouwbaarheid', 'De overheid komt afspraken en toezeggingen na en wekt geen valse verwachtingen.'),
    (18, 'D', 'Onpartijdigheid', 'De overheid handelt onbevooroordeeld en laat geen vooringenomenheid zien.'),
    (19, 'D', 'Redelijkheid', 'De overheid weegt belangen redelijk af en komt tot een redelijke uitkomst.'),
    (20, 'D', 'Goede voorbereiding', 'De overheid verzamelt de nodige kennis en onderzoekt zorgvuldig.'),
    (21, 'D', 'Goede organisatie', 'De overheid zorgt dat haar administratie en processen op orde zijn.'),
    (22, 'D', 'Professionaliteit', 'Medewerkers zijn deskundig en handelen zoals van een professional verwacht mag worden.'),
]

CAUSES = [
    ('communicatie', 'Communicatie en informatie', 'Onduidelijke, onvolledige of te late informatie.'),
    ('bejegening', 'Houding en bejegening', 'De manier waarop een medewerker met de inwoner omging.'),
    ('doorlooptijd', 'Doorlooptijd en termijnen', 'Te lang wachten, termijnen of afspraken niet gehaald.'),
    ('proces', 'Werkproces of procedure', 'Het proces werkte niet goed of paste niet bij de situatie.'),
    ('uitvoering', 'Kwaliteit van de uitvoering', 'Het werk zelf is niet (goed) uitgevoerd.'),
    ('samenwerking', 'Samenwerking en overdracht', 'Tussen afdelingen of met een ketenpartner ging het mis.'),
    ('systeem', 'Systemen en registratie', 'Fouten of beperkingen in systemen of de administratie.'),
    ('beleid', 'Beleid en regels', 'De uitkomst volgt uit beleid of regels die knellen.'),
    ('geen', 'Geen tekortkoming vastgesteld', 'De gemeente heeft zich behoorlijk gedragen.'),
]

TEMPLATES = {
    'acknowledgement': (
        'Ontvangstbevestiging van uw klacht',
        '{{ aanhef }},\n\n'
        'Op {{ datum_ontvangst }} hebben wij uw klacht ontvangen over: {{ onderwerp }}. Uw klacht heeft nummer '
        '{{ klachtnummer }}; wilt u dat nummer noemen als u contact met ons opneemt?\n\n'
        'Wij behandelen uw klacht volgens hoofdstuk 9 van de Algemene wet bestuursrecht en de Klachtenregeling '
        'gemeente Haarlem. Uw klacht wordt behandeld door iemand die niet betrokken was bij de gedraging waarover u '
        'klaagt. U krijgt de gelegenheid om uw klacht toe te lichten. U ontvangt uiterlijk op {{ termijn }} ons '
        'oordeel over uw klacht.\n\n'
        'Vaak is een klacht het snelst opgelost in een gesprek. Daarom nemen wij binnen vijf werkdagen contact met '
        'u op.'),
    'copy': (
        'Afschrift van een klacht over uw handelen',
        'Beste {{ aan }},\n\n'
        'Op {{ datum_ontvangst }} heeft de gemeente een klacht ontvangen over een gedraging waarbij u betrokken was '
        '(klachtnummer {{ klachtnummer }}). Volgens artikel 9:9 van de Algemene wet bestuursrecht ontvangt u een '
        'afschrift van de klacht.\n\n'
        'Onderwerp: {{ onderwerp }}\n'
        'Datum van de gedraging: {{ datum_gedraging|default:"onbekend" }}\n\n'
        'De klacht:\n{{ gedraging }}\n\n'
        'U krijgt de gelegenheid uw kant van de zaak te vertellen. De klachtbehandelaar neemt contact met u op.'),
    'extension': (
        'Verdaging van de afhandeling van klacht {{ klachtnummer }}',
        '{{ aanhef }},\n\n'
        'Wij hadden u uiterlijk op {{ vorige_termijn }} ons oordeel over klacht {{ klachtnummer }} ({{ onderwerp }}) '
        'willen geven. Dat lukt helaas niet. De reden: {{ reden }}\n\n'
        'Wij verdagen de afhandeling daarom met {{ verdaging_weken }} weken, zoals artikel 9:11 lid 2 van de '
        'Algemene wet bestuursrecht toestaat. U ontvangt ons oordeel uiterlijk op {{ termijn }}.'),
    'forwarded': (
        'Uw brief is doorgestuurd',
        '{{ aanhef }},\n\n'
        'Op {{ datum_ontvangst }} ontvingen wij uw brief over: {{ onderwerp }}. De gemeente Haarlem is niet bevoegd om '
        'hierover te beslissen. Daarom hebben wij uw brief doorgestuurd naar {{ doorgezonden_aan }} (artikel 2:3 '
        'van de Algemene wet bestuursrecht). U hoort verder van hen.\n\n{{ toelichting }}'),
    'not_a_complaint': (
        'Uw bericht van {{ datum_ontvangst }}',
        '{{ aanhef }},\n\n'
        'Op {{ datum_ontvangst }} ontvingen wij uw bericht over: {{ onderwerp }}. Wij behandelen uw bericht niet als '
        'klacht over een gedraging, maar als: {{ classificatie }}.\n\n{{ toelichting }}'),
    'not_handled': (
        'Wij nemen uw klacht niet in behandeling',
        '{{ aanhef }},\n\n'
        'Op {{ datum_ontvangst }} ontvingen wij uw klacht over: {{ onderwerp }} (klachtnummer {{ klachtnummer }}). '
        'Wij nemen uw klacht niet in behandeling op grond van artikel 9:8 van de Algemene wet bestuursrecht: '
        '{{ grond }}.\n\n{{ toelichting }}'),
    'hearing_invitation': (
        'Uitnodiging voor een gesprek over klacht {{ klachtnummer }}',
        '{{ aanhef }},\n\n'
        'Over klacht {{ klachtnummer }} ({{ onderwerp }}) willen wij graag met u in gesprek. U krijgt zo de '
        'gelegenheid om te worden gehoord (artikel 9:10 van de Algemene wet bestuursrecht).\n\n'
        'Datum en tijd: {{ hoorzitting }}\nPlaats: {{ hoorzitting_plaats }}\n\n'
        'Van het gesprek wordt een verslag gemaakt. Kunt u niet op dit moment, of wilt u liever niet gehoord worden? '
        'Laat het ons dan zo snel mogelijk weten.'),
    'resolved': (
        'Uw klacht is opgelost',
        '{{ aanhef }},\n\n'
        'U heeft ons laten weten dat uw klacht {{ klachtnummer }} ({{ onderwerp }}) naar tevredenheid is opgelost. '
        'Daarmee eindigt de klachtprocedure (artikel 9:5 van de Algemene wet bestuursrecht).\n\n{{ toelichting }}\n\n'
        'Klopt dit niet? Neem dan binnen twee weken contact met ons op, dan behandelen wij uw klacht alsnog.'),
    'conclusion': (
        'Afhandeling van uw klacht {{ klachtnummer }}',
        '{{ aanhef }},\n\n'
        'Op {{ datum_ontvangst }} ontvingen wij uw klacht over: {{ onderwerp }}. In deze brief leest u wat wij hebben '
        'onderzocht en wat ons oordeel is.\n\n'
        'Bevindingen\n{{ bevindingen }}\n\n'
        'Oordeel\nWij vinden uw klacht {{ oordeel }}.\n\n'
        '{% if conclusies %}Conclusies\n{{ conclusies }}\n\n{% endif %}'
        '{% if maatregelen %}Wat wij gaan doen\n{% for m in maatregelen %}- {{ m }}\n{% endfor %}\n{% endif %}'
        'Wij danken u voor uw klacht. Zo kunnen wij onze dienstverlening verbeteren.'),
}

ROLES = {
    'Klachtcoördinator': [
        'register_complaint', 'handle_complaint', 'coordinate_complaints', 'view_complaint_register',
        'view_complaint_reports', 'view_complaint', 'view_lettertemplate', 'change_lettertemplate',
        'view_norm', 'view_cause', 'view_improvementmeasure', 'change_improvementmeasure',
    ],
    'Klachtbehandelaar': ['register_complaint', 'handle_complaint', 'view_norm', 'view_cause'],
    'Klachtregistratie (intake)': ['register_complaint'],
    'Klachtrapportage (lezen)': ['view_complaint_reports'],
}


def default_template(kind):
    """An unsaved template with the default text of `kind` (used when none is in the database)."""
    from .models import LetterTemplate
    subject, body = TEMPLATES[kind]
    return LetterTemplate(kind=kind, subject=subject, body=body)


@transaction.atomic
def load(stdout=None):
    from django.contrib.auth.models import Group, Permission

    from .models import Cause, LetterTemplate, Norm

    for number, group, name, description in NORMS:
        Norm.objects.get_or_create(number=number, defaults={'group': group, 'name': name,
                                                               'description': description})
    for order, (code, name, description) in enumerate(CAUSES):
        Cause.objects.get_or_create(code=code, defaults={'name': name, 'description': description, 'order': order})
    for kind, (subject, body) in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={'subject': subject, 'body': body,
                                                                  'updated_by': 'standaardtekst'})
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label='haarlem_complaints', codename__in=codenames)
        group.permissions.add(*perms)
    if stdout is not None:
        stdout.write(f'Klachten: {len(NORMS)} normen, {len(CAUSES)} oorzaken, {len(TEMPLATES)} briefsjablonen, '
                     f'{len(ROLES)} rollen.\n')
