"""people and company names come from the kit's clients directory read model
(petcare_kit.client_directory) instead of texting's own `people` and `companies.name`; the numbers
an inbound text is matched by (R-TEXT-8) move to `person_numbers`

What texting had kept is carried over: a person's name (as first name), phones, custom fields and
active flag (role: "client" or "staff", until the next `*.details_updated` brings the staff role),
a company's name, and every person's numbers. The next `*.details_updated` of each person replaces
the rest with the whole contact."""

import sqlalchemy as sa
from alembic import op
from petcare_kit.migrations.kit_tables import create_client_directory_tables, drop_client_directory_tables
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from texting.adapters.tables import person_numbers

revision = "0006_client_directory"
down_revision = "0005_outbox_published_to"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_client_directory_tables()
    person_numbers.create(op.get_bind())
    op.execute("""
        INSERT INTO directory_people (person_id, company_id, kind, role, first_name, last_name, emails, phones,
                                      custom_fields, active)
        SELECT person_id, company_id, kind, kind, name, '', '[]'::jsonb, phones, custom_fields, active
        FROM people""")
    op.execute("""
        INSERT INTO person_numbers (company_id, number, person_id)
        SELECT DISTINCT company_id, unnest(numbers), person_id FROM people""")
    op.execute("""
        INSERT INTO directory_companies (company_id, name)
        SELECT company_id, name FROM companies WHERE name <> ''""")
    op.drop_table("people")
    op.drop_column("companies", "name")


def downgrade() -> None:
    op.add_column("companies", sa.Column("name", sa.Text, nullable=False, server_default=""))
    op.execute("""
        UPDATE companies c SET name = d.name FROM directory_companies d WHERE d.company_id = c.company_id""")
    op.create_table(
        "people",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False, index=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("phones", JSONB, nullable=False),
        sa.Column("custom_fields", JSONB, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("numbers", ARRAY(sa.Text), nullable=False, server_default="{}"),
    )
    op.create_index("people_numbers", "people", ["numbers"], postgresql_using="gin")
    op.execute("""
        INSERT INTO people (person_id, company_id, kind, name, phones, custom_fields, active, numbers)
        SELECT p.person_id, p.company_id, p.kind, trim(p.first_name || ' ' || p.last_name), p.phones,
               p.custom_fields, p.active,
               coalesce((SELECT array_agg(n.number ORDER BY n.number) FROM person_numbers n
                         WHERE n.person_id = p.person_id), '{}')
        FROM directory_people p""")
    op.drop_table("person_numbers")
    drop_client_directory_tables()
