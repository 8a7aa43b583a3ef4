"""Adopting migrations: an application with a Dev and a Prod database and no Alembic project yet
gets one whose first revision is the live Dev schema (``dbadmin init``)."""

from .verbs import Adoption, ProdVerdict, adopted, baseline_prod, init

__all__ = ["Adoption", "ProdVerdict", "adopted", "baseline_prod", "init"]
