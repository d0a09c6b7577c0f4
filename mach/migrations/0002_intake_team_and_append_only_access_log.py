"""The front door's intake team, and a database guard that keeps the access log append-only."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_intake_team(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Team = apps.get_model("mach", "Team")
    Team.objects.get_or_create(slug="mach", defaults={"name": "MACH"})


APPEND_ONLY = """
CREATE FUNCTION mach_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'mach_accesslog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER mach_access_log_append_only
    BEFORE UPDATE OR DELETE ON mach_accesslog
    FOR EACH ROW EXECUTE FUNCTION mach_access_log_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS mach_access_log_append_only ON mach_accesslog;
DROP FUNCTION IF EXISTS mach_access_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("mach", "0001_initial")]

    operations = [
        migrations.RunPython(create_intake_team, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
