"""The search API over real HTTP on 127.0.0.1: hits with facets, ticket suggestions, 400s for bad queries, the query log."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from conftest import step_link
from click.testing import CliRunner

from generator.cli import main
from generator.server import create_app


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def api(built_bundled):
    server = make_server("127.0.0.1", 0, create_app(built_bundled), server_class=_ThreadingServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def call(url: str, data: bytes | None = None, content_type: str = "application/json"):
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if data is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def search(api: str, **params):
    return call(f"{api}/api/search?{urllib.parse.urlencode(params)}")


def test_search_returns_deep_linked_hits_and_facets(api, built_bundled):
    status, data = search(api, q="confirm stakeholders renewal", role="csm", limit=3)
    assert status == 200
    # the step's version rides along, as on a link taken with the page's Copy link: opened after the step
    # changed, the page says so
    assert data["hits"][0]["url"] == step_link(built_bundled, "renewal-runway", "confirm-stakeholders")
    page = (built_bundled / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    version = data["hits"][0]["url"].split("?v=")[1].split("#")[0]
    assert f"confirm-stakeholders&quot;: {{&quot;v&quot;: &quot;{version}&quot;" in page  # the page's own version
    # ready for a ticket, as the page's "Copy for ticket" gives it
    assert data["hits"][0]["markdown"] == f"[Renewal runway › Confirm the stakeholders]({data['hits'][0]['url']})"
    assert data["hits"][0]["path"] == "/playbooks/renewal-runway/#confirm-stakeholders"
    assert len(data["hits"]) == 3 and data["facets"]["kind"]["step"] > 0
    # the portal's filters show names, not ids
    assert data["facet_names"]["role"]["csm"] == "Customer Success Manager"
    assert data["facet_names"]["phase"]["renewal"] == "Renewal"


@pytest.mark.parametrize("query, message, code", [
    ("", "empty query", "empty-query"), ('renewal "60 days', "unbalanced quotes", "unbalanced-quotes"),
    ("(renewal OR churn", "unbalanced parentheses", "unbalanced-parentheses"), ("a" * 10_000, "query too long", "query-too-long"),
    ("renewal)", "unbalanced parentheses", "unbalanced-parentheses"), ("*newal", "cannot start with '*'", "leading-wildcard"),
    ("role:csm role:cs-ops renewal", "two role filters", "two-filters"), ("role:xyz renewal", "unknown role", "unknown-filter"),
])
def test_bad_queries_get_400_with_a_message(api, query, message, code):
    # the code names the slip, for the search box to say it in the portal's language (the message is English)
    status, data = search(api, q=query)
    assert status == 400 and message in data["error"] and data["code"] == code, data


def test_bad_limit_and_unknown_endpoint(api):
    for limit in ("lots", "٣", "３", "1e2", " 5", "0", "101"):  # int() took the Arabic-Indic and full-width digits
        assert search(api, q="renewal", limit=limit) == (400, {"error": "limit must be a whole number between 1 and 100", "code": "bad-limit"}), limit
    assert search(api, q="renewal", limit="7")[0] == 200
    # a query string that is not UTF-8 was searched and logged as U+FFFD; a parameter sent twice kept the first
    assert call(f"{api}/api/search?q=%ff%fe")[0] == 400
    status, data = call(f"{api}/api/search?q=renewal&q=churn")
    assert status == 400 and "'q' given 2 times" in data["error"]
    assert call(f"{api}/api/search?q=renewal&q=renewal")[0] == 200
    # a query sent unescaped (curl "…?q=更新") arrives as raw bytes, which WSGI reads as Latin-1: searched as 'æ´æ°'
    assert _raw_get(api, "/api/search?q=".encode() + "renewal 更新".encode("utf-8").replace(b" ", b"+"))[1]["query"] == "renewal 更新"
    assert _raw_get(api, b"/api/search?q=\xff\xfe")[0] == 400
    assert call(f"{api}/api/nope")[0] == 404
    assert call(f"{api}/api/suggest")[0] == 405
    # a 405 names what the endpoint takes (RFC 9110), for clients that retry with the right method
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{api}/api/suggest", timeout=10)
    assert refused.value.code == 405 and refused.value.headers["Allow"] == "POST"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"{api}/api/search?q=x", data=b"{}"), timeout=10)
    assert refused.value.code == 405 and refused.value.headers["Allow"] == "GET, HEAD"


def _raw_get(api: str, target: bytes):
    """A GET whose request target holds raw bytes, as curl sends an unescaped URL (urllib escapes or refuses)."""
    import socket

    host, port = api.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_suggest_links_for_a_ticket(api):
    ticket = ("Subject: renewal in 45 days, customer silent\n\nOur champion has not replied to three emails and the "
              "renewal date is close. The economic buyer may have left. What should I do?")
    status, data = call(f"{api}/api/suggest", json.dumps({"text": ticket}).encode())
    assert status == 200 and len(data["links"]) == 5
    urls = [link["path"] for link in data["links"]]
    assert "/faq/renewals/#customer-not-responding" in urls
    status, plain = call(f"{api}/api/suggest", ticket.encode(), "text/plain")
    assert status == 200 and [link["path"] for link in plain["links"]] == urls


def test_suggest_leaves_out_the_senders_signature(api):
    """A ticket signed "Senior Support Engineer | Acme Support Escalations" below the "-- " delimiter got the Support
    escalation playbook as its second and third links: the signature's words were weighed as the ticket's."""
    ask = "Hi,\nThe champion at Acme left and usage halved; they hint at cancelling at renewal. What should I do?\n"
    signature = "Thanks\n-- \nJane Doe\nSenior Support Engineer | Acme Support Escalations\nsupport@acme.com\n"
    status, signed = call(f"{api}/api/suggest?limit=3", (ask + signature).encode(), "text/plain")
    assert status == 200
    _, unsigned = call(f"{api}/api/suggest?limit=3", ask.encode(), "text/plain")
    assert [link["url"] for link in signed["links"]] == [link["url"] for link in unsigned["links"]]
    assert not any("support-escalation" in link["url"] for link in signed["links"])
    # an earlier message quoted below the signature is still read; a ticket that is all signature is read whole
    _, quoted = call(f"{api}/api/suggest?limit=1", (signature + "> " + ask).encode(), "text/plain")
    assert quoted["links"][0]["url"] == unsigned["links"][0]["url"]
    status, only = call(f"{api}/api/suggest?limit=1", b"--\nSupport escalation", "text/plain")
    assert status == 200 and "support-escalation" in only["links"][0]["url"]


def test_only_the_signature_delimiter_starts_a_signature_and_quotes_of_every_mailer_end_it(api):
    """Only '--' or '-- ' alone on its line starts a signature: a Markdown rule ('---') or Outlook's
    '-----Original Message-----' above the question must not drop it. A quoted earlier message ends the signature
    however the mailer quotes it: indented, or with the full-width '＞' of Japanese mailers."""
    from generator.ticket_text import without_signatures

    ask = "The champion at Acme left and usage halved; they hint at cancelling at renewal."
    for separator in ("---", "-----Original Message-----", "--no-reply"):
        text = f"Hi,\n{separator}\n{ask}"
        assert without_signatures(text) == text, separator
    _, ruled = call(f"{api}/api/suggest?limit=3", f"Hi,\n---\n{ask}".encode(), "text/plain")
    _, plain = call(f"{api}/api/suggest?limit=3", f"Hi,\n{ask}".encode(), "text/plain")
    assert [link["url"] for link in ruled["links"]] == [link["url"] for link in plain["links"]]
    for quote in ("> ", "  > ", "＞", "＞ "):
        signed = f"Thanks\n-- \nJane Doe\nSenior Support Engineer | Acme Support Escalations\n{quote}{ask}"
        assert without_signatures(signed) == f"Thanks\n{quote}{ask}", quote


def test_suggest_rejects_bad_bodies(api):
    assert call(f"{api}/api/suggest", b"{not json", "application/json")[0] == 400
    assert call(f"{api}/api/suggest", json.dumps({"text": ""}).encode())[0] == 400
    assert call(f"{api}/api/suggest", json.dumps({"text": 5}).encode())[0] == 400
    assert call(f"{api}/api/suggest", json.dumps({"text": "renewal", "limit": True}).encode())[0] == 400
    status, data = call(f"{api}/api/suggest", json.dumps({"text": "renewal", "kind": "stepz"}).encode())
    assert status == 400 and "unknown field 'kind'" in data["error"]  # not silently unfiltered
    # a key given twice was read as its last value alone (red team): refused like a repeated query parameter
    status, data = call(f"{api}/api/suggest", b'{"text": "cancel at renewal", "text": "hello"}')
    assert (status, data) == (400, {"error": "request body gives 'text' twice: send it once", "code": "repeated-field"})
    status, data = call(f"{api}/api/suggest", json.dumps({"k" * 5000: 1}).replace("}", ', "' + "k" * 5000 + '": 2}').encode())
    assert status == 400 and len(data["error"]) < 120 and "…' twice" in data["error"]  # the key is quoted, not echoed whole
    # a 5,000-digit number was 'not valid JSON: Exceeds the limit (4300 digits) … use sys.set_int_max_str_digits()'
    status, data = call(f"{api}/api/suggest", b'{"text": "renewal", "limit": ' + b"9" * 5000 + b"}")
    assert (status, data) == (400, {"error": "request body holds a number of 5000 digits: no field takes one longer than 20",
                              "code": "bad-json"})


def test_a_ticket_within_the_documented_limit_is_taken_however_its_json_escapes_it(api):
    """README: a ticket holds at most 50,000 characters. Python's json.dumps (and requests' json=) writes each
    Japanese character as \\uXXXX, 6 bytes: a 35,000-character Japanese thread got 413 'request body too large (at
    most 201024 bytes)'. A longer ticket is refused by its own code, saying what to send instead."""
    from generator.search import MAX_TICKET_CHARS

    thread = ("解約したいと連絡がありました。理由はコストです。" * 3_000)[:MAX_TICKET_CHARS]
    status, data = call(f"{api}/api/suggest", json.dumps({"text": thread}).encode())  # ensure_ascii, as Python sends it
    assert status == 200 and isinstance(data["links"], list), data
    status, data = call(f"{api}/api/suggest", json.dumps({"text": thread + "解約"}).encode())
    assert status == 400 and data["code"] == "ticket-too-long" and "at most 50,000" in data["error"], data
    assert "latest messages" in data["error"], data


