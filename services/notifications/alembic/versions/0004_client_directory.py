"""people and companies come from the kit's clients directory read model (petcare_kit.client_directory)
instead of notifications' own `recipients` and `companies.name`

What notifications had kept is carried over: a person's name (as first name), first email and mobile
number (as a phone labelled mobile), role and active flag; a company's name and mobile-app setting.
The next `*.details_updated` of each replaces it with the whole contact."""

from alembic import op
from petcare_kit.migrations.kit_tables import create_client_directory_tables, drop_client_directory_tables
from sqlalchemy import Boolean, Column, Text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_client_directory_tables()
    op.execute("""
        INSERT INTO directory_people (person_id, company_id, kind, role, first_name, last_name, emails, phones,
                                      custom_fields, active, added_at, updated_at)
        SELECT person_id, company_id, kind, role, name, '',
               CASE WHEN email IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(email) END,
               CASE WHEN mobile IS NULL THEN '[]'::jsonb
                    ELSE jsonb_build_array(jsonb_build_object('label', 'mobile', 'number', mobile, 'e164', NULL)) END,
               '{}'::jsonb, active, updated_at, updated_at
        FROM recipients""")
    op.execute("""
        INSERT INTO directory_companies (company_id, name, notify_client_when_visit_starts)
        SELECT company_id, name, notify_client_when_visit_starts FROM companies WHERE name <> ''""")
    op.drop_table("recipients")
    op.drop_column("companies", "name")
    op.drop_column("companies", "notify_client_when_visit_starts")


def downgrade() -> None:
    op.add_column("companies", Column("name", Text, nullable=False, server_default=""))
    op.add_column("companies", Column("notify_client_when_visit_starts", Boolean, nullable=False,
                                      server_default="false"))
    op.execute("""
        INSERT INTO companies (company_id) SELECT company_id FROM directory_companies ON CONFLICT DO NOTHING;
        UPDATE companies c SET name = d.name, notify_client_when_visit_starts = d.notify_client_when_visit_starts
        FROM directory_companies d WHERE d.company_id = c.company_id""")
    op.execute("""
        CREATE TABLE recipients (person_id uuid PRIMARY KEY, company_id uuid NOT NULL, kind text NOT NULL,
                                 role text NOT NULL, name text NOT NULL, email text, mobile text,
                                 active boolean NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX ix_recipients_company_id ON recipients (company_id);
        INSERT INTO recipients (person_id, company_id, kind, role, name, email, mobile, active, updated_at)
        SELECT person_id, company_id, kind, role, trim(first_name || ' ' || last_name), emails ->> 0,
               (SELECT coalesce(p ->> 'e164', p ->> 'number') FROM jsonb_array_elements(phones) p
                WHERE p ->> 'label' = 'mobile' LIMIT 1),
               active, added_at
        FROM directory_people""")
    drop_client_directory_tables()
