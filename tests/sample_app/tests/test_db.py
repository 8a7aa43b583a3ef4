from shop.models import Base


def test_tables(engine):
    Base.metadata.create_all(engine)  # tests may build their own schema
    engine.execute("DROP TABLE IF EXISTS scratch")