def test_a_text_plain_tickets_limit_goes_in_the_query_string_and_nothing_else_does(api):
    """A text/plain ticket had no place for its limit, and POST /api/suggest?limit=1 answered 5 links with the
    query string unread, as ?kind=faq answered every kind."""
    ticket = b"Acme wants to cancel at renewal: the champion left and usage halved"
    status, data = call(f"{api}/api/suggest?limit=1", ticket, "text/plain")
    assert status == 200 and len(data["links"]) == 1, data
    status, data = call(f"{api}/api/suggest?limit=2", json.dumps({"text": ticket.decode()}).encode())
    assert status == 200 and len(data["links"]) == 2, data
    status, data = call(f"{api}/api/suggest?kind=faq", ticket, "text/plain")
    assert status == 400 and data["code"] == "unknown-parameter" and "/api/suggest takes limit" in data["error"], data
    status, data = call(f"{api}/api/suggest?limit=2", json.dumps({"text": ticket.decode(), "limit": 3}).encode())
    assert status == 400 and data["code"] == "repeated-parameter", data
    status, data = call(f"{api}/api/suggest?limit=02", json.dumps({"text": ticket.decode(), "limit": 2}).encode())
    assert status == 200 and len(data["links"]) == 2, data  # one limit, written two ways
    assert call(f"{api}/api/suggest?limit=30", ticket, "text/plain")[1]["code"] == "bad-limit"
    # README: limit 1-20, whichever way it comes
    status, data = call(f"{api}/api/suggest", json.dumps({"text": ticket.decode(), "limit": 21}).encode())
    assert (status, data["code"]) == (400, "bad-limit") and "between 1 and 20" in data["error"], data
    assert call(f"{api}/api/suggest?limit=21", ticket, "text/plain")[1]["code"] == "bad-limit"
    for zero in ("0", "00"):  # a limit of 0 is out of range, not 'no limit given' (it answered 5 links)
        status, data = call(f"{api}/api/suggest?limit={zero}", ticket, "text/plain")
        assert (status, data.get("code")) == (400, "bad-limit"), (zero, data)


