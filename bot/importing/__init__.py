"""`serendip import`: backfilling from a Slack workspace export (zip or folder)."""
