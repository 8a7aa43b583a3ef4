"""``python -m dbadmin`` is the ``dbadmin`` command."""

from .cli import main

main()
