"""The PostgreSQL floor of the store: the same SQL functions as `bot/store/sql/`, area by area.

`bot/store/pg/<area>.py` holds the twins of `bot/store/sql/<area>.py`: the same names and
parameters, PostgreSQL's SQL (see `bot.store.twins`). Until every area has its twins, a store
on PostgreSQL refuses to open and names the areas still missing; `serendip migrate` already
works. `connect.py` opens connections with one-line errors, `schema.py` holds each migration's
PostgreSQL body and `migrate.py` applies them under an advisory lock; `store.py` is the plumbing.
"""
