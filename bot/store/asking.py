"""The asking area of `Store`: search, knowledge gaps, questions, replies and routing."""

from __future__ import annotations

from collections.abc import Iterable

from bot.store.plumbing import Plumbing
from bot.store.sql import (
    expert_reasons,
    experts,
    question_loop,
    questions,
    search,
    search_index,
    suggest,
)
from bot.store.sql.directory import set_person_setting
from bot.store.sql.expert_reasons import Reason
from bot.store.sql.experts import ExpertRules
from bot.store.sql.hits import Hit
from bot.store.sql.questions import Question, Reply


class AskActions(Plumbing):
    """Domain actions for /find and /ask; mixed into `Store`, which provides the plumbing."""

    # -- search -----------------------------------------------------------------------------
    async def search(
        self,
        team_id: str,
        text: str,
        private_channels: Iterable[str] = (),
        now: float | None = None,
    ) -> list[Hit]:
        """Items matching every word of `text` that the searcher may see, best first."""
        query = search.parse_query(text)
        if query is None:
            return []
        when = self._clock() if now is None else now
        return await self._read(search.search, team_id, query, list(private_channels), when)

    async def suggest(
        self, team_id: str, text: str, private_channels: Iterable[str] = (), limit: int = 3
    ) -> list[Hit]:
        """What may already answer a question: items matching at least half of its meaningful
        words that the asker may see, most words matched first, then most votes."""
        query = search.parse_query(text)
        if query is None:
            return []
        return await self._read(suggest.suggest, team_id, query, list(private_channels), limit)

    async def record_gap(self, team_id: str, text: str) -> None:
        """A search found nothing: keep the query (never who searched) as a knowledge gap."""
        query = search.parse_query(text)
        # The same words in another order are the same gap.
        words = " ".join(sorted(query.words)) if query else text.strip()
        await self._write(search.record_gap, team_id, words, self._clock())

    async def knowledge_gaps(
        self, team_id: str, since: float, until: float | None = None, limit: int = 10
    ) -> list[tuple[str, int]]:
        """Queries that found nothing in a period, most searched first: (query, count)."""
        return await self._read(search.knowledge_gaps, team_id, since, until, limit)

    async def reindex(self) -> int:
        """Rebuild the search index from the items (operators, after a repair)."""
        return await self._write(search_index.reindex_all)

    # -- questions --------------------------------------------------------------------------
    async def create_question(
        self, team_id: str, asker: str, anon: bool, text: str, channel: str
    ) -> str:
        """Keep a new question until it is posted in `channel`; returns its id."""
        return await self._write(
            questions.create, team_id, asker, anon, text, channel, self._clock()
        )

    async def question(self, question_id: str) -> Question | None:
        """One question."""
        return await self._read(questions.get, question_id)

    async def question_at_card(self, team_id: str, channel: str, ts: str) -> Question | None:
        """The question whose card is the message at `channel`/`ts`."""
        return await self._read(questions.at_card, team_id, channel, ts)

    async def claim_question_post(self, question_id: str) -> bool:
        """True once per pending question: the caller posts it."""
        return await self._write(questions.claim_post, question_id)

    async def question_posted(
        self,
        question_id: str,
        channel: str,
        ts: str,
        private: bool,
        now: float,
        permalink: str | None = None,
    ) -> None:
        """The question's card is posted (at `permalink`, when Slack gave one)."""
        await self._write(questions.mark_posted, question_id, channel, ts, private, now, permalink)

    async def question_unposted(self, question_id: str) -> None:
        """The question was not posted (the asker dropped it, or Slack refused)."""
        await self._write(questions.mark_unposted, question_id)

    async def add_reply(self, team_id: str, reply: Reply) -> Question | None:
        """Keep a reply in a question's thread; None if the thread is not a question's."""
        return await self._write(questions.add_reply, team_id, reply, self._clock())

    async def remove_reply(self, team_id: str, channel: str, ts: str) -> Question | None:
        """A reply was deleted; returns its question."""
        return await self._write(questions.remove_reply, team_id, channel, ts)

    async def reply_at(self, team_id: str, channel: str, ts: str) -> Reply | None:
        """A stored reply."""
        return await self._read(questions.reply_at, team_id, channel, ts)

    async def replies_of(self, question: Question) -> list[Reply]:
        """A question's replies by others than the asker, oldest first."""
        return await self._read(questions.replies_of, question)

    async def mark_best_answer(self, question_id: str, reply: Reply, now: float) -> Question | None:
        """The asker chose `reply`: the question is answered and searchable."""
        return await self._write(questions.mark_best, question_id, reply, now)

    async def unmark_best_answer(self, question_id: str) -> None:
        """The asker took back their choice."""
        await self._write(questions.unmark_best, question_id)

    async def set_best_note(self, question_id: str, ts: str | None) -> None:
        """Remember the thread note crediting the best answer (None: it is gone)."""
        await self._write(question_loop.set_note, question_id, ts)

    async def claim_thanks(self, team_id: str, reply: Reply) -> bool:
        """True once per reply: its author is thanked for it as a best answer."""
        return await self._write(
            question_loop.claim_thanks, team_id, reply.channel, reply.ts, self._clock()
        )

    async def set_chooser(self, question_id: str, channel: str, ts: str) -> None:
        """Remember the anonymous asker's private best-answer chooser message."""
        await self._write(questions.set_chooser, question_id, channel, ts)

    async def open_questions(self, team_id: str, limit: int = 10) -> list[Question]:
        """Open questions, newest first."""
        return await self._read(questions.open_questions, team_id, limit)

    # -- routing ----------------------------------------------------------------------------
    async def choose_experts(
        self, question: Question, rules: ExpertRules, limit: int = 3
    ) -> list[str]:
        """The people most likely to know, within `rules`."""
        return await self._read(experts.choose_for, question, rules, limit)

    async def claim_routing(
        self,
        question: Question,
        user_id: str,
        round_: int,
        at: float,
        rules: ExpertRules,
        day_since: float | None = None,
    ) -> bool:
        """Count a routing before its DM, if the person is still under the cap (and, with
        `day_since`, got no question since then)."""
        return await self._write(
            questions.claim_routing,
            question.team_id,
            question.id,
            user_id,
            round_,
            at,
            rules.cap,
            rules.since,
            day_since,
        )

    async def expert_reason(self, question: Question, person: str) -> Reason | None:
        """Why `person` was likely to know: the evidence that weighed most, if it can be shown
        where the question was asked."""
        return await self._read(expert_reasons.reason_for, question, person)

    async def routed_since(self, team_id: str, since: float) -> set[str]:
        """Everyone who got a question routed to them since `since`."""
        return await self._read(question_loop.routed_since, team_id, since)

    async def answer_routing(self, question_id: str, user_id: str, response: str) -> str | None:
        """A routed person said 'claimed' (I'll answer) or 'declined' (Not me); kept once.
        Returns None when kept, else what they said before ('not routed': never asked)."""
        return await self._write(question_loop.respond, question_id, user_id, response)

    async def routing_round(self, question_id: str, user_id: str) -> int:
        """The routing round that reached a person."""
        return await self._read(question_loop.round_of, question_id, user_id)

    async def release_routing(self, question: Question, user_id: str) -> None:
        """A routing whose DM failed does not count."""
        await self._write(questions.release_routing, question.id, user_id)

    async def routed_to(self, question_id: str) -> set[str]:
        """Everyone a question was routed to."""
        return await self._read(questions.routed_to, question_id)

    async def claim_reroutes(self, posted_before: float, now: float) -> list[Question]:
        """Unanswered, reply-less questions due their one re-routing (claimed once)."""
        return await self._write(questions.claim_reroute, posted_before, now)

    async def set_routing(self, team_id: str, user_id: str, on: bool) -> None:
        """Whether questions may be routed to a person."""
        await self._write(set_person_setting, team_id, user_id, "routing", "on" if on else "off")

    async def routing(self, team_id: str, user_id: str) -> bool:
        """Whether questions may be routed to a person (on by default)."""
        return await self._read(experts.routing_on, team_id, user_id)
