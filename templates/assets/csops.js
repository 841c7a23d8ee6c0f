/* csops-portal in the reader's browser: checklist progress, due dates and .ics plans, copy-link
 * controls, RACI role filter and segment switch.
 *
 * Pages carry only inert hooks (data-* attributes survive the HTML sanitiser, buttons and inputs
 * are built here), and everything a reader does is kept in localStorage, so the site works from
 * any static file server. Material's instant navigation swaps pages without a reload, so setup
 * runs on every `document$` emission when it exists.
 */
(function () {
  "use strict";

  var STORE = "csops:";
  var DEFAULT_LABELS = {
    copy_link: "Copy link", copy_ticket: "Copy for ticket", copied: "Copied",
    copy_failed: "Could not copy: the link is selected below, copy it with Ctrl+C (⌘C)",
    start_date: "Start date", download_ics: "Download calendar (.ics)", reset: "Reset progress",
    progress: "Progress", changed_since_ticked: "changed since you ticked it", filter_role: "Show role",
    all_roles: "All roles", segments: "Segments", all_segments: "All segments", due: "Due", colon: ":", colon_gap: " ",
    reset_confirm: "Clear all {n} ticks on this page?", reset_confirm_one: "Clear the one tick on this page?",
    reset_yes: "Yes, clear them", cancel: "Cancel",
    not_started: "not started", i_am: "I work as", your_role: "Your role page"
  };

  // The site's own path ("/", "/en/"): checklist ticks are kept per site, so an English and a Japanese portal
  // served from one origin (/en/, /ja/) no longer share, and overwrite, each other's progress. Material's config
  // gives the base relative to the page first loaded (instant navigation keeps it): resolved once, here.
  var SITE = (function () {
    try {
      var config = JSON.parse(document.querySelector('script#__config[type="application/json"]').textContent);
      return new URL(config.base || ".", window.location.href).pathname;
    } catch (e) { return "/"; }
  })();

  // -- small helpers ------------------------------------------------------------------------
  function labels() {
    var node = document.querySelector(".csops-labels[data-labels]");
    var found = {};
    try { found = node ? JSON.parse(node.getAttribute("data-labels")) : {}; } catch (e) { found = {}; }
    return Object.assign({}, DEFAULT_LABELS, found);
  }

  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(STORE + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }  // private mode or a corrupt entry: start fresh
  }

  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(STORE + key);
      else window.localStorage.setItem(STORE + key, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: the page still works, it just forgets */ }
  }

  // What a map keyed by content ids (item, step, checklist, role ids) or by ids kept in storage holds under `key`: its
  // own entry only. Every object inherits a `constructor`: a checklist item with that id found Object there, and
  // showed "changed since you ticked it" in a browser that had never ticked it.
  function own(map, key) {
    return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A role's name in the language roles.yml says it is written in (data-langs: only where that is not the page's), so
  // a screen reader reads it in that voice, as the page's own chips are (Renderer.role_lang).
  function spokenIn(langs, role, node) {
    if (role && Object.prototype.hasOwnProperty.call(langs, role)) node.setAttribute("lang", langs[role]);
    return node;
  }

  // A row of chips that scrolls sideways on phones: fade the side that has more chips (a cut-off chip alone
  // did not say the row scrolls), and bring the remembered choice into view.
  function chipRow(group) {
    function hint() {
      var more = group.scrollWidth - group.clientWidth;
      group.classList.toggle("csops-more-right", more > 1 && group.scrollLeft < more - 1);
      group.classList.toggle("csops-more-left", more > 1 && group.scrollLeft > 1);
    }
    var pressed = group.querySelector("[aria-pressed='true']");
    if (pressed) {
      var row = group.getBoundingClientRect(), chip = pressed.getBoundingClientRect();
      if (chip.right > row.right) group.scrollLeft += chip.right - row.right + chip.width / 2;
    }
    group.addEventListener("scroll", hint, { passive: true });
    if (window.ResizeObserver) {  // the row's box, and each chip in it: a web font or a count arriving widens a chip
      var watch = new ResizeObserver(hint);  // without resizing the row, and the fade went stale
      watch.observe(group);
      Array.prototype.forEach.call(group.children, function (chip) { watch.observe(chip); });
    }
    hint();
  }

  window.csopsChipRow = chipRow;  // search.js lays out its filter rows the same way on phones

  function once(node, flag) {
    if (node.hasAttribute("data-csops-ready" + flag)) return false;
    node.setAttribute("data-csops-ready" + flag, "");
    return true;
  }

  function announce(message) {
    var live = document.querySelector(".csops-live");
    if (!live) {
      live = el("div", { "class": "csops-live", "aria-live": "polite", role: "status" });
      document.body.appendChild(live);
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 30);
  }

  // Resolves true when the text is on the clipboard, false when the browser refused it: a reader told "Copied" who
  // then pasted nothing (or the previous link) into a ticket was misled.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; },
                                                      function () { return legacyCopy(text); });
    }
    return Promise.resolve(legacyCopy(text));
  }

  // Pages served over plain http (an intranet host) have no async clipboard: the text is copied from a hidden
  // textarea, which takes the focus. It goes back where it was: a keyboard reader's next Tab went to the top of the page.
  // execCommand says whether it copied (false, or an exception, where the browser or a policy does not allow it).
  function legacyCopy(text) {
    var had = document.activeElement, copied = false;
    var area = el("textarea", { readonly: "", "aria-hidden": "true", "class": "csops-offscreen" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { copied = document.execCommand("copy") === true; } catch (e) { copied = false; } finally {
      area.remove();
      if (had && had !== document.body && typeof had.focus === "function") had.focus({ preventScroll: true });
    }
    return copied;
  }

  // A copy the browser refused: the text in a field beside the buttons, selected and focused, for the reader to copy
  // with the keyboard or the context menu. One field per row of buttons; a later copy that works removes it.
  function offerManualCopy(tools, text, L) {
    var field = tools.parentNode.querySelector(".csops-copy-manual");
    if (!field) {
      field = el("input", { type: "text", readonly: "", "class": "csops-copy-manual", "aria-label": L.copy_failed });
      tools.parentNode.insertBefore(field, tools.nextSibling);
    }
    field.value = text;
    field.focus({ preventScroll: true });
    field.select();
  }

  // Links csops.js copies or writes into calendars are web pages (the site's site_url may be another
  // host than the one serving): a data-url with any other scheme (javascript: in a widget forged in a
  // page body) gives no link at all.
  function absoluteUrl(url) {
    try {
      var parsed = new URL(url, window.location.href);
      return /^https?:$/.test(parsed.protocol) ? parsed.href : "";
    } catch (e) { return ""; }
  }

  function itemText(node) {
    var clone = node.cloneNode(true);
    clone.querySelectorAll(".csops-due, .csops-segment, .csops-changed, .task-list-control, .headerlink, .csops-date")
      .forEach(function (n) { n.remove(); });
    // an item's "— → Next step" link points on: not part of what the item says (a calendar title, a label)
    clone.querySelectorAll("a").forEach(function (a) { if (/^\s*→/.test(a.textContent)) a.remove(); });
    return clone.textContent.replace(/\s*—\s*(→\s*)?$/, "").replace(/\s+/g, " ").trim();
  }

  // -- due offsets -> dates ------------------------------------------------------------------
  function parseOffset(due) {
    var match = /^T([+-])(\d+)([dw])$/.exec(due || "");
    if (!match) return null;
    var days = parseInt(match[2], 10) * (match[3] === "w" ? 7 : 1);
    return match[1] === "-" ? -days : days;
  }

  // The date `days` after `isoDate`, or null past what a calendar holds (years 1 to 9999): a start in year 275760,
  // the date box's last, threw here and stopped every control after it on the page; five-digit years showed as
  // "+010000-01". setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999 (a year typed as 24 gave 1924).
  function addDays(isoDate, days) {
    var parts = isoDate.split("-").map(Number);
    // UTC arithmetic: daylight-saving changes never shift a date by one.
    var date = new Date(0);
    date.setUTCFullYear(parts[0], parts[1] - 1, parts[2] + days);
    var year = date.getUTCFullYear();
    if (isNaN(year) || year < 1 || year > 9999) return null;
    function pad(n, width) { return ("000" + n).slice(-width); }
    return pad(year, 4) + "-" + pad(date.getUTCMonth() + 1, 2) + "-" + pad(date.getUTCDate(), 2);
  }

  // -- checklists ----------------------------------------------------------------------------
  // A checklist's ticks on this site. Ticks saved before keys named the site (csops:checklist:<id>, shared by every
  // portal on the origin) move over once, each only where its stored version is this site's item version (`hashes`,
  // item id -> version): an English tick never ticks the Japanese item. The old entry stays for the other sites.
  // `former` ({ids: [...], items: {item id: [...]}}) holds the ids the checklist and its items had before a rename
  // (their aliases): ticks saved under them move to the new ids, so `csops mv` keeps the reader's progress as it
  // keeps their links.
  function ticks(checklist, hashes, former) {
    var key = "checklist:" + SITE + ":" + checklist;
    var found = load(key, null), moved = false;
    if (!found || typeof found !== "object") {
      found = null;
      ((former && former.ids) || []).some(function (old) {
        var then = load("checklist:" + SITE + ":" + old, null);
        if (then && typeof then === "object") found = then;
        return !!found;
      });
      moved = !!found;
      if (!found) found = legacyTicks(checklist, hashes);
      if (!found) return {};
    }
    var renamed = (former && former.items) || {};
    Object.keys(renamed).forEach(function (item) {
      if (own(found, item) || !Array.isArray(renamed[item])) return;
      renamed[item].some(function (old) {
        if (!own(found, old) || typeof found[old] !== "object") return false;
        found[item] = found[old];
        delete found[old];
        moved = true;
        return true;
      });
    });
    if (realign(found, hashes)) moved = true;
    if (moved) save(key, found);
    return found;
  }

  // A tick whose words are now another item's moves to that item (`hashes`: item id -> version on this page). A
  // step's checklist items are kept by position: an item added above a ticked one left the tick on its neighbour,
  // which said "changed since you ticked it", and the ticked item showed unticked. A tick moves only within its step
  // (same id before its position): moved to another step holding the same words ("Update the CRM" in two steps), a
  // reworded item lost its "changed" mark and the other step's item showed work the reader never did.
  function realign(found, hashes) {
    if (!hashes) return false;
    var open = Object.keys(hashes).filter(function (item) { var tick = own(found, item);
      return !tick || tick.hash !== hashes[item];
    });
    var moves = [];
    Object.keys(found).forEach(function (from) {
      var tick = found[from];
      if (!tick || typeof tick !== "object" || own(hashes, from) === tick.hash) return;
      var fits = open.filter(function (item) { return hashes[item] === tick.hash; });
      var to = fits.filter(function (item) { return item.replace(/-\d+$/, "") === from.replace(/-\d+$/, ""); })[0];
      if (to === undefined) return;
      open.splice(open.indexOf(to), 1);
      moves.push([from, to, tick]);
    });
    moves.forEach(function (move) { delete found[move[0]]; });
    moves.forEach(function (move) { found[move[1]] = move[2]; });
    return moves.length > 0;
  }

  // Ticks from the shared entry of earlier versions, saved under this site's key; null when there is nothing to move.
  function legacyTicks(checklist, hashes) {
    var old = load("checklist:" + checklist, null), moved = {};
    if (!old || typeof old !== "object" || !hashes) return null;
    Object.keys(hashes).forEach(function (item) {
      var tick = own(old, item);
      if (tick && tick.hash === hashes[item]) moved[item] = tick;
    });
    save("checklist:" + SITE + ":" + checklist, moved);
    return moved;
  }

  function words(text) { return String(text || "").split(/\s+/).filter(Boolean); }

  function saveTicks(checklist, value) { save("checklist:" + SITE + ":" + checklist, value); }

  function setupChecklists(L) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".csops-item[data-checklist][data-item]"));
    if (!items.length) return;
    var rows = items.map(function (marker) {
      var li = marker.closest("li");
      var box = li && li.querySelector("input[type=checkbox]");
      return { marker: marker, li: li, box: box, checklist: marker.dataset.checklist, section: marker.dataset.section,
               item: marker.dataset.item, hash: marker.dataset.hash };
    }).filter(function (row) { return row.box; });

    var hashes = {}, former = {};  // per checklist, the versions of its items on this page and their former ids
    function formerOf(checklist) { return former[checklist] = own(former, checklist) || { ids: [], items: {} }; }
    rows.forEach(function (row) {
      (hashes[row.checklist] = own(hashes, row.checklist) || {})[row.item] = row.hash;
      var aliases = words(row.marker.dataset.aliases);
      if (aliases.length) formerOf(row.checklist).items[row.item] = aliases;
    });
    document.querySelectorAll(".csops-checklist-progress[data-checklist][data-aliases]").forEach(function (box) {
      formerOf(box.dataset.checklist).ids = words(box.dataset.aliases);
    });

    function state(checklist) { return ticks(checklist, own(hashes, checklist), own(former, checklist)); }

    function render() {
      rows.forEach(function (row) {
        var ticked = own(state(row.checklist), row.item);
        var current = !!ticked && ticked.hash === row.hash;
        row.box.checked = current;
        row.li.classList.toggle("csops-done", current);
        var note = row.li.querySelector(".csops-changed");
        var changed = !!ticked && ticked.hash !== row.hash;
        row.li.classList.toggle("csops-is-changed", changed);
        if (changed && !note) {
          note = el("span", { "class": "csops-changed" }, L.changed_since_ticked);
          row.li.appendChild(note);
        } else if (!changed && note) {
          note.remove();
        }
      });
      document.querySelectorAll(".csops-checklist-progress[data-checklist]").forEach(function (box) {
        updateBar(box, rows.filter(function (r) { return r.checklist === box.dataset.checklist && visible(r.li); }));
      });
      document.querySelectorAll(".csops-section-progress[data-section]").forEach(function (box) {
        updateBar(box, rows.filter(function (r) {
          return r.checklist === box.dataset.checklist && r.section === box.dataset.section && visible(r.li);
        }));
      });
    }

    function visible(li) { return !li.classList.contains("csops-segment-hidden"); }

    function updateBar(box, group) {
      var done = group.filter(function (r) { return r.box.checked; }).length;
      var total = group.length;
      var bar = box.querySelector(".csops-bar");
      if (!bar) return;
      var percent = total ? Math.round((100 * done) / total) : 0;
      bar.setAttribute("aria-valuenow", String(percent));
      bar.setAttribute("aria-valuetext", done + " / " + total);
      bar.querySelector(".csops-bar-fill").style.width = percent + "%";
      box.querySelector(".csops-bar-count").textContent = done + " / " + total;
      box.classList.toggle("csops-complete", total > 0 && done === total);
    }

    function buildBar(box, title) {
      if (!once(box, "")) return;
      var bar = el("div", { "class": "csops-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
                            "aria-valuenow": "0", "aria-label": title });
      bar.appendChild(el("div", { "class": "csops-bar-fill" }));
      box.appendChild(bar);
      box.appendChild(el("span", { "class": "csops-bar-count" }, ""));
    }

    document.querySelectorAll(".csops-checklist-progress[data-checklist]").forEach(function (box) {
      var title = (document.querySelector("h1") || {}).textContent || "";
      buildBar(box, L.progress + ": " + title.replace(/¶$/, "").trim());
      if (!box.querySelector(".csops-reset")) {
        box.appendChild(resetControl(L, box.dataset.checklist, own(hashes, box.dataset.checklist) || {}, render));
      }
    });
    document.querySelectorAll(".csops-section-progress[data-section]").forEach(function (box) {
      var heading = box.previousElementSibling;
      while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
      buildBar(box, L.progress + ": " + (heading ? heading.textContent.replace(/¶$/, "").trim() : box.dataset.section));
    });

    rows.forEach(function (row) {
      if (!once(row.box, "")) return;
      tickWholeRow(row.li, row.box);
      row.box.disabled = false;
      row.box.removeAttribute("disabled");
      row.box.setAttribute("aria-label", itemText(row.li));
      row.li.classList.add("csops-tickable");
      row.box.addEventListener("change", function () {
        var current = state(row.checklist);
        if (row.box.checked) current[row.item] = { hash: row.hash, at: new Date().toISOString().slice(0, 10) };
        else delete current[row.item];
        saveTicks(row.checklist, current);
        render();
      });
    });
    render();
    stickyBottom(document.querySelector(".csops-checklist-progress[data-checklist]:not(.csops-playbook-progress)"));
    // Instant navigation keeps `document` across pages: only the current page's handler may listen.
    if (window.csopsSegmentHandler) document.removeEventListener("csops:segment", window.csopsSegmentHandler);
    window.csopsSegmentHandler = render;
    document.addEventListener("csops:segment", render);
  }

  // Where the sticky progress bar ends on screen (--csops-sticky-bottom, csops.css): linked sections and items
  // scroll to just below it. Its height changes as it fills and as fonts arrive (two lines on a phone), so it is
  // measured whenever it resizes, and for the first moments a linked target it covers is brought out from under it.
  function stickyBottom(bar) {
    if (!bar) return;
    var opened = Date.now();
    var target = null;
    try { target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null; } catch (e) { /* */ }
    function measure() {
      var bottom = (parseFloat(getComputedStyle(bar).top) || 0) + bar.getBoundingClientRect().height;
      document.documentElement.style.setProperty("--csops-sticky-bottom", Math.ceil(bottom) + "px");
      if (target && Date.now() - opened < 2000 && target.getBoundingClientRect().top < bar.getBoundingClientRect().bottom - 1) {
        target.scrollIntoView();
      }
    }
    measure();
    if (window.ResizeObserver) new ResizeObserver(measure).observe(bar);
  }

  // Clicking anywhere on an item's row ticks it, not only the 20 px circle; links and buttons inside keep working.
  function tickWholeRow(li, box) {
    li.addEventListener("click", function (event) {
      var target = event.target;
      if (target === box || target.closest("a, button, input, label, summary, .csops-changed")) return;
      if (window.getSelection && String(window.getSelection()).length) return;  // selecting text to copy
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  // "Reset progress" asks first, in place: a wrong click must not wipe weeks of ticks. It counts the ticks of
  // items on this page (`onPage`: item id -> version): ticks kept for items since removed showed in the count.
  function resetControl(L, checklist, onPage, render) {
    var holder = el("span", { "class": "csops-reset-holder" });
    var reset = el("button", { type: "button", "class": "md-button csops-reset" }, L.reset);
    holder.appendChild(reset);
    reset.addEventListener("click", function () {
      var count = Object.keys(ticks(checklist, null)).filter(function (item) { return own(onPage, item) !== undefined; }).length;
      if (!count) { announce(L.reset); return; }
      var ask = el("span", { "class": "csops-reset-confirm", role: "group" });
      ask.appendChild(el("span", {}, count === 1 ? L.reset_confirm_one : L.reset_confirm.replace("{n}", String(count))));
      var yes = el("button", { type: "button", "class": "md-button md-button--primary csops-reset-yes" }, L.reset_yes);
      var no = el("button", { type: "button", "class": "md-button csops-reset-cancel" }, L.cancel);
      ask.appendChild(yes);
      ask.appendChild(no);
      reset.hidden = true;
      holder.appendChild(ask);
      no.focus();
      function close() { ask.remove(); reset.hidden = false; reset.focus(); }
      yes.addEventListener("click", function () {
        saveTicks(checklist, {});  // kept, empty: an old shared entry must not move back in
        close();
        render();
        announce(L.reset);
      });
      no.addEventListener("click", close);
      // Escape answers "no", as it closes any question (the keyboard had to find Cancel)
      ask.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") return;
        event.preventDefault();
        close();
      });
    });
    return holder;
  }

  // -- home and onboarding index: the reader's role and progress from this browser ----------------
  function checklistProgress(L, box) {
    var items = {};
    try { items = JSON.parse(box.dataset.items || "{}"); } catch (e) { items = {}; }
    var renamed = {};
    try { renamed = JSON.parse(box.dataset.itemAliases || "{}"); } catch (e) { renamed = {}; }
    var ticked = ticks(box.dataset.checklist, items, { ids: words(box.dataset.aliases), items: renamed });
    // The segment chosen on the checklist (remembered, as the page's switch does): its items for other segments are
    // hidden there and not counted, so the card says what the page says ("18 / 18" there was "18 / 21" here).
    var only = {};
    try { only = JSON.parse(box.dataset.itemSegments || "{}"); } catch (e) { only = {}; }
    var segment = load("segment", "");
    if (words(box.dataset.segments).indexOf(segment) < 0) segment = "";
    var ids = Object.keys(items).filter(function (id) {
      var those = own(only, id);
      return !segment || !Array.isArray(those) || those.indexOf(segment) >= 0;
    });
    var done = ids.filter(function (id) { var tick = own(ticked, id); return tick && tick.hash === items[id]; }).length;
    var percent = ids.length ? Math.round((100 * done) / ids.length) : 0;
    box.textContent = "";
    var bar = el("div", { "class": "csops-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
                          "aria-valuenow": String(percent), "aria-valuetext": done + " / " + ids.length,
                          "aria-label": L.progress + L.colon + L.colon_gap + (box.dataset.title || box.dataset.checklist) });
    var fill = el("div", { "class": "csops-bar-fill" });
    fill.style.width = percent + "%";
    bar.appendChild(fill);
    box.appendChild(bar);
    box.appendChild(el("span", { "class": "csops-bar-count" }, done ? done + " / " + ids.length : "0 / " + ids.length + " · " + L.not_started));
    box.classList.toggle("csops-complete", ids.length > 0 && done === ids.length);
  }

  // A role remembered by an id `csops mv role` has since renamed: the id it has now (data-former: former id -> id),
  // so the reader's choice survives the rename as their links do.
  function renamedRole(box, role) {
    var former = {};
    try { former = JSON.parse(box.dataset.former || "{}"); } catch (e) { former = {}; }
    return Object.prototype.hasOwnProperty.call(former, role) ? former[role] : role;
  }

  function setupStartPath(L) {
    document.querySelectorAll(".csops-card-progress[data-checklist]").forEach(function (box) {
      checklistProgress(L, box);
    });
    var picker = document.querySelector(".csops-reader-role[data-names]");
    if (!picker || !once(picker, "")) return;
    var names = {}, langs = {};
    try { names = JSON.parse(picker.dataset.names); langs = JSON.parse(picker.dataset.langs || "{}"); } catch (e) { return; }
    var group = el("div", { role: "group", "aria-label": L.i_am, "class": "csops-chips" });
    picker.appendChild(el("span", { "class": "csops-filter-label", "aria-hidden": "true" }, L.i_am + L.colon));
    picker.appendChild(group);

    function choose(role) {
      group.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.role === role)); });
      // Your checklists first, your role page marked, playbooks you take part in stand out.
      var cards = document.querySelector(".csops-cards");
      if (cards) {
        var all = Array.prototype.slice.call(cards.querySelectorAll(".csops-card"));
        all.sort(function (a, b) {
          var mine = function (c) { return role && c.dataset.audience.split(" ").indexOf(role) >= 0 ? 0 : 1; };
          return mine(a) - mine(b) || Number(a.dataset.order) - Number(b.dataset.order);
        }).forEach(function (card) {
          card.classList.toggle("csops-mine", !!role && card.dataset.audience.split(" ").indexOf(role) >= 0);
          cards.appendChild(card);
        });
      }
      document.querySelectorAll(".csops-role-link[data-role]").forEach(function (a) {
        var mine = a.dataset.role === role;
        a.classList.toggle("csops-mine", mine);
        if (mine) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
      });
      document.querySelectorAll(".csops-phase-card li[data-roles]").forEach(function (li) {
        var mine = !!role && li.dataset.roles.split(" ").indexOf(role) >= 0;
        li.classList.toggle("csops-mine", mine);
        li.classList.toggle("csops-not-mine", !!role && !mine);
      });
      var yours = document.querySelector(".csops-your-role");
      if (yours) {
        yours.textContent = "";
        var link = role && document.querySelector(".csops-role-link[data-role='" + role.replace(/[^a-z0-9-]/g, "") + "']");
        if (link) {
          // the gap after the colon as the pages have it: none after the Japanese full-width colon, which holds its own
          yours.appendChild(el("strong", {}, L.your_role + L.colon + L.colon_gap));
          yours.appendChild(spokenIn(langs, role, el("a", { href: link.getAttribute("href") }, names[role] + " →")));
        }
        yours.hidden = !link;
      }
      save("reader-role", role || null);
    }

    document.querySelectorAll(".csops-cards .csops-card").forEach(function (card, index) { card.dataset.order = String(index); });
    [""].concat(Object.keys(names)).forEach(function (role) {
      var button = spokenIn(langs, role, el("button", { type: "button", "class": "csops-chip", "data-role": role,
                                                        "aria-pressed": "false" }, role ? names[role] : L.all_roles));
      button.addEventListener("click", function () { choose(role); });
      group.appendChild(button);
    });
    var remembered = renamedRole(picker, load("reader-role", ""));
    choose(Object.prototype.hasOwnProperty.call(names, remembered) ? remembered : "");
    chipRow(group);
  }

  // -- start date -> dates, and the .ics plan --------------------------------------------------
  function planEntries() {
    var page = window.location.href.split("#")[0];
    var entries = [];
    document.querySelectorAll(".csops-item[data-due]").forEach(function (marker) {
      var li = marker.closest("li");
      if (li && li.classList.contains("csops-segment-hidden")) return;
      entries.push({ due: marker.dataset.due, shown: dueShown(li || marker, marker.dataset.due),
                     title: itemText(li || marker), url: page + "#" + marker.dataset.item });
    });
    document.querySelectorAll(".csops-step-meta[data-due]").forEach(function (meta) {
      if (meta.closest(".csops-segment-hidden")) return;
      entries.push({ due: meta.dataset.due, shown: dueShown(meta, meta.dataset.due), title: meta.dataset.title,
                     url: absoluteUrl(meta.dataset.url) || page });
    });
    return entries;
  }

  // The offset as the page shows it beside the item (120日前 on a Japanese portal; T-120d as written in English):
  // a calendar event said T-120d to a reader whose page says 120日前.
  function dueShown(box, due) {
    var badge = box.querySelector(".csops-due[data-due]");
    if (!badge) return due;
    var clone = badge.cloneNode(true);
    clone.querySelectorAll(".csops-date").forEach(function (n) { n.remove(); });
    return clone.textContent.trim() || due;
  }

  function icsEscape(text) {
    return String(text).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
  }

  function icsFold(line) {
    // RFC 5545: lines longer than 75 octets continue on the next line after a space.
    var out = [], bytes = 0, current = "";
    Array.from(line).forEach(function (ch) {
      var size = new TextEncoder().encode(ch).length;
      if (bytes + size > 73) { out.push(current); current = " "; bytes = 1; }
      current += ch; bytes += size;
    });
    out.push(current);
    return out.join("\r\n");
  }

  function buildIcs(planId, start, entries) {
    var stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//csops-portal//plan//EN", "CALSCALE:GREGORIAN"];
    entries.forEach(function (entry, index) {
      var offset = parseOffset(entry.due);
      if (offset === null) return;
      var day = addDays(start, offset), after = day && addDays(day, 1);
      if (!after) return;
      lines.push("BEGIN:VEVENT",
        "UID:" + icsEscape(planId.replace(/[^a-z0-9-]/gi, "-") + "-" + index + "-" + day) + "@csops-portal",
        "DTSTAMP:" + stamp,
        "DTSTART;VALUE=DATE:" + day.replace(/-/g, ""),
        "DTEND;VALUE=DATE:" + after.replace(/-/g, ""),
        "SUMMARY:" + icsEscape(entry.title),
        "DESCRIPTION:" + icsEscape(entry.shown + " — " + entry.url),
        "URL:" + entry.url,
        "END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(icsFold).join("\r\n") + "\r\n";
  }

  function setupPlans(L) {
    document.querySelectorAll(".csops-plan[data-plan]").forEach(function (plan) {
      if (!once(plan, "")) return;
      var key = "plan:" + plan.dataset.plan;
      var inputId = "csops-start-" + plan.dataset.plan.replace(/[^a-z0-9-]/gi, "-");
      var label = el("label", { "for": inputId }, (plan.dataset.anchor || L.start_date) + " ");
      var input = el("input", { type: "date", id: inputId, "class": "csops-start" });
      // only a date this box saved: a stored object whose toString is no function (another script's, or a planted
      // one) threw here, and the start date and the calendar download were gone from the page on every visit
      var saved = load(key, "");
      input.value = typeof saved === "string" ? saved : "";
      var button = el("button", { type: "button", "class": "md-button csops-ics" }, L.download_ics);
      plan.appendChild(label);
      plan.appendChild(input);
      plan.appendChild(button);

      function show() {
        var start = input.value;
        button.disabled = !start;
        document.querySelectorAll(".csops-due[data-due]").forEach(function (badge) {
          var date = badge.querySelector(".csops-date");
          var day = start && parseOffset(badge.dataset.due) !== null ? addDays(start, parseOffset(badge.dataset.due)) : null;
          if (!day) { if (date) date.remove(); return; }
          if (!date) { date = el("time", { "class": "csops-date" }); badge.appendChild(date); }
          date.setAttribute("datetime", day);
          date.textContent = day;
        });
      }
      input.addEventListener("change", function () { save(key, input.value || null); show(); });
      button.addEventListener("click", function () {
        if (!input.value) return;
        var ics = buildIcs(plan.dataset.plan, input.value, planEntries());
        var link = el("a", { download: plan.dataset.plan.split(":").pop() + ".ics",
                             href: URL.createObjectURL(new Blob([ics], { type: "text/calendar;charset=utf-8" })) });
        document.body.appendChild(link);
        link.click();
        window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      });
      show();
    });
  }

  // -- copy link / copy for ticket on every playbook step and FAQ answer ----------------------------
  // The hook of each item readers link to: a step's meta line under its heading (data-step), an FAQ answer's or a
  // chart duty's links row under its text (data-item-id).
  var LINKED_ITEM = ".csops-step-meta, .csops-item-links";

  function linkedItemId(meta) {
    return meta.dataset.step || meta.dataset.itemId || "";
  }

  function setupCopyLinks(L) {
    document.querySelectorAll(LINKED_ITEM).forEach(function (meta) {
      if (!meta.dataset.url || !once(meta, "")) return;
      var url = versionedUrl(absoluteUrl(meta.dataset.url), linkedItemId(meta));
      if (!url) return;
      var tools = el("span", { "class": "csops-copy" });
      // the same link text as csops link and the API give (urls.markdown_link), made literal by the build; a
      // project's own playbook template from before data-ticket gets its brackets escaped, as then
      var label = meta.dataset.ticket || String(meta.dataset.title || "").replace(/[\\\[\]]/g, "\\$&");
      [["copy_link", url], ["copy_ticket", "[" + label + "](" + url + ")"]].forEach(function (pair) {
        // named with the item as well: a screen reader's list of buttons read "Copy link" fifteen times over
        var name = L[pair[0]] + (meta.dataset.title ? L.colon + L.colon_gap + meta.dataset.title : "");
        var button = el("button", { type: "button", "class": "csops-copy-" + pair[0].split("_")[1],
                                    "data-copy": pair[1], title: pair[1], "aria-label": name }, L[pair[0]]);
        button.addEventListener("click", function () {
          copyText(pair[1]).then(function (copied) {
            if (!copied) {
              offerManualCopy(tools, pair[1], L);
              announce(L.copy_failed);
              return;
            }
            var manual = meta.querySelector(".csops-copy-manual");
            if (manual) manual.remove();
            button.classList.add("csops-copied");
            announce(L.copied + L.colon + L.colon_gap + pair[1]);
            window.setTimeout(function () { button.classList.remove("csops-copied"); }, 1500);
          });
        });
        tools.appendChild(button);
      });
      meta.appendChild(tools);
    });
  }

  // -- an #anchor as a ticket, mail or chat passed it on ------------------------------------------
  // A link pasted with the sentence's full stop or closing bracket ("…#assign-escalation-owner." or "…owner)"), or
  // cut at the line break a mail client wrapped it at ("…#assign-escalation-"), opened the page at its top without
  // the "changed" notice. No id holds a space or ends in punctuation, so these are dropped, and an anchor cut short
  // at a hyphen is the one id it begins, if only one; the page then moves to it as if the link were whole.
  var PASTED_TAIL = /[\s.,;:!?'"\u2019\u201d)\]}>\u00bb\u3001\u3002\uff0c\uff0e\u300d\u300f\uff09]+$/;

  // Every id in the page's text a link can name: a heading, a step, a checklist item (its marker span), an FAQ answer,
  // a duty, and the former ids kept for them; not the theme's own (__code_0, __tabbed_1_1), which no one links to.
  // Headings alone left a cut link to a checklist item ("#learn-health-") at the page's top.
  var LINKABLE = ".md-content [id]:not([id^='__'])";

  // A chat tool's or mailer's tracking parameters added after the anchor ("#step?utm_source=slack") are no part of it:
  // no id holds ? or &.
  function pastedAnchor(id) {
    var cleaned = id.split(/[?&]/)[0].replace(PASTED_TAIL, "").replace(/\s+/g, "");
    if (!cleaned) return "";
    if (document.getElementById(cleaned)) return cleaned;
    // only a cut at a hyphen, where mail wraps: "#review" of a step since removed is not "#review-cadence"
    if (!/-$/.test(cleaned)) return "";
    var begun = Array.prototype.filter.call(document.querySelectorAll(LINKABLE),
      function (node) { return node.id.indexOf(cleaned) === 0; });
    return begun.length === 1 ? begun[0].id : "";
  }

  function landPastedAnchor() {
    var id;
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    if (!id || document.getElementById(id)) return;
    var found = pastedAnchor(id);
    if (found) window.location.replace("#" + encodeURIComponent(found));
  }

  // A link to the page already open, pasted into its address bar, changes only the #anchor: no page load, no setup.
  // "…/qbr/#follow-up." pasted there left the page where it was, nothing marked.
  var watchingPastedAnchors = false;

  function setupPastedAnchor() {
    landPastedAnchor();
    if (watchingPastedAnchors) return;
    watchingPastedAnchors = true;
    window.addEventListener("hashchange", landPastedAnchor);
  }

  // The same on the not-found page for a page's address: "…/playbooks/renewal-runway/)" or "….html." was a dead end.
  // The address without its tail is tried once; if it is not a page either, that 404 has no tail left to drop.
  function setupPastedPath() {
    if (!document.querySelector("[data-csops-not-found]")) return;
    var path;
    try { path = decodeURIComponent(window.location.pathname); } catch (e) { return; }
    var whole = path.replace(PASTED_TAIL, "");
    if (!whole || whole === path) return;
    // on this origin only: "//evil.example/)" without its tail was a protocol-relative address, another site
    window.location.replace(window.location.origin + "/" + encodeURI(whole.replace(/^\/+/, "")) +
                            window.location.search + window.location.hash);
  }

  // The not-found page's "search" is a label for the theme's search toggle, which opens the box; the theme moves the
  // focus into it only for its header's button, so this word does the same: the reader types at once.
  function setupOpenSearch() {
    var input = document.querySelector("input.md-search__input");
    document.querySelectorAll(".csops-open-search").forEach(function (word) {
      if (!input || !once(word, "-open-search")) return;
      word.addEventListener("click", function () { input.focus(); });
    });
  }

  // -- links that know they are old: ?v=<item version> on copied links, a notice when it moved on ----
  // The page's one .csops-versions hook holds, per step or FAQ answer id, its current version and past changes
  // ([version before, date, What's-new link]), oldest first, from the build's git history.
  function itemVersions() {
    var node = document.querySelector(".csops-versions[data-versions]");
    if (!node) return null;
    try {
      return { items: JSON.parse(node.dataset.versions), whatsNew: node.dataset.whatsNew || "",
               labels: JSON.parse(node.dataset.labels || "{}") };
    } catch (e) { return null; }
  }

  function versionedUrl(url, item) {
    var versions = itemVersions();
    var known = versions && item && own(versions.items, item);
    if (!url || !known || typeof known.v !== "string") return url;
    var parsed = new URL(url);
    parsed.searchParams.set("v", known.v);
    return parsed.href;
  }

  // Only links into this site: a forged hook in a page body gives no link to anywhere else.
  function sameOriginUrl(url) {
    var absolute = absoluteUrl(url);
    return absolute && new URL(absolute).origin === window.location.origin ? absolute : "";
  }

  function linkedItemAt(hash) {
    var target = null;
    try { target = hash ? document.getElementById(decodeURIComponent(hash.slice(1))) : null; } catch (e) { return null; }
    if (!target) return null;
    if (target.matches(LINKED_ITEM)) return target;
    // A heading id, or an alias anchor (<span id=old-id>) inside the heading: the item's meta follows.
    var node = target.closest("h2, h3") || target.closest("p") || target;
    for (node = node.nextElementSibling; node && !/^H[1-3]$/.test(node.tagName); node = node.nextElementSibling) {
      if (node.matches(LINKED_ITEM) && linkedItemId(node)) return node;
    }
    return null;
  }

  function setupVersionNotice() {
    var wanted = new URLSearchParams(window.location.search).get("v");
    var versions = itemVersions();
    if (!wanted || !versions) return;
    var meta = linkedItemAt(window.location.hash);
    var known = meta && own(versions.items, linkedItemId(meta));
    if (!known || known.v === wanted || !once(meta, "-version")) return;
    var changes = Array.isArray(known.changes) ? known.changes : [];
    // A version the history knows: the change that came after it, with its date. Any other (a link older than the
    // history, or a ?v= cut short or mistyped, which looks the same from here) gets no date, only that the item may
    // have changed since, and the item's latest change to look at.
    var change = changes.filter(function (c) { return c[0] === wanted; })[0];
    var L = versions.labels;
    var text = change && /^\d{4}-\d{2}-\d{2}$/.test(change[1])
      ? String(L.changed_on || "").replace("{date}", change[1]) : String(L.changed || "");
    change = change || changes[changes.length - 1];
    var notice = el("div", { "class": "admonition warning csops-version-notice", role: "note" });
    notice.appendChild(el("p", {}, text + " "));
    var href = sameOriginUrl(change ? change[2] : versions.whatsNew);
    if (href) notice.firstChild.appendChild(el("a", { href: href }, L.see_change || ""));
    // right under the heading, and under a step's meta line when it follows the heading (an answer's is below it)
    var heading = meta.previousElementSibling;
    while (heading && !/^H[1-3]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    var after = heading && heading.nextElementSibling !== meta ? heading : meta;
    after.parentNode.insertBefore(notice, after.nextSibling);
  }

  // -- the contents mark the step a link opened, also at the page's end ---------------------------
  // A step near the end cannot scroll to the top, and at the page's end Material marks the last heading: a link to
  // "7. Update the account's health" showed "Related playbooks" marked. While the page is at its end and the opened
  // heading on screen, its entry is the marked one; scrolled back up, Material's own marking applies again.
  function setupContentsTarget() {
    var toc = document.querySelector(".md-nav--secondary");
    if (!toc || !window.MutationObserver || !once(toc, "-target")) return;
    function mark() {
      var target = null;
      try { target = document.getElementById(decodeURIComponent(window.location.hash.slice(1))); } catch (e) { return; }
      var heading = target && target.closest("h2[id], h3[id]");
      var link = heading && toc.querySelector('a.md-nav__link[href="#' + CSS.escape(heading.id) + '"]');
      if (!link) return;
      var others = Array.prototype.filter.call(toc.querySelectorAll(".md-nav__link--active"), function (a) { return a !== link; });
      if (!others.length && link.classList.contains("md-nav__link--active")) return;
      var top = heading.getBoundingClientRect().top;
      var atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
      if (!atEnd || top < 0 || top > window.innerHeight) return;
      others.forEach(function (a) { a.classList.remove("md-nav__link--active"); });
      link.classList.add("md-nav__link--active");
    }
    new MutationObserver(mark).observe(toc, { subtree: true, attributes: true, attributeFilter: ["class"] });
    window.addEventListener("hashchange", mark);
    mark();
  }

  // -- RACI matrix: show one role ---------------------------------------------------------------
  function setupRaci(L) {
    document.querySelectorAll(".csops-raci-filter[data-roles]").forEach(function (filter) {
      if (!once(filter, "")) return;
      var matrix = filter.parentElement.querySelector(".csops-raci-matrix table");
      if (!matrix) return;
      var roles = filter.dataset.roles.split(/\s+/).filter(Boolean);
      var headers = Array.prototype.slice.call(matrix.querySelectorAll("thead th")).slice(1);
      var group = el("div", { role: "group", "aria-label": L.filter_role, "class": "csops-chips" });
      filter.appendChild(el("span", { "class": "csops-filter-label", "aria-hidden": "true" }, L.filter_role + L.colon));
      filter.appendChild(group);

      function choose(role) {
        var column = roles.indexOf(role) + 1;  // 0 = the activity column
        group.querySelectorAll("button").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b.dataset.role === (role || "")));
        });
        matrix.querySelectorAll("tr").forEach(function (tr) {
          var cells = tr.children;
          var holds = false;
          for (var i = 1; i < cells.length; i++) {
            var show = !role || i === column;
            cells[i].hidden = !show;
            if (i === column && cells[i].textContent.trim()) holds = true;
          }
          if (tr.parentElement.tagName === "TBODY") tr.hidden = !!role && !holds;
        });
        // On the wrapper: a class on the <table> switches off the theme's `table:not([class])` styles.
        matrix.closest(".csops-raci-matrix").classList.toggle("csops-filtered", !!role);
        save("raci-role", role || null);
      }

      // Headers show short codes; the chips name each role in full (data-names), else fall back to the header.
      var full = {}, langs = {};
      try { full = JSON.parse(filter.dataset.names || "{}"); langs = JSON.parse(filter.dataset.langs || "{}"); } catch (e) { full = {}; }
      var names = [L.all_roles].concat(headers.map(function (th, i) { return own(full, roles[i]) || th.textContent.trim(); }));
      [""].concat(roles).forEach(function (role, index) {
        var button = spokenIn(langs, role, el("button", { type: "button", "class": "csops-chip", "data-role": role,
                                                          "aria-pressed": "false" }, names[index] || role));
        button.addEventListener("click", function () { choose(role); });
        group.appendChild(button);
      });
      var remembered = renamedRole(filter, load("raci-role", ""));
      choose(roles.indexOf(remembered) >= 0 ? remembered : "");
      chipRow(group);
    });
  }

  // -- segments: one switch for segment-marked steps/items and the per-segment tabs ----------------
  function setupSegments(L) {
    document.querySelectorAll(".csops-segment-switch[data-segments]").forEach(function (box) {
      if (!once(box, "")) return;
      var segments = {};
      try { segments = JSON.parse(box.dataset.segments); } catch (e) { return; }
      var group = el("div", { role: "group", "aria-label": L.segments, "class": "csops-chips" });
      box.appendChild(el("span", { "class": "csops-filter-label", "aria-hidden": "true" }, L.segments + L.colon));
      box.appendChild(group);

      function choose(segment) {
        group.querySelectorAll("button").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b.dataset.segment === segment));
        });
        // Checklist items: hide the <li>; playbook steps: hide the step heading and everything up to the next one.
        document.querySelectorAll(".csops-item[data-segments]").forEach(function (marker) {
          var li = marker.closest("li");
          var applies = !segment || marker.dataset.segments.split(" ").indexOf(segment) >= 0;
          if (li) li.classList.toggle("csops-segment-hidden", !applies);
        });
        document.querySelectorAll(".csops-step-meta").forEach(function (meta) {
          var list = (meta.dataset.segments || "").split(" ").filter(Boolean);
          var applies = !segment || !list.length || list.indexOf(segment) >= 0;
          stepNodes(meta).forEach(function (node) { node.classList.toggle("csops-segment-hidden", !applies); });
        });
        if (segment && segments[segment]) selectTabs(segments[segment]);
        save("segment", segment || null);
        document.dispatchEvent(new CustomEvent("csops:segment"));
      }

      var ids = [""].concat(Object.keys(segments));
      ids.forEach(function (id) {
        var button = el("button", { type: "button", "class": "csops-chip", "data-segment": id, "aria-pressed": "false" },
                        id ? segments[id] : L.all_segments);
        button.addEventListener("click", function () { choose(id); });
        group.appendChild(button);
      });
      var remembered = load("segment", "");
      choose(ids.indexOf(remembered) >= 0 ? remembered : "");
      chipRow(group);
    });
  }

  function stepNodes(meta) {
    var heading = meta.previousElementSibling;
    while (heading && heading.tagName !== "H3") heading = heading.previousElementSibling;
    if (!heading) return [meta];
    var nodes = [heading];
    for (var node = heading.nextElementSibling; node && !/^H[1-3]$/.test(node.tagName); node = node.nextElementSibling) {
      nodes.push(node);
    }
    return nodes;
  }

  function selectTabs(name) {
    document.querySelectorAll(".tabbed-set").forEach(function (set) {
      set.querySelectorAll(".tabbed-labels > label").forEach(function (label) {
        if (label.textContent.trim() !== name) return;
        var input = document.getElementById(label.getAttribute("for"));
        if (input && !input.checked) input.checked = true;
      });
    });
  }

  // -- keyboard focus kept out from under the header ----------------------------------------------
  // Tabbing back up a page, the browser scrolls the focused link or tick just into the window: under the theme's
  // fixed header and a checklist's sticky progress bar, where the focus could not be seen. Once the browser has
  // scrolled, a focus under them is brought down into sight.
  function coveredTop() {
    var bottom = 0;
    document.querySelectorAll(".md-header, .csops-checklist-progress").forEach(function (bar) {
      var style = getComputedStyle(bar), box = bar.getBoundingClientRect();
      if (!/fixed|sticky/.test(style.position) || !box.height) return;
      if (Math.abs(box.top - (parseFloat(style.top) || 0)) <= 1) bottom = Math.max(bottom, box.bottom);  // held there
    });
    return bottom;
  }

  function setupFocusInSight() {
    if (!once(document.documentElement, "-focus")) return;
    document.addEventListener("focusin", function (event) {
      var target = event.target;
      if (!target.closest || target.closest(".md-header, .md-sidebar, .md-search, .csops-checklist-progress")) return;
      window.requestAnimationFrame(function () {
        if (document.activeElement !== target) return;
        var shown = target.matches("input[type=checkbox]") ? target.closest("li") || target : target;
        var box = shown.getBoundingClientRect(), covered = coveredTop();
        if (box.height && box.top < covered) window.scrollBy(0, box.top - covered - 8);
      });
    });
  }

  // -- tables wider than the screen -----------------------------------------------------------------
  // At 400% zoom or on a phone a wide table scrolls inside its own box. The keyboard reached only its links (the
  // RACI matrix's letters and a timeline's dates beyond them could not be brought into view) and a screen reader was
  // not told the box was there. A box that scrolls is a tab stop, a region named after the heading above it; one
  // that fits again (a wider window, a role filtered) is neither. Where the table is its own scrolling box (the
  // matrix on a phone) the stop is the theme's wrapper round it, whose arrow keys scroll the table: focused, the
  // table itself would take the theme's focus class, and a table with a class loses all its styles.
  var SCROLL_KEYS = { ArrowLeft: [-40, 0], ArrowRight: [40, 0], ArrowUp: [0, -40], ArrowDown: [0, 40] };

  function setupScrollingTables() {
    document.querySelectorAll(".md-content table").forEach(function (table) {
      [table, table.closest(".md-typeset__scrollwrap")].forEach(function (box) {
        if (!box || !once(box, "-scroll")) return;
        var stop = box === table ? table.parentElement : box;
        var heading = headingBefore(box);
        function mark() {
          var style = getComputedStyle(box);
          var scrolls = (/auto|scroll/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1)
            || (/auto|scroll/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1);
          if (scrolls && !stop.hasAttribute("data-csops-scrolls")) {
            stop.setAttribute("data-csops-scrolls", "");
            stop.setAttribute("tabindex", "0");
            stop.setAttribute("role", "region");
            if (heading) stop.setAttribute("aria-label", heading);
          } else if (!scrolls && stop.hasAttribute("data-csops-scrolls") && document.activeElement !== stop) {
            ["data-csops-scrolls", "tabindex", "role", "aria-label"].forEach(function (name) { stop.removeAttribute(name); });
          }
        }
        if (stop !== box) {
          stop.addEventListener("keydown", function (event) {
            var by = SCROLL_KEYS[event.key];
            if (event.target !== stop || !by || !stop.hasAttribute("data-csops-scrolls")) return;
            box.scrollBy(by[0], by[1]);
            event.preventDefault();
          });
        }
        // The matrix's right edge says "more this way" (csops.css) only while there is more that way: a static shadow
        // stayed on a table scrolled to its end, and on one that fitted its box (a 683 px window: 200% zoom).
        function more() {
          var left = box.scrollWidth - box.clientWidth - box.scrollLeft;
          stop.toggleAttribute("data-csops-more-right", /auto|scroll/.test(getComputedStyle(box).overflowX) && left > 1);
        }
        box.addEventListener("scroll", more, { passive: true });
        if (window.ResizeObserver) new ResizeObserver(function () { mark(); more(); }).observe(box);
        mark();
        more();
      });
    });
  }

  function headingBefore(node) {
    for (var at = node; at && !at.matches("article"); at = at.parentElement) {
      for (var before = at.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          var clone = before.cloneNode(true);
          clone.querySelectorAll(".headerlink").forEach(function (n) { n.remove(); });
          return clone.textContent.trim();
        }
      }
    }
    return "";
  }

  // -- the theme's search box: text that arrives without a key ------------------------------------
  // Material's client-side search (static hosting) reads the box on keyup only: text dictated on a phone, pasted
  // from the context menu or committed by some input methods (insertText, no key) left "Type to start searching".
  // Every input is announced as a keyup too; the theme ignores a value it has already searched.
  function setupSearchInput() {
    var input = document.querySelector('input.md-search__input[data-md-component="search-query"]');
    if (!input || !once(input, "-input")) return;
    input.addEventListener("input", function () {
      input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    });
  }

  // -- accessibility gaps axe-core finds in the theme's own markup ---------------------------------
  function setupAccessibility() {
    // Material's search overlay is a dialog without a name.
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
      var input = dialog.querySelector("input[aria-label], input[placeholder]");
      dialog.setAttribute("aria-label", input ? (input.getAttribute("aria-label") || input.placeholder) : "Search");
    });
    // Task-list boxes wrap an empty label: name each after its item text.
    document.querySelectorAll(".task-list-item input[type=checkbox]:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", itemText(box.closest("li")));
    });
  }

  // -- entry point ------------------------------------------------------------------------------
  // Each part on its own: pages carry their hooks in content, where a body may forge one (class and data-* survive
  // the sanitiser), and a hook one part cannot read stopped every part after it (the next steps' copy buttons, the
  // role filter). An error is still reported, as thrown, after the other parts have run.
  function setup() {
    var L = labels();
    [setupAccessibility, setupSearchInput,
     setupPastedPath, setupOpenSearch, setupPastedAnchor,  // before every part that reads the #anchor
     setupSegments,  // before checklists and plans: their progress counts only the visible segment
     setupChecklists, setupPlans, setupCopyLinks, setupVersionNotice, setupContentsTarget, setupRaci, setupStartPath,
     setupScrollingTables,  // after the role filter, which sets the matrix's width
     setupFocusInSight
    ].forEach(function (part) {
      try { part(L); } catch (error) { window.setTimeout(function () { throw error; }); }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
