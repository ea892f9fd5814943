#!/usr/bin/env python3
"""sqs-fill.py — put N messages into an SQS queue quickly, with SendMessageBatch (10 entries).

Usage:
  Benchmarks/sqs-fill.py [--conns 8] [--pipeline 32] [--per-conn 200] [--body-size 64] QUEUE_URL COUNT

The requests are what sqs-send-batch.lua sends (AWS JSON 1.0, a well-formed unverifiable
SigV4 Authorization with scope .../us-east-1/sqs/aws4_request, distinct bodies
"<pad>-fill-<n>"), sent on --conns connections to the queue URL's host. On a server that
keeps connections alive each connection pipelines up to --pipeline requests (HTTP/1.1
pipelining, answers in order) and is replaced after --per-conn requests; on one that answers `Connection: close` (moto_server) every
request gets its own connection. Every answer must be 200 with one MessageId per entry;
the script stops at the first that is not. Prints one line:
  FILLJSON {"messages":..,"requests":..,"seconds":..}
Exit 0 when COUNT messages were acknowledged, 1 otherwise.
"""
import argparse
import asyncio
import json
import sys
import time
import urllib.parse

REGION = "us-east-1"


class FillError(Exception):
    pass


def make_request(host, queue_url, start, count, pad, close=False):
    entries = ",".join(
        '{"Id":"m%d","MessageBody":"%s-fill-%d"}' % (k, pad, start + k) for k in range(count))
    body = ('{"QueueUrl":%s,"Entries":[%s]}' % (json.dumps(queue_url), entries)).encode()
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    head = (
        "POST / HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Content-Type: application/x-amz-json-1.0\r\n"
        "X-Amz-Target: AmazonSQS.SendMessageBatch\r\n"
        f"X-Amz-Date: {date}\r\n"
        f"Authorization: AWS4-HMAC-SHA256 Credential=test/{date[:8]}/{REGION}/sqs/aws4_request, "
        f"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={'0' * 64}\r\n"
        "User-Agent: understudy-bench/sqs-fill.py\r\n"
        + ("Connection: close\r\n" if close else "") +
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_response(reader):
    """(status, body, keep_alive) of one Content-Length-framed response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length, keep_alive = 0, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep_alive = False
        elif name == "transfer-encoding":
            raise FillError(f"chunked answers are not supported: {line}")
    body = await reader.readexactly(length)
    return status, body, keep_alive


class Filler:
    def __init__(self, args):
        self.url = urllib.parse.urlsplit(args.queue_url)
        self.queue_url = args.queue_url
        self.host = self.url.netloc
        self.port = self.url.port or 80
        self.pad = "f" * args.body_size
        self.total = args.count
        self.pipeline = args.pipeline
        self.per_conn = args.per_conn
        self.retry = []        # batches to send again (a connection closed before answering them)
        self.next = 0          # next message number to hand out
        self.acked = 0
        self.requests = 0

    def take(self):
        """(first message number, entries) of the next batch, or None when all are handed out."""
        if self.retry:
            return self.retry.pop()
        if self.next >= self.total:
            return None
        start, n = self.next, min(10, self.total - self.next)
        self.next += n
        return start, n

    def check(self, status, body, n):
        ids = body.count(b'"MessageId"')
        if status != 200 or ids != n:
            raise FillError(f"SendMessageBatch answered {status} with {ids}/{n} MessageIds: {body[:200]!r}")
        self.acked += n
        self.requests += 1

    async def probe(self):
        """Sends the first batch alone; True when the server keeps the connection alive."""
        reader, writer = await asyncio.open_connection(self.url.hostname, self.port)
        try:
            start, n = self.take()
            writer.write(make_request(self.host, self.queue_url, start, n, self.pad))
            await writer.drain()
            status, body, keep_alive = await read_response(reader)
            self.check(status, body, n)
            return keep_alive
        finally:
            writer.close()

    async def pipelined(self):
        """Pipelines batches on one connection at a time; after --per-conn requests the last
        one asks for `Connection: close` and a new connection takes over, so a server's
        keep-alive request limit (Understudy: server.keepalive.max_requests) is never hit.
        A connection the server closes earlier anyway has its unanswered batches sent again."""
        while True:
            reader, writer = await asyncio.open_connection(self.url.hostname, self.port)
            try:
                sent = 0
                while sent < self.per_conn:
                    batches = []
                    while len(batches) < min(self.pipeline, self.per_conn - sent) and (b := self.take()):
                        batches.append(b)
                    if not batches:
                        return
                    sent += len(batches)
                    last = len(batches) - 1 if sent >= self.per_conn else -1
                    writer.write(b"".join(make_request(self.host, self.queue_url, s, n, self.pad, close=(i == last))
                                          for i, (s, n) in enumerate(batches)))
                    await writer.drain()
                    for i, (_, n) in enumerate(batches):
                        status, body, keep_alive = await read_response(reader)
                        self.check(status, body, n)
                        if not keep_alive and i != last:
                            self.retry.extend(batches[i + 1:])
                            sent = self.per_conn
                            break
            finally:
                writer.close()

    async def one_per_connection(self):
        while b := self.take():
            reader, writer = await asyncio.open_connection(self.url.hostname, self.port)
            try:
                writer.write(make_request(self.host, self.queue_url, b[0], b[1], self.pad))
                await writer.drain()
                status, body, _ = await read_response(reader)
                self.check(status, body, b[1])
            finally:
                writer.close()


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("queue_url")
    p.add_argument("count", type=int)
    p.add_argument("--conns", type=int, default=8)
    p.add_argument("--pipeline", type=int, default=32)
    p.add_argument("--per-conn", type=int, default=200, help="requests per keep-alive connection (default 200)")
    p.add_argument("--body-size", type=int, default=64)
    args = p.parse_args()
    if min(args.count, args.conns, args.pipeline, args.per_conn) < 1:
        p.error("COUNT, --conns, --pipeline and --per-conn must be at least 1")
    filler = Filler(args)
    t0 = time.monotonic()
    failed = None
    try:
        worker = filler.pipelined if await filler.probe() else filler.one_per_connection
    except (FillError, OSError, asyncio.IncompleteReadError, ValueError) as e:
        failed, worker = e, None
    tasks = [asyncio.create_task(worker()) for _ in range(args.conns)] if worker else []
    for task in asyncio.as_completed(tasks):
        try:
            await task
        except (FillError, OSError, asyncio.IncompleteReadError, ValueError) as e:
            failed = failed or e
            filler.next, filler.retry = filler.total, []  # stop handing out work
    seconds = time.monotonic() - t0
    print("FILLJSON " + json.dumps({"messages": filler.acked, "requests": filler.requests,
                                    "seconds": round(seconds, 3)}))
    if failed or filler.acked != filler.total:
        print(f"sqs-fill: {filler.acked}/{filler.total} messages acknowledged: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
