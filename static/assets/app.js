// Progressive enhancements of the server-rendered pages; every page works without this
// file. Served from 'self' under the strict CSP: no inline handlers anywhere.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Copy buttons (data-copy): the Clipboard API where the page is a secure context
  // (https, localhost), else a selected, off-screen text field and execCommand — which
  // still works on http://192.168.x.y, where navigator.clipboard is missing. Either way
  // the button then says "copied" for a moment.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }
  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "sr-only";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(field);
    return ok;
  }
  function copied(button, ok) {
    if (!ok) return;
    var label = button.querySelector(".copy-label") || button;
    if (!button.dataset.label) button.dataset.label = label.textContent;
    label.textContent = button.dataset.copied || button.dataset.label;
    button.classList.add("copied");
    clearTimeout(button.copyTimer);
    button.copyTimer = setTimeout(function () {
      label.textContent = button.dataset.label;
      button.classList.remove("copied");
    }, 2000);
  }

  // Dialogs: a link with data-dialog opens that <dialog> modal instead of its page (fetched
  // from that page when it is not in this one: fetchDialog); one drawn open by the server
  // (a failed post) becomes modal too; data-close-dialog (a link back, without JavaScript)
  // closes the dialog it is in.
  function upgradeDialogs(root) {
    root.querySelectorAll("dialog[open]").forEach(function (d) {
      if (d.matches(":modal")) return;
      d.close();
      d.showModal();
    });
  }

  // A link whose dialog is not in the page (a long list draws none: 30 rows would carry
  // 60) fetches it from its own page, asking for the dialog alone (X-Dialog), and shows it
  // next to the link, modal. One fetched dialog at a time: the next replaces it, and a
  // swap of the page drops it. An answer without a dialog (an error, a sign-in page after
  // the session ended) sends the browser to the page itself, as without JavaScript.
  var fetching = null;
  function fetchDialog(opener) {
    if (fetching === opener) return;
    fetching = opener;
    var href = opener.href;
    fetch(href, { headers: { "HX-Request": "true", "X-Dialog": "true" }, credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
      .then(function (html) {
        fetching = null;
        var parsed = document.createElement("template");
        parsed.innerHTML = html;
        var dialog = parsed.content.querySelector("dialog");
        if (!dialog) throw new Error("no dialog in " + href);
        if (!opener.isConnected) return;
        document.querySelectorAll("dialog[data-fetched]").forEach(function (d) { d.remove(); });
        dialog.setAttribute("data-fetched", "");
        opener.after(dialog);
        if (window.htmx) htmx.process(dialog);
        dialog.showModal();
      })
      .catch(function () {
        fetching = null;
        location.assign(href);
      });
  }

  // After an inline error, focus goes to the first invalid field; a form opened in place
  // gets the focus on its first field.
  function focusFirst(root, opened) {
    var bad = root.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    if (opened) {
      var field = root.querySelector("form input:not([type=hidden]), form select, form textarea");
      if (field) field.focus();
    }
  }

  document.addEventListener("click", function (ev) {
    var copy = ev.target.closest("[data-copy]");
    if (copy) {
      copyText(copy.dataset.copy).then(function (ok) { copied(copy, ok); });
      return;
    }
    var closer = ev.target.closest("[data-close-dialog]");
    var open = closer && closer.closest("dialog");
    if (open) {
      ev.preventDefault();
      open.close();
      return;
    }
    var opener = ev.target.closest("a[data-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.dialog);
      if (dialog && dialog.showModal) {
        ev.preventDefault();
        dialog.showModal();
      } else if (!dialog && window.fetch && window.HTMLDialogElement) {
        ev.preventDefault();
        fetchDialog(opener);
      }
      return;
    }
    // A click outside an open menu (<details data-menu>) closes it.
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(ev.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });

  // An upload posted with htmx shows how far it got in its form's <progress
  // data-upload-progress> (hidden without JavaScript, where the browser shows it instead).
  document.addEventListener("htmx:xhr:progress", function (ev) {
    var form = ev.target.closest && ev.target.closest("form");
    var bar = form && form.querySelector("[data-upload-progress]");
    if (!bar || !ev.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round(ev.detail.loaded * 100 / ev.detail.total);
  });

  document.addEventListener("DOMContentLoaded", function () {
    upgradeDialogs(document);
    focusFirst(document.getElementById("content") || document, false);
  });
  // htmx swapped something in: a failed post focuses its first invalid field, a form
  // opened by an edit link (data-focus-form) its first field; polls and other GETs leave
  // the focus where it is.
  document.addEventListener("htmx:afterSettle", function (ev) {
    upgradeDialogs(document);
    var cfg = ev.detail.requestConfig || {};
    var opened = cfg.verb === "get";
    if (opened && !(cfg.elt && cfg.elt.hasAttribute("data-focus-form"))) return;
    var target = ev.detail.target;
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    focusFirst(target || document.getElementById("content") || document, opened);
  });
})();
