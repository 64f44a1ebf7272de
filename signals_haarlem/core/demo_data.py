"""Static material for the demo data (`manage.py seed_demo`): Haarlem's districts, neighbourhoods and
streets (approximate coordinates), how often each category is reported, and Dutch text templates.

Nothing here is real personal data; street names and districts are public facts, coordinates are
approximations good enough for a map.
"""

# Stadsdelen of Haarlem: code (the `area_code` of a signal's location, area type 'stadsdeel') -> name.
STADSDELEN = {
    'centrum': 'Centrum',
    'noord': 'Noord',
    'oost': 'Oost',
    'zuid-west': 'Zuid-West',
    'schalkwijk': 'Schalkwijk',
}

# Neighbourhoods: (buurt code, name, stadsdeel code, postcode digits, how busy (weight), streets)
# Each street: (name, lon, lat), a point on the street.
WIJKEN = [
    ('C01', 'Binnenstad', 'centrum', '2011', 3.0, [
        ('Grote Markt', 4.6368, 52.3812), ('Zijlstraat', 4.6330, 52.3820), ('Barteljorisstraat', 4.6362, 52.3826),
        ('Grote Houtstraat', 4.6340, 52.3790), ('Botermarkt', 4.6345, 52.3800),
        ('Gedempte Oude Gracht', 4.6350, 52.3775), ('Lange Veerstraat', 4.6395, 52.3805),
        ('Smedestraat', 4.6378, 52.3833), ('Spaarne', 4.6410, 52.3800), ('Anegang', 4.6380, 52.3795)]),
    ('C02', 'Stationsbuurt', 'centrum', '2011', 1.5, [
        ('Stationsplein', 4.6365, 52.3874), ('Kruisweg', 4.6362, 52.3858), ('Jansweg', 4.6385, 52.3865),
        ('Parklaan', 4.6330, 52.3860), ('Kenaupark', 4.6305, 52.3850)]),
    ('C03', 'Vijfhoek en Raaks', 'centrum', '2011', 1.0, [
        ('Drossestraat', 4.6300, 52.3835), ('Raaks', 4.6310, 52.3815), ('Zakstraat', 4.6305, 52.3830)]),
    ('C04', 'De Kamp en Heiliglanden', 'centrum', '2011', 1.2, [
        ('Gasthuisvest', 4.6340, 52.3760), ('Raamsingel', 4.6305, 52.3790), ('Kampervest', 4.6405, 52.3770),
        ('Houtplein', 4.6330, 52.3745), ('Nieuwe Gracht', 4.6395, 52.3850)]),
    ('N01', 'Kleverpark', 'noord', '2021', 1.5, [
        ('Kleverparkweg', 4.6400, 52.3930), ('Rijksstraatweg', 4.6420, 52.3990), ('Kleverlaan', 4.6310, 52.3930),
        ('Spaarndamseweg', 4.6440, 52.3950)]),
    ('N02', 'Indische buurt', 'noord', '2022', 1.2, [
        ('Generaal Cronjéstraat', 4.6330, 52.3920), ('Jan Gijzenkade', 4.6305, 52.3905),
        ('Schoterweg', 4.6340, 52.3950)]),
    ('N03', 'Planetenwijk', 'noord', '2024', 1.0, [
        ('Planetenlaan', 4.6255, 52.3990), ('Zaanenlaan', 4.6240, 52.3935), ('Bijdorplaan', 4.6270, 52.3960)]),
    ('N04', 'Delftwijk', 'noord', '2025', 1.2, [
        ('Delftlaan', 4.6305, 52.4040), ('Delftplein', 4.6310, 52.4050), ('Verspronckweg', 4.6300, 52.3990)]),
    ('O01', 'Amsterdamsewijk', 'oost', '2032', 1.3, [
        ('Amsterdamsevaart', 4.6530, 52.3840), ('Prins Bernhardlaan', 4.6510, 52.3800),
        ('Zomervaart', 4.6480, 52.3795)]),
    ('O02', 'Parkwijk', 'oost', '2031', 1.0, [
        ('Van Zeggelenplein', 4.6535, 52.3885), ('Oudeweg', 4.6560, 52.3895)]),
    ('O03', 'Slachthuisbuurt', 'oost', '2033', 1.2, [
        ('Oostvest', 4.6420, 52.3830), ('Gedempte Oostersingelgracht', 4.6465, 52.3820),
        ('Schalkwijkerstraat', 4.6445, 52.3765)]),
    ('O04', 'Waarderpolder', 'oost', '2031', 0.8, [
        ('Waarderweg', 4.6590, 52.3960), ('Vondelweg', 4.6510, 52.3970), ('Oudeweg', 4.6600, 52.3910)]),
    ('Z01', 'Leidsebuurt', 'zuid-west', '2013', 1.3, [
        ('Leidsevaart', 4.6245, 52.3720), ('Westergracht', 4.6250, 52.3810), ('Zijlweg', 4.6210, 52.3840),
        ('Pijlslaan', 4.6210, 52.3785)]),
    ('Z02', 'Den Hout', 'zuid-west', '2012', 1.0, [
        ('Dreef', 4.6350, 52.3710), ('Wagenweg', 4.6310, 52.3700), ('Kleine Houtweg', 4.6370, 52.3680),
        ('Van Oosten de Bruynstraat', 4.6370, 52.3740)]),
    ('Z03', 'Koninginnebuurt', 'zuid-west', '2012', 1.0, [
        ('Koninginneweg', 4.6290, 52.3730), ('Tempeliersstraat', 4.6300, 52.3790)]),
    ('Z04', 'Bosch en Vaart', 'zuid-west', '2014', 0.8, [
        ('Rustenburgerlaan', 4.6270, 52.3620), ('Floraplein', 4.6330, 52.3690)]),
    ('S01', 'Europawijk', 'schalkwijk', '2034', 1.5, [
        ('Europaweg', 4.6650, 52.3600), ('Briandlaan', 4.6660, 52.3650), ('Aziëweg', 4.6690, 52.3620)]),
    ('S02', 'Boerhaavewijk', 'schalkwijk', '2035', 1.4, [
        ('Boerhaavelaan', 4.6580, 52.3680), ('Floris van Adrichemlaan', 4.6620, 52.3710)]),
    ('S03', 'Meerwijk', 'schalkwijk', '2036', 1.4, [
        ('Marsmanplein', 4.6670, 52.3580), ('Schipholweg', 4.6700, 52.3700)]),
    ('S04', 'Molenwijk', 'schalkwijk', '2037', 1.0, [
        ('Amerikaweg', 4.6630, 52.3560)]),
]

