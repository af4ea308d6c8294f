"""Slack's external upload flow on the local Slack, driven by the real slack_sdk client."""

from __future__ import annotations

import struct
import zlib

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from localslack import LocalSlack
from tests.support.localslack import HttpBot


def _png(width: int = 3, height: int = 2) -> bytes:
    """A tiny valid PNG (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as err:
        await call  # type: ignore[misc]
    return str(err.value.response["error"])


async def test_upload_v2_shares_the_file_into_the_channel(
    slack: LocalSlack, client: AsyncWebClient, http_bot: HttpBot
) -> None:
    png = _png()
    resp = await client.files_upload_v2(
        channel="C1",
        file=png,
        filename="pulse.png",
        title="Learning pulse",
        alt_txt="a chart",
        initial_comment="This week's figures",
    )
    file = resp["file"]
    assert file["title"] == "Learning pulse"
    assert file["mimetype"] == "image/png"
    assert (file["original_w"], file["original_h"], file["size"]) == (3, 2, len(png))
    assert file["channels"] == ["C1"]
    assert file["is_public"]
    assert file["alt_txt"] == "a chart"
    assert slack.file_content(file["id"]) == png
    [get_url] = slack.calls_of("files.getUploadURLExternal")
    assert get_url.args["length"] == str(len(png))
    assert get_url.args["filename"] == "pulse.png"
    message = slack.messages("C1")[-1]
    assert message["text"] == "This week's figures"
    assert message["upload"] is True
    assert [f["id"] for f in message["files"]] == [file["id"]]
    assert file["shares"]["public"]["C1"] == [{"ts": message["ts"]}]
    await slack.wait_idle()
    event = http_bot.requests[-1].json()["event"]
    assert event["subtype"] == "file_share"
    assert event["files"][0]["id"] == file["id"]
    assert event["bot_id"] == slack.bot_id


async def test_url_private_needs_the_bot_token(slack: LocalSlack, client: AsyncWebClient) -> None:
    resp = await client.files_upload_v2(channel="G1", content=b"abc", filename="notes.txt")
    file = resp["file"]
    assert file["groups"] == ["G1"]
    assert file["channels"] == []
    assert not file["is_public"]
    async with aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bearer {slack.bot_token}"}
        async with http.get(file["url_private"], headers=auth) as r:
            assert r.status == 200
            assert await r.read() == b"abc"
        async with http.get(file["url_private"]) as r:
            assert r.status == 403


async def test_get_upload_url_refuses_bad_arguments(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    assert (
        await _error(client.api_call("files.getUploadURLExternal", params={"length": 3}))
        == "invalid_arguments"
    )
    assert await _error(client.files_getUploadURLExternal(filename="a", length=0)) == (
        "missing_argument"
    )
    assert await _error(client.files_getUploadURLExternal(filename="a", length=-4)) == (
        "invalid_arguments"
    )
    assert (
        await _error(client.files_getUploadURLExternal(filename="a", length=3, alt_txt="x" * 1001))
        == "alt_txt_too_large"
    )
    slack.limit_uploads(10)
    assert await _error(client.files_getUploadURLExternal(filename="a", length=11)) == (
        "file_upload_size_restricted"
    )
    ok = await client.files_getUploadURLExternal(filename="a", length=10)
    assert ok["upload_url"].startswith(slack.url + "upload/v1/")
    assert ok["file_id"].startswith("F")


async def _post(url: str, data: bytes) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.post(url, data=data) as r:
        return r.status, await r.text()


async def test_the_upload_url_takes_the_declared_bytes_once(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    ticket = await client.files_getUploadURLExternal(filename="a.bin", length=4)
    url = ticket["upload_url"]
    assert await _post(url, b"") == (400, "empty upload")
    assert (await _post(url, b"12345"))[0] == 413  # more than declared
    assert await _post(slack.url + "upload/v1/nothing-here", b"1") == (
        404,
        "upload url not found or already used",
    )
    assert await _post(url, b"1234") == (200, "OK - 4")
    files = [{"id": ticket["file_id"]}]
    done = await client.files_completeUploadExternal(files=files)  # no channel: kept private
    assert done["files"][0]["channels"] == []
    assert slack.messages("C1") == []
    assert (await _post(url, b"1234"))[0] == 404  # the URL is spent
    assert await _error(client.files_completeUploadExternal(files=files)) == "file_not_found"


async def test_complete_refuses_and_changes_nothing(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    ticket = await client.files_getUploadURLExternal(filename="a.txt", length=2)
    files = [{"id": ticket["file_id"], "title": "A"}]
    assert await _error(client.files_completeUploadExternal(files=files, channel_id="C1")) == (
        "file_not_found"  # not uploaded yet
    )
    assert (await _post(ticket["upload_url"], b"hi"))[0] == 200
    unknown: list[dict[str, str | None]] = [{"id": "FNOPE"}]
    assert await _error(client.files_completeUploadExternal(files=unknown)) == "file_not_found"
    bad = client.api_call("files.completeUploadExternal", params={"files": "not json"})
    assert await _error(bad) == "invalid_arguments"
    assert await _error(client.files_completeUploadExternal(files=[])) == "invalid_arguments"
    for channel, error in (("C2", "not_in_channel"), ("CNOPE", "channel_not_found")):
        call = client.files_completeUploadExternal(files=files, channels=["C1", channel])
        assert await _error(call) == error
    assert slack.messages("C1") == []  # nothing was shared by a refused call
    done = await client.files_completeUploadExternal(files=files, channel_id="C1")
    assert done["files"][0]["title"] == "A"
    assert slack.messages("C1")[-1]["files"]


async def test_a_file_shared_as_a_thread_reply(slack: LocalSlack, client: AsyncWebClient) -> None:
    parent = await client.chat_postMessage(channel="C1", text="the figures follow")
    resp = await client.files_upload_v2(
        channel="C1", content="x", filename="x.txt", thread_ts=parent["ts"]
    )
    reply = slack.messages("C1")[-1]
    assert reply["thread_ts"] == parent["ts"]
    assert reply["files"][0]["id"] == resp["file"]["id"]
    with pytest.raises(SlackApiError) as err:
        await client.files_upload_v2(
            channel="C1", content="x", filename="x.txt", thread_ts="1.000001"
        )
    assert err.value.response["error"] == "thread_not_found"


async def test_sdk_uploads_refused_before_the_bytes(
    slack: LocalSlack, client: AsyncWebClient
) -> None:
    slack.limit_uploads(1)
    for content, error in (("too long", "file_upload_size_restricted"), ("", "missing_argument")):
        call = client.files_upload_v2(channel="C1", content=content, filename="x.txt")
        assert await _error(call) == error
    assert not slack.calls_of("files.completeUploadExternal")
    assert slack.messages("C1") == []


async def test_a_multipart_upload_is_taken_too(slack: LocalSlack, client: AsyncWebClient) -> None:
    ticket = await client.files_getUploadURLExternal(filename="a.txt", length=3)
    form = aiohttp.FormData()
    form.add_field("filename", "a.txt")
    form.add_field("file", b"abc", filename="a.txt")
    async with aiohttp.ClientSession() as http, http.post(ticket["upload_url"], data=form) as r:
        assert r.status == 200
        assert await r.text() == "OK - 3"
    assert slack.file_content(ticket["file_id"]) == b"abc"
