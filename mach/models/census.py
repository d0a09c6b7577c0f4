"""The DfE's code lists for the Children in Need census (CIN_schema_2026.xsd), so that what a
practitioner enters is validated where it is entered and the return is valid because the data
is."""

from __future__ import annotations

from django.db import models


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism"
    DDA = "DDA", "Other"


class UpnUnknown(models.TextChoices):
    UN1 = "UN1", "UN1: child is now looked after, not known to an English school"
    UN2 = "UN2", "UN2: child has never attended an English school"
    UN3 = "UN3", "UN3: child is educated at home"
    UN4 = "UN4", "UN4: child recently moved into the area, UPN not yet known"
    UN5 = "UN5", "UN5: sources collating UPNs reflect discrepancy"
    UN6 = "UN6", "UN6: child aged under 6 years old and not yet in school"
    UN7 = "UN7", "UN7: referral with no further action before UPN known"


class PrimaryNeed(models.TextChoices):
    N1 = "N1", "N1: abuse, neglect and exploitation"
    N2 = "N2", "N2: child's disability"
    N3 = "N3", "N3: parental disability or illness"
    N4 = "N4", "N4: family in acute stress"
    N5 = "N5", "N5: family dysfunction"
    N6 = "N6", "N6: socially unacceptable behaviour"
    N7 = "N7", "N7: low income"
    N8 = "N8", "N8: absent parenting"
    N9 = "N9", "N9: cases other than children in need"
    N0 = "N0", "N0: not stated"


class ClosureReason(models.TextChoices):
    RC1 = "RC1", "RC1: adopted"
    RC2 = "RC2", "RC2: died"
    RC3 = "RC3", "RC3: child arrangements order"
    RC4 = "RC4", "RC4: special guardianship order"
    RC5 = "RC5", "RC5: transferred to services of another local authority"
    RC6 = "RC6", "RC6: transferred to adult social care services"
    RC7 = "RC7", "RC7: services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "RC8: case closed after assessment, no further action"
    RC9 = "RC9", "RC9: case closed after assessment, referred to early help"


class CategoryOfAbuse(models.TextChoices):
    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple"


UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(rest: str) -> str:
    """The check letter (character 1) of a UPN whose characters 2 to 13 are `rest`: the sum of
    each character's value times its position (2 to 13), modulo 23, as a letter of
    `UPN_LETTERS` (a letter in position 13, of a temporary UPN, counts as its index there)."""
    total = 0
    for position, char in enumerate(rest, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char.upper())
        total += value * position
    return UPN_LETTERS[total % 23]


def upn_is_valid(value: str) -> bool:
    """13 characters: a check letter, 11 digits (the first 3 the local authority's DfE code),
    then a digit or a letter; the check letter must match."""
    if len(value) != 13 or not value[1:12].isdigit():
        return False
    last = value[12].upper()
    if not (last.isdigit() or last in UPN_LETTERS):
        return False
    return value[0].upper() == upn_check_letter(value[1:])
