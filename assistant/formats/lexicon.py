"""Words of the map file formats that ``knowledge/vocabulary.yaml`` does not (yet) carry.

Lanes, ``key: value`` keys, emotions and channels come from the vocabulary; these are the
persona card's keys, the opportunity annotation keys, touchpoint kind tags and sheet names.
The first word of each language is the one the renderers write.
"""

from __future__ import annotations

from assistant.domain import Lang, TouchpointKind

Words = dict[Lang, list[str]]

PERSONA_KEYS: dict[str, Words] = {
    "name": {"en": ["name"], "fi": ["nimi"], "et": ["nimi"]},
    "goals": {
        "en": ["goals", "goal"],
        "fi": ["tavoitteet", "tavoite"],
        "et": ["eesmärgid", "eesmärk"],
    },
    "motivations": {
        "en": ["motivations", "motivation", "motives"],
        "fi": ["motiivit", "motivaatio", "motivaatiot"],
        "et": ["motivaatorid", "motivatsioon", "motiivid"],
    },
    "needs": {"en": ["needs"], "fi": ["tarpeet"], "et": ["vajadused"]},
    "frustrations": {
        "en": ["frustrations", "frustration"],
        "fi": ["turhautumiset", "turhautuminen", "harmit"],
        "et": ["frustratsioonid", "pettumused"],
    },
    "preferred_channels": {
        "en": ["preferred channels"],
        "fi": ["suosimat kanavat", "mieluisat kanavat"],
        "et": ["eelistatud kanalid"],
    },
    "quote": {"en": ["quote"], "fi": ["lainaus", "sitaatti"], "et": ["tsitaat"]},
    "segment": {
        "en": ["segment", "customer segment"],
        "fi": ["segmentti", "asiakassegmentti"],
        "et": ["segment", "kliendisegment"],
    },
    "b2b_role": {"en": ["role", "job role"], "fi": ["rooli", "tehtävä"], "et": ["roll", "amet"]},
    "demographics": {
        "en": ["demographics", "background"],
        "fi": ["taustatiedot", "demografia", "tausta"],
        "et": ["taustaandmed", "demograafia", "taust"],
    },
    "evidence": {
        "en": ["persona evidence", "persona sources"],
        "fi": ["persoonan lähteet", "persoonan tausta-aineisto"],
        "et": ["persona allikad", "persoona allikad"],
    },
}
PERSONA_LISTS = ("goals", "motivations", "needs", "frustrations", "preferred_channels")

# Keys inside an opportunity or touchpoint annotation: ``(owner: X; metric: Y)``.
ANNOTATION_KEYS: dict[str, Words] = {
    "owner": {
        "en": ["owner", "responsible"],
        "fi": ["omistaja", "vastuu", "vastuuhenkilö"],
        "et": ["omanik", "vastutaja", "vastutus"],
    },
    "metric": {
        "en": ["metric", "kpi", "measure"],
        "fi": ["mittari", "kpi"],
        "et": ["mõõdik", "kpi"],
    },
    "addresses": {
        "en": ["addresses", "solves"],
        "fi": ["ratkaisee", "vastaa"],
        "et": ["lahendab", "vastab"],
    },
}

# Tags after a touchpoint channel: ``Website (online)``, ``Myymälä (kasvokkain)``.
KIND_TAGS: dict[TouchpointKind, list[str]] = {
    "online": ["online", "digital", "verkossa", "verkko", "digitaalinen", "veebis", "digitaalne"],
    "offline": [
        "offline",
        "physical",
        "in person",
        "kasvokkain",
        "fyysinen",
        "paikan päällä",
        "füüsiline",
        "kohapeal",
        "silmast silma",
    ],
}

MAP_SHEETS = ("map", "journey", "kartta", "asiakaspolku", "kaart", "teekond")
PERSONA_SHEETS = ("persona", "persoona")
SHEET_TITLES: dict[Lang, tuple[str, str]] = {
    "en": ("Map", "Persona"),
    "fi": ("Kartta", "Persoona"),
    "et": ("Kaart", "Persoona"),
}

DEFAULT_TITLE: dict[Lang, str] = {
    "en": "Imported journey map",
    "fi": "Tuotu asiakaspolku",
    "et": "Imporditud klienditeekond",
}
