"""The demo: a scripted week in a local Slack, shown in the terminal (`serendip demo`)."""
