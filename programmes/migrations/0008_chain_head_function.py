"""PostgreSQL: one function takes the audit chain's lock and then reads the chain's head, so sealing an entry costs
one round trip to the database instead of two (see core.audit._chain_head)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION bvgov_chain_head(lock_key bigint, OUT head_sequence bigint, OUT head_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- A statement of its own after the lock: in a VOLATILE function under READ COMMITTED each statement takes a new
    -- snapshot, so this read sees the head that the lock's previous holder committed.
    SELECT entry.sequence, entry.entry_hash INTO head_sequence, head_hash
    FROM programmes_auditentry AS entry ORDER BY entry.sequence DESC LIMIT 1;
END;
$$;
"""
DROP = "DROP FUNCTION IF EXISTS bvgov_chain_head(bigint);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0007_audit_append_only")]

    operations = [migrations.RunPython(create, drop)]
