"""`python -m bot` is the `serendip` command."""

from bot.cli.main import main

if __name__ == "__main__":  # a worker process of `serendip import` imports this module too
    raise SystemExit(main())
