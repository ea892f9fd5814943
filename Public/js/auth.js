// Admin token: kept in sessionStorage ("understudy.token") and asked for with an inline
// form (never a dialog) when the API answers 401.

const KEY = "understudy.token";

export function getToken() {
  try {
    return sessionStorage.getItem(KEY) || "";
  } catch {
    return "";
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the token lives only as long as this page does not reload.
  }
}

/**
 * Wires the token form. `onToken()` runs after the user submitted a token.
 * Returns `requestToken(usedToken)`, to call on a 401: it shows the form (once), and
 * forgets the stored token when that is the one the server just refused.
 */
export function createAuth({ section, form, input, message }, onToken) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      message.textContent = "Enter the admin token (server.admin.token).";
      input.focus();
      return;
    }
    storeToken(token);
    input.value = "";
    section.hidden = true;
    onToken();
  });

  return function requestToken(usedToken) {
    const refused = Boolean(usedToken) && usedToken === getToken();
    if (refused) storeToken("");
    if (!section.hidden && !refused) return;
    message.textContent = refused
      ? "The server refused this token. Enter the admin token again."
      : "This server's admin API needs a bearer token.";
    section.hidden = false;
    input.focus();
  };
}
