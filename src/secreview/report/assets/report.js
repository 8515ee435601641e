/* secreview HTML report: renders the findings, suppressed findings and files held as JSON in
   #secreview-data, one page at a time, and filters them by severity, category, rule and file.
   The data's shape is described in secreview/report/html_data.py. Everything taken from the
   review is inserted as text (Node.append of a string, textContent), never parsed as HTML. */
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("secreview-data").textContent);
  const S = data.strings;
  const SEVERITY = ["", "low", "medium", "high", "critical"];
  const CONFIDENCE = ["", "low", "medium", "high"];
  const form = document.getElementById("filters");
  const ruleArticles = new Set(Array.from(document.querySelectorAll("article.rule-doc"), (a) => a.dataset.rule));

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  /* Text with `code` spans shown as code: split on backquotes, never parsed. */
  function rich(text) {
    const parts = text.split("`");
    if (parts.length % 2 === 0) parts[parts.length - 2] += "`" + parts.pop(); // an unpaired backquote stays text
    const out = document.createDocumentFragment();
    parts.forEach((part, i) => { if (part) out.append(i % 2 ? el("code", null, part) : part); });
    return out;
  }

  function cweLink(cwe, title) {
    const link = el("a", "cwe", title);
    if (/^[0-9]+$/.test(cwe)) {
      link.href = "https://cwe.mitre.org/data/definitions/" + cwe + ".html";
      link.rel = "noreferrer";
    }
    return link;
  }

  function ruleLink(f) {
    const rule = S[f.rule];
    const link = el(ruleArticles.has(rule) ? "a" : "span", "rule", rule);
    if (ruleArticles.has(rule)) link.href = "#rule-" + rule;
    link.title = S[f.name];
    return link;
  }

  function codeLine(n, text, hit) {
    const line = el("span", hit ? "line hit" : "line", text);
    line.dataset.n = String(n);
    if (hit) line.title = "flagged line";
    return line;
  }

  const codeTables = new Map(); // path -> Map(line -> text), made from data.code's runs when first needed
  function codeOf(path) {
    let table = codeTables.get(path);
    if (!table) {
      table = new Map();
      for (const [first, ...texts] of data.code[path] || []) texts.forEach((text, i) => table.set(first + i, text));
      codeTables.set(path, table);
    }
    return table;
  }

  function excerpt(f) {
    const table = codeOf(f.p), last = f.e || f.l;
    const pre = el("pre", "code");
    let previous = 0;
    for (const [first, end] of f.ex) {
      for (let n = first; n <= end; n++) {
        const text = table.get(n);
        if (text === undefined) continue;
        if (previous && n > previous + 1) pre.append(el("span", "gap", "⋯"));
        pre.append(codeLine(n, text, n >= f.l && n <= last));
        previous = n;
      }
    }
    return previous ? pre : null;
  }

  function flow(f) {
    if (!f.flow) return null;
    const steps = el("ol", "flow");
    for (const [path, line, description] of f.flow) {
      const text = codeOf(path).get(line);
      steps.append(el("li", null, rich(S[description]), " ", el("span", "where", S[path] + ":" + line),
        text === undefined ? null : el("pre", "code", codeLine(line, text, false))));
    }
    return el("div", "flow-box", el("h4", null, "Data flow, from where the data enters"), steps);
  }

  function card(f, showPath) {
    const sev = SEVERITY[f.sev];
    const head = el("div", "finding-head", el("span", "badge sev-" + sev, sev), " ", cweLink(f.cwe, S[f.cweTitle]),
      " ", el("span", "where", (showPath ? S[f.p] + ":" : "line ") + f.l), " ", ruleLink(f), " ",
      el("span", "muted", CONFIDENCE[f.conf] + " confidence"));
    if (f.llm) head.append(" ", el("span", "tag llm", "[llm] second opinion, not confirmed by static analysis"));
    if (f.pre) head.append(" ", el("span", "tag", "pre-existing, not introduced by this change"));
    const out = el("article", "finding sev-" + sev, head);
    if (f.why !== undefined) out.append(el("p", "why", el("strong", null, "Suppressed: "), S[f.why]));
    out.append(el("p", "message", rich(S[f.msg])));
    const code = excerpt(f);
    if (code) out.append(code);
    const path = flow(f);
    if (path) out.append(path);
    out.append(el("p", "fix", el("strong", null, "Fix: "), rich(S[f.fix])));
    for (const note of f.notes || []) out.append(el("p", "note", note));
    return out;
  }

  /* A list shown one page at a time, with its own pager and status line. */
  function pagedList(name, pageSize, draw) {
    const list = document.getElementById(name + "-list");
    const status = document.getElementById(name + "-status");
    const pager = el("nav", "pager");
    pager.setAttribute("aria-label", name + " pages");
    list.after(pager);
    let items = [], total = 0, page = 0;
    const buttons = {};
    for (const [key, label] of [["first", "« first"], ["prev", "‹ previous"], ["next", "next ›"], ["last", "last »"]]) {
      buttons[key] = el("button", null, label);
      buttons[key].type = "button";
      buttons[key].dataset.go = key;
    }
    const where = el("span", "page-of");
    pager.append(buttons.first, buttons.prev, where, buttons.next, buttons.last);
    const pages = () => Math.max(1, Math.ceil(items.length / pageSize));
    function show(n) {
      page = Math.min(Math.max(0, n), pages() - 1);
      const start = page * pageSize, end = Math.min(items.length, start + pageSize);
      list.replaceChildren(draw(items, start, end));
      status.textContent = items.length
        ? `Showing ${(start + 1).toLocaleString()}–${end.toLocaleString()} of ${items.length.toLocaleString()}` +
          (items.length < total ? ` matching the filters (of ${total.toLocaleString()})` : "")
        : (total ? `None of the ${total.toLocaleString()} match the filters.` : "None.");
      where.textContent = `page ${page + 1} of ${pages()}`;
      buttons.first.disabled = buttons.prev.disabled = page === 0;
      buttons.next.disabled = buttons.last.disabled = page >= pages() - 1;
      pager.hidden = pages() < 2;
    }
    pager.addEventListener("click", (event) => {
      const go = event.target.dataset && event.target.dataset.go;
      if (!go) return;
      show({first: 0, prev: page - 1, next: page + 1, last: pages() - 1}[go]);
      list.parentElement.scrollIntoView();
      saveState();
    });
    return {
      set(shown, all, at) { items = shown; total = all; show(at || 0); },
      get page() { return page; },
    };
  }

  let shownPerPath = new Map(); // path -> how many of its findings match the filters

  function drawFindings(items, start, end) {
    const out = document.createDocumentFragment();
    let path = -1;
    for (let i = start; i < end; i++) {
      const f = items[i];
      if (f.p !== path) {
        path = f.p;
        const n = shownPerPath.get(path) || 0;
        out.append(el("h3", "file-head", S[path], " ",
          el("span", "muted", n === 1 ? "1 finding" : n.toLocaleString() + " findings")));
      }
      out.append(card(f, false));
    }
    return out;
  }

  function verdictList(verdicts) {
    const list = el("ul", "verdicts");
    for (const [pillar, status, summary] of verdicts) {
      list.append(el("li", "verdict " + S[status], el("strong", null, (data.pillars[pillar] || "CWE-" + pillar) + ": "),
        rich(S[summary])));
    }
    return list;
  }

  function drawFiles(items, start, end) {
    const out = document.createDocumentFragment();
    for (let i = start; i < end; i++) {
      const [path, lines, findings, reviewed, verdicts] = items[i];
      const state = !reviewed ? el("span", "tag warn", "not reviewed")
        : findings ? el("span", "tag bad", findings === 1 ? "1 finding" : findings.toLocaleString() + " findings")
          : el("span", "tag good", "No security defects are detected in the code");
      const summary = el("summary", null, el("span", "path", S[path]), " ", el("span", "muted", lines.toLocaleString() + " lines"), " ", state);
      const details = el("details", "file", summary);
      details.addEventListener("toggle", () => {
        if (!details.open || details.dataset.drawn) return;
        details.dataset.drawn = "1";
        if (findings) {
          const button = el("button", "show-file", "Show this file's findings");
          button.type = "button";
          button.addEventListener("click", () => { setFilter({file: S[path]}); document.getElementById("findings").scrollIntoView(); });
          details.append(button);
        }
        details.append(verdicts.length ? verdictList(verdicts) : el("p", "muted", "No verdicts: the file could not be reviewed (see Diagnostics)."));
      });
      out.append(details);
    }
    return out;
  }

  function drawSuppressed(items, start, end) {
    const out = document.createDocumentFragment();
    for (let i = start; i < end; i++) out.append(card(items[i], true));
    return out;
  }

  const lists = {
    findings: pagedList("findings", 50, drawFindings),
    suppressed: document.getElementById("suppressed-list") ? pagedList("suppressed", 50, drawSuppressed) : null,
    files: pagedList("files", 100, drawFiles),
  };

  /* -- filters ------------------------------------------------------------------------------ */

  function readFilters() {
    const sev = new Set(Array.from(form.querySelectorAll("input[name=sev]:checked"), (box) => Number(box.value)));
    return {sev: sev, pillar: form.elements.pillar.value, rule: form.elements.rule.value,
            file: form.elements.file.value.trim().toLowerCase()};
  }

  function pathTest(needle) {
    const memo = new Map();
    return (path) => {
      if (!needle) return true;
      let hit = memo.get(path);
      if (hit === undefined) memo.set(path, hit = S[path].toLowerCase().includes(needle));
      return hit;
    };
  }

  function apply(pages) {
    const want = readFilters();
    const onPath = pathTest(want.file);
    const rule = want.rule ? S.indexOf(want.rule) : -1;
    const keep = (f) => want.sev.has(f.sev) && (!want.pillar || f.pillar === want.pillar) &&
      (!want.rule || f.rule === rule) && onPath(f.p);
    const shown = data.findings.filter(keep);
    shownPerPath = new Map();
    for (const f of shown) shownPerPath.set(f.p, (shownPerPath.get(f.p) || 0) + 1);
    lists.findings.set(shown, data.findings.length, pages && pages.findings);
    if (lists.suppressed) lists.suppressed.set(data.suppressed.filter(keep), data.suppressed.length, pages && pages.suppressed);
    lists.files.set(data.files.filter((file) => onPath(file[0])), data.files.length, pages && pages.files);
    document.documentElement.dataset.filtered = String(shown.length);
  }

  /* The filters and pages live in the address's #fragment, so a reload or a shared link keeps them. */
  function saveState() {
    const want = readFilters(), state = new URLSearchParams();
    if (want.sev.size < 4) state.set("sev", Array.from(want.sev).join(","));
    if (want.pillar) state.set("cat", want.pillar);
    if (want.rule) state.set("rule", want.rule);
    if (form.elements.file.value.trim()) state.set("file", form.elements.file.value.trim());
    for (const name of ["findings", "suppressed", "files"]) {
      if (lists[name] && lists[name].page) state.set(name, String(lists[name].page + 1));
    }
    try {
      history.replaceState(null, "", state.toString() ? "#" + state.toString() : location.pathname + location.search);
    } catch (error) { /* some browsers refuse history changes on file: pages; the filters still work */ }
  }

  function setFilter(values) {
    if (values.sev) {
      for (const box of form.querySelectorAll("input[name=sev]")) box.checked = values.sev.includes(Number(box.value));
    }
    if (values.pillar !== undefined) form.elements.pillar.value = values.pillar;
    if (values.rule !== undefined) form.elements.rule.value = values.rule;
    if (values.file !== undefined) form.elements.file.value = values.file;
    apply(values.pages);
    saveState();
  }

  function loadState() {
    const hash = location.hash.slice(1);
    if (!hash.includes("=")) return {};
    const state = new URLSearchParams(hash), pages = {};
    for (const name of ["findings", "suppressed", "files"]) pages[name] = Number(state.get(name) || 1) - 1;
    return {sev: state.has("sev") ? state.get("sev").split(",").map(Number) : undefined,
            pillar: state.get("cat") || "", rule: state.get("rule") || "", file: state.get("file") || "", pages: pages};
  }

  function refilter() { apply(); saveState(); }
  let typing = 0;
  form.addEventListener("input", (event) => { // the file box, as it is typed in
    if (event.target.name !== "file") return;
    clearTimeout(typing);
    typing = setTimeout(refilter, 200);
  });
  form.addEventListener("change", (event) => { if (event.target.name !== "file") refilter(); });
  form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(typing); refilter(); });
  form.addEventListener("reset", () => setTimeout(refilter, 0)); // after the form has its defaults back
  document.addEventListener("click", (event) => {
    const target = event.target.closest && event.target.closest("[data-show-pillar]");
    if (!target) return;
    event.preventDefault();
    setFilter({pillar: target.dataset.showPillar});
    document.getElementById("findings").scrollIntoView();
  });

  const names = document.getElementById("file-names");
  const seen = new Set();
  for (const f of data.findings) {
    if (seen.has(f.p)) continue;
    seen.add(f.p);
    const option = document.createElement("option");
    option.value = S[f.p];
    names.append(option);
  }

  document.documentElement.classList.add("scripted");
  setFilter(loadState());
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
})();
