"""`python -m pacewise`: the same as the `pacewise` command."""

from pacewise.cli import main

main()
