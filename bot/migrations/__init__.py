"""Alembic's migration environment, shipped inside the package; run it through `bot.migrate`."""
