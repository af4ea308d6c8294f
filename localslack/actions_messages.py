"""What people do with messages: post, edit, unfurl, delete, react, DM the bot."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager

from .events import mention_event, message_event, person_message, slackbot_message
from .posting import Posting
from .types import JSON, ApiError, LocalSlackError
from .util import mentions
from .workspace import Channel, User


@contextmanager
def slack_errors() -> Iterator[None]:
    """Turn Web API errors into LocalSlackError for simulated people."""
    try:
        yield
    except ApiError as exc:
        raise LocalSlackError(exc.error) from exc


class MessageActions(Posting):
    """People's message actions; each waits for its deliveries unless wait=False."""

    def _person(self, user_id: str) -> User:
        """An active (not deleted) user."""
        user = self.ws.user(user_id)
        if user.deleted:
            raise LocalSlackError(f"user {user_id} is deactivated")
        return user

    def _room(self, user: User, channel: str) -> Channel:
        """A channel the user may write in."""
        ch = self.ws.channel(channel)
        if user.id not in ch.members:
            raise LocalSlackError(f"{user.id} is not a member of {channel} (not_in_channel)")
        if ch.is_archived:
            raise LocalSlackError(f"{channel} is archived (is_archived)")
        return ch

    def messages(self, channel: str) -> list[JSON]:
        """A conversation's stored messages, replies included, oldest first (a user id: the DM)."""
        dm = self.ws.dm_id(channel)
        ch = self.ws.channel(dm if dm is not None and channel not in self.ws.channels else channel)
        return [copy.deepcopy(m) for m in ch.log.all()]

    def dm_channel(self, user: str) -> str:
        """The id of the bot's DM with a user (opened on first use)."""
        return self.ws.dm_with(user).id

    async def post_message(
        self,
        user: str,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        attachments: list[JSON] | None = None,
        blocks: list[JSON] | None = None,
        subtype: str | None = None,
        reply_broadcast: bool = False,
        wait: bool = True,
    ) -> JSON:
        """A person posts (text in Slack's wire format); returns the stored message."""
        person = self._person(user)
        ch = self._room(person, channel)
        with slack_errors():
            root, parent_user = self.thread_target(ch, thread_ts)
        msg = person_message(
            person,
            text,
            self.clock.next(),
            thread_ts=root,
            parent_user=parent_user,
            attachments=attachments,
            blocks=blocks,
            subtype=subtype,
            reply_broadcast=reply_broadcast and root is not None,
        )
        self.store(ch, msg)
        tasks = [self.emit(message_event(msg, ch), ch)]
        if mentions(text, self.ident.bot_user_id) and not ch.is_im and not person.is_bot:
            tasks.append(self.emit(mention_event(msg, ch), ch))
        await self.finish(tasks, wait)
        return copy.deepcopy(msg)

    async def post_blocks(
        self, user: str, channel: str, blocks: list[JSON], wait: bool = True
    ) -> JSON:
        """A person's app or workflow posts through the API with blocks alone: Slack keeps the
        empty `text` as sent, so the message's links are only `link` elements of its rich_text
        (sections, lists, quotes, code blocks), as in API and workflow posts of real exports."""
        return await self.post_message(user, channel, "", blocks=blocks, wait=wait)

    def message_unfurl(self, channel: str, ts: str, share: bool = False) -> JSON:
        """Slack's attachment for a message: its unfurl when someone pastes its permalink
        (`is_msg_unfurl`), or, with share, its copy in a message that shares (forwards) it
        (`is_share` too). The fields are those of real payloads (`from_url` is the permalink
        on the workspace's slack.com domain, `channel_id`, `ts`, `author_id`, `text`, and the
        original's `message_blocks`)."""
        ch = self.ws.channel(channel)
        with slack_errors():
            original = self.message(ch, ts)
        author = str(original.get("user", ""))
        link = f"https://{self.ident.domain}.slack.com/archives/{ch.id}/p{ts.replace('.', '')}"
        text = str(original.get("text", ""))
        found: JSON = {
            "id": 1,
            "ts": ts,
            "author_id": author,
            "author_name": author,
            "channel_id": ch.id,
            "channel_name": ch.name,
            "channel_team": self.ident.team_id,
            "is_msg_unfurl": True,
            "from_url": link,
            "original_url": link,
            "fallback": f"[{ts}] {author}: {text}",
            "text": text,
            "footer": f"Posted in #{ch.name}",
            "mrkdwn_in": ["text"],
            "message_blocks": [
                {
                    "team": self.ident.team_id,
                    "channel": ch.id,
                    "ts": ts,
                    "message": {"blocks": copy.deepcopy(original.get("blocks", []))},
                }
            ],
        }
        if share:
            found["is_share"] = True
        return found

    async def share_message(
        self, user: str, channel: str, from_channel: str, ts: str, text: str = "", wait: bool = True
    ) -> JSON:
        """A person shares (forwards) a message into a channel, with an optional comment: the
        new message carries Slack's copy of the original as one `is_share` attachment."""
        found = self.message_unfurl(from_channel, ts, share=True)
        return await self.post_message(user, channel, text, attachments=[found], wait=wait)

    async def dm_bot(
        self, user: str, text: str, thread_ts: str | None = None, wait: bool = True
    ) -> JSON:
        """A person writes to the bot in their DM (a message.im event)."""
        return await self.post_message(user, self.dm_channel(user), text, thread_ts, wait=wait)

    async def slackbot_dm(self, user: str, text: str, wait: bool = True) -> JSON:
        """Slackbot's notice ("archived the channel") in the bot's DM: USLACKBOT, no subtype."""
        ch = self.ws.dm_with(user)
        msg = slackbot_message(text, self.clock.next(), self.ident.team_id)
        self.store(ch, msg)
        await self.finish([self.emit(message_event(msg, ch), ch)], wait)
        return copy.deepcopy(msg)

    async def slackbot_post(self, channel: str, text: str, wait: bool = True) -> JSON:
        """Slackbot posts in a channel, as a reminder ("Reminder: …") or a custom Slackbot
        response does in Slack: user USLACKBOT, no subtype, no bot_id nor bot_profile."""
        ch = self.ws.channel(channel)
        msg = slackbot_message(text, self.clock.next(), self.ident.team_id)
        self.store(ch, msg)
        await self.finish([self.emit(message_event(msg, ch), ch)], wait)
        return copy.deepcopy(msg)

    async def edit_message(
        self,
        channel: str,
        ts: str,
        text: str,
        attachments: list[JSON] | None = None,
        wait: bool = True,
    ) -> JSON:
        """The author edits a message: message_changed with edited."""
        ch = self.ws.channel(channel)
        with slack_errors():
            author = self.message(ch, ts).get("user")
            msg, task = self.edit(ch, ts, author, text=text, attachments=attachments)
        await self.finish([task], wait)
        return copy.deepcopy(msg)

    async def unfurl(
        self, channel: str, ts: str, attachments: list[JSON], wait: bool = True
    ) -> JSON:
        """Slack attaches link previews: a hidden message_changed adding attachments."""
        ch = self.ws.channel(channel)
        with slack_errors():
            task = self.unfurl_into(ch, ts, attachments)
            msg = self.message(ch, ts)
        await self.finish([task], wait)
        return copy.deepcopy(msg)

    async def delete_message(self, channel: str, ts: str, wait: bool = True) -> None:
        """A message is deleted: message_deleted, or a tombstone for a thread parent."""
        ch = self.ws.channel(channel)
        with slack_errors():
            tasks = self.remove(ch, ts)
        await self.finish(tasks, wait)

    async def add_reaction(
        self, user: str, channel: str, ts: str, name: str, wait: bool = True
    ) -> None:
        """A person reacts: reaction_added."""
        self._person(user)
        ch = self.ws.channel(channel)
        with slack_errors():
            task = self.react(ch, ts, user, name.strip(":"), True)
        await self.finish([task], wait)

    async def remove_reaction(
        self, user: str, channel: str, ts: str, name: str, wait: bool = True
    ) -> None:
        """A person takes a reaction back: reaction_removed."""
        ch = self.ws.channel(channel)
        with slack_errors():
            task = self.react(ch, ts, user, name.strip(":"), False)
        await self.finish([task], wait)
