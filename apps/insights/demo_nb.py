"""Nordvik Dagligvare's themes, actions and pilots (the Norwegian demo): the same loop as Northwind's, "dere sa,
vi gjorde", in the words of its learnings (apps/engagements/demo_nb.py)."""

from decimal import Decimal

from .demo import InsightsContent
from .models import ActionStatus

THEMES = [
    ("Kø ved kassene", "kø, køen, køer, kasse, kassene, selvbetjening"),
    ("Varetilgjengelighet", "tomt, melk, basisvarer"),
    ("Klikk og hent", "klikk og hent, pakke, pakkene, skap, nettbestilling"),
    ("Priser og tilbud", "pris, prisen, priser, tilbud, kampanje, prismatch, lunsjtilbud"),
    ("Ansatte og service", "ansatte, ansatt, håndskanner, lager"),
    ("Butikkinnredning og tilgjengelighet", "gangen, barnevogn, skilt, stille time, musikk"),
    ("Åpningstider", "åpningstid, før jobb"),
    ("App og levering", "appen, kundeappen, levering"),
]

ACTIONS = [
    (
        "Åpne en ekstra kasse når køen passerer fem",
        "Kø ved kassene",
        ActionStatus.DONE,
        -40,
        "Ny regel for kølengde og en ekstra ressurs på alle lunsjvakter; ventetiden falt fra 6,5 til 2,8 minutter.",
        "adopt",
    ),
    ("Rett feilen med handlenett på selvbetjeningskassene", "Kø ved kassene", ActionStatus.IN_PROGRESS, 10, "", None),
    ("Ekstra påfyll av basisvarer på kvelden", "Varetilgjengelighet", ActionStatus.PILOTING, 21, "", "running"),
    ("Vis hentetid og hylle i appen", "Klikk og hent", ActionStatus.OPEN, -5, "", None),
    ("Henteskap for klikk og hent ved inngangen", "Klikk og hent", ActionStatus.PILOTING, 30, "", "adapt"),
    (
        "Hyllekantetiketter på alle kampanjer",
        "Priser og tilbud",
        ActionStatus.DONE,
        -60,
        "Kampanjeetikettene skrives nå ut sammen med planogrammet; prisspørsmålene i kassa er halvert.",
        None,
    ),
    (
        "Varm drikke i lunsjtilbudet",
        "Priser og tilbud",
        ActionStatus.DROPPED,
        -20,
        "For lav margin med dagens kaffepriser; vurderes på nytt med ny leverandør.",
        "abandon",
    ),
    (
        "Ekstra batterier til håndskannerne",
        "Ansatte og service",
        ActionStatus.DONE,
        -30,
        "Alle butikker har ladestativ og reservebatterier; ingen tomme skannere meldt siden.",
        None,
    ),
    ("Gjør gangen ved bakeriet bredere", "Butikkinnredning og tilgjengelighet", ActionStatus.OPEN, 45, "", None),
    ("En stille time i uka", "Butikkinnredning og tilgjengelighet", ActionStatus.PILOTING, 14, "", "running"),
]

PILOTS = {
    "Åpne en ekstra kasse når køen passerer fem": (
        "En ekstra ressurs åpner en ny kasse så snart fem står i kø.",
        "Ventetiden i lunsjen faller under tre minutter, og klagene på kø halveres.",
        "Gjennomsnittlig ventetid i kassa i lunsjen (minutter)",
        Decimal("6.50"),
        Decimal("2.80"),
        "Innføres i alle butikker fra neste vaktplan.",
    ),
    "Ekstra påfyll av basisvarer på kvelden": (
        "En ekstra levering av melk, brød og egg klokka 16.",
        "Færre tomme hyller etter seks og færre klager på utsolgte varer på fredager.",
        "Andel kveldskontroller med tomme hyller (%)",
        Decimal("18.00"),
        None,
        "",
    ),
    "Henteskap for klikk og hent ved inngangen": (
        "Pakkeskap ved inngangen for bestillinger som hentes etter klokka 17.",
        "Henting tar under ett minutt og avlaster kundeservice.",
        "Median hentetid (minutter)",
        Decimal("7.00"),
        Decimal("1.50"),
        "Virker, men skapene er fulle innen lørdag: sett opp en ekstra rekke i de største butikkene først.",
    ),
    "Varm drikke i lunsjtilbudet": (
        "Lunsjtilbud med vanlig kaffe for 5 kroner ekstra.",
        "Salget av lunsjtilbudet øker 15 % uten lavere margin per handlekurv.",
        "Solgte lunsjtilbud per uke",
        Decimal("1200"),
        Decimal("1250"),
        "En økning på 4 % betaler ikke for kaffen.",
    ),
    "En stille time i uka": (
        "Tirsdag 09.00–10.00: musikken av, dempet lys, ingen høyttalermeldinger.",
        "Kunder som synes butikken er overveldende, kommer innom og sier fra.",
        "Besøk av kundeklubbmedlemmer i den stille timen",
        Decimal("140"),
        None,
        "",
    ),
}


def _description(count):
    if count == 1:
        return "Kundene tok dette opp på besøk: se læringen nedenfor."
    return f"Kundene tok dette opp på besøk: se de {count} læringene nedenfor."


NORDVIK = InsightsContent(
    themes=THEMES,
    actions=ACTIONS,
    pilots=PILOTS,
    description=_description,
    check_in="Sjekket i tre butikker: holder seg.",
)
