"""``python -m xinyong.cli``."""

from xinyong.cli import main

main()
