#!/usr/bin/python3
"""The dashboard in headless Chromium against a running module (tests/browser/run.sh).

Environment: WA_URL (http://127.0.0.1:PORT), WA_TOKEN (a scheduler JWT),
WA_SHOTS (the directory for the screenshots), WA_ERROR_LOG (nginx's error log,
shown when a check fails). The data is tools/demo-data.sh's: 4 reports, 7
messages, frequencies 1: 2 reports, 2: 1, 3: 1; three vehicles due today,
tomorrow and the day after (B 1234 CD, D 5537 WW, N 1212 RW), 10 customers.

Prints each failure and ends with "N passed, M failed".
"""
import datetime
import json
import os
import sys
import traceback
import urllib.request
import zoneinfo

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common import utils
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ["WA_URL"]
TOKEN = os.environ["WA_TOKEN"]
SHOTS = os.environ.get("WA_SHOTS", "build")
CUSTOMER_1 = "00000000-0000-4000-8000-000000000001"
# Markup in a customer's name must show as text, never run.
HOSTILE_ID = "00000000-0000-4000-8000-0000000000ff"
HOSTILE_NAME = '<img src=x onerror="document.title=1">Eve'


class LoopbackService(Service):
    """chromedriver reached at 127.0.0.1: Selenium asks for "localhost", which a
    minimal root without /etc/hosts (a fresh debootstrap) cannot resolve."""

    @property
    def service_url(self):
        return "http://127.0.0.1:%d" % self.port

    def is_connectable(self):
        return utils.is_connectable(self.port, "127.0.0.1")


def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1900", "--lang=id"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=LoopbackService("/usr/bin/chromedriver"), options=options)


def put_json(path, body):
    headers = {"Content-Type": "application/json"}
    # make run's configuration protects writes with its API key.
    if os.environ.get("WA_API_KEY"):
        headers["Authorization"] = "Bearer " + os.environ["WA_API_KEY"]
    req = urllib.request.Request(URL + path, data=json.dumps(body).encode(), method="PUT",
                                 headers=headers)
    with urllib.request.urlopen(req) as r:
        return r.status


def get_json(path):
    headers = {"Accept": "application/json"}
    if os.environ.get("WA_API_KEY"):
        headers["Authorization"] = "Bearer " + os.environ["WA_API_KEY"]
    req = urllib.request.Request(URL + path, headers=headers)
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def wait_text(d, element_id, expected, timeout=10):
    WebDriverWait(d, timeout).until(lambda d: d.find_element(By.ID, element_id).text == expected)


def table(d, element_id):
    rows = d.find_elements(By.CSS_SELECTOR, "#%s tbody tr" % element_id)
    return [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in rows]


