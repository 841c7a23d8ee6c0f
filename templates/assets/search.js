/* Portal search through the csops search API, inside Material's header search box.
 *
 * When the site is served with the API (`csops serve`, or generator.server behind a
 * production server), typing in the header box shows step-level hits with snippets and
 * kind / role / phase filters from GET /api/search. On static hosting /api/health does
 * not answer, nothing here activates, and Material's client-side search works as before.
 */
(function () {
  "use strict";
  // `=== true`, and elements found by selectors only the theme can have: page content may carry any
  // id (window.__csopsSearch would be that element) and classes; it never carries <script> or
  // data-md-* attributes (the sanitiser drops them), so those are the theme's own.
  if (window.__csopsSearch === true) return;
  window.__csopsSearch = true;

  var config = {};
  var configNode = document.querySelector('script#__config[type="application/json"]');
  try { config = JSON.parse(configNode.textContent); } catch (e) { /* defaults */ }
  var base = new URL(config.base || ".", location.href);
  var api = new URL("api/", base);
  // Queries go to this site's own API only, whatever a page says its base is.
  if (base.origin !== location.origin) return;
  // The API's limit (generator/query_log.py MAX_QUERY_CHARS; test_search_browser.py checks both sides of it): a longer
  // query is not sent, and the reader is told in the portal's language rather than by the API's English error.
  var MAX_QUERY = 500;
  var ja = (document.documentElement.lang || "").indexOf("ja") === 0;
  // Each lead-in carries what separates it from what follows: Japanese a full-width colon, which holds its own
  // space (as the pages' labels do, labels.yml `colon`), English ": " or a space.
  var T = ja ? {
    hits: function (n) { return n + "件"; }, filtered: " · 絞り込み中",
    tooLong: function (n) { return "検索語が長すぎます（" + n + "文字、最大" + MAX_QUERY + "文字）。「更新 値引き 承認」のように、キーワードをいくつかに絞ってください。"; },
    none: function (q) { return "「" + q + "」に一致する項目はありません。"; },
    mean: "もしかして：", try_: "こちらもお試しください：", showing: "次の検索結果を表示しています：", instead: "元の語句で検索：", kind: "種類", role: "ロール", phase: "フェーズ", clear: "絞り込みを解除",
    // what the API refuses, by its code (generator/search_query.py QueryError): its message is English
    refused: {
      "empty-query": "キーワードを入力してください（例：「解約の予兆」「更新 値引き」）。",
      "unbalanced-quotes": "引用符（\"）が閉じていません。語句の終わりにもう一つ \" を付けるか、消してください。",
      "leading-wildcard": "「*」は語の先頭には付けられません。語の最初の文字の後に付けてください。",
      "too-many-wildcards": "「*」を付けた語が多すぎます。減らしてください。",
      "unbalanced-parentheses": "括弧が閉じていません。「(」ごとに「)」を付けてください。",
      "cannot-parse": "この検索語は読み取れません。記号を消して、キーワードだけで検索してください。",
      "two-filters": "同じ種類の絞り込みが2つあります。1つにしてください。",
      // what it may have meant follows as a button, by the name the pages give it
      "unknown-filter": function (d) { return "「" + d.value + "」という" + (own(T, d.filter) || d.filter) + "はありません。"; }
    }
  } : {
    hits: function (n) { return n === 1 ? "1 hit" : n + " hits"; }, filtered: " · filtered",
    tooLong: function (n) { return "This search is too long (" + n + " characters; at most " + MAX_QUERY + "). Shorten it to a few key words, e.g. \u201crenewal discount approval\u201d."; },
    none: function (q) { return "No hits for \u201c" + q + "\u201d."; },
    mean: "Did you mean: ", try_: "Try: ", showing: "Showing results for ", instead: "Search instead for ", kind: "Kind", role: "Role", phase: "Phase", clear: "Clear filters",
    refused: {
      "unknown-filter": function (d) { return "There is no " + (own(T, d.filter) || d.filter).toLowerCase() + " \u201c" + d.value + "\u201d."; }
    }
  };

  // Why the API refused a query, in the portal's language where the box knows the slip (English is the API's own).
  function refusal(data) {
    var said = own(T.refused || {}, String(data.code));
    return typeof said === "function" ? said(data) : said || data.error;
  }

  // A count or name the API gave for a value (a kind, role or phase id): its own, never one every object inherits
  // (a role with the id "constructor" was always "in" the counts, and its pressed filter vanished at 0).
  function own(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "html") node.innerHTML = attrs[k];  // only the API's snippets: escaped text plus <mark>
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function start() {
    var dialog = document.querySelector('[data-md-component="search"]');
    var input = dialog && dialog.querySelector('input.md-search__input[data-md-component="search-query"]');
    var wrap = dialog && dialog.querySelector(".md-search__scrollwrap");
    if (!input || !wrap) return;
    var panel = el("div", { "class": "csops-search", "data-csops-search": "" });
    wrap.insertBefore(panel, wrap.firstChild);
    // What an answer found ("12 results", "nothing for …"), said to a screen reader as it changes: the panel is built
    // anew for each answer, and a status written into a new element is not announced, so this one is kept.
    var said = el("p", { "class": "csops-offscreen", role: "status" });
    wrap.insertBefore(said, panel);

    // While the API answers, its hits replace Material's. When it stops (csops serve stopped, the network gone, a
    // proxy's error page) the reader got an empty panel with Material's hits for the same words hidden under it:
    // those are shown, with Material's keys, until the API answers again.
    function answering(yes) {
      panel.removeAttribute("aria-busy");
      document.body.classList.toggle("csops-api-search", yes);
      if (!yes) { panel.replaceChildren(); said.textContent = ""; }
    }
    function ours() {
      return document.body.classList.contains("csops-api-search");
    }
    answering(true);

    var filters = { kind: "", role: "", phase: "" };
    // Kinds, roles and phases by the names the pages give them (labels.yml, roles.yml, settings.yml), as the API
    // sends them with each answer; kept, so a pressed filter that an answer does not count is still named.
    var names = { kind: {}, role: {}, phase: {} };
    // ...and the language of a name written in another than the page's (roles.yml's lang: a role named in English
    // on a Japanese portal), so a screen reader reads the filter in that language
    var langs = { kind: {}, role: {}, phase: {} };
    var timer = null, seq = 0;
    // Every key searches, sent with log=0: the search log (`csops report searches`) gets the search the reader
    // settles on (SETTLE ms without a change, or a hit opened), not "r", "re", "ren" as queries that found nothing.
    var SETTLE = 1200, settleTimer = null, pending = null, logged = null, shown = null;
    var seen = null;  // the box's text when last searched: Material's search.suggest writes the box with no input event
    // While an answer is on its way the hits shown are for the words before: the panel is aria-busy, and search.css
    // dims them after a moment. One that never comes (a stalled server or proxy) is given up, and Material answers.
    var GIVE_UP = 8000;
    var exact = false;  // the reader chose "search instead for" the words as typed: filters keep that choice

    function params(q, asTyped) {
      var p = new URLSearchParams({ q: q, limit: "20" });
      Object.keys(filters).forEach(function (k) { if (filters[k]) p.set(k, filters[k]); });
      if (asTyped) p.set("correct", "0");
      return p;
    }

    function query(q, asTyped) {
      var id = ++seq;
      seen = input.value;
      exact = !!asTyped;
      var p = params(q, asTyped);
      var key = p.toString();
      p.set("log", "0");
      var stop = window.AbortController ? new AbortController() : null;
      var giveUp = setTimeout(function () { if (stop) stop.abort(); }, GIVE_UP);
      panel.setAttribute("aria-busy", "true");
      fetch(new URL("search?" + p, api), { headers: { Accept: "application/json" }, signal: stop ? stop.signal : undefined })
        .then(function (r) {
          if (r.status >= 500) throw new Error("the API failed");  // a proxy's 502 page, a server being restarted
          return r.json().then(function (data) { return { ok: r.ok, data: data }; });
        })
        .then(function (res) {
          clearTimeout(giveUp);
          if (id !== seq) return;
          answering(true);
          shown = key;
          render(q, res.ok ? res.data : null, res.ok ? "" : refusal(res.data), res.ok ? null : res.data);
        })
        .catch(function () { clearTimeout(giveUp); if (id === seq) answering(false); });
      clearTimeout(settleTimer);
      pending = key;
      settleTimer = setTimeout(settle, SETTLE);
    }

    // The same search again, logged this time (the answer is the one already shown). keepalive: sent on a hit's
    // click, as the page navigates away, a plain request may be cancelled.
    function settle(key) {
      clearTimeout(settleTimer);
      key = key === undefined ? pending : key;
      if (key === null || key === logged) return;
      logged = key;
      fetch(new URL("search?" + key, api), { headers: { Accept: "application/json" }, keepalive: true }).catch(function () {});
    }

    // The box holds nothing to search: an answer still on its way is for other words (dropped), and the reader is
    // still typing, so the query before is no search they settled on.
    function nothingToSearch() {
      seq++;
      panel.removeAttribute("aria-busy");
      clearTimeout(settleTimer);
      pending = null;
    }

    function schedule() {
      clearTimeout(timer);
      seen = input.value;
      var q = input.value.trim();
      if (!q) {
        nothingToSearch();
        panel.replaceChildren();
        said.textContent = "";
        return;
      }
      var length = Array.from(q).length;  // characters as Python counts them, not UTF-16 units
      if (length > MAX_QUERY) {
        nothingToSearch();
        show([el("p", { "class": "csops-search__meta csops-search__error", role: "status", text: T.tooLong(length) })]);
        return;
      }
      timer = setTimeout(function () { query(q); }, 120);
    }

    // The filter an unknown one typed in the box (role:csmm) may have meant, as a button named as the pages name it
    // (カスタマーサクセスマネージャー(CSM), not csm) that puts it in the box; null when the box holds no such filter.
    function meantFilter(d) {
      if (!d.did_you_mean) return null;
      var typed = new RegExp("(^|\\s)(-?" + d.filter + ":)(\"?)" + d.value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\3(?=\\s|$)", "i");
      if (!typed.test(input.value)) return null;
      var button = retry(d.did_you_mean_name || d.did_you_mean);
      button.addEventListener("click", function () {
        input.value = input.value.replace(typed, "$1$2" + d.did_you_mean);
        query(input.value.trim());
      });
      return button;
    }

    // A hit links to its step as the page's Copy link, `csops link` and the API's url do, with the step's version
    // (?v=), on this host: copied from the box into a ticket, it opens the step, and says so once the step changes.
    function link(hit) {
      var url = new URL(String(hit.path).replace(/^\/+/, ""), base);
      try { url.search = new URL(hit.url).search; } catch (e) { /* no url: the page's path alone */ }
      return url.origin === location.origin ? url.href : "#";  // hits are pages of this site
    }

    function retry(text) {
      return el("button", { type: "button", "class": "csops-search__retry", text: text });
    }

    function facetGroup(name, counts) {
      counts = Object.assign({}, counts);
      // a pressed filter that this query finds nothing in stays, at 0, so the reader can see it and let it go
      if (filters[name] && own(counts, filters[name]) === undefined) counts[filters[name]] = 0;
      var values = Object.keys(counts);
      if (!values.length) return null;
      var buttons = values.map(function (value) {
        var label = own(names[name], value) || value, lang = own(langs[name], value);
        var active = filters[name] === value;
        var b = el("button", { type: "button", "class": "csops-facet" + (active ? " csops-facet--active" : ""),
          "data-facet": name, "data-value": value, "aria-pressed": String(active) },
          [lang ? el("span", { lang: lang, text: label }) : document.createTextNode(label), document.createTextNode(" "),
           el("span", { "class": "csops-facet__count", text: String(counts[value]) })]);
        b.addEventListener("click", function (event) {
          event.preventDefault();
          filters[name] = active ? "" : value;
          query(input.value.trim(), exact);
        });
        return b;
      });
      return el("div", { "class": "csops-facets__group", role: "group", "aria-label": T[name] },
        [el("span", { "class": "csops-facets__label", text: T[name] })].concat(buttons));
    }

    // The panel is built anew: a reader who pressed a filter stays on that filter (else on the box), not on <body>.
    function show(parts) {
      var meta = parts.filter(function (p) { return p.classList.contains("csops-search__meta"); })[0];
      said.textContent = meta ? meta.textContent : "";
      var had = panel.contains(document.activeElement) ? document.activeElement : null;
      var name = had && had.getAttribute("data-facet"), value = had && had.getAttribute("data-value");
      panel.replaceChildren.apply(panel, parts);
      if (!had) return;
      var again = Array.prototype.filter.call(panel.querySelectorAll(".csops-facet[data-facet]"), function (b) {
        return name && b.getAttribute("data-facet") === name && b.getAttribute("data-value") === value;
      })[0];
      (again || input).focus();
    }

    function render(q, data, error, refused) {
      var parts = [];
      if (error) {
        parts.push(el("p", { "class": "csops-search__meta csops-search__error", text: error }));
        var meant = refused && refused.code === "unknown-filter" && meantFilter(refused);
        if (meant) parts.push(el("p", { "class": "csops-search__mean" }, [document.createTextNode(T.mean), meant]));
        show(parts);
        return;
      }
      var active = Object.keys(filters).some(function (k) { return filters[k]; });
      parts.push(el("p", { "class": "csops-search__meta",
        text: (data.hits.length ? T.hits(data.total) : T.none(q)) + (active ? T.filtered : "") }));
      if (data.showing_results_for) {  // the words as typed found nothing: these hits are for the correction
        var typed = retry(data.search_instead_for);
        typed.addEventListener("click", function () { query(data.search_instead_for, true); });
        parts.push(el("p", { "class": "csops-search__mean csops-search__corrected" }, [
          document.createTextNode(T.showing), el("strong", { text: data.showing_results_for }),
          document.createTextNode(" \u00b7 " + T.instead), typed]));
      } else if (data.did_you_mean) {
        var fix = retry(data.did_you_mean);
        fix.addEventListener("click", function () { input.value = data.did_you_mean; query(data.did_you_mean); });
        parts.push(el("p", { "class": "csops-search__mean" }, [document.createTextNode(T.mean), fix]));
      }
      if (!data.hits.length && data.suggestions && data.suggestions.length) {
        // the words as typed are suggested when the filters found nothing: the panel offers "Clear filters" for that
        // shown as the words a reader clicks (a tag's name), run as the API suggests them (tag:更新)
        var labels = data.suggestion_labels || [];
        var tips = data.suggestions.map(function (s, i) { return { query: s, label: labels[i] || s }; }).filter(function (t) {
          return t.query !== data.did_you_mean && t.query !== q;
        }).map(function (t) {
          var s = t.query, b = retry(t.label);
          b.addEventListener("click", function () { input.value = s; query(s); });
          return b;
        });
        parts.push(el("p", { "class": "csops-search__mean" }, [document.createTextNode(T.try_)].concat(tips)));
      }
      ["kind", "role", "phase"].forEach(function (n) {
        Object.assign(names[n], (data.facet_names || {})[n]);
        Object.assign(langs[n], (data.facet_langs || {})[n]);
      });
      var groups = ["kind", "role", "phase"].map(function (n) { return facetGroup(n, data.facets[n]); });
      if (active) {
        var clear = el("button", { type: "button", "class": "csops-facet csops-facet--clear", text: T.clear });
        clear.addEventListener("click", function (event) {
          event.preventDefault();
          filters = { kind: "", role: "", phase: "" };
          query(input.value.trim(), exact);
        });
        groups.push(clear);
      }
      var facets = el("div", { "class": "csops-facets" }, groups);
      parts.push(facets);
      parts.push(el("ol", { "class": "csops-hits" }, data.hits.map(function (hit) {
        var a = el("a", { "class": "csops-hit", href: link(hit), "data-url": hit.url }, [
          el("span", { "class": "csops-hit__kind", text: own(names.kind, hit.kind) || hit.kind }),
          hit.parent_title ? el("span", { "class": "csops-hit__parent", text: hit.parent_title + " \u203a " }) : null,
          el("span", { "class": "csops-hit__title", text: hit.title }),
          el("span", { "class": "csops-hit__snippet", html: hit.snippet })
        ]);
        a.addEventListener("click", function (event) {
          var hash = onThisPage(a);
          // A hit in this tab is followed once the search has let go of the page's scroll (phones, below): a page
          // left while held kept its top as the place to come back to, and Back lost the reader's place on it.
          var here = !(event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
          var later = hash || (here && scrollHeld());
          if (later) event.preventDefault();
          opened(q, hit.path);
          if (hash) whenFree(function () { goTo(hash); });
          else if (later) whenFree(function () { location.assign(a.href); });
        });
        return el("li", {}, [a]);
      })));
      show(parts);
      if (window.csopsChipRow) facets.querySelectorAll(".csops-facets__group").forEach(window.csopsChipRow);
    }

    function opened(q, path) {
      settle(shown);  // the search whose hits these are (a newer one may be on its way), logged with the click
      var body = JSON.stringify({ q: q, url: path });
      try {
        navigator.sendBeacon(new URL("click", api), new Blob([body], { type: "application/json" }));
      } catch (e) { /* the click log is best effort */ }
      var toggle = document.querySelector('input#__search[data-md-toggle="search"]');
      if (toggle && toggle.checked) {  // close the search overlay: a hit on this page only changes the #anchor
        toggle.checked = false;
        toggle.dispatchEvent(new Event("change"));
      }
    }

    // A hit on the page being read: on a phone the open search holds the page still, and Material lets go of it
    // 100 ms after the search closes, putting it back where it was, so the jump to the #anchor was lost (the page
    // stayed at its top, the step 5,700 px below). The hit is followed once the page is free.
    function onThisPage(a) {
      var to = new URL(a.href, location.href);
      // the query is no other page: a static site's page is its path (?v= is the step's version, ?h= Material's)
      return to.hash && to.origin === location.origin && to.pathname === location.pathname ? to.hash : "";
    }

    function scrollHeld() {
      return document.body.hasAttribute("data-md-scrolllock");
    }

    function whenFree(then, tries) {
      tries = tries || 0;
      if (scrollHeld() && tries < 40) {
        window.setTimeout(function () { whenFree(then, tries + 1); }, 50);
        return;
      }
      then();
    }

    function goTo(hash) {
      var target = null;
      try { target = document.getElementById(decodeURIComponent(hash.slice(1))); } catch (e) { return; }
      if (location.hash !== hash) location.hash = hash;
      if (!target) return;
      // For about half a second after, the page cannot yet scroll as far as the step (the jump landed 1,900 px
      // short), and the same #anchor again makes no jump at all: for up to a second the step is brought to the top.
      var until = Date.now() + 1000;
      (function land() {
        var off = target.getBoundingClientRect().top - (parseFloat(getComputedStyle(target).scrollMarginTop) || 0);
        var atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
        if (Math.abs(off) <= 2 || (atEnd && off > 0)) return;  // there: the reader's own scrolling is left alone
        target.scrollIntoView();
        if (Date.now() < until) window.requestAnimationFrame(land);
      })();
    }

    // Arrow keys walk input -> hits -> back to the input. Material's own handler listens on window and would
    // move focus through its hidden result list instead, so keys handled here stop before they reach it.
    function step(from, delta) {
      var stops = [input].concat(Array.prototype.slice.call(panel.querySelectorAll(".csops-hit")));
      if (stops.length < 2) return;
      var at = Math.max(0, stops.indexOf(from));
      stops[(at + delta + stops.length) % stops.length].focus();
    }

    // Japanese is typed through an input method: each kana of a word still being composed (か, かい, かいや…) is an
    // input event, and Enter confirms a conversion. Nothing is searched until the composed text is committed, and
    // keys pressed while composing are the input method's (Material's own keyboard handling waits the same way).
    var composing = false;
    input.addEventListener("compositionstart", function () {
      composing = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);  // the reader is still typing: what the box held before is no search they settled on
    });
    input.addEventListener("compositionend", function () { composing = false; schedule(); });
    input.addEventListener("input", function (event) { if (!composing && !event.isComposing) schedule(); });
    // → accepts Material's suggested word ("stakeh" becomes "stakeholders") by setting the box's value: the hits and
    // the search log stayed those of "stakeh". Material reads the box on keyup; so does this, for a text not searched.
    input.addEventListener("keyup", function () { if (!composing && input.value !== seen) schedule(); });
    // Material's × empties the box by resetting its form, which sends no input event: the last query's hits stayed
    // under the empty box, and Enter opened the first. The box is read once the reset has emptied it.
    if (input.form) input.form.addEventListener("reset", function () { window.setTimeout(schedule, 0); });
    // Enter opens the first hit (Material would open its own, hidden, first result).
    input.addEventListener("keydown", function (event) {
      // keyCode 229: the key went to the input method (Safari ends the composition before this keydown)
      if (composing || event.isComposing || event.keyCode === 229 || !ours()) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        event.stopImmediatePropagation();
        step(input, event.key === "ArrowDown" ? 1 : -1);
        return;
      }
      if (event.key !== "Enter") return;
      var first = panel.querySelector(".csops-hit");
      event.preventDefault();
      event.stopImmediatePropagation();
      if (first) first.click();
    }, true);
    // Tab moves on from the box (past its clear button) to the filters and hits: Material's handler closed the search.
    // A Tab out of the search (on from the last hit, back from the box) is Material's again, which closes it: kept
    // open, the focus went on to the page's links behind the shaded page, and Enter followed one the reader could
    // not see was focused.
    function leavesSearch(event) {
      var stops = Array.prototype.filter.call(dialog.querySelectorAll("input, button, a[href]"), function (node) {
        return !node.disabled && node.tabIndex >= 0 && node.getClientRects().length > 0;
      });
      return event.target === stops[event.shiftKey ? 0 : stops.length - 1];
    }
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && panel.querySelector(".csops-hit, .csops-facet") && !leavesSearch(event)) {
        event.stopPropagation();
      }
      // Escape: Material closes the search (its handler on window comes next) and blurs the box, but only the box:
      // a focused filter, hit or result list kept the focus, hidden, and took the next Enter or Space. Moved to
      // the box first, the focus leaves the closed panel as it does when Escape is pressed in the box.
      if (event.key === "Escape" && event.target !== input) input.focus();
    });
    // In the panel every key but Escape is ours: Material refocused the box on any other key, which ate Space
    // on a filter and Enter on a hit. Enter on a focused hit follows its link (the browser's own action).
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || (event.key === "Tab" && leavesSearch(event))) return;
      event.stopPropagation();
      if ((event.key === "ArrowDown" || event.key === "ArrowUp") && event.target.matches(".csops-hit")) {
        event.preventDefault();
        step(event.target, event.key === "ArrowDown" ? 1 : -1);
      }
    });
    if (input.value.trim()) schedule();
  }

  // On static hosting the probe is a 404 in the host's log and the reader's console on every page: once answered
  // 404, it is not asked again in this tab for ABSENT_FOR (an API started later is found after that, or in a new tab).
  var ABSENT = "csops-search-api-absent:" + api.href, ABSENT_FOR = 10 * 60 * 1000;
  try {
    var absentSince = Number(sessionStorage.getItem(ABSENT));
    if (absentSince && Date.now() - absentSince < ABSENT_FOR) return;
  } catch (e) { /* storage blocked: probe every page, as before */ }

  fetch(new URL("health", api), { headers: { Accept: "application/json" } })
    .then(function (r) {
      if (r.status === 404) {
        try { sessionStorage.setItem(ABSENT, String(Date.now())); } catch (e) { /* storage blocked or full */ }
      }
      return r.ok ? r.json() : null;
    })
    .then(function (data) {
      if (!data || !data.ok) return;
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
      else start();
    })
    .catch(function () { /* static hosting: Material's client-side search stays */ });
})();
