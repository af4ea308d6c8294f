"""`python -m bot` is the `serendip` command."""

from bot.cli import main

raise SystemExit(main())
