"""Serendip: a self-hosted Slack bot for informal, social learning at work."""

__version__ = "0.1.0"
