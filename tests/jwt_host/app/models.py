from sqlalchemy import Column, Integer, MetaData, Numeric, String, Table

metadata = MetaData()

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("price", Numeric(10, 2)),
)
