#!/usr/bin/env python3
"""sqs-durability.py — no message lost or duplicated under concurrent producers and consumers,
in memory or with SQLite storage, optionally with a `kill -9` of the server mid-run.

  Benchmarks/sqs-durability.py [--binary .build/release/understudy] [--storage memory|sqlite]
                               [--messages 100000] [--producers 8] [--consumers 8] [--kill-at 0.5]

Starts `understudy serve` on free loopback ports (sqlite: a temporary database file), creates a
queue, and runs producer and consumer processes speaking the AWS JSON 1.0 protocol over
keep-alive connections (http.client; boto3 would make the client the bottleneck). Producers
send distinct bodies with SendMessage and log each body whose 200 carried a MessageId
("acknowledged"). Consumers ReceiveMessage (10 at a time, 1 s long poll) and DeleteMessageBatch,
logging each body whose delete was answered ("deleted") and each whose delete was sent.
Without --kill-at the visibility timeout is 300 s and the check is exact: every acknowledged
message received and deleted exactly once, nothing else, nothing left.
With --kill-at F (needs --storage sqlite): when a fraction F of the messages is acknowledged,
the server gets SIGKILL and is restarted on the same database; clients retry until it answers.
The visibility timeout is 5 s then (a message received but not deleted before the kill comes
back). Checks: none lost (every acknowledged body was deleted, or its delete was in flight at
the kill, or it is still in the queue at the end) and none resurrected (no body deleted twice
after an acknowledged delete). Prints the counts, rates and PASS/FAIL; exit 1 on FAIL.
Binds 127.0.0.1 only; stops every process it starts.
"""
import argparse, http.client, json, multiprocessing as mp, os, signal, socket, subprocess, sys, tempfile, time

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

class Client:
    """One keep-alive connection speaking AWS JSON 1.0; reconnects (and retries) when the server is gone."""
    def __init__(self, port):
        self.port, self.conn = port, None

    def call(self, action, payload, retry=True):
        body = json.dumps(payload)
        headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AmazonSQS.{action}",
                   "Authorization": "AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/sqs/aws4_request, "
                                    "SignedHeaders=host, Signature=0"}
        while True:
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request("POST", "/", body, headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, json.loads(data) if data else {}
            except (OSError, http.client.HTTPException, ValueError) as error:
                if self.conn: self.conn.close()
                self.conn = None
                # Refused: nothing was sent, so trying again is safe. Otherwise the request
                # may have taken effect: the caller decides.
                if not retry and not isinstance(error, ConnectionRefusedError):
                    return None, None
                time.sleep(0.05)

def producer(port, url, index, count, logdir):
    client = Client(port)
    with open(f"{logdir}/acked-{index}", "w", buffering=1) as acked:
        for n in range(count):
            body = f"p{index}-{n}"
            # Lost mid-request (the kill): the message may or may not be stored; not resent,
            # so a second copy cannot pass for a resurrection.
            status, answer = client.call("SendMessage", {"QueueUrl": url, "MessageBody": body}, retry=False)
            if status == 200 and answer.get("MessageId"):
                acked.write(body + "\n")

def consumer(port, url, index, logdir, done):
    client = Client(port)
    empty = 0
    with open(f"{logdir}/deleted-{index}", "w", buffering=1) as deleted, \
         open(f"{logdir}/attempted-{index}", "w", buffering=1) as attempted, \
         open(f"{logdir}/received-{index}", "w", buffering=1) as received:
        while True:
            status, answer = client.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1})
            messages = (answer or {}).get("Messages", []) if status == 200 else []
            if not messages:
                empty += 1
                if done.is_set() and empty >= 3:
                    return
                continue
            empty = 0
            for m in messages: received.write(m["Body"] + "\n")
            for m in messages: attempted.write(m["Body"] + "\n")
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
            status, answer = client.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": entries}, retry=False)
            if status == 200:
                ok = {e["Id"] for e in answer.get("Successful", [])}
                for i, m in enumerate(messages):
                    if str(i) in ok: deleted.write(m["Body"] + "\n")