def test_suggest_reads_the_body_as_its_type_says(api):
    """text/plain starting with "{" is a ticket, not broken JSON; a BOM (PowerShell, .NET) is dropped; curl's default
    form type is text, or its `text` field; one word still gets links, and none scored 0."""
    ticket = "{Acme Corp} renewal in 45 days, champion silent, economic buyer may have left"
    status, plain = call(f"{api}/api/suggest", ticket.encode(), "text/plain; charset=utf-8")
    assert status == 200 and plain["links"]
    status, bom = call(f"{api}/api/suggest", b"\xef\xbb\xbf" + json.dumps({"text": ticket}).encode())
    assert status == 200 and bom["links"] == plain["links"]
    form = urllib.parse.urlencode({"text": ticket}).encode()
    status, encoded = call(f"{api}/api/suggest", form, "application/x-www-form-urlencoded")
    assert status == 200 and encoded["links"] == plain["links"]
    status, raw = call(f"{api}/api/suggest", ticket.encode(), "application/x-www-form-urlencoded")  # curl -d '...'
    assert status == 200 and raw["links"] == plain["links"]
    # curl -d text=<subject> -d text=<description>: the description was dropped without a word
    status, data = call(f"{api}/api/suggest", b"text=Acme+renewal&text=champion+silent", "application/x-www-form-urlencoded")
    assert (status, data) == (400, {"error": "request body gives 'text' twice: send it once", "code": "repeated-field"})
    # curl -d text=… -d limit=1: the body was searched whole ('text=…&limit=1') and 5 links came back
    form = urllib.parse.urlencode({"text": ticket, "limit": 1}).encode()
    status, data = call(f"{api}/api/suggest", form, "application/x-www-form-urlencoded")
    assert status == 200 and data["links"] == plain["links"][:1], data
    form = urllib.parse.urlencode({"text": ticket, "limit": 10}).encode()  # two digits, as a form writes 10
    status, data = call(f"{api}/api/suggest", form, "application/x-www-form-urlencoded")
    assert status == 200 and data["links"][:len(plain["links"])] == plain["links"], data
    form = urllib.parse.urlencode({"text": ticket, "kind": "faq"}).encode()
    status, data = call(f"{api}/api/suggest", form, "application/x-www-form-urlencoded")
    assert status == 400 and data["code"] == "unknown-field", data
    status, data = call(f"{api}/api/suggest", b"churn", "text/plain")
    assert status == 200 and data["links"] and all(link["score"] > 0 for link in data["links"])
    status, data = call(f"{api}/api/suggest", b"2", "text/plain")  # a bare number is no topic: no link, not a 0 score
    assert status == 200 and data["links"] == []