# Haarlem's bounding box for the demo points (lon, lat).
BBOX = (4.60, 52.35, 4.68, 52.41)

# How often a sub category is reported, relative to each other (categories not listed: DEFAULT_WEIGHT).
# Shaped like a Dutch city's public-space reports: waste and containers first, then street lighting
# and paving, then green, nuisance and the rest.
DEFAULT_WEIGHT = 0.15
CATEGORY_WEIGHTS = {
    'grofvuil': 7, 'container-bijplaatsing': 6, 'huisafval': 5, 'container-is-vol': 5, 'veeg-zwerfvuil': 5,
    'container-voor-papier-is-vol': 4, 'container-glas-vol': 3, 'container-voor-plastic-afval-is-vol': 3,
    'prullenbak-is-vol': 3, 'container-is-kapot': 2, 'rolcontainer-is-vol': 2, 'rolcontainer-is-kapot': 2,
    'puin-sloopafval': 1, 'bruin-en-witgoed': 1, 'overig-afval': 1, 'asbest-accu': 0.3, 'kerstbomen': 0.5,
    'lantaarnpaal-straatverlichting': 8, 'onderhoud-stoep-straat-en-fietspad': 7, 'onderhoud-fietspad': 2,
    'verkeersbord-verkeersafzetting': 1.5, 'straatmeubilair': 1.5, 'put-riolering-verstopt': 1.5,
    'verkeerslicht': 1, 'fietsrek-nietje': 1, 'speelplaats': 1, 'verkeerssituaties': 1, 'parkeerautomaten': 0.6,
    'gladheid': 0.8, 'overig-wegen-verkeer-straatmeubilair': 1,
    'snoeien': 2, 'boom-overig': 2, 'maaien-snoeien': 1.5, 'boom': 1, 'onkruid': 1, 'beplanting': 0.8,
    'boom-stormschade': 0.6, 'eikenprocessierups': 0.8, 'boom-verzoek-inspectie': 0.6, 'overig-groen-en-water': 0.8,
    'veegzwerfvuil': 3, 'graffitiwildplak': 1, 'onkruid-verharding': 0.8, 'uitwerpselen': 0.5,
    'drijfvuil-bevaarbaar-water': 0.4, 'gladheid-winterdienst': 0.6,
    'fietswrak': 2.5, 'parkeeroverlast': 2, 'auto-scooter-bromfietswrak': 1, 'hinderlijk-geplaatst-object': 1,
    'hondenpoep': 1, 'graffiti-wildplak': 1, 'bouw-sloopoverlast': 0.7, 'deelfiets': 0.6,
    'stank-geluidsoverlast': 0.6, 'overig-openbare-ruimte': 0.6,
    'ratten': 1.5, 'dode-dieren': 0.7, 'meeuwen': 0.5, 'wespen': 0.4, 'duiven': 0.4, 'ganzen': 0.3,
    'jongerenoverlast': 0.8, 'drank-en-drugsoverlast': 0.5, 'vuurwerkoverlast': 0.3,
    'wildplassen-poepen-overgeven': 0.3,
    'overige-overlast-door-personen': 0.4,
    'geluidsoverlast-muziek': 0.7, 'overlast-terrassen': 0.3, 'geluidsoverlast-installaties': 0.3,
    'riolering-verstopte-kolk': 0.8, 'kades': 0.3, 'bruggen': 0.3,
    'overig': 2, 'overige-dienstverlening': 0.5,
}
# Seasonal categories: slug -> months (1-12) in which they are reported at all... mostly.
SEASONAL = {
    'gladheid': {12, 1, 2}, 'gladheid-winterdienst': {12, 1, 2}, 'gladheid-bladeren': {10, 11, 12},
    'kerstbomen': {12, 1}, 'vuurwerkoverlast': {12, 1}, 'overlast-door-afsteken-vuurwerk': {12, 1},
    'eikenprocessierups': {5, 6, 7, 8}, 'wespen': {7, 8, 9}, 'maaien-snoeien': {5, 6, 7, 8, 9},
    'boom-stormschade': {10, 11, 12, 1, 2, 3}, 'overlast-terrassen': {4, 5, 6, 7, 8, 9},
}
# Categories where the same problem is reported again and again at one spot.
REPEAT_PRONE = ['container-bijplaatsing', 'huisafval', 'grofvuil', 'container-is-vol', 'veeg-zwerfvuil',
                'lantaarnpaal-straatverlichting', 'onderhoud-stoep-straat-en-fietspad', 'fietswrak',
                'parkeeroverlast', 'ratten', 'jongerenoverlast', 'put-riolering-verstopt']

