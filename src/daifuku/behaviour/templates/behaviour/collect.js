/* Daifuku first-party behaviour snippet. Served by the CRM itself (no CDN); keeps an
   anonymous visitor id in this site's own localStorage and first-party cookie (no
   third-party cookie); sends nothing until daifuku.consent(true) when consent is required.
   API: daifuku.consent(bool), daifuku.page(), daifuku.product(sku), daifuku.cart(sku, qty, value),
   daifuku.search(words), daifuku.identify(token, via), daifuku.flush(). */
(function () {
  "use strict";
  var REQUIRE_CONSENT = {{ require_consent|yesno:"true,false" }};
  var script = document.currentScript;
  var base = (script ? new URL(script.src, location.href).origin : "") + "/behaviour/";
  var VID = "dfk_vid", CONSENT = "dfk_consent", MAX = 10, WAIT = 1000;
  var queue = [], timer = null, pendingIdentify = [];

  function get(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function set(key, value) { try { localStorage.setItem(key, value); } catch (e) {} }
  function drop(key) { try { localStorage.removeItem(key); } catch (e) {} }
  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function setCookie(name, value, seconds) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; Max-Age=" + seconds +
      "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function consented() { return !REQUIRE_CONSENT || get(CONSENT) === "1"; }
  function visitor() {
    var v = get(VID) || cookie(VID);
    if (!v) v = uuid();
    set(VID, v); setCookie(VID, v, 60 * 60 * 24 * 395);
    return v;
  }
  function post(path, payload, beacon) {
    var body = JSON.stringify(payload);
    // text/plain is a "simple" request: no CORS preflight; the server checks the Origin
    if (beacon && navigator.sendBeacon) {
      return navigator.sendBeacon(base + path, new Blob([body], { type: "text/plain" }));
    }
    return fetch(base + path, { method: "POST", body: body, keepalive: true, credentials: "omit",
      headers: { "Content-Type": "text/plain" } });
  }
  function flush(beacon) {
    clearTimeout(timer); timer = null;
    if (!consented() || !queue.length) return;
    var id = visitor();
    while (queue.length) {
      var batch = queue.splice(0, 50);
      var sent = post("collect", { visitor: id, events: batch }, beacon);
      if (sent && sent.then) {
        sent.then(function (r) { if (r.status >= 500) throw r; })
          .catch(function (b) { return function () { queue = b.concat(queue); schedule(); }; }(batch));
      }
    }
  }
  function schedule() {
    if (!consented()) return;
    if (queue.length >= MAX) flush(false);
    else if (!timer) timer = setTimeout(flush, WAIT);
  }
  function track(type, props) {
    var e = { id: uuid(), type: type, ts: new Date().toISOString(), url: location.href, ref: document.referrer };
    for (var k in props || {}) e[k] = props[k];
    queue.push(e);  // kept in this page's memory only until consent
    schedule();
  }
  function sendIdentify(token, via) {
    post("identify", { visitor: visitor(), token: token, via: via || "login" });
  }
  var api = {
    consent: function (yes) {
      if (yes) { set(CONSENT, "1"); schedule(); flush(false);
        while (pendingIdentify.length) sendIdentify.apply(null, pendingIdentify.shift()); }
      else { set(CONSENT, "0"); queue = []; pendingIdentify = []; drop(VID); setCookie(VID, "", 0); }
    },
    page: function () { track("page_view"); },
    product: function (sku, props) { var p = props || {}; p.sku = String(sku); track("product_view", p); },
    cart: function (sku, qty, value) { track("cart", { sku: String(sku), qty: qty || 1, value: value }); },
    search: function (words) { track("search", { q: String(words) }); },
    identify: function (token, via) {
      if (consented()) sendIdentify(token, via); else pendingIdentify.push([token, via]);
    },
    flush: function () { flush(false); },
    requiresConsent: REQUIRE_CONSENT
  };
  var early = window.daifuku;  // calls made before the snippet loaded: [["search", "茶"], …]
  window.daifuku = api;
  api.page();
  // a link from one of our mails carries ?dfk_t=<token>: identify, then tidy the address
  var params = new URLSearchParams(location.search);
  if (params.get("dfk_t")) {
    api.identify(params.get("dfk_t"), "mail");
    params.delete("dfk_t");
    var rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
  if (Array.isArray(early)) early.forEach(function (c) { if (api[c[0]]) api[c[0]].apply(null, c.slice(1)); });
  addEventListener("pagehide", function () { flush(true); });
  document.dispatchEvent(new Event("daifuku:ready"));
})();
