"""Nordvik Dagligvare: the Norwegian demo organization (`seed_demo --language nb`), written as a Norwegian
top team would write it. Seeded beside Northwind Retail, never instead of it."""

from .demo import DemoContent
from .models import LearningKind

NORDVIK = DemoContent(
    name="Nordvik Dagligvare",
    slug="nordvik",
    time_zone="Europe/Oslo",
    language="nb",
    logins={
        "konsernsjef@nordvik.example": "leder",
        "stabssjef@nordvik.example": "stabssjef",
        "styre@nordvik.example": "styremedlem",
        "admin@nordvik.example": "administrator",
    },
    executives=[
        ("konsernsjef@nordvik.example", "Ingrid Haugen", "Konsernsjef"),
        ("driftsdirektor@nordvik.example", "Lars Berg", "Driftsdirektør"),
        ("finansdirektor@nordvik.example", "Kari Nilsen", "Finansdirektør"),
        ("markedsdirektor@nordvik.example", "Ola Johansen", "Markedsdirektør"),
        ("kundedirektor@nordvik.example", "Sigrid Bakken", "Kundedirektør"),
        ("hrdirektor@nordvik.example", "Per Hansen", "HR-direktør"),
        ("itdirektor@nordvik.example", "Marte Solheim", "IT-direktør"),
        ("butikkdirektor@nordvik.example", "Anders Lie", "Butikkdirektør"),
    ],
    chiefs_of_staff=[
        ("stabssjef@nordvik.example", "Nora Strand", "Stabssjef for konsernsjefen", [0, 1, 3, 4]),
        ("stabssjef2@nordvik.example", "Even Dahl", "Stabssjef, drift", [2, 5, 6, 7]),
    ],
    board=[
        ("styre@nordvik.example", "Astrid Lund", "Styreleder"),
        ("styre2@nordvik.example", "Bjørn Eriksen", "Styremedlem"),
        ("styre3@nordvik.example", "Hilde Moen", "Styremedlem"),
    ],
    admin=("admin@nordvik.example", "Jonas Aas", "Driftsadministrator"),
    regions={
        "Midt": ("Trondheim", 63.43, 10.39),
        "Nord": ("Tromsø", 69.65, 18.96),
        "Sør": ("Kristiansand", 58.15, 7.99),
        "Vest": ("Bergen", 60.39, 5.32),
        "Øst": ("Oslo", 59.91, 10.75),
    },
    store_suffixes=[
        "Sentrum",
        "Storsenter",
        "Stasjon",
        "Torget",
        "Brygga",
        "Handelspark",
        "Gamlebyen",
        "Havna",
        "Universitetet",
        "Vestkanten",
    ],
    address="Storgata {number}, {town}",
    learnings={
        LearningKind.PAIN_POINT: [
            (
                "Køen ved kassene var {n} personer lang i lunsjen; to kasser var stengt.",
                "Jeg var nær ved å sette fra meg kurven og gå.",
            ),
            (
                "Det tok {n} minutter å finne klikk og hent-pakkene på lageret.",
                "Hvorfor står det klar når den ikke er det?",
            ),
            ("Kundene fant ikke prisen på kampanjevarene i endegavlene.", "Er dette på tilbud eller ikke?"),
            ("Selvbetjeningskassa avviste handlenett igjen; de ansatte måtte overstyre {n} ganger på en time.", ""),
            (
                "Lange køer ved pantemaskinen etter helgen; kundene venter med fulle poser.",
                "Det er alltid kø her på mandager.",
            ),
            (
                "Foreldre med barnevogn kommer seg ikke forbi den smale gangen ved bakeriet.",
                "Jeg kommer ikke fram her med vogna.",
            ),
            (
                "Tomt for egne merkevarer på basisvarer tidlig på kvelden.",
                "Hver fredag er det det samme, ingen melk etter seks.",
            ),
            ("Returdisken krever en kvittering som appen ikke viser.", ""),
            ("De ansatte sier håndskannerne går tomme for strøm før vakta er slutt.", ""),
        ],
        LearningKind.PRAISE: [
            ("Kundene nevnte bakeriteamet ved navn.", "Maria legger alltid av et surdeigsbrød til meg."),
            ("De nye åpningstidene blir lagt merke til, og kundene liker dem.", "Endelig kan jeg handle før jobb."),
            (
                "En ansatt gikk på lageret for en kunde uten å bli spurt.",
                "Det er derfor jeg handler her og ikke på nett.",
            ),
            ("De personlige tilbudene i kundeappen blir brukt.", "Kaffetilbudet får meg innom hver morgen."),
        ],
        LearningKind.IDEA: [
            (
                "En kunde foreslo en stille time for dem som synes butikken er overveldende.",
                "Kunne dere skrudd av musikken én morgen i uka?",
            ),
            ("De ansatte foreslo å kunne ringe inn store bestillinger på forhånd.", ""),
            ("Kundene ønsker en påfyllingsstasjon for vaskemidler.", "Jeg hadde tatt med egen flaske om jeg kunne."),
            ("Sett de mest hentede nettbestillingene i skap ved inngangen.", ""),
            ("Kunderådet foreslo smaksdager for nye sortimenter.", "La oss smake før vi bestemmer oss."),
        ],
        LearningKind.OBSERVATION: [
            ("Omtrent {n} av 10 kunder brukte appen til å sjekke priser i hyllegangen.", ""),
            ("Kundetrafikken topper seg tidligere enn vaktplanen tar høyde for, rundt 16.30.", ""),
            (
                "Eldre kunder foretrekker betjent kasse selv når selvbetjeningen er ledig.",
                "Jeg liker å slå av en prat.",
            ),
            ("Butikken lager egne skilt fordi materiellet fra kjeden kommer for sent.", ""),
            ("Køer ved kassene oppstår når leveransen pakkes ut i butikktiden.", ""),
        ],
        LearningKind.COMPETITOR: [
            (
                "Lavprisbutikken over gata lover nå levering på {n} minutter.",
                "De kommer fortere med varene enn jeg rekker å gå hit.",
            ),
            ("En konkurrent har store prismatch-skilt ved inngangen.", ""),
            (
                "Kundene sammenligner lunsjtilbudet vårt med konkurrentens, som har varm drikke inkludert.",
                "Hos dem følger det med kaffe.",
            ),
        ],
    },
)