def test_filter_values_are_case_blind_as_ids_are_lowercase(api):
    for params in ({"kind": "Step"}, {"phase": "Renewal"}, {"role": "CSM"}, {"tag": "Renewal"}):
        status, data = search(api, q="renewal", **params)
        lower = search(api, q="renewal", **{name: value.lower() for name, value in params.items()})[1]
        assert status == 200 and data["hits"] == lower["hits"] and data["hits"], params
    status, data = search(api, q="renewal phase:Renewal")
    assert status == 200 and data["hits"] == search(api, q="renewal phase:renewal")[1]["hits"]


def test_zero_result_and_low_click_queries_are_reported(api, built_bundled):
    for _ in range(3):
        search(api, q="gdpr erasure")
    search(api, q="quarterly business review")
    search(api, q="quarterly business review")
    call(f"{api}/api/click", json.dumps({"q": "champion left", "url": "/faq/health-and-risk/#champion-left"}).encode())
    log = (built_bundled / "build/search-log/queries.jsonl").read_text(encoding="utf-8")
    assert "127.0.0.1" not in log and "Mozilla" not in log
    out = CliRunner().invoke(main, ["report", "searches", "--project", str(built_bundled)])
    assert out.exit_code == 0
    assert "      3  gdpr erasure" in out.output
    assert "      2     0  quarterly business review" in out.output
    # anyone who reaches the API writes into this report: an escape sequence shows, it does not run
    for _ in range(2):
        search(api, q="zzqqx\x1b]0;forged\x07 qqzzy")
    out = CliRunner().invoke(main, ["report", "searches", "--project", str(built_bundled)])
    assert "zzqqx\\u001b]0;forged\\u0007 qqzzy" in out.output and "\x1b" not in out.output
    # a query that found nothing only with the page's filters is listed with them: 'renewal' has pages
    for _ in range(2):
        assert search(api, q="renewal", kind="faq", role="product")[1]["total"] == 0
    out = CliRunner().invoke(main, ["report", "searches", "--project", str(built_bundled)])
    assert "      2  renewal kind:faq role:product" in out.output
    for _ in range(2):  # each of the four filters
        assert search(api, q="renewal", phase="onboarding", tag="community")[1]["total"] == 0
    out = CliRunner().invoke(main, ["report", "searches", "--project", str(built_bundled)])
    assert "      2  renewal phase:onboarding tag:community" in out.output, out.output
    assert not re.search(r"^ +\d+  renewal$", out.output, re.MULTILINE)  # (the low-click list has two numbers)


