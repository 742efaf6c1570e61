// The "Send Request" console of an API page. Data comes from the json_script
// "console-data"; everything the gateway or the user typed is inserted with textContent,
// never as HTML. Its messages are translated: gettext and interpolate come from the
// scripts' catalogue that base.html loads first (portal/jsi18n.py).
(function () {
  "use strict";
  var dataNode = document.getElementById("console-data");
  if (!dataNode) {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var $ = function (id) {
    return document.getElementById(id);
  };
  var nojs = $("console-nojs");
  if (nojs) nojs.hidden = true;

  var dialog = $("console-dialog");
  var openButton = $("open-console");
  var form = $("console-form");
  var bodyField = $("console-body");
  var bodyError = $("console-body-error");
  var marketSelect = $("console-market");
  var sendButton = $("console-send");
  var statusLine = $("console-status");
  var keepIds = $("console-keep-ids");
  var bearer = null;
  // The unique values the console generated, and whether each was sent already: a sent
  // one is replaced on the next Send (no INS-10 duplicate), an edited one is the
  // developer's and stays, and "Keep IDs fixed" keeps them all.
  var generated = {};

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function randomHex(length) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
    return hex.slice(0, length);
  }

  function currentMarket() {
    return data.markets[marketSelect.value];
  }

  function showHeader() {
    var market = currentMarket();
    var url = new URL(market.url);
    var secure = url.protocol === "https:";
    $("console-url").textContent = market.url;
    $("console-address").textContent = url.hostname;
    $("console-port").textContent = url.port || (secure ? "443" : "80");
    $("console-path").textContent = url.pathname;
    $("console-ssl").textContent = String(secure); // the protocol's true / false
    $("console-origin").textContent = window.location.origin;
  }

  function freshBody(values) {
    // The Request Box's body for the chosen market (or the values a replayed call
    // carried), with new unique values so that a second send is no duplicate (INS-10).
    var body = Object.assign({}, currentMarket().body, values || {});
    Object.keys(data.fresh).forEach(function (name) {
      if (name in body) {
        body[name] = randomHex(data.fresh[name]);
        generated[name] = { value: body[name], sent: false };
      }
    });
    return body;
  }

  function refreshIds(body) {
    // Before a Send: new values for the generated IDs already sent. Returns whether the
    // body changed (the Body box is then updated to show what is sent).
    if (keepIds && keepIds.checked) return false;
    var changed = false;
    Object.keys(data.fresh).forEach(function (name) {
      var mine = generated[name];
      if (!(name in body) || !mine || body[name] !== mine.value || !mine.sent) return;
      body[name] = randomHex(data.fresh[name]);
      generated[name] = { value: body[name], sent: false };
      changed = true;
    });
    return changed;
  }

  function markSent(body) {
    Object.keys(generated).forEach(function (name) {
      if (body[name] === generated[name].value) generated[name].sent = true;
    });
  }

  function showBodyError(message) {
    bodyError.textContent = message;
    bodyError.hidden = !message;
    bodyField.setAttribute("aria-invalid", message ? "true" : "false");
  }

  function fetchBearer() {
    bearer = null;
    sendButton.disabled = true;
    $("console-bearer").textContent = gettext("Bearer (building…)");
    return fetch(data.bearer_url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (payload) {
          if (!response.ok) throw new Error(payload.error || "HTTP " + response.status);
          return payload.bearer;
        });
      })
      .then(function (value) {
        bearer = value;
        $("console-bearer").textContent = "Bearer " + value;
        sendButton.disabled = false;
      })
      .catch(function (error) {
        $("console-bearer").textContent = interpolate(
          gettext("Could not build the bearer: %s"),
          [error.message]
        );
      });
  }

  function openConsole(values) {
    showHeader();
    bodyField.value = JSON.stringify(freshBody(values), null, 2);
    showBodyError("");
    statusLine.textContent = "";
    $("console-response").hidden = true;
    $("console-answer-empty").hidden = false;
    dialog.showModal();
    bodyField.focus();
    fetchBearer();
  }

  marketSelect.addEventListener("change", function () {
    showHeader();
    var market = currentMarket();
    try {
      var body = JSON.parse(bodyField.value);
      if ("input_Country" in body) body.input_Country = market.country;
      if ("input_Currency" in body) body.input_Currency = market.currency;
      bodyField.value = JSON.stringify(body, null, 2);
    } catch (e) {
      // Leave a body the user is still fixing alone.
    }
  });

  function parseBody() {
    var text = bodyField.value.trim() || "{}";
    var body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      showBodyError(
        interpolate(gettext("The body is not valid JSON: %s. Nothing was sent."), [e.message])
      );
      return null;
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      showBodyError(gettext("The body must be a JSON object ({ … }). Nothing was sent."));
      return null;
    }
    showBodyError("");
    if (refreshIds(body)) bodyField.value = JSON.stringify(body, null, 2);
    return body;
  }

  function asString(value) {
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function renderBody(pre, text) {
    // Pretty-printed JSON, built from text nodes; the result code and description are
    // highlighted and the code links to its row of the result-code table.
    pre.textContent = "";
    var parsed;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      pre.textContent = text;
      return null;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      pre.textContent = JSON.stringify(parsed, null, 2);
      return null;
    }
    var keys = Object.keys(parsed);
    pre.appendChild(document.createTextNode("{\n"));
    keys.forEach(function (key, index) {
      pre.appendChild(document.createTextNode("  " + JSON.stringify(key) + ": "));
      var valueText = JSON.stringify(parsed[key], null, 2).replace(/\n/g, "\n  ");
      var node;
      if (key === "output_ResponseCode" && data.codes.indexOf(parsed[key]) !== -1) {
        node = document.createElement("a");
        node.href = "#result-" + parsed[key];
        node.className = "hl-code";
      } else if (key === "output_ResponseCode") {
        node = document.createElement("mark");
        node.className = "hl-code";
      } else if (key === "output_ResponseDesc") {
        node = document.createElement("mark");
        node.className = "hl-desc";
      } else {
        node = document.createElement("span");
      }
      node.textContent = valueText;
      pre.appendChild(node);
      pre.appendChild(document.createTextNode(index < keys.length - 1 ? ",\n" : "\n"));
    });
    pre.appendChild(document.createTextNode("}"));
    return parsed;
  }

  function showResponse(response, text, sent) {
    // The answer carries no input_* echo (as the real gateway's): what was sent is
    // shown beside it.
    $("console-request-sent").textContent = JSON.stringify(sent, null, 2);
    $("console-answer-empty").hidden = true;
    $("console-response").hidden = false;
    $("console-http-status").textContent = response.status + " " + (response.statusText || "");
    var lines = [];
    response.headers.forEach(function (value, name) {
      lines.push(name + ": " + value);
    });
    $("console-response-headers").textContent = lines.join("\n");
    var parsed = renderBody($("console-response-body"), text) || {};
    var code = parsed.output_ResponseCode || "";
    $("console-result-code").textContent = code || gettext("(no result code)");
    $("console-result-desc").textContent = parsed.output_ResponseDesc || "";
    $("console-result-link").href = "#result-" + (code || "codes");
    return parsed;
  }

  function addRecentCall(status, parsed, sent) {
    var list = $("recent-calls");
    if (!list) return;
    var empty = $("recent-calls-empty");
    if (empty) empty.remove();
    var item = document.createElement("li");
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    var badge = document.createElement("span");
    var code = parsed.output_ResponseCode || "?";
    var success = code === "INS-0" || code === "INS-GAR-0"; // INS-GAR-0: Update Transaction Status
    badge.className = "badge " + (success ? "badge-success" : "badge-error");
    badge.textContent = code;
    summary.appendChild(badge);
    var when = interpolate(
      gettext("HTTP %(status)s · %(market)s · just now"),
      { status: status, market: marketSelect.value },
      true
    );
    summary.appendChild(document.createTextNode(" " + when));
    details.appendChild(summary);
    [[gettext("Request"), sent], [gettext("Response"), parsed]].forEach(function (pair) {
      var heading = document.createElement("h4");
      heading.textContent = pair[0];
      var pre = document.createElement("pre");
      pre.className = "console-pre";
      pre.textContent = JSON.stringify(pair[1], null, 2);
      details.appendChild(heading);
      details.appendChild(pre);
    });
    item.appendChild(details);
    list.insertBefore(item, list.firstChild);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = parseBody();
    if (body === null) {
      bodyField.focus();
      return;
    }
    if (!bearer) {
      statusLine.textContent = gettext("The bearer is not ready yet.");
      return;
    }
    var market = currentMarket();
    var url = market.path;
    var init = {
      method: data.method,
      headers: { Authorization: "Bearer " + bearer, "Content-Type": "application/json" },
      credentials: "omit",
      cache: "no-store",
    };
    if (data.method === "GET") {
      var query = new URLSearchParams();
      Object.keys(body).forEach(function (key) {
        query.append(key, asString(body[key]));
      });
      var qs = query.toString();
      if (qs) url += "?" + qs;
    } else {
      init.body = JSON.stringify(body);
    }
    markSent(body);
    sendButton.disabled = true;
    statusLine.textContent = gettext("Sending…");
    var started = performance.now();
    fetch(url, init)
      .then(function (response) {
        return response.text().then(function (text) {
          var parsed = showResponse(response, text, body);
          statusLine.textContent = interpolate(
            gettext("HTTP %(status)s · %(code)s · answered in %(ms)s ms."),
            {
              status: response.status,
              code: parsed.output_ResponseCode || gettext("no result code"),
              ms: Math.round(performance.now() - started),
            },
            true
          );
          addRecentCall(response.status, parsed, body);
          showAnswer();
        });
      })
      .catch(function (error) {
        statusLine.textContent = interpolate(gettext("The request failed: %s"), [error.message]);
      })
      .then(function () {
        sendButton.disabled = false;
      });
  });

  function showAnswer() {
    // Wide screens: the answer is beside the form (sticky). Narrow ones: it follows the
    // Send row, which is brought to the top so that the status and body are in view.
    if (window.matchMedia("(min-width: 900px)").matches) return;
    $("console-send-row").scrollIntoView({ block: "start" });
  }

  function replayValues() {
    // "Open in console" from the request log: the call's parameters in the query string.
    var values = {};
    var found = false;
    new URLSearchParams(window.location.search).forEach(function (value, name) {
      if (name.indexOf("input_") === 0) {
        values[name] = value;
        found = true;
      }
    });
    return found ? values : null;
  }

  if (openButton) {
    openButton.addEventListener("click", function () {
      openConsole(null);
    });
    var replay = replayValues();
    if (replay) openConsole(replay);
  }
  $("close-console").addEventListener("click", function () {
    dialog.close();
  });
})();
