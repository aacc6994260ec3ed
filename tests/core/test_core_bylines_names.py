"""Bylines as pages give them, from many languages, and the names a reader would write down.

Each row is a shape of name or byline met on news pages; the names are invented or common
ones, and several are chosen because a word of them is also a month, a weekday, a degree,
a conjunction or a by-word in some language.
"""

import pytest

from desktop.core.bylines import clean_authors

NAMES = [
    # names ending in letters a time unit or a dateline's word is made of
    ("Joseph Smith", "Joseph Smith"),
    ("Sarah Graham", "Sarah Graham"),
    ("Ruth", "Ruth"),
    ("Ibrahim Abraham", "Ibrahim Abraham"),
    ("Hannah Pham", "Hannah Pham"),
    # surnames that are months, weekdays or degrees
    ("Theresa May", "Theresa May"),
    ("Brian May", "Brian May"),
    ("Jack Ma", "Jack Ma"),
    ("Lena H. Sun", "Lena H. Sun"),
    ("Anh Do", "Anh Do"),
    ("Nguyễn Thị Mai", "Nguyễn Thị Mai"),
    ("Ana Abril", "Ana Abril"),
    ("Tomás Marzo", "Tomás Marzo"),
    # Spanish, Catalan, Portuguese: "y", "i", "e" inside one name
    ("José Ortega y Gasset", "José Ortega y Gasset"),
    ("Santiago Ramón y Cajal", "Santiago Ramón y Cajal"),
    ("Por Francesc Pi i Margall", "Francesc Pi i Margall"),
    ("Por João da Silva", "João da Silva"),
    ("José Maria e Silva", "José Maria e Silva"),
    ("María de la Cruz Pérez", "María de la Cruz Pérez"),
    # ... and between the names of a list
    ("Ana López, Juan Pérez y María Gómez", "Ana López; Juan Pérez; María Gómez"),
    ("Por Ana López, José Ortega y Gasset", "Ana López; José Ortega y Gasset"),
    # Italian, French, German, Dutch
    ("di Marco Rossi", "Marco Rossi"),
    ("Di Wu", "Di Wu"),
    ("Luigi Di Maio", "Luigi Di Maio"),
    ("De Gaulle", "De Gaulle"),
    ("Par Camille Bernard et Hugo Lefèvre", "Camille Bernard; Hugo Lefèvre"),
    ("Jean-Luc Mélenchon", "Jean-Luc Mélenchon"),
    ("Von Anna Schmidt und Jonas Weber", "Anna Schmidt; Jonas Weber"),
    ("Ursula von der Leyen", "Ursula von der Leyen"),
    ("door Pieter van der Berg", "Pieter van der Berg"),
    ("Autorka: Jana Dvořáková", "Jana Dvořáková"),
    # Arabic, Chinese, Korean, Vietnamese
    ("Mohammed Al-Sayed", "Mohammed Al-Sayed"),
    ("By Ahmed al-Masri", "Ahmed al-Masri"),
    ("记者 李明", "李明"),
    ("作者：王芳", "王芳"),
    ("Kim Ji-hoon", "Kim Ji-hoon"),
    ("Nguyễn Văn An", "Nguyễn Văn An"),
    ("Xi Jinping", "Xi Jinping"),
    # initials, single words, agencies, organisations
    ("J. K. Rowling", "J. K. Rowling"),
    ("E.J. Dionne Jr.", "E.J. Dionne Jr."),
    ("Madonna", "Madonna"),
    ("By AP", "AP"),
    ("Reuters", "Reuters"),
    ("REUTERS", "Reuters"),
    ("Staff", "Staff"),
    ("The Harbour Gazette Staff", "The Harbour Gazette Staff"),
    # all capitals, recased word by word
    ("MARY-ANN O'NEIL", "Mary-Ann O'Neil"),
    ("JEAN-LUC MCDONALD", "Jean-Luc McDonald"),
    ("SAMUEL ADEYEMI", "Samuel Adeyemi"),
    ("PIETER VAN DER BERG", "Pieter van der Berg"),
    ("JOSÉ ORTEGA Y GASSET", "José Ortega y Gasset"),
    ("JACK MA", "Jack Ma"),
    # datelines glued on
    ("Joshua Sokol May 3", "Joshua Sokol"),
    ("Joshua Sokol, May", "Joshua Sokol"),
    ("Joshua Sokol May", "Joshua Sokol"),
    ("Nadia Ferreira May 9, 2022", "Nadia Ferreira"),
    ("Nadia Ferreira · 10:05 am", "Nadia Ferreira"),
    ("Nadia Ferreira Updated Monday, May 9", "Nadia Ferreira"),
    ("Theresa May, May 9, 2019", "Theresa May"),
    ("Anna Schmidt 12. Mai 2024, 14:30 Uhr", "Anna Schmidt"),
    ("Camille Bernard, jeudi 4 avril 2024", "Camille Bernard"),
    ("Nguyễn Thị Mai 12/05/2024", "Nguyễn Thị Mai"),
    ("Lucía Ferrer | Valencia | 28/09/2023", "Lucía Ferrer"),
    ("May 9, 2022", None),
    # degrees and roles
    ("Brenda Goodman, MA", "Brenda Goodman"),
    ("Brenda Goodman; MA", "Brenda Goodman"),
    ("Jane Roe MD, PhD", "Jane Roe"),
    ("Renata Wells, M.D.", "Renata Wells"),
    ("HARRIET LOWE, Guest columnist", "Harriet Lowe"),
    # the same name twice, in two casings
    ("Jeffrey Gettleman; JEFFREY GETTLEMAN", "Jeffrey Gettleman"),
    (["SAMUEL ADEYEMI", "Samuel Adeyemi"], "Samuel Adeyemi"),
    # what is not a name
    ("Username", None),
    ("https://paper.example/authors/ann-lee", None),
]