def test_the_reports_json_gives_readers_queries_back_without_a_terminal_acting_on_them(api, built_bundled):
    """`csops report searches --format json` printed the queries anyone reaching the API logged as they came: one
    holding U+202E showed the report's next lines reversed, and U+009B (CSI) starts an escape sequence in a
    terminal. They are JSON escapes now, which a JSON reader turns back into the query; Japanese stays readable."""
    typed = "zzqqj\u202egnp.exe \u009b31m 解約 qqzzj"
    for _ in range(2):
        assert search(api, q=typed)[1]["total"] == 0
    for command in (["report", "searches"], ["search", typed]):
        out = CliRunner().invoke(main, [*command, "--format", "json", "--project", str(built_bundled)])
        assert not re.search("[\u202e\u009b]", out.output) and "解約" in out.output
        data = json.loads(out.output)
        assert typed in [entry["query"] for entry in data["zero_results"]] if "zero_results" in data else data["query"] == typed


@pytest.mark.parametrize("name, value, meant", [("kind", "stepz", "step"), ("role", "csmm", "csm"),
                                                ("phase", "renewl", "renewal"), ("tag", "forecastt", "forecast")])
def test_unknown_filter_is_400_with_known_values_and_never_logged(api, built_bundled, name, value, meant):
    status, data = search(api, q=f"unlogged {name} probe", **{name: value})
    assert status == 400
    assert data["filter"] == name and data["value"] == value and data["did_you_mean"] == meant
    assert meant in data["known"] and f"did you mean {meant!r}" in data["error"]
    # and as the pages name it, for the search box to offer (a tag is its own name)
    assert data["did_you_mean_name"] == {"step": "Step", "csm": "Customer Success Manager", "renewal": "Renewal",
                                         "forecast": ""}[meant]
    # inline field syntax is the same filter
    assert search(api, q=f"{name}:{value} unlogged {name} probe")[0] == 400
    log = built_bundled / "build/search-log/queries.jsonl"
    assert f"unlogged {name} probe" not in (log.read_text(encoding="utf-8") if log.is_file() else "")
    out = CliRunner().invoke(main, ["report", "searches", "--project", str(built_bundled)])
    assert f"unlogged {name} probe" not in out.output


