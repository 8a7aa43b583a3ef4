NoneFloat = float | None