# Share of signals per source (names as fixtures/sources.json).
SOURCES = [('online', 70), ('Telefoon', 18), ('E-mail', 4), ('Balie', 1), ('Brief', 0.5), ('Webcare', 2),
           ('Interne melding', 2.5), ('Spaarnelanden', 2)]

# Demo staff: (email, first and last name, department code, role name). Unusable passwords.
STAFF = [
    ('a.bakker@haarlem.local', 'Anouk', 'Bakker', 'KCC', 'KCC-medewerker'),
    ('m.visser@haarlem.local', 'Mohamed', 'Visser', 'KCC', 'KCC-medewerker'),
    ('f.elamrani@haarlem.local', 'Fatima', 'El Amrani', 'KCC', 'KCC-medewerker'),
    ('j.devries@haarlem.local', 'Jeroen', 'de Vries', 'EEN', 'Behandelaar'),
    ('s.smit@haarlem.local', 'Sanne', 'Smit', 'EEN', 'Behandelaar'),
    ('r.meijer@haarlem.local', 'Rik', 'Meijer', 'EEN', 'Teamleider'),
    ('l.jansen@haarlem.local', 'Lotte', 'Jansen', 'CPX', 'Behandelaar'),
    ('t.vandijk@haarlem.local', 'Thomas', 'van Dijk', 'CPX', 'Behandelaar'),
    ('n.bos@haarlem.local', 'Nadia', 'Bos', 'CPX', 'Teamleider'),
    ('e.mulder@haarlem.local', 'Eva', 'Mulder', 'MTW', 'Behandelaar'),
    ('k.degroot@haarlem.local', 'Koen', 'de Groot', 'MON', 'Monitoring'),
    ('h.dekker@haarlem.local', 'Hanneke', 'Dekker', 'KLA', 'Klachtcoördinator'),
    ('p.verhoeven@haarlem.local', 'Pieter', 'Verhoeven', 'KLA', 'Klachtbehandelaar'),
]

