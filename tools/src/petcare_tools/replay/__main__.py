"""`python -m petcare_tools.replay` is `petcare-replay`."""

from petcare_tools.replay.cli import main

main()