def lines(paths):
    out = []
    for p in paths:
        with open(p) as f: out += f.read().split()
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=".build/release/understudy")
    ap.add_argument("--storage", choices=["memory", "sqlite"], default="memory")
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--producers", type=int, default=8)
    ap.add_argument("--consumers", type=int, default=8)
    ap.add_argument("--kill-at", type=float, default=None)
    args = ap.parse_args()
    if args.kill_at is not None and args.storage != "sqlite":
        sys.exit("sqs-durability: --kill-at needs --storage sqlite")
    work = tempfile.mkdtemp(prefix="sqs-durability.")
    port, admin = free_port(), free_port()
    env = dict(os.environ, UNDERSTUDY_LOG__ACCESS="false",
               UNDERSTUDY_SQS__STORAGE="memory" if args.storage == "memory" else f"sqlite:{work}/queues.db")
    def start():
        proc = subprocess.Popen([args.binary, "serve", "--listen", f"127.0.0.1:{port}", "--admin-listen", f"127.0.0.1:{admin}"],
                                env=env, stdout=subprocess.DEVNULL, stderr=open(f"{work}/server.err", "a"))
        for _ in range(500):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc
            except OSError:
                if proc.poll() is not None: sys.exit(f"server exited: {open(work + '/server.err').read()}")
                time.sleep(0.01)
        sys.exit("server did not start")
    server = start()
    procs = []
    try:
        client = Client(port)
        visibility = "5" if args.kill_at is not None else "300"
        status, answer = client.call("CreateQueue", {"QueueName": "durability", "Attributes": {"VisibilityTimeout": visibility}})
        url = answer["QueueUrl"]
        per = args.messages // args.producers
        total = per * args.producers
        done = mp.Event()
        started = time.time()
        procs = [mp.Process(target=producer, args=(port, url, i, per, work)) for i in range(args.producers)]
        consumers = [mp.Process(target=consumer, args=(port, url, i, work, done)) for i in range(args.consumers)]
        for p in procs + consumers: p.start()
        killed_at = None
        while any(p.is_alive() for p in procs):
            time.sleep(0.1)
            if args.kill_at is not None and killed_at is None:
                acked = sum(os.path.getsize(f"{work}/acked-{i}") for i in range(args.producers)) // 8
                if acked >= args.kill_at * total:
                    server.send_signal(signal.SIGKILL); server.wait()
                    killed_at = time.time() - started
                    server = start()
        produced = time.time() - started
        done.set()
        for p in consumers: p.join()
        elapsed = time.time() - started
        acked = lines([f"{work}/acked-{i}" for i in range(args.producers)])
        deleted = lines([f"{work}/deleted-{i}" for i in range(args.consumers)])
        attempted = set(lines([f"{work}/attempted-{i}" for i in range(args.consumers)]))
        received = lines([f"{work}/received-{i}" for i in range(args.consumers)])
        status, attrs = Client(port).call("GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["All"]})
        a = attrs["Attributes"]
        remaining = int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])
        counts = {}
        for body in deleted: counts[body] = counts.get(body, 0) + 1
        twice = [b for b, c in counts.items() if c > 1]
        acked_set = set(acked)
        unknown = set(deleted) - {f"p{i}-{n}" for i in range(args.producers) for n in range(per)}
        print(f"storage={args.storage} producers={args.producers} consumers={args.consumers} messages={total}"
              + (f" killed at {killed_at:.1f}s" if killed_at else ""))
        print(f"acknowledged sends {len(acked)} in {produced:.1f}s ({len(acked) / produced:.0f}/s); "
              f"received {len(received)}, deleted {len(deleted)} in {elapsed:.1f}s; left in queue {remaining}")
        if args.kill_at is None:
            lost = acked_set - set(deleted)
            ok = not lost and not twice and not unknown and len(acked) == total and remaining == 0 and len(deleted) == total
            print(f"lost {len(lost)}, deleted twice {len(twice)}, unknown {len(unknown)}, received more than once "
                  f"{len(received) - len(set(received))}")
        else:
            lost = acked_set - set(deleted) - attempted
            ok = not lost and not twice and not unknown and remaining == 0
            print(f"lost {len(lost)}, resurrected (deleted twice) {len(twice)}, unknown {len(unknown)}, "
                  f"redelivered after the kill {len(received) - len(set(received))}")
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        for p in procs:
            if p.is_alive(): p.terminate()
        server.send_signal(signal.SIGTERM)
        try: server.wait(timeout=30)
        except subprocess.TimeoutExpired: server.kill()
        subprocess.run(["rm", "-rf", work])

if __name__ == "__main__":
    sys.exit(main())
