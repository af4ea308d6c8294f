"""An in-process local Slack for tests and the offline demo."""

from .server import LocalSlack
from .types import Ack, ApiCall, Delivery, LocalSlackError

__all__ = ["Ack", "ApiCall", "Delivery", "LocalSlack", "LocalSlackError"]