@pytest.mark.parametrize(("byline", "expected"), NAMES, ids=lambda v: str(v))
def test_a_byline_gives_the_names_a_reader_would_write(byline, expected):
    assert clean_authors(byline) == expected


def test_the_table_covers_many_shapes():
    assert len(NAMES) >= 40


def test_an_organisation_is_kept_whole():
    assert clean_authors(["Mac & i"], frozenset({"Mac & i"})) == "Mac & i"
    # "&" before a small letter joins no two names
    assert clean_authors("Mac & i") == "Mac & i"
    assert clean_authors("Ann Lee & Li Wei") == "Ann Lee; Li Wei"


# --- the date beside a byline -------------------------------------------------------------

@pytest.mark.parametrize(("value", "iso"), [
    ("12.05.2024", "2024-05-12"),  # day.month.year, as German and Czech pages write it
    ("12. 5. 2024", "2024-05-12"),
    ("12.05.2024, 14:30 Uhr", "2024-05-12T14:30"),
    ("2024-05-12 14:30", "2024-05-12T14:30"),  # ISO dates stay year-month-day
    ("05/12/2024", "2024-05-12"),
    ("2024-05-12 14:30 CEST", "2024-05-12T14:30+02:00"),
    ("12.05.2024 14:30 CET", "2024-05-12T14:30+01:00"),
    ("May 12, 2024 9:05 AM EDT", "2024-05-12T09:05-04:00"),
    ("May 12, 2024 9:05 PST", "2024-05-12T09:05-08:00"),
    ("2024-05-12 14:30 BST", "2024-05-12T14:30+01:00"),
    ("2024-05-12 14:30 EEST", "2024-05-12T14:30+03:00"),
    ("2024-05-12 14:30 IST", "2024-05-12T14:30+05:30"),
    ("2024-05-12 14:30 JST", "2024-05-12T14:30+09:00"),
    ("2024-05-12 14:30 AEDT", "2024-05-12T14:30+11:00"),
    ("2024-05-12 14:30 GMT", "2024-05-12T14:30+00:00"),
    ("2024-05-12 14:30 QQST", "2024-05-12T14:30"),  # a zone nobody knows: left out
])
def test_dates_with_zone_names_and_day_first_dots(value, iso, capsys):
    import warnings

    from desktop.core.metadata import parse_date

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert parse_date(value) == iso
    assert caught == []
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("raw", "names"), [
    ("Jana Dvořáková a Petr Novák", "Jana Dvořáková; Petr Novák"),
    ("Ana Costa e João Pereira", "Ana Costa; João Pereira"),
    ("Juan Pérez y María Gómez", "Juan Pérez; María Gómez"),
    ("José Ortega y Gasset", "José Ortega y Gasset"),
    ("Santiago Ramón y Cajal", "Santiago Ramón y Cajal"),
])
def test_two_names_joined_by_and_alone_are_two_authors(raw: str, names: str) -> None:
    assert clean_authors(raw) == names
