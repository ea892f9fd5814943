#!/usr/bin/env python3
"""The gateway's dashboard in a real browser (headless chromium through selenium).

Starts `understudy serve` (the target) and `understudy gateway` in front of it on free
loopback ports with fast health checks, opens the gateway's page, and checks that the
target shows healthy, that requests through the gateway reach the tail with their target
and target status, that a target registered from the page's form turns unhealthy (nothing
listens there), and that once the good target is deregistered from the page the gateway's
own 503s show with their cause, in the tail and in the counter. Screenshots go to
--artifacts. Exits 0 when every check passed.

Usage: gateway_dashboard_test.py --binary .build/debug/understudy --artifacts .artifacts/gateway
"""
import os
import shutil
import subprocess
import sys
import tempfile

from selenium.webdriver.common.by import By

from browser_support import Checks, arguments, free_port, launch, make_driver, stop, summary


def curl_status(url):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", url],
                         capture_output=True, text=True)
    return int(out.stdout or "0")


def run(checks, gateway_port, admin_port, target):
    driver = checks.driver
    driver.get(f"http://127.0.0.1:{admin_port}/")
    checks.wait("the event stream goes live", lambda d: checks.attribute("stream-status", "data-state") == "live")
    row = f'[data-testid="target-list"] tr[data-target="{target}"]'
    checks.wait("the target is listed healthy", lambda d: checks.count(f'{row}[data-state="healthy"]') == 1)

    statuses = [curl_status(f"http://127.0.0.1:{gateway_port}/get") for _ in range(5)]
    checks.check(f"requests through the gateway answer 200 (got {statuses})", statuses == [200] * 5)
    checks.wait("the tail shows them with their target and its status",
                lambda d: checks.count(f'[data-testid="request-tail"] tr[data-target="{target}"][data-target-status="200"]') >= 1)
    checks.wait("the charts gain points", lambda d: checks.number("latency-chart", "data-points") >= 1
                and checks.number("status-chart", "data-points") >= 1)

    # A target nobody listens on, registered from the page: health checks fail.
    dead = f"127.0.0.1:{free_port()}"
    field = checks.by_testid("target-add-input")
    field.clear()
    field.send_keys(dead)
    checks.by_testid("target-add").click()
    checks.wait("the registered target appears and turns unhealthy",
                lambda d: checks.count(f'[data-testid="target-list"] tr[data-target="{dead}"][data-state="unhealthy"]') == 1)
    checks.screenshot("gateway-1280x800.png")

    # Deregister both from the page (two clicks each): the gateway answers 503 itself.
    for address in (target, dead):
        button = f'[data-testid="target-list"] tr[data-target="{address}"] [data-testid="target-deregister"]'
        for _ in range(2):
            buttons = driver.find_elements(By.CSS_SELECTOR, button)
            if buttons:
                buttons[0].click()
        checks.wait(f"deregistering {address} drains it",
                    lambda d, a=address: checks.count(f'[data-testid="target-list"] tr[data-target="{a}"][data-state="draining"]') >= 1
                    or checks.count(f'[data-testid="target-list"] tr[data-target="{a}"]') == 0)
    status = curl_status(f"http://127.0.0.1:{gateway_port}/get")
    checks.check(f"with no target left the gateway answers 503 (got {status})", status == 503)
    checks.wait("the tail shows the 503 with its cause",
                lambda d: checks.count('[data-testid="request-tail"] tr[data-status="503"][data-cause="no_targets"]') >= 1)
    checks.wait("the counter counts the gateway's own answers by cause",
                lambda d: checks.count('[data-testid="causes"] tr[data-cause="no_targets"]') == 1)

    driver.set_window_size(420, 900)
    checks.wait("a narrow window does not scroll sideways",
                lambda d: d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"))
    checks.screenshot("gateway-narrow-420x900.png")


def main():
    args = arguments()
    folder = tempfile.mkdtemp(prefix="understudy-gateway-dashboard-")
    log = open(os.path.join(folder, "processes.log"), "ab")
    data_port, admin_port = free_port(), free_port()
    gateway_port, gateway_admin = free_port(), free_port()
    target = f"127.0.0.1:{data_port}"
    processes, driver = [], None
    try:
        processes.append(launch([args.binary, "serve", "--listen", target, "--admin-listen", f"127.0.0.1:{admin_port}"],
                                "admin", log))
        processes.append(launch([args.binary, "gateway", "--listen", f"127.0.0.1:{gateway_port}",
                                 "--admin-listen", f"127.0.0.1:{gateway_admin}", "--target", target,
                                 "--health-path", "/health", "--health-interval", "1s", "--health-timeout", "500ms",
                                 "--unhealthy-threshold", "2", "--deregistration-delay", "1s"], "admin", log))
        driver = make_driver()
        checks = Checks(driver, args.artifacts)
        run(checks, gateway_port, gateway_admin, target)
        return summary(checks)
    finally:
        if driver:
            driver.quit()
        for process in processes:
            stop(process)
        log.close()
        shutil.copy(os.path.join(folder, "processes.log"), os.path.join(args.artifacts, "processes.log"))
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
