// The registry's query console: posts the query to /graphql and browses the schema from its SDL.
// Written for this project; it loads nothing from anywhere but this service.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  async function run(event) {
    if (event) event.preventDefault();
    const status = $("status");
    const result = $("result");
    let variables = {};
    const text = $("variables").value.trim();
    if (text) {
      try {
        variables = JSON.parse(text);
      } catch (error) {
        status.textContent = "变量不是有效的 JSON · Variables are not valid JSON: " + error.message;
        return;
      }
    }
    const headers = { "content-type": "application/json", accept: "application/json" };
    const token = $("token").value.trim();
    if (token) headers.authorization = "Bearer " + token;
    status.textContent = "运行中 · Running…";
    const started = performance.now();
    try {
      const response = await fetch("/graphql", {
        method: "POST",
        headers: headers,
        body: JSON.stringify({ query: $("query").value, variables: variables }),
      });
      const body = await response.text();
      let shown = body;
      try {
        shown = JSON.stringify(JSON.parse(body), null, 2);
      } catch (ignored) {
        // not JSON: shown as it came
      }
      result.textContent = shown;
      const ms = Math.round(performance.now() - started);
      status.textContent = "HTTP " + response.status + " · " + ms + " ms";
    } catch (error) {
      status.textContent = "请求失败 · Request failed: " + error.message;
    }
  }

  // The SDL's definitions: descriptions dropped, then each `kind Name ... { body }` or one-line definition.
  function parseSdl(sdl) {
    const plain = sdl.replace(/"""[\s\S]*?"""/g, "").replace(/"(?:[^"\\\n]|\\.)*"/g, "").replace(/#.*$/gm, "");
    const definitions = [];
    const pattern = /\b(type|input|enum|interface|union|scalar)\s+(\w+)([^{\n]*)(\{([^}]*)\})?/g;
    let match;
    while ((match = pattern.exec(plain)) !== null) {
      const members = [];
      if (match[5] !== undefined) {
        let depth = 0;
        let current = "";
        for (const ch of match[5]) {
          if (ch === "(") depth += 1;
          if (ch === ")") depth -= 1;
          if (ch === "\n" && depth === 0) {
            if (current.trim()) members.push(current.trim().replace(/\s+/g, " "));
            current = "";
          } else {
            current += ch;
          }
        }
        if (current.trim()) members.push(current.trim().replace(/\s+/g, " "));
      }
      definitions.push({ kind: match[1], name: match[2], tail: match[3].trim(), members: members });
    }
    return definitions;
  }

  function typeLinks(text, names) {
    const fragment = document.createDocumentFragment();
    const parts = text.split(/(\b\w+\b)/);
    for (const part of parts) {
      if (names.has(part)) {
        const link = document.createElement("a");
        link.href = "#type-" + part;
        link.textContent = part;
        link.addEventListener("click", () => {
          const target = $("type-" + part);
          if (target) target.open = true;
        });
        fragment.appendChild(link);
      } else {
        fragment.appendChild(document.createTextNode(part));
      }
    }
    return fragment;
  }

  function render(definitions) {
    const names = new Set(definitions.map((d) => d.name));
    const container = $("types");
    container.textContent = "";
    definitions.sort((a, b) => (a.name === "Query" ? -1 : b.name === "Query" ? 1 : a.name.localeCompare(b.name)));
    for (const definition of definitions) {
      const details = document.createElement("details");
      details.id = "type-" + definition.name;
      details.dataset.search = (definition.name + " " + definition.members.join(" ")).toLowerCase();
      const summary = document.createElement("summary");
      summary.textContent = definition.kind + " " + definition.name;
      details.appendChild(summary);
      if (definition.tail) {
        const tail = document.createElement("p");
        tail.appendChild(typeLinks(definition.tail, names));
        details.appendChild(tail);
      }
      const list = document.createElement("ul");
      for (const member of definition.members) {
        const item = document.createElement("li");
        const code = document.createElement("code");
        code.appendChild(typeLinks(member, names));
        item.appendChild(code);
        list.appendChild(item);
      }
      details.appendChild(list);
      container.appendChild(details);
    }
  }

  function filter() {
    const needle = $("filter").value.trim().toLowerCase();
    for (const details of $("types").querySelectorAll("details")) {
      details.hidden = needle !== "" && !details.dataset.search.includes(needle);
    }
  }

  async function loadSchema() {
    try {
      const response = await fetch("/console/schema.graphql");
      if (!response.ok) throw new Error("HTTP " + response.status);
      render(parseSdl(await response.text()));
    } catch (error) {
      $("types").textContent = "模式不可用 · Schema unavailable: " + error.message;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("run-form").addEventListener("submit", run);
    $("query").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(event);
    });
    $("filter").addEventListener("input", filter);
    loadSchema();
  });
})();