def console_problems(d):
    return [e for e in d.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def check_loads_with_statistics(d):
    d.get(URL + "/dashboard/")
    wait_text(d, "stat-reports", "4")
    assert d.find_element(By.ID, "stat-messages").text == "7"
    assert d.find_element(By.ID, "stat-average").text == "1.75"
    assert table(d, "frequency-table") == [["1", "2"], ["2", "1"], ["3", "1"]], table(d, "frequency-table")
    # The histogram is drawn by Debian's Chart.js, with the same numbers.
    data = d.execute_script(
        "const c = Chart.getChart(document.getElementById('frequency-chart'));"
        "return c ? [c.data.labels, c.data.datasets[0].data] : null;")
    assert data == [["1", "2", "3"], [2, 1, 1]], data
    assert d.find_element(By.ID, "stats-error").is_displayed() is False


def jakarta_day(offset):
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Jakarta")).date()
    return (today + datetime.timedelta(days=offset)).isoformat()


def check_due_week(d):
    # GET /due?days=7: the three demo vehicles due today, tomorrow and the
    # day after, none reminded yet (the demo's messages were counted by
    # POST /record, which reminds of no visit).
    summary = "3 kendaraan, %s s.d. %s." % (jakarta_day(0), jakarta_day(6))
    wait_text(d, "due-week-summary", summary)
    assert d.find_element(By.ID, "due-week-summary").get_attribute("data-count") == "3"
    assert table(d, "due-week-table") == [
        [jakarta_day(0), "B 1234 CD", "Avanza", "Budi Santoso", "081234567890", "tidak"],
        [jakarta_day(1), "D 5537 WW", "Xenia", "Siti Rahayu", "+62 812-1111-2222", "tidak"],
        [jakarta_day(2), "N 1212 RW", "Ertiga", "Agus Nugroho", "085712345678", "tidak"],
    ], table(d, "due-week-table")
    assert d.find_element(By.ID, "due-week-error").is_displayed() is False
    # The old "not available" note is gone from the card.
    assert "belum tersedia" not in d.find_element(By.ID, "due").text


def check_scheduler_status_and_dry_run(d):
    assert d.find_element(By.ID, "sched-dry-run").get_attribute("disabled") == "true"
    d.find_element(By.ID, "token").send_keys(TOKEN)
    d.find_element(By.CSS_SELECTOR, "#token-form button").click()
    wait_text(d, "sched-enabled", "tidak")
    assert d.find_element(By.ID, "sched-time").text == "07:00"
    assert d.find_element(By.ID, "sched-source").text == "nginx.conf"
    assert table(d, "last-run") == [["belum pernah", ""]], table(d, "last-run")
    # The token is in the page's memory only: not left in the field, nor stored.
    assert d.find_element(By.ID, "token").get_attribute("value") == ""
    stored = d.execute_script("return [localStorage.length, sessionStorage.length, document.cookie]")
    assert stored == [0, 0, ""], stored

    d.find_element(By.ID, "sched-dry-run").click()
    wait_text(d, "dry-run-summary", "Uji coba: 3 kendaraan jatuh tempo, 10 pelanggan, 0 terkirim.", 30)
    due = table(d, "due-table")
    assert [r[0] for r in due] == ["B 1234 CD", "D 5537 WW", "N 1212 RW"], due
    assert [r[4] for r in due] == ["0", "1", "2"], due
    assert all(r[5] == "dry_run" for r in due), due
    assert due[0][6].startswith("Bapak Budi Santoso untuk nomor kendaraan B 1234 CD"), due[0][6]
    # The run shows as the last run, with its counts.
    WebDriverWait(d, 10).until(lambda d: len(table(d, "last-run")) == 9)
    last = dict((r[0], r[1]) for r in table(d, "last-run"))
    assert last["Kendaraan jatuh tempo"] == "3", last
    assert last["Uji coba"] == "ya (3)", last
    assert last["Pelanggan"] == "10", last


def check_lookup(d):
    box = d.find_element(By.ID, "customer-id")
    box.clear()
    box.send_keys(CUSTOMER_1)
    d.find_element(By.CSS_SELECTOR, "#lookup-form button").click()
    wait_text(d, "cust-name", "Budi Santoso")
    # The name and the vehicles' table are filled by separate answers.
    WebDriverWait(d, 10).until(lambda d: len(table(d, "lookup-table")) == 2)
    rows = sorted(table(d, "lookup-table"))
    assert [r[0] for r in rows] == ["B 1234 CD", "B 7777 ZZ"], rows
    assert sorted(r[3] for r in rows) == ["1", "2"], rows
    # GET .../reminder per vehicle: no reminder sent yet (the demo's messages
    # came through POST /record), so no delivery; with the schedule stopped,
    # a run today sends to the one due today and not yet to the other, whose
    # first day comes from the same answer.
    why = get_json("/whatsapp-report/customer/%s/vehicle/%s/reminder"
                   % (CUSTOMER_1, "00000000-0000-4000-8001-000000000011"))
    first_day = why["if_run_today"]["not_due_until"]
    assert why["if_run_today"]["reason"] == "not_due_until" and first_day, why
    assert [r[5:] for r in rows] == [["–", "akan dikirim"],
                                     ["–", "belum waktunya, mulai " + first_day]], rows
    cell = d.find_elements(By.CSS_SELECTOR, "#lookup-table tbody tr td:nth-child(7)")
    titles = sorted(c.get_attribute("title") for c in cell)
    assert titles == ["", why["if_run_today"]["detail"]], titles


def check_delivery_funnel(d):
    # GET /statistics/delivery: the demo counts no reminder sends (the log
    # gateway is a dry run), so every figure is zero, as the API says.
    stats = get_json("/whatsapp-report/statistics/delivery")
    assert [stats[k] for k in ("accepted", "delivered", "read", "failed")] == [0, 0, 0, 0], stats
    wait_text(d, "funnel-accepted", "0")
    shown = [d.find_element(By.ID, "funnel-" + k).text
             for k in ("delivered", "read", "failed", "delivery-rate", "read-rate", "failure-rate")]
    assert shown == ["0", "0", "0", "0.0%", "0.0%", "0.0%"], shown
    assert table(d, "failures-table") == [], table(d, "failures-table")
    assert d.find_element(By.ID, "funnel-error").is_displayed() is False
    assert "belum tersedia" not in d.find_element(By.TAG_NAME, "main").text


def check_markup_stays_text(d):
    assert put_json("/whatsapp-report/data/customers/" + HOSTILE_ID,
                    {"name": HOSTILE_NAME, "phone": "081234567890"}) == 201
    d.find_element(By.ID, "customer-id").send_keys(HOSTILE_ID)
    d.find_element(By.CSS_SELECTOR, "#lookup-form button").click()
    wait_text(d, "cust-name", HOSTILE_NAME)
    assert d.find_elements(By.CSS_SELECTOR, "#customer-card img") == []
    assert d.title == "wa-report", d.title


def check_english_and_phone(d):
    d.find_element(By.ID, "lang-en").click()
    wait_text(d, "dry-run-summary", "Dry run: 3 vehicles due, 10 customers, 0 sent.")
    wait_text(d, "due-week-summary", "3 vehicles, %s to %s." % (jakarta_day(0), jakarta_day(6)))
    assert [r[5] for r in table(d, "due-week-table")] == ["no", "no", "no"], table(d, "due-week-table")
    assert d.find_element(By.TAG_NAME, "h1").text == "WhatsApp reminder reports"
    assert d.find_element(By.CSS_SELECTOR, "#statistics h2").text == "Statistics"
    # The lookup's words follow the language.
    assert sorted(r[6] for r in table(d, "lookup-table"))[0] == "not due until " + \
        get_json("/whatsapp-report/customer/%s/vehicle/%s/reminder"
                 % (CUSTOMER_1, "00000000-0000-4000-8001-000000000011"))["if_run_today"]["not_due_until"]
    d.save_screenshot(os.path.join(SHOTS, "dashboard.png"))
    # A phone's width: one column, nothing wider than the screen.
    d.set_window_size(390, 2600)
    # The layout follows the resize a moment later (media queries, Chart.js's
    # own resize); then nothing may be wider than the screen.
    try:
        WebDriverWait(d, 5).until(
            lambda d: d.execute_script("return document.documentElement.scrollWidth") <= 390)
    except Exception:
        wide = d.execute_script(
            "return [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > 390)"
            ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' '"
            " + Math.round(e.getBoundingClientRect().right))")
        raise AssertionError("wider than the screen: %s" % wide)
    # The due vehicles as cards: each cell under its column's label.
    label = d.execute_script(
        "return getComputedStyle(document.querySelector('#due-table td'), '::before').content")
    assert label == '"Plate"', label
    d.save_screenshot(os.path.join(SHOTS, "dashboard-phone.png"))


CHECKS = [check_loads_with_statistics, check_due_week, check_scheduler_status_and_dry_run,
          check_markup_stays_text, check_lookup, check_delivery_funnel, check_english_and_phone]


def main():
    passed = failed = 0
    d = browser()
    try:
        for check in CHECKS:
            try:
                check(d)
                passed += 1
                print("ok:", check.__name__)
            except Exception:
                failed += 1
                print("FAIL:", check.__name__)
                traceback.print_exc(limit=2)
                break  # the checks build on each other
        problems = console_problems(d)
        for p in problems:
            print("FAIL: browser console:", p["level"], p["message"])
        if problems:
            failed += 1
        else:
            passed += 1
            print("ok: no console errors or warnings")
    finally:
        d.quit()
    if failed and os.environ.get("WA_ERROR_LOG"):
        print("--- nginx error.log (last lines)")
        with open(os.environ["WA_ERROR_LOG"], errors="replace") as f:
            print("".join(f.readlines()[-20:]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
