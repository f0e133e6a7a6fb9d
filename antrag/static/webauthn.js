/* Security keys (WebAuthn): runs the browser side of enrolment and sign-in.
 *
 * A form with data-webauthn="register" or "authenticate" asks its data-options URL for
 * the ceremony's options, passes them to navigator.credentials, and posts the answer as
 * JSON to its action; the CSRF token travels in the X-CSRFToken header. Messages come
 * from #webauthn-messages, so that they are translated with the page. What only works
 * with this script (the button, the key's name) is rendered hidden with data-needs-script
 * and shown here: without JavaScript the page explains in a <noscript> what else to do.
 */
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return options;
  }

  // The fields of every credential as JSON, with `response` the ceremony's own (base64url).
  function credentialJSON(credential, response) {
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: response
    };
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return credentialJSON(credential, {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : []
    });
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return credentialJSON(credential, {
      clientDataJSON: toText(response.clientDataJSON),
      authenticatorData: toText(response.authenticatorData),
      signature: toText(response.signature),
      userHandle: response.userHandle ? toText(response.userHandle) : null
    });
  }

  function post(form, url, body) {
    var token = form.querySelector("input[name=csrf_token]");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": token ? token.value : ""
      },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Refusal(data.error, data.redirect); }
        return data;
      });
    });
  }

  function Refusal(message, redirect) {
    this.message = message;
    this.redirect = redirect;
  }

  function goOn(form, data) {
    if (data.resubmit) {
      // A form kept for after the step-up: its fields are hidden inputs of this form.
      form.removeAttribute("data-webauthn");
      form.action = data.resubmit;
      form.submit();
    } else {
      window.location.assign(data.redirect);
    }
  }

  function run(form, messages) {
    var status = form.querySelector("[data-webauthn-status]");
    var button = form.querySelector("button[type=submit]");
    var register = form.dataset.webauthn === "register";
    var name = form.querySelector("input[name=name]");
    function say(text) { if (status) { status.textContent = text || ""; } }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say(messages.unsupported);
      return;
    }
    if (register && name && !name.value.trim()) {
      name.setAttribute("aria-invalid", "true");
      name.focus();
      return post(form, form.action, { name: "", credential: null }).catch(function (e) {
        say(e.message || messages.failed);
      });
    }
    button.disabled = true;
    say("");
    post(form, form.dataset.options, {})
      .then(function (options) {
        say(messages.waiting);
        return register
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (credential) {
        var body = register
          ? { name: name ? name.value : "", credential: registrationJSON(credential) }
          : { credential: assertionJSON(credential), next: form.dataset.next || null };
        return post(form, form.action, body);
      })
      .then(function (data) { goOn(form, data); })
      .catch(function (error) {
        button.disabled = false;
        if (error instanceof Refusal && error.redirect) { window.location.assign(error.redirect); }
        else if (error instanceof Refusal) { say(error.message || messages.failed); }
        else if (error && error.name === "NotAllowedError") { say(messages.cancelled); }
        else { say(messages.failed); }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("webauthn-messages");
    var messages = box ? box.dataset : {};
    document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        run(form, messages);
      });
      form.querySelectorAll("[data-needs-script]").forEach(function (part) { part.hidden = false; });
    });
  });
})();