FIRST_NAMES = ['jan', 'sophie', 'daan', 'emma', 'lucas', 'julia', 'sem', 'tess', 'milan', 'anna', 'noah', 'fenna',
               'youssef', 'sara', 'bram', 'lisa', 'ahmed', 'eva', 'kees', 'ingrid', 'mehmet', 'yara', 'wim', 'els']
LAST_NAMES = ['jansen', 'devries', 'bakker', 'visser', 'smit', 'meijer', 'mulder', 'bos', 'vos', 'peters',
              'hendriks', 'dekker', 'brouwer', 'yilmaz', 'elidrissi', 'vandam', 'kok', 'schouten', 'vanleeuwen']
MAIL_DOMAINS = ['example.com', 'example.org', 'example.net']

# -- texts ----------------------------------------------------------------------------------------
# Placeholders: {street}, {days}, {when}, {what}. Several per category, picked at random, with an
# optional extra sentence.
TEXTS = {
    'container-bijplaatsing': [
        'Naast de container aan de {street} staan weer vuilniszakken. Ze liggen open en de meeuwen halen alles eruit.',
        'Bij de ondergrondse container op de {street} is van alles bijgezet: zakken, dozen en een oude stoel.',
        'Er staat al {days} dagen afval naast de containers aan de {street}.',
    ],
    'container-is-vol': [
        'De restafvalcontainer aan de {street} zit helemaal vol, de klep gaat niet meer open.',
        'Container op de {street} is vol, mensen zetten hun zakken ernaast.',
    ],
    'container-voor-papier-is-vol': [
        'De papiercontainer aan de {street} is vol. Er liggen dozen naast.',
        'Papierbak bij de {street} zit propvol met karton.',
    ],
    'container-glas-vol': ['De glasbak aan de {street} is vol, er staan flessen naast.'],
    'container-voor-plastic-afval-is-vol': ['De container voor plastic, blik en drinkpakken aan de {street} is vol.'],
    'container-is-kapot': [
        'De klep van de container aan de {street} is kapot en blijft openstaan.',
        'De ondergrondse container op de {street} gaat niet meer open met mijn pasje.',
    ],
    'huisafval': [
        'Er liggen vuilniszakken op de stoep aan de {street}, volgens mij al sinds {when}.',
        'Iemand heeft zijn huisvuil bij de boom op de {street} gezet.',
    ],
    'grofvuil': [
        'Op de stoep aan de {street} staan een bank en een matras. Er is geen afspraak voor grofvuil.',
        'Grofvuil gedumpt bij de {street}: een kast, een fietsframe en planken.',
        'Er staat een oude wasmachine en een stapel hout aan de {street}.',
    ],
    'veeg-zwerfvuil': [
        'Er ligt veel zwerfvuil langs de {street}: blikjes, plastic en snoeppapiertjes.',
        'Na het weekend ligt de {street} vol met rommel en glas.',
    ],
    'veegzwerfvuil': ['Langs de {street} ligt veel zwerfafval, het waait alle kanten op.'],
    'prullenbak-is-vol': ['De prullenbak aan de {street} puilt uit, er ligt afval omheen.'],
    'rolcontainer-is-vol': ['Onze rolcontainer aan de {street} is deze week niet geleegd.'],
    'rolcontainer-is-kapot': ['Het deksel van onze rolcontainer is afgebroken bij het legen ({street}).'],
    'lantaarnpaal-straatverlichting': [
        "De lantaarnpaal voor {street} {number} doet het niet. Het is daar 's avonds erg donker.",
        'Straatverlantaarn aan de {street} knippert de hele nacht.',
        'Drie lantaarnpalen op rij aan de {street} zijn uit sinds {when}.',
        'De lamp van de lantaarnpaal bij de {street} brandt ook overdag.',
    ],
    'onderhoud-stoep-straat-en-fietspad': [
        'Er liggen losse tegels op de stoep aan de {street}. Mijn moeder is er bijna over gestruikeld.',
        'Er zit een groot gat in de weg op de {street}, vlak bij de kruising.',
        'De stoeptegels bij {street} {number} liggen scheef door boomwortels.',
        'Verzakte klinkers op de {street}, er blijft water in staan.',
    ],
    'onderhoud-fietspad': ['Het fietspad langs de {street} zit vol gaten en wortelopdruk, gevaarlijk in het donker.'],
    'verkeersbord-verkeersafzetting': ['Het verkeersbord op de hoek van de {street} is omgereden en ligt op de stoep.'],
    'verkeerslicht': ['Het verkeerslicht op de kruising bij de {street} staat steeds op rood voor fietsers.'],
    'fietsrek-nietje': ['Een fietsnietje aan de {street} is losgeraakt en steekt uit.'],
    'straatmeubilair': ['Het bankje aan de {street} is kapot, een plank ontbreekt.'],
    'put-riolering-verstopt': [
        'Bij regen staat de {street} blank, de put loopt niet door.',
        'Het stinkt uit de put voor {street} {number} en het water loopt niet weg.',
    ],
    'speelplaats': ['De schommel in de speeltuin bij de {street} is kapot, er steekt een bout uit.'],
    'snoeien': ['De struiken langs de {street} groeien over het fietspad, je moet uitwijken.'],
    'boom-overig': ['De boom voor {street} {number} hangt erg scheef en er zitten scheuren in de stam.'],
    'boom': ['De boom aan de {street} lijkt dood, hij heeft dit jaar geen blad gekregen.'],
    'boom-stormschade': ['Door de storm is een grote tak van de boom aan de {street} afgebroken en ligt op de weg.'],
    'maaien-snoeien': ['Het gras in het plantsoen aan de {street} is erg hoog, er liggen ook veel spullen in.'],
    'onkruid': ['Het onkruid in de plantenbakken op de {street} is hoger dan de planten.'],
    'eikenprocessierups': ['In de eiken langs de {street} zitten nesten van de eikenprocessierups.'],
    'graffitiwildplak': ['Er is graffiti gespoten op de muur aan de {street}.'],
    'graffiti-wildplak': ['Aan de {street} hangen overal posters op de lantaarnpalen en kasten.'],
    'fietswrak': [
        'Aan de {street} staat al maanden een fietswrak zonder zadel en met lekke banden.',
        'Bij het rek aan de {street} staan meerdere fietswrakken.',
    ],
    'parkeeroverlast': [
        "Er staan elke avond auto's op de stoep aan de {street}, je kunt er met een kinderwagen niet langs.",
        'Busjes parkeren dubbel aan de {street}, de vuilniswagen kan er niet door.',
    ],
    'auto-scooter-bromfietswrak': ['Aan de {street} staat een scooter zonder kenteken die al weken niet is gebruikt.'],
    'hinderlijk-geplaatst-object': ['Er staat een bouwcontainer op de {street} zonder verlichting.'],
    'hondenpoep': ['Het grasveld aan de {street} ligt vol hondenpoep, kinderen spelen daar.'],
    'ratten': [
        "Ik zie 's avonds ratten bij de containers aan de {street}.",
        'Er lopen ratten in de tuinen achter de {street}, ook overdag.',
    ],
    'dode-dieren': ['Er ligt een dode meeuw op de stoep aan de {street}.'],
    'meeuwen': ['Meeuwen trekken elke ochtend de vuilniszakken open aan de {street}.'],
    'jongerenoverlast': [
        'Elke avond hangt een groep jongeren rond bij de {street}, ze maken lawaai tot na middernacht.'],
    'drank-en-drugsoverlast': ["Op het bankje aan de {street} wordt 's avonds gedronken en gedeald."],
    'geluidsoverlast-muziek': ['Harde muziek uit het café aan de {street}, ook na sluitingstijd.'],
    'overig': [
        'Ik weet niet onder welke categorie dit valt: aan de {street} is {what}.',
        'Graag iemand laten kijken naar de situatie aan de {street}.',
    ],
}
MAIN_TEXTS = {
    'afval': ['Er ligt afval op straat aan de {street}.'],
    'civiele-constructies': ['De kademuur aan de {street} vertoont scheuren.',
                             'Aan de brug bij de {street} is schade.'],
    'ondermijning': ["In het pand aan de {street} gebeuren 's nachts vreemde dingen, veel bezoek en kort."],
    'openbaar-groen-en-water': ['Het groen aan de {street} wordt niet onderhouden.'],
    'overig': ['Melding over de {street}.'],
    'overlast-bedrijven-en-horeca': ["Overlast van het bedrijf aan de {street}, vooral 's avonds."],
    'overlast-in-de-openbare-ruimte': ['Er is overlast aan de {street}.'],
    'overlast-op-het-water': ['Overlast van een boot op het water bij de {street}.'],
    'overlast-van-dieren': ['Overlast van dieren aan de {street}.'],
    'overlast-van-en-door-personen-of-groepen': ['Overlast door personen aan de {street}.'],
    'schoon': ['Het is vies op de {street}.'],
    'wegen-verkeer-straatmeubilair': ['Er is iets kapot aan de straat bij de {street}.'],
    'wonen': ['Het pand aan de {street} wordt volgens mij niet bewoond zoals het hoort.'],
}
WHAT = ['iets kapot', 'een gevaarlijke situatie', 'een hoop rommel', 'een lekkage', 'een losse stoeprand']
WHEN = ['vorige week', 'het weekend', 'maandag', 'een paar dagen', 'gisteren', 'de storm']
EXTRA_SENTENCES = ['', '', '', '', 'Graag snel oplossen.', 'Het is gevaarlijk voor fietsers.',
                   'Dit is niet de eerste keer.', 'Kunt u iemand sturen?', 'Alvast bedankt!',
                   'Ik woon hier al twintig jaar en het wordt steeds erger.', 'Foto stuur ik na.']