def test_type_ahead_searches_sent_with_log_0_are_answered_but_not_logged(api, built_bundled):
    """The header box searched on every key, and the report listed "r", "re", "ren" as queries that found nothing."""
    for typed, off in (("tzq", "0"), ("tzqx", "off"), ("tzqxw", "false"), ("tzqxy", "no")):
        status, data = search(api, q=typed, log=off)
        assert status == 200 and data["total"] == 0
    search(api, q="tzqxwv")
    log = (built_bundled / "build/search-log/queries.jsonl").read_text(encoding="utf-8")
    assert '"tzqxwv"' in log and '"tzq"' not in log and '"tzqx"' not in log and '"tzqxw"' not in log
    assert '"tzqxy"' not in log


@pytest.mark.parametrize("params, meant", [({"knd": "faq"}, "kind"), ({"limt": "3"}, "limit"), ({"sort": "date"}, None)])
def test_an_unknown_parameter_is_400_not_silently_ignored(api, built_bundled, params, meant):
    """?knd=faq answered every kind with a 200, as if the filter had been applied."""
    status, data = search(api, q="unlogged param probe", **params)
    assert status == 400 and f"unknown parameter {next(iter(params))!r}" in data["error"]
    assert (f"did you mean {meant!r}?" in data["error"]) == (meant is not None)
    assert data["error"].endswith(" /api/search takes correct, kind, limit, log, phase, q, role, tag")
    assert (": did you mean" if meant else "'; /api/search takes") in data["error"]
    # the cache-buster jQuery and others add is no unknown parameter
    assert search(api, q="renewal", _="1733300000000")[0] == 200
    log = built_bundled / "build/search-log/queries.jsonl"
    assert "unlogged param probe" not in (log.read_text(encoding="utf-8") if log.is_file() else "")


def test_facet_counts_stay_most_first_with_a_glossary_entry(api):
    status, data = search(api, q="what is ARR")
    kinds = list(data["facets"]["kind"].items())
    assert status == 200 and data["hits"][0]["kind"] == "term" and ("term", 1) in kinds
    assert kinds == sorted(kinds, key=lambda kv: (-kv[1], kv[0]))


def test_known_filters_still_filter(api):
    status, data = search(api, q="renewal", kind="step", role="csm", phase="renewal")
    assert status == 200 and data["hits"] and all(h["kind"] == "step" and h["phase"] == "renewal" for h in data["hits"])


def test_the_query_log_stays_bounded_and_the_report_reads_what_it_keeps(tmp_path, monkeypatch):
    """Every request any client sends adds a line: an API open to a network grew its log without limit (3,824
    lines in one red-team hour). Past its size it becomes the previous log, which the report reads too."""
    from generator import query_log

    monkeypatch.setattr(query_log, "MAX_LOG_BYTES", 2_000)
    for number in range(300):
        query_log.log_event(tmp_path, "search", f"flood {number % 7}", count=0)
    folder = tmp_path / "build/search-log"
    assert sorted(p.name for p in folder.iterdir()) == ["previous-queries.jsonl", "queries.jsonl"]
    assert all(p.stat().st_size <= 2_000 + 200 for p in folder.iterdir())
    kept = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in folder.iterdir())
    with (folder / "queries.jsonl").open("a", encoding="utf-8") as log:
        log.write('7\n["not", "an", "event"]\n')  # what another tool might append: skipped, never a traceback
        # or a hand's edit: before, a traceback from `csops report searches`
        log.write('{"event": "search", "q": 5, "count": 0}\n{"event": "search", "q": ["a"], "count": 3}\n'
                  '{"event": "search", "q": "x", "count": "none"}\n'
                  '{"event": "search", "q": "x", "count": 0, "kind": {"a": 1}}\n{"event": "click", "q": {"a": 1}}\n'
                  # a search without its count was a query that found nothing
                  '{"event": "search", "q": "z", "hits": "many"}\n')
    report = query_log.report_searches(tmp_path)
    assert report.searches == kept and 20 < kept < 300
    assert sum(count for _, count in report.zero_results) == kept


