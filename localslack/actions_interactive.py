"""Slash commands, shortcuts, buttons, modal submissions and the Home tab."""

from __future__ import annotations

import copy

from .blockkit import check_view
from .core import ResponseTarget
from .payloads import (
    action_object,
    block_actions_payload,
    find_element,
    shortcut_payload,
    slash_payload,
    submission_payload,
    view_object,
)
from .posting import Posting
from .responses import apply_response, check_response
from .types import JSON, Ack, LocalSlackError
from .util import new_id


class InteractiveActions(Posting):
    """Payloads that expect an answer; each returns the bot's Ack."""

    async def _interact(self, kind: str, payload: JSON) -> Ack:
        """Deliver without retry and turn the outcome into an Ack."""
        if not self.installed:
            return Ack(0, None)
        delivery = await self.dispatcher.submit(kind, payload)
        if delivery.mode == "http":
            codes = [s for s in delivery.statuses if isinstance(s, int)]
            return Ack(codes[-1] if codes else 0, delivery.ack_payload)
        return Ack(200 if delivery.acked else 0, delivery.ack_payload)

    async def slash_command(self, user: str, channel: str, command: str, text: str = "") -> Ack:
        """A person runs a slash command; an in_channel answer is posted in the channel."""
        person = self.ws.user(user)
        ch = self.ws.channel(channel)
        url = self.new_response_url(ch.id, None, False)
        payload = slash_payload(
            self.ident,
            person,
            ch,
            command,
            text=text,
            response_url=url,
            trigger_id=self.new_trigger(),
        )
        ack = await self._interact("slash_commands", payload)
        if ack.body and ack.status == 200 and not check_response(ack.body):
            await self.finish(
                apply_response(self, ResponseTarget(ch.id, None, False), ack.body), True
            )
        return ack

    async def message_shortcut(self, user: str, channel: str, ts: str, callback_id: str) -> Ack:
        """A person uses a message shortcut on a message (message_action)."""
        person = self.ws.user(user)
        ch = self.ws.channel(channel)
        msg = ch.log.get(ts)
        if msg is None:
            raise LocalSlackError(f"no message {ts} in {channel}")
        url = self.new_response_url(ch.id, ts, False)
        payload = shortcut_payload(
            self.ident,
            person,
            ch,
            msg,
            callback_id=callback_id,
            trigger_id=self.new_trigger(),
            response_url=url,
        )
        return await self._interact("interactive", payload)

    def _view_context(self, user: str) -> JSON:
        """The context of an action in the user's Home tab (or a stub view)."""
        view = self.home_views.get(user) or view_object(
            self.ident, {"type": "home", "blocks": []}, new_id("V", 10)
        )
        return {"container": {"type": "view", "view_id": view["id"]}, "view": view}

    def _message_context(self, ch_id: str | None, ts: str | None, ephemeral: bool) -> JSON:
        """The context of an action on a (possibly ephemeral) message."""
        if ch_id is None:
            raise LocalSlackError("a message action needs a channel")
        ch = self.ws.channel(ch_id)
        msg = ch.log.get(ts) if ts else None
        if not ephemeral and msg is None:
            raise LocalSlackError(f"no message {ts} in {ch_id}")
        message_ts = ts or self.clock.next()
        container = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": ch.id,
            "is_ephemeral": ephemeral,
        }
        url = self.new_response_url(ch.id, message_ts, ephemeral)
        return {
            "container": container,
            "channel": ch,
            "message": None if ephemeral else msg,
            "response_url": url,
        }

    async def block_action(
        self,
        user: str,
        action_id: str,
        value: str = "",
        channel: str | None = None,
        message_ts: str | None = None,
        block_id: str = "b",
        container_type: str = "message",
    ) -> Ack:
        """A person presses a button in a message, an ephemeral message or a view."""
        person = self.ws.user(user)
        if container_type == "view":
            ctx = self._view_context(user)
        elif container_type in ("message", "ephemeral"):
            ctx = self._message_context(channel, message_ts, container_type == "ephemeral")
        else:
            raise LocalSlackError(f"unknown container_type {container_type!r}")
        source = ctx.get("message") or ctx.get("view") or {}
        found = find_element(source.get("blocks"), action_id)
        action = action_object(action_id, value, block_id, found)
        payload = block_actions_payload(
            self.ident, person, action, trigger_id=self.new_trigger(), **ctx
        )
        return await self._interact("interactive", payload)

    async def view_submission(
        self,
        user: str,
        callback_id: str,
        values: JSON | None = None,
        private_metadata: str | None = None,
    ) -> Ack:
        """A person submits a modal (the latest opened with callback_id, or a stub)."""
        person = self.ws.user(user)
        opened = self.modal_for(callback_id)
        base = opened or {
            "type": "modal",
            "callback_id": callback_id,
            "blocks": [],
            "title": {"type": "plain_text", "text": "Modal"},
        }
        view = view_object(self.ident, base, (opened or {}).get("id") or new_id("V", 10))
        view["state"] = {"values": copy.deepcopy(values or {})}
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        payload = submission_payload(self.ident, person, view, self.new_trigger())
        ack = await self._interact("interactive", payload)
        self._apply_submission_answer(view["id"], ack)
        return ack

    def _apply_submission_answer(self, view_id: str, ack: Ack) -> None:
        """A `response_action: update` answer replaces the open modal, if Slack would take it."""
        if ack.status != 200 or not ack.body or ack.body.get("response_action") != "update":
            return
        error = check_view(ack.body.get("view"), ("modal",))
        if error:
            self.server_errors.append(f"response_action update refused: {error}")
            return
        self.remember_modal(view_object(self.ident, ack.body["view"], view_id))

    async def open_home(self, user: str, tab: str = "home", wait: bool = True) -> None:
        """A person opens the app's Home (or Messages) tab: app_home_opened."""
        self.ws.user(user)
        event: JSON = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.ws.dm_with(user).id,
            "tab": tab,
            "event_ts": self.clock.next(),
        }
        if user in self.home_views:
            event["view"] = copy.deepcopy(self.home_views[user])
        await self.finish([self.emit(event)], wait)
