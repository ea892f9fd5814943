#!/usr/bin/env python3
"""The dashboard in a real browser: Debian's chromium, headless, driven by selenium.

Starts the `understudy` binary (free loopback ports, an admin token, 4 worker slots, a
queue), opens the dashboard, and checks what a user would look at: the token form, the
event stream going live, the scoreboard, both charts and the request tail updating under
traffic, the health switch changing what curl-like clients get from /health, a bad fault rule
showing its error inline and a good one listed, the queue counts, a narrow window without
horizontal scrolling, and the stream reconnecting after the server restarts. Screenshots go
to --artifacts. Exits 0 when every check passed; prints what failed otherwise.

Usage: dashboard_test.py --binary .build/debug/understudy --artifacts .artifacts/dashboard
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

from browser_support import Checks, arguments, free_port, launch, make_driver, stop, summary

TOKEN = "dash-token"


class Server:
    """The understudy binary on fixed ports (so a restart comes back where the page looks)."""

    def __init__(self, binary, folder):
        self.binary = binary
        self.data_port, self.admin_port = free_port(), free_port()
        self.config = os.path.join(folder, "understudy.yaml")
        with open(self.config, "w") as f:
            f.write(f"""
server:
  listen: "127.0.0.1:{self.data_port}"
  workers: 4
  loops: 1
admin:
  listen: "127.0.0.1:{self.admin_port}"
  token: {TOKEN}
  events:
    heartbeat: 1s
sqs:
  queues: [{{name: jobs}}]
log:
  access: false
shutdown:
  drain: 0s
  grace: 1s