def test_a_renamed_roles_former_id_still_filters_searches(tmp_path):
    """Saved searches, scripts and ticket macros filter by role id (role=cs-lead). After `csops mv role cs-lead
    team-lead` the old id was an unknown filter; it now filters as the role it became, as its page redirects."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    runner = CliRunner()
    assert runner.invoke(main, ["mv", "role", "cs-lead", "team-lead", "--project", str(project)]).exit_code == 0
    assert runner.invoke(main, ["build", "--project", str(project)]).exit_code == 0
    server = make_server("127.0.0.1", 0, create_app(project), server_class=_ThreadingServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        status, now = search(base, q="renewal", role="team-lead")
        assert status == 200 and now["total"] > 0
        for params in ({"q": "renewal", "role": "cs-lead"}, {"q": "role:cs-lead renewal"}):
            status, data = search(base, **params)
            assert (status, data["total"]) == (200, now["total"]), data
            assert [hit["url"] for hit in data["hits"]] == [hit["url"] for hit in now["hits"]]
    finally:
        server.shutdown()


def _wsgi_get(app, path: str, query: str = "") -> tuple[str, dict]:
    """One GET straight through the WSGI app: (status line, JSON body)."""
    from wsgiref.util import setup_testing_defaults

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}
    setup_testing_defaults(environ)
    answer = {}
    body = b"".join(app(environ, lambda status, headers: answer.update(status=status)))
    return answer["status"], json.loads(body)


def test_the_api_answers_below_a_site_url_path_written_percent_encoded(project_factory):
    """A site_url copied from the address bar writes a Japanese path percent-encoded (/%E3%83%89%E3%82%AD/); the
    search box's call arrives at gunicorn decoded (/ドキ/api/search, PEP 3333: its bytes as Latin-1), and was 404."""
    from conftest import MINIMAL_MKDOCS

    project = project_factory({
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en").replace(
            "https://portal.acme.test/", "https://portal.acme.test/%E3%83%89%E3%82%AD/"),
        "content/playbooks/renewal-runway.yml": "title: Renewal runway\nsteps:\n"
                                               "  - {id: confirm, title: Confirm the stakeholders}\n"})
    assert CliRunner().invoke(main, ["build", "--project", str(project)]).exit_code == 0
    app = create_app(project, log_queries=False)
    status, data = _wsgi_get(app, "/ドキ/api/search".encode("utf-8").decode("latin-1"), "q=renewal")
    assert status == "200 OK" and data["hits"], (status, data)


def test_a_portal_without_a_readable_index_is_503_saying_to_build_it(project_factory):
    """A load balancer takes 503 as 'not ready, try another' and 500 as a bug: an API started before the first
    build, or over an index whose description was damaged, must answer searches and health checks with 503 and
    the fix, as the module's contract says (GET /api/health: 200 when an index is there to search)."""
    project = project_factory({"content/playbooks/renewal-runway.yml": "title: Renewal runway\nsteps:\n"
                                                                        "  - {id: confirm, title: Confirm the stakeholders}\n"})
    app = create_app(project, log_queries=False)
    for path, query in (("/api/search", "q=renewal"), ("/api/health", "")):
        status, data = _wsgi_get(app, path, query)
        assert status.startswith("503 ") and "no search index; run `csops build` first" in data["error"], (path, status, data)
        assert data["code"] == "index-missing", data
    assert CliRunner().invoke(main, ["build", "--project", str(project)]).exit_code == 0
    assert _wsgi_get(app, "/api/search", "q=renewal")[0] == "200 OK"
    (project / "build/index/csops-meta.json").write_text("{", encoding="utf-8")
    status, data = _wsgi_get(create_app(project, log_queries=False), "/api/search", "q=renewal")
    assert status.startswith("503 ") and "cannot be read" in data["error"] and "run `csops build`" in data["error"], data