REPEAT_SENTENCES = ['Ik heb dit eerder gemeld.', 'Dit is al de zoveelste melding.', 'Het is weer hetzelfde.']
COMPLAINT_TEXTS = [
    'Ik heb {days} dagen geleden gemeld dat {problem} aan de {street}, maar er is niets gebeurd. Ik ben hier '
    'ontevreden over en wil een klacht indienen.',
    'Mijn melding over de {street} is afgesloten zonder dat het probleem is opgelost. Ik voel me niet serieus '
    'genomen.',
    'De medewerker aan de telefoon was onvriendelijk toen ik belde over de {street}. Ik wil hierover klagen.',
    'Al drie keer gemeld dat {problem} aan de {street}. Steeds krijg ik een standaardbericht. Dit is een klacht.',
]
COMPLAINT_PROBLEMS = ['er afval ligt', 'de lantaarnpaal kapot is', 'de stoep kapot is', 'er ratten zijn',
                      'de container vol is']

# Status texts (shown to the reporter for o, a, reopened; staff notes for the rest).
STATUS_TEXTS = {
    'i': [None],
    'b': [None, None, 'We zijn met uw melding bezig.'],
    'ingepland': ['We hebben uw melding ingepland. De werkzaamheden vinden binnenkort plaats.',
                  'Uw melding is ingepland voor de komende weken.'],
    'reaction requested': ['Kunt u aangeven waar het precies is? Bijvoorbeeld bij welk huisnummer.',
                           'Kunt u een foto sturen van de situatie?'],
    'reaction received': ['Het is bij de ingang van de parkeergarage, naast de fietsenstalling.',
                          'Foto is verstuurd per mail.'],
    'o': ['We hebben het probleem verholpen. Bedankt voor het melden.',
          'We hebben gekeken, maar konden het probleem niet vinden. Neem gerust opnieuw contact op als het er nog is.',
          'Dit valt niet onder de gemeente. We hebben uw melding doorgegeven aan de eigenaar.'],
    'a': ['Deze melding is dubbel, we behandelen de eerdere melding over dezelfde situatie.',
          'Deze melding is geannuleerd: het is al opgelost.'],
    'reopened': ['De melder geeft aan dat het probleem niet is opgelost; we pakken de melding opnieuw op.'],
}
# Closing texts per main category (added to the general ones above), and for work a partner did.
CLOSING_TEXTS = {
    'afval': ['Het afval is opgeruimd. Bedankt voor uw melding.', 'De container is geleegd.',
              'De container is gerepareerd.'],
    'schoon': ['Het is schoongemaakt. Bedankt voor uw melding.'],
    'wegen-verkeer-straatmeubilair': ['De reparatie is uitgevoerd.', 'De lamp is vervangen.',
                                      'De tegels zijn rechtgelegd.'],
    'openbaar-groen-en-water': ['Het groen is gesnoeid.', 'De boom is gecontroleerd en veilig bevonden.'],
    'overlast-in-de-openbare-ruimte': ['Een handhaver is langs geweest en heeft de situatie opgelost.',
                                       'Het wrak is gelabeld en wordt na twee weken verwijderd.'],
}
PARTNER_CLOSING = '{partner} heeft het werk uitgevoerd.'
PARTNERS = {'SPL': 'Spaarnelanden', 'SRO': 'SRO'}
NOTES = ['Melder gebeld, situatie is duidelijk.', 'Opdracht doorgezet naar de aannemer.',
         'Foto ontvangen van de melder.', 'Ter plaatse geweest, inderdaad rommel.',
         'Let op: dit is een terugkerend probleem op deze plek.', 'Overleg gehad met Spaarnelanden.']
