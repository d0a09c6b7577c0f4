"""The contact's team kept on its screening, for the oversight queue's count (issue 17).

Added empty, filled from each screening's contact in one UPDATE, then required; the partial
index covers the screenings waiting for oversight only.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mach", "0016_alerts_open_recent_index"),
        ("triage", "0008_dashboard_summary_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="screening",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mach.team",
            ),
        ),
        migrations.RunSQL(
            "UPDATE triage_screening SET team_id = mach_contact.team_id FROM mach_contact"
            " WHERE mach_contact.id = triage_screening.contact_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="screening",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mach.team",
            ),
        ),
        migrations.AddIndex(
            model_name="screening",
            index=models.Index(
                condition=models.Q(("state", "submitted")),
                fields=["team", "oversight_due_at", "id"],
                name="screening_awaiting_team_idx",
            ),
        ),
    ]
