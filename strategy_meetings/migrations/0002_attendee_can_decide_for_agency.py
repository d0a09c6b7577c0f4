from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_meetings", "0001_initial"),
    ]

    operations = [
        # Attendees recorded before the question was asked were accepted as the minimum
        # attendance then; they keep counting.
        migrations.AddField(
            model_name="attendee",
            name="can_decide_for_agency",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
    ]
