"""What the browser tests share: headless chromium through selenium, and checks that wait
for the page (bounded), record failures with a screenshot, and count what passed."""
import argparse
import json
import os
import shutil
import socket
import subprocess
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15  # seconds any one expectation may take


def free_port():
    """A free TCP port on 127.0.0.1 (bound, read, released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def arguments():
    """The scripts' command line: --binary (the understudy binary) and --artifacts (a folder
    for screenshots and logs, made if missing)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    return args


def summary(checks):
    """Prints what passed and failed; the exit status (0 when nothing failed)."""
    print(f"{checks.passed} checks passed, {len(checks.failures)} failed; screenshots in {checks.artifacts}")
    for failure in checks.failures:
        print(f"FAILED: {failure}")
    return 1 if checks.failures else 0


def launch(argv, plane, log):
    """Starts an understudy binary and waits (bounded) for `plane`'s `listening` line on its
    stdout, which is then drained in the background; stderr goes to `log`."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"{argv[1]} exited ({process.wait()}) before listening")
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") == "listening" and event.get("plane") == plane:
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            return process
    process.kill()
    raise RuntimeError(f"no listening line for the {plane} plane within {WAIT}s")


def stop(process):
    """SIGTERM, then SIGKILL after 10 s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Checks:
    """Expectations on the page: each waits up to WAIT seconds, prints ok/FAILED, and a
    failure leaves a screenshot in the artifacts folder."""

    def __init__(self, driver, artifacts):
        self.driver = driver
        self.artifacts = artifacts
        self.failures = []
        self.passed = 0

    def by_testid(self, testid):
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def wait(self, what, condition, timeout=WAIT):
        """Waits for `condition(driver)` to be truthy; records a failure (with a screenshot) if not."""
        try:
            value = WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
            self.passed += 1
            print(f"ok: {what}", flush=True)
            return value
        except Exception as error:  # selenium's TimeoutException, or a lookup that kept failing
            name = f"failed-{len(self.failures) + 1}.png"
            self.driver.save_screenshot(os.path.join(self.artifacts, name))
            self.failures.append(f"{what} (screenshot {name}; {type(error).__name__})")
            print(f"FAILED: {what}", flush=True)
            return None

    def check(self, what, ok):
        """An expectation outside the page (what a plain HTTP client sees)."""
        if ok:
            self.passed += 1
            print(f"ok: {what}", flush=True)
        else:
            self.failures.append(what)
            print(f"FAILED: {what}", flush=True)

    def attribute(self, testid, name):
        try:
            return self.by_testid(testid).get_attribute(name)
        except Exception:
            return None

    def number(self, testid, name):
        try:
            return int(self.attribute(testid, name) or "0")
        except ValueError:
            return 0

    def count(self, css):
        return len(self.driver.find_elements(By.CSS_SELECTOR, css))

    def screenshot(self, name):
        self.driver.save_screenshot(os.path.join(self.artifacts, name))


def make_driver():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,800", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)
