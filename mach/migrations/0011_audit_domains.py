"""The default domains case audits are graded on; an authority edits them in admin."""

from typing import Any

from django.db import migrations

DOMAINS = [
    ("The child's voice and lived experience", "Is the child seen, heard and understood?"),
    ("Management oversight and decisions", "Does oversight change outcomes when it should?"),
    ("History and analysis", "Is the history analysed, not just the latest incident?"),
    ("Threshold and proportionality", "Was the response proportionate to the need?"),
    ("Working with the family and network", "Were parents and the wider family involved?"),
    ("Multi-agency working", "Did partners' information inform the decision?"),
    ("Planning and timeliness", "Are actions specific, owned and done on time?"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    AuditDomain = apps.get_model("mach", "AuditDomain")
    for order, (name, description) in enumerate(DOMAINS, start=1):
        AuditDomain.objects.get_or_create(
            name=name, defaults={"description": description, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("mach", "0010_case_audits")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
