from ..models import Base


def wipe(engine) -> None:
    Base.metadata.drop_all(bind=engine)  # finding: create_all