""")
        self.process = None
        self.log = open(os.path.join(folder, "server.log"), "ab")

    def start(self):
        self.process = launch([self.binary, "serve", "--config", self.config], "admin", self.log)

    def stop(self):
        stop(self.process)

    def url(self, plane, path):
        port = self.data_port if plane == "data" else self.admin_port
        return f"http://127.0.0.1:{port}{path}"

    def get(self, path, timeout=10):
        """(status, body) of a GET on the data plane."""
        try:
            with urllib.request.urlopen(self.url("data", path), timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def curl_status(self, path):
        """The status curl gets for GET path on the data plane (a client outside the browser)."""
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                              self.url("data", path)], capture_output=True, text=True)
        return int(out.stdout or "0")

    def admin(self, method, path, body=None):
        request = urllib.request.Request(self.url("admin", path), method=method, data=body,
                                         headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def sqs_send(self, body):
        data = f"Action=SendMessage&MessageBody={body}".encode()
        request = urllib.request.Request(self.url("data", "/000000000000/jobs"), data=data,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status


def run(server, checks):
    driver = checks.driver
    driver.get(server.url("admin", "/"))

    # The token: asked for once, kept in sessionStorage.
    form_input = checks.wait("the token form appears (the API answers 401 without it)",
                             lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="token-input"]'))
    if form_input:
        form_input.send_keys(TOKEN)
        checks.by_testid("token-submit").click()
    checks.wait("the event stream goes live", lambda d: checks.attribute("stream-status", "data-state") == "live")
    checks.wait("the token is kept in sessionStorage",
                lambda d: d.execute_script('return sessionStorage.getItem("understudy.token")') == TOKEN)

    # Traffic: slow requests fill worker slots, fast ones feed the charts and the tail.
    updates_before = checks.number("scoreboard", "data-updates")
    slow = [threading.Thread(target=server.get, args=("/delay/2",)) for _ in range(3)]
    for thread in slow:
        thread.start()
    checks.wait("the scoreboard has one cell per worker slot (4)", lambda d: checks.count('[data-testid="scoreboard"] .cell') == 4)
    checks.wait("the scoreboard shows the slow requests holding slots",
                lambda d: checks.count('[data-testid="scoreboard"] .cell[data-state="delayed"]') >= 2)
    checks.screenshot("dashboard-busy-1280x800.png")
    for index in range(40):
        server.get(f"/get?n={index}")
        server.get("/status/503")
    server.get("/health")
    checks.wait("the scoreboard re-renders from events", lambda d: checks.number("scoreboard", "data-updates") > updates_before)
    checks.wait("the latency chart gains points", lambda d: checks.number("latency-chart", "data-points") >= 2)
    checks.wait("the status chart gains points", lambda d: checks.number("status-chart", "data-points") >= 2)
    checks.wait("the request tail lists a /get request with 200",
                lambda d: checks.count('[data-testid="request-tail"] [data-path="/get"][data-status="200"]') >= 1)
    checks.wait("the request tail lists a 503",
                lambda d: checks.count('[data-testid="request-tail"] [data-status="503"]') >= 1)
    checks.wait("the connections panel shows requests per second",
                lambda d: any(ch.isdigit() for ch in checks.by_testid("connections").text))
    for thread in slow:
        thread.join(timeout=10)
    checks.wait("the slots free up again",
                lambda d: checks.count('[data-testid="scoreboard"] .cell[data-state="delayed"]') == 0)

    # Filtering the tail by status.
    status_filter = checks.by_testid("tail-filter-status")
    status_filter.clear()
    status_filter.send_keys("503")
    checks.wait("the status filter leaves only 503 rows",
                lambda d: checks.count('[data-testid="request-tail"] [data-status]:not([hidden])') > 0
                and all(row.get_attribute("data-status") == "503"
                        for row in d.find_elements(By.CSS_SELECTOR, '[data-testid="request-tail"] [data-status]')
                        if row.is_displayed()))
    status_filter.clear()

    # Health: the switch in the page changes what /health answers.
    checks.wait("health marks appear in the strip",
                lambda d: checks.count('[data-testid="health-strip"] .mark') >= 1)
    checks.by_testid("health-toggle").click()
    checks.wait("the page shows health failing", lambda d: checks.attribute("health-state", "data-status") == "503")
    status = server.curl_status("/health")
    checks.check(f"curl gets 503 from /health after the switch (got {status})", status == 503)
    checks.wait("a red mark for the 503 answer", lambda d: checks.count('[data-testid="health-strip"] .mark[data-status="503"]') >= 1)
    checks.by_testid("health-toggle").click()
    checks.wait("the page shows health back to 200", lambda d: checks.attribute("health-state", "data-status") == "200")
    status = server.curl_status("/health")
    checks.check(f"curl gets 200 from /health after switching back (got {status})", status == 200)

    # Fault rules: an invalid rule shows the server's error inline; a valid one is listed.
    editor = checks.by_testid("fault-editor")
    editor.clear()
    editor.send_keys('{"name": "bad", "match": {"pathx": "/get"}, "delay": "1s"}')
    checks.by_testid("fault-save").click()
    checks.wait("an invalid rule shows its error and field",
                lambda d: checks.by_testid("fault-error").is_displayed() and "match.pathx" in checks.by_testid("fault-error").text)
    editor.clear()
    editor.send_keys('{"name": "slow-get", "match": {"path": "/get"}, "delay": "10ms"}')
    checks.by_testid("fault-save").click()
    checks.wait("a valid rule clears the error", lambda d: not checks.by_testid("fault-error").is_displayed()
                or checks.by_testid("fault-error").text.strip() == "")
    checks.wait("the new rule is in the list", lambda d: checks.count('[data-testid="fault-list"] [data-rule="slow-get"]') == 1)
    checks.by_testid("fault-enabled-slow-get").click()
    checks.wait("unchecking the rule disables it on the server",
                lambda d: server.admin("GET", "/api/faults/slow-get").get("enabled") is False)

    # Queues: counts follow the queue.
    server.sqs_send("hello")
    server.sqs_send("world")
    checks.wait("the queue list shows 2 visible messages in jobs",
                lambda d: "2" in [cell.text.strip() for cell in
                                  d.find_elements(By.CSS_SELECTOR, '[data-testid="queue-list"] [data-queue="jobs"] *')])
    checks.screenshot("dashboard-1280x800.png")
    purge = '[data-testid="queue-list"] [data-queue="jobs"] button.danger'
    driver.find_element(By.CSS_SELECTOR, purge).click()
    checks.wait("a first click on purge only arms it", lambda d: d.find_element(By.CSS_SELECTOR, purge).text == "confirm purge"
                and server.admin("GET", "/api/queues/jobs").get("visible") == 2)
    driver.find_element(By.CSS_SELECTOR, purge).click()
    checks.wait("the second click purges the queue", lambda d: server.admin("GET", "/api/queues/jobs").get("visible") == 0)

    # A narrow window: one column, no horizontal scrolling.
    driver.set_window_size(420, 900)
    checks.wait("a narrow window does not scroll sideways",
                lambda d: d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"))
    checks.screenshot("dashboard-narrow-420x900.png")
    driver.set_window_size(1280, 800)

    # The server restarts: the page reconnects and goes on updating.
    server.stop()
    checks.wait("the page notices the stream is gone", lambda d: checks.attribute("stream-status", "data-state") != "live")
    server.start()
    checks.wait("the stream is live again after the restart",
                lambda d: checks.attribute("stream-status", "data-state") == "live", timeout=30)
    server.get("/anything/after-restart")
    checks.wait("requests after the restart reach the tail",
                lambda d: checks.count('[data-testid="request-tail"] [data-path="/anything/after-restart"]') == 1)
    checks.wait("the health state is read again after the restart (config: 200)",
                lambda d: checks.attribute("health-state", "data-status") == "200")


def main():
    args = arguments()
    folder = tempfile.mkdtemp(prefix="understudy-dashboard-")
    server = Server(args.binary, folder)
    driver = None
    try:
        server.start()
        driver = make_driver()
        checks = Checks(driver, args.artifacts)
        try:
            run(server, checks)
        finally:
            with open(os.path.join(args.artifacts, "browser-console.log"), "w") as log:
                for entry in driver.get_log("browser"):
                    log.write(f"{entry.get('level')} {entry.get('message')}\n")
        return summary(checks)
    finally:
        if driver:
            driver.quit()
        server.stop()
        server.log.close()
        with open(os.path.join(folder, "server.log"), "rb") as log:
            tail = log.read()[-2000:].decode(errors="replace")
        shutil.copy(os.path.join(folder, "server.log"), os.path.join(args.artifacts, "server.log"))
        shutil.rmtree(folder, ignore_errors=True)
        if tail.strip():
            print("server stderr (tail):\n" + tail)


if __name__ == "__main__":
    sys.exit(main())
