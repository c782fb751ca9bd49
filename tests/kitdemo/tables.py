from sqlalchemy import BigInteger, Column, Identity, Integer, MetaData, Table, Text

metadata = MetaData()

notes = Table(
    "notes", metadata,
    Column("id", Text, primary_key=True),
    Column("key", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

applied_notes = Table(
    "applied_notes", metadata,
    Column("note_id", Text, primary_key=True),
    Column("key", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("times_applied", Integer, nullable=False),
    Column("arrival", BigInteger, Identity(), nullable=False),
)