def test_a_json_body_that_is_no_object_is_400_saying_what_to_send(api):
    """A JSON array, string, number or null where an object is expected: a 400 naming the shape, never a 500."""
    for endpoint in ("suggest", "click"):
        for body in (b'["renewal"]', b'[{"text": "renewal"}]', b'"renewal"', b"5", b"null"):
            assert call(f"{api}/api/{endpoint}", body) == (400, {"error": "request body must be a JSON object", "code": "bad-json"}), (endpoint, body)


def test_a_query_readers_click_is_not_reported_as_unclicked_however_they_typed_it(api, built_bundled):
    """`csops report searches` lists queries whose hits nobody opens, for Ops to rewrite those pages: the clicks the
    page sends (/api/click) count against them, and 'Champion  LEFT' is the query 'champion left' as typed."""
    for _ in range(2):
        assert search(api, q="Champion  LEFT")[1]["total"] > 0
        click = {"q": "champion left", "url": "/faq/health-and-risk/#champion-left"}
        assert call(f"{api}/api/click", json.dumps(click).encode())[0] == 200
    # opened one time in two is no query readers fail to open: the list is of those clicked less than half the time
    for _ in range(2):
        assert search(api, q="qbr deck")[1]["total"] > 0
    assert call(f"{api}/api/click", json.dumps({"q": "qbr deck", "url": "/playbooks/qbr/"}).encode())[0] == 200
    out = CliRunner().invoke(main, ["report", "searches", "--project", str(built_bundled)])
    assert out.exit_code == 0 and not re.search(r"(?i)champion\s+left|qbr deck", out.output), out.output


def test_a_clicks_query_is_logged_no_longer_than_a_search_may_be(api, built_bundled):
    """A click names its query as the page sends it, up to a whole request body (300 KB): logged whole, some seventy
    of them filled the 20 MB log, and the readers' own searches rotated out of `csops report searches`."""
    from generator.query_log import MAX_QUERY_CHARS

    click = {"q": "churn " * 20_000, "url": "/faq/#a-long-clicked-query"}
    assert call(f"{api}/api/click", json.dumps(click).encode())[0] == 200
    log = (built_bundled / "build/search-log/queries.jsonl").read_text(encoding="utf-8").splitlines()
    logged = [json.loads(line) for line in log if "a-long-clicked-query" in line]
    assert [len(record["q"]) for record in logged] == [MAX_QUERY_CHARS], [len(record["q"]) for record in logged]


def test_the_api_answers_below_site_urls_path_as_the_search_box_calls_it(project_factory):
    """With site_url https://…/docs/ the portal's search box calls /docs/api/search, which csops serve answers; the
    API as gunicorn serves it answered 404 'no such endpoint', so behind a proxy routing /docs/api/ to it the box fell
    back to Material's search and a widget copying the box's calls got nothing."""
    from conftest import MINIMAL_MKDOCS

    project = project_factory({
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en").replace("https://portal.acme.test/",
                                                                   "https://portal.acme.test/docs/"),
        "content/playbooks/renewal-runway.yml": "title: Renewal runway\nsteps:\n"
                                               "  - {id: confirm, title: Confirm the stakeholders}\n"})
    app = create_app(project, log_queries=False)
    assert _wsgi_get(app, "/docs/api/search", "q=renewal")[0].startswith("503 ")  # no index yet: as /api/ answers
    assert CliRunner().invoke(main, ["build", "--project", str(project)]).exit_code == 0
    for path in ("/docs/api/search", "/api/search"):
        status, data = _wsgi_get(app, path, "q=renewal")
        assert status == "200 OK" and data["hits"], (path, status, data)
    status, data = _wsgi_get(app, "/elsewhere/api/search", "q=renewal")
    assert status.startswith("404 ") and data["code"] == "no-such-endpoint", data
